// SPDX-License-Identifier: GPL-3.0-or-later
/* 平时 / 战时: routine supervision and emergency command. One key (F12), or the card's
 * 战时指挥 button, lays the console out around one incident: the map on it, its card in the
 * operations pane, the board of its units by ETA with the clock since command started floating
 * over the map, the sidebar folded away. Everything that changes is written down first and put
 * back exactly on leaving: the map's centre and zoom, both panes, the pages they showed, the open
 * card, the scope and the keyboard focus. A badge (平时, or 战时 with the incident and the
 * clock) is always in sight: in the header bar, and over the map when wall mode hides the header.
 * 战时 belongs to this console only; other desks and the hub are not told (docs/operations.md). */
#define G_LOG_DOMAIN "panorama-app"

#include "pano-window-private.h"
#include "pano-command-board.h"
#include "pano-format.h"

#include <glib/gi18n.h>

#define TICK_MS 1000
#define RANK_EVERY_TICKS 10         /* ETAs from the hub's ranking, more often than the card's */

/* What 平时 looked like when 战时 started. */
typedef struct
{
  double latitude, longitude, zoom;
  gboolean sidebar, ops;
  char *side_page;
  char *ops_page;
  char *incident_page;
  char *card_incident;
  char *selected;                   /* in the queue */
  char *scope;
  GtkWidget *focus;                 /* weak */
} Saved;

struct _PanoCommandMode
{
  char *incident;                   /* under command; NULL in 平时 */
  gint64 since_us;
  gboolean told_over;
  AdwToast *over_toast;             /* weak: the one that said so, gone with 战时 */
  guint ticks;
  guint tick_id;
  Saved saved;
  GtkWidget *header_badge;
  GtkWidget *map_badge;             /* when the header bar is hidden (wall mode) */
  GtkWidget *column;                /* over the map: the map badge, then the board */
  PanoCommandBoard *board;
};

static void
saved_clear (Saved *saved)
{
  g_clear_pointer (&saved->side_page, g_free);
  g_clear_pointer (&saved->ops_page, g_free);
  g_clear_pointer (&saved->incident_page, g_free);
  g_clear_pointer (&saved->card_incident, g_free);
  g_clear_pointer (&saved->selected, g_free);
  g_clear_pointer (&saved->scope, g_free);
  g_clear_weak_pointer (&saved->focus);
}

/* ---- the badge ---- */

static char *
badge_text (PanoWindow *self)
{
  PanoCommandMode *mode = self->command;
  g_autofree char *clock = NULL;

  if (mode->incident == NULL)
    return g_strdup (_("Routine"));
  clock = pano_command_board_format_clock ((g_get_monotonic_time () - mode->since_us) /
                                           G_USEC_PER_SEC);
  return g_strdup_printf (_("Emergency · %s · %s"), mode->incident, clock);
}

static void
style_badge (GtkWidget *badge,
             gboolean   emergency)
{
  gtk_widget_add_css_class (badge, emergency ? "emergency" : "routine");
  gtk_widget_remove_css_class (badge, emergency ? "routine" : "emergency");
}

static void
update_badges (PanoWindow *self)
{
  PanoCommandMode *mode = self->command;
  g_autofree char *text = badge_text (self);

  gtk_button_set_label (GTK_BUTTON (mode->header_badge), text);
  gtk_label_set_label (GTK_LABEL (mode->map_badge), text);
  style_badge (mode->header_badge, mode->incident != NULL);
  style_badge (mode->map_badge, mode->incident != NULL);
  gtk_widget_set_tooltip_text (mode->header_badge,
                               mode->incident
                               ? _("Emergency command on this incident: F12 goes back to routine")
                               : _("Routine supervision: F12 on an open incident starts "
                                   "emergency command"));
}

static void
on_header_visible (GtkWidget  *header,
                   GParamSpec *pspec,
                   PanoWindow *self)
{
  if (self->command != NULL)
    gtk_widget_set_visible (self->command->map_badge, !gtk_widget_get_visible (header));
}

