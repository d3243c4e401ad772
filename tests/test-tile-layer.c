// SPDX-License-Identifier: GPL-3.0-or-later
/* The composed tile layer under Xvfb: the tiles a frame lacks are asked for after it is painted
 * and arrive; a map closed while tiles are still being drawn lets them finish without touching
 * what it has let go of (no critical, under G_DEBUG=fatal-criticals). */
#include "pano-base-map.h"
#include "pano-test-util.h"
#include "pano-tile-layer.h"
#include "pano-tile-source.h"

typedef struct
{
  GtkWindow *window;
  ShumateMap *map;
  PanoTileLayer *tiles;
  GPtrArray *base;
} Scene;

static Scene *
scene_new (void)
{
  Scene *s = g_new0 (Scene, 1);
  g_autofree char *data_dir = pano_base_map_find_data_dir ();
  g_autoptr(PanoTileRenderer) empty = pano_tile_renderer_new ();
  g_autoptr(PanoTileSource) reference = pano_tile_source_new ("reference", empty);
  g_autoptr(GError) error = NULL;
  ShumateViewport *viewport;
  PanoTileRenderer *renderer;
  double opacity = 1;

  s->base = pano_base_map_load (data_dir, NULL, &error);
  g_assert_no_error (error);
  s->window = GTK_WINDOW (gtk_window_new ());
  s->map = shumate_map_new ();
  viewport = shumate_map_get_viewport (s->map);
  shumate_viewport_set_reference_map_source (viewport, SHUMATE_MAP_SOURCE (reference));
  shumate_viewport_set_max_zoom_level (viewport, 19);
  gtk_window_set_child (s->window, GTK_WIDGET (s->map));
  gtk_window_set_default_size (s->window, 1280, 800);
  s->tiles = pano_tile_layer_new (viewport);
  shumate_map_add_layer (s->map, SHUMATE_LAYER (s->tiles));
  renderer = pano_static_layer_get_renderer (g_ptr_array_index (s->base, 0));
  pano_tile_layer_set_parts (s->tiles, &renderer, &opacity, 1);
  shumate_map_center_on (s->map, 32.629, 110.798);
  shumate_viewport_set_zoom_level (viewport, 12);
  gtk_window_present (s->window);
  return s;
}

static gboolean
tiles_pending (gpointer data)
{
  return pano_tile_layer_get_n_pending (((Scene *)data)->tiles) > 0;
}

static gboolean
tiles_done (gpointer data)
{
  return pano_tile_layer_get_n_pending (((Scene *)data)->tiles) == 0;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *)data;
}

static void
set_true (gpointer data)
{
  *(gboolean *)data = TRUE;
}

/* Whether the map shows something opaque at its centre and near each corner. */
static gboolean
view_opaque (Scene *s)
{
  GtkWidget *map = GTK_WIDGET (s->map);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (map);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int w = gtk_widget_get_width (map), h = gtk_widget_get_height (map);
  g_autofree guint32 *data = NULL;

  if (w == 0)
    return FALSE;
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  if (!(node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot))))
    return FALSE;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (s->window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  data = g_new (guint32, (gsize)w * h);
  gdk_texture_download (texture, (guchar *)data, w * 4);
  return (data[(h / 2) * w + w / 2] >> 24) == 0xff && (data[2 * w + 2] >> 24) == 0xff &&
         (data[2 * w + w - 3] >> 24) == 0xff && (data[(h - 3) * w + 2] >> 24) == 0xff &&
         (data[(h - 3) * w + w - 3] >> 24) == 0xff;
}

/* Every tile of the view drawn and nothing more to draw. */
static gboolean
all_drawn (gpointer data)
{
  return tiles_done (data) && view_opaque (data);
}

/* Drawing asks for nothing itself; the tiles it lacked are asked for after the frame, arrive,
 * and the map is drawn whole. */
static void
test_tiles_arrive (void)
{
  Scene *s = scene_new ();

  pano_test_wait_until (tiles_pending, s);
  pano_test_wait_until (all_drawn, s);
  gtk_window_destroy (s->window);
  g_ptr_array_unref (s->base);
  g_free (s);
}

/* Disposed while tiles are drawn on worker threads (each job holds the layer, so dispose runs
 * before they end whenever an owner runs it, as language bindings and containers may): each
 * finishes and finds nothing to store, and nothing is touched that dispose let go of. */
static void
test_closed_while_drawing (void)
{
  Scene *s = scene_new ();
  GObject *tiles = G_OBJECT (s->tiles);
  gboolean finalized = FALSE;

  /* data, not a weak pointer: those are let go of by dispose already */
  g_object_set_data_full (tiles, "test-finalized", &finalized, set_true);
  pano_test_wait_until (tiles_pending, s);
  g_test_message ("%u tiles in flight at close", pano_tile_layer_get_n_pending (s->tiles));
  gtk_window_destroy (s->window);
  g_assert_false (finalized);   /* still held by the jobs */
  g_object_run_dispose (tiles);
  pano_test_wait_until (is_true, &finalized);
  g_ptr_array_unref (s->base);
  g_free (s);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tile-layer/tiles-arrive", test_tiles_arrive);
  g_test_add_func ("/tile-layer/closed-while-drawing", test_closed_while_drawing);
  return g_test_run ();
}
