// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

#include "pano-spatial-index.h"

G_BEGIN_DECLS

#define PANO_TYPE_GIS_LAYER (pano_gis_layer_get_type ())
G_DECLARE_FINAL_TYPE (PanoGisLayer, pano_gis_layer, PANO, GIS_LAYER, GObject)

typedef enum
{
  PANO_GEOMETRY_POINT,
  PANO_GEOMETRY_LINE,
  PANO_GEOMETRY_POLYGON,
} PanoGeometryKind;

/* One feature's geometry in Web Mercator world units (see pano-mercator.h). Part i runs over
 * coords[2 * part_starts[i]] up to coords[2 * part_starts[i + 1]]; polygon rings of one
 * feature are filled together with the even-odd rule. */
typedef struct
{
  PanoGeometryKind kind;
  guint n_parts;
  const guint32 *part_starts;
  const double *coords;
} PanoGeometry;

const char        *pano_gis_layer_get_title        (PanoGisLayer *self);
const char        *pano_gis_layer_get_name         (PanoGisLayer *self);
const char        *pano_gis_layer_get_source       (PanoGisLayer *self);
const char        *pano_gis_layer_get_driver       (PanoGisLayer *self);
const char        *pano_gis_layer_get_crs_name     (PanoGisLayer *self);
const char        *pano_gis_layer_get_warning      (PanoGisLayer *self);
guint              pano_gis_layer_get_n_features   (PanoGisLayer *self);
PanoGeometryKind   pano_gis_layer_get_main_kind    (PanoGisLayer *self);
gboolean           pano_gis_layer_get_extent       (PanoGisLayer *self,
                                                    double       *extent);
void               pano_gis_layer_get_geometry     (PanoGisLayer *self,
                                                    guint         feature,
                                                    PanoGeometry *geometry);
const char * const *pano_gis_layer_get_field_names (PanoGisLayer *self);
int                pano_gis_layer_find_field       (PanoGisLayer *self,
                                                    const char   *name);
const char        *pano_gis_layer_get_value        (PanoGisLayer *self,
                                                    guint         feature,
                                                    guint         field);
void               pano_gis_layer_search           (PanoGisLayer         *self,
                                                    double                min_x,
                                                    double                min_y,
                                                    double                max_x,
                                                    double                max_y,
                                                    PanoSpatialVisitFunc  visit,
                                                    gpointer              user_data);
int                pano_gis_layer_hit_test         (PanoGisLayer *self,
                                                    double        x,
                                                    double        y,
                                                    double        tolerance);

G_END_DECLS
