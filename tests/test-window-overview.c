// SPDX-License-Identifier: GPL-3.0-or-later
/* 总体态势 in the console on a real hub, as an operator sees it: the overview's tiles show the
 * hub's numbers (the widgets' text), a tile turns amber then red as its value crosses the
 * hub's thresholds (CSS classes), nothing is clipped at 1920×1080, and the ticker under the map
 * shows an alert raised and an incident turning overdue as they happen, each opening on a
 * click. */
#include "pano-application.h"
#include "pano-test-gui.h"
#include "pano-test-hub.h"
#include "pano-test-util.h"
#include "pano-window.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

static char *tmpdir;
static int screen_width, screen_height;   /* --screen=WxH: an X server of that size */
static double wall_scale = 1.0;           /* --scale=S */

#define CONFIG "[history]\nsample-s = 1\n[limits]\nreported = 1\noverdue-check-ms = 200\n" \
               "[thresholds]\naqi_worst = 120;180\n"

#define POINT(id, props) "{\"type\":\"Feature\",\"id\":\"" id "\",\"geometry\":{\"type\":" \
                         "\"Point\",\"coordinates\":[110.79,32.65]},\"properties\":" props "}"
#define COLLECTION(features) "{\"type\":\"FeatureCollection\",\"features\":[" features "]}"

typedef struct
{
  PanoWindow *window;
  const char *key;
  const char *text;
} Shows;

static PanoOverviewPanel *
panel_of (PanoWindow *window)
{
  return pano_window_get_overview_panel (window);
}

/* The tile's value label says @text (and the panel agrees). */
static gboolean
tile_shows (gpointer data)
{
  Shows *s = data;
  GtkWidget *tile = pano_overview_panel_get_tile (panel_of (s->window), s->key);
  g_autofree char *text = pano_test_dup_text (tile);

  return g_strcmp0 (pano_overview_panel_get_value_text (panel_of (s->window), s->key),
                    s->text) == 0 && strstr (text, s->text) != NULL;
}

static void
wait_shows (PanoWindow *window,
            const char *key,
            const char *text)
{
  Shows s = { window, key, text };

  pano_test_wait_until (tile_shows, &s);
}

static gboolean
has_class (PanoWindow *window,
           const char *key,
           const char *css)
{
  return gtk_widget_has_css_class (pano_overview_panel_get_tile (panel_of (window), key), css);
}

static gboolean
panel_ready (gpointer data)
{
  return panel_of (data) != NULL && gtk_widget_get_mapped (GTK_WIDGET (panel_of (data)));
}

static gboolean
ticker_says (gpointer data)
{
  Shows *s = data;
  PanoTicker *ticker = pano_window_get_ticker (s->window);
  const char *shown = pano_ticker_get_shown_text (ticker);

  return gtk_widget_get_visible (GTK_WIDGET (ticker)) && shown != NULL &&
         strstr (shown, s->text) != NULL;
}

static const char * const keys[] = { "incidents_today", "in_progress", "overdue", "closure",
                                     "on_time_closure", "congestion", "aqi_mean", "aqi_worst",
                                     "units_available", "shelter_free", "alerts_active" };

static gboolean
laid_out (gpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (gtk_widget_get_width (pano_overview_panel_get_tile (panel_of (data), keys[i])) == 0)
      return FALSE;
  return TRUE;
}

/* Every tile's figure and name get at least the width they ask for. */
static void
assert_not_clipped (PanoWindow *window)
{
  pano_test_wait_until (laid_out, window);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      GtkWidget *tile = pano_overview_panel_get_tile (panel_of (window), keys[i]);
      int min = 0;

      gtk_widget_measure (tile, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
      g_assert_cmpint (gtk_widget_get_width (tile), >=, min);
      g_assert_cmpint (gtk_widget_get_width (tile), >, 100);
    }
}

static gboolean
ticker_has_two (gpointer data)
{
  return pano_ticker_get_n_items (pano_window_get_ticker (data)) == 2;
}

