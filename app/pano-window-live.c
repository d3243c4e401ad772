// SPDX-License-Identifier: GPL-3.0-or-later
/* The live side of the window: the hub subscription, the live layers over the static ones,
 * the connection indicator in the header bar, the banner when the hub is gone, and the side
 * panel following a selected live entity through its updates. */
#define G_LOG_DOMAIN "panorama-app"

#include "pano-window-private.h"
#include "pano-live-classify.h"
#include "pano-live-layer-row.h"
#include "pano-property-format.h"
#include "pano-protocol.h"

#include <glib/gi18n.h>
#include <math.h>
#include <json-glib/json-glib.h>

#define STATUS_TICK_MS 1000
#define BANNER_AFTER_MS 10000

/* Bottom to top: roads under points, incidents and alerts over everything. */
static char *
format_clock (gint64 unix_ms)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (unix_ms / 1000);

  return g_date_time_format (t, "%H:%M:%S");
}

static char *
describe_state (PanoWindow *self)
{
  gint64 now = g_get_monotonic_time ();
  g_autofree char *since = NULL;

  switch (pano_feed_client_get_state (self->feed))
    {
    case PANO_FEED_CONNECTED:
      {
        guint counts[PANO_LIVE_MAX_CLASSES];
        double index;

        pano_live_layer_count_classes (pano_live_store_get_layer (self->live_store, "traffic"),
                                       counts);
        index = pano_congestion_index (counts);
        if (index < 0)
          return g_strdup (_("● Live"));
        return g_strdup_printf (_("● Live · congestion %.1f"), index);
      }
    case PANO_FEED_CONNECTING:
      return g_strdup (_("Connecting…"));
    case PANO_FEED_RECONNECTING:
      if (pano_feed_client_get_retry_at (self->feed) > now)
        return g_strdup_printf (_("Reconnecting in %d s"),
                                (int)((pano_feed_client_get_retry_at (self->feed) - now + 999999)
                                      / G_USEC_PER_SEC));
      return g_strdup (_("Reconnecting…"));
    case PANO_FEED_OFFLINE:
    default:
      since = format_clock (pano_feed_client_get_offline_since (self->feed));
      if (pano_feed_client_get_refusal (self->feed) != 0)
        return g_strdup_printf (_("Offline since %s: refused by the hub"), since);
      return g_strdup_printf (_("Offline since %s"), since);
    }
}

/* One line per layer: how many entities, how old the newest data is, what was coalesced. */
static char *
describe_layers (PanoWindow *self)
{
  GString *text = g_string_new (pano_feed_client_get_url (self->feed));
  gint64 now_ms = g_get_real_time () / 1000;

  if (pano_feed_client_get_last_error (self->feed))
    g_string_append_printf (text, "\n%s", pano_feed_client_get_last_error (self->feed));
  for (guint i = 0; pano_live_style_get_layer_names ()[i]; i++)
    {
      const char *name = pano_live_style_get_layer_names ()[i];
      PanoLiveLayer *layer = pano_live_store_get_layer (self->live_store, name);
      gint64 newest = pano_live_store_get_newest_data (self->live_store, name);

      g_string_append_printf (text, "\n%s: %u", name, pano_live_layer_get_n_entities (layer));
      if (newest > 0)
        g_string_append_printf (text, _(" · data %d s behind"),
                                (int)MAX (0, (now_ms - newest) / 1000));
      if (pano_live_store_get_coalesced (self->live_store, name) > 0)
        {
          gulong n = pano_live_store_get_coalesced (self->live_store, name);

          g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, " · %lu update coalesced",
                                                     " · %lu updates coalesced", n), n);
        }
    }
  return g_string_free (text, FALSE);
}

/* A refusal in the operator's words: it is final, and says what to change. */
static char *
describe_refusal (PanoWindow *self)
{
  guint code = pano_feed_client_get_refusal (self->feed);

  if (code == PANO_CLOSE_BAD_PROTOCOL)
    return g_strdup_printf (_("The hub %s speaks another protocol version than this console. "
                              "Live layers are off: update the console or the hub."),
                            pano_feed_client_get_url (self->feed));
  return g_strdup_printf (_("The hub %s refused this console’s token. Live layers are off until "
                            "the token is corrected (--token or the hub-token setting)."),
                          pano_feed_client_get_url (self->feed));
}

