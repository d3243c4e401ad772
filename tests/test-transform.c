// SPDX-License-Identifier: GPL-3.0-or-later
/* Coordinates from China's CGCS2000 Gauss-Krüger zones and from UTM reach WGS84 within a
 * centimetre of PROJ's own cs2cs, whatever axis order the EPSG definition declares. */
#include "pano-transform.h"
#include "pano-error.h"
#include "pano-test-util.h"

#include <string.h>

typedef struct
{
  int epsg;
  double easting, northing;
  gboolean northing_first;  /* EPSG axis order of the projected CRS */
} Case;

static void
check_case (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *definition = g_strdup_printf ("EPSG:%d", c->epsg);
  g_autoptr(GError) error = NULL;
  g_autoptr(PanoTransform) transform = pano_transform_new_for_definition (definition, &error);
  double x = c->easting, y = c->northing, lat, lon;

  g_assert_no_error (error);
  g_assert_false (pano_transform_is_identity (transform));
  g_assert_true (pano_transform_to_lonlat (transform, 1, &x, &y, &error));
  g_assert_no_error (error);

  if (c->northing_first)
    pano_test_cs2cs (definition, "EPSG:4326", c->northing, c->easting, &lat, &lon);
  else
    pano_test_cs2cs (definition, "EPSG:4326", c->easting, c->northing, &lat, &lon);

  g_test_message ("EPSG:%d (%.3f, %.3f) → %.9f, %.9f; cs2cs %.9f, %.9f", c->epsg, c->easting,
                  c->northing, x, y, lon, lat);
  g_assert_cmpfloat (pano_test_lonlat_distance_m (x, y, lon, lat), <, 0.01);
}

static void
test_identity (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PanoTransform) t = pano_transform_new_for_definition ("EPSG:4326", &error);
  double x = 110.8, y = 32.6;

  g_assert_no_error (error);
  g_assert_true (pano_transform_is_identity (t));
  g_assert_true (pano_transform_to_lonlat (t, 1, &x, &y, &error));
  g_assert_cmpfloat (x, ==, 110.8);
  g_assert_cmpfloat (y, ==, 32.6);
}

static void
test_unknown_crs (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PanoTransform) t = pano_transform_new_for_definition ("EPSG:999999", &error);

  g_assert_null (t);
  g_assert_error (error, PANO_GIS_ERROR, PANO_GIS_ERROR_CRS);
  g_assert_nonnull (strstr (error->message, "EPSG:999999"));
}

static void
test_engineering_crs (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PanoTransform) t =
    pano_transform_new_for_definition ("LOCAL_CS[\"Site grid\",UNIT[\"metre\",1]]", &error);

  g_assert_null (t);
  g_assert_error (error, PANO_GIS_ERROR, PANO_GIS_ERROR_CRS);
  g_assert_nonnull (strstr (error->message, "Site grid"));
}

int
main (int argc, char **argv)
{
  /* Shiyan lies in the 111°E zone (EPSG:4546); Wuhan-side cities in 114°E (EPSG:4547). */
  static const Case cases[] = {
    { 4546, 479862.417, 3610544.281, TRUE },
    { 4547, 512345.678, 3400123.456, TRUE },
    { 32649, 574620.125, 3609711.734, FALSE },
  };

  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/transform/cgcs2000-gk-111e", &cases[0], check_case);
  g_test_add_data_func ("/transform/cgcs2000-gk-114e", &cases[1], check_case);
  g_test_add_data_func ("/transform/utm-49n", &cases[2], check_case);
  g_test_add_func ("/transform/identity", test_identity);
  g_test_add_func ("/transform/unknown-crs", test_unknown_crs);
  g_test_add_func ("/transform/engineering-crs", test_engineering_crs);
  return g_test_run ();
}
