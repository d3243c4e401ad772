// SPDX-License-Identifier: GPL-3.0-or-later
/* While an incident's card is open: the road routes of the units assigned to it (solid) and of
 * the best recommended ones (dashed), each from the unit to the incident, and a ring around the
 * incident. A handful of lines, drawn with cairo on every frame. */
#define G_LOG_DOMAIN "panorama-layers"

#include "pano-route-layer.h"
#include "pano-mercator.h"

typedef struct
{
  GArray *xy;              /* world units */
  gboolean assigned;
} Route;

struct _PanoRouteLayer
{
  ShumateLayer parent_instance;

  GPtrArray *routes;       /* Route */
  gboolean focused;
  double focus_x, focus_y;
};

G_DEFINE_FINAL_TYPE (PanoRouteLayer, pano_route_layer, SHUMATE_TYPE_LAYER)

static void
route_free (Route *route)
{
  g_array_unref (route->xy);
  g_free (route);
}

static void
draw_route (cairo_t     *cr,
            const Route *route,
            double       world,
            double       origin_x,
            double       origin_y)
{
  const double *p = (const double *) route->xy->data;
  static const double dash[] = { 8, 6 };

  cairo_new_path (cr);
  for (guint i = 0; i < route->xy->len / 2; i++)
    cairo_line_to (cr, p[2 * i] * world - origin_x, p[2 * i + 1] * world - origin_y);
  /* a white casing keeps the route readable over any road colour */
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
  cairo_set_line_width (cr, route->assigned ? 7 : 5);
  cairo_stroke_preserve (cr);
  if (route->assigned)
    cairo_set_source_rgb (cr, 0.08, 0.40, 0.75);
  else
    {
      cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
      cairo_set_source_rgb (cr, 0.35, 0.35, 0.40);
    }
  cairo_set_line_width (cr, route->assigned ? 4 : 3);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_arc (cr, p[0] * world - origin_x, p[1] * world - origin_y, 5, 0, 2 * G_PI);
  cairo_fill (cr);
}

static void
pano_route_layer_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  PanoRouteLayer *self = PANO_ROUTE_LAYER (widget);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  double world = pano_mercator_world_size (shumate_viewport_get_zoom_level (viewport));
  double origin_x, origin_y;
  cairo_t *cr;

  if ((self->routes->len == 0 && !self->focused) || w == 0 || h == 0)
    return;
  origin_x = pano_mercator_x_from_lon (shumate_location_get_longitude (
               SHUMATE_LOCATION (viewport))) * world - w / 2.0;
  origin_y = pano_mercator_y_from_lat (shumate_location_get_latitude (
               SHUMATE_LOCATION (viewport))) * world - h / 2.0;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  /* recommended under assigned */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->routes->len; i++)
      {
        Route *route = self->routes->pdata[i];

        if (route->assigned == (pass == 1))
          draw_route (cr, route, world, origin_x, origin_y);
      }
  if (self->focused)
    {
      cairo_arc (cr, self->focus_x * world - origin_x, self->focus_y * world - origin_y, 18, 0,
                 2 * G_PI);
      cairo_set_source_rgba (cr, 0.84, 0, 0, 0.9);
      cairo_set_line_width (cr, 3);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

static void
pano_route_layer_finalize (GObject *object)
{
  PanoRouteLayer *self = PANO_ROUTE_LAYER (object);

  g_ptr_array_unref (self->routes);
  G_OBJECT_CLASS (pano_route_layer_parent_class)->finalize (object);
}

static void
pano_route_layer_class_init (PanoRouteLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pano_route_layer_finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = pano_route_layer_snapshot;
}

static void
pano_route_layer_init (PanoRouteLayer *self)
{
  self->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) route_free);
}

PanoRouteLayer *
pano_route_layer_new (ShumateViewport *viewport)
{
  PanoRouteLayer *self = g_object_new (PANO_TYPE_ROUTE_LAYER, "viewport", viewport, NULL);

  /* libshumate 1.0 does not redraw a layer when the map moves */
  g_signal_connect_object (viewport, "notify", G_CALLBACK (gtk_widget_queue_draw), self,
                           G_CONNECT_SWAPPED);
  return self;
}

void
pano_route_layer_clear (PanoRouteLayer *self)
{
  g_ptr_array_set_size (self->routes, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Adds a route of @n_points lon/lat pairs, from the unit to the incident. */
void
pano_route_layer_add (PanoRouteLayer *self,
                      const double   *lonlat,
                      guint           n_points,
                      gboolean        assigned)
{
  Route *route = g_new0 (Route, 1);

  route->assigned = assigned;
  route->xy = g_array_sized_new (FALSE, FALSE, sizeof (double), 2 * n_points);
  for (guint i = 0; i < n_points; i++)
    {
      double p[2] = { pano_mercator_x_from_lon (lonlat[2 * i]),
                      pano_mercator_y_from_lat (lonlat[2 * i + 1]) };

      g_array_append_vals (route->xy, p, 2);
    }
  g_ptr_array_add (self->routes, route);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Rings the incident at @lon, @lat while its card is open. */
void
pano_route_layer_set_focus (PanoRouteLayer *self,
                            gboolean        focused,
                            double          lon,
                            double          lat)
{
  self->focused = focused;
  self->focus_x = pano_mercator_x_from_lon (lon);
  self->focus_y = pano_mercator_y_from_lat (lat);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
pano_route_layer_get_n_routes (PanoRouteLayer *self)
{
  return self->routes->len;
}
