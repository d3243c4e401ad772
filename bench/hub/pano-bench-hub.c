// SPDX-License-Identifier: GPL-3.0-or-later
#define _GNU_SOURCE
/* pano-bench-hub: fan-out of panorama-hub next to mosquitto, on loopback, in one run.
 *
 * Both sides get the same treatment: N subscribers are raw sockets polled by one thread (a
 * minimal WebSocket reader for the hub, a minimal MQTT 3.1.1 reader for mosquitto); one
 * publisher thread feeds the server; the figure is messages delivered to all subscribers per
 * second, from the first publish to the last delivery. A hub delta frame may carry many
 * updates (one frame per ingest request): its seq range is what is counted. mosquitto runs
 * twice: once relaying one update per message (a payload as long as one update of the hub's
 * frame), and once relaying exactly the hub's frames (a payload as long as one delta frame,
 * counted as the updates that frame carries) — the like-for-like comparison. Also measures ingest updates/s, the hub's CPU at a
 * paced 20 000 updates/s with one subscriber, and durable commands/s. Prints figures; never
 * passes or fails on them. `--hub PATH` runs another panorama-hub binary (before/after). */
#define G_LOG_DOMAIN "panorama-bench-hub"

#include <arpa/inet.h>
#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define TOKEN "bench-admin"
#define RUN_LIMIT_S 90

typedef enum { KIND_WS, KIND_MQTT } Kind;

typedef struct
{
  int fd;
  Kind kind;
  guint8 *buf;
  gsize len;
  gsize cap;
  guint64 messages;      /* updates: a hub delta counts its seq range */
  guint64 frames;
  guint snapshots;
  gsize last_size;       /* bytes per update of the last message */
  gsize last_frame;      /* bytes of the last delta frame (its payload) */
  guint64 last_updates;  /* updates the last delta frame carried */
} Conn;

static const char *hub_binary = PANO_HUB_BINARY;

static int
tcp_connect (guint port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM, 0), one = 1;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    g_error ("connect to %u: %s", port, g_strerror (errno));
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

static void
write_all (int         fd,
           const void *data,
           gsize       len)
{
  const guint8 *p = data;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        g_error ("write: %s", g_strerror (errno));
      p += n;
      len -= n;
    }
}

/* Blocking read of at least one byte into the connection buffer. */
static gboolean
fill (Conn *c)
{
  ssize_t n;

  if (c->cap - c->len < 65536)
    {
      c->cap = MAX (c->cap * 2, c->len + 65536);
      c->buf = g_realloc (c->buf, c->cap);
    }
  n = read (c->fd, c->buf + c->len, c->cap - c->len);
  if (n <= 0)
    return FALSE;
  c->len += n;
  return TRUE;
}

static void
consume (Conn *c,
         gsize n)
{
  memmove (c->buf, c->buf + n, c->len - n);
  c->len -= n;
}

/* ---- WebSocket reader ---- */

static void
ws_send_text (int         fd,
              const char *text)
{
  gsize len = strlen (text);
  g_autofree guint8 *frame = g_malloc (len + 14);
  guint8 mask[4] = { 1, 2, 3, 4 };
  gsize h = 0;

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
  write_all (fd, frame, h + len);
}

