// SPDX-License-Identifier: GPL-3.0-or-later
/* Real GIS files for the tests, written through GDAL's own drivers, and PROJ's cs2cs as the
 * independent reference for coordinates. */
#include "pano-test-util.h"

#include <gdal.h>
#include <glib/gstdio.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

char *
pano_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("panorama-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
pano_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        pano_test_rm_rf (child);
      }
  g_remove (path);
}

/**
 * pano_test_write_features:
 * @epsg: the layer's CRS, or 0 for none
 * @wkt_geometry_format: a printf format taking the feature's x and y, e.g. "POINT (%.9f %.9f)"
 * @xy: @n coordinate pairs in the layer's CRS, traditional GIS order
 *
 * Writes @n features with fields name ("feature N") and n (N) through GDAL's @driver.
 */
void
pano_test_write_features (const char   *path,
                          const char   *driver_name,
                          int           epsg,
                          const char   *wkt_geometry_format,
                          guint         n,
                          const double *xy)
{
  GDALDriverH driver;
  GDALDatasetH ds;
  OGRSpatialReferenceH srs = NULL;
  OGRLayerH layer;
  OGRFieldDefnH field;

  GDALAllRegister ();
  driver = GDALGetDriverByName (driver_name);
  g_assert_nonnull (driver);
  ds = GDALCreate (driver, path, 0, 0, 0, GDT_Unknown, NULL);
  g_assert_nonnull (ds);
  if (epsg != 0)
    {
      srs = OSRNewSpatialReference (NULL);
      OSRImportFromEPSG (srs, epsg);
      OSRSetAxisMappingStrategy (srs, OAMS_TRADITIONAL_GIS_ORDER);
    }
  layer = GDALDatasetCreateLayer (ds, "features", srs, wkbUnknown, NULL);
  g_assert_nonnull (layer);

  field = OGR_Fld_Create ("name", OFTString);
  OGR_L_CreateField (layer, field, TRUE);
  OGR_Fld_Destroy (field);
  field = OGR_Fld_Create ("n", OFTInteger);
  OGR_L_CreateField (layer, field, TRUE);
  OGR_Fld_Destroy (field);

  for (guint i = 0; i < n; i++)
    {
      OGRFeatureH feature = OGR_F_Create (OGR_L_GetLayerDefn (layer));
      g_autofree char *wkt = g_strdup_printf (wkt_geometry_format, xy[2 * i], xy[2 * i + 1]);
      g_autofree char *name = g_strdup_printf ("feature %u", i);
      char *cursor = wkt;
      OGRGeometryH geometry = NULL;

      g_assert_cmpint (OGR_G_CreateFromWkt (&cursor, srs, &geometry), ==, OGRERR_NONE);
      OGR_F_SetGeometryDirectly (feature, geometry);
      OGR_F_SetFieldString (feature, 0, name);
      OGR_F_SetFieldInteger (feature, 1, i);
      g_assert_cmpint (OGR_L_CreateFeature (layer, feature), ==, OGRERR_NONE);
      OGR_F_Destroy (feature);
    }
  GDALClose (ds);
  if (srs)
    OSRDestroySpatialReference (srs);
}

/* Transforms one coordinate with PROJ's command-line tool, in the CRSs' authority order. */
void
pano_test_cs2cs (const char *from,
                 const char *to,
                 double      a,
                 double      b,
                 double     *out_a,
                 double     *out_b)
{
  g_autofree char *input = g_strdup_printf ("%.6f %.6f\n", a, b);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *script = g_strdup_printf ("printf '%s' | cs2cs -f %%.12f %s %s", input, from, to);
  const char *argv[] = { "sh", "-c", script, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  g_assert_cmpint (sscanf (out, "%lf %lf", out_a, out_b), ==, 2);
}

/* Great-circle distance in metres; precise enough for centimetre comparisons. */
double
pano_test_lonlat_distance_m (double lon1,
                             double lat1,
                             double lon2,
                             double lat2)
{
  const double r = 6371008.8, d2r = G_PI / 180;
  double dlat = (lat2 - lat1) * d2r, dlon = (lon2 - lon1) * d2r;
  double a = sin (dlat / 2) * sin (dlat / 2) +
             cos (lat1 * d2r) * cos (lat2 * d2r) * sin (dlon / 2) * sin (dlon / 2);

  return 2 * r * asin (sqrt (a));
}

/* Iterates the main loop until @done says so; fails only after a generous bound, which guards
 * against hangs rather than measuring speed. */
void
pano_test_wait_until (gboolean (*done) (gpointer),
                      gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/**
 * pano_test_start_display:
 *
 * Starts an X server of its own for a test that needs one (the pointer is the server's, or a
 * screen of another size) and points GDK at it. Xvfb picks a free display itself
 * (-displayfd), so parallel runs never race for a number; it is this process's own child (not
 * double-forked), so it dies with the test.
 *
 * Returns: the server's pid
 */
GPid
pano_test_start_display (int width,
                         int height)
{
  int fds[2];
  g_autofree char *fd = NULL;
  g_autofree char *screen = g_strdup_printf ("%dx%dx24", width, height);
  const char *argv[] = { "Xvfb", "-displayfd", NULL, "-screen", "0", screen,
                         "-nolisten", "tcp", NULL };
  g_autoptr(GError) error = NULL;
  char number[16] = { 0 };
  g_autofree char *display = NULL;
  GPid pid;
  gsize n = 0;

  g_assert_cmpint (pipe (fds), ==, 0);
  argv[2] = fd = g_strdup_printf ("%d", fds[1]);
  g_spawn_async (NULL, (char **)argv, NULL,
                 G_SPAWN_SEARCH_PATH | G_SPAWN_LEAVE_DESCRIPTORS_OPEN | G_SPAWN_DO_NOT_REAP_CHILD |
                 G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                 die_with_parent, NULL, &pid, &error);
  g_assert_no_error (error);   /* package xvfb */
  close (fds[1]);
  while (n < sizeof number - 1 && read (fds[0], number + n, 1) == 1 && number[n] != '\n')
    n++;
  close (fds[0]);
  g_assert_cmpuint (n, >, 0);
  number[n] = '\0';
  display = g_strdup_printf (":%s", number);
  g_setenv ("DISPLAY", display, TRUE);
  g_unsetenv ("XAUTHORITY");
  g_unsetenv ("WAYLAND_DISPLAY");
  return pid;
}
