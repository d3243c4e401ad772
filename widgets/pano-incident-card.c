// SPDX-License-Identifier: GPL-3.0-or-later
/* The incident card (drill-down): everything about one incident and the actions on it. It
 * follows the incident in the shared PanoIncidentModel, so another desk's change shows at
 * once. Each action is one command with one Idempotency-Key (PanoCommand) carrying the version
 * the operator saw; while it is out, the actions wait, so a double click sends once; the hub's
 * answer — done, or refused and why — is written under the buttons in words. */
#define G_LOG_DOMAIN "panorama-widgets"

#include "pano-incident-card-private.h"
#include "pano-format.h"
#include "pano-reason-dialog.h"

#include <glib/gi18n-lib.h>

#define TICK_MS 1000
#define RECOMMEND_EVERY_TICKS 20

#define S(x) (1u << PANO_INCIDENT_##x)

typedef enum
{
  ASK_NOTHING,
  ASK_REASON,
  ASK_MINUTES,
  ASK_UNITS,
} Ask;

/* One action on the card: the stages it applies in, and the command it sends. */
typedef struct
{
  const char *name;
  const char *label;
  const char *accel;          /* shown in tooltips and the shortcuts window */
  guint key;
  guint statuses;
  const char *command;        /* "transition" uses @to */
  const char *to;
  Ask ask;
} ActionSpec;

static const ActionSpec action_specs[] = {
  { "accept", NC_("action", "Accept"), "Alt+A", GDK_KEY_a,
    S (REPORTED) | S (RETURNED), "transition", "accepted", ASK_NOTHING },
  { "dispatch", NC_("action", "Dispatch"), "Alt+D", GDK_KEY_d,
    S (ACCEPTED) | S (RETURNED), "dispatch", NULL, ASK_UNITS },
  { "reassign", NC_("action", "Reassign"), "Alt+G", GDK_KEY_g,
    S (DISPATCHED) | S (HANDLING), "reassign", NULL, ASK_UNITS },
  { "handling", NC_("action", "Handling"), "Alt+H", GDK_KEY_h,
    S (DISPATCHED), "transition", "handling", ASK_NOTHING },
  { "verified", NC_("action", "Verified"), "Alt+V", GDK_KEY_v,
    S (HANDLING), "transition", "verified", ASK_NOTHING },
  { "close", NC_("action", "Close"), "Alt+C", GDK_KEY_c,
    S (VERIFIED), "transition", "closed", ASK_NOTHING },
  { "failed", NC_("action", "Verification failed"), "Alt+F", GDK_KEY_f,
    S (VERIFIED), "transition", "handling", ASK_REASON },
  { "return", NC_("action", "Return"), "Alt+R", GDK_KEY_r,
    S (DISPATCHED) | S (HANDLING), "transition", "returned", ASK_REASON },
  { "cancel", NC_("action", "Cancel incident"), "Alt+X", GDK_KEY_x,
    S (REPORTED) | S (ACCEPTED) | S (DISPATCHED) | S (RETURNED), "cancel", NULL, ASK_REASON },
  { "extend", NC_("action", "Extend"), "Alt+E", GDK_KEY_e,
    S (REPORTED) | S (ACCEPTED) | S (DISPATCHED) | S (HANDLING) | S (VERIFIED) | S (RETURNED),
    "extend", NULL, ASK_MINUTES },
  { "note", NC_("action", "Note"), "Alt+N", GDK_KEY_n, 0xff, "note", NULL, ASK_REASON },
};

/* The action's name on its button, in the card's messages and the shortcuts */
static const char *
action_label (const ActionSpec *spec)
{
  return g_dpgettext2 (GETTEXT_PACKAGE, "action", spec->label);
}

enum {
  BACK,
  SCOPE,
  OPEN,
  ROUTES_CHANGED,
  COMMAND,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PanoIncidentCard, pano_incident_card, GTK_TYPE_WIDGET)

static const ActionSpec *
find_spec (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (action_specs); i++)
    if (g_str_equal (action_specs[i].name, name))
      return &action_specs[i];
  return NULL;
}

static gboolean
may_act (PanoIncidentCard *self)
{
  return g_strcmp0 (self->role, "dispatcher") == 0 || g_strcmp0 (self->role, "admin") == 0;
}

/* ---- the result line ---- */

