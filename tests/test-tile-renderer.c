// SPDX-License-Identifier: GPL-3.0-or-later
/* The tile renderer puts features on the pixels Web Mercator says, in the layer's colour,
 * crisp at street zoom, and seamless across tile edges. */
#include "pano-gis-loader.h"
#include "pano-mercator.h"
#include "pano-test-util.h"
#include "pano-tile-renderer.h"

#include <math.h>

static char *tmpdir;
static const PanoColor red = { 1, 0, 0, 1 };

typedef struct
{
  guint8 r, g, b, a;
} Pixel;

static Pixel
pixel_at (cairo_surface_t *surface, int x, int y)
{
  const guint8 *row = cairo_image_surface_get_data (surface) +
                      y * cairo_image_surface_get_stride (surface);
  guint32 v = ((const guint32 *)row)[x];

  return (Pixel) { (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff, v >> 24 };
}

static PanoTileRenderer *
renderer_for (const char *name, const char *wkt_format, guint n, const double *xy)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(PanoGisLoader) loader = pano_gis_loader_new (path);
  g_autoptr(GPtrArray) layers = NULL;
  g_autoptr(GError) error = NULL;
  PanoTileRenderer *renderer = pano_tile_renderer_new ();
  PanoStyle style;

  pano_test_write_features (path, "GeoJSON", 4326, wkt_format, n, xy);
  layers = pano_gis_loader_load (loader, NULL, &error);
  g_assert_no_error (error);
  pano_style_init_for_color (&style, &red);
  pano_tile_renderer_add (renderer, g_ptr_array_index (layers, 0), &style);
  return renderer;
}

/* The tile holding (lon, lat) at zoom z, and the pixel inside it. */
static void
locate (double lon, double lat, int z, guint *tx, guint *ty, int *px, int *py)
{
  double wx = pano_mercator_x_from_lon (lon) * pano_mercator_world_size (z);
  double wy = pano_mercator_y_from_lat (lat) * pano_mercator_world_size (z);

  *tx = (guint)(wx / 256), *ty = (guint)(wy / 256);
  *px = (int)round (wx - *tx * 256.0), *py = (int)round (wy - *ty * 256.0);
}

static void
test_point_pixel (void)
{
  double xy[] = { 110.7987, 32.6291 };
  g_autoptr(PanoTileRenderer) renderer = renderer_for ("point.geojson", "POINT (%.6f %.6f)",
                                                       1, xy);
  guint tx, ty;
  int px, py;
  cairo_surface_t *tile;
  Pixel p;

  locate (xy[0], xy[1], 14, &tx, &ty, &px, &py);
  g_assert_true (px >= 16 && px <= 240 && py >= 16 && py <= 240);
  tile = pano_tile_renderer_render_tile (renderer, tx, ty, 14, 256);
  p = pixel_at (tile, px, py);
  g_assert_cmpuint (p.a, ==, 255);
  g_assert_cmpuint (p.r, ==, 255);
  g_assert_cmpuint (p.g, ==, 0);
  /* a dot, not a smear: 12 px away there is nothing */
  g_assert_cmpuint (pixel_at (tile, px > 128 ? px - 12 : px + 12, py).a, ==, 0);
  cairo_surface_destroy (tile);
}

static void
test_crisp_line_at_street_zoom (void)
{
  double xy[] = { 32.6291, 32.6291 };  /* both ends on one parallel */
  g_autoptr(PanoTileRenderer) renderer =
    renderer_for ("line.geojson", "LINESTRING (110.70 %.6f, 110.90 %.6f)", 1, xy);
  guint tx, ty;
  int px, py;
  cairo_surface_t *tile;

  locate (110.7987, xy[0], 18, &tx, &ty, &px, &py);
  py = CLAMP (py, 4, 251);
  tile = pano_tile_renderer_render_tile (renderer, tx, ty, 18, 256);
  /* a 2-px line drawn as vectors at z18: solid in its middle, empty 4 px off */
  g_assert_cmpuint (MAX (pixel_at (tile, 100, py).a, pixel_at (tile, 100, py - 1).a), ==, 255);
  g_assert_cmpuint (pixel_at (tile, 100, py - 4).a, ==, 0);
  g_assert_cmpuint (pixel_at (tile, 100, py + 4).a, ==, 0);
  cairo_surface_destroy (tile);
}

static void
test_polygon_fill (void)
{
  double xy[] = { 110.0, 32.0 };
  g_autoptr(PanoTileRenderer) renderer =
    renderer_for ("area.geojson", "POLYGON ((%1$.1f %2$.1f,112 %2$.1f,112 34,%1$.1f 34,%1$.1f %2$.1f))",
                  1, xy);
  guint tx, ty;
  int px, py;
  cairo_surface_t *tile;
  Pixel p;

  locate (111, 33, 12, &tx, &ty, &px, &py);
  tile = pano_tile_renderer_render_tile (renderer, tx, ty, 12, 256);
  p = pixel_at (tile, 128, 128);
  /* the translucent fill: 35 % of the layer colour, premultiplied */
  g_assert_cmpint (abs ((int)p.a - (int)(0.35 * 255)), <=, 1);
  g_assert_cmpint (abs ((int)p.r - (int)p.a), <=, 1);
  cairo_surface_destroy (tile);
}

