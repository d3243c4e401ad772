// SPDX-License-Identifier: GPL-3.0-or-later
/* Wall mode: the console on a video wall or a large screen in a control room. Fullscreen on a
 * chosen monitor, no header bar, the pointer hidden while it rests, the dark style, and text,
 * symbols and panels scaled so they read from across the room. Leaving restores the desk. */
#define G_LOG_DOMAIN "panorama-app"

#include "pano-window-private.h"

#include <glib/gi18n.h>
#include <math.h>

#define POINTER_IDLE_S 3
#define BASE_DPI (96 * 1024)        /* gtk-xft-dpi at 1.0, in 1/1024 dots per inch */
#define SIDEBAR_WIDTH 320           /* the template's widths at 1.0 */
#define OPS_WIDTH 440
#define PANEL_MIN_WIDTH 300         /* style.css: layerlist, featurepanel */
#define ICON_SIZE 16

G_DEFINE_QUARK (pano-wall-error-quark, pano_wall_error)

/* Returns: the monitor's area in square pixels */
static gint64
monitor_area (GdkMonitor *monitor)
{
  GdkRectangle r;

  gdk_monitor_get_geometry (monitor, &r);
  return (gint64)r.width * r.height;
}

/**
 * pano_window_find_monitor:
 * @connector: (nullable): the monitor's connector (HDMI-1, DP-2), %NULL for the largest
 *
 * Returns: (transfer full) (nullable): the monitor, or %NULL with @error naming the connector
 *   and those that exist
 */
GdkMonitor *
pano_window_find_monitor (GdkDisplay  *display,
                          const char  *connector,
                          GError     **error)
{
  GListModel *monitors = gdk_display_get_monitors (display);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GdkMonitor) best = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (monitors); i++)
    {
      g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, i);
      const char *name = gdk_monitor_get_connector (monitor);

      g_string_append_printf (names, "%s%s", names->len ? ", " : "", name ? name : "?");
      if (connector != NULL ? g_strcmp0 (name, connector) == 0
                            : best == NULL || monitor_area (monitor) > monitor_area (best))
        g_set_object (&best, monitor);
    }
  if (best == NULL)
    g_set_error (error, PANO_WALL_ERROR, PANO_WALL_ERROR_NO_MONITOR,
                 _("There is no monitor on connector “%s”; the monitors are: %s"),
                 connector ? connector : "", names->len ? names->str : _("none"));
  return g_steal_pointer (&best);
}

/* ---- the pointer, hidden while it rests ---- */

static gboolean
on_pointer_idle (gpointer user_data)
{
  PanoWindow *self = user_data;

  self->pointer_idle_id = 0;
  self->pointer_hidden = TRUE;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "none");
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self->map), "none");
  /* the card the pointer had opened goes with it */
  gtk_widget_trigger_tooltip_query (GTK_WIDGET (self->map));
  return G_SOURCE_REMOVE;
}

static void
show_pointer (PanoWindow *self)
{
  g_clear_handle_id (&self->pointer_idle_id, g_source_remove);
  self->pointer_hidden = FALSE;
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  gtk_widget_set_cursor (GTK_WIDGET (self->map), NULL);
}

static void
on_pointer_motion (GtkEventControllerMotion *motion,
                   double                    x,
                   double                    y,
                   PanoWindow               *self)
{
  /* Synthetic events (a crossing after a relayout) report the same place again; only a moving
   * hand shows the pointer. */
  if (x == self->pointer_x && y == self->pointer_y)
    return;
  self->pointer_x = x;
  self->pointer_y = y;
  show_pointer (self);
  self->pointer_idle_id = g_timeout_add_seconds (POINTER_IDLE_S, on_pointer_idle, self);
}

/* ---- the scale ---- */

/* Without a compositor (a bare X server driving a wall) GTK keeps a solid frame round the
 * window for resizing, fullscreen or not; a wall has nothing to resize: edge to edge. */
