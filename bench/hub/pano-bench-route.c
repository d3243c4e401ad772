// SPDX-License-Identifier: GPL-3.0-or-later
/* pano-bench-route: units ranked by road ETA, Panorama's road graph next to pgRouting.
 *
 *   pano-bench-route --graph demo --city data/shiyan.gpkg --out DIR
 *   pano-bench-route --graph grid --edges 1000000 --out DIR
 *   pano-bench-route --compare DIR
 *
 * The first two build the graph (the demo city's noded roads through GDAL, or a generated,
 * deterministic grid city of about N segments), write it for PostgreSQL (DIR/edges.csv: id,
 * source, target, cost, reverse_cost in seconds; -1 where one-way) with the queries
 * (DIR/queries.csv: an incident node and 200 unit nodes each), then run the queries through
 * Panorama's engine as a recommendation does: snap the incident and every unit to the road,
 * one search from the incident over the reversed graph, a route per unit. Per-query times go
 * to DIR/ours-times.txt and ETAs to DIR/ours.csv. bench/hub/route-bench.sh then runs the same
 * queries as pgr_dijkstra one-to-many over the reversed graph and --compare prints both side
 * by side, with the largest ETA difference. Units and incidents stand on nodes, where both
 * engines agree on what a trip is. Prints figures; never fails on them. */
#define G_LOG_DOMAIN "panorama-bench-route"

#include <gdal.h>
#include <gio/gio.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>

#include "pano-road-graph.h"

#define UNITS 200

typedef struct
{
  char *graph;
  char *city;
  char *out;
  char *compare;
  gint64 edges;
  gint64 seed;
  gint64 queries;
  gboolean gpkg;
} Options;

/* A grid city: crossings every ~100 m with a little jitter, arterials every 10th street,
 * secondaries every 5th, locals at 30 or 40 km/h of which 15 % one-way, 3 % of blocks
 * missing. Deterministic per seed. */
static PanoRoadGraph *
grid_city (guint  target_edges,
           guint  seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  PanoRoadGraphBuilder *b = pano_road_graph_builder_new ();
  guint side = (guint) ceil (sqrt (target_edges / (2 * 0.97))) + 1;
  double dlat = 100.0 / 110540.0, dlon = 100.0 / (111320.0 * cos (32.0 * G_PI / 180.0));
  guint64 road = 0;

  for (guint j = 0; j < side; j++)
    for (guint i = 0; i < side; i++)
      pano_road_graph_builder_add_node (b, 110.0 + i * dlon + g_rand_double_range (rand, -0.2, 0.2) * dlon,
                                        32.0 + j * dlat + g_rand_double_range (rand, -0.2, 0.2) * dlat);
  for (guint j = 0; j < side; j++)
    for (guint i = 0; i < side; i++)
      for (guint dir = 0; dir < 2; dir++)
        {
          guint line = dir ? i : j, a = j * side + i, z;
          double speed = line % 10 == 0 ? 60 : line % 5 == 0 ? 50 : g_rand_boolean (rand) ? 30 : 40;
          gboolean oneway = speed < 50 && g_rand_double (rand) < 0.15;
          gboolean drop = g_rand_double (rand) < 0.03;

          if ((dir == 0 && i + 1 == side) || (dir == 1 && j + 1 == side) || drop)
            continue;
          z = dir == 0 ? a + 1 : a + side;
          if (oneway && g_rand_boolean (rand))
            {
              guint t = a;

              a = z, z = t;
            }
          pano_road_graph_builder_add_segment (b, road++, a, z, NULL, 0, 0, speed, oneway);
        }
  return pano_road_graph_builder_finish (b);
}

static guint *
node_degrees (PanoRoadGraph *graph)
{
  guint *degree = g_new0 (guint, pano_road_graph_get_n_nodes (graph));

  for (guint s = 0; s < pano_road_graph_get_n_segments (graph); s++)
    {
      guint from, to;
      double length;
      gboolean oneway;

      pano_road_graph_get_segment (graph, s, &from, &to, &length, &oneway);
      degree[from]++, degree[to]++;
    }
  return degree;
}

static void
write_edges (PanoRoadGraph *graph,
             const char    *path)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint s = 0; s < pano_road_graph_get_n_segments (graph); s++)
    {
      guint from, to;
      double length, cost = pano_road_graph_get_segment_time (graph, s, 0);
      gboolean oneway;

      pano_road_graph_get_segment (graph, s, &from, &to, &length, &oneway);
      g_string_append_printf (text, "%u,%u,%u,%.17g,%.17g\n", s + 1, from + 1, to + 1, cost,
                              oneway ? -1.0 : cost);
    }
  if (!g_file_set_contents (path, text->str, text->len, &error))
    g_error ("%s", error->message);
}

