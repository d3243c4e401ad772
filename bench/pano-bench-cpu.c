// SPDX-License-Identifier: GPL-3.0-or-later
/* What the console costs a wall PC that runs 7×24: its CPU over a minute, measured from outside.
 *
 * Each run starts an X server of its own (Xvfb, 1920×1080, no GPU), a real panorama-hub on
 * 127.0.0.1 and the console (`panorama --hub URL --token T`, a viewer, filling the screen at
 * scale 1.0), waits until the console has subscribed and the snapshots are drawn, then reads
 * the console's utime + stime from /proc/PID/stat over --seconds: (a) against a hub simulating
 * the demo city at 1×, (b) against a hub that sends nothing (no simulator). The X server's CPU
 * is shown beside it: painting a window costs it too. Each scenario runs for this build's
 * console and for a baseline console binary (--baseline, e.g. main built in another worktree),
 * interleaved (a this, a baseline, b this, b baseline, then again), so a busier stretch of a
 * shared machine weighs on both alike; both use this build's hub, with the same seed.
 * Prints % of one core, median and p95 over the repeats. Never fails on a figure. */
#define G_LOG_DOMAIN "panorama-bench"

#include "pano-bench-common.h"
#include "pano-bench-hub.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LIVE_LIMIT_US (90 * G_USEC_PER_SEC)

static int opt_seconds = 60;
static int opt_repeats = 2;
static int opt_settle = 20;
static gboolean opt_quick;
static char *opt_baseline;
static char *opt_baseline_source;
static char *opt_console;
static char *opt_hub;
static char *opt_renderer;
static char *opt_scenarios;
static double opt_speed = 1.0;
static int opt_display = 65;

static const GOptionEntry entries[] = {
  { "baseline", 0, 0, G_OPTION_ARG_FILENAME, &opt_baseline,
    "The console to compare with, e.g. /work/wt/perf-base/build/app/panorama (none: this build "
    "alone)", "PATH" },
  { "baseline-source", 0, 0, G_OPTION_ARG_FILENAME, &opt_baseline_source,
    "The baseline's source tree, for its data/ (default: the directory above its build dir)",
    "DIR" },
  { "console", 0, 0, G_OPTION_ARG_FILENAME, &opt_console,
    "This build's console (default: the build tree's app/panorama)", "PATH" },
  { "hub", 0, 0, G_OPTION_ARG_FILENAME, &opt_hub,
    "The panorama-hub both consoles talk to (default: the build tree's)", "PATH" },
  { "seconds", 0, 0, G_OPTION_ARG_INT, &opt_seconds, "Seconds measured per run (60)", "S" },
  { "repeats", 0, 0, G_OPTION_ARG_INT, &opt_repeats, "Runs per scenario and console (2)", "N" },
  { "settle", 0, 0, G_OPTION_ARG_INT, &opt_settle,
    "Seconds after the console subscribed before measuring (20)", "S" },
  { "speed", 0, 0, G_OPTION_ARG_DOUBLE, &opt_speed, "The simulator's speed in (a) (1)", "X" },
  { "scenarios", 0, 0, G_OPTION_ARG_STRING, &opt_scenarios, "Which to run (a,b)", "a,b" },
  { "renderer", 0, 0, G_OPTION_ARG_STRING, &opt_renderer,
    "GSK_RENDERER for the consoles (default: unset, what GTK picks)", "NAME" },
  { "display", 0, 0, G_OPTION_ARG_INT, &opt_display,
    "The first X display number to try for the runs' Xvfb (65)", "N" },
  { "quick", 0, 0, G_OPTION_ARG_NONE, &opt_quick,
    "A quick look: 20 s per run, 1 repeat, 10 s settle", NULL },
  { NULL }
};

typedef struct
{
  const char *name;      /* "this build", "baseline" */
  char *exe;
  char *schemas;         /* its build tree's data/, where the compiled schemas are */
  char *data;            /* its source tree's data/ */
} Console;

typedef struct
{
  char scenario;         /* 'a' or 'b' */
  const Console *console;
  GArray *cpu;           /* double: % of a core, one per run */
  GArray *x_cpu;         /* double: the X server's */
} Cell;

/* ---- processes and /proc ---- */

static GPid
pid_of (GSubprocess *process)
{
  const char *id = process ? g_subprocess_get_identifier (process) : NULL;

  return id ? (GPid) g_ascii_strtoll (id, NULL, 10) : 0;
}

