// SPDX-License-Identifier: GPL-3.0-or-later
/* 复盘 at 60×: frames on time while the console's replay engine plays one simulated hour of the
 * hub's history, and how long a seek takes.
 *
 * A real panorama-hub simulates the demo city at --speed 60 for --generate seconds (60: one
 * simulated hour, recorded in the hub's replay history with wall-clock times). The history is
 * then replayed by PanoReplayEngine into a PanoLiveStore drawn by PanoLiveMapLayers on a
 * 1920×1080 ShumateMap, at the engine's 1× over those 60 s: the change rate of one hour of the
 * simulator at 1× played at 60×. Beside it, in the same run, the renderer floor: the same map
 * and layers redrawn every frame with the replay paused. Then --seeks random seeks, each timed
 * from the request to the store showing the state. Prints figures; never fails on a time. */
#define G_LOG_DOMAIN "panorama-bench"

#include "pano-bench-common.h"
#include "pano-bench-frames.h"
#include "pano-live-map-layer.h"
#include "pano-live-style.h"
#include "pano-replay-engine.h"
#include "pano-tile-renderer.h"
#include "pano-tile-source.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#define WIDTH 1920
#define HEIGHT 1080
#define FRAME_BUDGET_MS (1000.0 / 60 * 1.5)   /* on time: within 1.5 refreshes of 60 Hz */

static int opt_generate = 60;
static int opt_play = 60;
static int opt_floor = 10;
static int opt_seeks = 20;

static const GOptionEntry entries[] = {
  { "generate", 0, 0, G_OPTION_ARG_INT, &opt_generate,
    "Seconds of the simulator at --speed 60 to record (60: one simulated hour)", "S" },
  { "play", 0, 0, G_OPTION_ARG_INT, &opt_play, "Seconds of replay to measure (60)", "S" },
  { "floor", 0, 0, G_OPTION_ARG_INT, &opt_floor, "Seconds of the paused floor (10)", "S" },
  { "seeks", 0, 0, G_OPTION_ARG_INT, &opt_seeks, "Random seeks to time (20)", "N" },
  { NULL }
};

typedef struct
{
  PanoBenchFrames frames;
  ShumateMap *map;
  PanoReplayEngine *engine;
  gboolean playing;
  gint64 last_frame_us;
  gboolean done;
  GError *error;
  GPid hub;
  char *dir;
} Bench;

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static char *
hub_start (Bench     *b,
           gboolean   simulate,
           GError   **error)
{
  g_autofree char *config = NULL, *port_file = NULL, *database = NULL, *port = NULL;
  const char *exe = g_getenv ("PANORAMA_HUB_EXE");
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  if (b->dir == NULL && !(b->dir = g_dir_make_tmp ("pano-bench-replay-XXXXXX", error)))
    return NULL;
  config = g_build_filename (b->dir, "hub.conf", NULL);
  port_file = g_build_filename (b->dir, "port", NULL);
  database = g_build_filename (b->dir, "hub.sqlite", NULL);
  g_unlink (port_file);
  if (!g_file_set_contents (config, "[hub]\nlisten = 127.0.0.1:0\n[tokens]\n"
                            "console = viewer:view\n"
                            /* The default keyframe every 600 s, on the 60x clock. */
                            "[history]\nkeyframe-s = 10\n", -1, error))
    return NULL;
  {
    const char *argv[] = { exe ? exe : PANO_BENCH_HUB_EXE, "--config", config, "--database",
                           database, "--port-file", port_file,
                           simulate ? "--simulate" : NULL, "--speed", "60", NULL };

    if (!g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                        G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                        die_with_parent, NULL, &b->hub, error))
      return NULL;
  }
  while (!g_file_get_contents (port_file, &port, NULL, NULL) || port[0] == '\0')
    {
      g_clear_pointer (&port, g_free);
      if (g_get_monotonic_time () > deadline)
        return g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "the hub did not start"),
               NULL;
      g_usleep (20000);
    }
  return g_strdup_printf ("http://127.0.0.1:%u", (guint) g_ascii_strtoull (port, NULL, 10));
}

static void
hub_stop (Bench *b)
{
  int status;

  kill (b->hub, SIGTERM);
  waitpid (b->hub, &status, 0);
  g_spawn_close_pid (b->hub);
}

