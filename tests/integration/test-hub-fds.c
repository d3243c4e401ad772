// SPDX-License-Identifier: GPL-3.0-or-later
/* The hub's open files do not grow with the HTTP connections it has served: a command centre
 * runs it for months, and every client connection that closed used to leave a socket open
 * until the hub could accept no more (found by the soak, docs/soak.md). */
#include <gio/gio.h>

#include "hub-fixture.h"

#define CONNECTIONS 200

static guint
open_fds (Hub *hub)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/fd",
                                           g_subprocess_get_identifier (hub->process));
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* One request on its own connection, answer read, then the client hangs up: what a script
 * with curl, or any client that does not keep connections, does. */
static void
one_connection (Hub *hub)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  const char *request = "GET /v1/layers HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        "Authorization: Bearer view-token\r\n\r\n";
  char answer[64];
  gssize n;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", hub->port, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request,
                             strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)), answer,
                           sizeof answer - 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, >, 12);
  answer[n] = '\0';
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 "));
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
}

typedef struct
{
  Hub *hub;
  guint limit;
} FdWait;

static gboolean
fds_back (gpointer user_data)
{
  FdWait *wait = user_data;

  return open_fds (wait->hub) <= wait->limit;
}

static void
test_connections_closed (void)
{
  Hub *hub = hub_start (NULL);
  g_autoptr(GMainContext) context = g_main_context_new ();
  FdWait wait = { hub, 0 };

  one_connection (hub);   /* whatever the first request opens for good (the database) */
  wait.limit = open_fds (hub) + 5;
  for (guint i = 0; i < CONNECTIONS; i++)
    one_connection (hub);
  wait_until (context, fds_back, &wait, "the hub to close the connections its clients closed");
  hub_stop (hub);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub/rest/connections-closed", test_connections_closed);
  return g_test_run ();
}
