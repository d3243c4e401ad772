// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-test-hub-hardening"

/* What an outside client, careless or hostile, must not be able to do to the hub: make it log a
 * CRITICAL, read unbounded bodies, leak a token, or skip an answer. The fixture fails a test on
 * any CRITICAL or unannounced WARNING the hub writes, so each test here is also a check that
 * the hub stayed quiet. */

#include <glib/gstdio.h>

#include "hub-fixture.h"

/* @count points of about @pad bytes each in @layer: a snapshot of a few MiB. */
static void
ingest_padded (Hub        *hub,
               const char *layer,
               guint       count,
               guint       pad)
{
  g_autofree char *padding = g_strnfill (pad, 'x');
  g_autofree char *path = g_strdup_printf ("/v1/ingest/%s", layer);
  g_autoptr(GString) body = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");

  for (guint i = 0; i < count; i++)
    g_string_append_printf (body, "%s{\"type\":\"Feature\",\"id\":\"big-%u\",\"geometry\":"
                            "{\"type\":\"Point\",\"coordinates\":[110.7,32.6]},\"properties\":"
                            "{\"pad\":\"%s\"}}", i ? "," : "", i, padding);
  g_string_append (body, "]}");
  g_assert_cmpuint (hub_rest (hub, "POST", path, "admin-token", NULL, body->str, NULL, NULL), ==,
                    200);
}

/* Drops the TCP connection under the WebSocket, without a close frame: a client that crashed
 * or lost its network while the hub was writing to it. */
static void
drop_connection (Client *client)
{
  GIOStream *stream = soup_websocket_connection_get_io_stream (client->connection);

  g_signal_handlers_disconnect_by_data (client->connection, client);
  g_io_stream_close (stream, NULL, NULL);
}

static gboolean
subscribers_at_most (gpointer user_data)
{
  Hub *hub = ((gpointer *) user_data)[0];
  guint64 limit = GPOINTER_TO_UINT (((gpointer *) user_data)[1]);

  g_usleep (5000);
  return hub_metric (hub, "pano_hub_subscribers") <= limit;
}

/* Clients that vanish while a multi-MiB snapshot is being written to them, with deltas still
 * published meanwhile: the hub drops them without a CRITICAL or a WARNING (issue 9, item 5:
 * "Socket check failed" and send_message's STATE_OPEN assertion), and keeps serving. */
static void
test_close_during_send (void)
{
  Hub *hub = hub_start ("[stream]\nsend-buffer=4096\n");
  g_autoptr(Client) survivor = client_connect (hub, NULL);
  gpointer wait_data[2] = { hub, GUINT_TO_POINTER (1) };

  ingest_padded (hub, "traffic", 3000, 1000);
  g_free (client_hello (survivor, "view-token"));
  for (guint round = 0; round < 12; round++)
    {
      Client *client = client_connect (hub, NULL);

      g_free (client_hello (client, "view-token"));
      client_send (client, "{\"type\":\"subscribe\",\"layers\":[\"traffic\"]}");
      if (round % 2 == 0)
        client_next (client, "snapshot");   /* the first chunk is out, the rest is queued */
      drop_connection (client);
      ingest_padded (hub, "traffic", 50, 1000);
      client_free (client);
    }
  wait_until (NULL, subscribers_at_most, wait_data, "the dropped clients to be forgotten");
  client_send (survivor, "{\"type\":\"subscribe\",\"layers\":[\"events\"]}");
  g_assert_cmpint (json_object_get_int_member (client_next (survivor, "snapshot"), "seq"), ==, 0);
  hub_stop (hub);
}

/* The next frame is an error with @code (and @ref, or none); returns its message. */
static const char *
expect_error (Client     *client,
              const char *code,
              const char *ref)
{
  JsonObject *error = client_next (client, "error");
  const char *message = json_object_get_string_member (error, "message");

  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_cmpstr (json_object_get_string_member_with_default (error, "ref", NULL), ==, ref);
  g_assert_nonnull (message);
  g_assert_true (g_utf8_validate (message, -1, NULL));
  return message;
}

typedef struct
{
  const char *frame;
  const char *code;
  const char *ref;
} Refusal;

/* Frames of the wrong shape get bad_json, bad_frame or unknown_* — with their ref whenever
 * they carry a readable one — and no GLib assertion in the hub (item 5: it used to log a
 * CRITICAL for each); the connection stays open and nothing is subscribed by them. */
