// SPDX-License-Identifier: GPL-3.0-or-later
/* The road graph's searches give the travel times a brute-force Floyd–Warshall gives, on
 * random small graphs with one-way segments, live speeds and disconnected parts; snapping
 * finds the nearest point a scan of every segment finds. */
#include <math.h>

#include "pano-road-graph.h"

#define N_SEEDS 300

typedef struct
{
  PanoRoadGraph *graph;
  guint n_nodes;
  guint n_segments;
  double *time;           /* effective seconds per segment at NOW */
} Random;

static const gint64 NOW = 1000000000000;

/* Builds a random graph; its segments are straight or bent once, so their measured length is
 * their drawn length. */
static Random *
random_new (GRand *rand)
{
  Random *r = g_new0 (Random, 1);
  g_autoptr(PanoRoadGraphBuilder) b = pano_road_graph_builder_new ();
  guint n_parts = g_rand_int_range (rand, 1, 4);
  g_autoptr(GArray) nodes = g_array_new (FALSE, FALSE, sizeof (double));

  r->n_nodes = g_rand_int_range (rand, 2, 30);
  r->n_segments = g_rand_int_range (rand, 1, 3 * r->n_nodes);
  for (guint v = 0; v < r->n_nodes; v++)
    {
      double p[2] = { g_rand_double_range (rand, 110.70, 110.80),
                      g_rand_double_range (rand, 32.60, 32.70) };

      g_array_append_vals (nodes, p, 2);
      pano_road_graph_builder_add_node (b, p[0], p[1]);
    }
  for (guint s = 0; s < r->n_segments; s++)
    {
      const double *p = (const double *) nodes->data;
      guint part = g_rand_int_range (rand, 0, n_parts);
      guint per = part < r->n_nodes ? (r->n_nodes - part + n_parts - 1) / n_parts : 0;
      guint from, to;
      double points[6];
      gboolean bent = g_rand_boolean (rand);

      if (per == 0)
        part = 0, per = (r->n_nodes + n_parts - 1) / n_parts;
      from = part + n_parts * g_rand_int_range (rand, 0, per);
      to = part + n_parts * g_rand_int_range (rand, 0, per);
      from = MIN (from, r->n_nodes - 1);
      to = MIN (to, r->n_nodes - 1);
      points[0] = p[2 * from], points[1] = p[2 * from + 1];
      points[2] = g_rand_double_range (rand, 110.70, 110.80);
      points[3] = g_rand_double_range (rand, 32.60, 32.70);
      points[bent ? 4 : 2] = p[2 * to], points[bent ? 5 : 3] = p[2 * to + 1];
      pano_road_graph_builder_add_segment (b, s / 2, from, to, points, bent ? 3 : 2, 0,
                                           g_rand_double_range (rand, 10, 80),
                                           g_rand_double (rand) < 0.3);
    }
  r->graph = pano_road_graph_builder_finish (g_steal_pointer (&b));
  /* live speeds on some roads: fresh on some, stale on others */
  for (guint road = 0; road < r->n_segments; road += g_rand_int_range (rand, 1, 4))
    pano_road_graph_set_live_speed (r->graph, road, g_rand_double_range (rand, 3, 90),
                                    g_rand_boolean (rand) ? NOW + 1 : NOW - 1);
  r->time = g_new (double, r->n_segments);
  for (guint s = 0; s < r->n_segments; s++)
    r->time[s] = pano_road_graph_get_segment_time (r->graph, s, NOW);
  return r;
}

static void
random_free (Random *r)
{
  pano_road_graph_unref (r->graph);
  g_free (r->time);
  g_free (r);
}

