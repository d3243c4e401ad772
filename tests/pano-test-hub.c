// SPDX-License-Identifier: GPL-3.0-or-later
/* Runs the real hub for integration tests: spawned from the build tree, found by the port it
 * writes, talked to over HTTP on 127.0.0.1, killed with SIGKILL when a test wants a crash. */
#include "pano-test-hub.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#define START_LIMIT_US (20 * G_USEC_PER_SEC)

static char *
write_config (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "hub.conf", NULL);
  const char *config =
    "[hub]\n"
    "listen = 127.0.0.1:0\n"
    "[tokens]\n"
    "console = viewer:view\n"
    "operator = dispatcher:dispatch\n"
    "integrator = admin:admin\n";

  g_assert_true (g_file_set_contents (path, config, -1, NULL));
  return g_steal_pointer (&path);
}

/* A test that aborts must not leave its hub running: the hub dies with the test process. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

PanoTestHub *
pano_test_hub_start (const char         *dir,
                     const char * const *extra_args)
{
  PanoTestHub *hub = g_new0 (PanoTestHub, 1);
  g_autofree char *config = write_config (dir);
  g_autofree char *port_file = g_build_filename (dir, "port", NULL);
  g_autofree char *database = g_build_filename (dir, "hub.sqlite", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  gint64 deadline = g_get_monotonic_time () + START_LIMIT_US;

  g_remove (port_file);
  g_ptr_array_add (argv, (char *)g_getenv ("PANORAMA_HUB_EXE"));
  g_ptr_array_add (argv, "--config");
  g_ptr_array_add (argv, config);
  g_ptr_array_add (argv, "--database");
  g_ptr_array_add (argv, database);
  g_ptr_array_add (argv, "--port-file");
  g_ptr_array_add (argv, port_file);
  for (guint i = 0; extra_args && extra_args[i]; i++)
    g_ptr_array_add (argv, (char *)extra_args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_nonnull (argv->pdata[0]);

  /* The hub runs without the tests' G_DEBUG=fatal-criticals, as the integration fixture
   * starts it: GLib 2.74 warns "Socket check failed" and logs a critical from inside GIO when
   * libsoup watches a connection the client has just closed (about one start in ten here), and
   * a hub that aborted on that would fail a test that has nothing to do with it. Its stderr
   * still shows in the test log. */
  envp = g_environ_unsetenv (g_get_environ (), "G_DEBUG");
  g_spawn_async (NULL, (char **)argv->pdata, envp,
                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, die_with_parent, NULL,
                 &hub->pid, &error);
  g_assert_no_error (error);
  while (!g_file_get_contents (port_file, &port, NULL, NULL) || port[0] == '\0')
    {
      g_clear_pointer (&port, g_free);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20000);
    }
  hub->dir = g_strdup (dir);
  hub->url = g_strdup_printf ("http://127.0.0.1:%u", (guint)g_ascii_strtoull (port, NULL, 10));
  return hub;
}

void
pano_test_hub_kill (PanoTestHub *hub)
{
  int status;

  if (hub->pid == 0)
    return;
  kill (hub->pid, SIGKILL);
  waitpid (hub->pid, &status, 0);
  g_spawn_close_pid (hub->pid);
  hub->pid = 0;
}

void
pano_test_hub_free (PanoTestHub *hub)
{
  pano_test_hub_kill (hub);
  g_free (hub->dir);
  g_free (hub->url);
  g_free (hub);
}

/* Returns: (transfer full): the JSON answer; @status gets the HTTP status */
JsonNode *
pano_test_hub_request (PanoTestHub *hub,
                       const char  *method,
                       const char  *path,
                       const char  *token,
                       const char  *body,
                       guint       *status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strconcat (hub->url, path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, uri);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (token)
    {
      g_autofree char *bearer = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                    bearer);
    }
  if (body)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  answer = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (message);
  if (!json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL),
                                   g_bytes_get_size (answer), NULL))
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

void
pano_test_hub_ingest (PanoTestHub *hub,
                      const char  *layer,
                      const char  *feature_collection)
{
  g_autofree char *path = g_strdup_printf ("/v1/ingest/%s", layer);
  guint status;
  g_autoptr(JsonNode) answer = pano_test_hub_request (hub, "POST", path, "admin",
                                                      feature_collection, &status);

  g_assert_cmpuint (status, ==, 200);
}
