// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  PANO_TICKER_ALERT,
  PANO_TICKER_INCIDENT,
} PanoTickerKind;

#define PANO_TICKER_MAX_ITEMS 20

#define PANO_TYPE_TICKER (pano_ticker_get_type ())
G_DECLARE_FINAL_TYPE (PanoTicker, pano_ticker, PANO, TICKER, GtkBox)

GtkWidget  *pano_ticker_new           (void);
void        pano_ticker_push          (PanoTicker     *self,
                                       PanoTickerKind  kind,
                                       const char     *id,
                                       const char     *level,
                                       const char     *text,
                                       gint64          at_ms);
void        pano_ticker_set_rotate_seconds (PanoTicker *self,
                                            guint       seconds);
guint       pano_ticker_get_n_items   (PanoTicker     *self);
const char *pano_ticker_get_item_text (PanoTicker     *self,
                                       guint           index);
const char *pano_ticker_get_item_id   (PanoTicker     *self,
                                       guint           index);
const char *pano_ticker_get_shown_text (PanoTicker    *self);
void        pano_ticker_activate_shown (PanoTicker    *self);

G_END_DECLS
