// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <shumate/shumate.h>

#include "pano-gis-layer.h"
#include "pano-live-store.h"

G_BEGIN_DECLS

#define PANO_TYPE_GRID_CHOROPLETH (pano_grid_choropleth_get_type ())
G_DECLARE_FINAL_TYPE (PanoGridChoropleth, pano_grid_choropleth, PANO, GRID_CHOROPLETH, ShumateLayer)

PanoGridChoropleth *pano_grid_choropleth_new        (ShumateViewport    *viewport,
                                                     PanoGisLayer       *cells,
                                                     PanoLiveStore      *store);
void                pano_grid_choropleth_get_counts (PanoGridChoropleth *self,
                                                     const char         *code,
                                                     guint              *open,
                                                     guint              *overdue);

G_END_DECLS
