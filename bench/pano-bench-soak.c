// SPDX-License-Identifier: GPL-3.0-or-later
#define _GNU_SOURCE
/* pano-bench-soak: the hub under a command centre's day, compressed (issue 9, docs/soak.md).
 *
 * Starts panorama-hub simulating the city at --speed 10 with --entities 100 000 sensor nodes,
 * then for --seconds: --subscribers WebSocket clients subscribed to every layer, all reading
 * but one, which never reads; --rate updates/s posted to /v1/ingest/environment in batches
 * every 100 ms; a command every --command-ms (create, accept, note, note, cancel, in turn);
 * and one console: a child process running the console's own feed client and live store
 * (core/pano-feed-client.c) on every layer. Every --sample-s it prints the hub's RSS and open
 * fds and the console's RSS. At the end it stops everything and checks, in the hub's SQLite
 * file, that every command the hub answered 2xx is there with its effect.
 *
 * Exit status 0 when nothing was lost and nothing went wrong (no refused ingest, no refused
 * or failed command, no CRITICAL in the hub's log, no reading subscriber cut off, the console
 * still connected); never a judgement on time or memory: those are printed for a person. */
#define G_LOG_DOMAIN "panorama-bench-soak"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pano-feed-client.h"
#include "pano-live-store.h"

#define ADMIN_TOKEN "soak-admin"
#define DISPATCH_TOKEN "soak-dispatch"
#define VIEW_TOKEN "soak-view"
#define INGEST_PERIOD_MS 100
#define INGEST_POPULATION 20000

static gint64 opt_seconds = 3600;
static gint64 opt_sample_s = 60;
static gint64 opt_entities = 100000;
static double opt_speed = 10;
static gint64 opt_subscribers = 50;
static gint64 opt_rate = 5000;
static gint64 opt_command_ms = 200;
static char *opt_hub = NULL;
static char *opt_console = NULL;

typedef struct
{
  char *key;
  char *kind;
  char *incident;
  char *text;      /* what the incident must hold afterwards: a title or a note */
} Acked;

typedef struct
{
  char *url;
  guint port;
  volatile gint stop;
  /* ingest */
  guint64 ingested;
  guint64 ingest_errors;
  /* commands */
  GMutex lock;
  GPtrArray *acked;           /* Acked */
  guint64 command_errors;
  char *first_error;
  /* subscribers */
  int *fds;
  guint64 *frames;
  gboolean *closed;
  guint n_readers;
  int silent_fd;
} Soak;

/* ---- processes and /proc ---- */

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gint64
rss_kib (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *text = NULL;
  const char *line;

  if (pid <= 0 || !g_file_get_contents (path, &text, NULL, NULL) ||
      (line = strstr (text, "VmRSS:")) == NULL)
    return -1;
  return g_ascii_strtoll (line + 6, NULL, 10);
}

static gint
open_fds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  gint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return dir ? n : -1;
}

static GSubprocess *
spawn (const char * const *argv,
       const char         *log,
       GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (log ? G_SUBPROCESS_FLAGS_STDOUT_SILENCE : G_SUBPROCESS_FLAGS_NONE);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  if (log != NULL)
    g_subprocess_launcher_set_stderr_file_path (launcher, log);
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

static GPid
pid_of (GSubprocess *process)
{
  const char *id = process ? g_subprocess_get_identifier (process) : NULL;

  return id ? (GPid) g_ascii_strtoll (id, NULL, 10) : 0;
}

/* ---- HTTP ---- */

static guint
post (SoupSession  *session,
      const char   *url,
      const char   *path,
      const char   *token,
      const char   *key,
      const char   *body,
      char        **answer)
{
  g_autofree char *uri = g_strconcat (url, path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("POST", uri);
  g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);

  soup_message_headers_replace (headers, "Authorization", bearer);
  if (key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", key);
  soup_message_set_request_body_from_bytes (message, "application/json", bytes);
  reply = soup_session_send_and_read (session, message, NULL, NULL);
  if (answer != NULL)
    *answer = reply ? g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply))
                    : g_strdup ("(no answer)");
  return reply ? soup_message_get_status (message) : 0;
}