static void
update_banner (PanoWindow *self)
{
  gint64 since = pano_feed_client_get_offline_since (self->feed);
  gboolean refused = pano_feed_client_get_refusal (self->feed) != 0;
  gboolean down = pano_feed_client_get_state (self->feed) != PANO_FEED_CONNECTED &&
                  since > 0 && (refused || g_get_real_time () / 1000 - since > BANNER_AFTER_MS);
  g_autofree char *message = NULL;

  /* The last picture stays, but visibly not live. */
  for (guint i = 0; i < self->live_layers->len; i++)
    gtk_widget_set_opacity (g_ptr_array_index (self->live_layers, i), down ? 0.45 : 1.0);
  if (down && refused)
    message = describe_refusal (self);
  else if (down)
    {
      g_autofree char *clock = format_clock (since);

      message = g_strdup_printf (_("The hub %s is unreachable since %s (%s). The last picture "
                                   "stays on screen, faded where it is stale; reconnecting by "
                                   "itself."),
                                 pano_feed_client_get_url (self->feed), clock,
                                 pano_feed_client_get_last_error (self->feed)
                                 ? pano_feed_client_get_last_error (self->feed)
                                 : _("no answer"));
    }
  pano_window_set_banner (self, PANO_BANNER_HUB, message);
}

static gboolean
update_feed_status (gpointer user_data)
{
  PanoWindow *self = user_data;
  g_autofree char *label = describe_state (self);
  gboolean live = pano_feed_client_get_state (self->feed) == PANO_FEED_CONNECTED;

  gtk_label_set_label (self->feed_label, label);
  if (live)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->feed_label), "success");
      gtk_widget_remove_css_class (GTK_WIDGET (self->feed_label), "warning");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->feed_label), "warning");
      gtk_widget_remove_css_class (GTK_WIDGET (self->feed_label), "success");
    }
  update_banner (self);
  for (guint i = 0; i < self->live_rows->len; i++)
    pano_live_layer_row_refresh (g_ptr_array_index (self->live_rows, i));
  return G_SOURCE_CONTINUE;
}

static void
refresh_selection (PanoWindow *self)
{
  PanoLiveLayer *layer;
  const char *properties;
  int slot;
  g_autofree char *heading = NULL;

  if (self->selected_layer == NULL)
    return;
  layer = pano_live_store_get_layer (self->live_store, self->selected_layer);
  slot = pano_live_layer_lookup (layer, self->selected_id);
  properties = slot >= 0 ? pano_live_layer_get_properties (layer, slot) : NULL;
  /* A busy layer announces a batch every slice; rebuild the panel only when this entity's
   * state is different from what it shows. */
  if (self->selected_shown && g_strcmp0 (properties, self->selected_properties) == 0)
    return;
  g_free (self->selected_properties);
  self->selected_properties = g_strdup (properties);
  self->selected_shown = TRUE;
  heading = g_strdup_printf ("%s — %s%s", pano_live_style_get_title (self->selected_layer),
                             self->selected_id, slot < 0 ? _(" (gone)") : "");
  pano_feature_panel_show_properties (self->feature_panel, heading, properties);
}

static void
on_live_changed (PanoLiveStore *store,
                 const char    *layer,
                 PanoWindow    *self)
{
  if (g_strcmp0 (layer, self->selected_layer) == 0)
    refresh_selection (self);
}

static void
set_selection (PanoWindow *self,
               const char *layer,
               const char *id)
{
  g_free (self->selected_layer);
  g_free (self->selected_id);
  self->selected_layer = g_strdup (layer);
  self->selected_id = g_strdup (id);
  g_clear_pointer (&self->selected_properties, g_free);
  self->selected_shown = FALSE;
  for (guint i = 0; self->live_layers && i < self->live_layers->len; i++)
    {
      PanoLiveMapLayer *l = g_ptr_array_index (self->live_layers, i);

      pano_live_map_layer_select (l, g_strcmp0 (pano_live_map_layer_get_layer (l), layer) == 0
                                     ? id : NULL);
    }
}

