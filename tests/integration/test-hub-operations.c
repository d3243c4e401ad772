// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-test-hub"

#include <sqlite3.h>

#include "hub-fixture.h"

/* Operators running incidents against the real hub: every command of issue 8 and each of its
 * refusals, alerts acknowledged and escalated (kept over producer updates and restarts), the
 * timeline and the audit view read back from SQLite, and nothing applied when the audit line
 * cannot be written. */

static guint key_counter;

/* Sends @body as @token with a fresh key; asserts the status. Returns: (transfer full) */
static JsonNode *
send (Hub        *hub,
      const char *token,
      guint       status,
      const char *body)
{
  g_autofree char *key = g_strdup_printf ("ops-%u-%" G_GINT64_FORMAT, ++key_counter,
                                          g_get_real_time ());
  JsonNode *answer = NULL;

  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", token, key, body, &answer, NULL), ==,
                    status);
  g_assert_nonnull (answer);
  return answer;
}

static JsonObject *
incident_of (JsonNode *answer)
{
  return json_object_get_object_member (json_node_get_object (answer), "incident");
}

static const char *
error_of (JsonNode *answer)
{
  return json_object_get_string_member (json_node_get_object (answer), "error");
}

static const char *
message_of (JsonNode *answer)
{
  return json_object_get_string_member (json_node_get_object (answer), "message");
}

static char *
create_incident (Hub *hub)
{
  g_autoptr(JsonNode) answer = send (hub, "disp-token", 201,
                                     "{\"command\":\"create\",\"category\":\"事故灾难\","
                                     "\"severity\":3,\"location\":[110.79,32.65]}");

  return g_strdup (json_object_get_string_member (incident_of (answer), "id"));
}

/* Sends a command on incident @id: @fields are the members after "incident". */
static JsonNode *
on (Hub        *hub,
    const char *id,
    guint       status,
    const char *name,
    const char *fields)
{
  g_autofree char *body = g_strdup_printf ("{\"command\":\"%s\",\"incident\":\"%s\"%s%s}", name,
                                           id, fields ? "," : "", fields ? fields : "");

  return send (hub, "disp-token", status, body);
}

static JsonObject *
get_incident (Hub        *hub,
              const char *id,
              JsonNode  **holder)
{
  g_autofree char *path = g_strdup_printf ("/v1/incidents/%s", id);

  g_assert_cmpuint (hub_rest (hub, "GET", path, "view-token", NULL, NULL, holder, NULL), ==, 200);
  return incident_of (*holder);
}

