// SPDX-License-Identifier: GPL-3.0-or-later
/* 在此上报事件: report an incident at a point of the map, or escalate an alert. The grid cell
 * the point falls in is shown before anything is sent; the report is one `create` command with
 * one Idempotency-Key, resent with it until the hub answers. The dialog stays open, with the
 * hub's words, when the report is refused, so nothing typed is lost. */
#define G_LOG_DOMAIN "panorama-widgets"

#include "pano-report-dialog.h"
#include "pano-format.h"

#include <glib/gi18n-lib.h>

static const char * const sources[] = { "operator", "hotline_12345", "grid_worker", "sensor",
                                        "video_ai", "alert", NULL };

struct _PanoReportDialog
{
  AdwWindow parent_instance;

  GtkWidget *form;
  GtkLabel *where_label;
  GtkDropDown *category;
  GtkBox *severity_box;
  GtkEntry *title_entry;
  GtkTextView *description;
  GtkDropDown *source;
  GtkWidget *result_box;
  GtkSpinner *spinner;
  GtkLabel *result_label;
  GtkToggleButton *severity[4];

  PanoHubClient *client;
  GStrv categories;
  double lon, lat;
  char *alert;
  PanoCommand *pending;
};

enum {
  REPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PanoReportDialog, pano_report_dialog, ADW_TYPE_WINDOW)

static void
show_result (PanoReportDialog *self,
             const char       *text,
             gboolean          busy)
{
  gtk_widget_set_visible (self->result_box, text != NULL);
  gtk_label_set_label (self->result_label, text ? text : "");
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_widget_set_sensitive (self->form, !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.send", !busy);
}

static void
on_command_state (PanoCommand      *command,
                  GParamSpec       *pspec,
                  PanoReportDialog *self)
{
  g_autofree char *text = NULL;
  JsonObject *answer = pano_command_get_answer (command);
  JsonObject *incident;

  switch (pano_command_get_state (command))
    {
    case PANO_COMMAND_PENDING:
      text = pano_command_get_waiting (command)
             ? g_strdup_printf (_("The hub does not answer (%s). Sending again with the same "
                                  "key, so it is reported once…"),
                                pano_command_get_message (command))
             : g_strdup (_("Sending…"));
      show_result (self, text, TRUE);
      return;
    case PANO_COMMAND_ACCEPTED:
      incident = answer ? json_object_get_object_member (answer, "incident") : NULL;
      g_signal_emit (self, signals[REPORTED], 0,
                     incident ? json_object_get_string_member (incident, "id") : NULL);
      g_clear_object (&self->pending);
      gtk_window_close (GTK_WINDOW (self));
      return;
    case PANO_COMMAND_REFUSED:
    default:
      text = g_strdup_printf (_("Not reported: the hub refused it (%u): %s"),
                              pano_command_get_status (command),
                              pano_command_get_message (command)
                              ? pano_command_get_message (command) : "");
      g_clear_object (&self->pending);
      show_result (self, text, FALSE);
    }
}

static guint
chosen_severity (PanoReportDialog *self)
{
  for (guint i = 0; i < 4; i++)
    if (gtk_toggle_button_get_active (self->severity[i]))
      return i + 1;
  return 2;
}

static char *
description_text (PanoReportDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->description);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

/* Sends the report, as the Report button does. */
void
pano_report_dialog_send (PanoReportDialog *self)
{
  guint category = gtk_drop_down_get_selected (self->category);
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (
                                                   self->title_entry))));
  g_autofree char *description = description_text (self);
  g_autoptr(PanoCommand) command = NULL;

  if (self->pending != NULL || self->categories == NULL ||
      category >= g_strv_length (self->categories))
    return;
  command = pano_command_new ("create", NULL, -1);
  pano_command_set_string (command, "category", self->categories[category]);
  pano_command_set_int (command, "severity", chosen_severity (self));
  pano_command_set_double_pair (command, "location", self->lon, self->lat);
  /* An escalated alert says where it came from; otherwise the operator's choice. */
  pano_command_set_string (command, "source",
                           self->alert ? "alert"
                                       : sources[MIN (gtk_drop_down_get_selected (self->source),
                                                      G_N_ELEMENTS (sources) - 3)]);
  if (*title)
    pano_command_set_string (command, "title", title);
  if (*description)
    pano_command_set_string (command, "description", description);
  if (self->alert != NULL)
    pano_command_set_string (command, "alert", self->alert);
  self->pending = g_object_ref (command);
  g_signal_connect_object (command, "notify::state", G_CALLBACK (on_command_state), self, 0);
  g_signal_connect_object (command, "notify::waiting", G_CALLBACK (on_command_state), self, 0);
  on_command_state (command, NULL, self);
  pano_hub_client_submit (self->client, command);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  pano_report_dialog_send (PANO_REPORT_DIALOG (widget));
}

static void
pano_report_dialog_dispose (GObject *object)
{
  PanoReportDialog *self = PANO_REPORT_DIALOG (object);

  g_clear_object (&self->client);
  g_clear_object (&self->pending);
  gtk_widget_dispose_template (GTK_WIDGET (self), PANO_TYPE_REPORT_DIALOG);
  G_OBJECT_CLASS (pano_report_dialog_parent_class)->dispose (object);
}