static void
show_result (PanoIncidentCard *self,
             const char       *text,
             gboolean          busy,
             const char       *css)
{
  static const char * const classes[] = { "success", "error", "warning" };

  gtk_widget_set_visible (self->result_box, text != NULL);
  gtk_label_set_label (self->result_label, text ? text : "");
  gtk_spinner_set_spinning (self->result_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->result_spinner), busy);
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->result_label), classes[i]);
  if (css != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->result_label), css);
}

/* The hub's refusal in the operator's words; its own message follows as the detail. */
static char *
describe_refusal (PanoIncidentCard *self,
                  PanoCommand      *command)
{
  const char *code = pano_command_get_error_code (command);
  const char *detail = pano_command_get_message (command) ? pano_command_get_message (command)
                                                          : "";

  if (pano_command_get_status (command) == 403 || g_strcmp0 (code, "forbidden") == 0)
    return g_strdup_printf (_("Refused by the hub (403): this token may not act on incidents. "
                              "%s"), detail);
  if (pano_command_get_status (command) == 401)
    return g_strdup_printf (_("Refused by the hub (401): the token is not known. %s"), detail);
  if (g_strcmp0 (code, "version_conflict") == 0)
    return g_strdup_printf (_("Another desk changed this incident first. The card now shows "
                              "its current state: check it and act again. (%s)"), detail);
  if (g_strcmp0 (code, "illegal_transition") == 0)
    return g_strdup_printf (_("Not possible in this stage: %s"), detail);
  if (pano_command_get_status (command) >= 500)
    return g_strdup_printf (_("The hub could not record it, so nothing was done: %s"), detail);
  return g_strdup_printf (_("Refused by the hub (%u): %s"), pano_command_get_status (command),
                          detail);
}

static void
on_command_state (PanoCommand      *command,
                  GParamSpec       *pspec,
                  PanoIncidentCard *self)
{
  const ActionSpec *spec = g_object_get_data (G_OBJECT (command), "spec");
  g_autofree char *text = NULL;

  if (command != self->pending)
    return;
  switch (pano_command_get_state (command))
    {
    case PANO_COMMAND_ACCEPTED:
      text = g_strdup_printf (pano_command_get_replayed (command)
                              ? _("%s: done (the hub had it already)") : _("%s: done"),
                              action_label (spec));
      show_result (self, text, FALSE, "success");
      break;
    case PANO_COMMAND_REFUSED:
      text = describe_refusal (self, command);
      show_result (self, text, FALSE, "error");
      break;
    case PANO_COMMAND_PENDING:
    default:
      text = pano_command_get_waiting (command)
             ? g_strdup_printf (_("%s: the hub does not answer (%s). Sending again with the "
                                  "same key, so it is done once…"), action_label (spec),
                                pano_command_get_message (command))
             : g_strdup_printf (_("%s: sending…"), action_label (spec));
      show_result (self, text, TRUE, "warning");
      return;
    }
  g_clear_object (&self->pending);
  pano_incident_card_update_actions (self);
  pano_incident_card_fetch_timeline (self);
}

/* ---- sending ---- */

static void
submit (PanoIncidentCard *self,
        PanoCommand      *command,
        const ActionSpec *spec)
{
  g_return_if_fail (self->pending == NULL);
  self->pending = g_object_ref (command);
  g_object_set_data (G_OBJECT (command), "spec", (gpointer) spec);
  g_signal_connect_object (command, "notify::state", G_CALLBACK (on_command_state), self, 0);
  g_signal_connect_object (command, "notify::waiting", G_CALLBACK (on_command_state), self, 0);
  pano_incident_card_update_actions (self);
  on_command_state (command, NULL, self);
  pano_hub_client_submit (self->client, command);
}

static PanoCommand *
new_command (PanoIncidentCard *self,
             const ActionSpec *spec)
{
  PanoCommand *command = pano_command_new (spec->command, self->id,
                                           pano_incident_record_get_version (self->record));

  if (spec->to != NULL)
    pano_command_set_string (command, "to", spec->to);
  return command;
}

typedef struct
{
  PanoIncidentCard *self;
  const ActionSpec *spec;
} Pending;

static void
pending_free (gpointer data)
{
  Pending *p = data;

  g_object_unref (p->self);
  g_free (p);
}

