// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-app"

#include <glib/gi18n.h>

#include "pano-replay-engine.h"
#include "pano-window-private.h"

/* Replay (复盘): the map's live layers show the city as the hub's history says it was, under a
 * bar with a time slider, play/pause and speed, and a badge no one can mistake for live. The
 * live store keeps receiving the feed behind it, so 返回实时 is the live view as it is now,
 * with nothing lost. Replayed layers are PanoLiveMapLayers bound to the replay engine's own
 * store, put in place of the live ones. */

static const guint speeds[] = { 1, 2, 5, 10, 30, 60 };

struct _PanoWindowReplay
{
  PanoReplayEngine *engine;
  PanoIncidentModel *incidents;   /* the replayed incidents, in the queue while replaying */
  GCancellable *cancellable;
  GPtrArray *layers;          /* replayed PanoLiveMapLayer, as live_layers */
  GtkWidget *badge;
  GtkLabel *badge_label;
  GtkWidget *bar;
  GtkRange *slider;
  GtkButton *play_button;
  GtkDropDown *speed;
  GtkLabel *time_label;
  GtkWidget *spinner;
  guint tick_id;
  guint seek_id;
  gint64 last_frame_us;
  gint64 pending_seek;
  gboolean playing;
  gboolean moving_slider;
};

static char *
format_time (gint64 ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%d %H:%M:%S") : g_strdup ("");
}

static void
update_labels (PanoWindow *self)
{
  PanoWindowReplay *r = self->replay;
  gint64 at = pano_replay_engine_get_position (r->engine);
  const char *error = pano_replay_engine_get_error (r->engine);
  g_autofree char *time = at > 0 ? format_time (at) : g_strdup (_("loading…"));
  g_autofree char *badge = NULL;

  /* TRANSLATORS: the badge over the map while it shows the past; %s is a local date and time */
  badge = g_strdup_printf (_("REPLAY · %s"), time);
  gtk_label_set_label (r->badge_label, badge);
  if (error != NULL)
    {
      /* TRANSLATORS: %s is the hub's or the network's own words */
      g_autofree char *text = g_strdup_printf (_("%s — cannot read the hub's history (%s); "
                                                 "trying again"), time, error);

      gtk_label_set_label (r->time_label, text);
    }
  else
    gtk_label_set_label (r->time_label, time);
  r->moving_slider = TRUE;
  gtk_range_set_value (r->slider, at / 1000.0);
  r->moving_slider = FALSE;
  gtk_widget_set_visible (r->spinner, pano_replay_engine_is_seeking (r->engine));
}

static void
set_playing (PanoWindow *self,
             gboolean    playing);

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  PanoWindow *self = user_data;
  PanoWindowReplay *r = self->replay;
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  guint speed = speeds[gtk_drop_down_get_selected (r->speed)];
  gint64 at = pano_replay_engine_get_position (r->engine);

  if (r->last_frame_us > 0 && !pano_replay_engine_is_seeking (r->engine))
    at = pano_replay_engine_advance (r->engine,
                                     at + (now - r->last_frame_us) * speed / 1000);
  r->last_frame_us = now;
  update_labels (self);
  if (at >= pano_replay_engine_get_end (r->engine))
    set_playing (self, FALSE);
  return G_SOURCE_CONTINUE;
}

static void
set_playing (PanoWindow *self,
             gboolean    playing)
{
  PanoWindowReplay *r = self->replay;

  r->playing = playing;
  gtk_button_set_icon_name (r->play_button, playing ? "media-playback-pause-symbolic"
                                                    : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (r->play_button), playing ? _("Pause") : _("Play"));
  if (playing && r->tick_id == 0)
    {
      r->last_frame_us = 0;
      r->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->map), on_tick, self, NULL);
    }
  else if (!playing && r->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->map), r->tick_id);
      r->tick_id = 0;
    }
  /* Paused, the card's timeline catches up with the replayed time. */
  if (!playing && r->incidents != NULL && pano_replay_engine_get_position (r->engine) > 0)
    pano_incident_card_set_until (self->card, pano_replay_engine_get_position (r->engine));
}

