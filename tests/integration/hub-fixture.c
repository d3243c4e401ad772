// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-test-hub"

#include "hub-fixture.h"

/* Waits are bounded only to turn a hang into a failure message; nothing asserts on time. */
#define HANG_GUARD_S 60

void
wait_until (GMainContext *context,
            WaitFunc      func,
            gpointer      user_data,
            const char   *what)
{
  gint64 end = g_get_monotonic_time () + HANG_GUARD_S * G_USEC_PER_SEC;

  /* libsoup attaches its timers to the thread-default context of the moment. */
  g_main_context_push_thread_default (context);
  while (!func (user_data))
    {
      if (g_get_monotonic_time () > end)
        g_error ("Hung waiting for %s", what);
      if (!g_main_context_iteration (context, FALSE))
        g_usleep (200);
    }
  g_main_context_pop_thread_default (context);
}

Hub *
hub_start (const char *extra_config)
{
  return hub_start_args (extra_config, NULL);
}

Hub *
hub_start_args (const char         *extra_config,
                const char * const *args)
{
  Hub *hub = pano_test_hub_new (NULL);

  pano_test_hub_set_config (hub, extra_config);
  pano_test_hub_set_args (hub, args);
  pano_test_hub_spawn (hub);
  return hub;
}

void
hub_kill9 (Hub *hub)
{
  pano_test_hub_kill (hub);
}

void
hub_respawn (Hub *hub)
{
  pano_test_hub_spawn (hub);
}

void
hub_restart (Hub *hub)
{
  pano_test_hub_terminate (hub);
  pano_test_hub_spawn (hub);
}

void
hub_stop (Hub *hub)
{
  pano_test_hub_free (hub);
}

char *
hub_db_path (Hub *hub)
{
  return pano_test_hub_db_path (hub);
}

guint
hub_rest (Hub         *hub,
          const char  *method,
          const char  *path,
          const char  *token,
          const char  *key,
          const char  *body,
          JsonNode   **response,
          gboolean    *replayed)
{
  return pano_test_hub_rest (hub, method, path, token, key, body, response, replayed);
}

char *
hub_metrics (Hub *hub)
{
  return pano_test_hub_metrics (hub);
}

guint64
hub_metric (Hub        *hub,
            const char *name)
{
  g_autofree char *text = hub_metrics (hub);
  g_autofree char *needle = g_strdup_printf ("\n%s ", name);
  const char *line = strstr (text, needle);

  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen (needle), NULL, 10);
}

/* Points named PREFIX-i for i in [first, first + count), each with property v = VALUE. */
void
hub_ingest_points (Hub        *hub,
                   const char *layer,
                   const char *prefix,
                   guint       first,
                   guint       count,
                   gint64      value)
{
  g_autoptr(GString) body = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");
  g_autofree char *path = g_strdup_printf ("/v1/ingest/%s", layer);

  for (guint i = first; i < first + count; i++)
    g_string_append_printf (body, "%s{\"type\":\"Feature\",\"id\":\"%s-%u\",\"geometry\":"
                            "{\"type\":\"Point\",\"coordinates\":[%.4f,32.6]},\"properties\":"
                            "{\"v\":%" G_GINT64_FORMAT "}}", i > first ? "," : "", prefix, i,
                            110.7 + (i % 100) * 0.001, value);
  g_string_append (body, "]}");
  g_assert_cmpuint (hub_rest (hub, "POST", path, "admin-token", NULL, body->str, NULL, NULL),
                    ==, 200);
}

static void
on_message (SoupWebsocketConnection *connection,
            SoupWebsocketDataType    type,
            GBytes                  *message,
            gpointer                 user_data)
{
  Client *client = user_data;
  gsize size;
  const char *data = g_bytes_get_data (message, &size);
  g_autofree char *text = g_strndup (data, size);
  g_autoptr(JsonNode) node = json_from_string (text, NULL);
  JsonObject *frame;

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  frame = json_node_get_object (node);
  if (g_strcmp0 (json_object_get_string_member (frame, "type"), "heartbeat") == 0)
    {
      if (client->heartbeats++ == 0)
        client->first_heartbeat_ms = json_object_get_int_member (frame, "time_ms");
    }
  else
    {
      g_ptr_array_add (client->frames, json_object_ref (frame));
      g_array_append_val (client->sizes, size);
    }
}