static void
test_full_run (void)
{
  Hub *hub = hub_start (NULL);
  g_autofree char *id = NULL;
  g_autoptr(JsonNode) a = NULL;
  JsonObject *incident, *unit;

  hub_ingest_points (hub, "resources", "fire", 1, 2, 0);
  id = create_incident (hub);
  incident = get_incident (hub, id, &a);
  g_assert_cmpint (json_object_get_int_member (incident, "rework"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (incident,
                                                                         "extensions")), ==, 0);
  json_node_unref (on (hub, id, 200, "transition", "\"to\":\"accepted\""));
  json_node_unref (on (hub, id, 200, "dispatch", "\"units\":[\"fire-1\"]"));
  json_node_unref (on (hub, id, 200, "acknowledge", "\"unit\":\"fire-1\""));
  g_clear_pointer (&a, json_node_unref);
  a = on (hub, id, 200, "arrive", "\"unit\":\"fire-1\"");
  unit = json_array_get_object_element (json_object_get_array_member (incident_of (a), "units"),
                                        0);
  g_assert_nonnull (json_object_get_string_member (unit, "acknowledged_at"));
  g_assert_nonnull (json_object_get_string_member (unit, "on_scene_at"));
  json_node_unref (on (hub, id, 200, "transition", "\"to\":\"handling\""));
  json_node_unref (on (hub, id, 200, "transition", "\"to\":\"verified\""));
  /* Verification failed: back to handling, counted as rework with its reason. */
  g_clear_pointer (&a, json_node_unref);
  a = on (hub, id, 200, "transition", "\"to\":\"handling\",\"reason\":\"井盖未固定\"");
  g_assert_cmpint (json_object_get_int_member (incident_of (a), "rework"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (incident_of (a), "rework_reason"), ==,
                   "井盖未固定");
  json_node_unref (on (hub, id, 200, "transition", "\"to\":\"verified\""));
  g_clear_pointer (&a, json_node_unref);
  a = on (hub, id, 200, "transition", "\"to\":\"closed\"");
  g_assert_cmpstr (json_object_get_string_member (incident_of (a), "status"), ==, "closed");
  g_assert_cmpint (json_object_get_int_member (incident_of (a), "version"), ==, 10);
  hub_stop (hub);
}

static void
test_return_and_extend (void)
{
  Hub *hub = hub_start (NULL);
  g_autofree char *id = NULL;
  g_autoptr(GDateTime) before = NULL;
  g_autoptr(GDateTime) after = NULL;
  g_autoptr(JsonNode) a = NULL;
  JsonObject *extension;

  hub_ingest_points (hub, "resources", "fire", 1, 1, 0);
  id = create_incident (hub);
  json_node_unref (on (hub, id, 200, "transition", "\"to\":\"accepted\""));
  json_node_unref (on (hub, id, 200, "dispatch", "\"units\":[\"fire-1\"]"));
  a = on (hub, id, 400, "transition", "\"to\":\"returned\"");
  g_assert_cmpstr (error_of (a), ==, "bad_request");
  g_assert_nonnull (strstr (message_of (a), "'reason'"));
  g_clear_pointer (&a, json_node_unref);
  a = on (hub, id, 200, "transition", "\"to\":\"returned\",\"reason\":\"not ours\"");
  g_assert_cmpstr (json_object_get_string_member (incident_of (a), "return_reason"), ==,
                   "not ours");
  before = g_date_time_new_from_iso8601 (json_object_get_string_member (incident_of (a),
                                                                        "deadline"), NULL);
  g_clear_pointer (&a, json_node_unref);
  a = on (hub, id, 200, "extend", "\"seconds\":3600,\"reason\":\"等待配件\"");
  after = g_date_time_new_from_iso8601 (json_object_get_string_member (incident_of (a),
                                                                       "deadline"), NULL);
  g_assert_cmpint (g_date_time_difference (after, before), ==, (gint64) 3600 * G_USEC_PER_SEC);
  extension = json_array_get_object_element (json_object_get_array_member (incident_of (a),
                                                                           "extensions"), 0);
  g_assert_cmpstr (json_object_get_string_member (extension, "by"), ==, "dispatcher1");
  g_assert_cmpstr (json_object_get_string_member (extension, "stage"), ==, "returned");
  g_assert_cmpint (json_object_get_int_member (extension, "seconds"), ==, 3600);
  g_assert_cmpstr (json_object_get_string_member (extension, "reason"), ==, "等待配件");
  g_clear_pointer (&a, json_node_unref);
  a = on (hub, id, 400, "extend", "\"seconds\":30,\"reason\":\"x\"");
  g_assert_nonnull (strstr (message_of (a), "60 to 604800"));
  json_node_unref (on (hub, id, 400, "extend", "\"seconds\":600,\"reason\":\"\""));
  json_node_unref (on (hub, id, 200, "cancel", "\"reason\":\"duplicate\""));
  g_clear_pointer (&a, json_node_unref);
  a = on (hub, id, 409, "extend", "\"seconds\":600,\"reason\":\"late\"");
  g_assert_cmpstr (error_of (a), ==, "illegal_transition");
  hub_stop (hub);
}

static void
test_refusals (void)
{
  Hub *hub = hub_start (NULL);
  g_autofree char *id = NULL;
  g_autoptr(JsonNode) a = NULL;

  a = send (hub, "disp-token", 400, "{\"command\":\"create\",\"category\":\"天气\","
                                    "\"severity\":2,\"location\":[110.79,32.65]}");
  g_assert_cmpstr (error_of (a), ==, "unknown_category");
  g_assert_nonnull (strstr (message_of (a), "'天气'"));
  g_assert_nonnull (strstr (message_of (a), "市政设施, 环境卫生"));
  id = create_incident (hub);
  g_clear_pointer (&a, json_node_unref);
  a = on (hub, "INC-999999", 404, "note", "\"text\":\"x\"");
  g_assert_cmpstr (error_of (a), ==, "unknown_incident");
  g_clear_pointer (&a, json_node_unref);
  a = on (hub, id, 409, "transition", "\"to\":\"closed\"");
  g_assert_cmpstr (error_of (a), ==, "illegal_transition");
  g_assert_cmpstr (json_object_get_string_member (incident_of (a), "status"), ==, "reported");
  g_clear_pointer (&a, json_node_unref);
  a = on (hub, id, 400, "cancel", "\"reason\":\"\"");
  g_assert_cmpstr (error_of (a), ==, "bad_request");
  g_clear_pointer (&a, json_node_unref);
  a = on (hub, id, 422, "arrive", "\"unit\":\"fire-1\"");
  g_assert_cmpstr (error_of (a), ==, "unit_not_assigned");
  g_clear_pointer (&a, json_node_unref);
  a = send (hub, "view-token", 403, "{\"command\":\"note\",\"incident\":\"INC-000001\","
                                    "\"text\":\"x\"}");
  g_assert_cmpstr (error_of (a), ==, "forbidden");
  g_clear_pointer (&a, json_node_unref);
  a = on (hub, id, 400, "note", "\"text\":\"x\",\"version\":\"1\"");
  g_assert_cmpstr (error_of (a), ==, "bad_request");
  hub_stop (hub);
}

/* Two desks act on the same version: the later one is refused with the current state, and the
 * refusal is the answer kept under its key. */
static void
test_version_conflict (void)
{
  Hub *hub = hub_start (NULL);
  g_autofree char *id = create_incident (hub);
  g_autofree char *stale = g_strdup_printf ("{\"command\":\"transition\",\"incident\":\"%s\","
                                            "\"to\":\"cancelled\",\"reason\":\"dup\","
                                            "\"version\":1}", id);
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) again = NULL;
  gboolean replayed = FALSE;

  json_node_unref (on (hub, id, 200, "transition", "\"to\":\"accepted\",\"version\":1"));
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "admin-token", "stale-1", stale, &a,
                              NULL), ==, 409);
  g_assert_cmpstr (error_of (a), ==, "version_conflict");
  g_assert_nonnull (strstr (message_of (a), "version 2"));
  g_assert_nonnull (strstr (message_of (a), "dispatcher1"));
  g_assert_cmpstr (json_object_get_string_member (incident_of (a), "status"), ==, "accepted");
  g_assert_cmpint (json_object_get_int_member (incident_of (a), "version"), ==, 2);
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "admin-token", "stale-1", stale,
                              &again, &replayed), ==, 409);
  g_assert_true (replayed);
  hub_stop (hub);
}

