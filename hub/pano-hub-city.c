// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-city"

#include "pano-hub-city.h"
#include "pano-gis-layer.h"
#include "pano-gis-loader.h"
#include "pano-mercator.h"
#include "pano-road-graph.h"

/* The demo city as the hub needs it: grid cells to place incidents, facilities to seed the
 * simulator, and the road network to drive units along. Read once with the core GIS loader. */

struct _PanoHubCity
{
  GObject parent_instance;
  GPtrArray *layers;
  PanoGisLayer *cells;
  PanoGisLayer *roads;
  PanoGisLayer *facilities;
  PanoRoadGraph *graph;  /* from roads: segment i is road feature i */
};

G_DEFINE_FINAL_TYPE (PanoHubCity, pano_hub_city, G_TYPE_OBJECT)

static void
pano_hub_city_finalize (GObject *object)
{
  PanoHubCity *self = PANO_HUB_CITY (object);

  g_clear_pointer (&self->layers, g_ptr_array_unref);
  g_clear_pointer (&self->graph, pano_road_graph_unref);
  G_OBJECT_CLASS (pano_hub_city_parent_class)->finalize (object);
}

static void
pano_hub_city_class_init (PanoHubCityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pano_hub_city_finalize;
}

static void
pano_hub_city_init (PanoHubCity *self)
{
}

static const char *
value (PanoGisLayer *layer,
       guint         feature,
       const char   *field)
{
  int index = layer ? pano_gis_layer_find_field (layer, field) : -1;

  return index < 0 ? NULL : pano_gis_layer_get_value (layer, feature, index);
}

static void
append_road_points (PanoHubCity *self,
                    guint        road,
                    gboolean     forward,
                    GArray      *points)
{
  PanoGeometry g;
  guint n;

  /* part_starts index the layer's shared coordinate array */
  pano_gis_layer_get_geometry (self->roads, road, &g);
  n = g.part_starts[1] - g.part_starts[0];
  for (guint i = 0; i < n; i++)
    {
      guint k = g.part_starts[0] + (forward ? i : n - 1 - i);
      double p[2] = { pano_mercator_lon_from_x (g.coords[2 * k]),
                      pano_mercator_lat_from_y (g.coords[2 * k + 1]) };

      g_array_append_vals (points, p, 2);
    }
}

static guint
node_index (PanoRoadGraphBuilder *builder,
            GHashTable           *ids,
            const char           *id,
            const double         *lonlat)
{
  gpointer found;
  guint index;

  if (g_hash_table_lookup_extended (ids, id, NULL, &found))
    return GPOINTER_TO_UINT (found);
  index = pano_road_graph_builder_add_node (builder, lonlat[0], lonlat[1]);
  g_hash_table_insert (ids, g_strdup (id), GUINT_TO_POINTER (index));
  return index;
}

/* The city's noded roads (tools/pano-citygen.c): from_node/to_node name the ends, oneway=1
 * allows from → to only, speed_limit in km/h, else the class default. Road feature i is road
 * id i of the graph, so the traffic layer's `road-<i>` speeds reach its segment. */
static void
build_graph (PanoHubCity *self)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(PanoRoadGraphBuilder) builder = pano_road_graph_builder_new ();
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint r = 0; self->roads && r < pano_gis_layer_get_n_features (self->roads); r++)
    {
      const char *from = value (self->roads, r, "from_node");
      const char *to = value (self->roads, r, "to_node");
      const char *length = value (self->roads, r, "length_m");
      const char *limit = value (self->roads, r, "speed_limit");
      double speed = limit ? g_ascii_strtod (limit, NULL) : 0;
      const double *p;
      guint a, b, n;

      PanoGeometry g;

      pano_gis_layer_get_geometry (self->roads, r, &g);
      if (from == NULL || to == NULL || g.n_parts == 0)
        continue;
      g_array_set_size (points, 0);
      append_road_points (self, r, TRUE, points);
      n = points->len / 2;
      p = (const double *) points->data;
      a = node_index (builder, ids, from, p);
      b = node_index (builder, ids, to, &p[2 * n - 2]);
      if (speed <= 0)
        speed = pano_road_class_speed_kmh (value (self->roads, r, "class"));
      pano_road_graph_builder_add_segment (builder, r, a, b, p, n,
                                           length ? g_ascii_strtod (length, NULL) : 0, speed,
                                           g_strcmp0 (value (self->roads, r, "oneway"), "1") == 0);
    }
  self->graph = pano_road_graph_builder_finish (g_steal_pointer (&builder));
}

