// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-incidents"

#include "pano-hub-incidents-private.h"
#include "pano-incident.h"

/* The commands of docs/protocol.md section 5, each applied to a working copy of the incident
 * inside the caller's transaction: the lifecycle rules decide, nothing is stored here. */

void
pano_hub_command_set_time (JsonObject *object,
                           const char *member,
                           gint64      unix_us)
{
  g_autofree char *text = pano_protocol_format_time (unix_us);

  json_object_set_string_member (object, member, text);
}

static void
enter_stage (PanoHubIncidents   *self,
             JsonObject         *incident,
             PanoIncidentStatus  status,
             gint64              now)
{
  guint limit = self->settings->stage_limit_s[status];

  json_object_set_string_member (incident, "status", pano_incident_status_name (status));
  json_object_set_string_member (incident, "status_label", pano_incident_status_label (status));
  pano_hub_command_set_time (incident, "stage_since", now);
  if (pano_incident_status_is_final (status))
    json_object_set_null_member (incident, "deadline");
  else
    pano_hub_command_set_time (incident, "deadline", now + (gint64) limit * G_USEC_PER_SEC);
  json_object_set_boolean_member (incident, "overdue", FALSE);
}

const char *
pano_hub_command_require_string (JsonObject  *request,
                                 const char  *member,
                                 GError     **error)
{
  JsonNode *node = json_object_get_member (request, member);

  if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING &&
      *json_node_get_string (node) != '\0')
    return json_node_get_string (node);
  g_set_error (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_BAD_REQUEST,
               "The command needs a non-empty string '%s'", member);
  return NULL;
}

static PanoIncidentStatus
current_status (Command *command)
{
  PanoIncidentStatus status = PANO_INCIDENT_REPORTED;

  pano_incident_status_from_name (json_object_get_string_member (
                                    json_node_get_object (command->incident), "status"),
                                  &status);
  return status;
}

static gboolean
move_to (PanoHubIncidents   *self,
         Command            *command,
         PanoIncidentStatus  to,
         gboolean            by_dispatch,
         GError            **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!pano_incident_check_transition (current_status (command), to, by_dispatch, &local_error))
    {
      g_set_error_literal (error, PANO_HUB_COMMAND_ERROR,
                           PANO_HUB_COMMAND_ERROR_ILLEGAL_TRANSITION, local_error->message);
      return FALSE;
    }
  enter_stage (self, json_node_get_object (command->incident), to, command->now);
  return TRUE;
}

/* A JSON number: json-glib's typed getters assert on anything else. */
gboolean
pano_hub_command_is_number (JsonNode *node)
{
  GType type = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node)
                                                           : G_TYPE_INVALID;

  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
read_location (JsonObject  *request,
               double      *lon,
               double      *lat,
               GError     **error)
{
  JsonNode *node = json_object_get_member (request, "location");
  JsonArray *array = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  if (array != NULL && json_array_get_length (array) == 2 &&
      pano_hub_command_is_number (json_array_get_element (array, 0)) &&
      pano_hub_command_is_number (json_array_get_element (array, 1)))
    {
      *lon = json_array_get_double_element (array, 0);
      *lat = json_array_get_double_element (array, 1);
      if (*lon >= -180 && *lon <= 180 && *lat >= -90 && *lat <= 90)
        return TRUE;
    }
  g_set_error_literal (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_BAD_REQUEST,
                       "The command needs 'location': [lon, lat] in WGS 84 degrees");
  return FALSE;
}

static JsonNode *
grid_node (PanoHubIncidents *self,
           double            lon,
           double            lat)
{
  PanoHubGridCell cell;
  g_autoptr(JsonBuilder) builder = NULL;

  if (self->city == NULL || !pano_hub_city_locate (self->city, lon, lat, &cell))
    return json_node_new (JSON_NODE_NULL);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, cell.code);
  json_builder_set_member_name (builder, "city");
  json_builder_add_string_value (builder, cell.city);
  json_builder_set_member_name (builder, "district");
  json_builder_add_string_value (builder, cell.district);
  json_builder_set_member_name (builder, "street");
  json_builder_add_string_value (builder, cell.street);
  json_builder_set_member_name (builder, "cell");
  json_builder_add_string_value (builder, cell.cell);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
