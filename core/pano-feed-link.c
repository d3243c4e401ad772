// SPDX-License-Identifier: GPL-3.0-or-later
/* The feed client's link to panorama-hub: a thread of its own, with its own main context, that
 * owns the WebSocket. It connects, sends what the main thread posts, reads each frame as it
 * arrives, decodes it and queues it, and keeps the heartbeats going and notices a silent hub
 * however long a paint holds the main thread. It knows nothing of the state, the backoff or the
 * store (those are pano-feed-client.c's, on the main thread): it only carries frames both ways
 * and reports what became of a connection. */
#define G_LOG_DOMAIN "panorama-feed"

#include "pano-feed-link.h"
#include "pano-protocol.h"

#include <libsoup/soup.h>

#define DEFAULT_HEARTBEAT_MS 10000
#define DEFAULT_TIMEOUT_MS 30000
#define MAX_INCOMING (8 * 1024 * 1024)
#define MAX_BACKLOG 50000   /* frames received but not yet applied … */
#define MAX_BACKLOG_BYTES (256 * 1024 * 1024)   /* … and their size as received */
/* How long a client going away waits for the hub to answer its close: a polite goodbye on a
 * live hub takes a millisecond, and a hung one must not hold a closing window. */
#define CLOSE_WAIT_MS 500
#define HEARTBEAT_FRAME "{\"type\":\"heartbeat\"}"

/* What the owner (the feed client) and the link thread share. The owner, the thread and every
 * callback queued on the main context hold a reference, so none of them meets freed memory;
 * @owner is read and cleared only on the main thread, so a callback arriving after the owner let
 * go finds NULL there. The fields under "the link thread's" are touched only on that thread. */
struct _PanoFeedLink
{
  GMainContext *main_context;
  gpointer owner;
  PanoFeedLinkApplyFunc apply;
  PanoFeedLinkReportFunc report;
  int apply_priority;
  int backlog_priority;
  GAsyncQueue *decoded;       /* PanoFeedLinkDecoded, in arrival order */
  gint apply_scheduled;       /* atomic */
  gssize backlog_bytes;       /* atomic: the size of the frames queued and not yet released */
  gssize max_backlog_bytes;   /* atomic */
  guint n_fell_behind;        /* atomic */
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;

  /* the link thread's */
  SoupSession *session;
  SoupWebsocketConnection *connection;
  GCancellable *cancellable;  /* the connect in flight */
  guint generation;           /* the main thread's, when it asked for this connection */
  char *url;
  char *hello;
  GSource *heartbeat;
  gint64 heartbeat_interval_ms;
  gint64 heartbeat_timeout_ms;
  gint64 last_received_us;
  guint n_pending;            /* connects and closes still to finish on this thread */
};

typedef enum
{
  LINK_CONNECT,
  LINK_SEND,
  LINK_DISCONNECT,
  LINK_TRUST,
  LINK_QUIT,
} LinkOp;

/* Main thread → link: run in the order posted (same priority, one context). */
typedef struct
{
  PanoFeedLink *link;
  LinkOp op;
  guint generation;
  char *url;
  char *uri;
  char *text;
  GTlsDatabase *trust;        /* LINK_TRUST */
} Command;

/* Link → main thread: the news, and the reference that keeps the link alive until it is told. */
typedef struct
{
  PanoFeedLink *link;         /* a reference */
  PanoFeedLinkReport report;
} Report;

typedef struct
{
  PanoFeedLink *link;         /* a reference */
  GCancellable *cancellable;
  SoupMessage *message;       /* to tell a refused certificate from an unreachable hub */
} Attempt;

void
pano_feed_link_decoded_free (PanoFeedLinkDecoded *d)
{
  g_clear_pointer (&d->frame, pano_feed_frame_free);
  g_clear_error (&d->error);
  g_free (d);
}

static void
link_clear (PanoFeedLink *link)
{
  g_async_queue_unref (link->decoded);   /* whoever lets go of it last frees what is left */
  g_main_loop_unref (link->loop);
  g_main_context_unref (link->context);
  g_main_context_unref (link->main_context);
  g_free (link->url);
  g_free (link->hello);
}

