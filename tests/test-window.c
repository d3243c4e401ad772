// SPDX-License-Identifier: GPL-3.0-or-later
/* The console window under Xvfb, as an operator uses it: the offline base map loads, a file
 * opened on top lists with its count, draws on the map where it belongs, answers a click with
 * its attributes, hides and goes away on request; a broken file says so and harms nothing. */
#include "pano-application.h"
#include "pano-layer-row.h"
#include "pano-test-util.h"
#include "pano-window.h"

#include <math.h>
#include <string.h>

static char *tmpdir;
static double point_xy[] = { 110.7930, 32.6110 };

static gboolean
nothing_loading (gpointer data)
{
  return pano_window_get_n_loading (data) == 0;
}

static guint
n_layers (PanoWindow *window)
{
  return g_list_model_get_n_items (pano_layer_stack_get_model (pano_window_get_layer_stack (window)));
}

/* The map as it is on screen right now, rendered offscreen. */
static GdkTexture *
snapshot_map (PanoWindow *window)
{
  GtkWidget *map = GTK_WIDGET (pano_window_get_map (window));
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (map);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (map));

  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (map),
                          gtk_widget_get_height (map));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return NULL;
  return gsk_renderer_render_texture (renderer, node,
                                      &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (map),
                                                           gtk_widget_get_height (map)));
}

static guint32
texture_pixel (GdkTexture *texture, int x, int y)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guint32 *data = g_new (guint32, (gsize)w * h);

  gdk_texture_download (texture, (guchar *)data, w * 4);
  return data[y * w + x] & 0xffffff;
}

typedef struct
{
  PanoWindow *window;
  int x, y;
  guint32 color;
  gboolean equal;
  int tolerance;    /* per channel */
} PixelWait;

static gboolean
colors_match (guint32 a,
              guint32 b,
              int     tolerance)
{
  for (int shift = 0; shift < 24; shift += 8)
    if (ABS ((int)((a >> shift) & 0xff) - (int)((b >> shift) & 0xff)) > tolerance)
      return FALSE;
  return TRUE;
}

static gboolean
pixel_matches (gpointer data)
{
  PixelWait *w = data;
  g_autoptr(GdkTexture) texture = snapshot_map (w->window);
  guint32 pixel;

  if (texture == NULL)
    return FALSE;
  pixel = texture_pixel (texture, w->x, w->y);
  if (g_getenv ("PANO_TEST_TRACE"))
    g_printerr ("pixel (%d, %d) = %06x, want %s%06x\n", w->x, w->y, pixel, w->equal ? "" : "not ",
                w->color);
  return colors_match (pixel, w->color, w->tolerance) == w->equal;
}

/* @a over @b at @alpha, channel by channel */
static guint32
blend (guint32 a,
       guint32 b,
       double  alpha)
{
  guint32 out = 0;

  for (int shift = 0; shift < 24; shift += 8)
    out |= (guint32)round (alpha * ((a >> shift) & 0xff) + (1 - alpha) * ((b >> shift) & 0xff))
           << shift;
  return out;
}

static gboolean
map_is_allocated (gpointer data)
{
  return gtk_widget_get_width (GTK_WIDGET (pano_window_get_map (data))) > 0;
}

/* Where the point is in the map widget: the map must have its size first, or every point is
 * at (0, 0) (on a busy machine the first layout can come after the layers have loaded). */
static void
point_widget_coords (PanoWindow *window, int *x, int *y)
{
  ShumateMap *map = pano_window_get_map (window);
  double fx, fy;

  pano_test_wait_until (map_is_allocated, window);
  shumate_viewport_location_to_widget_coords (shumate_map_get_viewport (map), GTK_WIDGET (map),
                                              point_xy[1], point_xy[0], &fx, &fy);
  *x = (int)fx, *y = (int)fy;
}

