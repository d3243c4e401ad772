// SPDX-License-Identifier: GPL-3.0-or-later
/* The main thread's work per frame, measured the way bench/pano-bench-pan.c does: from the
 * frame clock's ::before-paint (update, our tick) to its ::after-paint (layout, snapshot and
 * GSK render). Under Xvfb the clock is paced to 60 Hz, so intervals alone cannot tell 2 ms of
 * work from 15 ms; the work is the figure. */
#define G_LOG_DOMAIN "panorama-bench"

#include "pano-bench-frames.h"

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
  GdkFrameClock *clock;

  g_log_set_writer_func (count_warnings, f, NULL);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (f->window, title);
  gtk_window_set_default_size (f->window, width, height);
  gtk_window_set_decorated (f->window, FALSE);
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
