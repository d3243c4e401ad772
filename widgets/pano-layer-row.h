// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "pano-layer-stack.h"

G_BEGIN_DECLS

#define PANO_TYPE_LAYER_ROW (pano_layer_row_get_type ())
G_DECLARE_FINAL_TYPE (PanoLayerRow, pano_layer_row, PANO, LAYER_ROW, GtkListBoxRow)

GtkWidget       *pano_layer_row_new       (PanoLayerStack  *stack,
                                           PanoStaticLayer *layer);
PanoStaticLayer *pano_layer_row_get_layer (PanoLayerRow    *self);

void             pano_layer_draw_swatch   (cairo_t         *cr,
                                           PanoGeometryKind kind,
                                           const GdkRGBA   *color,
                                           int              width,
                                           int              height);

G_END_DECLS
