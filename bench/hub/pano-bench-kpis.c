// SPDX-License-Identifier: GPL-3.0-or-later
/* pano-bench-kpis: GET /v1/kpis over a million incidents of history, side by side with the
 * `sqlite3` command computing the same aggregates on the same database, in one run.
 *
 * The history is generated with SQL in one transaction (not a million HTTP commands): N
 * incidents reported over the 30 days ending 5 hours ago, with acceptances, dispatches, returns,
 * rework, cancellations, overdue flags and closures at fixed pseudo-random shares, plus N closed
 * rows in `incidents` (so the hub's start-up is seen not to read them). For each scenario the
 * hub's answer and sqlite3's are timed alternately, R times after a warm-up, and their counts
 * compared. sqlite3 is timed twice: the whole command (its start-up included) and what its
 * `.timer` reports for the statements alone; the ratio is to the latter, the fair one.
 * Prints median/p95 and the ratio; never passes or fails on a time. */
#define G_LOG_DOMAIN "panorama-bench-kpis"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sqlite3.h>

#define TOKEN "bench-viewer"
#define DAY_MS G_GINT64_CONSTANT (86400000)

static const char *hub_binary = PANO_HUB_BINARY;
static gint64 n_incidents = 1000000;
static gint runs = 20;

typedef struct
{
  const char *name;
  const char *scope;
  gint64 from_ms;
  gint64 to_ms;    /* 0: now (the hub's default) */
} Scenario;

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s\n%s", message, sql);
}

/* r = a per-incident pseudo-random 0…999 decides its fate:
 *   r < 10 reported only · 10 ≤ r < 30 accepted then cancelled · 30 ≤ r < 50 dispatched, open
 *   50 ≤ r < 60 verified, open · r ≥ 60 closed; r % 50 = 0 returned once and re-dispatched;
 *   r % 13 = 0 (verified) one rework; r % 7 = 0 overdue; r % 11 = 0 (verified) handling overdue */
static void
generate (const char *path,
          gint64      t0)
{
  sqlite3 *db = NULL;
  g_autofree char *sql = g_strdup_printf (
    "BEGIN;"
    "CREATE TEMP TABLE g AS WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n"
    "  WHERE i < %" G_GINT64_FORMAT ") SELECT i, (i * 2654435761) %% 1000 AS r,"
    "  %" G_GINT64_FORMAT " + i * %" G_GINT64_FORMAT " AS rep FROM n;"
    "CREATE TEMP TABLE h AS SELECT i, r, rep,"
    "  CASE WHEN r >= 10 THEN rep + 30000 + (i * 7919) %% 600000 END AS acc FROM g;"
    "CREATE TEMP TABLE k AS SELECT i, r, rep, acc,"
    "  CASE WHEN r >= 30 THEN acc + 60000 + (i * 104729) %% 1200000 END AS dis,"
    "  CASE WHEN r >= 10 AND r < 30 THEN rep + 3600000 END AS can FROM h;"
    "INSERT INTO incident_kpi SELECT printf('INC-%%07d', i),"
    "  printf('420300-4203%%02d-%%03d-%%04d', 1 + i %% 8, 1 + (i / 8) %% 20, 1 + (i / 160) %% 50),"
    "  rep, acc, dis, CASE WHEN r >= 50 THEN dis + 3600000 + (i * 31) %% 7200000 END,"
    "  CASE WHEN r >= 60 THEN dis + 3600000 + (i * 31) %% 7200000 + 600000 END, can,"
    "  CASE WHEN r %% 7 = 0 THEN rep + 600000 END,"
    "  CASE WHEN r >= 50 AND r %% 11 = 0 THEN dis + 1800000 END,"
    "  CASE WHEN r >= 50 AND r %% 13 = 0 THEN 1 ELSE 0 END,"
    "  CASE WHEN r >= 30 THEN 1 + (r %% 50 = 0) ELSE 0 END,"
    "  CASE WHEN r >= 30 AND r %% 50 = 0 THEN 1 ELSE 0 END FROM k;"
    "INSERT INTO incident_moves SELECT printf('INC-%%07d', i), 'dispatch', dis FROM k"
    "  WHERE r >= 30;"
    "INSERT INTO incident_moves SELECT printf('INC-%%07d', i), 'return', dis + 900000 FROM k"
    "  WHERE r >= 30 AND r %% 50 = 0;"
    "INSERT INTO incident_moves SELECT printf('INC-%%07d', i), 'dispatch', dis + 1800000 FROM k"
    "  WHERE r >= 30 AND r %% 50 = 0;"
    "INSERT INTO incident_moves SELECT printf('INC-%%07d', i), 'rework', dis + 3000000 FROM k"
    "  WHERE r >= 50 AND r %% 13 = 0;"
    "INSERT INTO incidents SELECT printf('INC-%%07d', i), 'closed',"
    "  printf('{\"id\":\"INC-%%07d\",\"status\":\"closed\"}', i), '2020-01-01T00:00:00.000Z'"
    "  FROM g;"
    "COMMIT; ANALYZE;",
    n_incidents - 1, t0, 30 * DAY_MS / n_incidents);

  g_assert (sqlite3_open (path, &db) == SQLITE_OK);
  exec_sql (db, sql);
  sqlite3_close (db);
}

