// SPDX-License-Identifier: GPL-3.0-or-later
/* Frame cost of panning a 1920×1080 map over many features: our static layers (features
 * loaded from GeoPackages by the real loader, composed into cached tiles by PanoTileLayer)
 * next to ShumateMarker widgets, the baseline the issue compares against.
 *
 * The frame time is the interval from one frame's ::after-paint to the next one's: what a
 * user sees, paced to 60 Hz under Xvfb. The main thread's work (::before-paint to
 * ::after-paint) is printed beside it; with GL on llvmpipe it understates a frame, because
 * the rasteriser finishes after the swap (see pano-bench-frames.c). Every scenario pans the
 * same circle at the same speed, after warm-up loops that let every tile on the path be
 * rendered and cached. Prints figures; never fails on a time. */
#define G_LOG_DOMAIN "panorama-bench"

#include "pano-bench-common.h"
#include "pano-bench-frames.h"
#include "pano-gis-loader.h"
#include "pano-layer-stack.h"
#include "pano-mercator.h"
#include "pano-static-layer.h"
#include "pano-tile-renderer.h"
#include "pano-tile-source.h"

#include <math.h>
#include <stdlib.h>

#define WIDTH 1920
#define HEIGHT 1080
#define RADIUS_PX 240.0    /* the view's centre runs round a circle of this radius … */
#define SPEED_PX 6.0       /* … this many pixels per frame, a brisk drag */
#define QUIET_US (1 * G_USEC_PER_SEC)        /* no paint this long: tiles have stopped coming */
#define SETTLE_LIMIT_US (120 * G_USEC_PER_SEC)
#define PAN_LIMIT_US (90 * G_USEC_PER_SEC)   /* bounds every pan, even at 300 ms a frame */
#define COLD_TILES 4       /* a 4 × 4 block of tiles at the centre, rendered synchronously */
#define GOAL_MS 16.7

typedef enum
{
  KIND_EMPTY,
  KIND_POINTS,
  KIND_LINES,
  KIND_MARKERS,
} Kind;

typedef struct
{
  const char *key;
  const char *label;
  Kind kind;
  guint n;            /* points, lines or markers */
  guint n_vertices;   /* per line */

  gboolean ran;
  guint in_view;
  double setup_s;     /* loading through the loader, or adding the markers */
  double cold_tile_ms;
  double warm_s;
  guint late_paints;  /* paints after the last warm-up loop: tiles still arriving */
  guint frames;
  double work_p50, work_p95, work_max;
  double paint_p50;
  double interval_p50, interval_p95;
} Scenario;

static Scenario scenarios[] = {
  { "0", "empty map (reference)", KIND_EMPTY, 0, 0 },
  { "a", "10 k points, static layer", KIND_POINTS, 10000, 1 },
  { "b", "100 k points, static layer", KIND_POINTS, 100000, 1 },
  { "c", "1 M points, static layer", KIND_POINTS, 1000000, 1 },
  { "d", "1 M line vertices (20 k lines x 50), static layer", KIND_LINES, 20000, 50 },
  { "e", "1 k ShumateMarker widgets", KIND_MARKERS, 1000, 0 },
  { "f", "5 k ShumateMarker widgets", KIND_MARKERS, 5000, 0 },
};

typedef struct
{
  PanoBenchFrames frames;
  PanoBenchPan pan;         /* its map is owned by the window */
  PanoLayerStack *stack;
} Bench;

static int opt_frames = 300;
static int opt_zoom = 12;
static char *opt_data_dir;
static char *opt_only;

static const GOptionEntry entries[] = {
  { "frames", 0, 0, G_OPTION_ARG_INT, &opt_frames, "Frames measured per scenario (300)", "N" },
  { "zoom", 0, 0, G_OPTION_ARG_INT, &opt_zoom, "Zoom level (12)", "Z" },
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_data_dir,
    "Keep the generated GeoPackages here and reuse them (default: a temporary directory)",
    "DIR" },
  { "only", 0, 0, G_OPTION_ARG_STRING, &opt_only,
    "Run only these scenarios, e.g. 0,c,f (default: all)", "KEYS" },
  { NULL }
};

static void
pan (Bench *b,
     guint  n_frames)
{
  pano_bench_pan_run (&b->pan, n_frames, PAN_LIMIT_US);
}

static guint
settle (Bench *b)
{
  return pano_bench_frames_settle (&b->frames, QUIET_US, SETTLE_LIMIT_US);
}

static void
new_map (Bench *b)
{
  g_autoptr(PanoTileRenderer) empty = pano_tile_renderer_new ();
  g_autoptr(PanoTileSource) reference = pano_tile_source_new ("reference", empty);
  ShumateViewport *viewport;

  g_clear_object (&b->stack);
  b->pan.map = shumate_map_new ();
  viewport = shumate_map_get_viewport (b->pan.map);
  shumate_viewport_set_reference_map_source (viewport, SHUMATE_MAP_SOURCE (reference));
  shumate_viewport_set_zoom_level (viewport, b->pan.zoom);
  pano_bench_pan_move_to (&b->pan, b->pan.center_x, b->pan.center_y);
  gtk_window_set_child (b->frames.window, GTK_WIDGET (b->pan.map));
  b->stack = pano_layer_stack_new (b->pan.map);
}

