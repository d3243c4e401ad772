// SPDX-License-Identifier: GPL-3.0-or-later
/* Reads every vector layer of a GIS source (a file, a PostGIS DSN, an OGC API/WFS URL) through
 * GDAL, reprojects it to WGS84 with PROJ and hands back sealed PanoGisLayers. Runs in a worker
 * thread; progress is published to the main thread by polling an atomic counter, so a million
 * features cost no more main-loop wakeups than a hundred. */
#define G_LOG_DOMAIN "panorama-core"

#include "pano-gis-loader.h"
#include "pano-gis-layer-private.h"
#include "pano-error.h"
#include "pano-transform.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <gdal.h>
#include <glib/gstdio.h>
#include <ogr_api.h>

#define PROGRESS_POLL_MS 100

struct _PanoGisLoader
{
  GObject parent_instance;

  char *source;
  double progress;          /* main thread copy; -1 while the total is unknown */
  gint done;                /* features read so far, across layers (atomic) */
  gint total;               /* features expected, or -1 (atomic) */
  guint poll_id;
};

enum {
  PROP_0,
  PROP_SOURCE,
  PROP_PROGRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PanoGisLoader, pano_gis_loader, G_TYPE_OBJECT)

static const char * const known_extensions[] = {
  "gpkg", "shp", "shx", "dbf", "geojson", "json", "geojsonl", "geojsons", "geojsonseq", "fgb",
  "csv", "kml", "gml", "sqlite", "tab", "mif", "osm", "pbf", "topojson", "gpx", "mbtiles", NULL
};

static void
pano_gis_loader_finalize (GObject *object)
{
  PanoGisLoader *self = (PanoGisLoader *)object;

  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_pointer (&self->source, g_free);

  G_OBJECT_CLASS (pano_gis_loader_parent_class)->finalize (object);
}

