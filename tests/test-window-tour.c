// SPDX-License-Identifier: GPL-3.0-or-later
/* View tours (轮巡) in the window, on a real hub and an X server of the test's own: a tour of
 * three views shows view 2 and then view 3 at its interval — the map's centre and zoom, the
 * live and GIS layers shown, the scope and the indicator — the pointer moved by a hand (through
 * the X server) holds the tour on its view past several intervals, and it goes on after the
 * idle time; Save View to Tour writes what the window shows; a bad tour file is said, naming the
 * file and the key, and the window stays as it was. New Window beside a wall opens a desk window
 * on the same hub with the same token. The real program with --wall --tour cycles from the start,
 * and with a bad --tour file stays up, naming the file. */
#include "pano-live-map-layer.h"
#include "pano-live-style.h"
#include "pano-test-hub.h"
#include "pano-test-pointer.h"
#include "pano-test-util.h"
#include "pano-view-tour.h"
#include "pano-window.h"

#include <gdk/x11/gdkx.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#define INTERVAL_S 1
#define IDLE_S 3

static char *tmpdir;

#define TOUR \
  "[tour]\n" \
  "interval=1\n" \
  "idle=3\n" \
  "\n" \
  "[view 1]\n" \
  "name=全市\n" \
  "latitude=32.629\n" \
  "longitude=110.798\n" \
  "zoom=11\n" \
  "live-layers=traffic;environment;events;resources;incidents;alerts;\n" \
  "user-layers=Facilities (synthetic);\n" \
  "scope=\n" \
  "\n" \
  "[view 2]\n" \
  "name=茅箭区 交通\n" \
  "latitude=32.641\n" \
  "longitude=110.784\n" \
  "zoom=13\n" \
  "live-layers=traffic;incidents;\n" \
  "scope=420300-420302\n" \
  "\n" \
  "[view 3]\n" \
  "name=凤凰街道 预警\n" \
  "latitude=32.602\n" \
  "longitude=110.823\n" \
  "zoom=14.5\n" \
  "live-layers=alerts;\n" \
  "user-layers=\n" \
  "scope=420300-420302-001\n"

static char *
write_file (const char *name,
            const char *text)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

static gboolean
window_ready (gpointer data)
{
  PanoWindow *window = data;

  /* The base map (and with it the scope's grid) is in, and the map has its size. */
  return pano_window_get_n_loading (window) == 0 && pano_window_get_scope_bar (window) != NULL &&
         gtk_widget_get_width (GTK_WIDGET (pano_window_get_map (window))) > 0;
}

static PanoWindow *
open_window (PanoTestHub *hub)
{
  PanoWindow *window = pano_window_new (NULL);

  pano_window_set_hub (window, hub->url, "view");
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  gtk_window_present (GTK_WINDOW (window));
  pano_test_wait_until (window_ready, window);
  return window;
}

static PanoLiveMapLayer *
find_live_layer (PanoWindow *window,
                 const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (pano_window_get_map (window)));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (PANO_IS_LIVE_MAP_LAYER (child) &&
        g_str_equal (pano_live_map_layer_get_layer (PANO_LIVE_MAP_LAYER (child)), name))
      return PANO_LIVE_MAP_LAYER (child);
  g_assert_not_reached ();
}

static PanoStaticLayer *
find_static_layer (PanoWindow *window,
                   const char *title)
{
  GListModel *model = pano_layer_stack_get_model (pano_window_get_layer_stack (window));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PanoStaticLayer) layer = g_list_model_get_item (model, i);

      if (g_str_equal (pano_static_layer_get_title (layer), title))
        return layer;   /* the stack keeps it */
    }
  g_assert_not_reached ();
}

/* The window shows @view: the map's centre and zoom, the live layers shown and hidden, the GIS
 * layers, the scope (in the breadcrumb too). */
static void
assert_shows (PanoWindow         *window,
              const PanoTourView *view)
{
  ShumateViewport *viewport = shumate_map_get_viewport (pano_window_get_map (window));
  const char * const *names = pano_live_style_get_layer_names ();

  g_assert_cmpfloat_with_epsilon (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                                  view->latitude, 1e-6);
  g_assert_cmpfloat_with_epsilon (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                                  view->longitude, 1e-6);
  g_assert_cmpfloat (shumate_viewport_get_zoom_level (viewport), ==, view->zoom);
  for (guint i = 0; names[i]; i++)
    g_assert_cmpint (gtk_widget_get_visible (GTK_WIDGET (find_live_layer (window, names[i]))), ==,
                     g_strv_contains ((const char * const *)view->live_layers, names[i]));
  if (view->user_layers != NULL)
    g_assert_cmpint (pano_static_layer_get_visible (find_static_layer (window,
                                                                       "Facilities (synthetic)")),
                     ==, g_strv_contains ((const char * const *)view->user_layers,
                                          "Facilities (synthetic)"));
  g_assert_cmpstr (pano_window_get_scope (window), ==, view->scope);
  g_assert_cmpstr (pano_scope_bar_get_scope (pano_window_get_scope_bar (window)), ==, view->scope);
}

