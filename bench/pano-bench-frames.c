// SPDX-License-Identifier: GPL-3.0-or-later
/* Frame costs, measured the same way by every benchmark. The frame time a user sees is the
 * interval from one frame's end to the next one's: under Xvfb the clock is paced to 60 Hz, so
 * it cannot go below 16.7 ms, and above that it is what the frame cost. The main thread's work,
 * from the frame clock's ::before-paint (update, our tick) to its ::after-paint (layout,
 * snapshot and GSK render), is shown beside it, but with GL on llvmpipe it is not the frame's
 * cost: the rasteriser threads finish a frame after the swap returns, so a frame that only
 * moves textures shows little work and a long interval, and one that also uploads a texture
 * waits for the previous frame inside its own work. */
#define G_LOG_DOMAIN "panorama-bench"

#include "pano-bench-frames.h"
#include "pano-bench-common.h"
#include "pano-mercator.h"

#include <math.h>

#define FIRST_PAINT_LIMIT_US (10 * G_USEC_PER_SEC)

/* Counts warnings so a summary can say whether a run was clean, and still prints them. */
static GLogWriterOutput
count_warnings (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  PanoBenchFrames *f = user_data;

  if (level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    f->n_warnings++;
  return g_log_writer_default (level, fields, n_fields, NULL);
}

static void
on_before_paint (GdkFrameClock   *clock,
                 PanoBenchFrames *f)
{
  f->before_paint = f->layout_done = g_get_monotonic_time ();
}

/* Connected after GTK's own handler: the end of layout is the start of paint. */
static void
on_layout (GdkFrameClock   *clock,
           PanoBenchFrames *f)
{
  f->layout_done = g_get_monotonic_time ();
}

static void
record_frame (PanoBenchFrames *f,
              gint64           now)
{
  double work = (now - f->before_paint) / 1000.0;
  double paint = (now - f->layout_done) / 1000.0;
  double interval = (now - f->last_paint) / 1000.0;

  g_array_append_val (f->work, work);
  g_array_append_val (f->paint, paint);
  if (f->work->len > 1)
    g_array_append_val (f->intervals, interval);
}

static void
on_after_paint (GdkFrameClock   *clock,
                PanoBenchFrames *f)
{
  gint64 now = g_get_monotonic_time ();

  if (f->recording && f->before_paint > 0)
    record_frame (f, now);
  if (f->on_paint != NULL)
    f->on_paint (f, now, f->on_paint_data);
  f->n_paints++;
  f->last_paint = now;
}

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until @done says so or @limit_us passes. The timeout wakes the loop when
 * nothing else would, for conditions that are about time passing. */
void
pano_bench_frames_spin (PanoBenchDoneFunc done,
                        gpointer          user_data,
                        gint64            limit_us)
{
  gint64 start = g_get_monotonic_time ();
  guint wake = g_timeout_add (50, wake_up, NULL);

  while (!done (user_data) && g_get_monotonic_time () - start < limit_us)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

static gboolean
has_painted (gpointer user_data)
{
  return ((PanoBenchFrames *)user_data)->n_paints > 0;
}

/* An undecorated window: the child gets the whole @width × @height, as on a wall display. */
void
pano_bench_frames_open (PanoBenchFrames *f,
                        const char      *title,
                        int              width,
                        int              height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_title (window, title);
  gtk_window_set_default_size (window, width, height);
  gtk_window_set_decorated (window, FALSE);
  pano_bench_frames_attach (f, window);
}

/* Watches the frames of @window (pano_bench_frames_open's, or the console's own window),
 * presenting it and waiting for its first paint. */
void
pano_bench_frames_attach (PanoBenchFrames *f,
                          GtkWindow       *window)
{
  static gboolean counting;
  GdkFrameClock *clock;

  /* GLib takes one writer per process: the first PanoBenchFrames counts every warning */
  if (!counting)
    g_log_set_writer_func (count_warnings, f, NULL);
  counting = TRUE;
  f->window = window;
  gtk_window_present (f->window);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (f->window));
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), f);
  g_signal_connect_after (clock, "layout", G_CALLBACK (on_layout), f);
  g_signal_connect_after (clock, "after-paint", G_CALLBACK (on_after_paint), f);
  pano_bench_frames_spin (has_painted, f, FIRST_PAINT_LIMIT_US);
}

