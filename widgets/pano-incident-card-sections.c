// SPDX-License-Identifier: GPL-3.0-or-later
/* The incident card's lists: the assigned units with their live status, acknowledgement and
 * ETA; the units ranked by road ETA (the hub's recommendations), ticked for dispatch; the
 * timeline of accepted commands from the hub's audit log; what is nearby (stations with their
 * AQI, cameras and facilities within 1 km, shelters with room, warehouses with stock); and
 * related incidents (same grid cell or within 500 m, last 24 h). */
#define G_LOG_DOMAIN "panorama-widgets"

#include "pano-incident-card-private.h"
#include "pano-format.h"
#include "pano-json-object.h"
#include "pano-live-classify.h"
#include "pano-mercator.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#define NEARBY_M 1000.0
#define RELATED_M 500.0
#define RELATED_MS (24 * 3600 * 1000LL)
#define SHOWN_RECOMMENDED 8
#define ROUTED_RECOMMENDED 3
#define SITES_SHOWN 3

/* ---- small pieces ---- */

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))))
    gtk_list_box_remove (list, child);
}

/* A row of two lines: what, then the details. */
static GtkWidget *
add_row (GtkListBox *list,
         const char *title,
         const char *subtitle,
         const char *css)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *first = gtk_label_new (title);
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_label_set_xalign (GTK_LABEL (first), 0);
  gtk_label_set_wrap (GTK_LABEL (first), TRUE);
  gtk_box_append (GTK_BOX (box), first);
  if (subtitle != NULL && *subtitle != '\0')
    {
      GtkWidget *second = gtk_label_new (subtitle);

      gtk_label_set_xalign (GTK_LABEL (second), 0);
      gtk_label_set_wrap (GTK_LABEL (second), TRUE);
      gtk_widget_add_css_class (second, css ? css : "dim-label");
      gtk_box_append (GTK_BOX (box), second);
    }
  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_append (list, row);
  return row;
}

static void
add_placeholder (GtkListBox *list,
                 const char *text)
{
  GtkWidget *row = add_row (list, text, NULL, NULL);

  gtk_widget_add_css_class (gtk_widget_get_first_child (
                              gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row))), "dim-label");
}

static double
distance_m (double lon1,
            double lat1,
            double lon2,
            double lat2)
{
  double p1 = lat1 * G_PI / 180, p2 = lat2 * G_PI / 180;
  double dp = p2 - p1, dl = (lon2 - lon1) * G_PI / 180;
  double a = sin (dp / 2) * sin (dp / 2) + cos (p1) * cos (p2) * sin (dl / 2) * sin (dl / 2);

  return 2 * 6371008.8 * asin (MIN (1.0, sqrt (a)));
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return JSON_NODE_HOLDS_OBJECT (root) ? json_object_ref (json_node_get_object (root)) : NULL;
}

/* Returns: (nullable) (transfer full): the unit's live properties from the resources layer */
static JsonObject *
live_properties (PanoIncidentCard *self,
                 const char       *layer_name,
                 const char       *id)
{
  PanoLiveLayer *layer = self->store ? pano_live_store_get_layer (self->store, layer_name) : NULL;
  int slot = layer ? pano_live_layer_lookup (layer, id) : -1;

  return slot >= 0 ? parse_object (pano_live_layer_get_properties (layer, slot)) : NULL;
}

/* Returns: the unit's status for people, from the live resources layer */
const char *
pano_incident_card_unit_status (PanoIncidentCard *self,
                                const char       *unit)
{
  g_autoptr(JsonObject) properties = live_properties (self, "resources", unit);
  const char *status = pano_json_object_get_string (properties, "status");

  return status ? pano_format_unit_status (status) : _("not on the map");
}

/* Returns: (nullable): the hub's ranking entry for @unit */
static JsonObject *
ranked_unit (PanoIncidentCard *self,
             const char       *unit)
{
  JsonArray *units = self->recommendations
                     ? json_object_get_array_member (self->recommendations, "units") : NULL;

  for (guint i = 0; units && i < json_array_get_length (units); i++)
    {
      JsonObject *entry = json_array_get_object_element (units, i);

      if (g_strcmp0 (pano_json_object_get_string (entry, "id"), unit) == 0)
        return entry;
    }
  return NULL;
}

