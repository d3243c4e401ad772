// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-test-recommend"

/* GET /v1/incidents/{id}/recommendations on the real hub with the demo city's roads: the
 * order is the one a brute-force computation gives (the roads read straight from the
 * GeoPackage with SQLite, Bellman-Ford over them, every segment scanned for snapping), units
 * on another open incident are flagged and ranked after the free ones, units off the network
 * come last, limits and unknown incidents answer as documented. */

#include <math.h>
#include <sqlite3.h>

#include "hub-fixture.h"

#define MAX_SNAP_M 1000.0

typedef struct
{
  guint from, to;
  gboolean oneway;
  double length, time;
  GArray *points;       /* lon, lat */
} Road;

typedef struct
{
  GArray *roads;        /* Road, in feature order: road i is traffic id road-<i> */
  guint n_nodes;
} City;

typedef struct
{
  guint road;
  double offset;
} Snap;

typedef struct
{
  char *id;
  const char *kind;
  double lon, lat;
  gboolean capable, available, reachable;
  double eta;
} Expected;

static void
road_clear (Road *road)
{
  g_array_unref (road->points);
}

/* GeoPackage geometry: "GP", version, flags, srs id, envelope, then a WKB LineString. */
static GArray *
read_line (const guint8 *blob,
           int           size)
{
  static const guint envelope[] = { 0, 32, 48, 48, 64, 0, 0, 0 };
  GArray *points = g_array_new (FALSE, FALSE, sizeof (double));
  const guint8 *wkb = blob + 8 + envelope[(blob[3] >> 1) & 7];
  guint32 n;

  g_assert_true (size > 8 && blob[0] == 'G' && blob[1] == 'P' && wkb[0] == 1);
  memcpy (&n, wkb + 5, 4);
  g_array_append_vals (points, wkb + 9, 2 * n);
  return points;
}

static City *
city_read (const char *path)
{
  City *city = g_new0 (City, 1);
  g_autoptr(GHashTable) nodes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GArray) keys = g_array_sized_new (FALSE, FALSE, sizeof (gint64), 8192);
  sqlite3 *db;
  sqlite3_stmt *stmt;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT geom, from_node, to_node, oneway, "
                                       "speed_limit, length_m FROM roads ORDER BY fid", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  city->roads = g_array_new (FALSE, FALSE, sizeof (Road));
  g_array_set_clear_func (city->roads, (GDestroyNotify) road_clear);
  g_array_set_size (keys, 0);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Road road = { 0 };
      gint64 ends[2] = { sqlite3_column_int64 (stmt, 1), sqlite3_column_int64 (stmt, 2) };
      guint index[2];

      for (guint k = 0; k < 2; k++)
        {
          gpointer found;

          if (!g_hash_table_lookup_extended (nodes, &ends[k], NULL, &found))
            {
              gint64 *key = g_new (gint64, 1);

              *key = ends[k];
              found = GUINT_TO_POINTER (city->n_nodes++);
              g_hash_table_insert (nodes, key, found);
            }
          index[k] = GPOINTER_TO_UINT (found);
        }
      road.from = index[0];
      road.to = index[1];
      road.oneway = sqlite3_column_int (stmt, 3) == 1;
      road.length = sqlite3_column_double (stmt, 5);
      road.time = road.length / (sqlite3_column_double (stmt, 4) / 3.6);
      road.points = read_line (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
      g_array_append_val (city->roads, road);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpuint (city->roads->len, >, 1000);
  return city;
}

static void
city_free (City *city)
{
  g_array_unref (city->roads);
  g_free (city);
}

/* Nearest point of every road, measured in a plane tangent at the point (the documented
 * measure); the offset is scaled from the drawn length to length_m. */
