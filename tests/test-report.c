// SPDX-License-Identifier: GPL-3.0-or-later
/* `panorama --report` writes the situation report as a PDF without a display: with a real hub
 * it names the KPIs and every open incident and draws the map; without one it says so; a bad
 * token or an unwritable file exits 1 with a message naming the hub or the file, and leaves
 * no file. */
#include "pano-test-hub.h"
#include "pano-test-util.h"

#include <cairo.h>
#include <string.h>

static char *tmpdir;

/* Runs the real panorama with no display; returns its exit status. */
static int
run_panorama_in (const char         *lang,
                 const char * const *args,
                 char              **out,
                 char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_get_environ ();
  int status;

  env = g_environ_unsetenv (env, "DISPLAY");
  env = g_environ_unsetenv (env, "WAYLAND_DISPLAY");
  if (lang != NULL)
    {
      env = g_environ_unsetenv (env, "LC_ALL");
      env = g_environ_unsetenv (env, "LANGUAGE");
      env = g_environ_setenv (env, "LANG", lang, TRUE);
    }
  g_ptr_array_add (argv, (char *) g_getenv ("PANORAMA_EXE"));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, env, 0, NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  g_test_message ("panorama: %s%s", *out, *err);
  return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}

static int
run_panorama (const char * const *args,
              char              **out,
              char              **err)
{
  return run_panorama_in (NULL, args, out, err);
}

/* Returns: (transfer full): the text of @pdf, as pdftotext reads it */
static char *
pdf_text (const char *pdf)
{
  const char *argv[] = { "pdftotext", "-layout", pdf, "-", NULL };
  g_autoptr(GError) error = NULL;
  char *text = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &text, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return text;
}

/* Returns: the share of pixels of page 1 (pdftoppm at 30 dpi) that are not white */
static double
inked_share_of_first_page (const char *pdf)
{
  g_autofree char *prefix = g_build_filename (tmpdir, "page", NULL);
  g_autofree char *png_path = g_strconcat (prefix, ".png", NULL);
  const char *argv[] = { "pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", "-singlefile",
                         pdf, prefix, NULL };
  g_autoptr(GError) error = NULL;
  cairo_surface_t *png;
  guint inked = 0, all;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  png = cairo_image_surface_create_from_png (png_path);
  g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);
  /* A3 landscape: wider than high, 420 × 297 mm */
  g_assert_cmpint (cairo_image_surface_get_width (png), >, cairo_image_surface_get_height (png));
  all = cairo_image_surface_get_width (png) * cairo_image_surface_get_height (png);
  for (int y = 0; y < cairo_image_surface_get_height (png); y++)
    {
      const guint32 *row = (const guint32 *) (cairo_image_surface_get_data (png) +
                                               y * cairo_image_surface_get_stride (png));

      for (int x = 0; x < cairo_image_surface_get_width (png); x++)
        inked += (row[x] & 0xffffff) != 0xffffff;
    }
  cairo_surface_destroy (png);
  return (double) inked / all;
}

static PanoTestHub *
start_hub (void)
{
  g_autofree char *city = g_build_filename (g_getenv ("PANORAMA_DATA_DIR"), "shiyan.gpkg",
                                            NULL);
  const char *args[] = { "--city", city, NULL };

  return pano_test_hub_start (NULL, args);
}

static char *
create_incident (PanoTestHub *hub,
                 const char  *category,
                 const char  *title,
                 double       lon,
                 double       lat)
{
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf ("{\"command\":\"create\",\"category\":\"%s\","
                                           "\"severity\":2,\"location\":[%.4f,%.4f],"
                                           "\"title\":\"%s\"}", category, lon, lat, title);
  g_autoptr(JsonNode) answer = NULL;
  guint status = pano_test_hub_rest (hub, "POST", "/v1/commands", "dispatch", key, body,
                                     &answer, NULL);

  g_assert_cmpuint (status, ==, 201);
  return g_strdup (json_object_get_string_member (json_object_get_object_member (
                     json_node_get_object (answer), "incident"), "id"));
}

static void
test_report_from_hub (void)
{
  g_autoptr(PanoTestHub) hub = start_hub ();
  g_autofree char *first = create_incident (hub, "环境卫生", "垃圾堆积", 110.79, 32.65);
  g_autofree char *second = create_incident (hub, "市政设施", "井盖缺失", 110.80, 32.63);
  g_autofree char *pdf = g_build_filename (tmpdir, "态势 report.pdf", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *text = NULL;
  const char *args[] = { "--report", pdf, "--hub", hub->url, "--token", "view", NULL };
  double inked;

  g_assert_cmpint (run_panorama (args, &out, &err), ==, 0);
  text = pdf_text (pdf);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "Situation report"));
  g_assert_nonnull (strstr (text, "审图号"));
  /* the KPI panel's names and figures: two reported */
  g_assert_nonnull (strstr (text, "Closure rate"));
  g_assert_nonnull (strstr (text, "Reported"));
  g_assert_nonnull (strstr (text, "Open incidents, most urgent first: 2"));
  g_assert_nonnull (strstr (text, first));
  g_assert_nonnull (strstr (text, second));
  g_assert_nonnull (strstr (text, "井盖缺失"));
  /* the grid path the hub gave the incident (--city) */
  g_assert_nonnull (strstr (text, "十堰市"));

  inked = inked_share_of_first_page (pdf);
  g_test_message ("page 1: %.0f %% inked", 100 * inked);
  g_assert_cmpfloat (inked, >, 0.4);
}

/* More open incidents than a page holds: the table runs on over as many pages as it needs,
 * each says which of how many it is, and none is left out. */