static void
pending_free_closure (gpointer  data,
                      GClosure *closure)
{
  pending_free (data);
}

static void
on_reason_given (const char *text,
                 int         minutes,
                 gpointer    user_data)
{
  Pending *p = user_data;
  g_autoptr(PanoCommand) command = NULL;

  if (p->self->record == NULL || p->self->pending != NULL)
    return;
  command = new_command (p->self, p->spec);
  pano_command_set_string (command, g_str_equal (p->spec->command, "note") ? "text" : "reason",
                           text);
  if (p->spec->ask == ASK_MINUTES)
    pano_command_set_int (command, "seconds", (gint64) minutes * 60);
  submit (p->self, command, p->spec);
}

static void
ask_reason (PanoIncidentCard *self,
            const ActionSpec *spec)
{
  Pending *p = g_new0 (Pending, 1);
  g_autofree char *heading = g_strdup_printf ("%s · %s", action_label (spec), self->id);
  const char *body = g_str_equal (spec->name, "note") ? _("The note is kept in the timeline.")
                     : spec->ask == ASK_MINUTES
                     ? _("The stage's deadline moves later; the reason is audited.")
                     : _("The reason is kept with the incident and in the audit log.");
  PanoReasonFlags flags = spec->ask == ASK_MINUTES ? PANO_REASON_MINUTES : PANO_REASON_TEXT;

  if (g_str_equal (spec->name, "cancel") || g_str_equal (spec->name, "return"))
    flags |= PANO_REASON_DESTRUCTIVE;
  p->self = g_object_ref (self);
  p->spec = spec;
  pano_reason_dialog_ask (GTK_WIDGET (self), heading, body, action_label (spec), flags,
                          on_reason_given, p, pending_free);
}

static GPtrArray *
chosen_units (PanoIncidentCard *self)
{
  GPtrArray *units = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer unit;

  g_hash_table_iter_init (&iter, self->chosen);
  while (g_hash_table_iter_next (&iter, &unit, NULL))
    g_ptr_array_add (units, unit);
  g_ptr_array_sort (units, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (units, NULL);
  return units;
}

/* Returns: (transfer full) (nullable): "fire-3-1 (INC-000012)…" for chosen units busy on
 *   another incident */
static char *
busy_elsewhere (PanoIncidentCard *self,
                GPtrArray        *units)
{
  JsonArray *ranked = self->recommendations
                      ? json_object_get_array_member (self->recommendations, "units") : NULL;
  g_autoptr(GString) busy = g_string_new (NULL);

  for (guint i = 0; ranked && i < json_array_get_length (ranked); i++)
    {
      JsonObject *unit = json_array_get_object_element (ranked, i);
      const char *id = json_object_get_string_member_with_default (unit, "id", "");
      const char *other = json_object_get_string_member_with_default (unit, "busy_incident",
                                                                       NULL);

      if (other == NULL || g_strcmp0 (other, self->id) == 0 ||
          !g_hash_table_contains (self->chosen, id))
        continue;
      g_string_append_printf (busy, "%s%s (%s)", busy->len ? ", " : "", id, other);
    }
  return busy->len ? g_string_free (g_steal_pointer (&busy), FALSE) : NULL;
}

static void
send_units (PanoIncidentCard *self,
            const ActionSpec *spec)
{
  g_autoptr(GPtrArray) units = chosen_units (self);
  g_autoptr(PanoCommand) command = new_command (self, spec);

  pano_command_set_strv (command, "units", (const char * const *) units->pdata);
  submit (self, command, spec);
}

static void
on_busy_confirmed (AdwMessageDialog *dialog,
                   const char       *response,
                   Pending          *p)
{
  if (g_str_equal (response, "assign") && p->self->record != NULL && p->self->pending == NULL)
    send_units (p->self, p->spec);
}

/* Warns before taking a unit off another incident. */
static void
dispatch_chosen (PanoIncidentCard *self,
                 const ActionSpec *spec)
{
  g_autoptr(GPtrArray) units = chosen_units (self);
  g_autofree char *busy = busy_elsewhere (self, units);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;
  Pending *p;

  if (busy == NULL)
    {
      send_units (self, spec);
      return;
    }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
    GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _("Unit already on another incident"),
    NULL));
  adw_message_dialog_format_body (dialog, _("%s: assigning here takes it off that incident. "
                                            "Assign anyway?"), busy);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "assign",
                                    _("_Assign anyway"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "assign", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (dialog, "cancel");
  p = g_new0 (Pending, 1);
  p->self = g_object_ref (self);
  p->spec = spec;
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_busy_confirmed), p,
                         pending_free_closure, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  PanoIncidentCard *self = PANO_INCIDENT_CARD (widget);
  const ActionSpec *spec = find_spec (strchr (action_name, '.') + 1);
  g_autoptr(PanoCommand) command = NULL;

  /* Actions are disabled while one is out; a key repeat must not slip through either. */
  if (spec == NULL || self->record == NULL || self->pending != NULL ||
      !pano_incident_card_can (self, spec->name))
    return;
  switch (spec->ask)
    {
    case ASK_REASON:
    case ASK_MINUTES:
      ask_reason (self, spec);
      break;
    case ASK_UNITS:
      dispatch_chosen (self, spec);
      break;
    case ASK_NOTHING:
    default:
      command = new_command (self, spec);
      submit (self, command, spec);
    }
}