static char *
describe_eta (JsonObject *entry)
{
  g_autofree char *eta = NULL, *distance = NULL;

  if (entry == NULL)
    return g_strdup ("");
  if (!json_object_get_boolean_member_with_default (entry, "reachable", TRUE))
    return g_strdup (_("unreachable by road"));
  eta = pano_format_duration ((gint64) pano_json_object_get_number (entry, "eta_s", 0));
  distance = pano_format_distance (pano_json_object_get_number (entry, "distance_m", 0));
  return g_strdup_printf (_("ETA %s · %s by road"), eta, distance);
}

/* Returns: the unit's kind for people ("Fire engine"), from the live resources layer */
const char *
pano_incident_card_get_unit_kind (PanoIncidentCard *self,
                                  const char       *unit)
{
  g_autoptr(JsonObject) live = live_properties (self, "resources", unit);

  return pano_format_unit_kind (pano_json_object_get_string (live, "kind"));
}

/* Returns: whether the hub's last ranking gave @unit a road ETA (then in @eta_s) */
gboolean
pano_incident_card_get_unit_eta (PanoIncidentCard *self,
                                 const char       *unit,
                                 gint64           *eta_s)
{
  JsonObject *entry = ranked_unit (self, unit);

  if (entry == NULL || !json_object_get_boolean_member_with_default (entry, "reachable", TRUE) ||
      !json_object_has_member (entry, "eta_s"))
    return FALSE;
  *eta_s = (gint64) pano_json_object_get_number (entry, "eta_s", 0);
  return TRUE;
}

/* ---- assigned units ---- */

void
pano_incident_card_show_units (PanoIncidentCard *self)
{
  PanoIncidentRecord *r = self->record;

  clear_list (self->units_list);
  for (guint i = 0; r && i < pano_incident_record_get_n_units (r); i++)
    {
      const PanoIncidentUnit *unit = pano_incident_record_get_unit (r, i);
      g_autoptr(JsonObject) live = live_properties (self, "resources", unit->id);
      const char *kind = pano_json_object_get_string (live, "kind");
      g_autofree char *title = g_strdup_printf ("%s · %s", unit->id, pano_format_unit_kind (kind));
      g_autofree char *eta = describe_eta (ranked_unit (self, unit->id));
      g_autofree char *ack = unit->acknowledged
        ? g_strdup_printf (_("acknowledged %s"), pano_format_clock_time (unit->acknowledged_ms))
        : g_strdup (_("not acknowledged yet"));
      g_autofree char *scene = unit->on_scene_ms
        ? g_strdup_printf (_(" · on scene %s"), pano_format_clock_time (unit->on_scene_ms))
        : g_strdup ("");
      g_autofree char *subtitle = g_strdup_printf ("%s · %s%s%s%s",
                                                   pano_incident_card_unit_status (self, unit->id),
                                                   ack, scene, *eta ? " · " : "", eta);

      add_row (self->units_list, title, subtitle, unit->acknowledged ? NULL : "warning");
    }
  if (r == NULL || pano_incident_record_get_n_units (r) == 0)
    add_placeholder (self->units_list, _("No unit assigned."));
}

/* ---- recommendations ---- */

static void
on_unit_toggled (GtkCheckButton   *check,
                 PanoIncidentCard *self)
{
  const char *unit = g_object_get_data (G_OBJECT (check), "unit");

  if (gtk_check_button_get_active (check))
    g_hash_table_add (self->chosen, g_strdup (unit));
  else
    g_hash_table_remove (self->chosen, unit);
  pano_incident_card_update_actions (self);
}

static char *
describe_candidate (PanoIncidentCard *self,
                    JsonObject       *entry,
                    const char      **css)
{
  const char *busy = pano_json_object_get_string (entry, "busy_incident");
  g_autofree char *eta = describe_eta (entry);
  const char *status = pano_format_unit_status (pano_json_object_get_string (entry, "status"));

  *css = NULL;
  if (!json_object_get_boolean_member_with_default (entry, "capable", TRUE))
    {
      *css = "dim-label";
      return g_strdup_printf (_("%s · %s · not suited to this category"), eta, status);
    }
  if (busy != NULL && g_strcmp0 (busy, self->id) != 0)
    {
      *css = "warning";
      return g_strdup_printf (_("%s · busy on %s"), eta, busy);
    }
  return g_strdup_printf ("%s · %s", eta, status);
}