/* A point on the edge between two tiles is drawn half in each, so no seam cuts it. */
static void
test_seamless_tile_edge (void)
{
  int z = 15;
  double world = pano_mercator_world_size (z);
  double lat = 32.6291;
  double edge_x = (floor (pano_mercator_x_from_lon (110.7987) * world / 256) + 1) * 256;
  double xy[] = { pano_mercator_lon_from_x (edge_x / world), lat };
  g_autoptr(PanoTileRenderer) renderer = renderer_for ("edge.geojson", "POINT (%.10f %.10f)", 1, xy);
  guint tx, ty;
  int px, py;
  cairo_surface_t *left, *right;

  locate (xy[0], xy[1], z, &tx, &ty, &px, &py);
  py = CLAMP (py, 0, 255);
  right = pano_tile_renderer_render_tile (renderer, tx, ty, z, 256);
  left = pano_tile_renderer_render_tile (renderer, tx - 1, ty, z, 256);
  g_assert_cmpuint (pixel_at (left, 255, py).a, ==, 255);
  g_assert_cmpuint (pixel_at (right, 0, py).a, ==, 255);
  cairo_surface_destroy (left);
  cairo_surface_destroy (right);
}

/* Rows in which the label's own colour (blue) is inked: the text's height in pixels. */
static int
label_rows (cairo_surface_t *tile)
{
  int top = -1, bottom = -1;

  for (int y = 0; y < 256; y++)
    for (int x = 0; x < 256; x++)
      {
        Pixel p = pixel_at (tile, x, y);

        if (p.b > 160 && p.r < 80 && p.g < 80)
          {
            if (top < 0)
              top = y;
            bottom = y;
            break;
          }
      }
  return top < 0 ? 0 : bottom - top + 1;
}

/* A wall's text scale makes the base map's names that much taller (issue 10: readable at
 * 5 m), and their halo with them. */
static void
test_label_scale (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "named.geojson", NULL);
  g_autoptr(PanoGisLoader) loader = NULL;
  g_autoptr(GPtrArray) layers = NULL;
  g_autoptr(GError) error = NULL;
  const PanoColor blue = { 0, 0, 1, 1 };
  int heights[2];
  guint tx, ty;
  int px, py;

  g_assert_true (g_file_set_contents (path,
    "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
    "\"properties\":{\"name\":\"张湾区\"},\"geometry\":{\"type\":\"Point\","
    "\"coordinates\":[110.7987,32.6291]}}]}", -1, &error));
  loader = pano_gis_loader_new (path);
  layers = pano_gis_loader_load (loader, NULL, &error);
  g_assert_no_error (error);
  locate (110.7987, 32.6291, 12, &tx, &ty, &px, &py);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(PanoTileRenderer) renderer = pano_tile_renderer_new ();
      cairo_surface_t *tile;
      PanoStyle style;

      pano_style_init_for_color (&style, &red);
      style.label_field = "name";
      style.label_min_zoom = 0;
      style.label_size = 12;
      style.label_color = blue;
      pano_tile_renderer_add (renderer, g_ptr_array_index (layers, 0), &style);
      pano_tile_renderer_set_label_scale (renderer, i == 0 ? 1.0 : 2.0);
      tile = pano_tile_renderer_render_tile (renderer, tx, ty, 12, 256);
      heights[i] = label_rows (tile);
      cairo_surface_destroy (tile);
    }
  g_test_message ("label %d px high at scale 1, %d px at scale 2", heights[0], heights[1]);
  g_assert_cmpint (heights[0], >=, 6);
  g_assert_cmpfloat ((double) heights[1] / heights[0], >=, 1.7);
  g_assert_cmpfloat ((double) heights[1] / heights[0], <=, 2.3);
}

static void
test_background (void)
{
  g_autoptr(PanoTileRenderer) renderer = pano_tile_renderer_new ();
  PanoColor sea = { 0, 0, 1, 1 };
  cairo_surface_t *tile;

  pano_tile_renderer_set_background (renderer, &sea);
  tile = pano_tile_renderer_render_tile (renderer, 0, 0, 0, 512);
  g_assert_cmpint (cairo_image_surface_get_width (tile), ==, 512);
  g_assert_cmpuint (pixel_at (tile, 511, 511).b, ==, 255);
  g_assert_cmpuint (pixel_at (tile, 0, 0).a, ==, 255);
  cairo_surface_destroy (tile);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = pano_test_make_tmpdir ();
  g_test_add_func ("/tile-renderer/point-on-its-pixel", test_point_pixel);
  g_test_add_func ("/tile-renderer/crisp-line-z18", test_crisp_line_at_street_zoom);
  g_test_add_func ("/tile-renderer/polygon-fill", test_polygon_fill);
  g_test_add_func ("/tile-renderer/seamless-edge", test_seamless_tile_edge);
  g_test_add_func ("/tile-renderer/background", test_background);
  g_test_add_func ("/tile-renderer/label-scale", test_label_scale);
  status = g_test_run ();
  pano_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
