// SPDX-License-Identifier: GPL-3.0-or-later
/* Every kind of bad input gets an error in plain words that names the file, and nothing
 * crashes: missing, corrupt, truncated, empty, unsupported, CRS-less and untransformable. */
#include "pano-gis-loader.h"
#include "pano-gis-layer.h"
#include "pano-error.h"
#include "pano-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

static char *tmpdir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static void
assert_load_fails (const char *path,
                   int         code,
                   const char *expected_words)
{
  g_autoptr(PanoGisLoader) loader = pano_gis_loader_new (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) layers = pano_gis_loader_load (loader, NULL, &error);
  g_autofree char *base = g_path_get_basename (path);

  g_assert_null (layers);
  g_assert_error (error, PANO_GIS_ERROR, code);
  g_test_message ("%s → %s", base, error->message);
  g_assert_nonnull (strstr (error->message, base));
  if (expected_words)
    g_assert_nonnull (strstr (error->message, expected_words));
}

static void
write_points (const char *path, const char *driver, int epsg, double x0, double y0)
{
  double xy[20];

  for (int i = 0; i < 10; i++)
    xy[2 * i] = x0 + i * 0.01 * (epsg == 4326 || epsg == 0 ? 1 : 1000),
    xy[2 * i + 1] = y0 + i * 0.01 * (epsg == 4326 || epsg == 0 ? 1 : 1000);
  pano_test_write_features (path, driver, epsg, "POINT (%.6f %.6f)", 10, xy);
}

static void
test_missing (void)
{
  g_autofree char *path = tmp_path ("no such file.gpkg");

  assert_load_fails (path, PANO_GIS_ERROR_NOT_FOUND, "does not exist");
}

static void
test_empty (void)
{
  g_autofree char *path = tmp_path ("empty.geojson");

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  assert_load_fails (path, PANO_GIS_ERROR_EMPTY, "empty");
}

static void
test_corrupt (void)
{
  g_autofree char *path = tmp_path ("corrupt.gpkg");
  char junk[4096];

  for (guint i = 0; i < sizeof junk; i++)
    junk[i] = (char)(i * 7919 % 251);
  g_assert_true (g_file_set_contents (path, junk, sizeof junk, NULL));
  assert_load_fails (path, PANO_GIS_ERROR_CORRUPT, "corrupt");
}

static void
test_truncated_geojson (void)
{
  g_autofree char *path = tmp_path ("truncated.geojson");
  g_autofree char *text = NULL;
  gsize len;

  write_points (path, "GeoJSON", 4326, 110.5, 32.5);
  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  g_assert_true (g_file_set_contents (path, text, len / 2, NULL));
  assert_load_fails (path, PANO_GIS_ERROR_CORRUPT, NULL);
}

static void
test_truncated_shapefile (void)
{
  g_autofree char *path = tmp_path ("truncated.shp");
  g_autofree char *text = NULL;
  gsize len;

  write_points (path, "ESRI Shapefile", 4326, 110.5, 32.5);
  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  /* keep the 100-byte header and part of the records */
  g_assert_true (g_file_set_contents (path, text, 100 + 28 * 3 + 10, NULL));
  assert_load_fails (path, PANO_GIS_ERROR_CORRUPT, NULL);
}

static void
test_unsupported (void)
{
  g_autofree char *path = tmp_path ("notes.txt");

  g_assert_true (g_file_set_contents (path, "Meeting notes: 3 fire engines\n", -1, NULL));
  assert_load_fails (path, PANO_GIS_ERROR_UNSUPPORTED, "not in a vector GIS format");
}

static void
test_no_layers_with_geometry (void)
{
  g_autofree char *path = tmp_path ("attributes.csv");

  g_assert_true (g_file_set_contents (path, "name,phone\n消防站,119\n", -1, NULL));
  assert_load_fails (path, PANO_GIS_ERROR_EMPTY, "no features");
}

static void
test_crs_less_lonlat (void)
{
  g_autofree char *path = tmp_path ("no-prj.shp");
  g_autoptr(PanoGisLoader) loader = NULL;
  g_autoptr(GPtrArray) layers = NULL;
  g_autoptr(GError) error = NULL;

  write_points (path, "ESRI Shapefile", 0, 110.5, 32.5);
  loader = pano_gis_loader_new (path);
  layers = pano_gis_loader_load (loader, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pano_gis_layer_get_n_features (g_ptr_array_index (layers, 0)), ==, 10);
  g_assert_nonnull (strstr (pano_gis_layer_get_warning (g_ptr_array_index (layers, 0)),
                            "No coordinate system"));
}

static void
test_crs_less_projected (void)
{
  g_autofree char *path = tmp_path ("projected-no-prj.shp");

  write_points (path, "ESRI Shapefile", 0, 479862.4, 3610544.2);
  assert_load_fails (path, PANO_GIS_ERROR_CRS, "not longitude/latitude");
}