static void
add_candidate (PanoIncidentCard *self,
               JsonObject       *entry)
{
  const char *id = pano_json_object_get_string (entry, "id");
  const char *kind = pano_json_object_get_string (entry, "kind");
  const char *css = NULL;
  g_autofree char *title = g_strdup_printf ("%s · %s", id, pano_format_unit_kind (kind));
  g_autofree char *subtitle = describe_candidate (self, entry, &css);
  GtkWidget *row = add_row (self->recommend_list, title, subtitle, css);
  GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  g_object_ref (box);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), line);
  gtk_box_append (GTK_BOX (line), check);
  gtk_box_append (GTK_BOX (line), box);
  g_object_unref (box);
  g_object_set_data_full (G_OBJECT (check), "unit", g_strdup (id), g_free);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), g_hash_table_contains (self->chosen, id));
  gtk_widget_set_sensitive (check, json_object_get_boolean_member_with_default (entry,
                                                                                "reachable",
                                                                                TRUE));
  g_signal_connect (check, "toggled", G_CALLBACK (on_unit_toggled), self);
}

static void
add_route (PanoIncidentCard *self,
           JsonObject       *entry,
           gboolean          assigned)
{
  JsonNode *node = json_object_get_member (entry, "route");
  JsonObject *route = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonArray *coords = route ? json_object_get_array_member (route, "coordinates") : NULL;
  PanoRoute *r;

  if (coords == NULL || json_array_get_length (coords) < 2)
    return;
  r = g_new0 (PanoRoute, 1);
  r->unit = g_strdup (pano_json_object_get_string (entry, "id"));
  r->assigned = assigned;
  r->lonlat = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < json_array_get_length (coords); i++)
    {
      JsonArray *pair = json_array_get_array_element (coords, i);
      double p[2] = { json_array_get_double_element (pair, 0),
                      json_array_get_double_element (pair, 1) };

      g_array_append_vals (r->lonlat, p, 2);
    }
  g_ptr_array_add (self->routes, r);
}

static void
show_recommendations (PanoIncidentCard *self)
{
  JsonArray *units = json_object_get_array_member (self->recommendations, "units");
  guint shown = 0, routed = 0;

  clear_list (self->recommend_list);
  g_ptr_array_set_size (self->routes, 0);
  for (guint i = 0; units && i < json_array_get_length (units); i++)
    {
      JsonObject *entry = json_array_get_object_element (units, i);
      const char *id = pano_json_object_get_string (entry, "id");
      gboolean assigned = self->record && pano_incident_record_has_unit (self->record, id);

      if (assigned)
        {
          add_route (self, entry, TRUE);
          continue;
        }
      if (shown >= SHOWN_RECOMMENDED)
        continue;
      add_candidate (self, entry);
      shown++;
      if (routed < ROUTED_RECOMMENDED && json_object_get_boolean_member_with_default (
                                            entry, "capable", TRUE))
        add_route (self, entry, FALSE), routed++;
    }
  self->n_recommended = shown;
  if (shown == 0)
    add_placeholder (self->recommend_list, _("No unit to recommend."));
  pano_incident_card_show_units (self);
  pano_incident_card_emit_routes_changed (self);
}

static void
on_recommendations (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(PanoIncidentCard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = pano_hub_client_get_finish (PANO_HUB_CLIENT (source), result,
                                                             &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->id == NULL)
    return;
  if (answer == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Units cannot be ranked now: %s"),
                                               error->message);

      clear_list (self->recommend_list);
      add_placeholder (self->recommend_list, text);
      return;
    }
  g_clear_pointer (&self->recommendations, json_object_unref);
  self->recommendations = g_steal_pointer (&answer);
  show_recommendations (self);
}

void
pano_incident_card_fetch_recommendations (PanoIncidentCard *self)
{
  g_autofree char *escaped = NULL, *path = NULL;

  if (self->id == NULL || self->client == NULL || self->record == NULL ||
      pano_incident_record_is_final (self->record))
    return;
  self->recommended_version = pano_incident_record_get_version (self->record);
  escaped = g_uri_escape_string (self->id, NULL, FALSE);
  path = g_strdup_printf ("/v1/incidents/%s/recommendations?limit=200", escaped);
  pano_hub_client_get_async (self->client, path, self->cancellable, on_recommendations,
                             g_object_ref (self));
}