/* All-pairs node-to-node travel times. */
static double *
floyd (Random *r)
{
  guint n = r->n_nodes;
  double *d = g_new (double, n * n);

  for (guint i = 0; i < n * n; i++)
    d[i] = INFINITY;
  for (guint i = 0; i < n; i++)
    d[i * n + i] = 0;
  for (guint s = 0; s < r->n_segments; s++)
    {
      guint from, to;
      double length;
      gboolean oneway;

      pano_road_graph_get_segment (r->graph, s, &from, &to, &length, &oneway);
      d[from * n + to] = MIN (d[from * n + to], r->time[s]);
      if (!oneway)
        d[to * n + from] = MIN (d[to * n + from], r->time[s]);
    }
  for (guint k = 0; k < n; k++)
    for (guint i = 0; i < n; i++)
      for (guint j = 0; j < n; j++)
        if (d[i * n + k] + d[k * n + j] < d[i * n + j])
          d[i * n + j] = d[i * n + k] + d[k * n + j];
  return d;
}

/* The ends a point on a segment can leave by (or be reached from), with their cost. */
static guint
ends (Random             *r,
      const PanoRoadSnap *snap,
      gboolean            arriving,
      guint              *nodes,
      double             *costs)
{
  guint from, to, n = 0;
  double length;
  gboolean oneway;
  double pace;

  pano_road_graph_get_segment (r->graph, snap->segment, &from, &to, &length, &oneway);
  pace = length > 0 ? r->time[snap->segment] / length : 0;
  /* leaving: forward to `to` always, back to `from` if two-way; arriving: from `from`
   * always, from `to` if two-way */
  nodes[n] = arriving ? from : to;
  costs[n++] = (arriving ? snap->offset_m : length - snap->offset_m) * pace;
  /* at (within a millimetre of) the other end: that node, whatever the one-way */
  if (!oneway || (arriving ? length - snap->offset_m : snap->offset_m) <= 0.001)
    {
      nodes[n] = arriving ? to : from;
      costs[n++] = (arriving ? length - snap->offset_m : snap->offset_m) * pace;
    }
  return n;
}

static double
brute_eta (Random             *r,
           const double       *d,
           const PanoRoadSnap *source,
           const PanoRoadSnap *target)
{
  guint out[2], in[2], n_out, n_in, from, to;
  double out_cost[2], in_cost[2], best = INFINITY, length;
  gboolean oneway;

  n_out = ends (r, source, FALSE, out, out_cost);
  n_in = ends (r, target, TRUE, in, in_cost);
  for (guint i = 0; i < n_out; i++)
    for (guint j = 0; j < n_in; j++)
      best = MIN (best, out_cost[i] + d[out[i] * r->n_nodes + in[j]] + in_cost[j]);
  pano_road_graph_get_segment (r->graph, source->segment, &from, &to, &length, &oneway);
  if (source->segment == target->segment && length > 0)
    {
      double pace = r->time[source->segment] / length;

      if (source->offset_m <= target->offset_m)
        best = MIN (best, (target->offset_m - source->offset_m) * pace);
      else if (!oneway)
        best = MIN (best, (source->offset_m - target->offset_m) * pace);
    }
  return best;
}

static PanoRoadSnap
random_snap (GRand  *rand,
             Random *r)
{
  PanoRoadSnap snap = { 0 };
  guint from, to;
  double length;
  gboolean oneway;

  snap.segment = g_rand_int_range (rand, 0, r->n_segments);
  pano_road_graph_get_segment (r->graph, snap.segment, &from, &to, &length, &oneway);
  switch (g_rand_int_range (rand, 0, 4))
    {
    case 0: snap.offset_m = 0; break;
    case 1: snap.offset_m = length; break;
    default: snap.offset_m = g_rand_double_range (rand, 0, length); break;
    }
  return snap;
}

/* A route's legs, driven at their speeds, take its ETA; its drawn length is its distance. */
static void
check_path (PanoRoadSearch *search,
            guint           source,
            double          eta)
{
  g_auto(PanoRoadPath) path = { 0 };
  const double *p;
  double time = 0, length = 0;

  g_assert_true (pano_road_search_path (search, source, &path));
  g_assert_cmpfloat_with_epsilon (path.eta_s, eta, 1e-6);
  g_assert_cmpuint (path.speeds->len, ==, MAX (path.points->len / 2, 1) - 1);
  p = (const double *) path.points->data;
  for (guint i = 0; i < path.speeds->len; i++)
    {
      double leg = pano_road_distance_m (p[2 * i], p[2 * i + 1], p[2 * i + 2], p[2 * i + 3]);

      time += leg / g_array_index (path.speeds, double, i);
      length += leg;
    }
  g_assert_cmpfloat_with_epsilon (time, eta, 0.01 + eta * 2e-3);
  g_assert_cmpfloat_with_epsilon (length, path.distance_m, 0.01 + length * 2e-3);
}

