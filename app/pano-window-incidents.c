// SPDX-License-Identifier: GPL-3.0-or-later
/* The operator side of the window (事件管理): the incident queue and card in the right-hand
 * pane, reading one PanoIncidentModel; reports from the map (right-click, Ctrl+R); the focus
 * on an open incident (the others faded, the routes of its units drawn); choosing a scope
 * from the map's menu or the card's grid path (pano-window-panels.c applies it); and the role
 * the hub gave the token, which decides what may be done. Commands go out through one PanoHubClient, resent after a reconnect. */
#define G_LOG_DOMAIN "panorama-app"

#include "pano-window-private.h"
#include "pano-format.h"
#include "pano-scope-bar.h"

#include <glib/gi18n.h>

#define FOCUS_ZOOM 15.0

/* ---- role and connection ---- */

static gboolean
role_may_act (const char *role)
{
  return g_strcmp0 (role, "dispatcher") == 0 || g_strcmp0 (role, "admin") == 0;
}

/* Returns: (nullable): the role the hub gave the token, once welcomed */
const char *
pano_window_get_role (PanoWindow *self)
{
  return self->feed ? pano_feed_client_get_role (self->feed) : NULL;
}

/* What the operator may do now: the hub's role, but only what a viewer may during 复盘 — the
 * past cannot be acted on, and a card of the past must not send commands to the present. */
void
pano_window_update_role (PanoWindow *self)
{
  const char *role = self->replay != NULL ? "viewer" : pano_window_get_role (self);

  pano_incident_queue_set_may_act (self->queue, role_may_act (role));
  pano_incident_card_set_role (self->card, role);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.report",
                                 role_may_act (role) && self->categories != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.report-at",
                                 role_may_act (role) && self->categories != NULL);
  pano_window_update_panels_role (self, role_may_act (role), role);
}

static void
on_categories (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PanoWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = pano_hub_client_get_finish (PANO_HUB_CLIENT (source), result,
                                                             &error);
  JsonArray *list = answer ? json_object_get_array_member (answer, "categories") : NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  if (self->hub_client == NULL)
    return;
  if (list == NULL)
    {
      g_debug ("Categories not read: %s", error ? error->message : "no list");
      return;
    }
  for (guint i = 0; i < json_array_get_length (list); i++)
    g_strv_builder_add (names, json_object_get_string_member_with_default (
                                 json_array_get_object_element (list, i), "name", "?"));
  g_strfreev (self->categories);
  self->categories = g_strv_builder_end (names);
  pano_incident_queue_set_categories (self->queue, (const char * const *) self->categories);
  pano_window_update_role (self);
}

static void
on_feed_state (PanoFeedClient *feed,
               GParamSpec     *pspec,
               PanoWindow     *self)
{
  pano_window_update_role (self);
  if (pano_feed_client_get_state (feed) != PANO_FEED_CONNECTED)
    return;
  /* The hub is back: what waited for an answer goes again now, with the same keys. */
  pano_hub_client_retry_now (self->hub_client);
  if (self->categories == NULL)
    pano_hub_client_get_async (self->hub_client, "/v1/categories", self->cancellable,
                               on_categories, g_object_ref (self));
}

static gboolean
on_incidents_tick (gpointer user_data)
{
  PanoWindow *self = user_data;

  pano_incident_model_tick (self->incidents, g_get_real_time () / 1000);
  return G_SOURCE_CONTINUE;
}

/* ---- the open incident ---- */

static PanoLiveMapLayer *
find_live_layer (PanoWindow *self,
                 const char *name)
{
  for (guint i = 0; self->live_layers && i < self->live_layers->len; i++)
    if (g_str_equal (pano_live_map_layer_get_layer (self->live_layers->pdata[i]), name))
      return self->live_layers->pdata[i];
  return NULL;
}

static void
focus_map (PanoWindow         *self,
           PanoIncidentRecord *record)
{
  PanoLiveMapLayer *incidents = find_live_layer (self, "incidents");
  ShumateViewport *viewport = shumate_map_get_viewport (self->map);
  double lon, lat;

  pano_live_map_layer_select (incidents, record ? pano_incident_record_get_id (record) : NULL);
  pano_live_map_layer_set_dim_others (incidents, record != NULL);
  if (record == NULL || !pano_incident_record_get_location (record, &lon, &lat))
    {
      pano_route_layer_set_focus (self->routes, FALSE, 0, 0);
      return;
    }
  pano_route_layer_set_focus (self->routes, TRUE, lon, lat);
  shumate_map_center_on (self->map, lat, lon);
  if (shumate_viewport_get_zoom_level (viewport) < FOCUS_ZOOM)
    shumate_viewport_set_zoom_level (viewport, FOCUS_ZOOM);
}

