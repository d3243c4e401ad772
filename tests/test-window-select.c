// SPDX-License-Identifier: GPL-3.0-or-later
/* Pointing at things in the console, on a real hub, with the real pointer of the X server the
 * tests run on: a vehicle driving along a road is selected where it is drawn, not the road under
 * it; its hover card stays while the pointer is on it, through the refreshes every second, and
 * goes for good when the pointer leaves; the side panel lets go of a feature whose layer is
 * removed. */
#include "pano-application.h"
#include "pano-live-layer-row.h"
#include "pano-test-hub.h"
#include "pano-test-pointer.h"
#include "pano-test-util.h"
#include "pano-window.h"

#include <gdk/x11/gdkx.h>
#include <math.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <string.h>

#define AMBULANCE_GREEN 0x2e7d32   /* 待命 */

static char *tmpdir;

#define ROAD \
  "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"id\":\"road-1\"," \
  "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[110.770,32.630],[110.810,32.630]]}," \
  "\"properties\":{\"name\":\"北京路\",\"congestion\":\"畅通\",\"speed_kmh\":48.2,\"class\":\"arterial\"}}]}"

static char *
vehicle (double lon)
{
  return g_strdup_printf ("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                          "\"id\":\"amb-9\",\"geometry\":{\"type\":\"Point\",\"coordinates\":"
                          "[%.4f,32.630]},\"properties\":{\"kind\":\"ambulance\","
                          "\"status\":\"available\",\"speed_kmh\":40}}]}", lon);
}

typedef struct
{
  PanoWindow *window;
  double lon;          /* where the vehicle should be reported */
} Wait;

static gboolean
both_layers_live (gpointer data)
{
  Wait *w = data;
  PanoLiveStore *store = pano_window_get_live_store (w->window);
  PanoLiveLayer *resources = pano_live_store_get_layer (store, "resources");
  int slot = pano_live_layer_lookup (resources, "amb-9");
  double x, y;

  if (pano_live_layer_get_n_entities (pano_live_store_get_layer (store, "traffic")) == 0 ||
      slot < 0 || pano_window_get_n_loading (w->window) > 0)
    return FALSE;
  pano_live_layer_get_position (resources, slot, &x, &y);
  return fabs (x * 360 - 180 - w->lon) < 1e-6;
}

static gboolean
map_allocated (gpointer data)
{
  return gtk_widget_get_width (GTK_WIDGET (pano_window_get_map (data))) > 0;
}

static GdkTexture *
snapshot_map (PanoWindow *window)
{
  GtkWidget *map = GTK_WIDGET (pano_window_get_map (window));
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (map);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;

  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (map),
                          gtk_widget_get_height (map));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return NULL;   /* not drawn yet */
  return gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (map)), node,
                                      &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (map),
                                                           gtk_widget_get_height (map)));
}

typedef struct
{
  PanoWindow *window;
  GdkTexture *texture;
} Shot;

static gboolean
map_drawn (gpointer data)
{
  Shot *shot = data;

  g_clear_object (&shot->texture);
  return (shot->texture = snapshot_map (shot->window)) != NULL;
}

/* The map as it is now, once it has been drawn at all. */
static GdkTexture *
render_map (PanoWindow *window)
{
  Shot shot = { window, NULL };

  pano_test_wait_until (map_drawn, &shot);
  return shot.texture;
}

/* The centre of the pixels of colour @rgb in @texture. */
static gboolean
find_colour (GdkTexture *texture, guint32 rgb, double *x, double *y)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guint32 *data = g_new (guint32, (gsize)w * h);
  double sx = 0, sy = 0;
  guint n = 0;

  gdk_texture_download (texture, (guchar *)data, w * 4);
  for (int j = 0; j < h; j++)
    for (int i = 0; i < w; i++)
      if ((data[j * w + i] & 0xffffff) == rgb && data[j * w + i] >> 24 == 0xff)
        sx += i, sy += j, n++;
  if (n == 0)
    return FALSE;
  *x = sx / n, *y = sy / n;
  return TRUE;
}