static gboolean
count_item (guint    item,
            gpointer user_data)
{
  (*(guint *)user_data)++;
  return TRUE;
}

/* What a user waits for on a cold cache: one tile of the view drawn from scratch. */
static double
cold_tile_ms (Bench            *b,
              PanoTileRenderer *renderer)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  guint tx = (guint)(b->pan.center_x / PANO_TILE_SIZE) - COLD_TILES / 2;
  guint ty = (guint)(b->pan.center_y / PANO_TILE_SIZE) - COLD_TILES / 2;

  for (guint j = 0; j < COLD_TILES; j++)
    for (guint i = 0; i < COLD_TILES; i++)
      {
        gint64 start = g_get_monotonic_time ();
        double ms;

        cairo_surface_destroy (pano_tile_renderer_render_tile (renderer, tx + i, ty + j,
                                                               (guint)b->pan.zoom,
                                                               PANO_TILE_SIZE));
        ms = (g_get_monotonic_time () - start) / 1000.0;
        g_array_append_val (times, ms);
      }
  return pano_bench_percentile (times, 0.5);
}

static gboolean
add_static_layer (Bench       *b,
                  Scenario    *s,
                  const char  *path,
                  GError     **error)
{
  static const GdkRGBA color = { 0.878, 0.106, 0.141, 1 };
  g_autoptr(PanoGisLoader) loader = pano_gis_loader_new (path);
  g_autoptr(GPtrArray) layers = NULL;
  g_autoptr(PanoStaticLayer) layer = NULL;
  gint64 start = g_get_monotonic_time ();
  double box[4];

  if (!(layers = pano_gis_loader_load (loader, NULL, error)))
    return FALSE;
  s->setup_s = pano_bench_seconds_since (start);

  layer = pano_static_layer_new_for_gis_layer (g_ptr_array_index (layers, 0), &color);
  pano_bench_pan_view_box (&b->pan, WIDTH, HEIGHT, box);
  pano_gis_layer_search (g_ptr_array_index (layers, 0), box[0], box[1], box[2], box[3],
                         count_item, &s->in_view);
  s->cold_tile_ms = cold_tile_ms (b, pano_static_layer_get_renderer (layer));
  pano_layer_stack_add (b->stack, layer);
  return TRUE;
}

static void
add_markers (Bench    *b,
             Scenario *s)
{
  gint64 start = g_get_monotonic_time ();

  s->in_view += pano_bench_pan_add_markers (&b->pan, s->n, WIDTH, HEIGHT);
  s->setup_s = pano_bench_seconds_since (start);
}

static char *
scenario_path (Scenario    *s,
               const char  *dir,
               GError     **error)
{
  if (s->kind == KIND_POINTS)
    return pano_bench_ensure_points (dir, s->n, error);
  return pano_bench_ensure_lines (dir, s->n, s->n_vertices, error);
}

static void
measure (Bench    *b,
         Scenario *s)
{
  PanoBenchFrames *f = &b->frames;
  GArray *work, *paint, *intervals;

  pano_bench_frames_record (f);
  pan (b, opt_frames);
  pano_bench_frames_stop (f);
  work = f->work;
  paint = f->paint;
  intervals = f->intervals;

  s->frames = work->len;
  s->work_p50 = pano_bench_percentile (work, 0.5);
  s->work_p95 = pano_bench_percentile (work, 0.95);
  s->work_max = pano_bench_percentile (work, 1.0);
  s->paint_p50 = pano_bench_percentile (paint, 0.5);
  s->interval_p50 = pano_bench_percentile (intervals, 0.5);
  s->interval_p95 = pano_bench_percentile (intervals, 0.95);
  pano_bench_frames_clear (f);
}

/* Two loops of the measured path, each followed by a still spell that lets tiles in flight
 * land; paints in the second spell mean the path still had uncached tiles. */
static void
warm_up (Bench    *b,
         Scenario *s)
{
  gint64 start = g_get_monotonic_time ();

  settle (b);
  pan (b, b->pan.frames_per_loop);
  settle (b);
  pan (b, b->pan.frames_per_loop);
  s->late_paints = settle (b);
  s->warm_s = pano_bench_seconds_since (start);
}

