// SPDX-License-Identifier: GPL-3.0-or-later
/* 监测预警: the hub's alerts as a list, active first, worst level first, newest first. An
 * operator acknowledges an alert (the `acknowledge_alert` command, one Idempotency-Key per
 * click, a second click while it is on its way sends nothing) and every desk sees who and
 * when; or turns it into an incident (`escalate`, for the window's report dialog, with the
 * fields filled in). The list follows the store once per flush through PanoAlertModel, and
 * only the rows on screen exist. */
#define G_LOG_DOMAIN "panorama-alerts"

#include "pano-alert-list.h"
#include "pano-alert-row.h"
#include "pano-panel-style.h"

#include <glib/gi18n-lib.h>

struct _PanoAlertList
{
  GtkBox parent_instance;

  GtkLabel *summary_label;
  GtkLabel *why_not_label;
  GtkStack *stack;
  GtkListView *list_view;

  PanoAlertModel *model;
  PanoHubClient *client;
  GHashTable *commands;     /* alert id → PanoCommand, this console's last acknowledgement */
  GPtrArray *rows;          /* PanoAlertRow the view made, borrowed */
  gboolean allowed;
  char *why_not;
  guint n_unacknowledged_top;
  guint n_active;
};

enum {
  PROP_0,
  PROP_N_UNACKNOWLEDGED_TOP,
  PROP_N_ACTIVE,
  N_PROPS
};

enum {
  ESCALATE,
  OPEN_INCIDENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PanoAlertList, pano_alert_list, GTK_TYPE_BOX)

static void
show_row (PanoAlertList *self,
          PanoAlertRow  *row,
          PanoAlertRecord *record)
{
  PanoCommand *command = g_hash_table_lookup (self->commands, pano_alert_record_get_id (record));

  pano_alert_row_show (row, record, command, self->allowed, self->why_not);
}

/* Shows the rows on screen again, or only the one of @alert_id. */
static void
refresh_rows (PanoAlertList *self,
              const char    *alert_id)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      PanoAlertRecord *record = pano_alert_row_get_record (self->rows->pdata[i]);

      if (record != NULL &&
          (alert_id == NULL || g_str_equal (alert_id, pano_alert_record_get_id (record))))
        show_row (self, self->rows->pdata[i], record);
    }
}

/* ---- the view's rows ---- */

/* The view may free a row without a teardown (GTK 4.8 drops recycled rows with their list
 * item): the list hears of it from the row itself. */
static void
on_row_gone (gpointer  user_data,
             GObject  *row)
{
  PanoAlertList *self = user_data;

  g_ptr_array_remove_fast (self->rows, row);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           PanoAlertList            *self)
{
  GtkWidget *row = pano_alert_row_new ();

  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_child (item, row);
  g_ptr_array_add (self->rows, row);
  g_object_weak_ref (G_OBJECT (row), on_row_gone, self);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          PanoAlertList            *self)
{
  show_row (self, PANO_ALERT_ROW (gtk_list_item_get_child (item)),
            gtk_list_item_get_item (item));
}

static void
teardown_row (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              PanoAlertList            *self)
{
  GtkWidget *row = gtk_list_item_get_child (item);

  if (row != NULL && g_ptr_array_remove_fast (self->rows, row))
    g_object_weak_unref (G_OBJECT (row), on_row_gone, self);
}

/* ---- counts ---- */

static void
update_summary (PanoAlertList *self)
{
  guint active = pano_alert_model_get_n_active (self->model);
  guint top = pano_alert_model_get_n_unacknowledged_top (self->model);
  g_autofree char *text = NULL;

  if (active == 0)
    text = g_strdup (_("None active"));
  else if (top == 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u active", "%u active", active),
                            active);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u active · %u severe not acknowledged",
                                         "%u active · %u severe not acknowledged", top),
                            active, top);
  gtk_label_set_label (self->summary_label, text);
  if (top > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "pano-alert-attention");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "pano-alert-attention");
  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0
                                    ? "list" : "empty");
  if (self->n_active != active)
    {
      self->n_active = active;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ACTIVE]);
    }
  if (self->n_unacknowledged_top != top)
    {
      self->n_unacknowledged_top = top;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_UNACKNOWLEDGED_TOP]);
    }
}

