// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-test-hub"

/* Runs the real hub for tests: spawned from the build tree, found by the port it writes,
 * talked to over HTTP on 127.0.0.1, killed with SIGKILL when a test wants a crash. Its output
 * (stderr, and stdout where GLib puts debug lines) is read as it is written, so what the hub
 * logs is part of what a test checks. */
#include "pano-test-hub.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>

/* Waits are bounded only to turn a hang into a failure message; nothing asserts on time. */
#define HANG_GUARD_US (60 * G_USEC_PER_SEC)

/* What in a line of the hub's stderr is a defect: GLib's CRITICAL, ERROR and WARNING lines
 * ("…-CRITICAL **: …", "** (panorama-hub:…): WARNING **: …") and sanitizer reports. */
static const char * const defect_marks[] = {
  "CRITICAL **", "ERROR **", "WARNING **", "Sanitizer", "runtime error:",
};

typedef struct
{
  PanoTestHub *hub;
  GSubprocess *process;
} Reader;

PanoTestHub *
pano_test_hub_new (const char *dir)
{
  PanoTestHub *hub = g_new0 (PanoTestHub, 1);
  g_autoptr(GError) error = NULL;

  if (dir == NULL)
    {
      hub->dir = g_dir_make_tmp ("pano-hub-test-XXXXXX", &error);
      g_assert_no_error (error);
      hub->own_dir = TRUE;
    }
  else
    hub->dir = g_strdup (dir);
  hub->config = g_build_filename (hub->dir, "hub.conf", NULL);
  hub->session = soup_session_new ();
  hub->log = g_ptr_array_new_with_free_func (g_free);
  hub->expected = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&hub->lock);
  return hub;
}

/* @extra_config goes right after the [hub] keys: bare keys are [hub] keys, or it opens its
 * own sections ("[stream]\nwindow=20\n"). */
void
pano_test_hub_set_config (PanoTestHub *hub,
                          const char  *extra_config)
{
  g_free (hub->extra_config);
  hub->extra_config = g_strdup (extra_config);
  hub->tls = extra_config != NULL && strstr (extra_config, "tls-certificate") != NULL;
}

void
pano_test_hub_set_args (PanoTestHub        *hub,
                        const char * const *args)
{
  g_strfreev (hub->args);
  hub->args = g_strdupv ((GStrv) args);
}

/* For the hub's environment, e.g. G_MESSAGES_DEBUG=all to check what its debug lines say. */
void
pano_test_hub_setenv (PanoTestHub *hub,
                      const char  *name,
                      const char  *value)
{
  hub->env = g_environ_setenv (hub->env, name, value, TRUE);
}

/* REST requests of this fixture then trust only the certificates @ca_file signed. */
void
pano_test_hub_set_ca_file (PanoTestHub *hub,
                           const char  *ca_file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca_file, &error);

  g_assert_no_error (error);
  soup_session_set_tls_database (hub->session, database);
}

/* A WARNING line containing @fragment is what the test provokes: it is not a defect. */
void
pano_test_hub_expect_log (PanoTestHub *hub,
                          const char  *fragment)
{
  g_mutex_lock (&hub->lock);
  g_ptr_array_add (hub->expected, g_strdup (fragment));
  g_mutex_unlock (&hub->lock);
}

static gboolean
is_defect (PanoTestHub *hub,
           const char  *line)
{
  gboolean defect = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (defect_marks) && !defect; i++)
    defect = strstr (line, defect_marks[i]) != NULL;
  if (!defect || strstr (line, "WARNING **") == NULL)
    return defect;
  for (guint i = 0; i < hub->expected->len; i++)
    if (strstr (line, hub->expected->pdata[i]) != NULL)
      return FALSE;
  return TRUE;
}

/* Fails the whole test at once, from the reader thread: the hub's state is already wrong, and
 * waiting for the test to notice would only turn it into a hang or a confusing assertion. */
G_GNUC_NORETURN static void
bail_out (const char *what)
{
  fprintf (stdout, "Bail out! panorama-hub %s\n", what);
  fflush (stdout);
  g_printerr ("panorama-hub %s\n", what);
  abort ();
}