static void
test_overview (void)
{
  PanoTestHub *hub = pano_test_hub_new (tmpdir);
  PanoWindow *window;
  g_autoptr(JsonNode) answer = NULL;
  Shows ticker = { 0 };
  AdwViewStack *stack;

  pano_test_hub_set_config (hub, CONFIG);
  pano_test_hub_spawn (hub);
  pano_test_hub_ingest (hub, "traffic", COLLECTION (
    POINT ("road-1", "{\"level\":\"jammed\"}")));
  pano_test_hub_ingest (hub, "environment", COLLECTION (
    POINT ("env-1", "{\"aqi\":50}") "," POINT ("env-2", "{\"aqi\":100,\"name\":\"二号站\"}")));
  pano_test_hub_ingest (hub, "resources", COLLECTION (
    POINT ("fire-1", "{\"kind\":\"fire_engine\",\"status\":\"available\"}") ","
    POINT ("fire-2", "{\"kind\":\"fire_engine\",\"status\":\"en_route\"}")));

  window = pano_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1920, 1080);
  pano_window_set_hub (window, hub->url, "dispatch");
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-overview", NULL));
  pano_test_wait_until (panel_ready, window);
  pano_overview_panel_set_refresh_seconds (panel_of (window), 1);

  /* The hub's numbers, with their units. */
  wait_shows (window, "aqi_worst", "100");
  wait_shows (window, "aqi_mean", "75");
  wait_shows (window, "congestion", "10.0");
  wait_shows (window, "units_available", "1");
  g_assert_cmpstr (pano_overview_panel_get_detail_text (panel_of (window), "units_available"),
                   ==, "Fire engine 1");
  g_assert_true (pano_test_shows_text (pano_overview_panel_get_tile (panel_of (window),
                                                                     "aqi_worst"), "AQI"));
  g_assert_cmpstr (pano_overview_panel_get_detail_text (panel_of (window), "aqi_worst"), ==,
                   "二号站");
  g_assert_false (has_class (window, "aqi_worst", "pano-overview-amber"));
  g_assert_false (has_class (window, "aqi_worst", "pano-overview-red"));
  /* 4 and 6 by default: 10.0 is red. */
  g_assert_true (has_class (window, "congestion", "pano-overview-red"));
  assert_not_clipped (window);

  /* Past amber (120), then past red (180). */
  pano_test_hub_ingest (hub, "environment", COLLECTION (POINT ("env-2", "{\"aqi\":150}")));
  wait_shows (window, "aqi_worst", "150");
  g_assert_true (has_class (window, "aqi_worst", "pano-overview-amber"));
  g_assert_false (has_class (window, "aqi_worst", "pano-overview-red"));
  pano_test_hub_ingest (hub, "environment", COLLECTION (POINT ("env-2", "{\"aqi\":200}")));
  wait_shows (window, "aqi_worst", "200");
  g_assert_true (has_class (window, "aqi_worst", "pano-overview-red"));
  g_assert_false (has_class (window, "aqi_worst", "pano-overview-amber"));

  /* An alert raised now reaches the ticker; a click shows it in the alert list. */
  pano_test_hub_ingest (hub, "alerts", COLLECTION (
    POINT ("alert-9", "{\"level\":\"severe\",\"status\":\"active\",\"station_name\":\"一号站\","
                      "\"metric\":\"aqi\",\"value\":230,\"threshold\":150}")));
  ticker = (Shows) { window, NULL, "一号站" };
  pano_test_wait_until (ticker_says, &ticker);
  g_assert_nonnull (strstr (pano_ticker_get_shown_text (pano_window_get_ticker (window)),
                            "Severe"));
  g_assert_nonnull (strstr (pano_ticker_get_shown_text (pano_window_get_ticker (window)),
                            "AQI 230"));
  wait_shows (window, "alerts_active", "1");
  pano_test_click (pano_test_find_widget (GTK_WIDGET (pano_window_get_ticker (window)),
                                          GTK_TYPE_BUTTON, NULL));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (
                     ADW_VIEW_STACK (gtk_widget_get_ancestor (
                       GTK_WIDGET (pano_window_get_alert_list (window)), ADW_TYPE_VIEW_STACK))),
                   ==, "alerts");

  /* An incident left reported past its 1 s limit: in the ticker as overdue, newest first. */
  g_assert_cmpuint (pano_test_hub_rest (hub, "POST", "/v1/commands", "dispatch", "ov-1",
                                        "{\"command\":\"create\",\"category\":\"社会安全\","
                                        "\"severity\":2,\"location\":[110.79,32.65],"
                                        "\"title\":\"井盖缺失\"}", &answer, NULL), ==, 201);
  ticker = (Shows) { window, NULL, "INC-000001" };
  pano_test_wait_until (ticker_says, &ticker);
  g_assert_nonnull (strstr (pano_ticker_get_shown_text (pano_window_get_ticker (window)),
                            "Overdue"));
  g_assert_cmpuint (pano_ticker_get_n_items (pano_window_get_ticker (window)), ==, 2);
  g_assert_cmpstr (pano_ticker_get_item_id (pano_window_get_ticker (window), 1), ==, "alert-9");
  pano_test_click (pano_test_find_widget (GTK_WIDGET (pano_window_get_ticker (window)),
                                          GTK_TYPE_BUTTON, NULL));
  g_assert_cmpstr (pano_incident_card_get_incident (pano_window_get_card (window)), ==,
                   "INC-000001");

  /* News two hours old leaves the rotation; the two items of now stay. */
  pano_ticker_push (pano_window_get_ticker (window), PANO_TICKER_ALERT, "alert-old", "notice",
                    "旧预警", g_get_real_time () / 1000 - 2 * 3600 * 1000);
  g_assert_cmpuint (pano_ticker_get_n_items (pano_window_get_ticker (window)), ==, 3);
  pano_ticker_set_rotate_seconds (pano_window_get_ticker (window), 1);
  pano_test_wait_until (ticker_has_two, window);
  g_assert_cmpstr (pano_ticker_get_item_id (pano_window_get_ticker (window), 0), ==,
                   "INC-000001");

  /* The overview counts it too; the wall shows it (and leaves other pages to the desk). */
  stack = ADW_VIEW_STACK (gtk_widget_get_ancestor (GTK_WIDGET (panel_of (window)),
                                                   ADW_TYPE_VIEW_STACK));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "incidents");
  g_assert_true (pano_window_set_wall (window, TRUE, NULL, NULL));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "overview");
  wait_shows (window, "in_progress", "1");
  wait_shows (window, "overdue", "1");
  g_assert_true (pano_window_set_wall (window, FALSE, NULL, NULL));

  /* Scoped to a district the tiles are read again for it: this hub has no city map, so no
   * incident has a grid code there, and the district has no live figures of its own. */
  pano_window_set_scope (window, "420300-420302");
  wait_shows (window, "incidents_today", "0");
  wait_shows (window, "congestion", "—");

  gtk_window_destroy (GTK_WINDOW (window));
  pano_test_hub_free (hub);
}