/* The same statements the hub runs (hub/pano-hub-db-history.c), with the values inlined. */
static char *
baseline_sql (const Scenario *s,
              gint64          to)
{
  g_autofree char *scope = *s->scope ? g_strdup_printf (
    " AND grid_code >= '%s' AND grid_code < '%s' || char(1114111)", s->scope, s->scope) :
    g_strdup ("");
  g_autoptr(GString) sql = g_string_new (NULL);
  gint64 f = s->from_ms;

  g_string_append_printf (sql,
    "SELECT count(*), ifnull(sum(accepted_at < %1$" G_GINT64_FORMAT "), 0),"
    " ifnull(sum(overdue_at < %1$" G_GINT64_FORMAT "), 0),"
    " ifnull(sum(closed_at < %1$" G_GINT64_FORMAT "), 0),"
    " count(*) - ifnull(sum(cancelled_at < %1$" G_GINT64_FORMAT "), 0),"
    " ifnull(sum(closed_at < %1$" G_GINT64_FORMAT " AND (overdue_at IS NULL OR"
    "  overdue_at >= %1$" G_GINT64_FORMAT ")), 0),"
    " ifnull(sum(verified_at < %1$" G_GINT64_FORMAT "), 0),"
    " ifnull(sum(verified_at < %1$" G_GINT64_FORMAT " AND (handling_overdue_at IS NULL OR"
    "  handling_overdue_at >= %1$" G_GINT64_FORMAT ")), 0),"
    " ifnull(sum(rework), 0), ifnull(sum(dispatches), 0), ifnull(sum(returns), 0),"
    " avg(CASE WHEN accepted_at < %1$" G_GINT64_FORMAT " THEN accepted_at - reported_at END),"
    " count(CASE WHEN accepted_at < %1$" G_GINT64_FORMAT " THEN 1 END),"
    " avg(CASE WHEN dispatched_at < %1$" G_GINT64_FORMAT " THEN dispatched_at - reported_at END),"
    " count(CASE WHEN dispatched_at < %1$" G_GINT64_FORMAT " THEN 1 END),"
    " avg(CASE WHEN closed_at < %1$" G_GINT64_FORMAT " THEN closed_at - reported_at END),"
    " count(CASE WHEN closed_at < %1$" G_GINT64_FORMAT " THEN 1 END)"
    " FROM incident_kpi WHERE reported_at >= %2$" G_GINT64_FORMAT
    " AND reported_at < %1$" G_GINT64_FORMAT "%3$s;\n", to, f, scope);
  g_string_append_printf (sql,
    "SELECT (SELECT count(*) FROM incident_kpi WHERE closed_at IS NULL AND cancelled_at IS NULL"
    "  AND reported_at < %1$" G_GINT64_FORMAT "%2$s)"
    " + (SELECT count(*) FROM incident_kpi WHERE closed_at >= %1$" G_GINT64_FORMAT
    "  AND reported_at < %1$" G_GINT64_FORMAT "%2$s)"
    " + (SELECT count(*) FROM incident_kpi WHERE cancelled_at >= %1$" G_GINT64_FORMAT
    "  AND reported_at < %1$" G_GINT64_FORMAT "%2$s);\n", to, scope);
  if (s->to_ms != 0)
    g_string_append_printf (sql,
      "SELECT m.kind, count(*) FROM incident_kpi k JOIN incident_moves m ON m.incident = k.id"
      " WHERE k.reported_at >= %2$" G_GINT64_FORMAT " AND k.reported_at < %1$" G_GINT64_FORMAT
      "%3$s AND m.at < %1$" G_GINT64_FORMAT " GROUP BY m.kind;\n", to, f, scope);
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

typedef struct
{
  char *dir;
  char *db;
  char *config;
  char *port_file;
  GSubprocess *hub;
  guint port;
} Bench;

/* Starts the hub on the bench's database. Returns: seconds until it listened */
static double
start_hub (Bench *b)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 start = g_get_monotonic_time ();

  g_unlink (b->port_file);
  b->hub = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                             &error, hub_binary, "--config", b->config, "--port-file",
                             b->port_file, NULL);
  if (b->hub == NULL)
    g_error ("%s: %s", hub_binary, error->message);
  while (!g_file_get_contents (b->port_file, &text, NULL, NULL) || *text == '\0')
    {
      g_clear_pointer (&text, g_free);
      if (g_subprocess_get_identifier (b->hub) == NULL)
        g_error ("the hub exited during start-up");
      if (g_get_monotonic_time () - start > 120 * G_USEC_PER_SEC)
        g_error ("the hub did not listen within 120 s");
      g_usleep (2000);
    }
  b->port = (guint) g_ascii_strtoull (text, NULL, 10);
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
stop_hub (Bench *b)
{
  g_subprocess_send_signal (b->hub, SIGTERM);
  g_subprocess_wait (b->hub, NULL, NULL);
  g_clear_object (&b->hub);
}