copy_optional_string (JsonObject *to,
                      JsonObject *from,
                      const char *member,
                      const char *fallback)
{
  JsonNode *node = json_object_get_member (from, member);

  if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING)
    json_object_set_string_member (to, member, json_node_get_string (node));
  else if (fallback != NULL)
    json_object_set_string_member (to, member, fallback);
  else
    json_object_set_null_member (to, member);
}

static gboolean
known_category (PanoHubIncidents  *self,
                const char        *category,
                GError           **error)
{
  g_autofree char *list = NULL;

  if (pano_hub_settings_find_capability (self->settings, category) != NULL)
    return TRUE;
  list = pano_hub_settings_dup_category_list (self->settings);
  g_set_error (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_UNKNOWN_CATEGORY,
               "'%s' is not a configured category; the hub knows: %s", category, list);
  return FALSE;
}

/* Returns: (transfer full) (nullable): the properties of alert @id, or %NULL with @error */
static JsonObject *
alert_properties (PanoHubIncidents  *self,
                  const char        *id,
                  JsonNode         **entity,
                  GError           **error)
{
  g_autofree char *json = pano_hub_store_dup_entity (self->store, PANO_LAYER_ALERTS, id);
  JsonNode *node = json ? json_from_string (json, NULL) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      !json_object_has_member (json_node_get_object (node), "properties"))
    {
      g_clear_pointer (&node, json_node_unref);
      g_set_error (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_UNKNOWN_ALERT,
                   "Alert '%s' is not in the alerts layer", id);
      return NULL;
    }
  *entity = node;
  return json_object_ref (json_object_get_object_member (json_node_get_object (node),
                                                         "properties"));
}

/* `create` may name the alert it escalates: it must exist. */
static gboolean
read_alert (PanoHubIncidents  *self,
            Command           *command,
            GError           **error)
{
  JsonNode *node = json_object_get_member (command->request, "alert");
  g_autoptr(JsonNode) entity = NULL;
  g_autoptr(JsonObject) properties = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error_literal (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_BAD_REQUEST,
                           "'alert' must be the id of an alerts entity");
      return FALSE;
    }
  properties = alert_properties (self, json_node_get_string (node), &entity, error);
  return properties != NULL;
}

/* Links the new incident and the alert it escalates, both ways; the alert's link is a mark
 * (kept over later updates of the alert), made live after the commit. */
static gboolean
escalate (PanoHubIncidents  *self,
          Command           *command,
          const char        *id,
          GError           **error)
{
  const char *alert = json_object_get_string_member_with_default (command->request, "alert",
                                                                  NULL);

  if (alert == NULL)
    return TRUE;
  json_object_set_string_member (json_node_get_object (command->incident), "alert", alert);
  command->mark_id = g_strdup (alert);
  command->mark = json_object_new ();
  json_object_set_string_member (command->mark, "incident", id);
  return pano_hub_marks_write (self->alert_marks, alert, command->mark, error);
}

static gboolean
command_create (PanoHubIncidents *self,
                Command          *command,
                GError          **error)
{
  JsonObject *request = command->request;
  const char *category = pano_hub_command_require_string (request, "category", error);
  JsonObject *incident;
  JsonArray *location;
  g_autofree char *id = NULL;
  gint64 severity, number;
  double lon, lat;

  if (category == NULL || !known_category (self, category, error) ||
      !read_location (request, &lon, &lat, error) || !read_alert (self, command, error))
    return FALSE;
  severity = json_object_get_int_member_with_default (request, "severity", 0);
  if (severity < 1 || severity > 4)
    {
      g_set_error_literal (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_BAD_REQUEST,
                           "The command needs 'severity' 1 (minor) to 4 (critical)");
      return FALSE;
    }
  if ((number = pano_hub_db_next_incident_number (self->db, error)) < 0)
    return FALSE;

  command->incident = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (command->incident, json_object_new ());
  incident = json_node_get_object (command->incident);
  id = g_strdup_printf ("INC-%06" G_GINT64_FORMAT, number);
  json_object_set_string_member (incident, "id", id);
  json_object_set_string_member (incident, "category", category);
  json_object_set_int_member (incident, "severity", severity);
  copy_optional_string (incident, request, "title", category);
  copy_optional_string (incident, request, "description", NULL);
  copy_optional_string (incident, request, "source", "operator");
  location = json_array_new ();
  json_array_add_double_element (location, lon);
  json_array_add_double_element (location, lat);
  json_object_set_array_member (incident, "location", location);
  json_object_set_member (incident, "grid", grid_node (self, lon, lat));
  pano_hub_command_set_time (incident, "reported_at", command->now);
  enter_stage (self, incident, PANO_INCIDENT_REPORTED, command->now);
  json_object_set_array_member (incident, "units", json_array_new ());
  json_object_set_array_member (incident, "notes", json_array_new ());
  json_object_set_array_member (incident, "extensions", json_array_new ());
  json_object_set_int_member (incident, "rework", 0);
  json_object_set_int_member (incident, "version", 0);
  command->status = 201;
  return escalate (self, command, id, error);
}

