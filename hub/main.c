// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub"

#include <glib-unix.h>
#include <locale.h>

#include "pano-hub-backup.h"
#include "pano-hub-city.h"
#include "pano-hub-config.h"
#include "pano-hub-db.h"
#include "pano-hub-incidents.h"
#include "pano-hub-router.h"
#include "pano-hub-server.h"
#include "pano-hub-simulator.h"
#include "pano-hub-store.h"

typedef struct
{
  char *config;
  char *listen;
  char *database;
  char *city;
  char *roads;
  char *port_file;
  char *backup;
  gboolean simulate;
  gint64 seed;
  double speed;
  double manual_share;
  gint64 entities;
  int sample_offset;
  gboolean version;
} Options;

typedef struct
{
  GMainLoop *loop;
  PanoHubServer *server;
} Shutdown;

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
on_signal (gpointer user_data)
{
  Shutdown *shutdown = user_data;

  g_message ("Shutting down");
  pano_hub_server_shutdown (shutdown->server);
  /* Give the close frames a moment to leave. */
  g_timeout_add (200, quit_loop, shutdown->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
parse_options (int       *argc,
               char    ***argv,
               Options   *options,
               GError   **error)
{
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &options->config,
      "Configuration file (GKeyFile; see data/panorama-hub.conf)", "FILE" },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &options->listen,
      "Address to listen on (default 127.0.0.1:7878; port 0 picks a free one)", "HOST:PORT" },
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &options->database,
      "SQLite database for incidents, commands and audit", "FILE" },
    { "city", 0, 0, G_OPTION_ARG_FILENAME, &options->city,
      "City GeoPackage (grid_cells, roads, facilities)", "FILE" },
    { "roads", 0, 0, G_OPTION_ARG_FILENAME, &options->roads,
      "Route on this road file instead of the city's roads: an OpenStreetMap extract "
      "(.osm, .osm.pbf) or a GeoPackage with a noded roads layer", "FILE" },
    { "port-file", 0, 0, G_OPTION_ARG_FILENAME, &options->port_file,
      "Write the bound port number to FILE once listening", "FILE" },
    { "simulate", 0, 0, G_OPTION_ARG_NONE, &options->simulate,
      "Run the simulated city; CITY is a GeoPackage path or a name in the data directory",
      NULL },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &options->seed, "Simulator seed (default 1)", "N" },
    { "speed", 0, 0, G_OPTION_ARG_DOUBLE, &options->speed,
      "Simulated seconds per real second (default 1)", "X" },
    { "manual-share", 0, 0, G_OPTION_ARG_DOUBLE, &options->manual_share,
      "Share (0-1) of simulated incidents left in 'reported' for operators (default 0.5, or "
      "[simulator] manual-share)", "X" },
    { "entities", 0, 0, G_OPTION_ARG_INT64, &options->entities,
      "Add N simulated sensor nodes (up to 3000000) for scale runs", "N" },
    { "backup", 0, 0, G_OPTION_ARG_FILENAME, &options->backup,
      "Copy the database to FILE (consistent, while a hub may be serving from it), then exit; "
      "restore: docs/hub.md", "FILE" },
    { "sample-offset", 0, 0, G_OPTION_ARG_INT, &options->sample_offset,
      "Stamp the overview's live-layer samples SECONDS off the clock (negative: in the past), "
      "for drills and tests of \"same time yesterday\" (docs/overview.md)", "SECONDS" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &options->version, "Print the version", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[CITY] — Panorama live hub");

  g_option_context_set_summary (context,
    "Serves the city's live state over WebSocket (/v1/stream) and REST on one port,\n"
    "keeps incidents and dispatch orders durable in SQLite, and can simulate a city.\n"
    "Protocol: docs/protocol.md. Logs go to stderr.");
  g_option_context_add_main_entries (context, entries, NULL);
  return g_option_context_parse (context, argc, argv, error);
}

