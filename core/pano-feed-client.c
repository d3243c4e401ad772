// SPDX-License-Identifier: GPL-3.0-or-later
/* The console's subscription to panorama-hub (docs/protocol.md): hello, subscribe with resume,
 * heartbeats both ways, and reconnection with capped, jittered exponential backoff so a hub
 * restart is not met by a storm of clients.
 *
 * The WebSocket lives on a thread of its own, the link: it reads and decodes frames while the
 * main thread paints, so they are ready to apply the moment the paint ends, and it keeps the
 * heartbeats going and notices a silent hub however long a paint takes. Everything a user or a
 * listener sees stays on the main thread: the state, the words of an error, the backoff, the
 * store and what is read from it (the resume seqs). The link only carries frames both ways and
 * reports what became of a connection; decoded frames are applied within a time budget per
 * slice. */
#define G_LOG_DOMAIN "panorama-feed"

#include "pano-feed-client.h"
#include "pano-protocol.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#define BACKOFF_BASE_MS 500
#define BACKOFF_CAP_MS 30000
#define DEFAULT_HEARTBEAT_MS 10000
#define DEFAULT_TIMEOUT_MS 30000
#define APPLY_BUDGET_US 8000   /* per main-loop slice, so drawing always gets its turn */
/* New frames are applied before the next paint (GTK paints at G_PRIORITY_HIGH_IDLE + 20), so
 * an update is on screen one frame after it arrived, not two; a backlog left over when a
 * slice's budget is spent waits behind the paint instead, so drawing is never starved. */
#define APPLY_PRIORITY G_PRIORITY_HIGH_IDLE
#define BACKLOG_PRIORITY G_PRIORITY_DEFAULT_IDLE
#define MAX_INCOMING (8 * 1024 * 1024)
#define MAX_BACKLOG 50000   /* frames received but not yet applied */
/* How long a client going away waits for the hub to answer its close: a polite goodbye on a
 * live hub takes a millisecond, and a hung one must not hold a closing window. */
#define CLOSE_WAIT_MS 500
#define HEARTBEAT_FRAME "{\"type\":\"heartbeat\"}"

/* What the client and its link thread share. The client, the thread and every callback queued
 * on the main context hold a reference, so none of them meets freed memory; @owner is read and
 * cleared only on the main thread, so a callback arriving after dispose finds NULL there. The
 * fields under "the link thread's" are touched only on that thread. */
typedef struct
{
  GMainContext *main_context;
  PanoFeedClient *owner;
  GAsyncQueue *decoded;       /* Decoded, in arrival order */
  gint apply_scheduled;       /* atomic */
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
} Link;

struct _PanoFeedClient
{
  GObject parent_instance;

  char *url;
  char *token;
  PanoLiveStore *store;
  Link *link;

  PanoFeedState state;
  char *last_error;
  guint attempt;
  guint retry_id;
  gint64 retry_at_us;
  gint64 offline_since_ms;
  guint n_connects;
  guint n_resnapshots;

  struct _Decoded *current; /* a frame partly applied when the last slice ran out of time */
  guint current_next;       /* its first change not applied yet */
  guint generation;         /* bumped per connection; stale frames and reports are dropped */
  gint64 longest_apply_us;
  GRand *rand;
};

typedef struct _Decoded
{
  guint generation;
  PanoFeedFrame *frame;
  GError *error;
} Decoded;

typedef enum
{
  LINK_CONNECT,
  LINK_SEND,
  LINK_DISCONNECT,
  LINK_QUIT,
} LinkOp;

/* Main thread → link: run in the order posted (same priority, one context). */
typedef struct
{
  Link *link;
  LinkOp op;
  guint generation;
  char *url;
  char *uri;
  char *text;
} Command;

/* Link → main thread: what became of the connection asked for at @generation. */
typedef struct
{
  Link *link;                 /* a reference */
  guint generation;
  gboolean connected;         /* else lost, because of @why */
  gboolean fell_behind;
  char *why;
} Report;

typedef struct
{
  Link *link;                 /* a reference */
  GCancellable *cancellable;
} Attempt;

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PanoFeedClient, pano_feed_client, G_TYPE_OBJECT)

static void connect_now (PanoFeedClient *self);
static void schedule_reconnect (PanoFeedClient *self, const char *why);
static gboolean apply_decoded (gpointer user_data);

static void
decoded_free (Decoded *d)
{
  g_clear_pointer (&d->frame, pano_feed_frame_free);
  g_clear_error (&d->error);
  g_free (d);
}

