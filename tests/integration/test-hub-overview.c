// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-test-hub"

#include <math.h>
#include <sqlite3.h>

#include "hub-fixture.h"

/* 总体态势 (GET /v1/overview, docs/overview.md) checked tile by tile against what was sent:
 * live layers ingested as admin, incidents made by commands. "Yesterday" is made through the
 * hub's own paths: a first run with --sample-offset=-86400 stamps its samples a day back, a
 * second run on the same database samples at the real time. */

#define CONFIG "[history]\nsample-s = 1\n[limits]\nreturned = 1\noverdue-check-ms = 100\n" \
               "[thresholds]\naqi_worst = 120;180\nunits_available = none\n"

static JsonNode *
overview (Hub        *hub,
          const char *scope)
{
  g_autofree char *path = g_strdup_printf ("/v1/overview?scope=%s", scope);
  JsonNode *answer = NULL;

  g_assert_cmpuint (hub_rest (hub, "GET", path, "view-token", NULL, NULL, &answer, NULL), ==,
                    200);
  return answer;
}

static JsonObject *
tile (JsonNode   *answer,
      const char *key)
{
  JsonArray *tiles = json_object_get_array_member (json_node_get_object (answer), "tiles");

  for (guint i = 0; i < json_array_get_length (tiles); i++)
    {
      JsonObject *t = json_array_get_object_element (tiles, i);

      if (g_str_equal (json_object_get_string_member (t, "key"), key))
        return t;
    }
  g_error ("no tile %s", key);
}

/* Returns: the member as a number, NAN for null */
static double
member (JsonNode   *answer,
        const char *key,
        const char *name)
{
  JsonNode *node = json_object_get_member (tile (answer, key), name);

  return JSON_NODE_HOLDS_NULL (node) ? NAN : json_node_get_double (node);
}

/* Returns: the last known point of the tile's series, NAN if none */
static double
last_point (JsonNode   *answer,
            const char *key)
{
  JsonArray *series = json_object_get_array_member (tile (answer, key), "series");
  double last = NAN;

  g_assert_cmpuint (json_array_get_length (series), ==, 96);
  for (guint i = 0; i < json_array_get_length (series); i++)
    if (!JSON_NODE_HOLDS_NULL (json_array_get_element (series, i)))
      last = json_array_get_double_element (series, i);
  return last;
}

static void
assert_number (double      got,
               double      expected,
               const char *what)
{
  if (isnan (expected))
    {
      if (!isnan (got))
        g_error ("%s: %g, expected null", what, got);
      return;
    }
  if (isnan (got) || fabs (got - expected) > 1e-3)
    g_error ("%s: %g, expected %g", what, got, expected);
}

static void
ingest (Hub        *hub,
        const char *layer,
        const char *features)
{
  g_autofree char *body = g_strdup_printf ("{\"type\":\"FeatureCollection\",\"features\":[%s]}",
                                           features);
  g_autofree char *path = g_strdup_printf ("/v1/ingest/%s", layer);

  g_assert_cmpuint (hub_rest (hub, "POST", path, "admin-token", NULL, body, NULL, NULL), ==, 200);
}

#define POINT(id, props) "{\"type\":\"Feature\",\"id\":\"" id "\",\"geometry\":{\"type\":" \
                         "\"Point\",\"coordinates\":[110.79,32.65]},\"properties\":" props "}"

/* A free road and a slow one (index (0 + 10/3) / 2); stations at AQI 50 and 150. */
static void
ingest_yesterday (Hub *hub)
{
  ingest (hub, "traffic", POINT ("road-1", "{\"level\":\"slow\"}") ","
                          POINT ("road-2", "{\"level\":\"free\"}"));
  ingest (hub, "environment", POINT ("env-1", "{\"aqi\":50}") "," POINT ("env-2", "{\"aqi\":150}"));
}

/* A jammed road and a free one (index 5); a road without a level is not counted; stations 40, 100, 190; two fire engines and an ambulance
 * available, a police car en route; a shelter with 70 of 100 places free and a closed one; an
 * active severe alert, a cleared warning and an active critical one (level Ⅰ as a number). */
