// SPDX-License-Identifier: GPL-3.0-or-later
/* Panning the live demo city on a 4K wall: the console's own window in wall mode at scale 2.0,
 * fed by a real panorama-hub simulating the demo city, against the renderer's floor at the
 * same size (one layer of textures, no Panorama code) in the same run.
 *
 * Run it on a 3840×2160 screen (xvfb-run -s '-screen 0 3840x2160x24'): the wall fills the
 * monitor. The window is the real PanoWindow with everything it shows (base map, static
 * layers, the live layers, the sidebar and operations panes, the KPI panel); the pan moves its
 * map's viewport round the same 240 px circle at 6 px a frame as pano-bench-live-pan, while the
 * hub's traffic keeps arriving. The floor is an undecorated window of the same size holding a
 * bare ShumateMap and the floor layer of pano-bench-frames.c. Rounds alternate floor and wall,
 * so a busier stretch of a shared machine weighs on both; the figures are the frame intervals
 * (end of one frame to the end of the next) over all rounds, p50 and p95, and their ratio to the
 * floor's. Prints figures; never fails on a time. */
#define G_LOG_DOMAIN "panorama-bench"

#include "pano-bench-common.h"
#include "pano-bench-frames.h"
#include "pano-bench-hub.h"
#include "pano-live-store.h"
#include "pano-mercator.h"
#include "pano-window.h"

#include <math.h>
#include <stdlib.h>

#define RADIUS_PX 240.0
#define SPEED_PX 6.0
#define LIVE_LIMIT_US (90 * G_USEC_PER_SEC)
#define PAN_LIMIT_US (60 * G_USEC_PER_SEC)

static int opt_frames = 300;
static int opt_rounds = 2;
static double opt_scale = 2.0;
static double opt_speed = 1.0;
static int opt_settle = 5;
static char *opt_hub;

static const GOptionEntry entries[] = {
  { "frames", 0, 0, G_OPTION_ARG_INT, &opt_frames, "Frames measured per round and side (300)",
    "N" },
  { "rounds", 0, 0, G_OPTION_ARG_INT, &opt_rounds, "Rounds of floor then wall (2)", "N" },
  { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &opt_scale, "The wall's text-and-symbol scale (2.0)",
    "S" },
  { "speed", 0, 0, G_OPTION_ARG_DOUBLE, &opt_speed, "The simulator's speed (1)", "X" },
  { "settle", 0, 0, G_OPTION_ARG_INT, &opt_settle,
    "Seconds after the city is live before the first pan (5)", "S" },
  { "hub", 0, 0, G_OPTION_ARG_FILENAME, &opt_hub,
    "The panorama-hub to start (default: the build tree's)", "PATH" },
  { NULL }
};

typedef struct
{
  PanoBenchFrames frames;
  PanoBenchPan pan;
  GArray *intervals;     /* every round's frame intervals, ms */
  GArray *work;
  guint rounds;
} Side;

static void
side_init (Side *side)
{
  pano_bench_pan_init (&side->pan, &side->frames, RADIUS_PX, SPEED_PX);
  side->intervals = g_array_new (FALSE, FALSE, sizeof (double));
  side->work = g_array_new (FALSE, FALSE, sizeof (double));
}

/* Starts the pan where the view is now, on a whole pixel. */
static void
side_centre_here (Side *side)
{
  ShumateViewport *viewport = shumate_map_get_viewport (side->pan.map);
  double world;

  side->pan.zoom = round (shumate_viewport_get_zoom_level (viewport));
  shumate_viewport_set_zoom_level (viewport, side->pan.zoom);
  world = pano_mercator_world_size (side->pan.zoom);
  side->pan.center_x =
    round (pano_mercator_x_from_lon (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)))
           * world);
  side->pan.center_y =
    round (pano_mercator_y_from_lat (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)))
           * world);
}

static gboolean
wait_a_while (gpointer user_data)
{
  return FALSE;
}

/* One loop unmeasured (tiles on the path cached, the window's first frames done), then
 * --frames measured frames. */
