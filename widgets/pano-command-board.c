// SPDX-License-Identifier: GPL-3.0-or-later
/* The 战时 board: what an operator in emergency command watches beside the incident card. The
 * clock since command was started, the incident's stage (and, loudly, when it is over), and the
 * units assigned to it, soonest first by road ETA, with their live status. Everything is read
 * from the card, which already follows the incident, the hub's ranking and the live units; the
 * board only orders it and keeps it in front. */
#define G_LOG_DOMAIN "panorama-widgets"

#include "pano-command-board.h"
#include "pano-format.h"

#include <glib/gi18n-lib.h>

#define TICK_MS 1000
#define MAX_CHARS 34          /* in characters, so the board grows with the wall's text */

struct _PanoCommandBoard
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkLabel *title_label;
  GtkLabel *clock_label;
  GtkLabel *state_label;
  GtkListBox *units_list;

  PanoIncidentCard *card;
  char *incident;
  gint64 since_us;
  guint tick_id;
  char *shown;                /* the rows' words as last built, to build only on a change */
  GPtrArray *texts;           /* each row's words, for tests and screen readers */
};

G_DEFINE_FINAL_TYPE (PanoCommandBoard, pano_command_board, GTK_TYPE_WIDGET)

enum {
  LEAVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * pano_command_board_format_clock:
 *
 * Returns: (transfer full): a running clock, "04:09" under an hour, "1:02:09" above
 */
char *
pano_command_board_format_clock (gint64 seconds)
{
  seconds = MAX (seconds, 0);
  if (seconds < 3600)
    return g_strdup_printf ("%02d:%02d", (int) (seconds / 60), (int) (seconds % 60));
  return g_strdup_printf ("%d:%02d:%02d", (int) (seconds / 3600), (int) (seconds % 3600 / 60),
                          (int) (seconds % 60));
}

/* ---- the units ---- */

typedef struct
{
  gint64 order;               /* on scene first, then by ETA, unknown last */
  char *title;
  char *subtitle;
  gboolean warn;
} Line;

static void
line_clear (Line *line)
{
  g_free (line->title);
  g_free (line->subtitle);
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  const Line *x = a, *y = b;

  return x->order < y->order ? -1 : x->order > y->order ? 1 : g_strcmp0 (x->title, y->title);
}

static void
describe_unit (PanoIncidentCard       *card,
               const PanoIncidentUnit *unit,
               gboolean                over,
               Line                   *line)
{
  const char *status = pano_incident_card_unit_status (card, unit->id);
  gint64 eta_s = 0;
  g_autofree char *when = NULL;

  line->title = g_strdup_printf ("%s · %s", unit->id,
                                 pano_incident_card_get_unit_kind (card, unit->id));
  line->warn = !unit->acknowledged;
  if (unit->on_scene_ms)
    {
      g_autofree char *at = pano_format_clock_time (unit->on_scene_ms);

      line->order = -1;
      when = g_strdup_printf (_("on scene since %s"), at);
    }
  else if (over)
    {
      /* the last ranking's ETA would be of a drive that no longer happens */
      line->order = G_MAXINT64;
      when = g_strdup (_("no longer on the way"));
    }
  else if (pano_incident_card_get_unit_eta (card, unit->id, &eta_s))
    {
      g_autofree char *eta = pano_format_duration (eta_s);

      line->order = eta_s;
      when = g_strdup_printf (_("ETA %s"), eta);
    }
  else
    {
      line->order = G_MAXINT64;
      when = g_strdup (_("ETA not known yet"));
    }
  line->subtitle = g_strdup_printf ("%s · %s%s", status, when,
                                    unit->acknowledged ? "" : _(" · not acknowledged yet"));
}

static GtkWidget *
build_row (const char *title,
           const char *subtitle,
           gboolean    warn)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *first = gtk_label_new (title);
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_label_set_xalign (GTK_LABEL (first), 0);
  gtk_label_set_wrap (GTK_LABEL (first), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (first), MAX_CHARS);
  gtk_box_append (GTK_BOX (box), first);
  if (subtitle != NULL)
    {
      GtkWidget *second = gtk_label_new (subtitle);

      gtk_label_set_xalign (GTK_LABEL (second), 0);
      gtk_label_set_wrap (GTK_LABEL (second), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (second), MAX_CHARS);
      gtk_widget_add_css_class (second, warn ? "warning" : "dim-label");
      gtk_box_append (GTK_BOX (box), second);
    }
  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static void
show_lines (PanoCommandBoard *self,
            GArray           *lines,
            gboolean          followed)
{
  g_autoptr(GString) words = g_string_new (NULL);
  GtkWidget *child;

  for (guint i = 0; i < lines->len; i++)
    {
      Line *line = &g_array_index (lines, Line, i);

      g_string_append_printf (words, "%s\n%s\n%d\n", line->title, line->subtitle, line->warn);
    }
  g_string_append_printf (words, "%d", followed);
  if (g_strcmp0 (words->str, self->shown) == 0)
    return;
  g_free (self->shown);
  self->shown = g_strdup (words->str);
  g_ptr_array_set_size (self->texts, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->units_list))))
    gtk_list_box_remove (self->units_list, child);
  for (guint i = 0; i < lines->len; i++)
    {
      Line *line = &g_array_index (lines, Line, i);

      gtk_list_box_append (self->units_list, build_row (line->title, line->subtitle, line->warn));
      g_ptr_array_add (self->texts, g_strdup_printf ("%s\n%s", line->title, line->subtitle));
    }
  if (lines->len == 0)
    {
      GtkWidget *row = build_row (followed ? _("No unit assigned yet: dispatch from the card.")
                                           : _("Open the incident’s card to see its units."),
                                  NULL, FALSE);

      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (self->units_list, row);
    }
}

