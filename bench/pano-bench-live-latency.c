// SPDX-License-Identifier: GPL-3.0-or-later
/* Update-to-pixel latency from a real panorama-hub: how long after an integrator posts a
 * sensor reading the console has painted it, at 1 k, 10 k and 20 k updates a second.
 *
 * For each rate a fresh hub is started on 127.0.0.1 (no simulator), filled with a population
 * of sensors, and a console path as the application builds it (PanoFeedClient → PanoLiveStore
 * → PanoLiveMapLayer on a 1920×1080 ShumateMap) subscribes to it. Sender threads then POST
 * batches of features to /v1/ingest/environment at the rate; every feature carries the send
 * time (g_get_monotonic_time, same machine) in its properties as `sent_us`.
 *
 * Each feature becomes one change with its own seq, and the hub's answer gives the last seq
 * of the batch, so update number s is known exactly on both sides: the console notes, for each
 * seq, the end of the first frame painted after the store applied it (the store's ::changed,
 * then the frame clock's ::after-paint), and the latency is that minus the batch's sent_us.
 * At the end, the properties of the last entity sent are read back from the store to check
 * that sent_us came through the whole path. Prints figures; never fails on a time. */
#define G_LOG_DOMAIN "panorama-bench"

#include "pano-bench-common.h"
#include "pano-bench-frames.h"
#include "pano-feed-client.h"
#include "pano-live-map-layer.h"
#include "pano-live-store.h"
#include "pano-mercator.h"
#include "pano-tile-renderer.h"
#include "pano-tile-source.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#define WIDTH 1920
#define HEIGHT 1080
#define LAYER "environment"
#define START_LIMIT_US (20 * G_USEC_PER_SEC)
#define STOP_LIMIT_US (5 * G_USEC_PER_SEC)
#define HTTP_TIMEOUT_S 10                       /* a stuck hub fails a POST, never hangs it */
#define SNAPSHOT_LIMIT_US (60 * G_USEC_PER_SEC)
#define DRAIN_LIMIT_US (20 * G_USEC_PER_SEC)   /* after the last send, wait this long at most */
#define PREFILL_BATCH 2000
#define WATCH_MS 1                              /* the stall watchdog's period */
#define GOAL_RATE 20000
#define GOAL_P99_MS 100.0
#define GOAL_STALL_MS 50.0
#define MAX_RATE 100000
#define MAX_SECONDS 60

static char *opt_rates;
static int opt_seconds = 10;
static int opt_batch = 200;
static int opt_senders = 2;
static int opt_population = 10000;
static int opt_zoom = 12;

static const GOptionEntry entries[] = {
  { "rates", 0, 0, G_OPTION_ARG_STRING, &opt_rates, "Updates per second (1000,10000,20000)",
    "R,R" },
  { "seconds", 0, 0, G_OPTION_ARG_INT, &opt_seconds, "Seconds of sending per rate (10)", "S" },
  { "batch", 0, 0, G_OPTION_ARG_INT, &opt_batch, "Features per POST (200)", "N" },
  { "senders", 0, 0, G_OPTION_ARG_INT, &opt_senders, "Sender threads (2)", "N" },
  { "entities", 0, 0, G_OPTION_ARG_INT, &opt_population, "Sensors updated in turn (10000)",
    "N" },
  { "zoom", 0, 0, G_OPTION_ARG_INT, &opt_zoom, "Zoom of the still view (12)", "Z" },
  { NULL }
};

/* ---- the hub ---- */

typedef struct
{
  char *dir;
  char *url;
  GPid pid;
} Hub;

/* The hub must not outlive the benchmark, even when the benchmark is killed. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static const char *
hub_executable (void)
{
  const char *exe = g_getenv ("PANORAMA_HUB_EXE");

  return exe ? exe : PANO_BENCH_HUB_EXE;
}

/* SIGTERM for a clean shutdown, SIGKILL if it has not exited within the limit. */
static void
hub_stop (GPid pid)
{
  gint64 deadline = g_get_monotonic_time () + STOP_LIMIT_US;
  int status;

  kill (pid, SIGTERM);
  while (waitpid (pid, &status, WNOHANG) == 0)
    {
      if (g_get_monotonic_time () > deadline)
        {
          kill (pid, SIGKILL);
          waitpid (pid, &status, 0);
          break;
        }
      g_usleep (10000);
    }
  g_spawn_close_pid (pid);
}