static gboolean
fills_screen (gpointer data)
{
  return gtk_widget_get_width (data) == screen_width &&
         gtk_widget_get_height (data) == screen_height;
}

/* Every label of @root on screen is as wide as its text needs and inside the window. */
static void
assert_labels_whole (PanoWindow *window,
                     GtkWidget  *root)
{
  g_autoptr(GPtrArray) labels = pano_test_find_all (root, GTK_TYPE_LABEL);
  graphene_rect_t all = GRAPHENE_RECT_INIT (0, 0, screen_width, screen_height);
  guint checked = 0;

  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = labels->pdata[i];
      PangoRectangle text;
      graphene_rect_t bounds;

      if (!gtk_widget_get_mapped (label) || gtk_label_get_wrap (GTK_LABEL (label)))
        continue;
      if (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))))
        g_error ("“%s” is cut short", gtk_label_get_text (GTK_LABEL (label)));
      pango_layout_get_pixel_extents (gtk_label_get_layout (GTK_LABEL (label)), NULL, &text);
      if (text.width > gtk_widget_get_width (label))
        g_error ("“%s” is %d px wide but has %d", gtk_label_get_text (GTK_LABEL (label)),
                 text.width, gtk_widget_get_width (label));
      g_assert_true (gtk_widget_compute_bounds (label, GTK_WIDGET (window), &bounds));
      g_assert_true (bounds.origin.x >= 0 &&
                     bounds.origin.x + bounds.size.width <= all.size.width + 0.5);
      checked++;
    }
  g_test_message ("%u labels, none cut", checked);
  g_assert_cmpuint (checked, >, 10);
}