static void
link_clear (Link *link)
{
  Decoded *d;

  while ((d = g_async_queue_try_pop (link->decoded)) != NULL)
    decoded_free (d);
  g_async_queue_unref (link->decoded);
  g_main_loop_unref (link->loop);
  g_main_context_unref (link->context);
  g_main_context_unref (link->main_context);
  g_free (link->url);
  g_free (link->hello);
}

static Link *
link_ref (Link *link)
{
  return g_atomic_rc_box_acquire (link);
}

static void
link_unref (Link *link)
{
  g_atomic_rc_box_release_full (link, (GDestroyNotify)link_clear);
}

/* On the link thread from here to the next such comment. */

static void
link_report (Link       *link,
             gboolean    connected,
             const char *why,
             gboolean    fell_behind);

static void
link_send (Link       *link,
           const char *text)
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
            Link                    *link)
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
link_retire (Link                    *link,
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
link_drop (Link *link)
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
link_lost (Link       *link,
           const char *why,
           gboolean    fell_behind)
{
  link_drop (link);
  link_report (link, FALSE, why, fell_behind);
}

static gboolean
on_heartbeat (gpointer user_data)
{
  Link *link = user_data;
  gint64 silent_ms = (g_get_monotonic_time () - link->last_received_us) / 1000;

  if (silent_ms > link->heartbeat_timeout_ms)
    {
      g_autofree char *why = g_strdup_printf ("the hub sent nothing for %" G_GINT64_FORMAT " s",
                                              silent_ms / 1000);
      link_lost (link, why, FALSE);
      return G_SOURCE_REMOVE;
    }
  link_send (link, HEARTBEAT_FRAME);
  return G_SOURCE_CONTINUE;
}

static void
link_start_heartbeat (Link *link)
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
            Link                    *link)
{
  Decoded *d;
  gsize length;
  const char *text;

  link->last_received_us = g_get_monotonic_time ();
  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return;
  /* Bounded: a console that cannot keep up starts again from where it is (resume or snapshot)
   * rather than queueing without end; the hub then coalesces for it. */
  if (g_async_queue_length (link->decoded) >= MAX_BACKLOG)
    {
      link_lost (link, "this console fell too far behind the hub and resubscribed", TRUE);
      return;
    }
  d = g_new0 (Decoded, 1);
  d->generation = link->generation;
  text = g_bytes_get_data (message, &length);
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

      g_source_set_priority (idle, APPLY_PRIORITY);
      g_source_set_callback (idle, apply_decoded, link_ref (link), (GDestroyNotify)link_unref);
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
           Link                    *link)
{
  guint code = soup_websocket_connection_get_close_code (connection);
  const char *reason = soup_websocket_connection_get_close_data (connection);
  g_autofree char *why = g_strdup_printf ("%s (%u%s%s)", describe_close (code), code,
                                          reason && *reason ? ": " : "", reason ? reason : "");

  link_lost (link, why, FALSE);
}

static void
on_connected (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Attempt *attempt = user_data;
  Link *link = attempt->link;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection =
    soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  gboolean stale = g_cancellable_is_cancelled (attempt->cancellable);

  link->n_pending--;
  g_object_unref (attempt->cancellable);
  g_free (attempt);
  if (connection == NULL)
    {
      if (!stale && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *why = g_strdup_printf ("cannot reach the hub at %s: %s", link->url,
                                                  error->message);
          link_lost (link, why, FALSE);
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
      link_report (link, TRUE, NULL, FALSE);
      link_send (link, link->hello);
      /* Until welcome, the hub's silence is watched with the default timeout. */
      link_start_heartbeat (link);
    }
  link_unref (link);
}

static void
link_connect (Link    *link,
              Command *command)
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
  soup_session_websocket_connect_async (link->session, message, NULL, NULL, G_PRIORITY_DEFAULT,
                                        link->cancellable, on_connected, attempt);
}