static PanoFeedLink *
link_ref (PanoFeedLink *link)
{
  return g_atomic_rc_box_acquire (link);
}

static void
link_unref (PanoFeedLink *link)
{
  g_atomic_rc_box_release_full (link, (GDestroyNotify)link_clear);
}

static gboolean on_decoded_queued (gpointer user_data);

/* On the link thread from here to the next such comment. */

static void
link_report (PanoFeedLink *link,
             gboolean      connected,
             const char   *why,
             gboolean      fell_behind,
             guint         refused);

static void
link_send (PanoFeedLink *link,
           const char   *text)
{
  if (link->connection &&
      soup_websocket_connection_get_state (link->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (link->connection, text);
}

static gboolean
forget_retired (gpointer data)
{
  return G_SOURCE_REMOVE;
}

static void
on_retired (SoupWebsocketConnection *connection,
            PanoFeedLink            *link)
{
  g_autoptr(GSource) idle = g_idle_source_new ();

  g_signal_handlers_disconnect_by_data (connection, link);
  link->n_pending--;
  /* Let go of it once libsoup is done emitting. */
  g_source_set_callback (idle, forget_retired, connection, g_object_unref);
  g_source_attach (idle, link->context);
}

/* Takes @connection. One being closed is kept until the hub has answered, so a client going
 * away can wait for that and leave nothing of it on a context about to be freed. */
static void
link_retire (PanoFeedLink            *link,
             SoupWebsocketConnection *connection)
{
  if (connection == NULL)
    return;
  g_signal_handlers_disconnect_by_data (connection, link);
  if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_CLOSED)
    {
      g_object_unref (connection);
      return;
    }
  if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  link->n_pending++;
  g_signal_connect (connection, "closed", G_CALLBACK (on_retired), link);
}

static void
link_drop (PanoFeedLink *link)
{
  if (link->heartbeat)
    {
      g_source_destroy (link->heartbeat);
      g_clear_pointer (&link->heartbeat, g_source_unref);
    }
  g_cancellable_cancel (link->cancellable);
  g_clear_object (&link->cancellable);
  link_retire (link, g_steal_pointer (&link->connection));
}

static void
link_lost (PanoFeedLink *link,
           const char   *why,
           gboolean      fell_behind,
           guint         refused)
{
  link_drop (link);
  link_report (link, FALSE, why, fell_behind, refused);
}

static gboolean
on_heartbeat (gpointer user_data)
{
  PanoFeedLink *link = user_data;
  gint64 silent_ms = (g_get_monotonic_time () - link->last_received_us) / 1000;

  if (silent_ms > link->heartbeat_timeout_ms)
    {
      g_autofree char *why = g_strdup_printf ("the hub sent nothing for %" G_GINT64_FORMAT " s",
                                              silent_ms / 1000);
      link_lost (link, why, FALSE, 0);
      return G_SOURCE_REMOVE;
    }
  link_send (link, HEARTBEAT_FRAME);
  return G_SOURCE_CONTINUE;
}

static void
link_start_heartbeat (PanoFeedLink *link)
{
  if (link->heartbeat)
    g_source_destroy (link->heartbeat);
  g_clear_pointer (&link->heartbeat, g_source_unref);
  /* Check at least every second, so a dead hub is noticed soon after the timeout. */
  link->heartbeat = g_timeout_source_new (MIN (link->heartbeat_interval_ms, 1000));
  g_source_set_callback (link->heartbeat, on_heartbeat, link, NULL);
  g_source_attach (link->heartbeat, link->context);
}

/* Frames are decoded here, in arrival order, while the main thread may be painting; the
 * main thread only applies them. */
static void
on_message (SoupWebsocketConnection *connection,
            SoupWebsocketDataType    type,
            GBytes                  *message,
            PanoFeedLink            *link)
{
  PanoFeedLinkDecoded *d;
  gsize length;
  const char *text;

  link->last_received_us = g_get_monotonic_time ();
  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return;
  text = g_bytes_get_data (message, &length);
  /* Bounded in frames and in bytes (a few large frames weigh more than many small ones): a
   * console that cannot keep up starts again from where it is (resume or snapshot) rather than
   * queueing without end; the hub then coalesces for it. A frame is always taken when nothing
   * is queued, however large, or a big snapshot chunk could never be received. */
  if (g_async_queue_length (link->decoded) >= MAX_BACKLOG ||
      (g_async_queue_length (link->decoded) > 0 &&
       (gsize)g_atomic_pointer_get (&link->backlog_bytes) + length >
       (gsize)g_atomic_pointer_get (&link->max_backlog_bytes)))
    {
      g_atomic_int_inc (&link->n_fell_behind);
      link_lost (link, "this console fell too far behind the hub and resubscribed", TRUE, 0);
      return;
    }
  d = g_new0 (PanoFeedLinkDecoded, 1);
  d->generation = link->generation;
  d->bytes = length;
  g_atomic_pointer_add (&link->backlog_bytes, (gssize)length);
  d->frame = pano_feed_frame_decode (text, length, &d->error);
  if (d->frame && d->frame->type == PANO_FEED_FRAME_WELCOME)
    {
      link->heartbeat_interval_ms = d->frame->heartbeat_interval_ms > 0
                                    ? d->frame->heartbeat_interval_ms : DEFAULT_HEARTBEAT_MS;
      link->heartbeat_timeout_ms = d->frame->heartbeat_timeout_ms > 0
                                   ? d->frame->heartbeat_timeout_ms : DEFAULT_TIMEOUT_MS;
      link_start_heartbeat (link);
    }
  g_async_queue_push (link->decoded, d);
  if (!g_atomic_int_exchange (&link->apply_scheduled, TRUE))
    {
      g_autoptr(GSource) idle = g_idle_source_new ();

      g_source_set_priority (idle, link->apply_priority);
      g_source_set_callback (idle, on_decoded_queued, link_ref (link),
                             (GDestroyNotify)link_unref);
      g_source_attach (idle, link->main_context);
    }
}

/* The hub's close codes (docs/protocol.md §3.3) in words for the operator. */
static const char *
describe_close (guint code)
{
  switch (code)
    {
    case PANO_CLOSE_HEARTBEAT_TIMEOUT:
      return "the hub heard nothing from this console for too long";
    case PANO_CLOSE_UNAUTHORIZED:
      return "the hub refused this console's token";
    case PANO_CLOSE_BAD_PROTOCOL:
      return "the hub speaks another protocol version";
    case PANO_CLOSE_SLOW_CONSUMER:
      return "the hub cut this console off because it fell too far behind";
    case PANO_CLOSE_RATE_LIMITED:
      return "the hub turns this address away for a while after failed authentications";
    case SOUP_WEBSOCKET_CLOSE_GOING_AWAY:
      return "the hub is shutting down";
    case SOUP_WEBSOCKET_CLOSE_TOO_BIG:
      return "the hub refused a frame as too large";
    default:
      return "the hub closed the connection";
    }
}

static void
on_closed (SoupWebsocketConnection *connection,
           PanoFeedLink            *link)
{
  guint code = soup_websocket_connection_get_close_code (connection);
  const char *reason = soup_websocket_connection_get_close_data (connection);
  g_autofree char *why = g_strdup_printf ("%s (%u%s%s)", describe_close (code), code,
                                          reason && *reason ? ": " : "", reason ? reason : "");
  /* A refused token or protocol is refused again on every try, each an audit row on the hub:
   * the owner must not retry. */
  gboolean refused = code == PANO_CLOSE_UNAUTHORIZED || code == PANO_CLOSE_BAD_PROTOCOL;

  link_lost (link, why, FALSE, refused ? code : 0);
}

/* A certificate the console does not trust, in words naming the host and what is wrong. */
static char *
describe_untrusted (PanoFeedLink *link,
                    SoupMessage  *message)
{
  static const struct { GTlsCertificateFlags flag; const char *words; } reasons[] = {
    { G_TLS_CERTIFICATE_UNKNOWN_CA, "not signed by a trusted authority (see --ca-file)" },
    { G_TLS_CERTIFICATE_BAD_IDENTITY, "issued for another host" },
    { G_TLS_CERTIFICATE_NOT_ACTIVATED, "not valid yet" },
    { G_TLS_CERTIFICATE_EXPIRED, "expired" },
    { G_TLS_CERTIFICATE_REVOKED, "revoked" },
    { G_TLS_CERTIFICATE_INSECURE, "insecure" },
  };
  GTlsCertificateFlags flags = soup_message_get_tls_peer_certificate_errors (message);
  GUri *uri = soup_message_get_uri (message);
  g_autoptr(GString) why = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (flags & reasons[i].flag)
      g_string_append_printf (why, "%s%s", why->len ? ", " : "", reasons[i].words);
  return g_strdup_printf ("refused the certificate of the hub at %s:%d: %s", g_uri_get_host (uri),
                          g_uri_get_port (uri), why->len ? why->str : "not trusted");
}

static void
on_connected (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Attempt *attempt = user_data;
  PanoFeedLink *link = attempt->link;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection =
    soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  gboolean stale = g_cancellable_is_cancelled (attempt->cancellable);

  g_autoptr(SoupMessage) message = attempt->message;

  link->n_pending--;
  g_object_unref (attempt->cancellable);
  g_free (attempt);
  if (connection == NULL)
    {
      if (!stale && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *why = error->domain == G_TLS_ERROR
                                 ? describe_untrusted (link, message)
                                 : g_strdup_printf ("cannot reach the hub at %s: %s", link->url,
                                                    error->message);
          link_lost (link, why, FALSE, 0);
        }
      link_unref (link);
      return;
    }

  if (stale)   /* the main thread moved on while the handshake finished */
    link_retire (link, connection);
  else
    {
      g_clear_object (&link->cancellable);
      link->connection = connection;
      link->last_received_us = g_get_monotonic_time ();
      soup_websocket_connection_set_max_incoming_payload_size (connection, MAX_INCOMING);
      g_signal_connect (connection, "message", G_CALLBACK (on_message), link);
      g_signal_connect (connection, "closed", G_CALLBACK (on_closed), link);
      link_report (link, TRUE, NULL, FALSE, 0);
      link_send (link, link->hello);
      /* Until welcome, the hub's silence is watched with the default timeout. */
      link_start_heartbeat (link);
    }
  link_unref (link);
}

static void
link_connect (PanoFeedLink *link,
              Command      *command)
{
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, command->uri);
  Attempt *attempt = g_new0 (Attempt, 1);

  link_drop (link);
  link->generation = command->generation;
  g_free (link->url);
  link->url = g_steal_pointer (&command->url);
  g_free (link->hello);
  link->hello = g_steal_pointer (&command->text);
  link->cancellable = g_cancellable_new ();
  link->n_pending++;
  attempt->link = link_ref (link);
  attempt->cancellable = g_object_ref (link->cancellable);
  attempt->message = g_object_ref (message);
  soup_session_websocket_connect_async (link->session, message, NULL, NULL, G_PRIORITY_DEFAULT,
                                        link->cancellable, on_connected, attempt);
}

