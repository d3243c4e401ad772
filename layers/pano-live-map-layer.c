// SPDX-License-Identifier: GPL-3.0-or-later
/* One live feed layer drawn over the map. Individual entities when few are in view; at city
 * zoom the grid cells' counts are summed into screen bins, each drawn once with its count and
 * the colour of its worst class, so millions of entities cost a few hundred circles. Redrawn
 * when the viewport moves (libshumate 1.0 does not do it for layers) and when the store
 * announces a batch, never per entity. */
#define G_LOG_DOMAIN "panorama-layers"

#include "pano-live-map-layer-private.h"
#include "pano-live-classify.h"
#include "pano-mercator.h"
#include "pano-texture.h"

#include <math.h>
#include <pango/pangocairo.h>

#define INDIVIDUAL_LIMIT 5000    /* more in view than this: aggregate … */
#define AGGREGATE_UNTIL 3500     /* … and stay aggregated until fewer than this, so a pan
                                  * across the threshold does not flip every frame */
#define BIN_PX 128.0             /* each bin is a texture of its own: ~150 on a 1920×1080 wall */
#define LABEL_ZOOM 14.0
#define LABEL_LIMIT 1500         /* more symbols in view than this: no value labels */
#define GLYPH_ZOOM PANO_LIVE_GLYPH_ZOOM

G_DEFINE_FINAL_TYPE (PanoLiveMapLayer, pano_live_map_layer, SHUMATE_TYPE_LAYER)

void
pano_live_map_layer_get_view (PanoLiveMapLayer *self,
                              PanoLiveView     *v)
{
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  double lat = shumate_location_get_latitude (SHUMATE_LOCATION (viewport));
  double lon = shumate_location_get_longitude (SHUMATE_LOCATION (viewport));

  v->zoom = shumate_viewport_get_zoom_level (viewport);
  v->world = pano_mercator_world_size (v->zoom);
  v->width = gtk_widget_get_width (GTK_WIDGET (self));
  v->height = gtk_widget_get_height (GTK_WIDGET (self));
  v->origin_x = pano_mercator_x_from_lon (lon) * v->world - v->width / 2.0;
  v->origin_y = pano_mercator_y_from_lat (lat) * v->world - v->height / 2.0;
  v->now_ms = g_get_real_time () / 1000;
  v->scale = self->scale;
}

/* ---- aggregated ---- */

typedef struct
{
  double sum_x, sum_y;
  guint count;
  guint class_counts[PANO_LIVE_MAX_CLASSES];
} Bin;

typedef struct
{
  const PanoLiveView *view;
  GHashTable *bins;   /* (bx << 32 | by) → Bin */
  guint total;
  guint in_view;      /* entities of cells whose centre of mass is on screen */
  guint class_mask;
} Binning;

static void
add_cell (const PanoLiveCell *cell,
          gpointer            data)
{
  Binning *b = data;
  double px = cell->x * b->view->world - b->view->origin_x;
  double py = cell->y * b->view->world - b->view->origin_y;
  guint count = 0;
  /* Bins left of or above the view have negative numbers: pack their bits unsigned, as shifting
   * a negative value is undefined. */
  gint64 key = (gint64)(((guint64)(guint32)(gint32)floor (px / BIN_PX) << 32) |
                        (guint32)(gint32)floor (py / BIN_PX));
  Bin *bin;

  for (guint i = 0; i < PANO_LIVE_MAX_CLASSES; i++)
    if (b->class_mask & (1u << i))
      count += cell->class_counts[i];
  if (count == 0)
    return;
  bin = g_hash_table_lookup (b->bins, &key);
  if (bin == NULL)
    {
      gint64 *k = g_new (gint64, 1);

      *k = key;
      bin = g_new0 (Bin, 1);
      g_hash_table_insert (b->bins, k, bin);
    }
  if (px >= 0 && py >= 0 && px < b->view->width && py < b->view->height)
    b->in_view += count;
  bin->sum_x += px * count;
  bin->sum_y += py * count;
  bin->count += count;
  for (guint i = 0; i < PANO_LIVE_MAX_CLASSES; i++)
    if (b->class_mask & (1u << i))
      bin->class_counts[i] += cell->class_counts[i];
  b->total += count;
}

