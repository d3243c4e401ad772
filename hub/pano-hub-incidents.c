// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-incidents"

#include "pano-hub-incidents-private.h"
#include "pano-hub-kpis.h"
#include "pano-incident.h"

/* Durable incidents and dispatch orders: the live layer's incidents (open ones and final ones
 * of the last `incident-live-hours`), loading, overdue flagging and expiry. How one command
 * runs is in pano-hub-incidents-execute.c, what it does in pano-hub-incidents-commands.c. */

G_DEFINE_FINAL_TYPE (PanoHubIncidents, pano_hub_incidents, G_TYPE_OBJECT)
G_DEFINE_QUARK (pano-hub-command-error-quark, pano_hub_command_error)

static void
pano_hub_incidents_finalize (GObject *object)
{
  PanoHubIncidents *self = PANO_HUB_INCIDENTS (object);

  g_clear_object (&self->alert_marks);
  g_clear_object (&self->db);
  g_clear_object (&self->store);
  g_clear_object (&self->city);
  g_hash_table_unref (self->incidents);
  G_OBJECT_CLASS (pano_hub_incidents_parent_class)->finalize (object);
}

static void
pano_hub_incidents_class_init (PanoHubIncidentsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pano_hub_incidents_finalize;
}

static void
pano_hub_incidents_init (PanoHubIncidents *self)
{
  self->incidents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) json_node_unref);
}

PanoHubIncidents *
pano_hub_incidents_new (PanoHubDb             *db,
                        PanoHubStore          *store,
                        PanoHubCity           *city,
                        const PanoHubSettings *settings)
{
  PanoHubIncidents *self = g_object_new (PANO_TYPE_HUB_INCIDENTS, NULL);

  self->db = g_object_ref (db);
  self->store = g_object_ref (store);
  self->city = city ? g_object_ref (city) : NULL;
  self->settings = settings;
  return self;
}

/* json_node_copy() shares objects and arrays: a "copy" changed in place changes the original.
 * A command works on this deep copy so that a refused or failed one leaves nothing behind. */
JsonNode *
pano_hub_json_deep_copy (JsonNode *node)
{
  JsonNode *copy;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_object_new ();
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &member))
        json_object_set_member (object, name, pano_hub_json_deep_copy (member));
      copy = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (copy, object);
      return copy;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
        json_array_add_element (array, pano_hub_json_deep_copy (
                                  json_array_get_element (json_node_get_array (node), i)));
      copy = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (copy, array);
      return copy;
    }
  return json_node_copy (node);
}

void
pano_hub_incidents_publish (PanoHubIncidents *self,
                            JsonNode         *incident)
{
  JsonObject *object = json_node_get_object (incident);
  JsonArray *location = json_object_get_array_member (object, "location");
  double lon = json_array_get_double_element (location, 0);
  double lat = json_array_get_double_element (location, 1);
  g_autofree char *properties = pano_protocol_to_string (incident);
  g_autofree char *geometry = g_strdup_printf ("{\"type\":\"Point\",\"coordinates\":[%.7f,%.7f]}",
                                               lon, lat);
  double bbox[4] = { lon, lat, lon, lat };

  pano_hub_store_upsert_raw (self->store, PANO_LAYER_INCIDENTS,
                             json_object_get_string_member (object, "id"),
                             geometry, bbox, properties, 0);
}

static void
load_one (const char *id,
          const char *json,
          gpointer    user_data)
{
  PanoHubIncidents *self = user_data;
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_warning ("Incident %s in the database is unreadable: %s", id,
                 error ? error->message : "not an object");
      g_clear_pointer (&node, json_node_unref);
      return;
    }
  g_hash_table_replace (self->incidents, g_strdup (id), node);
  pano_hub_incidents_publish (self, node);
}

static gint64
live_since (PanoHubIncidents *self)
{
  return g_get_real_time () - (gint64) self->settings->incident_live_hours * 3600 * G_USEC_PER_SEC;
}

/**
 * pano_hub_incidents_load:
 * @n_loaded: (out): how many incidents the live layer got
 *
 * Fills the live layer from the database (open incidents and recent final ones) and the
 * alerts' marks. Returns: %FALSE if the database could not be read
 */
gboolean
pano_hub_incidents_load (PanoHubIncidents  *self,
                         guint             *n_loaded,
                         GError           **error)
{
  self->alert_marks = pano_hub_marks_new (self->db, self->store, PANO_LAYER_ALERTS, error);
  if (self->alert_marks == NULL ||
      !pano_hub_db_foreach_incident (self->db, live_since (self), load_one, self, error))
    return FALSE;
  *n_loaded = g_hash_table_size (self->incidents);
  return TRUE;
}

/* Returns: (nullable): the incident as JSON, from the live layer or else from the database;
 * %NULL without @error if there is no such incident. */
