// SPDX-License-Identifier: GPL-3.0-or-later
/* One live layer in the sidebar: show or hide it, how many entities and how fresh, and its
 * legend, whose entries are also the filter (click a class to hide it from the map). */
#define G_LOG_DOMAIN "panorama-widgets"

#include "pano-live-layer-row.h"

#include <glib/gi18n-lib.h>

struct _PanoLiveLayerRow
{
  GtkBox parent_instance;

  PanoLiveMapLayer *layer;
  PanoLiveStore *store;
  GtkLabel *subtitle;
};

G_DEFINE_FINAL_TYPE (PanoLiveLayerRow, pano_live_layer_row, GTK_TYPE_BOX)

static void
draw_chip (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        data)
{
  const PanoColor *c = data;

  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0 - 1, 0, 2 * G_PI);
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.4);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

static void
on_class_toggled (GtkToggleButton  *toggle,
                  PanoLiveLayerRow *self)
{
  guint mask = pano_live_map_layer_get_class_mask (self->layer);
  guint bit = 1u << GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (toggle), "class"));

  pano_live_map_layer_set_class_mask (self->layer, gtk_toggle_button_get_active (toggle)
                                                   ? mask | bit : mask & ~bit);
}

static GtkWidget *
create_toggle (PanoLiveLayerRow *self,
               guint             klass)
{
  const PanoLiveStyle *style = pano_live_map_layer_get_style (self->layer);
  GtkWidget *toggle = gtk_toggle_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *chip = gtk_drawing_area_new ();

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (chip), 12);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (chip), 12);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (chip), draw_chip,
                                  (gpointer)&style->colors[klass], NULL);
  gtk_box_append (GTK_BOX (box), chip);
  gtk_box_append (GTK_BOX (box), gtk_label_new (style->class_names[klass]));
  gtk_button_set_child (GTK_BUTTON (toggle), box);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), TRUE);
  gtk_widget_add_css_class (toggle, "flat");
  gtk_widget_set_tooltip_text (toggle, _("Show or hide this class on the map"));
  g_object_set_data (G_OBJECT (toggle), "class", GUINT_TO_POINTER (klass));
  g_signal_connect (toggle, "toggled", G_CALLBACK (on_class_toggled), self);
  return toggle;
}

static GtkWidget *
create_legend (PanoLiveLayerRow *self)
{
  const PanoLiveStyle *style = pano_live_map_layer_get_style (self->layer);
  GtkWidget *flow = gtk_flow_box_new ();

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 4);
  for (guint k = 0; k < PANO_LIVE_MAX_CLASSES; k++)
    if (style->class_names[k] != NULL)
      gtk_flow_box_append (GTK_FLOW_BOX (flow), create_toggle (self, k));
  return flow;
}

/* Updates the count and the data age; called once a second and on each batch. */
void
pano_live_layer_row_refresh (PanoLiveLayerRow *self)
{
  const char *name = pano_live_map_layer_get_layer (self->layer);
  PanoLiveLayer *layer = pano_live_store_get_layer (self->store, name);
  gint64 newest = pano_live_store_get_newest_data (self->store, name);
  guint n = pano_live_layer_get_n_entities (layer);
  g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u entity",
                                                         "%u entities", n), n);
  g_autofree char *text = NULL;

  if (newest > 0)
    text = g_strdup_printf (_("%s · data %d s old"), count,
                            (int)MAX (0, (g_get_real_time () / 1000 - newest) / 1000));
  gtk_label_set_label (self->subtitle, text ? text : count);
}

/* Returns: what the row says under the layer's name: its count and data age */
const char *
pano_live_layer_row_get_subtitle (PanoLiveLayerRow *self)
{
  return gtk_label_get_label (self->subtitle);
}

static void
pano_live_layer_row_dispose (GObject *object)
{
  PanoLiveLayerRow *self = (PanoLiveLayerRow *)object;

  g_clear_object (&self->layer);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (pano_live_layer_row_parent_class)->dispose (object);
}

static void
pano_live_layer_row_class_init (PanoLiveLayerRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pano_live_layer_row_dispose;
}

static void
pano_live_layer_row_init (PanoLiveLayerRow *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 2);
  gtk_widget_set_margin_start (GTK_WIDGET (self), 8);
  gtk_widget_set_margin_end (GTK_WIDGET (self), 8);
  gtk_widget_set_margin_top (GTK_WIDGET (self), 4);
}

GtkWidget *
pano_live_layer_row_new (PanoLiveMapLayer *layer,
                         PanoLiveStore    *store,
                         const char       *title)
{
  PanoLiveLayerRow *self = g_object_new (PANO_TYPE_LIVE_LAYER_ROW, NULL);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *heading = gtk_label_new (title);

  self->layer = g_object_ref (layer);
  self->store = g_object_ref (store);
  self->subtitle = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_label_set_xalign (self->subtitle, 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_widget_add_css_class (GTK_WIDGET (self->subtitle), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->subtitle), "dim-label");
  gtk_widget_set_tooltip_text (check, _("Show or hide the layer"));
  g_object_bind_property (layer, "visible", check, "active",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  gtk_box_append (GTK_BOX (labels), heading);
  gtk_box_append (GTK_BOX (labels), GTK_WIDGET (self->subtitle));
  gtk_box_append (GTK_BOX (header), check);
  gtk_box_append (GTK_BOX (header), labels);
  gtk_box_append (GTK_BOX (self), header);
  gtk_box_append (GTK_BOX (self), create_legend (self));
  pano_live_layer_row_refresh (self);
  return GTK_WIDGET (self);
}
