// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* Shared by pano-live-map-layer.c and its symbols (pano-live-map-layer-sprites.c); not for
 * outside layers/. */

#include "pano-live-map-layer.h"
#include "pano-live-painter.h"

G_BEGIN_DECLS

#define HIT_PX 8.0
#define GLIDE_US (1 * G_USEC_PER_SEC)   /* vehicles move smoothly between position reports */
#define LINES_MARGIN 256                /* px of picture kept beyond each edge of the view */

struct _PanoLiveMapLayer
{
  ShumateLayer parent_instance;

  PanoLiveStore *store;
  char *layer;
  const PanoLiveStyle *style;
  char *selected;
  gboolean dim_others;     /* focus on the selected entity: the others faded */
  guint class_mask;        /* bit k set: class k is shown */
  double scale;            /* symbols, labels and lines drawn this much larger (a wall) */
  gboolean aggregated;
  guint n_drawn;

  GHashTable *sprites;     /* sprite key → GdkTexture */
  GHashTable *bin_sprites; /* "class/radius/count" → GdkTexture */
  GHashTable *labels;      /* "value[/stale]" → GskRenderNode */
  GHashTable *glides;      /* id → Glide, for resources */
  guint frame;
  guint tick_id;
  gboolean gliding;

  /* Lines: drawn in LINES_TILE-px tiles of the world at the zoom, kept while panning; a change
   * in the store draws again only the tiles whose roads look different, so the frame's damage
   * (what the cairo renderer repaints) is those tiles, not the whole map. */
  GHashTable *line_tiles;                /* (tx << 32 | ty) → LinesTile */
  double lines_zoom;
  gboolean lines_dirty;                  /* the store changed since the tiles were checked */
  guint n_line_pictures;                 /* how often tiles were drawn (once per pass) */
  guint n_line_tiles_drawn;              /* how many tiles, in all */
};

#define LINES_TILE 512

/* A vehicle on its way from where it was drawn to where it was reported. */
typedef struct
{
  double from_x, from_y, to_x, to_y;
  double drawn_x, drawn_y;   /* where the last frame drew it, world units */
  gint64 start_us;
  guint seen;                /* the frame that last drew it */
} Glide;



void        pano_live_map_layer_get_view        (PanoLiveMapLayer     *self,
                                                 PanoLiveView         *v);
int         pano_live_sprite_size               (const PanoLiveSprite *s);
int         pano_live_map_layer_sprite_px       (PanoLiveMapLayer     *self,
                                                 const PanoLiveSprite *s);
void        pano_live_map_layer_place_sprite    (PanoLiveMapLayer     *self,
                                                 GtkSnapshot          *snapshot,
                                                 const PanoLiveSprite *s,
                                                 double                x,
                                                 double                y);
void        pano_live_map_layer_place_label     (PanoLiveMapLayer     *self,
                                                 GtkSnapshot          *snapshot,
                                                 PangoLayout          *layout,
                                                 double                value,
                                                 gboolean              stale,
                                                 double                x,
                                                 double                y);
GdkTexture *pano_live_map_layer_get_bin_sprite  (PanoLiveMapLayer     *self,
                                                 const PanoLiveSprite *s,
                                                 const char           *text);

G_END_DECLS