static void
hub_free (Hub *hub)
{
  if (hub->pid != 0)
    hub_stop (hub->pid);
  if (hub->dir != NULL)
    pano_bench_remove_data_dir (hub->dir);
  g_free (hub->dir);
  g_free (hub->url);
  g_free (hub);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Hub, hub_free)

static Hub *
hub_start (GError **error)
{
  g_autoptr(Hub) hub = g_new0 (Hub, 1);
  g_autofree char *config = NULL, *port_file = NULL, *database = NULL, *port = NULL;
  gint64 deadline = g_get_monotonic_time () + START_LIMIT_US;

  if (!(hub->dir = g_dir_make_tmp ("pano-bench-hub-XXXXXX", error)))
    return NULL;
  config = g_build_filename (hub->dir, "hub.conf", NULL);
  port_file = g_build_filename (hub->dir, "port", NULL);
  database = g_build_filename (hub->dir, "hub.sqlite", NULL);
  if (!g_file_set_contents (config, "[hub]\nlisten = 127.0.0.1:0\n[tokens]\n"
                            "console = viewer:view\nintegrator = admin:admin\n", -1, error))
    return NULL;

  {
    const char *argv[] = { hub_executable (), "--config", config, "--database", database,
                           "--port-file", port_file, NULL };

    if (!g_spawn_async (NULL, (char **)argv, NULL,
                        G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                        G_SPAWN_STDERR_TO_DEV_NULL,
                        die_with_parent, NULL, &hub->pid, error))
      return NULL;
  }
  while (!g_file_get_contents (port_file, &port, NULL, NULL) || port[0] == '\0')
    {
      g_clear_pointer (&port, g_free);
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "the hub did not start");
          return NULL;
        }
      g_usleep (20000);
    }
  hub->url = g_strdup_printf ("http://127.0.0.1:%u", (guint)g_ascii_strtoull (port, NULL, 10));
  return g_steal_pointer (&hub);
}

/* ---- sending ---- */

typedef struct
{
  gint64 sent_us;
  gint64 last_seq;      /* the hub's seq after the batch's last feature */
  guint n;
  guint first_entity;
} Batch;

typedef struct
{
  const char *url;
  const double *lon, *lat;   /* the population's positions, read only */
  guint population;
  guint rate, batch, n_slots;
  gint64 start_us;

  gint next_slot;            /* atomic: the next batch to send */
  gint running;              /* atomic: sender threads still sending */
  GMutex lock;
  GArray *batches;           /* Batch, in the order answered */
  guint n_failed;
  char *failure;
} Sender;

static char *
feature_collection (Sender *s,
                    guint   first,
                    guint   n,
                    gint64  sent_us,
                    GRand  *rand)
{
  GString *body = g_string_sized_new (160 * n + 64);

  g_string_append (body, "{\"type\":\"FeatureCollection\",\"features\":[");
  for (guint j = 0; j < n; j++)
    {
      guint e = (first + j) % s->population;
      char lon[G_ASCII_DTOSTR_BUF_SIZE], lat[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (lon, sizeof lon, "%.6f", s->lon[e]);
      g_ascii_formatd (lat, sizeof lat, "%.6f", s->lat[e]);
      g_string_append_printf (body, "%s{\"type\":\"Feature\",\"id\":\"env-%06u\","
                              "\"geometry\":{\"type\":\"Point\",\"coordinates\":[%s,%s]},"
                              "\"properties\":{\"kind\":\"sensor\",\"aqi\":%d,"
                              "\"sent_us\":%" G_GINT64_FORMAT "}}",
                              j ? "," : "", e, lon, lat, g_rand_int_range (rand, 10, 320),
                              sent_us);
    }
  g_string_append (body, "]}");
  return g_string_free (body, FALSE);
}

/* Returns: the seq in the hub's answer, or -1 with @error set */
static gint64
post_batch (SoupSession  *session,
            const char   *url,
            const char   *body,
            GError      **error)
{
  g_autofree char *uri = g_strconcat (url, "/v1/ingest/" LAYER, NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("POST", uri);
  g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                "Bearer admin");
  soup_message_set_request_body_from_bytes (message, "application/json", bytes);
  if (!(answer = soup_session_send_and_read (session, message, NULL, error)))
    return -1;
  if (soup_message_get_status (message) != 200 ||
      !json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL),
                                   g_bytes_get_size (answer), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (root = json_parser_get_root (parser)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "ingest answered %u: %.*s",
                   soup_message_get_status (message), (int)MIN (200, g_bytes_get_size (answer)),
                   (const char *)g_bytes_get_data (answer, NULL));
      return -1;
    }
  return json_object_get_int_member_with_default (json_node_get_object (root), "seq", -1);
}