static char *
scale_css (double scale)
{
  return g_strdup_printf ("window.wall.solid-csd { padding: 0; border-width: 0; "
                          "border-radius: 0; box-shadow: none; }\n"
                          "window.wall image { -gtk-icon-size: %dpx; }\n"
                          "window.wall layerlist, window.wall featurepanel "
                          "{ min-width: %dpx; }\n",
                          (int)round (ICON_SIZE * scale), (int)round (PANEL_MIN_WIDTH * scale));
}

/* Text through gtk-xft-dpi: every font size in points scales with it, libadwaita's titles as
 * much as the labels, and Pango lays the text out again (a font-size on the window's CSS node
 * would leave every size the theme sets in points as it was). Icons and the panels' widths are
 * in pixels, so a CSS provider above the theme scales those. */
static void
apply_scale (PanoWindow *self)
{
  double scale = self->wall ? self->wall_scale : 1.0;
  GtkSettings *settings = gtk_widget_get_settings (GTK_WIDGET (self));
  GtkWidget *sidebar = adw_flap_get_flap (self->flap);
  GtkWidget *ops = adw_flap_get_flap (self->ops_flap);
  g_autofree char *css = scale_css (scale);

  if (scale == 1.0 && self->desk_dpi != 0)
    {
      gtk_settings_reset_property (settings, "gtk-xft-dpi");
      self->desk_dpi = 0;
    }
  else if (scale != 1.0)
    {
      /* The desk's own resolution (a HiDPI desktop's, say) times the scale. */
      if (self->desk_dpi == 0)
        g_object_get (settings, "gtk-xft-dpi", &self->desk_dpi, NULL);
      if (self->desk_dpi <= 0)
        self->desk_dpi = BASE_DPI;
      g_object_set (settings, "gtk-xft-dpi", (int)round (self->desk_dpi * scale), NULL);
    }
  gtk_css_provider_load_from_data (self->scale_css, css, -1);
  gtk_widget_set_size_request (sidebar, (int)round (SIDEBAR_WIDTH * scale), -1);
  gtk_widget_set_size_request (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (ops)),
                               (int)round (OPS_WIDTH * scale), -1);
  pano_window_set_live_scale (self, scale);
}

/**
 * pano_window_set_wall_scale:
 * @scale: 1.0 to 3.0
 *
 * How much larger text, symbols and panels are in wall mode.
 */
void
pano_window_set_wall_scale (PanoWindow *self,
                            double      scale)
{
  g_return_if_fail (PANO_IS_WINDOW (self));

  scale = CLAMP (scale, 1.0, 3.0);
  if (scale == self->wall_scale)
    return;
  self->wall_scale = scale;
  if (self->wall)
    apply_scale (self);
}

double
pano_window_get_wall_scale (PanoWindow *self)
{
  return self->wall_scale;
}

/* The scale of text and symbols now: the wall's, or 1.0 at a desk */
double
pano_window_get_scale (PanoWindow *self)
{
  return self->wall ? self->wall_scale : 1.0;
}

static void
on_wall_scale_changed (GSettings  *settings,
                       const char *key,
                       PanoWindow *self)
{
  pano_window_set_wall_scale (self, g_settings_get_double (settings, key));
}

/* ---- entering and leaving ---- */

static void
enter_wall (PanoWindow *self,
            GdkMonitor *monitor)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  GdkRectangle area;

  self->desk_color_scheme = adw_style_manager_get_color_scheme (style);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_widget_set_visible (self->header_bar, FALSE);
  /* Nor shadows around the window where no window manager makes it fullscreen. */
  gtk_window_set_decorated (GTK_WINDOW (self), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self), "wall");
  /* Without a window manager (a bare X server driving a wall) nobody honours the fullscreen
   * request: the window asks for the monitor's size itself. */
  gdk_monitor_get_geometry (monitor, &area);
  gtk_window_set_default_size (GTK_WINDOW (self), area.width, area.height);
  gtk_window_fullscreen_on_monitor (GTK_WINDOW (self), monitor);
  self->pointer_x = self->pointer_y = -1;
  self->pointer_motion = gtk_event_controller_motion_new ();
  g_signal_connect (self->pointer_motion, "motion", G_CALLBACK (on_pointer_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), self->pointer_motion);
  self->pointer_idle_id = g_timeout_add_seconds (POINTER_IDLE_S, on_pointer_idle, self);
  if (pano_window_get_command (self) == NULL)  /* 战时 keeps its card */
    pano_window_show_overview (self);
}