static char *
resolve_city (const char *name)
{
  g_autofree char *file = NULL;
  const char *dirs[] = { PANO_SOURCE_DATADIR, PANO_DATADIR };

  if (g_file_test (name, G_FILE_TEST_EXISTS))
    return g_strdup (name);
  file = g_str_has_suffix (name, ".gpkg") ? g_strdup (name) : g_strconcat (name, ".gpkg", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], file, NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&path);
    }
  return g_strdup (name);
}

static gboolean
configure (PanoHubConfig  *config,
           Options        *options,
           int             argc,
           char          **argv,
           GError        **error)
{
  PanoHubSettings *settings = pano_hub_config_get (config);

  if (options->config != NULL && !pano_hub_config_load_file (config, options->config, error))
    return FALSE;
  if (options->listen != NULL && !pano_hub_config_set_listen (config, options->listen, error))
    return FALSE;
  if (options->manual_share != -1 &&
      !pano_hub_config_set_manual_share (settings, options->manual_share, error))
    return FALSE;
  if (options->database != NULL)
    {
      g_free (settings->database);
      settings->database = g_strdup (options->database);
    }
  if (options->simulate && argc > 1)
    options->city = g_strdup (argv[1]);
  else if (options->simulate && options->city == NULL && settings->city == NULL)
    options->city = g_strdup ("shiyan");
  if (options->city != NULL)
    {
      g_free (settings->city);
      settings->city = resolve_city (options->city);
    }
  if (options->roads != NULL)
    {
      g_free (settings->roads);
      settings->roads = g_strdup (options->roads);
    }
  if (options->backup == NULL && pano_hub_config_get_n_tokens (config) == 0)
    g_warning ("No [tokens] configured: every client will be refused");
  return TRUE;
}

/* The road graph of `roads` if set, else of the city's roads; NULL without either. */
static PanoHubRouter *
make_router (PanoHubSettings  *settings,
             PanoHubCity      *city,
             PanoHubStore     *store,
             GError          **error)
{
  g_autoptr(PanoRoadGraph) graph = NULL;
  gint64 start = g_get_monotonic_time ();

  if (settings->roads != NULL)
    graph = pano_road_graph_load (settings->roads, error);
  else if (city != NULL)
    graph = pano_road_graph_ref (pano_hub_city_get_road_graph (city));
  if (graph == NULL || pano_road_graph_get_n_segments (graph) == 0)
    return NULL;
  g_message ("Routing on %u road segments, %u nodes from %s (%.1f s)",
             pano_road_graph_get_n_segments (graph), pano_road_graph_get_n_nodes (graph),
             settings->roads ? settings->roads : settings->city,
             (g_get_monotonic_time () - start) / 1e6);
  return pano_hub_router_new (graph, store);
}