static void
side_measure (Side       *side,
              const char *name)
{
  GtkWindow *window = side->frames.window;
  double p50, p95;

  gtk_window_present (window);
  pano_bench_frames_spin (wait_a_while, NULL, G_USEC_PER_SEC);
  pano_bench_pan_run (&side->pan, side->pan.frames_per_loop, PAN_LIMIT_US);
  pano_bench_frames_spin (wait_a_while, NULL, G_USEC_PER_SEC);
  pano_bench_frames_record (&side->frames);
  pano_bench_pan_run (&side->pan, opt_frames, PAN_LIMIT_US);
  pano_bench_frames_stop (&side->frames);
  g_array_append_vals (side->intervals, side->frames.intervals->data,
                       side->frames.intervals->len);
  g_array_append_vals (side->work, side->frames.work->data, side->frames.work->len);
  p50 = pano_bench_percentile (side->frames.intervals, 0.5);
  p95 = pano_bench_percentile (side->frames.intervals, 0.95);
  g_printerr ("  %s: %u frames %dx%d, frame p50 %.1f ms, p95 %.1f ms\n", name,
              side->frames.work->len, gtk_widget_get_width (GTK_WIDGET (window)),
              gtk_widget_get_height (GTK_WIDGET (window)), p50, p95);
  pano_bench_frames_clear (&side->frames);
  side->rounds++;
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
}

/* ---- the floor ---- */

static void
open_floor (Side *floor,
            int   width,
            int   height)
{
  ShumateViewport *viewport;

  pano_bench_frames_open (&floor->frames, "Renderer floor", width, height);
  floor->pan.map = shumate_map_new ();
  viewport = shumate_map_get_viewport (floor->pan.map);
  shumate_viewport_set_zoom_level (viewport, floor->pan.zoom);
  pano_bench_pan_move_to (&floor->pan, floor->pan.center_x, floor->pan.center_y);
  shumate_map_add_layer (floor->pan.map, pano_bench_tile_floor_new (viewport));
  gtk_window_set_child (floor->frames.window, GTK_WIDGET (floor->pan.map));
  gtk_widget_set_visible (GTK_WIDGET (floor->frames.window), FALSE);
}

/* ---- the wall ---- */

typedef struct
{
  PanoWindow *window;
  int width, height;
} Wall;

static gboolean
is_live (gpointer user_data)
{
  Wall *wall = user_data;
  PanoLiveStore *store = pano_window_get_live_store (wall->window);
  PanoLiveLayer *traffic = store ? pano_live_store_get_layer (store, "traffic") : NULL;
  GtkWidget *map = GTK_WIDGET (pano_window_get_map (wall->window));

  return pano_window_get_feed (wall->window) != NULL &&
         pano_feed_client_get_state (pano_window_get_feed (wall->window)) == PANO_FEED_CONNECTED &&
         traffic != NULL && pano_live_layer_get_n_entities (traffic) > 0 &&
         gtk_widget_get_width (GTK_WIDGET (wall->window)) == wall->width &&
         gtk_widget_get_height (GTK_WIDGET (wall->window)) == wall->height &&
         gtk_widget_get_width (map) > 0;
}

static gboolean
open_wall (Side       *side,
           Wall       *wall,
           guint       port,
           GError    **error)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", port);

  wall->window = pano_window_new (NULL);
  pano_window_set_hub (wall->window, url, PANO_BENCH_HUB_TOKEN);
  pano_window_set_wall_scale (wall->window, opt_scale);
  if (!pano_window_set_wall (wall->window, TRUE, NULL, error))
    return FALSE;
  pano_bench_frames_attach (&side->frames, GTK_WINDOW (wall->window));
  pano_bench_frames_spin (is_live, wall, LIVE_LIMIT_US);
  if (!is_live (wall))
    return g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                        "the wall did not fill the screen with the live city within %d s "
                        "(window %d×%d)", (int)(LIVE_LIMIT_US / G_USEC_PER_SEC),
                        gtk_widget_get_width (GTK_WIDGET (wall->window)),
                        gtk_widget_get_height (GTK_WIDGET (wall->window))), FALSE;
  pano_bench_frames_spin (wait_a_while, NULL, opt_settle * G_USEC_PER_SEC);
  side->pan.map = pano_window_get_map (wall->window);
  side_centre_here (side);
  return TRUE;
}

/* ---- output ---- */