/* Returns: the process's user + system time in clock ticks, or -1 once it is gone */
static gint64
cpu_ticks (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (pid <= 0 || !g_file_get_contents (path, &text, NULL, NULL) ||
      (after = strrchr (text, ')')) == NULL)
    return -1;
  /* after ") ": state is field 3; utime and stime are fields 14 and 15 */
  fields = g_strsplit (after + 2, " ", 16);
  if (g_strv_length (fields) < 14)
    return -1;
  return g_ascii_strtoll (fields[11], NULL, 10) + g_ascii_strtoll (fields[12], NULL, 10);
}

/* ---- the X server ---- */

/* Starts Xvfb on the first free display number from --display on. Returns: the number, or -1 */
static int
start_x (GSubprocess **x,
         const char   *log)
{
  for (int n = opt_display; n < opt_display + 30; n++)
    {
      g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
      g_autofree char *display = g_strdup_printf (":%d", n);
      g_autofree char *lock = g_strdup_printf ("/tmp/.X%d-lock", n);
      g_autofree char *socket = g_strdup_printf ("/tmp/.X11-unix/X%d", n);
      const char *argv[] = { "Xvfb", display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp",
                             "-noreset", NULL };
      gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
      g_autoptr(GError) error = NULL;

      if (g_file_test (lock, G_FILE_TEST_EXISTS) || g_file_test (socket, G_FILE_TEST_EXISTS))
        continue;
      pano_bench_hub_setup_child (launcher);
      g_subprocess_launcher_set_stderr_file_path (launcher, log);
      if (!(*x = g_subprocess_launcher_spawnv (launcher, argv, &error)))
        {
          g_printerr ("Xvfb: %s\n", error->message);
          return -1;
        }
      /* the socket appears once it accepts clients; it exits at once if the number was taken */
      while (g_subprocess_get_identifier (*x) != NULL && !g_file_test (socket, G_FILE_TEST_EXISTS) &&
             g_get_monotonic_time () < deadline)
        g_usleep (50000);
      if (g_subprocess_get_identifier (*x) != NULL && g_file_test (socket, G_FILE_TEST_EXISTS))
        return n;
      pano_bench_process_stop (x);
    }
  return -1;
}

/* ---- the hub ---- */

/* Returns: the hub's `pano_hub_subscribers` gauge, or -1 */
static int
hub_subscribers (guint port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  static const char request[] = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  const char *line;
  char buffer[4096];
  gssize n;

  g_socket_client_set_timeout (client, 5);
  if (!(connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL)) ||
      !g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                  request, strlen (request), NULL, NULL, NULL))
    return -1;
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                   buffer, sizeof buffer, NULL, NULL)) > 0 &&
         text->len < 1 << 20)
    g_string_append_len (text, buffer, n);
  if ((line = strstr (text->str, "\npano_hub_subscribers ")) == NULL)
    return -1;
  return (int) g_ascii_strtoll (line + strlen ("\npano_hub_subscribers "), NULL, 10);
}

/* ---- one run ---- */

