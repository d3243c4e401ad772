// SPDX-License-Identifier: GPL-3.0-or-later
/* View tours (轮巡): the window cycles through saved views (centre, zoom, visible layers,
 * scope) read from a tour file, one every interval; any operator input (a key, a click, a
 * scroll, the pointer moved more than a few pixels) pauses the tour, which goes on with the
 * next view after the idle time without input. An indicator over the map says which view shows
 * or how long the pause still lasts. "Save View to Tour…" appends what the window shows. */
#define G_LOG_DOMAIN "panorama-app"

#include "pano-window-private.h"
#include "pano-admin-tree.h"
#include "pano-live-style.h"
#include "pano-view-tour.h"

#include <glib/gi18n.h>
#include <math.h>

#define POINTER_SLACK_PX 8.0   /* a table knocked is not an operator */

/* ---- what the window shows ---- */

static const char * const *
live_names (void)
{
  return pano_live_style_get_layer_names ();
}

static void
show_live_layers (PanoWindow   *self,
                  const GStrv   names)
{
  for (guint i = 0; self->live_layers && i < self->live_layers->len; i++)
    {
      PanoLiveMapLayer *layer = g_ptr_array_index (self->live_layers, i);

      gtk_widget_set_visible (GTK_WIDGET (layer),
                              g_strv_contains ((const char * const *)names,
                                               pano_live_map_layer_get_layer (layer)));
    }
}

/* The user's GIS layers by title; the offline base map follows --tiles, not the tour. */
static void
show_user_layers (PanoWindow   *self,
                  const GStrv   titles)
{
  GListModel *model = pano_layer_stack_get_model (self->stack);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PanoStaticLayer) layer = g_list_model_get_item (model, i);

      if (layer != self->base_map)
        pano_static_layer_set_visible (layer,
                                       g_strv_contains ((const char * const *)titles,
                                                        pano_static_layer_get_title (layer)));
    }
}

static void
apply_view (PanoWindow         *self,
            const PanoTourView *view)
{
  ShumateViewport *viewport = shumate_map_get_viewport (self->map);

  /* The scope first: the breadcrumb zooms to it, and the view's own centre wins. */
  pano_window_set_scope (self, view->scope);
  shumate_map_stop_go_to (self->map);
  shumate_viewport_set_zoom_level (viewport, view->zoom);
  shumate_map_center_on (self->map, view->latitude, view->longitude);
  if (view->live_layers != NULL)
    show_live_layers (self, view->live_layers);
  if (view->user_layers != NULL)
    show_user_layers (self, view->user_layers);
  g_debug ("tour: view %u “%s”", self->tour_index + 1, view->name);
}

/**
 * pano_window_dup_view:
 * @name: what the view is called
 *
 * Returns: (transfer full): the view the window shows now: the map's centre and zoom, the live
 *   and GIS layers shown, the scope
 */
PanoTourView *
pano_window_dup_view (PanoWindow *self,
                      const char *name)
{
  ShumateViewport *viewport = shumate_map_get_viewport (self->map);
  GListModel *model = pano_layer_stack_get_model (self->stack);
  g_autoptr(GStrvBuilder) user = g_strv_builder_new ();
  PanoTourView *view = pano_tour_view_new ();

  view->name = g_strdup (name);
  view->latitude = shumate_location_get_latitude (SHUMATE_LOCATION (viewport));
  view->longitude = shumate_location_get_longitude (SHUMATE_LOCATION (viewport));
  view->zoom = shumate_viewport_get_zoom_level (viewport);
  if (self->live_layers != NULL)
    {
      g_autoptr(GStrvBuilder) live = g_strv_builder_new ();

      for (guint i = 0; i < self->live_layers->len; i++)
        if (gtk_widget_get_visible (g_ptr_array_index (self->live_layers, i)))
          g_strv_builder_add (live, pano_live_map_layer_get_layer (self->live_layers->pdata[i]));
      view->live_layers = g_strv_builder_end (live);
    }
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PanoStaticLayer) layer = g_list_model_get_item (model, i);

      if (layer != self->base_map && pano_static_layer_get_visible (layer))
        g_strv_builder_add (user, pano_static_layer_get_title (layer));
    }
  view->user_layers = g_strv_builder_end (user);
  g_free (view->scope);
  view->scope = g_strdup (pano_window_get_scope (self));
  return view;
}

/* ---- the indicator ---- */