static const char alert_feature[] =
  "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"id\":\"alert-env-1-1\","
  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[110.79,32.65]},\"properties\":"
  "{\"kind\":\"env_exceedance\",\"level\":%d,\"status\":\"active\"}}]}";

static void
ingest_alert (Hub *hub,
              int  level)
{
  g_autofree char *body = g_strdup_printf (alert_feature, level);

  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/ingest/alerts", "admin-token", NULL, body, NULL,
                              NULL), ==, 200);
}

/* Returns: (transfer full): the alert's properties as the snapshot serves them */
static JsonObject *
alert_now (Hub *hub)
{
  g_autoptr(JsonNode) snapshot = NULL;
  JsonArray *entities;

  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/snapshot/alerts", "view-token", NULL, NULL,
                              &snapshot, NULL), ==, 200);
  entities = json_object_get_array_member (json_node_get_object (snapshot), "entities");
  g_assert_cmpuint (json_array_get_length (entities), ==, 1);
  return json_object_ref (json_object_get_object_member (
                            json_array_get_object_element (entities, 0), "properties"));
}

static void
assert_marks_kept (Hub        *hub,
                   int         level,
                   const char *incident)
{
  g_autoptr(JsonObject) properties = alert_now (hub);

  g_assert_cmpint (json_object_get_int_member (properties, "level"), ==, level);
  g_assert_cmpstr (json_object_get_string_member (properties, "acknowledged_by"), ==,
                   "dispatcher1");
  g_assert_nonnull (json_object_get_string_member (properties, "acknowledged_at"));
  g_assert_cmpstr (json_object_get_string_member (properties, "incident"), ==, incident);
}

