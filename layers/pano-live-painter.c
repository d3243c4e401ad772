// SPDX-License-Identifier: GPL-3.0-or-later
/* The live layers' paint (see pano-live-painter.h): one drawing of each symbol and road line
 * for the window's sprites and for print, so a report shows what the wall shows. */
#define G_LOG_DOMAIN "panorama-layers"

#include "pano-live-painter.h"
#include "pano-live-classify.h"

#include <math.h>
#include <pango/pangocairo.h>

typedef struct
{
  cairo_t *cr;
  const PanoLiveView *view;
  const PanoLiveStyle *style;
  guint klass;          /* lines: the class being stroked */
  guint road;           /* lines: the road class being stroked */
  guint n_drawn;
} Painting;

void
pano_live_map_layer_set_class_color (cairo_t                 *cr,
                                     const PanoLiveStyle     *style,
                                     guint                    klass,
                                     double                   alpha)
{
  const PanoColor *c = &style->colors[MIN (klass, PANO_LIVE_MAX_CLASSES - 1)];

  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

/* Fire ▲, ambulance ✚, rescue ◆, police ■, enforcement ⬢, warehouse ⌂, shelter a tent. */
void
pano_live_trace_symbol (cairo_t *cr,
                        guint    kind,
                        double   x,
                        double   y,
                        double   r)
{
  switch (kind)
    {
    case PANO_RESOURCE_KIND_FIRE:
      cairo_move_to (cr, x, y - r * 1.2);
      cairo_line_to (cr, x + r * 1.1, y + r * 0.8);
      cairo_line_to (cr, x - r * 1.1, y + r * 0.8);
      break;
    case PANO_RESOURCE_KIND_AMBULANCE:
      cairo_rectangle (cr, x - r * 0.35, y - r, r * 0.7, r * 2);
      cairo_rectangle (cr, x - r, y - r * 0.35, r * 2, r * 0.7);
      break;
    case PANO_RESOURCE_KIND_RESCUE:
      cairo_move_to (cr, x, y - r * 1.2);
      cairo_line_to (cr, x + r * 1.2, y);
      cairo_line_to (cr, x, y + r * 1.2);
      cairo_line_to (cr, x - r * 1.2, y);
      break;
    case PANO_RESOURCE_KIND_POLICE:
      cairo_rectangle (cr, x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8);
      break;
    case PANO_RESOURCE_KIND_ENFORCEMENT:
      for (int i = 0; i < 6; i++)
        cairo_line_to (cr, x + r * cos (i * G_PI / 3), y + r * sin (i * G_PI / 3));
      break;
    case PANO_RESOURCE_KIND_WAREHOUSE:
      cairo_move_to (cr, x - r, y + r);
      cairo_line_to (cr, x - r, y - r * 0.2);
      cairo_line_to (cr, x, y - r * 1.2);
      cairo_line_to (cr, x + r, y - r * 0.2);
      cairo_line_to (cr, x + r, y + r);
      break;
    case PANO_RESOURCE_KIND_SHELTER:
      cairo_move_to (cr, x - r * 1.2, y + r);
      cairo_line_to (cr, x, y - r * 1.1);
      cairo_line_to (cr, x + r * 1.2, y + r);
      cairo_line_to (cr, x, y + r * 0.3);
      break;
    default:
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      break;
    }
  cairo_close_path (cr);
}

static void
paint_glyph (cairo_t    *cr,
             const char *glyph,
             double      cx,
             double      cy,
             double      alpha)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font =
    pango_font_description_from_string ("WenQuanYi Micro Hei, Sans Bold 8");
  int w, h;

  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, glyph, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, round (cx - w / 2.0), round (cy - h / 2.0));
  cairo_set_source_rgba (cr, 1, 1, 1, alpha);
  pango_cairo_show_layout (cr, layout);
}

/* Paints @s centred on (@cx, @cy): the window's sprites and the printed map alike. */
void
pano_live_painter_paint_symbol (cairo_t              *cr,
                                const PanoLiveStyle  *style,
                                const PanoLiveSprite *s,
                                double                cx,
                                double                cy)
{
  double alpha = s->stale ? PANO_LIVE_STALE_ALPHA : 1;

  if (s->bin)
    pano_live_trace_symbol (cr, 0, cx, cy, s->radius);
  else
    pano_live_trace_symbol (cr, s->shape, cx, cy, s->radius);
  pano_live_map_layer_set_class_color (cr, style, s->klass, alpha);
  cairo_fill_preserve (cr);
  if (s->bin)
    cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
  else
    cairo_set_source_rgba (cr, 0.2, 0.2, 0.2, 0.8 * alpha);
  cairo_set_line_width (cr, s->bin ? 1.5 : 1);
  cairo_stroke (cr);
  if (s->ring)
    {
      cairo_arc (cr, cx, cy, s->radius + 3.5, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, 0.8, 0, 0, alpha);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
    }
  if (s->selected)
    {
      cairo_arc (cr, cx, cy, s->radius + 7, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, 0.1, 0.45, 0.9, 0.9);
      cairo_set_line_width (cr, 3);
      cairo_stroke (cr);
    }
  if (s->glyph && pano_event_category_glyph (s->glyph))
    paint_glyph (cr, pano_event_category_glyph (s->glyph), cx, cy, alpha);
}