static void
note_error (Soak       *soak,
            const char *what)
{
  g_mutex_lock (&soak->lock);
  soak->command_errors++;
  if (soak->first_error == NULL)
    soak->first_error = g_strdup (what);
  g_mutex_unlock (&soak->lock);
}

/* Waits for @period_ms after @start_us's previous tick, or returns FALSE once stopped. */
static gboolean
tick (Soak   *soak,
      gint64 *next_us,
      gint64  period_ms)
{
  gint64 now = g_get_monotonic_time ();

  *next_us += period_ms * 1000;
  if (*next_us > now)
    g_usleep (*next_us - now);
  return !g_atomic_int_get (&soak->stop);
}

static char *
ingest_body (GRand *rand,
             guint  first,
             guint  count)
{
  GString *body = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");

  for (guint i = 0; i < count; i++)
    g_string_append_printf (body, "%s{\"type\":\"Feature\",\"id\":\"soak-%u\",\"geometry\":"
                            "{\"type\":\"Point\",\"coordinates\":[%.5f,%.5f]},\"properties\":"
                            "{\"kind\":\"sensor\",\"aqi\":%d}}", i ? "," : "",
                            (first + i) % INGEST_POPULATION, g_rand_double_range (rand, 110.2, 111.3),
                            g_rand_double_range (rand, 32.3, 33.0), g_rand_int_range (rand, 0, 300));
  g_string_append (body, "]}");
  return g_string_free (body, FALSE);
}

static gpointer
ingest_thread (gpointer data)
{
  Soak *soak = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint batch = MAX (1, opt_rate * INGEST_PERIOD_MS / 1000), first = 0;
  gint64 next = g_get_monotonic_time ();

  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("timeout", 30, NULL);
  while (tick (soak, &next, INGEST_PERIOD_MS))
    {
      g_autofree char *body = ingest_body (rand, first, batch);
      g_autofree char *answer = NULL;

      if (post (session, soak->url, "/v1/ingest/environment", ADMIN_TOKEN, NULL, body,
                &answer) == 200)
        g_atomic_pointer_add (&soak->ingested, batch);
      else if (soak->ingest_errors++ == 0)
        g_printerr ("ingest refused: %.200s\n", answer);
      first += batch;
    }
  g_main_context_pop_thread_default (context);
  return NULL;
}

/* ---- commands ---- */

static char *
incident_of (const char *answer)
{
  g_autoptr(JsonNode) root = json_from_string (answer, NULL);
  JsonObject *incident;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (incident = json_object_get_object_member (json_node_get_object (root), "incident")) == NULL)
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (incident, "id", NULL));
}

/* The n-th command: five per incident, so incidents keep coming and closing. */
static char *
command_body (guint64      n,
              const char  *incident,
              char       **kind,
              char       **text)
{
  switch (n % 5)
    {
    case 0:
      *kind = g_strdup ("create");
      *text = g_strdup_printf ("soak incident %" G_GUINT64_FORMAT, n);
      return g_strdup_printf ("{\"command\":\"create\",\"category\":\"市政设施\",\"severity\":2,"
                              "\"location\":[110.79,32.65],\"title\":\"%s\"}", *text);
    case 1:
      *kind = g_strdup ("transition");
      return g_strdup_printf ("{\"command\":\"transition\",\"incident\":\"%s\","
                              "\"to\":\"accepted\"}", incident);
    case 2: case 3:
      *kind = g_strdup ("note");
      *text = g_strdup_printf ("soak note %" G_GUINT64_FORMAT, n);
      return g_strdup_printf ("{\"command\":\"note\",\"incident\":\"%s\",\"text\":\"%s\"}",
                              incident, *text);
    default:
      *kind = g_strdup ("cancel");
      return g_strdup_printf ("{\"command\":\"cancel\",\"incident\":\"%s\","
                              "\"reason\":\"soak\"}", incident);
    }
}