static void
test_alerts (void)
{
  Hub *hub = hub_start (NULL);
  g_autoptr(JsonNode) a = NULL;
  g_autofree char *id = NULL;
  JsonObject *properties;

  ingest_alert (hub, 3);
  a = send (hub, "disp-token", 404, "{\"command\":\"acknowledge_alert\",\"alert\":\"alert-x\"}");
  g_assert_cmpstr (error_of (a), ==, "unknown_alert");
  g_clear_pointer (&a, json_node_unref);
  a = send (hub, "disp-token", 200, "{\"command\":\"acknowledge_alert\","
                                    "\"alert\":\"alert-env-1-1\",\"note\":\"seen\"}");
  properties = json_object_get_object_member (json_object_get_object_member (
                                                json_node_get_object (a), "alert"), "properties");
  g_assert_cmpstr (json_object_get_string_member (properties, "acknowledged_by"), ==,
                   "dispatcher1");
  g_clear_pointer (&a, json_node_unref);
  a = send (hub, "admin-token", 409, "{\"command\":\"acknowledge_alert\","
                                     "\"alert\":\"alert-env-1-1\"}");
  g_assert_cmpstr (error_of (a), ==, "already_acknowledged");
  g_assert_nonnull (strstr (message_of (a), "by dispatcher1 at 20"));
  /* Escalate it: the incident names the alert, the alert the incident. */
  g_clear_pointer (&a, json_node_unref);
  a = send (hub, "disp-token", 201, "{\"command\":\"create\",\"category\":\"公共卫生\","
                                    "\"severity\":2,\"location\":[110.79,32.65],"
                                    "\"alert\":\"alert-env-1-1\"}");
  id = g_strdup (json_object_get_string_member (incident_of (a), "id"));
  g_assert_cmpstr (json_object_get_string_member (incident_of (a), "alert"), ==,
                   "alert-env-1-1");
  assert_marks_kept (hub, 3, id);
  /* The producer updates the alert without those members: they stay. */
  ingest_alert (hub, 4);
  assert_marks_kept (hub, 4, id);
  /* And across a restart, once the producer sends the alert again. */
  hub_restart (hub);
  ingest_alert (hub, 2);
  assert_marks_kept (hub, 2, id);
  g_clear_pointer (&a, json_node_unref);
  a = send (hub, "disp-token", 404, "{\"command\":\"create\",\"category\":\"公共卫生\","
                                    "\"severity\":2,\"location\":[110.79,32.65],"
                                    "\"alert\":\"alert-none\"}");
  g_assert_cmpstr (error_of (a), ==, "unknown_alert");
  hub_stop (hub);
}

static JsonArray *
timeline (Hub        *hub,
          const char *id,
          JsonNode  **holder)
{
  g_autofree char *path = g_strdup_printf ("/v1/incidents/%s/timeline", id);

  g_assert_cmpuint (hub_rest (hub, "GET", path, "view-token", NULL, NULL, holder, NULL), ==, 200);
  return json_object_get_array_member (json_node_get_object (*holder), "entries");
}

/* Every accepted command, oldest first, with its actor and before → after; refusals are not
 * steps. "before" is the state before (issue 9 item 1: it used to equal "after"). */