static void
pano_gis_loader_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PanoGisLoader *self = PANO_GIS_LOADER (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pano_gis_loader_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  PanoGisLoader *self = PANO_GIS_LOADER (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      self->source = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pano_gis_loader_class_init (PanoGisLoaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pano_gis_loader_finalize;
  object_class->get_property = pano_gis_loader_get_property;
  object_class->set_property = pano_gis_loader_set_property;

  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, -1, 1, -1,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  GDALAllRegister ();
}

static void
pano_gis_loader_init (PanoGisLoader *self)
{
  self->progress = -1;
  self->total = -1;
}

PanoGisLoader *
pano_gis_loader_new (const char *source)
{
  g_return_val_if_fail (source != NULL, NULL);
  return g_object_new (PANO_TYPE_GIS_LOADER, "source", source, NULL);
}

double
pano_gis_loader_get_progress (PanoGisLoader *self)
{
  return self->progress;
}

static gboolean
is_remote (const char *source)
{
  return g_str_has_prefix (source, "PG:") || strstr (source, "://") != NULL ||
         g_str_has_prefix (source, "WFS:") || g_str_has_prefix (source, "OAPIF:");
}

/**
 * pano_gis_source_display_name:
 *
 * Returns: how to name @source to a person: a file's base name, a DSN without its password.
 */
char *
pano_gis_source_display_name (const char *source)
{
  g_autoptr(GRegex) password = NULL;

  if (!is_remote (source))
    return g_path_get_basename (source);

  password = g_regex_new ("password=\\S*", G_REGEX_CASELESS, 0, NULL);
  return g_regex_replace_literal (password, source, -1, 0, "password=…", 0, NULL);
}

char *
pano_gis_loader_dup_display_name (PanoGisLoader *self)
{
  return pano_gis_source_display_name (self->source);
}

static gboolean
has_known_extension (const char *source)
{
  const char *dot = strrchr (source, '.');
  g_autofree char *ext = dot ? g_ascii_strdown (dot + 1, -1) : NULL;

  return ext != NULL && g_strv_contains (known_extensions, ext);
}

static gboolean
check_file (const char  *source,
            const char  *name,
            GError     **error)
{
  GStatBuf st;

  if (g_stat (source, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, PANO_GIS_ERROR,
                   saved == ENOENT ? PANO_GIS_ERROR_NOT_FOUND : PANO_GIS_ERROR_UNREADABLE,
                   saved == ENOENT ? "“%s” does not exist (%s)" : "“%s” cannot be read: %s",
                   name, saved == ENOENT ? source : g_strerror (saved));
      return FALSE;
    }
  if (S_ISREG (st.st_mode) && st.st_size == 0)
    {
      g_set_error (error, PANO_GIS_ERROR, PANO_GIS_ERROR_EMPTY,
                   "“%s” is empty (0 bytes)", name);
      return FALSE;
    }
  if (g_access (source, R_OK) != 0)
    {
      g_set_error (error, PANO_GIS_ERROR, PANO_GIS_ERROR_UNREADABLE,
                   "“%s” cannot be read: permission denied", name);
      return FALSE;
    }
  return TRUE;
}

static GDALDatasetH
open_dataset (const char  *source,
              const char  *name,
              GError     **error)
{
  /* CSV: take geometry from a WKT column or lon/lat columns, whatever they are called. */
  static const char * const csv_options[] = {
    "GEOM_POSSIBLE_NAMES=WKT,geom,geometry,the_geom,shape",
    "X_POSSIBLE_NAMES=x,lon,lng,long,longitude,经度",
    "Y_POSSIBLE_NAMES=y,lat,latitude,纬度",
    "KEEP_GEOM_COLUMNS=NO",
    NULL
  };
  gboolean csv = g_str_has_suffix (source, ".csv") || g_str_has_suffix (source, ".CSV");
  GDALDatasetH ds;

  if (!is_remote (source) && !check_file (source, name, error))
    return NULL;

  CPLErrorReset ();
  CPLPushErrorHandler (CPLQuietErrorHandler);
  ds = GDALOpenEx (source, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL,
                   csv ? csv_options : NULL, NULL);
  CPLPopErrorHandler ();

  if (ds == NULL)
    {
      const char *why = CPLGetLastErrorMsg ();

      if (is_remote (source))
        g_set_error (error, PANO_GIS_ERROR, PANO_GIS_ERROR_UNREADABLE,
                     "Cannot connect to or read “%s”: %s", name, why[0] ? why : "no answer");
      else if (has_known_extension (source))
        g_set_error (error, PANO_GIS_ERROR, PANO_GIS_ERROR_CORRUPT,
                     "“%s” cannot be read; the file may be corrupt or truncated%s%s", name,
                     why[0] ? ": " : "", why);
      else
        g_set_error (error, PANO_GIS_ERROR, PANO_GIS_ERROR_UNSUPPORTED,
                     "“%s” is not in a vector GIS format Panorama can open (GeoPackage, "
                     "Shapefile, GeoJSON, FlatGeobuf, CSV, KML, OSM …)", name);
      return NULL;
    }

  if (GDALDatasetGetLayerCount (ds) == 0)
    {
      g_set_error (error, PANO_GIS_ERROR, PANO_GIS_ERROR_EMPTY,
                   "“%s” contains no vector layers", name);
      GDALClose (ds);
      return NULL;
    }
  return ds;
}

typedef struct
{
  PanoGisLoader *loader;
  PanoGisLayer *layer;
  PanoTransform *transform;  /* NULL when the layer has no CRS */
  const char *name;
  GArray *x, *y, *lonlat;
  GError *error;
} LayerReader;

static gboolean
check_lonlat (LayerReader *reader,
              const double *x,
              const double *y,
              guint         n)
{
  for (guint i = 0; i < n; i++)
    if (!(fabs (x[i]) <= 180.0 && fabs (y[i]) <= 90.0))
      {
        g_set_error (&reader->error, PANO_GIS_ERROR, PANO_GIS_ERROR_CRS,
                     "“%s” has no coordinate system, and its coordinates (%.1f, %.1f) are not "
                     "longitude/latitude, so it cannot be placed on the map; add a .prj file "
                     "or save it with a CRS", reader->name, x[i], y[i]);
        return FALSE;
      }
  return TRUE;
}

static gboolean
read_part (LayerReader  *reader,
           OGRGeometryH  part)
{
  guint n = OGR_G_GetPointCount (part);
  double *x, *y, *ll;

  if (n == 0)
    return TRUE;

  g_array_set_size (reader->x, n);
  g_array_set_size (reader->y, n);
  g_array_set_size (reader->lonlat, 2 * n);
  x = (double *)reader->x->data;
  y = (double *)reader->y->data;
  ll = (double *)reader->lonlat->data;

  OGR_G_GetPoints (part, x, sizeof (double), y, sizeof (double), NULL, 0);
  if (reader->transform != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!pano_transform_to_lonlat (reader->transform, n, x, y, &error))
        {
          g_set_error (&reader->error, PANO_GIS_ERROR, PANO_GIS_ERROR_CRS,
                       "“%s”: %s", reader->name, error->message);
          return FALSE;
        }
    }
  else if (!check_lonlat (reader, x, y, n))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      ll[2 * i] = x[i];
      ll[2 * i + 1] = y[i];
    }
  pano_gis_layer_add_part (reader->layer, ll, n);
  return TRUE;
}