static gboolean
brute_snap (City   *city,
            double  lon,
            double  lat,
            Snap   *snap)
{
  double kx = 111320.0 * cos (lat * G_PI / 180.0), ky = 110540.0, best = G_MAXDOUBLE;

  for (guint r = 0; r < city->roads->len; r++)
    {
      Road *road = &g_array_index (city->roads, Road, r);
      const double *p = (const double *) road->points->data;
      double along = 0, at = 0, nearest = G_MAXDOUBLE;

      for (guint i = 0; i + 1 < road->points->len / 2; i++)
        {
          double ax = (p[2 * i] - lon) * kx, ay = (p[2 * i + 1] - lat) * ky;
          double dx = (p[2 * i + 2] - p[2 * i]) * kx, dy = (p[2 * i + 3] - p[2 * i + 1]) * ky;
          double len = hypot (dx, dy);
          double t = len > 0 ? CLAMP (-(ax * dx + ay * dy) / (len * len), 0, 1) : 0;
          double d = hypot (ax + t * dx, ay + t * dy);

          if (d < nearest)
            nearest = d, at = along + t * len;
          along += len;
        }
      if (nearest < best)
        {
          best = nearest;
          snap->road = r;
          snap->offset = along > 0 ? at / along * road->length : 0;
        }
    }
  return best <= MAX_SNAP_M;
}

/* Seconds from every node to @target, over the roads as they may be driven. */
static double *
bellman_ford (City *city,
              Snap *target)
{
  double *dist = g_new (double, city->n_nodes);
  Road *t = &g_array_index (city->roads, Road, target->road);
  gboolean changed = TRUE;

  for (guint v = 0; v < city->n_nodes; v++)
    dist[v] = INFINITY;
  dist[t->from] = target->offset / t->length * t->time;
  /* a point within a millimetre of a node is at that node, whatever the one-way */
  if (!t->oneway || t->length - target->offset <= 0.001)
    dist[t->to] = MIN (dist[t->to], (t->length - target->offset) / t->length * t->time);
  for (guint round = 0; changed && round < city->n_nodes; round++)
    {
      changed = FALSE;
      for (guint r = 0; r < city->roads->len; r++)
        {
          Road *road = &g_array_index (city->roads, Road, r);

          if (dist[road->to] + road->time < dist[road->from])
            dist[road->from] = dist[road->to] + road->time, changed = TRUE;
          if (!road->oneway && dist[road->from] + road->time < dist[road->to])
            dist[road->to] = dist[road->from] + road->time, changed = TRUE;
        }
    }
  return dist;
}

static double
brute_eta (City         *city,
           const double *dist,
           Snap         *target,
           Snap         *source)
{
  Road *s = &g_array_index (city->roads, Road, source->road);
  double pace = s->time / s->length;
  double best = (s->length - source->offset) * pace + dist[s->to];

  if (!s->oneway || source->offset <= 0.001)
    best = MIN (best, source->offset * pace + dist[s->from]);
  if (source->road == target->road && source->offset <= target->offset)
    best = MIN (best, (target->offset - source->offset) * pace);
  else if (source->road == target->road && !s->oneway)
    best = MIN (best, (source->offset - target->offset) * pace);
  return best;
}

static gint
compare_expected (gconstpointer a,
                  gconstpointer b)
{
  const Expected *x = a, *y = b;

  if (x->reachable != y->reachable)
    return x->reachable ? -1 : 1;
  if (x->capable != y->capable)
    return x->capable ? -1 : 1;
  if (x->available != y->available)
    return x->available ? -1 : 1;
  if (x->reachable && fabs (x->eta - y->eta) > 1e-6)
    return x->eta < y->eta ? -1 : 1;
  return strcmp (x->id, y->id);
}

static const char * const kinds[] = { "fire_engine", "rescue_team", "ambulance", "police",
                                      "enforcement" };

static gboolean
is_capable (const char *kind)
{
  /* 事故灾难 = fire_engine, rescue_team, ambulance, police (the compiled-in table) */
  return !g_str_equal (kind, "enforcement");
}