/* Query q: an incident node and UNITS unit nodes, none of them the incident's, all on roads. */
static guint *
make_queries (PanoRoadGraph *graph,
              guint          n_queries,
              guint          seed,
              const char    *path)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed + 1);
  g_autofree guint *degree = node_degrees (graph);
  guint n = pano_road_graph_get_n_nodes (graph);
  guint *nodes = g_new (guint, n_queries * (UNITS + 1));
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint q = 0; q < n_queries; q++)
    {
      guint *row = &nodes[q * (UNITS + 1)];

      for (guint k = 0; k <= UNITS; k++)
        do
          row[k] = g_rand_int_range (rand, 0, n);
        while (degree[row[k]] == 0 || (k > 0 && row[k] == row[0]));
      g_string_append_printf (text, "%u,%u,\"{", q, row[0] + 1);
      for (guint k = 1; k <= UNITS; k++)
        g_string_append_printf (text, "%s%u", k > 1 ? "," : "", row[k] + 1);
      g_string_append (text, "}\"\n");
    }
  if (!g_file_set_contents (path, text->str, text->len, &error))
    g_error ("%s", error->message);
  return nodes;
}

static void
node_point (PanoRoadGraph *graph,
            guint          node,
            double        *lonlat)
{
  pano_road_graph_get_node (graph, node, &lonlat[0], &lonlat[1]);
}