static void
acked_free (gpointer data)
{
  Acked *a = data;

  g_free (a->key);
  g_free (a->kind);
  g_free (a->incident);
  g_free (a->text);
  g_free (a);
}

static gpointer
command_thread (gpointer data)
{
  Soak *soak = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *incident = NULL;
  gint64 next = g_get_monotonic_time ();

  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("timeout", 30, NULL);
  for (guint64 n = 0; tick (soak, &next, opt_command_ms); n++)
    {
      Acked *a = g_new0 (Acked, 1);
      g_autofree char *body = NULL, *answer = NULL;
      guint status;

      if (n % 5 != 0 && incident == NULL)
        continue;   /* its create was refused: that is already an error */
      body = command_body (n, incident, &a->kind, &a->text);
      a->key = g_strdup_printf ("soak-%" G_GUINT64_FORMAT "-%" G_GINT64_FORMAT, n,
                                g_get_real_time ());
      status = post (session, soak->url, "/v1/commands", DISPATCH_TOKEN, a->key, body, &answer);
      if (status / 100 != 2)
        {
          g_autofree char *what = g_strdup_printf ("%s answered %u: %.200s", a->kind, status,
                                                   answer);
          note_error (soak, what);
          acked_free (a);
          if (n % 5 == 0)
            g_clear_pointer (&incident, g_free);
          continue;
        }
      if (n % 5 == 0)
        {
          g_free (incident);
          incident = incident_of (answer);
        }
      a->incident = g_strdup (incident);
      g_mutex_lock (&soak->lock);
      g_ptr_array_add (soak->acked, a);
      g_mutex_unlock (&soak->lock);
    }
  g_main_context_pop_thread_default (context);
  return NULL;
}

/* ---- WebSocket subscribers: raw sockets, frames counted, not decoded ---- */

static void
ws_send (int         fd,
         const char *text)
{
  gsize len = strlen (text), h = 0;
  g_autofree guint8 *frame = g_malloc (len + 14);
  const guint8 mask[4] = { 0x12, 0x34, 0x56, 0x78 };

  frame[h++] = 0x81;
  if (len < 126)
    frame[h++] = 0x80 | len;
  else
    {
      frame[h++] = 0x80 | 126;
      frame[h++] = len >> 8;
      frame[h++] = len & 0xff;
    }
  memcpy (frame + h, mask, 4);
  h += 4;
  for (gsize i = 0; i < len; i++)
    frame[h + i] = text[i] ^ mask[i % 4];
  /* A write the hub has closed fails (EPIPE): the reader notices the close itself. */
  if (write (fd, frame, h + len) < 0 && errno != EPIPE && errno != ECONNRESET)
    g_warning ("subscriber write: %s", g_strerror (errno));
}

static int
subscribe (guint port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM, 0), one = 1;
  g_autofree char *request = g_strdup_printf (
    "GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n\r\n", port);

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    g_error ("connect to the hub: %s", g_strerror (errno));
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (write (fd, request, strlen (request)) != (ssize_t) strlen (request))
    g_error ("subscriber handshake: %s", g_strerror (errno));
  /* The hub reads frames after the upgrade in order: no need to wait for the 101 here. */
  ws_send (fd, "{\"type\":\"hello\",\"protocol\":1,\"token\":\"" VIEW_TOKEN "\","
               "\"client\":\"soak\"}");
  ws_send (fd, "{\"type\":\"subscribe\",\"layers\":[\"traffic\",\"environment\",\"resources\","
               "\"events\",\"incidents\",\"grid\",\"alerts\"]}");
  return fd;
}

typedef struct
{
  guint8 *buf;
  gsize len;
  gsize cap;
  gboolean upgraded;
} Reader;

