// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-incidents"

#include "pano-hub-incidents-private.h"
#include "pano-hub-kpis.h"
#include "pano-json.h"

/* How one command runs. Inside one SQLite transaction the idempotency key is checked, the
 * command applied to a deep copy of the incident, and the new state, its KPI columns, the
 * stored answer and the audit line are written; only after COMMIT is the live incident
 * replaced and anyone told. If any of it cannot be written — the audit line included
 * (操作留痕: an action that cannot be recorded is not performed) — nothing is applied and the
 * answer is 500 storage. */

static guint
http_status (const GError *error)
{
  static const guint statuses[] = { 400, 404, 409, 422, 422, 422, 500, 400, 409, 404, 409 };

  if (error->domain != PANO_HUB_COMMAND_ERROR)
    return 500;
  return statuses[error->code];
}

static const char *
error_code (const GError *error)
{
  static const char * const codes[] = {
    "bad_request", "unknown_incident", "illegal_transition", "unknown_unit",
    "unit_not_assigned", "idempotency_mismatch", "storage", "unknown_category",
    "version_conflict", "unknown_alert", "already_acknowledged",
  };

  return error->domain == PANO_HUB_COMMAND_ERROR ? codes[error->code] : "storage";
}

static char *
error_body (const GError *error,
            JsonNode     *incident)
{
  g_autoptr(GString) body = g_string_new ("{\"error\":");
  /* The message may quote the request, and json-glib decodes a lone surrogate escape into
   * bytes that are not UTF-8: U+FFFD instead (fuzz/corpus/commands/found-lone-surrogate). */
  g_autofree char *message = g_utf8_make_valid (error->message, -1);

  pano_protocol_append_quoted (body, error_code (error));
  g_string_append (body, ",\"message\":");
  pano_protocol_append_quoted (body, message);
  if (incident != NULL)
    {
      g_autofree char *json = pano_protocol_to_string (incident);

      g_string_append_printf (body, ",\"incident\":%s", json);
    }
  g_string_append_c (body, '}');
  return g_string_free (g_steal_pointer (&body), FALSE);
}

static char *
accepted_body (const char *name,
               Command    *command)
{
  g_autofree char *json = pano_protocol_to_string (command->incident ? command->incident :
                                                   command->alert);

  return g_strdup_printf ("{\"result\":\"accepted\",\"command\":\"%s\",\"%s\":%s}", name,
                          command->incident ? "incident" : "alert", json);
}

static gboolean
audit (PanoHubIncidents  *self,
       const char        *actor,
       PanoHubRole        role,
       const char        *action,
       const char        *target,
       const char        *outcome,
       guint              status,
       const char        *reason,
       const char        *request,
       JsonNode          *before,
       JsonNode          *after,
       GError           **error)
{
  g_autofree char *before_json = before ? pano_protocol_to_string (before) : NULL;
  g_autofree char *after_json = after ? pano_protocol_to_string (after) : NULL;
  PanoHubAudit record = { actor, pano_hub_role_name (role), action, target, outcome, status,
                          reason, request, before_json, after_json };

  return pano_hub_db_audit (self->db, &record, error);
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

static void
command_clear (Command *command)
{
  g_clear_pointer (&command->before, json_node_unref);
  g_clear_pointer (&command->incident, json_node_unref);
  g_clear_pointer (&command->alert, json_node_unref);
  g_clear_pointer (&command->mark_id, g_free);
  g_clear_pointer (&command->mark, json_object_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Command, command_clear)

/* Answers with @error outside any transaction; the refusal's audit line is best effort here
 * (when it is the audit that failed, it will most likely fail again). */
static void
refuse (PanoHubIncidents *self,
        Execution        *x,
        const char       *target,
        const GError     *error,
        JsonNode         *incident)
{
  g_autoptr(GError) audit_error = NULL;

  g_clear_pointer (&x->result->body, g_free);
  x->result->status = http_status (error);
  x->result->body = error_body (error, x->result->status == 409 ? incident : NULL);
  if (!audit (self, x->actor, x->role, x->name ? x->name : "command", target, "refused",
              x->result->status, error->message, x->text, incident, NULL, &audit_error))
    g_warning ("Audit record of a refused %s lost: %s", x->name ? x->name : "command",
               audit_error->message);
  self->refused++;
}

/* The JSON type of every command member docs/protocol.md section 5 names, checked once here:
 * the commands then read them with json-glib's typed getters, which assert on any other type.
 * Null counts as absent. */
static gboolean
check_member_types (JsonObject  *request,
                    GError     **error)
{
  /* s: a string, i: an integer, a: an array */
  static const struct { const char *name; char type; } members[] = {
    { "command", 's' }, { "incident", 's' }, { "to", 's' }, { "reason", 's' }, { "unit", 's' },
    { "text", 's' }, { "note", 's' }, { "alert", 's' }, { "category", 's' }, { "title", 's' },
    { "description", 's' }, { "source", 's' }, { "severity", 'i' }, { "version", 'i' },
    { "seconds", 'i' }, { "units", 'a' }, { "location", 'a' },
  };

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      JsonNode *node = json_object_get_member (request, members[i].name);
      char type = members[i].type;

      if (node == NULL || JSON_NODE_HOLDS_NULL (node) ||
          (type == 'a' && JSON_NODE_HOLDS_ARRAY (node)) ||
          (type == 's' && json_node_get_value_type (node) == G_TYPE_STRING) ||
          (type == 'i' && json_node_get_value_type (node) == G_TYPE_INT64))
        continue;
      return g_set_error (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_BAD_REQUEST,
                          "'%s' must be %s", members[i].name,
                          type == 's' ? "a string" : type == 'i' ? "an integer" : "an array"),
             FALSE;
    }
  return TRUE;
}

/* Returns: the parsed request, or %NULL after refusing it (400, not stored). */
static JsonNode *
parse_request (PanoHubIncidents *self,
               Execution        *x)
{
  PanoJsonSpan checked;
  /* Strict RFC 8259 first: json-glib 1.6 takes "3{...}" as 3 and leaks the rest (found by
   * fuzzing, fuzz/corpus/commands/found-trailing-text.jsonl). */
  g_autoptr(JsonNode) root = pano_json_check (x->text, strlen (x->text), &checked, NULL)
                             ? json_from_string (x->text, NULL) : NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *request = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root)
                                                              : NULL;

  if (request != NULL && !check_member_types (request, &error))
    {
      refuse (self, x, NULL, error, NULL);
      return NULL;
    }
  if (request != NULL &&
      (x->spec = pano_hub_command_find (json_object_get_string_member_with_default (
                   request, "command", NULL))) != NULL)
    {
      x->name = x->spec->name;
      return g_steal_pointer (&root);
    }
  g_set_error (&error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_BAD_REQUEST,
               root == NULL ? "The body is not valid JSON" :
               "The body needs 'command': one of create, transition, dispatch, acknowledge, "
               "arrive, reassign, cancel, note, extend, acknowledge_alert");
  refuse (self, x, NULL, error, NULL);
  return NULL;
}