static gpointer
read_log (gpointer data)
{
  Reader *reader = data;
  PanoTestHub *hub = reader->hub;
  g_autoptr(GDataInputStream) lines =
    g_data_input_stream_new (g_subprocess_get_stdout_pipe (reader->process));
  char *line;

  while ((line = g_data_input_stream_read_line (lines, NULL, NULL, NULL)) != NULL)
    {
      gboolean defect;

      g_printerr ("# hub: %s\n", line);
      g_mutex_lock (&hub->lock);
      defect = is_defect (hub, line);
      g_ptr_array_add (hub->log, line);
      g_mutex_unlock (&hub->lock);
      if (defect)
        bail_out ("logged a defect (the line above); a test must not provoke one");
    }
  g_mutex_lock (&hub->lock);
  if (!hub->stopping)
    {
      g_mutex_unlock (&hub->lock);
      bail_out ("exited without being stopped (see its log above)");
    }
  g_mutex_unlock (&hub->lock);
  g_object_unref (reader->process);
  g_free (reader);
  return NULL;
}

static void
write_config (PanoTestHub *hub)
{
  g_autofree char *db = pano_test_hub_db_path (hub);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  text = g_strdup_printf ("[hub]\nlisten=127.0.0.1:0\ndatabase=%s\n%s\n"
                          "[tokens]\nviewer1=viewer:view-token\ndispatcher1=dispatcher:disp-token\n"
                          "admin1=admin:admin-token\nconsole=viewer:view\n"
                          "operator=dispatcher:dispatch\nintegrator=admin:admin\n",
                          db, hub->extra_config ? hub->extra_config : "");
  g_file_set_contents (hub->config, text, -1, &error);
  g_assert_no_error (error);
}

/* If the test dies, so does its hub: nothing outlives the run. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static guint
wait_for_port (PanoTestHub *hub,
               const char  *port_file)
{
  gint64 end = g_get_monotonic_time () + HANG_GUARD_US;
  guint64 port = 0;

  for (;;)
    {
      g_autofree char *text = NULL;

      if (g_file_get_contents (port_file, &text, NULL, NULL) &&
          g_ascii_string_to_unsigned (g_strstrip (text), 10, 1, 65535, &port, NULL))
        return port;
      if (g_get_monotonic_time () > end)
        g_error ("panorama-hub did not start listening within the hang guard");
      g_usleep (10000);
    }
}

void
pano_test_hub_spawn (PanoTestHub *hub)
{
  g_autofree char *port_file = g_build_filename (hub->dir, "port", NULL);
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  const char *binary = g_getenv ("PANORAMA_HUB_EXE");
  Reader *reader = g_new0 (Reader, 1);

  g_assert_nonnull (binary);
  g_assert_null (hub->process);
  write_config (hub);
  g_unlink (port_file);
  /* The hub runs as the tests do: a CRITICAL aborts it (and its log line fails the test). */
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "fatal-criticals", TRUE);
  for (guint i = 0; hub->env != NULL && hub->env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (hub->env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1] ? pair[1] : "", TRUE);
    }
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_strv_builder_add_many (builder, binary, "--config", hub->config, "--port-file", port_file,
                           NULL);
  if (hub->args != NULL)
    g_strv_builder_addv (builder, (const char **) hub->args);
  argv = g_strv_builder_end (builder);
  hub->stopping = FALSE;
  hub->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  g_assert_no_error (error);
  reader->hub = hub;
  reader->process = g_object_ref (hub->process);
  hub->reader = g_thread_new ("hub-stderr", read_log, reader);
  hub->port = wait_for_port (hub, port_file);
  g_free (hub->url);
  hub->url = g_strdup_printf ("%s://127.0.0.1:%u", hub->tls ? "https" : "http", hub->port);
}

PanoTestHub *
pano_test_hub_start (const char         *dir,
                     const char * const *extra_args)
{
  PanoTestHub *hub = pano_test_hub_new (dir);

  pano_test_hub_set_args (hub, extra_args);
  pano_test_hub_spawn (hub);
  return hub;
}

/* Waits for the process and for the last line of its log. */
static int
reap (PanoTestHub *hub)
{
  int status;

  g_subprocess_wait (hub->process, NULL, NULL);
  status = g_subprocess_get_status (hub->process);
  g_thread_join (g_steal_pointer (&hub->reader));
  g_clear_object (&hub->process);
  return status;
}

static void
stop_with (PanoTestHub *hub,
           int          signal_number)
{
  g_mutex_lock (&hub->lock);
  hub->stopping = TRUE;
  g_mutex_unlock (&hub->lock);
  g_subprocess_send_signal (hub->process, signal_number);
}

/* kill -9: what a crash or a power cut leaves behind. */
void
pano_test_hub_kill (PanoTestHub *hub)
{
  if (hub->process == NULL)
    return;
  stop_with (hub, SIGKILL);
  reap (hub);
}