/* Returns: the slot of the live entity drawn at widget point (@x, @y), or -1; @hit gets its map
 * layer. Point symbols (vehicles, stations, incidents) are hit before lines, whatever the
 * order of the layers: a vehicle on a road is what the operator points at. Bins are not
 * entities (zoom in to pick one), and hidden layers are not hit. */
static int
find_live_entity (PanoWindow        *self,
                  double             x,
                  double             y,
                  PanoLiveMapLayer **hit)
{
  for (int lines = 0; lines < 2; lines++)
    for (guint i = self->live_layers ? self->live_layers->len : 0; i > 0; i--)
      {
        PanoLiveMapLayer *l = g_ptr_array_index (self->live_layers, i - 1);
        int slot;

        /* not under 复盘 either, which draws the past in the live layers' place */
        if (pano_live_map_layer_draws_lines (l) != lines ||
            !gtk_widget_get_visible (GTK_WIDGET (l)) ||
            !gtk_widget_get_child_visible (GTK_WIDGET (l)) || pano_live_map_layer_is_aggregated (l))
          continue;
        if ((slot = pano_live_map_layer_hit_test (l, x, y)) >= 0)
          {
            *hit = l;
            return slot;
          }
      }
  return -1;
}

static PanoLiveLayer *
layer_of (PanoWindow       *self,
          PanoLiveMapLayer *map_layer)
{
  return pano_live_store_get_layer (self->live_store, pano_live_map_layer_get_layer (map_layer));
}

/* Returns: whether a live entity was under (@x, @y); it is then shown and followed */
gboolean
pano_window_select_live_at (PanoWindow *self,
                            double      x,
                            double      y)
{
  PanoLiveMapLayer *hit = NULL;
  int slot = find_live_entity (self, x, y, &hit);

  if (slot < 0)
    {
      set_selection (self, NULL, NULL);
      return FALSE;
    }
  /* An incident opens its card; anything else shows its properties. */
  if (g_str_equal (pano_live_map_layer_get_layer (hit), "incidents"))
    {
      pano_window_open_incident (self, pano_live_layer_get_id (layer_of (self, hit), slot));
      return TRUE;
    }
  set_selection (self, pano_live_map_layer_get_layer (hit),
                 pano_live_layer_get_id (layer_of (self, hit), slot));
  refresh_selection (self);
  pano_window_show_attributes (self);
  return TRUE;
}

/* The properties an operator wants at a glance, in this order. */
static const char * const summary_keys[] = {
  "name", "title", "station", "kind", "status", "level_label", "aqi", "primary", "pm25",
  "speed_kmh", "stock", "capacity", "occupancy", "category", "severity", "overdue", NULL
};