static gboolean
command_transition (PanoHubIncidents *self,
                    Command          *command,
                    GError          **error)
{
  const char *to_name = pano_hub_command_require_string (command->request, "to", error);
  const char *reason = NULL;
  JsonObject *incident;
  PanoIncidentStatus to;
  gboolean rework;

  if (to_name == NULL)
    return FALSE;
  if (!pano_incident_status_from_name (to_name, &to))
    {
      g_set_error (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_BAD_REQUEST,
                   "'%s' is not a lifecycle stage (reported, accepted, dispatched, handling, "
                   "verified, closed, returned, cancelled)", to_name);
      return FALSE;
    }
  if (to == PANO_INCIDENT_RETURNED &&
      (reason = pano_hub_command_require_string (command->request, "reason", error)) == NULL)
    return FALSE;
  rework = to == PANO_INCIDENT_HANDLING && current_status (command) == PANO_INCIDENT_VERIFIED;
  if (!move_to (self, command, to, FALSE, error))
    return FALSE;
  incident = json_node_get_object (command->incident);
  if (reason != NULL)
    json_object_set_string_member (incident, "return_reason", reason);
  if (rework)
    {
      /* Verification failed: back to handling, counted as 返工. */
      const char *why = json_object_get_string_member_with_default (command->request,
                                                                    "reason", NULL);

      json_object_set_int_member (incident, "rework",
                                  json_object_get_int_member_with_default (incident, "rework",
                                                                           0) + 1);
      if (why != NULL && *why != '\0')
        json_object_set_string_member (incident, "rework_reason", why);
    }
  return TRUE;
}

/* Units are the ids of `resources` entities: an order to a unit nobody can see is refused. */
static JsonArray *
read_units (PanoHubIncidents  *self,
            JsonObject        *request,
            GError           **error)
{
  JsonNode *node = json_object_get_member (request, "units");
  JsonArray *array = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  g_autoptr(JsonArray) units = json_array_new ();

  if (array == NULL || json_array_get_length (array) == 0)
    {
      g_set_error_literal (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_BAD_REQUEST,
                           "The command needs 'units': a non-empty array of resource ids");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *id = json_node_get_value_type (element) == G_TYPE_STRING ?
                       json_node_get_string (element) : NULL;
      JsonObject *unit;

      if (id == NULL)
        {
          g_set_error_literal (error, PANO_HUB_COMMAND_ERROR,
                               PANO_HUB_COMMAND_ERROR_BAD_REQUEST, "'units' must hold strings");
          return NULL;
        }
      if (!pano_hub_store_has_entity (self->store, PANO_LAYER_RESOURCES, id))
        {
          g_set_error (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_UNKNOWN_UNIT,
                       "Unit '%s' is not in the resources layer", id);
          return NULL;
        }
      unit = json_object_new ();
      json_object_set_string_member (unit, "id", id);
      json_object_set_boolean_member (unit, "acknowledged", FALSE);
      json_array_add_object_element (units, unit);
    }
  return g_steal_pointer (&units);
}

static gboolean
command_dispatch (PanoHubIncidents *self,
                  Command          *command,
                  GError          **error)
{
  JsonArray *units = read_units (self, command->request, error);

  if (units == NULL)
    return FALSE;
  if (!move_to (self, command, PANO_INCIDENT_DISPATCHED, TRUE, error))
    {
      json_array_unref (units);
      return FALSE;
    }
  json_object_set_array_member (json_node_get_object (command->incident), "units", units);
  return TRUE;
}

