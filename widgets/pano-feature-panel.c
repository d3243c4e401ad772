// SPDX-License-Identifier: GPL-3.0-or-later
/* The attributes of the feature the operator clicked: the layer's name, then one row per
 * field. A live entity's properties are shown for people: known names, rounded numbers with
 * their units (pano-property-format.c). */
#define G_LOG_DOMAIN "panorama-widgets"

#include "pano-feature-panel.h"
#include "pano-property-format.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

struct _PanoFeaturePanel
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkLabel *heading;
  GtkListBox *rows;
  GHashTable *values;   /* field → the text shown */
};

G_DEFINE_FINAL_TYPE (PanoFeaturePanel, pano_feature_panel, GTK_TYPE_WIDGET)

static void
remove_rows (PanoFeaturePanel *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rows))) != NULL)
    gtk_list_box_remove (self->rows, child);
}

void
pano_feature_panel_clear (PanoFeaturePanel *self)
{
  remove_rows (self);
  g_hash_table_remove_all (self->values);
  gtk_label_set_label (self->heading, _("Click a feature on the map to see its attributes"));
  gtk_widget_set_visible (GTK_WIDGET (self->rows), FALSE);
}

static GtkWidget *
create_field_row (const char *name,
                  const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *escaped_name = g_markup_escape_text (name, -1);
  g_autofree char *escaped_value = g_markup_escape_text (value[0] ? value : "—", -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped_name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped_value);
  gtk_widget_add_css_class (row, "property");
  return row;
}

/* @name keys the value (pano_feature_panel_get_value()); @title is what the row says. */
static void
add_field (PanoFeaturePanel *self,
           const char       *name,
           const char       *title,
           const char       *value)
{
  gtk_list_box_append (self->rows, create_field_row (title, value));
  g_hash_table_replace (self->values, g_strdup (name), g_strdup (value));
}

static void
begin (PanoFeaturePanel *self,
       const char       *heading)
{
  remove_rows (self);
  g_hash_table_remove_all (self->values);
  gtk_label_set_label (self->heading, heading);
}

void
pano_feature_panel_show_feature (PanoFeaturePanel *self,
                                 PanoGisLayer     *layer,
                                 guint             feature)
{
  const char * const *fields = pano_gis_layer_get_field_names (layer);
  g_autofree char *heading =
    g_strdup_printf (_("%s — feature %u"), pano_gis_layer_get_title (layer), feature + 1);

  begin (self, heading);
  for (guint i = 0; fields && fields[i]; i++)
    add_field (self, fields[i], fields[i], pano_gis_layer_get_value (layer, feature, i));
  gtk_widget_set_visible (GTK_WIDGET (self->rows), fields && fields[0]);
}

/**
 * pano_feature_panel_show_properties:
 * @properties: a JSON object's text, as a live entity carries it
 *
 * Shows a live entity; call again with its new properties to follow its updates.
 */
void
pano_feature_panel_show_properties (PanoFeaturePanel *self,
                                    const char       *heading,
                                    const char       *properties)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  GList *members;

  begin (self, heading);
  if (properties == NULL || !json_parser_load_from_data (parser, properties, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->rows), FALSE);
      return;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  members = json_object_get_members (object);
  for (GList *l = members; l; l = l->next)
    {
      g_autofree char *text = pano_property_format (l->data,
                                                    json_object_get_member (object, l->data));

      add_field (self, l->data, pano_property_label (l->data), text);
    }
  g_list_free (members);
  gtk_widget_set_visible (GTK_WIDGET (self->rows), TRUE);
}

/* Returns: (nullable): what the panel shows for @field, or %NULL when nothing is shown */
const char *
pano_feature_panel_get_value (PanoFeaturePanel *self,
                              const char       *field)
{
  return g_hash_table_lookup (self->values, field);
}

static void
pano_feature_panel_dispose (GObject *object)
{
  PanoFeaturePanel *self = (PanoFeaturePanel *)object;

  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->values, g_hash_table_unref);

  G_OBJECT_CLASS (pano_feature_panel_parent_class)->dispose (object);
}

static void
pano_feature_panel_class_init (PanoFeaturePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pano_feature_panel_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "featurepanel");
}

static void
pano_feature_panel_init (PanoFeaturePanel *self)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();

  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (self->box, 8);
  gtk_widget_set_margin_end (self->box, 8);
  gtk_widget_set_margin_top (self->box, 8);

  self->heading = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->heading, TRUE);
  gtk_label_set_xalign (self->heading, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->heading), "heading");
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->heading));

  self->rows = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->rows, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->rows), "boxed-list");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->rows));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (self->box), scroller);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  pano_feature_panel_clear (self);
}
