// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-guard"

#include "pano-hub-guard.h"
#include "pano-protocol.h"

/* The hub's door: every HTTP request is judged as soon as its headers are in, before a byte of
 * its body is read — first the sender's address (locked out after too many unknown tokens),
 * then its token, then the length it declares, then its media type; a chunked body is counted
 * as it comes. libsoup reads a request's whole body before any handler runs, so a refusal of a
 * large body cannot wait for the handler: the connection is taken over from libsoup, the answer
 * written on it directly, what the client still sends read and dropped for a moment (so the
 * answer is not lost to a reset), and the connection closed. */

/* Bodies up to this are read and dropped by libsoup as usual, keeping the connection. */
#define SMALL_BODY (64 * 1024)
/* After answering on a taken-over connection, read and drop at most this much, this long. */
#define LINGER_BYTES (64 * 1024 * 1024)
#define LINGER_MS 5000
/* Addresses whose count has lapsed are forgotten once the table holds this many. */
#define PRUNE_AT 4096

#define TOKEN_KEY "pano-hub-token"
#define COUNT_KEY "pano-hub-body-count"

/* What libsoup answers by itself (a request line, a header or a Content-Length it cannot
 * parse, a path that climbs out of the root) gets this body instead of none. */
static const char unreadable_body[] =
  "{\"error\":\"bad_request\",\"message\":\"The request cannot be read: a malformed request "
  "line or header (Content-Length must be a number of bytes), or a path that leaves the "
  "root\"}";

typedef struct
{
  gint64 window_start;
  guint failures;
  gint64 locked_until;
} Strikes;

struct _PanoHubGuard
{
  GObject parent_instance;
  PanoHubConfig *config;
  const PanoHubSettings *settings;
  PanoHubDb *db;
  PanoHubGuardRoleFunc role_func;
  GHashTable *strikes;   /* address → Strikes */
  guint64 counts[PANO_HUB_GUARD_N_COUNTS];
};

G_DEFINE_FINAL_TYPE (PanoHubGuard, pano_hub_guard, G_TYPE_OBJECT)

static void
pano_hub_guard_dispose (GObject *object)
{
  PanoHubGuard *self = PANO_HUB_GUARD (object);

  g_clear_object (&self->config);
  g_clear_object (&self->db);
  g_clear_pointer (&self->strikes, g_hash_table_unref);
  G_OBJECT_CLASS (pano_hub_guard_parent_class)->dispose (object);
}

static void
pano_hub_guard_class_init (PanoHubGuardClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pano_hub_guard_dispose;
}

static void
pano_hub_guard_init (PanoHubGuard *self)
{
  self->strikes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

PanoHubGuard *
pano_hub_guard_new (PanoHubConfig        *config,
                    PanoHubDb            *db,
                    PanoHubGuardRoleFunc  role_func)
{
  PanoHubGuard *self = g_object_new (PANO_TYPE_HUB_GUARD, NULL);

  self->config = g_object_ref (config);
  self->settings = pano_hub_config_get (config);
  self->db = g_object_ref (db);
  self->role_func = role_func;
  return self;
}

guint64
pano_hub_guard_get_count (PanoHubGuard      *self,
                          PanoHubGuardCount  count)
{
  return self->counts[count];
}

static void
audit (PanoHubGuard *self,
       const char   *actor,
       const char   *role,
       const char   *action,
       const char   *target,
       guint         status,
       const char   *reason)
{
  PanoHubAudit record = { actor, role, action, target, "refused", status, reason, NULL, NULL,
                          NULL };
  g_autoptr(GError) error = NULL;

  if (!pano_hub_db_audit (self->db, &record, &error))
    g_message ("Audit record of a refused %s lost: %s", action, error->message);
}

/* ---- failed authentication, per address ---- */

static void
prune (PanoHubGuard *self,
       gint64        now)
{
  GHashTableIter iter;
  Strikes *strikes;
  gint64 window = (gint64) self->settings->auth_window_s * G_USEC_PER_SEC;

  g_hash_table_iter_init (&iter, self->strikes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &strikes))
    if (strikes->locked_until <= now && now - strikes->window_start > window)
      g_hash_table_iter_remove (&iter);
}