static char *
summarize (const char *id,
           const char *properties)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  GString *text = g_string_new (id);
  JsonObject *o;

  if (properties == NULL || !json_parser_load_from_data (parser, properties, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return g_string_free (text, FALSE);
  o = json_node_get_object (json_parser_get_root (parser));
  for (guint i = 0; summary_keys[i]; i++)
    {
      JsonNode *node = json_object_get_member (o, summary_keys[i]);
      g_autofree char *value = NULL;

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;
      value = pano_property_format (summary_keys[i], node);
      g_string_append_printf (text, "\n%s: %s", pano_property_label (summary_keys[i]), value);
    }
  return g_string_free (text, FALSE);
}

/* Whether the pointer is where a tooltip query asks about. GTK asks again whenever any widget's
 * tooltip text is set, at the place it last saw the pointer: a card must not come back there
 * once the pointer has left. */
static gboolean
pointer_is_at (GtkWidget *widget,
               double     x,
               double     y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = native ? gtk_native_get_surface (native) : NULL;
  GdkSeat *seat = gdk_display_get_default_seat (gtk_widget_get_display (widget));
  GdkDevice *pointer = seat ? gdk_seat_get_pointer (seat) : NULL;
  double px, py, nx, ny, wx, wy;

  if (surface == NULL || pointer == NULL ||
      !gdk_surface_get_device_position (surface, pointer, &px, &py, NULL))
    return FALSE;
  gtk_native_get_surface_transform (native, &nx, &ny);
  if (!gtk_widget_translate_coordinates (GTK_WIDGET (native), widget, px - nx, py - ny, &wx, &wy))
    return FALSE;
  return fabs (wx - x) <= 2 && fabs (wy - y) <= 2;
}

/* Hover: a card with the entity's name, status, stock or capacity, without clicking. It stays
 * while the pointer is on the symbol, and goes when the pointer leaves it. */
static gboolean
on_query_tooltip (GtkWidget  *map,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  PanoWindow *self)
{
  PanoLiveMapLayer *hit = NULL;
  g_autofree char *text = NULL;
  GdkRectangle area;
  int slot;

  /* a wall's pointer hidden at rest describes nothing: no card left over the city all night */
  if (keyboard || self->pointer_hidden || !pointer_is_at (map, x, y) ||
      (slot = find_live_entity (self, x, y, &hit)) < 0)
    return FALSE;
  text = summarize (pano_live_layer_get_id (layer_of (self, hit), slot),
                    pano_live_layer_get_properties (layer_of (self, hit), slot));
  gtk_tooltip_set_text (tooltip, text);
  if (!pano_live_map_layer_get_symbol_area (hit, slot, &area))
    area = (GdkRectangle) { x - 4, y - 4, 8, 8 };   /* along a road: asked again as it moves */
  gtk_tooltip_set_tip_area (tooltip, &area);
  return TRUE;
}

/* The indicator's card is written when it is asked for: setting a tooltip text every second
 * made GTK ask every tooltip again, and the map's card vanished each time. */
static gboolean
on_feed_status_query_tooltip (GtkWidget  *widget,
                              int         x,
                              int         y,
                              gboolean    keyboard,
                              GtkTooltip *tooltip,
                              PanoWindow *self)
{
  g_autofree char *text = NULL;

  if (self->feed == NULL)
    return FALSE;
  text = describe_layers (self);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* Symbols and labels as large as the window's text (a wall's scale), the base map's district
 * and street names too. */
void
pano_window_set_live_scale (PanoWindow *self,
                            double      scale)
{
  if (self->base_map != NULL)
    pano_static_layer_set_label_scale (self->base_map, scale);
  for (guint i = 0; self->live_layers && i < self->live_layers->len; i++)
    pano_live_map_layer_set_scale (g_ptr_array_index (self->live_layers, i), scale);
  pano_window_set_replay_scale (self, scale);
}

static void
add_live_layers (PanoWindow *self)
{
  ShumateViewport *viewport = shumate_map_get_viewport (self->map);
  const char * const *names = pano_live_style_get_layer_names ();

  self->live_layers = g_ptr_array_new ();
  self->live_rows = g_ptr_array_new ();
  for (guint i = 0; names[i]; i++)
    {
      PanoLiveMapLayer *layer = pano_live_map_layer_new (viewport, self->live_store, names[i]);
      GtkWidget *row = pano_live_layer_row_new (layer, self->live_store,
                                                pano_live_style_get_title (names[i]));

      pano_live_map_layer_set_scale (layer, pano_window_get_scale (self));
      shumate_map_add_layer (self->map, SHUMATE_LAYER (layer));
      g_ptr_array_add (self->live_layers, layer);
      /* The list reads top first, like the static layer list. */
      gtk_box_insert_child_after (self->live_list, row,
                                  gtk_widget_get_first_child (GTK_WIDGET (self->live_list)));
      g_ptr_array_add (self->live_rows, row);
    }
  gtk_widget_set_visible (self->live_box, TRUE);
  gtk_widget_set_visible (self->live_empty, FALSE);
  pano_layer_stack_set_ceiling (self->stack, g_ptr_array_index (self->live_layers, 0));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->map), TRUE);
  g_signal_connect_object (self->map, "query-tooltip", G_CALLBACK (on_query_tooltip), self, 0);
  gtk_widget_set_has_tooltip (self->feed_status, TRUE);
  g_signal_connect_object (self->feed_status, "query-tooltip",
                           G_CALLBACK (on_feed_status_query_tooltip), self, 0);
}

/* Once both the grid cells (base map) and the live store (hub) are there: the choropleth of
 * open events, between the static layers and the live symbols. */