static void
on_items_changed (GListModel    *model,
                  guint          position,
                  guint          removed,
                  guint          added,
                  PanoAlertList *self)
{
  update_summary (self);
}

/* ---- acting ---- */

static void
on_command_changed (PanoCommand   *command,
                    GParamSpec    *pspec,
                    PanoAlertList *self)
{
  const char *id = g_object_get_data (G_OBJECT (command), "alert");

  if (pano_command_get_state (command) == PANO_COMMAND_REFUSED)
    g_debug ("Acknowledging %s refused: %u %s", id, pano_command_get_status (command),
             pano_command_get_message (command));
  refresh_rows (self, id);
}

/**
 * pano_alert_list_acknowledge:
 *
 * What the Acknowledge button does: sends `acknowledge_alert` for @alert_id, unless this
 * console's acknowledgement of it is on its way or accepted, or the alert shows acknowledged
 * (a double click sends once). After a refusal the operator may try again.
 */
void
pano_alert_list_acknowledge (PanoAlertList *self,
                             const char    *alert_id)
{
  PanoCommand *previous = g_hash_table_lookup (self->commands, alert_id);
  PanoAlertRecord *record = pano_alert_model_lookup (self->model, alert_id);
  g_autoptr(PanoCommand) command = NULL;

  if (!self->allowed || self->client == NULL || record == NULL)
    return;
  /* On its way, or done: the second click of a double click, or a click on a stale row. */
  if (previous != NULL && pano_command_get_state (previous) != PANO_COMMAND_REFUSED)
    return;
  if (pano_alert_record_get_acknowledged_by (record) != NULL)
    return;
  command = pano_command_new ("acknowledge_alert", NULL, -1);
  pano_command_set_string (command, "alert", alert_id);
  g_object_set_data_full (G_OBJECT (command), "alert", g_strdup (alert_id), g_free);
  g_signal_connect_object (command, "notify::state", G_CALLBACK (on_command_changed), self, 0);
  g_signal_connect_object (command, "notify::waiting", G_CALLBACK (on_command_changed), self, 0);
  g_hash_table_replace (self->commands, g_strdup (alert_id), g_object_ref (command));
  pano_hub_client_submit (self->client, command);
  refresh_rows (self, alert_id);
}

static void
acknowledge_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  pano_alert_list_acknowledge (PANO_ALERT_LIST (widget), g_variant_get_string (parameter, NULL));
}

static int
suggested_severity (PanoAlertLevel level)
{
  return level == PANO_ALERT_LEVEL_UNKNOWN ? 2 : (int) level;
}

static char *
suggested_description (PanoAlertRecord *record)
{
  g_autofree char *measure = pano_alert_format_measure (record);
  g_autofree char *raised = pano_alert_format_time (pano_alert_record_get_raised_ms (record));

  return g_strdup_printf (_("%s. Alert %s, raised %s."), measure,
                          pano_alert_record_get_id (record), raised);
}

/**
 * pano_alert_list_dup_escalation:
 *
 * What `escalate` carries for @alert_id: a JSON object with the members of a `create`
 * command filled in from the alert (`alert`, `location` when it has a position, `category`
 * for environmental alerts, `severity` 1–4 from its level, `title`, `description`,
 * `source` "alert") and the alert's own `properties`.
 *
 * Returns: (transfer full) (nullable): the JSON text, %NULL for an unknown alert
 */