/* Returns: (transfer none) (nullable): the hub's last ranking of units for the incident */
JsonObject *
pano_incident_card_get_recommendations (PanoIncidentCard *self)
{
  return self->recommendations;
}

guint
pano_incident_card_get_n_recommended (PanoIncidentCard *self)
{
  return self->n_recommended;
}

/* Returns: (nullable): the id of the @index-th unit offered, best first */
const char *
pano_incident_card_get_recommended (PanoIncidentCard *self,
                                    guint             index)
{
  JsonArray *units = self->recommendations
                     ? json_object_get_array_member (self->recommendations, "units") : NULL;
  guint shown = 0;

  for (guint i = 0; units && i < json_array_get_length (units); i++)
    {
      const char *id = pano_json_object_get_string (json_array_get_object_element (units, i), "id");

      if (self->record && pano_incident_record_has_unit (self->record, id))
        continue;
      if (shown++ == index)
        return id;
    }
  return NULL;
}

/* Ticks or unticks @unit for the next dispatch, as its check box does. */
void
pano_incident_card_set_unit_chosen (PanoIncidentCard *self,
                                    const char       *unit,
                                    gboolean          chosen)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->recommend_list)); row;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *line = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
      GtkWidget *check = line ? gtk_widget_get_first_child (line) : NULL;

      if (GTK_IS_CHECK_BUTTON (check) &&
          g_strcmp0 (g_object_get_data (G_OBJECT (check), "unit"), unit) == 0)
        {
          gtk_check_button_set_active (GTK_CHECK_BUTTON (check), chosen);
          return;
        }
    }
}

/* ---- timeline ---- */

static const char *
stage_words (const char *name)
{
  PanoIncidentStatus status;

  return pano_incident_status_from_name (name, &status) ? pano_format_status (status) : name;
}

static char *
join_units (JsonObject *entry)
{
  JsonNode *node = json_object_get_member (entry, "units");
  JsonArray *units = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; units && i < json_array_get_length (units); i++)
    g_string_append_printf (text, "%s%s", i ? ", " : "",
                            json_array_get_string_element (units, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Returns: "14:05 dispatcher-1 · Moved: Reported → Accepted", then the details */
static char *
describe_entry (JsonObject  *entry,
                char       **details)
{
  const char *command = pano_json_object_get_string (entry, "command");
  const char *before = pano_json_object_get_string (entry, "status_before");
  const char *after = pano_json_object_get_string (entry, "status_after");
  const char *unit = pano_json_object_get_string (entry, "unit");
  const char *actor = pano_json_object_get_string (entry, "actor");
  const char *reason = pano_json_object_get_string (entry, "reason");
  gint64 at = pano_feed_parse_time (pano_json_object_get_string (entry, "at"));
  g_autofree char *when = pano_format_clock_time (at);
  g_autofree char *units = join_units (entry);
  g_autofree char *what = NULL;

  if (before != NULL && after != NULL && g_strcmp0 (before, after) != 0)
    what = g_strdup_printf (_("%s: %s → %s"), pano_format_command (command), stage_words (before),
                            stage_words (after));
  else if (unit != NULL)
    what = g_strdup_printf (_("%s: %s"), pano_format_command (command), unit);
  else
    what = g_strdup (pano_format_command (command));
  if (*units)
    *details = g_strdup (units);
  else if (json_object_has_member (entry, "seconds"))
    *details = g_strdup_printf (_("+%d min: %s"),
                                (int) (pano_json_object_get_number (entry, "seconds", 0) / 60),
                                reason ? reason : "");
  else
    *details = g_strdup (reason ? reason : pano_json_object_get_string (entry, "text"));
  return g_strdup_printf ("%s  %s · %s", when, actor ? actor : "—", what);
}

static void
show_timeline (PanoIncidentCard *self)
{
  clear_list (self->timeline_list);
  for (guint i = 0; self->timeline && i < json_array_get_length (self->timeline); i++)
    {
      g_autofree char *details = NULL;
      g_autofree char *title = describe_entry (json_array_get_object_element (self->timeline, i),
                                               &details);

      add_row (self->timeline_list, title, details, NULL);
    }
  if (self->timeline == NULL || json_array_get_length (self->timeline) == 0)
    add_placeholder (self->timeline_list, _("Nothing recorded yet."));
}

/* Replay shows the timeline as it stood at the replayed time. */
static JsonArray *
keep_until (JsonArray *entries,
            gint64     until_ms)
{
  JsonArray *kept;

  if (until_ms == 0)
    return json_array_ref (entries);
  kept = json_array_new ();
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      if (entry != NULL &&
          pano_feed_parse_time (pano_json_object_get_string (entry, "at")) <= until_ms)
        json_array_add_element (kept, json_node_copy (json_array_get_element (entries, i)));
    }
  return kept;
}

static void
on_timeline (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PanoIncidentCard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = pano_hub_client_get_finish (PANO_HUB_CLIENT (source), result,
                                                             &error);
  JsonNode *entries;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->id == NULL)
    return;
  if (answer == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The timeline cannot be read now: %s"),
                                               error->message);

      self->timeline_version = -1;
      clear_list (self->timeline_list);
      add_placeholder (self->timeline_list, text);
      return;
    }
  entries = json_object_get_member (answer, "entries");
  g_clear_pointer (&self->timeline, json_array_unref);
  if (entries != NULL && JSON_NODE_HOLDS_ARRAY (entries))
    self->timeline = keep_until (json_node_get_array (entries), self->until_ms);
  show_timeline (self);
}

