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
             PanoIncidentStatus  status)
{
  gint64 now = g_get_real_time ();
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
  enter_stage (self, json_node_get_object (command->incident), to);
  return TRUE;
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
      JSON_NODE_HOLDS_VALUE (json_array_get_element (array, 0)) &&
      JSON_NODE_HOLDS_VALUE (json_array_get_element (array, 1)))
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

  if (category == NULL || !read_location (request, &lon, &lat, error))
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

  command->incident = json_node_init_object (json_node_alloc (), json_object_new ());
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
  pano_hub_command_set_time (incident, "reported_at", g_get_real_time ());
  enter_stage (self, incident, PANO_INCIDENT_REPORTED);
  json_object_set_array_member (incident, "units", json_array_new ());
  json_object_set_array_member (incident, "notes", json_array_new ());
  json_object_set_int_member (incident, "version", 0);
  command->status = 201;
  return TRUE;
}

static gboolean
command_transition (PanoHubIncidents *self,
                    Command          *command,
                    GError          **error)
{
  const char *to_name = pano_hub_command_require_string (command->request, "to", error);
  PanoIncidentStatus to;

  if (to_name == NULL)
    return FALSE;
  if (!pano_incident_status_from_name (to_name, &to))
    {
      g_set_error (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_BAD_REQUEST,
                   "'%s' is not a lifecycle stage (reported, accepted, dispatched, handling, "
                   "verified, closed, returned, cancelled)", to_name);
      return FALSE;
    }
  return move_to (self, command, to, FALSE, error);
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
          pano_hub_command_set_time (assigned, "acknowledged_at", g_get_real_time ());
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
  pano_hub_command_set_time (note, "at", g_get_real_time ());
  json_object_set_string_member (note, "by", command->actor);
  json_object_set_string_member (note, "text", text);
  json_array_add_object_element (json_object_get_array_member (
                                   json_node_get_object (command->incident), "notes"), note);
  return TRUE;
}

static const PanoHubCommandSpec commands[] = {
  { "create", command_create, FALSE },
  { "transition", command_transition, TRUE },
  { "dispatch", command_dispatch, TRUE },
  { "acknowledge", command_acknowledge, TRUE },
  { "reassign", command_reassign, TRUE },
  { "cancel", command_cancel, TRUE },
  { "note", command_note, TRUE },
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
