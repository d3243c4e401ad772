// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-test-hub-hardening"

/* What an outside client, careless or hostile, must not be able to do to the hub: make it log a
 * CRITICAL, read unbounded bodies, leak a token, or skip an answer. The fixture fails a test on
 * any CRITICAL or unannounced WARNING the hub writes, so each test here is also a check that
 * the hub stayed quiet. */

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub/hardening/close-during-send", test_close_during_send);
  return g_test_run ();
}
