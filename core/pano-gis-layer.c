// SPDX-License-Identifier: GPL-3.0-or-later
/* The features of one GIS layer, held compactly for drawing and hit-testing: geometry as
 * flat arrays of Web Mercator world coordinates, attributes as packed strings, and a
 * packed R-tree over the feature boxes. Immutable once sealed, so tile workers read it
 * from any thread. */
#define G_LOG_DOMAIN "panorama-core"

#include "pano-gis-layer-private.h"
#include "pano-mercator.h"

#include <string.h>

typedef struct
{
  guint32 first_part;
  guint32 n_parts : 30;
  guint32 kind : 2;
} Feature;

struct _PanoGisLayer
{
  GObject parent_instance;

  char *source;
  char *title;
  char *name;
  char *driver;
  char *crs_name;
  char *warning;

  GStrv field_names;
  guint n_fields;

  GArray *features;     /* Feature */
  GArray *part_starts;  /* guint32 vertex index; one more than parts once sealed */
  GArray *coords;       /* double x, y pairs in world units */
  GByteArray *values;   /* n_fields NUL-terminated strings per feature */
  GArray *value_starts; /* gsize offset into values per feature */

  PanoSpatialIndex *index;
  guint kind_counts[3];
  gboolean sealed;
};

G_DEFINE_FINAL_TYPE (PanoGisLayer, pano_gis_layer, G_TYPE_OBJECT)

static void
pano_gis_layer_finalize (GObject *object)
{
  PanoGisLayer *self = (PanoGisLayer *)object;

  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->driver, g_free);
  g_clear_pointer (&self->crs_name, g_free);
  g_clear_pointer (&self->warning, g_free);
  g_clear_pointer (&self->field_names, g_strfreev);
  g_clear_pointer (&self->features, g_array_unref);
  g_clear_pointer (&self->part_starts, g_array_unref);
  g_clear_pointer (&self->coords, g_array_unref);
  g_clear_pointer (&self->values, g_byte_array_unref);
  g_clear_pointer (&self->value_starts, g_array_unref);
  g_clear_pointer (&self->index, pano_spatial_index_unref);

  G_OBJECT_CLASS (pano_gis_layer_parent_class)->finalize (object);
}

static void
pano_gis_layer_class_init (PanoGisLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pano_gis_layer_finalize;
}

static void
pano_gis_layer_init (PanoGisLayer *self)
{
  self->features = g_array_new (FALSE, FALSE, sizeof (Feature));
  self->part_starts = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->coords = g_array_new (FALSE, FALSE, sizeof (double));
  self->values = g_byte_array_new ();
  self->value_starts = g_array_new (FALSE, FALSE, sizeof (gsize));
}

PanoGisLayer *
pano_gis_layer_new (const char         *source,
                    const char         *title,
                    const char         *name,
                    const char         *driver,
                    const char * const *field_names)
{
  PanoGisLayer *self = g_object_new (PANO_TYPE_GIS_LAYER, NULL);

  self->source = g_strdup (source);
  self->title = g_strdup (title);
  self->name = g_strdup (name);
  self->driver = g_strdup (driver);
  self->field_names = g_strdupv ((char **)field_names);
  self->n_fields = field_names ? g_strv_length ((char **)field_names) : 0;
  return self;
}

void
pano_gis_layer_set_crs (PanoGisLayer *self,
                        const char   *crs_name,
                        const char   *warning)
{
  g_free (self->crs_name);
  self->crs_name = g_strdup (crs_name);
  g_free (self->warning);
  self->warning = g_strdup (warning);
}

void
pano_gis_layer_begin_feature (PanoGisLayer     *self,
                              PanoGeometryKind  kind)
{
  Feature f = { .first_part = self->part_starts->len, .n_parts = 0, .kind = kind };
  gsize value_start = self->values->len;

  g_return_if_fail (!self->sealed);
  g_array_append_val (self->features, f);
  g_array_append_val (self->value_starts, value_start);
}

/* @lonlat: @n_points longitude/latitude pairs (WGS84) */
void
pano_gis_layer_add_part (PanoGisLayer *self,
                         const double *lonlat,
                         guint         n_points)
{
  Feature *f = &g_array_index (self->features, Feature, self->features->len - 1);
  guint32 start = self->coords->len / 2;
  guint old_len = self->coords->len;
  double *out;

  g_array_append_val (self->part_starts, start);
  f->n_parts++;

  g_array_set_size (self->coords, old_len + 2 * n_points);
  out = &g_array_index (self->coords, double, old_len);
  for (guint i = 0; i < n_points; i++)
    {
      out[2 * i] = pano_mercator_x_from_lon (lonlat[2 * i]);
      out[2 * i + 1] = pano_mercator_y_from_lat (lonlat[2 * i + 1]);
    }
}