static void
test_frames_refused (void)
{
  static const Refusal before_hello[] = {
    { "{\"type\":\"nope\",\"ref\":{}}", "bad_frame", NULL },
    { "{\"type\":\"nope\",\"ref\":[\"7\"]}", "bad_frame", NULL },
    { "{\"kind\":\"hello\",\"ref\":\"7\"}", "bad_frame", "7" },
    { "{\"type\":5,\"ref\":\"8\"}", "bad_frame", "8" },
    { "{\"type\":\"hello\",\"protocol\":[1],\"token\":\"view-token\",\"ref\":\"9\"}",
      "bad_frame", "9" },
    { "{\"type\":\"hello\",\"protocol\":\"1\",\"token\":\"view-token\"}", "bad_frame", NULL },
    { "{\"type\":\"hello\",\"token\":\"view-token\"}", "bad_frame", NULL },
    { "{\"type\":\"hello\",\"protocol\":1,\"token\":5,\"ref\":\"10\"}", "bad_frame", "10" },
    { "{\"type\":\"hello\",\"protocol\":1,\"token\":\"view-token\",\"client\":{}}",
      "bad_frame", NULL },
    /* a lone surrogate, then a syntax error (item 4) */
    { "{\"type\":\"hello\",\"token\":\"\\ud800\" \"protocol\":1}", "bad_json", NULL },
    { "{\"type\":\"\\ud800\",\"ref\":\"r\\udc00\"}", "unknown_type", "r\xef\xbf\xbd" },
    { "{\"type\":\"subscribe\",\"layers\":[\"traffic\"],\"ref\":\"11\"}",
      "not_authenticated", "11" },
  };
  static const Refusal after_hello[] = {
    { "{\"type\":\"subscribe\",\"layers\":[\"traffic\"],\"bbox\":[null,32.5,110.9,32.7],"
      "\"ref\":\"b1\"}", "bad_frame", "b1" },
    { "{\"type\":\"subscribe\",\"layers\":[\"traffic\"],\"bbox\":[110.9,32.5,110.6,32.7]}",
      "bad_frame", NULL },
    { "{\"type\":\"subscribe\",\"layers\":[\"traffic\"],\"bbox\":[110.6,32.5,110.9,32.7,1]}",
      "bad_frame", NULL },
    { "{\"type\":\"subscribe\",\"layers\":[\"traffic\"],\"bbox\":[110.6,32.5,110.9,1e999]}",
      "bad_frame", NULL },
    { "{\"type\":\"subscribe\",\"layers\":[\"traffic\"],\"bbox\":\"110.6,32.5,110.9,32.7\"}",
      "bad_frame", NULL },
    { "{\"type\":\"subscribe\",\"layers\":[1]}", "bad_frame", NULL },
    { "{\"type\":\"subscribe\",\"layers\":\"traffic\"}", "bad_frame", NULL },
    { "{\"type\":\"subscribe\",\"layers\":[\"traffic\",\"\\ud800\"]}", "unknown_layer", NULL },
    { "{\"type\":\"subscribe\",\"layers\":[\"traffic\"],\"epoch\":5}", "bad_frame", NULL },
    { "{\"type\":\"subscribe\",\"layers\":[\"traffic\"],\"resume\":{\"traffic\":\"3\"}}",
      "bad_frame", NULL },
    { "{\"type\":\"subscribe\",\"layers\":[\"traffic\"],\"resume\":{\"traffic\":-1}}",
      "bad_frame", NULL },
    { "{\"type\":\"subscribe\",\"layers\":[\"traffic\"],\"resume\":[3]}", "bad_frame", NULL },
    { "{\"type\":\"unsubscribe\",\"layers\":[{}],\"ref\":\"u\"}", "bad_frame", "u" },
    { "{\"type\":\"hello\",\"protocol\":1,\"token\":\"view-token\",\"ref\":\"h\"}",
      "bad_frame", "h" },
  };
  Hub *hub = hub_start (NULL);
  g_autoptr(Client) client = client_connect (hub, NULL);
  JsonObject *snapshot;

  for (guint i = 0; i < G_N_ELEMENTS (before_hello); i++)
    {
      g_test_message ("%s", before_hello[i].frame);
      client_send (client, before_hello[i].frame);
      expect_error (client, before_hello[i].code, before_hello[i].ref);
    }
  soup_websocket_connection_send_binary (client->connection, "{\"type\":\"hello\"}", 16);
  expect_error (client, "bad_frame", NULL);
  g_free (client_hello (client, "view-token"));
  for (guint i = 0; i < G_N_ELEMENTS (after_hello); i++)
    {
      g_test_message ("%s", after_hello[i].frame);
      client_send (client, after_hello[i].frame);
      expect_error (client, after_hello[i].code, after_hello[i].ref);
    }
  /* None of them subscribed anything: the first snapshot is this subscribe's, with its bbox. */
  hub_ingest_points (hub, "traffic", "road", 0, 20, 1);
  client_send (client, "{\"type\":\"subscribe\",\"layers\":[\"traffic\"],"
                       "\"bbox\":[110.6995,32.5,110.7045,32.7]}");
  snapshot = client_next (client, "snapshot");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (snapshot, "entities")),
                    ==, 5);
  g_assert_false (client->closed);
  hub_stop (hub);
}

