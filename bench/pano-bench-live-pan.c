// SPDX-License-Identifier: GPL-3.0-or-later
/* Frame cost of panning a 1920×1080 map over many live entities, and what they cost in memory.
 *
 * Point entities of the environment layer (sensors with an AQI) are upserted straight into a
 * PanoLiveStore, as the feed client would after decoding, and drawn by a PanoLiveMapLayer over
 * the road network of data/shiyan.gpkg (a static layer: cached tiles). Each data set is panned
 * at a city zoom, where the layer draws aggregated bins, and at street zoom, where it draws
 * every entity in view; ShumateMarker widgets are the baseline. The figure is the main
 * thread's work per frame, ::before-paint → ::after-paint, as in pano-bench-pan.c.
 *
 * Filling the store is also where the memory is measured: the heap in use (mallinfo2: arena
 * plus mmapped chunks) before and after, next to pano_live_layer_get_memory_size().
 * Prints figures; never fails on a time. */
#define G_LOG_DOMAIN "panorama-bench"

#include "pano-bench-common.h"
#include "pano-bench-frames.h"
#include "pano-gis-loader.h"
#include "pano-layer-stack.h"
#include "pano-live-classify.h"
#include "pano-live-map-layer.h"
#include "pano-live-store.h"
#include "pano-mercator.h"
#include "pano-static-layer.h"
#include "pano-tile-renderer.h"
#include "pano-tile-source.h"

#include <malloc.h>
#include <math.h>
#include <stdlib.h>

#define WIDTH 1920
#define HEIGHT 1080
#define RADIUS_PX 240.0    /* the view's centre runs round a circle of this radius … */
#define SPEED_PX 6.0       /* … this many pixels per frame, a brisk drag */
#define QUIET_US (1 * G_USEC_PER_SEC)
#define SETTLE_LIMIT_US (60 * G_USEC_PER_SEC)
#define PAN_LIMIT_US (60 * G_USEC_PER_SEC)   /* bounds every pan, even at 300 ms a frame */
#define GOAL_MS 16.7
#define GOAL_BYTES 150.0
#define MAX_ENTITIES 5000000
#define LAYER "environment"

typedef enum
{
  DATA_TILE_FLOOR,  /* no Panorama code: one texture per tile, what any tiled map costs */
  DATA_ROADS,       /* the road network alone: the floor */
  DATA_MARKERS,     /* + ShumateMarker widgets */
  DATA_LIVE,        /* + a PanoLiveMapLayer over a PanoLiveStore */
} DataKind;

typedef struct
{
  DataKind kind;
  guint n;
  double zoom;
  char *label;

  guint in_view;
  gboolean aggregated;
  guint n_drawn;
  double warm_s;
  guint frames;
  double frame_p50, frame_p95, frame_max, work_p50, work_p95;
} Row;

typedef struct
{
  guint n;
  double fill_s;
  double heap_bytes;      /* per entity */
  double layer_bytes;     /* per entity, pano_live_layer_get_memory_size */
} MemoryRow;

typedef struct
{
  PanoBenchFrames frames;
  PanoBenchPan pan;         /* its map is owned by the window */
  PanoLayerStack *stack;
  PanoGisLayer *roads;

  GPtrArray *rows;          /* Row */
  GArray *memory;           /* MemoryRow */
  char *loadavg;
} Bench;

static int opt_frames = 150;
static char *opt_counts;
static char *opt_zooms;
static int opt_markers = 5000;
static char *opt_data;

static const GOptionEntry entries[] = {
  { "frames", 0, 0, G_OPTION_ARG_INT, &opt_frames, "Frames measured per row (150)", "N" },
  { "entities", 0, 0, G_OPTION_ARG_STRING, &opt_counts,
    "Live entity counts (10000,100000,1000000,3000000)", "N,N" },
  { "zooms", 0, 0, G_OPTION_ARG_STRING, &opt_zooms, "Zoom levels (12,15)", "Z,Z" },
  { "markers", 0, 0, G_OPTION_ARG_INT, &opt_markers,
    "ShumateMarker widgets for the baseline, 0 for none (5000)", "N" },
  { "data", 0, 0, G_OPTION_ARG_FILENAME, &opt_data,
    "The GeoPackage with the `roads` layer (data/shiyan.gpkg of the source tree)", "FILE" },
  { NULL }
};