static gboolean
link_run_command (gpointer data)
{
  Command *command = data;
  Link *link = command->link;

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
  Link *link = data;
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

static void
report_free (Report *report)
{
  link_unref (report->link);
  g_free (report->why);
  g_free (report);
}

static gboolean
on_report (gpointer data)
{
  Report *report = data;
  PanoFeedClient *self = report->link->owner;

  if (self == NULL || report->generation != self->generation)
    return G_SOURCE_REMOVE;
  if (report->connected)
    self->n_connects++;
  else
    {
      if (report->fell_behind)
        self->attempt = 0;
      schedule_reconnect (self, report->why);
    }
  return G_SOURCE_REMOVE;
}

/* Called on the link thread: hands the news to the main thread. */
static void
link_report (Link       *link,
             gboolean    connected,
             const char *why,
             gboolean    fell_behind)
{
  Report *report = g_new0 (Report, 1);

  report->link = link_ref (link);
  report->generation = link->generation;
  report->connected = connected;
  report->fell_behind = fell_behind;
  report->why = g_strdup (why);
  g_main_context_invoke_full (link->main_context, G_PRIORITY_DEFAULT, on_report, report,
                              (GDestroyNotify)report_free);
}

static void
command_free (Command *command)
{
  g_free (command->url);
  g_free (command->uri);
  g_free (command->text);
  g_free (command);
}

/* Takes @uri and @text. */
static void
post_command (PanoFeedClient *self,
              LinkOp          op,
              char           *uri,
              char           *text)
{
  Command *command;

  if (self->link == NULL)   /* disposed: nothing is connected any more */
    {
      g_free (uri);
      g_free (text);
      return;
    }
  command = g_new0 (Command, 1);
  command->link = self->link;   /* alive until the thread is joined, after the last command */
  command->op = op;
  command->generation = self->generation;
  command->url = op == LINK_CONNECT ? g_strdup (self->url) : NULL;
  command->uri = uri;
  command->text = text;
  g_main_context_invoke_full (self->link->context, G_PRIORITY_DEFAULT, link_run_command, command,
                              (GDestroyNotify)command_free);
}

static void
set_state (PanoFeedClient *self,
           PanoFeedState   state)
{
  if (self->state == state)
    return;
  if (state != PANO_FEED_CONNECTED && self->offline_since_ms == 0)
    self->offline_since_ms = g_get_real_time () / 1000;
  if (state == PANO_FEED_CONNECTED)
    self->offline_since_ms = 0;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_error (PanoFeedClient *self,
           const char     *message)
{
  char *copy = g_strdup (message);   /* @message may be the current last_error */

  g_free (self->last_error);
  self->last_error = copy;
  if (copy)
    g_debug ("%s: %s", self->url, copy);
}

static char *
json_text (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

/* Built here, where the token lives; the link sends it once connected. */
static char *
hello_text (PanoFeedClient *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "hello");
  json_builder_set_member_name (b, "protocol");
  json_builder_add_int_value (b, PANO_PROTOCOL_VERSION);
  json_builder_set_member_name (b, "token");
  json_builder_add_string_value (b, self->token ? self->token : "");
  json_builder_set_member_name (b, "client");
  json_builder_add_string_value (b, "panorama-console");
  json_builder_end_object (b);
  return json_text (b);
}

/* Subscribes to @layers (NULL: all), resuming each from the store's seq when it has one. The
 * seqs are read here, on the main thread that applies frames to the store, so they are exactly
 * what has been applied. */
static void
send_subscribe (PanoFeedClient     *self,
                const char * const *layers)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *epoch = pano_live_store_get_epoch (self->store);

  if (layers == NULL)
    layers = pano_live_store_get_layer_names (self->store);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "subscribe");
  json_builder_set_member_name (b, "layers");
  json_builder_begin_array (b);
  for (guint i = 0; layers[i]; i++)
    json_builder_add_string_value (b, layers[i]);
  json_builder_end_array (b);
  if (epoch)
    {
      json_builder_set_member_name (b, "epoch");
      json_builder_add_string_value (b, epoch);
    }
  json_builder_set_member_name (b, "resume");
  json_builder_begin_object (b);
  for (guint i = 0; layers[i]; i++)
    if (pano_live_store_get_seq (self->store, layers[i]) >= 0)
      {
        json_builder_set_member_name (b, layers[i]);
        json_builder_add_int_value (b, pano_live_store_get_seq (self->store, layers[i]));
      }
  json_builder_end_object (b);
  json_builder_end_object (b);
  post_command (self, LINK_SEND, NULL, json_text (b));
}

static void
handle_welcome (PanoFeedClient *self,
                PanoFeedFrame  *frame)
{
  if (pano_live_store_get_epoch (self->store) != NULL &&
      g_strcmp0 (pano_live_store_get_epoch (self->store), frame->epoch) != 0)
    self->n_resnapshots++;
  /* A new epoch forgets every seq: the subscription below then asks for snapshots. */
  pano_live_store_set_epoch (self->store, frame->epoch);
  self->attempt = 0;
  set_error (self, NULL);
  set_state (self, PANO_FEED_CONNECTED);
  send_subscribe (self, NULL);
}

static void
handle_error_frame (PanoFeedClient *self,
                    PanoFeedFrame  *frame)
{
  g_autofree char *text = g_strdup_printf ("the hub refused: %s (%s)",
                                           frame->message ? frame->message : "",
                                           frame->code ? frame->code : "error");
  set_error (self, text);
}