static void
update_indicator (PanoWindow *self)
{
  g_autofree char *text = NULL;

  /* held in 战时 and 复盘, where the top right is the badge's and the board's */
  if (self->tour == NULL || !self->tour_running || pano_window_get_command (self) != NULL ||
      self->replay != NULL)
    {
      gtk_widget_set_visible (self->tour_label, FALSE);
      return;
    }
  if (self->tour_resume_at != 0)
    {
      gint64 left = self->tour_resume_at - g_get_monotonic_time ();
      int seconds = (int)MAX (1, (left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Tour paused · goes on in %d s",
                                           "Tour paused · goes on in %d s", seconds), seconds);
    }
  else
    text = g_strdup_printf (_("Tour %u/%u · %s"), self->tour_index + 1,
                            pano_view_tour_get_n_views (self->tour),
                            pano_view_tour_get_view (self->tour, self->tour_index)->name);
  gtk_label_set_label (GTK_LABEL (self->tour_label), text);
  gtk_widget_set_visible (self->tour_label, TRUE);
}

/* ---- cycling ---- */

static gboolean on_step (gpointer user_data);

/* Where the pointer rests now, so that the first movement of a hand already counts: a main
 * loop busy with a large frame sees the hand's moves merged into one event. */
static void
remember_pointer (PanoWindow *self)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (self));
  GdkSeat *seat = gdk_display_get_default_seat (gtk_widget_get_display (GTK_WIDGET (self)));
  GdkDevice *pointer = seat ? gdk_seat_get_pointer (seat) : NULL;

  self->tour_pointer_x = self->tour_pointer_y = NAN;
  /* Its answer says whether the pointer is over a child surface (on X11 never), not whether the
   * position is known: the position is filled in either way. */
  if (surface != NULL && pointer != NULL)
    gdk_surface_get_device_position (surface, pointer, &self->tour_pointer_x,
                                     &self->tour_pointer_y, NULL);
}

static void
show_view (PanoWindow *self,
           guint       index)
{
  if (isnan (self->tour_pointer_x))
    remember_pointer (self);   /* started before the window had a surface */
  /* 战时 and 复盘 hold the tour: the map stays on the incident, or on the city as it was. */
  if (pano_window_get_command (self) == NULL && self->replay == NULL)
    {
      self->tour_index = index % pano_view_tour_get_n_views (self->tour);
      apply_view (self, pano_view_tour_get_view (self->tour, self->tour_index));
    }
  g_clear_handle_id (&self->tour_step_id, g_source_remove);
  self->tour_step_id = g_timeout_add (pano_view_tour_get_interval (self->tour) * 1000, on_step,
                                      self);
  update_indicator (self);
}

static gboolean
on_step (gpointer user_data)
{
  PanoWindow *self = user_data;

  self->tour_step_id = 0;
  show_view (self, self->tour_index + 1);
  return G_SOURCE_REMOVE;
}

/* While paused: once a second for the countdown, and at the moment the pause ends. */
static gboolean
on_pause_tick (gpointer user_data)
{
  PanoWindow *self = user_data;
  gint64 left = self->tour_resume_at - g_get_monotonic_time ();

  self->tour_step_id = 0;
  if (left <= 0)
    {
      self->tour_resume_at = 0;
      g_debug ("tour: goes on after %u s without input", pano_view_tour_get_idle (self->tour));
      show_view (self, self->tour_index + 1);
      return G_SOURCE_REMOVE;
    }
  update_indicator (self);
  /* The next whole second of the countdown, or the end. */
  self->tour_step_id = g_timeout_add ((guint)MAX (1, ((left - 1) % G_USEC_PER_SEC + 1) / 1000),
                                      on_pause_tick, self);
  return G_SOURCE_REMOVE;
}

static void
pause_tour (PanoWindow *self)
{
  gboolean was_paused = self->tour_resume_at != 0;

  self->tour_resume_at = g_get_monotonic_time ()
                         + (gint64)pano_view_tour_get_idle (self->tour) * G_USEC_PER_SEC;
  if (was_paused)
    return;   /* the tick reads the new end */
  g_debug ("tour: paused by operator input");
  g_clear_handle_id (&self->tour_step_id, g_source_remove);
  on_pause_tick (self);
}

