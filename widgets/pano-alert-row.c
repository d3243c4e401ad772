// SPDX-License-Identifier: GPL-3.0-or-later
/* One alert in the alert list: its level in words and icon (not colour alone), the station,
 * when it was raised, the measured value against its threshold with units, and either who
 * acknowledged it and when, or the Acknowledge button with the state of the operator's
 * command (pending, refused in words); then Create incident, or the incident that escalates
 * it. Rows are recycled by the list view: everything shown comes from pano_alert_row_show(). */
#define G_LOG_DOMAIN "panorama-alerts"

#include "pano-alert-row.h"

#include <glib/gi18n-lib.h>
#include <math.h>

struct _PanoAlertRow
{
  GtkBox parent_instance;

  GtkWidget *level_badge;
  GtkImage *level_icon;
  GtkLabel *level_label;
  GtkLabel *station_label;
  GtkLabel *time_label;
  GtkLabel *measure_label;
  GtkLabel *state_label;
  GtkLabel *message_label;
  GtkSpinner *spinner;
  GtkButton *acknowledge_button;
  GtkButton *incident_button;

  PanoAlertRecord *record;
};

G_DEFINE_FINAL_TYPE (PanoAlertRow, pano_alert_row, GTK_TYPE_BOX)

static const char *const level_classes[] = {
  "pano-alert-unknown", "pano-alert-notice", "pano-alert-warning", "pano-alert-severe",
  "pano-alert-critical", "pano-alert-cleared",
};

/* Returns: (transfer full): a local time for people: 14:05 today, 11-28 14:05 otherwise */
char *
pano_alert_format_time (gint64 unix_ms)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_ms / 1000);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (time == NULL)
    return g_strdup ("—");
  if (g_date_time_get_year (time) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (time) == g_date_time_get_day_of_year (now))
    return g_date_time_format (time, "%H:%M");
  return g_date_time_format (time, "%m-%d %H:%M");
}

const char *
pano_alert_format_level (PanoAlertLevel level)
{
  switch (level)
    {
    case PANO_ALERT_LEVEL_CRITICAL:
      return _("Critical");
    case PANO_ALERT_LEVEL_SEVERE:
      return _("Severe");
    case PANO_ALERT_LEVEL_WARNING:
      return _("Warning");
    case PANO_ALERT_LEVEL_NOTICE:
      return _("Notice");
    case PANO_ALERT_LEVEL_UNKNOWN:
    default:
      return _("Alert");
    }
}

/* Returns: the name of a measured quantity for people: AQI, PM2.5, O₃, Noise */
const char *
pano_alert_format_metric (const char *metric)
{
  static const char *const names[][2] = {
    { "aqi", "AQI" }, { "pm25", "PM2.5" }, { "pm10", "PM10" }, { "o3", "O₃" },
    { "no2", "NO₂" }, { "so2", "SO₂" }, { "co", "CO" },
  };

  if (metric == NULL)
    return _("Value");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (metric, names[i][0]) == 0)
      return names[i][1];
  if (g_str_has_prefix (metric, "noise"))
    return _("Noise");
  if (g_str_equal (metric, "water_level"))
    return _("Water level");
  return metric;
}

static const char *
metric_unit (PanoAlertRecord *record)
{
  const char *metric = pano_alert_record_get_metric (record);

  if (pano_alert_record_get_unit (record) != NULL)
    return pano_alert_record_get_unit (record);
  if (metric == NULL)
    return "";
  if (g_str_equal (metric, "pm25") || g_str_equal (metric, "pm10") ||
      g_str_equal (metric, "o3") || g_str_equal (metric, "no2") || g_str_equal (metric, "so2"))
    return " μg/m³";
  if (g_str_equal (metric, "co"))
    return " mg/m³";
  if (g_str_has_prefix (metric, "noise"))
    return " dB(A)";
  if (g_str_equal (metric, "water_level"))
    return " m";
  return "";
}

