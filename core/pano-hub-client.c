// SPDX-License-Identifier: GPL-3.0-or-later
/* The console's REST side of panorama-hub (docs/protocol.md section 4): reads (incident,
 * timeline, recommendations, KPIs, audit, categories) and the command outbox. A command keeps
 * its Idempotency-Key until the hub answers: when an attempt gets no answer (the hub is down,
 * restarting, or the answer was lost) it is sent again with the same key, with backoff, and at
 * once when the feed reconnects, so the hub applies it exactly once. */
#define G_LOG_DOMAIN "panorama-hub-client"

#include "pano-hub-client.h"

#include <libsoup/soup.h>

#define TIMEOUT_S 15
#define RETRY_BASE_MS 500
#define RETRY_CAP_MS 8000

typedef struct
{
  PanoCommand *command;
  gboolean in_flight;
} Outgoing;

struct _PanoHubClient
{
  GObject parent_instance;

  char *url;                /* without a trailing slash */
  char *token;
  SoupSession *session;
  GPtrArray *outbox;        /* Outgoing, oldest first */
  guint retry_id;
  guint retry_ms;
};

G_DEFINE_FINAL_TYPE (PanoHubClient, pano_hub_client, G_TYPE_OBJECT)
G_DEFINE_QUARK (pano-hub-client-error-quark, pano_hub_client_error)

static void send_command (PanoHubClient *self, Outgoing *outgoing);

static void
outgoing_free (Outgoing *outgoing)
{
  g_object_unref (outgoing->command);
  g_free (outgoing);
}

static void
pano_hub_client_dispose (GObject *object)
{
  PanoHubClient *self = PANO_HUB_CLIENT (object);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (pano_hub_client_parent_class)->dispose (object);
}

static void
pano_hub_client_finalize (GObject *object)
{
  PanoHubClient *self = PANO_HUB_CLIENT (object);

  g_ptr_array_unref (self->outbox);
  g_free (self->url);
  g_free (self->token);
  G_OBJECT_CLASS (pano_hub_client_parent_class)->finalize (object);
}

static void
pano_hub_client_class_init (PanoHubClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pano_hub_client_dispose;
  object_class->finalize = pano_hub_client_finalize;
}

static void
pano_hub_client_init (PanoHubClient *self)
{
  self->outbox = g_ptr_array_new_with_free_func ((GDestroyNotify) outgoing_free);
  self->session = soup_session_new_with_options ("timeout", TIMEOUT_S, NULL);
  self->retry_ms = RETRY_BASE_MS;
}

/**
 * pano_hub_client_new:
 * @url: the hub, e.g. http://127.0.0.1:7878 (the same address the feed subscribes to)
 * @token: (nullable): the bearer token
 */
PanoHubClient *
pano_hub_client_new (const char *url,
                     const char *token)
{
  PanoHubClient *self = g_object_new (PANO_TYPE_HUB_CLIENT, NULL);
  gsize length = strlen (url);

  while (length > 0 && url[length - 1] == '/')
    length--;
  self->url = g_strndup (url, length);
  self->token = g_strdup (token);
  return self;
}

const char *
pano_hub_client_get_url (PanoHubClient *self)
{
  return self->url;
}

/* Verifies the hub's certificate against @database (the operator's --ca-file). */
void
pano_hub_client_set_tls_database (PanoHubClient *self,
                                  GTlsDatabase  *database)
{
  soup_session_set_tls_database (self->session, database);
}

static SoupMessage *
new_message (PanoHubClient *self,
             const char    *method,
             const char    *path)
{
  g_autofree char *uri = g_strconcat (self->url, path, NULL);
  SoupMessage *msg = soup_message_new (method, uri);
  g_autofree char *bearer = NULL;

  if (msg == NULL)
    return NULL;
  if (self->token != NULL)
    {
      bearer = g_strconcat ("Bearer ", self->token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    bearer);
    }
  return msg;
}

/* Reads the JSON object of an answer; NULL when the body is not one. */
static JsonObject *
parse_answer (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size = 0;
  const char *data = body ? g_bytes_get_data (body, &size) : NULL;
  JsonNode *root;

  if (data == NULL || size == 0 || !json_parser_load_from_data (parser, data, size, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root && JSON_NODE_HOLDS_OBJECT (root) ? json_object_ref (json_node_get_object (root))
                                               : NULL;
}

static PanoHubClientError
error_for_status (guint status)
{
  switch (status)
    {
    case 401:
      return PANO_HUB_CLIENT_ERROR_UNAUTHORIZED;
    case 403:
      return PANO_HUB_CLIENT_ERROR_FORBIDDEN;
    case 404:
      return PANO_HUB_CLIENT_ERROR_NOT_FOUND;
    default:
      return status >= 500 ? PANO_HUB_CLIENT_ERROR_SERVER : PANO_HUB_CLIENT_ERROR_REFUSED;
    }
}

/* ---- reads ---- */

static void
on_get_sent (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PanoHubClient *self = g_task_get_source_object (task);
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &error);
  g_autoptr(JsonObject) answer = NULL;
  guint status;

  if (body == NULL)
    {
      g_task_return_new_error (task, PANO_HUB_CLIENT_ERROR, PANO_HUB_CLIENT_ERROR_UNREACHABLE,
                               "%s: %s", self->url, error->message);
      return;
    }
  status = soup_message_get_status (msg);
  answer = parse_answer (body);
  if (status >= 300)
    {
      JsonNode *message = answer ? json_object_get_member (answer, "message") : NULL;

      g_task_return_new_error (task, PANO_HUB_CLIENT_ERROR, error_for_status (status),
                               "%u %s", status,
                               message && json_node_get_value_type (message) == G_TYPE_STRING
                               ? json_node_get_string (message)
                               : soup_message_get_reason_phrase (msg));
      return;
    }
  if (answer == NULL)
    {
      g_task_return_new_error (task, PANO_HUB_CLIENT_ERROR, PANO_HUB_CLIENT_ERROR_BAD_ANSWER,
                               "%s%s did not answer with a JSON object", self->url,
                               g_uri_get_path (soup_message_get_uri (msg)));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&answer), (GDestroyNotify) json_object_unref);
}

