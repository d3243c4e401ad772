// SPDX-License-Identifier: GPL-3.0-or-later
/* Wall mode on a screen of its own (a 4K wall, 3840×2160, or three 1080p panels side by side,
 * 5760×1080: --screen=WxH): the window fills the monitor without chrome; at 1.0, 2.0 and 3.0 the
 * map, the sidebar and the operations pane all show, side by side, none over another, and no
 * label is cut; text at scale 2.0 is twice as tall as at 1.0; the pointer hides while it rests;
 * leaving gives the desk back as it was. A connector that does not exist is named, with those
 * that do. */
#include "pano-application.h"
#include "pano-test-gui.h"
#include "pano-test-util.h"
#include "pano-window.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int screen_width = 3840, screen_height = 2160;

static gboolean
fills_screen (gpointer data)
{
  return gtk_widget_get_width (data) == screen_width &&
         gtk_widget_get_height (data) == screen_height &&
         gtk_widget_get_width (GTK_WIDGET (pano_window_get_map (data))) > 0;
}

/* The window in wall mode at @scale, both side panes shown, laid out on the screen. */
static PanoWindow *
open_wall (double scale)
{
  PanoWindow *window = pano_window_new (NULL);
  g_autoptr(GPtrArray) flaps = NULL;
  g_autoptr(GError) error = NULL;

  pano_window_set_wall_scale (window, scale);
  g_assert_true (pano_window_set_wall (window, TRUE, NULL, &error));
  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (window));
  flaps = pano_test_find_all (GTK_WIDGET (window), ADW_TYPE_FLAP);
  g_assert_cmpuint (flaps->len, ==, 2);
  for (guint i = 0; i < flaps->len; i++)
    adw_flap_set_reveal_flap (flaps->pdata[i], TRUE);
  pano_test_wait_until (fills_screen, window);
  pano_test_wait_for_frame (GTK_WIDGET (window));
  return window;
}

static GtkWidget *
flap_pane (PanoWindow          *window,
           GtkPackType          position)
{
  g_autoptr(GPtrArray) flaps = pano_test_find_all (GTK_WIDGET (window), ADW_TYPE_FLAP);

  for (guint i = 0; i < flaps->len; i++)
    if (adw_flap_get_flap_position (flaps->pdata[i]) == position)
      return adw_flap_get_flap (flaps->pdata[i]);
  g_assert_not_reached ();
}

static void
bounds_in_window (PanoWindow      *window,
                  GtkWidget       *widget,
                  graphene_rect_t *bounds)
{
  graphene_rect_t all = GRAPHENE_RECT_INIT (0, 0, screen_width, screen_height);

  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (window), bounds));
  g_test_message ("%s at %.0f,%.0f %.0f×%.0f", G_OBJECT_TYPE_NAME (widget),
                  bounds->origin.x, bounds->origin.y, bounds->size.width, bounds->size.height);
  g_assert_cmpfloat (bounds->size.width, >, 0);
  g_assert_cmpfloat (bounds->size.height, >, 0);
  g_assert_true (graphene_rect_contains_rect (&all, bounds));
}

static gboolean
overlap (const graphene_rect_t *a,
         const graphene_rect_t *b)
{
  graphene_rect_t both;

  return graphene_rect_intersection (a, b, &both) && both.size.width > 0.5 &&
         both.size.height > 0.5;
}

/* Every label on screen is at least as wide as its text needs: none is cut. */
static void
assert_no_label_clipped (PanoWindow *window)
{
  g_autoptr(GPtrArray) labels = pano_test_find_all (GTK_WIDGET (window), GTK_TYPE_LABEL);
  guint checked = 0;

  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = labels->pdata[i];
      int min_width;

      if (!gtk_widget_get_mapped (label))
        continue;
      gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
      /* libshumate's scale asks more for its label than it gives; what counts is whether the
       * text drawn fits */
      if (min_width > gtk_widget_get_width (label))
        {
          PangoRectangle text;

          pango_layout_get_pixel_extents (gtk_label_get_layout (GTK_LABEL (label)), NULL, &text);
          if (text.width > gtk_widget_get_width (label))
            g_error ("“%s” in %s is %d px wide but has %d", gtk_label_get_text (GTK_LABEL (label)),
                     G_OBJECT_TYPE_NAME (gtk_widget_get_parent (label)), text.width,
                     gtk_widget_get_width (label));
        }
      checked++;
    }
  g_test_message ("%u labels on screen, none cut", checked);
  g_assert_cmpuint (checked, >, 3);
}

static void
check_layout (double scale)
{
  PanoWindow *window = open_wall (scale);
  graphene_rect_t map, sidebar, ops;

  g_test_message ("screen %d×%d, scale %.1f", screen_width, screen_height, scale);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), ==, screen_width);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window)), ==, screen_height);
  bounds_in_window (window, GTK_WIDGET (pano_window_get_map (window)), &map);
  bounds_in_window (window, flap_pane (window, GTK_PACK_START), &sidebar);
  bounds_in_window (window, flap_pane (window, GTK_PACK_END), &ops);
  g_assert_false (overlap (&map, &sidebar));
  g_assert_false (overlap (&map, &ops));
  g_assert_false (overlap (&sidebar, &ops));
  /* the map stays the largest thing on the wall, even at 3.0 on 4K (a 1280×720 desk's worth) */
  g_assert_cmpfloat (map.size.width, >, sidebar.size.width);
  g_assert_cmpfloat (map.size.width, >, ops.size.width);
  assert_no_label_clipped (window);
  if (g_getenv ("PANO_TEST_PNG") != NULL)   /* to look at: build/wall-*.png */
    {
      g_autofree char *name = g_strdup_printf ("wall-%dx%d-%.1f.png", screen_width, screen_height,
                                               scale);
      g_autofree char *path = pano_test_save_png (GTK_WIDGET (window), name);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  pano_test_iterate ();
}

