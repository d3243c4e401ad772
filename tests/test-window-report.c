// SPDX-License-Identifier: GPL-3.0-or-later
/* The window's "Situation Report…" on a real hub: the PDF it saves has the title, the KPIs and
 * the open incident the window's hub holds, and the map page is drawn. */
#include "pano-test-hub.h"
#include "pano-test-util.h"
#include "pano-window.h"

#include <adwaita.h>
#include <string.h>

static char *tmpdir;

static gboolean
is_live (gpointer data)
{
  return g_str_has_prefix (pano_window_get_feed_status (data), "● Live") &&
         pano_window_get_n_loading (data) == 0;
}

typedef struct
{
  gboolean done;
  gboolean saved;
  GError *error;
} Saving;

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Saving *saving = user_data;

  saving->saved = pano_window_save_report_finish (PANO_WINDOW (source), result, &saving->error);
  saving->done = TRUE;
}

static gboolean
is_done (gpointer data)
{
  return ((Saving *) data)->done;
}

static char *
create_incident (PanoTestHub *hub)
{
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr(JsonNode) answer = NULL;
  guint status = pano_test_hub_rest (hub, "POST", "/v1/commands", "dispatch", key,
                                     "{\"command\":\"create\",\"category\":\"环境卫生\","
                                     "\"severity\":2,\"location\":[110.79,32.65],"
                                     "\"title\":\"垃圾堆积\"}", &answer, NULL);

  g_assert_cmpuint (status, ==, 201);
  return g_strdup (json_object_get_string_member (json_object_get_object_member (
                     json_node_get_object (answer), "incident"), "id"));
}

static void
test_menu_report (void)
{
  g_autofree char *city = g_build_filename (g_getenv ("PANORAMA_DATA_DIR"), "shiyan.gpkg",
                                            NULL);
  const char *hub_args[] = { "--city", city, NULL };
  g_autoptr(PanoTestHub) hub = pano_test_hub_start (NULL, hub_args);
  g_autofree char *id = create_incident (hub);
  g_autofree char *pdf = g_build_filename (tmpdir, "desk report.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (pdf);
  g_autofree char *text = NULL;
  const char *argv[] = { "pdftotext", "-layout", pdf, "-", NULL };
  PanoWindow *window = pano_window_new (NULL);
  Saving saving = { 0 };
  g_autoptr(GError) error = NULL;
  int status;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  pano_window_set_hub (window, hub->url, "view");
  gtk_window_present (GTK_WINDOW (window));
  pano_test_wait_until (is_live, window);

  pano_window_save_report_async (window, file, NULL, on_saved, &saving);
  pano_test_wait_until (is_done, &saving);
  g_assert_no_error (saving.error);
  g_assert_true (saving.saved);

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &text, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "Situation report"));
  g_assert_nonnull (strstr (text, "Closure rate"));
  g_assert_nonnull (strstr (text, id));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  tmpdir = pano_test_make_tmpdir ();
  g_test_add_func ("/window-report/menu-report", test_menu_report);
  status = g_test_run ();
  pano_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