typedef struct
{
  PanoBenchFrames *frames;
  gint64 quiet_us;
} Quiet;

static gboolean
is_quiet (gpointer user_data)
{
  Quiet *q = user_data;

  return g_get_monotonic_time () - q->frames->last_paint >= q->quiet_us;
}

/* Holds still until nothing has been painted for @quiet_us: tiles rendered on the workers
 * arrive as paints, so a quiet spell means none is left in flight.
 * Returns: the paints seen meanwhile */
guint
pano_bench_frames_settle (PanoBenchFrames *f,
                          gint64           quiet_us,
                          gint64           limit_us)
{
  Quiet q = { f, quiet_us };
  guint paints = f->n_paints;

  f->last_paint = g_get_monotonic_time ();
  pano_bench_frames_spin (is_quiet, &q, limit_us);
  return f->n_paints - paints;
}

/* Starts recording frame costs into fresh arrays (the previous ones are dropped). */
void
pano_bench_frames_record (PanoBenchFrames *f)
{
  pano_bench_frames_clear (f);
  f->work = g_array_new (FALSE, FALSE, sizeof (double));
  f->paint = g_array_new (FALSE, FALSE, sizeof (double));
  f->intervals = g_array_new (FALSE, FALSE, sizeof (double));
  /* A frame already under way started before the recording did: skip it. */
  f->before_paint = 0;
  f->recording = TRUE;
}

/* Stops recording; the arrays stay for reading until the next record or clear. */
void
pano_bench_frames_stop (PanoBenchFrames *f)
{
  f->recording = FALSE;
}

void
pano_bench_frames_clear (PanoBenchFrames *f)
{
  g_clear_pointer (&f->work, g_array_unref);
  g_clear_pointer (&f->paint, g_array_unref);
  g_clear_pointer (&f->intervals, g_array_unref);
}

/* Returns: the GSK renderer's type name, e.g. GskGLRenderer */
const char *
pano_bench_frames_renderer_name (PanoBenchFrames *f)
{
  return G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (f->window)));
}

/* @speed_px is the length of a step: the loop is as many frames as the circle has steps. */
void
pano_bench_pan_init (PanoBenchPan    *pan,
                     PanoBenchFrames *frames,
                     double           radius_px,
                     double           speed_px)
{
  pan->frames = frames;
  pan->radius_px = radius_px;
  pan->frames_per_loop = (guint)round (2 * G_PI * radius_px / speed_px);
}

/* Centres the pan on the synthetic data's area, on a whole pixel at @zoom so that every step
 * lands on whole pixels too. */
void
pano_bench_pan_set_zoom (PanoBenchPan *pan,
                         double        zoom)
{
  double world = pano_mercator_world_size (zoom);

  pan->zoom = zoom;
  pan->center_x = round (pano_mercator_x_from_lon ((PANO_BENCH_MIN_LON + PANO_BENCH_MAX_LON) / 2)
                         * world);
  pan->center_y = round (pano_mercator_y_from_lat ((PANO_BENCH_MIN_LAT + PANO_BENCH_MAX_LAT) / 2)
                         * world);
}

/* Moves the view's centre to world pixel (@x, @y) at the pan's zoom. */
void
pano_bench_pan_move_to (PanoBenchPan *pan,
                        double        x,
                        double        y)
{
  double world = pano_mercator_world_size (pan->zoom);

  shumate_location_set_location (SHUMATE_LOCATION (shumate_map_get_viewport (pan->map)),
                                 pano_mercator_lat_from_y (y / world),
                                 pano_mercator_lon_from_x (x / world));
}