/* What a recommendation costs the engine: snap all, one search, a route per reachable unit. */
static double
run_query (PanoRoadGraph  *graph,
           PanoRoadSearch *search,
           const guint    *row,
           PanoRoadEta    *etas,
           double         *route_m)
{
  gint64 start = g_get_monotonic_time ();
  PanoRoadSnap target, sources[UNITS];
  double p[2];

  node_point (graph, row[0], p);
  g_assert_true (pano_road_graph_snap (graph, p[0], p[1], 1000, &target));
  for (guint k = 0; k < UNITS; k++)
    {
      node_point (graph, row[k + 1], p);
      g_assert_true (pano_road_graph_snap (graph, p[0], p[1], 1000, &sources[k]));
    }
  pano_road_search_rank (search, &target, sources, UNITS, 0, etas);
  *route_m = 0;
  for (guint k = 0; k < UNITS; k++)
    {
      g_auto(PanoRoadPath) path = { 0 };

      if (etas[k].reachable && pano_road_search_path (search, k, &path))
        *route_m += path.distance_m;
    }
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* For the hub half of the run: query 1's units as a resources FeatureCollection and its
 * incident as a create command. */
static void
write_hub_query (PanoRoadGraph *graph,
                 const guint   *row,
                 const char    *dir)
{
  static const char * const kinds[] = { "fire_engine", "rescue_team", "ambulance", "police" };
  g_autoptr(GString) units = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");
  g_autofree char *units_path = g_build_filename (dir, "hub-units.json", NULL);
  g_autofree char *create_path = g_build_filename (dir, "hub-create.json", NULL);
  g_autofree char *create = NULL;
  double p[2];

  for (guint k = 0; k < UNITS; k++)
    {
      node_point (graph, row[k + 1], p);
      g_string_append_printf (units, "%s{\"type\":\"Feature\",\"id\":\"unit-%03u\",\"geometry\":"
                              "{\"type\":\"Point\",\"coordinates\":[%.9f,%.9f]},\"properties\":"
                              "{\"kind\":\"%s\",\"status\":\"available\"}}", k ? "," : "", k, p[0],
                              p[1], kinds[k % G_N_ELEMENTS (kinds)]);
    }
  g_string_append (units, "]}");
  node_point (graph, row[0], p);
  create = g_strdup_printf ("{\"command\":\"create\",\"category\":\"事故灾难\",\"severity\":3,"
                            "\"location\":[%.9f,%.9f]}", p[0], p[1]);
  g_file_set_contents (units_path, units->str, units->len, NULL);
  g_file_set_contents (create_path, create, -1, NULL);
}

static void
set_field (OGRFeatureH  feature,
           const char  *name,
           double       value)
{
  OGR_F_SetFieldDouble (feature, OGR_F_GetFieldIndex (feature, name), value);
}

/* The graph as a noded `roads` layer, for `panorama-hub --roads`. */
static void
write_gpkg (PanoRoadGraph *graph,
            const char    *path)
{
  GDALDriverH driver = GDALGetDriverByName ("GPKG");
  GDALDatasetH ds = GDALCreate (driver, path, 0, 0, 0, GDT_Unknown, NULL);
  OGRSpatialReferenceH srs = OSRNewSpatialReference (NULL);
  const char *fields[] = { "from_node", "to_node", "oneway", "speed_limit", "length_m" };
  OGRLayerH layer;

  OSRImportFromEPSG (srs, 4326);
  OSRSetAxisMappingStrategy (srs, OAMS_TRADITIONAL_GIS_ORDER);
  layer = GDALDatasetCreateLayer (ds, "roads", srs, wkbLineString, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      OGRFieldDefnH field = OGR_Fld_Create (fields[i], i < 3 ? OFTInteger : OFTReal);

      OGR_L_CreateField (layer, field, TRUE);
      OGR_Fld_Destroy (field);
    }
  GDALDatasetStartTransaction (ds, TRUE);
  for (guint s = 0; s < pano_road_graph_get_n_segments (graph); s++)
    {
      OGRFeatureH feature = OGR_F_Create (OGR_L_GetLayerDefn (layer));
      OGRGeometryH line = OGR_G_CreateGeometry (wkbLineString);
      guint from, to;
      double length, a[2], z[2];
      gboolean oneway;

      pano_road_graph_get_segment (graph, s, &from, &to, &length, &oneway);
      node_point (graph, from, a);
      node_point (graph, to, z);
      OGR_G_AddPoint_2D (line, a[0], a[1]);
      OGR_G_AddPoint_2D (line, z[0], z[1]);
      OGR_F_SetGeometryDirectly (feature, line);
      set_field (feature, "from_node", from + 1);
      set_field (feature, "to_node", to + 1);
      set_field (feature, "oneway", oneway);
      set_field (feature, "speed_limit", length / pano_road_graph_get_segment_time (graph, s, 0)
                                         * 3.6);
      set_field (feature, "length_m", length);
      if (OGR_L_CreateFeature (layer, feature) != OGRERR_NONE)
        g_error ("Cannot write %s: %s", path, CPLGetLastErrorMsg ());
      OGR_F_Destroy (feature);
    }
  GDALDatasetCommitTransaction (ds);
  GDALClose (ds);
  OSRDestroySpatialReference (srs);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values,
            double  p)
{
  g_array_sort (values, compare_double);
  return g_array_index (values, double, (guint) MIN (values->len - 1,
                                                     floor (p * (values->len - 1) + 0.5)));
}

static int
run_engine (Options *o)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(PanoRoadGraph) graph = g_str_equal (o->graph, "demo") ?
                                   pano_road_graph_load (o->city, &error) :
                                   grid_city (o->edges, o->seed);
  double build_s = (g_get_monotonic_time () - start) / 1e6;
  g_autofree char *edges = g_build_filename (o->out, "edges.csv", NULL);
  g_autofree char *queries = g_build_filename (o->out, "queries.csv", NULL);
  g_autofree char *ours = g_build_filename (o->out, "ours.csv", NULL);
  g_autofree char *times = g_build_filename (o->out, "ours-times.txt", NULL);
  g_autoptr(PanoRoadSearch) search = NULL;
  g_autoptr(GString) results = g_string_new (NULL), timing = g_string_new (NULL);
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree guint *nodes = NULL;
  PanoRoadEta etas[UNITS];
  double route_m;

  if (graph == NULL)
    g_error ("%s", error->message);
  g_mkdir_with_parents (o->out, 0755);
  write_edges (graph, edges);
  nodes = make_queries (graph, o->queries + 1, o->seed, queries);
  write_hub_query (graph, &nodes[UNITS + 1], o->out);
  if (o->gpkg)
    {
      g_autofree char *gpkg = g_build_filename (o->out, "roads.gpkg", NULL);

      GDALAllRegister ();
      write_gpkg (graph, gpkg);
    }
  search = pano_road_search_new (graph);
  /* query 0 warms the caches and is not counted, on either side */
  for (guint q = 0; q <= o->queries; q++)
    {
      const guint *row = &nodes[q * (UNITS + 1)];
      double t = run_query (graph, search, row, etas, &route_m);

      if (q == 0)
        continue;
      g_array_append_val (ms, t);
      g_string_append_printf (timing, "%.3f\n", t);
      for (guint k = 0; k < UNITS; k++)
        if (etas[k].reachable)
          g_string_append_printf (results, "%u,%u,%.6f\n", q, row[k + 1] + 1, etas[k].eta_s);
    }
  g_file_set_contents (ours, results->str, results->len, NULL);
  g_file_set_contents (times, timing->str, timing->len, NULL);
  g_print ("graph %s: %u nodes, %u segments, %u arcs, built in %.2f s\n", o->graph,
           pano_road_graph_get_n_nodes (graph), pano_road_graph_get_n_segments (graph),
           pano_road_graph_get_n_arcs (graph), build_s);
  g_print ("panorama: %u queries of %u units, p50 %.2f ms, p95 %.2f ms\n", ms->len, UNITS,
           percentile (ms, 0.5), percentile (ms, 0.95));
  return 0;
}