static gboolean
run_scenario (Bench       *b,
              Scenario    *s,
              const char  *dir,
              GError     **error)
{
  g_autofree char *path = NULL;

  s->cold_tile_ms = NAN;
  if ((s->kind == KIND_POINTS || s->kind == KIND_LINES) &&
      !(path = scenario_path (s, dir, error)))
    return FALSE;

  g_printerr ("[%s] %s: ", s->key, s->label);
  new_map (b);
  if (path != NULL && !add_static_layer (b, s, path, error))
    return FALSE;
  if (s->kind == KIND_MARKERS)
    add_markers (b, s);
  g_printerr ("set up in %.1f s, warming up ... ", s->setup_s);

  warm_up (b, s);
  measure (b, s);
  s->ran = TRUE;
  g_printerr ("p50 %.1f ms, p95 %.1f ms\n", s->work_p50, s->work_p95);
  return TRUE;
}

static gboolean
scenario_wanted (Scenario *s)
{
  g_auto(GStrv) keys = NULL;

  if (opt_only == NULL)
    return TRUE;
  keys = g_strsplit (opt_only, ",", -1);
  return g_strv_contains ((const char * const *)keys, s->key);
}

static void
print_cell (double value,
            const char *format)
{
  if (isnan (value))
    g_print (" - |");
  else
    g_print (format, value);
}

static void
print_row (Scenario *s)
{
  g_print ("| %s | %s | %u |", s->key, s->label, s->in_view);
  print_cell (s->setup_s, " %.2f |");
  print_cell (s->cold_tile_ms, " %.1f |");
  g_print (" %.1f (%u) | %u |", s->warm_s, s->late_paints, s->frames);
  print_cell (s->work_p50, " **%.1f** |");
  print_cell (s->work_p95, " **%.1f** |");
  print_cell (s->work_max, " %.1f |");
  print_cell (s->paint_p50, " %.1f |");
  print_cell (s->interval_p50, " %.1f |");
  print_cell (s->interval_p95, " %.1f |\n");
}

static void
print_results (Bench *b)
{
  g_print ("\nPanorama pan benchmark - GTK %u.%u.%u, libshumate %d.%d.%d, renderer %s "
           "(GSK_RENDERER=%s)\n",
           gtk_get_major_version (), gtk_get_minor_version (), gtk_get_micro_version (),
           SHUMATE_MAJOR_VERSION, SHUMATE_MINOR_VERSION, SHUMATE_MICRO_VERSION,
           pano_bench_frames_renderer_name (&b->frames),
           g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "unset");
  g_print ("Map %dx%d at zoom %g, panning a %.0f px circle at %.0f px/frame (%u frames a "
           "loop); %d frames measured per scenario; %u warnings logged.\n"
           "work = main-thread time from ::before-paint to ::after-paint (update + layout + "
           "paint); paint = from the end of layout to ::after-paint (snapshot + GSK render);\n"
           "interval = from one frame's ::after-paint to the next one's.\n\n",
           gtk_widget_get_width (GTK_WIDGET (b->pan.map)),
           gtk_widget_get_height (GTK_WIDGET (b->pan.map)), b->pan.zoom, RADIUS_PX, SPEED_PX,
           b->pan.frames_per_loop, opt_frames, b->frames.n_warnings);
  g_print ("| | scenario | in view | load/add s | cold tile ms | warm-up s (late paints) | "
           "frames | work p50 ms | work p95 ms | work max ms | of which paint p50 ms | "
           "interval p50 ms | interval p95 ms |\n"
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    if (scenarios[i].ran)
      print_row (&scenarios[i]);
  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    if (scenarios[i].ran && g_str_equal (scenarios[i].key, "c"))
      g_print ("\nGoal: 1 M points pan p95 <= %.1f ms - %s "
               "(frame p95 %.1f ms, work p95 %.1f ms)\n", GOAL_MS,
               scenarios[i].interval_p95 <= GOAL_MS ? "met" : "NOT met",
               scenarios[i].interval_p95, scenarios[i].work_p95);
}

static gboolean
parse_options (int      *argc,
               char   ***argv,
               GError  **error)
{
  g_autoptr(GOptionContext) context =
    g_option_context_new ("- frame cost of panning over many features");

  g_option_context_add_main_entries (context, entries, NULL);
  return g_option_context_parse (context, argc, argv, error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  gboolean temporary = FALSE;
  gboolean ok = TRUE;
  Bench b = { 0 };

  if (!parse_options (&argc, &argv, &error) ||
      !(dir = pano_bench_make_data_dir (opt_data_dir, &temporary, &error)))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  pano_bench_pan_init (&b.pan, &b.frames, RADIUS_PX, SPEED_PX);
  pano_bench_pan_set_zoom (&b.pan, opt_zoom);
  gtk_init ();
  pano_bench_load_marker_css ();
  pano_bench_frames_open (&b.frames, "Panorama pan benchmark", WIDTH, HEIGHT);
  new_map (&b);

  for (guint i = 0; ok && i < G_N_ELEMENTS (scenarios); i++)
    if (scenario_wanted (&scenarios[i]))
      ok = run_scenario (&b, &scenarios[i], dir, &error);

  print_results (&b);
  g_clear_object (&b.stack);
  gtk_window_destroy (b.frames.window);
  if (temporary)
    pano_bench_remove_data_dir (dir);
  if (!ok)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