static guint
worst_class (const Bin *bin)
{
  for (guint i = PANO_LIVE_MAX_CLASSES; i > 0; i--)
    if (bin->class_counts[i - 1] > 0)
      return i - 1;
  return 0;
}

static char *
format_count (guint count)
{
  if (count >= 10000)
    return g_strdup_printf ("%.1f万", count / 10000.0);
  return g_strdup_printf ("%u", count);
}

static void
draw_bin (PanoLiveMapLayer *self,
          GtkSnapshot      *snapshot,
          const Bin        *bin)
{
  double x = round (bin->sum_x / bin->count), y = round (bin->sum_y / bin->count);
  PanoLiveSprite s = { .klass = worst_class (bin), .bin = TRUE,
               .radius = bin->count == 1 ? self->style->size / 2
                                         : round (9 + 4 * log10 (bin->count)) };
  g_autofree char *text = bin->count >= 2 ? format_count (bin->count) : NULL;
  int size = pano_live_map_layer_sprite_px (self, &s);

  gtk_snapshot_append_texture (snapshot, pano_live_map_layer_get_bin_sprite (self, &s, text),
                               &GRAPHENE_RECT_INIT (x - size / 2, y - size / 2, size, size));
}

static void
draw_aggregated (PanoLiveMapLayer *self,
                 GtkSnapshot      *snapshot,
                 GHashTable       *bins)
{
  GHashTableIter iter;
  gpointer bin;

  g_hash_table_iter_init (&iter, bins);
  while (g_hash_table_iter_next (&iter, NULL, &bin))
    draw_bin (self, snapshot, bin);
  self->n_drawn = g_hash_table_size (bins);
}

/* ---- individual ---- */

typedef struct
{
  PanoLiveMapLayer *self;
  GtkSnapshot *snapshot;
  cairo_t *cr;          /* lines only */
  const PanoLiveView *view;
  PangoLayout *layout;
  guint klass;          /* lines: the class being stroked */
  guint road;           /* lines: the road class being stroked */
  gboolean labels;      /* points: few enough in view to label their values */
} Drawing;

