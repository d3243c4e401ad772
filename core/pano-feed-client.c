// SPDX-License-Identifier: GPL-3.0-or-later
/* The console's subscription to panorama-hub (docs/protocol.md): hello, subscribe with resume,
 * heartbeats both ways, and reconnection with capped, jittered exponential backoff so a hub
 * restart is not met by a storm of clients.
 *
 * The WebSocket lives on a thread of its own, the link (pano-feed-link.c): it reads and decodes
 * frames while the main thread paints, so they are ready to apply the moment the paint ends, and
 * it keeps the heartbeats going and notices a silent hub however long a paint takes. Everything
 * a user or a listener sees stays here, on the main thread: the state, the words of an error,
 * the backoff, the store and what is read from it (the resume seqs). The link only carries
 * frames both ways and reports what became of a connection; decoded frames are applied within a
 * time budget per slice. */
#define G_LOG_DOMAIN "panorama-feed"

#include "pano-feed-client.h"
#include "pano-feed-link.h"
#include "pano-protocol.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#define BACKOFF_BASE_MS 500
#define BACKOFF_CAP_MS 30000
#define APPLY_BUDGET_US 8000   /* per main-loop slice, so drawing always gets its turn */
/* New frames are applied before the next paint (GTK paints at G_PRIORITY_HIGH_IDLE + 20), so
 * an update is on screen one frame after it arrived, not two; a backlog left over when a
 * slice's budget is spent waits behind the paint instead, so drawing is never starved. */
#define APPLY_PRIORITY G_PRIORITY_HIGH_IDLE
#define BACKLOG_PRIORITY G_PRIORITY_DEFAULT_IDLE

struct _PanoFeedClient
{
  GObject parent_instance;

  char *url;
  char *token;
  PanoLiveStore *store;
  PanoFeedLink *link;
  GAsyncQueue *decoded;     /* what the link decoded, in arrival order */

  PanoFeedState state;
  char *last_error;
  char *role;               /* the token's role, from welcome */
  guint attempt;
  guint retry_id;
  gint64 retry_at_us;
  gint64 offline_since_ms;
  guint n_connects;
  guint n_attempts;
  guint n_resnapshots;
  guint refused;            /* the close code of a refusal that ended the feed, else 0 */
  char *trust_error;        /* the CA file could not be read: the feed cannot start */

  PanoFeedLinkDecoded *current; /* a frame partly applied when the last slice ran out of time */
  guint current_next;       /* its first change not applied yet */
  guint generation;         /* bumped per connection; stale frames and reports are dropped */
  gint64 longest_apply_us;
  GRand *rand;
};

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PanoFeedClient, pano_feed_client, G_TYPE_OBJECT)

static void connect_now (PanoFeedClient *self);
static void schedule_reconnect (PanoFeedClient *self, const char *why);
static void give_up (PanoFeedClient *self, const char *why, guint code);

static void
handle_report (const PanoFeedLinkReport *report,
               gpointer                  user_data)
{
  PanoFeedClient *self = user_data;

  if (report->generation != self->generation)
    return;
  if (report->connected)
    self->n_connects++;
  else if (report->refused)
    give_up (self, report->why, report->refused);
  else
    {
      if (report->fell_behind)
        self->attempt = 0;
      schedule_reconnect (self, report->why);
    }
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
  pano_feed_link_send (self->link, self->generation, json_text (b));
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
  g_free (self->role);
  self->role = g_strdup (frame->role);
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
 * listeners hear once per slice.
 *
 * Returns: %TRUE when frames are left for another slice */
static gboolean
apply_decoded (gpointer user_data)
{
  PanoFeedClient *self = user_data;
  gint64 start = g_get_monotonic_time ();
  PanoFeedLinkDecoded *d;

  while (g_get_monotonic_time () - start < APPLY_BUDGET_US &&
         ((d = g_steal_pointer (&self->current)) || (d = g_async_queue_try_pop (self->decoded))))
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
      pano_feed_link_release (self->link, d);
    }
  pano_live_store_flush (self->store);
  self->longest_apply_us = MAX (self->longest_apply_us, g_get_monotonic_time () - start);
  return self->current != NULL || g_async_queue_length (self->decoded) > 0;
}

/* Frames and reports of the connection dropped here are recognised by their generation and
 * ignored, whenever they arrive. */
