// SPDX-License-Identifier: GPL-3.0-or-later
/* 总体态势 in the window: the overview panel as the first page of the operations pane (shown
 * on the wall), following the scope, and the alert ticker along the bottom edge of the map,
 * fed by the alert model (new active alerts) and the incident model (incidents the hub has
 * just marked overdue). Only what happens while the console runs reaches the ticker: an alert
 * raised, or a deadline passed, more than a minute before it started is history, not news. */
#define G_LOG_DOMAIN "panorama-app"

#include "pano-window-private.h"
#include "pano-alert-list.h"
#include "pano-alert-row.h"
#include "pano-overview-panel.h"
#include "pano-ticker.h"

#include <glib/gi18n.h>

#define NEWS_SLACK_MS (60 * 1000)
#define MAX_SEEN 4096

/* The ticker's colour: a level of unknown gravity as the mildest. */
static const char *
ticker_level (PanoAlertLevel level)
{
  return pano_alert_level_to_name (MAX (level, PANO_ALERT_LEVEL_NOTICE));
}

/* Remembers @key; FALSE if it was already known. The set is bounded: past MAX_SEEN it starts
 * again (an old alert seen again would then be announced once more, which is harmless). */
static gboolean
first_time (PanoWindow *self,
            char       *key)
{
  if (g_hash_table_size (self->ticker_seen) >= MAX_SEEN)
    g_hash_table_remove_all (self->ticker_seen);
  return g_hash_table_add (self->ticker_seen, key);
}

static void
announce_alert (PanoWindow      *self,
                PanoAlertRecord *record)
{
  const char *where = pano_alert_record_get_station_name (record);
  g_autofree char *measure = NULL;
  g_autofree char *text = NULL;
  gint64 raised = pano_alert_record_get_raised_ms (record);

  if (!pano_alert_record_is_active (record) ||
      !first_time (self, g_strconcat ("a:", pano_alert_record_get_id (record), NULL)) ||
      raised < self->ticker_since_ms - NEWS_SLACK_MS)
    return;
  measure = pano_alert_format_measure (record);
  /* Translators: ticker line of a new alert: level · station · "AQI 230, threshold 150" */
  text = g_strdup_printf (_("%s · %s · %s"),
                          pano_alert_format_level (pano_alert_record_get_level (record)),
                          where ? where : pano_alert_record_get_id (record), measure);
  pano_ticker_push (self->ticker, PANO_TICKER_ALERT, pano_alert_record_get_id (record),
                    ticker_level (pano_alert_record_get_level (record)), text, raised);
}

static void
on_alerts_changed (GListModel *model,
                   guint       position,
                   guint       removed,
                   guint       added,
                   PanoWindow *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(PanoAlertRecord) record = g_list_model_get_item (model, i);

      announce_alert (self, record);
    }
}

static void
announce_incident (PanoWindow         *self,
                   PanoIncidentRecord *record)
{
  gint64 deadline = pano_incident_record_get_deadline_ms (record);
  g_autofree char *text = NULL;

  if (!pano_incident_record_get_overdue (record) || pano_incident_record_is_final (record) ||
      !first_time (self, g_strconcat ("i:", pano_incident_record_get_id (record), NULL)) ||
      (deadline != 0 && deadline < self->ticker_since_ms - NEWS_SLACK_MS))
    return;
  /* Translators: ticker line of an incident that ran past its deadline: id · title */
  text = g_strdup_printf (_("Overdue · %s · %s"), pano_incident_record_get_id (record),
                          pano_incident_record_get_title (record)
                          ? pano_incident_record_get_title (record) : "");
  pano_ticker_push (self->ticker, PANO_TICKER_INCIDENT, pano_incident_record_get_id (record),
                    "overdue", text, deadline ? deadline : g_get_real_time () / 1000);
}

static void
on_incidents_changed (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      PanoWindow *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(PanoIncidentRecord) record = g_list_model_get_item (model, i);

      announce_incident (self, record);
    }
}