/* The wall at --scale on a --screen of its own: the overview on screen, its figures whole. */
static void
test_wall_layout (void)
{
  PanoTestHub *hub = pano_test_hub_new (tmpdir);
  PanoWindow *window;

  pano_test_hub_set_config (hub, CONFIG);
  pano_test_hub_spawn (hub);
  pano_test_hub_ingest (hub, "environment", COLLECTION (
    POINT ("env-1", "{\"aqi\":150,\"name\":\"茅箭区环境监测一号站\"}")));
  pano_test_hub_ingest (hub, "resources", COLLECTION (
    POINT ("fire-1", "{\"kind\":\"fire_engine\",\"status\":\"available\"}") ","
    POINT ("amb-1", "{\"kind\":\"ambulance\",\"status\":\"available\"}") ","
    POINT ("shelter-1", "{\"kind\":\"shelter\",\"capacity\":128500}")));
  window = pano_window_new (NULL);
  pano_window_set_hub (window, hub->url, "view");
  pano_window_set_wall_scale (window, wall_scale);
  g_assert_true (pano_window_set_wall (window, TRUE, NULL, NULL));
  gtk_window_present (GTK_WINDOW (window));
  pano_test_wait_until (fills_screen, window);
  pano_test_wait_until (panel_ready, window);
  wait_shows (window, "shelter_free", "128500");
  wait_shows (window, "aqi_worst", "150");
  pano_test_wait_until (laid_out, window);
  pano_test_wait_for_frame (GTK_WIDGET (window));
  assert_not_clipped (window);
  assert_labels_whole (window, GTK_WIDGET (panel_of (window)));
  if (g_getenv ("PANO_TEST_PICTURES") != NULL)
    {
      g_autofree char *name = g_strdup_printf ("overview-%dx%d-%.1f.png", screen_width,
                                               screen_height, wall_scale);
      g_autofree char *path = pano_test_save_png (GTK_WIDGET (window), name);

      g_test_message ("%s", path);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  pano_test_hub_free (hub);
}

/* Takes --screen=WxH and --scale=S out of the arguments before GTest sees them. */
static void
parse_screen (int *argc, char **argv)
{
  int j = 1;

  for (int i = 1; i < *argc; i++)
    if (g_str_has_prefix (argv[i], "--screen="))
      g_assert_cmpint (sscanf (argv[i] + 9, "%dx%d", &screen_width, &screen_height), ==, 2);
    else if (g_str_has_prefix (argv[i], "--scale="))
      wall_scale = g_ascii_strtod (argv[i] + 8, NULL);
    else
      argv[j++] = argv[i];
  *argc = j;
  argv[j] = NULL;
}

int
main (int argc, char **argv)
{
  GPid xvfb = 0;
  int status;

  parse_screen (&argc, argv);
  if (screen_width > 0)
    xvfb = pano_test_start_display (screen_width, screen_height);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  tmpdir = pano_test_make_tmpdir ();
  if (screen_width > 0)
    g_test_add_func ("/window-overview/wall-layout", test_wall_layout);
  else
    g_test_add_func ("/window-overview/tiles-and-ticker", test_overview);
  status = g_test_run ();
  pano_test_rm_rf (tmpdir);
  g_free (tmpdir);
  if (xvfb != 0)
    {
      kill (xvfb, SIGTERM);
      waitpid (xvfb, NULL, 0);
      g_spawn_close_pid (xvfb);
    }
  return status;
}