static void
test_report_pages (void)
{
  g_autoptr(PanoTestHub) hub = start_hub ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *pdf = g_build_filename (tmpdir, "many.pdf", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *text = NULL;
  const char *args[] = { "--report", pdf, "--hub", hub->url, "--token", "view", "--tiles",
                         "none", NULL };

  for (guint i = 0; i < 45; i++)
    g_ptr_array_add (ids, create_incident (hub, "市政设施", "井盖缺失", 110.78 + i * 0.001,
                                           32.64));
  g_assert_cmpint (run_panorama (args, &out, &err), ==, 0);
  text = pdf_text (pdf);
  for (guint i = 0; i < ids->len; i++)
    g_assert_nonnull (strstr (text, ids->pdata[i]));
  /* A3: the map page, then two pages of rows (a page holds a few dozen) */
  g_assert_nonnull (strstr (text, "Page 1 of 3"));
  g_assert_nonnull (strstr (text, "Page 3 of 3"));
  g_assert_null (strstr (text, "Page 4"));
}

/* --export with --hub draws the live layers over the map: an incident is a symbol where it is,
 * in the incidents layer's colours, on an otherwise blank map. */
static void
test_export_draws_live_layers (void)
{
  g_autoptr(PanoTestHub) hub = start_hub ();
  g_autofree char *id = create_incident (hub, "环境卫生", "垃圾堆积", 110.7900, 32.6500);
  g_autofree char *png_path = g_build_filename (tmpdir, "live.png", NULL);
  g_autofree char *blank_path = g_build_filename (tmpdir, "blank.png", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "--export", png_path, "--hub", hub->url, "--token", "view", "--tiles",
                         "none", "--size", "101x101", "--center", "32.6500,110.7900", "--zoom",
                         "15", NULL };
  const char *blank_args[] = { "--export", blank_path, "--tiles", "none", "--size", "101x101",
                               "--center", "32.6500,110.7900", "--zoom", "15", NULL };
  cairo_surface_t *png, *blank;
  const guint8 *data, *blank_data;

  g_assert_cmpint (run_panorama (args, &out, &err), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_panorama (blank_args, &out, &err), ==, 0);
  png = cairo_image_surface_create_from_png (png_path);
  blank = cairo_image_surface_create_from_png (blank_path);
  data = cairo_image_surface_get_data (png) + 50 * cairo_image_surface_get_stride (png);
  blank_data = cairo_image_surface_get_data (blank) + 50 * cairo_image_surface_get_stride (blank);
  g_test_message ("centre: %06x with the hub, %06x without",
                  ((const guint32 *) data)[50] & 0xffffff,
                  ((const guint32 *) blank_data)[50] & 0xffffff);
  g_assert_cmphex (((const guint32 *) blank_data)[50] & 0xffffff, ==, 0xffffff);
  g_assert_cmphex (((const guint32 *) data)[50] & 0xffffff, !=, 0xffffff);
  cairo_surface_destroy (png);
  cairo_surface_destroy (blank);
}

static void
test_report_without_hub (void)
{
  g_autofree char *pdf = g_build_filename (tmpdir, "offline.pdf", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *text = NULL;
  const char *args[] = { "--report", pdf, "--zoom", "12", NULL };

  g_assert_cmpint (run_panorama (args, &out, &err), ==, 0);
  text = pdf_text (pdf);
  g_assert_nonnull (strstr (text, "Situation report"));
  g_assert_nonnull (strstr (text, "No hub was given"));
  g_assert_nonnull (strstr (text, "Legend"));
  g_assert_nonnull (strstr (text, "审图号"));
  g_assert_null (strstr (text, "Closure rate"));
  g_assert_cmpfloat (inked_share_of_first_page (pdf), >, 0.4);

  /* and in Chinese, from the build tree's catalogues */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (run_panorama_in ("zh_CN", args, &out, &err), ==, 0);
  text = pdf_text (pdf);
  g_assert_nonnull (strstr (text, "城市运行态势报告"));
  g_assert_nonnull (strstr (text, "图例"));
}

static void
test_bad_token_fails (void)
{
  g_autoptr(PanoTestHub) hub = start_hub ();
  g_autofree char *pdf = g_build_filename (tmpdir, "never.pdf", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "--report", pdf, "--hub", hub->url, "--token", "not-a-token", NULL };

  g_assert_cmpint (run_panorama (args, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, hub->url));
  g_assert_nonnull (strstr (err, "token"));
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
}

static void
test_unreachable_hub_fails (void)
{
  g_autofree char *pdf = g_build_filename (tmpdir, "never.pdf", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  /* port 9 (discard) on loopback: nothing listens there in a test environment */
  const char *args[] = { "--report", pdf, "--hub", "http://127.0.0.1:9", "--token", "view",
                         NULL };

  g_assert_cmpint (run_panorama (args, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "127.0.0.1:9"));
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
}

static void
test_unwritable_file_fails (void)
{
  g_autofree char *pdf = g_build_filename (tmpdir, "no such folder", "r.pdf", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "--report", pdf, "--tiles", "none", NULL };

  g_assert_cmpint (run_panorama (args, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, pdf));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = pano_test_make_tmpdir ();
  g_test_add_func ("/report/from-hub", test_report_from_hub);
  g_test_add_func ("/report/without-hub", test_report_without_hub);
  g_test_add_func ("/report/pages", test_report_pages);
  g_test_add_func ("/report/export-draws-live-layers", test_export_draws_live_layers);
  g_test_add_func ("/report/bad-token-fails", test_bad_token_fails);
  g_test_add_func ("/report/unreachable-hub-fails", test_unreachable_hub_fails);
  g_test_add_func ("/report/unwritable-file-fails", test_unwritable_file_fails);
  status = g_test_run ();
  pano_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
