// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-test-hub"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "hub-fixture.h"

/* 绩效 KPIs against a history whose values are worked out by hand (docs/kpis.md), the same
 * after a restart; the live layer keeping only open and recent incidents; a schema-1 database
 * upgraded in place. */

/* 2023-11-14T22:13:20Z: the fixture's day starts here. */
#define T0 G_GINT64_CONSTANT (1700000000000)
#define S(x) ((gint64) (x) * 1000)
#define DAY S (86400)

static void
sql (Hub        *hub,
     const char *statement)
{
  g_autofree char *path = hub_db_path (hub);
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  if (sqlite3_exec (db, statement, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", statement, message);
  sqlite3_close (db);
}

/* One incident's KPI row; 0 means "never". */
static void
insert (GString    *out,
        const char *id,
        const char *grid,
        gint64      reported,
        gint64      accepted,
        gint64      dispatched,
        gint64      verified,
        gint64      closed,
        gint64      cancelled,
        gint64      overdue,
        gint64      handling_overdue,
        int         rework,
        int         dispatches,
        int         returns)
{
  gint64 times[] = { accepted, dispatched, verified, closed, cancelled, overdue,
                     handling_overdue };

  g_string_append_printf (out, "INSERT INTO incident_kpi VALUES ('%s','%s',%" G_GINT64_FORMAT,
                          id, grid, T0 + reported);
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      if (times[i] == 0)
        g_string_append (out, ",NULL");
      else
        g_string_append_printf (out, ",%" G_GINT64_FORMAT, T0 + times[i]);
    }
  g_string_append_printf (out, ",%d,%d,%d);\n", rework, dispatches, returns);
}

static void
move (GString    *out,
      const char *id,
      const char *kind,
      gint64      at)
{
  g_string_append_printf (out, "INSERT INTO incident_moves VALUES ('%s','%s',%" G_GINT64_FORMAT
                          ");\n", id, kind, T0 + at);
}

/* The hand-made history (times after T0, seconds):
 *   A 302/001  reported 0, accepted 60, dispatched 300, verified 3600, closed 4000
 *   B 302/002  reported 1000, accepted 1120, dispatch 1600, return 1700, dispatch 1800,
 *              overdue 2000, handling overdue 8000, rework 8500, verified 9000, closed 10000
 *   C 303/001  reported 2000, accepted 2180, cancelled 3000
 *   D 303/001  reported 3000, overdue 3600, open
 *   E 302/001  reported 5000, accepted 5300, dispatched 5600; after the day: return +10,
 *              dispatch +50, verified +100, closed +200
 *   F 302/003  reported −1000 (before the day), open
 *   G 303/002  reported day + 5000, open */
static char *
history (void)
{
  GString *out = g_string_new ("BEGIN;\n");

  insert (out, "A", "420300-420302-001-0001", 0, S (60), S (300), S (3600), S (4000), 0, 0, 0,
          0, 1, 0);
  move (out, "A", "dispatch", S (300));
  insert (out, "B", "420300-420302-002-0001", S (1000), S (1120), S (1600), S (9000), S (10000),
          0, S (2000), S (8000), 1, 2, 1);
  move (out, "B", "dispatch", S (1600));
  move (out, "B", "return", S (1700));
  move (out, "B", "dispatch", S (1800));
  move (out, "B", "rework", S (8500));
  insert (out, "C", "420300-420303-001-0001", S (2000), S (2180), 0, 0, 0, S (3000), 0, 0,
          0, 0, 0);
  insert (out, "D", "420300-420303-001-0002", S (3000), 0, 0, 0, 0, 0, S (3600), 0, 0, 0, 0);
  insert (out, "E", "420300-420302-001-0001", S (5000), S (5300), S (5600), DAY + S (100),
          DAY + S (200), 0, 0, 0, 0, 2, 1);
  move (out, "E", "dispatch", S (5600));
  move (out, "E", "return", DAY + S (10));
  move (out, "E", "dispatch", DAY + S (50));
  insert (out, "F", "420300-420302-003-0001", -S (1000), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  insert (out, "G", "420300-420303-002-0001", DAY + S (5000), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  g_string_append (out, "COMMIT;\n");
  return g_string_free (out, FALSE);
}

static JsonObject *
kpis (Hub        *hub,
      const char *query,
      JsonNode  **holder)
{
  g_autofree char *path = g_strdup_printf ("/v1/kpis?%s", query);

  g_clear_pointer (holder, json_node_unref);
  g_assert_cmpuint (hub_rest (hub, "GET", path, "view-token", NULL, NULL, holder, NULL), ==, 200);
  return json_node_get_object (*holder);
}

static void
assert_counts (JsonObject *body,
               const char *expected)
{
  JsonObject *counts = json_object_get_object_member (body, "counts");
  static const char * const names[] = {
    "reported", "accepted", "in_progress", "overdue", "closed", "due", "closed_on_time",
    "handled", "handled_on_time", "rework", "dispatched", "returned",
  };
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_string_append_printf (got, "%s%s=%" G_GINT64_FORMAT, i ? " " : "", names[i],
                            json_object_get_int_member (counts, names[i]));
  g_assert_cmpstr (got->str, ==, expected);
}

static void
assert_member (JsonObject *body,
               const char *group,
               const char *name,
               double      expected)
{
  JsonObject *object = json_object_get_object_member (body, group);

  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, name), expected, 1e-3);
}

static void
check_day (Hub *hub)
{
  g_autofree char *day = g_strdup_printf ("from=%" G_GINT64_FORMAT "&to=%" G_GINT64_FORMAT, T0,
                                          T0 + DAY);
  g_autofree char *scoped = g_strdup_printf ("%s&scope=420300-420302", day);
  g_autofree char *since = g_strdup_printf ("from=2023-11-14T22:13:20Z");
  g_autoptr(JsonNode) holder = NULL;
  JsonObject *body;

  /* The day: moves after its end (E's return and second dispatch) do not count. */
  body = kpis (hub, day, &holder);
  assert_counts (body, "reported=5 accepted=4 in_progress=3 overdue=2 closed=2 due=4 "
                       "closed_on_time=1 handled=2 handled_on_time=1 rework=1 dispatched=4 "
                       "returned=1");
  assert_member (body, "rates", "closure", 0.5);
  assert_member (body, "rates", "on_time_closure", 0.25);
  assert_member (body, "rates", "on_time_handling", 0.5);
  assert_member (body, "rates", "rework", 0.25);
  assert_member (body, "rates", "dispatch_accuracy", 0.75);
  assert_member (body, "mean_s", "accept", 165);
  assert_member (body, "mean_s", "dispatch", 500);
  assert_member (body, "mean_s", "close", 6500);
  assert_member (body, "targets", "dispatch_accuracy", 0.98);
  assert_member (body, "targets", "closure", 0.95);
  g_assert_cmpstr (json_object_get_string_member (body, "from"), ==, "2023-11-14T22:13:20.000Z");

  /* One district: A, B and E; F is open in it. */
  body = kpis (hub, scoped, &holder);
  assert_counts (body, "reported=3 accepted=3 in_progress=2 overdue=1 closed=2 due=3 "
                       "closed_on_time=1 handled=2 handled_on_time=1 rework=1 dispatched=4 "
                       "returned=1");
  assert_member (body, "rates", "closure", 2.0 / 3);

  /* Up to now: everything that happened counts, G joins the cohort. */
  body = kpis (hub, since, &holder);
  assert_counts (body, "reported=6 accepted=4 in_progress=3 overdue=2 closed=3 due=5 "
                       "closed_on_time=2 handled=3 handled_on_time=2 rework=1 dispatched=5 "
                       "returned=2");
  assert_member (body, "mean_s", "close", (4000 + 9000 + 81600) / 3.0);

  /* An empty window: every rate and mean is null. */
  body = kpis (hub, "from=0&to=1000", &holder);
  g_assert_true (json_object_get_null_member (json_object_get_object_member (body, "rates"),
                                              "closure"));
  g_assert_true (json_object_get_null_member (json_object_get_object_member (body, "mean_s"),
                                              "accept"));
}

static void
test_hand_computed (void)
{
  Hub *hub = hub_start (NULL);
  g_autofree char *rows = history ();
  g_autoptr(JsonNode) holder = NULL;

  sql (hub, rows);
  check_day (hub);
  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/kpis?from=yesterday", "view-token", NULL, NULL,
                              &holder, NULL), ==, 400);
  /* Durable: the same after a restart and after kill -9. */
  hub_restart (hub);
  check_day (hub);
  hub_kill9 (hub);
  hub_respawn (hub);
  check_day (hub);
  hub_stop (hub);
}