void
pano_incident_card_fetch_timeline (PanoIncidentCard *self)
{
  g_autofree char *escaped = NULL, *path = NULL;

  if (self->id == NULL || self->client == NULL)
    return;
  self->timeline_version = self->record ? pano_incident_record_get_version (self->record) : -1;
  escaped = g_uri_escape_string (self->id, NULL, FALSE);
  path = g_strdup_printf ("/v1/incidents/%s/timeline", escaped);
  pano_hub_client_get_async (self->client, path, self->cancellable, on_timeline,
                             g_object_ref (self));
}

guint
pano_incident_card_get_n_timeline (PanoIncidentCard *self)
{
  return self->timeline ? json_array_get_length (self->timeline) : 0;
}

/* Returns: (transfer full): the timeline entry as the card words it, details included */
char *
pano_incident_card_dup_timeline_entry (PanoIncidentCard *self,
                                       guint             index)
{
  g_autofree char *details = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (index < pano_incident_card_get_n_timeline (self), NULL);
  title = describe_entry (json_array_get_object_element (self->timeline, index), &details);
  return g_strdup_printf ("%s\n%s", title, details ? details : "");
}

/* ---- nearby ---- */

typedef struct
{
  double distance;
  char *title;
  char *subtitle;
} Near;

static void
near_free (Near *near)
{
  g_free (near->title);
  g_free (near->subtitle);
  g_free (near);
}

static gint
compare_near (gconstpointer a,
              gconstpointer b)
{
  const Near *na = *(Near **) a, *nb = *(Near **) b;

  return (na->distance > nb->distance) - (na->distance < nb->distance);
}

typedef struct
{
  PanoIncidentCard *self;
  double lon, lat;
  GPtrArray *found;          /* Near */
  GPtrArray *sites;          /* Near: shelters and warehouses at any distance */
} NearbySearch;

static void
add_near (GPtrArray  *list,
          double      distance,
          char       *title,
          char       *subtitle)
{
  Near *near = g_new0 (Near, 1);
  g_autofree char *away = pano_format_distance (distance);

  near->distance = distance;
  near->title = title;
  near->subtitle = g_strdup_printf ("%s · %s", away, subtitle);
  g_free (subtitle);
  g_ptr_array_add (list, near);
}