static void
ingest_today (Hub *hub)
{
  ingest (hub, "traffic", POINT ("road-1", "{\"level\":\"jammed\"}") ","
                          POINT ("road-2", "{\"congestion\":1}") ","
                          POINT ("road-3", "{\"speed_kmh\":20}"));
  ingest (hub, "environment", POINT ("env-1", "{\"aqi\":40}") "," POINT ("env-2", "{\"aqi\":100}")
                              "," POINT ("env-3", "{\"aqi\":190}"));
  ingest (hub, "resources",
          POINT ("fire-1", "{\"kind\":\"fire_engine\",\"status\":\"available\"}") ","
          POINT ("fire-2", "{\"kind\":\"fire_engine\",\"status\":\"available\"}") ","
          POINT ("amb-1", "{\"kind\":\"ambulance\",\"status\":\"available\"}") ","
          POINT ("police-1", "{\"kind\":\"police\",\"status\":\"en_route\"}") ","
          POINT ("shelter-1", "{\"kind\":\"shelter\",\"capacity\":100,\"occupancy\":30}") ","
          POINT ("shelter-2", "{\"kind\":\"shelter\",\"capacity\":50,\"status\":\"closed\"}"));
  ingest (hub, "alerts",
          POINT ("alert-1", "{\"level\":\"severe\",\"status\":\"active\"}") ","
          POINT ("alert-2", "{\"level\":\"warning\",\"status\":\"cleared\"}") ","
          POINT ("alert-3", "{\"level\":1}"));
}

static guint n_commands;

static void
command (Hub        *hub,
         guint       status,
         const char *body)
{
  g_autofree char *key = g_strdup_printf ("overview-%u", ++n_commands);
  g_autoptr(JsonNode) answer = NULL;

  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", key, body, &answer,
                              NULL), ==, status);
}

static void
transition (Hub        *hub,
            const char *incident,
            const char *to,
            const char *extra)
{
  g_autofree char *body = g_strdup_printf ("{\"command\":\"transition\",\"incident\":\"%s\","
                                           "\"to\":\"%s\"%s}", incident, to, extra);

  command (hub, 200, body);
}

/* 1 社会安全 from the hotline, closed; 2 市政设施, left reported; 3 社会安全 returned, where
 * [limits] returned = 1 makes it overdue a second later. */
static void
make_incidents (Hub *hub)
{
  command (hub, 201, "{\"command\":\"create\",\"category\":\"社会安全\",\"severity\":2,"
                     "\"location\":[110.79,32.65],\"source\":\"hotline_12345\"}");
  command (hub, 201, "{\"command\":\"create\",\"category\":\"市政设施\",\"severity\":1,"
                     "\"location\":[110.79,32.65]}");
  command (hub, 201, "{\"command\":\"create\",\"category\":\"社会安全\",\"severity\":2,"
                     "\"location\":[110.79,32.65]}");
  transition (hub, "INC-000001", "accepted", "");
  command (hub, 200, "{\"command\":\"dispatch\",\"incident\":\"INC-000001\","
                     "\"units\":[\"police-1\"]}");
  transition (hub, "INC-000001", "handling", "");
  transition (hub, "INC-000001", "verified", "");
  transition (hub, "INC-000001", "closed", "");
  transition (hub, "INC-000003", "accepted", "");
  command (hub, 200, "{\"command\":\"dispatch\",\"incident\":\"INC-000003\","
                     "\"units\":[\"police-1\"]}");
  transition (hub, "INC-000003", "returned", ",\"reason\":\"wrong district\"");
}

static gboolean
yesterday_sampled (gpointer user_data)
{
  g_autoptr(JsonNode) answer = overview (user_data, "");

  return member (answer, "congestion", "yesterday") == 1.667 &&
         member (answer, "aqi_worst", "yesterday") == 150;
}

static gboolean
today_sampled (gpointer user_data)
{
  g_autoptr(JsonNode) answer = overview (user_data, "");

  return last_point (answer, "congestion") == 5.0 && last_point (answer, "alerts_active") == 2 &&
         last_point (answer, "units_available") == 3 && member (answer, "overdue", "value") == 1;
}