/* Returns: milliseconds; @reported: the answer's counts.reported */
static double
time_hub (Bench          *b,
          SoupSession    *session,
          const Scenario *s,
          gint64         *reported)
{
  g_autofree char *to = s->to_ms ? g_strdup_printf ("&to=%" G_GINT64_FORMAT, s->to_ms)
                                 : g_strdup ("");
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/v1/kpis?scope=%s&from=%"
                                          G_GINT64_FORMAT "%s", b->port, s->scope, s->from_ms,
                                          to);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) root = NULL;
  gint64 start = g_get_monotonic_time ();
  double ms;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                "Bearer " TOKEN);
  body = soup_session_send_and_read (session, msg, NULL, NULL);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  if (body == NULL || soup_message_get_status (msg) != 200)
    g_error ("GET %s failed (%u)", url, soup_message_get_status (msg));
  root = json_from_string (g_bytes_get_data (body, NULL), NULL);
  *reported = json_object_get_int_member (json_object_get_object_member (
                                            json_node_get_object (root), "counts"), "reported");
  return ms;
}

/* Returns: milliseconds for `sqlite3 DB < FILE`, the whole command; @query_ms: what its
 * `.timer` reported for the statements alone; @reported: the first column it printed */
static double
time_sqlite3 (Bench      *b,
              const char *sql_file,
              double     *query_ms,
              gint64     *reported)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  gint64 start = g_get_monotonic_time ();
  double ms;

  g_subprocess_launcher_set_stdin_file_path (launcher, sql_file);
  process = g_subprocess_launcher_spawn (launcher, &error, "sqlite3", "-batch", b->db, NULL);
  if (process == NULL || !g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error))
    g_error ("sqlite3: %s", error->message);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  *reported = g_ascii_strtoll (out, NULL, 10);
  *query_ms = 0;
  for (const char *line = strstr (out, "Run Time: real "); line != NULL;
       line = strstr (line + 1, "Run Time: real "))
    *query_ms += g_ascii_strtod (line + strlen ("Run Time: real "), NULL) * 1000;
  return ms;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values,
            double  p)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, MIN (values->len - 1, (guint) (p * values->len)));
}

static void
run_scenario (Bench          *b,
              SoupSession    *session,
              const Scenario *s)
{
  g_autofree char *sql = baseline_sql (s, s->to_ms ? s->to_ms : now_ms ());
  g_autofree char *sql_file = g_build_filename (b->dir, "query.sql", NULL);
  g_autoptr(GArray) hub = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cli = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) query = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *timed = g_strconcat (".timer on\n", sql, NULL);
  gint64 hub_reported = 0, cli_reported = 0;
  double q;

  g_file_set_contents (sql_file, timed, -1, NULL);
  /* Warm-up: both read the same pages through the same OS cache. */
  time_hub (b, session, s, &hub_reported);
  time_sqlite3 (b, sql_file, &q, &cli_reported);
  for (int i = 0; i < runs; i++)
    {
      double h = time_hub (b, session, s, &hub_reported);
      double c = time_sqlite3 (b, sql_file, &q, &cli_reported);

      g_array_append_val (hub, h);
      g_array_append_val (cli, c);
      g_array_append_val (query, q);
    }
  if (hub_reported != cli_reported)
    g_error ("%s: the hub counted %" G_GINT64_FORMAT ", sqlite3 %" G_GINT64_FORMAT, s->name,
             hub_reported, cli_reported);
  g_print ("| %s | %" G_GINT64_FORMAT " | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f× |\n",
           s->name, hub_reported, percentile (hub, 0.5), percentile (hub, 0.95),
           percentile (query, 0.5), percentile (query, 0.95), percentile (cli, 0.5),
           percentile (cli, 0.95), percentile (hub, 0.95) / percentile (query, 0.95));
}