static void
leave_wall (PanoWindow *self)
{
  gtk_widget_remove_controller (GTK_WIDGET (self), g_steal_pointer (&self->pointer_motion));
  show_pointer (self);
  gtk_window_unfullscreen (GTK_WINDOW (self));
  gtk_window_set_default_size (GTK_WINDOW (self), self->desk_width, self->desk_height);
  gtk_widget_remove_css_class (GTK_WIDGET (self), "wall");
  gtk_window_set_decorated (GTK_WINDOW (self), TRUE);
  gtk_widget_set_visible (self->header_bar, TRUE);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      self->desk_color_scheme);
}

/**
 * pano_window_set_wall:
 * @connector: (nullable): the monitor to fill (HDMI-1), %NULL for the largest
 *
 * Enters or leaves wall mode; the flag --wall and the action win.wall (F11) both come here.
 *
 * Returns: %FALSE with @error when there is no monitor on @connector
 */
gboolean
pano_window_set_wall (PanoWindow  *self,
                      gboolean     wall,
                      const char  *connector,
                      GError     **error)
{
  g_autoptr(GdkMonitor) monitor = NULL;

  g_return_val_if_fail (PANO_IS_WINDOW (self), FALSE);

  if (!wall == !self->wall)
    return TRUE;
  if (wall)
    {
      monitor = pano_window_find_monitor (gtk_widget_get_display (GTK_WIDGET (self)),
                                          connector, error);
      if (monitor == NULL)
        return FALSE;
      gtk_window_get_default_size (GTK_WINDOW (self), &self->desk_width, &self->desk_height);
      enter_wall (self, monitor);
    }
  else
    leave_wall (self);
  self->wall = wall;
  apply_scale (self);
  g_debug ("wall mode %s", wall ? "on" : "off");
  return TRUE;
}

gboolean
pano_window_get_wall (PanoWindow *self)
{
  return self->wall;
}

static void
wall_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PanoWindow *self = PANO_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!pano_window_set_wall (self, !self->wall, self->wall_connector, &error))
    pano_window_notify (self, error->message, TRUE);
}

/**
 * pano_window_set_wall_connector:
 * @connector: (nullable): the monitor F11 fills, %NULL for the largest
 */
void
pano_window_set_wall_connector (PanoWindow *self,
                                const char *connector)
{
  g_free (self->wall_connector);
  self->wall_connector = g_strdup (connector);
}

void
pano_window_setup_wall (PanoWindow *self)
{
  self->wall_scale = CLAMP (g_settings_get_double (self->settings, "wall-scale"), 1.0, 3.0);
  g_signal_connect_object (self->settings, "changed::wall-scale",
                           G_CALLBACK (on_wall_scale_changed), self, 0);
  self->scale_css = gtk_css_provider_new ();
  gtk_style_context_add_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                              GTK_STYLE_PROVIDER (self->scale_css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 1);
}

void
pano_window_clear_wall (PanoWindow *self)
{
  if (self->wall)
    pano_window_set_wall (self, FALSE, NULL, NULL);
  g_clear_handle_id (&self->pointer_idle_id, g_source_remove);
  if (self->scale_css != NULL)
    gtk_style_context_remove_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                                   GTK_STYLE_PROVIDER (self->scale_css));
  g_clear_object (&self->scale_css);
  g_clear_pointer (&self->wall_connector, g_free);
}

void
pano_window_class_install_wall_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.wall", NULL, wall_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "win.wall", NULL);
}
