// SPDX-License-Identifier: GPL-3.0-or-later
/* The window's actions and their shortcuts: open files, add a data source, zoom, go home,
 * toggle the sidebar, dismiss the banner. */
#define G_LOG_DOMAIN "panorama-app"

#include "pano-window-private.h"

#include <glib/gi18n.h>

static const char * const gis_patterns[] = {
  "*.gpkg", "*.shp", "*.geojson", "*.json", "*.geojsonl", "*.geojsons", "*.fgb", "*.csv",
  "*.kml", "*.gml", "*.gpx", "*.sqlite", "*.osm", "*.pbf", "*.topojson", "*.tab", "*.mif", NULL
};

static void
on_open_response (GtkNativeDialog *dialog,
                  int              response,
                  PanoWindow      *self)
{
  g_autoptr(GListModel) files = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          g_autofree char *path = g_file_get_path (file);

          if (path != NULL)
            pano_window_open_source (self, path);
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new (_("Open GIS Files"), GTK_WINDOW (widget),
                                 GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  GtkFileFilter *gis = gtk_file_filter_new ();
  GtkFileFilter *all = gtk_file_filter_new ();

  gtk_file_filter_set_name (gis, _("GIS files"));
  for (guint i = 0; gis_patterns[i]; i++)
    gtk_file_filter_add_pattern (gis, gis_patterns[i]);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), gis);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);

  g_signal_connect (dialog, "response", G_CALLBACK (on_open_response), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_source_response (AdwMessageDialog *dialog,
                    const char       *response,
                    PanoWindow       *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *source = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  if (g_str_equal (response, "add") && source[0] != '\0')
    pano_window_open_source (self, source);
}

static void
open_source_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (widget), _("Add a Data Source"),
                                              _("A PostGIS connection such as "
                                                "PG:host=db dbname=city user=viewer, an OGC API "
                                                "– Features address (OAPIF:https://…), or a WFS "
                                                "address (WFS:https://…)."));
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), "PG:host=… dbname=…");
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "add", _("_Add"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "add");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_source_response), widget);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
situation_report_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  pano_window_ask_report_file (PANO_WINDOW (widget));
}

static void
dismiss_banner_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  pano_window_dismiss_banner (PANO_WINDOW (widget));
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PanoWindow *self = PANO_WINDOW (widget);
  ShumateViewport *viewport = shumate_map_get_viewport (self->map);

  if (g_str_equal (action_name, "win.zoom-in"))
    shumate_map_zoom_in (self->map);
  else
    shumate_map_zoom_out (self->map);
  g_debug ("zoom %.2f", shumate_viewport_get_zoom_level (viewport));
}

void
pano_window_go_home (PanoWindow *self)
{
  shumate_map_center_on (self->map, PANO_HOME_LATITUDE, PANO_HOME_LONGITUDE);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (self->map), PANO_HOME_ZOOM);
}

static void
home_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  pano_window_go_home (PANO_WINDOW (widget));
}

static void
toggle_sidebar_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  PanoWindow *self = PANO_WINDOW (widget);

  adw_flap_set_reveal_flap (self->flap, !adw_flap_get_reveal_flap (self->flap));
}

/**
 * pano_window_new_desk:
 *
 * Opens a second window of the same application on the same hub with the same token and base
 * map, at a desk (not in wall mode): the wall keeps the map while the desk works the queue and
 * the card.
 *
 * Returns: (transfer none): the new window, presented
 */
PanoWindow *
pano_window_new_desk (PanoWindow *self)
{
  PanoWindow *desk = pano_window_new (gtk_window_get_application (GTK_WINDOW (self)));

  if (self->tile_url != NULL)
    pano_window_set_tile_url (desk, self->tile_url);
  pano_window_set_hub_ca_file (desk, self->hub_ca_file);
  pano_window_set_hub (desk, self->hub_url, self->hub_token);
  gtk_window_present (GTK_WINDOW (desk));
  return desk;
}

static void
new_window_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  pano_window_new_desk (PANO_WINDOW (widget));
}

void
pano_window_class_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.new-window", NULL, new_window_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-window", NULL);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-source", NULL, open_source_action);
  gtk_widget_class_install_action (widget_class, "win.situation-report", NULL,
                                   situation_report_action);
  gtk_widget_class_install_action (widget_class, "win.dismiss-banner", NULL,
                                   dismiss_banner_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.home", NULL, home_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL,
                                   toggle_sidebar_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.open-source", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "win.home", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-sidebar", NULL);
}