static void
assert_mix (JsonNode   *answer,
            const char *member_name,
            const char *expected)
{
  JsonArray *array = json_object_get_array_member (json_node_get_object (answer), member_name);
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *row = json_array_get_object_element (array, i);

      g_string_append_printf (got, "%s%s=%" G_GINT64_FORMAT, i ? " " : "",
                              json_object_get_string_member (row, "name"),
                              json_object_get_int_member (row, "count"));
    }
  g_assert_cmpstr (got->str, ==, expected);
}

static gint64
time_member (JsonNode   *answer,
             const char *name)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (
    json_object_get_string_member (json_node_get_object (answer), name), NULL);

  return g_date_time_to_unix (time) * 1000 + g_date_time_get_microsecond (time) / 1000;
}

/* @created_ms: when the incidents were made; "today" is since the hub's local midnight, so a
 * run across midnight expects none today (never a failure on the time of day). */
static void
check_today (JsonNode *answer,
             gint64    created_ms)
{
  JsonObject *units = json_object_get_object_member (tile (answer, "units_available"), "parts");
  JsonObject *alerts = json_object_get_object_member (tile (answer, "alerts_active"), "parts");
  gboolean today = created_ms >= time_member (answer, "today");

  /* Incident tiles, now and their series' last point (the bucket that ends now). */
  assert_number (member (answer, "incidents_today", "value"), today ? 3 : 0, "incidents today");
  assert_number (last_point (answer, "incidents_today"), today ? 3 : 0,
                 "incidents today, last point");
  assert_number (member (answer, "in_progress", "value"), 2, "in progress");
  assert_number (member (answer, "overdue", "value"), 1, "overdue");
  assert_number (member (answer, "closure", "value"), 1.0 / 3, "closure");
  assert_number (member (answer, "on_time_closure", "value"), 1.0 / 3, "on-time closure");
  /* Nothing was reported yesterday: 0 incidents, rates with nothing to divide by. */
  assert_number (member (answer, "incidents_today", "yesterday"), 0, "incidents yesterday");
  assert_number (member (answer, "closure", "yesterday"), NAN, "closure yesterday");

  /* Live tiles now, from what was ingested. */
  assert_number (member (answer, "congestion", "value"), 5.0, "congestion");
  assert_number (member (answer, "aqi_mean", "value"), 110, "AQI mean");
  assert_number (member (answer, "aqi_worst", "value"), 190, "AQI worst");
  g_assert_cmpstr (json_object_get_string_member (tile (answer, "aqi_worst"), "station"), ==,
                   "env-3");
  assert_number (member (answer, "units_available", "value"), 3, "units");
  g_assert_cmpint (json_object_get_int_member (units, "fire_engine"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (units, "ambulance"), ==, 1);
  g_assert_false (json_object_has_member (units, "police"));
  assert_number (member (answer, "shelter_free", "value"), 70, "shelter places");
  assert_number (member (answer, "alerts_active", "value"), 2, "alerts");
  g_assert_cmpint (json_object_get_int_member (alerts, "severe"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (alerts, "critical"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (alerts, "warning"), ==, 0);

  /* The series bucket of now holds today's samples only; yesterday's are the day-old ones. */
  assert_number (last_point (answer, "congestion"), 5.0, "congestion, last point");
  assert_number (last_point (answer, "aqi_worst"), 190, "AQI worst, last point");
  assert_number (member (answer, "congestion", "yesterday"), 1.667, "congestion yesterday");
  assert_number (member (answer, "aqi_mean", "yesterday"), 100, "AQI mean yesterday");
  assert_number (member (answer, "aqi_worst", "yesterday"), 150, "AQI worst yesterday");
  assert_number (member (answer, "shelter_free", "yesterday"), NAN, "no shelters yesterday");

  /* Thresholds: defaults, the configured pair, and one configured away. */
  assert_number (member (answer, "aqi_worst", "amber"), 120, "AQI worst amber");
  assert_number (member (answer, "aqi_worst", "red"), 180, "AQI worst red");
  assert_number (member (answer, "closure", "amber"), 0.95, "closure amber");
  assert_number (member (answer, "units_available", "red"), NAN, "units red");
  g_assert_cmpstr (json_object_get_string_member (tile (answer, "closure"), "worse"), ==,
                   "lower");

  assert_mix (answer, "categories", today ? "社会安全=2 市政设施=1" : "");
  assert_mix (answer, "sources", today ? "operator=2 hotline_12345=1" : "");
}

static void
test_tiles (void)
{
  const char *yesterday_args[] = { "--sample-offset=-86400", NULL };
  Hub *hub = hub_start_args (CONFIG, yesterday_args);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) scoped = NULL;
  gint64 created_ms;
  guint status;

  ingest_yesterday (hub);
  wait_until (NULL, yesterday_sampled, hub, "samples stamped a day back");

  /* The same database sampled at the real time, with today's data. */
  pano_test_hub_terminate (hub);
  pano_test_hub_set_args (hub, NULL);
  pano_test_hub_spawn (hub);
  ingest_today (hub);
  created_ms = g_get_real_time () / 1000;
  make_incidents (hub);
  wait_until (NULL, today_sampled, hub, "today's samples and the overdue incident");
  answer = overview (hub, "");
  check_today (answer, created_ms);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (answer), "bucket_s"), ==,
                   900);

  /* A district with nothing in it (this hub has no city map, so nothing has a grid code). */
  scoped = overview (hub, "420300-420302-001");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (scoped), "live_scope"),
                   ==, "420300-420302");
  assert_number (member (scoped, "incidents_today", "value"), 0, "district incidents");
  assert_number (member (scoped, "congestion", "value"), NAN, "district congestion");

  /* Viewers may read it; nobody without a token. */
  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/overview", NULL, NULL, NULL, NULL, NULL), ==, 401);
  g_clear_pointer (&scoped, json_node_unref);
  status = hub_rest (hub, "GET", "/v1/overview?scope=" "0123456789012345678901234567890123456789"
                     "0123456789012345678901234567890123456789", "view-token", NULL, NULL,
                     &scoped, NULL);
  g_assert_cmpuint (status, ==, 400);
  hub_stop (hub);
}

