// SPDX-License-Identifier: GPL-3.0-or-later
/* Draws GIS layers with cairo into any window of the Web Mercator plane: a 256-px tile for the
 * map, or a whole view for --export. One code path for both, so an exported PNG shows exactly
 * what the console shows. Immutable after construction: tile workers share one renderer. */
#define G_LOG_DOMAIN "panorama-layers"

#include "pano-tile-renderer.h"
#include "pano-mercator.h"

#include <math.h>
#include <pango/pangocairo.h>

#define NO_CLASS 0xff
#define DENSE_POINTS 1000    /* past this many points per 256-px tile on average, squares */
#define LABEL_MARGIN 160.0   /* px: labels anchored this far outside still reach in */
#define LABEL_FONT "WenQuanYi Micro Hei, Noto Sans CJK SC, Sans"

typedef struct
{
  PanoGisLayer *layer;
  PanoStyle style;
  guint8 *classes;       /* per feature, index into style.classes or NO_CLASS */
  int label_field;
  double *anchors;       /* per feature label position in world units, or NULL */
} Sheet;

struct _PanoTileRenderer
{
  GObject parent_instance;

  GPtrArray *sheets;
  gboolean has_background;
  PanoColor background;
  double label_scale;   /* labels' size and halo: a wall's text scale */
};

G_DEFINE_FINAL_TYPE (PanoTileRenderer, pano_tile_renderer, G_TYPE_OBJECT)

static void
sheet_free (Sheet *sheet)
{
  g_clear_object (&sheet->layer);
  g_free (sheet->classes);
  g_free (sheet->anchors);
  g_free (sheet);
}

static void
pano_tile_renderer_finalize (GObject *object)
{
  PanoTileRenderer *self = (PanoTileRenderer *)object;

  g_clear_pointer (&self->sheets, g_ptr_array_unref);

  G_OBJECT_CLASS (pano_tile_renderer_parent_class)->finalize (object);
}

static void
pano_tile_renderer_class_init (PanoTileRendererClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pano_tile_renderer_finalize;
}

static void
pano_tile_renderer_init (PanoTileRenderer *self)
{
  self->sheets = g_ptr_array_new_with_free_func ((GDestroyNotify)sheet_free);
  self->label_scale = 1.0;
}

PanoTileRenderer *
pano_tile_renderer_new (void)
{
  return g_object_new (PANO_TYPE_TILE_RENDERER, NULL);
}

void
pano_tile_renderer_set_background (PanoTileRenderer *self,
                                   const PanoColor  *color)
{
  self->has_background = color != NULL;
  if (color)
    self->background = *color;
}

static guint8 *
classify (PanoGisLayer    *layer,
          const PanoStyle *style)
{
  int field = pano_gis_layer_find_field (layer, style->class_field);
  guint n = pano_gis_layer_get_n_features (layer);
  guint8 *classes;

  if (field < 0)
    return NULL;

  classes = g_new (guint8, n);
  for (guint i = 0; i < n; i++)
    {
      const char *value = pano_gis_layer_get_value (layer, i, field);

      classes[i] = NO_CLASS;
      for (guint c = 0; c < style->n_classes; c++)
        if (g_strcmp0 (style->classes[c].value, value) == 0)
          classes[i] = c;
    }
  return classes;
}

/* Centroid of the feature's largest ring for areas, the middle vertex for lines. */
static void
label_anchor (const PanoGeometry *g,
              double             *out)
{
  double best_area = -1;

  out[0] = g->coords[2 * (gsize)g->part_starts[0]];
  out[1] = g->coords[2 * (gsize)g->part_starts[0] + 1];
  for (guint p = 0; p < g->n_parts; p++)
    {
      const double *c = g->coords + 2 * (gsize)g->part_starts[p];
      guint n = g->part_starts[p + 1] - g->part_starts[p];
      double a = 0, cx = 0, cy = 0;

      if (g->kind == PANO_GEOMETRY_LINE)
        {
          out[0] = c[2 * (n / 2)], out[1] = c[2 * (n / 2) + 1];
          return;
        }
      for (guint i = 0; i + 1 < n; i++)
        {
          double cross = c[2 * i] * c[2 * i + 3] - c[2 * i + 2] * c[2 * i + 1];

          a += cross;
          cx += (c[2 * i] + c[2 * i + 2]) * cross;
          cy += (c[2 * i + 1] + c[2 * i + 3]) * cross;
        }
      if (fabs (a) > best_area && a != 0)
        {
          best_area = fabs (a);
          out[0] = cx / (3 * a);
          out[1] = cy / (3 * a);
        }
    }
}

