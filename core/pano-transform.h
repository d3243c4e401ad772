// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>
#include <ogr_srs_api.h>

G_BEGIN_DECLS

#define PANO_TYPE_TRANSFORM (pano_transform_get_type ())
G_DECLARE_FINAL_TYPE (PanoTransform, pano_transform, PANO, TRANSFORM, GObject)

PanoTransform *pano_transform_new_for_srs        (OGRSpatialReferenceH   srs,
                                                  GError               **error);
PanoTransform *pano_transform_new_for_definition (const char            *definition,
                                                  GError               **error);
const char    *pano_transform_get_crs_name       (PanoTransform         *self);
gboolean       pano_transform_is_identity        (PanoTransform         *self);
gboolean       pano_transform_to_lonlat          (PanoTransform         *self,
                                                  gsize                  n,
                                                  double                *x,
                                                  double                *y,
                                                  GError               **error);

G_END_DECLS
