// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-road-graph"

#include <gdal.h>
#include <math.h>
#include <ogr_api.h>

#include "pano-road-graph-private.h"
#include "pano-transform.h"

/* Road graphs from files, through GDAL:
 * - an OpenStreetMap extract (.osm, .osm.pbf): the `lines` layer's ways with a `highway` tag
 *   a vehicle may use; nodes are the vertices two ways share (and the ways' ends), speeds come
 *   from `maxspeed` or the highway class, `oneway` (yes/1/true, -1/reverse, implied on
 *   motorways and roundabouts) is honoured; road id = the way's OSM id;
 * - a noded road layer `roads` with `from_node`, `to_node` (and optionally `oneway`,
 *   `speed_limit`, `length_m`, `class`), as tools/pano-citygen writes; road id = feature index.
 */

#define COORD_SCALE 1e7

typedef struct
{
  guint64 id;
  double speed;
  int oneway;          /* 1: as drawn, -1: against, 0: both ways */
  guint first;         /* into the vertex arrays */
  guint count;
} Way;

typedef struct
{
  GArray *ways;        /* Way */
  GArray *lonlat;      /* double, every way's vertices */
  GArray *keys;        /* gint64, quantised lon/lat of the same vertices */
} OsmRead;

/* The value of @key in GDAL's other_tags text: "k1"=>"v1","k2"=>"v2" (quotes escaped \"). */
static char *
tag_value (const char *tags,
           const char *key)
{
  g_autofree char *needle = g_strdup_printf ("\"%s\"=>\"", key);
  const char *at = tags ? strstr (tags, needle) : NULL;
  GString *value;

  if (at == NULL || (at != tags && at[-1] != ','))
    return NULL;
  value = g_string_new (NULL);
  for (at += strlen (needle); *at != '\0' && *at != '"'; at++)
    {
      if (*at == '\\' && at[1] != '\0')
        at++;
      g_string_append_c (value, *at);
    }
  return g_string_free (value, FALSE);
}

/* "50", "50 mph", "30;50" (the first); anything else (none, signals, CN:urban): 0. */
static double
parse_maxspeed (const char *text)
{
  char *end;
  double value;

  if (text == NULL)
    return 0;
  value = g_ascii_strtod (text, &end);
  if (end == text || value <= 0)
    return 0;
  while (*end == ' ')
    end++;
  return g_str_has_prefix (end, "mph") ? value * 1.609344 : value;
}

static int
parse_oneway (const char *highway,
              const char *tags)
{
  g_autofree char *oneway = tag_value (tags, "oneway");
  g_autofree char *junction = tag_value (tags, "junction");

  if (oneway != NULL)
    {
      if (g_str_equal (oneway, "yes") || g_str_equal (oneway, "true") || g_str_equal (oneway, "1"))
        return 1;
      if (g_str_equal (oneway, "-1") || g_str_equal (oneway, "reverse"))
        return -1;
      return 0;
    }
  if (g_str_equal (highway, "motorway") || g_strcmp0 (junction, "roundabout") == 0 ||
      g_strcmp0 (junction, "circular") == 0)
    return 1;
  return 0;
}

/* Highway values a fire engine or an ambulance may drive. */
static gboolean
routable (const char *highway)
{
  static const char * const classes[] = {
    "motorway", "trunk", "primary", "secondary", "tertiary", "motorway_link", "trunk_link",
    "primary_link", "secondary_link", "tertiary_link", "unclassified", "residential",
    "living_street", "service", "road", "track", NULL
  };

  return highway != NULL && g_strv_contains (classes, highway);
}

static gint64
vertex_key (double lon,
            double lat)
{
  gint64 x = (gint64) llround ((lon + 180.0) * COORD_SCALE);
  gint64 y = (gint64) llround ((lat + 90.0) * COORD_SCALE);

  /* Unsigned: x reaches 2^31 and more, and a signed shift past the top bit is undefined. */
  return (gint64) ((guint64) x << 32 | (guint64) y);
}