/* Consumes whole frames; returns FALSE when more bytes are needed. */
static gboolean
ws_parse_one (Conn *c)
{
  guint64 len;
  gsize h = 2;

  if (c->len < 2)
    return FALSE;
  len = c->buf[1] & 0x7f;
  if (len == 126)
    {
      if (c->len < 4)
        return FALSE;
      len = (c->buf[2] << 8) | c->buf[3];
      h = 4;
    }
  else if (len == 127)
    {
      if (c->len < 10)
        return FALSE;
      len = 0;
      for (int i = 0; i < 8; i++)
        len = (len << 8) | c->buf[2 + i];
      h = 10;
    }
  if (c->len < h + len)
    return FALSE;
  if ((c->buf[0] & 0x0f) == 1 && len > 15 && memcmp (c->buf + h, "{\"type\":\"delta\"", 15) == 0)
    {
      const char *head = (const char *) c->buf + h;
      const char *from = g_strstr_len (head, MIN (len, 200), "\"from_seq\":");
      const char *to = g_strstr_len (head, MIN (len, 200), ",\"seq\":");
      guint64 updates = from && to ? g_ascii_strtoull (to + 7, NULL, 10) -
                                     g_ascii_strtoull (from + 11, NULL, 10) + 1 : 1;

      c->messages += updates;
      c->frames++;
      c->last_size = len / MAX (updates, 1);
      c->last_frame = len;
      c->last_updates = updates;
    }
  else if ((c->buf[0] & 0x0f) == 1 && len > 18 &&
           memcmp (c->buf + h, "{\"type\":\"snapshot\"", 18) == 0)
    c->snapshots++;
  consume (c, h + len);
  return TRUE;
}

static Conn *
ws_subscribe (guint port)
{
  Conn *c = g_new0 (Conn, 1);
  static const char request[] =
    "GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n\r\n";
  guint8 *end;

  c->kind = KIND_WS;
  c->fd = tcp_connect (port);
  write_all (c->fd, request, strlen (request));
  while ((end = c->len ? memmem (c->buf, c->len, "\r\n\r\n", 4) : NULL) == NULL)
    if (!fill (c))
      g_error ("WebSocket handshake failed");
  consume (c, end + 4 - c->buf);
  ws_send_text (c->fd, "{\"type\":\"hello\",\"protocol\":1,\"token\":\"" TOKEN "\","
                       "\"client\":\"bench\"}");
  ws_send_text (c->fd, "{\"type\":\"subscribe\",\"layers\":[\"traffic\"]}");
  return c;
}

/* ---- MQTT 3.1.1 reader ---- */

static gsize
mqtt_varint (guint8 *out,
             gsize   value)
{
  gsize n = 0;

  do
    {
      out[n] = value % 128;
      value /= 128;
      if (value > 0)
        out[n] |= 0x80;
      n++;
    }
  while (value > 0);
  return n;
}

static void
mqtt_connect (int         fd,
              const char *id)
{
  guint8 packet[128];
  gsize idlen = strlen (id), rem = 10 + 2 + idlen, n = 0;
  guint8 head[] = { 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 120 };

  packet[n++] = 0x10;
  n += mqtt_varint (packet + n, rem);
  memcpy (packet + n, head, sizeof head);
  n += sizeof head;
  packet[n++] = idlen >> 8;
  packet[n++] = idlen & 0xff;
  memcpy (packet + n, id, idlen);
  write_all (fd, packet, n + idlen);
}

static gboolean
mqtt_parse_one (Conn *c)
{
  gsize rem = 0, mult = 1, i = 1;

  for (;; i++)
    {
      if (i >= c->len)
        return FALSE;
      rem += (c->buf[i] & 0x7f) * mult;
      mult *= 128;
      if (!(c->buf[i] & 0x80))
        break;
    }
  if (c->len < i + 1 + rem)
    return FALSE;
  if ((c->buf[0] >> 4) == 3)
    {
      c->messages++;
      c->last_size = rem;
    }
  consume (c, i + 1 + rem);
  return TRUE;
}

static Conn *
mqtt_subscribe (guint port,
                guint index)
{
  Conn *c = g_new0 (Conn, 1);
  g_autofree char *id = g_strdup_printf ("bench-sub-%u", index);
  static const char topic[] = "bench/traffic";
  guint8 subscribe[32] = { 0x82, 2 + 2 + sizeof topic - 1 + 1, 0, 1, 0, sizeof topic - 1 };

  c->kind = KIND_MQTT;
  c->fd = tcp_connect (port);
  mqtt_connect (c->fd, id);
  memcpy (subscribe + 6, topic, sizeof topic - 1);
  subscribe[6 + sizeof topic - 1] = 0;
  write_all (c->fd, subscribe, 6 + sizeof topic);
  /* CONNACK and SUBACK arrive before any message: read them before publishing starts. */
  while (c->len < 4 + 5)
    if (!fill (c))
      g_error ("MQTT subscribe failed");
  consume (c, 4 + 5);
  return c;
}

