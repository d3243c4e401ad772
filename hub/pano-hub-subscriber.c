// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-subscriber"

#include "pano-hub-frame.h"
#include "pano-hub-subscriber.h"

/* One stream client. Frames go to the socket only while the kernel takes them; behind that is a
 * bounded queue, and behind the queue a per-entity "latest state wins" table, so a slow client
 * costs memory bounded by the number of entities, and never time of the others. The queue is
 * bounded in changes, not items: a batch of 200 changes weighs 200, as 200 single deltas did. */

typedef struct
{
  GBytes *frame;          /* a prepared frame, or NULL for a batch */
  PanoHubBatch *batch;
  int layer;              /* for snapshot/resumed frames: the position they set, else -1 */
  guint64 seq;
} Item;

struct _PanoHubSubscriber
{
  GObject parent_instance;
  SoupWebsocketConnection *connection;
  PanoHubConfig *config;
  const PanoHubSettings *settings;
  PanoHubStore *store;
  PanoHubDb *db;
  PanoHubGuard *guard;
  char *address;
  PanoHubStats *stats;
  GPollableOutputStream *output;
  GSource *writable_source;

  char *client;
  const PanoHubToken *token;
  gboolean welcomed;
  gboolean closing;
  guint subscribed;
  gboolean has_bbox;
  double bbox[4];
  guint64 sent_seq[PANO_N_LAYERS];

  GQueue queue;
  guint queued;                           /* changes in the queue: its weight */
  GHashTable *pending;                    /* "layer/id" → PanoHubDelta */
  guint64 pending_seq[PANO_N_LAYERS];
  guint pending_coalesced[PANO_N_LAYERS];

  gint64 last_received;
  guint heartbeat_id;
};

G_DEFINE_FINAL_TYPE (PanoHubSubscriber, pano_hub_subscriber, G_TYPE_OBJECT)