static double *
compute_anchors (PanoGisLayer *layer)
{
  guint n = pano_gis_layer_get_n_features (layer);
  double *anchors = g_new (double, 2 * (gsize)n);

  for (guint i = 0; i < n; i++)
    {
      PanoGeometry g;

      pano_gis_layer_get_geometry (layer, i, &g);
      label_anchor (&g, &anchors[2 * (gsize)i]);
    }
  return anchors;
}

/**
 * pano_tile_renderer_add:
 *
 * Adds @layer on top of the layers added before, drawn with @style (copied).
 * Call before the renderer is shared with other threads.
 */
void
pano_tile_renderer_add (PanoTileRenderer *self,
                        PanoGisLayer     *layer,
                        const PanoStyle  *style)
{
  Sheet *sheet = g_new0 (Sheet, 1);

  sheet->layer = g_object_ref (layer);
  sheet->style = *style;
  sheet->classes = style->class_field ? classify (layer, style) : NULL;
  sheet->label_field = style->label_field ? pano_gis_layer_find_field (layer, style->label_field)
                                          : -1;
  if (sheet->label_field >= 0)
    sheet->anchors = compute_anchors (layer);
  g_ptr_array_add (self->sheets, sheet);
}

typedef struct
{
  double scale;      /* pixels per world unit */
  double origin_x;   /* world pixel at the window's left edge */
  double origin_y;
  double zoom;
  int width, height;
} Window;

static gboolean
collect_item (guint    item,
              gpointer user_data)
{
  g_array_append_val ((GArray *)user_data, item);
  return TRUE;
}

static GArray *
find_items (const Sheet  *sheet,
            const Window *w,
            double        margin_px)
{
  GArray *items = g_array_new (FALSE, FALSE, sizeof (guint));

  pano_gis_layer_search (sheet->layer,
                         (w->origin_x - margin_px) / w->scale,
                         (w->origin_y - margin_px) / w->scale,
                         (w->origin_x + w->width + margin_px) / w->scale,
                         (w->origin_y + w->height + margin_px) / w->scale,
                         collect_item, items);
  return items;
}

static void
set_color (cairo_t         *cr,
           const PanoColor *c)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha);
}

/* Adds the feature's parts to the path, dropping vertices closer than ~half a pixel to the
 * previous one: at low zoom a district of 10 000 vertices becomes a few hundred. */
static void
trace_geometry (cairo_t            *cr,
                const PanoGeometry *g,
                const Window       *w,
                gboolean            close)
{
  for (guint p = 0; p < g->n_parts; p++)
    {
      const double *c = g->coords + 2 * (gsize)g->part_starts[p];
      guint n = g->part_starts[p + 1] - g->part_starts[p];
      double lx = 0, ly = 0;

      for (guint i = 0; i < n; i++)
        {
          double x = c[2 * i] * w->scale - w->origin_x;
          double y = c[2 * i + 1] * w->scale - w->origin_y;

          if (i == 0)
            cairo_move_to (cr, x, y);
          else if (i == n - 1 || fabs (x - lx) > 0.6 || fabs (y - ly) > 0.6)
            cairo_line_to (cr, x, y);
          else
            continue;
          lx = x, ly = y;
        }
      if (close)
        cairo_close_path (cr);
    }
}

static void
draw_polygons (cairo_t      *cr,
               const Sheet  *sheet,
               const Window *w,
               GArray       *items)
{
  const PanoStyle *s = &sheet->style;

  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_set_line_width (cr, s->line_width);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < items->len; i++)
    {
      PanoGeometry g;

      pano_gis_layer_get_geometry (sheet->layer, g_array_index (items, guint, i), &g);
      cairo_new_path (cr);
      trace_geometry (cr, &g, w, TRUE);
      if (s->fill.alpha > 0)
        {
          set_color (cr, &s->fill);
          cairo_fill_preserve (cr);
        }
      if (s->stroke.alpha > 0 && s->line_width > 0)
        {
          set_color (cr, &s->stroke);
          cairo_stroke_preserve (cr);
        }
    }
  cairo_new_path (cr);
}