static void
send_slot (Sender      *s,
           SoupSession *session,
           GRand       *rand,
           guint        slot)
{
  guint first = slot * s->batch;
  gint64 sent_us = g_get_monotonic_time ();
  g_autofree char *body = feature_collection (s, first, s->batch, sent_us, rand);
  g_autoptr(GError) error = NULL;
  gint64 seq = post_batch (session, s->url, body, &error);
  Batch batch = { sent_us, seq, s->batch, first % s->population };

  g_mutex_lock (&s->lock);
  if (seq >= 0)
    g_array_append_val (s->batches, batch);
  else if (s->n_failed++ == 0)
    s->failure = g_strdup (error->message);
  g_mutex_unlock (&s->lock);
}

/* Takes the next batch slot, waits for its time on the schedule (no wait when behind), sends
 * it; several threads keep POSTs in flight while one waits for its answer. */
static gpointer
sender_thread (gpointer data)
{
  Sender *s = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GRand) rand = g_rand_new ();
  guint slot;

  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("timeout", HTTP_TIMEOUT_S, NULL);
  while ((slot = (guint)g_atomic_int_add (&s->next_slot, 1)) < s->n_slots)
    {
      gint64 due = s->start_us + (gint64)slot * s->batch * G_USEC_PER_SEC / s->rate;
      gint64 now = g_get_monotonic_time ();

      if (due > now)
        g_usleep (due - now);
      send_slot (s, session, rand, slot);
    }
  g_clear_object (&session);
  g_main_context_pop_thread_default (context);
  g_atomic_int_add (&s->running, -1);
  return NULL;
}

/* Puts every sensor on the hub once, before the console subscribes: the phase then measures
 * updates of a known population, and the snapshot the console receives is all of it. */
static gboolean
prefill (Sender  *s,
         GError **error)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", HTTP_TIMEOUT_S,
                                                                  NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (PANO_BENCH_SEED);

  for (guint first = 0; first < s->population; first += PREFILL_BATCH)
    {
      g_autofree char *body = feature_collection (s, first,
                                                  MIN (PREFILL_BATCH, s->population - first),
                                                  g_get_monotonic_time (), rand);

      if (post_batch (session, s->url, body, error) < 0)
        return FALSE;
    }
  return TRUE;
}

/* ---- the console side ---- */

typedef struct
{
  PanoBenchFrames frames;
  ShumateMap *map;
  PanoLiveMapLayer *layer;   /* owned by the map */
  PanoLiveStore *store;
  PanoFeedClient *client;

  gint64 *paint_us;          /* by seq: the end of the first frame painted after applying it */
  gint64 capacity;
  gint64 applied_upto;       /* the store's seq at its last ::changed */
  gint64 painted_upto;
  gint64 sent_upto;          /* the highest seq the hub has answered (senders) */
  guint max_queue;
  gint64 watch_last;
  gint64 longest_stall_us;
  guint watch_id;
} Console;

typedef struct
{
  guint rate;
  gint64 sent, delivered, undelivered;
  double send_rate, delivered_rate;
  double p50, p99, max;
  double work_p50, work_p95, work_max;
  guint frames;
  double longest_apply_ms, snapshot_apply_ms, longest_stall_ms;
  guint max_queue;
  guint n_drawn;
  gboolean aggregated;
  guint64 coalesced;
  guint connects;
  gboolean carried;
  guint n_failed;
} Result;