/* ---- publishers (one thread each run) ---- */

typedef struct
{
  guint port;
  guint64 count;        /* messages to publish */
  gsize payload;        /* MQTT payload bytes */
  guint batch;          /* features per ingest request */
} Publish;

static gpointer
mqtt_publish (gpointer data)
{
  Publish *p = data;
  int fd = tcp_connect (p->port);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree guint8 *payload = g_malloc (p->payload);
  guint8 head[16], ack[4];
  static const char topic[] = "bench/traffic";

  memset (payload, 'x', p->payload);
  mqtt_connect (fd, "bench-pub");
  if (read (fd, ack, 4) != 4)
    g_error ("MQTT CONNACK missing");
  for (guint64 i = 0; i < p->count; i++)
    {
      gsize n = 0;

      head[n++] = 0x30;
      n += mqtt_varint (head + n, 2 + sizeof topic - 1 + p->payload);
      head[n++] = 0;
      head[n++] = sizeof topic - 1;
      g_byte_array_append (out, head, n);
      g_byte_array_append (out, (const guint8 *) topic, sizeof topic - 1);
      g_byte_array_append (out, payload, p->payload);
      if (out->len > 65536 || i + 1 == p->count)
        {
          write_all (fd, out->data, out->len);
          g_byte_array_set_size (out, 0);
        }
    }
  /* Leave the connection open until the run ends: closing early could drop queued input. */
  return GINT_TO_POINTER (fd);
}

static char *
ingest_body (guint   first,
             guint   count,
             guint64 value,
             guint   distinct)
{
  GString *body = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");

  for (guint i = 0; i < count; i++)
    g_string_append_printf (body, "%s{\"type\":\"Feature\",\"id\":\"road-%u\",\"geometry\":"
                            "{\"type\":\"LineString\",\"coordinates\":[[110.7801,32.6402],"
                            "[110.7834,32.6431]]},\"properties\":{\"speed_kmh\":%" G_GUINT64_FORMAT
                            ",\"level\":\"slow\",\"class\":\"arterial\"}}", i ? "," : "",
                            (first + i) % distinct, value + i);
  g_string_append (body, "]}");
  return g_string_free (body, FALSE);
}

/* One HTTP/1.1 request on a kept-alive connection; returns the status. */
static guint
http_request (int         fd,
              const char *method,
              const char *path,
              const char *extra_headers,
              const char *body)
{
  g_autofree char *head = g_strdup_printf ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                           "Authorization: Bearer " TOKEN "\r\n%s"
                                           "Content-Type: application/json\r\n"
                                           "Content-Length: %zu\r\n\r\n", method, path,
                                           extra_headers, strlen (body));
  Conn c = { fd };
  guint8 *end;
  gsize content = 0;
  guint status;

  write_all (fd, head, strlen (head));
  write_all (fd, body, strlen (body));
  while ((end = c.len ? memmem (c.buf, c.len, "\r\n\r\n", 4) : NULL) == NULL)
    if (!fill (&c))
      g_error ("HTTP response missing");
  status = atoi ((char *) c.buf + 9);
  {
    char *cl = g_strstr_len ((char *) c.buf, end - c.buf, "Content-Length: ");

    content = cl ? strtoul (cl + 16, NULL, 10) : 0;
  }
  while (c.len < (gsize) (end - c.buf) + 4 + content)
    {
      gsize offset = end - c.buf;

      if (!fill (&c))
        g_error ("HTTP body cut short");
      end = c.buf + offset;
    }
  g_free (c.buf);
  return status;
}