/* "query,node,eta" lines into query * 2^32 + node → eta. */
static GHashTable *
read_etas (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *etas = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  if (!g_file_get_contents (path, &text, NULL, NULL))
    g_error ("cannot read %s", path);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ",", 3);
      gint64 *key;
      double *eta;

      if (g_strv_length (f) != 3)
        continue;
      key = g_new (gint64, 1), eta = g_new (double, 1);
      *key = (g_ascii_strtoll (f[0], NULL, 10) << 32) + g_ascii_strtoll (f[1], NULL, 10);
      *eta = g_ascii_strtod (f[2], NULL);
      g_hash_table_insert (etas, key, eta);
    }
  return etas;
}

static GArray *
read_times (const char *path,
            guint       limit)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GArray *times = g_array_new (FALSE, FALSE, sizeof (double));

  if (!g_file_get_contents (path, &text, NULL, NULL))
    g_error ("cannot read %s", path);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && times->len < limit; i++)
    if (*lines[i] != '\0')
      {
        double t = g_ascii_strtod (lines[i], NULL);

        g_array_append_val (times, t);
      }
  return times;
}

/* Both sides' ETAs for the queries pgRouting ran, and their times. */
static int
run_compare (Options *o)
{
  g_autofree char *ours_path = g_build_filename (o->compare, "ours.csv", NULL);
  g_autofree char *pg_path = g_build_filename (o->compare, "pg.csv", NULL);
  g_autofree char *ours_times = g_build_filename (o->compare, "ours-times.txt", NULL);
  g_autofree char *pg_times = g_build_filename (o->compare, "pg-times.txt", NULL);
  g_autoptr(GHashTable) ours = read_etas (ours_path), pg = read_etas (pg_path);
  g_autoptr(GArray) pg_ms = read_times (pg_times, G_MAXUINT);
  g_autoptr(GArray) our_ms = read_times (ours_times, G_MAXUINT);
  GHashTableIter iter;
  gpointer key, value;
  guint compared = 0, only_ours = 0, only_pg = 0, beyond = 0;
  double worst = 0;
  double ours50, ours95, pg50, pg95;

  g_hash_table_iter_init (&iter, ours);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const double *other;

      if ((*(gint64 *) key >> 32) > (gint64) pg_ms->len)
        continue;    /* a query pgRouting did not run */
      if ((other = g_hash_table_lookup (pg, key)) == NULL)
        {
          only_ours++;
          continue;
        }
      compared++;
      worst = MAX (worst, fabs (*other - *(double *) value));
      beyond += fabs (*other - *(double *) value) > 0.1;
    }
  g_hash_table_iter_init (&iter, pg);
  while (g_hash_table_iter_next (&iter, &key, &value))
    only_pg += !g_hash_table_contains (ours, key);
  ours50 = percentile (our_ms, 0.5), ours95 = percentile (our_ms, 0.95);
  pg50 = percentile (pg_ms, 0.5), pg95 = percentile (pg_ms, 0.95);
  /* stdio, not g_print: the table is UTF-8 whatever the locale */
  printf ("| %s | %u / %u | %.2f / %.2f | %.1f / %.1f | %.0f× / %.0f× | %u ETAs, max |Δ| %.4f s, "
          "%u over 0.1 s; reachable by one side only: %u + %u |\n", o->compare, our_ms->len,
          pg_ms->len, ours50, ours95, pg50, pg95, pg50 / ours50, pg95 / ours95, compared,
          worst, beyond, only_ours, only_pg);
  return beyond == 0 && only_ours == 0 && only_pg == 0 ? 0 : 3;
}

int
main (int   argc,
      char *argv[])
{
  Options o = { .edges = 1000000, .seed = 1, .queries = 50 };
  const GOptionEntry entries[] = {
    { "graph", 0, 0, G_OPTION_ARG_STRING, &o.graph, "demo or grid", "KIND" },
    { "city", 0, 0, G_OPTION_ARG_FILENAME, &o.city, "the demo city GeoPackage", "FILE" },
    { "edges", 0, 0, G_OPTION_ARG_INT64, &o.edges, "segments of the grid city", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o.seed, "seed of the grid and the queries", "N" },
    { "queries", 0, 0, G_OPTION_ARG_INT64, &o.queries, "queries to time (default 50)", "N" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &o.out, "where to write", "DIR" },
    { "gpkg", 0, 0, G_OPTION_ARG_NONE, &o.gpkg, "also write DIR/roads.gpkg for the hub", NULL },
    { "compare", 0, 0, G_OPTION_ARG_FILENAME, &o.compare, "compare the results in DIR",
      "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— road ETA benchmark");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (o.compare != NULL)
    return run_compare (&o);
  if (o.out == NULL || o.graph == NULL || (g_str_equal (o.graph, "demo") && o.city == NULL) ||
      o.queries < 1)
    {
      g_printerr ("pano-bench-route: --graph demo --city FILE --out DIR, or --graph grid "
                  "[--edges N] --out DIR, or --compare DIR\n");
      return 2;
    }
  return run_engine (&o);
}