/* The token named in a hello appears in no answer, log line (debug included), metric or audit
 * row, however the hello is malformed (item 3: a cut-off hello quoted it back). */
static void
test_token_never_echoed (void)
{
  static const char * const hellos[] = {
    "{\"type\":\"hello\",\"protocol\":1,\"token\":\"vtok-123\"",
    "{\"type\":\"hello\",\"protocol\":1,\"token\":\"vtok-123\",}",
    "{\"type\":\"hello\",\"protocol\":1,\"token\":\"vtok-123\" \"client\":\"x\"}",
    "{\"type\":\"hello\",\"protocol\":1,\"token\":\"vtok-123\x01\"}",
    "{\"type\":\"hello\",\"protocol\":[1],\"token\":\"vtok-123\"}",
    "{\"type\":\"hello\",\"protocol\":2,\"token\":\"vtok-123\"}",
    "{\"type\":\"hello\",\"protocol\":1,\"token\":\"vtok-123\"}",
  };
  Hub *hub = pano_test_hub_new (NULL);
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *metrics = NULL;
  g_autofree char *log = NULL;

  pano_test_hub_setenv (hub, "G_MESSAGES_DEBUG", "all");
  pano_test_hub_spawn (hub);
  for (guint i = 0; i < G_N_ELEMENTS (hellos); i++)
    {
      g_autoptr(Client) client = client_connect (hub, NULL);
      JsonObject *error;

      client_send (client, hellos[i]);
      error = client_next (client, "error");
      g_test_message ("%s → %s", hellos[i], json_object_get_string_member (error, "message"));
      g_assert_null (strstr (json_object_get_string_member (error, "message"), "vtok"));
    }
  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/layers", "vtok-123", NULL, NULL, &answer, NULL),
                    ==, 401);
  g_assert_null (strstr (json_object_get_string_member (json_node_get_object (answer),
                                                        "message"), "vtok"));
  metrics = hub_metrics (hub);
  g_assert_null (strstr (metrics, "vtok"));
  pano_test_hub_terminate (hub);
  log = pano_test_hub_dup_log (hub);
  g_assert_nonnull (strstr (log, "DEBUG"));   /* the debug lines were there to be read */
  g_assert_null (strstr (log, "vtok"));
  {
    g_autofree char *path = hub_db_path (hub);
    g_autofree char *dump = NULL;
    const char *argv[] = { "sqlite3", path, ".dump audit", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 &dump, NULL, NULL, NULL));
    g_assert_nonnull (strstr (dump, "INSERT INTO audit"));
    g_assert_null (strstr (dump, "vtok"));
  }
  hub_stop (hub);
}

/* Commands whose members have the wrong JSON type get 400 bad_request, not a GLib assertion
 * (item 5). */
