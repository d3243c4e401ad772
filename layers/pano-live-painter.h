// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cairo.h>

#include "pano-live-layer.h"
#include "pano-live-style.h"

G_BEGIN_DECLS

/* How a live layer's entities become cairo paint: symbols, rings, glyphs and road lines in the
 * layer's style. The window's live map layer caches what it paints as textures; the printed
 * map (panorama --report, --export) paints straight onto its page. */

#define PANO_LIVE_STALE_ALPHA 0.35
#define PANO_LIVE_GLYPH_ZOOM 13.0

/* The part of the world drawn: web-mercator pixels at @zoom from (@origin_x, @origin_y). */
typedef struct
{
  double zoom, world, origin_x, origin_y;
  int width, height;
  gint64 now_ms;
  double scale;       /* symbols and lines, 1.0 on a desk (wall mode: wall-scale) */
} PanoLiveView;

typedef struct
{
  guint shape;        /* resource kind, 0 for a dot */
  guint klass;
  gboolean stale;
  gboolean ring;
  gboolean selected;
  guint glyph;        /* event category, 0 for none */
  gboolean bin;
  double radius;
} PanoLiveSprite;

void  pano_live_map_layer_set_class_color (cairo_t              *cr,
                                           const PanoLiveStyle  *style,
                                           guint                 klass,
                                           double                alpha);
void  pano_live_trace_symbol              (cairo_t              *cr,
                                           guint                 kind,
                                           double                x,
                                           double                y,
                                           double                r);
void  pano_live_painter_paint_symbol      (cairo_t              *cr,
                                           const PanoLiveStyle  *style,
                                           const PanoLiveSprite *s,
                                           double                cx,
                                           double                cy);
void  pano_live_painter_paint_lines       (cairo_t              *cr,
                                           PanoLiveLayer        *layer,
                                           const PanoLiveStyle  *style,
                                           guint                 class_mask,
                                           const PanoLiveView   *v);
guint pano_live_painter_paint_layer       (cairo_t              *cr,
                                           PanoLiveLayer        *layer,
                                           const PanoLiveStyle  *style,
                                           const PanoLiveView   *v);

G_END_DECLS
