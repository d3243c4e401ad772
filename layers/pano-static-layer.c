// SPDX-License-Identifier: GPL-3.0-or-later
/* One entry of the layer list that draws from files: a user's GIS layer, or the offline base
 * map made of several. Holds what the list shows (title, count, CRS, colour, visibility,
 * opacity) and builds the immutable tile renderer for its current style. */
#define G_LOG_DOMAIN "panorama-layers"

#include "pano-static-layer.h"

#include <string.h>

struct _PanoStaticLayer
{
  GObject parent_instance;

  char *title;
  GPtrArray *layers;    /* PanoGisLayer */
  GArray *styles;       /* PanoStyle, parallel to layers */
  PanoTileRenderer *renderer;
  GdkRGBA color;
  PanoColor background;
  gboolean has_background;
  double opacity;
  gboolean visible;
  gboolean recolorable;
  double label_scale;
};

enum {
  PROP_0,
  PROP_TITLE,
  PROP_VISIBLE,
  PROP_OPACITY,
  PROP_COLOR,
  PROP_N_FEATURES,
  N_PROPS
};

enum {
  RENDERER_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PanoStaticLayer, pano_static_layer, G_TYPE_OBJECT)

static void
pano_static_layer_finalize (GObject *object)
{
  PanoStaticLayer *self = (PanoStaticLayer *)object;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->layers, g_ptr_array_unref);
  g_clear_pointer (&self->styles, g_array_unref);
  g_clear_object (&self->renderer);

  G_OBJECT_CLASS (pano_static_layer_parent_class)->finalize (object);
}

static void
pano_static_layer_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PanoStaticLayer *self = PANO_STATIC_LAYER (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_VISIBLE:
      g_value_set_boolean (value, self->visible);
      break;
    case PROP_OPACITY:
      g_value_set_double (value, self->opacity);
      break;
    case PROP_COLOR:
      g_value_set_boxed (value, &self->color);
      break;
    case PROP_N_FEATURES:
      g_value_set_uint (value, pano_static_layer_get_n_features (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pano_static_layer_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  PanoStaticLayer *self = PANO_STATIC_LAYER (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      self->title = g_value_dup_string (value);
      break;
    case PROP_VISIBLE:
      pano_static_layer_set_visible (self, g_value_get_boolean (value));
      break;
    case PROP_OPACITY:
      pano_static_layer_set_opacity (self, g_value_get_double (value));
      break;
    case PROP_COLOR:
      pano_static_layer_set_color (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pano_static_layer_class_init (PanoStaticLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pano_static_layer_finalize;
  object_class->get_property = pano_static_layer_get_property;
  object_class->set_property = pano_static_layer_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VISIBLE] =
    g_param_spec_boolean ("visible", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OPACITY] =
    g_param_spec_double ("opacity", NULL, NULL, 0, 1, 1,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLOR] =
    g_param_spec_boxed ("color", NULL, NULL, GDK_TYPE_RGBA,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_FEATURES] =
    g_param_spec_uint ("n-features", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted when the style changed and tiles must be drawn again from a new renderer. */
  signals[RENDERER_CHANGED] =
    g_signal_new ("renderer-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pano_static_layer_init (PanoStaticLayer *self)
{
  self->layers = g_ptr_array_new_with_free_func (g_object_unref);
  self->styles = g_array_new (FALSE, FALSE, sizeof (PanoStyle));
  self->visible = TRUE;
  self->opacity = 1.0;
  self->color = (GdkRGBA) { 0.5, 0.5, 0.5, 1.0 };
  self->label_scale = 1.0;
}

PanoStaticLayer *
pano_static_layer_new (const char *title)
{
  return g_object_new (PANO_TYPE_STATIC_LAYER, "title", title, NULL);
}

static void
style_from_rgba (PanoStyle     *style,
                 const GdkRGBA *color)
{
  PanoColor c = { color->red, color->green, color->blue, color->alpha };

  pano_style_init_for_color (style, &c);
}

/* A user's layer in one colour, which the layer list may change. */
PanoStaticLayer *
pano_static_layer_new_for_gis_layer (PanoGisLayer  *layer,
                                     const GdkRGBA *color)
{
  PanoStaticLayer *self = pano_static_layer_new (pano_gis_layer_get_title (layer));
  PanoStyle style;

  style_from_rgba (&style, color);
  pano_static_layer_add (self, layer, &style);
  self->color = *color;
  self->recolorable = TRUE;
  return self;
}

/* Adds @layer above the ones added before; @style is copied. */
void
pano_static_layer_add (PanoStaticLayer *self,
                       PanoGisLayer    *layer,
                       const PanoStyle *style)
{
  g_ptr_array_add (self->layers, g_object_ref (layer));
  g_array_append_val (self->styles, *style);
  g_clear_object (&self->renderer);
  if (self->layers->len == 1)
    self->color = (GdkRGBA) { style->stroke.red, style->stroke.green, style->stroke.blue, 1 };
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FEATURES]);
}

/* Paints @color under everything: the base map's sea. */
void
pano_static_layer_set_background (PanoStaticLayer *self,
                                  const PanoColor *color)
{
  self->has_background = TRUE;
  self->background = *color;
  g_clear_object (&self->renderer);
}

const char *
pano_static_layer_get_title (PanoStaticLayer *self)
{
  return self->title;
}

static PanoGisLayer *
first_layer (PanoStaticLayer *self)
{
  return self->layers->len > 0 ? g_ptr_array_index (self->layers, 0) : NULL;
}

const char *
pano_static_layer_get_source (PanoStaticLayer *self)
{
  return first_layer (self) ? pano_gis_layer_get_source (first_layer (self)) : NULL;
}

const char *
pano_static_layer_get_crs_name (PanoStaticLayer *self)
{
  return first_layer (self) ? pano_gis_layer_get_crs_name (first_layer (self)) : NULL;
}

const char *
pano_static_layer_get_warning (PanoStaticLayer *self)
{
  return first_layer (self) ? pano_gis_layer_get_warning (first_layer (self)) : NULL;
}

guint
pano_static_layer_get_n_features (PanoStaticLayer *self)
{
  guint n = 0;

  for (guint i = 0; i < self->layers->len; i++)
    n += pano_gis_layer_get_n_features (g_ptr_array_index (self->layers, i));
  return n;
}

PanoGeometryKind
pano_static_layer_get_kind (PanoStaticLayer *self)
{
  return first_layer (self) ? pano_gis_layer_get_main_kind (first_layer (self))
                            : PANO_GEOMETRY_POLYGON;
}

gboolean
pano_static_layer_get_visible (PanoStaticLayer *self)
{
  return self->visible;
}

void
pano_static_layer_set_visible (PanoStaticLayer *self,
                               gboolean         visible)
{
  if (self->visible == !!visible)
    return;
  self->visible = !!visible;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE]);
}

double
pano_static_layer_get_opacity (PanoStaticLayer *self)
{
  return self->opacity;
}

void
pano_static_layer_set_opacity (PanoStaticLayer *self,
                               double           opacity)
{
  opacity = CLAMP (opacity, 0, 1);
  if (self->opacity == opacity)
    return;
  self->opacity = opacity;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPACITY]);
}

void
pano_static_layer_get_color (PanoStaticLayer *self,
                             GdkRGBA         *color)
{
  *color = self->color;
}

gboolean
pano_static_layer_get_recolorable (PanoStaticLayer *self)
{
  return self->recolorable;
}

void
pano_static_layer_set_color (PanoStaticLayer *self,
                             const GdkRGBA   *color)
{
  g_return_if_fail (color != NULL);

  if (gdk_rgba_equal (&self->color, color) || !self->recolorable)
    return;
  self->color = *color;
  style_from_rgba (&g_array_index (self->styles, PanoStyle, 0), color);
  g_clear_object (&self->renderer);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR]);
  g_signal_emit (self, signals[RENDERER_CHANGED], 0);
}