static void
read_way (OsmRead      *read,
          OGRFeatureH   feature,
          int           highway_field,
          int           tags_field,
          int           id_field)
{
  const char *highway = OGR_F_GetFieldAsString (feature, highway_field);
  const char *tags = tags_field >= 0 ? OGR_F_GetFieldAsString (feature, tags_field) : NULL;
  OGRGeometryH geometry = OGR_F_GetGeometryRef (feature);
  g_autofree char *maxspeed = NULL;
  Way way = { 0 };
  int n;

  if (!routable (highway) || geometry == NULL ||
      wkbFlatten (OGR_G_GetGeometryType (geometry)) != wkbLineString ||
      (n = OGR_G_GetPointCount (geometry)) < 2)
    return;
  maxspeed = tag_value (tags, "maxspeed");
  way.id = id_field >= 0 ? g_ascii_strtoull (OGR_F_GetFieldAsString (feature, id_field), NULL, 10)
                         : (guint64) OGR_F_GetFID (feature);
  way.speed = parse_maxspeed (maxspeed);
  if (way.speed <= 0)
    way.speed = pano_road_class_speed_kmh (highway);
  way.oneway = parse_oneway (highway, tags);
  way.first = read->keys->len;
  way.count = n;
  for (int i = 0; i < n; i++)
    {
      double p[2] = { OGR_G_GetX (geometry, i), OGR_G_GetY (geometry, i) };
      gint64 key = vertex_key (p[0], p[1]);

      g_array_append_vals (read->lonlat, p, 2);
      g_array_append_val (read->keys, key);
    }
  g_array_append_val (read->ways, way);
}

static gint
compare_key (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Graph nodes: vertices used more than once (by two ways, or twice by one) and way ends. */
static GArray *
find_nodes (OsmRead *read)
{
  g_autoptr(GArray) all = g_array_sized_new (FALSE, FALSE, sizeof (gint64),
                                             read->keys->len + 2 * read->ways->len);
  GArray *nodes = g_array_new (FALSE, FALSE, sizeof (gint64));
  const gint64 *keys = (const gint64 *) read->keys->data;

  g_array_append_vals (all, read->keys->data, read->keys->len);
  for (guint w = 0; w < read->ways->len; w++)
    {
      const Way *way = &g_array_index (read->ways, Way, w);

      g_array_append_val (all, keys[way->first]);
      g_array_append_val (all, keys[way->first + way->count - 1]);
    }
  g_array_sort (all, compare_key);
  for (guint i = 0; i < all->len;)
    {
      guint j = i;

      while (j < all->len && g_array_index (all, gint64, j) == g_array_index (all, gint64, i))
        j++;
      if (j - i >= 2)
        g_array_append_val (nodes, g_array_index (all, gint64, i));
      i = j;
    }
  return nodes;
}

static gint64
node_of (GArray *nodes,
         gint64  key)
{
  const gint64 *found = bsearch (&key, nodes->data, nodes->len, sizeof (gint64), compare_key);

  return found ? found - (const gint64 *) nodes->data : -1;
}

/* Cuts every way at its nodes into segments. */
static PanoRoadGraph *
build_osm (OsmRead *read)
{
  g_autoptr(GArray) nodes = find_nodes (read);
  PanoRoadGraphBuilder *b = pano_road_graph_builder_new ();
  const gint64 *keys = (const gint64 *) read->keys->data;
  const double *p = (const double *) read->lonlat->data;
  g_autoptr(GArray) reversed = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < nodes->len; i++)
    {
      gint64 key = g_array_index (nodes, gint64, i);

      pano_road_graph_builder_add_node (b, (key >> 32) / COORD_SCALE - 180.0,
                                        (key & 0xffffffff) / COORD_SCALE - 90.0);
    }
  for (guint w = 0; w < read->ways->len; w++)
    {
      const Way *way = &g_array_index (read->ways, Way, w);
      guint start = way->first;

      for (guint v = way->first + 1; v < way->first + way->count; v++)
        {
          gint64 a, z;

          if ((z = node_of (nodes, keys[v])) < 0)
            continue;
          a = node_of (nodes, keys[start]);
          if (way->oneway >= 0)
            pano_road_graph_builder_add_segment (b, way->id, a, z, &p[2 * start], v - start + 1,
                                                 0, way->speed, way->oneway == 1);
          else
            {
              g_array_set_size (reversed, 0);
              for (guint k = v + 1; k-- > start;)
                g_array_append_vals (reversed, &p[2 * k], 2);
              pano_road_graph_builder_add_segment (b, way->id, z, a,
                                                   (const double *) reversed->data,
                                                   v - start + 1, 0, way->speed, TRUE);
            }
          start = v;
        }
    }
  return pano_road_graph_builder_finish (b);
}

