// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* The builder side of PanoGisLayer, for the loader only. */

#include "pano-gis-layer.h"

G_BEGIN_DECLS

PanoGisLayer *pano_gis_layer_new           (const char         *source,
                                            const char         *title,
                                            const char         *name,
                                            const char         *driver,
                                            const char * const *field_names);
void          pano_gis_layer_set_crs       (PanoGisLayer *self,
                                            const char   *crs_name,
                                            const char   *warning);
void          pano_gis_layer_begin_feature (PanoGisLayer     *self,
                                            PanoGeometryKind  kind);
void          pano_gis_layer_add_part      (PanoGisLayer *self,
                                            const double *lonlat,
                                            guint         n_points);
void          pano_gis_layer_add_value     (PanoGisLayer *self,
                                            const char   *value);
void          pano_gis_layer_end_feature   (PanoGisLayer *self);
void          pano_gis_layer_seal          (PanoGisLayer *self);

G_END_DECLS
