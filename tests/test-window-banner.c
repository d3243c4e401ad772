// SPDX-License-Identifier: GPL-3.0-or-later
/* The window's banner as an operator reads it, with a real tile server and a real hub on
 * 127.0.0.1: the hub gone and the tile server failing are two messages, neither hiding the other;
 * when the tile server is back its message goes, the hub's stays, and the online map shows again
 * instead of the offline one; a refused token says so at once and the console stops trying. */
#include "pano-application.h"
#include "pano-test-hub.h"
#include "pano-test-tiles.h"
#include "pano-test-util.h"
#include "pano-window.h"

#include <string.h>

#define TILE_COLOUR 0xc040a0   /* nothing on the offline map has it */

static char *tmpdir;

static gboolean
nothing_loading (gpointer data)
{
  return pano_window_get_n_loading (data) == 0;
}

static gboolean
banner_has (PanoWindow *window, const char *text)
{
  const char *banner = pano_window_get_banner (window);

  return banner != NULL && strstr (banner, text) != NULL;
}

static gboolean
hub_and_tiles_told (gpointer data)
{
  return banner_has (data, "unreachable") && banner_has (data, "tile server");
}

static gboolean
tiles_back (gpointer data)
{
  return !banner_has (data, "tile server");
}

static PanoStaticLayer *
offline_base_map (PanoWindow *window)
{
  GListModel *model = pano_layer_stack_get_model (pano_window_get_layer_stack (window));

  return g_list_model_get_item (model, g_list_model_get_n_items (model) - 1);
}

/* The share of the map's pixels that have @rgb. */
static double
share_of_colour (PanoWindow *window,
                 guint32     rgb)
{
  GtkWidget *map = GTK_WIDGET (pano_window_get_map (window));
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (map);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int w = gtk_widget_get_width (map), h = gtk_widget_get_height (map);
  g_autofree guint32 *data = NULL;
  gsize n = 0;

  if (w == 0)
    return 0;
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  if (!(node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot))))
    return 0;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (map)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  data = g_new (guint32, (gsize)w * h);
  gdk_texture_download (texture, (guchar *)data, w * 4);
  for (gsize i = 0; i < (gsize)w * h; i++)
    n += (data[i] & 0xffffff) == rgb;
  return (double)n / ((gsize)w * h);
}

static gboolean
online_map_shown (gpointer data)
{
  /* the online tiles, with the facility sites drawn over them */
  return share_of_colour (data, TILE_COLOUR) > 0.8;
}

static void
test_two_owners (void)
{
  PanoTestTiles *tiles = pano_test_tiles_new (TILE_COLOUR);
  PanoWindow *window = pano_window_new (NULL);
  g_autoptr(PanoStaticLayer) base = NULL;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  /* nothing listens on port 1: the hub is unreachable */
  pano_window_set_hub (window, "http://127.0.0.1:1", "view");
  tiles->mode = PANO_TEST_TILES_FAIL;
  pano_window_set_tile_url (window, tiles->url);
  pano_online_source_set_recovery (pano_window_get_online_source (window), 200, 1000);
  gtk_window_present (GTK_WINDOW (window));
  pano_test_wait_until (nothing_loading, window);
  base = offline_base_map (window);

  /* both situations are told, one line each */
  pano_test_wait_until (hub_and_tiles_told, window);
  g_test_message ("%s", pano_window_get_banner (window));
  g_assert_true (pano_static_layer_get_visible (base));

  /* the tile server is back: its line goes, the hub's stays, the online map is on top again */
  tiles->mode = PANO_TEST_TILES_OK;
  pano_test_wait_until (tiles_back, window);
  g_assert_true (banner_has (window, "unreachable"));
  g_assert_false (pano_static_layer_get_visible (base));
  pano_test_wait_until (online_map_shown, window);

  /* dismissed, the banner stays hidden while nothing new is to be said */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.dismiss-banner", NULL);
  g_assert_null (pano_window_get_banner (window));

  gtk_window_destroy (GTK_WINDOW (window));
  pano_test_tiles_free (tiles);
}

static gboolean
refusal_told (gpointer data)
{
  return banner_has (data, "refused") && strstr (pano_window_get_feed_status (data), "refused");
}

/* A wrong token: told at once (not after the 10 s an unreachable hub waits for), and final. */
static void
test_refused_token (void)
{
  PanoTestHub *hub = pano_test_hub_start (tmpdir, NULL);
  PanoWindow *window = pano_window_new (NULL);
  PanoFeedClient *feed;

  pano_window_set_hub (window, hub->url, "wrong");
  gtk_window_present (GTK_WINDOW (window));
  pano_test_wait_until (refusal_told, window);
  g_test_message ("%s — %s", pano_window_get_feed_status (window),
                  pano_window_get_banner (window));
  feed = pano_window_get_feed (window);
  g_assert_cmpint (pano_feed_client_get_state (feed), ==, PANO_FEED_OFFLINE);
  g_assert_false (pano_feed_client_is_retrying (feed));
  g_assert_cmpuint (pano_feed_client_get_n_attempts (feed), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  pano_test_hub_free (hub);
}

int
main (int argc, char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  tmpdir = pano_test_make_tmpdir ();
  g_test_add_func ("/window-banner/two-owners", test_two_owners);
  g_test_add_func ("/window-banner/refused-token", test_refused_token);
  status = g_test_run ();
  pano_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
