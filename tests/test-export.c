// SPDX-License-Identifier: GPL-3.0-or-later
/* `panorama --export` renders the demo city and a user's layer to a PNG without a display:
 * the layer's point lands on the pixel Web Mercator predicts, in the first layer colour; bad
 * input exits non-zero with a message naming the file. */
#include "pano-mercator.h"
#include "pano-test-util.h"

#include <cairo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH 640
#define HEIGHT 480
#define CENTER_LAT 32.6200
#define CENTER_LON 110.7800
#define ZOOM 13.0

static char *tmpdir;

static int
run_export_full (const char * const *extra, char **out, char **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status;

  g_ptr_array_add (argv, (char *)g_getenv ("PANORAMA_EXE"));
  for (guint i = 0; extra[i]; i++)
    g_ptr_array_add (argv, (char *)extra[i]);
  g_ptr_array_add (argv, NULL);
  /* No DISPLAY: export must not need one. */
  g_autoptr(GStrvBuilder) env = g_strv_builder_new ();
  g_auto(GStrv) current = g_get_environ ();
  for (guint i = 0; current[i]; i++)
    if (!g_str_has_prefix (current[i], "DISPLAY=") && !g_str_has_prefix (current[i], "WAYLAND_"))
      g_strv_builder_add (env, current[i]);
  g_auto(GStrv) envp = g_strv_builder_end (env);

  g_spawn_sync (NULL, (char **)argv->pdata, envp, 0, NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  return status;
}

static int
run_export (const char * const *extra, char **err)
{
  g_autofree char *out = NULL;

  return run_export_full (extra, &out, err);
}

static void
expected_pixel (double lon, double lat, int *x, int *y)
{
  double world = pano_mercator_world_size (ZOOM);

  *x = (int)round ((pano_mercator_x_from_lon (lon) - pano_mercator_x_from_lon (CENTER_LON)) * world
                   + WIDTH / 2.0);
  *y = (int)round ((pano_mercator_y_from_lat (lat) - pano_mercator_y_from_lat (CENTER_LAT)) * world
                   + HEIGHT / 2.0);
}

static guint32
pixel (cairo_surface_t *png, int x, int y)
{
  const guint8 *row = cairo_image_surface_get_data (png) + y * cairo_image_surface_get_stride (png);

  return ((const guint32 *)row)[x] & 0xffffff;
}

static void
test_layer_on_its_pixel (void)
{
  g_autofree char *layer = g_build_filename (tmpdir, "哨点 sentinel.shp", NULL);
  g_autofree char *out = g_build_filename (tmpdir, "map.png", NULL);
  g_autofree char *err = NULL;
  double xy[] = { 110.7930, 32.6110 }, gk[2];
  const char *args[] = { "--export", out, "--size", "640x480", "--center", "32.6200,110.7800",
                         "--zoom", "13", layer, NULL };
  cairo_surface_t *png;
  int x, y;

  /* A surveyor's Shapefile in CGCS2000 / 3-degree Gauss-Krüger CM 111E (northing first in
   * EPSG, so cs2cs answers northing, easting). */
  pano_test_cs2cs ("EPSG:4326", "EPSG:4546", xy[1], xy[0], &gk[1], &gk[0]);
  pano_test_write_features (layer, "ESRI Shapefile", 4546, "POINT (%.3f %.3f)", 1, gk);
  g_assert_cmpint (run_export (args, &err), ==, 0);
  png = cairo_image_surface_create_from_png (out);
  g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (png), ==, WIDTH);
  g_assert_cmpint (cairo_image_surface_get_height (png), ==, HEIGHT);

  expected_pixel (xy[0], xy[1], &x, &y);
  g_test_message ("point expected at %d,%d: %06x", x, y, pixel (png, x, y));
  /* the first user layer's colour, #e01b24 */
  g_assert_cmphex (pixel (png, x, y), ==, 0xe01b24);
  /* and the offline base map around it, not a blank image */
  g_assert_cmphex (pixel (png, 5, 5), !=, 0xffffff);
  g_assert_cmphex (pixel (png, x + 30, y), !=, 0xe01b24);
  cairo_surface_destroy (png);
}

