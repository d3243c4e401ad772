// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <shumate/shumate.h>

#include "pano-tile-renderer.h"

G_BEGIN_DECLS

#define PANO_TYPE_TILE_LAYER (pano_tile_layer_get_type ())
G_DECLARE_FINAL_TYPE (PanoTileLayer, pano_tile_layer, PANO, TILE_LAYER, ShumateLayer)

PanoTileLayer *pano_tile_layer_new       (ShumateViewport   *viewport);
void           pano_tile_layer_set_parts (PanoTileLayer     *self,
                                          PanoTileRenderer **renderers,
                                          const double      *opacities,
                                          guint              n_parts);
guint          pano_tile_layer_get_n_pending (PanoTileLayer   *self);

G_END_DECLS