static gboolean
on_glide_tick (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       data)
{
  PanoLiveMapLayer *self = PANO_LIVE_MAP_LAYER (widget);

  gtk_widget_queue_draw (widget);
  if (self->gliding)
    return G_SOURCE_CONTINUE;
  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

/* Where to draw a vehicle now: on its way from where it was drawn to where it was reported. */
static void
glide_position (PanoLiveMapLayer *self,
                const char       *id,
                double           *x,
                double           *y)
{
  gint64 now = g_get_monotonic_time ();
  Glide *g = g_hash_table_lookup (self->glides, id);
  double t;

  if (g == NULL)
    {
      g = g_new0 (Glide, 1);
      g->from_x = g->to_x = *x;
      g->from_y = g->to_y = *y;
      g_hash_table_insert (self->glides, g_strdup (id), g);
    }
  else if (g->to_x != *x || g->to_y != *y)
    {
      t = CLAMP ((double)(now - g->start_us) / GLIDE_US, 0, 1);
      g->from_x = g->from_x + (g->to_x - g->from_x) * t;
      g->from_y = g->from_y + (g->to_y - g->from_y) * t;
      g->to_x = *x, g->to_y = *y;
      g->start_us = now;
    }
  g->seen = self->frame;
  t = CLAMP ((double)(now - g->start_us) / GLIDE_US, 0, 1);
  *x = g->drawn_x = g->from_x + (g->to_x - g->from_x) * t;
  *y = g->drawn_y = g->from_y + (g->to_y - g->from_y) * t;
  if (t < 1)
    self->gliding = TRUE;
}

static gboolean
glide_unseen (gpointer key,
              gpointer value,
              gpointer data)
{
  return ((Glide *)value)->seen != GPOINTER_TO_UINT (data);
}

static void
draw_dot (Drawing *d,
          guint    slot)
{
  PanoLiveMapLayer *self = d->self;
  PanoLiveLayer *layer = pano_live_store_get_layer (self->store, self->layer);
  const PanoLiveStyle *style = self->style;
  guint klass = pano_live_layer_get_class (layer, slot);
  guint value = (guint)pano_live_layer_get_value (layer, slot);
  PanoLiveSprite s = {
    .shape = style->symbol == PANO_LIVE_SYMBOL_RESOURCE ? value : 0,
    .klass = klass,
    .ring = style->ring_from_class && klass >= style->ring_from_class,
    .selected = g_strcmp0 (self->selected, pano_live_layer_get_id (layer, slot)) == 0,
    .glyph = style->symbol == PANO_LIVE_SYMBOL_EVENT && d->view->zoom >= GLYPH_ZOOM ? value : 0,
    .radius = style->size / 2,
  };
  double x, y;

  /* Stale symbols and, while one entity is in focus, all the others are drawn faded. */
  s.stale = pano_live_layer_is_stale (layer, slot, d->view->now_ms) ||
            (self->dim_others && !s.selected);
  pano_live_layer_get_position (layer, slot, &x, &y);
  if (style->symbol == PANO_LIVE_SYMBOL_RESOURCE)
    glide_position (self, pano_live_layer_get_id (layer, slot), &x, &y);
  x = round (x * d->view->world - d->view->origin_x);
  y = round (y * d->view->world - d->view->origin_y);
  pano_live_map_layer_place_sprite (self, d->snapshot, &s, x, y);

  if (style->label_value && d->view->zoom >= LABEL_ZOOM && d->labels)
    pano_live_map_layer_place_label (self, d->snapshot, d->layout, pano_live_layer_get_value (layer, slot), s.stale,
                 x + (s.radius + 4) * self->scale, y - 7 * self->scale);
}

static gboolean
visit_dot (PanoLiveLayer *layer,
           guint          slot,
           gpointer       data)
{
  Drawing *d = data;

  if (!(d->self->class_mask & (1u << pano_live_layer_get_class (layer, slot))))
    return TRUE;
  draw_dot (d, slot);
  d->self->n_drawn++;
  return TRUE;
}

static void
search_view (PanoLiveMapLayer  *self,
             const PanoLiveView        *v,
             PanoLiveVisitFunc  visit,
             Drawing           *d)
{
  PanoLiveLayer *layer = pano_live_store_get_layer (self->store, self->layer);
  double m = (self->style->size + 12) * self->scale;

  pano_live_layer_search (layer, (v->origin_x - m) / v->world, (v->origin_y - m) / v->world,
                          (v->origin_x + v->width + m) / v->world,
                          (v->origin_y + v->height + m) / v->world, visit, d);
}

/* Points: one texture node per entity, sharing a handful of sprites. */
static void
draw_points (PanoLiveMapLayer *self,
             GtkSnapshot      *snapshot,
             const PanoLiveView       *v,
             guint             in_view)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  PangoFontDescription *font = pango_font_description_from_string ("Sans");
  Drawing d = { self, snapshot, NULL, v, layout, .labels = in_view < LABEL_LIMIT };

  /* 9 pt at 96 dpi, in pixels: a wall's larger gtk-xft-dpi must not scale it twice */
  pango_font_description_set_absolute_size (font, 12 * self->scale * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  self->frame++;
  self->gliding = FALSE;
  search_view (self, v, visit_dot, &d);
  g_hash_table_foreach_remove (self->glides, glide_unseen, GUINT_TO_POINTER (self->frame));
  if (self->gliding && self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_glide_tick, NULL, NULL);
}

static void
draw_lines (PanoLiveMapLayer   *self,
            cairo_t            *cr,
            const PanoLiveView *v)
{
  pano_live_painter_paint_lines (cr, pano_live_store_get_layer (self->store, self->layer),
                                 self->style, self->class_mask, v);
}

/* ---- lines, in tiles ---- */

typedef struct
{
  GdkTexture *texture;   /* NULL: no road crosses the tile */
  guint64 signature;     /* of what was drawn: see add_to_signature() */
} LinesTile;

static void
lines_tile_free (gpointer data)
{
  LinesTile *tile = data;

  g_clear_object (&tile->texture);
  g_free (tile);
}

static gint64
tile_key (gint64 tx,
          gint64 ty)
{
  return (gint64)(((guint64)(guint32)(gint32)tx << 32) | (guint32)(gint32)ty);
}

/* What a road's look depends on (its id, class, road class and geometry), mixed so that the sum
 * over a tile's roads changes when any of them does. */
static gboolean
add_to_signature (PanoLiveLayer *layer,
                  guint          slot,
                  gpointer       data)
{
  guint64 *signature = data;
  guint n = 0;
  const double *c = pano_live_layer_get_coords (layer, slot, &n);
  guint64 h = g_str_hash (pano_live_layer_get_id (layer, slot));

  h = h * 0x100000001b3ull ^ pano_live_layer_get_class (layer, slot);
  h = h * 0x100000001b3ull ^ (guint64)pano_live_layer_get_value (layer, slot);
  h = h * 0x100000001b3ull ^ n;
  if (c != NULL && n > 0)
    {
      h = h * 0x100000001b3ull ^ g_double_hash (&c[0]) ^ (guint64)g_double_hash (&c[1]) << 32;
      h = h * 0x100000001b3ull ^ g_double_hash (&c[2 * n - 2]) ^
          (guint64)g_double_hash (&c[2 * n - 1]) << 32;
    }
  /* splitmix64's finaliser, so that sums of similar roads do not cancel out */
  h ^= h >> 30, h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27, h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  *signature += h;
  return TRUE;
}

/* The view of one tile: @LINES_TILE px square at world pixel (@tx, @ty) × LINES_TILE. */
static void
tile_view (const PanoLiveView *v,
           gint64              tx,
           gint64              ty,
           PanoLiveView       *tile)
{
  *tile = *v;
  tile->origin_x = (double)tx * LINES_TILE;
  tile->origin_y = (double)ty * LINES_TILE;
  tile->width = tile->height = LINES_TILE;
}

/* Returns: the signature of the roads the painter would draw into the tile, 0 for none */
static guint64
tile_signature (PanoLiveMapLayer   *self,
                PanoLiveLayer      *layer,
                const PanoLiveView *tile)
{
  double m = self->style->size + 12;   /* the painter's own margin */
  guint64 signature = 0;

  pano_live_layer_search (layer, (tile->origin_x - m) / tile->world,
                          (tile->origin_y - m) / tile->world,
                          (tile->origin_x + tile->width + m) / tile->world,
                          (tile->origin_y + tile->height + m) / tile->world,
                          add_to_signature, &signature);
  return signature;
}

static GdkTexture *
draw_lines_tile (PanoLiveMapLayer   *self,
                 const PanoLiveView *tile)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, LINES_TILE,
                                                         LINES_TILE);
  cairo_t *cr = cairo_create (surface);
  GdkTexture *texture;

  draw_lines (self, cr, tile);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  texture = pano_texture_new_for_surface (surface);
  cairo_surface_destroy (surface);
  self->n_line_tiles_drawn++;
  return texture;
}