static guint key_counter;

static JsonObject *
send (Hub        *hub,
      guint       status,
      const char *body,
      JsonNode  **holder)
{
  g_autofree char *key = g_strdup_printf ("kpi-%u", ++key_counter);

  g_clear_pointer (holder, json_node_unref);
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", key, body, holder,
                              NULL), ==, status);
  return json_object_get_object_member (json_node_get_object (*holder), "incident");
}

static void
move_to (Hub        *hub,
         const char *to,
         const char *extra)
{
  g_autofree char *body = g_strdup_printf ("{\"command\":\"transition\",\"incident\":"
                                           "\"INC-000001\",\"to\":\"%s\"%s}", to, extra);
  g_autoptr(JsonNode) holder = NULL;

  send (hub, 200, body, &holder);
}

/* The columns are kept by the commands themselves: counts that do not depend on timing. */
static void
test_from_commands (void)
{
  Hub *hub = hub_start (NULL);
  static const char create[] = "{\"command\":\"create\",\"category\":\"社会安全\","
                               "\"severity\":2,\"location\":[110.79,32.65]}";
  static const char dispatch[] = "{\"command\":\"dispatch\",\"incident\":\"INC-000001\","
                                 "\"units\":[\"police-1\"]}";
  static const char expected[] = "reported=2 accepted=1 in_progress=0 overdue=0 closed=1 due=1 "
                                 "closed_on_time=1 handled=1 handled_on_time=1 rework=1 "
                                 "dispatched=2 returned=1";
  g_autoptr(JsonNode) holder = NULL;
  JsonObject *body;

  hub_ingest_points (hub, "resources", "police", 1, 1, 0);
  send (hub, 201, create, &holder);
  send (hub, 201, create, &holder);
  send (hub, 200, "{\"command\":\"cancel\",\"incident\":\"INC-000002\",\"reason\":\"dup\"}",
        &holder);
  move_to (hub, "accepted", "");
  send (hub, 200, dispatch, &holder);
  move_to (hub, "returned", ",\"reason\":\"wrong district\"");
  send (hub, 200, dispatch, &holder);
  move_to (hub, "handling", "");
  move_to (hub, "verified", "");
  move_to (hub, "handling", "");
  move_to (hub, "verified", "");
  move_to (hub, "closed", "");
  body = kpis (hub, "", &holder);
  assert_counts (body, expected);
  assert_member (body, "rates", "dispatch_accuracy", 0.5);
  assert_member (body, "rates", "closure", 1.0);
  assert_member (body, "rates", "rework", 1.0);
  hub_restart (hub);
  assert_counts (kpis (hub, "", &holder), expected);
  hub_stop (hub);
}

