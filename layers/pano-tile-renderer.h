// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cairo.h>
#include <glib-object.h>

#include "pano-gis-layer.h"
#include "pano-style.h"

G_BEGIN_DECLS

#define PANO_TYPE_TILE_RENDERER (pano_tile_renderer_get_type ())
G_DECLARE_FINAL_TYPE (PanoTileRenderer, pano_tile_renderer, PANO, TILE_RENDERER, GObject)

PanoTileRenderer *pano_tile_renderer_new      (void);
void              pano_tile_renderer_add      (PanoTileRenderer *self,
                                               PanoGisLayer     *layer,
                                               const PanoStyle  *style);
void              pano_tile_renderer_set_background (PanoTileRenderer *self,
                                                     const PanoColor  *color);
void              pano_tile_renderer_set_label_scale (PanoTileRenderer *self,
                                                      double            scale);
void              pano_tile_renderer_draw     (PanoTileRenderer *self,
                                               cairo_t          *cr,
                                               double            zoom,
                                               double            origin_x,
                                               double            origin_y,
                                               int               width,
                                               int               height);
cairo_surface_t  *pano_tile_renderer_render_tile (PanoTileRenderer *self,
                                                  guint             x,
                                                  guint             y,
                                                  guint             zoom,
                                                  guint             size);

G_END_DECLS