static void
on_sought (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PanoWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!pano_replay_engine_seek_finish (PANO_REPLAY_ENGINE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        pano_window_notify (self, error->message, FALSE);
      return;
    }
  if (self->replay != NULL && self->replay->engine == PANO_REPLAY_ENGINE (source))
    {
      self->replay->last_frame_us = 0;
      update_labels (self);
      if (self->replay->incidents != NULL)
        pano_incident_card_set_until (self->card,
                                      pano_replay_engine_get_position (self->replay->engine));
    }
}

static void
seek (PanoWindow *self,
      gint64      at)
{
  PanoWindowReplay *r = self->replay;

  at = CLAMP (at, pano_replay_engine_get_start (r->engine),
              pano_replay_engine_get_end (r->engine));
  pano_replay_engine_seek_async (r->engine, at, r->cancellable, on_sought, g_object_ref (self));
  /* A long seek shows it is working; the badge keeps the time being read. */
  gtk_widget_set_visible (r->spinner, TRUE);
}

static gboolean
seek_now (gpointer user_data)
{
  PanoWindow *self = user_data;

  self->replay->seek_id = 0;
  seek (self, self->replay->pending_seek);
  return G_SOURCE_REMOVE;
}

/* Dragging the slider seeks once it rests for a moment, not at every pixel. */
static void
on_slider_moved (GtkRange   *range,
                 PanoWindow *self)
{
  PanoWindowReplay *r = self->replay;

  if (r->moving_slider)
    return;
  r->pending_seek = (gint64) (gtk_range_get_value (range) * 1000);
  g_clear_handle_id (&r->seek_id, g_source_remove);
  r->seek_id = g_timeout_add (150, seek_now, self);
}

static void
on_range (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PanoWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  PanoReplayEngine *engine = PANO_REPLAY_ENGINE (source);
  gint64 start, end;

  if (!pano_replay_engine_load_range_finish (engine, result, &error))
    {
      /* Nothing to replay: back to live at once, saying why, rather than an empty past. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("Replay is not available: %s"),
                                                      error->message);

          if (self->replay != NULL && self->replay->engine == engine)
            pano_window_leave_replay (self);
          pano_window_notify (self, message, FALSE);
        }
      return;
    }
  if (self->replay == NULL || self->replay->engine != engine)
    return;
  start = pano_replay_engine_get_start (engine);
  end = pano_replay_engine_get_end (engine);
  self->replay->moving_slider = TRUE;
  gtk_range_set_range (self->replay->slider, start / 1000.0, MAX (end, start + 1000) / 1000.0);
  self->replay->moving_slider = FALSE;
  /* The last hour, paused, to start from. */
  seek (self, MAX (start, end - 3600 * 1000));
}

static void
play_clicked (GtkButton  *button,
              PanoWindow *self)
{
  set_playing (self, !self->replay->playing);
}

static GtkWidget *
make_badge (PanoWindowReplay *r)
{
  GtkWidget *badge = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_widget_set_name (badge, "replay-badge");
  gtk_widget_add_css_class (badge, "pano-replay-badge");
  gtk_widget_set_halign (badge, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (badge, GTK_ALIGN_START);
  gtk_widget_set_margin_top (badge, 12);
  gtk_widget_set_can_target (badge, FALSE);
  r->badge_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_box_append (GTK_BOX (badge), GTK_WIDGET (r->badge_label));
  return badge;
}

static GtkWidget *
make_bar (PanoWindow       *self,
          PanoWindowReplay *r)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  GtkWidget *live;

  gtk_widget_set_name (bar, "replay-bar");
  gtk_widget_add_css_class (bar, "pano-replay-bar");
  gtk_widget_set_valign (bar, GTK_ALIGN_END);
  gtk_widget_set_margin_start (bar, 12);
  gtk_widget_set_margin_end (bar, 12);
  gtk_widget_set_margin_bottom (bar, 12);
  r->play_button = GTK_BUTTON (gtk_button_new ());
  g_signal_connect (r->play_button, "clicked", G_CALLBACK (play_clicked), self);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (r->play_button));
  for (guint i = 0; i < G_N_ELEMENTS (speeds); i++)
    {
      g_autofree char *label = g_strdup_printf (C_("replay speed", "%u×"), speeds[i]);

      gtk_string_list_append (labels, label);
    }
  r->speed = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&labels)), NULL));
  gtk_drop_down_set_selected (r->speed, G_N_ELEMENTS (speeds) - 1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (r->speed), _("Replay speed"));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (r->speed));
  r->slider = GTK_RANGE (gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 1));
  gtk_scale_set_draw_value (GTK_SCALE (r->slider), FALSE);
  gtk_widget_set_hexpand (GTK_WIDGET (r->slider), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (r->slider), _("Time to replay"));
  g_signal_connect (r->slider, "value-changed", G_CALLBACK (on_slider_moved), self);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (r->slider));
  r->spinner = gtk_spinner_new ();
  gtk_spinner_start (GTK_SPINNER (r->spinner));
  gtk_widget_set_tooltip_text (r->spinner, _("Reading the city's state at that time…"));
  gtk_box_append (GTK_BOX (bar), r->spinner);
  r->time_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_width_chars (r->time_label, 19);
  gtk_widget_add_css_class (GTK_WIDGET (r->time_label), "numeric");
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (r->time_label));
  live = gtk_button_new_with_mnemonic (_("Back to _Live"));
  gtk_widget_add_css_class (live, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (live), "win.replay-live");
  gtk_box_append (GTK_BOX (bar), live);
  return bar;
}