static void
test_brute_force (void)
{
  guint compared = 0, unreachable = 0;

  for (guint seed = 1; seed <= N_SEEDS; seed++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
      Random *r = random_new (rand);
      g_autofree double *d = floyd (r);
      g_autoptr(PanoRoadSearch) search = pano_road_search_new (r->graph);

      /* several targets through one search object: stamps, not fresh arrays */
      for (guint q = 0; q < 5; q++)
        {
          PanoRoadSnap target = random_snap (rand, r), sources[12];
          PanoRoadEta etas[12];
          guint n = g_rand_int_range (rand, 1, 13), reachable = 0;

          for (guint i = 0; i < n; i++)
            sources[i] = random_snap (rand, r);
          g_assert_cmpuint (pano_road_search_rank (search, &target, sources, n, NOW, etas), <=, n);
          for (guint i = 0; i < n; i++)
            {
              double expected = brute_eta (r, d, &sources[i], &target);

              g_assert_cmpint (etas[i].reachable, ==, isfinite (expected));
              if (!etas[i].reachable)
                {
                  unreachable++;
                  continue;
                }
              reachable++;
              g_assert_cmpfloat_with_epsilon (etas[i].eta_s, expected, 1e-6 + expected * 1e-9);
              check_path (search, i, expected);
              compared++;
            }
        }
      random_free (r);
    }
  g_test_message ("%u ETAs compared, %u unreachable", compared, unreachable);
  g_assert_cmpuint (compared, >, 1000);
  g_assert_cmpuint (unreachable, >, 100);
}

/* A -> B one-way: from B to A there is no way, from A to B there is. */
static void
test_oneway (void)
{
  g_autoptr(PanoRoadGraphBuilder) b = pano_road_graph_builder_new ();
  g_autoptr(PanoRoadGraph) graph = NULL;
  g_autoptr(PanoRoadSearch) search = NULL;
  guint a = pano_road_graph_builder_add_node (b, 110.70, 32.60);
  guint z = pano_road_graph_builder_add_node (b, 110.71, 32.60);
  PanoRoadSnap at_a = { 0, 0 }, at_z = { 0, 0 };
  PanoRoadEta eta;
  double length;

  pano_road_graph_builder_add_segment (b, 1, a, z, NULL, 0, 0, 36, TRUE);
  graph = pano_road_graph_builder_finish (g_steal_pointer (&b));
  search = pano_road_search_new (graph);
  length = pano_road_distance_m (110.70, 32.60, 110.71, 32.60);
  at_z.offset_m = length;
  g_assert_cmpuint (pano_road_search_rank (search, &at_a, &at_z, 1, NOW, &eta), ==, 0);
  g_assert_false (eta.reachable);
  g_assert_cmpuint (pano_road_search_rank (search, &at_z, &at_a, 1, NOW, &eta), ==, 1);
  g_assert_cmpfloat_with_epsilon (eta.eta_s, length / 10.0, 1e-9);
  /* a live speed halves the pace until it goes stale */
  g_assert_cmpuint (pano_road_graph_set_live_speed (graph, 1, 72, NOW + 10), ==, 1);
  g_assert_true (pano_road_graph_has_live_speeds (graph, NOW));
  pano_road_search_rank (search, &at_z, &at_a, 1, NOW, &eta);
  g_assert_cmpfloat_with_epsilon (eta.eta_s, length / 20.0, 1e-9);
  pano_road_search_rank (search, &at_z, &at_a, 1, NOW + 10, &eta);
  g_assert_cmpfloat_with_epsilon (eta.eta_s, length / 10.0, 1e-9);
  g_assert_false (pano_road_graph_has_live_speeds (graph, NOW + 10));
  g_assert_cmpuint (pano_road_graph_set_live_speed (graph, 2, 72, NOW + 10), ==, 0);
}

