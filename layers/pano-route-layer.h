// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

#define PANO_TYPE_ROUTE_LAYER (pano_route_layer_get_type ())
G_DECLARE_FINAL_TYPE (PanoRouteLayer, pano_route_layer, PANO, ROUTE_LAYER, ShumateLayer)

PanoRouteLayer *pano_route_layer_new         (ShumateViewport *viewport);
void            pano_route_layer_clear       (PanoRouteLayer  *self);
void            pano_route_layer_add         (PanoRouteLayer  *self,
                                              const double    *lonlat,
                                              guint            n_points,
                                              gboolean         assigned);
void            pano_route_layer_set_focus   (PanoRouteLayer  *self,
                                              gboolean         focused,
                                              double           lon,
                                              double           lat);
guint           pano_route_layer_get_n_routes (PanoRouteLayer *self);

G_END_DECLS