/* A measured number as people read it: whole when it is, else one decimal. */
static char *
format_number (double value)
{
  if (fabs (value - round (value)) < 0.05 || fabs (value) >= 1000)
    return g_strdup_printf ("%.0f", value);
  return g_strdup_printf ("%.1f", value);
}

/* Returns: (transfer full): "AQI 212, threshold 150 (+41 %) · primary pollutant PM2.5" */
char *
pano_alert_format_measure (PanoAlertRecord *record)
{
  GString *text = g_string_new (NULL);
  const char *unit = metric_unit (record);
  const char *primary = pano_alert_record_get_primary (record);
  double value, threshold;

  if (!pano_alert_record_get_value (record, &value))
    g_string_append (text, pano_alert_record_get_kind (record) ? pano_alert_record_get_kind (record)
                                                               : _("No value reported"));
  else
    {
      g_autofree char *v = format_number (value);

      g_string_append_printf (text, "%s %s%s",
                              pano_alert_format_metric (pano_alert_record_get_metric (record)),
                              v, unit);
      if (pano_alert_record_get_threshold (record, &threshold))
        {
          g_autofree char *t = format_number (threshold);

          /* Translators: after a measured value, e.g. "AQI 212, threshold 150" */
          g_string_append_printf (text, _(", threshold %s%s"), t, unit);
          if (threshold > 0 && value > threshold)
            g_string_append_printf (text, " (+%.0f %%)", 100 * (value - threshold) / threshold);
        }
    }
  if (primary != NULL && g_strcmp0 (pano_alert_record_get_metric (record), "aqi") == 0)
    g_string_append_printf (text, " · %s %s", _("primary pollutant"),
                            pano_alert_format_metric (primary));
  return g_string_free (text, FALSE);
}

static void
show_level (PanoAlertRow    *self,
            PanoAlertRecord *record)
{
  gboolean active = pano_alert_record_is_active (record);
  PanoAlertLevel level = pano_alert_record_get_level (record);
  const char *icon = !active ? "object-select-symbolic"
                     : level >= PANO_ALERT_LEVEL_CRITICAL ? "dialog-error-symbolic"
                     : level >= PANO_ALERT_LEVEL_WARNING ? "dialog-warning-symbolic"
                     : "dialog-information-symbolic";

  for (guint i = 0; i < G_N_ELEMENTS (level_classes); i++)
    gtk_widget_remove_css_class (self->level_badge, level_classes[i]);
  gtk_widget_add_css_class (self->level_badge, level_classes[active ? level : 5]);
  gtk_image_set_from_icon_name (self->level_icon, icon);
  gtk_label_set_label (self->level_label, active ? pano_alert_format_level (level)
                                                 : _("Cleared"));
  gtk_widget_set_tooltip_text (self->level_badge, pano_alert_format_level (level));
}

static void
show_times (PanoAlertRow    *self,
            PanoAlertRecord *record)
{
  g_autofree char *raised = pano_alert_format_time (pano_alert_record_get_raised_ms (record));
  g_autofree char *text = NULL;

  if (pano_alert_record_is_active (record))
    text = g_strdup (raised);
  else
    {
      g_autofree char *cleared = pano_alert_format_time (pano_alert_record_get_updated_ms (record));

      text = g_strdup_printf (_("%s – cleared %s"), raised, cleared);
    }
  gtk_label_set_label (self->time_label, text);
}

/* "已确认 · 值班员 · 14:05" from the record, or from the hub's answer until the store has it. */
static char *
acknowledged_text (PanoAlertRecord *record,
                   PanoCommand     *command)
{
  const char *by = pano_alert_record_get_acknowledged_by (record);
  gint64 at = pano_alert_record_get_acknowledged_ms (record);
  g_autofree char *time = NULL;

  if (by == NULL && command != NULL && pano_command_get_state (command) == PANO_COMMAND_ACCEPTED)
    {
      JsonObject *answer = pano_command_get_answer (command);
      JsonObject *alert = answer && json_object_has_member (answer, "alert")
                          ? json_object_get_object_member (answer, "alert") : NULL;
      JsonObject *properties = alert && json_object_has_member (alert, "properties")
                               ? json_object_get_object_member (alert, "properties") : NULL;
      g_autoptr(GDateTime) when = NULL;

      by = properties ? json_object_get_string_member_with_default (properties,
                                                                    "acknowledged_by", NULL)
                      : NULL;
      when = properties ? g_date_time_new_from_iso8601 (
        json_object_get_string_member_with_default (properties, "acknowledged_at", ""), NULL)
                        : NULL;
      at = when ? g_date_time_to_unix (when) * 1000 : g_get_real_time () / 1000;
      if (by == NULL)
        by = _("you");
    }
  if (by == NULL)
    return NULL;
  time = pano_alert_format_time (at);
  return g_strdup_printf ("%s · %s · %s", _("Acknowledged"), by, time);
}