static void
on_store_changed (PanoLiveStore *store,
                  const char    *layer,
                  Console       *c)
{
  c->applied_upto = pano_live_store_get_seq (store, LAYER);
}

static void
on_paint (PanoBenchFrames *frames,
          gint64           now,
          gpointer         user_data)
{
  Console *c = user_data;

  for (gint64 s = MAX (c->painted_upto + 1, 0); s <= c->applied_upto && s < c->capacity; s++)
    c->paint_us[s] = now;
  c->painted_upto = MAX (c->painted_upto, c->applied_upto);
  if (c->client != NULL)
    c->max_queue = MAX (c->max_queue, pano_feed_client_get_queue_length (c->client));
}

/* How late a 1 ms high-priority timeout runs is how long the main thread was busy elsewhere:
 * applying frames, painting, anything. */
static gboolean
on_watch (gpointer user_data)
{
  Console *c = user_data;
  gint64 now = g_get_monotonic_time ();

  if (c->watch_last > 0)
    c->longest_stall_us = MAX (c->longest_stall_us, now - c->watch_last);
  c->watch_last = now;
  return G_SOURCE_CONTINUE;
}

static void
new_map (Console *c)
{
  g_autoptr(PanoTileRenderer) empty = pano_tile_renderer_new ();
  g_autoptr(PanoTileSource) reference = pano_tile_source_new ("reference", empty);
  ShumateViewport *viewport;
  double lon = (PANO_BENCH_MIN_LON + PANO_BENCH_MAX_LON) / 2;
  double lat = (PANO_BENCH_MIN_LAT + PANO_BENCH_MAX_LAT) / 2;

  c->map = shumate_map_new ();
  viewport = shumate_map_get_viewport (c->map);
  shumate_viewport_set_reference_map_source (viewport, SHUMATE_MAP_SOURCE (reference));
  shumate_viewport_set_zoom_level (viewport, opt_zoom);
  shumate_location_set_location (SHUMATE_LOCATION (viewport), lat, lon);
  gtk_window_set_child (c->frames.window, GTK_WIDGET (c->map));
}

static gboolean
snapshot_in (gpointer user_data)
{
  Console *c = user_data;
  PanoLiveLayer *layer = pano_live_store_get_layer (c->store, LAYER);

  return layer != NULL && pano_live_layer_get_n_entities (layer) >= (guint)opt_population;
}

/* A fresh store, client and map layer, subscribed and holding the snapshot. */
static gboolean
subscribe (Console     *c,
           const char  *url,
           GError     **error)
{
  static const char *layers[] = { LAYER, NULL };

  c->store = pano_live_store_new (layers);
  c->client = pano_feed_client_new (url, "view", c->store);
  g_signal_connect (c->store, "changed::" LAYER, G_CALLBACK (on_store_changed), c);
  c->layer = pano_live_map_layer_new (shumate_map_get_viewport (c->map), c->store, LAYER);
  shumate_map_add_layer (c->map, SHUMATE_LAYER (c->layer));
  pano_feed_client_start (c->client);
  pano_bench_frames_spin (snapshot_in, c, SNAPSHOT_LIMIT_US);
  if (!snapshot_in (c))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "no snapshot from the hub: %s",
                   pano_feed_client_get_last_error (c->client)
                     ? pano_feed_client_get_last_error (c->client) : "no error");
      return FALSE;
    }
  pano_bench_frames_settle (&c->frames, G_USEC_PER_SEC / 2, 10 * G_USEC_PER_SEC);
  return TRUE;
}

static void
unsubscribe (Console *c)
{
  pano_feed_client_stop (c->client);
  gtk_window_set_child (c->frames.window, NULL);
  c->layer = NULL;
  g_clear_object (&c->client);
  g_signal_handlers_disconnect_by_data (c->store, c);
  g_clear_object (&c->store);
}

typedef struct
{
  Console *console;
  Sender *sender;
  gint64 deadline;
} Drain;