/* Call once per field, in field order, between begin and end. */
void
pano_gis_layer_add_value (PanoGisLayer *self,
                          const char   *value)
{
  g_byte_array_append (self->values, (const guint8 *)(value ? value : ""),
                       value ? strlen (value) + 1 : 1);
}

void
pano_gis_layer_end_feature (PanoGisLayer *self)
{
  Feature *f = &g_array_index (self->features, Feature, self->features->len - 1);

  self->kind_counts[f->kind]++;
}

static void
feature_bounds (PanoGisLayer *self,
                guint         feature,
                double       *b)
{
  PanoGeometry g;
  guint first, last;

  pano_gis_layer_get_geometry (self, feature, &g);
  b[0] = b[1] = G_MAXDOUBLE;
  b[2] = b[3] = -G_MAXDOUBLE;
  if (g.n_parts == 0)
    {
      b[0] = b[1] = b[2] = b[3] = 0;
      return;
    }
  first = g.part_starts[0];
  last = g.part_starts[g.n_parts];
  for (guint v = first; v < last; v++)
    {
      b[0] = MIN (b[0], g.coords[2 * v]);
      b[1] = MIN (b[1], g.coords[2 * v + 1]);
      b[2] = MAX (b[2], g.coords[2 * v]);
      b[3] = MAX (b[3], g.coords[2 * v + 1]);
    }
}

/* Ends building: adds the closing part sentinel and indexes every feature's box. */
void
pano_gis_layer_seal (PanoGisLayer *self)
{
  guint32 end = self->coords->len / 2;

  g_return_if_fail (!self->sealed);

  g_array_append_val (self->part_starts, end);
  self->sealed = TRUE;

  self->index = pano_spatial_index_new (self->features->len);
  for (guint i = 0; i < self->features->len; i++)
    {
      double b[4];

      feature_bounds (self, i, b);
      pano_spatial_index_add (self->index, b[0], b[1], b[2], b[3]);
    }
  pano_spatial_index_finish (self->index);
}

const char *
pano_gis_layer_get_title (PanoGisLayer *self)
{
  return self->title;
}

/* The layer's name inside its source, e.g. "roads" in shiyan.gpkg */
const char *
pano_gis_layer_get_name (PanoGisLayer *self)
{
  return self->name;
}

const char *
pano_gis_layer_get_source (PanoGisLayer *self)
{
  return self->source;
}

const char *
pano_gis_layer_get_driver (PanoGisLayer *self)
{
  return self->driver;
}

const char *
pano_gis_layer_get_crs_name (PanoGisLayer *self)
{
  return self->crs_name;
}

/* Returns: a sentence for the user when the layer's placement is uncertain, else %NULL */
const char *
pano_gis_layer_get_warning (PanoGisLayer *self)
{
  return self->warning;
}

guint
pano_gis_layer_get_n_features (PanoGisLayer *self)
{
  return self->features->len;
}

PanoGeometryKind
pano_gis_layer_get_main_kind (PanoGisLayer *self)
{
  if (self->kind_counts[PANO_GEOMETRY_POLYGON] >= self->kind_counts[PANO_GEOMETRY_LINE] &&
      self->kind_counts[PANO_GEOMETRY_POLYGON] >= self->kind_counts[PANO_GEOMETRY_POINT])
    return PANO_GEOMETRY_POLYGON;
  if (self->kind_counts[PANO_GEOMETRY_LINE] >= self->kind_counts[PANO_GEOMETRY_POINT])
    return PANO_GEOMETRY_LINE;
  return PANO_GEOMETRY_POINT;
}

/* @extent: min_x, min_y, max_x, max_y in world units */
gboolean
pano_gis_layer_get_extent (PanoGisLayer *self,
                           double       *extent)
{
  g_return_val_if_fail (self->sealed, FALSE);
  return pano_spatial_index_get_bounds (self->index, extent);
}

void
pano_gis_layer_get_geometry (PanoGisLayer *self,
                             guint         feature,
                             PanoGeometry *geometry)
{
  const Feature *f = &g_array_index (self->features, Feature, feature);

  geometry->kind = f->kind;
  geometry->n_parts = f->n_parts;
  geometry->part_starts = &g_array_index (self->part_starts, guint32, f->first_part);
  geometry->coords = (const double *)self->coords->data;
}

