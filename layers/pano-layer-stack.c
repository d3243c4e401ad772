// SPDX-License-Identifier: GPL-3.0-or-later
/* The ordered list of static layers (top first) and the one map widget that shows them all
 * composed (a PanoTileLayer). The list is the model the layer list binds to; the stack keeps
 * the composition's order, visibility and opacity in step with it, and hit-tests clicks from
 * the top layer down. */
#define G_LOG_DOMAIN "panorama-layers"

#include "pano-layer-stack.h"
#include "pano-mercator.h"
#include "pano-tile-layer.h"

#include <math.h>

#define HIT_TOLERANCE_PX 5.0
#define MAX_FIT_ZOOM 17.0

struct _PanoLayerStack
{
  GObject parent_instance;

  ShumateMap *map;        /* weak */
  GListStore *layers;     /* PanoStaticLayer, top first */
  PanoTileLayer *tiles;   /* the visible ones composed (owned ref) */
  ShumateLayer *backdrop;
  ShumateLayer *ceiling;  /* weak: static layers stay under it (the live layers start there) */
};

G_DEFINE_FINAL_TYPE (PanoLayerStack, pano_layer_stack, G_TYPE_OBJECT)

static void
pano_layer_stack_dispose (GObject *object)
{
  PanoLayerStack *self = (PanoLayerStack *)object;

  g_clear_weak_pointer (&self->map);
  g_clear_weak_pointer (&self->ceiling);
  g_clear_object (&self->layers);
  g_clear_object (&self->tiles);
  g_clear_object (&self->backdrop);

  G_OBJECT_CLASS (pano_layer_stack_parent_class)->dispose (object);
}

static void
pano_layer_stack_class_init (PanoLayerStackClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pano_layer_stack_dispose;
}

static void
pano_layer_stack_init (PanoLayerStack *self)
{
  self->layers = g_list_store_new (PANO_TYPE_STATIC_LAYER);
}

PanoLayerStack *
pano_layer_stack_new (ShumateMap *map)
{
  PanoLayerStack *self = g_object_new (PANO_TYPE_LAYER_STACK, NULL);

  g_set_weak_pointer (&self->map, map);
  self->tiles = g_object_ref_sink (pano_tile_layer_new (shumate_map_get_viewport (map)));
  return self;
}

/* Returns: (transfer none): PanoStaticLayer items, the top layer first */
GListModel *
pano_layer_stack_get_model (PanoLayerStack *self)
{
  return G_LIST_MODEL (self->layers);
}

static void
add_under_ceiling (PanoLayerStack *self,
                   ShumateLayer   *widget)
{
  if (self->ceiling && gtk_widget_get_parent (GTK_WIDGET (self->ceiling)) != NULL)
    shumate_map_insert_layer_behind (self->map, widget, self->ceiling);
  else
    shumate_map_add_layer (self->map, widget);
}

/* Composes the visible layers, bottom first, with their opacities. */
static void
update_parts (PanoLayerStack *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->layers)), n_parts = 0;
  g_autofree PanoTileRenderer **renderers = g_new0 (PanoTileRenderer *, n + 1);
  g_autofree double *opacities = g_new0 (double, n + 1);

  for (guint i = n; i > 0; i--)
    {
      g_autoptr(PanoStaticLayer) layer = g_list_model_get_item (G_LIST_MODEL (self->layers), i - 1);

      if (!pano_static_layer_get_visible (layer))
        continue;
      renderers[n_parts] = pano_static_layer_get_renderer (layer);
      opacities[n_parts++] = pano_static_layer_get_opacity (layer);
    }
  pano_tile_layer_set_parts (self->tiles, renderers, opacities, n_parts);
}

/* Puts the map's widgets in order: the backdrop, then the static layers, under the ceiling. */
static void
restack (PanoLayerStack *self)
{
  if (self->map == NULL)
    return;

  if (gtk_widget_get_parent (GTK_WIDGET (self->tiles)) != NULL)
    shumate_map_remove_layer (self->map, SHUMATE_LAYER (self->tiles));
  if (self->backdrop && gtk_widget_get_parent (GTK_WIDGET (self->backdrop)) != NULL)
    shumate_map_remove_layer (self->map, self->backdrop);

  if (self->backdrop)
    add_under_ceiling (self, self->backdrop);
  add_under_ceiling (self, SHUMATE_LAYER (self->tiles));
}