/* Units at random points of the city centre, one far off any road, and one site. */
static GArray *
ingest_units (Hub   *hub,
              GRand *rand)
{
  GArray *units = g_array_new (FALSE, TRUE, sizeof (Expected));
  g_autoptr(GString) body = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");

  for (guint i = 0; i < 60; i++)
    {
      Expected e = { g_strdup_printf ("unit-%02u", i), kinds[i % G_N_ELEMENTS (kinds)] };

      e.lon = i == 59 ? 112.9 : g_rand_double_range (rand, 110.70, 110.86);
      e.lat = i == 59 ? 34.1 : g_rand_double_range (rand, 32.58, 32.68);
      e.capable = is_capable (e.kind);
      g_string_append_printf (body, "%s{\"type\":\"Feature\",\"id\":\"%s\",\"geometry\":"
                              "{\"type\":\"Point\",\"coordinates\":[%.7f,%.7f]},"
                              "\"properties\":{\"kind\":\"%s\",\"status\":\"available\","
                              "\"station\":\"test\"}}", i ? "," : "", e.id, e.lon, e.lat, e.kind);
      g_array_append_val (units, e);
    }
  g_string_append (body, ",{\"type\":\"Feature\",\"id\":\"warehouse-1\",\"geometry\":{\"type\":"
                   "\"Point\",\"coordinates\":[110.78,32.64]},\"properties\":{\"kind\":"
                   "\"warehouse\"}}]}");
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/ingest/resources", "admin-token", NULL,
                              body->str, NULL, NULL), ==, 200);
  return units;
}

/* Live speeds on every third road; the brute force drives them at those speeds too. */
static void
ingest_traffic (Hub   *hub,
                City  *city,
                GRand *rand)
{
  g_autoptr(GString) body = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");

  for (guint r = 0; r < city->roads->len; r += 3)
    {
      Road *road = &g_array_index (city->roads, Road, r);
      double speed = round (g_rand_double_range (rand, 5, 70) * 1000) / 1000;

      road->time = road->length / (speed / 3.6);
      g_string_append_printf (body, "%s{\"type\":\"Feature\",\"id\":\"road-%u\",\"geometry\":"
                              "null,\"properties\":{\"speed_kmh\":%.3f,\"stale_after_s\":3600}}",
                              r ? "," : "", r, speed);
    }
  g_string_append (body, "]}");
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/ingest/traffic", "admin-token", NULL, body->str,
                              NULL, NULL), ==, 200);
}

static char *
command (Hub        *hub,
         const char *body)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *key = g_uuid_string_random ();
  guint status = hub_rest (hub, "POST", "/v1/commands", "disp-token", key, body, &answer, NULL);
  JsonObject *incident;

  g_assert_cmpuint (status, <, 300);
  incident = json_object_get_object_member (json_node_get_object (answer), "incident");
  return g_strdup (json_object_get_string_member (incident, "id"));
}

static JsonArray *
recommend (Hub        *hub,
           const char *incident,
           guint       limit,
           JsonNode  **answer)
{
  g_autofree char *path = g_strdup_printf ("/v1/incidents/%s/recommendations?limit=%u",
                                           incident, limit);
  JsonObject *root;

  g_assert_cmpuint (hub_rest (hub, "GET", path, "view-token", NULL, NULL, answer, NULL), ==, 200);
  root = json_node_get_object (*answer);
  g_assert_cmpstr (json_object_get_string_member (root, "incident"), ==, incident);
  g_assert_cmpstr (json_object_get_string_member (root, "category"), ==, "事故灾难");
  g_assert_cmpstr (json_object_get_string_member (root, "speeds"), ==, "live");
  return json_object_get_array_member (root, "units");
}

static Expected *
find (GArray     *expected,
      const char *id)
{
  for (guint i = 0; i < expected->len; i++)
    if (g_str_equal (g_array_index (expected, Expected, i).id, id))
      return &g_array_index (expected, Expected, i);
  g_assert_not_reached ();
}

/* The hub's list, entry by entry, against the brute-force ranking; where two ETAs tie to a
 * microsecond either order is right. */
static void
check_order (JsonArray *units,
             GArray    *expected)
{
  g_assert_cmpuint (json_array_get_length (units), ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      JsonObject *unit = json_array_get_object_element (units, i);
      Expected *want = &g_array_index (expected, Expected, i);
      Expected *got = find (expected, json_object_get_string_member (unit, "id"));

      g_assert_true (got == want || (compare_expected (got, want) == 0 ||
                                     (got->reachable && want->reachable &&
                                      fabs (got->eta - want->eta) < 1e-3)));
      g_assert_cmpint (json_object_get_boolean_member (unit, "capable"), ==, got->capable);
      g_assert_cmpint (json_object_get_boolean_member (unit, "available"), ==, got->available);
      g_assert_cmpint (json_object_get_boolean_member (unit, "reachable"), ==, got->reachable);
      if (!got->reachable)
        {
          g_assert_true (json_object_get_null_member (unit, "eta_s"));
          g_assert_true (json_object_get_null_member (unit, "route"));
          continue;
        }
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (unit, "eta_s"), got->eta,
                                      0.1);
      g_assert_cmpfloat (json_object_get_double_member (unit, "distance_m"), >=, 0);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (unit,
                       "route"), "type"), ==, "LineString");
    }
}

