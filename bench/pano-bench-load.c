// SPDX-License-Identifier: GPL-3.0-or-later
/* How long pano_gis_loader_load() takes to turn a 1 M-point GeoPackage into a sealed, indexed
 * layer, next to `ogr2ogr -f GeoJSONSeq /dev/null` reading the same file: GDAL's own tool is
 * the yardstick the issue sets (goal: at most 1.5 times as long). A bare OGR read loop in this
 * process is printed too, so a gap can be put on GDAL or on our side of the loader. Prints
 * figures only; never fails on a time. */
#define G_LOG_DOMAIN "panorama-bench"

#include "pano-bench-common.h"
#include "pano-gis-loader.h"
#include "pano-gis-layer.h"

#include <gdal.h>
#include <ogr_api.h>
#include <stdlib.h>
#include <string.h>

#define GOAL_RATIO 1.5

typedef enum
{
  READER_OGR2OGR,
  READER_LOADER,
  READER_BARE,
  N_READERS
} Reader;

static const char * const reader_names[N_READERS] = {
  "`ogr2ogr -f GeoJSONSeq /dev/null` (process)",
  "`pano_gis_loader_load` -> sealed, indexed layer",
  "bare OGR read loop, same process (reference)",
};

static int opt_points = 1000000;
static int opt_runs = 3;
static char *opt_data_dir;
static char *opt_only;

static const GOptionEntry entries[] = {
  { "points", 0, 0, G_OPTION_ARG_INT, &opt_points, "Points in the GeoPackage (1000000)", "N" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &opt_runs, "Timed runs of each reader (3)", "N" },
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_data_dir,
    "Keep the generated GeoPackage here and reuse it (default: a temporary directory)", "DIR" },
  { "only", 0, 0, G_OPTION_ARG_STRING, &opt_only,
    "Run one reader only: ogr2ogr, loader or bare (e.g. under perf record)", "READER" },
  { NULL }
};

static double
time_ogr2ogr (const char  *path,
              GError     **error)
{
  const char *argv[] = { "ogr2ogr", "-f", "GeoJSONSeq", "/dev/null", path, NULL };
  g_autofree char *err = NULL;
  gint64 start = g_get_monotonic_time ();
  int status;

  if (!g_spawn_sync (NULL, (char **)argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, error))
    return -1;
  if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "ogr2ogr failed (%s): ", g_strstrip (err));
      return -1;
    }
  return pano_bench_seconds_since (start);
}

static double
time_loader (const char  *path,
             guint        expected,
             GError     **error)
{
  g_autoptr(PanoGisLoader) loader = pano_gis_loader_new (path);
  g_autoptr(GPtrArray) layers = NULL;
  gint64 start = g_get_monotonic_time ();
  double elapsed;

  layers = pano_gis_loader_load (loader, NULL, error);
  elapsed = pano_bench_seconds_since (start);
  if (layers == NULL)
    return -1;

  /* A fast loader that dropped features would be no result at all. */
  if (layers->len != 1 ||
      pano_gis_layer_get_n_features (g_ptr_array_index (layers, 0)) != expected)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "the loader returned %u layers, %u features; expected 1 layer, %u",
                   layers->len, pano_gis_layer_get_n_features (g_ptr_array_index (layers, 0)),
                   expected);
      return -1;
    }
  return elapsed;
}

/* What the loader cannot avoid: GDAL decoding each feature's geometry and fields. */
static void
read_feature_bare (OGRFeatureH feature,
                   int         n_fields)
{
  OGRGeometryH geometry = OGR_F_GetGeometryRef (feature);
  double x[1], y[1];
  volatile gsize sink = 0;

  if (geometry != NULL && OGR_G_GetPointCount (geometry) == 1)
    OGR_G_GetPoints (geometry, x, sizeof (double), y, sizeof (double), NULL, 0);
  for (int i = 0; i < n_fields; i++)
    sink += strlen (OGR_F_GetFieldAsString (feature, i));
}

static double
time_bare (const char  *path,
           GError     **error)
{
  gint64 start = g_get_monotonic_time ();
  GDALDatasetH ds = GDALOpenEx (path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  OGRLayerH layer;
  OGRFeatureH feature;
  int n_fields;

  if (ds == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "GDAL cannot open “%s”", path);
      return -1;
    }
  layer = GDALDatasetGetLayer (ds, 0);
  n_fields = OGR_FD_GetFieldCount (OGR_L_GetLayerDefn (layer));
  while ((feature = OGR_L_GetNextFeature (layer)) != NULL)
    {
      read_feature_bare (feature, n_fields);
      OGR_F_Destroy (feature);
    }
  GDALClose (ds);
  return pano_bench_seconds_since (start);
}