static void
ensure_css (void)
{
  static gboolean done;
  g_autoptr(GtkCssProvider) provider = NULL;

  if (done)
    return;
  done = TRUE;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider,
    ".pano-replay-badge { background: #c01c28; color: white; border-radius: 8px;"
    " padding: 8px 20px; font-size: 1.6em; font-weight: 800; letter-spacing: 1px; }"
    ".pano-replay-bar { background: alpha(@window_bg_color, 0.94); border-radius: 12px;"
    " padding: 6px 12px; box-shadow: 0 1px 4px alpha(black, 0.3); }", -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

/* The replayed layers take the live ones' places, as the operator had them: the live layers
 * are kept out of the picture (child-visible), not hidden, so the layer list still shows and
 * switches what the operator chose, and each replayed layer follows its live one's switch. */
static void
swap_in_layers (PanoWindow       *self,
                PanoWindowReplay *r)
{
  ShumateViewport *viewport = shumate_map_get_viewport (self->map);
  PanoLiveStore *store = pano_replay_engine_get_store (r->engine);

  r->layers = g_ptr_array_new ();
  for (guint i = 0; i < self->live_layers->len; i++)
    {
      PanoLiveMapLayer *live = g_ptr_array_index (self->live_layers, i);
      PanoLiveMapLayer *layer = pano_live_map_layer_new (viewport, store,
                                                         pano_live_map_layer_get_layer (live));

      pano_live_map_layer_set_scale (layer, pano_live_map_layer_get_scale (live));
      pano_live_map_layer_set_class_mask (layer, pano_live_map_layer_get_class_mask (live));
      g_object_bind_property (live, "visible", layer, "visible", G_BINDING_SYNC_CREATE);
      shumate_map_insert_layer_above (self->map, SHUMATE_LAYER (layer), SHUMATE_LAYER (live));
      gtk_widget_set_child_visible (GTK_WIDGET (live), FALSE);
      g_ptr_array_add (r->layers, layer);
    }
}

static void
enter_replay (PanoWindow *self)
{
  PanoWindowReplay *r = g_new0 (PanoWindowReplay, 1);

  ensure_css ();
  self->replay = r;
  r->engine = pano_replay_engine_new (self->hub_url, self->hub_token, self->hub_ca_file);
  r->cancellable = g_cancellable_new ();
  swap_in_layers (self, r);
  /* The queue lists the incidents as they were; nothing in the past can be acted on. */
  if (self->incidents != NULL)
    {
      r->incidents = pano_incident_model_new (pano_replay_engine_get_store (r->engine));
      pano_incident_queue_set_model (self->queue, r->incidents);
      pano_incident_card_set_context (self->card, r->incidents, self->hub_client,
                                      pano_replay_engine_get_store (r->engine));
      pano_window_update_role (self);
    }
  /* The ticker tells of the present: it waits, and keeps what it hears, until live again. */
  if (self->ticker != NULL)
    gtk_widget_set_child_visible (GTK_WIDGET (self->ticker), FALSE);
  r->badge = make_badge (r);
  r->bar = make_bar (self, r);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->map_overlay), r->badge);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->map_overlay), r->bar);
  set_playing (self, FALSE);
  update_labels (self);
  pano_replay_engine_load_range_async (r->engine, r->cancellable, on_range, g_object_ref (self));
}