/* Returns: %FALSE when the slice's time ran out inside @frame: it is resumed next slice */
static gboolean
handle_frame (PanoFeedClient *self,
              PanoFeedFrame  *frame,
              gint64          deadline_us)
{
  g_autoptr(GError) error = NULL;

  switch (frame->type)
    {
    case PANO_FEED_FRAME_WELCOME:
      handle_welcome (self, frame);
      break;
    case PANO_FEED_FRAME_ERROR:
      handle_error_frame (self, frame);
      break;
    case PANO_FEED_FRAME_SNAPSHOT:
    case PANO_FEED_FRAME_RESUMED:
    case PANO_FEED_FRAME_DELTA:
      if (pano_live_store_apply_until (self->store, frame, &self->current_next, deadline_us,
                                       &error))
        break;
      if (error == NULL)
        return FALSE;
      {
        const char *layers[] = { frame->layer, NULL };

        /* A gap: this layer starts again from a snapshot, the others carry on. */
        g_debug ("%s", error->message);
        self->n_resnapshots++;
        pano_live_store_forget (self->store, frame->layer);
        send_subscribe (self, layers);
      }
      break;
    default:
      break;
    }
  self->current_next = 0;
  return TRUE;
}

/* Applies decoded frames in order until the slice's budget is spent, then yields to drawing;
 * listeners hear once per slice. */
static gboolean
apply_decoded (gpointer user_data)
{
  Link *link = user_data;
  PanoFeedClient *self = link->owner;
  gint64 start = g_get_monotonic_time ();
  Decoded *d;

  g_atomic_int_set (&link->apply_scheduled, FALSE);
  if (self == NULL)
    return G_SOURCE_REMOVE;
  while (g_get_monotonic_time () - start < APPLY_BUDGET_US &&
         ((d = g_steal_pointer (&self->current)) || (d = g_async_queue_try_pop (link->decoded))))
    {
      if (d->generation == self->generation)
        {
          if (d->frame && !handle_frame (self, d->frame, start + APPLY_BUDGET_US))
            {
              self->current = d;   /* the rest of it next slice */
              break;
            }
          if (d->frame == NULL)
            set_error (self, d->error->message);
        }
      decoded_free (d);
    }
  pano_live_store_flush (self->store);
  self->longest_apply_us = MAX (self->longest_apply_us, g_get_monotonic_time () - start);

  if ((self->current || g_async_queue_length (link->decoded) > 0) &&
      !g_atomic_int_exchange (&link->apply_scheduled, TRUE))
    {
      g_source_set_priority (g_main_current_source (), BACKLOG_PRIORITY);
      return G_SOURCE_CONTINUE;
    }
  return G_SOURCE_REMOVE;
}

/* Frames and reports of the connection dropped here are recognised by their generation and
 * ignored, whenever they arrive. */
static void
drop_connection (PanoFeedClient *self)
{
  Decoded *d;

  self->generation++;
  post_command (self, LINK_DISCONNECT, NULL, NULL);
  g_clear_pointer (&self->current, decoded_free);
  self->current_next = 0;
  while (self->link && (d = g_async_queue_try_pop (self->link->decoded)) != NULL)
    decoded_free (d);
}

static gboolean
on_retry (gpointer user_data)
{
  PanoFeedClient *self = user_data;

  self->retry_id = 0;
  connect_now (self);
  return G_SOURCE_REMOVE;
}

/* Full jitter over an exponential ceiling: after a hub restart, a room of consoles spreads its
 * reconnections over the window instead of arriving together. */
static void
schedule_reconnect (PanoFeedClient *self,
                    const char     *why)
{
  guint ceiling = MIN (BACKOFF_CAP_MS, BACKOFF_BASE_MS << MIN (self->attempt, 16));
  guint delay = g_rand_int_range (self->rand, ceiling / 2, ceiling + 1);

  drop_connection (self);
  set_error (self, why);
  self->attempt++;
  self->retry_at_us = g_get_monotonic_time () + (gint64)delay * 1000;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add (delay, on_retry, self);
  set_state (self, PANO_FEED_RECONNECTING);
}

static void
connect_now (PanoFeedClient *self)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *stream = g_strdup_printf ("%s%sv1/stream", self->url,
                                             g_str_has_suffix (self->url, "/") ? "" : "/");

  drop_connection (self);
  /* Only to check the address here, where the error can be told; the link makes its own. */
  message = soup_message_new (SOUP_METHOD_GET, stream);
  if (message == NULL)
    {
      g_autofree char *why = g_strdup_printf ("“%s” is not a hub address", self->url);
      set_error (self, why);
      set_state (self, PANO_FEED_OFFLINE);
      return;
    }
  set_state (self, self->n_connects > 0 ? PANO_FEED_RECONNECTING : PANO_FEED_CONNECTING);
  post_command (self, LINK_CONNECT, g_steal_pointer (&stream), hello_text (self));
}