char *
pano_alert_list_dup_escalation (PanoAlertList *self,
                                const char    *alert_id)
{
  PanoAlertRecord *record = pano_alert_model_lookup (self->model, alert_id);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  const char *station, *kind;
  double lon, lat;

  if (record == NULL)
    return NULL;
  station = pano_alert_record_get_station_name (record);
  kind = pano_alert_record_get_kind (record);
  /* Translators: an incident title, e.g. "东岭监测站: AQI above the threshold" */
  title = g_strdup_printf (_("%s: %s above the threshold"), station ? station : alert_id,
                           pano_alert_format_metric (pano_alert_record_get_metric (record)));
  description = suggested_description (record);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "alert");
  json_builder_add_string_value (builder, alert_id);
  if (pano_alert_record_get_location (record, &lon, &lat))
    {
      json_builder_set_member_name (builder, "location");
      json_builder_begin_array (builder);
      json_builder_add_double_value (builder, lon);
      json_builder_add_double_value (builder, lat);
      json_builder_end_array (builder);
    }
  if (g_strcmp0 (kind, "env_exceedance") == 0)
    {
      json_builder_set_member_name (builder, "category");
      json_builder_add_string_value (builder, "环境卫生");
    }
  json_builder_set_member_name (builder, "severity");
  json_builder_add_int_value (builder, suggested_severity (pano_alert_record_get_level (record)));
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, title);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, description);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, "alert");
  json_builder_set_member_name (builder, "properties");
  if (json_parser_load_from_data (parser, pano_alert_record_get_properties (record), -1, NULL))
    json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
escalate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  PanoAlertList *self = PANO_ALERT_LIST (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  g_autofree char *json = pano_alert_list_dup_escalation (self, id);

  if (json != NULL && self->allowed)
    g_signal_emit (self, signals[ESCALATE], 0, id, json);
}

static void
open_incident_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  g_signal_emit (widget, signals[OPEN_INCIDENT], 0, g_variant_get_string (parameter, NULL));
}

/* ---- the object ---- */

static void
pano_alert_list_dispose (GObject *object)
{
  PanoAlertList *self = PANO_ALERT_LIST (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  while (self->rows->len > 0)
    {
      g_object_weak_unref (self->rows->pdata[0], on_row_gone, self);
      g_ptr_array_remove_index_fast (self->rows, 0);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), PANO_TYPE_ALERT_LIST);
  g_clear_object (&self->model);
  g_clear_object (&self->client);
  g_clear_pointer (&self->commands, g_hash_table_unref);
  G_OBJECT_CLASS (pano_alert_list_parent_class)->dispose (object);
}

static void
pano_alert_list_finalize (GObject *object)
{
  PanoAlertList *self = PANO_ALERT_LIST (object);

  g_ptr_array_unref (self->rows);
  g_free (self->why_not);
  G_OBJECT_CLASS (pano_alert_list_parent_class)->finalize (object);
}

