// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-incidents"

#include "pano-hub-incidents-private.h"
#include "pano-incident.h"

/* Durable incidents and dispatch orders. A command runs inside one SQLite transaction: the
 * idempotency key is checked, the lifecycle rules applied to a copy of the incident, and the
 * new state, the stored answer and the audit line committed together before anyone is told. */

G_DEFINE_FINAL_TYPE (PanoHubIncidents, pano_hub_incidents, G_TYPE_OBJECT)
G_DEFINE_QUARK (pano-hub-command-error-quark, pano_hub_command_error)

static void
pano_hub_incidents_finalize (GObject *object)
{
  PanoHubIncidents *self = PANO_HUB_INCIDENTS (object);

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

static void
publish (PanoHubIncidents *self,
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
  publish (self, node);
}

/* Returns: how many incidents the database held. */
guint
pano_hub_incidents_load (PanoHubIncidents *self)
{
  pano_hub_db_foreach_incident (self->db, load_one, self);
  return g_hash_table_size (self->incidents);
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

static guint
http_status (const GError *error)
{
  static const guint statuses[] = { 400, 404, 409, 422, 422, 422, 500 };

  if (error->domain != PANO_HUB_COMMAND_ERROR)
    return 500;
  return statuses[error->code];
}

static const char *
error_code (const GError *error)
{
  static const char * const codes[] = {
    "bad_request", "unknown_incident", "illegal_transition", "unknown_unit",
    "unit_not_assigned", "idempotency_mismatch", "storage",
  };

  return error->domain == PANO_HUB_COMMAND_ERROR ? codes[error->code] : "storage";
}

static char *
error_body (const GError *error,
            JsonNode     *incident)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, error_code (error));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, error->message);
  if (incident != NULL)
    {
      json_builder_set_member_name (builder, "incident");
      json_builder_add_value (builder, json_node_copy (incident));
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return pano_protocol_to_string (root);
}

static char *
accepted_body (const char *name,
               JsonNode   *incident)
{
  g_autofree char *json = pano_protocol_to_string (incident);

  return g_strdup_printf ("{\"result\":\"accepted\",\"command\":\"%s\",\"incident\":%s}",
                          name, json);
}

static void
audit (PanoHubIncidents *self,
       const char       *actor,
       PanoHubRole       role,
       const char       *action,
       const char       *target,
       const char       *outcome,
       guint             status,
       const char       *reason,
       const char       *request,
       JsonNode         *before,
       JsonNode         *after)
{
  g_autofree char *before_json = before ? pano_protocol_to_string (before) : NULL;
  g_autofree char *after_json = after ? pano_protocol_to_string (after) : NULL;
  PanoHubAudit record = { actor, pano_hub_role_name (role), action, target, outcome, status,
                          reason, request, before_json, after_json };
  g_autoptr(GError) error = NULL;

  if (!pano_hub_db_audit (self->db, &record, &error))
    g_warning ("Audit record lost: %s", error->message);
}

static void
refuse (PanoHubIncidents     *self,
        PanoHubCommandResult *result,
        const char           *actor,
        PanoHubRole           role,
        const char           *name,
        const char           *target,
        const char           *request,
        const GError         *error,
        JsonNode             *incident)
{
  result->status = http_status (error);
  result->body = error_body (error, result->status == 409 ? incident : NULL);
  audit (self, actor, role, name ? name : "command", target, "refused", result->status,
         error->message, request, incident, NULL);
  self->refused++;
}

static gboolean
replay_stored (PanoHubIncidents     *self,
               PanoHubCommandResult *result,
               const char           *key,
               const char           *hash,
               GError              **error)
{
  g_autofree char *stored_hash = NULL;
  g_autofree char *response = NULL;
  guint status;

  if (!pano_hub_db_lookup_command (self->db, key, &stored_hash, &status, &response))
    return FALSE;
  if (g_strcmp0 (stored_hash, hash) != 0)
    {
      g_set_error (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_IDEMPOTENCY_MISMATCH,
                   "Idempotency-Key '%s' was already used for a different request", key);
      return TRUE;
    }
  result->status = status;
  result->body = g_steal_pointer (&response);
  result->replayed = TRUE;
  return TRUE;
}