PanoHubCity *
pano_hub_city_load (const char  *path,
                    GError     **error)
{
  g_autoptr(PanoHubCity) self = g_object_new (PANO_TYPE_HUB_CITY, NULL);
  g_autoptr(PanoGisLoader) loader = pano_gis_loader_new (path);

  self->layers = pano_gis_loader_load (loader, NULL, error);
  if (self->layers == NULL)
    return NULL;
  for (guint i = 0; i < self->layers->len; i++)
    {
      PanoGisLayer *layer = self->layers->pdata[i];
      const char *name = pano_gis_layer_get_name (layer);

      if (g_strcmp0 (name, "grid_cells") == 0)
        self->cells = layer;
      else if (g_strcmp0 (name, "roads") == 0)
        self->roads = layer;
      else if (g_strcmp0 (name, "facilities") == 0)
        self->facilities = layer;
    }
  build_graph (self);
  g_debug ("%s: %u grid cells, %u roads, %u road nodes, %u facilities", path,
           self->cells ? pano_gis_layer_get_n_features (self->cells) : 0,
           pano_hub_city_get_n_roads (self), pano_road_graph_get_n_nodes (self->graph),
           self->facilities ? pano_gis_layer_get_n_features (self->facilities) : 0);
  return g_steal_pointer (&self);
}

gboolean
pano_hub_city_locate (PanoHubCity     *self,
                      double           lon,
                      double           lat,
                      PanoHubGridCell *cell)
{
  int f;

  if (self->cells == NULL)
    return FALSE;
  f = pano_gis_layer_hit_test (self->cells, pano_mercator_x_from_lon (lon),
                               pano_mercator_y_from_lat (lat), 0.0);
  if (f < 0)
    return FALSE;
  cell->code = value (self->cells, f, "code");
  cell->city = value (self->cells, f, "city");
  cell->district = value (self->cells, f, "district");
  cell->street = value (self->cells, f, "street");
  cell->cell = value (self->cells, f, "name");
  return TRUE;
}

guint
pano_hub_city_get_n_cells (PanoHubCity *self)
{
  return self->cells ? pano_gis_layer_get_n_features (self->cells) : 0;
}

/* The mean of the outer ring's vertices: inside for the convex-ish cells of the demo grid. */
void
pano_hub_city_get_cell_center (PanoHubCity *self,
                               guint        index,
                               double      *lon,
                               double      *lat)
{
  PanoGeometry g;
  double x = 0, y = 0;
  guint n;

  pano_gis_layer_get_geometry (self->cells, index, &g);
  n = MAX (g.part_starts[1] - g.part_starts[0], 1);
  for (guint i = g.part_starts[0]; i < g.part_starts[0] + n; i++)
    {
      x += g.coords[2 * i];
      y += g.coords[2 * i + 1];
    }
  *lon = pano_mercator_lon_from_x (x / n);
  *lat = pano_mercator_lat_from_y (y / n);
}

const char *
pano_hub_city_get_facility_value (PanoHubCity *self,
                                  guint        feature,
                                  const char  *field)
{
  return value (self->facilities, feature, field);
}

/**
 * pano_hub_city_get_facilities:
 *
 * Returns: (transfer full) (element-type PanoHubFacility): all point facilities, in file order
 */
GArray *
pano_hub_city_get_facilities (PanoHubCity *self)
{
  GArray *list = g_array_new (FALSE, FALSE, sizeof (PanoHubFacility));

  for (guint f = 0; self->facilities && f < pano_gis_layer_get_n_features (self->facilities); f++)
    {
      PanoGeometry g;
      PanoHubFacility facility = { value (self->facilities, f, "kind"),
                                   value (self->facilities, f, "name"), 0, 0, f };

      pano_gis_layer_get_geometry (self->facilities, f, &g);
      if (facility.kind == NULL || g.n_parts == 0)
        continue;
      facility.lon = pano_mercator_lon_from_x (g.coords[2 * g.part_starts[0]]);
      facility.lat = pano_mercator_lat_from_y (g.coords[2 * g.part_starts[0] + 1]);
      g_array_append_val (list, facility);
    }
  return list;
}

guint
pano_hub_city_get_n_roads (PanoHubCity *self)
{
  return self->roads ? pano_gis_layer_get_n_features (self->roads) : 0;
}

const char *
pano_hub_city_get_road_value (PanoHubCity *self,
                              guint        road,
                              const char  *field)
{
  return value (self->roads, road, field);
}

/* GeoJSON LineString text of a road, with its lon/lat bounds. */
char *
pano_hub_city_road_geometry (PanoHubCity *self,
                             guint        road,
                             double      *bbox)
{
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (double));
  GString *json = g_string_new ("{\"type\":\"LineString\",\"coordinates\":[");
  double *p;

  append_road_points (self, road, TRUE, points);
  p = (double *) points->data;
  bbox[0] = bbox[2] = p[0];
  bbox[1] = bbox[3] = p[1];
  for (guint i = 0; i < points->len / 2; i++)
    {
      bbox[0] = MIN (bbox[0], p[2 * i]);
      bbox[1] = MIN (bbox[1], p[2 * i + 1]);
      bbox[2] = MAX (bbox[2], p[2 * i]);
      bbox[3] = MAX (bbox[3], p[2 * i + 1]);
      g_string_append_printf (json, "%s[%.6f,%.6f]", i ? "," : "", p[2 * i], p[2 * i + 1]);
    }
  g_string_append (json, "]}");
  return g_string_free (json, FALSE);
}

/**
 * pano_hub_city_get_road_graph:
 *
 * Returns: (transfer none): the road network of the city's `roads` (road id = feature index)
 */
PanoRoadGraph *
pano_hub_city_get_road_graph (PanoHubCity *self)
{
  return self->graph;
}