static gpointer
hub_publish (gpointer data)
{
  Publish *p = data;
  int fd = tcp_connect (p->port);

  for (guint64 sent = 0; sent < p->count; sent += p->batch)
    {
      g_autofree char *body = ingest_body (sent, MIN (p->batch, p->count - sent), sent, 2000);

      if (http_request (fd, "POST", "/v1/ingest/traffic", "", body) != 200)
        g_error ("ingest refused");
    }
  close (fd);
  return NULL;
}

/* ---- receiving ---- */

static void
conn_free (Conn *c)
{
  close (c->fd);
  g_free (c->buf);
  g_free (c);
}

static void
drain (Conn *c)
{
  for (;;)
    {
      ssize_t n;

      if (c->cap - c->len < 65536)
        {
          c->cap = MAX (c->cap * 2, c->len + 65536);
          c->buf = g_realloc (c->buf, c->cap);
        }
      n = read (c->fd, c->buf + c->len, c->cap - c->len);
      if (n <= 0)
        break;
      c->len += n;
      while (c->kind == KIND_WS ? ws_parse_one (c) : mqtt_parse_one (c))
        ;
    }
}

typedef gboolean (*DoneFunc) (Conn *c, guint64 goal);

static gboolean
got_messages (Conn    *c,
              guint64  goal)
{
  return c->messages >= goal;
}

static gboolean
got_snapshot (Conn    *c,
              guint64  goal)
{
  return c->snapshots >= goal;
}

/* Polls every connection until each is done; returns the seconds it took, or -1. */
static double
receive (GPtrArray *conns,
         DoneFunc   done,
         guint64    goal)
{
  g_autofree struct pollfd *fds = g_new0 (struct pollfd, conns->len);
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < conns->len; i++)
    {
      Conn *c = conns->pdata[i];

      g_unix_set_fd_nonblocking (c->fd, TRUE, NULL);
      fds[i].fd = c->fd;
      fds[i].events = POLLIN;
    }
  for (;;)
    {
      guint finished = 0;

      for (guint i = 0; i < conns->len; i++)
        finished += done (conns->pdata[i], goal);
      if (finished == conns->len)
        return (g_get_monotonic_time () - start) / 1e6;
      if (g_get_monotonic_time () - start > RUN_LIMIT_S * G_USEC_PER_SEC)
        return -1;
      poll (fds, conns->len, 100);
      for (guint i = 0; i < conns->len; i++)
        if (fds[i].revents & POLLIN)
          drain (conns->pdata[i]);
    }
}

static guint64
total_messages (GPtrArray *conns)
{
  guint64 total = 0;

  for (guint i = 0; i < conns->len; i++)
    total += ((Conn *) conns->pdata[i])->messages;
  return total;
}

/* ---- servers ---- */

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
spawn (const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                               G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (process == NULL)
    g_error ("%s: %s", argv[0], error->message);
  return process;
}

static guint
free_port (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  guint port;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  bind (fd, (struct sockaddr *) &addr, sizeof addr);
  getsockname (fd, (struct sockaddr *) &addr, &len);
  port = ntohs (addr.sin_port);
  close (fd);
  return port;
}

static gboolean
port_open (guint port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  gboolean ok;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  ok = connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0;
  close (fd);
  return ok;
}

static GSubprocess *
start_hub (const char *dir,
           guint      *port)
{
  g_autofree char *config = g_build_filename (dir, "hub.conf", NULL);
  g_autofree char *port_file = g_build_filename (dir, "port", NULL);
  g_autofree char *text = g_strdup_printf (
    "[hub]\nlisten=127.0.0.1:0\ndatabase=%s/hub.db\n"
    "[stream]\nqueue-limit=100000000\ncoalesce-limit=100000000\n"
    "heartbeat-timeout-ms=600000\n[tokens]\nbench=admin:" TOKEN "\n", dir);
  const char *argv[] = { hub_binary, "--config", config, "--port-file", port_file, NULL };
  g_autofree char *contents = NULL;
  GSubprocess *process;

  g_file_set_contents (config, text, -1, NULL);
  process = spawn (argv);
  for (guint i = 0; i < 1000 && !g_file_get_contents (port_file, &contents, NULL, NULL); i++)
    g_usleep (10000);
  if (contents == NULL)
    g_error ("panorama-hub did not start");
  *port = atoi (contents);
  return process;
}