static void
insert_layer (PanoLayerStack  *self,
              PanoStaticLayer *layer,
              gboolean         on_top)
{
  g_return_if_fail (PANO_IS_STATIC_LAYER (layer));

  g_signal_connect_object (layer, "renderer-changed", G_CALLBACK (update_parts), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (layer, "notify::visible", G_CALLBACK (update_parts), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (layer, "notify::opacity", G_CALLBACK (update_parts), self,
                           G_CONNECT_SWAPPED);
  if (on_top)
    g_list_store_insert (self->layers, 0, layer);
  else
    g_list_store_append (self->layers, layer);
  if (gtk_widget_get_parent (GTK_WIDGET (self->tiles)) == NULL)
    restack (self);
  update_parts (self);
}

/* Adds @layer over every other layer. */
void
pano_layer_stack_add (PanoLayerStack  *self,
                      PanoStaticLayer *layer)
{
  insert_layer (self, layer, TRUE);
}

/* Adds @layer under every other layer: the base map. */
void
pano_layer_stack_add_bottom (PanoLayerStack  *self,
                             PanoStaticLayer *layer)
{
  insert_layer (self, layer, FALSE);
}

void
pano_layer_stack_remove (PanoLayerStack  *self,
                         PanoStaticLayer *layer)
{
  guint position;

  if (!g_list_store_find (self->layers, layer, &position))
    return;
  g_signal_handlers_disconnect_by_data (layer, self);
  g_list_store_remove (self->layers, position);
  update_parts (self);
}

/* @delta: -1 to raise one step, +1 to lower. Returns: whether it moved */
gboolean
pano_layer_stack_move (PanoLayerStack  *self,
                       PanoStaticLayer *layer,
                       int              delta)
{
  guint position, n = g_list_model_get_n_items (G_LIST_MODEL (self->layers));
  int target;

  if (!g_list_store_find (self->layers, layer, &position))
    return FALSE;
  target = (int)position + delta;
  if (target < 0 || target >= (int)n)
    return FALSE;

  g_object_ref (layer);
  g_list_store_remove (self->layers, position);
  g_list_store_insert (self->layers, target, layer);
  g_object_unref (layer);
  update_parts (self);
  return TRUE;
}

/* @backdrop: (nullable): an online raster base map drawn under every static layer */
void
pano_layer_stack_set_backdrop (PanoLayerStack *self,
                               ShumateLayer   *backdrop)
{
  if (self->map && self->backdrop && gtk_widget_get_parent (GTK_WIDGET (self->backdrop)))
    shumate_map_remove_layer (self->map, self->backdrop);
  g_clear_object (&self->backdrop);
  self->backdrop = backdrop ? g_object_ref_sink (backdrop) : NULL;
  restack (self);
}

/* @ceiling: (nullable): a layer of the map that static layers must stay under, e.g. the
 * lowest live layer */
void
pano_layer_stack_set_ceiling (PanoLayerStack *self,
                              ShumateLayer   *ceiling)
{
  g_set_weak_pointer (&self->ceiling, ceiling);
  restack (self);
}

void
pano_layer_stack_zoom_to (PanoLayerStack  *self,
                          PanoStaticLayer *layer)
{
  double e[4];

  if (pano_static_layer_get_extent (layer, e))
    pano_layer_stack_zoom_to_extent (self, e);
}

/* Centres the map on @extent (world units: min x, min y, max x, max y) at the zoom that shows
 * all of it. */
void
pano_layer_stack_zoom_to_extent (PanoLayerStack *self,
                                 const double    e[4])
{
  double w, h, span, zoom;

  if (self->map == NULL)
    return;

  w = MAX (gtk_widget_get_width (GTK_WIDGET (self->map)), 256);
  h = MAX (gtk_widget_get_height (GTK_WIDGET (self->map)), 256);
  span = MAX ((e[2] - e[0]) / w, (e[3] - e[1]) / h);   /* world units per pixel needed */
  zoom = span > 0 ? log2 (1.0 / (span * PANO_TILE_SIZE)) - 0.1 : MAX_FIT_ZOOM;
  shumate_map_go_to_full (self->map,
                          pano_mercator_lat_from_y ((e[1] + e[3]) / 2),
                          pano_mercator_lon_from_x ((e[0] + e[2]) / 2),
                          CLAMP (zoom, 2, MAX_FIT_ZOOM));
}

/* Returns: the feature under the widget point, searching visible layers top-down, or -1 */
int
pano_layer_stack_hit_test (PanoLayerStack   *self,
                           double            widget_x,
                           double            widget_y,
                           PanoStaticLayer **hit_static,
                           PanoGisLayer    **hit_layer)
{
  ShumateViewport *viewport = shumate_map_get_viewport (self->map);
  double lat, lon, x, y, tolerance;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->layers));

  shumate_viewport_widget_coords_to_location (viewport, GTK_WIDGET (self->map),
                                              widget_x, widget_y, &lat, &lon);
  x = pano_mercator_x_from_lon (lon);
  y = pano_mercator_y_from_lat (lat);
  tolerance = HIT_TOLERANCE_PX /
              pano_mercator_world_size (shumate_viewport_get_zoom_level (viewport));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PanoStaticLayer) layer = g_list_model_get_item (G_LIST_MODEL (self->layers), i);
      int feature;

      if (!pano_static_layer_get_visible (layer))
        continue;
      feature = pano_static_layer_hit_test (layer, x, y, tolerance, hit_layer);
      if (feature >= 0)
        {
          *hit_static = layer;
          return feature;
        }
    }
  return -1;
}