/* Forgets every tile: the next frame draws them again (filter, scale or zoom changed). */
static void
forget_lines (PanoLiveMapLayer *self)
{
  g_hash_table_remove_all (self->line_tiles);
  self->lines_dirty = TRUE;
}

typedef struct
{
  gint64 x0, y0, x1, y1;   /* tiles, inclusive */
} TileRange;

static void
tile_range (const PanoLiveView *v,
            double              margin,
            TileRange          *r)
{
  double left = round (v->origin_x) - margin, top = round (v->origin_y) - margin;

  r->x0 = (gint64)floor (left / LINES_TILE);
  r->y0 = (gint64)floor (top / LINES_TILE);
  r->x1 = (gint64)floor ((left + v->width + 2 * margin - 1) / LINES_TILE);
  r->y1 = (gint64)floor ((top + v->height + 2 * margin - 1) / LINES_TILE);
}

static gboolean
range_has (const TileRange *r,
           gint64           tx,
           gint64           ty)
{
  return tx >= r->x0 && tx <= r->x1 && ty >= r->y0 && ty <= r->y1;
}

static gboolean
tile_outside (gpointer key,
              gpointer value,
              gpointer data)
{
  gint64 k = *(gint64 *)key;

  return !range_has (data, (gint32)(guint32)((guint64)k >> 32), (gint32)(guint32)k);
}