static void
test_command_types (void)
{
  static const char * const bodies[] = {
    "{\"command\":[]}",
    "{\"command\":{\"x\":1}}",
    "{\"command\":\"create\",\"category\":\"市政设施\",\"severity\":[2],"
    "\"location\":[110.79,32.65]}",
    "{\"command\":\"create\",\"category\":\"市政设施\",\"severity\":\"2\","
    "\"location\":[110.79,32.65]}",
    "{\"command\":\"create\",\"category\":\"市政设施\",\"severity\":2,"
    "\"location\":[\"110.79\",\"32.65\"]}",
    "{\"command\":\"create\",\"category\":\"市政设施\",\"severity\":2,"
    "\"location\":[110.79,32.65],\"title\":[\"t\"]}",
    "{\"command\":\"transition\",\"incident\":5,\"to\":\"accepted\"}",
    "{\"command\":\"transition\",\"incident\":\"INC-000001\",\"to\":5}",
    "{\"command\":\"dispatch\",\"incident\":\"INC-000001\",\"units\":[1]}",
    "{\"command\":\"dispatch\",\"incident\":\"INC-000001\",\"units\":\"fire-1\"}",
    "{\"command\":\"acknowledge\",\"incident\":\"INC-000001\",\"unit\":[]}",
    "{\"command\":\"cancel\",\"incident\":\"INC-000001\",\"reason\":{}}",
    "{\"command\":\"note\",\"incident\":\"INC-000001\",\"text\":1}",
    "{\"command\":\"transition\",\"incident\":\"INC-000001\",\"to\":\"accepted\","
    "\"reason\":[]}",
    "{\"command\":\"transition\",\"incident\":\"INC-000001\",\"to\":\"accepted\","
    "\"version\":\"1\"}",
    "{\"command\":\"extend\",\"incident\":\"INC-000001\",\"seconds\":\"600\","
    "\"reason\":\"r\"}",
    "{\"command\":\"acknowledge_alert\",\"alert\":\"a-1\",\"note\":{}}",
  };
  Hub *hub = hub_start (NULL);

  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", "types-create",
                              "{\"command\":\"create\",\"category\":\"市政设施\","
                              "\"severity\":2,\"location\":[110.79,32.65]}", NULL, NULL), ==,
                    201);
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *key = g_strdup_printf ("types-%u", i);
      g_autoptr(JsonNode) answer = NULL;

      g_test_message ("%s", bodies[i]);
      g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", key, bodies[i],
                                  &answer, NULL), ==, 400);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "error"),
                       ==, "bad_request");
    }
  hub_stop (hub);
}

/* POSTs one feature to the events layer; returns the status. */
static guint
post_feature (Hub        *hub,
              const char *feature)
{
  g_autofree char *body = g_strdup_printf ("{\"type\":\"FeatureCollection\",\"features\":[%s]}",
                                           feature);

  return hub_rest (hub, "POST", "/v1/ingest/events", "admin-token", NULL, body, NULL, NULL);
}

/* stale_after_s is bounded: 0 … a year, numbers only; anything else is refused with the field
 * named, nothing applied (item 7: 1e12 used to wrap round to 1970). */
static void
test_stale_after_bounds (void)
{
  static const char * const refused[] = { "1e12", "-1", "31536001", "\"300\"", "true", "null",
                                          "[60]" };
  Hub *hub = hub_start (NULL);
  g_autoptr(Client) client = client_connect (hub, NULL);
  JsonObject *entity;

  g_free (client_hello (client, "view-token"));
  client_send (client, "{\"type\":\"subscribe\",\"layers\":[\"events\"]}");
  client_next (client, "snapshot");
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *feature = g_strdup_printf ("{\"id\":\"e\",\"geometry\":null,"
                                                  "\"properties\":{\"stale_after_s\":%s}}",
                                                  refused[i]);
      g_autoptr(JsonNode) answer = NULL;
      g_autofree char *body = g_strdup_printf ("{\"type\":\"FeatureCollection\",\"features\":"
                                               "[%s]}", feature);

      g_assert_cmpuint (hub_rest (hub, "POST", "/v1/ingest/events", "admin-token", NULL, body,
                                  &answer, NULL), ==, 400);
      g_assert_nonnull (strstr (json_object_get_string_member (json_node_get_object (answer),
                                                               "message"),
                                "features[0].properties.stale_after_s"));
    }
  /* a year, a fraction and 0 (never stale) are taken */
  g_assert_cmpuint (post_feature (hub, "{\"id\":\"year\",\"properties\":{\"stale_after_s\":"
                                       "31536000}}"), ==, 200);
  entity = json_object_get_object_member (json_array_get_object_element (
             json_object_get_array_member (client_next (client, "delta"), "changes"), 0),
           "entity");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (entity, "stale_after"),
                                   "20"));
  g_assert_cmpstr (json_object_get_string_member (entity, "stale_after"), >,
                   json_object_get_string_member (entity, "updated_at"));
  g_assert_cmpuint (post_feature (hub, "{\"id\":\"soon\",\"properties\":{\"stale_after_s\":"
                                       "0.25}}"), ==, 200);
  entity = json_object_get_object_member (json_array_get_object_element (
             json_object_get_array_member (client_next (client, "delta"), "changes"), 0),
           "entity");
  g_assert_cmpstr (json_object_get_string_member (entity, "stale_after"), >,
                   json_object_get_string_member (entity, "updated_at"));
  g_assert_cmpuint (post_feature (hub, "{\"id\":\"never\",\"properties\":{\"stale_after_s\":0}}"),
                    ==, 200);
  entity = json_object_get_object_member (json_array_get_object_element (
             json_object_get_array_member (client_next (client, "delta"), "changes"), 0),
           "entity");
  g_assert_true (json_object_get_null_member (entity, "stale_after"));
  hub_stop (hub);
}

