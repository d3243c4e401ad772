// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-city"

#include "pano-hub-city.h"
#include "pano-gis-layer.h"
#include "pano-gis-loader.h"
#include "pano-mercator.h"

/* The demo city as the hub needs it: grid cells to place incidents, facilities to seed the
 * simulator, and the road network to drive units along. Read once with the core GIS loader. */

typedef struct
{
  guint to;
  guint road;
  gboolean forward;
  double length;
} Edge;

struct _PanoHubCity
{
  GObject parent_instance;
  GPtrArray *layers;
  PanoGisLayer *cells;
  PanoGisLayer *roads;
  PanoGisLayer *facilities;
  GArray *nodes;         /* lon, lat pairs */
  GPtrArray *adjacency;  /* node → GArray of Edge */
};

G_DEFINE_FINAL_TYPE (PanoHubCity, pano_hub_city, G_TYPE_OBJECT)

static void
pano_hub_city_finalize (GObject *object)
{
  PanoHubCity *self = PANO_HUB_CITY (object);

  g_clear_pointer (&self->layers, g_ptr_array_unref);
  g_clear_pointer (&self->nodes, g_array_unref);
  g_clear_pointer (&self->adjacency, g_ptr_array_unref);
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
  self->nodes = g_array_new (FALSE, FALSE, sizeof (double));
  self->adjacency = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
}

static const char *
value (PanoGisLayer *layer,
       guint         feature,
       const char   *field)
{
  int index = layer ? pano_gis_layer_find_field (layer, field) : -1;

  return index < 0 ? NULL : pano_gis_layer_get_value (layer, feature, index);
}

static guint
node_index (PanoHubCity *self,
            GHashTable  *ids,
            const char  *id,
            double       x,
            double       y)
{
  gpointer found;
  guint index;
  double lonlat[2] = { pano_mercator_lon_from_x (x), pano_mercator_lat_from_y (y) };

  if (g_hash_table_lookup_extended (ids, id, NULL, &found))
    return GPOINTER_TO_UINT (found);
  index = self->adjacency->len;
  g_hash_table_insert (ids, g_strdup (id), GUINT_TO_POINTER (index));
  g_array_append_vals (self->nodes, lonlat, 2);
  g_ptr_array_add (self->adjacency, g_array_new (FALSE, FALSE, sizeof (Edge)));
  return index;
}

static void
add_edge (PanoHubCity *self,
          guint        from,
          guint        to,
          guint        road,
          gboolean     forward,
          double       length)
{
  Edge edge = { to, road, forward, length };

  g_array_append_val (g_ptr_array_index (self->adjacency, from), edge);
}

static void
build_graph (PanoHubCity *self)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint r = 0; self->roads && r < pano_gis_layer_get_n_features (self->roads); r++)
    {
      PanoGeometry g;
      const char *from = value (self->roads, r, "from_node");
      const char *to = value (self->roads, r, "to_node");
      const char *length = value (self->roads, r, "length_m");
      const char *oneway = value (self->roads, r, "oneway");
      guint a, b, first, last;
      double len;

      pano_gis_layer_get_geometry (self->roads, r, &g);
      if (from == NULL || to == NULL || g.n_parts == 0)
        continue;
      first = g.part_starts[0];
      last = g.part_starts[1] - 1;
      a = node_index (self, ids, from, g.coords[2 * first], g.coords[2 * first + 1]);
      b = node_index (self, ids, to, g.coords[2 * last], g.coords[2 * last + 1]);
      len = length ? g_ascii_strtod (length, NULL) : 1.0;
      add_edge (self, a, b, r, TRUE, len);
      if (oneway == NULL || g_strcmp0 (oneway, "1") != 0)
        add_edge (self, b, a, r, FALSE, len);
    }
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
           pano_hub_city_get_n_roads (self), self->adjacency->len,
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