/* Counts whole frames in @r's buffer; FALSE when the hub closed the stream. */
static gboolean
count_frames (Reader  *r,
              guint64 *frames)
{
  gsize at = 0;

  if (!r->upgraded)
    {
      guint8 *end = memmem (r->buf, r->len, "\r\n\r\n", 4);

      if (end == NULL)
        return TRUE;
      at = end + 4 - r->buf;
      r->upgraded = TRUE;
    }
  while (r->len - at >= 2)
    {
      guint8 op = r->buf[at] & 0x0f;
      guint64 size = r->buf[at + 1] & 0x7f;
      gsize h = 2;

      if (size == 126 && r->len - at >= 4)
        size = (guint64) r->buf[at + 2] << 8 | r->buf[at + 3], h = 4;
      else if (size == 127 && r->len - at >= 10)
        {
          size = 0;
          for (int i = 0; i < 8; i++)
            size = size << 8 | r->buf[at + 2 + i];
          h = 10;
        }
      else if (size >= 126)
        break;
      if (r->len - at < h + size)
        break;
      if (op == 0x8)
        return FALSE;
      if (op == 0x1 || op == 0x2)
        (*frames)++;
      at += h + size;
    }
  memmove (r->buf, r->buf + at, r->len - at);
  r->len -= at;
  return TRUE;
}

static gpointer
reader_thread (gpointer data)
{
  Soak *soak = data;
  g_autofree struct pollfd *fds = g_new0 (struct pollfd, soak->n_readers);
  g_autofree Reader *readers = g_new0 (Reader, soak->n_readers);

  gint64 next_heartbeat = 0;

  for (guint i = 0; i < soak->n_readers; i++)
    fds[i] = (struct pollfd) { soak->fds[i], POLLIN, 0 };
  while (!g_atomic_int_get (&soak->stop))
    {
      /* Every subscriber says it is alive, the silent one too: a client that sends but never
       * reads is the one whose queue the hub must bound. */
      if (g_get_monotonic_time () >= next_heartbeat)
        {
          for (guint i = 0; i < soak->n_readers; i++)
            if (!soak->closed[i])
              ws_send (soak->fds[i], "{\"type\":\"heartbeat\"}");
          ws_send (soak->silent_fd, "{\"type\":\"heartbeat\"}");
          next_heartbeat = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
        }
      if (poll (fds, soak->n_readers, 200) <= 0)
        continue;
      for (guint i = 0; i < soak->n_readers; i++)
        {
          Reader *r = &readers[i];
          ssize_t n;

          if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
          if (r->cap - r->len < 65536)
            r->buf = g_realloc (r->buf, r->cap = MAX (r->cap * 2, r->len + 65536));
          n = read (fds[i].fd, r->buf + r->len, r->cap - r->len);
          if (n > 0)
            r->len += n;
          if (n <= 0 || !count_frames (r, &soak->frames[i]))
            {
              soak->closed[i] = TRUE;
              fds[i].fd = -1;
            }
        }
    }
  for (guint i = 0; i < soak->n_readers; i++)
    g_free (readers[i].buf);
  return NULL;
}

/* ---- the console: the console's feed client and store, in a child process ---- */