static void
on_ticker_activate (PanoTicker *ticker,
                    int         kind,
                    const char *id,
                    PanoWindow *self)
{
  PanoAlertModel *alerts = self->alert_list ? pano_alert_list_get_model (self->alert_list) : NULL;
  PanoAlertRecord *alert = alerts ? pano_alert_model_lookup (alerts, id) : NULL;
  double lon, lat;

  if (kind == PANO_TICKER_INCIDENT && self->incidents != NULL &&
      pano_incident_model_lookup (self->incidents, id) != NULL)
    {
      pano_window_open_incident (self, id);
      return;
    }
  if (kind != PANO_TICKER_ALERT || alert == NULL)
    {
      pano_window_notify (self, _("That is no longer on the hub."), FALSE);
      return;
    }
  adw_view_stack_set_visible_child_name (self->ops_stack, "alerts");
  adw_flap_set_reveal_flap (self->ops_flap, TRUE);
  if (pano_alert_record_get_location (alert, &lon, &lat))
    shumate_map_center_on (self->map, lat, lon);
}

/* ---- set up and tear down ---- */

void
pano_window_setup_overview (PanoWindow *self)
{
  GtkWidget *map_column = gtk_widget_get_parent (self->map_overlay);

  self->overview_panel = PANO_OVERVIEW_PANEL (pano_overview_panel_new (self->hub_client));
  gtk_widget_set_vexpand (GTK_WIDGET (self->overview_panel), TRUE);
  gtk_box_append (self->overview_page, GTK_WIDGET (self->overview_panel));
  pano_window_overview_follow_scope (self, NULL);
  /* The desk opens on the queue, where the work is; the wall on the overview. */
  adw_view_stack_set_visible_child_name (self->ops_stack, self->wall ? "overview" : "incidents");

  self->ticker = PANO_TICKER (pano_ticker_new ());
  gtk_box_append (GTK_BOX (map_column), GTK_WIDGET (self->ticker));
  g_signal_connect_object (self->ticker, "activate", G_CALLBACK (on_ticker_activate), self, 0);
  self->ticker_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->ticker_since_ms = g_get_real_time () / 1000;
  g_signal_connect_object (pano_alert_list_get_model (self->alert_list), "items-changed",
                           G_CALLBACK (on_alerts_changed), self, 0);
  g_signal_connect_object (self->incidents, "items-changed", G_CALLBACK (on_incidents_changed),
                           self, 0);
}

void
pano_window_clear_overview (PanoWindow *self)
{
  if (self->overview_panel != NULL)
    gtk_box_remove (self->overview_page, GTK_WIDGET (self->overview_panel));
  if (self->ticker != NULL)
    gtk_box_remove (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->ticker))),
                    GTK_WIDGET (self->ticker));
  if (self->alert_list != NULL)
    g_signal_handlers_disconnect_by_data (pano_alert_list_get_model (self->alert_list), self);
  if (self->incidents != NULL)
    g_signal_handlers_disconnect_by_func (self->incidents, on_incidents_changed, self);
  self->overview_panel = NULL;
  self->ticker = NULL;
  g_clear_pointer (&self->ticker_seen, g_hash_table_unref);
}

/* The panel follows the window's scope; @name is the area's name, %NULL for its code. */
void
pano_window_overview_follow_scope (PanoWindow *self,
                                   const char *name)
{
  if (self->overview_panel != NULL)
    pano_overview_panel_set_scope (self->overview_panel, pano_window_get_scope (self), name);
}

/* The wall shows the overview in the operations pane. */
void
pano_window_show_overview (PanoWindow *self)
{
  if (self->overview_panel == NULL)
    return;
  adw_view_stack_set_visible_child_name (self->ops_stack, "overview");
  adw_flap_set_reveal_flap (self->ops_flap, TRUE);
}

PanoOverviewPanel *
pano_window_get_overview_panel (PanoWindow *self)
{
  return self->overview_panel;
}

PanoTicker *
pano_window_get_ticker (PanoWindow *self)
{
  return self->ticker;
}

static void
show_overview_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  pano_window_show_overview (PANO_WINDOW (widget));
}

void
pano_window_class_install_overview_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.show-overview", NULL,
                                   show_overview_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK,
                                       "win.show-overview", NULL);
}