static GSubprocess *
start_mosquitto (const char *dir,
                 guint      *port)
{
  g_autofree char *config = g_build_filename (dir, "mosquitto.conf", NULL);
  g_autofree char *text = NULL;
  const char *argv[] = { "/usr/sbin/mosquitto", "-c", config, NULL };
  GSubprocess *process;

  *port = free_port ();
  /* No limits on queued messages, no persistence: it only relays. */
  text = g_strdup_printf ("listener %u 127.0.0.1\nallow_anonymous true\npersistence false\n"
                          "max_queued_messages 0\nmax_inflight_messages 0\n", *port);
  g_file_set_contents (config, text, -1, NULL);
  process = spawn (argv);
  for (guint i = 0; i < 500 && !port_open (*port); i++)
    g_usleep (10000);
  return process;
}

/* ---- runs ---- */

static guint64
per_subscriber (guint n)
{
  return CLAMP (400000 / n, 2000, 100000);
}

/* What the hub sent: bytes per update, and its delta frames' size and updates. */
typedef struct
{
  gsize update_bytes;
  gsize frame_bytes;
  guint64 frame_updates;
} Frames;

static double
fanout_hub (guint   port,
            guint   n,
            Frames *frames)
{
  g_autoptr(GPtrArray) conns = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_free);
  Publish publish = { port, per_subscriber (n), 0, 500 };
  GThread *thread;
  double seconds;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (conns, ws_subscribe (port));
  receive (conns, got_snapshot, 1);
  thread = g_thread_new ("publish", hub_publish, &publish);
  seconds = receive (conns, got_messages, publish.count);
  g_thread_join (thread);
  frames->update_bytes = ((Conn *) conns->pdata[0])->last_size;
  frames->frame_bytes = ((Conn *) conns->pdata[0])->last_frame;
  frames->frame_updates = ((Conn *) conns->pdata[0])->last_updates;
  if (seconds < 0)
    g_printerr ("hub, %u subscribers: only %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                " delivered\n", n, total_messages (conns), publish.count * n);
  return seconds < 0 ? 0 : publish.count * n / seconds;
}

/* Updates per second through mosquitto, @updates_per_message updates in each message of
 * @payload bytes. */
static double
fanout_mosquitto (guint   port,
                  guint   n,
                  gsize   payload,
                  guint64 updates_per_message)
{
  g_autoptr(GPtrArray) conns = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_free);
  Publish publish = { port, MAX (per_subscriber (n) / updates_per_message, 1), payload, 0 };
  GThread *thread;
  double seconds;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (conns, mqtt_subscribe (port, i));
  thread = g_thread_new ("publish", mqtt_publish, &publish);
  seconds = receive (conns, got_messages, publish.count);
  close (GPOINTER_TO_INT (g_thread_join (thread)));
  if (seconds < 0)
    g_printerr ("mosquitto, %u subscribers: only %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                " delivered\n", n, total_messages (conns), publish.count * n);
  return seconds < 0 ? 0 : publish.count * updates_per_message * n / seconds;
}

static double
ingest_rate (guint port)
{
  Publish publish = { port, 200000, 0, 1000 };
  gint64 start = g_get_monotonic_time ();

  hub_publish (&publish);
  return publish.count / ((g_get_monotonic_time () - start) / 1e6);
}

typedef struct
{
  guint port;
  guint rate;           /* updates per second */
  guint batch;          /* features per request */
  guint seconds;
  guint64 sent;
} Paced;

