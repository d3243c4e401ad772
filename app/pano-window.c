// SPDX-License-Identifier: GPL-3.0-or-later
/* The console window: the map with its layer stack, the sidebar (layer list, feature
 * attributes), loading progress, the tile-server banner and toasts for what went wrong. */
#define G_LOG_DOMAIN "panorama-app"

#include "pano-window.h"
#include "pano-window-private.h"
#include "pano-export.h"

#include <glib/gi18n.h>

G_DEFINE_FINAL_TYPE (PanoWindow, pano_window, ADW_TYPE_APPLICATION_WINDOW)

/* Returns: (transfer none): the toast, to dismiss it early */
AdwToast *
pano_window_notify (PanoWindow *self,
                    const char *message,
                    gboolean    sticky)
{
  AdwToast *toast = adw_toast_new (message);

  g_message ("%s", message);
  g_free (self->last_message);
  self->last_message = g_strdup (message);
  adw_toast_set_timeout (toast, sticky ? 0 : 5);
  adw_toast_set_priority (toast, sticky ? ADW_TOAST_PRIORITY_HIGH : ADW_TOAST_PRIORITY_NORMAL);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  return toast;
}

static void
update_banner (PanoWindow *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < PANO_N_BANNERS; i++)
    if (self->banners[i] != NULL && g_strcmp0 (self->banners[i], self->dismissed[i]) != 0)
      g_string_append_printf (text, "%s%s", text->len ? "\n" : "", self->banners[i]);
  if (text->len > 0)
    gtk_label_set_label (self->banner_label, text->str);
  gtk_revealer_set_reveal_child (self->banner_revealer, text->len > 0);
}

/**
 * pano_window_set_banner:
 * @message: (nullable): what @owner has to say, %NULL when it has nothing any more
 *
 * The banner shows every owner's message, one line each.
 */
void
pano_window_set_banner (PanoWindow      *self,
                        PanoBannerOwner  owner,
                        const char      *message)
{
  if (g_strcmp0 (self->banners[owner], message) == 0)
    return;
  g_free (self->banners[owner]);
  self->banners[owner] = g_strdup (message);
  if (message == NULL)
    g_clear_pointer (&self->dismissed[owner], g_free);
  update_banner (self);
}

/* A message of no particular owner (%NULL clears it). */
void
pano_window_show_banner (PanoWindow *self,
                         const char *message)
{
  pano_window_set_banner (self, PANO_BANNER_OTHER, message);
}

/* Hides what the banner says now; a new or changed message shows it again. */
void
pano_window_dismiss_banner (PanoWindow *self)
{
  for (guint i = 0; i < PANO_N_BANNERS; i++)
    {
      g_free (self->dismissed[i]);
      self->dismissed[i] = g_strdup (self->banners[i]);
    }
  update_banner (self);
}

/* The offline base map shows unless a --tiles URL replaces it, and again while that fails. */
void
pano_window_update_base_map (PanoWindow *self)
{
  if (self->base_map)
    pano_static_layer_set_visible (self->base_map, !self->hide_base_map || self->tiles_failing);
}

/* Returns: (nullable): the banner's text while it is shown */
const char *
pano_window_get_banner (PanoWindow *self)
{
  return gtk_revealer_get_reveal_child (self->banner_revealer)
         ? gtk_label_get_label (self->banner_label) : NULL;
}

const char *
pano_window_get_last_message (PanoWindow *self)
{
  return self->last_message;
}

void
pano_window_add_gis_layer (PanoWindow   *self,
                           PanoGisLayer *layer)
{
  g_autoptr(PanoStaticLayer) item = NULL;
  PanoColor c;

  pano_style_palette_color (self->n_user_layers++, &c);
  item = pano_static_layer_new_for_gis_layer (layer,
                                              &(GdkRGBA) { c.red, c.green, c.blue, c.alpha });

  pano_layer_stack_add (self->stack, item);
}