static void
row_free (Row *row)
{
  g_free (row->label);
  g_free (row);
}

/* ---- the map and the pan ---- */

static void
pan (Bench *b,
     guint  n_frames)
{
  pano_bench_pan_run (&b->pan, n_frames, PAN_LIMIT_US);
}

/* A fresh map, with the roads drawn the way the console draws a static layer if @roads. */
static void
new_map (Bench    *b,
         gboolean  roads_on)
{
  static const GdkRGBA road = { 0.45, 0.45, 0.5, 1 };
  g_autoptr(PanoTileRenderer) empty = pano_tile_renderer_new ();
  g_autoptr(PanoTileSource) reference = pano_tile_source_new ("reference", empty);
  g_autoptr(PanoStaticLayer) roads = pano_static_layer_new_for_gis_layer (b->roads, &road);
  ShumateViewport *viewport;

  g_clear_object (&b->stack);
  b->pan.map = shumate_map_new ();
  viewport = shumate_map_get_viewport (b->pan.map);
  shumate_viewport_set_reference_map_source (viewport, SHUMATE_MAP_SOURCE (reference));
  shumate_viewport_set_zoom_level (viewport, b->pan.zoom);
  pano_bench_pan_move_to (&b->pan, b->pan.center_x, b->pan.center_y);
  gtk_window_set_child (b->frames.window, GTK_WIDGET (b->pan.map));
  b->stack = pano_layer_stack_new (b->pan.map);
  if (roads_on)
    pano_layer_stack_add (b->stack, roads);
}

/* ---- what goes on the map ---- */

static void
add_markers (Bench *b,
             Row   *row)
{
  row->in_view += pano_bench_pan_add_markers (&b->pan, row->n, WIDTH, HEIGHT);
}

static gsize
heap_in_use (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks + info.hblkhd;
}

/* A sensor's state as the feed decoder would hand it over: AQI mostly good, a tail of
 * polluted readings so every class and the exceedance rings appear. */
static void
random_sensor (GRand          *rand,
               PanoLiveEntity *e,
               double         *coords,
               char           *props,
               gsize           props_size)
{
  double lon, lat;
  int aqi = g_rand_int_range (rand, 0, 100) < 85 ? g_rand_int_range (rand, 10, 120)
                                                 : g_rand_int_range (rand, 120, 420);

  pano_bench_random_lonlat (rand, &lon, &lat);
  coords[0] = pano_mercator_x_from_lon (lon);
  coords[1] = pano_mercator_y_from_lat (lat);
  g_snprintf (props, props_size, "{\"kind\":\"sensor\",\"aqi\":%d}", aqi);
  e->klass = pano_aqi_band_for_value (aqi);
  e->value = aqi;
}

/* Fills the store as the feed would, timing it and measuring the heap it took. */
static PanoLiveStore *
fill_store (Bench *b,
            guint  n)
{
  static const char *layers[] = { LAYER, NULL };
  g_autoptr(GRand) rand = g_rand_new_with_seed (PANO_BENCH_SEED);
  gint64 now_ms = g_get_real_time () / 1000;
  gsize heap_before = heap_in_use ();
  gint64 start = g_get_monotonic_time ();
  PanoLiveStore *store = pano_live_store_new (layers);
  PanoLiveLayer *layer = pano_live_store_get_layer (store, LAYER);
  MemoryRow m = { n };

  for (guint i = 0; i < n; i++)
    {
      char id[16], props[64];
      double coords[2];
      PanoLiveEntity e = { id, coords, 1, props, now_ms, now_ms + 300 * 1000 };

      g_snprintf (id, sizeof id, "env-%07u", i);
      random_sensor (rand, &e, coords, props, sizeof props);
      pano_live_layer_upsert (layer, &e);
    }
  m.fill_s = pano_bench_seconds_since (start);
  m.heap_bytes = (double)(heap_in_use () - heap_before) / n;
  m.layer_bytes = (double)pano_live_layer_get_memory_size (layer) / n;
  g_array_append_val (b->memory, m);
  g_printerr ("  filled %u entities in %.1f s: %.0f bytes each on the heap, %.0f by the layer\n",
              n, m.fill_s, m.heap_bytes, m.layer_bytes);
  return store;
}