/* Returns: the seconds @address stays locked out, 0 if it is not */
guint
pano_hub_guard_locked_for (PanoHubGuard *self,
                           const char   *address)
{
  Strikes *strikes = address ? g_hash_table_lookup (self->strikes, address) : NULL;
  gint64 now = g_get_monotonic_time ();

  if (strikes == NULL || strikes->locked_until <= now)
    return 0;
  return (guint) ((strikes->locked_until - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
}

/* One more unknown token from @address; past the limit within the window, it is locked out
 * (and that, not each refusal after it, is audited). */
void
pano_hub_guard_record_failure (PanoHubGuard *self,
                               const char   *address)
{
  gint64 now = g_get_monotonic_time ();
  Strikes *strikes;

  self->counts[PANO_HUB_GUARD_AUTH_FAILURES]++;
  if (address == NULL || self->settings->auth_failures == 0)
    return;
  if ((strikes = g_hash_table_lookup (self->strikes, address)) == NULL)
    {
      if (g_hash_table_size (self->strikes) >= PRUNE_AT)
        prune (self, now);
      strikes = g_new0 (Strikes, 1);
      g_hash_table_insert (self->strikes, g_strdup (address), strikes);
    }
  if (now - strikes->window_start > (gint64) self->settings->auth_window_s * G_USEC_PER_SEC)
    {
      strikes->window_start = now;
      strikes->failures = 0;
    }
  if (++strikes->failures < self->settings->auth_failures || strikes->locked_until > now)
    return;
  strikes->locked_until = now + (gint64) self->settings->auth_lockout_s * G_USEC_PER_SEC;
  self->counts[PANO_HUB_GUARD_LOCKOUTS]++;
  {
    g_autofree char *reason = g_strdup_printf ("%u failed authentications from %s within %u s: "
                                               "locked out for %u s", strikes->failures,
                                               address, self->settings->auth_window_s,
                                               self->settings->auth_lockout_s);

    g_message ("%s", reason);
    audit (self, NULL, NULL, "lockout", address, 429, reason);
  }
}

/* ---- refusing ---- */

static char *
error_body (const char *code,
            const char *message)
{
  g_autoptr(GString) body = g_string_new ("{\"error\":");

  pano_protocol_append_quoted (body, code);
  g_string_append (body, ",\"message\":");
  pano_protocol_append_quoted (body, message);
  g_string_append_c (body, '}');
  return g_string_free (g_steal_pointer (&body), FALSE);
}

typedef struct
{
  GIOStream *stream;
  GCancellable *cancellable;
  guint timeout_id;
  gsize drained;
  char *response;
  guint8 buffer[16384];
} Linger;

static void
linger_free (Linger *linger)
{
  g_clear_handle_id (&linger->timeout_id, g_source_remove);
  g_clear_object (&linger->cancellable);
  g_clear_object (&linger->stream);
  g_free (linger->response);
  g_free (linger);
}

static void
on_closed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  linger_free (user_data);
}

static void
linger_close (Linger *linger)
{
  g_clear_handle_id (&linger->timeout_id, g_source_remove);
  g_io_stream_close_async (linger->stream, G_PRIORITY_DEFAULT, NULL, on_closed, linger);
}

static void
on_drained (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Linger *linger = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0 || (linger->drained += n) >= LINGER_BYTES)
    {
      linger_close (linger);
      return;
    }
  g_input_stream_read_async (G_INPUT_STREAM (source), linger->buffer, sizeof linger->buffer,
                             G_PRIORITY_LOW, linger->cancellable, on_drained, linger);
}

static gboolean
on_linger_over (gpointer user_data)
{
  Linger *linger = user_data;

  linger->timeout_id = 0;
  g_cancellable_cancel (linger->cancellable);
  return G_SOURCE_REMOVE;
}

/* The answer is out: say so with a FIN, then read what the client is still sending for a
 * moment, so that closing does not reset the connection before it has read the answer. */
static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Linger *linger = user_data;
  GSocket *socket = g_object_get_data (G_OBJECT (linger->stream), "GSocket");

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      linger_close (linger);
      return;
    }
  if (socket != NULL && !G_IS_TLS_CONNECTION (linger->stream))
    g_socket_shutdown (socket, FALSE, TRUE, NULL);
  linger->timeout_id = g_timeout_add (LINGER_MS, on_linger_over, linger);
  g_input_stream_read_async (g_io_stream_get_input_stream (linger->stream), linger->buffer,
                             sizeof linger->buffer, G_PRIORITY_LOW, linger->cancellable,
                             on_drained, linger);
}

/* Takes the connection over from libsoup and answers on it directly: libsoup would first read
 * the whole body. */