/* The hub's refusal of an acknowledgement, in words. */
static char *
refusal_text (PanoCommand *command)
{
  const char *code = pano_command_get_error_code (command);
  const char *message = pano_command_get_message (command);

  if (g_strcmp0 (code, "already_acknowledged") == 0)
    return g_strdup (_("Not acknowledged: someone else acknowledged it first."));
  if (g_strcmp0 (code, "forbidden") == 0)
    return g_strdup (_("Not acknowledged: this console’s role may not acknowledge alerts."));
  if (g_strcmp0 (code, "unauthorized") == 0)
    return g_strdup (_("Not acknowledged: the hub does not accept this console’s token."));
  if (g_strcmp0 (code, "unknown_alert") == 0)
    return g_strdup (_("Not acknowledged: the hub no longer has this alert."));
  return g_strdup_printf (_("Not acknowledged: the hub refused (%u %s)."),
                          pano_command_get_status (command), message ? message : "");
}

static void
set_classes (GtkWidget *widget,
             gboolean   error,
             gboolean   dim)
{
  if (error)
    gtk_widget_add_css_class (widget, "error");
  else
    gtk_widget_remove_css_class (widget, "error");
  if (dim)
    gtk_widget_add_css_class (widget, "dim-label");
  else
    gtk_widget_remove_css_class (widget, "dim-label");
}

/* Who acknowledged it beside the buttons; what became of this console's attempt (waiting,
 * refused) on a line of its own above them. */
static void
show_state (PanoAlertRow    *self,
            PanoAlertRecord *record,
            PanoCommand     *command,
            gboolean         allowed,
            const char      *why_not)
{
  g_autofree char *acknowledged = acknowledged_text (record, command);
  g_autofree char *message = NULL;
  PanoCommandState state = command ? pano_command_get_state (command) : PANO_COMMAND_ACCEPTED;
  gboolean pending = command != NULL && state == PANO_COMMAND_PENDING;
  gboolean refused = acknowledged == NULL && command != NULL && state == PANO_COMMAND_REFUSED;
  gboolean active = pano_alert_record_is_active (record);

  if (acknowledged == NULL && pending && pano_command_get_waiting (command))
    message = g_strdup (_("The hub has not answered yet; sending again…"));
  else if (refused)
    message = refusal_text (command);
  gtk_label_set_label (self->message_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  set_classes (GTK_WIDGET (self->message_label), refused, !refused);

  if (acknowledged != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "pano-alert-acknowledged");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "pano-alert-acknowledged");
  set_classes (GTK_WIDGET (self->state_label), FALSE, acknowledged == NULL);
  gtk_label_set_label (self->state_label, acknowledged ? acknowledged
                                          : !active ? _("Not acknowledged") : NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), pending);
  gtk_spinner_set_spinning (self->spinner, pending);
  /* Once anyone has acknowledged it, or it is over, there is nothing to acknowledge. */
  gtk_widget_set_visible (GTK_WIDGET (self->acknowledge_button), acknowledged == NULL && active);
  gtk_button_set_label (self->acknowledge_button, pending ? _("Acknowledging…")
                                                          : _("Acknowledge"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->acknowledge_button), allowed && !pending);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->acknowledge_button),
                               allowed ? _("Tell every desk you have seen this alert")
                                       : why_not);
}

