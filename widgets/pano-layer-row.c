// SPDX-License-Identifier: GPL-3.0-or-later
/* One layer in the layer list: visibility, legend swatch, title, feature count, CRS and
 * source, a warning when the placement is uncertain, colour, opacity, and the actions
 * zoom-to, raise, lower and remove. */
#define G_LOG_DOMAIN "panorama-widgets"

#include "pano-layer-row.h"

#include <glib/gi18n-lib.h>

struct _PanoLayerRow
{
  GtkListBoxRow parent_instance;

  PanoLayerStack *stack;
  PanoStaticLayer *layer;

  GtkCheckButton *visible_check;
  GtkDrawingArea *swatch;
  GtkLabel *title_label;
  GtkLabel *subtitle_label;
  GtkImage *warning_icon;
  GtkColorButton *color_button;
  GtkScale *opacity_scale;
};

G_DEFINE_FINAL_TYPE (PanoLayerRow, pano_layer_row, GTK_TYPE_LIST_BOX_ROW)

/* The legend: a dot, a line or a filled square in the layer's colour. */
void
pano_layer_draw_swatch (cairo_t          *cr,
                        PanoGeometryKind  kind,
                        const GdkRGBA    *color,
                        int               width,
                        int               height)
{
  gdk_cairo_set_source_rgba (cr, color);
  switch (kind)
    {
    case PANO_GEOMETRY_POINT:
      cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 3.0, 0, 2 * G_PI);
      cairo_fill (cr);
      break;
    case PANO_GEOMETRY_LINE:
      cairo_set_line_width (cr, 2.5);
      cairo_move_to (cr, 1, height - 3);
      cairo_curve_to (cr, width / 2.0, -height / 2.0, width / 2.0, height * 1.5, width - 1, 3);
      cairo_stroke (cr);
      break;
    case PANO_GEOMETRY_POLYGON:
    default:
      cairo_rectangle (cr, 1.5, 1.5, width - 3, height - 3);
      cairo_save (cr);
      cairo_set_source_rgba (cr, color->red, color->green, color->blue, 0.4);
      cairo_fill_preserve (cr);
      cairo_restore (cr);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
      break;
    }
}

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  PanoLayerRow *self = user_data;
  GdkRGBA color;

  pano_static_layer_get_color (self->layer, &color);
  pano_layer_draw_swatch (cr, pano_static_layer_get_kind (self->layer), &color, width, height);
}

static char *
describe_layer (PanoStaticLayer *layer)
{
  g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u feature",
                                                         "%u features",
                                                         pano_static_layer_get_n_features (layer)),
                                            pano_static_layer_get_n_features (layer));
  const char *crs = pano_static_layer_get_crs_name (layer);

  return g_strdup_printf ("%s · %s", count, crs ? crs : "");
}

static void
on_color_changed (PanoLayerRow *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self->swatch));
}

static void
setup_row (PanoLayerRow *self)
{
  const char *warning = pano_static_layer_get_warning (self->layer);
  g_autofree char *subtitle = describe_layer (self->layer);
  g_autofree char *tooltip = g_strdup_printf ("%s\n%s", pano_static_layer_get_title (self->layer),
                                              pano_static_layer_get_source (self->layer)
                                              ? pano_static_layer_get_source (self->layer) : "");
  GdkRGBA color;

  gtk_label_set_label (self->title_label, pano_static_layer_get_title (self->layer));
  gtk_label_set_label (self->subtitle_label, subtitle);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->title_label), tooltip);
  gtk_widget_set_visible (GTK_WIDGET (self->warning_icon), warning != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->warning_icon), warning);
  gtk_widget_set_visible (GTK_WIDGET (self->color_button),
                          pano_static_layer_get_recolorable (self->layer));
  pano_static_layer_get_color (self->layer, &color);
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (self->color_button), &color);

  g_object_bind_property (self->layer, "visible", self->visible_check, "active",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_object_bind_property (self->layer, "opacity",
                          gtk_range_get_adjustment (GTK_RANGE (self->opacity_scale)), "value",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_object_bind_property (self->color_button, "rgba", self->layer, "color", G_BINDING_DEFAULT);
  g_signal_connect_object (self->layer, "notify::color", G_CALLBACK (on_color_changed), self,
                           G_CONNECT_SWAPPED);
  gtk_drawing_area_set_draw_func (self->swatch, draw_swatch, self, NULL);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PanoLayerRow *self = PANO_LAYER_ROW (widget);

  pano_layer_stack_zoom_to (self->stack, self->layer);
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PanoLayerRow *self = PANO_LAYER_ROW (widget);

  pano_layer_stack_move (self->stack, self->layer,
                         g_str_equal (action_name, "row.raise") ? -1 : 1);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PanoLayerRow *self = PANO_LAYER_ROW (widget);

  pano_layer_stack_remove (self->stack, self->layer);
}

static void
pano_layer_row_dispose (GObject *object)
{
  PanoLayerRow *self = (PanoLayerRow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), PANO_TYPE_LAYER_ROW);
  g_clear_object (&self->layer);
  g_clear_object (&self->stack);

  G_OBJECT_CLASS (pano_layer_row_parent_class)->dispose (object);
}

static void
pano_layer_row_class_init (PanoLayerRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pano_layer_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/panorama/Panorama/ui/pano-layer-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PanoLayerRow, visible_check);
  gtk_widget_class_bind_template_child (widget_class, PanoLayerRow, swatch);
  gtk_widget_class_bind_template_child (widget_class, PanoLayerRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, PanoLayerRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, PanoLayerRow, warning_icon);
  gtk_widget_class_bind_template_child (widget_class, PanoLayerRow, color_button);
  gtk_widget_class_bind_template_child (widget_class, PanoLayerRow, opacity_scale);

  gtk_widget_class_install_action (widget_class, "row.zoom", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "row.raise", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "row.lower", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "row.remove", NULL, remove_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "row.remove", NULL);
}

static void
pano_layer_row_init (PanoLayerRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
pano_layer_row_new (PanoLayerStack  *stack,
                    PanoStaticLayer *layer)
{
  PanoLayerRow *self = g_object_new (PANO_TYPE_LAYER_ROW, NULL);

  self->stack = g_object_ref (stack);
  self->layer = g_object_ref (layer);
  setup_row (self);
  return GTK_WIDGET (self);
}

PanoStaticLayer *
pano_layer_row_get_layer (PanoLayerRow *self)
{
  return self->layer;
}