static PanoRoadGraph *
load_osm (GDALDatasetH   dataset,
          OGRLayerH      layer,
          const char    *path,
          GError       **error)
{
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn (layer);
  int highway = OGR_FD_GetFieldIndex (defn, "highway");
  int tags = OGR_FD_GetFieldIndex (defn, "other_tags");
  int id = OGR_FD_GetFieldIndex (defn, "osm_id");
  OsmRead read = { g_array_new (FALSE, FALSE, sizeof (Way)),
                   g_array_new (FALSE, FALSE, sizeof (double)),
                   g_array_new (FALSE, FALSE, sizeof (gint64)) };
  OGRFeatureH feature;
  PanoRoadGraph *graph = NULL;

  OGR_L_ResetReading (layer);
  while ((feature = OGR_L_GetNextFeature (layer)) != NULL)
    {
      read_way (&read, feature, highway, tags, id);
      OGR_F_Destroy (feature);
    }
  if (read.ways->len == 0)
    g_set_error (error, PANO_ROAD_GRAPH_ERROR, PANO_ROAD_GRAPH_ERROR_NO_ROADS,
                 "%s has no way with a highway tag a vehicle may drive", path);
  else
    graph = build_osm (&read);
  g_array_unref (read.ways);
  g_array_unref (read.lonlat);
  g_array_unref (read.keys);
  return graph;
}

static void
add_noded_feature (PanoRoadGraphBuilder *b,
                   GHashTable           *ids,
                   OGRFeatureH           feature,
                   const int            *fields,
                   PanoTransform        *transform,
                   guint64               road)
{
  OGRGeometryH geometry = OGR_F_GetGeometryRef (feature);
  int n = geometry ? OGR_G_GetPointCount (geometry) : 0;
  g_autofree double *x = NULL, *y = NULL, *points = NULL;
  guint ends[2];
  double speed;

  if (n < 2 || wkbFlatten (OGR_G_GetGeometryType (geometry)) != wkbLineString)
    return;
  x = g_new (double, n), y = g_new (double, n), points = g_new (double, 2 * n);
  for (int i = 0; i < n; i++)
    x[i] = OGR_G_GetX (geometry, i), y[i] = OGR_G_GetY (geometry, i);
  if (transform != NULL && !pano_transform_to_lonlat (transform, n, x, y, NULL))
    return;
  for (int i = 0; i < n; i++)
    points[2 * i] = x[i], points[2 * i + 1] = y[i];
  for (guint k = 0; k < 2; k++)
    {
      const char *name = OGR_F_GetFieldAsString (feature, fields[k]);
      gpointer found;

      if (!g_hash_table_lookup_extended (ids, name, NULL, &found))
        {
          guint index = pano_road_graph_builder_add_node (b, points[k ? 2 * n - 2 : 0],
                                                          points[k ? 2 * n - 1 : 1]);

          found = GUINT_TO_POINTER (index);
          g_hash_table_insert (ids, g_strdup (name), found);
        }
      ends[k] = GPOINTER_TO_UINT (found);
    }
  speed = fields[3] >= 0 ? OGR_F_GetFieldAsDouble (feature, fields[3]) : 0;
  if (speed <= 0)
    speed = pano_road_class_speed_kmh (fields[5] >= 0 ? OGR_F_GetFieldAsString (feature,
                                                                                fields[5]) : NULL);
  pano_road_graph_builder_add_segment (b, road, ends[0], ends[1], points, n,
                                       fields[4] >= 0 ? OGR_F_GetFieldAsDouble (feature,
                                                                                fields[4]) : 0,
                                       speed,
                                       fields[2] >= 0 && OGR_F_GetFieldAsInteger (feature,
                                                                                  fields[2]) == 1);
}