static void
test_timeline (void)
{
  Hub *hub = hub_start (NULL);
  g_autofree char *id = NULL;
  g_autoptr(JsonNode) t = NULL;
  JsonArray *entries;
  JsonObject *e;

  hub_ingest_points (hub, "resources", "police", 1, 2, 0);
  id = create_incident (hub);
  json_node_unref (send (hub, "admin-token", 200, "{\"command\":\"transition\","
                                                  "\"incident\":\"INC-000001\","
                                                  "\"to\":\"accepted\"}"));
  json_node_unref (on (hub, id, 409, "transition", "\"to\":\"closed\""));
  json_node_unref (on (hub, id, 200, "dispatch", "\"units\":[\"police-1\",\"police-2\"]"));
  json_node_unref (on (hub, id, 200, "note", "\"text\":\"路面湿滑\""));
  json_node_unref (on (hub, id, 200, "extend", "\"seconds\":600,\"reason\":\"堵车\""));
  json_node_unref (on (hub, id, 200, "acknowledge", "\"unit\":\"police-2\""));
  entries = timeline (hub, id, &t);
  g_assert_cmpuint (json_array_get_length (entries), ==, 6);
  e = json_array_get_object_element (entries, 0);
  g_assert_cmpstr (json_object_get_string_member (e, "command"), ==, "create");
  g_assert_cmpstr (json_object_get_string_member (e, "actor"), ==, "dispatcher1");
  g_assert_false (json_object_has_member (e, "status_before"));
  g_assert_cmpstr (json_object_get_string_member (e, "status_after"), ==, "reported");
  e = json_array_get_object_element (entries, 1);
  g_assert_cmpstr (json_object_get_string_member (e, "actor"), ==, "admin1");
  g_assert_cmpstr (json_object_get_string_member (e, "role"), ==, "admin");
  g_assert_cmpstr (json_object_get_string_member (e, "status_before"), ==, "reported");
  g_assert_cmpstr (json_object_get_string_member (e, "status_after"), ==, "accepted");
  g_assert_cmpint (json_object_get_int_member (e, "version"), ==, 2);
  e = json_array_get_object_element (entries, 2);
  g_assert_cmpstr (json_object_get_string_member (e, "status_before"), ==, "accepted");
  g_assert_cmpstr (json_object_get_string_member (e, "status_after"), ==, "dispatched");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (e, "units")), ==, 2);
  e = json_array_get_object_element (entries, 3);
  g_assert_cmpstr (json_object_get_string_member (e, "text"), ==, "路面湿滑");
  e = json_array_get_object_element (entries, 4);
  g_assert_cmpint (json_object_get_int_member (e, "seconds"), ==, 600);
  g_assert_cmpstr (json_object_get_string_member (e, "reason"), ==, "堵车");
  e = json_array_get_object_element (entries, 5);
  g_assert_cmpstr (json_object_get_string_member (e, "unit"), ==, "police-2");
  g_clear_pointer (&t, json_node_unref);
  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/incidents/INC-404/timeline", "view-token", NULL,
                              NULL, &t, NULL), ==, 404);
  hub_stop (hub);
}

static void
test_audit_view (void)
{
  Hub *hub = hub_start (NULL);
  g_autofree char *id = create_incident (hub);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(JsonNode) page = NULL;
  g_autofree char *path = g_strdup ("/v1/audit?limit=2");
  gint64 last = G_MAXINT64;
  guint pages = 0;

  for (guint i = 0; i < 4; i++)
    json_node_unref (on (hub, id, 200, "note", "\"text\":\"n\""));
  json_node_unref (on (hub, id, 409, "transition", "\"to\":\"closed\""));
  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/audit", "disp-token", NULL, NULL, NULL, NULL),
                    ==, 403);
  /* Walk the pages: newest first, no entry twice, every entry once. */
  while (path != NULL)
    {
      JsonObject *body;
      JsonArray *entries;

      g_clear_pointer (&page, json_node_unref);
      g_assert_cmpuint (hub_rest (hub, "GET", path, "admin-token", NULL, NULL, &page, NULL), ==,
                        200);
      body = json_node_get_object (page);
      entries = json_object_get_array_member (body, "entries");
      for (guint i = 0; i < json_array_get_length (entries); i++)
        {
          JsonObject *e = json_array_get_object_element (entries, i);
          gint64 *entry_id = g_new (gint64, 1);

          *entry_id = json_object_get_int_member (e, "id");
          g_assert_cmpint (*entry_id, <, last);
          last = *entry_id;
          g_assert_false (g_hash_table_contains (seen, entry_id));
          g_hash_table_add (seen, entry_id);
        }
      g_clear_pointer (&path, g_free);
      if (!json_object_get_null_member (body, "next_before"))
        path = g_strdup_printf ("/v1/audit?limit=2&before=%" G_GINT64_FORMAT,
                                json_object_get_int_member (body, "next_before"));
      pages++;
    }
  /* create, 4 notes, the refused transition, the refused GET: 7 lines. */
  g_assert_cmpuint (g_hash_table_size (seen), ==, 7);
  g_assert_cmpuint (pages, ==, 4);
  g_clear_pointer (&page, json_node_unref);
  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/audit?incident=INC-000001&actor=dispatcher1",
                              "admin-token", NULL, NULL, &page, NULL), ==, 200);
  {
    JsonArray *entries = json_object_get_array_member (json_node_get_object (page), "entries");
    JsonObject *newest = json_array_get_object_element (entries, 0);

    g_assert_cmpuint (json_array_get_length (entries), ==, 6);
    g_assert_cmpstr (json_object_get_string_member (newest, "outcome"), ==, "refused");
    g_assert_cmpint (json_object_get_int_member (newest, "status"), ==, 409);
    g_assert_cmpstr (json_object_get_string_member (newest, "action"), ==, "transition");
  }
  hub_stop (hub);
}

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

