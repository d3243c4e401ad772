// SPDX-License-Identifier: GPL-3.0-or-later
/* The console on a real hub, as an operator sees it: the indicator says Live, the simulated
 * city's stations are on the map, a click on one shows its AQI in the side panel; when the hub
 * dies the indicator says so, a banner appears and the last picture stays; when it comes back
 * the console is live again by itself. */
#include "pano-application.h"
#include "pano-live-classify.h"
#include "pano-test-hub.h"
#include "pano-test-util.h"
#include "pano-window.h"

#include <string.h>

static char *tmpdir;

static gboolean
is_live (gpointer data)
{
  PanoWindow *window = data;
  PanoLiveStore *store = pano_window_get_live_store (window);

  return g_str_has_prefix (pano_window_get_feed_status (window), "● Live") &&
         pano_live_layer_get_n_entities (pano_live_store_get_layer (store, "environment")) > 0 &&
         pano_window_get_n_loading (window) == 0;
}

static gboolean
not_live (gpointer data)
{
  return !g_str_has_prefix (pano_window_get_feed_status (data), "● Live");
}

static gboolean
banner_names_hub (gpointer data)
{
  const char *banner = pano_window_get_banner (data);

  return banner != NULL && strstr (banner, "unreachable") != NULL;
}

static gboolean
banner_gone (gpointer data)
{
  return pano_window_get_banner (data) == NULL;
}

/* Some environment station, and where it is on screen. */
static const char *
find_station (PanoWindow *window, double *x, double *y)
{
  PanoLiveLayer *env = pano_live_store_get_layer (pano_window_get_live_store (window),
                                                  "environment");
  ShumateMap *map = pano_window_get_map (window);
  int slot = -1;
  double wx, wy;

  for (guint i = 0; i < 100 && slot < 0; i++)
    {
      g_autofree char *id = g_strdup_printf ("env-%u", i);
      slot = pano_live_layer_lookup (env, id);
    }
  g_assert_cmpint (slot, >=, 0);
  pano_live_layer_get_position (env, slot, &wx, &wy);
  shumate_map_stop_go_to (map);
  shumate_map_center_on (map, 180.0 / G_PI * atan (sinh (G_PI * (1 - 2 * wy))), wx * 360 - 180);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (map), 16);
  *x = gtk_widget_get_width (GTK_WIDGET (map)) / 2.0;
  *y = gtk_widget_get_height (GTK_WIDGET (map)) / 2.0;
  return pano_live_layer_get_id (env, slot);
}

typedef struct
{
  PanoWindow *window;
  double x, y;
} Click;

static gboolean
click_selects (gpointer data)
{
  Click *c = data;

  return pano_window_select_at (c->window, c->x, c->y);
}

static void
test_live_console (void)
{
  const char *simulate[] = { "--simulate", "--speed", "20", NULL };
  PanoTestHub *hub = pano_test_hub_start (tmpdir, simulate);
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%s", strrchr (hub->url, ':') + 1);
  const char *restart[] = { "--simulate", "--listen", listen, NULL };
  PanoWindow *window = pano_window_new (NULL);
  PanoFeaturePanel *panel = pano_window_get_feature_panel (window);
  g_autofree char *station = NULL;
  Click click;
  double x, y;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  pano_window_set_hub (window, hub->url, "view");
  gtk_window_present (GTK_WINDOW (window));
  pano_test_wait_until (is_live, window);

  /* a click on a station shows its properties, AQI among them (once the map has drawn the
   * stations one by one at this zoom, not as bins) */
  station = g_strdup (find_station (window, &x, &y));
  click = (Click) { window, x, y };
  pano_test_wait_until (click_selects, &click);
  g_assert_nonnull (pano_feature_panel_get_value (panel, "aqi"));
  g_test_message ("%s: AQI %s", station, pano_feature_panel_get_value (panel, "aqi"));

  /* the hub dies: the indicator, then a banner; the picture stays */
  pano_test_hub_kill (hub);
  pano_test_wait_until (not_live, window);
  pano_test_wait_until (banner_names_hub, window);
  g_assert_cmpfloat (pano_window_get_live_opacity (window), <, 1.0);
  g_assert_cmpuint (pano_live_layer_get_n_entities (
    pano_live_store_get_layer (pano_window_get_live_store (window), "environment")), >, 0);

  /* it comes back on the same address: live again, banner gone, without anyone acting */
  pano_test_hub_free (hub);
  hub = pano_test_hub_start (tmpdir, restart);
  pano_test_wait_until (is_live, window);
  pano_test_wait_until (banner_gone, window);
  g_assert_cmpfloat (pano_window_get_live_opacity (window), ==, 1.0);

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
  g_test_add_func ("/window-live/console-on-a-real-hub", test_live_console);
  status = g_test_run ();
  pano_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