static void
pano_alert_list_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PanoAlertList *self = PANO_ALERT_LIST (object);

  switch (prop_id)
    {
    case PROP_N_UNACKNOWLEDGED_TOP:
      g_value_set_uint (value, self->n_unacknowledged_top);
      break;
    case PROP_N_ACTIVE:
      g_value_set_uint (value, self->n_active);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pano_alert_list_class_init (PanoAlertListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pano_alert_list_dispose;
  object_class->finalize = pano_alert_list_finalize;
  object_class->get_property = pano_alert_list_get_property;

  /**
   * PanoAlertList:n-unacknowledged-top:
   *
   * Active alerts of the top levels (severe, critical) nobody has acknowledged yet: the
   * header signals them while this is above 0.
   */
  properties[PROP_N_UNACKNOWLEDGED_TOP] =
    g_param_spec_uint ("n-unacknowledged-top", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ACTIVE] =
    g_param_spec_uint ("n-active", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PanoAlertList::escalate:
   * @alert_id: the alert
   * @properties_json: what to fill the report dialog with (pano_alert_list_dup_escalation())
   */
  signals[ESCALATE] = g_signal_new ("escalate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
                                    G_TYPE_STRING);
  /* The operator wants to see the incident an alert became. */
  signals[OPEN_INCIDENT] = g_signal_new ("open-incident", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                         G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/panorama/Panorama/ui/pano-alert-list.ui");
  gtk_widget_class_bind_template_child (widget_class, PanoAlertList, summary_label);
  gtk_widget_class_bind_template_child (widget_class, PanoAlertList, why_not_label);
  gtk_widget_class_bind_template_child (widget_class, PanoAlertList, stack);
  gtk_widget_class_bind_template_child (widget_class, PanoAlertList, list_view);

  gtk_widget_class_install_action (widget_class, "alerts.acknowledge", "s", acknowledge_action);
  gtk_widget_class_install_action (widget_class, "alerts.escalate", "s", escalate_action);
  gtk_widget_class_install_action (widget_class, "alerts.open-incident", "s",
                                   open_incident_action);
}

static void
pano_alert_list_init (PanoAlertList *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  pano_panel_style_ensure ();
  gtk_widget_init_template (GTK_WIDGET (self));
  self->commands = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->rows = g_ptr_array_new ();
  self->allowed = TRUE;
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  g_signal_connect (factory, "teardown", G_CALLBACK (teardown_row), self);
  gtk_list_view_set_factory (self->list_view, factory);
}

/**
 * pano_alert_list_new:
 * @client: (nullable): where acknowledgements go; without one the actions are off
 *
 * Returns: (transfer floating): the list of @store's alerts
 */
GtkWidget *
pano_alert_list_new (PanoLiveStore *store,
                     PanoHubClient *client)
{
  PanoAlertList *self = g_object_new (PANO_TYPE_ALERT_LIST, NULL);
  g_autoptr(GtkNoSelection) selection = NULL;

  self->model = pano_alert_model_new (store);
  self->client = client ? g_object_ref (client) : NULL;
  g_signal_connect (self->model, "items-changed", G_CALLBACK (on_items_changed), self);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  if (client == NULL)
    pano_alert_list_set_actions_allowed (self, FALSE, _("Not connected to a hub"));
  update_summary (self);
  return GTK_WIDGET (self);
}

/**
 * pano_alert_list_set_actions_allowed:
 * @why_not: (nullable): why not, in words for the operator ("Viewer token: …")
 *
 * A viewer sees Acknowledge and Create incident disabled, with @why_not as their tooltip
 * and above the list.
 */
void
pano_alert_list_set_actions_allowed (PanoAlertList *self,
                                     gboolean       allowed,
                                     const char    *why_not)
{
  g_return_if_fail (PANO_IS_ALERT_LIST (self));
  self->allowed = allowed;
  g_free (self->why_not);
  self->why_not = allowed ? NULL : g_strdup (why_not);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "alerts.acknowledge", allowed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "alerts.escalate", allowed);
  gtk_label_set_label (self->why_not_label, self->why_not);
  gtk_widget_set_visible (GTK_WIDGET (self->why_not_label), !allowed && why_not != NULL);
  refresh_rows (self, NULL);
}

guint
pano_alert_list_get_n_unacknowledged_top (PanoAlertList *self)
{
  return self->n_unacknowledged_top;
}

guint
pano_alert_list_get_n_active (PanoAlertList *self)
{
  return self->n_active;
}

/* Returns: (transfer none): the alerts in the list's order */
PanoAlertModel *
pano_alert_list_get_model (PanoAlertList *self)
{
  return self->model;
}

/* Returns: (transfer none) (nullable): this console's last acknowledgement of @alert_id */
PanoCommand *
pano_alert_list_get_command (PanoAlertList *self,
                             const char    *alert_id)
{
  return g_hash_table_lookup (self->commands, alert_id);
}

/* Returns: (transfer none) (nullable): the row showing @alert_id, if it is on screen */
GtkWidget *
pano_alert_list_find_row (PanoAlertList *self,
                          const char    *alert_id)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      PanoAlertRecord *record = pano_alert_row_get_record (self->rows->pdata[i]);

      if (record != NULL && g_str_equal (pano_alert_record_get_id (record), alert_id) &&
          gtk_widget_get_mapped (self->rows->pdata[i]))
        return self->rows->pdata[i];
    }
  return NULL;
}