/* ---- what may be done ---- */

/* Returns: (nullable): why @action is not possible now, in words; %NULL when it is */
const char *
pano_incident_card_why_not (PanoIncidentCard *self,
                            const char       *action)
{
  const ActionSpec *spec = find_spec (action);

  if (spec == NULL || self->record == NULL)
    return _("No incident is open.");
  if (!(spec->statuses & (1u << pano_incident_record_get_status (self->record))))
    return _("Not possible in this stage.");
  if (!may_act (self))
    return _("Your role may only view incidents: dispatchers and administrators act on them.");
  if (self->pending != NULL)
    return _("Waiting for the hub's answer to the last action.");
  if (spec->ask == ASK_UNITS && g_hash_table_size (self->chosen) == 0)
    return _("Tick one or more units under “Units by road ETA” first.");
  return NULL;
}

gboolean
pano_incident_card_can (PanoIncidentCard *self,
                        const char       *action)
{
  return pano_incident_card_why_not (self, action) == NULL;
}

void
pano_incident_card_update_actions (PanoIncidentCard *self)
{
  guint status = self->record ? 1u << pano_incident_record_get_status (self->record) : 0;

  for (guint i = 0; i < G_N_ELEMENTS (action_specs); i++)
    {
      const ActionSpec *spec = &action_specs[i];
      GtkWidget *button = g_hash_table_lookup (self->buttons, spec->name);
      const char *why = pano_incident_card_why_not (self, spec->name);
      g_autofree char *action = g_strconcat ("card.", spec->name, NULL);
      /* the name and its key, "Accept (Alt+A)" */
      g_autofree char *tip = why ? g_strdup (why)
                                 : g_strdup_printf (_("%s (%s)"), action_label (spec), spec->accel);

      gtk_widget_action_set_enabled (GTK_WIDGET (self), action, why == NULL);
      gtk_widget_set_visible (gtk_widget_get_parent (button), (spec->statuses & status) != 0);
      gtk_widget_set_tooltip_text (button, tip);
    }
}

/* ---- the incident ---- */

static void
on_path_clicked (GtkButton        *button,
                 PanoIncidentCard *self)
{
  g_signal_emit (self, signals[SCOPE], 0, g_object_get_data (G_OBJECT (button), "prefix"));
}

static void
show_path (PanoIncidentCard *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->path_box))))
    gtk_box_remove (self->path_box, child);
  for (PanoGridLevel level = 0; level < PANO_GRID_N_LEVELS; level++)
    {
      const char *name = pano_incident_record_get_grid_name (self->record, level);
      char *prefix = pano_incident_record_dup_grid_prefix (self->record, level);
      GtkWidget *button;

      if (name == NULL || prefix == NULL)
        {
          g_free (prefix);
          continue;
        }
      if (level > 0)
        gtk_box_append (self->path_box, gtk_label_new ("›"));
      button = gtk_button_new_with_label (name);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, _("Scope the queue, the KPIs and the map to this "
                                             "area"));
      g_object_set_data_full (G_OBJECT (button), "prefix", prefix, g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_path_clicked), self);
      gtk_box_append (self->path_box, button);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->path_box),
                          pano_incident_record_get_grid_code (self->record) != NULL);
}