static void
test_layout (void)
{
  check_layout (1.0);
  check_layout (2.0);
  check_layout (3.0);
}

static int
label_height (GtkWidget *label)
{
  int height;

  pano_test_iterate ();
  gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, -1, &height, NULL, NULL, NULL);
  return height;
}

/* Text at 2.0 measures twice its height at 1.0; the desk gets 1.0 back. */
static void
test_text_scale (void)
{
  PanoWindow *window = open_wall (1.0);
  GtkWidget *label = gtk_label_new ("Panorama 全景 2026");
  int one, two, desk;

  gtk_box_append (GTK_BOX (flap_pane (window, GTK_PACK_START)), label);
  one = label_height (label);
  pano_window_set_wall_scale (window, 2.0);
  two = label_height (label);
  g_test_message ("label height %d px at 1.0, %d px at 2.0", one, two);
  g_assert_cmpfloat (two, >=, 2.0 * one * 0.85);
  g_assert_cmpfloat (two, <=, 2.0 * one * 1.15);

  g_assert_true (pano_window_set_wall (window, FALSE, NULL, NULL));
  desk = label_height (label);
  g_assert_cmpint (desk, ==, one);
  gtk_window_destroy (GTK_WINDOW (window));
  pano_test_iterate ();
}

static gboolean
pointer_hidden (gpointer data)
{
  GdkCursor *cursor = gtk_widget_get_cursor (data);

  return cursor != NULL && g_strcmp0 (gdk_cursor_get_name (cursor), "none") == 0;
}

/* No chrome, dark, the pointer gone after 3 s at rest; leaving gives all of it back. */
static void
test_enter_leave (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  PanoWindow *window = open_wall (1.0);
  g_autoptr(GPtrArray) headers = NULL;

  g_assert_true (pano_window_get_wall (window));
  headers = pano_test_find_all (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR);
  g_assert_cmpuint (headers->len, ==, 0);
  g_assert_true (adw_style_manager_get_dark (style));
  pano_test_wait_until (pointer_hidden, window);
  g_assert_true (pointer_hidden (pano_window_get_map (window)));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.wall", NULL);   /* F11 */
  g_assert_false (pano_window_get_wall (window));
  g_clear_pointer (&headers, g_ptr_array_unref);
  headers = pano_test_find_all (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR);
  g_assert_cmpuint (headers->len, ==, 1);
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);
  g_assert_null (gtk_widget_get_cursor (GTK_WIDGET (window)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.wall", NULL);
  g_assert_true (pano_window_get_wall (window));
  gtk_window_destroy (GTK_WINDOW (window));
  pano_test_iterate ();
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);
}

/* --monitor HDMI-9 on a machine without one: the message names it and the monitors there are. */
static void
test_unknown_monitor (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkMonitor) monitor = pano_window_find_monitor (display, "HDMI-9", &error);
  g_autoptr(GdkMonitor) first = g_list_model_get_item (gdk_display_get_monitors (display), 0);
  g_autoptr(GdkMonitor) largest = pano_window_find_monitor (display, NULL, NULL);

  g_assert_null (monitor);
  g_assert_error (error, PANO_WALL_ERROR, PANO_WALL_ERROR_NO_MONITOR);
  g_assert_nonnull (strstr (error->message, "HDMI-9"));
  g_assert_nonnull (strstr (error->message, gdk_monitor_get_connector (first)));
  g_assert_true (largest == first);
}

/* The same from the command line: the program says so and exits before any window opens. */
static void
test_unknown_monitor_flag (void)
{
  const char *argv[] = { g_getenv ("PANORAMA_EXE"), "--wall", "--monitor", "HDMI-9", NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_nonnull (argv[0]);
  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  g_test_message ("%s", err);
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (err, "HDMI-9"));
  g_assert_nonnull (strstr (err, "screen"));   /* what Xvfb's one monitor is called */
}

/* Takes --screen=WxH out of the arguments before GTest sees them. */
static void
parse_screen (int *argc, char **argv)
{
  int j = 1;

  for (int i = 1; i < *argc; i++)
    if (g_str_has_prefix (argv[i], "--screen="))
      g_assert_cmpint (sscanf (argv[i] + 9, "%dx%d", &screen_width, &screen_height), ==, 2);
    else
      argv[j++] = argv[i];
  *argc = j;
  argv[j] = NULL;
}

int
main (int argc, char **argv)
{
  GPid xvfb;
  int status;

  parse_screen (&argc, argv);
  xvfb = pano_test_start_display (screen_width, screen_height);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/window-wall/layout", test_layout);
  g_test_add_func ("/window-wall/text-scale", test_text_scale);
  g_test_add_func ("/window-wall/enter-leave", test_enter_leave);
  g_test_add_func ("/window-wall/unknown-monitor", test_unknown_monitor);
  g_test_add_func ("/window-wall/unknown-monitor-flag", test_unknown_monitor_flag);
  status = g_test_run ();
  kill (xvfb, SIGTERM);
  waitpid (xvfb, NULL, 0);
  g_spawn_close_pid (xvfb);
  return status;
}