static double
point_segment_m (double lon,
                 double lat,
                 const double *a,
                 const double *z)
{
  double kx = 111320.0 * cos (lat * G_PI / 180.0), ky = 110540.0;
  double ax = (a[0] - lon) * kx, ay = (a[1] - lat) * ky;
  double dx = (z[0] - a[0]) * kx, dy = (z[1] - a[1]) * ky;
  double len2 = dx * dx + dy * dy, t = len2 > 0 ? CLAMP (-(ax * dx + ay * dy) / len2, 0, 1) : 0;

  return hypot (ax + t * dx, ay + t * dy);
}

/* Nearest point on any segment, as a scan of every segment's pieces finds it. */
static void
test_snap (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(PanoRoadGraphBuilder) b = pano_road_graph_builder_new ();
  g_autoptr(PanoRoadGraph) graph = NULL;
  g_autoptr(GArray) geometry = g_array_new (FALSE, FALSE, sizeof (double));
  guint n = 400;

  for (guint s = 0; s < n; s++)
    {
      double p[6];

      for (guint i = 0; i < 6; i++)
        p[i] = i % 2 ? g_rand_double_range (rand, 32.60, 32.70)
                     : g_rand_double_range (rand, 110.70, 110.80);
      p[2] = (p[0] + p[4]) / 2 + g_rand_double_range (rand, -0.002, 0.002);
      p[3] = (p[1] + p[5]) / 2 + g_rand_double_range (rand, -0.002, 0.002);
      g_array_append_vals (geometry, p, 6);
      pano_road_graph_builder_add_segment (b, s,
                                           pano_road_graph_builder_add_node (b, p[0], p[1]),
                                           pano_road_graph_builder_add_node (b, p[4], p[5]),
                                           p, 3, 0, 40, FALSE);
    }
  graph = pano_road_graph_builder_finish (g_steal_pointer (&b));
  for (guint q = 0; q < 2000; q++)
    {
      double lon = g_rand_double_range (rand, 110.65, 110.85);
      double lat = g_rand_double_range (rand, 32.55, 32.75), best = G_MAXDOUBLE;
      const double *p = (const double *) geometry->data;
      PanoRoadSnap snap;

      for (guint s = 0; s < n; s++)
        for (guint k = 0; k < 2; k++)
          best = MIN (best, point_segment_m (lon, lat, &p[6 * s + 2 * k], &p[6 * s + 2 * k + 2]));
      g_assert_true (pano_road_graph_snap (graph, lon, lat, 0, &snap));
      g_assert_cmpfloat_with_epsilon (snap.distance_m, best, 1e-6);
      /* the snapped point is where it says it is */
      g_assert_cmpfloat_with_epsilon (pano_road_distance_m (lon, lat, snap.lon, snap.lat), best,
                                      0.01 + best * 2e-3);
      g_assert_cmpint (pano_road_graph_snap (graph, lon, lat, best * 0.99, &snap), ==,
                       best == 0);
      g_assert_true (pano_road_graph_snap (graph, lon, lat, best + 1, &snap));
    }
}

static double
time_between (const double *a,
              const double *b,
              double        kmh)
{
  return pano_road_distance_m (a[0], a[1], b[0], b[1]) / (kmh / 3.6);
}

static double
eta_between (PanoRoadGraph *graph,
             const double  *from,
             const double  *to)
{
  g_autoptr(PanoRoadSearch) search = pano_road_search_new (graph);
  g_auto(PanoRoadPath) path = { 0 };

  if (!pano_road_search_route (search, from[0], from[1], to[0], to[1], 50, NOW, &path))
    return -1;
  return path.eta_s;
}

/* A hand-made OpenStreetMap file through GDAL: ways cut at shared vertices, the footway left
 * out, one-way both ways round, maxspeed in km/h and mph, class defaults. */