static void
show_units (PanoCommandBoard *self)
{
  PanoIncidentRecord *record = pano_incident_card_get_record (self->card);
  g_autoptr(GArray) lines = g_array_new (FALSE, TRUE, sizeof (Line));

  g_array_set_clear_func (lines, (GDestroyNotify) line_clear);
  /* The card may show another incident (a related one opened from it): then no units here. */
  if (record != NULL && g_strcmp0 (pano_incident_record_get_id (record), self->incident) != 0)
    record = NULL;
  for (guint i = 0; record && i < pano_incident_record_get_n_units (record); i++)
    {
      Line line = { 0, };

      describe_unit (self->card, pano_incident_record_get_unit (record, i),
                     pano_incident_record_is_final (record), &line);
      g_array_append_val (lines, line);
    }
  g_array_sort (lines, compare_lines);
  show_lines (self, lines, record != NULL);
}

/* ---- the incident and the clock ---- */

static void
show_state (PanoCommandBoard *self)
{
  PanoIncidentRecord *record = pano_incident_card_get_record (self->card);
  g_autofree char *text = NULL;

  if (record == NULL || g_strcmp0 (pano_incident_record_get_id (record), self->incident) != 0)
    return;
  if (pano_incident_record_is_final (record))
    text = g_strdup_printf (_("%s: this incident is over. The view stays until you go back to "
                              "routine."),
                            pano_format_status (pano_incident_record_get_status (record)));
  else
    text = g_strdup_printf (_("Stage: %s"),
                            pano_format_status (pano_incident_record_get_status (record)));
  gtk_label_set_label (self->state_label, text);
  if (pano_incident_record_is_final (record))
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "error");
}

static void
show_clock (PanoCommandBoard *self)
{
  g_autofree char *clock = pano_command_board_format_clock (
    (g_get_monotonic_time () - self->since_us) / G_USEC_PER_SEC);

  gtk_label_set_label (self->clock_label, clock);
}

static void
refresh (PanoCommandBoard *self)
{
  if (self->incident == NULL)
    return;
  show_clock (self);
  show_state (self);
  show_units (self);
}

static gboolean
on_tick (gpointer user_data)
{
  refresh (user_data);
  return G_SOURCE_CONTINUE;
}

static void
on_card_changed (PanoIncidentCard *card,
                 PanoCommandBoard *self)
{
  refresh (self);
}

/* ---- the widget ---- */

static void
leave_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  g_signal_emit (widget, signals[LEAVE], 0);
}