static gboolean
visit_line (PanoLiveLayer *layer,
            guint          slot,
            gpointer       data)
{
  Painting *p = data;
  guint n;
  const double *c;

  if (pano_live_layer_get_class (layer, slot) != p->klass ||
      (guint)pano_live_layer_get_value (layer, slot) != p->road ||
      !(c = pano_live_layer_get_coords (layer, slot, &n)))
    return TRUE;
  for (guint i = 0; i < n; i++)
    {
      double x = c[2 * i] * p->view->world - p->view->origin_x;
      double y = c[2 * i + 1] * p->view->world - p->view->origin_y;

      if (i == 0)
        cairo_move_to (p->cr, x, y);
      else
        cairo_line_to (p->cr, x, y);
    }
  p->n_drawn++;
  return TRUE;
}

static void
search_view (PanoLiveLayer      *layer,
             const PanoLiveView *v,
             double              margin,
             PanoLiveVisitFunc   visit,
             Painting           *p)
{
  pano_live_layer_search (layer, (v->origin_x - margin) / v->world,
                          (v->origin_y - margin) / v->world,
                          (v->origin_x + v->width + margin) / v->world,
                          (v->origin_y + v->height + margin) / v->world, visit, p);
}

static guint
paint_lines (cairo_t             *cr,
             PanoLiveLayer       *layer,
             const PanoLiveStyle *style,
             guint                class_mask,
             const PanoLiveView  *v)
{
  Painting p = { cr, v, style };

  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint road = PANO_ROAD_LOCAL; road >= PANO_ROAD_ARTERIAL; road--)
    for (guint k = 0; k < PANO_LIVE_MAX_CLASSES; k++)
      {
        double width = style->size * v->scale * (road == PANO_ROAD_ARTERIAL ? 1.25
                                                 : road == PANO_ROAD_SECONDARY ? 0.9 : 0.55);

        if (!(class_mask & (1u << k)))
          continue;
        p.klass = k;
        p.road = road;
        cairo_new_path (cr);
        search_view (layer, v, style->size + 12, visit_line, &p);
        cairo_set_line_width (cr, v->zoom >= 13 ? width : width / 2);
        pano_live_map_layer_set_class_color (cr, style, k, 1);
        cairo_stroke (cr);
      }
  cairo_restore (cr);
  return p.n_drawn;
}

/* Lines: one path per road class and congestion level, local roads first and calm before
 * jammed, so arterials and jams lie on top; arterials are the widest. */
void
pano_live_painter_paint_lines (cairo_t             *cr,
                               PanoLiveLayer       *layer,
                               const PanoLiveStyle *style,
                               guint                class_mask,
                               const PanoLiveView  *v)
{
  paint_lines (cr, layer, style, class_mask, v);
}

static gboolean
visit_point (PanoLiveLayer *layer,
             guint          slot,
             gpointer       data)
{
  Painting *p = data;
  guint klass = pano_live_layer_get_class (layer, slot);
  guint value = (guint)pano_live_layer_get_value (layer, slot);
  PanoLiveSprite s = {
    .shape = p->style->symbol == PANO_LIVE_SYMBOL_RESOURCE ? value : 0,
    .klass = klass,
    .ring = p->style->ring_from_class && klass >= p->style->ring_from_class,
    .glyph = p->style->symbol == PANO_LIVE_SYMBOL_EVENT &&
             p->view->zoom >= PANO_LIVE_GLYPH_ZOOM ? value : 0,
    .stale = pano_live_layer_is_stale (layer, slot, p->view->now_ms),
    .radius = p->style->size / 2,
  };
  double x, y;

  pano_live_layer_get_position (layer, slot, &x, &y);
  pano_live_painter_paint_symbol (p->cr, p->style, &s, x * p->view->world - p->view->origin_x,
                                  y * p->view->world - p->view->origin_y);
  p->n_drawn++;
  return TRUE;
}

/**
 * pano_live_painter_paint_layer:
 *
 * Paints every entity of @layer in view @v as the window draws it one by one (every class, no
 * selection; stale ones faded), lines for a line layer.
 *
 * Returns: how many entities were painted
 */
guint
pano_live_painter_paint_layer (cairo_t             *cr,
                               PanoLiveLayer       *layer,
                               const PanoLiveStyle *style,
                               const PanoLiveView  *v)
{
  Painting p = { cr, v, style };

  if (style->symbol == PANO_LIVE_SYMBOL_LINE)
    return paint_lines (cr, layer, style, G_MAXUINT, v);
  cairo_save (cr);
  search_view (layer, v, style->size + 12, visit_point, &p);
  cairo_restore (cr);
  return p.n_drawn;
}
