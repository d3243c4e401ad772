// SPDX-License-Identifier: GPL-3.0-or-later
/* Every vector driver the console promises loads with the right count, extent and
 * attributes, and a Gauss-Krüger layer lands where cs2cs says it belongs. */
#include "pano-gis-loader.h"
#include "pano-gis-layer.h"
#include "pano-mercator.h"
#include "pano-test-util.h"

#include <gdal.h>
#include <math.h>
#include <string.h>

#define N_POINTS 37

static char *tmpdir;

static GPtrArray *
load (const char *path)
{
  g_autoptr(PanoGisLoader) loader = pano_gis_loader_new (path);
  g_autoptr(GError) error = NULL;
  GPtrArray *layers = pano_gis_loader_load (loader, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (layers);
  return layers;
}

static void
fill_points (double *xy)
{
  for (guint i = 0; i < N_POINTS; i++)
    {
      xy[2 * i] = 110.5 + 0.01 * i;
      xy[2 * i + 1] = 32.4 + 0.005 * i;
    }
}

static void
assert_lonlat_extent (PanoGisLayer *layer,
                      double        min_lon,
                      double        min_lat,
                      double        max_lon,
                      double        max_lat)
{
  double e[4];

  g_assert_true (pano_gis_layer_get_extent (layer, e));
  g_assert_cmpfloat_with_epsilon (pano_mercator_lon_from_x (e[0]), min_lon, 1e-7);
  g_assert_cmpfloat_with_epsilon (pano_mercator_lon_from_x (e[2]), max_lon, 1e-7);
  /* y grows south in world units */
  g_assert_cmpfloat_with_epsilon (pano_mercator_lat_from_y (e[3]), min_lat, 1e-7);
  g_assert_cmpfloat_with_epsilon (pano_mercator_lat_from_y (e[1]), max_lat, 1e-7);
}

static void
check_driver (gconstpointer data)
{
  const char * const *d = data;   /* driver, file name */
  g_autofree char *path = g_build_filename (tmpdir, d[1], NULL);
  g_autoptr(GPtrArray) layers = NULL;
  double xy[2 * N_POINTS];
  PanoGisLayer *layer;

  fill_points (xy);
  pano_test_write_features (path, d[0], 4326, "POINT (%.9f %.9f)", N_POINTS, xy);
  layers = load (path);
  g_assert_cmpuint (layers->len, ==, 1);
  layer = g_ptr_array_index (layers, 0);
  g_assert_cmpuint (pano_gis_layer_get_n_features (layer), ==, N_POINTS);
  g_assert_cmpint (pano_gis_layer_get_main_kind (layer), ==, PANO_GEOMETRY_POINT);
  assert_lonlat_extent (layer, 110.5, 32.4, 110.5 + 0.01 * (N_POINTS - 1),
                        32.4 + 0.005 * (N_POINTS - 1));
  g_assert_cmpstr (pano_gis_layer_get_driver (layer), ==, d[0]);
  g_assert_cmpint (pano_gis_layer_find_field (layer, "name"), >=, 0);
}

static void
test_csv_wkt (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "wkt.csv", NULL);
  g_autoptr(GPtrArray) layers = NULL;
  PanoGisLayer *layer;
  const char *csv =
    "WKT,name,kind\n"
    "\"POINT (110.79 32.62)\",消防站一,fire\n"
    "\"LINESTRING (110.70 32.60,110.80 32.65)\",人民路,road\n"
    "\"POLYGON ((110.6 32.5,110.9 32.5,110.9 32.7,110.6 32.7,110.6 32.5))\",茅箭区,area\n";

  g_assert_true (g_file_set_contents (path, csv, -1, NULL));
  layers = load (path);
  layer = g_ptr_array_index (layers, 0);
  g_assert_cmpuint (pano_gis_layer_get_n_features (layer), ==, 3);
  assert_lonlat_extent (layer, 110.6, 32.5, 110.9, 32.7);
  g_assert_cmpstr (pano_gis_layer_get_value (layer, 1, pano_gis_layer_find_field (layer, "name")),
                   ==, "人民路");
  /* CSV carries no CRS: placed as lon/lat, with a warning the list shows */
  g_assert_nonnull (pano_gis_layer_get_warning (layer));
}

static void
test_polygons_and_lines (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "areas.gpkg", NULL);
  g_autoptr(GPtrArray) layers = NULL;
  double xy[] = { 110.6, 32.5, 110.7, 32.6 };
  PanoGisLayer *layer;
  PanoGeometry g;

  pano_test_write_features (path, "GPKG", 4326,
                            "MULTIPOLYGON (((%1$.3f %2$.3f,110.9 32.5,110.9 32.9,%1$.3f %2$.3f),"
                            "(110.85 32.55,110.88 32.55,110.88 32.58,110.85 32.55)))", 2, xy);
  layers = load (path);
  layer = g_ptr_array_index (layers, 0);
  g_assert_cmpint (pano_gis_layer_get_main_kind (layer), ==, PANO_GEOMETRY_POLYGON);
  pano_gis_layer_get_geometry (layer, 0, &g);
  g_assert_cmpuint (g.n_parts, ==, 2);       /* outer ring and hole */
  g_assert_cmpuint (g.part_starts[1] - g.part_starts[0], ==, 4);
}