/* SIGSTOP / SIGCONT: a hub that takes connections into the kernel's queue and answers
 * nothing, as one frozen by a stuck disk. */
void
pano_test_hub_pause (PanoTestHub *hub,
                     gboolean     paused)
{
  g_assert_nonnull (hub->process);
  g_subprocess_send_signal (hub->process, paused ? SIGSTOP : SIGCONT);
}

/* SIGTERM, as systemd stops it: the hub must close its streams and exit 0. */
void
pano_test_hub_terminate (PanoTestHub *hub)
{
  int status;

  stop_with (hub, SIGTERM);
  status = reap (hub);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

void
pano_test_hub_free (PanoTestHub *hub)
{
  pano_test_hub_kill (hub);
  if (hub->own_dir)
    {
      g_autoptr(GDir) dir = g_dir_open (hub->dir, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (hub->dir, name, NULL);

          g_unlink (path);
        }
      g_rmdir (hub->dir);
    }
  g_object_unref (hub->session);
  g_ptr_array_unref (hub->log);
  g_ptr_array_unref (hub->expected);
  g_mutex_clear (&hub->lock);
  g_strfreev (hub->args);
  g_strfreev (hub->env);
  g_free (hub->extra_config);
  g_free (hub->config);
  g_free (hub->url);
  g_free (hub->dir);
  g_free (hub);
}

/* Everything the hub wrote to stderr so far, one line per line. */
char *
pano_test_hub_dup_log (PanoTestHub *hub)
{
  GString *text = g_string_new (NULL);

  g_mutex_lock (&hub->lock);
  for (guint i = 0; i < hub->log->len; i++)
    g_string_append_printf (text, "%s\n", (char *) hub->log->pdata[i]);
  g_mutex_unlock (&hub->lock);
  return g_string_free (text, FALSE);
}

gboolean
pano_test_hub_log_contains (PanoTestHub *hub,
                            const char  *fragment)
{
  g_autofree char *log = pano_test_hub_dup_log (hub);

  return strstr (log, fragment) != NULL;
}

char *
pano_test_hub_db_path (PanoTestHub *hub)
{
  return g_build_filename (hub->dir, "hub.db", NULL);
}

/* One request; the status is returned, the JSON answer (or %NULL if it is not JSON) put in
 * @response. */
guint
pano_test_hub_rest (PanoTestHub *hub,
                    const char  *method,
                    const char  *path,
                    const char  *token,
                    const char  *key,
                    const char  *body,
                    JsonNode   **response,
                    gboolean    *replayed)
{
  g_autofree char *url = g_strconcat (hub->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (headers, "Authorization", auth);
    }
  if (key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", key);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  reply = soup_session_send_and_read (hub->session, msg, NULL, &error);
  g_assert_no_error (error);
  if (replayed != NULL)
    *replayed = g_strcmp0 (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                         "Idempotent-Replayed"), "true") == 0;
  if (response != NULL)
    {
      gsize size;
      const char *data = g_bytes_get_data (reply, &size);
      g_autofree char *text = g_strndup (data, size);

      *response = json_from_string (text, NULL);
    }
  return soup_message_get_status (msg);
}

/* Returns: (transfer full) (nullable): the JSON answer; @status gets the HTTP status */
JsonNode *
pano_test_hub_request (PanoTestHub *hub,
                       const char  *method,
                       const char  *path,
                       const char  *token,
                       const char  *body,
                       guint       *status)
{
  JsonNode *answer = NULL;

  *status = pano_test_hub_rest (hub, method, path, token, NULL, body, &answer, NULL);
  return answer;
}

void
pano_test_hub_ingest (PanoTestHub *hub,
                      const char  *layer,
                      const char  *feature_collection)
{
  g_autofree char *path = g_strdup_printf ("/v1/ingest/%s", layer);

  g_assert_cmpuint (pano_test_hub_rest (hub, "POST", path, "admin", NULL, feature_collection,
                                        NULL, NULL), ==, 200);
}

char *
pano_test_hub_metrics (PanoTestHub *hub)
{
  g_autofree char *url = g_strconcat (hub->url, "/metrics", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) reply = soup_session_send_and_read (hub->session, msg, NULL, &error);
  gsize size;
  const char *data;

  g_assert_no_error (error);
  data = g_bytes_get_data (reply, &size);
  return g_strndup (data, size);
}