static double
sqlite3_startup_ms (Bench *b)
{
  g_autofree char *file = g_build_filename (b->dir, "one.sql", NULL);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 one;
  double q;

  g_file_set_contents (file, "SELECT 1;\n", -1, NULL);
  for (int i = 0; i < runs; i++)
    {
      double ms = time_sqlite3 (b, file, &q, &one);

      g_array_append_val (times, ms);
    }
  return percentile (times, 0.5);
}

static void
setup (Bench *b)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  b->dir = g_dir_make_tmp ("pano-bench-kpis-XXXXXX", &error);
  g_assert_no_error (error);
  b->db = g_build_filename (b->dir, "hub.db", NULL);
  b->config = g_build_filename (b->dir, "hub.conf", NULL);
  b->port_file = g_build_filename (b->dir, "port", NULL);
  text = g_strdup_printf ("[hub]\nlisten=127.0.0.1:0\ndatabase=%s\n[tokens]\nbench=viewer:"
                          TOKEN "\n", b->db);
  g_file_set_contents (b->config, text, -1, NULL);
}

static void
cleanup (Bench *b)
{
  const char *names[] = { "hub.db", "hub.db-wal", "hub.db-shm", "hub.conf", "port",
                          "query.sql", "one.sql" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (b->dir, names[i], NULL);

      g_unlink (path);
    }
  g_rmdir (b->dir);
}

int
main (int   argc,
      char *argv[])
{
  const GOptionEntry entries[] = {
    { "incidents", 'n', 0, G_OPTION_ARG_INT64, &n_incidents, "Incidents of history (1000000)",
      "N" },
    { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "Timed runs per scenario and side (20)", "R" },
    { "hub", 0, 0, G_OPTION_ARG_FILENAME, &hub_binary, "panorama-hub binary", "PATH" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— GET /v1/kpis vs sqlite3");
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GError) error = NULL;
  Bench b = { 0 };
  gint64 t0, now;
  double generated, started;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_incidents < 1000 || runs < 1)
    {
      g_printerr ("%s\n", error ? error->message : "--incidents >= 1000, --runs >= 1");
      return 2;
    }
  setup (&b);
  start_hub (&b);            /* creates the schema */
  stop_hub (&b);
  now = now_ms ();
  t0 = now - 30 * DAY_MS - 5 * 3600 * 1000;
  {
    gint64 start = g_get_monotonic_time ();

    generate (b.db, t0);
    generated = (g_get_monotonic_time () - start) / 1e6;
  }
  started = start_hub (&b);
  session = soup_session_new_with_options ("timeout", 600, NULL);
  g_print ("%" G_GINT64_FORMAT " incidents generated by SQL in %.1f s; the hub started on them "
           "in %.2f s; sqlite3's own start-up: %.1f ms (median)\n\n", n_incidents, generated,
           started, sqlite3_startup_ms (&b));
  g_print ("| scenario | reported | hub GET p50 ms | hub GET p95 ms | sqlite3 .timer p50 ms | "
           "sqlite3 .timer p95 ms | sqlite3 command p50 ms | sqlite3 command p95 ms | "
           "p95 ratio hub / sqlite3 .timer |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  {
    const Scenario scenarios[] = {
      { "whole city, 30 days (to = now)", "", t0, 0 },
      { "whole city, last 24 h (default window)", "", now - DAY_MS, 0 },
      { "one district, 30 days", "420300-420303", t0, 0 },
      { "one district, a past week (moves counted)", "420300-420303", t0 + 7 * DAY_MS,
        t0 + 14 * DAY_MS },
    };

    for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
      run_scenario (&b, session, &scenarios[i]);
  }
  stop_hub (&b);
  cleanup (&b);
  return 0;
}