/* Requests at fixed times, as a feed would send them; a late request is not made up for. */
static gpointer
hub_publish_paced (gpointer data)
{
  Paced *p = data;
  int fd = tcp_connect (p->port);
  gint64 start = g_get_monotonic_time ();
  gint64 interval = (gint64) p->batch * G_USEC_PER_SEC / p->rate;

  for (guint64 i = 0; i < (guint64) p->rate * p->seconds / p->batch; i++)
    {
      gint64 due = start + (gint64) i * interval;
      g_autofree char *body = ingest_body (p->sent, p->batch, p->sent, 2000);

      if (due > g_get_monotonic_time ())
        g_usleep (due - g_get_monotonic_time ());
      if (http_request (fd, "POST", "/v1/ingest/traffic", "", body) != 200)
        g_error ("ingest refused");
      p->sent += p->batch;
    }
  close (fd);
  return NULL;
}

/* utime + stime of a process, in seconds. */
static double
cpu_seconds (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  char *end;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (end = strrchr (text, ')')) == NULL)
    return 0;
  /* After "pid (comm) ": state is field 3, utime 14, stime 15. */
  fields = g_strsplit (end + 2, " ", 16);
  if (g_strv_length (fields) < 13)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) /
         sysconf (_SC_CLK_TCK);
}

/* The hub's CPU (utime + stime from /proc) while @subscribers follow a paced ingest, from the
 * first request to the last delivery; prints the row. */
static void
paced_cpu (GSubprocess *hub,
           guint        port,
           guint        subscribers)
{
  g_autoptr(GPtrArray) conns = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_free);
  Paced paced = { port, 20000, 200, 10, 0 };
  const char *pid = g_subprocess_get_identifier (hub);
  guint64 frames = 0;
  double cpu, seconds;
  gint64 start;
  GThread *thread;

  for (guint i = 0; i < subscribers; i++)
    g_ptr_array_add (conns, ws_subscribe (port));
  receive (conns, got_snapshot, 1);
  for (guint i = 0; i < conns->len; i++)
    ((Conn *) conns->pdata[i])->messages = ((Conn *) conns->pdata[i])->frames = 0;
  cpu = cpu_seconds (pid);
  start = g_get_monotonic_time ();
  thread = g_thread_new ("paced", hub_publish_paced, &paced);
  receive (conns, got_messages, (guint64) paced.rate * paced.seconds);
  g_thread_join (thread);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  cpu = cpu_seconds (pid) - cpu;
  for (guint i = 0; i < conns->len; i++)
    frames += ((Conn *) conns->pdata[i])->frames;
  g_print ("Paced ingest, %u updates/s in %u-feature requests for %u s, %u subscriber(s): "
           "hub CPU %.2f s in %.1f s (%.0f %% of one core); %" G_GUINT64_FORMAT
           " frames to the subscriber(s) (%.0f/s)\n", paced.rate, paced.batch, paced.seconds,
           subscribers, cpu, seconds, 100 * cpu / seconds, frames, frames / seconds);
}

static double
command_rate (guint port,
              guint count)
{
  int fd = tcp_connect (port);
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < count; i++)
    {
      g_autofree char *key = g_strdup_printf ("Idempotency-Key: bench-%u\r\n", i);

      if (http_request (fd, "POST", "/v1/commands", key,
                        "{\"command\":\"create\",\"category\":\"市政设施\",\"severity\":2,"
                        "\"location\":[110.79,32.65]}") != 201)
        g_error ("command refused");
    }
  close (fd);
  return count / ((g_get_monotonic_time () - start) / 1e6);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* "median (worst)" of @n samples of a rate, sorted in place. */
static char *
median_worst (double *samples,
              guint   n)
{
  qsort (samples, n, sizeof *samples, compare_double);
  return g_strdup_printf ("%.0f (%.0f)", samples[n / 2], samples[0]);
}

/* One row: the hub, mosquitto relaying single updates, and mosquitto relaying the hub's own
 * frames, @runs times each, the order rotated so that none always goes first. */