/* Returns: %TRUE if the key was seen before (or could not be looked up) and @x->result is
 * already the answer. */
static gboolean
answer_from_key (PanoHubIncidents *self,
                 Execution        *x)
{
  g_autofree char *stored_hash = NULL;
  g_autofree char *response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) audit_error = NULL;
  guint status;

  if (!pano_hub_db_lookup_command (self->db, x->key, &stored_hash, &status, &response, &error)
      && error == NULL)
    return FALSE;
  pano_hub_db_rollback (self->db);
  if (error == NULL && g_strcmp0 (stored_hash, x->hash) != 0)
    g_set_error (&error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_IDEMPOTENCY_MISMATCH,
                 "Idempotency-Key '%s' was already used for a different request", x->key);
  if (error != NULL)
    {
      refuse (self, x, NULL, error, NULL);
      return TRUE;
    }
  x->result->status = status;
  x->result->body = g_steal_pointer (&response);
  x->result->replayed = TRUE;
  if (!audit (self, x->actor, x->role, x->name, NULL, "replayed", status, x->key, x->text,
              NULL, NULL, &audit_error))
    g_warning ("Audit record of a replay lost: %s", audit_error->message);
  self->replayed++;
  return TRUE;
}

/* The incident version the operator saw, if the command says: a stale one is refused rather
 * than applied over another desk's work. */
static gboolean
check_version (JsonObject  *request,
               JsonObject  *incident,
               GError     **error)
{
  JsonNode *node = json_object_get_member (request, "version");
  gint64 current = json_object_get_int_member (incident, "version");

  if (node == NULL)
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error_literal (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_BAD_REQUEST,
                           "'version' must be an integer: the incident version you saw");
      return FALSE;
    }
  if (json_node_get_int (node) == current)
    return TRUE;
  g_set_error (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_VERSION_CONFLICT,
               "Incident %s is at version %" G_GINT64_FORMAT ", last changed by %s at %s; "
               "the command was for version %" G_GINT64_FORMAT ": look at it again",
               json_object_get_string_member (incident, "id"), current,
               json_object_get_string_member_with_default (incident, "updated_by", "?"),
               json_object_get_string_member_with_default (incident, "updated_at", "?"),
               json_node_get_int (node));
  return FALSE;
}