static int
run (PanoHubConfig *config,
     Options       *options)
{
  PanoHubSettings *settings = pano_hub_config_get (config);
  g_autoptr(GError) error = NULL;
  g_autoptr(PanoHubDb) db = NULL;
  g_autoptr(PanoHubCity) city = NULL;
  g_autoptr(PanoHubStore) store = pano_hub_store_new (settings->window);
  g_autoptr(PanoHubIncidents) incidents = NULL;
  g_autoptr(PanoHubRouter) router = NULL;
  g_autoptr(PanoHubServer) server = NULL;
  g_autoptr(PanoHubHistory) history = NULL;
  g_autoptr(PanoHubSimulator) simulator = NULL;
  g_autoptr(PanoHubSamples) samples = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *url = NULL;
  g_autofree char *history_path = NULL;
  Shutdown shutdown;
  guint n_incidents;

  if ((db = pano_hub_db_open (settings->database, &error)) == NULL)
    goto fail;
  if (settings->city != NULL && (city = pano_hub_city_load (settings->city, &error)) == NULL)
    goto fail;
  /* Before anything is loaded: a restart's first keyframe is the empty city it starts as. */
  history_path = pano_hub_history_path_for (settings->database);
  if ((history = pano_hub_history_open (history_path, store, settings, &error)) == NULL)
    goto fail;
  incidents = pano_hub_incidents_new (db, store, city, settings);
  if (!pano_hub_incidents_load (incidents, &n_incidents, &error))
    goto fail;
  g_message ("%u open or recent incidents loaded from %s", n_incidents, settings->database);
  server = pano_hub_server_new (config, store, db, incidents);
  pano_hub_server_set_history (server, history);
  if ((router = make_router (settings, city, store, &error)) == NULL && error != NULL)
    goto fail;
  pano_hub_server_set_router (server, router);
  settings->sample_offset_s = options->sample_offset;
  if ((samples = pano_hub_samples_new (db, store, city, settings, &error)) == NULL)
    goto fail;
  pano_hub_server_set_samples (server, samples);
  if (!pano_hub_server_listen (server, &error))
    goto fail;
  url = pano_hub_server_dup_url (server);
  g_print ("panorama-hub listening on %s epoch %s\n", url, pano_hub_store_get_epoch (store));
  if (options->port_file != NULL)
    {
      g_autofree char *port = g_strdup_printf ("%u\n", pano_hub_server_get_port (server));

      if (!g_file_set_contents (options->port_file, port, -1, &error))
        goto fail;
    }
  if (options->simulate)
    {
      if (city == NULL)
        {
          g_printerr ("panorama-hub: --simulate needs a city GeoPackage\n");
          return 1;
        }
      simulator = pano_hub_simulator_new (city, store, incidents, (guint64) options->seed,
                                          options->speed, (guint) options->entities);
      pano_hub_simulator_set_router (simulator, router);
      pano_hub_simulator_set_manual_share (simulator, settings->manual_share);
      pano_hub_simulator_start (simulator);
    }
  pano_hub_samples_start (samples);
  shutdown = (Shutdown) { loop, server };
  g_unix_signal_add (SIGINT, on_signal, &shutdown);
  g_unix_signal_add (SIGTERM, on_signal, &shutdown);
  g_main_loop_run (loop);
  g_clear_object (&simulator);
  pano_hub_history_close (history);
  return 0;

fail:
  g_printerr ("panorama-hub: %s\n", error->message);
  return 1;
}

static void
options_clear (Options *options)
{
  g_free (options->config);
  g_free (options->listen);
  g_free (options->database);
  g_free (options->city);
  g_free (options->roads);
  g_free (options->port_file);
  g_free (options->backup);
}

/* --backup FILE: a copy of the database, made beside the running hub (pano-hub-backup.c). */
static int
backup (PanoHubConfig *config,
        const char    *destination,
        GError       **error)
{
  const char *database = pano_hub_config_get (config)->database;
  PanoHubBackupReport report;

  if (!pano_hub_backup (database, destination, &report, error))
    return 1;
  g_print ("panorama-hub: %s copied to %s: %" G_GINT64_FORMAT " pages, %" G_GINT64_FORMAT
           " incidents, %" G_GINT64_FORMAT " command answers, %" G_GINT64_FORMAT
           " audit rows; quick_check ok\n", database, destination, report.pages,
           report.incidents, report.commands, report.audit_rows);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  Options options = { .seed = 1, .speed = 1.0, .manual_share = -1 };
  g_autoptr(PanoHubConfig) config = pano_hub_config_new ();
  g_autoptr(GError) error = NULL;
  int status;

  setlocale (LC_ALL, "");
  if (!parse_options (&argc, &argv, &options, &error))
    {
      g_printerr ("panorama-hub: %s (see --help)\n", error->message);
      return 2;
    }
  if (options.version)
    {
      g_print ("panorama-hub %s, protocol %d\n", PANO_VERSION, PANO_PROTOCOL_VERSION);
      return 0;
    }
  if (options.entities < 0 || options.entities > 3000000 || options.speed <= 0)
    {
      g_printerr ("panorama-hub: --entities must be 0..3000000 and --speed positive\n");
      return 2;
    }
  if (!configure (config, &options, argc, argv, &error))
    status = 1;
  else if (options.backup != NULL)
    status = backup (config, options.backup, &error);
  else
    status = run (config, &options);
  if (error != NULL)
    g_printerr ("panorama-hub: %s\n", error->message);
  options_clear (&options);
  return status;
}