static void
on_closed (SoupWebsocketConnection *connection,
           gpointer                 user_data)
{
  Client *client = user_data;

  client->closed = TRUE;
  client->close_code = soup_websocket_connection_get_close_code (connection);
  client->close_reason = g_strdup (soup_websocket_connection_get_close_data (connection));
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Client *client = user_data;
  g_autoptr(GError) error = NULL;

  client->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result,
                                                              &error);
  g_assert_no_error (error);
}

static gboolean
is_connected (gpointer user_data)
{
  return ((Client *) user_data)->connection != NULL;
}

Client *
client_connect (Hub          *hub,
                GMainContext *context)
{
  Client *client = g_new0 (Client, 1);
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/v1/stream", hub->port);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  client->context = context ? g_main_context_ref (context) : NULL;
  client->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  client->sizes = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_main_context_push_thread_default (context);
  client->session = soup_session_new ();
  soup_session_websocket_connect_async (client->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        NULL, on_connected, client);
  wait_until (context, is_connected, client, "the WebSocket handshake");
  g_main_context_pop_thread_default (context);
  soup_websocket_connection_set_max_incoming_payload_size (client->connection, 1 << 20);
  g_signal_connect (client->connection, "message", G_CALLBACK (on_message), client);
  g_signal_connect (client->connection, "closed", G_CALLBACK (on_closed), client);
  return client;
}

void
client_send (Client     *client,
             const char *json)
{
  soup_websocket_connection_send_text (client->connection, json);
}

static gboolean
has_frame (gpointer user_data)
{
  Client *client = user_data;

  return client->cursor < client->frames->len || client->closed;
}

/* The next non-heartbeat frame; asserts its type when @type is given. */
JsonObject *
client_next (Client     *client,
             const char *type)
{
  JsonObject *frame;

  wait_until (client->context, has_frame, client, type ? type : "a frame");
  if (client->cursor >= client->frames->len)
    g_error ("Connection closed (%u %s) while waiting for '%s'", client->close_code,
             client->close_reason, type);
  frame = client->frames->pdata[client->cursor++];
  if (type != NULL)
    g_assert_cmpstr (json_object_get_string_member (frame, "type"), ==, type);
  return frame;
}

char *
client_hello (Client     *client,
              const char *token)
{
  g_autofree char *hello = g_strdup_printf ("{\"type\":\"hello\",\"protocol\":1,\"token\":\"%s\","
                                            "\"client\":\"test\"}", token);
  JsonObject *welcome;

  client_send (client, hello);
  welcome = client_next (client, "welcome");
  g_assert_cmpint (json_object_get_int_member (welcome, "protocol"), ==, 1);
  return g_strdup (json_object_get_string_member (welcome, "epoch"));
}

static gboolean
is_closed (gpointer user_data)
{
  return ((Client *) user_data)->closed;
}

void
client_wait_closed (Client *client)
{
  wait_until (client->context, is_closed, client, "the connection to close");
}

/* Runs the client's own context once without blocking: a stalled client is one not pumped. */
void
client_pump (Client *client)
{
  g_main_context_push_thread_default (client->context);
  while (g_main_context_iteration (client->context, FALSE))
    ;
  g_main_context_pop_thread_default (client->context);
}

void
client_free (Client *client)
{
  if (client->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (client->connection, client);
      if (soup_websocket_connection_get_state (client->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (client->connection, 1000, NULL);
      g_object_unref (client->connection);
    }
  g_object_unref (client->session);
  g_ptr_array_unref (client->frames);
  g_array_unref (client->sizes);
  g_free (client->close_reason);
  g_clear_pointer (&client->context, g_main_context_unref);
  g_free (client);
}