static void
add_fact (PanoIncidentCard *self,
          int              *row,
          const char       *name,
          const char       *value)
{
  GtkWidget *key, *text;

  if (value == NULL || *value == '\0')
    return;
  key = gtk_label_new (name);
  text = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (key), 0);
  gtk_label_set_yalign (GTK_LABEL (key), 0);
  gtk_widget_add_css_class (key, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_grid_attach (self->facts, key, 0, *row, 1, 1);
  gtk_grid_attach (self->facts, text, 1, *row, 1, 1);
  (*row)++;
}

static void
show_facts (PanoIncidentCard *self)
{
  PanoIncidentRecord *r = self->record;
  g_autofree char *severity = pano_format_severity (pano_incident_record_get_severity (r));
  g_autofree char *reported = pano_format_clock_time (pano_incident_record_get_reported_ms (r));
  g_autofree char *changed = NULL, *location = NULL, *extensions = NULL, *rework = NULL;
  GtkWidget *child;
  double lon, lat;
  int row = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->facts))))
    gtk_grid_remove (self->facts, child);
  changed = g_strdup_printf (_("%s at %s (version %u)"),
                             pano_incident_record_get_updated_by (r)
                             ? pano_incident_record_get_updated_by (r) : "—",
                             pano_format_clock_time (pano_incident_record_get_updated_ms (r)),
                             (guint) pano_incident_record_get_version (r));
  if (pano_incident_record_get_location (r, &lon, &lat))
    location = pano_format_lonlat (lon, lat);
  if (pano_incident_record_get_n_extensions (r) > 0)
    extensions = g_strdup_printf ("%u", pano_incident_record_get_n_extensions (r));
  if (pano_incident_record_get_rework (r) > 0)
    rework = g_strdup_printf ("%u", pano_incident_record_get_rework (r));
  add_fact (self, &row, _("Category"), pano_incident_record_get_category (r));
  add_fact (self, &row, _("Severity"), severity);
  add_fact (self, &row, _("Source"), pano_format_source (pano_incident_record_get_source (r)));
  add_fact (self, &row, C_("time", "Reported"), reported);
  add_fact (self, &row, _("Location"), location);
  add_fact (self, &row, _("Description"), pano_incident_record_get_description (r));
  add_fact (self, &row, _("Reason"), pano_incident_record_get_reason (r));
  add_fact (self, &row, _("Extensions"), extensions);
  add_fact (self, &row, _("Rework"), rework);
  add_fact (self, &row, _("From alert"), pano_incident_record_get_alert (r));
  add_fact (self, &row, _("Last change"), changed);
}

static void
show_clock (PanoIncidentCard *self)
{
  static const char * const classes[] = { "clock-none", "clock-ok", "clock-due", "clock-overdue" };
  PanoStageClock clock;
  g_autofree char *text = NULL;

  pano_incident_record_get_clock (self->record, g_get_real_time () / 1000, &clock);
  text = pano_format_stage_clock (&clock);
  gtk_label_set_label (self->clock_label, text);
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->clock_label), classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->clock_label), pano_format_clock_css (clock.state));
}

static void
show_record (PanoIncidentCard *self)
{
  PanoIncidentRecord *r = self->record;
  g_autofree char *title = g_strdup_printf ("%s  %s", pano_incident_record_get_id (r),
                                            pano_incident_record_get_title (r));
  gboolean new_version = pano_incident_record_get_version (r) != self->timeline_version;

  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->status_label, pano_format_status (pano_incident_record_get_status (r)));
  show_clock (self);
  show_path (self);
  show_facts (self);
  pano_incident_card_show_units (self);
  pano_incident_card_show_nearby (self);
  pano_incident_card_show_related (self);
  pano_incident_card_update_actions (self);
  if (new_version)
    pano_incident_card_fetch_timeline (self);
  if (pano_incident_record_get_version (r) != self->recommended_version)
    pano_incident_card_fetch_recommendations (self);
}

static void
follow (PanoIncidentCard *self)
{
  PanoIncidentRecord *now = self->model ? pano_incident_model_lookup (self->model, self->id)
                                        : NULL;

  if (now == NULL || now == self->record)
    return;
  g_set_object (&self->record, now);
  show_record (self);
}

static void
on_model_changed (GListModel       *model,
                  guint             position,
                  guint             removed,
                  guint             added,
                  PanoIncidentCard *self)
{
  if (self->id != NULL)
    follow (self);
}