static void
pano_command_board_dispose (GObject *object)
{
  PanoCommandBoard *self = PANO_COMMAND_BOARD (object);

  pano_command_board_stop (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), PANO_TYPE_COMMAND_BOARD);
  G_OBJECT_CLASS (pano_command_board_parent_class)->dispose (object);
}

static void
pano_command_board_finalize (GObject *object)
{
  PanoCommandBoard *self = PANO_COMMAND_BOARD (object);

  g_free (self->shown);
  g_ptr_array_unref (self->texts);
  G_OBJECT_CLASS (pano_command_board_parent_class)->finalize (object);
}

static void
pano_command_board_class_init (PanoCommandBoardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pano_command_board_dispose;
  object_class->finalize = pano_command_board_finalize;

  /* "Back to routine" was pressed. */
  signals[LEAVE] = g_signal_new ("leave", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/panorama/Panorama/ui/pano-command-board.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "commandboard");
  gtk_widget_class_bind_template_child (widget_class, PanoCommandBoard, box);
  gtk_widget_class_bind_template_child (widget_class, PanoCommandBoard, title_label);
  gtk_widget_class_bind_template_child (widget_class, PanoCommandBoard, clock_label);
  gtk_widget_class_bind_template_child (widget_class, PanoCommandBoard, state_label);
  gtk_widget_class_bind_template_child (widget_class, PanoCommandBoard, units_list);
  gtk_widget_class_install_action (widget_class, "board.leave", NULL, leave_action);
}

static void
pano_command_board_init (PanoCommandBoard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->texts = g_ptr_array_new_with_free_func (g_free);
}

GtkWidget *
pano_command_board_new (void)
{
  return g_object_new (PANO_TYPE_COMMAND_BOARD, NULL);
}

/**
 * pano_command_board_start:
 * @since_us: when command started, in g_get_monotonic_time()'s clock
 *
 * Shows @incident as @card follows it, until pano_command_board_stop().
 */
void
pano_command_board_start (PanoCommandBoard *self,
                          PanoIncidentCard *card,
                          const char       *incident,
                          gint64            since_us)
{
  g_autofree char *title = NULL;

  g_return_if_fail (PANO_IS_COMMAND_BOARD (self));
  g_return_if_fail (PANO_IS_INCIDENT_CARD (card));

  pano_command_board_stop (self);
  self->card = g_object_ref (card);
  self->incident = g_strdup (incident);
  self->since_us = since_us;
  /* a new ranking (ETAs) and the card's own changes both end in routes-changed */
  g_signal_connect_object (card, "routes-changed", G_CALLBACK (on_card_changed), self, 0);
  title = g_strdup_printf (_("Emergency command · %s"), incident);
  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->state_label, "");
  self->tick_id = g_timeout_add (TICK_MS, on_tick, self);
  refresh (self);
}

void
pano_command_board_stop (PanoCommandBoard *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->card != NULL)
    g_signal_handlers_disconnect_by_data (self->card, self);
  g_clear_object (&self->card);
  g_clear_pointer (&self->incident, g_free);
  g_clear_pointer (&self->shown, g_free);
  if (self->texts != NULL)
    g_ptr_array_set_size (self->texts, 0);
}

/* Returns: (nullable): the incident under command */
const char *
pano_command_board_get_incident (PanoCommandBoard *self)
{
  return self->incident;
}

/* Returns: the clock since command started, as shown */
const char *
pano_command_board_get_clock (PanoCommandBoard *self)
{
  return gtk_label_get_label (self->clock_label);
}

/* Returns: the incident's stage as shown, or that it is over */
const char *
pano_command_board_get_state (PanoCommandBoard *self)
{
  return gtk_label_get_label (self->state_label);
}

guint
pano_command_board_get_n_units (PanoCommandBoard *self)
{
  return self->texts->len;
}

/* Returns: (transfer full): the @index-th unit's row, soonest first: "id · kind\nstatus · ETA" */
char *
pano_command_board_dup_unit_text (PanoCommandBoard *self,
                                  guint             index)
{
  g_return_val_if_fail (index < self->texts->len, NULL);
  return g_strdup (self->texts->pdata[index]);
}