/* The box of a @width × @height view at the centre, in world units: min x, min y, max x,
 * max y. */
void
pano_bench_pan_view_box (PanoBenchPan *pan,
                         int           width,
                         int           height,
                         double       *box)
{
  double world = pano_mercator_world_size (pan->zoom);

  box[0] = (pan->center_x - width / 2.0) / world;
  box[1] = (pan->center_y - height / 2.0) / world;
  box[2] = (pan->center_x + width / 2.0) / world;
  box[3] = (pan->center_y + height / 2.0) / world;
}

/* Whole-pixel steps round a circle through the start, as a pointer drag would give. */
static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  PanoBenchPan *pan = user_data;
  double angle = 2 * G_PI * pan->frame_index / pan->frames_per_loop;

  pano_bench_pan_move_to (pan, pan->center_x + round (pan->radius_px * (cos (angle) - 1)),
                          pan->center_y + round (pan->radius_px * sin (angle)));
  pan->frame_index++;
  return G_SOURCE_CONTINUE;
}

/* While recording, frames are counted as recorded rather than ticked: a tick whose frame was
 * never painted must not count. */
static gboolean
pan_done (gpointer user_data)
{
  PanoBenchPan *pan = user_data;

  return pan->frames->recording ? pan->frames->work->len >= pan->frames_wanted
                                : pan->frame_index >= pan->frames_wanted;
}

/* Pans @n_frames frames from the start of the circle, or until @limit_us passes; costs are
 * recorded if pano_bench_frames_record() was called. */
void
pano_bench_pan_run (PanoBenchPan *pan,
                    guint         n_frames,
                    gint64        limit_us)
{
  guint tick;

  pan->frame_index = 0;
  pan->frames_wanted = n_frames;
  tick = gtk_widget_add_tick_callback (GTK_WIDGET (pan->map), on_tick, pan, NULL);
  pano_bench_frames_spin (pan_done, pan, limit_us);
  gtk_widget_remove_tick_callback (GTK_WIDGET (pan->map), tick);
}

/* ---- the renderer's floor ---- */

/* What any tiled map costs this renderer, with no Panorama code: a layer that does nothing
 * but place one opaque 256-px texture per tile in view, each tile its own texture as a real
 * tile cache would hold (uploaded once, reused every frame). Nothing a map draws can cost less
 * per frame than this. */
#define FLOOR_TILE 256
#define FLOOR_COLUMNS 12
#define FLOOR_ROWS 8

struct _PanoBenchTileFloor
{
  ShumateLayer parent_instance;
  GdkTexture *textures[FLOOR_COLUMNS * FLOOR_ROWS];
};

G_DECLARE_FINAL_TYPE (PanoBenchTileFloor, pano_bench_tile_floor, PANO, BENCH_TILE_FLOOR,
                      ShumateLayer)
G_DEFINE_FINAL_TYPE (PanoBenchTileFloor, pano_bench_tile_floor, SHUMATE_TYPE_LAYER)

static GdkTexture *
floor_texture (guint i)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, FLOOR_TILE,
                                                         FLOOR_TILE);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GBytes) bytes = NULL;
  GdkTexture *texture;

  cairo_set_source_rgb (cr, 0.9, 0.88 + 0.01 * (i % 8), 0.85);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.6, 0.6, 0.65);
  cairo_move_to (cr, 0, i % FLOOR_TILE);
  cairo_line_to (cr, FLOOR_TILE, (i * 37) % FLOOR_TILE);
  cairo_stroke (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                       cairo_image_surface_get_stride (surface) * FLOOR_TILE);
  texture = gdk_memory_texture_new (FLOOR_TILE, FLOOR_TILE, GDK_MEMORY_DEFAULT, bytes,
                                    cairo_image_surface_get_stride (surface));
  cairo_surface_destroy (surface);
  return texture;
}