static gboolean
run (PanoHubIncidents          *self,
     const PanoHubCommandSpec  *spec,
     Command                   *command,
     JsonNode                 **current,
     const char               **target,
     GError                   **error)
{
  if (spec->needs_incident)
    {
      *target = pano_hub_command_require_string (command->request, "incident", error);
      if (*target == NULL)
        return FALSE;
      *current = g_hash_table_lookup (self->incidents, *target);
      if (*current == NULL)
        {
          g_set_error (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_UNKNOWN_INCIDENT,
                       "Incident '%s' does not exist", *target);
          return FALSE;
        }
      command->incident = json_node_copy (*current);
    }
  if (!spec->func (self, command, error))
    return FALSE;
  {
    JsonObject *incident = json_node_get_object (command->incident);

    *target = json_object_get_string_member (incident, "id");
    json_object_set_int_member (incident, "version",
                                json_object_get_int_member (incident, "version") + 1);
    json_object_set_string_member (incident, "updated_by", command->actor);
    pano_hub_command_set_time (incident, "updated_at", g_get_real_time ());
  }
  return TRUE;
}

static gboolean
persist (PanoHubIncidents     *self,
         PanoHubCommandResult *result,
         const char           *key,
         const char           *hash,
         const char           *actor,
         Command              *command,
         const char           *target,
         GError              **error)
{
  if (result->status < 300)
    {
      JsonObject *incident = json_node_get_object (command->incident);
      g_autofree char *json = pano_protocol_to_string (command->incident);

      if (!pano_hub_db_put_incident (self->db, target,
                                     json_object_get_string_member (incident, "status"),
                                     json, error))
        return FALSE;
    }
  return pano_hub_db_store_command (self->db, key, hash, actor, result->status, result->body,
                                    error);
}

/* Everything one command execution carries from step to step. */
typedef struct
{
  const char *actor;
  PanoHubRole role;
  const char *key;
  char *hash;
  char *text;
  const char *name;
  const PanoHubCommandSpec *spec;
  PanoHubCommandResult *result;
} Execution;

static void
execution_clear (Execution *x)
{
  g_free (x->hash);
  g_free (x->text);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Execution, execution_clear)

/* Returns: the parsed request, or %NULL after refusing it (400, not stored). */
static JsonNode *
parse_request (PanoHubIncidents *self,
               Execution        *x)
{
  g_autoptr(JsonNode) root = json_from_string (x->text, NULL);
  g_autoptr(GError) error = NULL;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
      (x->spec = pano_hub_command_find (json_object_get_string_member_with_default (
                   json_node_get_object (root), "command", NULL))) != NULL)
    {
      x->name = x->spec->name;
      return g_steal_pointer (&root);
    }
  g_set_error (&error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_BAD_REQUEST,
               root == NULL ? "The body is not valid JSON" :
               "The body needs 'command': one of create, transition, dispatch, acknowledge, "
               "reassign, cancel, note");
  refuse (self, x->result, x->actor, x->role, NULL, NULL, x->text, error, NULL);
  return NULL;
}

/* Returns: %TRUE if the key was seen before and @x->result is already the answer. */
static gboolean
answer_from_key (PanoHubIncidents *self,
                 Execution        *x)
{
  g_autoptr(GError) error = NULL;

  if (!replay_stored (self, x->result, x->key, x->hash, &error))
    return FALSE;
  pano_hub_db_rollback (self->db);
  if (error != NULL)
    refuse (self, x->result, x->actor, x->role, x->name, NULL, x->text, error, NULL);
  else
    {
      audit (self, x->actor, x->role, x->name, NULL, "replayed", x->result->status, x->key,
             x->text, NULL, NULL);
      self->replayed++;
    }
  return TRUE;
}

