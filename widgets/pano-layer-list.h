// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "pano-layer-stack.h"

G_BEGIN_DECLS

#define PANO_TYPE_LAYER_LIST (pano_layer_list_get_type ())
G_DECLARE_FINAL_TYPE (PanoLayerList, pano_layer_list, PANO, LAYER_LIST, GtkWidget)

void       pano_layer_list_set_stack (PanoLayerList  *self,
                                      PanoLayerStack *stack);
GtkWidget *pano_layer_list_get_row   (PanoLayerList  *self,
                                      guint           position);

G_END_DECLS