/* Checks the tiles of the view and @LINES_MARGIN px around it, drawing those that are new or
 * whose roads changed, and drops those further away. */
static void
update_lines_tiles (PanoLiveMapLayer   *self,
                    PanoLiveLayer      *layer,
                    const PanoLiveView *v)
{
  TileRange near;
  gboolean drew = FALSE;

  tile_range (v, LINES_MARGIN, &near);
  g_hash_table_foreach_remove (self->line_tiles, tile_outside, &near);
  for (gint64 ty = near.y0; ty <= near.y1; ty++)
    for (gint64 tx = near.x0; tx <= near.x1; tx++)
      {
        gint64 key = tile_key (tx, ty);
        LinesTile *tile = g_hash_table_lookup (self->line_tiles, &key);
        PanoLiveView view;
        guint64 signature;

        tile_view (v, tx, ty, &view);
        signature = tile_signature (self, layer, &view);
        if (tile != NULL && tile->signature == signature)
          continue;
        if (tile == NULL)
          {
            gint64 *k = g_new (gint64, 1);

            *k = key;
            tile = g_new0 (LinesTile, 1);
            g_hash_table_insert (self->line_tiles, k, tile);
          }
        g_clear_object (&tile->texture);
        tile->signature = signature;
        if (signature != 0)
          {
            tile->texture = draw_lines_tile (self, &view);
            drew = TRUE;
          }
      }
  if (drew)
    self->n_line_pictures++;
  self->lines_dirty = FALSE;
}

/* Lines: the tiles in view, each its own texture. Tiles stay while the view pans over them; a
 * batch from the hub draws again only the tiles whose roads it changed, and the others keep
 * their texture, so the renderer sees the same nodes there and repaints nothing. */
static void
place_lines (PanoLiveMapLayer   *self,
             GtkSnapshot        *snapshot,
             const PanoLiveView *v)
{
  PanoLiveLayer *layer = pano_live_store_get_layer (self->store, self->layer);
  double left = round (v->origin_x), top = round (v->origin_y);
  gboolean missing = FALSE;
  TileRange view;

  self->aggregated = FALSE;
  if (self->lines_zoom != v->zoom)
    {
      forget_lines (self);
      self->lines_zoom = v->zoom;
    }
  tile_range (v, 0, &view);
  for (gint64 ty = view.y0; ty <= view.y1 && !missing; ty++)
    for (gint64 tx = view.x0; tx <= view.x1 && !missing; tx++)
      {
        gint64 key = tile_key (tx, ty);

        missing = !g_hash_table_contains (self->line_tiles, &key);
      }
  if (missing || self->lines_dirty)
    update_lines_tiles (self, layer, v);

  for (gint64 ty = view.y0; ty <= view.y1; ty++)
    for (gint64 tx = view.x0; tx <= view.x1; tx++)
      {
        gint64 key = tile_key (tx, ty);
        LinesTile *tile = g_hash_table_lookup (self->line_tiles, &key);

        if (tile != NULL && tile->texture != NULL)
          gtk_snapshot_append_texture (snapshot, tile->texture,
                                       &GRAPHENE_RECT_INIT (tx * LINES_TILE - left,
                                                            ty * LINES_TILE - top,
                                                            LINES_TILE, LINES_TILE));
      }
}

