// SPDX-License-Identifier: GPL-3.0-or-later
/* Frame cost of panning a 1920×1080 map over many features: our static layers (features
 * loaded from GeoPackages by the real loader, drawn into cached tiles by PanoTileSource) next
 * to ShumateMarker widgets, the baseline the issue compares against.
 *
 * The figure that matters is the main thread's work per frame, from the frame clock's
 * ::before-paint to its ::after-paint: the update (our tick callback moves the view), layout
 * and paint (snapshot and GSK render). Under Xvfb the frame clock is paced to 60 Hz, so frame
 * intervals alone would only say "60 Hz" until the work exceeds 16.7 ms; they are printed
 * too. Every scenario pans the same circle at the same speed, after warm-up loops that let
 * every tile on the path be rendered and cached. Prints figures; never fails on a time. */
#define G_LOG_DOMAIN "panorama-bench"

#include "pano-bench-common.h"
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
  GtkWindow *window;
  ShumateMap *map;          /* owned by the window */
  PanoLayerStack *stack;
  double zoom;
  double center_x, center_y;   /* world pixels at zoom */

  gint64 before_paint;
  gint64 layout_done;
  gint64 last_paint;
  guint n_paints;

  guint frame_index;
  guint frames_per_loop;
  guint frames_wanted;
  GArray *work;         /* ms per frame while recording, else NULL */
  GArray *paint;        /* ms of it in the paint phase (snapshot + GSK render) */
  GArray *intervals;    /* ms from one frame's end to the next one's */

  guint n_warnings;
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

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}

