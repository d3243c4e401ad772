// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <shumate/shumate.h>

#include "pano-live-store.h"
#include "pano-live-style.h"

G_BEGIN_DECLS

#define PANO_TYPE_LIVE_MAP_LAYER (pano_live_map_layer_get_type ())
G_DECLARE_FINAL_TYPE (PanoLiveMapLayer, pano_live_map_layer, PANO, LIVE_MAP_LAYER, ShumateLayer)

PanoLiveMapLayer *pano_live_map_layer_new          (ShumateViewport  *viewport,
                                                    PanoLiveStore    *store,
                                                    const char       *layer);
const char       *pano_live_map_layer_get_layer    (PanoLiveMapLayer *self);
gboolean          pano_live_map_layer_is_aggregated (PanoLiveMapLayer *self);
void              pano_live_map_layer_set_class_mask (PanoLiveMapLayer *self,
                                                      guint             mask);
guint             pano_live_map_layer_get_class_mask (PanoLiveMapLayer *self);
const PanoLiveStyle *pano_live_map_layer_get_style   (PanoLiveMapLayer *self);
guint             pano_live_map_layer_get_n_drawn  (PanoLiveMapLayer *self);
void              pano_live_map_layer_set_dim_others (PanoLiveMapLayer *self,
                                                      gboolean          dim_others);
gboolean          pano_live_map_layer_get_dim_others (PanoLiveMapLayer *self);
void              pano_live_map_layer_select       (PanoLiveMapLayer *self,
                                                    const char       *id);
int               pano_live_map_layer_hit_test     (PanoLiveMapLayer *self,
                                                    double            x,
                                                    double            y);
gboolean          pano_live_map_layer_get_symbol_area (PanoLiveMapLayer *self,
                                                       guint             slot,
                                                       GdkRectangle     *area);
gboolean          pano_live_map_layer_draws_lines  (PanoLiveMapLayer *self);
guint             pano_live_map_layer_get_n_line_pictures (PanoLiveMapLayer *self);
guint             pano_live_map_layer_get_n_line_tiles_drawn (PanoLiveMapLayer *self);
void              pano_live_map_layer_set_scale    (PanoLiveMapLayer *self,
                                                    double            scale);
double            pano_live_map_layer_get_scale    (PanoLiveMapLayer *self);

G_END_DECLS