static void
test_no_base_map (void)
{
  g_autofree char *out = g_build_filename (tmpdir, "blank.png", NULL);
  g_autofree char *err = NULL;
  const char *args[] = { "--export", out, "--size", "64x32", "--tiles", "none", NULL };
  cairo_surface_t *png;

  g_assert_cmpint (run_export (args, &err), ==, 0);
  png = cairo_image_surface_create_from_png (out);
  g_assert_cmphex (pixel (png, 10, 10), ==, 0xffffff);
  cairo_surface_destroy (png);
}

static void
test_bad_file_fails (void)
{
  g_autofree char *bad = g_build_filename (tmpdir, "损坏 broken.gpkg", NULL);
  g_autofree char *out = g_build_filename (tmpdir, "never.png", NULL);
  g_autofree char *err = NULL;
  const char *args[] = { "--export", out, "--tiles", "none", bad, NULL };

  g_assert_true (g_file_set_contents (bad, "not a geopackage at all", -1, NULL));
  g_assert_cmpint (run_export (args, &err), !=, 0);
  g_test_message ("stderr: %s", err);
  g_assert_nonnull (strstr (err, "损坏 broken.gpkg"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_bad_arguments_fail (void)
{
  g_autofree char *out = g_build_filename (tmpdir, "never.png", NULL);
  g_autofree char *err = NULL;
  const char *args[] = { "--export", out, "--size", "huge", NULL };

  g_assert_cmpint (run_export (args, &err), !=, 0);
  g_assert_nonnull (strstr (err, "--size"));
}

/* The zoom range --help gives is the one --zoom accepts, at both ends. */
static void
test_zoom_range_as_told (void)
{
  g_autofree char *out = g_build_filename (tmpdir, "zoom.png", NULL);
  g_autofree char *help = NULL;
  g_autofree char *err = NULL;
  const char *help_args[] = { "--export", out, "--help", NULL };
  g_autoptr(GRegex) range = g_regex_new ("--zoom=Z +Zoom level ([0-9]+)–([0-9]+)", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *low = NULL;
  g_autofree char *high = NULL;
  int min, max;

  g_assert_cmpint (run_export_full (help_args, &help, &err), ==, 0);
  g_assert_true (g_regex_match (range, help, 0, &match));
  min = atoi (low = g_match_info_fetch (match, 1));
  max = atoi (high = g_match_info_fetch (match, 2));
  g_test_message ("--help says zoom %d–%d", min, max);
  for (int z = min - 1; z <= max + 1; z += (z == min ? max - min : 1))
    {
      g_autofree char *zoom = g_strdup_printf ("%d", z);
      const char *args[] = { "--export", out, "--size", "64x64", "--tiles", "none", "--zoom", zoom,
                             NULL };
      g_autofree char *zoom_err = NULL;
      int status = run_export (args, &zoom_err);

      g_test_message ("zoom %d: %d %s", z, status, zoom_err);
      if (z >= min && z <= max)
        g_assert_cmpint (status, ==, 0);
      else
        {
          g_assert_cmpint (status, !=, 0);
          g_assert_nonnull (strstr (zoom_err, "--zoom"));
        }
    }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = pano_test_make_tmpdir ();
  g_test_add_func ("/export/layer-on-its-pixel", test_layer_on_its_pixel);
  g_test_add_func ("/export/no-base-map", test_no_base_map);
  g_test_add_func ("/export/bad-file-fails", test_bad_file_fails);
  g_test_add_func ("/export/bad-arguments-fail", test_bad_arguments_fail);
  g_test_add_func ("/export/zoom-range-as-told", test_zoom_range_as_told);
  status = g_test_run ();
  pano_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