static gboolean
quit_console (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static int
run_console (const char *url)
{
  static const char *layers[] = { "traffic", "environment", "resources", "events", "incidents",
                                  "grid", "alerts", NULL };
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(PanoLiveStore) store = pano_live_store_new (layers);
  g_autoptr(PanoFeedClient) client = pano_feed_client_new (url, VIEW_TOKEN, store);
  guint entities = 0;
  PanoFeedState state;

  pano_feed_client_start (client);
  g_unix_signal_add (SIGTERM, quit_console, loop);
  g_main_loop_run (loop);
  state = pano_feed_client_get_state (client);
  for (guint i = 0; layers[i] != NULL; i++)
    entities += pano_live_layer_get_n_entities (pano_live_store_get_layer (store, layers[i]));
  printf ("console: %s, %u connects, %u entities held\n",
          state == PANO_FEED_CONNECTED ? "connected" : "NOT connected",
          pano_feed_client_get_n_connects (client), entities);
  pano_feed_client_stop (client);
  return state == PANO_FEED_CONNECTED ? 0 : 1;
}

/* ---- after the run: every acknowledged command in SQLite ---- */

static guint
count_lost (Soak       *soak,
            const char *db_path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *command = NULL, *incident = NULL;
  guint lost = 0;

  if (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT status FROM commands WHERE key = ?", -1, &command,
                          NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT body FROM incidents WHERE id = ?", -1, &incident,
                          NULL) != SQLITE_OK)
    g_error ("cannot read %s: %s", db_path, db ? sqlite3_errmsg (db) : "no memory");
  for (guint i = 0; i < soak->acked->len; i++)
    {
      Acked *a = soak->acked->pdata[i];
      gboolean ok;

      sqlite3_bind_text (command, 1, a->key, -1, SQLITE_STATIC);
      ok = sqlite3_step (command) == SQLITE_ROW && sqlite3_column_int (command, 0) / 100 == 2;
      sqlite3_reset (command);
      sqlite3_bind_text (incident, 1, a->incident, -1, SQLITE_STATIC);
      ok = ok && sqlite3_step (incident) == SQLITE_ROW &&
           (a->text == NULL ||
            strstr ((const char *) sqlite3_column_text (incident, 0), a->text) != NULL);
      sqlite3_reset (incident);
      if (!ok && lost++ < 5)
        g_printerr ("lost: %s %s on %s\n", a->kind, a->key, a->incident);
    }
  sqlite3_finalize (command);
  sqlite3_finalize (incident);
  sqlite3_close (db);
  return lost;
}

static guint
count_log_lines (const char *path,
                 const char *what)
{
  g_autofree char *text = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  for (const char *p = text; (p = strstr (p, what)) != NULL; p++)
    n++;
  return n;
}

/* ---- the run ---- */

typedef struct
{
  char *dir;
  char *db_path;
  char *log_path;
  GSubprocess *hub;
  GSubprocess *console;
} Run;

static gboolean
start_hub (Run      *run,
           Soak     *soak,
           GError  **error)
{
  g_autofree char *config = g_build_filename (run->dir, "hub.conf", NULL);
  g_autofree char *port_file = g_build_filename (run->dir, "port", NULL);
  g_autofree char *entities = g_strdup_printf ("%" G_GINT64_FORMAT, opt_entities);
  g_autofree char *speed = g_strdup_printf ("%g", opt_speed);
  g_autofree char *port = NULL;
  const char *argv[] = { opt_hub, "--config", config, "--database", run->db_path, "--port-file",
                         port_file, "--simulate", "--speed", speed, "--entities", entities,
                         NULL };
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  if (!g_file_set_contents (config, "[hub]\nlisten=127.0.0.1:0\n[tokens]\n"
                            "ingest=admin:" ADMIN_TOKEN "\ndispatch=dispatcher:" DISPATCH_TOKEN
                            "\nwall=viewer:" VIEW_TOKEN "\n", -1, error) ||
      !(run->hub = spawn (argv, run->log_path, error)))
    return FALSE;
  while (!g_file_get_contents (port_file, &port, NULL, NULL) || *port == '\0')
    {
      g_clear_pointer (&port, g_free);
      if (g_get_monotonic_time () > deadline || g_subprocess_get_identifier (run->hub) == NULL)
        return g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                            "panorama-hub did not start (log: %s)", run->log_path), FALSE;
      g_usleep (100000);
    }
  soak->port = g_ascii_strtoull (port, NULL, 10);
  soak->url = g_strdup_printf ("http://127.0.0.1:%u", soak->port);
  return TRUE;
}