static double
time_reader (Reader       reader,
             const char  *path,
             GError     **error)
{
  switch (reader)
    {
    case READER_OGR2OGR:
      return time_ogr2ogr (path, error);
    case READER_LOADER:
      return time_loader (path, opt_points, error);
    case READER_BARE:
    default:
      return time_bare (path, error);
    }
}

static gboolean
reader_wanted (Reader reader)
{
  static const char * const keys[N_READERS] = { "ogr2ogr", "loader", "bare" };

  return opt_only == NULL || g_str_equal (opt_only, keys[reader]);
}

/* Reads the file once untimed, so the first timed reader does not pay for the disk. */
static void
warm_page_cache (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_file_get_contents (path, &contents, &length, NULL);
}

static void
print_row (Reader  reader,
           GArray *times,
           double  median,
           double  yardstick)
{
  g_print ("| %s |", reader_names[reader]);
  for (guint i = 0; i < times->len; i++)
    g_print (" %.2f |", g_array_index (times, double, i));
  g_print (" **%.2f** |", median);
  if (yardstick > 0)
    g_print (" %.2fx |\n", median / yardstick);
  else
    g_print (" - |\n");
}

static void
print_header (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0,
                                                 NULL, NULL);

  g_print ("GeoPackage: %d points, fields name (text), kind (integer), value (real), "
           "EPSG:4326, %.0f MB; GDAL %s\n\n", opt_points,
           info ? g_file_info_get_size (info) / 1e6 : 0.0, GDALVersionInfo ("RELEASE_NAME"));
  g_print ("| reader |");
  for (int i = 0; i < opt_runs; i++)
    g_print (" run %d (s) |", i + 1);
  g_print (" median (s) | x ogr2ogr |\n|---|");
  for (int i = 0; i < opt_runs + 2; i++)
    g_print ("---:|");
  g_print ("\n");
}

/* Interleaved runs, so a slow spell of the machine does not land on one reader only. */
static gboolean
time_readers (const char  *path,
              GArray     **times,
              GError     **error)
{
  for (int i = 0; i < opt_runs; i++)
    for (int r = 0; r < N_READERS; r++)
      {
        double t;

        if (!reader_wanted (r))
          continue;
        if ((t = time_reader (r, path, error)) < 0)
          return FALSE;
        g_array_append_val (times[r], t);
      }
  return TRUE;
}

static void
print_results (const char  *path,
               GArray     **times)
{
  double medians[N_READERS] = { 0 };

  print_header (path);
  for (int r = 0; r < N_READERS; r++)
    if (times[r]->len > 0)
      medians[r] = pano_bench_percentile (times[r], 0.5);
  for (int r = 0; r < N_READERS; r++)
    if (times[r]->len > 0)
      print_row (r, times[r], medians[r], medians[READER_OGR2OGR]);

  if (medians[READER_OGR2OGR] > 0 && medians[READER_LOADER] > 0)
    g_print ("\nGoal: loader <= %.1fx ogr2ogr - %s (%.2fx)\n", GOAL_RATIO,
             medians[READER_LOADER] <= GOAL_RATIO * medians[READER_OGR2OGR] ? "met" : "NOT met",
             medians[READER_LOADER] / medians[READER_OGR2OGR]);
}

static gboolean
run (const char  *path,
     GError     **error)
{
  GArray *times[N_READERS];
  gboolean ok;

  for (int r = 0; r < N_READERS; r++)
    times[r] = g_array_new (FALSE, FALSE, sizeof (double));
  warm_page_cache (path);
  ok = time_readers (path, times, error);
  if (ok)
    print_results (path, times);
  for (int r = 0; r < N_READERS; r++)
    g_array_unref (times[r]);
  return ok;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- time loading a 1 M-point GeoPackage");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  gboolean temporary = FALSE;
  gboolean ok;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !(dir = pano_bench_make_data_dir (opt_data_dir, &temporary, &error)))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  GDALAllRegister ();
  ok = (path = pano_bench_ensure_points (dir, opt_points, &error)) != NULL &&
       run (path, &error);
  if (temporary)
    pano_bench_remove_data_dir (dir);
  if (!ok)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