static GSubprocess *
start_console (const Console *console,
               const char    *dir,
               int            display,
               guint          port,
               GError       **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_autofree char *x = g_strdup_printf (":%d", display);
  g_autofree char *log = g_build_filename (dir, "console.log", NULL);
  const char *argv[] = { console->exe, "--hub", url, "--token", PANO_BENCH_HUB_TOKEN, NULL };
  static const char *xdg[] = { "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
                               "XDG_STATE_HOME" };

  pano_bench_hub_setup_child (launcher);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_setenv (launcher, "DISPLAY", x, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_SCHEMA_DIR", console->schemas, TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  g_subprocess_launcher_setenv (launcher, "PANORAMA_DATA_DIR", console->data, TRUE);
  g_subprocess_launcher_setenv (launcher, "GTK_A11Y", "none", TRUE);
  g_subprocess_launcher_setenv (launcher, "NO_AT_BRIDGE", "1", TRUE);
  if (opt_renderer != NULL)
    g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", opt_renderer, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "GSK_RENDERER");
  /* Nothing from an earlier run or the desktop: a fresh cache, settings and state */
  for (guint i = 0; i < G_N_ELEMENTS (xdg); i++)
    {
      g_autofree char *path = g_build_filename (dir, xdg[i], NULL);

      g_mkdir_with_parents (path, 0700);
      g_subprocess_launcher_setenv (launcher, xdg[i], path, TRUE);
    }
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

/* Waits until the console has subscribed to the hub, then --settle seconds more for the
 * snapshots, the base map's tiles and the first frames. Returns: FALSE if it never did */
static gboolean
wait_live (GSubprocess *console,
           guint        port)
{
  gint64 deadline = g_get_monotonic_time () + LIVE_LIMIT_US;

  while (hub_subscribers (port) < 1)
    {
      if (g_get_monotonic_time () > deadline || g_subprocess_get_identifier (console) == NULL)
        return FALSE;
      g_usleep (200000);
    }
  g_usleep ((gulong) opt_settle * G_USEC_PER_SEC);
  return g_subprocess_get_identifier (console) != NULL;
}

static void
run_once (Cell *cell)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pano-bench-cpu-XXXXXX", &error);
  g_autofree char *x_log = NULL;
  GSubprocess *x = NULL, *hub = NULL, *console = NULL;
  gint64 c0, c1, x0, x1, t0, t1;
  double seconds, cpu = -1, x_cpu = -1;
  guint port = 0;
  int display;

  g_printerr ("  (%c) %-10s ", cell->scenario, cell->console->name);
  if (dir == NULL)
    goto out;
  x_log = g_build_filename (dir, "x.log", NULL);
  if ((display = start_x (&x, x_log)) < 0 ||
      !(hub = pano_bench_hub_start (opt_hub, PANO_BENCH_SOURCE_DIR "/data", dir,
                                   cell->scenario == 'a' ? opt_speed : 0, &port, &error)) ||
      !(console = start_console (cell->console, dir, display, port, &error)))
    goto out;
  if (!wait_live (console, port))
    {
      g_printerr ("the console never went live (see %s)\n", dir);
      g_clear_pointer (&dir, g_free);   /* kept for a look */
      goto out;
    }
  t0 = g_get_monotonic_time ();
  c0 = cpu_ticks (pid_of (console));
  x0 = cpu_ticks (pid_of (x));
  g_usleep ((gulong) opt_seconds * G_USEC_PER_SEC);
  c1 = cpu_ticks (pid_of (console));
  x1 = cpu_ticks (pid_of (x));
  t1 = g_get_monotonic_time ();
  seconds = (t1 - t0) / (double) G_USEC_PER_SEC;
  if (c0 >= 0 && c1 >= c0)
    cpu = 100.0 * (c1 - c0) / sysconf (_SC_CLK_TCK) / seconds;
  if (x0 >= 0 && x1 >= x0)
    x_cpu = 100.0 * (x1 - x0) / sysconf (_SC_CLK_TCK) / seconds;

out:
  if (error != NULL)
    g_printerr ("%s ", error->message);
  if (cpu >= 0)
    {
      g_array_append_val (cell->cpu, cpu);
      g_array_append_val (cell->x_cpu, x_cpu);
      g_printerr ("console %.1f %%, X server %.1f %% of a core\n", cpu, x_cpu);
    }
  else
    g_printerr ("no figure\n");
  pano_bench_process_stop (&console);
  pano_bench_process_stop (&hub);
  pano_bench_process_stop (&x);
  if (dir != NULL)
    pano_bench_remove_tree (dir);
}

/* ---- output ---- */

static char *
format_percent (GArray *samples,
                double  fraction)
{
  if (samples->len == 0)
    return g_strdup ("-");
  return g_strdup_printf ("%.2f", pano_bench_percentile (samples, fraction));
}

static void
print_results (Cell  *cells,
               guint  n_cells,
               const char *loadavg)
{
  g_print ("\nPanorama console CPU benchmark - %u cores, Xvfb 1920x1080, GSK_RENDERER=%s; "
           "%d s measured per run after %d s settling, %d repeats, interleaved; hub "
           "simulating at %gx in (a).\nLoad average at the end (other processes share the "
           "machine): %s\n",
           g_get_num_processors (), opt_renderer ? opt_renderer : "unset", opt_seconds,
           opt_settle, opt_repeats, opt_speed, loadavg ? loadavg : "?\n");
  g_print ("| scenario | console | runs | console %% of a core p50 | p95 | X server %% p50 |\n"
           "|---|---|---:|---:|---:|---:|\n");
  for (guint i = 0; i < n_cells; i++)
    {
      Cell *c = &cells[i];
      g_autofree char *p50 = format_percent (c->cpu, 0.5);
      g_autofree char *p95 = format_percent (c->cpu, 0.95);
      g_autofree char *x50 = format_percent (c->x_cpu, 0.5);

      g_print ("| %s | %s | %u | **%s** | %s | %s |\n",
               c->scenario == 'a' ? "(a) live demo city, 1x" : "(b) hub sending nothing",
               c->console->name, c->cpu->len, p50, p95, x50);
    }
  g_print ("\n");
  for (guint i = 0; i + 1 < n_cells; i += 2)
    {
      Cell *mine = &cells[i], *base = &cells[i + 1];

      if (base->console == mine->console || mine->cpu->len == 0 || base->cpu->len == 0)
        continue;
      g_print ("(%c) this build / baseline, p50: %.2f\n", mine->scenario,
               pano_bench_percentile (mine->cpu, 0.5) / pano_bench_percentile (base->cpu, 0.5));
    }
  for (guint i = 0; i < n_cells; i++)
    {
      Cell *c = &cells[i];

      if (c->console->name[0] != 't' || c->cpu->len == 0)
        continue;
      if (c->scenario == 'b')
        g_print ("Goal (b) < 1 %% of a core - %s (p95 %.2f %%)\n",
                 pano_bench_percentile (c->cpu, 0.95) < 1.0 ? "met" : "NOT met",
                 pano_bench_percentile (c->cpu, 0.95));
      else if (i + 1 < n_cells && cells[i + 1].cpu->len > 0 && cells[i + 1].console != c->console)
        g_print ("Goal (a) <= half the baseline - %s (p50 %.2f %% against %.2f %%)\n",
                 pano_bench_percentile (c->cpu, 0.5) <=
                 pano_bench_percentile (cells[i + 1].cpu, 0.5) / 2 ? "met" : "NOT met",
                 pano_bench_percentile (c->cpu, 0.5),
                 pano_bench_percentile (cells[i + 1].cpu, 0.5));
    }
}

/* ---- setup ---- */

static char *
dir_above (const char *path,
           guint       levels)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  char *dir = g_strdup (absolute);

  for (guint i = 0; i < levels; i++)
    {
      char *up = g_path_get_dirname (dir);

      g_free (dir);
      dir = up;
    }
  return dir;
}