enum { CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void flush (PanoHubSubscriber *self);

static guint
item_weight (Item *item)
{
  return item->batch != NULL ? item->batch->deltas->len : 1;
}

static void
item_free (Item *item)
{
  g_clear_pointer (&item->frame, g_bytes_unref);
  g_clear_pointer (&item->batch, pano_hub_batch_unref);
  g_free (item);
}

static void
drop_backlog (PanoHubSubscriber *self)
{
  g_queue_clear_full (&self->queue, (GDestroyNotify) item_free);
  self->queued = 0;
  g_clear_pointer (&self->pending, g_hash_table_unref);
  if (self->writable_source != NULL)
    {
      g_source_destroy (self->writable_source);
      g_clear_pointer (&self->writable_source, g_source_unref);
    }
}

static void
pano_hub_subscriber_dispose (GObject *object)
{
  PanoHubSubscriber *self = PANO_HUB_SUBSCRIBER (object);

  drop_backlog (self);
  g_clear_handle_id (&self->heartbeat_id, g_source_remove);
  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  g_clear_object (&self->connection);
  g_clear_object (&self->config);
  g_clear_object (&self->store);
  g_clear_object (&self->db);
  g_clear_object (&self->guard);
  G_OBJECT_CLASS (pano_hub_subscriber_parent_class)->dispose (object);
}

static void
pano_hub_subscriber_finalize (GObject *object)
{
  PanoHubSubscriber *self = PANO_HUB_SUBSCRIBER (object);

  g_free (self->client);
  g_free (self->address);
  G_OBJECT_CLASS (pano_hub_subscriber_parent_class)->finalize (object);
}

static void
pano_hub_subscriber_class_init (PanoHubSubscriberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pano_hub_subscriber_dispose;
  object_class->finalize = pano_hub_subscriber_finalize;

  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pano_hub_subscriber_init (PanoHubSubscriber *self)
{
  g_queue_init (&self->queue);
}

gboolean
pano_hub_subscriber_is_welcomed (PanoHubSubscriber *self)
{
  return self->welcomed;
}

guint
pano_hub_subscriber_get_queue_depth (PanoHubSubscriber *self)
{
  return self->queued + (self->pending ? g_hash_table_size (self->pending) : 0);
}

/* libsoup starts closing a connection (a write failed, the peer's close frame came, ours went)
 * well before it emits "closed"; from then on its socket may be closed, and nothing may be sent
 * to it or waited for on it. */
static gboolean
is_open (PanoHubSubscriber *self)
{
  return !self->closing &&
         soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN;
}

static void
send_bytes (PanoHubSubscriber *self,
            GBytes            *frame)
{
  if (!is_open (self))
    return;
  soup_websocket_connection_send_message (self->connection, SOUP_WEBSOCKET_DATA_TEXT, frame);
  self->stats->frames_sent++;
}

static void
send_text (PanoHubSubscriber *self,
           char              *text)
{
  g_autoptr(GBytes) frame = g_bytes_new_take (text, strlen (text));

  send_bytes (self, frame);
}

static void
send_error (PanoHubSubscriber *self,
            GError            *error,
            const char        *ref)
{
  g_debug ("%s: %s", self->client ? self->client : "client", error->message);
  send_text (self, pano_protocol_error_frame (error, ref));
}

void
pano_hub_subscriber_close (PanoHubSubscriber *self,
                           gushort            code,
                           const char        *reason)
{
  if (self->closing)
    return;
  self->closing = TRUE;
  drop_backlog (self);
  if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->connection, code, reason);
}

static gboolean
writable (PanoHubSubscriber *self)
{
  return is_open (self) &&
         (self->output == NULL || g_pollable_output_stream_is_writable (self->output));
}

static gboolean
on_writable (GObject  *stream,
             gpointer  user_data)
{
  PanoHubSubscriber *self = user_data;

  g_clear_pointer (&self->writable_source, g_source_unref);
  flush (self);
  return G_SOURCE_REMOVE;
}

static void
wait_writable (PanoHubSubscriber *self)
{
  if (self->writable_source != NULL || self->output == NULL || !is_open (self))
    return;
  self->writable_source = g_pollable_output_stream_create_source (self->output, NULL);
  g_source_set_callback (self->writable_source, G_SOURCE_FUNC (on_writable), self, NULL);
  g_source_attach (self->writable_source, NULL);
}

/* The frames for a batch: the shared ones, unless bbox filtering skipped seqs before it. A
 * batch's frames go out together: splitting it across writability waits would only add
 * bookkeeping, and it is bounded by the request that made it. */
static void
send_batch (PanoHubSubscriber *self,
            PanoHubBatch      *batch)
{
  guint64 after = self->sent_seq[batch->layer];
  g_autoptr(GPtrArray) own = NULL;
  GPtrArray *frames;

  if (after >= batch->seq)
    return;
  if (after + 1 == batch->from_seq)
    frames = pano_hub_batch_get_frames (batch, self->settings->max_frame_out);
  else
    frames = own = pano_hub_batch_build_frames (batch, after, self->settings->max_frame_out);
  for (guint i = 0; i < frames->len; i++)
    send_bytes (self, frames->pdata[i]);
  if (frames->len > 0)
    self->sent_seq[batch->layer] = batch->seq;
}

static void
send_item (PanoHubSubscriber *self,
           Item              *item)
{
  if (item->batch != NULL)
    send_batch (self, item->batch);
  else
    {
      send_bytes (self, item->frame);
      if (item->layer >= 0)
        self->sent_seq[item->layer] = item->seq;
    }
}

static gint
compare_seq (gconstpointer a,
             gconstpointer b)
{
  const PanoHubDelta *da = *(PanoHubDelta **) a, *db = *(PanoHubDelta **) b;

  return da->seq < db->seq ? -1 : da->seq > db->seq;
}

/* What a slow subscriber missed in a layer goes out as one batch from its last seq to the
 * latest: the same frames, split the same way, as any other batch. */
static void
send_coalesced_layer (PanoHubSubscriber *self,
                      PanoLayerId        layer,
                      GPtrArray         *deltas)
{
  g_autoptr(PanoHubBatch) batch = NULL;

  g_ptr_array_sort (deltas, compare_seq);
  batch = pano_hub_batch_new (layer, self->sent_seq[layer] + 1, self->pending_seq[layer],
                              g_ptr_array_ref (deltas));
  batch->coalesced = self->pending_coalesced[layer];
  send_batch (self, batch);
  self->pending_coalesced[layer] = 0;
}

/* One delta per layer for everything coalesced, each entity's latest state only. */
static void
send_coalesced (PanoHubSubscriber *self)
{
  g_autoptr(GHashTable) pending = g_steal_pointer (&self->pending);
  GPtrArray *by_layer[PANO_N_LAYERS] = { NULL };
  GHashTableIter iter;
  PanoHubDelta *delta;

  g_hash_table_iter_init (&iter, pending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &delta))
    {
      if (by_layer[delta->layer] == NULL)
        by_layer[delta->layer] = g_ptr_array_new ();
      g_ptr_array_add (by_layer[delta->layer], delta);
    }
  for (guint layer = 0; layer < PANO_N_LAYERS; layer++)
    {
      if (by_layer[layer] == NULL)
        continue;
      send_coalesced_layer (self, layer, by_layer[layer]);
      g_ptr_array_unref (by_layer[layer]);
    }
}