static void
pano_live_map_layer_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  PanoLiveMapLayer *self = PANO_LIVE_MAP_LAYER (widget);
  PanoLiveLayer *layer = pano_live_store_get_layer (self->store, self->layer);
  g_autoptr(GHashTable) bins = NULL;
  Binning binning;
  PanoLiveView v;

  pano_live_map_layer_get_view (self, &v);
  self->n_drawn = 0;
  if (layer == NULL || pano_live_layer_get_n_entities (layer) == 0 || v.width == 0)
    return;

  if (self->style->symbol == PANO_LIVE_SYMBOL_LINE)
    {
      place_lines (self, snapshot, &v);
      return;
    }

  bins = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  binning = (Binning) { &v, bins, 0, 0, self->class_mask };
  pano_live_layer_foreach_cell (layer, v.origin_x / v.world, v.origin_y / v.world,
                                (v.origin_x + v.width) / v.world,
                                (v.origin_y + v.height) / v.world, add_cell, &binning);
  /* Cells straddling the edge would overcount what is on screen: count by centre of mass. */
  self->aggregated = binning.in_view > (self->aggregated ? AGGREGATE_UNTIL : INDIVIDUAL_LIMIT);
  if (self->aggregated)
    draw_aggregated (self, snapshot, bins);
  else
    draw_points (self, snapshot, &v, binning.in_view);
}

static void
on_store_changed (PanoLiveStore    *store,
                  const char       *layer,
                  PanoLiveMapLayer *self)
{
  self->lines_dirty = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_viewport_changed (PanoLiveMapLayer *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
pano_live_map_layer_constructed (GObject *object)
{
  PanoLiveMapLayer *self = PANO_LIVE_MAP_LAYER (object);

  G_OBJECT_CLASS (pano_live_map_layer_parent_class)->constructed (object);
  g_signal_connect_object (shumate_layer_get_viewport (SHUMATE_LAYER (self)), "notify",
                           G_CALLBACK (on_viewport_changed), self, G_CONNECT_SWAPPED);
}

static void
pano_live_map_layer_dispose (GObject *object)
{
  PanoLiveMapLayer *self = (PanoLiveMapLayer *)object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->layer, g_free);
  g_clear_pointer (&self->selected, g_free);
  g_clear_pointer (&self->glides, g_hash_table_unref);
  g_clear_pointer (&self->sprites, g_hash_table_unref);
  g_clear_pointer (&self->bin_sprites, g_hash_table_unref);
  g_clear_pointer (&self->labels, g_hash_table_unref);
  g_clear_pointer (&self->line_tiles, g_hash_table_unref);
  if (self->tick_id)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;

  G_OBJECT_CLASS (pano_live_map_layer_parent_class)->dispose (object);
}

static void
pano_live_map_layer_class_init (PanoLiveMapLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = pano_live_map_layer_constructed;
  G_OBJECT_CLASS (klass)->dispose = pano_live_map_layer_dispose;
  GTK_WIDGET_CLASS (klass)->snapshot = pano_live_map_layer_snapshot;
}

static void
pano_live_map_layer_init (PanoLiveMapLayer *self)
{
  self->class_mask = (1u << PANO_LIVE_MAX_CLASSES) - 1;
  self->scale = 1.0;
  self->glides = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->sprites = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->bin_sprites = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify)gsk_render_node_unref);
  self->line_tiles = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                            lines_tile_free);
}