/* Done when the senders have stopped and every seq they were answered has been painted. */
static gboolean
drained (gpointer user_data)
{
  Drain *d = user_data;
  gint64 sent_upto = 0;

  if (g_atomic_int_get (&d->sender->running) > 0)
    return FALSE;
  if (d->deadline == 0)
    d->deadline = g_get_monotonic_time () + DRAIN_LIMIT_US;
  for (guint i = 0; i < d->sender->batches->len; i++)
    sent_upto = MAX (sent_upto, g_array_index (d->sender->batches, Batch, i).last_seq);
  return d->console->painted_upto >= sent_upto || g_get_monotonic_time () > d->deadline;
}

/* Was the send time still in the properties of the last entity sent, after the whole path? */
static gboolean
sent_us_carried (Console *c,
                 Sender  *s)
{
  const Batch *last = NULL;
  PanoLiveLayer *layer = pano_live_store_get_layer (c->store, LAYER);
  char id[32];
  const char *props, *found;
  int slot;

  for (guint i = 0; i < s->batches->len; i++)
    if (last == NULL || g_array_index (s->batches, Batch, i).last_seq > last->last_seq)
      last = &g_array_index (s->batches, Batch, i);
  if (last == NULL)
    return FALSE;
  g_snprintf (id, sizeof id, "env-%06u", (last->first_entity + last->n - 1) % s->population);
  if ((slot = pano_live_layer_lookup (layer, id)) < 0 ||
      !(props = pano_live_layer_get_properties (layer, slot)) ||
      !(found = strstr (props, "\"sent_us\":")))
    return FALSE;
  return g_ascii_strtoll (found + strlen ("\"sent_us\":"), NULL, 10) == last->sent_us;
}

static void
collect_latencies (Console *c,
                   Sender  *s,
                   Result  *r)
{
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 last_sent = s->start_us, last_paint = s->start_us;

  for (guint i = 0; i < s->batches->len; i++)
    {
      const Batch *b = &g_array_index (s->batches, Batch, i);

      last_sent = MAX (last_sent, b->sent_us);
      for (gint64 seq = b->last_seq - b->n + 1; seq <= b->last_seq; seq++)
        {
          double ms;

          if (seq < 0 || seq >= c->capacity || c->paint_us[seq] == 0)
            {
              r->undelivered++;
              continue;
            }
          ms = (c->paint_us[seq] - b->sent_us) / 1000.0;
          last_paint = MAX (last_paint, c->paint_us[seq]);
          g_array_append_val (latencies, ms);
        }
      r->sent += b->n;
    }
  r->delivered = latencies->len;
  r->send_rate = r->sent / MAX ((last_sent - s->start_us) / 1e6 + (double)s->batch / s->rate,
                                1e-3);
  r->delivered_rate = r->delivered / MAX ((last_paint - s->start_us) / 1e6, 1e-3);
  r->p50 = pano_bench_percentile (latencies, 0.5);
  r->p99 = pano_bench_percentile (latencies, 0.99);
  r->max = pano_bench_percentile (latencies, 1.0);
}

static void
collect_console (Console *c,
                 Result  *r)
{
  PanoBenchFrames *f = &c->frames;

  r->frames = f->work->len;
  r->work_p50 = pano_bench_percentile (f->work, 0.5);
  r->work_p95 = pano_bench_percentile (f->work, 0.95);
  r->work_max = pano_bench_percentile (f->work, 1.0);
  r->longest_apply_ms = pano_feed_client_get_longest_apply (c->client) / 1000.0;
  r->longest_stall_ms = c->longest_stall_us / 1000.0;
  r->max_queue = c->max_queue;
  r->n_drawn = pano_live_map_layer_get_n_drawn (c->layer);
  r->aggregated = pano_live_map_layer_is_aggregated (c->layer);
  r->coalesced = pano_live_store_get_coalesced (c->store, LAYER);
  r->connects = pano_feed_client_get_n_connects (c->client);
}

static void
population (guint    n,
            double **lon,
            double **lat)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (PANO_BENCH_SEED);

  *lon = g_new (double, n);
  *lat = g_new (double, n);
  for (guint i = 0; i < n; i++)
    pano_bench_random_lonlat (rand, &(*lon)[i], &(*lat)[i]);
}