/* An ambulance driving along an arterial road: a click where it is drawn selects it. */
static void
test_vehicle_on_road (void)
{
  PanoTestHub *hub = pano_test_hub_start (tmpdir, NULL);
  PanoWindow *window = pano_window_new (NULL);
  PanoFeaturePanel *panel = pano_window_get_feature_panel (window);
  g_autofree char *start = vehicle (110.786);
  g_autofree char *moved = vehicle (110.796);
  g_autoptr(GdkTexture) texture = NULL;
  ShumateMap *map = pano_window_get_map (window);
  Wait wait = { window, 110.786 };
  double x = 0, y = 0, bx, by;

  pano_test_hub_ingest (hub, "traffic", ROAD);
  pano_test_hub_ingest (hub, "resources", start);
  gtk_window_set_default_size (GTK_WINDOW (window), 1920, 1080);
  pano_window_set_hub (window, hub->url, "view");
  gtk_window_present (GTK_WINDOW (window));
  pano_test_wait_until (both_layers_live, &wait);
  pano_test_wait_until (map_allocated, window);
  shumate_map_stop_go_to (map);
  shumate_map_center_on (map, 32.630, 110.791);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (map), 16);
  g_clear_object (&texture);
  texture = render_map (window);

  /* it drives 470 px east; the frames after the report draw it on its way there */
  pano_test_hub_ingest (hub, "resources", moved);
  wait.lon = 110.796;
  pano_test_wait_until (both_layers_live, &wait);
  g_clear_object (&texture);
  texture = render_map (window);
  g_assert_true (find_colour (texture, AMBULANCE_GREEN, &x, &y));
  shumate_viewport_location_to_widget_coords (shumate_map_get_viewport (map), GTK_WIDGET (map),
                                              32.630, 110.796, &bx, &by);
  g_test_message ("drawn at %.0f,%.0f, reported at %.0f,%.0f", x, y, bx, by);

  g_assert_true (pano_window_select_at (window, x, y));
  g_assert_cmpstr (pano_feature_panel_get_value (panel, "kind"), ==, "ambulance");
  g_assert_null (pano_feature_panel_get_value (panel, "class"));   /* not the road */

  gtk_window_destroy (GTK_WINDOW (window));
  pano_test_hub_free (hub);
}

/* A live layer's row that shows its data's age. */
static PanoLiveLayerRow *
find_row (GtkWidget *widget)
{
  if (PANO_IS_LIVE_LAYER_ROW (widget) &&
      strstr (pano_live_layer_row_get_subtitle (PANO_LIVE_LAYER_ROW (widget)), "data"))
    return PANO_LIVE_LAYER_ROW (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      PanoLiveLayerRow *row = find_row (c);

      if (row)
        return row;
    }
  return NULL;
}

/* ---- the real pointer, through the X server the tests run on (Xvfb) ---- */

static Display *
x_display (PanoWindow *window)
{
  return gdk_x11_display_get_xdisplay (gtk_widget_get_display (GTK_WIDGET (window)));
}

/* Moves the pointer onto widget point (@x, @y) of the map. */
static void
move_pointer (PanoWindow *window,
              double      x,
              double      y)
{
  pano_test_move_pointer (GTK_WIDGET (pano_window_get_map (window)), x, y);
}

/* Whether this program shows a tooltip: GTK shows it as an override-redirect window of its own. */
static gboolean
tooltip_shown (PanoWindow *window)
{
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (window));
  Display *dpy = x_display (window);
  Window root, parent, *children = NULL;
  unsigned int n = 0;
  gboolean shown = FALSE;

  gdk_x11_display_error_trap_push (display);
  if (XQueryTree (dpy, DefaultRootWindow (dpy), &root, &parent, &children, &n))
    for (unsigned int i = 0; i < n && !shown; i++)
      {
        XWindowAttributes a;

        shown = gdk_x11_surface_lookup_for_display (display, children[i]) != NULL &&
                XGetWindowAttributes (dpy, children[i], &a) && a.map_state == IsViewable &&
                a.override_redirect;
      }
  gdk_x11_display_error_trap_pop_ignored (display);
  if (children)
    XFree (children);
  return shown;
}

static gboolean
card_shown (gpointer data)
{
  return tooltip_shown (data);
}

static gboolean
card_gone (gpointer data)
{
  return !tooltip_shown (data);
}

typedef struct
{
  PanoWindow *window;
  PanoLiveLayerRow *row;
  char *last;
  guint changes;
  gboolean want_shown;
  guint flips;         /* times the card was seen not as wanted */
} Ticks;

static gboolean
row_with_age (gpointer data)
{
  Ticks *t = data;

  return (t->row = find_row (GTK_WIDGET (t->window))) != NULL;
}

/* The sidebar's data age counts the seconds: three changes are three status updates. Meanwhile
 * the card is watched, every turn of the main loop. */
static gboolean
three_status_updates (gpointer data)
{
  Ticks *t = data;
  const char *now = pano_live_layer_row_get_subtitle (t->row);

  if (tooltip_shown (t->window) != t->want_shown)
    t->flips++;
  if (g_strcmp0 (now, t->last) != 0)
    {
      g_free (t->last);
      t->last = g_strdup (now);
      t->changes++;
    }
  return t->changes > 3;
}

/* The pointer on a vehicle: its card comes and stays for as long as the pointer does, through
 * the indicator's and the sidebar's refreshes each second; off the vehicle, it goes and stays
 * gone. */