/* A numeric feature id is taken as the text it was written as (item 9: the document says
 * "string or number"): fractions, exponents and 20 digits are ids like any other. */
static void
test_numeric_ids (void)
{
  static const char * const ids[] = { "1.5", "1e3", "1000", "12345678901234567890", "-7" };
  Hub *hub = hub_start (NULL);
  g_autoptr(Client) client = client_connect (hub, NULL);
  g_autoptr(GString) features = g_string_new (NULL);
  JsonArray *changes;

  g_free (client_hello (client, "view-token"));
  client_send (client, "{\"type\":\"subscribe\",\"layers\":[\"events\"]}");
  client_next (client, "snapshot");
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_string_append_printf (features, "%s{\"id\":%s,\"geometry\":null,\"properties\":{}}",
                            i ? "," : "", ids[i]);
  g_assert_cmpuint (post_feature (hub, features->str), ==, 200);
  changes = json_object_get_array_member (client_next (client, "delta"), "changes");
  g_assert_cmpuint (json_array_get_length (changes), ==, G_N_ELEMENTS (ids));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                       json_array_get_object_element (changes, i), "entity"), "id"), ==, ids[i]);
  hub_stop (hub);
}

static gboolean
has_heartbeat (gpointer user_data)
{
  return ((Client *) user_data)->heartbeats > 0;
}

/* The first heartbeat comes a whole interval after welcome, by the hub's own clock (item 8: it
 * was timed from the connection, and could come at once after a late hello). Only a lower
 * bound is checked: a loaded machine makes it later, never sooner. */
static void
test_first_heartbeat (void)
{
  Hub *hub = hub_start ("[stream]\nheartbeat-interval-ms=1000\nheartbeat-timeout-ms=60000\n");
  g_autoptr(Client) client = client_connect (hub, NULL);
  JsonObject *welcome;

  /* a client that takes its time to say hello, longer than one interval */
  g_usleep (1300 * 1000);
  client_send (client, "{\"type\":\"hello\",\"protocol\":1,\"token\":\"view-token\"}");
  welcome = client_next (client, "welcome");
  wait_until (NULL, has_heartbeat, client, "the first heartbeat");
  g_test_message ("welcome at %" G_GINT64_FORMAT ", first heartbeat at %" G_GINT64_FORMAT,
                  json_object_get_int_member (welcome, "time_ms"), client->first_heartbeat_ms);
  g_assert_cmpint (client->first_heartbeat_ms - json_object_get_int_member (welcome, "time_ms"),
                   >=, 1000);
  hub_stop (hub);
}

/* ---- HTTP at the byte level: what a careless or hostile client sends ---- */

/* Sends @head (request line and headers; "Connection: close" is added) and then @body_length
 * bytes of @body repeated, on a fresh connection, and reads the answer until the hub closes.
 * Write errors end the sending quietly: the hub may answer and close before the body is in. */
static char *
raw_exchange (Hub        *hub,
              const char *head,
              const char *body,
              gsize       body_length)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autofree char *request = g_strconcat (head, "Connection: close\r\n\r\n", NULL);
  GOutputStream *out;
  GInputStream *in;
  gsize piece = body ? strlen (body) : 0;
  char buffer[4096];
  gssize n;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", hub->port, NULL, &error);
  g_assert_no_error (error);
  /* a hang guard: a hub waiting for a body that never comes fails the test, not the run */
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 60);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_assert_true (g_output_stream_write_all (out, request, strlen (request), NULL, NULL, NULL));
  for (gsize sent = 0; piece > 0 && sent < body_length; sent += piece)
    if (!g_output_stream_write_all (out, body, MIN (piece, body_length - sent), NULL, NULL,
                                    NULL))
      break;
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, &error)) > 0)
    g_string_append_len (answer, buffer, n);
  g_assert_no_error (error);
  return g_string_free (g_steal_pointer (&answer), FALSE);
}