/* ---- while in command ---- */

static void
check_over (PanoWindow *self)
{
  PanoCommandMode *mode = self->command;
  PanoIncidentRecord *record = self->incidents
                               ? pano_incident_model_lookup (self->incidents, mode->incident)
                               : NULL;
  g_autofree char *message = NULL;

  if (mode->told_over || record == NULL || !pano_incident_record_is_final (record))
    return;
  mode->told_over = TRUE;
  message = g_strdup_printf (_("%s is over (%s). Emergency command stays on screen until you go "
                               "back to routine (F12)."),
                             mode->incident,
                             pano_format_status (pano_incident_record_get_status (record)));
  g_set_weak_pointer (&mode->over_toast, pano_window_notify (self, message, TRUE));
}

static gboolean
on_tick (gpointer user_data)
{
  PanoWindow *self = user_data;
  PanoCommandMode *mode = self->command;

  update_badges (self);
  check_over (self);
  /* Fresh road ETAs of the units on the way, while the card shows the incident. */
  if (++mode->ticks % RANK_EVERY_TICKS == 0 &&
      g_strcmp0 (pano_incident_card_get_incident (self->card), mode->incident) == 0)
    gtk_widget_activate_action (GTK_WIDGET (self->card), "card.recommend", NULL);
  return G_SOURCE_CONTINUE;
}

/* ---- entering and leaving ---- */

static void
save_view (PanoWindow *self,
           Saved      *saved)
{
  ShumateViewport *viewport = shumate_map_get_viewport (self->map);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  PanoIncidentRecord *selected = pano_incident_queue_get_selected (self->queue);

  saved->latitude = shumate_location_get_latitude (SHUMATE_LOCATION (viewport));
  saved->longitude = shumate_location_get_longitude (SHUMATE_LOCATION (viewport));
  saved->zoom = shumate_viewport_get_zoom_level (viewport);
  saved->sidebar = adw_flap_get_reveal_flap (self->flap);
  saved->ops = adw_flap_get_reveal_flap (self->ops_flap);
  saved->side_page = g_strdup (adw_view_stack_get_visible_child_name (self->side_stack));
  saved->ops_page = g_strdup (adw_view_stack_get_visible_child_name (self->ops_stack));
  saved->incident_page = g_strdup (gtk_stack_get_visible_child_name (self->incident_stack));
  saved->card_incident = g_strdup (pano_incident_card_get_incident (self->card));
  saved->selected = selected ? g_strdup (pano_incident_record_get_id (selected)) : NULL;
  saved->scope = g_strdup (pano_window_get_scope (self));
  g_set_weak_pointer (&saved->focus, focus);
}

static void
restore_view (PanoWindow *self,
              Saved      *saved)
{
  ShumateViewport *viewport = shumate_map_get_viewport (self->map);

  /* The card and what it fades and draws on the map, then the scope: both may move the map,
   * which is put back last. */
  if (saved->card_incident == NULL)
    pano_window_close_incident (self);
  else if (g_strcmp0 (pano_incident_card_get_incident (self->card), saved->card_incident) != 0)
    pano_window_open_incident (self, saved->card_incident);
  if (g_strcmp0 (pano_window_get_scope (self), saved->scope) != 0)
    pano_window_set_scope (self, saved->scope);
  /* a change to the selected incident meanwhile replaced its row, and the selection with it */
  if (saved->selected != NULL)
    pano_incident_queue_select (self->queue, saved->selected);
  if (saved->side_page != NULL)
    adw_view_stack_set_visible_child_name (self->side_stack, saved->side_page);
  if (saved->ops_page != NULL)
    adw_view_stack_set_visible_child_name (self->ops_stack, saved->ops_page);
  if (saved->incident_page != NULL)
    gtk_stack_set_visible_child_name (self->incident_stack, saved->incident_page);
  adw_flap_set_reveal_flap (self->flap, saved->sidebar);
  adw_flap_set_reveal_flap (self->ops_flap, saved->ops);
  /* a scope zooms there in flight; the map lands where it was instead */
  shumate_map_stop_go_to (self->map);
  shumate_viewport_set_zoom_level (viewport, saved->zoom);
  shumate_location_set_location (SHUMATE_LOCATION (viewport), saved->latitude, saved->longitude);
  if (saved->focus != NULL)
    gtk_widget_grab_focus (saved->focus);
}