static void
stroke_lines (cairo_t         *cr,
              const Sheet     *sheet,
              const Window    *w,
              GArray          *items,
              guint            klass,
              const PanoColor *color,
              double           width)
{
  cairo_new_path (cr);
  for (guint i = 0; i < items->len; i++)
    {
      guint item = g_array_index (items, guint, i);
      PanoGeometry g;

      if (sheet->classes && sheet->classes[item] != klass)
        continue;
      pano_gis_layer_get_geometry (sheet->layer, item, &g);
      trace_geometry (cr, &g, w, FALSE);
    }
  set_color (cr, color);
  cairo_set_line_width (cr, width);
  cairo_stroke (cr);
}

/* Minor classes first so arterials lie on top; each class in one path with its casing. */
static void
draw_lines (cairo_t      *cr,
            const Sheet  *sheet,
            const Window *w,
            GArray       *items)
{
  const PanoStyle *s = &sheet->style;

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  if (sheet->classes == NULL)
    {
      stroke_lines (cr, sheet, w, items, 0, &s->stroke, s->line_width);
      return;
    }
  for (int c = (int)s->n_classes - 1; c >= 0; c--)
    {
      const PanoStyleClass *k = &s->classes[c];

      if (w->zoom < k->min_zoom)
        continue;
      if (k->casing.alpha > 0)
        stroke_lines (cr, sheet, w, items, c, &k->casing, k->width + 2);
      stroke_lines (cr, sheet, w, items, c, &k->stroke, k->width);
    }
}

/* Whether the layer has more points per tile than discs can show at this zoom. Decided for the
 * whole layer, never per tile, so neighbouring tiles draw alike and no seam shows. */
static gboolean
is_dense (const Sheet  *sheet,
          const Window *w)
{
  double e[4], tiles;

  if (!pano_gis_layer_get_extent (sheet->layer, e))
    return FALSE;
  tiles = MAX ((e[2] - e[0]) * w->scale / PANO_TILE_SIZE, 1) *
          MAX ((e[3] - e[1]) * w->scale / PANO_TILE_SIZE, 1);
  return pano_gis_layer_get_n_features (sheet->layer) / tiles > DENSE_POINTS;
}

static void
draw_points (cairo_t      *cr,
             const Sheet  *sheet,
             const Window *w,
             GArray       *items)
{
  const PanoStyle *s = &sheet->style;
  gboolean dense = is_dense (sheet, w);
  double r = s->point_radius;

  cairo_new_path (cr);
  for (guint i = 0; i < items->len; i++)
    {
      PanoGeometry g;

      pano_gis_layer_get_geometry (sheet->layer, g_array_index (items, guint, i), &g);
      for (guint p = 0; p < g.n_parts; p++)
        {
          const double *c = g.coords + 2 * (gsize)g.part_starts[p];
          /* Whole pixels: antialiased fractional squares cost 20× more (PLATFORM.md). */
          double x = round (c[0] * w->scale - w->origin_x);
          double y = round (c[1] * w->scale - w->origin_y);

          if (dense)
            cairo_rectangle (cr, x - 1, y - 1, 2, 2);
          else
            {
              cairo_move_to (cr, x + r, y);
              cairo_arc (cr, x, y, r, 0, 2 * G_PI);
            }
        }
    }
  set_color (cr, &s->stroke);
  if (dense)
    {
      cairo_fill (cr);
      return;
    }
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
}

static void
draw_label (cairo_t         *cr,
            PangoLayout     *layout,
            const char      *text,
            double           x,
            double           y,
            double           halo,
            const PanoColor *color)
{
  int tw, th;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &tw, &th);
  cairo_move_to (cr, round (x - tw / 2.0), round (y - th / 2.0));
  pango_cairo_layout_path (cr, layout);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
  cairo_set_line_width (cr, halo);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);
  cairo_move_to (cr, round (x - tw / 2.0), round (y - th / 2.0));
  set_color (cr, color);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_labels (cairo_t      *cr,
             const Sheet  *sheet,
             const Window *w,
             double        scale)
{
  const PanoStyle *s = &sheet->style;
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr(GArray) items = find_items (sheet, w, LABEL_MARGIN);
  PangoFontDescription *font = pango_font_description_from_string (LABEL_FONT);

  pango_font_description_set_absolute_size (font, (s->label_size > 0 ? s->label_size : 12)
                                                  * scale * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);

  for (guint i = 0; i < items->len; i++)
    {
      guint item = g_array_index (items, guint, i);
      const char *text = pano_gis_layer_get_value (sheet->layer, item, sheet->label_field);
      double x = sheet->anchors[2 * (gsize)item] * w->scale - w->origin_x;
      double y = sheet->anchors[2 * (gsize)item + 1] * w->scale - w->origin_y;

      if (text[0] == '\0' || x < -LABEL_MARGIN || y < -LABEL_MARGIN ||
          x > w->width + LABEL_MARGIN || y > w->height + LABEL_MARGIN)
        continue;
      draw_label (cr, layout, text, x, y, 3.0 * scale, &s->label_color);
    }
}