static guint
nearest_node (PanoHubCity *self,
              double       lon,
              double       lat)
{
  const double *p = (const double *) self->nodes->data;
  double best = G_MAXDOUBLE;
  guint found = 0;

  for (guint i = 0; i < self->adjacency->len; i++)
    {
      double dx = (p[2 * i] - lon) * cos (lat * G_PI / 180.0), dy = p[2 * i + 1] - lat;

      if (dx * dx + dy * dy < best)
        {
          best = dx * dx + dy * dy;
          found = i;
        }
    }
  return found;
}

typedef struct
{
  double distance;
  guint node;
} HeapItem;

static void
heap_push (GArray   *heap,
           HeapItem  item)
{
  HeapItem *h;
  guint i;

  g_array_append_val (heap, item);
  h = (HeapItem *) heap->data;
  for (i = heap->len - 1; i > 0 && h[(i - 1) / 2].distance > h[i].distance; i = (i - 1) / 2)
    {
      HeapItem t = h[i];

      h[i] = h[(i - 1) / 2];
      h[(i - 1) / 2] = t;
    }
}

static HeapItem
heap_pop (GArray *heap)
{
  HeapItem *h = (HeapItem *) heap->data;
  HeapItem top = h[0];
  guint i = 0;

  h[0] = h[heap->len - 1];
  g_array_set_size (heap, heap->len - 1);
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, m = i;

      if (l < heap->len && h[l].distance < h[m].distance)
        m = l;
      if (r < heap->len && h[r].distance < h[m].distance)
        m = r;
      if (m == i)
        break;
      HeapItem t = h[i];
      h[i] = h[m];
      h[m] = t;
      i = m;
    }
  return top;
}

/**
 * pano_hub_city_route:
 *
 * The shortest path by length along the road network (Dijkstra), from the node nearest the
 * start to the node nearest the end, as lon/lat pairs; a straight line where the network does
 * not connect them.
 *
 * Returns: (transfer full) (element-type double): the polyline
 */
GArray *
pano_hub_city_route (PanoHubCity *self,
                     double       from_lon,
                     double       from_lat,
                     double       to_lon,
                     double       to_lat)
{
  GArray *points = g_array_new (FALSE, FALSE, sizeof (double));
  guint n = self->adjacency->len, a, b;
  g_autofree double *dist = NULL;
  g_autofree Edge *via = NULL;
  g_autofree guint *prev = NULL;
  g_autoptr(GArray) heap = g_array_new (FALSE, FALSE, sizeof (HeapItem));
  g_autoptr(GArray) path = g_array_new (FALSE, FALSE, sizeof (guint));
  double start[2] = { from_lon, from_lat }, end[2] = { to_lon, to_lat };

  g_array_append_vals (points, start, 2);
  if (n == 0)
    goto straight;
  a = nearest_node (self, from_lon, from_lat);
  b = nearest_node (self, to_lon, to_lat);
  dist = g_new (double, n);
  via = g_new0 (Edge, n);
  prev = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    dist[i] = G_MAXDOUBLE, prev[i] = G_MAXUINT;
  dist[a] = 0;
  heap_push (heap, (HeapItem) { 0, a });
  while (heap->len > 0)
    {
      HeapItem top = heap_pop (heap);
      GArray *edges = g_ptr_array_index (self->adjacency, top.node);

      if (top.distance > dist[top.node] || top.node == b)
        continue;
      for (guint e = 0; e < edges->len; e++)
        {
          Edge *edge = &g_array_index (edges, Edge, e);

          if (top.distance + edge->length < dist[edge->to])
            {
              dist[edge->to] = top.distance + edge->length;
              prev[edge->to] = top.node;
              via[edge->to] = *edge;
              heap_push (heap, (HeapItem) { dist[edge->to], edge->to });
            }
        }
    }
  if (dist[b] == G_MAXDOUBLE)
    goto straight;
  for (guint v = b; v != a; v = prev[v])
    g_array_prepend_val (path, v);
  for (guint i = 0; i < path->len; i++)
    {
      guint v = g_array_index (path, guint, i);

      append_road_points (self, via[v].road, via[v].forward, points);
    }
straight:
  g_array_append_vals (points, end, 2);
  return points;
}