static gboolean
visit_station (PanoLiveLayer *layer,
               guint          slot,
               gpointer       user_data)
{
  NearbySearch *search = user_data;
  g_autoptr(JsonObject) p = parse_object (pano_live_layer_get_properties (layer, slot));
  const char *name;
  double x, y, d;

  if (g_strcmp0 (pano_json_object_get_string (p, "kind"), "env_station") != 0)
    return TRUE;
  pano_live_layer_get_position (layer, slot, &x, &y);
  d = distance_m (search->lon, search->lat, pano_mercator_lon_from_x (x),
                  pano_mercator_lat_from_y (y));
  name = pano_json_object_get_string (p, "name");
  if (d <= NEARBY_M)
    add_near (search->found, d,
              g_strdup_printf (_("Station %s"), name ? name : pano_live_layer_get_id (layer, slot)),
              g_strdup_printf (_("AQI %.0f"), pano_json_object_get_number (p, "aqi", 0)));
  return TRUE;
}

static gboolean
visit_site (PanoLiveLayer *layer,
            guint          slot,
            gpointer       user_data)
{
  NearbySearch *search = user_data;
  g_autoptr(JsonObject) p = parse_object (pano_live_layer_get_properties (layer, slot));
  const char *kind = pano_json_object_get_string (p, "kind");
  const char *name;
  double x, y, d, capacity;

  if (g_strcmp0 (kind, "shelter") != 0 && g_strcmp0 (kind, "warehouse") != 0)
    return TRUE;
  pano_live_layer_get_position (layer, slot, &x, &y);
  d = distance_m (search->lon, search->lat, pano_mercator_lon_from_x (x),
                  pano_mercator_lat_from_y (y));
  name = pano_json_object_get_string (p, "name");
  capacity = pano_json_object_get_number (p, "capacity", 0);
  if (g_str_equal (kind, "shelter"))
    add_near (search->sites, d, g_strdup_printf (_("Shelter %s"), name),
              g_strdup_printf (_("%.0f of %.0f places free"),
                               capacity - pano_json_object_get_number (p, "occupancy", 0),
                               capacity));
  else
    add_near (search->sites, d, g_strdup_printf (_("Warehouse %s"), name),
              g_strdup_printf (_("stock %.0f"), pano_json_object_get_number (p, "stock", 0)));
  return TRUE;
}

static gboolean
visit_facility (guint    feature,
                gpointer user_data)
{
  NearbySearch *search = user_data;
  PanoGisLayer *layer = search->self->facilities;
  int kind_field = pano_gis_layer_find_field (layer, "kind");
  int name_field = pano_gis_layer_find_field (layer, "name");
  const char *kind = kind_field >= 0 ? pano_gis_layer_get_value (layer, feature, kind_field) : "";
  PanoGeometry g;
  double d;

  pano_gis_layer_get_geometry (layer, feature, &g);
  if (g.n_parts == 0 || g_strcmp0 (kind, "env_station") == 0)
    return TRUE;
  d = distance_m (search->lon, search->lat,
                  pano_mercator_lon_from_x (g.coords[2 * g.part_starts[0]]),
                  pano_mercator_lat_from_y (g.coords[2 * g.part_starts[0] + 1]));
  if (d <= NEARBY_M)
    add_near (search->found, d,
              g_strdup (name_field >= 0 ? pano_gis_layer_get_value (layer, feature, name_field)
                                        : pano_format_facility_kind (kind)),
              g_strdup (pano_format_facility_kind (kind)));
  return TRUE;
}

static void
search_nearby (NearbySearch *search,
               double        radius)
{
  double x = pano_mercator_x_from_lon (search->lon), y = pano_mercator_y_from_lat (search->lat);
  /* world units per metre at this latitude */
  double r = radius / (40075016.7 * cos (search->lat * G_PI / 180));
  PanoIncidentCard *self = search->self;

  if (self->store)
    {
      pano_live_layer_search (pano_live_store_get_layer (self->store, "environment"),
                              x - r, y - r, x + r, y + r, visit_station, search);
      pano_live_layer_foreach (pano_live_store_get_layer (self->store, "resources"), visit_site,
                               search);
    }
  if (self->facilities)
    pano_gis_layer_search (self->facilities, x - r, y - r, x + r, y + r, visit_facility, search);
}

