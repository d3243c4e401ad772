// SPDX-License-Identifier: GPL-3.0-or-later
/* Grid cells (网格) shaded by their open events and incidents, with overdue ones outlined in
 * red: where the city's work is piling up. Counts are recomputed from the live store's
 * incidents and events when a batch changes them, by the grid code the hub assigns. */
#define G_LOG_DOMAIN "panorama-layers"

#include "pano-grid-choropleth.h"
#include "pano-live-classify.h"
#include "pano-mercator.h"

#include <json-glib/json-glib.h>

typedef struct
{
  guint open;
  guint overdue;
} Counts;

struct _PanoGridChoropleth
{
  ShumateLayer parent_instance;

  PanoGisLayer *cells;
  int code_field;
  PanoLiveStore *store;
  GHashTable *counts;    /* grid code → Counts */
  gboolean dirty;        /* incidents or events changed since the last count */
  guint recount_id;      /* a pending, rate-limited recount */
};

/* Counting parses every open incident's properties: at most this often, however fast they
 * change, and never once per batch. */
#define RECOUNT_INTERVAL_MS 500

G_DEFINE_FINAL_TYPE (PanoGridChoropleth, pano_grid_choropleth, SHUMATE_TYPE_LAYER)

static const char *
grid_code (JsonObject *properties)
{
  JsonNode *grid = json_object_get_member (properties, "grid");

  if (grid != NULL && JSON_NODE_HOLDS_OBJECT (grid))
    return json_object_get_string_member_with_default (json_node_get_object (grid), "code", NULL);
  return json_object_get_string_member_with_default (properties, "grid_code", NULL);
}

static gboolean
count_entity (PanoLiveLayer *layer,
              guint          slot,
              gpointer       data)
{
  PanoGridChoropleth *self = data;
  guint klass = pano_live_layer_get_class (layer, slot);
  const char *properties = pano_live_layer_get_properties (layer, slot);
  g_autoptr(JsonParser) parser = NULL;
  const char *code;
  Counts *c;

  const char *name = pano_live_layer_get_name (layer);

  if (!pano_live_class_is_open (name, klass) || properties == NULL)
    return TRUE;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, properties, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      !(code = grid_code (json_node_get_object (json_parser_get_root (parser)))))
    return TRUE;

  c = g_hash_table_lookup (self->counts, code);
  if (c == NULL)
    {
      c = g_new0 (Counts, 1);
      g_hash_table_insert (self->counts, g_strdup (code), c);
    }
  c->open++;
  if (pano_live_class_is_overdue (name, klass))
    c->overdue++;
  return TRUE;
}

