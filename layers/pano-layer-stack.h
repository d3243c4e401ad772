// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <shumate/shumate.h>

#include "pano-static-layer.h"

G_BEGIN_DECLS

#define PANO_TYPE_LAYER_STACK (pano_layer_stack_get_type ())
G_DECLARE_FINAL_TYPE (PanoLayerStack, pano_layer_stack, PANO, LAYER_STACK, GObject)

PanoLayerStack *pano_layer_stack_new          (ShumateMap      *map);
GListModel     *pano_layer_stack_get_model    (PanoLayerStack  *self);
void            pano_layer_stack_add          (PanoLayerStack  *self,
                                               PanoStaticLayer *layer);
void            pano_layer_stack_add_bottom   (PanoLayerStack  *self,
                                               PanoStaticLayer *layer);
void            pano_layer_stack_remove       (PanoLayerStack  *self,
                                               PanoStaticLayer *layer);
gboolean        pano_layer_stack_move         (PanoLayerStack  *self,
                                               PanoStaticLayer *layer,
                                               int              delta);
void            pano_layer_stack_set_backdrop (PanoLayerStack  *self,
                                               ShumateLayer    *backdrop);
void            pano_layer_stack_set_ceiling  (PanoLayerStack  *self,
                                               ShumateLayer    *ceiling);
void            pano_layer_stack_zoom_to      (PanoLayerStack  *self,
                                               PanoStaticLayer *layer);
void            pano_layer_stack_zoom_to_extent (PanoLayerStack *self,
                                                 const double    extent[4]);
int             pano_layer_stack_hit_test     (PanoLayerStack   *self,
                                               double            widget_x,
                                               double            widget_y,
                                               PanoStaticLayer **hit_static,
                                               PanoGisLayer    **hit_layer);

G_END_DECLS
