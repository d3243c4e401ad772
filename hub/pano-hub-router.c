// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-router"

#include "pano-hub-router.h"
#include "pano-json.h"

/* The hub's road graph kept current: every `traffic` upsert whose id is `road-<n>` and whose
 * properties carry `speed_kmh` sets the live speed of road n until the entity's stale_after
 * (a remove, or an update without a speed, drops it back to the limit). Searches for the
 * recommendations and the simulator's vehicles go through here, on the main thread. */

struct _PanoHubRouter
{
  GObject parent_instance;
  PanoRoadGraph *graph;
  PanoRoadSearch *search;
  PanoHubStore *store;
  guint64 live_updates;
};

G_DEFINE_FINAL_TYPE (PanoHubRouter, pano_hub_router, G_TYPE_OBJECT)

static void
pano_hub_router_dispose (GObject *object)
{
  PanoHubRouter *self = PANO_HUB_ROUTER (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_pointer (&self->search, pano_road_search_free);
  g_clear_pointer (&self->graph, pano_road_graph_unref);
  G_OBJECT_CLASS (pano_hub_router_parent_class)->dispose (object);
}

static void
pano_hub_router_class_init (PanoHubRouterClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pano_hub_router_dispose;
}

static void
pano_hub_router_init (PanoHubRouter *self)
{
}

static gboolean
road_of (const char *id,
         guint64    *road)
{
  return g_str_has_prefix (id, "road-") &&
         g_ascii_string_to_unsigned (id + 5, 10, 0, G_MAXUINT64, road, NULL);
}

/* The speed in an upsert change, read in place: {"op":"upsert","entity":{..."properties":{
 * ..."speed_kmh":N...}}}. */
static gboolean
speed_of (const char *change,
          double     *speed)
{
  PanoJsonSpan root, entity, properties, value;

  return pano_json_check (change, strlen (change), &root, NULL) &&
         pano_json_member (root, "entity", &entity) &&
         pano_json_member (entity, "properties", &properties) &&
         pano_json_member (properties, "speed_kmh", &value) &&
         pano_json_number (value, speed) && *speed > 0;
}

static void
on_changed (PanoHubStore *store,
            PanoHubDelta *delta,
            gpointer      user_data)
{
  PanoHubRouter *self = user_data;
  guint64 road;
  double speed;

  if (delta->layer != PANO_LAYER_TRAFFIC || !road_of (delta->id, &road))
    return;
  if (delta->stale_after_us != 0 && speed_of (delta->change, &speed) &&
      pano_road_graph_set_live_speed (self->graph, road, speed, delta->stale_after_us) > 0)
    self->live_updates++;
  else
    pano_road_graph_clear_live_speed (self->graph, road);
}

PanoHubRouter *
pano_hub_router_new (PanoRoadGraph *graph,
                     PanoHubStore  *store)
{
  PanoHubRouter *self = g_object_new (PANO_TYPE_HUB_ROUTER, NULL);

  self->graph = pano_road_graph_ref (graph);
  self->search = pano_road_search_new (graph);
  self->store = g_object_ref (store);
  g_signal_connect (store, "changed", G_CALLBACK (on_changed), self);
  return self;
}

PanoRoadGraph *
pano_hub_router_get_graph (PanoHubRouter *self)
{
  return self->graph;
}

PanoRoadSearch *
pano_hub_router_get_search (PanoHubRouter *self)
{
  return self->search;
}

guint64
pano_hub_router_get_live_updates (PanoHubRouter *self)
{
  return self->live_updates;
}

/**
 * pano_hub_router_route:
 * @from: lon, lat
 * @to: lon, lat
 * @path: (out caller-allocates): the quickest route now, from @from to @to, with the speed of
 *   each leg; starts at @from and ends at @to even where they lie off the road
 *
 * Returns: FALSE when either end is farther than PANO_HUB_ROUTER_MAX_SNAP_M from a road or
 *   no road leads there (@path is then empty)
 */
gboolean
pano_hub_router_route (PanoHubRouter *self,
                       const double  *from,
                       const double  *to,
                       PanoRoadPath  *path)
{
  double first, last;

  if (!pano_road_search_route (self->search, from[0], from[1], to[0], to[1],
                               PANO_HUB_ROUTER_MAX_SNAP_M, g_get_real_time (), path))
    return FALSE;
  first = path->speeds->len ? g_array_index (path->speeds, double, 0) : 30 / 3.6;
  last = path->speeds->len ? g_array_index (path->speeds, double, path->speeds->len - 1)
                           : first;
  g_array_prepend_vals (path->points, from, 2);
  g_array_prepend_val (path->speeds, first);
  g_array_append_vals (path->points, to, 2);
  g_array_append_val (path->speeds, last);
  return TRUE;
}