static PanoRoadGraph *
load_noded (OGRLayerH    layer,
            const char  *path,
            GError     **error)
{
  static const char * const names[] = { "from_node", "to_node", "oneway", "speed_limit",
                                        "length_m", "class" };
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn (layer);
  OGRSpatialReferenceH srs = OGR_L_GetSpatialRef (layer);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(PanoTransform) transform = NULL;
  PanoRoadGraphBuilder *b;
  OGRFeatureH feature;
  int fields[G_N_ELEMENTS (names)];
  guint64 road = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    fields[i] = OGR_FD_GetFieldIndex (defn, names[i]);
  if (srs != NULL && (transform = pano_transform_new_for_srs (srs, error)) == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  b = pano_road_graph_builder_new ();
  OGR_L_ResetReading (layer);
  while ((feature = OGR_L_GetNextFeature (layer)) != NULL)
    {
      add_noded_feature (b, ids, feature, fields, transform, road++);
      OGR_F_Destroy (feature);
    }
  return pano_road_graph_builder_finish (b);
}

static OGRLayerH
find_layer (GDALDatasetH  dataset,
            const char   *name,
            const char   *field_a,
            const char   *field_b)
{
  OGRLayerH layer = GDALDatasetGetLayerByName (dataset, name);
  OGRFeatureDefnH defn = layer ? OGR_L_GetLayerDefn (layer) : NULL;

  if (defn == NULL || OGR_FD_GetFieldIndex (defn, field_a) < 0 ||
      (field_b != NULL && OGR_FD_GetFieldIndex (defn, field_b) < 0))
    return NULL;
  return layer;
}

/**
 * pano_road_graph_load:
 * @path: an OpenStreetMap extract (`.osm`, `.osm.pbf`) or a file with a noded `roads` layer
 *
 * Returns: (transfer full): the graph, or %NULL with @error naming the file
 */
PanoRoadGraph *
pano_road_graph_load (const char  *path,
                      GError     **error)
{
  GDALDatasetH dataset;
  OGRLayerH layer;
  PanoRoadGraph *graph = NULL;

  GDALAllRegister ();
  dataset = GDALOpenEx (path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  if (dataset == NULL)
    {
      g_set_error (error, PANO_ROAD_GRAPH_ERROR, PANO_ROAD_GRAPH_ERROR_UNREADABLE,
                   "Cannot read roads from %s: %s", path,
                   *CPLGetLastErrorMsg () ? CPLGetLastErrorMsg () : "not a vector file");
      return NULL;
    }
  if ((layer = find_layer (dataset, "lines", "highway", NULL)) != NULL)
    {
      /* The OSM driver reads one layer fastest when told it is the only one wanted. */
      if (g_strcmp0 (GDALGetDriverShortName (GDALGetDatasetDriver (dataset)), "OSM") == 0)
        {
          OGRLayerH result = GDALDatasetExecuteSQL (dataset, "SET interest_layers = lines",
                                                    NULL, NULL);

          if (result != NULL)
            GDALDatasetReleaseResultSet (dataset, result);
        }
      graph = load_osm (dataset, layer, path, error);
    }
  else if ((layer = find_layer (dataset, "roads", "from_node", "to_node")) != NULL)
    graph = load_noded (layer, path, error);
  else
    g_set_error (error, PANO_ROAD_GRAPH_ERROR, PANO_ROAD_GRAPH_ERROR_NO_ROADS,
                 "%s has neither an OpenStreetMap `lines` layer with highway tags nor a noded "
                 "`roads` layer with from_node and to_node", path);
  GDALClose (dataset);
  return graph;
}
