// SPDX-License-Identifier: GPL-3.0-or-later
/* The oversight side of the window: the alert list (监测预警) with the header's signal while a
 * severe alert is unacknowledged, the KPI panel (绩效) of the current scope, the breadcrumb
 * (十堰市 › 区 › 街道 › 网格) whose level zooms the map and scopes the queue and the KPIs, and the
 * audit window (操作留痕) for administrators. The panels need the hub (pano_window_setup_panels);
 * the breadcrumb needs the base map's grid cells (pano_window_ensure_scope_bar). */
#define G_LOG_DOMAIN "panorama-app"

#include "pano-window-private.h"
#include "pano-alert-list.h"
#include "pano-audit-window.h"
#include "pano-kpi-panel.h"
#include "pano-mercator.h"
#include "pano-scope-bar.h"

#include <glib/gi18n.h>

/* ---- scope ---- */

static const char *
scope_name (PanoWindow *self,
            const char *prefix)
{
  PanoAdminTree *tree = self->scope_bar ? pano_scope_bar_get_tree (self->scope_bar) : NULL;
  const char *name = tree ? pano_admin_tree_get_name (tree, prefix) : NULL;

  return name ? name : prefix;
}

static void
zoom_to_scope (PanoWindow *self)
{
  PanoAdminTree *tree = pano_scope_bar_get_tree (self->scope_bar);
  double min_lon, min_lat, max_lon, max_lat;

  if (!pano_admin_tree_get_bounds (tree, self->scope ? self->scope : "", &min_lon, &min_lat,
                                   &max_lon, &max_lat))
    return;
  pano_layer_stack_zoom_to_extent (self->stack, (double[4]) {
    pano_mercator_x_from_lon (min_lon), pano_mercator_y_from_lat (max_lat),
    pano_mercator_x_from_lon (max_lon), pano_mercator_y_from_lat (min_lat) });
}

/* The queue and the KPIs follow the scope; "" is the whole city. */
static void
apply_scope (PanoWindow *self,
             const char *prefix)
{
  if (prefix != NULL && prefix[0] == '\0')
    prefix = NULL;
  if (g_strcmp0 (self->scope, prefix) == 0)
    return;
  g_free (self->scope);
  self->scope = g_strdup (prefix);
  if (self->queue != NULL)
    pano_incident_queue_set_scope (self->queue, prefix);
  if (self->kpi_panel != NULL)
    pano_kpi_panel_set_scope (self->kpi_panel, prefix ? prefix : "",
                              scope_name (self, prefix ? prefix : ""));
  pano_window_overview_follow_scope (self, scope_name (self, prefix ? prefix : ""));
}

static void
on_scope_bar_scope (PanoScopeBar *bar,
                    GParamSpec   *pspec,
                    PanoWindow   *self)
{
  apply_scope (self, pano_scope_bar_get_scope (bar));
  zoom_to_scope (self);
}

/* Scopes the queue and the KPIs to the area whose grid codes start with @prefix, and zooms the
 * map there; "" or %NULL for the whole city. */
void
pano_window_set_scope (PanoWindow *self,
                       const char *prefix)
{
  if (self->scope_bar != NULL)
    pano_scope_bar_set_scope (self->scope_bar, prefix ? prefix : "");
  else
    apply_scope (self, prefix);
}

const char *
pano_window_get_scope (PanoWindow *self)
{
  return self->scope ? self->scope : "";
}

/* The breadcrumb, once the base map's grid cells are there. */
void
pano_window_ensure_scope_bar (PanoWindow *self)
{
  PanoGisLayer *cells = self->base_map
                        ? pano_static_layer_find_gis_layer (self->base_map, "grid_cells")
                        : NULL;
  g_autoptr(PanoAdminTree) tree = NULL;

  if (self->scope_bar != NULL || cells == NULL)
    return;
  tree = pano_admin_tree_new (cells);
  self->scope_bar = PANO_SCOPE_BAR (pano_scope_bar_new (tree));
  gtk_box_append (self->scope_slot, GTK_WIDGET (self->scope_bar));
  gtk_widget_set_visible (GTK_WIDGET (self->scope_slot), TRUE);
  pano_scope_bar_set_scope (self->scope_bar, pano_window_get_scope (self));
  g_signal_connect_object (self->scope_bar, "notify::scope", G_CALLBACK (on_scope_bar_scope),
                           self, 0);
  if (self->kpi_panel != NULL)
    pano_kpi_panel_set_scope (self->kpi_panel, pano_window_get_scope (self),
                              scope_name (self, pano_window_get_scope (self)));
  pano_window_overview_follow_scope (self, scope_name (self, pano_window_get_scope (self)));
}

/* ---- alerts ---- */