static void
start_senders (Sender  *s,
               GThread **threads)
{
  s->start_us = g_get_monotonic_time () + 50000;
  g_atomic_int_set (&s->running, opt_senders);
  for (int i = 0; i < opt_senders; i++)
    threads[i] = g_thread_new ("bench-sender", sender_thread, s);
}

static void
measure_phase (Console *c,
               Sender  *s,
               Result  *r)
{
  g_autofree GThread **threads = g_new0 (GThread *, opt_senders);
  Drain drain = { c, s, 0 };

  c->capacity = opt_population + (gint64)s->n_slots * s->batch + 1;
  c->paint_us = g_new0 (gint64, c->capacity);
  c->applied_upto = c->painted_upto = pano_live_store_get_seq (c->store, LAYER);
  c->max_queue = 0;
  c->watch_last = c->longest_stall_us = 0;
  r->snapshot_apply_ms = pano_feed_client_get_longest_apply (c->client) / 1000.0;

  pano_bench_frames_record (&c->frames);
  c->watch_id = g_timeout_add_full (G_PRIORITY_HIGH, WATCH_MS, on_watch, c, NULL);
  start_senders (s, threads);
  pano_bench_frames_spin (drained, &drain,
                          (opt_seconds + 5) * G_USEC_PER_SEC + DRAIN_LIMIT_US);
  /* The spin is bounded; the senders are too (a fixed number of slots). */
  for (int i = 0; i < opt_senders; i++)
    g_thread_join (threads[i]);
  g_clear_handle_id (&c->watch_id, g_source_remove);
  pano_bench_frames_stop (&c->frames);

  collect_latencies (c, s, r);
  collect_console (c, r);
  r->carried = sent_us_carried (c, s);
  r->n_failed = s->n_failed;
  g_clear_pointer (&c->paint_us, g_free);
  pano_bench_frames_clear (&c->frames);
}

static gboolean
run_rate (Console     *c,
          guint        rate,
          Result      *r,
          GError     **error)
{
  g_autoptr(Hub) hub = NULL;
  g_autofree double *lon = NULL, *lat = NULL;
  Sender s = { 0 };
  gboolean ok;

  r->rate = rate;
  g_printerr ("%u updates/s: ", rate);
  if (!(hub = hub_start (error)))
    return FALSE;
  population (opt_population, &lon, &lat);
  s = (Sender) { hub->url, lon, lat, opt_population, rate, opt_batch,
                 (guint)((gint64)rate * opt_seconds / opt_batch) };
  g_mutex_init (&s.lock);
  s.batches = g_array_new (FALSE, FALSE, sizeof (Batch));

  ok = prefill (&s, error) && subscribe (c, hub->url, error);
  if (ok)
    {
      measure_phase (c, &s, r);
      g_printerr ("p50 %.0f ms, p99 %.0f ms, %.0f delivered/s%s%s\n", r->p50, r->p99,
                  r->delivered_rate, s.failure ? "; sending failed: " : "",
                  s.failure ? s.failure : "");
    }
  if (c->client != NULL)
    unsubscribe (c);
  g_array_unref (s.batches);
  g_free (s.failure);
  g_mutex_clear (&s.lock);
  return ok;
}

/* ---- output ---- */

