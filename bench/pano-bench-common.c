// SPDX-License-Identifier: GPL-3.0-or-later
/* Synthetic city data for the benchmarks. Written through GDAL as GeoPackages (WGS84, with a
 * few attribute fields and GDAL's default R-tree), because the loader's cost depends on the
 * driver and the field decoding as much as on the geometry. A fixed seed makes every run draw
 * the same features, so figures from different days compare. */
#define G_LOG_DOMAIN "panorama-bench"

#include "pano-bench-common.h"

#include <errno.h>
#include <math.h>
#include <gdal.h>
#include <glib/gstdio.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

/* One transaction per batch: one per feature makes SQLite fsync a million times. */
#define BATCH 100000
/* A line's step, in degrees: about 80 m, a city block. */
#define LINE_STEP 0.0008

typedef struct
{
  GDALDatasetH ds;
  OGRLayerH layer;
  OGRFeatureH feature;
} Writer;

static gboolean
set_gdal_error (GError     **error,
                const char  *what,
                const char  *path)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot %s “%s”: %s",
               what, path, CPLGetLastErrorMsg ());
  return FALSE;
}

static void
add_field (OGRLayerH     layer,
           const char   *name,
           OGRFieldType  type)
{
  OGRFieldDefnH field = OGR_Fld_Create (name, type);

  OGR_L_CreateField (layer, field, TRUE);
  OGR_Fld_Destroy (field);
}

static gboolean
writer_open (Writer              *w,
             const char          *path,
             OGRwkbGeometryType   type,
             GError             **error)
{
  OGRSpatialReferenceH srs;

  GDALAllRegister ();
  w->ds = GDALCreate (GDALGetDriverByName ("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
  if (w->ds == NULL)
    return set_gdal_error (error, "create", path);

  srs = OSRNewSpatialReference (NULL);
  OSRImportFromEPSG (srs, 4326);
  OSRSetAxisMappingStrategy (srs, OAMS_TRADITIONAL_GIS_ORDER);
  w->layer = GDALDatasetCreateLayer (w->ds, type == wkbPoint ? "points" : "lines", srs, type,
                                     NULL);
  OSRRelease (srs);
  if (w->layer == NULL)
    return set_gdal_error (error, "add a layer to", path);

  add_field (w->layer, "name", OFTString);
  add_field (w->layer, "kind", OFTInteger);
  add_field (w->layer, "value", OFTReal);
  w->feature = OGR_F_Create (OGR_L_GetLayerDefn (w->layer));
  return GDALDatasetStartTransaction (w->ds, FALSE) == OGRERR_NONE ||
         set_gdal_error (error, "write to", path);
}

static gboolean
writer_add (Writer        *w,
            guint          i,
            GRand         *rand,
            OGRGeometryH   geometry)
{
  g_autofree char *name = g_strdup_printf ("F%07u", i);

  OGR_F_SetFID (w->feature, OGRNullFID);
  OGR_F_SetFieldString (w->feature, 0, name);
  OGR_F_SetFieldInteger (w->feature, 1, g_rand_int_range (rand, 0, 10));
  OGR_F_SetFieldDouble (w->feature, 2, g_rand_double_range (rand, 0, 1000));
  OGR_F_SetGeometry (w->feature, geometry);
  if (OGR_L_CreateFeature (w->layer, w->feature) != OGRERR_NONE)
    return FALSE;
  if ((i + 1) % BATCH != 0)
    return TRUE;
  return GDALDatasetCommitTransaction (w->ds) == OGRERR_NONE &&
         GDALDatasetStartTransaction (w->ds, FALSE) == OGRERR_NONE;
}

static gboolean
writer_close (Writer      *w,
              const char  *path,
              gboolean     ok,
              GError     **error)
{
  if (ok && GDALDatasetCommitTransaction (w->ds) != OGRERR_NONE)
    ok = set_gdal_error (error, "write to", path);
  g_clear_pointer (&w->feature, OGR_F_Destroy);
  g_clear_pointer (&w->ds, GDALClose);
  return ok;
}

void
pano_bench_random_lonlat (GRand  *rand,
                          double *lon,
                          double *lat)
{
  *lon = g_rand_double_range (rand, PANO_BENCH_MIN_LON, PANO_BENCH_MAX_LON);
  *lat = g_rand_double_range (rand, PANO_BENCH_MIN_LAT, PANO_BENCH_MAX_LAT);
}

static gboolean
write_points (const char  *path,
              guint        n_points,
              GError     **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (PANO_BENCH_SEED);
  OGRGeometryH point = OGR_G_CreateGeometry (wkbPoint);
  Writer w = { 0 };
  gboolean ok = writer_open (&w, path, wkbPoint, error);

  for (guint i = 0; ok && i < n_points; i++)
    {
      double lon, lat;

      pano_bench_random_lonlat (rand, &lon, &lat);
      OGR_G_SetPoint_2D (point, 0, lon, lat);
      if (!writer_add (&w, i, rand, point))
        ok = set_gdal_error (error, "write to", path);
    }
  OGR_G_DestroyGeometry (point);
  return writer_close (&w, path, ok, error);
}

/* A wandering street: a random walk whose heading drifts, kept inside the city. */
static void
random_walk (GRand  *rand,
             double *lon,
             double *lat,
             guint   n)
{
  double heading = g_rand_double_range (rand, 0, 2 * G_PI);

  pano_bench_random_lonlat (rand, &lon[0], &lat[0]);
  for (guint v = 1; v < n; v++)
    {
      heading += g_rand_double_range (rand, -0.3, 0.3);
      lon[v] = CLAMP (lon[v - 1] + LINE_STEP * cos (heading),
                      PANO_BENCH_MIN_LON, PANO_BENCH_MAX_LON);
      lat[v] = CLAMP (lat[v - 1] + LINE_STEP * sin (heading),
                      PANO_BENCH_MIN_LAT, PANO_BENCH_MAX_LAT);
    }
}

static gboolean
write_lines (const char  *path,
             guint        n_lines,
             guint        n_vertices,
             GError     **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (PANO_BENCH_SEED);
  g_autofree double *lon = g_new (double, n_vertices);
  g_autofree double *lat = g_new (double, n_vertices);
  OGRGeometryH line = OGR_G_CreateGeometry (wkbLineString);
  Writer w = { 0 };
  gboolean ok = writer_open (&w, path, wkbLineString, error);

  for (guint i = 0; ok && i < n_lines; i++)
    {
      random_walk (rand, lon, lat, n_vertices);
      OGR_G_SetPoints (line, n_vertices, lon, sizeof (double), lat, sizeof (double), NULL, 0);
      if (!writer_add (&w, i, rand, line))
        ok = set_gdal_error (error, "write to", path);
    }
  OGR_G_DestroyGeometry (line);
  return writer_close (&w, path, ok, error);
}

typedef gboolean (*WriteFunc) (const char  *path,
                               guint        a,
                               guint        b,
                               GError     **error);

/* Writes under a temporary name and renames, so an interrupted run never leaves a
 * half-written file that the next run would take for finished. */
static char *
ensure_file (const char  *dir,
             const char  *name,
             WriteFunc    write,
             guint        a,
             guint        b,
             GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *partial = g_strconcat (path, ".partial.gpkg", NULL);
  gint64 start;

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&path);

  g_printerr ("Writing %s ... ", path);
  start = g_get_monotonic_time ();
  g_unlink (partial);
  if (!write (partial, a, b, error))
    return NULL;
  if (g_rename (partial, path) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "Cannot rename “%s”: %s", partial, g_strerror (errno));
      return NULL;
    }
  g_printerr ("%.1f s\n", pano_bench_seconds_since (start));
  return g_steal_pointer (&path);
}