static void
on_routes_changed (PanoIncidentCard *card,
                   PanoWindow       *self)
{
  GPtrArray *routes = pano_incident_card_get_routes (card);

  pano_route_layer_clear (self->routes);
  for (guint i = 0; i < routes->len; i++)
    {
      PanoRoute *route = routes->pdata[i];

      pano_route_layer_add (self->routes, (const double *) route->lonlat->data,
                            route->lonlat->len / 2, route->assigned);
    }
}

/* Opens the card of @incident in the operations pane and focuses the map on it. */
void
pano_window_open_incident (PanoWindow *self,
                           const char *incident)
{
  PanoIncidentRecord *record;

  g_return_if_fail (self->incidents != NULL);
  if (self->base_map != NULL)
    pano_incident_card_set_facilities (self->card,
                                       pano_static_layer_find_gis_layer (self->base_map,
                                                                         "facilities"));
  pano_incident_card_show (self->card, incident);
  gtk_stack_set_visible_child_name (self->incident_stack, "card");
  adw_view_stack_set_visible_child_name (self->ops_stack, "incidents");
  adw_flap_set_reveal_flap (self->ops_flap, TRUE);
  record = pano_incident_model_lookup (self->incidents, incident);
  focus_map (self, record);
  gtk_widget_grab_focus (GTK_WIDGET (self->card));
}

/* Back to the queue: the map shows every incident again. */
void
pano_window_close_incident (PanoWindow *self)
{
  pano_incident_card_show (self->card, NULL);
  gtk_stack_set_visible_child_name (self->incident_stack, "queue");
  focus_map (self, NULL);
  pano_route_layer_clear (self->routes);
  gtk_widget_grab_focus (GTK_WIDGET (self->queue));
}

static void
on_queue_open (PanoIncidentQueue  *queue,
               PanoIncidentRecord *record,
               PanoWindow         *self)
{
  pano_window_open_incident (self, pano_incident_record_get_id (record));
}

static void
on_card_open (PanoIncidentCard *card,
              const char       *incident,
              PanoWindow       *self)
{
  pano_window_open_incident (self, incident);
}

static void
on_card_back (PanoIncidentCard *card,
              PanoWindow       *self)
{
  pano_window_close_incident (self);
}

/* ---- drill-down from the card ---- */

static void
on_card_scope (PanoIncidentCard *card,
               const char       *prefix,
               PanoWindow       *self)
{
  pano_window_set_scope (self, prefix);
}

/* Returns: (transfer full) (nullable): the area at @level that contains a point */
static char *
locate (PanoWindow *self,
        double      lon,
        double      lat,
        guint       level)
{
  PanoAdminTree *tree = self->scope_bar ? pano_scope_bar_get_tree (self->scope_bar) : NULL;

  return tree ? pano_admin_tree_locate (tree, lon, lat, level) : NULL;
}

/* ---- reporting ---- */

static void
on_reported (PanoReportDialog *dialog,
             const char       *incident,
             PanoWindow       *self)
{
  g_autofree char *message = g_strdup_printf (_("Reported as %s."), incident);

  pano_window_notify (self, message, FALSE);
  if (incident != NULL && self->incidents != NULL)
    pano_incident_queue_set_tab (self->queue, PANO_QUEUE_ALL);
}