static gboolean
command_reassign (PanoHubIncidents *self,
                  Command          *command,
                  GError          **error)
{
  PanoIncidentStatus status = current_status (command);
  JsonArray *units;

  if (status != PANO_INCIDENT_DISPATCHED && status != PANO_INCIDENT_HANDLING)
    {
      g_set_error (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_ILLEGAL_TRANSITION,
                   "Units can be reassigned only while 'dispatched' or 'handling'; the "
                   "incident is '%s'", pano_incident_status_name (status));
      return FALSE;
    }
  if ((units = read_units (self, command->request, error)) == NULL)
    return FALSE;
  json_object_set_array_member (json_node_get_object (command->incident), "units", units);
  return TRUE;
}

static gboolean
command_acknowledge (PanoHubIncidents *self,
                     Command          *command,
                     GError          **error)
{
  const char *unit = pano_hub_command_require_string (command->request, "unit", error);
  JsonArray *units;

  if (unit == NULL)
    return FALSE;
  units = json_object_get_array_member (json_node_get_object (command->incident), "units");
  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *assigned = json_array_get_object_element (units, i);

      if (g_strcmp0 (json_object_get_string_member (assigned, "id"), unit) == 0)
        {
          json_object_set_boolean_member (assigned, "acknowledged", TRUE);
          pano_hub_command_set_time (assigned, "acknowledged_at", command->now);
          return TRUE;
        }
    }
  g_set_error (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_UNIT_NOT_ASSIGNED,
               "Unit '%s' is not assigned to this incident", unit);
  return FALSE;
}

static gboolean
command_cancel (PanoHubIncidents *self,
                Command          *command,
                GError          **error)
{
  const char *reason = pano_hub_command_require_string (command->request, "reason", error);

  if (reason == NULL || !move_to (self, command, PANO_INCIDENT_CANCELLED, FALSE, error))
    return FALSE;
  json_object_set_string_member (json_node_get_object (command->incident), "cancel_reason",
                                 reason);
  return TRUE;
}

static gboolean
command_note (PanoHubIncidents *self,
              Command          *command,
              GError          **error)
{
  const char *text = pano_hub_command_require_string (command->request, "text", error);
  JsonObject *note;

  if (text == NULL)
    return FALSE;
  note = json_object_new ();
  pano_hub_command_set_time (note, "at", command->now);
  json_object_set_string_member (note, "by", command->actor);
  json_object_set_string_member (note, "text", text);
  json_array_add_object_element (json_object_get_array_member (
                                   json_node_get_object (command->incident), "notes"), note);
  return TRUE;
}

static gboolean
refuse_if_final (Command     *command,
                 const char  *what,
                 GError     **error)
{
  PanoIncidentStatus status = current_status (command);

  if (!pano_incident_status_is_final (status))
    return TRUE;
  g_set_error (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_ILLEGAL_TRANSITION,
               "Incident %s is '%s', a final stage: %s",
               json_object_get_string_member (json_node_get_object (command->incident), "id"),
               pano_incident_status_name (status), what);
  return FALSE;
}