void
pano_incident_card_show_nearby (PanoIncidentCard *self)
{
  NearbySearch search = { self, 0, 0, g_ptr_array_new_with_free_func ((GDestroyNotify) near_free),
                          g_ptr_array_new_with_free_func ((GDestroyNotify) near_free) };

  clear_list (self->nearby_list);
  self->n_nearby = 0;
  if (self->record && pano_incident_record_get_location (self->record, &search.lon, &search.lat))
    search_nearby (&search, NEARBY_M);
  g_ptr_array_sort (search.found, compare_near);
  g_ptr_array_sort (search.sites, compare_near);
  g_ptr_array_set_size (search.sites, MIN (search.sites->len, SITES_SHOWN * 2));
  g_ptr_array_extend_and_steal (search.found, g_steal_pointer (&search.sites));
  for (guint i = 0; i < search.found->len; i++)
    {
      Near *near = search.found->pdata[i];

      add_row (self->nearby_list, near->title, near->subtitle, NULL);
    }
  self->n_nearby = search.found->len;
  if (search.found->len == 0)
    add_placeholder (self->nearby_list, _("Nothing on record nearby."));
  g_ptr_array_unref (search.found);
}

guint
pano_incident_card_get_n_nearby (PanoIncidentCard *self)
{
  return self->n_nearby;
}

/* ---- related incidents ---- */

static void
on_related_activated (GtkListBox       *list,
                      GtkListBoxRow    *row,
                      PanoIncidentCard *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "incident");

  if (id != NULL)
    pano_incident_card_emit_open (self, id);
}

static gboolean
is_related (PanoIncidentCard   *self,
            PanoIncidentRecord *other,
            gint64              now_ms,
            double             *distance)
{
  const char *cell = pano_incident_record_get_grid_code (self->record);
  double lon, lat, olon, olat;

  if (other == self->record || g_strcmp0 (pano_incident_record_get_id (other), self->id) == 0 ||
      now_ms - pano_incident_record_get_reported_ms (other) > RELATED_MS ||
      !pano_incident_record_get_location (self->record, &lon, &lat) ||
      !pano_incident_record_get_location (other, &olon, &olat))
    return FALSE;
  *distance = distance_m (lon, lat, olon, olat);
  return *distance <= RELATED_M ||
         (cell != NULL && g_strcmp0 (cell, pano_incident_record_get_grid_code (other)) == 0);
}

void
pano_incident_card_show_related (PanoIncidentCard *self)
{
  guint n = self->model ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;
  gint64 now = g_get_real_time () / 1000;

  clear_list (self->related_list);
  self->n_related = 0;
  if (!g_object_get_data (G_OBJECT (self->related_list), "connected"))
    {
      g_signal_connect (self->related_list, "row-activated", G_CALLBACK (on_related_activated),
                        self);
      g_object_set_data (G_OBJECT (self->related_list), "connected", GINT_TO_POINTER (1));
    }
  for (guint i = 0; self->record && i < n; i++)
    {
      g_autoptr(PanoIncidentRecord) other = g_list_model_get_item (G_LIST_MODEL (self->model), i);
      g_autofree char *title = NULL, *subtitle = NULL, *away = NULL;
      GtkWidget *row;
      double d;

      if (!is_related (self, other, now, &d))
        continue;
      away = pano_format_distance (d);
      title = g_strdup_printf ("%s  %s", pano_incident_record_get_id (other),
                               pano_incident_record_get_title (other));
      subtitle = g_strdup_printf ("%s · %s · %s",
                                  pano_format_status (pano_incident_record_get_status (other)),
                                  away, pano_format_clock_time (
                                    pano_incident_record_get_reported_ms (other)));
      row = add_row (self->related_list, title, subtitle, NULL);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "incident",
                              g_strdup (pano_incident_record_get_id (other)), g_free);
      self->n_related++;
    }
  if (self->n_related == 0)
    add_placeholder (self->related_list, _("None."));
}

guint
pano_incident_card_get_n_related (PanoIncidentCard *self)
{
  return self->n_related;
}

/* Empties every list, as when another incident is opened. */
void
pano_incident_card_clear_sections (PanoIncidentCard *self)
{
  GtkListBox *lists[] = { self->units_list, self->recommend_list, self->timeline_list,
                          self->nearby_list, self->related_list };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    clear_list (lists[i]);
  g_clear_pointer (&self->recommendations, json_object_unref);
  g_clear_pointer (&self->timeline, json_array_unref);
  g_ptr_array_set_size (self->routes, 0);
  self->n_recommended = self->n_nearby = self->n_related = 0;
  pano_incident_card_emit_routes_changed (self);
}