static void
test_console (void)
{
  g_autofree char *layer_path = g_build_filename (tmpdir, "哨点 sentinel.geojson", NULL);
  g_autofree char *broken = g_build_filename (tmpdir, "坏文件.shp", NULL);
  PanoWindow *window = pano_window_new (NULL);
  PixelWait wait = { window, 0, 0, 0xe01b24, TRUE, 0 };
  guint32 base;
  g_autoptr(PanoStaticLayer) top = NULL;
  PanoFeaturePanel *panel = pano_window_get_feature_panel (window);
  GtkWidget *row;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  pano_test_wait_until (nothing_loading, window);
  g_assert_cmpuint (n_layers (window), ==, 2);   /* the base map and the facilities */

  /* open a GIS file on top */
  pano_test_write_features (layer_path, "GeoJSON", 4326, "POINT (%.6f %.6f)", 1, point_xy);
  pano_window_open_source (window, layer_path);
  pano_test_wait_until (nothing_loading, window);
  g_assert_cmpuint (n_layers (window), ==, 3);
  top = g_list_model_get_item (pano_layer_stack_get_model (pano_window_get_layer_stack (window)), 0);
  g_assert_cmpstr (pano_static_layer_get_title (top), ==, "哨点 sentinel.geojson");
  g_assert_cmpuint (pano_static_layer_get_n_features (top), ==, 1);
  row = pano_layer_list_get_row (pano_window_get_layer_list (window), 0);
  g_assert_true (PANO_IS_LAYER_ROW (row));
  g_assert_true (pano_layer_row_get_layer (PANO_LAYER_ROW (row)) == top);

  /* it is drawn where it belongs, in the first layer colour */
  shumate_map_stop_go_to (pano_window_get_map (window));
  shumate_map_center_on (pano_window_get_map (window), point_xy[1], point_xy[0]);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (pano_window_get_map (window)), 14);
  point_widget_coords (window, &wait.x, &wait.y);
  pano_test_wait_until (pixel_matches, &wait);

  /* a click on it shows its attributes */
  g_assert_true (pano_window_select_at (window, wait.x + 1, wait.y));
  g_assert_cmpstr (pano_feature_panel_get_value (panel, "name"), ==, "feature 0");

  /* a new colour from the list redraws it in that colour */
  pano_static_layer_set_color (top, &(GdkRGBA) { 0, 0, 1, 1 });
  wait.color = 0x0000ff;
  pano_test_wait_until (pixel_matches, &wait);

  /* hidden, it disappears from the map */
  pano_static_layer_set_visible (top, FALSE);
  wait.equal = FALSE;
  pano_test_wait_until (pixel_matches, &wait);
  {
    g_autoptr(GdkTexture) texture = snapshot_map (window);

    base = texture_pixel (texture, wait.x, wait.y);
  }
  pano_static_layer_set_visible (top, TRUE);

  /* at 40 % opacity it is composed over the base map beneath it */
  pano_static_layer_set_opacity (top, 0.4);
  wait = (PixelWait) { window, wait.x, wait.y, blend (0x0000ff, base, 0.4), TRUE, 3 };
  pano_test_wait_until (pixel_matches, &wait);
  pano_static_layer_set_opacity (top, 1);
  wait = (PixelWait) { window, wait.x, wait.y, 0x0000ff, TRUE, 0 };
  pano_test_wait_until (pixel_matches, &wait);
  wait.equal = FALSE;

  /* lowered under the base map, the opaque base hides it; raised again, it shows */
  g_assert_true (pano_layer_stack_move (pano_window_get_layer_stack (window), top, 2));
  g_assert_false (pano_layer_stack_move (pano_window_get_layer_stack (window), top, 1));
  pano_test_wait_until (pixel_matches, &wait);
  g_assert_true (pano_layer_stack_move (pano_window_get_layer_stack (window), top, -2));
  wait.equal = TRUE;
  pano_test_wait_until (pixel_matches, &wait);

  /* a broken file: a message naming it, and every layer still there */
  g_assert_true (g_file_set_contents (broken, "garbage", -1, NULL));
  pano_window_open_source (window, broken);
  pano_test_wait_until (nothing_loading, window);
  g_assert_nonnull (strstr (pano_window_get_last_message (window), "坏文件.shp"));
  g_assert_cmpuint (n_layers (window), ==, 3);

  /* removed, it leaves the list */
  pano_layer_stack_remove (pano_window_get_layer_stack (window), top);
  g_assert_cmpuint (n_layers (window), ==, 2);

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
banner_shown (gpointer data)
{
  return pano_window_get_banner (data) != NULL;
}

/* A tile server that refuses connections: a banner names it and the offline map returns. */
static void
test_failing_tile_server (void)
{
  PanoWindow *window = pano_window_new (NULL);
  g_autoptr(PanoStaticLayer) base = NULL;
  GListModel *model;

  gtk_window_present (GTK_WINDOW (window));
  pano_test_wait_until (nothing_loading, window);
  pano_window_set_tile_url (window, "http://127.0.0.1:1/tiles/{z}/{x}/{y}.png");
  model = pano_layer_stack_get_model (pano_window_get_layer_stack (window));
  base = g_list_model_get_item (model, g_list_model_get_n_items (model) - 1);
  g_assert_false (pano_static_layer_get_visible (base));

  pano_test_wait_until (banner_shown, window);
  g_assert_nonnull (strstr (pano_window_get_banner (window), "127.0.0.1"));
  g_assert_true (pano_static_layer_get_visible (base));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  tmpdir = pano_test_make_tmpdir ();
  g_test_add_func ("/window/console", test_console);
  g_test_add_func ("/window/failing-tile-server", test_failing_tile_server);
  status = g_test_run ();
  pano_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