/* Counts warnings so the summary says whether a run was clean, and still prints them. */
static GLogWriterOutput
count_warnings (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  Bench *b = user_data;

  if (level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    b->n_warnings++;
  return g_log_writer_default (level, fields, n_fields, NULL);
}

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* The main loop, run until @done says so or @limit_us passes. The timeout wakes the loop
 * when nothing else would, for conditions that are about time passing. */
static void
spin_until (Bench     *b,
            gboolean (*done) (Bench *b),
            gint64     limit_us)
{
  gint64 start = g_get_monotonic_time ();
  guint wake = g_timeout_add (50, wake_up, NULL);

  while (!done (b) && g_get_monotonic_time () - start < limit_us)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

static void
on_before_paint (GdkFrameClock *clock,
                 Bench         *b)
{
  b->before_paint = b->layout_done = g_get_monotonic_time ();
}

/* Connected after GTK's own handler: the end of layout is the start of paint. */
static void
on_layout (GdkFrameClock *clock,
           Bench         *b)
{
  b->layout_done = g_get_monotonic_time ();
}

static void
record_frame (Bench  *b,
              gint64  now)
{
  double work = (now - b->before_paint) / 1000.0;
  double paint = (now - b->layout_done) / 1000.0;
  double interval = (now - b->last_paint) / 1000.0;

  g_array_append_val (b->work, work);
  g_array_append_val (b->paint, paint);
  if (b->work->len > 1)
    g_array_append_val (b->intervals, interval);
}

static void
on_after_paint (GdkFrameClock *clock,
                Bench         *b)
{
  gint64 now = g_get_monotonic_time ();

  if (b->work != NULL && b->before_paint > 0)
    record_frame (b, now);
  b->n_paints++;
  b->last_paint = now;
}

static void
move_to (Bench  *b,
         double  x,
         double  y)
{
  double world = pano_mercator_world_size (b->zoom);

  shumate_location_set_location (SHUMATE_LOCATION (shumate_map_get_viewport (b->map)),
                                 pano_mercator_lat_from_y (y / world),
                                 pano_mercator_lon_from_x (x / world));
}

/* Whole-pixel steps round a circle through the start, as a pointer drag would give. */
static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  Bench *b = user_data;
  double angle = 2 * G_PI * b->frame_index / b->frames_per_loop;

  move_to (b, b->center_x + round (RADIUS_PX * (cos (angle) - 1)),
           b->center_y + round (RADIUS_PX * sin (angle)));
  b->frame_index++;
  return G_SOURCE_CONTINUE;
}

static gboolean
pan_done (Bench *b)
{
  return b->work != NULL ? b->work->len >= b->frames_wanted
                         : b->frame_index >= b->frames_wanted;
}

/* Pans @n_frames frames; records their costs when b->work is set. */
static void
pan (Bench *b,
     guint  n_frames)
{
  guint tick;

  b->frame_index = 0;
  b->frames_wanted = n_frames;
  tick = gtk_widget_add_tick_callback (GTK_WIDGET (b->map), on_tick, b, NULL);
  spin_until (b, pan_done, PAN_LIMIT_US);
  gtk_widget_remove_tick_callback (GTK_WIDGET (b->map), tick);
}

static gboolean
is_quiet (Bench *b)
{
  return g_get_monotonic_time () - b->last_paint >= QUIET_US;
}

/* Holds the view still until nothing has been painted for a second: tiles rendered on the
 * workers arrive as paints, so a quiet second means none is left in flight.
 * Returns: the paints seen meanwhile */
static guint
settle (Bench *b)
{
  guint paints = b->n_paints;

  b->last_paint = g_get_monotonic_time ();
  spin_until (b, is_quiet, SETTLE_LIMIT_US);
  return b->n_paints - paints;
}

static void
new_map (Bench *b)
{
  g_autoptr(PanoTileRenderer) empty = pano_tile_renderer_new ();
  g_autoptr(PanoTileSource) reference = pano_tile_source_new ("reference", empty);
  ShumateViewport *viewport;

  g_clear_object (&b->stack);
  b->map = shumate_map_new ();
  viewport = shumate_map_get_viewport (b->map);
  shumate_viewport_set_reference_map_source (viewport, SHUMATE_MAP_SOURCE (reference));
  shumate_viewport_set_zoom_level (viewport, b->zoom);
  move_to (b, b->center_x, b->center_y);
  gtk_window_set_child (b->window, GTK_WIDGET (b->map));
  b->stack = pano_layer_stack_new (b->map);
}

/* The view's box at the centre position, in world units. */
static void
view_box (Bench  *b,
          double *box)
{
  double world = pano_mercator_world_size (b->zoom);

  box[0] = (b->center_x - WIDTH / 2.0) / world;
  box[1] = (b->center_y - HEIGHT / 2.0) / world;
  box[2] = (b->center_x + WIDTH / 2.0) / world;
  box[3] = (b->center_y + HEIGHT / 2.0) / world;
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
  guint tx = (guint)(b->center_x / PANO_TILE_SIZE) - COLD_TILES / 2;
  guint ty = (guint)(b->center_y / PANO_TILE_SIZE) - COLD_TILES / 2;

  for (guint j = 0; j < COLD_TILES; j++)
    for (guint i = 0; i < COLD_TILES; i++)
      {
        gint64 start = g_get_monotonic_time ();
        double ms;

        cairo_surface_destroy (pano_tile_renderer_render_tile (renderer, tx + i, ty + j,
                                                               (guint)b->zoom,
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
  s->setup_s = seconds_since (start);

  layer = pano_static_layer_new_for_gis_layer (g_ptr_array_index (layers, 0), &color);
  view_box (b, box);
  pano_gis_layer_search (g_ptr_array_index (layers, 0), box[0], box[1], box[2], box[3],
                         count_item, &s->in_view);
  s->cold_tile_ms = cold_tile_ms (b, pano_static_layer_get_renderer (layer));
  pano_layer_stack_add (b->stack, layer);
  return TRUE;
}

/* A small styled box, about the cheapest widget a marker can carry. */
static GtkWidget *
new_marker (double lat,
            double lon)
{
  ShumateMarker *marker = shumate_marker_new ();
  GtkWidget *dot = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  gtk_widget_add_css_class (dot, "bench-dot");
  shumate_marker_set_child (marker, dot);
  shumate_location_set_location (SHUMATE_LOCATION (marker), lat, lon);
  return GTK_WIDGET (marker);
}

static void
add_markers (Bench    *b,
             Scenario *s)
{
  ShumateMarkerLayer *layer = shumate_marker_layer_new (shumate_map_get_viewport (b->map));
  g_autoptr(GRand) rand = g_rand_new_with_seed (PANO_BENCH_SEED);
  gint64 start = g_get_monotonic_time ();
  double box[4];

  view_box (b, box);
  for (guint i = 0; i < s->n; i++)
    {
      double lon, lat, x, y;

      pano_bench_random_lonlat (rand, &lon, &lat);
      x = pano_mercator_x_from_lon (lon);
      y = pano_mercator_y_from_lat (lat);
      s->in_view += x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3];
      shumate_marker_layer_add_marker (layer, SHUMATE_MARKER (new_marker (lat, lon)));
    }
  shumate_map_add_layer (b->map, SHUMATE_LAYER (layer));
  s->setup_s = seconds_since (start);
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
  g_autoptr(GArray) work = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) paint = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) intervals = g_array_new (FALSE, FALSE, sizeof (double));

  b->work = work;
  b->paint = paint;
  b->intervals = intervals;
  pan (b, opt_frames);
  b->work = b->paint = b->intervals = NULL;

  s->frames = work->len;
  s->work_p50 = pano_bench_percentile (work, 0.5);
  s->work_p95 = pano_bench_percentile (work, 0.95);
  s->work_max = pano_bench_percentile (work, 1.0);
  s->paint_p50 = pano_bench_percentile (paint, 0.5);
  s->interval_p50 = pano_bench_percentile (intervals, 0.5);
  s->interval_p95 = pano_bench_percentile (intervals, 0.95);
}

/* Two loops of the measured path, each followed by a still spell that lets tiles in flight
 * land; paints in the second spell mean the path still had uncached tiles. */
static void
warm_up (Bench    *b,
         Scenario *s)
{
  gint64 start = g_get_monotonic_time ();

  settle (b);
  pan (b, b->frames_per_loop);
  settle (b);
  pan (b, b->frames_per_loop);
  s->late_paints = settle (b);
  s->warm_s = seconds_since (start);
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
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (b->window));

  g_print ("\nPanorama pan benchmark - GTK %u.%u.%u, libshumate %d.%d.%d, renderer %s "
           "(GSK_RENDERER=%s)\n",
           gtk_get_major_version (), gtk_get_minor_version (), gtk_get_micro_version (),
           SHUMATE_MAJOR_VERSION, SHUMATE_MINOR_VERSION, SHUMATE_MICRO_VERSION,
           G_OBJECT_TYPE_NAME (renderer),
           g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "unset");
  g_print ("Map %dx%d at zoom %g, panning a %.0f px circle at %.0f px/frame (%u frames a "
           "loop); %d frames measured per scenario; %u warnings logged.\n"
           "work = main-thread time from ::before-paint to ::after-paint (update + layout + "
           "paint); paint = from the end of layout to ::after-paint (snapshot + GSK render);\n"
           "interval = from one frame's ::after-paint to the next one's.\n\n",
           gtk_widget_get_width (GTK_WIDGET (b->map)),
           gtk_widget_get_height (GTK_WIDGET (b->map)), b->zoom, RADIUS_PX, SPEED_PX,
           b->frames_per_loop, opt_frames, b->n_warnings);
  g_print ("| | scenario | in view | load/add s | cold tile ms | warm-up s (late paints) | "
           "frames | work p50 ms | work p95 ms | work max ms | of which paint p50 ms | "
           "interval p50 ms | interval p95 ms |\n"
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    if (scenarios[i].ran)
      print_row (&scenarios[i]);
  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    if (scenarios[i].ran && g_str_equal (scenarios[i].key, "c"))
      g_print ("\nGoal: 1 M points pan p95 <= %.1f ms - %s (p95 %.1f ms of work)\n", GOAL_MS,
               scenarios[i].work_p95 <= GOAL_MS ? "met" : "NOT met", scenarios[i].work_p95);
}

static void
load_css (void)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  gtk_css_provider_load_from_data (css,
                                   ".bench-dot { background: #e01b24; min-width: 8px; "
                                   "min-height: 8px; border-radius: 4px; }", -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static gboolean
has_painted (Bench *b)
{
  return b->n_paints > 0;
}

static void
open_window (Bench *b)
{
  GdkFrameClock *clock;

  b->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (b->window, "Panorama pan benchmark");
  gtk_window_set_default_size (b->window, WIDTH, HEIGHT);
  /* No title bar: the map gets the whole 1920×1080, as on a wall display. */
  gtk_window_set_decorated (b->window, FALSE);
  new_map (b);
  gtk_window_present (b->window);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (b->window));
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), b);
  g_signal_connect_after (clock, "layout", G_CALLBACK (on_layout), b);
  g_signal_connect_after (clock, "after-paint", G_CALLBACK (on_after_paint), b);
  spin_until (b, has_painted, 10 * G_USEC_PER_SEC);
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

static void
init_bench (Bench *b)
{
  double world;

  b->zoom = opt_zoom;
  world = pano_mercator_world_size (b->zoom);
  b->center_x = round (pano_mercator_x_from_lon ((PANO_BENCH_MIN_LON + PANO_BENCH_MAX_LON) / 2)
                       * world);
  b->center_y = round (pano_mercator_y_from_lat ((PANO_BENCH_MIN_LAT + PANO_BENCH_MAX_LAT) / 2)
                       * world);
  b->frames_per_loop = (guint)round (2 * G_PI * RADIUS_PX / SPEED_PX);
  g_log_set_writer_func (count_warnings, b, NULL);
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

  init_bench (&b);
  gtk_init ();
  load_css ();
  open_window (&b);

  for (guint i = 0; ok && i < G_N_ELEMENTS (scenarios); i++)
    if (scenario_wanted (&scenarios[i]))
      ok = run_scenario (&b, &scenarios[i], dir, &error);

  print_results (&b);
  g_clear_object (&b.stack);
  gtk_window_destroy (b.window);
  if (temporary)
    pano_bench_remove_data_dir (dir);
  if (!ok)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
