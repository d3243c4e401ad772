// SPDX-License-Identifier: GPL-3.0-or-later
/* The ordered list of static layers (top first) and the map widgets that show them. The list
 * is the model the layer list binds to; the stack keeps the map's widget order, visibility and
 * opacity in step with it, and hit-tests clicks from the top layer down. */
#define G_LOG_DOMAIN "panorama-layers"

#include "pano-layer-stack.h"
#include "pano-mercator.h"
#include "pano-tile-source.h"

#include <math.h>

#define HIT_TOLERANCE_PX 5.0
#define MAX_FIT_ZOOM 17.0

struct _PanoLayerStack
{
  GObject parent_instance;

  ShumateMap *map;        /* weak */
  GListStore *layers;     /* PanoStaticLayer, top first */
  GHashTable *widgets;    /* PanoStaticLayer → ShumateMapLayer (owned ref) */
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
  g_clear_pointer (&self->widgets, g_hash_table_unref);
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
  self->widgets = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
}

PanoLayerStack *
pano_layer_stack_new (ShumateMap *map)
{
  PanoLayerStack *self = g_object_new (PANO_TYPE_LAYER_STACK, NULL);

  g_set_weak_pointer (&self->map, map);
  return self;
}

/* Returns: (transfer none): PanoStaticLayer items, the top layer first */
GListModel *
pano_layer_stack_get_model (PanoLayerStack *self)
{
  return G_LIST_MODEL (self->layers);
}

static ShumateLayer *
create_widget (PanoLayerStack  *self,
               PanoStaticLayer *layer)
{
  ShumateViewport *viewport = shumate_map_get_viewport (self->map);
  g_autoptr(PanoTileSource) source =
    pano_tile_source_new (pano_static_layer_get_title (layer),
                          pano_static_layer_get_renderer (layer));
  ShumateMapLayer *widget = shumate_map_layer_new (SHUMATE_MAP_SOURCE (source), viewport);

  g_object_bind_property (layer, "visible", widget, "visible", G_BINDING_SYNC_CREATE);
  g_object_bind_property (layer, "opacity", widget, "opacity", G_BINDING_SYNC_CREATE);
  return SHUMATE_LAYER (g_object_ref_sink (widget));
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

/* Puts the map's widgets back in list order: backdrop at the bottom, item 0 on top. */
static void
restack (PanoLayerStack *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->layers));
  GHashTableIter iter;
  gpointer widget;

  if (self->map == NULL)
    return;

  g_hash_table_iter_init (&iter, self->widgets);
  while (g_hash_table_iter_next (&iter, NULL, &widget))
    if (gtk_widget_get_parent (widget) != NULL)
      shumate_map_remove_layer (self->map, widget);
  if (self->backdrop && gtk_widget_get_parent (GTK_WIDGET (self->backdrop)) != NULL)
    shumate_map_remove_layer (self->map, self->backdrop);

  if (self->backdrop)
    add_under_ceiling (self, self->backdrop);
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(PanoStaticLayer) layer = g_list_model_get_item (G_LIST_MODEL (self->layers), i - 1);

      add_under_ceiling (self, g_hash_table_lookup (self->widgets, layer));
    }
}

static void
on_renderer_changed (PanoStaticLayer *layer,
                     PanoLayerStack  *self)
{
  g_hash_table_replace (self->widgets, layer, create_widget (self, layer));
  restack (self);
}

static void
insert_layer (PanoLayerStack  *self,
              PanoStaticLayer *layer,
              gboolean         on_top)
{
  g_return_if_fail (PANO_IS_STATIC_LAYER (layer));

  g_hash_table_insert (self->widgets, layer, create_widget (self, layer));
  g_signal_connect_object (layer, "renderer-changed", G_CALLBACK (on_renderer_changed), self, 0);
  if (on_top)
    g_list_store_insert (self->layers, 0, layer);
  else
    g_list_store_append (self->layers, layer);
  restack (self);
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
  ShumateLayer *widget = g_hash_table_lookup (self->widgets, layer);

  if (!g_list_store_find (self->layers, layer, &position))
    return;
  g_signal_handlers_disconnect_by_data (layer, self);
  if (self->map && widget && gtk_widget_get_parent (GTK_WIDGET (widget)))
    shumate_map_remove_layer (self->map, widget);
  g_hash_table_remove (self->widgets, layer);
  g_list_store_remove (self->layers, position);
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
  restack (self);
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
  double e[4], w, h, span, zoom;

  if (self->map == NULL || !pano_static_layer_get_extent (layer, e))
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