static void
test_recommendations (void)
{
  g_autofree char *path = g_build_filename (PANO_SOURCE_DATADIR, "shiyan.gpkg", NULL);
  g_autofree char *config = g_strdup_printf ("city=%s\n", path);
  g_autoptr(GRand) rand = g_rand_new_with_seed (2026);
  g_autoptr(JsonNode) answer = NULL, first = NULL;
  g_autofree double *dist = NULL;
  g_autofree char *incident = NULL, *other = NULL, *body = NULL;
  g_autoptr(GArray) expected = NULL;
  const double location[2] = { 110.7825, 32.6412 };
  City *city = city_read (path);
  Hub *hub = hub_start (config);
  Snap target;
  JsonArray *units;
  guint busy = 0, reachable = 0;

  expected = ingest_units (hub, rand);
  ingest_traffic (hub, city, rand);
  body = g_strdup_printf ("{\"command\":\"create\",\"category\":\"事故灾难\",\"severity\":3,"
                          "\"location\":[%.6f,%.6f]}", location[0], location[1]);
  incident = command (hub, body);
  other = command (hub, "{\"command\":\"create\",\"category\":\"公共卫生\",\"severity\":2,"
                        "\"location\":[110.80,32.62]}");
  g_free (body);
  body = g_strdup_printf ("{\"command\":\"transition\",\"incident\":\"%s\",\"to\":\"accepted\"}",
                          other);
  g_free (command (hub, body));
  g_free (body);
  /* three units go to the other incident: still listed, flagged, after the free ones */
  body = g_strdup_printf ("{\"command\":\"dispatch\",\"incident\":\"%s\",\"units\":[\"unit-00\","
                          "\"unit-03\",\"unit-07\"]}", other);
  g_free (command (hub, body));

  g_assert_true (brute_snap (city, location[0], location[1], &target));
  dist = bellman_ford (city, &target);
  for (guint i = 0; i < expected->len; i++)
    {
      Expected *e = &g_array_index (expected, Expected, i);
      Snap snap;

      e->available = !g_str_equal (e->id, "unit-00") && !g_str_equal (e->id, "unit-03") &&
                     !g_str_equal (e->id, "unit-07");
      e->reachable = brute_snap (city, e->lon, e->lat, &snap);
      if (e->reachable)
        e->eta = brute_eta (city, dist, &target, &snap);
      e->reachable = e->reachable && isfinite (e->eta);
      reachable += e->reachable;
    }
  g_array_sort (expected, compare_expected);
  g_assert_cmpuint (reachable, ==, expected->len - 1);
  g_assert_false (g_array_index (expected, Expected, expected->len - 1).reachable);

  units = recommend (hub, incident, 200, &answer);
  check_order (units, expected);
  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *unit = json_array_get_object_element (units, i);
      const char *flag = json_object_get_string_member_with_default (unit, "busy_incident", NULL);

      g_assert_cmpstr (json_object_get_string_member (unit, "id"), !=, "warehouse-1");
      if (flag != NULL)
        {
          g_assert_cmpstr (flag, ==, other);
          busy++;
        }
    }
  g_assert_cmpuint (busy, ==, 3);
  /* the last is the unit far off any road, labelled */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     units, json_array_get_length (units) - 1), "id"), ==, "unit-59");

  /* the limit takes the head of the same ranking */
  units = recommend (hub, incident, 5, &first);
  g_assert_cmpuint (json_array_get_length (units), ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (units, i),
                                                    "id"), ==,
                     json_object_get_string_member (json_array_get_object_element (
                       json_object_get_array_member (json_node_get_object (answer), "units"), i),
                       "id"));
  hub_stop (hub);
  city_free (city);
  for (guint i = 0; i < expected->len; i++)
    g_free (g_array_index (expected, Expected, i).id);
}