/* Returns: (transfer none) (nullable): the report dialog for a point, already shown */
PanoReportDialog *
pano_window_report_at (PanoWindow *self,
                       double      lon,
                       double      lat)
{
  g_autoptr(GString) where = g_string_new (NULL);
  PanoReportDialog *dialog;

  if (self->hub_client == NULL || self->categories == NULL)
    return NULL;
  /* 市 › 区 › 街道 › 网格, the path the hub will give it */
  for (guint level = PANO_ADMIN_LEVEL_CITY; level <= PANO_ADMIN_LEVEL_CELL; level++)
    {
      g_autofree char *prefix = locate (self, lon, lat, level);

      if (prefix == NULL)
        break;
      g_string_append_printf (where, "%s%s", level > PANO_ADMIN_LEVEL_CITY ? " › " : "",
                              pano_admin_tree_get_name (pano_scope_bar_get_tree (self->scope_bar),
                                                        prefix));
    }
  if (where->len == 0)
    g_string_assign (where, _("Outside the grid: the incident will have no grid cell."));
  dialog = pano_report_dialog_new (GTK_WINDOW (self), self->hub_client,
                                   (const char * const *) self->categories, lon, lat,
                                   where->str);
  g_signal_connect_object (dialog, "reported", G_CALLBACK (on_reported), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
report_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PanoWindow *self = PANO_WINDOW (widget);
  ShumateViewport *viewport = shumate_map_get_viewport (self->map);
  double lon, lat;

  if (parameter != NULL)
    g_variant_get (parameter, "(dd)", &lon, &lat);
  else
    {
      lon = shumate_location_get_longitude (SHUMATE_LOCATION (viewport));
      lat = shumate_location_get_latitude (SHUMATE_LOCATION (viewport));
    }
  pano_window_report_at (self, lon, lat);
}

static void
scope_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  pano_window_set_scope (PANO_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* The right-click menu: report here, or scope to the district, street or cell here. */
static GMenuModel *
build_map_menu (PanoWindow *self,
                double      lon,
                double      lat)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) scopes = g_menu_new ();
  g_autoptr(GMenuItem) report = g_menu_item_new (_("Report an Incident Here…"), NULL);

  g_menu_item_set_action_and_target_value (report, "win.report-at",
                                           g_variant_new ("(dd)", lon, lat));
  g_menu_append_item (menu, report);
  for (guint level = PANO_ADMIN_LEVEL_DISTRICT; level <= PANO_ADMIN_LEVEL_CELL; level++)
    {
      g_autofree char *prefix = locate (self, lon, lat, level);
      g_autofree char *label = NULL;
      g_autoptr(GMenuItem) item = NULL;

      if (prefix == NULL)
        break;
      label = g_strdup_printf (_("Scope to %s"),
                               pano_admin_tree_get_name (pano_scope_bar_get_tree (self->scope_bar),
                                                         prefix));
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target_value (item, "win.scope", g_variant_new_string (prefix));
      g_menu_append_item (scopes, item);
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (scopes));
  return G_MENU_MODEL (menu);
}

static void
on_map_secondary (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  PanoWindow      *self)
{
  ShumateViewport *viewport = shumate_map_get_viewport (self->map);
  g_autoptr(GMenuModel) model = NULL;
  double lat, lon, ox, oy;

  if (self->hub_client == NULL)
    return;
  shumate_viewport_widget_coords_to_location (viewport, GTK_WIDGET (self->map), x, y, &lat, &lon);
  model = build_map_menu (self, lon, lat);
  if (self->map_menu == NULL)
    {
      self->map_menu = gtk_popover_menu_new_from_model (NULL);
      gtk_widget_set_parent (self->map_menu, self->map_overlay);
      gtk_popover_set_has_arrow (GTK_POPOVER (self->map_menu), FALSE);
    }
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->map_menu), model);
  gtk_widget_translate_coordinates (GTK_WIDGET (self->map), self->map_overlay, x, y, &ox, &oy);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->map_menu),
                               &(GdkRectangle) { (int) ox, (int) oy, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->map_menu));
}

/* ---- the operations pane ---- */

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PanoWindow *self = PANO_WINDOW (widget);
  const char *page = strchr (action_name, '-') + 1;

  adw_view_stack_set_visible_child_name (self->ops_stack, page);
  adw_flap_set_reveal_flap (self->ops_flap, TRUE);
  if (g_str_equal (page, "incidents") &&
      g_str_equal (gtk_stack_get_visible_child_name (self->incident_stack), "queue"))
    gtk_widget_grab_focus (GTK_WIDGET (self->queue));
}

static void
toggle_ops_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  PanoWindow *self = PANO_WINDOW (widget);

  adw_flap_set_reveal_flap (self->ops_flap, !adw_flap_get_reveal_flap (self->ops_flap));
}