static guint
live_incidents (Hub *hub)
{
  g_autoptr(JsonNode) snapshot = NULL;

  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/snapshot/incidents", "view-token", NULL, NULL,
                              &snapshot, NULL), ==, 200);
  return json_array_get_length (json_object_get_array_member (json_node_get_object (snapshot),
                                                              "entities"));
}

static gboolean
one_left (gpointer user_data)
{
  return live_incidents (user_data) == 1;
}

static void
assert_found_in_database (Hub *hub)
{
  g_autoptr(JsonNode) answer = NULL;

  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/incidents/INC-000002", "view-token", NULL, NULL,
                              &answer, NULL), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_node_get_object (answer), "incident"), "status"), ==, "cancelled");
}

/* Final incidents leave the live layer after incident-live-hours (at start, and by the
 * periodic check) but stay readable; open ones stay whatever their age. */
static void
test_live_retention (void)
{
  Hub *hub = hub_start ("[limits]\nincident-live-hours=1\noverdue-check-ms=50\n");
  static const char create[] = "{\"command\":\"create\",\"category\":\"社会安全\","
                               "\"severity\":2,\"location\":[110.79,32.65]}";
  static const char old[] = "'2020-01-01T00:00:00.000Z'";
  g_autoptr(JsonNode) holder = NULL;
  g_autofree char *stale = NULL;

  send (hub, 201, create, &holder);
  send (hub, 201, create, &holder);
  send (hub, 200, "{\"command\":\"cancel\",\"incident\":\"INC-000002\",\"reason\":\"dup\"}",
        &holder);
  g_assert_cmpuint (live_incidents (hub), ==, 2);
  hub_kill9 (hub);
  /* Both are years old; only the open one is loaded. */
  stale = g_strdup_printf ("UPDATE incidents SET updated_at = %s, body = json_set(body, "
                           "'$.updated_at', %s);", old, old);
  sql (hub, stale);
  hub_respawn (hub);
  g_assert_cmpuint (live_incidents (hub), ==, 1);
  assert_found_in_database (hub);
  hub_kill9 (hub);
  /* Loaded as recent (the column), then found old by the periodic check (the body). */
  sql (hub, "UPDATE incidents SET updated_at = '2999-01-01T00:00:00.000Z';");
  hub_respawn (hub);
  wait_until (NULL, one_left, hub, "the old cancelled incident to leave the live layer");
  assert_found_in_database (hub);
  hub_stop (hub);
}