const char * const *
pano_gis_layer_get_field_names (PanoGisLayer *self)
{
  return (const char * const *)self->field_names;
}

int
pano_gis_layer_find_field (PanoGisLayer *self,
                           const char   *name)
{
  for (guint i = 0; i < self->n_fields; i++)
    if (g_ascii_strcasecmp (self->field_names[i], name) == 0)
      return i;
  return -1;
}

const char *
pano_gis_layer_get_value (PanoGisLayer *self,
                          guint         feature,
                          guint         field)
{
  const char *v;

  g_return_val_if_fail (feature < self->features->len, NULL);
  g_return_val_if_fail (field < self->n_fields, NULL);

  v = (const char *)self->values->data + g_array_index (self->value_starts, gsize, feature);
  for (guint i = 0; i < field; i++)
    v += strlen (v) + 1;
  return v;
}

void
pano_gis_layer_search (PanoGisLayer         *self,
                       double                min_x,
                       double                min_y,
                       double                max_x,
                       double                max_y,
                       PanoSpatialVisitFunc  visit,
                       gpointer              user_data)
{
  g_return_if_fail (self->sealed);
  pano_spatial_index_search (self->index, min_x, min_y, max_x, max_y, visit, user_data);
}

static double
segment_distance (double px, double py,
                  double ax, double ay,
                  double bx, double by)
{
  double dx = bx - ax, dy = by - ay;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? CLAMP (((px - ax) * dx + (py - ay) * dy) / len2, 0, 1) : 0;

  return hypot (px - (ax + t * dx), py - (ay + t * dy));
}

/* Distance from (x, y) to the feature's outline or points; 0 inside a polygon. */
static double
geometry_distance (const PanoGeometry *g,
                   double              x,
                   double              y)
{
  double best = G_MAXDOUBLE;
  gboolean inside = FALSE;

  for (guint p = 0; p < g->n_parts; p++)
    {
      const double *c = g->coords + 2 * (gsize)g->part_starts[p];
      guint n = g->part_starts[p + 1] - g->part_starts[p];

      if (g->kind == PANO_GEOMETRY_POINT || n == 1)
        {
          best = MIN (best, hypot (x - c[0], y - c[1]));
          continue;
        }
      for (guint i = 0; i + 1 < n; i++)
        {
          const double *a = c + 2 * i, *b = c + 2 * i + 2;

          best = MIN (best, segment_distance (x, y, a[0], a[1], b[0], b[1]));
          if (g->kind == PANO_GEOMETRY_POLYGON &&
              (a[1] > y) != (b[1] > y) &&
              x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0])
            inside = !inside;
        }
    }
  return inside ? 0 : best;
}

typedef struct
{
  PanoGisLayer *layer;
  double x, y, tolerance;
  int best;
  int best_rank;
  double best_distance;
} HitTest;

static gboolean
visit_hit_candidate (guint    item,
                     gpointer user_data)
{
  HitTest *hit = user_data;
  PanoGeometry g;
  double d;
  int rank;

  pano_gis_layer_get_geometry (hit->layer, item, &g);
  d = geometry_distance (&g, hit->x, hit->y);
  if (d > hit->tolerance)
    return TRUE;

  /* Points beat lines beat areas; then the nearest; then the one drawn last (on top). */
  rank = g.kind == PANO_GEOMETRY_POINT ? 0 : g.kind == PANO_GEOMETRY_LINE ? 1 : 2;
  if (hit->best < 0 || rank < hit->best_rank ||
      (rank == hit->best_rank && (d < hit->best_distance ||
                                  (d == hit->best_distance && (int)item > hit->best))))
    {
      hit->best = item;
      hit->best_rank = rank;
      hit->best_distance = d;
    }
  return TRUE;
}

/**
 * pano_gis_layer_hit_test:
 * @x, @y: a position in world units
 * @tolerance: how far from a point or line still counts, in world units
 *
 * Returns: the feature under (@x, @y), or -1
 */
int
pano_gis_layer_hit_test (PanoGisLayer *self,
                         double        x,
                         double        y,
                         double        tolerance)
{
  HitTest hit = { self, x, y, tolerance, -1, 3, G_MAXDOUBLE };

  pano_gis_layer_search (self, x - tolerance, y - tolerance, x + tolerance, y + tolerance,
                         visit_hit_candidate, &hit);
  return hit.best;
}
