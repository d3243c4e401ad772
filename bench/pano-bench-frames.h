// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* Frame timing shared by the benchmarks that draw: a 1920×1080 window whose frame clock is
 * watched from ::before-paint to ::after-paint, a main loop that runs until a condition holds
 * or a time limit passes, and the pan round a circle that pano-bench-pan and
 * pano-bench-live-pan both measure, so their figures stay comparable. */

#include <shumate/shumate.h>

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
  GArray *intervals;    /* ms from one frame's end to the next one's: the frame time a user
                           sees (work hides llvmpipe rasterising after the swap) */

  PanoBenchPaintFunc on_paint;   /* called at every ::after-paint, recording or not */
  gpointer on_paint_data;
  guint n_warnings;
};

void     pano_bench_frames_open      (PanoBenchFrames   *frames,
                                      const char        *title,
                                      int                width,
                                      int                height);
void     pano_bench_frames_attach    (PanoBenchFrames   *frames,
                                      GtkWindow         *window);
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

/* A view panned round a circle in whole-pixel steps, one step a frame, as both pan benchmarks
 * measure it. The caller owns the map; this only moves its viewport. */
typedef struct
{
  PanoBenchFrames *frames;
  ShumateMap *map;
  double zoom;
  double center_x, center_y;   /* world pixels at zoom */
  double radius_px;
  guint frames_per_loop;

  guint frame_index;
  guint frames_wanted;
} PanoBenchPan;

void     pano_bench_pan_init         (PanoBenchPan      *pan,
                                      PanoBenchFrames   *frames,
                                      double             radius_px,
                                      double             speed_px);
void     pano_bench_pan_set_zoom     (PanoBenchPan      *pan,
                                      double             zoom);
void     pano_bench_pan_move_to      (PanoBenchPan      *pan,
                                      double             x,
                                      double             y);
void     pano_bench_pan_view_box     (PanoBenchPan      *pan,
                                      int                width,
                                      int                height,
                                      double            *box);
void     pano_bench_pan_run          (PanoBenchPan      *pan,
                                      guint              n_frames,
                                      gint64             limit_us);

ShumateLayer *pano_bench_tile_floor_new (ShumateViewport *viewport);

void     pano_bench_load_marker_css  (void);
guint    pano_bench_pan_add_markers  (PanoBenchPan      *pan,
                                      guint              n_markers,
                                      int                width,
                                      int                height);

G_END_DECLS