/* Returns: (nullable): the incident 战时 would be about: the open card's, else the queue's
 *   selected one */
static const char *
chosen_incident (PanoWindow *self)
{
  PanoIncidentRecord *selected;

  if (self->incidents == NULL)
    return NULL;
  if (pano_incident_card_get_incident (self->card) != NULL &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->incident_stack), "card") == 0)
    return pano_incident_card_get_incident (self->card);
  selected = pano_incident_queue_get_selected (self->queue);
  return selected ? pano_incident_record_get_id (selected) : NULL;
}

/**
 * pano_window_enter_command:
 * @incident: the incident to take command of
 *
 * From 平时: lays the console out around @incident (战时). In 战时 already, nothing happens.
 */
void
pano_window_enter_command (PanoWindow *self,
                           const char *incident)
{
  PanoCommandMode *mode;

  g_return_if_fail (PANO_IS_WINDOW (self));
  g_return_if_fail (incident != NULL);

  mode = self->command;
  if (mode == NULL || mode->incident != NULL || self->incidents == NULL)
    return;
  /* Command is live by nature: an incident chosen in 复盘 is commanded as it is now. */
  pano_window_leave_replay (self);
  save_view (self, &mode->saved);
  mode->incident = g_strdup (incident);
  mode->since_us = g_get_monotonic_time ();
  mode->told_over = FALSE;
  mode->ticks = 0;
  /* the map, the card and the operations pane: the same as opening the card (and no flight
   * still under way to take the map elsewhere) */
  shumate_map_stop_go_to (self->map);
  pano_window_open_incident (self, mode->incident);
  adw_flap_set_reveal_flap (self->flap, FALSE);
  pano_command_board_start (mode->board, self->card, mode->incident, mode->since_us);
  gtk_widget_set_visible (GTK_WIDGET (mode->board), TRUE);
  gtk_widget_set_visible (pano_incident_card_get_command_button (self->card), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self), "emergency-command");
  mode->tick_id = g_timeout_add (TICK_MS, on_tick, self);
  update_badges (self);
  check_over (self);
  g_debug ("战时 on %s", mode->incident);
}

/* Back to 平时: the console exactly as it was before 战时. */
void
pano_window_leave_command (PanoWindow *self)
{
  PanoCommandMode *mode;

  g_return_if_fail (PANO_IS_WINDOW (self));

  mode = self->command;
  if (mode == NULL || mode->incident == NULL)
    return;
  g_clear_handle_id (&mode->tick_id, g_source_remove);
  pano_command_board_stop (mode->board);
  gtk_widget_set_visible (GTK_WIDGET (mode->board), FALSE);
  gtk_widget_set_visible (pano_incident_card_get_command_button (self->card), TRUE);
  gtk_widget_remove_css_class (GTK_WIDGET (self), "emergency-command");
  g_clear_pointer (&mode->incident, g_free);
  if (mode->over_toast != NULL)
    adw_toast_dismiss (mode->over_toast);
  g_clear_weak_pointer (&mode->over_toast);
  restore_view (self, &mode->saved);
  saved_clear (&mode->saved);
  update_badges (self);
  g_debug ("平时");
}

/* Returns: (nullable): the incident under 战时, %NULL in 平时 */
const char *
pano_window_get_command (PanoWindow *self)
{
  return self->command ? self->command->incident : NULL;
}

