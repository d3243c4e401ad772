// SPDX-License-Identifier: GPL-3.0-or-later
/* A coordinate transformation from any CRS GDAL/PROJ understand to WGS84 longitude/latitude,
 * always in traditional GIS axis order (x = east/longitude), whatever the CRS's own
 * authority order says (CGCS2000 Gauss-Krüger zones are northing-first in EPSG). */
#define G_LOG_DOMAIN "panorama-core"

#include "pano-transform.h"
#include "pano-error.h"

#include <cpl_conv.h>
#include <cpl_error.h>

struct _PanoTransform
{
  GObject parent_instance;

  OGRCoordinateTransformationH transform;  /* NULL when the CRS is already lon/lat WGS84 */
  char *crs_name;
};

G_DEFINE_FINAL_TYPE (PanoTransform, pano_transform, G_TYPE_OBJECT)

static void
pano_transform_finalize (GObject *object)
{
  PanoTransform *self = (PanoTransform *)object;

  g_clear_pointer (&self->transform, OCTDestroyCoordinateTransformation);
  g_clear_pointer (&self->crs_name, g_free);

  G_OBJECT_CLASS (pano_transform_parent_class)->finalize (object);
}

static void
pano_transform_class_init (PanoTransformClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pano_transform_finalize;
}

static void
pano_transform_init (PanoTransform *self)
{
}

static char *
describe_srs (OGRSpatialReferenceH srs)
{
  const char *name = OSRGetName (srs);
  const char *auth = OSRGetAuthorityName (srs, NULL);
  const char *code = OSRGetAuthorityCode (srs, NULL);

  if (auth != NULL && code != NULL)
    return g_strdup_printf ("%s:%s %s", auth, code, name ? name : "");
  return g_strdup (name ? name : "unnamed CRS");
}

static gboolean
is_wgs84_lonlat (OGRSpatialReferenceH srs)
{
  const char *auth = OSRGetAuthorityName (srs, NULL);
  const char *code = OSRGetAuthorityCode (srs, NULL);

  return auth != NULL && code != NULL && g_str_equal (auth, "EPSG") &&
         (g_str_equal (code, "4326") || g_str_equal (code, "4490"));
}

/**
 * pano_transform_new_for_srs:
 * @srs: the source CRS; not modified
 *
 * Returns: (transfer full): a transformation to WGS84 lon/lat, or %NULL with
 *   %PANO_GIS_ERROR_CRS when PROJ cannot transform from @srs.
 */
PanoTransform *
pano_transform_new_for_srs (OGRSpatialReferenceH   srs,
                            GError               **error)
{
  g_autoptr(PanoTransform) self = g_object_new (PANO_TYPE_TRANSFORM, NULL);
  OGRSpatialReferenceH source, target;

  g_return_val_if_fail (srs != NULL, NULL);

  self->crs_name = describe_srs (srs);
  if (is_wgs84_lonlat (srs))
    return g_steal_pointer (&self);

  source = OSRClone (srs);
  target = OSRNewSpatialReference (NULL);
  OSRSetAxisMappingStrategy (source, OAMS_TRADITIONAL_GIS_ORDER);
  OSRImportFromEPSG (target, 4326);
  OSRSetAxisMappingStrategy (target, OAMS_TRADITIONAL_GIS_ORDER);

  CPLErrorReset ();
  CPLPushErrorHandler (CPLQuietErrorHandler);
  self->transform = OCTNewCoordinateTransformation (source, target);
  CPLPopErrorHandler ();
  OSRDestroySpatialReference (source);
  OSRDestroySpatialReference (target);

  if (self->transform == NULL)
    {
      g_set_error (error, PANO_GIS_ERROR, PANO_GIS_ERROR_CRS,
                   "PROJ cannot transform from the coordinate system “%s” to WGS84 (%s)",
                   self->crs_name, CPLGetLastErrorMsg ()[0] ? CPLGetLastErrorMsg () : "no path");
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * pano_transform_new_for_definition:
 * @definition: "EPSG:4547", WKT, a PROJ string or anything OSRSetFromUserInput takes
 */
PanoTransform *
pano_transform_new_for_definition (const char  *definition,
                                   GError     **error)
{
  OGRSpatialReferenceH srs = OSRNewSpatialReference (NULL);
  PanoTransform *self;

  if (OSRSetFromUserInput (srs, definition) != OGRERR_NONE)
    {
      g_set_error (error, PANO_GIS_ERROR, PANO_GIS_ERROR_CRS,
                   "“%s” is not a coordinate system GDAL understands", definition);
      OSRDestroySpatialReference (srs);
      return NULL;
    }

  self = pano_transform_new_for_srs (srs, error);
  OSRDestroySpatialReference (srs);
  return self;
}

const char *
pano_transform_get_crs_name (PanoTransform *self)
{
  g_return_val_if_fail (PANO_IS_TRANSFORM (self), NULL);
  return self->crs_name;
}

gboolean
pano_transform_is_identity (PanoTransform *self)
{
  g_return_val_if_fail (PANO_IS_TRANSFORM (self), FALSE);
  return self->transform == NULL;
}

/**
 * pano_transform_to_lonlat:
 * Transforms @n points in place. Not thread-safe on one object: use one per thread.
 */
gboolean
pano_transform_to_lonlat (PanoTransform  *self,
                          gsize           n,
                          double         *x,
                          double         *y,
                          GError        **error)
{
  g_autofree int *ok = NULL;

  g_return_val_if_fail (PANO_IS_TRANSFORM (self), FALSE);

  if (self->transform == NULL || n == 0)
    return TRUE;

  ok = g_new0 (int, n);
  if (!OCTTransformEx (self->transform, (int)n, x, y, NULL, ok))
    {
      for (gsize i = 0; i < n; i++)
        if (!ok[i])
          {
            g_set_error (error, PANO_GIS_ERROR, PANO_GIS_ERROR_CRS,
                         "the point (%.3f, %.3f) cannot be transformed from “%s” to WGS84",
                         x[i], y[i], self->crs_name);
            return FALSE;
          }
    }
  return TRUE;
}