static gboolean
read_geometry (LayerReader  *reader,
               OGRGeometryH  geometry)
{
  OGRwkbGeometryType type = wkbFlatten (OGR_G_GetGeometryType (geometry));

  if (OGR_GT_IsNonLinear (type))
    {
      OGRGeometryH linear = OGR_G_GetLinearGeometry (geometry, 0, NULL);
      gboolean ok = linear == NULL || read_geometry (reader, linear);

      OGR_G_DestroyGeometry (linear);
      return ok;
    }

  switch ((int)type)
    {
    case wkbPoint:
    case wkbLineString:
    case wkbLinearRing:
      return read_part (reader, geometry);
    default:
      for (int i = 0; i < OGR_G_GetGeometryCount (geometry); i++)
        if (!read_geometry (reader, OGR_G_GetGeometryRef (geometry, i)))
          return FALSE;
      return TRUE;
    }
}

static gboolean
read_feature (LayerReader *reader,
              OGRFeatureH  feature,
              guint        n_fields)
{
  OGRGeometryH geometry = OGR_F_GetGeometryRef (feature);
  int dimension;

  if (geometry == NULL || OGR_G_IsEmpty (geometry))
    return TRUE;

  dimension = OGR_G_GetDimension (geometry);
  pano_gis_layer_begin_feature (reader->layer, dimension >= 2 ? PANO_GEOMETRY_POLYGON
                                             : dimension == 1 ? PANO_GEOMETRY_LINE
                                             : PANO_GEOMETRY_POINT);
  if (!read_geometry (reader, geometry))
    return FALSE;

  for (guint i = 0; i < n_fields; i++)
    pano_gis_layer_add_value (reader->layer, OGR_F_IsFieldSetAndNotNull (feature, i)
                                             ? OGR_F_GetFieldAsString (feature, i) : NULL);
  pano_gis_layer_end_feature (reader->layer);
  return TRUE;
}

static GStrv
dup_field_names (OGRFeatureDefnH defn)
{
  guint n = OGR_FD_GetFieldCount (defn);
  GStrv names = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    names[i] = g_strdup (OGR_Fld_GetNameRef (OGR_FD_GetFieldDefn (defn, i)));
  return names;
}

static char *
layer_title (const char *name,
             OGRLayerH   layer,
             int         n_layers)
{
  if (n_layers == 1)
    return g_strdup (name);
  return g_strdup_printf ("%s · %s", name, OGR_L_GetName (layer));
}

static gboolean
prepare_reader (LayerReader *reader,
                OGRLayerH    layer,
                const char  *driver,
                int          n_layers)
{
  OGRSpatialReferenceH srs = OGR_L_GetSpatialRef (layer);
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn (layer);
  g_auto(GStrv) fields = dup_field_names (defn);
  g_autofree char *title = layer_title (reader->name, layer, n_layers);
  g_autoptr(GError) error = NULL;

  reader->layer = pano_gis_layer_new (reader->loader->source, title, OGR_L_GetName (layer),
                                      driver,
                                      (const char * const *)fields);
  if (srs == NULL)
    {
      pano_gis_layer_set_crs (reader->layer, "none",
                              "No coordinate system: assumed to be WGS84 longitude/latitude; "
                              "its position may be wrong");
      return TRUE;
    }

  reader->transform = pano_transform_new_for_srs (srs, &error);
  if (reader->transform == NULL)
    {
      g_set_error (&reader->error, PANO_GIS_ERROR, PANO_GIS_ERROR_CRS,
                   "“%s”: %s", reader->name, error->message);
      return FALSE;
    }
  pano_gis_layer_set_crs (reader->layer, pano_transform_get_crs_name (reader->transform), NULL);
  return TRUE;
}

static void
clear_reader (LayerReader *reader)
{
  g_clear_object (&reader->layer);
  g_clear_object (&reader->transform);
  g_clear_pointer (&reader->x, g_array_unref);
  g_clear_pointer (&reader->y, g_array_unref);
  g_clear_pointer (&reader->lonlat, g_array_unref);
  g_clear_error (&reader->error);
}