static gboolean
on_tick (gpointer user_data)
{
  PanoIncidentCard *self = user_data;

  if (self->record == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return G_SOURCE_CONTINUE;
  show_clock (self);
  if (++self->ticks % RECOMMEND_EVERY_TICKS == 0)
    pano_incident_card_fetch_recommendations (self);
  return G_SOURCE_CONTINUE;
}

/* ---- the widget ---- */

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  g_signal_emit (widget, signals[BACK], 0);
}

static void
command_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PanoIncidentCard *self = PANO_INCIDENT_CARD (widget);

  if (self->id != NULL)
    g_signal_emit (widget, signals[COMMAND], 0, self->id);
}

static void
recommend_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  pano_incident_card_fetch_recommendations (PANO_INCIDENT_CARD (widget));
}

static void
pano_incident_card_dispose (GObject *object)
{
  PanoIncidentCard *self = PANO_INCIDENT_CARD (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  g_clear_object (&self->client);
  g_clear_object (&self->store);
  g_clear_object (&self->facilities);
  g_clear_object (&self->record);
  g_clear_object (&self->pending);
  g_clear_pointer (&self->recommendations, json_object_unref);
  g_clear_pointer (&self->timeline, json_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), PANO_TYPE_INCIDENT_CARD);
  G_OBJECT_CLASS (pano_incident_card_parent_class)->dispose (object);
}

static void
pano_incident_card_finalize (GObject *object)
{
  PanoIncidentCard *self = PANO_INCIDENT_CARD (object);

  g_free (self->id);
  g_free (self->role);
  g_hash_table_unref (self->buttons);
  g_hash_table_unref (self->chosen);
  g_ptr_array_unref (self->routes);
  G_OBJECT_CLASS (pano_incident_card_parent_class)->finalize (object);
}

static void
install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "card.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "card.recommend", NULL, recommend_action);
  gtk_widget_class_install_action (widget_class, "card.command", NULL, command_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "card.back", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (action_specs); i++)
    {
      g_autofree char *name = g_strconcat ("card.", action_specs[i].name, NULL);

      gtk_widget_class_install_action (widget_class, name, NULL, run_action);
      gtk_widget_class_add_binding_action (widget_class, action_specs[i].key, GDK_ALT_MASK,
                                           name, NULL);
    }
}

static void
pano_incident_card_class_init (PanoIncidentCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pano_incident_card_dispose;
  object_class->finalize = pano_incident_card_finalize;

  signals[BACK] = g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                NULL, NULL, G_TYPE_NONE, 0);
  /* A level of the grid path was clicked: its code prefix. */
  signals[SCOPE] = g_signal_new ("scope", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* A related incident was chosen: its id. */
  signals[OPEN] = g_signal_new ("open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* The routes to draw changed (pano_incident_card_get_routes()). */
  signals[ROUTES_CHANGED] = g_signal_new ("routes-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  /* 战时指挥 was asked for on the shown incident: its id. */
  signals[COMMAND] = g_signal_new ("command", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/panorama/Panorama/ui/pano-incident-card.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "incidentcard");
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentCard, box);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentCard, status_label);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentCard, clock_label);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentCard, path_box);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentCard, actions_box);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentCard, result_box);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentCard, result_spinner);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentCard, result_label);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentCard, facts);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentCard, units_list);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentCard, recommend_title);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentCard, recommend_list);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentCard, timeline_list);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentCard, nearby_list);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentCard, related_list);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentCard, command_button);
  install_actions (widget_class);
}

static void
add_buttons (PanoIncidentCard *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (action_specs); i++)
    {
      g_autofree char *action = g_strconcat ("card.", action_specs[i].name, NULL);
      GtkWidget *button = gtk_button_new_with_label (action_label (&action_specs[i]));

      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
      if (g_str_equal (action_specs[i].name, "cancel") ||
          g_str_equal (action_specs[i].name, "return"))
        gtk_widget_add_css_class (button, "destructive-action");
      gtk_flow_box_append (self->actions_box, button);
      g_hash_table_insert (self->buttons, (gpointer) action_specs[i].name, button);
    }
}