static gboolean
write_points_file (const char *path, guint n, guint unused, GError **error)
{
  return write_points (path, n, error);
}

static gboolean
write_lines_file (const char *path, guint n, guint n_vertices, GError **error)
{
  return write_lines (path, n, n_vertices, error);
}

/* Returns: (transfer full): the path of a GeoPackage of @n_points random points in Shiyan,
 *   written into @dir unless a previous run left it there. */
char *
pano_bench_ensure_points (const char  *dir,
                          guint        n_points,
                          GError     **error)
{
  g_autofree char *name = g_strdup_printf ("points-%u.gpkg", n_points);

  return ensure_file (dir, name, write_points_file, n_points, 0, error);
}

/* Returns: (transfer full): the path of a GeoPackage of @n_lines random-walk streets. */
char *
pano_bench_ensure_lines (const char  *dir,
                         guint        n_lines,
                         guint        n_vertices,
                         GError     **error)
{
  g_autofree char *name = g_strdup_printf ("lines-%ux%u.gpkg", n_lines, n_vertices);

  return ensure_file (dir, name, write_lines_file, n_lines, n_vertices, error);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/* Returns: the seconds since @start, a g_get_monotonic_time() reading */
double
pano_bench_seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}

/* Linear interpolation between the closest ranks; @samples keeps its order (runs are
 * printed in the order they ran). */
double
pano_bench_percentile (GArray *samples,
                       double  fraction)
{
  g_autoptr(GArray) sorted = NULL;
  double rank, lower;
  guint i;

  if (samples->len == 0)
    return NAN;
  sorted = g_array_copy (samples);
  g_array_sort (sorted, compare_doubles);
  rank = fraction * (sorted->len - 1);
  i = (guint)floor (rank);
  lower = g_array_index (sorted, double, i);
  if (i + 1 >= sorted->len)
    return lower;
  return lower + (rank - i) * (g_array_index (sorted, double, i + 1) - lower);
}

/* Returns: @requested (created if needed) to keep the data for the next run, or else a fresh
 *   temporary directory that pano_bench_remove_data_dir() deletes. */
char *
pano_bench_make_data_dir (const char  *requested,
                          gboolean    *is_temporary,
                          GError     **error)
{
  *is_temporary = requested == NULL;
  if (requested == NULL)
    return g_dir_make_tmp ("pano-bench-XXXXXX", error);
  if (g_mkdir_with_parents (requested, 0755) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "Cannot create “%s”: %s", requested, g_strerror (errno));
      return NULL;
    }
  return g_strdup (requested);
}

/* Deletes the temporary directory and the GeoPackages (and SQLite side files) in it. */
void
pano_bench_remove_data_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}
