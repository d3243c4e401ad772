// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "pano-hub-client.h"

G_BEGIN_DECLS

#define PANO_TYPE_PANEL_READER (pano_panel_reader_get_type ())
G_DECLARE_FINAL_TYPE (PanoPanelReader, pano_panel_reader, PANO, PANEL_READER, GObject)

/* An answer or an error (never both) for @widget. With no hub to read from the error is
 * G_IO_ERROR_NOT_CONNECTED. */
typedef void (*PanoPanelReaderFunc) (GtkWidget    *widget,
                                     JsonObject   *answer,
                                     const GError *error);

PanoPanelReader *pano_panel_reader_new        (GtkWidget           *widget,
                                               const char          *endpoint,
                                               PanoPanelReaderFunc  func);
void             pano_panel_reader_set_client (PanoPanelReader     *self,
                                               PanoHubClient       *client);
void             pano_panel_reader_read       (PanoPanelReader     *self);
void             pano_panel_reader_set_scope  (PanoPanelReader     *self,
                                               const char          *prefix);
const char      *pano_panel_reader_get_scope  (PanoPanelReader     *self);
void             pano_panel_reader_set_refresh_seconds (PanoPanelReader *self,
                                                        guint            seconds);
PanoHubClient   *pano_panel_reader_get_client (PanoPanelReader     *self);
gboolean         pano_panel_reader_is_loading (PanoPanelReader     *self);
guint            pano_panel_reader_get_n_loads (PanoPanelReader    *self);

G_END_DECLS