static void
drop_connection (PanoFeedClient *self)
{
  PanoFeedLinkDecoded *d;

  self->generation++;
  pano_feed_link_disconnect (self->link);
  if (self->current)
    pano_feed_link_release (self->link, g_steal_pointer (&self->current));
  self->current_next = 0;
  while ((d = g_async_queue_try_pop (self->decoded)) != NULL)
    pano_feed_link_release (self->link, d);
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

/* A refusal is final: trying the same token again is refused again (and audited on the hub
 * each time), so the feed goes offline with the reason until it is started anew. */
static void
give_up (PanoFeedClient *self,
         const char     *why,
         guint           code)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
  drop_connection (self);
  set_error (self, why);
  self->refused = code;
  self->retry_at_us = 0;
  set_state (self, PANO_FEED_OFFLINE);
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
  self->n_attempts++;
  pano_feed_link_connect (self->link, self->generation, self->url, g_steal_pointer (&stream),
                          hello_text (self));
}

void
pano_feed_client_start (PanoFeedClient *self)
{
  g_return_if_fail (PANO_IS_FEED_CLIENT (self));

  self->attempt = 0;
  self->refused = 0;
  if (self->trust_error != NULL)
    {
      give_up (self, self->trust_error, 0);
      return;
    }
  connect_now (self);
}

/**
 * pano_feed_client_set_ca_file:
 * @ca_file: PEM certificates; the hub's must chain to one of them (the system's are then not
 *   used)
 *
 * For a hub on https:// with a certificate of the city's own authority. Call before start: if
 * the file cannot be read the feed does not start, and says why.
 *
 * Returns: FALSE with @error naming the file when it cannot be read
 */
gboolean
pano_feed_client_set_ca_file (PanoFeedClient  *self,
                              const char      *ca_file,
                              GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca_file, &local_error);

  g_clear_pointer (&self->trust_error, g_free);
  if (database == NULL)
    {
      self->trust_error = g_strdup_printf ("cannot read the hub's CA file %s: %s", ca_file,
                                           local_error->message);
      g_set_error_literal (error, local_error->domain, local_error->code, self->trust_error);
      return FALSE;
    }
  pano_feed_link_set_trust (self->link, database);
  return TRUE;
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
      g_clear_pointer (&self->link, pano_feed_link_free);
    }

  G_OBJECT_CLASS (pano_feed_client_parent_class)->dispose (object);
}

static void
pano_feed_client_finalize (GObject *object)
{
  PanoFeedClient *self = (PanoFeedClient *)object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->decoded, g_async_queue_unref);
  g_clear_pointer (&self->rand, g_rand_free);
  g_free (self->url);
  g_free (self->token);
  g_free (self->last_error);
  g_free (self->trust_error);
  g_free (self->role);

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
  self->decoded = g_async_queue_new_full ((GDestroyNotify)pano_feed_link_decoded_free);
  self->link = pano_feed_link_new (self->decoded, APPLY_PRIORITY, BACKLOG_PRIORITY,
                                   apply_decoded, handle_report, self);
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

/* Returns: (nullable): the role the hub gave the token ("viewer", "dispatcher", "admin"), as
 *   of the last welcome */
const char *
pano_feed_client_get_role (PanoFeedClient *self)
{
  return self->role;
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

/* Returns: how many connections were tried, successful or not */
guint
pano_feed_client_get_n_attempts (PanoFeedClient *self)
{
  return self->n_attempts;
}

/* Returns: whether a retry is scheduled */
gboolean
pano_feed_client_is_retrying (PanoFeedClient *self)
{
  return self->retry_id != 0;
}

/**
 * pano_feed_client_get_refusal:
 *
 * Returns: the hub's close code when it refused this console for good (4001: the token, 4002:
 *   the protocol version) and the feed stopped trying; 0 otherwise
 */
guint
pano_feed_client_get_refusal (PanoFeedClient *self)
{
  return self->refused;
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
  return self->link ? MAX (g_async_queue_length (self->decoded), 0) : 0;
}

/* Returns: the size of the frames received and not applied yet, as they came (any thread) */
gsize
pano_feed_client_get_queue_bytes (PanoFeedClient *self)
{
  return self->link ? pano_feed_link_get_backlog_bytes (self->link) : 0;
}

/* Bounds the frames received and not applied yet by their size: past @max_bytes the console
 * drops the connection and resumes where it is, letting the hub coalesce for it. */
void
pano_feed_client_set_backlog_limit (PanoFeedClient *self,
                                    gsize           max_bytes)
{
  pano_feed_link_set_backlog_limit (self->link, max_bytes);
}

/* Returns: how often the console fell behind and resumed (any thread) */
guint
pano_feed_client_get_n_fell_behind (PanoFeedClient *self)
{
  return self->link ? pano_feed_link_get_n_fell_behind (self->link) : 0;
}

/* Returns: the longest single apply slice so far, in µs (the main-thread stall it caused) */
gint64
pano_feed_client_get_longest_apply (PanoFeedClient *self)
{
  return self->longest_apply_us;
}