void
pano_feed_client_start (PanoFeedClient *self)
{
  g_return_if_fail (PANO_IS_FEED_CLIENT (self));

  self->attempt = 0;
  connect_now (self);
}

void
pano_feed_client_stop (PanoFeedClient *self)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
  drop_connection (self);
  set_state (self, PANO_FEED_OFFLINE);
}

static void
pano_feed_client_dispose (GObject *object)
{
  PanoFeedClient *self = (PanoFeedClient *)object;

  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->link)
    {
      /* The thread closes the connection and ends; whatever it already queued for this thread
       * finds no owner when it runs. */
      drop_connection (self);
      self->link->owner = NULL;
      post_command (self, LINK_QUIT, NULL, NULL);
      g_thread_join (self->link->thread);
      g_clear_pointer (&self->link, link_unref);
    }

  G_OBJECT_CLASS (pano_feed_client_parent_class)->dispose (object);
}

static void
pano_feed_client_finalize (GObject *object)
{
  PanoFeedClient *self = (PanoFeedClient *)object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->rand, g_rand_free);
  g_free (self->url);
  g_free (self->token);
  g_free (self->last_error);

  G_OBJECT_CLASS (pano_feed_client_parent_class)->finalize (object);
}

static void
pano_feed_client_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  PanoFeedClient *self = PANO_FEED_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pano_feed_client_class_init (PanoFeedClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pano_feed_client_dispose;
  object_class->finalize = pano_feed_client_finalize;
  object_class->get_property = pano_feed_client_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, PANO_FEED_OFFLINE, PANO_FEED_RECONNECTING,
                      PANO_FEED_OFFLINE,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pano_feed_client_init (PanoFeedClient *self)
{
  Link *link = g_atomic_rc_box_new0 (Link);

  link->main_context = g_main_context_ref_thread_default ();
  link->owner = self;
  link->decoded = g_async_queue_new ();
  link->context = g_main_context_new ();
  link->loop = g_main_loop_new (link->context, FALSE);
  link->thread = g_thread_new ("pano-feed", link_thread, link_ref (link));
  self->link = link;
  self->rand = g_rand_new ();
  self->offline_since_ms = g_get_real_time () / 1000;
}

/**
 * pano_feed_client_new:
 * @url: the hub, e.g. http://127.0.0.1:7878
 *
 * Returns: (transfer full): a client filling @store once started
 */
PanoFeedClient *
pano_feed_client_new (const char    *url,
                      const char    *token,
                      PanoLiveStore *store)
{
  PanoFeedClient *self = g_object_new (PANO_TYPE_FEED_CLIENT, NULL);

  self->url = g_strdup (url);
  self->token = g_strdup (token);
  self->store = g_object_ref (store);
  return self;
}

PanoFeedState
pano_feed_client_get_state (PanoFeedClient *self)
{
  return self->state;
}

const char *
pano_feed_client_get_url (PanoFeedClient *self)
{
  return self->url;
}

/* Returns: (nullable): why the feed is not connected, in words naming the hub */
const char *
pano_feed_client_get_last_error (PanoFeedClient *self)
{
  return self->last_error;
}

/* Returns: g_get_monotonic_time () of the next attempt while reconnecting */
gint64
pano_feed_client_get_retry_at (PanoFeedClient *self)
{
  return self->retry_at_us;
}

/* Returns: ms since the Unix epoch since which the feed is not connected, 0 when it is */
gint64
pano_feed_client_get_offline_since (PanoFeedClient *self)
{
  return self->offline_since_ms;
}

guint
pano_feed_client_get_n_connects (PanoFeedClient *self)
{
  return self->n_connects;
}

/* Returns: how often a layer had to be snapshotted again (new epoch or a gap) */
guint
pano_feed_client_get_n_resnapshots (PanoFeedClient *self)
{
  return self->n_resnapshots;
}

guint
pano_feed_client_get_queue_length (PanoFeedClient *self)
{
  return self->link ? MAX (g_async_queue_length (self->link->decoded), 0) : 0;
}

/* Returns: the longest single apply slice so far, in µs (the main-thread stall it caused) */
gint64
pano_feed_client_get_longest_apply (PanoFeedClient *self)
{
  return self->longest_apply_us;
}
