// SPDX-License-Identifier: GPL-3.0-or-later
/* Child processes of the benchmarks: the hub, and whatever else they start (an X server, a
 * console). Each dies with the benchmark (PR_SET_PDEATHSIG), so an interrupted run leaves
 * nothing behind. */
#define G_LOG_DOMAIN "panorama-bench"

#include "pano-bench-hub.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Children started through @launcher are killed when the benchmark dies. */
void
pano_bench_hub_setup_child (GSubprocessLauncher *launcher)
{
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
}

/**
 * pano_bench_hub_start:
 * @data_dir: the source tree's data/, where the simulator finds the demo city
 * @dir: where the hub keeps its configuration, database, port file and log
 * @simulate_speed: the simulator's speed, or 0 for a hub with no simulator (it sends nothing)
 * @port: (out): the port it listens on
 *
 * Starts panorama-hub with one viewer token, PANO_BENCH_HUB_TOKEN, and waits for its port.
 */
GSubprocess *
pano_bench_hub_start (const char  *exe,
                      const char  *data_dir,
                      const char  *dir,
                      double       simulate_speed,
                      guint       *port,
                      GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *config = g_build_filename (dir, "hub.conf", NULL);
  g_autofree char *db = g_build_filename (dir, "hub.sqlite", NULL);
  g_autofree char *port_file = g_build_filename (dir, "port", NULL);
  g_autofree char *log = g_build_filename (dir, "hub.log", NULL);
  g_autofree char *speed = g_strdup_printf ("%g", simulate_speed > 0 ? simulate_speed : 1.0);
  g_autofree char *text = NULL;
  const char *argv[] = { exe, "--config", config, "--database", db, "--port-file", port_file,
                         "--speed", speed, simulate_speed > 0 ? "--simulate" : NULL, NULL };
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  GSubprocess *hub;

  if (!g_file_set_contents (config, "[hub]\nlisten=127.0.0.1:0\n[tokens]\nbench=viewer:"
                            PANO_BENCH_HUB_TOKEN "\n", -1, error))
    return NULL;
  pano_bench_hub_setup_child (launcher);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_setenv (launcher, "PANORAMA_DATA_DIR", data_dir, TRUE);
  if (!(hub = g_subprocess_launcher_spawnv (launcher, argv, error)))
    return NULL;
  while (!g_file_get_contents (port_file, &text, NULL, NULL) || *text == '\0')
    {
      g_clear_pointer (&text, g_free);
      if (g_get_monotonic_time () > deadline || g_subprocess_get_identifier (hub) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "panorama-hub did not start (%s)",
                       log);
          pano_bench_process_stop (&hub);
          return NULL;
        }
      g_usleep (100000);
    }
  *port = (guint) g_ascii_strtoull (text, NULL, 10);
  return hub;
}

/* SIGTERM, wait, drop. */
void
pano_bench_process_stop (GSubprocess **process)
{
  if (*process == NULL)
    return;
  if (g_subprocess_get_identifier (*process) != NULL)
    g_subprocess_send_signal (*process, SIGTERM);
  g_subprocess_wait (*process, NULL, NULL);
  g_clear_object (process);
}

/* Deletes @path and everything under it (symbolic links are removed, not followed). */
void
pano_bench_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) && (dir = g_dir_open (path, 0, NULL)) != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        pano_bench_remove_tree (child);
      }
  g_remove (path);
}