typedef struct
{
  PanoWindow *window;
  int view;
  gint64 last_input;   /* when the test's hand last moved the pointer */
  gboolean saw_countdown;
} Tour;

static gboolean
shows_view (gpointer data)
{
  Tour *t = data;

  return pano_window_get_tour_view (t->window) == t->view;
}

/* Moves the real pointer onto widget point (@x, @y) of the map, as a hand on a mouse would. */
static void
move_pointer (PanoWindow *window,
              double      x,
              double      y)
{
  pano_test_move_pointer (GTK_WIDGET (pano_window_get_map (window)), x, y);
}

static gboolean
paused (gpointer data)
{
  return pano_window_get_tour_paused (data);
}

/* While paused the view stays; the indicator counts down. */
static gboolean
goes_on (gpointer data)
{
  Tour *t = data;
  const char *status = pano_window_get_tour_status (t->window);

  if (!pano_window_get_tour_paused (t->window))
    return TRUE;
  g_assert_cmpint (pano_window_get_tour_view (t->window), ==, t->view);
  g_assert_nonnull (status);
  g_assert_true (g_str_has_prefix (status, "Tour paused · goes on in "));
  t->saw_countdown = TRUE;
  return FALSE;
}

static void
test_cycle_and_pause (void)
{
  g_autoptr(PanoTestHub) hub = pano_test_hub_start (NULL, NULL);
  g_autofree char *path = write_file ("three.tour", TOUR);
  g_autoptr(PanoViewTour) expected = pano_view_tour_new_from_file (path, NULL, NULL);
  g_autoptr(GError) error = NULL;
  PanoWindow *window = open_window (hub);
  Tour t = { window, 0, 0, FALSE };
  gint64 started, resumed;

  g_assert_nonnull (expected);
  started = g_get_monotonic_time ();
  g_assert_true (pano_window_load_tour (window, path, &error));
  g_assert_no_error (error);
  g_assert_true (pano_window_get_tour_running (window));
  g_assert_cmpint (pano_window_get_tour_view (window), ==, 0);
  assert_shows (window, pano_view_tour_get_view (expected, 0));
  g_assert_cmpstr (pano_window_get_tour_status (window), ==, "Tour 1/3 · 全市");

  /* View 2, then view 3, each after the interval: not before one and two intervals. */
  for (t.view = 1; t.view <= 2; t.view++)
    {
      gint64 shown;

      pano_test_wait_until (shows_view, &t);
      shown = g_get_monotonic_time ();
      g_test_message ("view %d after %.2f s", t.view + 1, (shown - started) / 1e6);
      g_assert_cmpint (shown - started, >=, t.view * INTERVAL_S * G_USEC_PER_SEC);
      assert_shows (window, pano_view_tour_get_view (expected, t.view));
    }
  g_assert_cmpstr (pano_window_get_tour_status (window), ==, "Tour 3/3 · 凤凰街道 预警");

  /* A hand on the mouse: the tour holds the view it shows (view 3, or view 1 on a machine slow
   * enough to reach it first) for the idle time, three intervals, counting down; then it goes
   * on with the next view. */
  move_pointer (window, 100, 100);   /* once: the first movement of a hand counts */
  t.last_input = g_get_monotonic_time ();
  pano_test_wait_until (paused, window);
  t.view = pano_window_get_tour_view (window);
  pano_test_wait_until (goes_on, &t);
  resumed = g_get_monotonic_time ();
  g_test_message ("paused on view %d; went on %.2f s after the last input", t.view + 1,
                  (resumed - t.last_input) / 1e6);
  g_assert_true (t.saw_countdown);
  g_assert_cmpint (resumed - t.last_input, >=, IDLE_S * G_USEC_PER_SEC);
  g_assert_cmpint (pano_window_get_tour_view (window), ==, (t.view + 1) % 3);
  assert_shows (window, pano_view_tour_get_view (expected, (t.view + 1) % 3));
  g_assert_true (g_str_has_prefix (pano_window_get_tour_status (window), "Tour "));

  /* Stopped, the indicator goes and the map stays. */
  pano_window_set_tour_running (window, FALSE);
  g_assert_null (pano_window_get_tour_status (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* What is saved is what the window shows; a tour running from that file takes it in. */
static void
test_save_view (void)
{
  g_autoptr(PanoTestHub) hub = pano_test_hub_start (NULL, NULL);
  g_autofree char *path = g_build_filename (tmpdir, "saved.tour", NULL);
  PanoWindow *window = open_window (hub);
  ShumateMap *map = pano_window_get_map (window);
  g_autoptr(PanoViewTour) tour = NULL;
  g_autoptr(GError) error = NULL;
  const PanoTourView *v;

  pano_window_set_scope (window, "420300-420302");
  shumate_map_stop_go_to (map);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (map), 12.5);
  shumate_map_center_on (map, 32.6105, 110.7912);
  gtk_widget_set_visible (GTK_WIDGET (find_live_layer (window, "environment")), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (find_live_layer (window, "events")), FALSE);

  g_assert_true (pano_window_save_view_to_tour (window, path, "茅箭区 夜巡", &error));
  g_assert_no_error (error);
  tour = pano_view_tour_new_from_file (path, pano_live_style_get_layer_names (), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pano_view_tour_get_n_views (tour), ==, 1);
  v = pano_view_tour_get_view (tour, 0);
  g_assert_cmpstr (v->name, ==, "茅箭区 夜巡");
  g_assert_cmpfloat_with_epsilon (v->latitude, 32.6105, 1e-6);
  g_assert_cmpfloat_with_epsilon (v->longitude, 110.7912, 1e-6);
  g_assert_cmpfloat (v->zoom, ==, 12.5);
  g_assert_cmpstr (v->scope, ==, "420300-420302");
  g_assert_cmpuint (g_strv_length (v->live_layers), ==, 4);
  g_assert_false (g_strv_contains ((const char * const *)v->live_layers, "environment"));
  g_assert_false (g_strv_contains ((const char * const *)v->live_layers, "events"));
  g_assert_true (g_strv_contains ((const char * const *)v->live_layers, "traffic"));
  g_assert_true (g_strv_contains ((const char * const *)v->user_layers, "Facilities (synthetic)"));
  g_assert_cmpuint (g_strv_length (v->user_layers), ==, 1);   /* not the base map */

  /* Ctrl+T runs the tour from the file saved to; the next view saved joins it at once. */
  g_assert_false (pano_window_get_tour_running (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.tour", NULL));
  g_assert_true (pano_window_get_tour_running (window));
  g_assert_cmpstr (pano_window_get_tour_file (window), ==, path);
  g_assert_cmpstr (pano_window_get_tour_status (window), ==, "Tour 1/1 · 茅箭区 夜巡");
  pano_window_set_scope (window, "");
  /* As the name dialog does: to the file the window writes to. */
  g_assert_cmpstr (pano_window_get_tour_file (window), ==, path);
  g_assert_true (pano_window_save_view_to_tour (window, pano_window_get_tour_file (window), "全市",
                                                &error));
  g_assert_no_error (error);
  g_assert_cmpstr (pano_window_get_tour_file (window), ==, path);
  g_assert_cmpstr (pano_window_get_tour_status (window), ==, "Tour 1/2 · 茅箭区 夜巡");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A bad file is said, naming it and the key; a running tour goes on as it was. */
static void
test_bad_file (void)
{
  g_autoptr(PanoTestHub) hub = pano_test_hub_start (NULL, NULL);
  g_autofree char *good = write_file ("good.tour", TOUR);
  g_autofree char *bad = write_file ("bad.tour",
                                     "[tour]\ninterval=1\n[v]\nlatitude=32\nlongitude=110\n"
                                     "zoom=far\n");
  PanoWindow *window = open_window (hub);
  g_autoptr(GError) error = NULL;
  const char *said;

  g_assert_false (pano_window_load_tour (window, bad, &error));
  g_assert_error (error, PANO_VIEW_TOUR_ERROR, PANO_VIEW_TOUR_ERROR_INVALID);
  said = pano_window_get_last_message (window);
  g_assert_nonnull (said);
  g_assert_nonnull (strstr (said, bad));
  g_assert_nonnull (strstr (said, ":6: [v] zoom"));
  g_assert_false (pano_window_get_tour_running (window));
  g_assert_null (pano_window_get_tour_status (window));
  g_clear_error (&error);

  g_assert_true (pano_window_load_tour (window, good, &error));
  g_assert_false (pano_window_load_tour (window, bad, NULL));
  g_assert_true (pano_window_get_tour_running (window));
  g_assert_nonnull (pano_window_get_tour_status (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Reads what the program says until a line has @text; returns that line. */
static char *
read_until (GDataInputStream *err,
            const char       *text)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      char *line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);   /* the program ended before saying it */
      g_test_message ("panorama: %s", line);
      if (strstr (line, text) != NULL)
        return line;
      g_free (line);
    }
}

/* Whether @process runs and a window not of this test shows on the X server. */
static gboolean
console_shown (gpointer data)
{
  GdkDisplay *display = gdk_display_get_default ();
  Display *dpy = gdk_x11_display_get_xdisplay (display);
  Window root, parent, *children = NULL;
  unsigned int n = 0;
  gboolean shown = FALSE;

  g_assert_nonnull (g_subprocess_get_identifier (data));   /* not ended */
  gdk_x11_display_error_trap_push (display);
  if (XQueryTree (dpy, DefaultRootWindow (dpy), &root, &parent, &children, &n))
    for (unsigned int i = 0; i < n && !shown; i++)
      {
        XWindowAttributes a;

        shown = gdk_x11_surface_lookup_for_display (display, children[i]) == NULL &&
                XGetWindowAttributes (dpy, children[i], &a) && a.map_state == IsViewable &&
                a.width > 200;
      }
  gdk_x11_display_error_trap_pop_ignored (display);
  if (children)
    XFree (children);
  return shown;
}

static GSubprocess *
spawn_panorama (const char * const *args,
                GDataInputStream  **err)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_assert_nonnull (g_getenv ("PANORAMA_EXE"));
  g_ptr_array_add (argv, (char *)g_getenv ("PANORAMA_EXE"));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "panorama-app", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  g_assert_no_error (error);
  /* GLib writes debug messages to stdout, the others to stderr: both, in order. */
  *err = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  return process;
}

/* The real program: --wall --tour cycles from the start; a bad --tour file is said, naming the
 * file, the line and the key, and the console stays up. */
static void
test_command_line (void)
{
  g_autofree char *good = write_file ("flag.tour", TOUR);
  g_autofree char *bad = write_file ("flag-bad.tour", "[v]\nlatitude=32\nlongitude=110\nzoom=far\n");
  const char *wall_args[] = { "--wall", "--tour", good, NULL };
  const char *bad_args[] = { "--tour", bad, NULL };
  g_autoptr(GDataInputStream) err = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *line = NULL;
  g_autofree char *said = NULL;

  process = spawn_panorama (wall_args, &err);
  g_free (read_until (err, "wall mode on"));
  g_free (read_until (err, "tour: view 1 “全市”"));
  g_free (read_until (err, "tour: view 2 “茅箭区 交通”"));
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
  g_clear_object (&err);
  g_clear_object (&process);

  process = spawn_panorama (bad_args, &err);
  said = g_strdup_printf ("%s:4: [v] zoom", bad);
  line = read_until (err, said);
  g_assert_nonnull (strstr (line, "“far”"));
  /* Still up: its window shows. */
  pano_test_wait_until (console_shown, process);
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
}

static gboolean
welcomed (gpointer data)
{
  return pano_window_get_role (data) != NULL;
}

/* New Window beside a wall: a second window at a desk, on the same hub with the same token. */
static void
test_desk_window (void)
{
  g_autoptr(PanoTestHub) hub = pano_test_hub_start (NULL, NULL);
  PanoWindow *wall = open_window (hub);
  g_autoptr(GListModel) toplevels = NULL;
  g_autoptr(GError) error = NULL;
  PanoWindow *desk = NULL;

  g_assert_true (pano_window_set_wall (wall, TRUE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wall), "win.new-window", NULL));
  toplevels = g_object_ref (gtk_window_get_toplevels ());
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (PANO_IS_WINDOW (item) && PANO_WINDOW (item) != wall)
        desk = PANO_WINDOW (item);
    }
  g_assert_nonnull (desk);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (desk)));
  g_assert_false (pano_window_get_wall (desk));
  g_assert_true (pano_window_get_wall (wall));
  pano_test_wait_until (welcomed, desk);
  g_assert_cmpstr (pano_window_get_role (desk), ==, "viewer");   /* the wall's token */
  g_assert_nonnull (pano_window_get_queue (desk));
  gtk_window_destroy (GTK_WINDOW (desk));
  gtk_window_destroy (GTK_WINDOW (wall));
}

int
main (int argc, char **argv)
{
  GPid xvfb;
  int status;

  /* The pointer is this test's own: moving it disturbs no other test. */
  xvfb = pano_test_start_display (1920, 1080);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  tmpdir = pano_test_make_tmpdir ();
  g_test_add_func ("/window-tour/cycle-and-pause", test_cycle_and_pause);
  g_test_add_func ("/window-tour/save-view", test_save_view);
  g_test_add_func ("/window-tour/bad-file", test_bad_file);
  g_test_add_func ("/window-tour/desk-window", test_desk_window);
  g_test_add_func ("/window-tour/command-line", test_command_line);
  status = g_test_run ();
  pano_test_rm_rf (tmpdir);
  g_free (tmpdir);
  kill (xvfb, SIGTERM);
  waitpid (xvfb, NULL, 0);
  g_spawn_close_pid (xvfb);
  return status;
}