static void
on_base_map_loaded (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(PanoWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) layers = pano_base_map_load_finish (result, &error);

  if (self->stack == NULL)   /* the window closed meanwhile */
    return;
  if (layers == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message =
            g_strdup_printf (_("The offline base map could not be loaded: %s"), error->message);
          pano_window_notify (self, message, TRUE);
        }
      return;
    }

  self->base_map = g_object_ref (g_ptr_array_index (layers, 0));
  pano_static_layer_set_label_scale (self->base_map, pano_window_get_scale (self));
  pano_window_update_base_map (self);
  /* Under the user's layers, whatever was opened while the base was still loading; the
   * array is bottom first, and each add_bottom goes under the previous one. */
  for (guint i = 0; i < layers->len; i++)
    pano_layer_stack_add_bottom (self->stack, g_ptr_array_index (layers, layers->len - 1 - i));
  self->base_loaded = TRUE;
  pano_window_ensure_choropleth (self);
  pano_window_ensure_scope_bar (self);
}

static void
on_map_clicked (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                PanoWindow      *self)
{
  if (n_press == 1)
    pano_window_select_at (self, x, y);
}

/* Shows the attributes of the feature at widget point (@x, @y). Returns: whether one was hit */
gboolean
pano_window_select_at (PanoWindow *self,
                       double      x,
                       double      y)
{
  PanoStaticLayer *hit_static = NULL;
  PanoGisLayer *hit_layer = NULL;
  int feature;

  /* Live entities lie over the static layers, so they are hit first. */
  if (pano_window_select_live_at (self, x, y))
    {
      g_clear_object (&self->shown_static);
      return TRUE;
    }
  feature = pano_layer_stack_hit_test (self->stack, x, y, &hit_static, &hit_layer);
  g_clear_object (&self->shown_static);
  if (feature < 0)
    {
      pano_feature_panel_clear (self->feature_panel);
      return FALSE;
    }
  self->shown_static = g_object_ref (hit_static);
  pano_feature_panel_show_feature (self->feature_panel, hit_layer, feature);
  pano_window_show_attributes (self);
  return TRUE;
}

/* A layer removed takes its feature out of the side panel with it. */
static void
on_layers_changed (GListModel *model,
                   guint       position,
                   guint       removed,
                   guint       added,
                   PanoWindow *self)
{
  if (self->shown_static == NULL || removed == 0)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PanoStaticLayer) layer = g_list_model_get_item (model, i);

      if (layer == self->shown_static)
        return;
    }
  g_clear_object (&self->shown_static);
  pano_feature_panel_clear (self->feature_panel);
}

/* Shows the attributes page of the sidebar, as after a click on a feature. */
void
pano_window_show_attributes (PanoWindow *self)
{
  adw_view_stack_set_visible_child_name (self->side_stack, "attributes");
  adw_flap_set_reveal_flap (self->flap, TRUE);
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         PanoWindow    *self)
{
  GSList *files = g_value_get_boxed (value);

  for (GSList *l = files; l != NULL; l = l->next)
    {
      g_autofree char *path = g_file_get_path (l->data);

      if (path != NULL)
        pano_window_open_source (self, path);
    }
  return files != NULL;
}

static void
setup_map (PanoWindow *self)
{
  ShumateViewport *viewport = shumate_map_get_viewport (self->map);
  g_autoptr(PanoTileRenderer) empty = pano_tile_renderer_new ();
  g_autoptr(PanoTileSource) reference = pano_tile_source_new ("reference", empty);
  GtkGesture *click = gtk_gesture_click_new ();
  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  shumate_viewport_set_reference_map_source (viewport, SHUMATE_MAP_SOURCE (reference));
  shumate_viewport_set_min_zoom_level (viewport, PANO_MIN_ZOOM);
  shumate_viewport_set_max_zoom_level (viewport, PANO_MAX_ZOOM);
  shumate_scale_set_viewport (self->scale, viewport);
  pano_window_go_home (self);

  g_signal_connect (click, "released", G_CALLBACK (on_map_clicked), self);
  gtk_widget_add_controller (GTK_WIDGET (self->map), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

/* A desk in a command centre gives the console its whole screen: it opens as large as the
 * first monitor (the template's size is the fallback without one). */
static void
fill_monitor (PanoWindow *self)
{
  GListModel *monitors = gdk_display_get_monitors (gtk_widget_get_display (GTK_WIDGET (self)));
  g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, 0);
  GdkRectangle area;

  if (monitor == NULL)
    return;
  gdk_monitor_get_geometry (monitor, &area);
  if (area.width >= 1024 && area.height >= 700)
    gtk_window_set_default_size (GTK_WINDOW (self), area.width, area.height);
}

static void
pano_window_dispose (GObject *object)
{
  PanoWindow *self = (PanoWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  pano_window_clear_tour (self);
  pano_window_clear_wall (self);
  pano_window_clear_command (self);
  pano_window_leave_replay (self);
  pano_window_clear_live (self);
  if (self->map_menu != NULL)
    gtk_widget_unparent (g_steal_pointer (&self->map_menu));
  if (self->layer_list)
    pano_layer_list_set_stack (self->layer_list, NULL);
  g_clear_object (&self->stack);
  g_clear_object (&self->base_map);
  g_clear_object (&self->shown_static);
  g_clear_object (&self->online);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->last_message, g_free);
  g_clear_pointer (&self->scope, g_free);
  g_clear_pointer (&self->tile_url, g_free);
  self->scope_bar = NULL;   /* owned by scope_slot */
  for (guint i = 0; i < PANO_N_BANNERS; i++)
    {
      g_clear_pointer (&self->banners[i], g_free);
      g_clear_pointer (&self->dismissed[i], g_free);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), PANO_TYPE_WINDOW);

  G_OBJECT_CLASS (pano_window_parent_class)->dispose (object);
}