static void
test_untransformable_crs (void)
{
  g_autofree char *path = tmp_path ("site-grid.shp");
  g_autofree char *prj = tmp_path ("site-grid.prj");

  write_points (path, "ESRI Shapefile", 0, 100, 200);
  g_assert_true (g_file_set_contents (prj, "LOCAL_CS[\"Site grid\",UNIT[\"metre\",1]]", -1,
                                      NULL));
  assert_load_fails (path, PANO_GIS_ERROR_CRS, "Site grid");
}

/* A database that does not answer: the message names the host, never the password. */
static void
test_unreachable_postgis (void)
{
  g_autoptr(PanoGisLoader) loader =
    pano_gis_loader_new ("PG:host=127.0.0.1 port=1 dbname=city user=viewer password=s3cret "
                         "connect_timeout=2");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) layers = pano_gis_loader_load (loader, NULL, &error);

  g_assert_null (layers);
  g_assert_error (error, PANO_GIS_ERROR, PANO_GIS_ERROR_UNREADABLE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_null (strstr (error->message, "s3cret"));
}

typedef struct
{
  GCancellable *cancellable;
  double cancelled_at;     /* the progress when the stop button was pressed */
  GPtrArray *layers;
  GError *error;
  gboolean done;
} Stop;

/* The operator presses stop once the progress bar moves, while features are being read. */
static void
on_progress (PanoGisLoader *loader, GParamSpec *pspec, Stop *stop)
{
  double progress = pano_gis_loader_get_progress (loader);

  if (progress > 0 && progress < 1 && !g_cancellable_is_cancelled (stop->cancellable))
    {
      stop->cancelled_at = progress;
      g_cancellable_cancel (stop->cancellable);
    }
}

static void
on_loaded (GObject *object, GAsyncResult *result, gpointer data)
{
  Stop *stop = data;

  stop->layers = pano_gis_loader_load_finish (PANO_GIS_LOADER (object), result, &stop->error);
  stop->done = TRUE;
}

static gboolean
stopped (gpointer data)
{
  return ((Stop *)data)->done;
}

/* Loads @n points, pressing stop once the progress bar moves. */
static void
load_and_stop (guint n, Stop *stop)
{
  g_autofree char *path = tmp_path ("cancel.fgb");
  g_autoptr(PanoGisLoader) loader = NULL;
  g_autofree double *xy = g_new (double, 2 * (gsize)n);

  for (guint i = 0; i < n; i++)
    xy[2 * i] = 110 + (i % 1000) * 1e-3, xy[2 * i + 1] = 32 + (i / 1000) * 1e-4;
  g_remove (path);
  pano_test_write_features (path, "FlatGeobuf", 4326, "POINT (%.6f %.6f)", n, xy);
  loader = pano_gis_loader_new (path);
  g_signal_connect (loader, "notify::progress", G_CALLBACK (on_progress), stop);
  pano_gis_loader_load_async (loader, stop->cancellable, on_loaded, stop);
  pano_test_wait_until (stopped, stop);
}

/* Stopped half way through reading: the load ends as cancelled, with no layer. The file grows
 * until reading it takes long enough for the progress bar to move before it ends. */
static void
test_cancelled (void)
{
  Stop stop = { 0 };
  guint n = 100000;

  do
    {
      g_clear_object (&stop.cancellable);
      g_clear_pointer (&stop.layers, g_ptr_array_unref);
      g_clear_error (&stop.error);
      stop = (Stop) { g_cancellable_new (), 0 };
      load_and_stop (n, &stop);
      n *= 4;
    }
  while (stop.cancelled_at == 0 && n <= 6400000);
  g_test_message ("stopped at %.0f %% of %u points", stop.cancelled_at * 100, n / 4);
  g_assert_cmpfloat (stop.cancelled_at, >, 0);
  g_assert_null (stop.layers);
  g_assert_error (stop.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&stop.error);
  g_clear_object (&stop.cancellable);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = pano_test_make_tmpdir ();
  g_test_add_func ("/loader-errors/missing", test_missing);
  g_test_add_func ("/loader-errors/empty", test_empty);
  g_test_add_func ("/loader-errors/corrupt", test_corrupt);
  g_test_add_func ("/loader-errors/truncated-geojson", test_truncated_geojson);
  g_test_add_func ("/loader-errors/truncated-shapefile", test_truncated_shapefile);
  g_test_add_func ("/loader-errors/unsupported", test_unsupported);
  g_test_add_func ("/loader-errors/no-geometry", test_no_layers_with_geometry);
  g_test_add_func ("/loader-errors/crs-less-lonlat-warns", test_crs_less_lonlat);
  g_test_add_func ("/loader-errors/crs-less-projected", test_crs_less_projected);
  g_test_add_func ("/loader-errors/untransformable-crs", test_untransformable_crs);
  g_test_add_func ("/loader-errors/unreachable-postgis", test_unreachable_postgis);
  g_test_add_func ("/loader-errors/cancelled", test_cancelled);
  status = g_test_run ();
  pano_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