static double
sheet_margin (const Sheet *sheet)
{
  double m = MAX (sheet->style.line_width, 2 * sheet->style.point_radius);

  for (guint c = 0; c < sheet->style.n_classes; c++)
    m = MAX (m, sheet->style.classes[c].width + 2);
  return m + 2;
}

static void
draw_sheet (cairo_t      *cr,
            const Sheet  *sheet,
            const Window *w)
{
  g_autoptr(GArray) items = NULL;

  if (w->zoom < sheet->style.min_zoom || w->zoom > sheet->style.max_zoom)
    return;

  items = find_items (sheet, w, sheet_margin (sheet));
  if (items->len > 0)
    {
      switch (pano_gis_layer_get_main_kind (sheet->layer))
        {
        case PANO_GEOMETRY_POLYGON:
          draw_polygons (cr, sheet, w, items);
          break;
        case PANO_GEOMETRY_LINE:
          draw_lines (cr, sheet, w, items);
          break;
        case PANO_GEOMETRY_POINT:
        default:
          draw_points (cr, sheet, w, items);
          break;
        }
    }
}

/* Labels @scale times their style's size (a wall's text scale, 1.0–3.0). Set before the
 * renderer is first used: it is read from worker threads without a lock. */
void
pano_tile_renderer_set_label_scale (PanoTileRenderer *self,
                                    double            scale)
{
  self->label_scale = CLAMP (scale, 0.5, 4.0);
}

/**
 * pano_tile_renderer_draw:
 * @zoom: zoom level, fractional allowed
 * @origin_x, @origin_y: the world pixel (at @zoom) at the top left of the window
 *
 * Draws every layer into the @width × @height window at the cairo origin. Thread-safe.
 */
void
pano_tile_renderer_draw (PanoTileRenderer *self,
                         cairo_t          *cr,
                         double            zoom,
                         double            origin_x,
                         double            origin_y,
                         int               width,
                         int               height)
{
  Window w = { pano_mercator_world_size (zoom), origin_x, origin_y, zoom, width, height };

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  if (self->has_background)
    {
      set_color (cr, &self->background);
      cairo_paint (cr);
    }
  for (guint i = 0; i < self->sheets->len; i++)
    draw_sheet (cr, g_ptr_array_index (self->sheets, i), &w);
  /* Labels last, so no road or grid line of a later layer crosses a district's name. */
  for (guint i = 0; i < self->sheets->len; i++)
    {
      const Sheet *sheet = g_ptr_array_index (self->sheets, i);

      if (sheet->label_field >= 0 && zoom >= sheet->style.label_min_zoom &&
          zoom <= sheet->style.max_zoom)
        draw_labels (cr, sheet, &w, self->label_scale);
    }
  cairo_restore (cr);
}

/**
 * pano_tile_renderer_render_tile:
 * @size: the tile's edge in device pixels (256 × the display's scale factor)
 *
 * Returns: (transfer full): an ARGB32 image of slippy-map tile @x, @y at @zoom
 */
cairo_surface_t *
pano_tile_renderer_render_tile (PanoTileRenderer *self,
                                guint             x,
                                guint             y,
                                guint             zoom,
                                guint             size)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
  cairo_t *cr = cairo_create (surface);

  cairo_scale (cr, (double)size / PANO_TILE_SIZE, (double)size / PANO_TILE_SIZE);
  pano_tile_renderer_draw (self, cr, zoom, (double)x * PANO_TILE_SIZE,
                           (double)y * PANO_TILE_SIZE, PANO_TILE_SIZE, PANO_TILE_SIZE);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}