static gboolean
run (PanoHubIncidents          *self,
     const PanoHubCommandSpec  *spec,
     Command                   *command,
     JsonNode                 **current,
     const char               **target,
     GError                   **error)
{
  JsonObject *incident;

  if (spec->needs_incident)
    {
      *target = pano_hub_command_require_string (command->request, "incident", error);
      if (*target == NULL)
        return FALSE;
      *current = g_hash_table_lookup (self->incidents, *target);
      if (*current == NULL)
        {
          g_set_error (error, PANO_HUB_COMMAND_ERROR, PANO_HUB_COMMAND_ERROR_UNKNOWN_INCIDENT,
                       "Incident '%s' does not exist (or is final and older than the live "
                       "layer keeps)", *target);
          return FALSE;
        }
      if (!check_version (command->request, json_node_get_object (*current), error))
        return FALSE;
      command->before = pano_hub_json_deep_copy (*current);
      command->incident = pano_hub_json_deep_copy (*current);
    }
  if (!spec->func (self, command, error))
    {
      *target = *target ? *target : command->target;
      return FALSE;
    }
  if (command->incident == NULL)
    {
      *target = command->target;
      return TRUE;
    }
  incident = json_node_get_object (command->incident);
  *target = json_object_get_string_member (incident, "id");
  json_object_set_int_member (incident, "version",
                              json_object_get_int_member (incident, "version") + 1);
  json_object_set_string_member (incident, "updated_by", command->actor);
  pano_hub_command_set_time (incident, "updated_at", command->now);
  return pano_hub_kpis_record (self->db, spec->name,
                               command->before ? json_node_get_object (command->before) : NULL,
                               incident, command->now, error);
}

/* The accepted command's new state and audit line, inside the transaction. */
static gboolean
record_accepted (PanoHubIncidents *self,
                 Execution        *x,
                 Command          *command,
                 const char       *target,
                 GError          **error)
{
  x->result->status = command->status;
  x->result->body = accepted_body (x->name, command);
  if (command->incident != NULL)
    {
      JsonObject *incident = json_node_get_object (command->incident);
      g_autofree char *json = pano_protocol_to_string (command->incident);

      if (!pano_hub_db_put_incident (self->db, target,
                                     json_object_get_string_member (incident, "status"),
                                     json, error))
        return FALSE;
    }
  return audit (self, x->actor, x->role, x->name, target, "accepted", x->result->status, NULL,
                x->text, command->before, command->incident ? command->incident :
                command->alert, error);
}

/* Stores the answer under the key and commits; only then is an accepted change made live. */
static gboolean
commit (PanoHubIncidents  *self,
        Execution         *x,
        Command           *command,
        const char        *target,
        GError           **error)
{
  if (!pano_hub_db_store_command (self->db, x->key, x->hash, x->actor, x->result->status,
                                  x->result->body, error) ||
      !pano_hub_db_commit (self->db, error))
    return FALSE;
  if (x->result->status >= 300)
    return TRUE;
  self->accepted++;
  if (command->incident != NULL)
    {
      g_hash_table_replace (self->incidents, g_strdup (target), json_node_ref (command->incident));
      pano_hub_incidents_publish (self, command->incident);
    }
  if (command->mark_id != NULL)
    pano_hub_marks_apply (self->alert_marks, command->mark_id, command->mark);
  return TRUE;
}

static void
execute_in_transaction (PanoHubIncidents *self,
                        Execution        *x,
                        Command          *command)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) storage = NULL;
  JsonNode *current = NULL;
  const char *target = NULL;

  if (run (self, x->spec, command, &current, &target, &error))
    {
      if (record_accepted (self, x, command, target, &storage) &&
          commit (self, x, command, target, &storage))
        return;
    }
  else if (http_status (error) != 400 && http_status (error) != 500)
    {
      /* A refusal because of the incident's state is an answer: kept under the key. */
      x->result->status = http_status (error);
      x->result->body = error_body (error, x->result->status == 409 ? current : NULL);
      if (audit (self, x->actor, x->role, x->name, target, "refused", x->result->status,
                 error->message, x->text, current, NULL, &storage) &&
          commit (self, x, command, target, &storage))
        {
          self->refused++;
          return;
        }
    }
  /* A malformed request is not an answer worth keeping: the client fixes it and retries with
   * the same key. Nor is a storage failure. Neither leaves anything behind. */
  pano_hub_db_rollback (self->db);
  if (storage != NULL)
    g_warning ("Command %s not applied: %s", x->name, storage->message);
  refuse (self, x, target, storage ? storage : error, current);
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
  g_auto(Command) command = { actor, NULL, g_get_real_time (), NULL, NULL, NULL, NULL, NULL,
                              NULL, 200 };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  memset (result, 0, sizeof *result);
  x.hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) body, length);
  x.text = g_strndup (body, length);
  if ((root = parse_request (self, &x)) == NULL)
    return;
  command.request = json_node_get_object (root);
  if (!pano_hub_db_begin (self->db, &error))
    {
      refuse (self, &x, NULL, error, NULL);
      return;
    }
  if (answer_from_key (self, &x))
    return;
  execute_in_transaction (self, &x, &command);
}