static gboolean
count_slot (PanoLiveLayer *layer,
            guint          slot,
            gpointer       user_data)
{
  (*(guint *)user_data)++;
  return TRUE;
}

static PanoLiveMapLayer *
add_live_layer (Bench         *b,
                Row           *row,
                PanoLiveStore *store)
{
  PanoLiveMapLayer *layer = pano_live_map_layer_new (shumate_map_get_viewport (b->pan.map), store,
                                                     LAYER);
  double box[4];

  pano_bench_pan_view_box (&b->pan, WIDTH, HEIGHT, box);
  pano_live_layer_search (pano_live_store_get_layer (store, LAYER), box[0], box[1], box[2],
                          box[3], count_slot, &row->in_view);
  shumate_map_add_layer (b->pan.map, SHUMATE_LAYER (layer));
  return layer;
}

/* ---- one row ---- */

static void
measure (Bench *b,
         Row   *row)
{
  PanoBenchFrames *f = &b->frames;

  pano_bench_frames_record (f);
  pan (b, opt_frames);
  pano_bench_frames_stop (f);
  row->frames = f->work->len;
  row->frame_p50 = pano_bench_percentile (f->intervals, 0.5);
  row->frame_p95 = pano_bench_percentile (f->intervals, 0.95);
  row->frame_max = pano_bench_percentile (f->intervals, 1.0);
  row->work_p50 = pano_bench_percentile (f->work, 0.5);
  row->work_p95 = pano_bench_percentile (f->work, 0.95);
  pano_bench_frames_clear (f);
}

/* One loop of the measured path over the roads alone and a still spell, so the road tiles on
 * the path are cached at the cost of the roads; then the layer under test goes on (the live
 * layer has no cache to warm: it draws every frame). */
static void
run_row (Bench         *b,
         DataKind       kind,
         guint          n,
         double         zoom,
         PanoLiveStore *store)
{
  Row *row = g_new0 (Row, 1);
  PanoLiveMapLayer *live = NULL;
  gint64 start;

  row->kind = kind;
  row->n = n;
  row->zoom = zoom;
  row->label = kind == DATA_TILE_FLOOR ? g_strdup ("renderer floor: one texture per tile, "
                                                   "no Panorama code")
             : kind == DATA_ROADS ? g_strdup ("roads only (floor)")
             : kind == DATA_MARKERS ? g_strdup_printf ("%u ShumateMarker widgets + roads", n)
             : g_strdup_printf ("%u live points + roads", n);
  g_ptr_array_add (b->rows, row);
  g_printerr ("[z%g] %s: ", zoom, row->label);

  pano_bench_pan_set_zoom (&b->pan, zoom);
  new_map (b, kind != DATA_TILE_FLOOR);
  if (kind == DATA_TILE_FLOOR)
    shumate_map_add_layer (b->pan.map,
                           pano_bench_tile_floor_new (shumate_map_get_viewport (b->pan.map)));
  start = g_get_monotonic_time ();
  pano_bench_frames_settle (&b->frames, QUIET_US, SETTLE_LIMIT_US);
  pan (b, b->pan.frames_per_loop);
  if (kind == DATA_MARKERS)
    add_markers (b, row);
  else if (kind == DATA_LIVE)
    live = add_live_layer (b, row, store);
  pano_bench_frames_settle (&b->frames, QUIET_US, SETTLE_LIMIT_US);
  row->warm_s = pano_bench_seconds_since (start);
  measure (b, row);
  if (live != NULL)
    {
      row->aggregated = pano_live_map_layer_is_aggregated (live);
      row->n_drawn = pano_live_map_layer_get_n_drawn (live);
    }
  g_printerr ("frame p50 %.1f ms, p95 %.1f ms\n", row->frame_p50, row->frame_p95);
}