/* A console binary in a meson build tree: BUILD/app/panorama, its schemas in BUILD/data */
static void
console_init (Console    *console,
              const char *name,
              const char *exe,
              const char *source)
{
  g_autofree char *build = dir_above (exe, 2);
  g_autofree char *source_dir = source ? g_canonicalize_filename (source, NULL)
                                       : dir_above (exe, 3);

  console->name = name;
  console->exe = g_canonicalize_filename (exe, NULL);
  console->schemas = g_build_filename (build, "data", NULL);
  console->data = g_build_filename (source_dir, "data", NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context =
    g_option_context_new ("- the console's CPU over a minute, live and idle, against a baseline");
  g_autoptr(GError) error = NULL;
  g_autofree char *loadavg = NULL;
  Console consoles[2] = { 0 };
  Cell cells[4];
  guint n_consoles, n_cells = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  if (opt_quick)
    opt_seconds = 20, opt_repeats = 1, opt_settle = 10;
  if (opt_seconds < 1 || opt_seconds > 3600 || opt_repeats < 1 || opt_repeats > 20 ||
      opt_settle < 0 || opt_settle > 600 || opt_speed <= 0)
    {
      g_printerr ("--seconds 1..3600, --repeats 1..20, --settle 0..600, --speed > 0\n");
      return EXIT_FAILURE;
    }
  if (opt_hub == NULL)
    opt_hub = g_strdup (PANO_BENCH_BUILD_DIR "/hub/panorama-hub");
  console_init (&consoles[0], "this build",
                opt_console ? opt_console : PANO_BENCH_BUILD_DIR "/app/panorama",
                opt_console ? NULL : PANO_BENCH_SOURCE_DIR);
  n_consoles = 1;
  if (opt_baseline != NULL)
    console_init (&consoles[n_consoles++], "baseline", opt_baseline, opt_baseline_source);
  for (guint i = 0; i < n_consoles; i++)
    if (!g_file_test (consoles[i].exe, G_FILE_TEST_IS_EXECUTABLE))
      {
        g_printerr ("%s: no such program\n", consoles[i].exe);
        return EXIT_FAILURE;
      }

  for (const char *s = "ab"; *s; s++)
    if (opt_scenarios == NULL || strchr (opt_scenarios, *s) != NULL)
      for (guint i = 0; i < n_consoles; i++)
        cells[n_cells++] = (Cell) { *s, &consoles[i], g_array_new (FALSE, FALSE, sizeof (double)),
                                    g_array_new (FALSE, FALSE, sizeof (double)) };

  for (int r = 0; r < opt_repeats; r++)
    {
      g_printerr ("repeat %d of %d:\n", r + 1, opt_repeats);
      for (guint i = 0; i < n_cells; i++)
        run_once (&cells[i]);
    }
  g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL);
  print_results (cells, n_cells, loadavg);

  for (guint i = 0; i < n_cells; i++)
    {
      g_array_unref (cells[i].cpu);
      g_array_unref (cells[i].x_cpu);
    }
  for (guint i = 0; i < n_consoles; i++)
    {
      g_free (consoles[i].exe);
      g_free (consoles[i].schemas);
      g_free (consoles[i].data);
    }
  return EXIT_SUCCESS;
}