void
pano_window_class_install_incident_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.report", NULL, report_action);
  gtk_widget_class_install_action (widget_class, "win.report-at", "(dd)", report_action);
  gtk_widget_class_install_action (widget_class, "win.scope", "s", scope_action);
  gtk_widget_class_install_action (widget_class, "win.show-incidents", NULL, show_page_action);
  gtk_widget_class_install_action (widget_class, "win.show-alerts", NULL, show_page_action);
  gtk_widget_class_install_action (widget_class, "win.show-kpis", NULL, show_page_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-ops", NULL, toggle_ops_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.report",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK,
                                       "win.show-incidents", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK,
                                       "win.show-alerts", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, GDK_CONTROL_MASK,
                                       "win.show-kpis", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F8, 0, "win.toggle-ops", NULL);
}

/* ---- set up and tear down ---- */

static void
connect_widgets (PanoWindow *self)
{
  GtkGesture *secondary = gtk_gesture_click_new ();

  g_signal_connect_object (self->queue, "open", G_CALLBACK (on_queue_open), self, 0);
  g_signal_connect_object (self->card, "back", G_CALLBACK (on_card_back), self, 0);
  g_signal_connect_object (self->card, "open", G_CALLBACK (on_card_open), self, 0);
  g_signal_connect_object (self->card, "scope", G_CALLBACK (on_card_scope), self, 0);
  g_signal_connect_object (self->card, "routes-changed", G_CALLBACK (on_routes_changed), self,
                           0);
  g_signal_connect_object (self->feed, "notify::state", G_CALLBACK (on_feed_state), self, 0);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (secondary), GDK_BUTTON_SECONDARY);
  g_signal_connect (secondary, "pressed", G_CALLBACK (on_map_secondary), self);
  gtk_widget_add_controller (GTK_WIDGET (self->map), GTK_EVENT_CONTROLLER (secondary));
}

/* Called once the live store and the feed exist (pano_window_set_hub). */
void
pano_window_setup_incidents (PanoWindow *self,
                             const char *url,
                             const char *token)
{
  self->hub_client = pano_hub_client_new (url, token);
  self->incidents = pano_incident_model_new (self->live_store);
  self->routes = pano_route_layer_new (shumate_map_get_viewport (self->map));
  shumate_map_insert_layer_above (self->map, SHUMATE_LAYER (self->routes),
                                  g_ptr_array_index (self->live_layers, 0));
  pano_incident_queue_set_model (self->queue, self->incidents);
  pano_incident_card_set_context (self->card, self->incidents, self->hub_client,
                                  self->live_store);
  connect_widgets (self);
  pano_window_setup_panels (self);
  gtk_widget_set_visible (self->ops_button, TRUE);
  adw_flap_set_reveal_flap (self->ops_flap, TRUE);
  self->incidents_tick_id = g_timeout_add_seconds (1, on_incidents_tick, self);
  pano_window_update_role (self);
}

void
pano_window_clear_incidents (PanoWindow *self)
{
  g_clear_handle_id (&self->incidents_tick_id, g_source_remove);
  if (self->queue != NULL)
    pano_incident_queue_set_model (self->queue, NULL);
  if (self->card != NULL)
    {
      pano_incident_card_show (self->card, NULL);
      pano_incident_card_set_context (self->card, NULL, NULL, NULL);
    }
  pano_window_clear_panels (self);
  g_clear_object (&self->incidents);
  g_clear_object (&self->hub_client);
  g_clear_pointer (&self->categories, g_strfreev);
  self->routes = NULL;   /* owned by the map */
}

PanoIncidentQueue *
pano_window_get_queue (PanoWindow *self)
{
  return self->queue;
}

PanoIncidentCard *
pano_window_get_card (PanoWindow *self)
{
  return self->card;
}

/* Returns: (transfer none) (nullable): the hub's REST client while subscribed */
PanoHubClient *
pano_window_get_hub_client (PanoWindow *self)
{
  return self->hub_client;
}

/* Returns: whether reports can be made: the hub is known and its categories read */
gboolean
pano_window_can_report (PanoWindow *self)
{
  return self->hub_client != NULL && self->categories != NULL;
}

guint
pano_window_get_n_routes (PanoWindow *self)
{
  return self->routes ? pano_route_layer_get_n_routes (self->routes) : 0;
}