static void
answer_and_close (SoupServerMessage *msg,
                  guint              status,
                  const char        *body,
                  guint              retry_after)
{
  Linger *linger = g_new0 (Linger, 1);
  g_autofree char *retry = retry_after ? g_strdup_printf ("Retry-After: %u\r\n", retry_after)
                                       : g_strdup ("");

  linger->response = g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Type: application/json\r\n"
                                      "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                                      "Connection: close\r\n%s\r\n%s", status,
                                      soup_status_get_phrase (status), strlen (body), retry,
                                      body);
  linger->cancellable = g_cancellable_new ();
  g_object_ref (msg);
  linger->stream = soup_server_message_steal_connection (msg);
  g_object_unref (msg);
  if (linger->stream == NULL)
    {
      linger_free (linger);
      return;
    }
  g_output_stream_write_all_async (g_io_stream_get_output_stream (linger->stream),
                                   linger->response, strlen (linger->response),
                                   G_PRIORITY_DEFAULT, linger->cancellable, on_written, linger);
}

/* A body libsoup would read before any answer: a large declared length, or chunks. */
static gboolean
has_large_body (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  switch (soup_message_headers_get_encoding (headers))
    {
    case SOUP_ENCODING_CONTENT_LENGTH:
      /* "-1" and lengths past 2^63 come out negative */
      return (guint64) soup_message_headers_get_content_length (headers) > SMALL_BODY;
    case SOUP_ENCODING_NONE:
      return FALSE;
    default:
      return TRUE;
    }
}

static void
refuse (SoupServerMessage *msg,
        guint              status,
        const char        *code,
        const char        *message,
        guint              retry_after)
{
  g_autofree char *body = error_body (code, message);

  if (has_large_body (msg))
    {
      answer_and_close (msg, status, body, retry_after);
      return;
    }
  if (retry_after > 0)
    {
      g_autofree char *seconds = g_strdup_printf ("%u", retry_after);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", seconds);
    }
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body,
                                    strlen (body));
}

/* ---- the checks, in order ---- */

/* Only requests that need a token, and stream upgrades (whose token comes in hello), are
 * turned away from a locked-out address: the public endpoints stay open to it. */
static gboolean
check_address (PanoHubGuard      *self,
               SoupServerMessage *msg,
               PanoHubRole        needed)
{
  const char *address = soup_server_message_get_remote_host (msg);
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  guint seconds;
  g_autofree char *message = NULL;

  if (needed == PANO_HUB_ROLE_NONE && !g_str_equal (path, "/v1/stream"))
    return TRUE;
  if ((seconds = pano_hub_guard_locked_for (self, address)) == 0)
    return TRUE;
  self->counts[PANO_HUB_GUARD_LOCKED]++;
  message = g_strdup_printf ("Too many failed authentications from %s: try again in %u s",
                             address, seconds);
  refuse (msg, 429, "rate_limited", message, seconds);
  return FALSE;
}

/* Returns: FALSE after refusing @msg (401 or 403, audited; an unknown token counts against the
 * sender's address); TRUE with the token's entry kept on @msg for the handler. */
static gboolean
check_token (PanoHubGuard      *self,
             SoupServerMessage *msg,
             PanoHubRole        needed)
{
  const PanoHubToken *entry = g_object_get_data (G_OBJECT (msg), TOKEN_KEY);
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  const char *token = auth && g_str_has_prefix (auth, "Bearer ") ? auth + 7 : NULL;
  const char *address = soup_server_message_get_remote_host (msg);
  g_autofree char *reason = NULL;

  if (needed == PANO_HUB_ROLE_NONE)
    return TRUE;
  if (entry == NULL && token == NULL)
    reason = g_strdup ("Unauthorized: send 'Authorization: Bearer <token>'");
  else if (entry == NULL && (entry = pano_hub_config_lookup_token (self->config, token)) == NULL)
    {
      pano_hub_guard_record_failure (self, address);
      reason = g_strdup_printf ("Unauthorized: unknown token (from %s)", address);
    }
  else if (entry->role < needed)
    reason = g_strdup_printf ("Forbidden: role '%s' may not do this; it needs '%s'",
                              pano_hub_role_name (entry->role), pano_hub_role_name (needed));
  if (reason == NULL)
    {
      g_object_set_data (G_OBJECT (msg), TOKEN_KEY, (gpointer) entry);
      return TRUE;
    }
  audit (self, entry ? entry->name : NULL, entry ? pano_hub_role_name (entry->role) : NULL,
         soup_server_message_get_method (msg), g_uri_get_path (soup_server_message_get_uri (msg)),
         entry ? 403 : 401, reason);
  refuse (msg, entry ? 403 : 401, entry ? "forbidden" : "unauthorized", reason, 0);
  return FALSE;
}

