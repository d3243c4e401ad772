// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gdk/gdk.h>

#include "pano-gis-layer.h"
#include "pano-style.h"
#include "pano-tile-renderer.h"

G_BEGIN_DECLS

#define PANO_TYPE_STATIC_LAYER (pano_static_layer_get_type ())
G_DECLARE_FINAL_TYPE (PanoStaticLayer, pano_static_layer, PANO, STATIC_LAYER, GObject)

PanoStaticLayer  *pano_static_layer_new              (const char      *title);
PanoStaticLayer  *pano_static_layer_new_for_gis_layer (PanoGisLayer   *layer,
                                                       const GdkRGBA  *color);
void              pano_static_layer_add              (PanoStaticLayer *self,
                                                      PanoGisLayer    *layer,
                                                      const PanoStyle *style);
void              pano_static_layer_set_background   (PanoStaticLayer *self,
                                                      const PanoColor *color);
const char       *pano_static_layer_get_title        (PanoStaticLayer *self);
const char       *pano_static_layer_get_source       (PanoStaticLayer *self);
const char       *pano_static_layer_get_crs_name     (PanoStaticLayer *self);
const char       *pano_static_layer_get_warning      (PanoStaticLayer *self);
guint             pano_static_layer_get_n_features   (PanoStaticLayer *self);
PanoGeometryKind  pano_static_layer_get_kind         (PanoStaticLayer *self);
gboolean          pano_static_layer_get_visible      (PanoStaticLayer *self);
void              pano_static_layer_set_visible      (PanoStaticLayer *self,
                                                      gboolean         visible);
double            pano_static_layer_get_opacity      (PanoStaticLayer *self);
void              pano_static_layer_set_opacity      (PanoStaticLayer *self,
                                                      double           opacity);
void              pano_static_layer_get_color        (PanoStaticLayer *self,
                                                      GdkRGBA         *color);
void              pano_static_layer_set_color        (PanoStaticLayer *self,
                                                      const GdkRGBA   *color);
void              pano_static_layer_set_label_scale  (PanoStaticLayer *self,
                                                      double           scale);
gboolean          pano_static_layer_get_recolorable  (PanoStaticLayer *self);
gboolean          pano_static_layer_get_extent       (PanoStaticLayer *self,
                                                      double          *extent);
PanoTileRenderer *pano_static_layer_get_renderer     (PanoStaticLayer *self);
PanoGisLayer     *pano_static_layer_find_gis_layer   (PanoStaticLayer *self,
                                                      const char      *name);
int               pano_static_layer_hit_test         (PanoStaticLayer *self,
                                                      double           x,
                                                      double           y,
                                                      double           tolerance,
                                                      PanoGisLayer   **hit_layer);

G_END_DECLS