static void
new_map (Bench *b)
{
  g_autoptr(PanoTileRenderer) empty = pano_tile_renderer_new ();
  g_autoptr(PanoTileSource) reference = pano_tile_source_new ("reference", empty);
  ShumateViewport *viewport;
  const char * const *names = pano_live_style_get_layer_names ();

  b->map = shumate_map_new ();
  viewport = shumate_map_get_viewport (b->map);
  shumate_viewport_set_reference_map_source (viewport, SHUMATE_MAP_SOURCE (reference));
  shumate_viewport_set_zoom_level (viewport, 12);
  shumate_location_set_location (SHUMATE_LOCATION (viewport), 32.629, 110.798);
  for (guint i = 0; names[i] != NULL; i++)
    shumate_map_add_layer (b->map, SHUMATE_LAYER (pano_live_map_layer_new (
                             viewport, pano_replay_engine_get_store (b->engine), names[i])));
  gtk_window_set_child (b->frames.window, GTK_WIDGET (b->map));
}

/* Every frame: the replay clock moves by the frame's time (1×), and the map is redrawn. */
static void
on_paint (PanoBenchFrames *frames,
          gint64           now,
          gpointer         user_data)
{
  Bench *b = user_data;

  if (b->playing && b->last_frame_us > 0)
    pano_replay_engine_advance (b->engine, pano_replay_engine_get_position (b->engine) +
                                           (now - b->last_frame_us) / 1000);
  b->last_frame_us = now;
  gtk_widget_queue_draw (GTK_WIDGET (b->map));
}

static gboolean
is_done (gpointer user_data)
{
  return ((Bench *) user_data)->done;
}

static gboolean
never (gpointer user_data)
{
  return FALSE;
}

static void
on_range (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Bench *b = user_data;

  pano_replay_engine_load_range_finish (b->engine, result, &b->error);
  b->done = TRUE;
}

static void
on_sought (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Bench *b = user_data;

  pano_replay_engine_seek_finish (b->engine, result, &b->error);
  b->done = TRUE;
}

static double
seek_to (Bench  *b,
         gint64  at)
{
  gint64 start = g_get_monotonic_time ();

  b->done = FALSE;
  pano_replay_engine_seek_async (b->engine, at, NULL, on_sought, b);
  pano_bench_frames_spin (is_done, b, 60 * G_USEC_PER_SEC);
  return pano_bench_seconds_since (start) * 1000;
}

static void
measure (Bench  *b,
         int     seconds,
         GArray *intervals,
         GArray *paint)
{
  pano_bench_frames_record (&b->frames);
  pano_bench_frames_spin (never, NULL, (gint64) seconds * G_USEC_PER_SEC);
  pano_bench_frames_stop (&b->frames);
  g_array_append_vals (intervals, b->frames.intervals->data, b->frames.intervals->len);
  g_array_append_vals (paint, b->frames.paint->data, b->frames.paint->len);
  pano_bench_frames_clear (&b->frames);
}

static double
on_time (GArray *intervals)
{
  guint n = 0;

  for (guint i = 0; i < intervals->len; i++)
    n += g_array_index (intervals, double, i) <= FRAME_BUDGET_MS;
  return intervals->len ? 100.0 * n / intervals->len : 0;
}