static void
print_results (Side       *floor,
               Side       *wall,
               Wall       *w,
               const char *loadavg)
{
  double f50 = pano_bench_percentile (floor->intervals, 0.5);
  double f95 = pano_bench_percentile (floor->intervals, 0.95);
  double w50 = pano_bench_percentile (wall->intervals, 0.5);
  double w95 = pano_bench_percentile (wall->intervals, 0.95);

  g_print ("\nPanorama wall pan benchmark - GTK %u.%u.%u, renderer %s (GSK_RENDERER=%s), "
           "%u cores\nLoad average at the end (other processes share the machine): %s"
           "Wall mode %dx%d at scale %.1f, zoom %g, live demo city (hub simulating at %gx); "
           "panning a %.0f px circle at %.0f px/frame; %d rounds of floor then wall, %d frames "
           "each; %u warnings logged.\n\n",
           gtk_get_major_version (), gtk_get_minor_version (), gtk_get_micro_version (),
           pano_bench_frames_renderer_name (&wall->frames),
           g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "unset",
           g_get_num_processors (), loadavg ? loadavg : "?\n", w->width, w->height, opt_scale,
           wall->pan.zoom, opt_speed, RADIUS_PX, SPEED_PX, opt_rounds, opt_frames,
           floor->frames.n_warnings);
  g_print ("The wall's map is %dx%d of its window (the side panes take the rest); the floor's map "
           "is the whole window.\n\n",
           gtk_widget_get_width (GTK_WIDGET (wall->pan.map)),
           gtk_widget_get_height (GTK_WIDGET (wall->pan.map)));
  g_print ("| window | frames | frame p50 ms | frame p95 ms | work p50 ms | work p95 ms | "
           "p50 / floor | p95 / floor |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
  g_print ("| renderer floor: one texture per tile, no Panorama code | %u | %.1f | %.1f | %.1f "
           "| %.1f | 1.00 | 1.00 |\n", floor->intervals->len, f50, f95,
           pano_bench_percentile (floor->work, 0.5), pano_bench_percentile (floor->work, 0.95));
  g_print ("| console, wall mode, scale %.1f, live demo city | %u | %.1f | %.1f | %.1f | %.1f | "
           "**%.2f** | **%.2f** |\n", opt_scale, wall->intervals->len, w50, w95,
           pano_bench_percentile (wall->work, 0.5), pano_bench_percentile (wall->work, 0.95),
           w50 / f50, w95 / f95);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context =
    g_option_context_new ("- panning the live city on a 4K wall against the renderer's floor");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) hub = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *loadavg = NULL;
  GdkMonitor *monitor;
  GdkRectangle area;
  Side floor = { 0 }, wall = { 0 };
  Wall w = { 0 };
  guint port = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  if (opt_frames < 10 || opt_rounds < 1 || opt_scale < 1.0 || opt_scale > 3.0 || opt_speed <= 0)
    {
      g_printerr ("--frames >= 10, --rounds >= 1, --scale 1.0..3.0, --speed > 0\n");
      return EXIT_FAILURE;
    }

  adw_init ();
  monitor = g_list_model_get_item (gdk_display_get_monitors (gdk_display_get_default ()), 0);
  gdk_monitor_get_geometry (monitor, &area);
  g_object_unref (monitor);
  w.width = area.width;
  w.height = area.height;
  if (w.width != 3840 || w.height != 2160)
    g_printerr ("The screen is %dx%d, not 3840x2160: the figures are for this size\n", w.width,
                w.height);

  if (!(dir = g_dir_make_tmp ("pano-bench-wall-XXXXXX", &error)) ||
      !(hub = pano_bench_hub_start (opt_hub ? opt_hub : PANO_BENCH_HUB_EXE,
                                    PANO_BENCH_SOURCE_DIR "/data", dir, opt_speed, &port,
                                    &error)))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  side_init (&floor);
  side_init (&wall);
  g_printerr ("Opening the wall (scale %.1f) on the live demo city…\n", opt_scale);
  if (!open_wall (&wall, &w, port, &error))
    {
      g_printerr ("%s\n", error->message);
      pano_bench_process_stop (&hub);
      pano_bench_remove_tree (dir);
      return EXIT_FAILURE;
    }
  gtk_widget_set_visible (GTK_WIDGET (w.window), FALSE);
  floor.pan.zoom = wall.pan.zoom;
  floor.pan.center_x = wall.pan.center_x;
  floor.pan.center_y = wall.pan.center_y;
  open_floor (&floor, w.width, w.height);

  for (int r = 0; r < opt_rounds; r++)
    {
      g_printerr ("round %d of %d:\n", r + 1, opt_rounds);
      side_measure (&floor, "floor");
      side_measure (&wall, "wall ");
    }
  g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL);
  print_results (&floor, &wall, &w, loadavg);

  gtk_window_destroy (GTK_WINDOW (w.window));
  gtk_window_destroy (floor.frames.window);
  pano_bench_process_stop (&hub);
  pano_bench_remove_tree (dir);
  g_array_unref (floor.intervals);
  g_array_unref (floor.work);
  g_array_unref (wall.intervals);
  g_array_unref (wall.work);
  return EXIT_SUCCESS;
}