PanoLiveMapLayer *
pano_live_map_layer_new (ShumateViewport *viewport,
                         PanoLiveStore   *store,
                         const char      *layer)
{
  PanoLiveMapLayer *self = g_object_new (PANO_TYPE_LIVE_MAP_LAYER, "viewport", viewport, NULL);
  g_autofree char *detailed = g_strdup_printf ("changed::%s", layer);

  self->store = g_object_ref (store);
  self->layer = g_strdup (layer);
  self->style = pano_live_style_for_layer (layer);
  g_signal_connect_object (store, detailed, G_CALLBACK (on_store_changed), self, 0);
  return self;
}

const char *
pano_live_map_layer_get_layer (PanoLiveMapLayer *self)
{
  return self->layer;
}

/* Returns: whether the last frame drew bins rather than individual entities */
gboolean
pano_live_map_layer_is_aggregated (PanoLiveMapLayer *self)
{
  return self->aggregated;
}

/**
 * pano_live_map_layer_set_scale:
 * @scale: 1.0 at a desk, up to 3.0 on a wall
 *
 * Draws symbols, their labels and lines this much larger; positions stay where they are.
 */
void
pano_live_map_layer_set_scale (PanoLiveMapLayer *self,
                               double            scale)
{
  g_return_if_fail (PANO_IS_LIVE_MAP_LAYER (self));
  g_return_if_fail (scale > 0);

  if (self->scale == scale)
    return;
  self->scale = scale;
  g_hash_table_remove_all (self->sprites);
  g_hash_table_remove_all (self->bin_sprites);
  g_hash_table_remove_all (self->labels);
  forget_lines (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
pano_live_map_layer_get_scale (PanoLiveMapLayer *self)
{
  return self->scale;
}

/* The filter: which classes are drawn (and hit), bit k for class k. */
void
pano_live_map_layer_set_class_mask (PanoLiveMapLayer *self,
                                    guint             mask)
{
  if (self->class_mask == mask)
    return;
  self->class_mask = mask;
  forget_lines (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
pano_live_map_layer_get_class_mask (PanoLiveMapLayer *self)
{
  return self->class_mask;
}

const PanoLiveStyle *
pano_live_map_layer_get_style (PanoLiveMapLayer *self)
{
  return self->style;
}

/* Returns: how many symbols (entities or bins) the last frame drew */
guint
pano_live_map_layer_get_n_drawn (PanoLiveMapLayer *self)
{
  return self->n_drawn;
}

/* Rings the entity @id (nullable: none) wherever it moves. */
void
pano_live_map_layer_select (PanoLiveMapLayer *self,
                            const char       *id)
{
  g_free (self->selected);
  self->selected = g_strdup (id);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Fades every entity but the selected one (an incident whose card is open), or stops. */
void
pano_live_map_layer_set_dim_others (PanoLiveMapLayer *self,
                                    gboolean          dim_others)
{
  if (self->dim_others == dim_others)
    return;
  self->dim_others = dim_others;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
pano_live_map_layer_get_dim_others (PanoLiveMapLayer *self)
{
  return self->dim_others;
}

/* Returns: the glide of the entity @id if the last frame drew it gliding */
static Glide *
drawn_glide (PanoLiveMapLayer *self,
             const char       *id)
{
  Glide *g = g_hash_table_lookup (self->glides, id);

  return g != NULL && g->seen == self->frame ? g : NULL;
}

typedef struct
{
  PanoLiveMapLayer *self;
  PanoLiveLayer *layer;
  double x, y, tolerance;   /* world units */
  int best;
  double best_distance;
} GlideHit;

static void
visit_glide (gpointer key,
             gpointer value,
             gpointer data)
{
  GlideHit *hit = data;
  Glide *g = value;
  double d = hypot (g->drawn_x - hit->x, g->drawn_y - hit->y);
  int slot;

  if (g->seen != hit->self->frame || d > hit->tolerance || d >= hit->best_distance)
    return;
  slot = pano_live_layer_lookup (hit->layer, key);
  if (slot < 0 || !(hit->self->class_mask & (1u << pano_live_layer_get_class (hit->layer, slot))))
    return;
  hit->best = slot;
  hit->best_distance = d;
}

/* Returns: the slot of the entity drawn under widget point (@x, @y), or -1. A vehicle is hit
 * where it is drawn, on its way to where it was reported, not at the report. */
int
pano_live_map_layer_hit_test (PanoLiveMapLayer *self,
                              double            x,
                              double            y)
{
  PanoLiveLayer *layer = pano_live_store_get_layer (self->store, self->layer);
  double tolerance;
  GlideHit hit;
  Glide *g;
  PanoLiveView v;
  int slot;

  pano_live_map_layer_get_view (self, &v);
  tolerance = MAX (HIT_PX, self->style->size / 2 + 2) * self->scale / v.world;
  hit = (GlideHit) { self, layer, (v.origin_x + x) / v.world, (v.origin_y + y) / v.world,
                     tolerance, -1, G_MAXDOUBLE };
  g_hash_table_foreach (self->glides, visit_glide, &hit);
  if (hit.best >= 0)
    return hit.best;

  slot = pano_live_layer_hit_test (layer, hit.x, hit.y, tolerance);
  if (slot >= 0 && !(self->class_mask & (1u << pano_live_layer_get_class (layer, slot))))
    return -1;
  /* reported here, but drawn elsewhere still: not under the pointer */
  if (slot >= 0 && (g = drawn_glide (self, pano_live_layer_get_id (layer, slot))) != NULL &&
      hypot (g->drawn_x - hit.x, g->drawn_y - hit.y) > tolerance)
    return -1;
  return slot;
}

/**
 * pano_live_map_layer_get_symbol_area:
 * @area: (out): where the entity at @slot is drawn, in widget pixels
 *
 * Returns: %FALSE for a line, whose area is no symbol's
 */
gboolean
pano_live_map_layer_get_symbol_area (PanoLiveMapLayer *self,
                                     guint             slot,
                                     GdkRectangle     *area)
{
  PanoLiveLayer *layer = pano_live_store_get_layer (self->store, self->layer);
  int reach = (int)ceil (MAX (HIT_PX, self->style->size / 2 + 2) * self->scale);
  double wx, wy;
  Glide *g;
  PanoLiveView v;

  if (self->style->symbol == PANO_LIVE_SYMBOL_LINE)
    return FALSE;
  pano_live_map_layer_get_view (self, &v);
  pano_live_layer_get_position (layer, slot, &wx, &wy);
  if ((g = drawn_glide (self, pano_live_layer_get_id (layer, slot))) != NULL)
    wx = g->drawn_x, wy = g->drawn_y;
  *area = (GdkRectangle) { (int)round (wx * v.world - v.origin_x) - reach,
                           (int)round (wy * v.world - v.origin_y) - reach, 2 * reach, 2 * reach };
  return TRUE;
}

/* Returns: whether the layer draws lines (roads) rather than point symbols */
gboolean
pano_live_map_layer_draws_lines (PanoLiveMapLayer *self)
{
  return self->style->symbol == PANO_LIVE_SYMBOL_LINE;
}

/* Returns: how often line tiles were drawn: once per frame that drew any (panning over the tiles
 * already drawn, or a change that leaves every road looking the same, draws none) */
guint
pano_live_map_layer_get_n_line_pictures (PanoLiveMapLayer *self)
{
  return self->n_line_pictures;
}

/* Returns: how many line tiles (LINES_TILE px square) were drawn in all: a batch from the hub
 * draws again only those whose roads look different */
guint
pano_live_map_layer_get_n_line_tiles_drawn (PanoLiveMapLayer *self)
{
  return self->n_line_tiles_drawn;
}