static gsize
count_entities (Bench *b)
{
  const char * const *names = pano_live_style_get_layer_names ();
  gsize n = 0;

  for (guint i = 0; names[i] != NULL; i++)
    n += pano_live_layer_get_n_entities (pano_live_store_get_layer (
                                           pano_replay_engine_get_store (b->engine), names[i]));
  return n;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— replay (复盘) benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) floor_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) play_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) seeks = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) floor_paint = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) play_paint = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  g_autofree char *url = NULL;
  Bench b = { 0 };
  gint64 start, end, reached;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      (url = hub_start (&b, TRUE, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  gtk_init ();
  g_printerr ("Recording %d s of the simulator at --speed 60…\n", opt_generate);
  pano_bench_frames_spin (never, NULL, (gint64) opt_generate * G_USEC_PER_SEC);
  /* Replayed from a hub that no longer simulates: the figures are the console's. */
  hub_stop (&b);
  g_free (url);
  if ((url = hub_start (&b, FALSE, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  b.engine = pano_replay_engine_new (url, "view", NULL);
  pano_bench_frames_open (&b.frames, "Panorama replay benchmark", WIDTH, HEIGHT);
  b.frames.on_paint = on_paint;
  b.frames.on_paint_data = &b;
  new_map (&b);
  pano_replay_engine_load_range_async (b.engine, NULL, on_range, &b);
  pano_bench_frames_spin (is_done, &b, 30 * G_USEC_PER_SEC);
  if (b.error != NULL)
    {
      g_printerr ("%s\n", b.error->message);
      return EXIT_FAILURE;
    }
  start = pano_replay_engine_get_start (b.engine);
  /* The recording, not the quiet restarted hub after it. */
  end = MIN (pano_replay_engine_get_end (b.engine), start + (gint64) opt_generate * 1000);
  seek_to (&b, start);
  pano_bench_frames_settle (&b.frames, 500000, 10 * G_USEC_PER_SEC);

  /* The floor first, paused half-way through, then the replay from the start. */
  seek_to (&b, start + (end - start) / 2);
  measure (&b, opt_floor, floor_ms, floor_paint);
  seek_to (&b, start);
  b.playing = TRUE;
  b.last_frame_us = 0;
  measure (&b, MIN (opt_play, (int) ((end - start) / 1000)), play_ms, play_paint);
  b.playing = FALSE;
  reached = pano_replay_engine_get_position (b.engine);

  for (int i = 0; i < opt_seeks; i++)
    {
      double ms = seek_to (&b, start + (gint64) g_rand_double_range (rand, 0, end - start));

      g_array_append_val (seeks, ms);
    }

  g_print ("\nPanorama replay (复盘) benchmark - renderer %s, %dx%d, zoom 12, 6 live layers\n",
           pano_bench_frames_renderer_name (&b.frames), WIDTH, HEIGHT);
  g_print ("History: %.0f s of the simulator at --speed 60 (%.1f simulated hours), "
           "%zu entities at the end; replay at 1x of that = 60x of simulated time\n\n",
           (end - start) / 1000.0, (end - start) / 1000.0 * 60 / 3600, count_entities (&b));
  g_print ("| view | frames | on time (<= %.0f ms) | interval p50 ms | interval p95 ms | "
           "paint p50 ms | paint p95 ms |\n", FRAME_BUDGET_MS);
  g_print ("|---|---|---|---|---|---|---|\n");
  g_print ("| renderer floor (replay paused) | %u | %.1f %% | %.1f | %.1f | %.1f | %.1f |\n",
           floor_ms->len, on_time (floor_ms), pano_bench_percentile (floor_ms, 0.5),
           pano_bench_percentile (floor_ms, 0.95), pano_bench_percentile (floor_paint, 0.5),
           pano_bench_percentile (floor_paint, 0.95));
  g_print ("| replay playing at 60x | %u | %.1f %% | **%.1f** | **%.1f** | %.1f | %.1f |\n",
           play_ms->len, on_time (play_ms), pano_bench_percentile (play_ms, 0.5),
           pano_bench_percentile (play_ms, 0.95), pano_bench_percentile (play_paint, 0.5),
           pano_bench_percentile (play_paint, 0.95));
  g_print ("\nReplay clock reached %.1f s of %.1f s; %d random seeks: p50 **%.0f ms**, "
           "p95 **%.0f ms**, max %.0f ms\n", (reached - start) / 1000.0, (end - start) / 1000.0,
           opt_seeks, pano_bench_percentile (seeks, 0.5), pano_bench_percentile (seeks, 0.95),
           pano_bench_percentile (seeks, 1.0));
  {
    g_autofree char *history = g_build_filename (b.dir, "hub.sqlite-history.db", NULL);
    g_autofree char *wal = g_build_filename (b.dir, "hub.sqlite-history.db-wal", NULL);
    GStatBuf st, sw;

    if (g_stat (history, &st) == 0)
      g_print ("History file: %.1f MB (+ %.1f MB WAL) for %.0f s recorded\n",
               st.st_size / 1e6, g_stat (wal, &sw) == 0 ? sw.st_size / 1e6 : 0.0,
               (end - start) / 1000.0);
  }
  gtk_window_destroy (b.frames.window);
  g_object_unref (b.engine);
  hub_stop (&b);
  pano_bench_remove_data_dir (b.dir);
  g_free (b.dir);
  return EXIT_SUCCESS;
}