/* Its labels (district and street names) @scale times their size: a wall's text scale. The
 * tiles are drawn again. */
void
pano_static_layer_set_label_scale (PanoStaticLayer *self,
                                   double           scale)
{
  if (self->label_scale == scale)
    return;
  self->label_scale = scale;
  g_clear_object (&self->renderer);
  g_signal_emit (self, signals[RENDERER_CHANGED], 0);
}

/* @extent: world units; the union of every layer's features */
gboolean
pano_static_layer_get_extent (PanoStaticLayer *self,
                              double          *extent)
{
  gboolean any = FALSE;

  for (guint i = 0; i < self->layers->len; i++)
    {
      double e[4];

      if (!pano_gis_layer_get_extent (g_ptr_array_index (self->layers, i), e))
        continue;
      if (!any)
        memcpy (extent, e, sizeof e);
      extent[0] = MIN (extent[0], e[0]);
      extent[1] = MIN (extent[1], e[1]);
      extent[2] = MAX (extent[2], e[2]);
      extent[3] = MAX (extent[3], e[3]);
      any = TRUE;
    }
  return any;
}

/* Returns: (transfer none): the renderer for the current style, built on first use */
PanoTileRenderer *
pano_static_layer_get_renderer (PanoStaticLayer *self)
{
  if (self->renderer == NULL)
    {
      self->renderer = pano_tile_renderer_new ();
      pano_tile_renderer_set_background (self->renderer,
                                         self->has_background ? &self->background : NULL);
      pano_tile_renderer_set_label_scale (self->renderer, self->label_scale);
      for (guint i = 0; i < self->layers->len; i++)
        pano_tile_renderer_add (self->renderer, g_ptr_array_index (self->layers, i),
                                &g_array_index (self->styles, PanoStyle, i));
    }
  return self->renderer;
}

/* Returns: the feature under (@x, @y) in world units, top layer first, or -1 */
int
pano_static_layer_hit_test (PanoStaticLayer  *self,
                            double            x,
                            double            y,
                            double            tolerance,
                            PanoGisLayer    **hit_layer)
{
  for (guint i = self->layers->len; i > 0; i--)
    {
      PanoGisLayer *layer = g_ptr_array_index (self->layers, i - 1);
      int feature = pano_gis_layer_hit_test (layer, x, y, tolerance);

      if (feature >= 0)
        {
          *hit_layer = layer;
          return feature;
        }
    }
  return -1;
}

/* Returns: (transfer none) (nullable): the GIS layer called @name inside this entry */
PanoGisLayer *
pano_static_layer_find_gis_layer (PanoStaticLayer *self,
                                  const char      *name)
{
  for (guint i = 0; i < self->layers->len; i++)
    if (g_strcmp0 (pano_gis_layer_get_name (g_ptr_array_index (self->layers, i)), name) == 0)
      return g_ptr_array_index (self->layers, i);
  return NULL;
}