static JsonArray *
ensure_array (JsonObject *incident,
              const char *member)
{
  JsonNode *node = json_object_get_member (incident, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    json_object_set_array_member (incident, member, json_array_new ());
  return json_object_get_array_member (incident, member);
}

/* 延时: moves the stage deadline later, with a reason, kept in `extensions`. */
static gboolean
command_extend (PanoHubIncidents *self,
                Command          *command,
                GError          **error)
{
  const char *reason = pano_hub_command_require_string (command->request, "reason", error);
  JsonNode *seconds = json_object_get_member (command->request, "seconds");
  JsonObject *incident = json_node_get_object (command->incident);
  g_autoptr(GDateTime) deadline = NULL;
  JsonObject *extension;
  gint64 s, until;

  if (reason == NULL)
    return FALSE;
  if (seconds == NULL || json_node_get_value_type (seconds) != G_TYPE_INT64 ||
      (s = json_node_get_int (seconds)) < 60 || s > 604800)
    {
      g_set_error_literal (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_BAD_REQUEST,
                           "The command needs 'seconds': an integer from 60 to 604800 (7 days)");
      return FALSE;
    }
  if (!refuse_if_final (command, "there is no deadline to extend", error))
    return FALSE;
  deadline = g_date_time_new_from_iso8601 (json_object_get_string_member_with_default (
                                             incident, "deadline", ""), NULL);
  until = (deadline ? g_date_time_to_unix (deadline) * G_USEC_PER_SEC +
           g_date_time_get_microsecond (deadline) : command->now) + s * G_USEC_PER_SEC;
  pano_hub_command_set_time (incident, "deadline", until);
  if (until > command->now)
    json_object_set_boolean_member (incident, "overdue", FALSE);
  extension = json_object_new ();
  pano_hub_command_set_time (extension, "at", command->now);
  json_object_set_string_member (extension, "by", command->actor);
  json_object_set_string_member (extension, "stage",
                                 json_object_get_string_member (incident, "status"));
  json_object_set_int_member (extension, "seconds", s);
  json_object_set_string_member (extension, "reason", reason);
  json_array_add_object_element (ensure_array (incident, "extensions"), extension);
  return TRUE;
}

/* The unit reports on scene (the simulator sends it when a unit arrives). */
static gboolean
command_arrive (PanoHubIncidents *self,
                Command          *command,
                GError          **error)
{
  const char *unit = pano_hub_command_require_string (command->request, "unit", error);
  JsonArray *units;

  if (unit == NULL || !refuse_if_final (command, "its units are released", error))
    return FALSE;
  units = ensure_array (json_node_get_object (command->incident), "units");
  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *assigned = json_array_get_object_element (units, i);

      if (g_strcmp0 (json_object_get_string_member (assigned, "id"), unit) != 0)
        continue;
      if (!json_object_has_member (assigned, "on_scene_at"))
        pano_hub_command_set_time (assigned, "on_scene_at", command->now);
      return TRUE;
    }
  g_set_error (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_UNIT_NOT_ASSIGNED,
               "Unit '%s' is not assigned to this incident", unit);
  return FALSE;
}

/* An operator has seen the alert: who and when become marks of the alert, shown to everyone
 * and kept over the producer's later updates. */
static gboolean
command_acknowledge_alert (PanoHubIncidents *self,
                           Command          *command,
                           GError          **error)
{
  const char *id = pano_hub_command_require_string (command->request, "alert", error);
  const char *note = json_object_get_string_member_with_default (command->request, "note", NULL);
  g_autoptr(JsonObject) properties = NULL;
  JsonNode *entity = NULL;

  if (id == NULL || (properties = alert_properties (self, id, &entity, error)) == NULL)
    return FALSE;
  command->before = entity;
  command->target = id;
  if (json_object_has_member (properties, "acknowledged_by"))
    {
      g_set_error (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_ALREADY_ACKNOWLEDGED,
                   "Alert %s was already acknowledged by %s at %s", id,
                   json_object_get_string_member_with_default (properties, "acknowledged_by", "?"),
                   json_object_get_string_member_with_default (properties, "acknowledged_at",
                                                               "?"));
      return FALSE;
    }
  command->mark = json_object_new ();
  json_object_set_string_member (command->mark, "acknowledged_by", command->actor);
  pano_hub_command_set_time (command->mark, "acknowledged_at", command->now);
  if (note != NULL && *note != '\0')
    json_object_set_string_member (command->mark, "acknowledged_note", note);
  command->mark_id = g_strdup (id);
  command->alert = pano_hub_json_deep_copy (entity);
  {
    JsonObject *after = json_object_get_object_member (json_node_get_object (command->alert),
                                                       "properties");
    JsonObjectIter iter;
    const char *name;
    JsonNode *value;

    json_object_iter_init (&iter, command->mark);
    while (json_object_iter_next (&iter, &name, &value))
      json_object_set_member (after, name, json_node_copy (value));
  }
  return pano_hub_marks_write (self->alert_marks, id, command->mark, error);
}

static const PanoHubCommandSpec commands[] = {
  { "create", command_create, FALSE },
  { "transition", command_transition, TRUE },
  { "dispatch", command_dispatch, TRUE },
  { "acknowledge", command_acknowledge, TRUE },
  { "reassign", command_reassign, TRUE },
  { "cancel", command_cancel, TRUE },
  { "note", command_note, TRUE },
  { "extend", command_extend, TRUE },
  { "arrive", command_arrive, TRUE },
  { "acknowledge_alert", command_acknowledge_alert, FALSE },
};

/* Returns: (nullable): the command called @name */
const PanoHubCommandSpec *
pano_hub_command_find (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (name, commands[i].name))
      return &commands[i];
  return NULL;
}