static void
pano_bench_tile_floor_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  PanoBenchTileFloor *self = PANO_BENCH_TILE_FLOOR (widget);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  double world = pano_mercator_world_size (shumate_viewport_get_zoom_level (viewport));
  ShumateLocation *centre = SHUMATE_LOCATION (viewport);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  double left = round (pano_mercator_x_from_lon (shumate_location_get_longitude (centre)) * world
                       - width / 2.0);
  double top = round (pano_mercator_y_from_lat (shumate_location_get_latitude (centre)) * world
                      - height / 2.0);

  for (int ty = floor (top / FLOOR_TILE); ty * FLOOR_TILE < top + height; ty++)
    for (int tx = floor (left / FLOOR_TILE); tx * FLOOR_TILE < left + width; tx++)
      gtk_snapshot_append_texture (snapshot,
                                   self->textures[(tx % FLOOR_COLUMNS) +
                                                  (ty % FLOOR_ROWS) * FLOOR_COLUMNS],
                                   &GRAPHENE_RECT_INIT (tx * FLOOR_TILE - left,
                                                        ty * FLOOR_TILE - top,
                                                        FLOOR_TILE, FLOOR_TILE));
}

static void
pano_bench_tile_floor_dispose (GObject *object)
{
  PanoBenchTileFloor *self = PANO_BENCH_TILE_FLOOR (object);

  for (guint i = 0; i < G_N_ELEMENTS (self->textures); i++)
    g_clear_object (&self->textures[i]);
  G_OBJECT_CLASS (pano_bench_tile_floor_parent_class)->dispose (object);
}

static void
pano_bench_tile_floor_class_init (PanoBenchTileFloorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pano_bench_tile_floor_dispose;
  GTK_WIDGET_CLASS (klass)->snapshot = pano_bench_tile_floor_snapshot;
}

static void
pano_bench_tile_floor_init (PanoBenchTileFloor *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->textures); i++)
    self->textures[i] = floor_texture (i);
}

static void
queue_floor_draw (ShumateLayer *floor)
{
  gtk_widget_queue_draw (GTK_WIDGET (floor));
}

ShumateLayer *
pano_bench_tile_floor_new (ShumateViewport *viewport)
{
  ShumateLayer *floor = g_object_new (pano_bench_tile_floor_get_type (), "viewport", viewport,
                                      NULL);

  g_signal_connect_object (viewport, "notify", G_CALLBACK (queue_floor_draw), floor,
                           G_CONNECT_SWAPPED);
  return floor;
}

/* The markers' look: without it a marker's empty box would draw nothing. */
void
pano_bench_load_marker_css (void)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  gtk_css_provider_load_from_data (css,
                                   ".bench-dot { background: #e01b24; min-width: 8px; "
                                   "min-height: 8px; border-radius: 4px; }", -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
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

/* Adds a layer of @n_markers ShumateMarker widgets, the baseline both pan benchmarks compare
 * against, at the same seeded places as the synthetic points.
 * Returns: how many of them are in the @width × @height view at the centre */
guint
pano_bench_pan_add_markers (PanoBenchPan *pan,
                            guint         n_markers,
                            int           width,
                            int           height)
{
  ShumateMarkerLayer *layer = shumate_marker_layer_new (shumate_map_get_viewport (pan->map));
  g_autoptr(GRand) rand = g_rand_new_with_seed (PANO_BENCH_SEED);
  guint in_view = 0;
  double box[4];

  pano_bench_pan_view_box (pan, width, height, box);
  for (guint i = 0; i < n_markers; i++)
    {
      double lon, lat, x, y;

      pano_bench_random_lonlat (rand, &lon, &lat);
      x = pano_mercator_x_from_lon (lon);
      y = pano_mercator_y_from_lat (lat);
      in_view += x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3];
      shumate_marker_layer_add_marker (layer, SHUMATE_MARKER (new_marker (lat, lon)));
    }
  shumate_map_add_layer (pan->map, SHUMATE_LAYER (layer));
  return in_view;
}