void
pano_window_ensure_choropleth (PanoWindow *self)
{
  PanoGisLayer *cells;

  if (self->choropleth || !self->live_store || !self->base_map ||
      !(cells = pano_static_layer_find_gis_layer (self->base_map, "grid_cells")))
    return;
  self->choropleth = SHUMATE_LAYER (pano_grid_choropleth_new (shumate_map_get_viewport (self->map),
                                                              cells, self->live_store));
  shumate_map_insert_layer_behind (self->map, self->choropleth,
                                   g_ptr_array_index (self->live_layers, 0));
  pano_layer_stack_set_ceiling (self->stack, self->choropleth);
}

void
pano_window_clear_live (PanoWindow *self)
{
  g_clear_handle_id (&self->feed_status_id, g_source_remove);
  pano_window_clear_incidents (self);
  if (self->feed && self->banner_label)
    pano_window_set_banner (self, PANO_BANNER_HUB, NULL);
  if (self->feed)
    pano_feed_client_stop (self->feed);
  g_clear_object (&self->feed);
  g_clear_object (&self->live_store);
  g_clear_pointer (&self->live_layers, g_ptr_array_unref);
  g_clear_pointer (&self->live_rows, g_ptr_array_unref);
  g_clear_pointer (&self->selected_layer, g_free);
  g_clear_pointer (&self->selected_id, g_free);
  g_clear_pointer (&self->selected_properties, g_free);
  g_clear_pointer (&self->hub_ca_file, g_free);
  g_clear_pointer (&self->hub_url, g_free);
  g_clear_pointer (&self->hub_token, g_free);
}

/**
 * pano_window_set_hub_ca_file:
 * @ca_file: (nullable): PEM certificates an https:// hub's must chain to; %NULL or "" for the
 *   system's
 *
 * Takes effect at the next pano_window_set_hub ().
 */
void
pano_window_set_hub_ca_file (PanoWindow *self,
                             const char *ca_file)
{
  g_free (self->hub_ca_file);
  self->hub_ca_file = ca_file && *ca_file ? g_strdup (ca_file) : NULL;
}

/**
 * pano_window_set_hub:
 * @url: (nullable): the hub, e.g. http://127.0.0.1:7878; %NULL or "" for no live layers
 *
 * Subscribes to the hub's live layers and draws them over the static layers.
 */
void
pano_window_set_hub (PanoWindow *self,
                     const char *url,
                     const char *token)
{
  g_return_if_fail (self->feed == NULL);

  if (url == NULL || url[0] == '\0')
    return;
  self->hub_url = g_strdup (url);
  self->hub_token = g_strdup (token);
  self->live_store = pano_live_store_new (pano_live_style_get_layer_names ());
  self->feed = pano_feed_client_new (url, token, self->live_store);
  /* An unreadable file leaves the feed offline with the reason, which the status shows. */
  if (self->hub_ca_file != NULL)
    pano_feed_client_set_ca_file (self->feed, self->hub_ca_file, NULL);
  g_signal_connect_object (self->live_store, "changed", G_CALLBACK (on_live_changed), self, 0);
  add_live_layers (self);
  gtk_widget_set_visible (self->feed_status, TRUE);
  pano_window_ensure_choropleth (self);
  pano_window_setup_incidents (self, url, token);
  pano_feed_client_start (self->feed);
  self->feed_status_id = g_timeout_add (STATUS_TICK_MS, update_feed_status, self);
  update_feed_status (self);
}

/* Returns: (nullable) (transfer none): the live store while subscribed to a hub */
PanoLiveStore *
pano_window_get_live_store (PanoWindow *self)
{
  return self->live_store;
}

/* Returns: (nullable) (transfer none): the subscription to the hub, if any */
PanoFeedClient *
pano_window_get_feed (PanoWindow *self)
{
  return self->feed;
}

/* Returns: the text of the connection indicator in the header bar */
const char *
pano_window_get_feed_status (PanoWindow *self)
{
  return gtk_label_get_label (self->feed_label);
}

/* Returns: the opacity the live layers are drawn with: 1 while live, less while offline */
double
pano_window_get_live_opacity (PanoWindow *self)
{
  return self->live_layers && self->live_layers->len > 0
         ? gtk_widget_get_opacity (g_ptr_array_index (self->live_layers, 0)) : 1.0;
}
