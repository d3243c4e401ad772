// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-test-hub"

#include <glib/gstdio.h>

#include "hub-fixture.h"

/* The hub's configuration as an operator meets it: the category table it serves, and values
 * that would break it refused at start with the key named. */

static void
test_default_categories (void)
{
  Hub *hub = hub_start (NULL);
  g_autoptr(JsonNode) response = NULL;
  JsonArray *list;
  JsonObject *first, *accident;
  JsonArray *kinds;

  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/categories", "view-token", NULL, NULL,
                              &response, NULL), ==, 200);
  list = json_object_get_array_member (json_node_get_object (response), "categories");
  g_assert_cmpuint (json_array_get_length (list), ==, 9);
  first = json_array_get_object_element (list, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "name"), ==, "市政设施");
  accident = json_array_get_object_element (list, 4);
  g_assert_cmpstr (json_object_get_string_member (accident, "name"), ==, "事故灾难");
  kinds = json_object_get_array_member (accident, "unit_kinds");
  g_assert_cmpuint (json_array_get_length (kinds), ==, 4);
  g_assert_cmpstr (json_array_get_string_element (kinds, 2), ==, "ambulance");
  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/categories", NULL, NULL, NULL, NULL, NULL), ==,
                    401);
  hub_stop (hub);
}

static void
test_configured_categories (void)
{
  Hub *hub = hub_start ("[capabilities]\n燃气泄漏 = fire_engine, police\n电梯困人=rescue_team\n");
  g_autoptr(JsonNode) response = NULL;
  JsonArray *list;
  JsonObject *gas;
  JsonArray *kinds;

  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/categories", "view-token", NULL, NULL,
                              &response, NULL), ==, 200);
  list = json_object_get_array_member (json_node_get_object (response), "categories");
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  gas = json_array_get_object_element (list, 0);
  g_assert_cmpstr (json_object_get_string_member (gas, "name"), ==, "燃气泄漏");
  kinds = json_object_get_array_member (gas, "unit_kinds");
  g_assert_cmpuint (json_array_get_length (kinds), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (kinds, 1), ==, "police");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 1),
                                                  "name"), ==, "电梯困人");
  hub_stop (hub);
}

/* Runs the hub on a configuration that must be refused; returns its stderr. */
static char *
refused_start (const char *section)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pano-hub-config-XXXXXX", &error);
  g_autofree char *config = g_build_filename (dir, "hub.conf", NULL);
  g_autofree char *db = g_build_filename (dir, "hub.db", NULL);
  g_autofree char *text = g_strdup_printf ("[hub]\nlisten=127.0.0.1:0\ndatabase=%s\n%s\n"
                                           "[tokens]\nv=viewer:t\n", db, section);
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *err = NULL;

  g_assert_no_error (error);
  g_file_set_contents (config, text, -1, &error);
  g_assert_no_error (error);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, g_getenv ("PANO_HUB"), "--config", config, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), !=, 0);
  g_unlink (config);
  g_unlink (db);
  g_rmdir (dir);
  return g_steal_pointer (&err);
}

static void
test_bad_capabilities (void)
{
  g_autofree char *unknown = refused_start ("[capabilities]\n火灾=fire_engine,tank\n");
  g_autofree char *empty = refused_start ("[capabilities]\n火灾= , \n");

  g_assert_nonnull (strstr (unknown, "[capabilities] 火灾"));
  g_assert_nonnull (strstr (unknown, "'tank'"));
  g_assert_nonnull (strstr (empty, "[capabilities] 火灾 needs at least one unit kind"));
}

/* Issue 9 item 15: numbers that break the hub are refused at start, naming the key. */
static void
test_bad_numbers (void)
{
  g_autofree char *timeout = refused_start ("[stream]\nheartbeat-timeout-ms=0\n");
  g_autofree char *negative = refused_start ("[limits]\nhandling=-5\n");
  g_autofree char *words = refused_start ("[stream]\nwindow=lots\n");
  g_autofree char *hours = refused_start ("[limits]\nincident-live-hours=0\n");
  g_autofree char *share = refused_start ("[simulator]\nmanual-share=1.5\n");

  g_assert_nonnull (strstr (timeout, "[stream] heartbeat-timeout-ms = 0 is refused"));
  g_assert_nonnull (strstr (negative, "[limits] handling = -5 is refused"));
  g_assert_nonnull (strstr (words, "[stream] window = lots is refused"));
  g_assert_nonnull (strstr (hours, "[limits] incident-live-hours = 0 is refused"));
  g_assert_nonnull (strstr (share, "[simulator] manual-share (--manual-share) is refused"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub-config/categories/default", test_default_categories);
  g_test_add_func ("/hub-config/categories/configured", test_configured_categories);
  g_test_add_func ("/hub-config/capabilities/refused", test_bad_capabilities);
  g_test_add_func ("/hub-config/numbers/refused", test_bad_numbers);
  return g_test_run ();
}