static gboolean
on_input (GtkEventControllerLegacy *controller,
          GdkEvent                 *event,
          PanoWindow               *self)
{
  double x, y;

  if (self->tour == NULL || !self->tour_running)
    return GDK_EVENT_PROPAGATE;
  switch ((int)gdk_event_get_event_type (event))
    {
    case GDK_MOTION_NOTIFY:
      if (!gdk_event_get_position (event, &x, &y))
        break;
      /* Where the pointer rests when the tour starts, or after it moved. */
      if (isnan (self->tour_pointer_x))
        {
          self->tour_pointer_x = x;
          self->tour_pointer_y = y;
          break;
        }
      if (hypot (x - self->tour_pointer_x, y - self->tour_pointer_y) <= POINTER_SLACK_PX)
        break;
      self->tour_pointer_x = x;
      self->tour_pointer_y = y;
      pause_tour (self);
      break;
    case GDK_BUTTON_PRESS:
    case GDK_KEY_PRESS:
    case GDK_SCROLL:
    case GDK_TOUCH_BEGIN:
    case GDK_TOUCHPAD_SWIPE:
    case GDK_TOUCHPAD_PINCH:
      pause_tour (self);
      break;
    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

/**
 * pano_window_set_tour_running:
 *
 * Starts the loaded tour at its first view, or stops it (the map stays where it is).
 */
void
pano_window_set_tour_running (PanoWindow *self,
                              gboolean    running)
{
  g_return_if_fail (PANO_IS_WINDOW (self));

  g_clear_handle_id (&self->tour_step_id, g_source_remove);
  self->tour_resume_at = 0;
  self->tour_running = running && self->tour != NULL;
  remember_pointer (self);
  if (self->tour_running)
    show_view (self, 0);
  else
    update_indicator (self);
}

gboolean
pano_window_get_tour_running (PanoWindow *self)
{
  return self->tour_running;
}

/* Returns: whether operator input holds the running tour */
gboolean
pano_window_get_tour_paused (PanoWindow *self)
{
  return self->tour_running && self->tour_resume_at != 0;
}

/* Returns: the index of the tour's view shown (or last shown), -1 without a tour */
int
pano_window_get_tour_view (PanoWindow *self)
{
  return self->tour ? (int)self->tour_index : -1;
}

/* Returns: (nullable): the file Save View to Tour writes to: the tour file loaded or saved last */
const char *
pano_window_get_tour_file (PanoWindow *self)
{
  return self->tour_file;
}

/* Returns: (nullable): what the indicator over the map says, %NULL while it is hidden */
const char *
pano_window_get_tour_status (PanoWindow *self)
{
  return gtk_widget_get_visible (self->tour_label)
         ? gtk_label_get_label (GTK_LABEL (self->tour_label)) : NULL;
}

/**
 * pano_window_load_tour:
 *
 * Reads the tour in @path and starts it; Save View to Tour… writes there from now on. A bad
 * file is said in the window (and on the console's log) and leaves a running tour as it was.
 *
 * Returns: %FALSE with @error naming the file, the line, the group and the key that is wrong
 */
gboolean
pano_window_load_tour (PanoWindow  *self,
                       const char  *path,
                       GError     **error)
{
  g_autoptr(GError) local = NULL;
  char *file = g_strdup (path);   /* @path may be self->tour_file itself */
  PanoViewTour *tour;

  g_return_val_if_fail (PANO_IS_WINDOW (self), FALSE);

  g_free (self->tour_file);
  self->tour_file = file;
  if ((tour = pano_view_tour_new_from_file (file, live_names (), &local)) == NULL)
    {
      pano_window_notify (self, local->message, TRUE);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_clear_object (&self->tour);
  self->tour = tour;
  pano_window_set_tour_running (self, TRUE);
  return TRUE;
}

/* ---- saving the view ---- */

/**
 * pano_window_save_view_to_tour:
 *
 * Appends the view the window shows, named @name, to the tour in @path (a new file is started);
 * the tour running from that file takes it in at once.
 *
 * Returns: %FALSE with @error naming the file and what is wrong
 */
gboolean
pano_window_save_view_to_tour (PanoWindow  *self,
                               const char  *path,
                               const char  *name,
                               GError     **error)
{
  g_autoptr(PanoTourView) view = pano_window_dup_view (self, name);
  g_autofree char *file = g_strdup (path);   /* @path may be self->tour_file itself */
  PanoViewTour *tour;

  if (!pano_view_tour_append_to_file (file, view, live_names (), error))
    return FALSE;
  g_free (self->tour_file);
  self->tour_file = g_strdup (file);
  path = file;
  if (self->tour != NULL && g_strcmp0 (pano_view_tour_get_path (self->tour), path) == 0 &&
      (tour = pano_view_tour_new_from_file (path, live_names (), NULL)) != NULL)
    {
      g_clear_object (&self->tour);
      self->tour = tour;
      update_indicator (self);
    }
  return TRUE;
}

static char *
suggest_name (PanoWindow *self)
{
  const char *scope = pano_window_get_scope (self);
  PanoAdminTree *tree = self->scope_bar ? pano_scope_bar_get_tree (self->scope_bar) : NULL;
  const char *name = tree ? pano_admin_tree_get_name (tree, scope) : NULL;

  if (name != NULL)
    return g_strdup (name);
  return g_strdup_printf (_("View at zoom %.0f"),
                          shumate_viewport_get_zoom_level (shumate_map_get_viewport (self->map)));
}

static void
on_name_response (AdwMessageDialog *dialog,
                  const char       *response,
                  PanoWindow       *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!g_str_equal (response, "save") || self->tour_file == NULL)
    return;
  if (!pano_window_save_view_to_tour (self, self->tour_file, name, &error))
    {
      pano_window_notify (self, error->message, TRUE);
      return;
    }
  message = g_strdup_printf (_("View “%s” saved to the tour %s"), name, self->tour_file);
  pano_window_notify (self, message, FALSE);
}

static void
ask_view_name (PanoWindow *self)
{
  g_autofree char *body =
    g_strdup_printf (_("The map's centre and zoom, the layers shown and the scope are added to "
                       "%s as the tour's last view."), self->tour_file);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Save View to Tour"), body);
  GtkWidget *entry = gtk_entry_new ();
  g_autofree char *name = suggest_name (self);

  gtk_editable_set_text (GTK_EDITABLE (entry), name);
  gtk_entry_set_max_length (GTK_ENTRY (entry), PANO_VIEW_TOUR_MAX_NAME);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_name_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef enum { CHOOSE_TO_SAVE, CHOOSE_TO_START } ChooseFor;

static void
on_tour_file_response (GtkNativeDialog *dialog,
                       int              response,
                       PanoWindow      *self)
{
  ChooseFor purpose = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "purpose"));
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL &&
      (path = g_file_get_path (file)) != NULL)
    {
      if (purpose == CHOOSE_TO_SAVE)
        {
          g_free (self->tour_file);
          self->tour_file = g_strdup (path);
          ask_view_name (self);
        }
      else
        pano_window_load_tour (self, path, NULL);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose_tour_file (PanoWindow *self,
                  ChooseFor   purpose)
{
  GtkFileChooserNative *dialog =
    purpose == CHOOSE_TO_SAVE
    ? gtk_file_chooser_native_new (_("Tour File to Save the View To"), GTK_WINDOW (self),
                                   GTK_FILE_CHOOSER_ACTION_SAVE, _("_Choose"), _("_Cancel"))
    : gtk_file_chooser_native_new (_("Open a Tour File"), GTK_WINDOW (self),
                                   GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));

  if (purpose == CHOOSE_TO_SAVE)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "tour.ini");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_object_set_data (G_OBJECT (dialog), "purpose", GINT_TO_POINTER (purpose));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_tour_file_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- actions ---- */

static void
tour_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PanoWindow *self = PANO_WINDOW (widget);

  if (self->tour_running)
    pano_window_set_tour_running (self, FALSE);
  else if (self->tour != NULL)
    pano_window_set_tour_running (self, TRUE);
  else if (self->tour_file != NULL && g_file_test (self->tour_file, G_FILE_TEST_EXISTS))
    pano_window_load_tour (self, self->tour_file, NULL);
  else
    choose_tour_file (self, CHOOSE_TO_START);
}