static gboolean
link_run_command (gpointer data)
{
  Command *command = data;
  PanoFeedLink *link = command->link;

  switch (command->op)
    {
    case LINK_CONNECT:
      link_connect (link, command);
      break;
    case LINK_SEND:
      /* Only on the connection it was written for: a subscribe must not reach the next one. */
      if (command->generation == link->generation)
        link_send (link, command->text);
      break;
    case LINK_DISCONNECT:
      link_drop (link);
      break;
    case LINK_TRUST:
      soup_session_set_tls_database (link->session, command->trust);
      break;
    case LINK_QUIT:
      link_drop (link);
      g_main_loop_quit (link->loop);
      break;
    default:
      g_assert_not_reached ();
    }
  return G_SOURCE_REMOVE;
}

static gboolean
on_close_wait_over (gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gpointer
link_thread (gpointer data)
{
  PanoFeedLink *link = data;
  gboolean over = FALSE;
  g_autoptr(GSource) wait = NULL;

  g_main_context_push_thread_default (link->context);
  link->session = soup_session_new_with_options ("timeout", 15, NULL);
  link->heartbeat_interval_ms = DEFAULT_HEARTBEAT_MS;
  link->heartbeat_timeout_ms = DEFAULT_TIMEOUT_MS;
  g_main_loop_run (link->loop);

  /* A close or a cancelled connect still in flight finishes here, briefly, so it frees what it
   * holds instead of being abandoned with this context. */
  wait = g_timeout_source_new (CLOSE_WAIT_MS);
  g_source_set_callback (wait, on_close_wait_over, &over, NULL);
  g_source_attach (wait, link->context);
  while (link->n_pending > 0 && !over)
    g_main_context_iteration (link->context, TRUE);
  g_source_destroy (wait);
  g_clear_object (&link->session);
  while (g_main_context_iteration (link->context, FALSE))
    ;
  g_main_context_pop_thread_default (link->context);
  link_unref (link);
  return NULL;
}

/* On the main thread from here on. */

/* Lets the owner apply a slice of what is queued; a backlog it leaves waits at the backlog
 * priority, unless the link thread has queued a new call meanwhile. */
static gboolean
on_decoded_queued (gpointer user_data)
{
  PanoFeedLink *link = user_data;

  g_atomic_int_set (&link->apply_scheduled, FALSE);
  if (link->owner == NULL)
    return G_SOURCE_REMOVE;
  if (link->apply (link->owner) && !g_atomic_int_exchange (&link->apply_scheduled, TRUE))
    {
      g_source_set_priority (g_main_current_source (), link->backlog_priority);
      return G_SOURCE_CONTINUE;
    }
  return G_SOURCE_REMOVE;
}

static void
report_free (Report *report)
{
  link_unref (report->link);
  g_free (report->report.why);
  g_free (report);
}

static gboolean
on_report (gpointer data)
{
  Report *report = data;
  PanoFeedLink *link = report->link;

  if (link->owner != NULL)
    link->report (&report->report, link->owner);
  return G_SOURCE_REMOVE;
}

/* Called on the link thread: hands the news to the main thread. */
static void
link_report (PanoFeedLink *link,
             gboolean      connected,
             const char   *why,
             gboolean      fell_behind,
             guint         refused)
{
  Report *report = g_new0 (Report, 1);

  report->link = link_ref (link);
  report->report.generation = link->generation;
  report->report.connected = connected;
  report->report.fell_behind = fell_behind;
  report->report.refused = refused;
  report->report.why = g_strdup (why);
  g_main_context_invoke_full (link->main_context, G_PRIORITY_DEFAULT, on_report, report,
                              (GDestroyNotify)report_free);
}

static void
command_free (Command *command)
{
  g_free (command->url);
  g_free (command->uri);
  g_free (command->text);
  g_clear_object (&command->trust);
  g_free (command);
}

/* Takes @uri and @text. */
static void
post_command (PanoFeedLink *link,
              LinkOp        op,
              guint         generation,
              const char   *url,
              char         *uri,
              char         *text)
{
  Command *command;

  if (link == NULL)   /* its owner let go of it: nothing is connected any more */
    {
      g_free (uri);
      g_free (text);
      return;
    }
  command = g_new0 (Command, 1);
  command->link = link;   /* alive until the thread is joined, after the last command */
  command->op = op;
  command->generation = generation;
  command->url = g_strdup (url);
  command->uri = uri;
  command->text = text;
  g_main_context_invoke_full (link->context, G_PRIORITY_DEFAULT, link_run_command, command,
                              (GDestroyNotify)command_free);
}

/**
 * pano_feed_link_new:
 * @decoded: where frames are pushed as they are decoded; made with
 *   g_async_queue_new_full (pano_feed_link_decoded_free), as the link may be the last to hold it
 * @apply_priority: of the main-thread call to @apply once frames are queued
 * @backlog_priority: of the calls after one that left frames for another slice
 * @owner: handed to @apply and @report until pano_feed_link_free ()
 *
 * Starts the link's thread, not connected yet. @apply and @report run on the thread-default
 * main context of the caller.
 */
PanoFeedLink *
pano_feed_link_new (GAsyncQueue            *decoded,
                    int                     apply_priority,
                    int                     backlog_priority,
                    PanoFeedLinkApplyFunc   apply,
                    PanoFeedLinkReportFunc  report,
                    gpointer                owner)
{
  PanoFeedLink *link = g_atomic_rc_box_new0 (PanoFeedLink);

  link->main_context = g_main_context_ref_thread_default ();
  link->owner = owner;
  link->apply = apply;
  link->report = report;
  link->apply_priority = apply_priority;
  link->backlog_priority = backlog_priority;
  link->decoded = g_async_queue_ref (decoded);
  link->max_backlog_bytes = MAX_BACKLOG_BYTES;
  link->context = g_main_context_new ();
  link->loop = g_main_loop_new (link->context, FALSE);
  link->thread = g_thread_new ("pano-feed", link_thread, link_ref (link));
  return link;
}

/* Drops any connection and connects to @uri, the stream of the hub at @url (named in errors),
 * sending @hello once connected. Frames and reports of this connection carry @generation. Takes
 * @uri and @hello. */
void
pano_feed_link_connect (PanoFeedLink *link,
                        guint         generation,
                        const char   *url,
                        char         *uri,
                        char         *hello)
{
  post_command (link, LINK_CONNECT, generation, url, uri, hello);
}

/* Sends @text on the connection asked for at @generation, and on no later one. Takes @text. */
void
pano_feed_link_send (PanoFeedLink *link,
                     guint         generation,
                     char         *text)
{
  post_command (link, LINK_SEND, generation, NULL, NULL, text);
}

void
pano_feed_link_disconnect (PanoFeedLink *link)
{
  post_command (link, LINK_DISCONNECT, 0, NULL, NULL, NULL);
}

/* The certificates the hub's must chain to, from the next connection on, instead of the
 * system's. */
void
pano_feed_link_set_trust (PanoFeedLink *link,
                          GTlsDatabase *database)
{
  Command *command = g_new0 (Command, 1);

  command->link = link;
  command->op = LINK_TRUST;
  command->trust = g_object_ref (database);
  g_main_context_invoke_full (link->context, G_PRIORITY_DEFAULT, link_run_command, command,
                              (GDestroyNotify)command_free);
}

/* How many bytes of frames received but not yet applied make the console fall behind (it then
 * reconnects and resumes, the hub coalescing for it). */
void
pano_feed_link_set_backlog_limit (PanoFeedLink *link,
                                  gsize         max_bytes)
{
  g_atomic_pointer_set (&link->max_backlog_bytes, (gssize)MIN (max_bytes, G_MAXSSIZE));
}

/* Returns: the size of the frames queued and not released yet */
gsize
pano_feed_link_get_backlog_bytes (PanoFeedLink *link)
{
  return (gsize)g_atomic_pointer_get (&link->backlog_bytes);
}

/* Returns: how often the backlog was full and the connection was dropped to resume */
guint
pano_feed_link_get_n_fell_behind (PanoFeedLink *link)
{
  return (guint)g_atomic_int_get (&link->n_fell_behind);
}

/* Frees a frame taken from the queue, no longer counting it in the backlog. @link may be %NULL
 * when its owner let go of it. */
void
pano_feed_link_release (PanoFeedLink        *link,
                        PanoFeedLinkDecoded *decoded)
{
  if (link != NULL)
    g_atomic_pointer_add (&link->backlog_bytes, -(gssize)decoded->bytes);
  pano_feed_link_decoded_free (decoded);
}

/* The owner lets go: the thread closes the connection and ends, waiting at most CLOSE_WAIT_MS
 * for the hub's answer, and is joined here. What the link still holds is freed with the last
 * reference to it, which a call already queued on the main context may hold. */
void
pano_feed_link_free (PanoFeedLink *link)
{
  link->owner = NULL;
  post_command (link, LINK_QUIT, 0, NULL, NULL, NULL);
  g_thread_join (link->thread);
  link_unref (link);
}