static void
fanout_row (guint   hub_port,
            guint   broker_port,
            guint   n,
            guint   runs,
            Frames *frames)
{
  g_autofree double *hub = g_new0 (double, runs);
  g_autofree double *single = g_new0 (double, runs);
  g_autofree double *batched = g_new0 (double, runs);
  g_autofree char *h = NULL, *s = NULL, *b = NULL;
  double hub_median, batched_median;

  for (guint r = 0; r < runs; r++)
    for (guint k = 0; k < 3; k++)
      switch ((r + k) % 3)
        {
        case 0:
          hub[r] = fanout_hub (hub_port, n, frames);
          break;
        case 1:
          single[r] = frames->update_bytes ? fanout_mosquitto (broker_port, n,
                                                               frames->update_bytes, 1) : 0;
          break;
        default:
          batched[r] = frames->frame_bytes ? fanout_mosquitto (broker_port, n,
                                                               frames->frame_bytes,
                                                               frames->frame_updates) : 0;
          break;
        }
  h = median_worst (hub, runs);
  s = median_worst (single, runs);
  b = median_worst (batched, runs);
  hub_median = hub[runs / 2];
  batched_median = batched[runs / 2];
  g_print ("| %u | %" G_GUINT64_FORMAT " | %s | %s | %s | %.2f |\n", n, per_subscriber (n), h, s,
           b, batched_median > 0 ? hub_median / batched_median : 0);
}

int
main (int   argc,
      char *argv[])
{
  static const guint fanouts[] = { 1, 10, 100, 200 };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pano-bench-hub-XXXXXX", &error);
  g_autoptr(GSubprocess) hub = NULL;
  g_autoptr(GSubprocess) broker = NULL;
  guint hub_port, broker_port;
  Frames frames = { 0 };
  guint runs = 3;

  signal (SIGPIPE, SIG_IGN);
  g_assert_no_error (error);
  for (int i = 1; i < argc; i++)
    if (i + 1 < argc && g_str_equal (argv[i], "--hub"))
      hub_binary = argv[++i];
    else if (i + 1 < argc && g_str_equal (argv[i], "--runs"))
      runs = CLAMP (atoi (argv[++i]), 1, 50);
    else
      {
        g_printerr ("Usage: %s [--hub PATH-TO-panorama-hub] [--runs N (3)]\n", argv[0]);
        return 2;
      }
  g_print ("panorama-hub: %s\n\n", hub_binary);
  hub = start_hub (dir, &hub_port);
  broker = start_mosquitto (dir, &broker_port);
  g_print ("Fan-out, %u runs of each, order rotated; median (worst) updates/s:\n\n", runs);
  g_print ("| subscribers | updates each | panorama-hub | mosquitto, one update per message | "
           "mosquitto, the hub's frames | hub / mosquitto, same frames |\n"
           "|---|---|---|---|---|---|\n");
  for (guint i = 0; i < G_N_ELEMENTS (fanouts); i++)
    fanout_row (hub_port, broker_port, fanouts[i], runs, &frames);
  g_print ("\nPayloads (MQTT QoS 0): one update, %zu bytes; one of the hub's delta frames, "
           "%zu bytes carrying %" G_GUINT64_FORMAT " updates.\n", frames.update_bytes,
           frames.frame_bytes, frames.frame_updates);
  g_print ("Ingest (POST /v1/ingest, 1000 features per request, no subscribers): %.0f updates/s\n",
           ingest_rate (hub_port));
  paced_cpu (hub, hub_port, 0);
  paced_cpu (hub, hub_port, 1);
  g_print ("Durable commands (POST /v1/commands create, one client, sequential, "
           "SQLite WAL synchronous=FULL): %.0f commands/s\n", command_rate (hub_port, 300));
  g_subprocess_force_exit (hub);
  g_subprocess_force_exit (broker);
  return 0;
}