static void
print_sample (Run    *run,
              Soak   *soak,
              gint64  start_us)
{
  guint64 frames = 0;
  guint open = 0;

  for (guint i = 0; i < soak->n_readers; i++)
    {
      frames += soak->frames[i];
      open += !soak->closed[i];
    }
  g_mutex_lock (&soak->lock);
  printf ("| %6.1f | %8.1f | %5d | %8.1f | %10" G_GUINT64_FORMAT " | %8u | %12" G_GUINT64_FORMAT
          " | %u/%u |\n", (g_get_monotonic_time () - start_us) / 6e7,
          rss_kib (pid_of (run->hub)) / 1024.0, open_fds (pid_of (run->hub)),
          rss_kib (pid_of (run->console)) / 1024.0, (guint64) g_atomic_pointer_get (&soak->ingested),
          soak->acked->len, frames, open, soak->n_readers);
  g_mutex_unlock (&soak->lock);
  fflush (stdout);
}

static void
start_load (Run    *run,
            Soak   *soak,
            GThread **threads)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  const char *console_argv[] = { self, "--console", soak->url, NULL };
  g_autoptr(GError) error = NULL;

  if (!(run->console = spawn (console_argv, NULL, &error)))
    g_error ("console: %s", error->message);
  soak->n_readers = opt_subscribers - 1;
  soak->fds = g_new0 (int, soak->n_readers);
  soak->frames = g_new0 (guint64, soak->n_readers);
  soak->closed = g_new0 (gboolean, soak->n_readers);
  for (guint i = 0; i < soak->n_readers; i++)
    soak->fds[i] = subscribe (soak->port);
  soak->silent_fd = subscribe (soak->port);
  threads[0] = g_thread_new ("readers", reader_thread, soak);
  threads[1] = g_thread_new ("ingest", ingest_thread, soak);
  threads[2] = g_thread_new ("commands", command_thread, soak);
}

/* Stops the load, the console and the hub. Returns: the console's exit status */
static int
stop_all (Run     *run,
          Soak    *soak,
          GThread **threads)
{
  int console_status;

  g_atomic_int_set (&soak->stop, 1);
  for (guint i = 0; i < 3; i++)
    g_thread_join (threads[i]);
  g_subprocess_send_signal (run->console, SIGTERM);
  g_subprocess_wait (run->console, NULL, NULL);
  console_status = g_subprocess_get_if_exited (run->console) ?
                   g_subprocess_get_exit_status (run->console) : -1;
  for (guint i = 0; i < soak->n_readers; i++)
    close (soak->fds[i]);
  close (soak->silent_fd);
  g_subprocess_send_signal (run->hub, SIGTERM);
  g_subprocess_wait (run->hub, NULL, NULL);
  return console_status;
}

static int
report (Run  *run,
        Soak *soak,
        int   console_status,
        gboolean hub_died)
{
  guint lost = count_lost (soak, run->db_path);
  guint criticals = count_log_lines (run->log_path, "CRITICAL");
  guint cut = 0;
  gboolean ok;

  for (guint i = 0; i < soak->n_readers; i++)
    cut += soak->closed[i];
  ok = lost == 0 && criticals == 0 && cut == 0 && !hub_died && console_status == 0 &&
       soak->ingest_errors == 0 && soak->command_errors == 0 && soak->acked->len > 0;
  printf ("\nacknowledged commands: %u, lost: %u; refused or failed commands: %"
          G_GUINT64_FORMAT "%s%s\n", soak->acked->len, lost, soak->command_errors,
          soak->first_error ? " — first: " : "", soak->first_error ? soak->first_error : "");
  printf ("updates ingested: %" G_GUINT64_FORMAT ", refused batches: %" G_GUINT64_FORMAT "\n",
          (guint64) soak->ingested, soak->ingest_errors);
  printf ("reading subscribers cut off: %u of %u; hub %s; console exit %d; CRITICAL lines in "
          "the hub's log: %u\n", cut, soak->n_readers, hub_died ? "DIED" : "ran throughout",
          console_status, criticals);
  printf ("%s\n", ok ? "soak: no loss, no error" : "soak: FAILED");
  return ok ? 0 : 1;
}

