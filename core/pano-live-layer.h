// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PANO_TYPE_LIVE_LAYER (pano_live_layer_get_type ())
G_DECLARE_FINAL_TYPE (PanoLiveLayer, pano_live_layer, PANO, LIVE_LAYER, GObject)

/* Classes an entity is drawn by: the congestion level, AQI band or status, decided by
 * pano-live-classify.c. 0 is "unknown"; larger is worse where that has a meaning. */
#define PANO_LIVE_MAX_CLASSES 8

/* The grid the layer indexes entities in: 2^PANO_LIVE_GRID_LEVEL cells a side of the world,
 * about 2.4 km at the equator. Aggregated drawing sums these cells. */
#define PANO_LIVE_GRID_LEVEL 14

/* One entity's state as decoded from the feed; strings are borrowed. */
typedef struct
{
  const char *id;
  const double *coords;     /* world units, x y pairs; NULL for no geometry */
  guint n_coords;           /* pairs: 1 for a point, more for a line */
  const char *properties;   /* compact JSON object text, or NULL */
  gint64 updated_ms;
  gint64 stale_after_ms;    /* 0: never stale */
  guint klass;
  float value;
} PanoLiveEntity;

/* One cell of the grid index with what aggregated drawing needs. */
typedef struct
{
  double x, y;              /* the mean position of its entities, world units */
  guint count;
  guint class_counts[PANO_LIVE_MAX_CLASSES];
} PanoLiveCell;

typedef gboolean (*PanoLiveVisitFunc) (PanoLiveLayer *layer,
                                       guint          slot,
                                       gpointer       user_data);
typedef void     (*PanoLiveCellFunc)  (const PanoLiveCell *cell,
                                       gpointer            user_data);

PanoLiveLayer *pano_live_layer_new              (const char          *name);
const char    *pano_live_layer_get_name         (PanoLiveLayer       *self);
guint          pano_live_layer_get_n_entities   (PanoLiveLayer       *self);
guint          pano_live_layer_upsert           (PanoLiveLayer       *self,
                                                 const PanoLiveEntity *entity);
gboolean       pano_live_layer_remove           (PanoLiveLayer       *self,
                                                 const char          *id);
void           pano_live_layer_clear            (PanoLiveLayer       *self);
void           pano_live_layer_set_class        (PanoLiveLayer       *self,
                                                 guint                slot,
                                                 guint                klass);
int            pano_live_layer_lookup           (PanoLiveLayer       *self,
                                                 const char          *id);
const char    *pano_live_layer_get_id           (PanoLiveLayer       *self,
                                                 guint                slot);
void           pano_live_layer_get_position     (PanoLiveLayer       *self,
                                                 guint                slot,
                                                 double              *x,
                                                 double              *y);
const double  *pano_live_layer_get_coords       (PanoLiveLayer       *self,
                                                 guint                slot,
                                                 guint               *n_coords);
guint          pano_live_layer_get_class        (PanoLiveLayer       *self,
                                                 guint                slot);
float          pano_live_layer_get_value        (PanoLiveLayer       *self,
                                                 guint                slot);
const char    *pano_live_layer_get_properties   (PanoLiveLayer       *self,
                                                 guint                slot);
gint64         pano_live_layer_get_updated      (PanoLiveLayer       *self,
                                                 guint                slot);
gboolean       pano_live_layer_is_stale         (PanoLiveLayer       *self,
                                                 guint                slot,
                                                 gint64               now_ms);
void           pano_live_layer_search           (PanoLiveLayer       *self,
                                                 double               min_x,
                                                 double               min_y,
                                                 double               max_x,
                                                 double               max_y,
                                                 PanoLiveVisitFunc    visit,
                                                 gpointer             user_data);
void           pano_live_layer_foreach_cell     (PanoLiveLayer       *self,
                                                 double               min_x,
                                                 double               min_y,
                                                 double               max_x,
                                                 double               max_y,
                                                 PanoLiveCellFunc     func,
                                                 gpointer             user_data);
int            pano_live_layer_hit_test         (PanoLiveLayer       *self,
                                                 double               x,
                                                 double               y,
                                                 double               tolerance);
void           pano_live_layer_foreach          (PanoLiveLayer       *self,
                                                 PanoLiveVisitFunc    visit,
                                                 gpointer             user_data);
void           pano_live_layer_count_classes    (PanoLiveLayer       *self,
                                                 guint               *counts);
gsize          pano_live_layer_get_memory_size  (PanoLiveLayer       *self);

G_END_DECLS
