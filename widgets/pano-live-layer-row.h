// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "pano-live-map-layer.h"

G_BEGIN_DECLS

#define PANO_TYPE_LIVE_LAYER_ROW (pano_live_layer_row_get_type ())
G_DECLARE_FINAL_TYPE (PanoLiveLayerRow, pano_live_layer_row, PANO, LIVE_LAYER_ROW, GtkBox)

GtkWidget *pano_live_layer_row_new     (PanoLiveMapLayer *layer,
                                        PanoLiveStore    *store,
                                        const char       *title);
void       pano_live_layer_row_refresh (PanoLiveLayerRow *self);
const char *pano_live_layer_row_get_subtitle (PanoLiveLayerRow *self);

G_END_DECLS
