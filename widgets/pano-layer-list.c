// SPDX-License-Identifier: GPL-3.0-or-later
/* The layer list: a view of the layer stack's model, top layer first. */
#define G_LOG_DOMAIN "panorama-widgets"

#include "pano-layer-list.h"
#include "pano-layer-row.h"

#include <glib/gi18n-lib.h>

struct _PanoLayerList
{
  GtkWidget parent_instance;

  GtkWidget *scroller;
  GtkListBox *list_box;
  PanoLayerStack *stack;
};

G_DEFINE_FINAL_TYPE (PanoLayerList, pano_layer_list, GTK_TYPE_WIDGET)

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  PanoLayerList *self = user_data;

  return pano_layer_row_new (self->stack, item);
}

void
pano_layer_list_set_stack (PanoLayerList  *self,
                           PanoLayerStack *stack)
{
  g_set_object (&self->stack, stack);
  gtk_list_box_bind_model (self->list_box, stack ? pano_layer_stack_get_model (stack) : NULL,
                           create_row, self, NULL);
}

/* Returns: (transfer none) (nullable): the row showing the layer at @position */
GtkWidget *
pano_layer_list_get_row (PanoLayerList *self,
                         guint          position)
{
  return GTK_WIDGET (gtk_list_box_get_row_at_index (self->list_box, position));
}

static void
pano_layer_list_dispose (GObject *object)
{
  PanoLayerList *self = (PanoLayerList *)object;

  if (self->list_box)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  self->list_box = NULL;
  g_clear_object (&self->stack);

  G_OBJECT_CLASS (pano_layer_list_parent_class)->dispose (object);
}

static void
pano_layer_list_class_init (PanoLayerListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pano_layer_list_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "layerlist");
}

static void
pano_layer_list_init (PanoLayerList *self)
{
  GtkWidget *placeholder = gtk_label_new (_("No layers. Open a GIS file with Ctrl+O or drop "
                                            "one on the map."));

  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);

  self->list_box = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list_box, GTK_SELECTION_NONE);
  gtk_list_box_set_placeholder (self->list_box, placeholder);
  gtk_widget_add_css_class (GTK_WIDGET (self->list_box), "navigation-sidebar");

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller),
                                 GTK_WIDGET (self->list_box));
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
}