static guint *
parse_list (const char *text,
            const char *fallback,
            guint      *n)
{
  g_auto(GStrv) parts = g_strsplit (text ? text : fallback, ",", -1);
  guint *values = g_new0 (guint, g_strv_length (parts) + 1);

  *n = 0;
  for (guint i = 0; parts[i]; i++)
    {
      guint64 v = g_ascii_strtoull (parts[i], NULL, 10);

      if (v > 0 && v <= MAX_ENTITIES)
        values[(*n)++] = (guint)v;
    }
  return values;
}

static void
run_all (Bench *b)
{
  guint n_counts, n_zooms;
  g_autofree guint *counts = parse_list (opt_counts, "10000,100000,1000000,3000000", &n_counts);
  g_autofree guint *zooms = parse_list (opt_zooms, "12,15", &n_zooms);

  run_row (b, DATA_TILE_FLOOR, 0, zooms[0], NULL);
  for (guint z = 0; z < n_zooms; z++)
    run_row (b, DATA_ROADS, 0, zooms[z], NULL);
  for (guint z = 0; opt_markers > 0 && z < n_zooms; z++)
    run_row (b, DATA_MARKERS, opt_markers, zooms[z], NULL);
  for (guint i = 0; i < n_counts; i++)
    {
      g_autoptr(PanoLiveStore) store = NULL;

      g_printerr ("%u live entities:\n", counts[i]);
      store = fill_store (b, counts[i]);
      for (guint z = 0; z < n_zooms; z++)
        run_row (b, DATA_LIVE, counts[i], zooms[z], store);
      /* Drop the map before the store, so nothing draws a freed layer. */
      gtk_window_set_child (b->frames.window, NULL);
      g_clear_object (&b->stack);
    }
}

/* ---- output ---- */

static void
print_row (const Row *row)
{
  const char *mode = row->kind != DATA_LIVE ? "-" : row->aggregated ? "bins" : "individual";
  g_autofree char *in_view = row->kind <= DATA_ROADS ? g_strdup ("-")
                                                     : g_strdup_printf ("%u", row->in_view);
  g_autofree char *drawn = row->kind != DATA_LIVE ? g_strdup ("-")
                                                  : g_strdup_printf ("%u", row->n_drawn);

  g_print ("| %g | %s | %s | %s | %s | %.1f | %u | **%.1f** | **%.1f** | %.1f | %.1f | %.1f |\n",
           row->zoom, row->label, in_view, mode, drawn, row->warm_s, row->frames,
           row->frame_p50, row->frame_p95, row->frame_max, row->work_p50, row->work_p95);
}

static void
print_goals (Bench *b)
{
  for (guint i = 0; i < b->rows->len; i++)
    {
      const Row *row = g_ptr_array_index (b->rows, i);

      if (row->kind == DATA_LIVE && row->n >= 3000000)
        g_print ("Goal: 3 M entities pan p95 <= %.1f ms at zoom %g - %s (frame p95 %.1f ms)\n",
                 GOAL_MS, row->zoom, row->frame_p95 <= GOAL_MS ? "met" : "NOT met",
                 row->frame_p95);
    }
  for (guint i = 0; i < b->memory->len; i++)
    {
      const MemoryRow *m = &g_array_index (b->memory, MemoryRow, i);

      if (m->n >= 1000000)
        g_print ("Goal: <= %.0f bytes per point entity at %u - %s (%.0f on the heap)\n",
                 GOAL_BYTES, m->n, m->heap_bytes <= GOAL_BYTES ? "met" : "NOT met",
                 m->heap_bytes);
    }
}