static void
test_refusals (void)
{
  Hub *hub = hub_start (NULL);
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *incident = command (hub, "{\"command\":\"create\",\"category\":\"公共卫生\","
                                            "\"severity\":1,\"location\":[110.8,32.6]}");
  g_autofree char *path = g_strdup_printf ("/v1/incidents/%s/recommendations", incident);
  g_autofree char *too_many = g_strdup_printf ("%s?limit=201", path);
  JsonObject *root;

  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/incidents/INC-999999/recommendations",
                              "view-token", NULL, NULL, &answer, NULL), ==, 404);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "error"), ==,
                   "unknown_incident");
  g_clear_pointer (&answer, json_node_unref);
  g_assert_cmpuint (hub_rest (hub, "GET", too_many, "view-token", NULL, NULL, &answer, NULL), ==,
                    400);
  g_clear_pointer (&answer, json_node_unref);
  g_assert_cmpuint (hub_rest (hub, "GET", path, NULL, NULL, NULL, NULL, NULL), ==, 401);
  /* a hub without roads still answers: no unit is reachable, speeds are the limits */
  hub_ingest_points (hub, "resources", "unit", 0, 3, 1);
  g_assert_cmpuint (hub_rest (hub, "GET", path, "view-token", NULL, NULL, &answer, NULL), ==, 200);
  root = json_node_get_object (answer);
  g_assert_cmpstr (json_object_get_string_member (root, "speeds"), ==, "limits");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "units")), ==, 0);
  hub_stop (hub);
}

static gboolean
route_passes (JsonObject *unit,
              double      lon,
              double      lat)
{
  JsonArray *points = json_object_get_array_member (json_object_get_object_member (unit,
                                                                                   "route"),
                                                    "coordinates");

  for (guint i = 0; i < json_array_get_length (points); i++)
    {
      JsonArray *p = json_array_get_array_element (points, i);

      if (fabs (json_array_get_double_element (p, 0) - lon) < 1e-6 &&
          fabs (json_array_get_double_element (p, 1) - lat) < 1e-6)
        return TRUE;
    }
  return FALSE;
}

/* `roads = FILE` routes on an OpenStreetMap extract: from E the one-way up to B does not lead
 * back down, so the unit drives round by D and A (tests/data/roads.osm). */
static void
test_osm_roads (void)
{
  g_autofree char *osm = g_build_filename (g_getenv ("PANORAMA_TEST_DATA_DIR"), "roads.osm",
                                           NULL);
  g_autofree char *config = g_strdup_printf ("roads=%s\n", osm);
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *incident = NULL, *path = NULL;
  Hub *hub = hub_start (config);
  JsonObject *unit;

  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/ingest/resources", "admin-token", NULL,
                              "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
                              "\"Feature\",\"id\":\"police-e\",\"geometry\":{\"type\":\"Point\","
                              "\"coordinates\":[110.71,32.6101]},\"properties\":{\"kind\":"
                              "\"police\"}}]}", NULL, NULL), ==, 200);
  incident = command (hub, "{\"command\":\"create\",\"category\":\"社会安全\",\"severity\":1,"
                           "\"location\":[110.71,32.5999]}");
  path = g_strdup_printf ("/v1/incidents/%s/recommendations", incident);
  g_assert_cmpuint (hub_rest (hub, "GET", path, "view-token", NULL, NULL, &answer, NULL), ==, 200);
  unit = json_array_get_object_element (json_object_get_array_member (
                                          json_node_get_object (answer), "units"), 0);
  g_assert_cmpstr (json_object_get_string_member (unit, "id"), ==, "police-e");
  g_assert_true (json_object_get_boolean_member (unit, "reachable"));
  /* about 3.3 km round, not the 1.1 km straight down */
  g_assert_cmpfloat (json_object_get_double_member (unit, "distance_m"), >, 3000);
  g_assert_true (route_passes (unit, 110.70, 32.61));
  g_assert_true (route_passes (unit, 110.70, 32.60));
  hub_stop (hub);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub/recommendations/brute-force-order", test_recommendations);
  g_test_add_func ("/hub/recommendations/refusals", test_refusals);
  g_test_add_func ("/hub/recommendations/osm-roads", test_osm_roads);
  return g_test_run ();
}
