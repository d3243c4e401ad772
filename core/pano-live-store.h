// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "pano-feed-frame.h"
#include "pano-live-layer.h"

G_BEGIN_DECLS

#define PANO_TYPE_LIVE_STORE (pano_live_store_get_type ())
G_DECLARE_FINAL_TYPE (PanoLiveStore, pano_live_store, PANO, LIVE_STORE, GObject)

#define PANO_FEED_ERROR (pano_feed_error_quark ())

typedef enum
{
  PANO_FEED_ERROR_GAP,
  PANO_FEED_ERROR_PROTOCOL,
  PANO_FEED_ERROR_REFUSED,
  PANO_FEED_ERROR_DEAD_PEER,
} PanoFeedError;

GQuark            pano_feed_error_quark          (void);

PanoLiveStore    *pano_live_store_new            (const char * const *layers);
const char * const *pano_live_store_get_layer_names (PanoLiveStore   *self);
PanoLiveLayer    *pano_live_store_get_layer      (PanoLiveStore   *self,
                                                  const char      *layer);
const char       *pano_live_store_get_epoch      (PanoLiveStore   *self);
void              pano_live_store_set_epoch      (PanoLiveStore   *self,
                                                  const char      *epoch);
gint64            pano_live_store_get_seq        (PanoLiveStore   *self,
                                                  const char      *layer);
gint64            pano_live_store_get_newest_data (PanoLiveStore  *self,
                                                   const char     *layer);
guint64           pano_live_store_get_coalesced  (PanoLiveStore   *self,
                                                  const char      *layer);
guint             pano_live_store_get_n_snapshots (PanoLiveStore  *self,
                                                   const char     *layer);
void              pano_live_store_forget         (PanoLiveStore   *self,
                                                  const char      *layer);
gboolean          pano_live_store_is_awaiting_snapshot (PanoLiveStore *self,
                                                        const char    *layer);
guint64           pano_live_store_get_n_dropped  (PanoLiveStore   *self,
                                                  const char      *layer);
gboolean          pano_live_store_apply_until    (PanoLiveStore   *self,
                                                  PanoFeedFrame   *frame,
                                                  guint           *next,
                                                  gint64           deadline_us,
                                                  GError         **error);
gboolean          pano_live_store_apply          (PanoLiveStore   *self,
                                                  PanoFeedFrame   *frame,
                                                  GError         **error);
void              pano_live_store_flush          (PanoLiveStore   *self);
void              pano_live_store_track_changes  (PanoLiveStore   *self,
                                                  const char      *layer);
GPtrArray        *pano_live_store_take_changes   (PanoLiveStore   *self,
                                                  const char      *layer,
                                                  gboolean        *replaced);
void              pano_live_store_set_class      (PanoLiveStore   *self,
                                                  const char      *layer,
                                                  guint            slot,
                                                  guint            klass);

G_END_DECLS