static void
pano_incident_card_init (PanoIncidentCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->buttons = g_hash_table_new (g_str_hash, g_str_equal);
  self->chosen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) pano_route_free);
  self->cancellable = g_cancellable_new ();
  self->timeline_version = self->recommended_version = -1;
  add_buttons (self);
  pano_incident_card_update_actions (self);
  self->tick_id = g_timeout_add (TICK_MS, on_tick, self);
}

/* ---- public ---- */

void
pano_incident_card_set_context (PanoIncidentCard  *self,
                                PanoIncidentModel *model,
                                PanoHubClient     *client,
                                PanoLiveStore     *store)
{
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_set_object (&self->model, model);
  g_set_object (&self->client, client);
  g_set_object (&self->store, store);
  if (model != NULL)
    g_signal_connect (model, "items-changed", G_CALLBACK (on_model_changed), self);
}

/**
 * pano_incident_card_set_until:
 * @until_ms: the replayed time (ms since 1970), or 0 for live
 *
 * While replaying (复盘), the timeline lists the entries up to @until_ms only.
 */
void
pano_incident_card_set_until (PanoIncidentCard *self,
                              gint64            until_ms)
{
  if (self->until_ms == until_ms)
    return;
  self->until_ms = until_ms;
  if (self->id != NULL && self->client != NULL)
    pano_incident_card_fetch_timeline (self);
}

/* The base map's facilities (cameras, hospitals, …) for the "nearby" list. */
void
pano_incident_card_set_facilities (PanoIncidentCard *self,
                                   PanoGisLayer     *facilities)
{
  g_set_object (&self->facilities, facilities);
}

/* The role the hub gave the token: a viewer sees the actions disabled, with the reason. */
void
pano_incident_card_set_role (PanoIncidentCard *self,
                             const char       *role)
{
  g_free (self->role);
  self->role = g_strdup (role);
  pano_incident_card_update_actions (self);
}

/* Opens the card on incident @incident (or closes it with %NULL). */
void
pano_incident_card_show (PanoIncidentCard *self,
                         const char       *incident)
{
  if (g_strcmp0 (self->id, incident) == 0)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_free (self->id);
  self->id = g_strdup (incident);
  g_clear_object (&self->record);
  g_clear_object (&self->pending);
  g_hash_table_remove_all (self->chosen);
  self->timeline_version = self->recommended_version = -1;
  show_result (self, NULL, FALSE, NULL);
  pano_incident_card_clear_sections (self);
  if (incident != NULL)
    follow (self);
  pano_incident_card_update_actions (self);
}

const char *
pano_incident_card_get_incident (PanoIncidentCard *self)
{
  return self->id;
}

/* Returns: (transfer none) (nullable): the state the card shows */
PanoIncidentRecord *
pano_incident_card_get_record (PanoIncidentCard *self)
{
  return self->record;
}

/* Returns: (transfer none) (element-type PanoRoute): the routes of assigned and recommended
 *   units, from the last ranking */
GPtrArray *
pano_incident_card_get_routes (PanoIncidentCard *self)
{
  return self->routes;
}

/* Returns: the words under the actions: sending, done, or why the hub refused */
const char *
pano_incident_card_get_result (PanoIncidentCard *self)
{
  return gtk_widget_get_visible (self->result_box) ? gtk_label_get_label (self->result_label)
                                                   : NULL;
}

/* Returns: (transfer none): the button of @action ("accept", "dispatch", …) */
GtkWidget *
pano_incident_card_get_button (PanoIncidentCard *self,
                               const char       *action)
{
  return g_hash_table_lookup (self->buttons, action);
}

/* Returns: (transfer none): the button that asks for 战时指挥 on the shown incident */
GtkWidget *
pano_incident_card_get_command_button (PanoIncidentCard *self)
{
  return self->command_button;
}

/* Returns: (transfer none) (nullable): the command waiting for the hub's answer */
PanoCommand *
pano_incident_card_get_pending (PanoIncidentCard *self)
{
  return self->pending;
}

void
pano_route_free (PanoRoute *route)
{
  g_free (route->unit);
  g_array_unref (route->lonlat);
  g_free (route);
}

void
pano_incident_card_emit_routes_changed (PanoIncidentCard *self)
{
  g_signal_emit (self, signals[ROUTES_CHANGED], 0);
}

void
pano_incident_card_emit_open (PanoIncidentCard *self,
                              const char       *id)
{
  g_signal_emit (self, signals[OPEN], 0, id);
}