/* Stores the answer under the key and commits; only then is an accepted change made live. */
static void
commit (PanoHubIncidents *self,
        Execution        *x,
        Command          *command,
        const char       *target)
{
  g_autoptr(GError) error = NULL;

  if (!persist (self, x->result, x->key, x->hash, x->actor, command, target, &error) ||
      !pano_hub_db_commit (self->db, &error))
    {
      pano_hub_db_rollback (self->db);
      g_clear_pointer (&x->result->body, g_free);
      g_clear_pointer (&command->incident, json_node_unref);
      g_warning ("Command %s not committed: %s", x->name, error->message);
      refuse (self, x->result, x->actor, x->role, x->name, target, x->text, error, NULL);
      return;
    }
  if (x->result->status >= 300)
    {
      g_clear_pointer (&command->incident, json_node_unref);
      return;
    }
  self->accepted++;
  g_hash_table_replace (self->incidents, g_strdup (target), command->incident);
  publish (self, command->incident);
}

/**
 * pano_hub_incidents_execute:
 * @actor: the token's name, for notes and the audit trail
 * @key: the Idempotency-Key
 * @result: (out caller-allocates): the HTTP status and body to answer with
 *
 * Runs one command to completion. When @result is 2xx, the change is on disk.
 */
void
pano_hub_incidents_execute (PanoHubIncidents     *self,
                            const char           *actor,
                            PanoHubRole           role,
                            const char           *key,
                            const char           *body,
                            gsize                 length,
                            PanoHubCommandResult *result)
{
  g_auto(Execution) x = { actor, role, key, NULL, NULL, NULL, NULL, result };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  Command command = { actor, NULL, NULL, 200 };
  JsonNode *current = NULL;
  const char *target = NULL;

  memset (result, 0, sizeof *result);
  x.hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) body, length);
  x.text = g_strndup (body, length);
  if ((root = parse_request (self, &x)) == NULL)
    return;
  command.request = json_node_get_object (root);
  if (!pano_hub_db_begin (self->db, &error))
    {
      refuse (self, result, actor, role, x.name, NULL, x.text, error, NULL);
      return;
    }
  if (answer_from_key (self, &x))
    return;
  if (run (self, x.spec, &command, &current, &target, &error))
    {
      result->status = command.status;
      result->body = accepted_body (x.name, command.incident);
      audit (self, actor, role, x.name, target, "accepted", result->status, NULL, x.text,
             current, command.incident);
    }
  else if (g_error_matches (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_BAD_REQUEST))
    {
      /* A malformed request is not an answer worth keeping: the client fixes it and retries
       * with the same key. Its refusal is audited outside the abandoned transaction. */
      pano_hub_db_rollback (self->db);
      g_clear_pointer (&command.incident, json_node_unref);
      refuse (self, result, actor, role, x.name, target, x.text, error, current);
      return;
    }
  else
    refuse (self, result, actor, role, x.name, target, x.text, error, current);
  commit (self, &x, &command, target);
}

static gboolean
is_overdue (JsonObject *incident,
            GDateTime  *now)
{
  g_autoptr(GDateTime) deadline = NULL;
  const char *text;

  if (json_object_get_boolean_member_with_default (incident, "overdue", FALSE))
    return FALSE;
  text = json_object_get_string_member_with_default (incident, "deadline", NULL);
  if (text == NULL || (deadline = g_date_time_new_from_iso8601 (text, NULL)) == NULL)
    return FALSE;
  return g_date_time_compare (now, deadline) > 0;
}

/* Flags incidents whose stage time limit has passed, durably, and publishes the change.
 * Returns: how many were flagged now. */
guint
pano_hub_incidents_check_overdue (PanoHubIncidents *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GHashTableIter iter;
  JsonNode *node;
  const char *id;
  guint flagged = 0;

  g_hash_table_iter_init (&iter, self->incidents);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &node))
    {
      JsonObject *incident = json_node_get_object (node);
      g_autofree char *json = NULL;
      g_autoptr(GError) error = NULL;

      if (!is_overdue (incident, now))
        continue;
      json_object_set_boolean_member (incident, "overdue", TRUE);
      json = pano_protocol_to_string (node);
      if (!pano_hub_db_put_incident (self->db, id,
                                     json_object_get_string_member (incident, "status"), json,
                                     &error))
        g_warning ("Overdue flag of %s not stored: %s", id, error->message);
      publish (self, node);
      flagged++;
    }
  return flagged;
}