static void
test_hover_card (void)
{
  PanoTestHub *hub = pano_test_hub_start (tmpdir, NULL);
  PanoWindow *window = pano_window_new (NULL);
  g_autofree char *start = vehicle (110.786);
  g_autoptr(GdkTexture) texture = NULL;
  ShumateMap *map = pano_window_get_map (window);
  Wait wait = { window, 110.786 };
  Ticks ticks = { window };
  double x = 0, y = 0;

  pano_test_hub_ingest (hub, "traffic", ROAD);
  pano_test_hub_ingest (hub, "resources", start);
  gtk_window_set_default_size (GTK_WINDOW (window), 1920, 1080);
  pano_window_set_hub (window, hub->url, "view");
  gtk_window_present (GTK_WINDOW (window));
  pano_test_wait_until (both_layers_live, &wait);
  pano_test_wait_until (map_allocated, window);
  shumate_map_stop_go_to (map);
  shumate_map_center_on (map, 32.630, 110.791);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (map), 16);
  texture = render_map (window);
  g_assert_true (find_colour (texture, AMBULANCE_GREEN, &x, &y));
  pano_test_wait_until (row_with_age, &ticks);

  move_pointer (window, x + 1, y);
  pano_test_wait_until (card_shown, window);
  ticks.want_shown = TRUE;
  pano_test_wait_until (three_status_updates, &ticks);
  g_test_message ("on the vehicle: the card was missing %u times", ticks.flips);
  g_assert_cmpuint (ticks.flips, ==, 0);

  /* beside the road, where nothing is */
  move_pointer (window, x, y - 60);
  pano_test_wait_until (card_gone, window);
  ticks.want_shown = FALSE;
  ticks.changes = 0;
  pano_test_wait_until (three_status_updates, &ticks);
  g_test_message ("off it: the card came back %u times", ticks.flips);
  g_assert_cmpuint (ticks.flips, ==, 0);

  g_free (ticks.last);
  gtk_window_destroy (GTK_WINDOW (window));
  pano_test_hub_free (hub);
}

static gboolean
nothing_loading (gpointer data)
{
  return pano_window_get_n_loading (data) == 0;
}

/* A feature shown in the side panel goes from it when its layer is removed. */
static void
test_panel_lets_go (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "points.geojson", NULL);
  PanoWindow *window = pano_window_new (NULL);
  PanoFeaturePanel *panel = pano_window_get_feature_panel (window);
  PanoLayerStack *stack = pano_window_get_layer_stack (window);
  ShumateMap *map = pano_window_get_map (window);
  g_autoptr(PanoStaticLayer) top = NULL;
  g_autoptr(PanoStaticLayer) other = NULL;
  double xy[] = { 110.7930, 32.6110 }, x, y;

  gtk_window_set_default_size (GTK_WINDOW (window), 1920, 1080);
  gtk_window_present (GTK_WINDOW (window));
  pano_test_write_features (path, "GeoJSON", 4326, "POINT (%.6f %.6f)", 1, xy);
  pano_window_open_source (window, path);
  pano_test_wait_until (nothing_loading, window);
  pano_test_wait_until (map_allocated, window);
  shumate_map_stop_go_to (map);
  shumate_map_center_on (map, xy[1], xy[0]);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (map), 14);
  shumate_viewport_location_to_widget_coords (shumate_map_get_viewport (map), GTK_WIDGET (map),
                                              xy[1], xy[0], &x, &y);
  g_assert_true (pano_window_select_at (window, x, y));
  g_assert_cmpstr (pano_feature_panel_get_value (panel, "name"), ==, "feature 0");

  /* another layer going leaves it; its own layer going takes it away */
  top = g_list_model_get_item (pano_layer_stack_get_model (stack), 0);
  other = g_list_model_get_item (pano_layer_stack_get_model (stack), 1);
  pano_layer_stack_remove (stack, other);
  g_assert_cmpstr (pano_feature_panel_get_value (panel, "name"), ==, "feature 0");
  pano_layer_stack_remove (stack, top);
  g_assert_null (pano_feature_panel_get_value (panel, "name"));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  /* The pointer is the X server's, and GUI tests share one server with their windows all at
   * (0, 0): this test runs on an X server of its own. */
  GPid xvfb = pano_test_start_display (1920, 1080);
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  tmpdir = pano_test_make_tmpdir ();
  g_test_add_func ("/window-select/vehicle-on-road", test_vehicle_on_road);
  g_test_add_func ("/window-select/hover-card", test_hover_card);
  g_test_add_func ("/window-select/panel-lets-go", test_panel_lets_go);
  status = g_test_run ();
  pano_test_rm_rf (tmpdir);
  g_free (tmpdir);
  kill (xvfb, SIGTERM);
  waitpid (xvfb, NULL, 0);
  g_spawn_close_pid (xvfb);
  return status;
}