/* A Shapefile in CGCS2000 / 3-degree Gauss-Krüger CM 111E, as Shiyan's surveyors deliver. */
static void
test_gauss_kruger_shapefile (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "gk.shp", NULL);
  g_autoptr(GPtrArray) layers = NULL;
  double xy[] = { 479862.417, 3610544.281, 481000.0, 3611000.0 };
  double lat, lon, e[4];
  PanoGisLayer *layer;
  PanoGeometry g;

  pano_test_write_features (path, "ESRI Shapefile", 4546, "POINT (%.3f %.3f)", 2, xy);
  layers = load (path);
  layer = g_ptr_array_index (layers, 0);
  g_assert_nonnull (strstr (pano_gis_layer_get_crs_name (layer), "Gauss"));
  g_assert_null (pano_gis_layer_get_warning (layer));
  pano_gis_layer_get_geometry (layer, 0, &g);
  pano_test_cs2cs ("EPSG:4546", "EPSG:4326", xy[1], xy[0], &lat, &lon);
  g_assert_cmpfloat (pano_test_lonlat_distance_m (pano_mercator_lon_from_x (g.coords[0]),
                                                  pano_mercator_lat_from_y (g.coords[1]),
                                                  lon, lat), <, 0.01);
  g_assert_true (pano_gis_layer_get_extent (layer, e));
}

static void
test_hit_test (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "hit.geojson", NULL);
  g_autoptr(GPtrArray) layers = NULL;
  double xy[2 * N_POINTS];
  PanoGisLayer *layer;
  double x, y, tol = 1e-7;

  fill_points (xy);
  pano_test_write_features (path, "GeoJSON", 4326, "POINT (%.9f %.9f)", N_POINTS, xy);
  layers = load (path);
  layer = g_ptr_array_index (layers, 0);
  x = pano_mercator_x_from_lon (xy[2 * 7]);
  y = pano_mercator_y_from_lat (xy[2 * 7 + 1]);
  g_assert_cmpint (pano_gis_layer_hit_test (layer, x, y, tol), ==, 7);
  g_assert_cmpstr (pano_gis_layer_get_value (layer, 7, 0), ==, "feature 7");
  g_assert_cmpint (pano_gis_layer_hit_test (layer, x + 1e-3, y, tol), ==, -1);
}

static void
test_path_with_spaces_and_chinese (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "测试 数据", NULL);
  g_autofree char *path = g_build_filename (dir, "道路 图层.geojson", NULL);
  g_autoptr(GPtrArray) layers = NULL;
  double xy[2 * N_POINTS];

  g_mkdir_with_parents (dir, 0700);
  fill_points (xy);
  pano_test_write_features (path, "GeoJSON", 4326, "POINT (%.9f %.9f)", N_POINTS, xy);
  layers = load (path);
  g_assert_cmpuint (pano_gis_layer_get_n_features (g_ptr_array_index (layers, 0)), ==, N_POINTS);
  g_assert_cmpstr (pano_gis_layer_get_title (g_ptr_array_index (layers, 0)), ==,
                   "道路 图层.geojson");
}

static void
on_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GPtrArray **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = pano_gis_loader_load_finish (PANO_GIS_LOADER (object), result, &error);
  g_assert_no_error (error);
}

static void
test_async_progress (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "async.gpkg", NULL);
  g_autoptr(PanoGisLoader) loader = pano_gis_loader_new (path);
  g_autoptr(GPtrArray) layers = NULL;
  double xy[2 * N_POINTS];

  fill_points (xy);
  pano_test_write_features (path, "GPKG", 4326, "POINT (%.9f %.9f)", N_POINTS, xy);
  pano_gis_loader_load_async (loader, NULL, on_loaded, &layers);
  while (layers == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (pano_gis_layer_get_n_features (g_ptr_array_index (layers, 0)), ==, N_POINTS);
  g_assert_cmpfloat (pano_gis_loader_get_progress (loader), ==, 1.0);
}

int
main (int argc, char **argv)
{
  static const char *drivers[][2] = {
    { "GPKG", "points.gpkg" },
    { "ESRI Shapefile", "points.shp" },
    { "GeoJSON", "points.geojson" },
    { "GeoJSONSeq", "points.geojsonl" },
    { "FlatGeobuf", "points.fgb" },
  };
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = pano_test_make_tmpdir ();
  for (guint i = 0; i < G_N_ELEMENTS (drivers); i++)
    {
      g_autofree char *name = g_strdup_printf ("/loader/driver/%s", drivers[i][0]);
      g_strdelimit (name + 15, " ", '-');
      g_test_add_data_func (name, drivers[i], check_driver);
    }
  g_test_add_func ("/loader/driver/CSV-WKT", test_csv_wkt);
  g_test_add_func ("/loader/polygons-with-holes", test_polygons_and_lines);
  g_test_add_func ("/loader/gauss-kruger-shapefile", test_gauss_kruger_shapefile);
  g_test_add_func ("/loader/hit-test", test_hit_test);
  g_test_add_func ("/loader/path-with-spaces-and-chinese", test_path_with_spaces_and_chinese);
  g_test_add_func ("/loader/async-progress", test_async_progress);
  status = g_test_run ();
  pano_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