int
main (int   argc,
      char *argv[])
{
  const GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_INT64, &opt_seconds, "Length of the run (3600)", "S" },
    { "sample-s", 0, 0, G_OPTION_ARG_INT64, &opt_sample_s, "Seconds between samples (60)", "S" },
    { "entities", 0, 0, G_OPTION_ARG_INT64, &opt_entities, "Simulated sensor nodes (100000)",
      "N" },
    { "speed", 0, 0, G_OPTION_ARG_DOUBLE, &opt_speed, "Simulator speed (10)", "X" },
    { "subscribers", 0, 0, G_OPTION_ARG_INT64, &opt_subscribers,
      "Stream subscribers, one never reading (50)", "N" },
    { "rate", 0, 0, G_OPTION_ARG_INT64, &opt_rate, "Ingested updates per second (5000)", "N" },
    { "command-ms", 0, 0, G_OPTION_ARG_INT64, &opt_command_ms, "Between commands (200)", "MS" },
    { "hub", 0, 0, G_OPTION_ARG_FILENAME, &opt_hub, "panorama-hub to run", "PATH" },
    { "console", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &opt_console, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— soak panorama-hub");
  g_autoptr(GError) error = NULL;
  Soak soak = { .acked = g_ptr_array_new_with_free_func (acked_free) };
  Run run = { 0 };
  GThread *threads[3];
  gint64 start, end, next_sample;
  gboolean hub_died = FALSE;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (opt_console != NULL)
    return run_console (opt_console);
  if (opt_hub == NULL)
    opt_hub = g_strdup (PANO_HUB_BINARY);
  opt_subscribers = MAX (opt_subscribers, 2);
  signal (SIGPIPE, SIG_IGN);
  g_mutex_init (&soak.lock);
  run.dir = g_dir_make_tmp ("pano-soak-XXXXXX", &error);
  if (run.dir == NULL)
    g_error ("%s", error->message);
  run.db_path = g_build_filename (run.dir, "hub.sqlite", NULL);
  run.log_path = g_build_filename (run.dir, "hub.log", NULL);
  if (!start_hub (&run, &soak, &error))
    g_error ("%s", error->message);
  printf ("# soak: hub --simulate --speed %g --entities %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
          " subscribers (1 never reads), %" G_GINT64_FORMAT " updates/s ingested, a command "
          "every %" G_GINT64_FORMAT " ms, %" G_GINT64_FORMAT " s\n\n", opt_speed, opt_entities,
          opt_subscribers, opt_rate, opt_command_ms, opt_seconds);
  printf ("| min | hub RSS MiB | hub fds | console RSS MiB | updates ingested | commands acked "
          "| frames read | readers open |\n|---|---|---|---|---|---|---|---|\n");
  start = g_get_monotonic_time ();
  end = start + opt_seconds * G_USEC_PER_SEC;
  start_load (&run, &soak, threads);
  print_sample (&run, &soak, start);
  for (next_sample = start + opt_sample_s * G_USEC_PER_SEC; g_get_monotonic_time () < end;)
    {
      g_usleep (200000);
      if (g_subprocess_get_identifier (run.hub) == NULL)   /* reaped: it exited */
        {
          hub_died = TRUE;
          break;
        }
      if (g_get_monotonic_time () >= next_sample)
        {
          print_sample (&run, &soak, start);
          next_sample += opt_sample_s * G_USEC_PER_SEC;
        }
    }
  print_sample (&run, &soak, start);
  status = report (&run, &soak, stop_all (&run, &soak, threads), hub_died);
  if (status == 0)
    {
      g_unlink (run.log_path);
      g_unlink (run.db_path);
    }
  else
    printf ("kept for a look: %s\n", run.dir);
  return status;
}