static void
pano_report_dialog_finalize (GObject *object)
{
  PanoReportDialog *self = PANO_REPORT_DIALOG (object);

  g_strfreev (self->categories);
  g_free (self->alert);
  G_OBJECT_CLASS (pano_report_dialog_parent_class)->finalize (object);
}

static void
pano_report_dialog_class_init (PanoReportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pano_report_dialog_dispose;
  object_class->finalize = pano_report_dialog_finalize;

  /* The hub accepted the report: the new incident's id. */
  signals[REPORTED] = g_signal_new ("reported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/panorama/Panorama/ui/pano-report-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PanoReportDialog, form);
  gtk_widget_class_bind_template_child (widget_class, PanoReportDialog, where_label);
  gtk_widget_class_bind_template_child (widget_class, PanoReportDialog, category);
  gtk_widget_class_bind_template_child (widget_class, PanoReportDialog, severity_box);
  gtk_widget_class_bind_template_child (widget_class, PanoReportDialog, title_entry);
  gtk_widget_class_bind_template_child (widget_class, PanoReportDialog, description);
  gtk_widget_class_bind_template_child (widget_class, PanoReportDialog, source);
  gtk_widget_class_bind_template_child (widget_class, PanoReportDialog, result_box);
  gtk_widget_class_bind_template_child (widget_class, PanoReportDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, PanoReportDialog, result_label);
  gtk_widget_class_install_action (widget_class, "report.send", NULL, send_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "report.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pano_report_dialog_init (PanoReportDialog *self)
{
  static const char * const names[] = { N_("1 Minor"), N_("2 Moderate"), N_("3 Serious"),
                                        N_("4 Critical") };
  const char *source_labels[G_N_ELEMENTS (sources)] = { NULL };
  g_autoptr(GtkStringList) source_list = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < 4; i++)
    {
      self->severity[i] = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_label (_(names[i])));
      if (i > 0)
        gtk_toggle_button_set_group (self->severity[i], self->severity[0]);
      gtk_box_append (self->severity_box, GTK_WIDGET (self->severity[i]));
    }
  gtk_toggle_button_set_active (self->severity[1], TRUE);
  for (guint i = 0; sources[i + 1]; i++)   /* "alert" is set by escalation, not chosen */
    source_labels[i] = pano_format_source (sources[i]);
  source_list = gtk_string_list_new (source_labels);
  gtk_drop_down_set_model (self->source, G_LIST_MODEL (source_list));
}

/**
 * pano_report_dialog_new:
 * @categories: the hub's categories (GET /v1/categories)
 * @where: the point in words: its grid path, or that it lies outside the grid
 */
PanoReportDialog *
pano_report_dialog_new (GtkWindow          *parent,
                        PanoHubClient      *client,
                        const char * const *categories,
                        double              lon,
                        double              lat,
                        const char         *where)
{
  PanoReportDialog *self = g_object_new (PANO_TYPE_REPORT_DIALOG, "transient-for", parent, NULL);
  g_autoptr(GtkStringList) list = gtk_string_list_new (categories);
  g_autofree char *place = pano_format_lonlat (lon, lat);
  g_autofree char *text = g_strdup_printf ("%s\n%s", where, place);

  self->client = g_object_ref (client);
  self->categories = g_strdupv ((char **) categories);
  self->lon = lon;
  self->lat = lat;
  gtk_drop_down_set_model (self->category, G_LIST_MODEL (list));
  gtk_label_set_label (self->where_label, text);
  return self;
}

/* Selects @category. Returns: whether the hub knows it */
gboolean
pano_report_dialog_set_category (PanoReportDialog *self,
                                 const char       *category)
{
  for (guint i = 0; self->categories && self->categories[i]; i++)
    if (g_strcmp0 (self->categories[i], category) == 0)
      {
        gtk_drop_down_set_selected (self->category, i);
        return TRUE;
      }
  return FALSE;
}

/* Fills the form, as when an alert is escalated; %NULL and 0 leave a field as it is. */
void
pano_report_dialog_prefill (PanoReportDialog *self,
                            const char       *category,
                            guint             severity,
                            const char       *title,
                            const char       *description,
                            const char       *source,
                            const char       *alert)
{
  if (category != NULL)
    pano_report_dialog_set_category (self, category);
  if (severity >= 1 && severity <= 4)
    gtk_toggle_button_set_active (self->severity[severity - 1], TRUE);
  if (title != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->title_entry), title);
  if (description != NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->description), description, -1);
  for (guint i = 0; source != NULL && sources[i]; i++)
    if (g_str_equal (sources[i], source) && sources[i + 1] != NULL)
      gtk_drop_down_set_selected (self->source, i);
  g_free (self->alert);
  self->alert = g_strdup (alert);
}

/* What the operator reads before sending: where (市 › 区 › 街道 › 网格) and the title. */
const char *
pano_report_dialog_get_where (PanoReportDialog *self)
{
  return gtk_label_get_label (self->where_label);
}

const char *
pano_report_dialog_get_title_text (PanoReportDialog *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->title_entry));
}

/* Returns: (nullable): what the dialog says about the report: sending, or the refusal */
const char *
pano_report_dialog_get_result (PanoReportDialog *self)
{
  return gtk_widget_get_visible (self->result_box) ? gtk_label_get_label (self->result_label)
                                                   : NULL;
}