static void
save_view_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PanoWindow *self = PANO_WINDOW (widget);

  if (self->tour_file != NULL)
    ask_view_name (self);
  else
    choose_tour_file (self, CHOOSE_TO_SAVE);
}

static void
on_map (PanoWindow *self)
{
  if (self->tour_running && isnan (self->tour_pointer_x))
    remember_pointer (self);
}

void
pano_window_setup_tour (PanoWindow *self)
{
  GtkEventController *input = gtk_event_controller_legacy_new ();

  self->tour_label = gtk_label_new (NULL);
  gtk_widget_set_halign (self->tour_label, GTK_ALIGN_END);
  gtk_widget_set_valign (self->tour_label, GTK_ALIGN_START);
  gtk_widget_set_margin_end (self->tour_label, 8);
  gtk_widget_set_margin_top (self->tour_label, 8);
  gtk_widget_set_can_target (self->tour_label, FALSE);
  gtk_widget_set_visible (self->tour_label, FALSE);
  gtk_widget_add_css_class (self->tour_label, "pano-tour");
  gtk_overlay_add_overlay (GTK_OVERLAY (self->map_overlay), self->tour_label);

  /* Before any widget acts on it, and without taking it from them. */
  gtk_event_controller_set_propagation_phase (input, GTK_PHASE_CAPTURE);
  g_signal_connect (input, "event", G_CALLBACK (on_input), self);
  gtk_widget_add_controller (GTK_WIDGET (self), input);
  self->tour_pointer_x = self->tour_pointer_y = NAN;
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
}

void
pano_window_clear_tour (PanoWindow *self)
{
  g_clear_handle_id (&self->tour_step_id, g_source_remove);
  self->tour_running = FALSE;
  g_clear_object (&self->tour);
  g_clear_pointer (&self->tour_file, g_free);
}

void
pano_window_class_install_tour_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.tour", NULL, tour_action);
  gtk_widget_class_install_action (widget_class, "win.save-view", NULL, save_view_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "win.tour",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.save-view", NULL);
}
