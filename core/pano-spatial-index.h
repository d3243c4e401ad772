// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PANO_TYPE_SPATIAL_INDEX (pano_spatial_index_get_type ())

/* A static packed R-tree over item bounding boxes, sorted along a Hilbert curve.
 * Built once (add every box, then finish); searches are read-only and thread-safe. */
typedef struct _PanoSpatialIndex PanoSpatialIndex;

/* Return FALSE to stop the search. */
typedef gboolean (*PanoSpatialVisitFunc) (guint item, gpointer user_data);

GType             pano_spatial_index_get_type (void) G_GNUC_CONST;
PanoSpatialIndex *pano_spatial_index_new      (guint             n_items);
PanoSpatialIndex *pano_spatial_index_ref      (PanoSpatialIndex *self);
void              pano_spatial_index_unref    (PanoSpatialIndex *self);
void              pano_spatial_index_add      (PanoSpatialIndex *self,
                                               double            min_x,
                                               double            min_y,
                                               double            max_x,
                                               double            max_y);
void              pano_spatial_index_finish   (PanoSpatialIndex *self);
guint             pano_spatial_index_get_size (PanoSpatialIndex *self);
void              pano_spatial_index_search   (PanoSpatialIndex     *self,
                                               double                min_x,
                                               double                min_y,
                                               double                max_x,
                                               double                max_y,
                                               PanoSpatialVisitFunc  visit,
                                               gpointer              user_data);
gboolean          pano_spatial_index_get_bounds (PanoSpatialIndex *self,
                                                 double           *bounds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PanoSpatialIndex, pano_spatial_index_unref)

G_END_DECLS