/* The answer's status is @status and its body a JSON error with @code. */
static void
assert_answer (const char *answer,
               guint       status,
               const char *code)
{
  g_autofree char *status_line = g_strdup_printf ("HTTP/1.1 %u ", status);
  const char *body = strstr (answer, "\r\n\r\n");
  g_autoptr(JsonNode) node = NULL;

  g_test_message ("%.*s", (int) strcspn (answer, "\r"), answer);
  g_assert_true (g_str_has_prefix (answer, status_line));
  g_assert_nonnull (body);
  node = json_from_string (body + 4, NULL);
  g_assert_nonnull (node);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "error"), ==,
                   code);
}

static guint64
hub_rss_kb (Hub *hub)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status",
                                           g_subprocess_get_identifier (hub->process));
  g_autofree char *text = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  line = strstr (text, "VmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + 6, NULL, 10);
}

/* A body is judged before it is read (item 2): authentication first, then the declared
 * length, then the media type; a chunked body is counted as it comes. Each answer comes with
 * a JSON body, also where libsoup refuses by itself (item 9). */
static void
test_bodies_refused_unread (void)
{
  Hub *hub = hub_start (NULL);
  g_autofree char *filler = g_strnfill (65536, 'x');
  g_autoptr(GString) chunks = g_string_new (NULL);
  g_autofree char *answer = NULL;
  guint64 rss_before, rss_after;

  /* 400 MB declared, no token, nothing sent: answered at once */
  answer = raw_exchange (hub, "POST /v1/ingest/events HTTP/1.1\r\nHost: x\r\n"
                              "Content-Type: application/json\r\nContent-Length: 400000000\r\n",
                         NULL, 0);
  assert_answer (answer, 401, "unauthorized");
  g_clear_pointer (&answer, g_free);
  /* the same while 48 MiB of it are sent: dropped as it comes, never held */
  rss_before = hub_rss_kb (hub);
  answer = raw_exchange (hub, "POST /v1/ingest/events HTTP/1.1\r\nHost: x\r\n"
                              "Content-Type: application/json\r\nContent-Length: 400000000\r\n",
                         filler, 48 * 1024 * 1024);
  assert_answer (answer, 401, "unauthorized");
  g_clear_pointer (&answer, g_free);
  rss_after = hub_rss_kb (hub);
  g_test_message ("hub RSS %" G_GUINT64_FORMAT " kB, then %" G_GUINT64_FORMAT " kB",
                  rss_before, rss_after);
  g_assert_cmpuint (rss_after, <, rss_before + 16 * 1024);

  /* with a good token: the declared length decides */
  answer = raw_exchange (hub, "POST /v1/ingest/events HTTP/1.1\r\nHost: x\r\n"
                              "Authorization: Bearer admin-token\r\n"
                              "Content-Type: application/json\r\nContent-Length: 400000000\r\n",
                         NULL, 0);
  assert_answer (answer, 413, "payload_too_large");
  g_clear_pointer (&answer, g_free);
  answer = raw_exchange (hub, "POST /v1/ingest/events HTTP/1.1\r\nHost: x\r\n"
                              "Authorization: Bearer admin-token\r\n"
                              "Content-Type: application/json\r\nContent-Length: -1\r\n",
                         NULL, 0);
  assert_answer (answer, 400, "bad_request");
  g_clear_pointer (&answer, g_free);
  answer = raw_exchange (hub, "POST /v1/ingest/events HTTP/1.1\r\nHost: x\r\n"
                              "Authorization: Bearer admin-token\r\nContent-Type: application/json"
                              "\r\nContent-Length: 99999999999999999999\r\n", NULL, 0);
  assert_answer (answer, 413, "payload_too_large");
  g_clear_pointer (&answer, g_free);
  /* what libsoup refuses itself now has a JSON body too */
  answer = raw_exchange (hub, "POST /v1/ingest/events HTTP/1.1\r\nHost: x\r\n"
                              "Authorization: Bearer admin-token\r\nContent-Length: abc\r\n",
                         NULL, 0);
  assert_answer (answer, 400, "bad_request");
  g_clear_pointer (&answer, g_free);
  answer = raw_exchange (hub, "GET /v1/snapshot/..%2f..%2fetc HTTP/1.1\r\nHost: x\r\n"
                              "Authorization: Bearer view-token\r\n", NULL, 0);
  assert_answer (answer, 400, "bad_request");
  g_clear_pointer (&answer, g_free);

  /* the media type: JSON or nothing */
  answer = raw_exchange (hub, "POST /v1/ingest/events HTTP/1.1\r\nHost: x\r\n"
                              "Authorization: Bearer admin-token\r\n"
                              "Content-Type: text/plain\r\nContent-Length: 2\r\n", "{}", 2);
  assert_answer (answer, 415, "unsupported_media_type");
  g_clear_pointer (&answer, g_free);
  answer = raw_exchange (hub, "POST /v1/commands HTTP/1.1\r\nHost: x\r\n"
                              "Authorization: Bearer disp-token\r\nIdempotency-Key: k\r\n"
                              "Content-Length: 2\r\n", "{}", 2);
  assert_answer (answer, 415, "unsupported_media_type");
  g_clear_pointer (&answer, g_free);

  /* chunks without a length: counted, refused past 16 MiB */
  for (guint i = 0; i < 17 * 16; i++)
    g_string_append_printf (chunks, "10000\r\n%s\r\n", filler);
  g_string_append (chunks, "0\r\n\r\n");
  answer = raw_exchange (hub, "POST /v1/ingest/events HTTP/1.1\r\nHost: x\r\n"
                              "Authorization: Bearer admin-token\r\n"
                              "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
                         chunks->str, chunks->len);
  assert_answer (answer, 413, "payload_too_large");

  g_assert_cmpuint (hub_metric (hub, "pano_hub_bodies_refused_total"), ==, 6);
  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/health", NULL, NULL, NULL, NULL, NULL), ==, 200);
  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/layers", "view-token", NULL, NULL, NULL, NULL), ==,
                    200);
  hub_stop (hub);
}