/* Returns: how many samples the database holds taken before @before_ms (all if 0) */
static gint64
count_samples (Hub    *hub,
               gint64  before_ms)
{
  g_autofree char *path = hub_db_path (hub);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM live_samples WHERE ?1 = 0 OR "
                                           "at < ?1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, before_ms);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static gboolean
has_samples (gpointer user_data)
{
  return count_samples (user_data, 0) >= 2;
}

static gboolean
old_ones_pruned (gpointer user_data)
{
  return count_samples (user_data, g_get_real_time () / 1000 - 24 * 3600 * 1000) == 0;
}

/* [history] days: samples older than that go at the next sample. A first run stamps its
 * samples two days back; the next run, at the real time, prunes them and keeps its own. */
static void
test_retention (void)
{
  const char *old_args[] = { "--sample-offset=-172800", NULL };
  Hub *hub = hub_start_args ("[history]\ndays = 1\nsample-s = 1\n", old_args);

  wait_until (NULL, has_samples, hub, "samples stamped two days back");
  g_assert_cmpint (count_samples (hub, g_get_real_time () / 1000 - 36 * 3600 * 1000), >=, 2);
  pano_test_hub_terminate (hub);
  pano_test_hub_set_args (hub, NULL);
  pano_test_hub_spawn (hub);
  wait_until (NULL, old_ones_pruned, hub, "samples older than a day pruned");
  g_assert_cmpint (count_samples (hub, 0), >=, 1);
  hub_stop (hub);
}

/* Refused at start with the key named. */
static void
test_bad_thresholds (void)
{
  Hub *hub = pano_test_hub_new (NULL);
  g_autofree char *config = g_build_filename (hub->dir, "bad.conf", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_assert_true (g_file_set_contents (config, "[thresholds]\nclosure = 0.8;0.9\n", -1, NULL));
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                              &error, g_getenv ("PANORAMA_HUB_EXE"), "--config", config,
                              "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error));
  g_assert_false (g_subprocess_get_successful (process));
  g_assert_nonnull (strstr (err, "[thresholds] closure = 0.8;0.9 is refused"));
  pano_test_hub_free (hub);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub-overview/tiles", test_tiles);
  g_test_add_func ("/hub-overview/retention", test_retention);
  g_test_add_func ("/hub-overview/bad-thresholds", test_bad_thresholds);
  return g_test_run ();
}