/**
 * pano_window_leave_replay:
 *
 * Back to live: the live layers as they were, showing the live store as it is now.
 */
void
pano_window_leave_replay (PanoWindow *self)
{
  PanoWindowReplay *r = self->replay;

  if (r == NULL)
    return;
  self->replay = NULL;
  g_cancellable_cancel (r->cancellable);
  if (self->ticker != NULL)
    gtk_widget_set_child_visible (GTK_WIDGET (self->ticker), TRUE);
  if (r->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->map), r->tick_id);
  g_clear_handle_id (&r->seek_id, g_source_remove);
  for (guint i = 0; i < r->layers->len; i++)
    {
      shumate_map_remove_layer (self->map, g_ptr_array_index (r->layers, i));
      if (self->live_layers != NULL && i < self->live_layers->len)
        gtk_widget_set_child_visible (g_ptr_array_index (self->live_layers, i), TRUE);
    }
  if (r->incidents != NULL && self->incidents != NULL)
    {
      pano_incident_card_set_until (self->card, 0);
      pano_incident_card_set_context (self->card, self->incidents, self->hub_client,
                                      self->live_store);
      pano_incident_queue_set_model (self->queue, self->incidents);
      pano_window_update_role (self);
    }
  g_clear_object (&r->incidents);
  gtk_overlay_remove_overlay (GTK_OVERLAY (self->map_overlay), r->badge);
  gtk_overlay_remove_overlay (GTK_OVERLAY (self->map_overlay), r->bar);
  g_ptr_array_unref (r->layers);
  g_object_unref (r->cancellable);
  g_object_unref (r->engine);
  g_free (r);
}

/* The replayed layers' symbols at the window's scale, as the live ones (wall mode). */
void
pano_window_set_replay_scale (PanoWindow *self,
                              double      scale)
{
  for (guint i = 0; self->replay != NULL && i < self->replay->layers->len; i++)
    pano_live_map_layer_set_scale (g_ptr_array_index (self->replay->layers, i), scale);
}

static void
replay_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PanoWindow *self = PANO_WINDOW (widget);

  if (self->replay != NULL)
    pano_window_leave_replay (self);
  else if (pano_window_get_command (self) != NULL)
    pano_window_notify (self, _("Emergency command shows the city live: go back to routine "
                                "(F12) before replaying"), FALSE);
  else if (self->live_layers == NULL)
    pano_window_notify (self, _("Replay needs a hub: start the console with --hub"), FALSE);
  else
    enter_replay (self);
}

static void
replay_live_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  pano_window_leave_replay (PANO_WINDOW (widget));
}

static void
replay_seek_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PanoWindow *self = PANO_WINDOW (widget);

  if (self->replay != NULL)
    seek (self, g_variant_get_int64 (parameter));
}

static void
replay_play_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PanoWindow *self = PANO_WINDOW (widget);

  if (self->replay != NULL)
    set_playing (self, !self->replay->playing);
}

/* Returns: (nullable) (transfer none): the replay engine while the map shows the past */
PanoReplayEngine *
pano_window_get_replay_engine (PanoWindow *self)
{
  return self->replay ? self->replay->engine : NULL;
}

void
pano_window_class_install_replay_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.replay", NULL, replay_action);
  gtk_widget_class_install_action (widget_class, "win.replay-live", NULL, replay_live_action);
  gtk_widget_class_install_action (widget_class, "win.replay-seek", "x", replay_seek_action);
  gtk_widget_class_install_action (widget_class, "win.replay-play", NULL, replay_play_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.replay", NULL);
}