static gint64
count_rows (Hub        *hub,
            const char *where)
{
  g_autofree char *path = hub_db_path (hub);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM audit WHERE %s;", where);
  g_autofree char *out = NULL;
  const char *argv[] = { "sqlite3", path, sql, NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, NULL, NULL));
  return g_ascii_strtoll (out, NULL, 10);
}

static gboolean
lockout_over (gpointer user_data)
{
  g_usleep (100 * 1000);
  return hub_rest (user_data, "GET", "/v1/layers", "view-token", NULL, NULL, NULL, NULL) == 200;
}

/* Unknown tokens from one address, REST or stream, lock it out after the configured count: a
 * 429 with Retry-After even for a good token, for stream upgrades and hellos too, while the
 * public endpoints stay open; the lockout is audited once, and ends. */
static void
test_auth_rate_limit (void)
{
  Hub *hub = hub_start ("[limits]\nauth-failures=4\nauth-window-s=600\nauth-lockout-s=2\n");
  g_autoptr(Client) early = client_connect (hub, NULL);
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *upgrade = NULL;

  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/layers", "guess-1", NULL, NULL, NULL, NULL), ==,
                    401);
  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/layers", "guess-2", NULL, NULL, NULL, NULL), ==,
                    401);
  /* a missing token is not a guess */
  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/layers", NULL, NULL, NULL, NULL, NULL), ==, 401);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(Client) client = client_connect (hub, NULL);

      client_send (client, "{\"type\":\"hello\",\"protocol\":1,\"token\":\"guess-3\"}");
      expect_error (client, "unauthorized", NULL);
      client_wait_closed (client);
      g_assert_cmpuint (client->close_code, ==, 4001);
    }
  /* four unknown tokens: locked out, whatever the next one is */
  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/layers", "view-token", NULL, NULL, &answer, NULL),
                    ==, 429);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "error"), ==,
                   "rate_limited");
  upgrade = raw_exchange (hub, "GET /v1/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                               "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", NULL, 0);
  assert_answer (upgrade, 429, "rate_limited");
  g_assert_nonnull (strstr (upgrade, "Retry-After: "));
  client_send (early, "{\"type\":\"hello\",\"protocol\":1,\"token\":\"view-token\"}");
  expect_error (early, "rate_limited", NULL);
  client_wait_closed (early);
  g_assert_cmpuint (early->close_code, ==, 4029);
  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/health", NULL, NULL, NULL, NULL, NULL), ==, 200);
  g_assert_cmpuint (hub_metric (hub, "pano_hub_auth_failures_total"), ==, 4);
  g_assert_cmpuint (hub_metric (hub, "pano_hub_auth_lockouts_total"), ==, 1);
  g_assert_cmpuint (hub_metric (hub, "pano_hub_auth_locked_total"), ==, 2);
  g_assert_cmpint (count_rows (hub, "action = 'lockout' AND status = 429 AND "
                                    "target = '127.0.0.1'"), ==, 1);
  /* the lockout ends by itself */
  wait_until (NULL, lockout_over, hub, "the lockout to end");
  hub_stop (hub);
}