char *
pano_hub_incidents_dup_json (PanoHubIncidents  *self,
                             const char        *id,
                             GError           **error)
{
  JsonNode *node = g_hash_table_lookup (self->incidents, id);

  if (node != NULL)
    return pano_protocol_to_string (node);
  return pano_hub_db_get_incident (self->db, id, error);
}

JsonObject *
pano_hub_incidents_lookup (PanoHubIncidents *self,
                           const char       *id)
{
  JsonNode *node = g_hash_table_lookup (self->incidents, id);

  return node ? json_node_get_object (node) : NULL;
}

GList *
pano_hub_incidents_list_ids (PanoHubIncidents *self)
{
  return g_list_sort (g_hash_table_get_keys (self->incidents), (GCompareFunc) g_strcmp0);
}

guint64
pano_hub_incidents_get_count (PanoHubIncidents *self,
                              const char       *outcome)
{
  if (g_str_equal (outcome, "accepted"))
    return self->accepted;
  if (g_str_equal (outcome, "refused"))
    return self->refused;
  return self->replayed;
}

/* Returns: the deadline in ms if it has passed and the incident is not yet flagged, else 0. */
static gint64
passed_deadline (JsonObject *incident,
                 gint64      now_us)
{
  g_autoptr(GDateTime) deadline = NULL;
  const char *text;
  gint64 deadline_us;

  if (json_object_get_boolean_member_with_default (incident, "overdue", FALSE))
    return 0;
  text = json_object_get_string_member_with_default (incident, "deadline", NULL);
  if (text == NULL || (deadline = g_date_time_new_from_iso8601 (text, NULL)) == NULL)
    return 0;
  deadline_us = g_date_time_to_unix (deadline) * G_USEC_PER_SEC +
                g_date_time_get_microsecond (deadline);
  return now_us > deadline_us ? deadline_us / 1000 : 0;
}

/* The flag and the KPI columns (ever overdue, handling overdue) change together or not at all;
 * the live incident changes only once they are on disk. */
static gboolean
flag_overdue (PanoHubIncidents  *self,
              const char        *id,
              JsonNode          *node,
              gint64             deadline_ms,
              GError           **error)
{
  g_autoptr(JsonNode) copy = pano_hub_json_deep_copy (node);
  JsonObject *incident = json_node_get_object (copy);
  const char *status = json_object_get_string_member (incident, "status");
  g_autofree char *json = NULL;

  json_object_set_boolean_member (incident, "overdue", TRUE);
  json = pano_protocol_to_string (copy);
  if (!pano_hub_db_begin (self->db, error))
    return FALSE;
  if (!pano_hub_db_put_incident (self->db, id, status, json, error) ||
      !pano_hub_kpis_record_overdue (self->db, id, status, deadline_ms, error) ||
      !pano_hub_db_commit (self->db, error))
    {
      pano_hub_db_rollback (self->db);
      return FALSE;
    }
  json_object_set_boolean_member (json_node_get_object (node), "overdue", TRUE);
  pano_hub_incidents_publish (self, node);
  return TRUE;
}

/* Flags incidents whose stage time limit has passed, durably, and publishes the change.
 * Returns: how many were flagged now. */
guint
pano_hub_incidents_check_overdue (PanoHubIncidents *self)
{
  gint64 now = g_get_real_time ();
  GHashTableIter iter;
  JsonNode *node;
  const char *id;
  guint flagged = 0;

  g_hash_table_iter_init (&iter, self->incidents);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &node))
    {
      gint64 deadline_ms = passed_deadline (json_node_get_object (node), now);
      g_autoptr(GError) error = NULL;

      if (deadline_ms == 0)
        continue;
      if (!flag_overdue (self, id, node, deadline_ms, &error))
        g_warning ("Overdue flag of %s not stored: %s", id, error->message);
      else
        flagged++;
    }
  return flagged;
}

static gboolean
expired (JsonObject *incident,
         const char *since)
{
  PanoIncidentStatus status;

  return pano_incident_status_from_name (json_object_get_string_member (incident, "status"),
                                         &status) &&
         pano_incident_status_is_final (status) &&
         g_strcmp0 (json_object_get_string_member_with_default (incident, "updated_at", ""),
                    since) < 0;
}

/* Removes final incidents older than `incident-live-hours` from the live layer (they stay in
 * the database, and GET /v1/incidents/{id} still finds them). Returns: how many. */
guint
pano_hub_incidents_expire (PanoHubIncidents *self)
{
  g_autofree char *since = pano_protocol_format_time (live_since (self));
  GHashTableIter iter;
  JsonNode *node;
  const char *id;
  guint removed = 0;

  pano_hub_store_begin_batch (self->store);
  g_hash_table_iter_init (&iter, self->incidents);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &node))
    {
      if (!expired (json_node_get_object (node), since))
        continue;
      pano_hub_store_remove (self->store, PANO_LAYER_INCIDENTS, id);
      g_hash_table_iter_remove (&iter);
      removed++;
    }
  pano_hub_store_end_batch (self->store);
  return removed;
}