static void
show_incident (PanoAlertRow    *self,
               PanoAlertRecord *record,
               gboolean         allowed,
               const char      *why_not)
{
  const char *incident = pano_alert_record_get_incident (record);
  GtkActionable *button = GTK_ACTIONABLE (self->incident_button);

  if (incident != NULL)
    {
      g_autofree char *label = g_strdup_printf (_("Incident %s"), incident);

      gtk_button_set_label (self->incident_button, label);
      gtk_actionable_set_action_target (button, "s", incident);
      gtk_actionable_set_action_name (button, "alerts.open-incident");
      gtk_widget_set_sensitive (GTK_WIDGET (button), TRUE);
      gtk_widget_set_tooltip_text (GTK_WIDGET (button), _("Open the incident this alert became"));
      return;
    }
  gtk_button_set_label (self->incident_button, _("Create incident"));
  gtk_actionable_set_action_target (button, "s", pano_alert_record_get_id (record));
  gtk_actionable_set_action_name (button, "alerts.escalate");
  gtk_widget_set_sensitive (GTK_WIDGET (button), allowed);
  gtk_widget_set_tooltip_text (GTK_WIDGET (button),
                               allowed ? _("Report an incident from this alert, fields filled in")
                                       : why_not);
}

/**
 * pano_alert_row_show:
 * @command: (nullable): this console's last acknowledge command for the alert
 * @why_not: (nullable): why the actions are not allowed, for the tooltips
 */
void
pano_alert_row_show (PanoAlertRow    *self,
                     PanoAlertRecord *record,
                     PanoCommand     *command,
                     gboolean         allowed,
                     const char      *why_not)
{
  const char *station = pano_alert_record_get_station_name (record);
  g_autofree char *measure = pano_alert_format_measure (record);

  g_set_object (&self->record, record);
  show_level (self, record);
  gtk_label_set_label (self->station_label, station ? station : pano_alert_record_get_id (record));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->station_label), pano_alert_record_get_id (record));
  show_times (self, record);
  gtk_label_set_label (self->measure_label, measure);
  /* The target first: an action without its parameter would be refused. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->acknowledge_button), "s",
                                    pano_alert_record_get_id (record));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->acknowledge_button),
                                  "alerts.acknowledge");
  show_state (self, record, command, allowed, why_not);
  show_incident (self, record, allowed, why_not);
  if (pano_alert_record_is_active (record))
    gtk_widget_remove_css_class (GTK_WIDGET (self), "pano-alert-inactive");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self), "pano-alert-inactive");
}

/* Returns: (transfer none) (nullable): the alert shown */
PanoAlertRecord *
pano_alert_row_get_record (PanoAlertRow *self)
{
  return self->record;
}

static void
pano_alert_row_dispose (GObject *object)
{
  PanoAlertRow *self = PANO_ALERT_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PANO_TYPE_ALERT_ROW);
  g_clear_object (&self->record);
  G_OBJECT_CLASS (pano_alert_row_parent_class)->dispose (object);
}

static void
pano_alert_row_class_init (PanoAlertRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pano_alert_row_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/panorama/Panorama/ui/pano-alert-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PanoAlertRow, level_badge);
  gtk_widget_class_bind_template_child (widget_class, PanoAlertRow, level_icon);
  gtk_widget_class_bind_template_child (widget_class, PanoAlertRow, level_label);
  gtk_widget_class_bind_template_child (widget_class, PanoAlertRow, station_label);
  gtk_widget_class_bind_template_child (widget_class, PanoAlertRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, PanoAlertRow, measure_label);
  gtk_widget_class_bind_template_child (widget_class, PanoAlertRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, PanoAlertRow, message_label);
  gtk_widget_class_bind_template_child (widget_class, PanoAlertRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, PanoAlertRow, acknowledge_button);
  gtk_widget_class_bind_template_child (widget_class, PanoAlertRow, incident_button);
}

static void
pano_alert_row_init (PanoAlertRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
pano_alert_row_new (void)
{
  return g_object_new (PANO_TYPE_ALERT_ROW, NULL);
}