/* [tokens] NAME = ROLE:sha256:HEX: the configuration holds no token in clear; the token
 * itself opens the door, its digest does not. A malformed digest stops the hub at start. */
static void
test_hashed_tokens (void)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "s3cret-ops", -1);
  g_autofree char *config = g_strdup_printf ("[tokens]\nops=dispatcher:sha256:%s\n", digest);
  Hub *hub = hub_start (config);
  g_autoptr(Client) client = client_connect (hub, NULL);
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *welcome;

  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "s3cret-ops", "hashed-1",
                              "{\"command\":\"create\",\"category\":\"市政设施\",\"severity\":2,"
                              "\"location\":[110.79,32.65]}", &answer, NULL), ==, 201);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_node_get_object (answer), "incident"), "updated_by"), ==, "ops");
  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/layers", digest, NULL, NULL, NULL, NULL), ==,
                    401);
  client_send (client, "{\"type\":\"hello\",\"protocol\":1,\"token\":\"s3cret-ops\"}");
  welcome = client_next (client, "welcome");
  g_assert_cmpstr (json_object_get_string_member (welcome, "role"), ==, "dispatcher");
  hub_stop (hub);

  {
    g_autofree char *dir = g_dir_make_tmp ("pano-hub-token-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "bad.conf", NULL);
    g_autofree char *err = NULL;
    const char *argv[] = { g_getenv ("PANORAMA_HUB_EXE"), "--config", path, NULL };
    gint status = 0;

    g_assert_true (g_file_set_contents (path, "[hub]\nlisten=127.0.0.1:0\n[tokens]\n"
                                              "ops=viewer:sha256:abc\n", -1, NULL));
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                 NULL, NULL, &err, &status, NULL));
    g_assert_false (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (err, "[tokens] ops"));
    g_assert_nonnull (strstr (err, "sha256"));
    g_unlink (path);
    g_rmdir (dir);
  }
}

/* The document and the hub agree (item 9): history from=0 reads from the first change, as
 * window_start 0 says; an Idempotency-Key is visible ASCII, without spaces. */
static void
test_documented_edges (void)
{
  Hub *hub = hub_start (NULL);
  g_autoptr(JsonNode) history = NULL;
  g_autoptr(JsonNode) refusal = NULL;

  hub_ingest_points (hub, "traffic", "road", 0, 3, 1);
  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/history?layer=traffic&from=0", "view-token", NULL,
                              NULL, &history, NULL), ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (history), "changes")), ==, 3);
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", "with space",
                              "{\"command\":\"note\"}", &refusal, NULL), ==, 400);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (refusal), "error"), ==,
                   "missing_idempotency_key");
  hub_stop (hub);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub/hardening/close-during-send", test_close_during_send);
  g_test_add_func ("/hub/hardening/frames-refused", test_frames_refused);
  g_test_add_func ("/hub/hardening/token-never-echoed", test_token_never_echoed);
  g_test_add_func ("/hub/hardening/command-types", test_command_types);
  g_test_add_func ("/hub/hardening/stale-after-bounds", test_stale_after_bounds);
  g_test_add_func ("/hub/hardening/numeric-ids", test_numeric_ids);
  g_test_add_func ("/hub/hardening/first-heartbeat", test_first_heartbeat);
  g_test_add_func ("/hub/hardening/bodies-refused-unread", test_bodies_refused_unread);
  g_test_add_func ("/hub/hardening/auth-rate-limit", test_auth_rate_limit);
  g_test_add_func ("/hub/hardening/hashed-tokens", test_hashed_tokens);
  g_test_add_func ("/hub/hardening/documented-edges", test_documented_edges);
  return g_test_run ();
}