/* Returns: (transfer none): the badge's words as shown in the header bar */
const char *
pano_window_get_mode_badge (PanoWindow *self)
{
  return gtk_button_get_label (GTK_BUTTON (self->command->header_badge));
}

/* Returns: (transfer none): the board of the incident's units shown in 战时 */
PanoCommandBoard *
pano_window_get_command_board (PanoWindow *self)
{
  return self->command->board;
}

static void
command_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PanoWindow *self = PANO_WINDOW (widget);
  const char *incident;

  if (self->command->incident != NULL)
    {
      pano_window_leave_command (self);
      return;
    }
  incident = chosen_incident (self);
  if (incident == NULL)
    {
      pano_window_notify (self, self->incidents == NULL
                                ? _("Emergency command needs a hub: start the console with "
                                    "--hub URL --token TOKEN.")
                                : _("Open an incident’s card, or select it in the queue, then "
                                    "press F12 for emergency command."), FALSE);
      return;
    }
  pano_window_enter_command (self, incident);
}

static void
on_card_command (PanoIncidentCard *card,
                 const char       *incident,
                 PanoWindow       *self)
{
  pano_window_enter_command (self, incident);
}

static void
on_board_leave (PanoCommandBoard *board,
                PanoWindow       *self)
{
  pano_window_leave_command (self);
}

/* ---- set up and tear down ---- */

static GtkWidget *
build_column (PanoWindow *self)
{
  PanoCommandMode *mode = self->command;
  GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  gtk_widget_set_halign (column, GTK_ALIGN_END);
  gtk_widget_set_valign (column, GTK_ALIGN_START);
  gtk_widget_set_margin_top (column, 8);
  gtk_widget_set_margin_end (column, 8);
  gtk_widget_set_margin_bottom (column, 8);
  mode->map_badge = gtk_label_new (NULL);
  gtk_widget_set_halign (mode->map_badge, GTK_ALIGN_END);
  gtk_widget_add_css_class (mode->map_badge, "mode-badge");
  gtk_widget_set_visible (mode->map_badge, FALSE);
  gtk_box_append (GTK_BOX (column), mode->map_badge);
  mode->board = PANO_COMMAND_BOARD (pano_command_board_new ());
  gtk_widget_set_visible (GTK_WIDGET (mode->board), FALSE);
  gtk_widget_set_vexpand (GTK_WIDGET (mode->board), TRUE);
  gtk_box_append (GTK_BOX (column), GTK_WIDGET (mode->board));
  g_signal_connect_object (mode->board, "leave", G_CALLBACK (on_board_leave), self, 0);
  return column;
}

void
pano_window_setup_command (PanoWindow *self)
{
  PanoCommandMode *mode = g_new0 (PanoCommandMode, 1);

  self->command = mode;
  mode->header_badge = gtk_button_new_with_label ("");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (mode->header_badge), "win.command");
  gtk_widget_add_css_class (mode->header_badge, "mode-badge");
  adw_header_bar_pack_start (ADW_HEADER_BAR (self->header_bar), mode->header_badge);
  mode->column = build_column (self);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->map_overlay), mode->column);
  g_signal_connect_object (self->header_bar, "notify::visible", G_CALLBACK (on_header_visible),
                           self, 0);
  g_signal_connect_object (self->card, "command", G_CALLBACK (on_card_command), self, 0);
  update_badges (self);
}

void
pano_window_clear_command (PanoWindow *self)
{
  PanoCommandMode *mode = self->command;

  if (mode == NULL)
    return;
  g_clear_handle_id (&mode->tick_id, g_source_remove);
  if (mode->board != NULL)
    pano_command_board_stop (mode->board);
  g_clear_pointer (&mode->incident, g_free);
  g_clear_weak_pointer (&mode->over_toast);
  saved_clear (&mode->saved);
  g_clear_pointer (&self->command, g_free);
}

void
pano_window_class_install_command_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.command", NULL, command_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F12, 0, "win.command", NULL);
}