static void
recount (PanoGridChoropleth *self)
{
  static const char * const sources[] = { "incidents", "events", NULL };

  self->dirty = FALSE;
  g_hash_table_remove_all (self->counts);
  for (guint i = 0; sources[i]; i++)
    {
      PanoLiveLayer *layer = pano_live_store_get_layer (self->store, sources[i]);

      if (layer != NULL)
        pano_live_layer_foreach (layer, count_entity, self);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Returns the counts of the grid cell @code (0 when it has none). */
void
pano_grid_choropleth_get_counts (PanoGridChoropleth *self,
                                 const char         *code,
                                 guint              *open,
                                 guint              *overdue)
{
  Counts *c;

  if (self->dirty)
    recount (self);
  c = g_hash_table_lookup (self->counts, code);
  *open = c ? c->open : 0;
  *overdue = c ? c->overdue : 0;
}

typedef struct
{
  PanoGridChoropleth *self;
  cairo_t *cr;
  double world, origin_x, origin_y;
} Drawing;

static gboolean
draw_cell (guint    feature,
           gpointer data)
{
  Drawing *d = data;
  const char *code = pano_gis_layer_get_value (d->self->cells, feature, d->self->code_field);
  Counts *c = g_hash_table_lookup (d->self->counts, code);
  PanoGeometry g;

  if (c == NULL)
    return TRUE;
  pano_gis_layer_get_geometry (d->self->cells, feature, &g);
  cairo_new_path (d->cr);
  for (guint p = 0; p < g.n_parts; p++)
    {
      const double *v = g.coords + 2 * (gsize)g.part_starts[p];
      guint n = g.part_starts[p + 1] - g.part_starts[p];

      for (guint i = 0; i < n; i++)
        cairo_line_to (d->cr, v[2 * i] * d->world - d->origin_x,
                       v[2 * i + 1] * d->world - d->origin_y);
      cairo_close_path (d->cr);
    }
  /* 1 open: pale amber; 5 or more: deep orange. */
  cairo_set_source_rgba (d->cr, 1.0, 0.6 - 0.08 * MIN (c->open, 5), 0.0,
                         0.18 + 0.07 * MIN (c->open, 5));
  cairo_fill_preserve (d->cr);
  if (c->overdue > 0)
    {
      cairo_set_source_rgba (d->cr, 0.85, 0, 0, 0.9);
      cairo_set_line_width (d->cr, 2.5);
      cairo_stroke (d->cr);
    }
  return TRUE;
}

static void
pano_grid_choropleth_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  PanoGridChoropleth *self = PANO_GRID_CHOROPLETH (widget);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  double zoom = shumate_viewport_get_zoom_level (viewport);
  Drawing d = { self, NULL, pano_mercator_world_size (zoom) };

  if (g_hash_table_size (self->counts) == 0 || self->code_field < 0 || w == 0)
    return;
  d.origin_x = pano_mercator_x_from_lon (shumate_location_get_longitude (SHUMATE_LOCATION (
                                           viewport))) * d.world - w / 2.0;
  d.origin_y = pano_mercator_y_from_lat (shumate_location_get_latitude (SHUMATE_LOCATION (
                                           viewport))) * d.world - h / 2.0;
  d.cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  cairo_set_fill_rule (d.cr, CAIRO_FILL_RULE_EVEN_ODD);
  pano_gis_layer_search (self->cells, d.origin_x / d.world, d.origin_y / d.world,
                         (d.origin_x + w) / d.world, (d.origin_y + h) / d.world, draw_cell, &d);
  cairo_destroy (d.cr);
}

static gboolean
on_recount_due (gpointer user_data)
{
  PanoGridChoropleth *self = user_data;

  self->recount_id = 0;
  if (self->dirty)
    recount (self);
  return G_SOURCE_REMOVE;
}

static void
on_store_changed (PanoLiveStore      *store,
                  const char         *layer,
                  PanoGridChoropleth *self)
{
  if (!g_str_equal (layer, "incidents") && !g_str_equal (layer, "events"))
    return;
  self->dirty = TRUE;
  if (self->recount_id == 0)
    self->recount_id = g_timeout_add (RECOUNT_INTERVAL_MS, on_recount_due, self);
}

static void
pano_grid_choropleth_dispose (GObject *object)
{
  PanoGridChoropleth *self = (PanoGridChoropleth *)object;

  g_clear_object (&self->cells);
  g_clear_object (&self->store);
  g_clear_handle_id (&self->recount_id, g_source_remove);
  g_clear_pointer (&self->counts, g_hash_table_unref);

  G_OBJECT_CLASS (pano_grid_choropleth_parent_class)->dispose (object);
}

static void
pano_grid_choropleth_class_init (PanoGridChoroplethClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pano_grid_choropleth_dispose;
  GTK_WIDGET_CLASS (klass)->snapshot = pano_grid_choropleth_snapshot;
}

static void
pano_grid_choropleth_init (PanoGridChoropleth *self)
{
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

PanoGridChoropleth *
pano_grid_choropleth_new (ShumateViewport *viewport,
                          PanoGisLayer    *cells,
                          PanoLiveStore   *store)
{
  PanoGridChoropleth *self = g_object_new (PANO_TYPE_GRID_CHOROPLETH, "viewport", viewport, NULL);

  self->cells = g_object_ref (cells);
  self->code_field = pano_gis_layer_find_field (cells, "code");
  self->store = g_object_ref (store);
  g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed), self, 0);
  g_signal_connect_object (viewport, "notify", G_CALLBACK (gtk_widget_queue_draw), self,
                           G_CONNECT_SWAPPED);
  recount (self);
  return self;
}