static void
flush (PanoHubSubscriber *self)
{
  Item *item;

  while (!self->closing && (item = g_queue_peek_head (&self->queue)) != NULL)
    {
      if (!writable (self))
        {
          wait_writable (self);
          return;
        }
      g_queue_pop_head (&self->queue);
      self->queued -= item_weight (item);
      send_item (self, item);
      item_free (item);
    }
  if (!self->closing && self->pending != NULL)
    {
      if (!writable (self))
        {
          wait_writable (self);
          return;
        }
      send_coalesced (self);
    }
}

static void
push (PanoHubSubscriber *self,
      GBytes            *frame,
      PanoHubBatch      *batch,
      int                layer,
      guint64            seq)
{
  Item *item = g_new0 (Item, 1);

  item->frame = frame;
  item->batch = batch ? pano_hub_batch_ref (batch) : NULL;
  item->layer = layer;
  item->seq = seq;
  self->queued += item_weight (item);
  g_queue_push_tail (&self->queue, item);
}

static void
coalesce (PanoHubSubscriber *self,
          PanoHubDelta      *delta)
{
  char *key = g_strdup_printf ("%u/%s", delta->layer, delta->id);

  if (self->pending == NULL)
    self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) pano_hub_delta_unref);
  if (g_hash_table_contains (self->pending, key))
    {
      self->pending_coalesced[delta->layer]++;
      self->stats->coalesced++;
    }
  g_hash_table_replace (self->pending, key, pano_hub_delta_ref (delta));
  self->pending_seq[delta->layer] = delta->seq;
  if (g_hash_table_size (self->pending) > self->settings->coalesce_limit)
    {
      g_autofree char *reason = g_strdup_printf ("slow consumer: %u entities pending, bound %u",
                                                 g_hash_table_size (self->pending),
                                                 self->settings->coalesce_limit);

      self->stats->dropped++;
      g_message ("Closing %s: %s", self->client, reason);
      pano_hub_subscriber_close (self, PANO_CLOSE_SLOW_CONSUMER, reason);
      return;
    }
  wait_writable (self);
}

/* Failed hellos count against @address, and a locked-out address gets no welcome. */
void
pano_hub_subscriber_set_guard (PanoHubSubscriber *self,
                               PanoHubGuard      *guard,
                               const char        *address)
{
  g_set_object (&self->guard, guard);
  g_free (self->address);
  self->address = g_strdup (address);
}

/**
 * pano_hub_subscriber_offer:
 *
 * Hands one published batch to this subscriber (only its in-bbox changes, if it has a bbox):
 * sent at once when the socket can take it, queued when not, coalesced change by change when
 * the queue cannot take that many more changes.
 */
void
pano_hub_subscriber_offer (PanoHubSubscriber *self,
                           PanoHubBatch      *batch)
{
  g_autoptr(PanoHubBatch) inside = NULL;

  if (self->closing || !(self->subscribed & (1u << batch->layer)))
    return;
  if (self->has_bbox && (batch = inside = pano_hub_batch_filter (batch, self->bbox)) == NULL)
    return;
  if (self->pending == NULL && self->queue.length == 0 && writable (self))
    {
      send_batch (self, batch);
      return;
    }
  if (self->pending != NULL ||
      self->queued + batch->deltas->len > self->settings->queue_limit)
    {
      for (guint i = 0; i < batch->deltas->len && !self->closing; i++)
        coalesce (self, batch->deltas->pdata[i]);
      return;
    }
  push (self, NULL, batch, -1, 0);
  wait_writable (self);
}

static void
refuse (PanoHubSubscriber *self,
        PanoProtocolError  code,
        const char        *ref,
        const char        *format,
        ...) G_GNUC_PRINTF (4, 5);

static void
refuse (PanoHubSubscriber *self,
        PanoProtocolError  code,
        const char        *ref,
        const char        *format,
        ...)
{
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (PANO_PROTOCOL_ERROR, code, format, args);
  va_end (args);
  send_error (self, error, ref);
}

