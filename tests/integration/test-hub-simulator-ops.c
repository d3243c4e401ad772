// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-test-hub"

#include "hub-fixture.h"

/* The simulator leaves work for people (issue 8 item 11): a share of its incidents waits in
 * 上报; units dispatched by an operator acknowledge, drive and report on scene as audited
 * commands; and after a restart on the same database they drive to their incidents again. */

static char *
city_path (void)
{
  char *city = g_build_filename (PANO_SOURCE_DATADIR, "shiyan.gpkg", NULL);

  /* data/shiyan.gpkg is committed: without it the checkout is broken, not the test moot. */
  g_assert_true (g_file_test (city, G_FILE_TEST_EXISTS));
  return city;
}

static JsonArray *
entities (Hub        *hub,
          const char *layer,
          JsonNode  **holder)
{
  g_autofree char *path = g_strdup_printf ("/v1/snapshot/%s", layer);

  g_clear_pointer (holder, json_node_unref);
  g_assert_cmpuint (hub_rest (hub, "GET", path, "view-token", NULL, NULL, holder, NULL), ==, 200);
  return json_object_get_array_member (json_node_get_object (*holder), "entities");
}

static gboolean
ten_incidents (gpointer user_data)
{
  g_autoptr(JsonNode) holder = NULL;

  return json_array_get_length (entities (user_data, "incidents", &holder)) >= 10;
}

/* With manual-share 1 every event waits for an operator: by the tenth, the first has waited
 * far longer than the simulator ever lets one of its own wait (480 simulated seconds). */
static void
test_manual_share (void)
{
  g_autofree char *city = city_path ();
  const char * const args[] = { "--simulate", city, "--speed", "600", "--manual-share", "1",
                                NULL };
  Hub *hub = hub_start_args (NULL, args);
  g_autoptr(JsonNode) holder = NULL;
  JsonArray *list;

  wait_until (NULL, ten_incidents, hub, "ten simulated incidents");
  list = entities (hub, "incidents", &holder);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *properties = json_object_get_object_member (
        json_array_get_object_element (list, i), "properties");

      g_assert_cmpstr (json_object_get_string_member (properties, "status"), ==, "reported");
      g_assert_cmpint (json_object_get_int_member (properties, "version"), ==, 1);
    }
  hub_stop (hub);
}

/* The first police unit of the resources layer. Returns: (transfer full) */
static char *
some_police_unit (Hub *hub)
{
  g_autoptr(JsonNode) holder = NULL;
  JsonArray *list = entities (hub, "resources", &holder);

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *entity = json_array_get_object_element (list, i);
      JsonObject *properties = json_object_get_object_member (entity, "properties");

      if (g_strcmp0 (json_object_get_string_member_with_default (properties, "kind", ""),
                     "police") == 0)
        return g_strdup (json_object_get_string_member (entity, "id"));
    }
  g_assert_not_reached ();
}

static void
send (Hub        *hub,
      const char *key,
      guint       status,
      const char *body)
{
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", key, body, NULL, NULL),
                    ==, status);
}

typedef struct
{
  Hub *hub;
  const char *unit;
} Watch;

static gboolean
on_scene_reported (gpointer user_data)
{
  Watch *watch = user_data;
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *assigned;

  g_assert_cmpuint (hub_rest (watch->hub, "GET", "/v1/incidents/INC-000001", "view-token", NULL,
                              NULL, &answer, NULL), ==, 200);
  assigned = json_array_get_object_element (json_object_get_array_member (
    json_object_get_object_member (json_node_get_object (answer), "incident"), "units"), 0);
  return json_object_has_member (assigned, "on_scene_at");
}

/* The unit drives to INC-000001 (or is there): its resources entity says so. */
static gboolean
unit_on_its_way (gpointer user_data)
{
  Watch *watch = user_data;
  g_autoptr(JsonNode) holder = NULL;
  JsonArray *list = entities (watch->hub, "resources", &holder);

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *entity = json_array_get_object_element (list, i);
      JsonObject *properties = json_object_get_object_member (entity, "properties");
      const char *status = json_object_get_string_member (properties, "status");

      if (g_str_equal (json_object_get_string_member (entity, "id"), watch->unit))
        return (g_str_equal (status, "en_route") || g_str_equal (status, "on_scene")) &&
               g_strcmp0 (json_object_get_string_member (properties, "incident"),
                          "INC-000001") == 0;
    }
  return FALSE;
}

static void
dispatch_one (Hub        *hub,
              const char *unit)
{
  g_autofree char *dispatch = g_strdup_printf ("{\"command\":\"dispatch\",\"incident\":"
                                               "\"INC-000001\",\"units\":[\"%s\"]}", unit);

  send (hub, "c", 201, "{\"command\":\"create\",\"category\":\"社会安全\",\"severity\":3,"
                       "\"location\":[110.7985,32.6292]}");
  send (hub, "a", 200, "{\"command\":\"transition\",\"incident\":\"INC-000001\","
                       "\"to\":\"accepted\"}");
  send (hub, "d", 200, dispatch);
}

/* An operator's dispatch: the unit acknowledges, drives and reports on scene, each step an
 * audited command by `simulator` in the incident's timeline. */
static void
test_operator_dispatch (void)
{
  g_autofree char *city = city_path ();
  const char * const args[] = { "--simulate", city, "--speed", "600", "--manual-share", "1",
                                NULL };
  Hub *hub = hub_start_args (NULL, args);
  g_autofree char *unit = some_police_unit (hub);
  Watch watch = { hub, unit };
  g_autoptr(JsonNode) t = NULL;
  JsonArray *entries;
  guint acknowledged = 0, arrived = 0;

  dispatch_one (hub, unit);
  wait_until (NULL, on_scene_reported, &watch, "the unit to report on scene");
  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/incidents/INC-000001/timeline", "view-token",
                              NULL, NULL, &t, NULL), ==, 200);
  entries = json_object_get_array_member (json_node_get_object (t), "entries");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);
      const char *command = json_object_get_string_member (e, "command");

      if (g_str_equal (command, "acknowledge") || g_str_equal (command, "arrive"))
        {
          g_assert_cmpstr (json_object_get_string_member (e, "actor"), ==, "simulator");
          g_assert_cmpstr (json_object_get_string_member (e, "unit"), ==, unit);
          acknowledged += g_str_equal (command, "acknowledge");
          arrived += g_str_equal (command, "arrive");
        }
    }
  g_assert_cmpuint (acknowledged, ==, 1);
  g_assert_cmpuint (arrived, ==, 1);
  hub_stop (hub);
}

/* Issue 9 item 17: after a restart on the same database, a unit assigned to an open incident
 * drives to it again instead of waiting, available, at its station. */
static void
test_restart_keeps_units_working (void)
{
  g_autofree char *city = city_path ();
  const char * const args[] = { "--simulate", city, "--speed", "5", "--manual-share", "1",
                                NULL };
  Hub *hub = hub_start_args (NULL, args);
  g_autofree char *unit = some_police_unit (hub);
  Watch watch = { hub, unit };

  dispatch_one (hub, unit);
  wait_until (NULL, unit_on_its_way, &watch, "the unit to drive");
  hub_kill9 (hub);
  hub_respawn (hub);
  wait_until (NULL, unit_on_its_way, &watch, "the unit to drive again after the restart");
  hub_stop (hub);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub-simulator-ops/manual-share", test_manual_share);
  g_test_add_func ("/hub-simulator-ops/operator-dispatch", test_operator_dispatch);
  g_test_add_func ("/hub-simulator-ops/restart-units-drive-again",
                   test_restart_keeps_units_working);
  return g_test_run ();
}