static void
test_osm (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("PANORAMA_TEST_DATA_DIR"), "roads.osm",
                                            NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PanoRoadGraph) graph = pano_road_graph_load (path, &error);
  const double a[2] = { 110.70, 32.60 }, b[2] = { 110.71, 32.60 }, c[2] = { 110.72, 32.60 };
  const double d[2] = { 110.70, 32.61 }, e[2] = { 110.71, 32.61 }, f[2] = { 110.72, 32.61 };
  const double m[2] = { 110.705, 32.599 };
  double expected;
  PanoRoadSnap snap;
  guint from, to;
  double length;
  gboolean oneway;

  g_assert_no_error (error);
  g_assert_cmpuint (pano_road_graph_get_n_nodes (graph), ==, 6);
  g_assert_cmpuint (pano_road_graph_get_n_segments (graph), ==, 7);
  g_assert_cmpuint (pano_road_graph_get_n_arcs (graph), ==, 12);
  /* E -> B: not up the one-way w12, nor along w13 against its reversed direction: round by
   * D (30 km/h residential), A (30 mph living street), M and B (60) */
  expected = time_between (e, d, 30) + time_between (d, a, 30 * 1.609344) +
             time_between (a, m, 60) + time_between (m, b, 60);
  g_assert_cmpfloat_with_epsilon (eta_between (graph, e, b), expected, 1e-6);
  /* B -> E straight up the one-way secondary (class default 50) */
  g_assert_cmpfloat_with_epsilon (eta_between (graph, b, e), time_between (b, e, 50), 1e-6);
  /* C -> F along w13 (drawn F -> C with oneway=-1) at its maxspeed 20 */
  g_assert_cmpfloat_with_epsilon (eta_between (graph, c, f), time_between (c, f, 20), 1e-6);
  expected = time_between (f, e, 30) + time_between (e, d, 30) +
             time_between (d, a, 30 * 1.609344) + time_between (a, m, 60) +
             time_between (m, b, 60) + time_between (b, c, 60);
  g_assert_cmpfloat_with_epsilon (eta_between (graph, f, c), expected, 1e-6);
  /* the footway's bend is nearest to the living street, 94 m away, not on a road itself */
  g_assert_true (pano_road_graph_snap (graph, 110.699, 32.605, 0, &snap));
  g_assert_cmpfloat (snap.distance_m, >, 90);
  pano_road_graph_get_segment (graph, snap.segment, &from, &to, &length, &oneway);
  g_assert_cmpuint (pano_road_graph_get_segment_road (graph, snap.segment), ==, 15);
  /* live speeds name the way by its OSM id: every segment of w10 */
  g_assert_cmpuint (pano_road_graph_set_live_speed (graph, 10, 6, NOW + 1), ==, 2);
}

/* The demo city's noded roads, read through GDAL rather than the city loader. */
static void
test_noded (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("PANORAMA_DATA_DIR"), "shiyan.gpkg",
                                            NULL);
  g_autofree char *base = g_build_filename (g_getenv ("PANORAMA_DATA_DIR"), "base.gpkg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PanoRoadGraph) graph = pano_road_graph_load (path, &error);
  PanoRoadGraph *none;

  g_assert_no_error (error);
  g_assert_cmpuint (pano_road_graph_get_n_segments (graph), ==, 2642);
  /* 194 of them one-way */
  g_assert_cmpuint (pano_road_graph_get_n_arcs (graph), ==, 2 * 2642 - 194);
  none = pano_road_graph_load (base, &error);
  g_assert_null (none);
  g_assert_error (error, PANO_ROAD_GRAPH_ERROR, PANO_ROAD_GRAPH_ERROR_NO_ROADS);
  g_assert_nonnull (strstr (error->message, "base.gpkg"));
  g_clear_error (&error);
  g_assert_null (pano_road_graph_load ("/nonexistent/roads.osm.pbf", &error));
  g_assert_error (error, PANO_ROAD_GRAPH_ERROR, PANO_ROAD_GRAPH_ERROR_UNREADABLE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/road-graph/brute-force", test_brute_force);
  g_test_add_func ("/road-graph/oneway-and-live-speed", test_oneway);
  g_test_add_func ("/road-graph/snap", test_snap);
  g_test_add_func ("/road-graph/osm", test_osm);
  g_test_add_func ("/road-graph/noded-file", test_noded);
  return g_test_run ();
}