/**
 * pano_hub_guard_authorize:
 * @needed: more than %PANO_HUB_ROLE_NONE
 *
 * The token of @msg (`Authorization: Bearer …`), checked against @needed when its headers
 * came, or now for a route the role function did not know then.
 *
 * Returns: (nullable): the token's entry, or %NULL with @msg answered (401 or 403)
 */
const PanoHubToken *
pano_hub_guard_authorize (PanoHubGuard      *self,
                          SoupServerMessage *msg,
                          PanoHubRole        needed)
{
  g_return_val_if_fail (needed > PANO_HUB_ROLE_NONE, NULL);

  if (!check_token (self, msg, needed))
    return NULL;
  return g_object_get_data (G_OBJECT (msg), TOKEN_KEY);
}

static void
refuse_body (PanoHubGuard      *self,
             SoupServerMessage *msg,
             guint              status,
             const char        *code,
             const char        *message)
{
  self->counts[PANO_HUB_GUARD_BODIES_REFUSED]++;
  refuse (msg, status, code, message, 0);
}

static gboolean
check_length (PanoHubGuard      *self,
              SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *text = soup_message_headers_get_one (headers, "Content-Length");
  guint64 length;

  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    return TRUE;
  /* libsoup reads "-1" as 2^64 - 1, and 20 nines as 2^64 - 1 too, and waits for that much. */
  if (text == NULL || *text == '\0' || strspn (text, "0123456789") != strlen (text))
    {
      refuse_body (self, msg, 400, "bad_request",
                   "Content-Length must be a number of bytes (decimal digits only)");
      return FALSE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &length, NULL) ||
      length > PANO_HUB_MAX_BODY)
    {
      refuse_body (self, msg, 413, "payload_too_large", "Request bodies are limited to 16 MiB");
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_type (PanoHubGuard      *self,
            SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);

  if (encoding == SOUP_ENCODING_NONE ||
      (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
       soup_message_headers_get_content_length (headers) == 0) ||
      (type != NULL && (g_ascii_strcasecmp (type, "application/json") == 0 ||
                        g_ascii_strcasecmp (type, "application/geo+json") == 0)))
    return TRUE;
  refuse_body (self, msg, 415, "unsupported_media_type",
               "Request bodies are JSON: send 'Content-Type: application/json'");
  return FALSE;
}

/* A chunked body has no declared length: it is counted as it comes. */
static void
on_got_chunk (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  PanoHubGuard *self = user_data;
  gsize count = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), COUNT_KEY));

  count += g_bytes_get_size (chunk);
  g_object_set_data (G_OBJECT (msg), COUNT_KEY, GSIZE_TO_POINTER (count));
  if (count > PANO_HUB_MAX_BODY && soup_server_message_get_status (msg) == 0)
    {
      g_signal_handlers_disconnect_by_func (msg, on_got_chunk, self);
      self->counts[PANO_HUB_GUARD_BODIES_REFUSED]++;
      answer_and_close (msg, 413, "{\"error\":\"payload_too_large\",\"message\":\"Request bodies "
                                  "are limited to 16 MiB\"}", 0);
    }
}

static void
on_got_headers (SoupServerMessage *msg,
                gpointer           user_data)
{
  PanoHubGuard *self = user_data;
  PanoHubRole needed;

  /* libsoup has refused it already (a path leaving the root): it gets the body set below. */
  if (soup_server_message_get_status (msg) != 0)
    return;
  soup_server_message_set_response (msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);
  needed = self->role_func (soup_server_message_get_method (msg),
                            g_uri_get_path (soup_server_message_get_uri (msg)));
  if (!check_address (self, msg, needed) || !check_token (self, msg, needed) ||
      !check_length (self, msg) || !check_type (self, msg))
    return;
  if (soup_message_headers_get_encoding (soup_server_message_get_request_headers (msg)) ==
      SOUP_ENCODING_CHUNKED)
    g_signal_connect_object (msg, "got-chunk", G_CALLBACK (on_got_chunk), self, 0);
}

/* Handlers append to the response body: the one set here is taken away again once the
 * headers could be read (on_got_headers), and stays only on what libsoup refuses before. */
static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    unreadable_body, strlen (unreadable_body));
  g_signal_connect_object (msg, "got-headers", G_CALLBACK (on_got_headers), user_data, 0);
}

void
pano_hub_guard_attach (PanoHubGuard *self,
                       SoupServer   *server)
{
  g_signal_connect_object (server, "request-started", G_CALLBACK (on_request_started), self, 0);
}