static void
pano_window_class_init (PanoWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pano_window_dispose;

  g_type_ensure (PANO_TYPE_LAYER_LIST);
  g_type_ensure (PANO_TYPE_FEATURE_PANEL);
  g_type_ensure (PANO_TYPE_INCIDENT_QUEUE);
  g_type_ensure (PANO_TYPE_INCIDENT_CARD);
  g_type_ensure (SHUMATE_TYPE_MAP);
  g_type_ensure (SHUMATE_TYPE_SCALE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/panorama/Panorama/ui/pano-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, layer_list);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, feature_panel);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, map);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, map_overlay);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, loads_box);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, scale);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, feed_status);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, live_box);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, live_empty);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, live_list);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, feed_label);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, side_stack);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, ops_flap);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, ops_button);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, ops_stack);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, incident_stack);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, queue);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, card);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, alerts_page);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, kpi_page);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, overview_page);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, scope_slot);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, alert_button);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, alert_label);
  gtk_widget_class_bind_template_child (widget_class, PanoWindow, header_bar);

  pano_window_class_install_actions (widget_class);
  pano_window_class_install_incident_actions (widget_class);
  pano_window_class_install_panel_actions (widget_class);
  pano_window_class_install_wall_actions (widget_class);
  pano_window_class_install_overview_actions (widget_class);
  pano_window_class_install_tour_actions (widget_class);
  pano_window_class_install_command_actions (widget_class);
  pano_window_class_install_replay_actions (widget_class);
}

static void
pano_window_init (PanoWindow *self)
{
  g_autofree char *data_dir = pano_base_map_find_data_dir ();
  g_autofree char *tile_url = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  fill_monitor (self);

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (PANO_APP_ID);
  self->stack = pano_layer_stack_new (self->map);
  pano_layer_list_set_stack (self->layer_list, self->stack);
  g_signal_connect_object (pano_layer_stack_get_model (self->stack), "items-changed",
                           G_CALLBACK (on_layers_changed), self, 0);
  setup_map (self);
  pano_window_setup_wall (self);
  pano_window_setup_tour (self);
  pano_window_setup_command (self);

  pano_base_map_load_async (data_dir, self->cancellable, on_base_map_loaded,
                            g_object_ref (self));
  tile_url = g_settings_get_string (self->settings, "tile-url");
  pano_window_set_tile_url (self, tile_url);
}

PanoWindow *
pano_window_new (GtkApplication *application)
{
  return g_object_new (PANO_TYPE_WINDOW, "application", application, NULL);
}

PanoLayerStack *
pano_window_get_layer_stack (PanoWindow *self)
{
  return self->stack;
}

PanoLayerList *
pano_window_get_layer_list (PanoWindow *self)
{
  return self->layer_list;
}

PanoFeaturePanel *
pano_window_get_feature_panel (PanoWindow *self)
{
  return self->feature_panel;
}

ShumateMap *
pano_window_get_map (PanoWindow *self)
{
  return self->map;
}

guint
pano_window_get_n_loading (PanoWindow *self)
{
  return self->n_loading + (self->base_loaded ? 0 : 1);
}