/**
 * pano_hub_client_get_async:
 * @path_and_query: e.g. "/v1/incidents/INC-000001/timeline"; the caller escapes the parts
 */
void
pano_hub_client_get_async (PanoHubClient       *self,
                           const char          *path_and_query,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  SoupMessage *msg = new_message (self, "GET", path_and_query);

  g_task_set_source_tag (task, pano_hub_client_get_async);
  if (msg == NULL)
    {
      g_task_return_new_error (task, PANO_HUB_CLIENT_ERROR, PANO_HUB_CLIENT_ERROR_BAD_ANSWER,
                               "'%s%s' is not an address", self->url, path_and_query);
      return;
    }
  g_task_set_task_data (task, msg, g_object_unref);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    on_get_sent, g_steal_pointer (&task));
}

/* Returns: (transfer full): the answer's JSON object, or %NULL with @error */
JsonObject *
pano_hub_client_get_finish (PanoHubClient  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- the command outbox ---- */

static gboolean
on_retry (gpointer user_data)
{
  PanoHubClient *self = user_data;

  self->retry_id = 0;
  for (guint i = 0; i < self->outbox->len; i++)
    {
      Outgoing *outgoing = self->outbox->pdata[i];

      if (!outgoing->in_flight)
        send_command (self, outgoing);
    }
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (PanoHubClient *self)
{
  if (self->retry_id != 0)
    return;
  self->retry_id = g_timeout_add (self->retry_ms, on_retry, self);
  self->retry_ms = MIN (self->retry_ms * 2, RETRY_CAP_MS);
}

static Outgoing *
find_outgoing (PanoHubClient *self,
               PanoCommand   *command)
{
  for (guint i = 0; i < self->outbox->len; i++)
    if (((Outgoing *) self->outbox->pdata[i])->command == command)
      return self->outbox->pdata[i];
  return NULL;
}

typedef struct
{
  PanoHubClient *self;      /* weak: the client may go while a request is out */
  PanoCommand *command;
  SoupMessage *msg;
} Attempt;

static void
attempt_free (Attempt *attempt)
{
  g_clear_weak_pointer (&attempt->self);
  g_object_unref (attempt->command);
  g_object_unref (attempt->msg);
  g_free (attempt);
}

static void
on_command_sent (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Attempt *attempt = user_data;
  PanoHubClient *self = attempt->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &error);
  Outgoing *outgoing = self ? find_outgoing (self, attempt->command) : NULL;

  if (outgoing == NULL)
    {
      attempt_free (attempt);
      return;
    }
  outgoing->in_flight = FALSE;
  if (body == NULL)
    {
      /* No answer: the hub may or may not have it. Same key again, later. */
      g_debug ("%s: no answer to %s (%s), sending again", self->url,
               pano_command_get_key (attempt->command), error->message);
      pano_command_set_waiting (attempt->command, error->message);
      schedule_retry (self);
    }
  else
    {
      g_autoptr(JsonObject) answer = parse_answer (body);
      const char *replayed = soup_message_headers_get_one (
        soup_message_get_response_headers (attempt->msg), "Idempotent-Replayed");

      self->retry_ms = RETRY_BASE_MS;
      g_ptr_array_remove (self->outbox, outgoing);
      pano_command_finish (attempt->command, soup_message_get_status (attempt->msg), answer,
                           g_strcmp0 (replayed, "true") == 0);
    }
  attempt_free (attempt);
}

static void
send_command (PanoHubClient *self,
              Outgoing      *outgoing)
{
  Attempt *attempt = g_new0 (Attempt, 1);
  g_autofree char *body = pano_command_dup_body (outgoing->command);
  g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&body), strlen (body));
  SoupMessage *msg = new_message (self, "POST", "/v1/commands");

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key",
                                pano_command_get_key (outgoing->command));
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  g_set_weak_pointer (&attempt->self, self);
  attempt->command = g_object_ref (outgoing->command);
  attempt->msg = msg;
  outgoing->in_flight = TRUE;
  pano_command_begin_attempt (outgoing->command);
  g_debug ("%s: sending %s (attempt %u)", self->url, pano_command_get_key (outgoing->command),
           pano_command_get_attempts (outgoing->command));
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    on_command_sent, attempt);
}

/**
 * pano_hub_client_submit:
 *
 * Sends @command and keeps it until the hub answers; watch its `state`. Submitting a command
 * that is already on its way does nothing (a double click sends once).
 */
void
pano_hub_client_submit (PanoHubClient *self,
                        PanoCommand   *command)
{
  Outgoing *outgoing;

  g_return_if_fail (pano_command_get_state (command) == PANO_COMMAND_PENDING);
  if (find_outgoing (self, command) != NULL)
    return;
  outgoing = g_new0 (Outgoing, 1);
  outgoing->command = g_object_ref (command);
  g_ptr_array_add (self->outbox, outgoing);
  send_command (self, outgoing);
}

/* Sends every waiting command now, as when the feed is back after the hub restarted. */
void
pano_hub_client_retry_now (PanoHubClient *self)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_ms = RETRY_BASE_MS;
  on_retry (self);
}

/* Returns: how many commands wait for an answer */
guint
pano_hub_client_get_n_pending (PanoHubClient *self)
{
  return self->outbox->len;
}