static void
print_results (Bench *b)
{
  g_print ("\nPanorama live pan benchmark - GTK %u.%u.%u, libshumate %d.%d.%d, renderer %s "
           "(GSK_RENDERER=%s), %u cores\n",
           gtk_get_major_version (), gtk_get_minor_version (), gtk_get_micro_version (),
           SHUMATE_MAJOR_VERSION, SHUMATE_MINOR_VERSION, SHUMATE_MICRO_VERSION,
           pano_bench_frames_renderer_name (&b->frames),
           g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "unset",
           g_get_num_processors ());
  g_print ("Load average at the end (other processes share the 2 cores): %s", b->loadavg);
  g_print ("Map %dx%d, panning a %.0f px circle at %.0f px/frame; %d frames measured per row; "
           "%u warnings logged.\nframe = frame end to frame end (paced to 60 Hz, so never "
           "below 16.7 ms); work = main-thread time ::before-paint -> ::after-paint.\n\n",
           WIDTH, HEIGHT, RADIUS_PX, SPEED_PX, opt_frames, b->frames.n_warnings);
  g_print ("| zoom | scenario | in view | drawn as | symbols drawn | warm-up s | frames | "
           "frame p50 ms | frame p95 ms | frame max ms | work p50 ms | work p95 ms |\n"
           "|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (guint i = 0; i < b->rows->len; i++)
    print_row (g_ptr_array_index (b->rows, i));

  g_print ("\nMemory of the store (environment layer, point entities, properties like "
           "{\"kind\":\"sensor\",\"aqi\":42}, ids env-NNNNNNN):\n\n"
           "| entities | fill s | upserts/s | heap bytes/entity (mallinfo2) | "
           "layer bytes/entity (get_memory_size) |\n|---:|---:|---:|---:|---:|\n");
  for (guint i = 0; i < b->memory->len; i++)
    {
      const MemoryRow *m = &g_array_index (b->memory, MemoryRow, i);

      g_print ("| %u | %.2f | %.0f | **%.0f** | %.0f |\n", m->n, m->fill_s, m->n / m->fill_s,
               m->heap_bytes, m->layer_bytes);
    }
  g_print ("\n");
  print_goals (b);
}

/* ---- setup ---- */

static PanoGisLayer *
load_roads (const char  *path,
            GError     **error)
{
  g_autoptr(PanoGisLoader) loader = pano_gis_loader_new (path);
  g_autoptr(GPtrArray) layers = pano_gis_loader_load (loader, NULL, error);

  for (guint i = 0; layers != NULL && i < layers->len; i++)
    if (g_str_equal (pano_gis_layer_get_name (g_ptr_array_index (layers, i)), "roads"))
      return g_object_ref (g_ptr_array_index (layers, i));
  if (layers != NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "“%s” has no layer “roads”", path);
  return NULL;
}

static gboolean
parse_options (int      *argc,
               char   ***argv,
               GError  **error)
{
  g_autoptr(GOptionContext) context =
    g_option_context_new ("- frame cost and memory of millions of live entities");

  g_option_context_add_main_entries (context, entries, NULL);
  return g_option_context_parse (context, argc, argv, error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  Bench b = { 0 };

  if (!parse_options (&argc, &argv, &error) ||
      !(b.roads = load_roads (opt_data ? opt_data : PANO_BENCH_CITY_DATA, &error)))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  b.rows = g_ptr_array_new_with_free_func ((GDestroyNotify)row_free);
  b.memory = g_array_new (FALSE, FALSE, sizeof (MemoryRow));
  pano_bench_pan_init (&b.pan, &b.frames, RADIUS_PX, SPEED_PX);
  gtk_init ();
  pano_bench_load_marker_css ();
  pano_bench_frames_open (&b.frames, "Panorama live pan benchmark", WIDTH, HEIGHT);
  pano_bench_pan_set_zoom (&b.pan, 12);
  new_map (&b, TRUE);

  run_all (&b);
  g_file_get_contents ("/proc/loadavg", &b.loadavg, NULL, NULL);
  print_results (&b);

  gtk_window_destroy (b.frames.window);
  g_clear_object (&b.stack);
  g_clear_object (&b.roads);
  g_ptr_array_unref (b.rows);
  g_array_unref (b.memory);
  g_free (b.loadavg);
  return EXIT_SUCCESS;
}