static void
send_welcome (PanoHubSubscriber *self)
{
  g_autoptr(GString) frame = g_string_new (NULL);

  g_string_append_printf (frame, "{\"type\":\"welcome\",\"protocol\":%d,\"epoch\":\"%s\","
                          "\"role\":\"%s\",\"hub\":\"panorama-hub %s\",\"layers\":[",
                          PANO_PROTOCOL_VERSION, pano_hub_store_get_epoch (self->store),
                          pano_hub_role_name (self->token->role), PANO_VERSION);
  for (guint i = 0; i < PANO_N_LAYERS; i++)
    g_string_append_printf (frame, "%s\"%s\"", i ? "," : "", pano_layer_name (i));
  g_string_append_printf (frame, "],\"heartbeat_interval_ms\":%u,\"heartbeat_timeout_ms\":%u,"
                          "\"max_frame_in\":%u,\"max_frame_out\":%u,\"time_ms\":%"
                          G_GINT64_FORMAT "}",
                          self->settings->heartbeat_interval_ms,
                          self->settings->heartbeat_timeout_ms, self->settings->max_frame_in,
                          self->settings->max_frame_out, g_get_real_time () / 1000);
  send_text (self, g_string_free (g_steal_pointer (&frame), FALSE));
}

static void
audit_refused (PanoHubSubscriber *self,
               const char        *reason)
{
  PanoHubAudit record = { self->client, NULL, "stream.hello", "/v1/stream", "refused", 401,
                          reason, NULL, NULL, NULL };
  g_autoptr(GError) error = NULL;

  if (!pano_hub_db_audit (self->db, &record, &error))
    g_warning ("Audit record lost: %s", error->message);
}

static gboolean
on_heartbeat (gpointer user_data)
{
  PanoHubSubscriber *self = user_data;

  if (!is_open (self))
    {
      self->heartbeat_id = 0;
      return G_SOURCE_REMOVE;
    }
  send_text (self, pano_protocol_heartbeat_frame (g_get_real_time ()));
  return G_SOURCE_CONTINUE;
}

static void
handle_hello (PanoHubSubscriber  *self,
              const PanoHubFrame *frame)
{
  g_auto(PanoHubHello) hello = { 0 };
  g_autoptr(GError) error = NULL;
  guint locked;

  if (!pano_hub_frame_read_hello (frame, &hello, &error))
    {
      send_error (self, error, frame->ref);
      return;
    }
  g_free (self->client);
  self->client = g_steal_pointer (&hello.client);
  if (hello.protocol != PANO_PROTOCOL_VERSION)
    {
      refuse (self, PANO_PROTOCOL_ERROR_BAD_PROTOCOL, frame->ref,
              "Protocol %" G_GINT64_FORMAT " is not supported; this hub speaks %d",
              hello.protocol, PANO_PROTOCOL_VERSION);
      pano_hub_subscriber_close (self, PANO_CLOSE_BAD_PROTOCOL, "unsupported protocol");
      return;
    }
  if (self->guard != NULL && (locked = pano_hub_guard_locked_for (self->guard, self->address)))
    {
      refuse (self, PANO_PROTOCOL_ERROR_RATE_LIMITED, frame->ref,
              "Too many failed authentications from %s: try again in %u s", self->address,
              locked);
      pano_hub_subscriber_close (self, PANO_CLOSE_RATE_LIMITED, "too many failed authentications");
      return;
    }
  self->token = pano_hub_config_lookup_token (self->config, hello.token);
  if (self->token == NULL)
    {
      const char *reason = hello.token ? "unknown token" : "no token in hello";

      if (self->guard != NULL && hello.token != NULL)
        pano_hub_guard_record_failure (self->guard, self->address);
      audit_refused (self, reason);
      refuse (self, PANO_PROTOCOL_ERROR_UNAUTHORIZED, frame->ref, "Unauthorized: %s", reason);
      pano_hub_subscriber_close (self, PANO_CLOSE_UNAUTHORIZED, reason);
      return;
    }
  self->welcomed = TRUE;
  g_debug ("%s joined as %s (%s)", self->client, self->token->name,
           pano_hub_role_name (self->token->role));
  send_welcome (self);
  /* The first heartbeat one interval after welcome, then one every interval. */
  self->heartbeat_id = g_timeout_add (self->settings->heartbeat_interval_ms, on_heartbeat, self);
}

