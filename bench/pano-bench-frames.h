// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* Frame timing shared by the live benchmarks: a 1920×1080 window whose frame clock is watched
 * from ::before-paint to ::after-paint, as bench/pano-bench-pan.c measures, and a main loop
 * that runs until a condition holds or a time limit passes. */

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct _PanoBenchFrames PanoBenchFrames;

typedef void     (*PanoBenchPaintFunc) (PanoBenchFrames *frames,
                                        gint64           now,
                                        gpointer         user_data);
typedef gboolean (*PanoBenchDoneFunc)  (gpointer         user_data);

struct _PanoBenchFrames
{
  GtkWindow *window;

  gint64 before_paint;
  gint64 layout_done;
  gint64 last_paint;
  guint n_paints;

  gboolean recording;
  GArray *work;         /* ms per frame, filled while recording */
  GArray *paint;        /* ms of it from the end of layout (snapshot + GSK render) */
  GArray *intervals;    /* ms from one frame's end to the next one's */

  PanoBenchPaintFunc on_paint;   /* called at every ::after-paint, recording or not */
  gpointer on_paint_data;
  guint n_warnings;
};

void     pano_bench_frames_open      (PanoBenchFrames   *frames,
                                      const char        *title,
                                      int                width,
                                      int                height);
void     pano_bench_frames_spin      (PanoBenchDoneFunc  done,
                                      gpointer           user_data,
                                      gint64             limit_us);
guint    pano_bench_frames_settle    (PanoBenchFrames   *frames,
                                      gint64             quiet_us,
                                      gint64             limit_us);
void     pano_bench_frames_record    (PanoBenchFrames   *frames);
void     pano_bench_frames_stop      (PanoBenchFrames   *frames);
void     pano_bench_frames_clear     (PanoBenchFrames   *frames);
const char *pano_bench_frames_renderer_name (PanoBenchFrames *frames);

G_END_DECLS