static void
on_unacknowledged_top (PanoAlertList *list,
                       GParamSpec    *pspec,
                       PanoWindow    *self)
{
  guint n = pano_alert_list_get_n_unacknowledged_top (list);
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "%u severe alert not acknowledged",
                                                        "%u severe alerts not acknowledged", n),
                                           n);

  gtk_label_set_label (self->alert_label, text);
  gtk_widget_set_tooltip_text (self->alert_button, _("Show the alerts (Ctrl+L)"));
  gtk_widget_set_visible (self->alert_button, n > 0);
}

/* 转事件: the report dialog at the alert's place, filled from it. */
static void
on_escalate (PanoAlertList *list,
             const char    *alert,
             const char    *fields_json,
             PanoWindow    *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *fields;
  JsonArray *location;
  PanoReportDialog *dialog;

  if (!json_parser_load_from_data (parser, fields_json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  fields = json_node_get_object (json_parser_get_root (parser));
  location = json_object_get_array_member (fields, "location");
  if (location == NULL || json_array_get_length (location) != 2)
    {
      pano_window_notify (self, _("This alert has no place, so no incident can be made from it."),
                          FALSE);
      return;
    }
  dialog = pano_window_report_at (self, json_array_get_double_element (location, 0),
                                  json_array_get_double_element (location, 1));
  if (dialog == NULL)
    return;
  pano_report_dialog_prefill (dialog,
                              json_object_get_string_member_with_default (fields, "category", NULL),
                              json_object_get_int_member_with_default (fields, "severity", 0),
                              json_object_get_string_member_with_default (fields, "title", NULL),
                              json_object_get_string_member_with_default (fields, "description",
                                                                          NULL),
                              json_object_get_string_member_with_default (fields, "source", NULL),
                              alert);
}

static void
on_alert_open_incident (PanoAlertList *list,
                        const char    *incident,
                        PanoWindow    *self)
{
  pano_window_open_incident (self, incident);
}

/* ---- audit ---- */

static void
audit_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PanoWindow *self = PANO_WINDOW (widget);

  if (self->hub_client == NULL)
    return;
  gtk_window_present (GTK_WINDOW (pano_audit_window_new (GTK_WINDOW (self), self->hub_client)));
}

void
pano_window_class_install_panel_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.audit", NULL, audit_action);
}

/* ---- role ---- */

/* What the role the hub gave the token allows in the panels. */
void
pano_window_update_panels_role (PanoWindow *self,
                                gboolean    may_act,
                                const char *role)
{
  if (self->alert_list != NULL)
    pano_alert_list_set_actions_allowed (
      self->alert_list, may_act,
      may_act ? NULL : _("Your role may only view alerts: dispatchers and administrators "
                         "acknowledge them."));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.audit",
                                 self->hub_client != NULL && g_strcmp0 (role, "admin") == 0);
}

/* ---- set up and tear down ---- */

void
pano_window_setup_panels (PanoWindow *self)
{
  self->alert_list = PANO_ALERT_LIST (pano_alert_list_new (self->live_store, self->hub_client));
  gtk_widget_set_vexpand (GTK_WIDGET (self->alert_list), TRUE);
  gtk_box_append (self->alerts_page, GTK_WIDGET (self->alert_list));
  g_signal_connect_object (self->alert_list, "notify::n-unacknowledged-top",
                           G_CALLBACK (on_unacknowledged_top), self, 0);
  g_signal_connect_object (self->alert_list, "escalate", G_CALLBACK (on_escalate), self, 0);
  g_signal_connect_object (self->alert_list, "open-incident",
                           G_CALLBACK (on_alert_open_incident), self, 0);

  self->kpi_panel = PANO_KPI_PANEL (pano_kpi_panel_new (self->hub_client));
  gtk_widget_set_vexpand (GTK_WIDGET (self->kpi_panel), TRUE);
  gtk_box_append (self->kpi_page, GTK_WIDGET (self->kpi_panel));
  pano_kpi_panel_set_scope (self->kpi_panel, pano_window_get_scope (self),
                            scope_name (self, pano_window_get_scope (self)));
  pano_window_setup_overview (self);
  pano_window_ensure_scope_bar (self);
}

void
pano_window_clear_panels (PanoWindow *self)
{
  pano_window_clear_overview (self);
  if (self->alert_list != NULL)
    gtk_box_remove (self->alerts_page, GTK_WIDGET (self->alert_list));
  if (self->kpi_panel != NULL)
    gtk_box_remove (self->kpi_page, GTK_WIDGET (self->kpi_panel));
  self->alert_list = NULL;
  self->kpi_panel = NULL;
  if (self->alert_button != NULL)
    gtk_widget_set_visible (self->alert_button, FALSE);
}

PanoAlertList *
pano_window_get_alert_list (PanoWindow *self)
{
  return self->alert_list;
}

PanoKpiPanel *
pano_window_get_kpi_panel (PanoWindow *self)
{
  return self->kpi_panel;
}

/* The header's signal of an unacknowledged severe alert */
GtkWidget *
pano_window_get_alert_button (PanoWindow *self)
{
  return self->alert_button;
}

PanoScopeBar *
pano_window_get_scope_bar (PanoWindow *self)
{
  return self->scope_bar;
}