static const char schema_1[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE incidents (id TEXT PRIMARY KEY, status TEXT NOT NULL, body TEXT NOT NULL,"
  "  updated_at TEXT NOT NULL);"
  "CREATE TABLE commands (key TEXT PRIMARY KEY, request_hash TEXT NOT NULL, actor TEXT,"
  "  status INTEGER NOT NULL, response TEXT NOT NULL, at TEXT NOT NULL);"
  "CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT,"
  "  role TEXT, action TEXT NOT NULL, target TEXT, outcome TEXT NOT NULL, status INTEGER,"
  "  reason TEXT, request TEXT, before TEXT, after TEXT);"
  "INSERT INTO meta VALUES ('schema', '1'), ('next_incident', '2');"
  "INSERT INTO incidents VALUES ('INC-000001', 'closed', '{\"id\":\"INC-000001\","
  "  \"status\":\"closed\",\"category\":\"市政设施\",\"severity\":2,\"location\":[110.79,32.65],"
  "  \"grid\":{\"code\":\"420300-420302-001-0001\"},\"reported_at\":\"2023-11-14T22:13:20.000Z\","
  "  \"units\":[],\"notes\":[],\"version\":4,\"updated_at\":\"2023-11-14T23:00:00.000Z\"}',"
  "  '2023-11-14T23:00:00.000Z');"
  "INSERT INTO audit (at, actor, action, target, outcome, status, request, after) VALUES"
  " ('2023-11-14T22:13:20.000Z', 'd', 'create', 'INC-000001', 'accepted', 201, '{}',"
  "  '{\"status\":\"reported\"}'),"
  " ('2023-11-14T22:14:20.000Z', 'd', 'transition', 'INC-000001', 'accepted', 200, '{}',"
  "  '{\"status\":\"accepted\"}'),"
  " ('2023-11-14T22:18:20.000Z', 'd', 'dispatch', 'INC-000001', 'accepted', 200, '{}',"
  "  '{\"status\":\"dispatched\"}'),"
  " ('2023-11-14T23:00:00.000Z', 'd', 'transition', 'INC-000001', 'accepted', 200, '{}',"
  "  '{\"status\":\"closed\"}');";

/* A database from before issue 8 keeps working: upgraded in place, its history counted. */
static void
test_schema_upgrade (void)
{
  Hub *hub = hub_start (NULL);
  g_autofree char *path = hub_db_path (hub);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(JsonNode) holder = NULL;
  g_autofree char *day = g_strdup_printf ("from=%" G_GINT64_FORMAT "&to=%" G_GINT64_FORMAT, T0,
                                          T0 + DAY);
  JsonObject *body;

  hub_kill9 (hub);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  sql (hub, schema_1);
  pano_test_hub_expect_log (hub, "upgraded to schema 2");
  hub_respawn (hub);
  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/incidents/INC-000001", "view-token", NULL, NULL,
                              &holder, NULL), ==, 200);
  body = kpis (hub, day, &holder);
  assert_counts (body, "reported=1 accepted=1 in_progress=0 overdue=0 closed=1 due=1 "
                       "closed_on_time=1 handled=0 handled_on_time=0 rework=0 dispatched=1 "
                       "returned=0");
  assert_member (body, "mean_s", "accept", 60);
  assert_member (body, "mean_s", "dispatch", 300);
  assert_member (body, "mean_s", "close", 2800);
  /* New numbers continue after the old ones. */
  g_assert_cmpstr (json_object_get_string_member (send (hub, 201, "{\"command\":\"create\","
                                                       "\"category\":\"社会安全\",\"severity\":2,"
                                                       "\"location\":[110.79,32.65]}", &holder),
                                                 "id"), ==, "INC-000002");
  hub_stop (hub);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub-kpis/hand-computed", test_hand_computed);
  g_test_add_func ("/hub-kpis/from-commands", test_from_commands);
  g_test_add_func ("/hub-kpis/live-retention", test_live_retention);
  g_test_add_func ("/hub-kpis/schema-upgrade", test_schema_upgrade);
  return g_test_run ();
}