/* Forget what is queued for a layer: it is about to be restarted. */
static void
drop_layer (PanoHubSubscriber *self,
            PanoLayerId        layer)
{
  GList *link = self->queue.head;

  while (link != NULL)
    {
      GList *next = link->next;
      Item *item = link->data;

      if ((item->batch && item->batch->layer == layer) || item->layer == (int) layer)
        {
          self->queued -= item_weight (item);
          item_free (item);
          g_queue_delete_link (&self->queue, link);
        }
      link = next;
    }
  if (self->pending != NULL)
    {
      GHashTableIter iter;
      PanoHubDelta *delta;

      g_hash_table_iter_init (&iter, self->pending);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &delta))
        if (delta->layer == layer)
          g_hash_table_iter_remove (&iter);
      self->pending_coalesced[layer] = 0;
    }
}

static gboolean
try_resume (PanoHubSubscriber      *self,
            PanoLayerId             layer,
            const PanoHubSubscribe *subscribe)
{
  g_autoptr(GPtrArray) deltas = NULL;
  char *text;
  guint64 after;

  if (!pano_hub_subscribe_resume_seq (subscribe, layer, &after) ||
      !(deltas = pano_hub_store_deltas_after (self->store, layer, after, G_MAXUINT64)))
    return FALSE;
  text = g_strdup_printf ("{\"type\":\"resumed\",\"layer\":\"%s\",\"epoch\":\"%s\",\"seq\":%"
                          G_GUINT64_FORMAT "}", pano_layer_name (layer),
                          pano_hub_store_get_epoch (self->store), after);
  push (self, g_bytes_new_take (text, strlen (text)), NULL, layer, after);
  /* What was missed goes out like any batch: few frames, each entity once. */
  if (deltas->len > 0)
    {
      g_autoptr(PanoHubBatch) missed = pano_hub_batch_new (layer, after + 1,
                                                           pano_hub_store_get_seq (self->store,
                                                                                   layer),
                                                           g_steal_pointer (&deltas));

      pano_hub_subscriber_offer (self, missed);
    }
  return TRUE;
}

static void
queue_snapshot (PanoHubSubscriber *self,
                PanoLayerId        layer)
{
  guint64 seq;
  g_autoptr(GPtrArray) chunks = pano_hub_store_snapshot (self->store, layer,
                                                         self->has_bbox ? self->bbox : NULL,
                                                         self->settings->max_frame_out, &seq);

  for (guint i = 0; i < chunks->len; i++)
    push (self, g_bytes_ref (chunks->pdata[i]), NULL, layer, seq);
}

static void
handle_subscribe (PanoHubSubscriber  *self,
                  const PanoHubFrame *frame)
{
  g_auto(PanoHubSubscribe) subscribe = { 0 };
  g_autoptr(GError) error = NULL;

  if (!pano_hub_frame_read_subscribe (frame, &subscribe, &error))
    {
      send_error (self, error, frame->ref);
      return;
    }
  self->has_bbox = subscribe.has_bbox;
  memcpy (self->bbox, subscribe.bbox, sizeof self->bbox);
  /* Seq numbers of another epoch mean nothing here: those layers get snapshots. */
  if (g_strcmp0 (subscribe.epoch, pano_hub_store_get_epoch (self->store)) != 0)
    subscribe.resume = (PanoJsonSpan) { NULL, NULL };
  for (guint layer = 0; layer < PANO_N_LAYERS; layer++)
    {
      if (!(subscribe.layers & (1u << layer)))
        continue;
      drop_layer (self, layer);
      self->subscribed |= 1u << layer;
      if (!try_resume (self, layer, &subscribe))
        queue_snapshot (self, layer);
    }
  flush (self);
}

static void
handle_unsubscribe (PanoHubSubscriber  *self,
                    const PanoHubFrame *frame)
{
  g_autoptr(GError) error = NULL;
  guint mask;

  if (!pano_hub_frame_read_layers (frame, &mask, &error))
    {
      send_error (self, error, frame->ref);
      return;
    }
  for (guint layer = 0; layer < PANO_N_LAYERS; layer++)
    if (mask & (1u << layer))
      drop_layer (self, layer);
  self->subscribed &= ~mask;
}

static void
handle_frame (PanoHubSubscriber  *self,
              const PanoHubFrame *frame)
{
  const char *type = frame->type;

  if (g_str_equal (type, "hello"))
    {
      if (self->welcomed)
        refuse (self, PANO_PROTOCOL_ERROR_BAD_FRAME, frame->ref, "'hello' was already accepted");
      else
        handle_hello (self, frame);
    }
  else if (g_str_equal (type, "heartbeat"))
    return;
  else if (!g_str_equal (type, "subscribe") && !g_str_equal (type, "unsubscribe"))
    {
      g_autofree char *echo = pano_hub_frame_echo (type);

      refuse (self, PANO_PROTOCOL_ERROR_UNKNOWN_TYPE, frame->ref, "Frame type '%s' is not known",
              echo);
    }
  else if (!self->welcomed)
    refuse (self, PANO_PROTOCOL_ERROR_NOT_AUTHENTICATED, frame->ref,
            "Send 'hello' with a token before '%s'", type);
  else if (g_str_equal (type, "subscribe"))
    handle_subscribe (self, frame);
  else
    handle_unsubscribe (self, frame);
}

