// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <shumate/shumate.h>

#include "pano-tile-renderer.h"

G_BEGIN_DECLS

#define PANO_TYPE_TILE_SOURCE (pano_tile_source_get_type ())
G_DECLARE_FINAL_TYPE (PanoTileSource, pano_tile_source, PANO, TILE_SOURCE, ShumateMapSource)

PanoTileSource   *pano_tile_source_new          (const char       *id,
                                                 PanoTileRenderer *renderer);

G_END_DECLS