static void
print_results (Console *c,
               GArray  *results)
{
  g_autofree char *loadavg = NULL;

  g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL);
  g_print ("\nPanorama live latency benchmark - GTK %u.%u.%u, libshumate %d.%d.%d, renderer %s "
           "(GSK_RENDERER=%s), %u cores\n",
           gtk_get_major_version (), gtk_get_minor_version (), gtk_get_micro_version (),
           SHUMATE_MAJOR_VERSION, SHUMATE_MINOR_VERSION, SHUMATE_MICRO_VERSION,
           pano_bench_frames_renderer_name (&c->frames),
           g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "unset",
           g_get_num_processors ());
  g_print ("Hub on 127.0.0.1, %d sensors, %d s per rate, %d features per POST from %d sender "
           "threads; view %dx%d at zoom %d over Shiyan; %u warnings logged.\n"
           "Load average at the end (other processes share the cores): %s"
           "latency = end of the first frame painted after the store applied the update - "
           "sent_us (before the POST);\nstall = the longest time a 1 ms high-priority timeout "
           "waited on the main thread; apply = pano_feed_client_get_longest_apply "
           "(client lifetime; snapshot = its value before sending).\n\n",
           opt_population, opt_seconds, opt_batch, opt_senders, WIDTH, HEIGHT, opt_zoom,
           c->frames.n_warnings, loadavg ? loadavg : "?\n");
  g_print ("| rate /s | sent | sent /s | painted /s | not painted | latency p50 ms | "
           "latency p99 ms | latency max ms | frames | work p50 ms | work p95 ms | work max ms | "
           "longest apply ms (snapshot) | longest stall ms | max queue | coalesced | connects |"
           " symbols drawn | sent_us carried |\n"
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
           "---:|---:|---|\n");
  for (guint i = 0; i < results->len; i++)
    {
      Result *r = &g_array_index (results, Result, i);

      g_print ("| %u | %" G_GINT64_FORMAT " | %.0f | %.0f | %" G_GINT64_FORMAT " | **%.0f** | "
               "**%.0f** | %.0f | %u | %.1f | %.1f | %.1f | %.1f (%.1f) | **%.1f** | %u | %"
               G_GUINT64_FORMAT " | %u | %u%s | %s |\n",
               r->rate, r->sent, r->send_rate, r->delivered_rate, r->undelivered, r->p50, r->p99,
               r->max, r->frames, r->work_p50, r->work_p95, r->work_max, r->longest_apply_ms,
               r->snapshot_apply_ms, r->longest_stall_ms, r->max_queue, r->coalesced,
               r->connects, r->n_drawn, r->aggregated ? " bins" : "",
               r->carried ? "yes" : "NO");
    }
  for (guint i = 0; i < results->len; i++)
    {
      Result *r = &g_array_index (results, Result, i);

      if (r->rate == GOAL_RATE)
        g_print ("\nGoal: %u updates/s with p99 <= %.0f ms and no stall over %.0f ms - %s "
                 "(p99 %.0f ms, %.0f delivered/s, longest stall %.0f ms, longest apply %.0f ms)\n",
                 GOAL_RATE, GOAL_P99_MS, GOAL_STALL_MS,
                 r->p99 <= GOAL_P99_MS && r->longest_stall_ms <= GOAL_STALL_MS &&
                 r->longest_apply_ms <= GOAL_STALL_MS && r->undelivered == 0 &&
                 r->delivered_rate >= 0.95 * GOAL_RATE ? "met" : "NOT met",
                 r->p99, r->delivered_rate, r->longest_stall_ms, r->longest_apply_ms);
    }
}

static gboolean
parse_options (int      *argc,
               char   ***argv,
               GError  **error)
{
  g_autoptr(GOptionContext) context =
    g_option_context_new ("- update-to-pixel latency from a real panorama-hub");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;
  if (opt_seconds < 1 || opt_seconds > MAX_SECONDS || opt_batch < 1 || opt_batch > 5000 ||
      opt_senders < 1 || opt_senders > 8 || opt_population < opt_batch ||
      opt_population > 1000000)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--seconds 1..%d, --batch 1..5000, --senders 1..8, --entities batch..1000000",
                   MAX_SECONDS);
      return FALSE;
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) results = g_array_new (FALSE, TRUE, sizeof (Result));
  g_auto(GStrv) rates = NULL;
  Console c = { 0 };
  gboolean ok = TRUE;

  if (!parse_options (&argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  rates = g_strsplit (opt_rates ? opt_rates : "1000,10000,20000", ",", -1);
  gtk_init ();
  pano_bench_frames_open (&c.frames, "Panorama live latency benchmark", WIDTH, HEIGHT);
  c.frames.on_paint = on_paint;
  c.frames.on_paint_data = &c;

  for (guint i = 0; ok && rates[i]; i++)
    {
      guint rate = (guint)g_ascii_strtoull (rates[i], NULL, 10);
      Result r = { 0 };

      if (rate == 0 || rate > MAX_RATE)
        continue;
      new_map (&c);
      if ((ok = run_rate (&c, rate, &r, &error)))
        g_array_append_val (results, r);
    }

  print_results (&c, results);
  gtk_window_destroy (c.frames.window);
  if (!ok)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