static PanoGisLayer *
read_layer (PanoGisLoader  *self,
            OGRLayerH       layer,
            const char     *name,
            const char     *driver,
            int             n_layers,
            GCancellable   *cancellable,
            GError        **error)
{
  LayerReader reader = { self, NULL, NULL, name };
  guint n_fields = OGR_FD_GetFieldCount (OGR_L_GetLayerDefn (layer));
  OGRFeatureH feature;
  guint count = 0;

  reader.x = g_array_new (FALSE, FALSE, sizeof (double));
  reader.y = g_array_new (FALSE, FALSE, sizeof (double));
  reader.lonlat = g_array_new (FALSE, FALSE, sizeof (double));

  if (prepare_reader (&reader, layer, driver, n_layers))
    {
      CPLErrorReset ();
      OGR_L_ResetReading (layer);
      while (reader.error == NULL && (feature = OGR_L_GetNextFeature (layer)) != NULL)
        {
          read_feature (&reader, feature, n_fields);
          OGR_F_Destroy (feature);
          if (++count % 4096 == 0)
            {
              g_atomic_int_add (&self->done, 4096);
              if (g_cancellable_set_error_if_cancelled (cancellable, &reader.error))
                break;
            }
        }
      if (reader.error == NULL && CPLGetLastErrorType () >= CE_Failure)
        g_set_error (&reader.error, PANO_GIS_ERROR, PANO_GIS_ERROR_CORRUPT,
                     "“%s” is damaged or truncated: reading stopped after %u features (%s)",
                     name, count, CPLGetLastErrorMsg ());
    }

  if (reader.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&reader.error));
      clear_reader (&reader);
      return NULL;
    }

  g_atomic_int_add (&self->done, count % 4096);
  pano_gis_layer_seal (reader.layer);
  {
    PanoGisLayer *result = g_steal_pointer (&reader.layer);

    clear_reader (&reader);
    return result;
  }
}

static gint
count_features (GDALDatasetH ds)
{
  gint64 total = 0;

  for (int i = 0; i < GDALDatasetGetLayerCount (ds); i++)
    {
      GIntBig n = OGR_L_GetFeatureCount (GDALDatasetGetLayer (ds, i), FALSE);

      if (n < 0)
        return -1;
      total += n;
    }
  return (gint)MIN (total, G_MAXINT);
}

/**
 * pano_gis_loader_load:
 *
 * Reads every layer synchronously; safe to call from a worker thread.
 *
 * Returns: (transfer full) (element-type PanoGisLayer): the layers that have features
 */
GPtrArray *
pano_gis_loader_load (PanoGisLoader  *self,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_autofree char *name = pano_gis_loader_dup_display_name (self);
  g_autoptr(GPtrArray) layers = g_ptr_array_new_with_free_func (g_object_unref);
  const char *driver;
  GDALDatasetH ds;
  int n_layers;

  if (!(ds = open_dataset (self->source, name, error)))
    return NULL;

  /* GDAL's own messages go into the errors we raise, not onto stderr. */
  CPLPushErrorHandler (CPLQuietErrorHandler);
  driver = GDALGetDriverShortName (GDALGetDatasetDriver (ds));
  n_layers = GDALDatasetGetLayerCount (ds);
  g_atomic_int_set (&self->total, count_features (ds));

  for (int i = 0; i < n_layers; i++)
    {
      PanoGisLayer *layer = read_layer (self, GDALDatasetGetLayer (ds, i), name, driver,
                                        n_layers, cancellable, error);
      if (layer == NULL)
        {
          CPLPopErrorHandler ();
          GDALClose (ds);
          return NULL;
        }
      if (pano_gis_layer_get_n_features (layer) > 0)
        g_ptr_array_add (layers, layer);
      else
        g_object_unref (layer);
    }
  CPLPopErrorHandler ();
  GDALClose (ds);

  if (layers->len == 0)
    {
      g_set_error (error, PANO_GIS_ERROR, PANO_GIS_ERROR_EMPTY,
                   "“%s” contains no features with a geometry", name);
      return NULL;
    }
  return g_steal_pointer (&layers);
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *layers = pano_gis_loader_load (source_object, cancellable, &error);

  if (layers == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, layers, (GDestroyNotify)g_ptr_array_unref);
}

static void
set_progress (PanoGisLoader *self,
              double         progress)
{
  if (progress == self->progress)
    return;
  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

static gboolean
poll_progress (gpointer user_data)
{
  PanoGisLoader *self = user_data;
  gint total = g_atomic_int_get (&self->total);
  gint done = g_atomic_int_get (&self->done);

  set_progress (self, total > 0 ? MIN (1.0, (double)done / total) : -1);
  return G_SOURCE_CONTINUE;
}

void
pano_gis_loader_load_async (PanoGisLoader       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PANO_IS_GIS_LOADER (self));
  g_return_if_fail (self->poll_id == 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pano_gis_loader_load_async);
  g_task_set_return_on_cancel (task, FALSE);
  self->poll_id = g_timeout_add (PROGRESS_POLL_MS, poll_progress, self);
  g_task_run_in_thread (task, load_in_thread);
}

/**
 * pano_gis_loader_load_finish:
 *
 * Returns: (transfer full) (element-type PanoGisLayer):
 */
GPtrArray *
pano_gis_loader_load_finish (PanoGisLoader  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  g_clear_handle_id (&self->poll_id, g_source_remove);
  set_progress (self, 1.0);
  return g_task_propagate_pointer (G_TASK (result), error);
}