/* 操作留痕: a command whose audit line cannot be written is not performed, and the live
 * incident is left exactly as it was (issue 9 items 1 and 15). */
static void
test_audit_failure (void)
{
  Hub *hub = hub_start (NULL);
  g_autofree char *id = create_incident (hub);
  g_autofree char *body = g_strdup_printf ("{\"command\":\"transition\",\"incident\":\"%s\","
                                           "\"to\":\"accepted\"}", id);
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) now = NULL;
  JsonObject *incident;

  pano_test_hub_expect_log (hub, "audit disk full");
  sql (hub, "CREATE TRIGGER audit_full BEFORE INSERT ON audit BEGIN "
            "SELECT RAISE(ABORT, 'audit disk full'); END;");
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", "af-1", body, &a, NULL),
                    ==, 500);
  g_assert_cmpstr (error_of (a), ==, "storage");
  g_assert_nonnull (strstr (message_of (a), "audit disk full"));
  incident = get_incident (hub, id, &now);
  g_assert_cmpstr (json_object_get_string_member (incident, "status"), ==, "reported");
  g_assert_cmpint (json_object_get_int_member (incident, "version"), ==, 1);
  /* Once the trail can be written again, the same key applies the command (once). */
  sql (hub, "DROP TRIGGER audit_full;");
  g_clear_pointer (&a, json_node_unref);
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", "af-1", body, &a, NULL),
                    ==, 200);
  g_assert_cmpint (json_object_get_int_member (incident_of (a), "version"), ==, 2);
  hub_stop (hub);
}

/* A statement that cannot be prepared is an error naming the database and the cause. */
static void
test_prepare_failure (void)
{
  Hub *hub = hub_start (NULL);
  g_autofree char *path = hub_db_path (hub);
  g_autoptr(JsonNode) a = NULL;

  pano_test_hub_expect_log (hub, "no such table: commands");
  sql (hub, "ALTER TABLE commands RENAME TO commands_gone;");
  a = send (hub, "disp-token", 500, "{\"command\":\"create\",\"category\":\"事故灾难\","
                                    "\"severity\":3,\"location\":[110.79,32.65]}");
  g_assert_cmpstr (error_of (a), ==, "storage");
  g_assert_nonnull (strstr (message_of (a), path));
  g_assert_nonnull (strstr (message_of (a), "no such table: commands"));
  hub_stop (hub);
}

/* kill -9 right after the answer: after the restart the same key is a replay, and the
 * incident moved exactly once. */
static void
test_exactly_once (void)
{
  Hub *hub = hub_start (NULL);
  g_autofree char *id = create_incident (hub);
  g_autofree char *body = g_strdup_printf ("{\"command\":\"transition\",\"incident\":\"%s\","
                                           "\"to\":\"accepted\",\"version\":1}", id);
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  g_autoptr(JsonNode) t = NULL;
  gboolean replayed = FALSE;

  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", "k9", body, &a, NULL),
                    ==, 200);
  hub_kill9 (hub);
  hub_respawn (hub);
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", "k9", body, &b,
                              &replayed), ==, 200);
  g_assert_true (replayed);
  g_assert_cmpint (json_object_get_int_member (incident_of (b), "version"), ==, 2);
  g_assert_cmpuint (json_array_get_length (timeline (hub, id, &t)), ==, 2);
  hub_stop (hub);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub-ops/commands/full-run", test_full_run);
  g_test_add_func ("/hub-ops/commands/return-and-extend", test_return_and_extend);
  g_test_add_func ("/hub-ops/commands/refusals", test_refusals);
  g_test_add_func ("/hub-ops/commands/version-conflict", test_version_conflict);
  g_test_add_func ("/hub-ops/commands/exactly-once-kill9", test_exactly_once);
  g_test_add_func ("/hub-ops/alerts/acknowledge-escalate-kept", test_alerts);
  g_test_add_func ("/hub-ops/timeline", test_timeline);
  g_test_add_func ("/hub-ops/audit/view", test_audit_view);
  g_test_add_func ("/hub-ops/audit/failure-applies-nothing", test_audit_failure);
  g_test_add_func ("/hub-ops/storage/prepare-failure-named", test_prepare_failure);
  return g_test_run ();
}