static void
on_message (SoupWebsocketConnection *connection,
            SoupWebsocketDataType    data_type,
            GBytes                  *message,
            gpointer                 user_data)
{
  PanoHubSubscriber *self = user_data;
  g_auto(PanoHubFrame) frame = { 0 };
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (message, &length);

  self->last_received = g_get_monotonic_time ();
  if (!is_open (self))
    return;
  if (length > self->settings->max_frame_in)
    {
      g_autofree char *reason = g_strdup_printf ("frame of %" G_GSIZE_FORMAT " bytes exceeds "
                                                 "max_frame_in %u", length,
                                                 self->settings->max_frame_in);

      pano_hub_subscriber_close (self, SOUP_WEBSOCKET_CLOSE_TOO_BIG, reason);
      return;
    }
  if (data_type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      refuse (self, PANO_PROTOCOL_ERROR_BAD_FRAME, NULL, "Binary frames are not accepted");
      return;
    }
  if (!pano_hub_frame_read (&frame, data, length, &error))
    {
      send_error (self, error, frame.ref);
      return;
    }
  handle_frame (self, &frame);
}

static void
on_closed (SoupWebsocketConnection *connection,
           gpointer                 user_data)
{
  PanoHubSubscriber *self = user_data;

  g_debug ("%s left (%u)", self->client ? self->client : "client",
           soup_websocket_connection_get_close_code (connection));
  self->closing = TRUE;
  drop_backlog (self);
  g_signal_emit (self, signals[CLOSED], 0);
}

/* The connection is going: drop the backlog and stop waiting on its socket at once. */
static void
on_state (SoupWebsocketConnection *connection,
          GParamSpec              *pspec,
          gpointer                 user_data)
{
  PanoHubSubscriber *self = user_data;

  if (self->closing ||
      soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
    return;
  self->closing = TRUE;
  drop_backlog (self);
}

/* Called a few times per heartbeat interval: declare a silent peer dead. */
void
pano_hub_subscriber_tick (PanoHubSubscriber *self,
                          gint64             now)
{
  if (self->closing)
    return;
  if (now - self->last_received > (gint64) self->settings->heartbeat_timeout_ms * 1000)
    {
      g_message ("Closing %s: nothing received for %u ms",
                 self->client ? self->client : "client", self->settings->heartbeat_timeout_ms);
      pano_hub_subscriber_close (self, PANO_CLOSE_HEARTBEAT_TIMEOUT, "heartbeat timeout");
      return;
    }
}

PanoHubSubscriber *
pano_hub_subscriber_new (SoupWebsocketConnection *connection,
                         PanoHubConfig           *config,
                         PanoHubStore            *store,
                         PanoHubDb               *db,
                         PanoHubStats            *stats)
{
  PanoHubSubscriber *self = g_object_new (PANO_TYPE_HUB_SUBSCRIBER, NULL);
  GOutputStream *output;

  self->connection = g_object_ref (connection);
  self->config = g_object_ref (config);
  self->settings = pano_hub_config_get (config);
  self->store = g_object_ref (store);
  self->db = g_object_ref (db);
  self->stats = stats;
  self->last_received = g_get_monotonic_time ();
  output = g_io_stream_get_output_stream (soup_websocket_connection_get_io_stream (connection));
  if (G_IS_POLLABLE_OUTPUT_STREAM (output) &&
      g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (output)))
    self->output = G_POLLABLE_OUTPUT_STREAM (output);
  else
    g_warning ("The stream's socket cannot be polled: backpressure is off for this client");
  /* libsoup's own limit drops the TCP connection mid-frame; keep it as a far backstop and
   * enforce the documented limit here, where a proper 1009 close can be sent. */
  soup_websocket_connection_set_max_incoming_payload_size (
    connection, MAX ((guint64) self->settings->max_frame_in * 4, 1 << 20));
  g_signal_connect (connection, "message", G_CALLBACK (on_message), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), self);
  g_signal_connect (connection, "notify::state", G_CALLBACK (on_state), self);
  return self;
}
