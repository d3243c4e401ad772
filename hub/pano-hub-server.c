// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-server"

#include <sys/socket.h>

#include "pano-hub-batch.h"
#include "pano-hub-guard.h"
#include "pano-hub-history.h"
#include "pano-hub-ingest.h"
#include "pano-hub-overview.h"
#include "pano-hub-recommend.h"
#include "pano-hub-rest.h"
#include "pano-hub-server.h"
#include "pano-hub-subscriber.h"
#include "pano-sanitizer.h"

/* The hub's one port: the WebSocket stream and the REST endpoints of docs/protocol.md. */

struct _PanoHubServer
{
  GObject parent_instance;
  PanoHubConfig *config;
  const PanoHubSettings *settings;
  PanoHubStore *store;
  PanoHubDb *db;
  PanoHubIncidents *incidents;
  PanoHubRouter *router;
  PanoHubSamples *samples;
  PanoHubHistory *history;
  PanoHubGuard *guard;
  SoupServer *server;
  GPtrArray *subscribers;
  PanoHubStats stats;
  guint tick_id;
  guint rate_id;
  guint overdue_id;
  guint64 last_frames;
  guint64 frames_per_second;
  gint64 started;
};

G_DEFINE_FINAL_TYPE (PanoHubServer, pano_hub_server, G_TYPE_OBJECT)

static void
pano_hub_server_dispose (GObject *object)
{
  PanoHubServer *self = PANO_HUB_SERVER (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->rate_id, g_source_remove);
  g_clear_handle_id (&self->overdue_id, g_source_remove);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_pointer (&self->subscribers, g_ptr_array_unref);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->guard);
  g_clear_object (&self->incidents);
  g_clear_object (&self->router);
  g_clear_object (&self->samples);
  g_clear_object (&self->history);
  g_clear_object (&self->db);
  g_clear_object (&self->store);
  g_clear_object (&self->config);
  G_OBJECT_CLASS (pano_hub_server_parent_class)->dispose (object);
}

static void
pano_hub_server_class_init (PanoHubServerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pano_hub_server_dispose;
}

static void
pano_hub_server_init (PanoHubServer *self)
{
  self->subscribers = g_ptr_array_new_with_free_func (g_object_unref);
  self->started = g_get_monotonic_time ();
}

static gpointer
copy_ref (gconstpointer src,
          gpointer      data)
{
  return g_object_ref ((gpointer) src);
}

static void
on_published (PanoHubStore *store,
              PanoHubBatch *batch,
              gpointer      user_data)
{
  PanoHubServer *self = user_data;

  for (guint i = 0; i < self->subscribers->len; i++)
    pano_hub_subscriber_offer (self->subscribers->pdata[i], batch);
}

static void
on_subscriber_closed (PanoHubSubscriber *subscriber,
                      gpointer           user_data)
{
  PanoHubServer *self = user_data;

  g_ptr_array_remove_fast (self->subscribers, subscriber);
}

static void
on_websocket (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *connection,
              gpointer                 user_data)
{
  PanoHubServer *self = user_data;
  PanoHubSubscriber *subscriber;
  GSocket *socket = soup_server_message_get_socket (msg);

  /* A small kernel buffer makes backpressure start sooner; tests use it to be deterministic. */
  if (self->settings->send_buffer > 0 && socket != NULL)
    g_socket_set_option (socket, SOL_SOCKET, SO_SNDBUF, self->settings->send_buffer, NULL);
  subscriber = pano_hub_subscriber_new (connection, self->config, self->store, self->db,
                                        &self->stats);
  pano_hub_subscriber_set_guard (subscriber, self->guard,
                                 soup_server_message_get_remote_host (msg));
  g_signal_connect_object (subscriber, "closed", G_CALLBACK (on_subscriber_closed), self, 0);
  g_ptr_array_add (self->subscribers, subscriber);
}

static gboolean
on_tick (gpointer user_data)
{
  PanoHubServer *self = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GPtrArray) list = g_ptr_array_copy (self->subscribers, copy_ref, NULL);

  g_ptr_array_set_free_func (list, g_object_unref);
  for (guint i = 0; i < list->len; i++)
    pano_hub_subscriber_tick (list->pdata[i], now);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_rate (gpointer user_data)
{
  PanoHubServer *self = user_data;

  self->frames_per_second = self->stats.frames_sent - self->last_frames;
  self->last_frames = self->stats.frames_sent;
  return G_SOURCE_CONTINUE;
}

static gboolean
on_overdue (gpointer user_data)
{
  PanoHubServer *self = user_data;

  pano_hub_incidents_check_overdue (self->incidents);
  pano_hub_incidents_expire (self->incidents);
  return G_SOURCE_CONTINUE;
}

/* ---- REST ---- */

static void
reply (SoupServerMessage *msg,
       guint              status,
       char              *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body,
                                    strlen (body));
}

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const char        *code,
             const char        *message)
{
  g_autoptr(GString) body = g_string_new ("{\"error\":");

  pano_protocol_append_quoted (body, code);
  g_string_append (body, ",\"message\":");
  pano_protocol_append_quoted (body, message);
  g_string_append_c (body, '}');
  reply (msg, status, g_string_free (g_steal_pointer (&body), FALSE));
}

/* The guard has checked the token when the request's headers came (pano-hub-guard.c); this
 * returns its entry, or refuses a request the guard did not know to check. */
static const PanoHubToken *
authorize (PanoHubServer     *self,
           SoupServerMessage *msg,
           const char        *path,
           PanoHubRole        needed)
{
  return pano_hub_guard_authorize (self->guard, msg, needed);
}

static gboolean
layer_from_path (SoupServerMessage *msg,
                 const char        *name,
                 PanoLayerId       *layer)
{
  g_autofree char *message = NULL;

  if (pano_layer_from_name (name, layer))
    return TRUE;
  message = g_strdup_printf ("Layer '%s' does not exist", name);
  reply_error (msg, 404, "unknown_layer", message);
  return FALSE;
}

static void
handle_health (PanoHubServer     *self,
               SoupServerMessage *msg)
{
  reply (msg, 200, g_strdup_printf ("{\"status\":\"ok\",\"epoch\":\"%s\",\"uptime_s\":%"
                                    G_GINT64_FORMAT ",\"subscribers\":%u,\"protocol\":%d}",
                                    pano_hub_store_get_epoch (self->store),
                                    (g_get_monotonic_time () - self->started) / G_USEC_PER_SEC,
                                    self->subscribers->len, PANO_PROTOCOL_VERSION));
}

static void
handle_layers (PanoHubServer     *self,
               SoupServerMessage *msg)
{
  g_autoptr(GString) body = g_string_new (NULL);

  g_string_append_printf (body, "{\"epoch\":\"%s\",\"layers\":[",
                          pano_hub_store_get_epoch (self->store));
  for (guint i = 0; i < PANO_N_LAYERS; i++)
    g_string_append_printf (body, "%s{\"name\":\"%s\",\"seq\":%" G_GUINT64_FORMAT
                            ",\"entities\":%u,\"window_start\":%" G_GUINT64_FORMAT "}",
                            i ? "," : "", pano_layer_name (i),
                            pano_hub_store_get_seq (self->store, i),
                            pano_hub_store_get_n_entities (self->store, i),
                            pano_hub_store_get_window_start (self->store, i));
  g_string_append (body, "]}");
  reply (msg, 200, g_string_free (g_steal_pointer (&body), FALSE));
}

static gboolean
parse_bbox (const char *text,
            double     *bbox)
{
  g_auto(GStrv) parts = text ? g_strsplit (text, ",", 5) : NULL;

  if (parts == NULL || g_strv_length (parts) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      char *end;

      bbox[i] = g_ascii_strtod (parts[i], &end);
      if (end == parts[i] || *end != '\0')
        return FALSE;
    }
  return TRUE;
}

static void
handle_snapshot (PanoHubServer     *self,
                 SoupServerMessage *msg,
                 const char        *name,
                 GHashTable        *query)
{
  const char *bbox_text = query ? g_hash_table_lookup (query, "bbox") : NULL;
  g_autoptr(GPtrArray) frames = NULL;
  PanoLayerId layer;
  double bbox[4];
  guint64 seq;
  gsize size;
  const char *data;

  if (!layer_from_path (msg, name, &layer))
    return;
  if (bbox_text != NULL && !parse_bbox (bbox_text, bbox))
    {
      reply_error (msg, 400, "bad_request", "bbox must be min_lon,min_lat,max_lon,max_lat");
      return;
    }
  frames = pano_hub_store_snapshot (self->store, layer, bbox_text ? bbox : NULL, 0, &seq);
  data = g_bytes_get_data (frames->pdata[0], &size);
  reply (msg, 200, g_strndup (data, size));
}

static gboolean
parse_seq (GHashTable *query,
           const char *name,
           guint64     fallback,
           guint64    *value)
{
  const char *text = query ? g_hash_table_lookup (query, name) : NULL;

  if (text == NULL)
    {
      *value = fallback;
      return fallback != G_MAXUINT64;
    }
  return g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64 - 1, value, NULL);
}

static void
handle_history (PanoHubServer     *self,
                SoupServerMessage *msg,
                GHashTable        *query)
{
  const char *name = query ? g_hash_table_lookup (query, "layer") : NULL;
  g_autoptr(GPtrArray) deltas = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  PanoLayerId layer;
  guint64 from, to;

  if (name == NULL)
    {
      reply_error (msg, 400, "bad_request", "history needs ?layer=NAME&from=SEQ[&to=SEQ]");
      return;
    }
  if (!layer_from_path (msg, name, &layer))
    return;
  if (!parse_seq (query, "from", G_MAXUINT64, &from) ||
      !parse_seq (query, "to", pano_hub_store_get_seq (self->store, layer), &to))
    {
      reply_error (msg, 400, "bad_request", "'from' and 'to' must be seq numbers");
      return;
    }
  /* Seqs start at 1: from=0 asks for everything retained, as a window_start of 0 suggests. */
  from = MAX (from, 1);
  deltas = pano_hub_store_deltas_after (self->store, layer, from - 1, to);
  if (deltas == NULL)
    {
      g_autofree char *message = g_strdup_printf (
        "Seq %" G_GUINT64_FORMAT " is not retained; the window starts after %" G_GUINT64_FORMAT,
        from, pano_hub_store_get_window_start (self->store, layer));

      reply_error (msg, 410, "gone", message);
      return;
    }
  g_string_append_printf (body, "{\"layer\":\"%s\",\"epoch\":\"%s\",\"from\":%" G_GUINT64_FORMAT
                          ",\"to\":%" G_GUINT64_FORMAT ",\"changes\":[", name,
                          pano_hub_store_get_epoch (self->store), from, MAX (to, from - 1));
  for (guint i = 0; i < deltas->len; i++)
    {
      PanoHubDelta *delta = deltas->pdata[i];

      g_string_append_printf (body, "%s{\"seq\":%" G_GUINT64_FORMAT ",%s", i ? "," : "",
                              delta->seq, delta->change + 1);
    }
  g_string_append (body, "]}");
  reply (msg, 200, g_string_free (g_steal_pointer (&body), FALSE));
}

static void
handle_ingest (PanoHubServer     *self,
               SoupServerMessage *msg,
               const char        *name)
{
  SoupMessageBody *request = soup_server_message_get_request_body (msg);
  g_autoptr(GArray) items = NULL;
  g_autoptr(GError) error = NULL;
  PanoLayerId layer;
  gint64 now = g_get_real_time ();
  guint64 seq;

  if (!layer_from_path (msg, name, &layer))
    return;
  if (layer == PANO_LAYER_INCIDENTS)
    {
      reply_error (msg, 409, "read_only_layer",
                   "Incidents change only through POST /v1/commands");
      return;
    }
  items = pano_hub_ingest_read (request->data, request->length, &error);
  if (items == NULL)
    {
      reply_error (msg, 400, "bad_request", error->message);
      return;
    }
  seq = pano_hub_store_get_seq (self->store, layer);
  /* One request, one delta per subscriber (split only above max_frame_out). */
  pano_hub_store_begin_batch (self->store);
  for (guint i = 0; i < items->len; i++)
    {
      PanoHubIngestItem *item = &g_array_index (items, PanoHubIngestItem, i);

      if (item->remove)
        seq = pano_hub_store_remove (self->store, layer, item->id);
      else
        seq = pano_hub_store_upsert_raw (self->store, layer, item->id, item->geometry,
                                         item->has_bbox ? item->bbox : NULL, item->properties,
                                         item->stale_us > 0 ? now + item->stale_us : 0);
    }
  pano_hub_store_end_batch (self->store);
  reply (msg, 200, g_strdup_printf ("{\"accepted\":%u,\"seq\":%" G_GUINT64_FORMAT "}",
                                    items->len, seq));
}

static gboolean
valid_key (const char *key)
{
  gsize length = key ? strlen (key) : 0;

  if (length == 0 || length > 200)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (key[i] < 0x21 || key[i] > 0x7e)
      return FALSE;
  return TRUE;
}

static void
handle_command (PanoHubServer      *self,
                SoupServerMessage  *msg,
                const PanoHubToken *token)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *key = soup_message_headers_get_one (headers, "Idempotency-Key");
  SoupMessageBody *request = soup_server_message_get_request_body (msg);
  PanoHubCommandResult result;

  if (!valid_key (key))
    {
      static const char reason[] =
        "Commands need an Idempotency-Key header: 1-200 printable ASCII characters";
      g_autofree char *text = g_strndup (request->data, request->length);
      PanoHubAudit record = { token->name, pano_hub_role_name (token->role), "command",
                              NULL, "refused", 400, reason, text, NULL, NULL };

      pano_hub_db_audit (self->db, &record, NULL);
      reply_error (msg, 400, "missing_idempotency_key", reason);
      return;
    }
  pano_hub_incidents_execute (self->incidents, token->name, token->role, key, request->data,
                              request->length, &result);
  if (result.replayed)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Idempotent-Replayed", "true");
  reply (msg, result.status, result.body);
}

static void
handle_metrics (PanoHubServer     *self,
                SoupServerMessage *msg)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint max_depth = 0, total_depth = 0, welcomed = 0;

  for (guint i = 0; i < self->subscribers->len; i++)
    {
      guint depth = pano_hub_subscriber_get_queue_depth (self->subscribers->pdata[i]);

      max_depth = MAX (max_depth, depth);
      total_depth += depth;
      welcomed += pano_hub_subscriber_is_welcomed (self->subscribers->pdata[i]);
    }
  g_string_append_printf (text,
    "# TYPE pano_hub_subscribers gauge\npano_hub_subscribers %u\n"
    "# TYPE pano_hub_frames_sent_total counter\npano_hub_frames_sent_total %" G_GUINT64_FORMAT "\n"
    "# TYPE pano_hub_frames_sent_per_second gauge\npano_hub_frames_sent_per_second %"
    G_GUINT64_FORMAT "\n"
    "# TYPE pano_hub_queue_depth_max gauge\npano_hub_queue_depth_max %u\n"
    "# TYPE pano_hub_queue_depth_total gauge\npano_hub_queue_depth_total %u\n"
    "# TYPE pano_hub_coalesced_total counter\npano_hub_coalesced_total %" G_GUINT64_FORMAT "\n"
    "# TYPE pano_hub_dropped_total counter\npano_hub_dropped_total %" G_GUINT64_FORMAT "\n"
    "# TYPE pano_hub_auth_failures_total counter\npano_hub_auth_failures_total %"
    G_GUINT64_FORMAT "\n"
    "# TYPE pano_hub_auth_lockouts_total counter\npano_hub_auth_lockouts_total %"
    G_GUINT64_FORMAT "\n"
    "# TYPE pano_hub_auth_locked_total counter\npano_hub_auth_locked_total %" G_GUINT64_FORMAT
    "\n"
    "# TYPE pano_hub_bodies_refused_total counter\npano_hub_bodies_refused_total %"
    G_GUINT64_FORMAT "\n",
    welcomed, self->stats.frames_sent, self->frames_per_second, max_depth, total_depth,
    self->stats.coalesced, self->stats.dropped,
    pano_hub_guard_get_count (self->guard, PANO_HUB_GUARD_AUTH_FAILURES),
    pano_hub_guard_get_count (self->guard, PANO_HUB_GUARD_LOCKOUTS),
    pano_hub_guard_get_count (self->guard, PANO_HUB_GUARD_LOCKED),
    pano_hub_guard_get_count (self->guard, PANO_HUB_GUARD_BODIES_REFUSED));
  g_string_append (text, "# TYPE pano_hub_deltas_published_total counter\n");
  for (guint i = 0; i < PANO_N_LAYERS; i++)
    g_string_append_printf (text, "pano_hub_deltas_published_total{layer=\"%s\"} %"
                            G_GUINT64_FORMAT "\n", pano_layer_name (i),
                            pano_hub_store_get_published (self->store, i));
  g_string_append (text, "# TYPE pano_hub_layer_seq gauge\n");
  for (guint i = 0; i < PANO_N_LAYERS; i++)
    g_string_append_printf (text, "pano_hub_layer_seq{layer=\"%s\"} %" G_GUINT64_FORMAT "\n",
                            pano_layer_name (i), pano_hub_store_get_seq (self->store, i));
  g_string_append (text, "# TYPE pano_hub_layer_entities gauge\n");
  for (guint i = 0; i < PANO_N_LAYERS; i++)
    g_string_append_printf (text, "pano_hub_layer_entities{layer=\"%s\"} %u\n",
                            pano_layer_name (i), pano_hub_store_get_n_entities (self->store, i));
  g_string_append (text, "# TYPE pano_hub_commands_total counter\n");
  for (guint i = 0; i < 3; i++)
    {
      static const char * const outcomes[] = { "accepted", "refused", "replayed" };

      g_string_append_printf (text, "pano_hub_commands_total{outcome=\"%s\"} %" G_GUINT64_FORMAT
                              "\n", outcomes[i],
                              pano_hub_incidents_get_count (self->incidents, outcomes[i]));
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/plain; version=0.0.4", SOUP_MEMORY_COPY,
                                    text->str, text->len);
}

/* GET /v1/incidents/{id}/recommendations?limit=N */
static void
handle_recommendations (PanoHubServer     *self,
                        SoupServerMessage *msg,
                        const char        *path,
                        GHashTable        *query)
{
  const char *text = query ? g_hash_table_lookup (query, "limit") : NULL;
  gsize start = strlen ("/v1/incidents/"), end = strlen (path) - strlen ("/recommendations");
  g_autofree char *id = g_strndup (path + start, end > start ? end - start : 0);
  guint64 limit = 10;
  guint status;
  char *body;

  if (text != NULL && !g_ascii_string_to_unsigned (text, 10, 1, PANO_HUB_RECOMMEND_MAX_LIMIT,
                                                   &limit, NULL))
    {
      reply_error (msg, 400, "bad_request", "limit must be an integer from 1 to 200");
      return;
    }
  body = pano_hub_recommend (self->router, self->incidents, self->store, self->settings, id,
                             (guint) limit, &status);
  reply (msg, status, body);
}

/* GET /v1/overview?scope= (docs/overview.md) */
static void
handle_overview (PanoHubServer     *self,
                 SoupServerMessage *msg,
                 GHashTable        *query)
{
  const char *scope = query ? g_hash_table_lookup (query, "scope") : NULL;
  g_autoptr(GError) error = NULL;
  char *body;

  if (scope != NULL && strlen (scope) > 64)
    {
      reply_error (msg, 400, "bad_request", "scope must be a grid-code prefix (64 bytes at most)");
      return;
    }
  if (self->samples == NULL)
    {
      reply_error (msg, 503, "unavailable", "The hub is not sampling its live layers");
      return;
    }
  body = pano_hub_overview_to_json (self->db, self->samples, self->settings, scope ? scope : "",
                                    &error);
  if (body == NULL)
    {
      g_warning ("%s", error->message);
      reply_error (msg, 500, "storage", error->message);
      return;
    }
  reply (msg, 200, body);
}

/* The role each endpoint needs, as route() below checks it: the guard checks it as soon as a
 * request's headers are in, before its body is read. */
static PanoHubRole
route_role (const char *method,
            const char *path)
{
  PanoHubRole needed;

  if (g_str_equal (method, "GET"))
    {
      if (g_str_equal (path, "/v1/layers") || g_str_equal (path, "/v1/history") ||
          g_str_equal (path, "/v1/overview") || g_str_has_prefix (path, "/v1/snapshot/") ||
          pano_hub_history_serves (path) ||
          (g_str_has_prefix (path, "/v1/incidents/") &&
           g_str_has_suffix (path, "/recommendations")))
        return PANO_HUB_ROLE_VIEWER;
      if (pano_hub_rest_incidents_serves (path, &needed))
        return needed;
    }
  else if (g_str_equal (method, "POST"))
    {
      if (g_str_has_prefix (path, "/v1/ingest/"))
        return PANO_HUB_ROLE_ADMIN;
      if (g_str_equal (path, "/v1/commands"))
        return PANO_HUB_ROLE_DISPATCHER;
    }
  return PANO_HUB_ROLE_NONE;
}

static void
route (PanoHubServer     *self,
       SoupServerMessage *msg,
       const char        *path,
       GHashTable        *query)
{
  const char *method = soup_server_message_get_method (msg);
  gboolean get = g_str_equal (method, "GET"), post = g_str_equal (method, "POST");
  const PanoHubToken *token;
  PanoHubRole needed;

  if (soup_server_message_get_request_body (msg)->length > PANO_HUB_MAX_BODY)
    reply_error (msg, 413, "payload_too_large", "Request bodies are limited to 16 MiB");
  else if (get && g_str_equal (path, "/v1/health"))
    handle_health (self, msg);
  else if (get && g_str_equal (path, "/metrics"))
    handle_metrics (self, msg);
  else if (get && (g_str_equal (path, "/v1/layers") || g_str_equal (path, "/v1/history") ||
                   g_str_has_prefix (path, "/v1/snapshot/")))
    {
      if ((token = authorize (self, msg, path, PANO_HUB_ROLE_VIEWER)) == NULL)
        return;
      if (g_str_equal (path, "/v1/layers"))
        handle_layers (self, msg);
      else if (g_str_equal (path, "/v1/history"))
        handle_history (self, msg, query);
      else
        handle_snapshot (self, msg, path + strlen ("/v1/snapshot/"), query);
    }
  else if (get && g_str_equal (path, "/v1/overview"))
    {
      if (authorize (self, msg, path, PANO_HUB_ROLE_VIEWER) != NULL)
        handle_overview (self, msg, query);
    }
  else if (get && pano_hub_history_serves (path))
    {
      if (authorize (self, msg, path, PANO_HUB_ROLE_VIEWER) == NULL)
        return;
      if (self->history != NULL)
        pano_hub_history_route (self->history, msg, path, query);
      else
        reply_error (msg, 503, "unavailable", "This hub keeps no replay history");
    }
  else if (get && g_str_has_prefix (path, "/v1/incidents/") &&
           g_str_has_suffix (path, "/recommendations"))
    {
      if (authorize (self, msg, path, PANO_HUB_ROLE_VIEWER) != NULL)
        handle_recommendations (self, msg, path, query);
    }
  else if (get && pano_hub_rest_incidents_serves (path, &needed))
    {
      if (authorize (self, msg, path, needed) != NULL)
        pano_hub_rest_incidents_route (self->incidents, msg, path, query);
    }
  else if (post && g_str_has_prefix (path, "/v1/ingest/"))
    {
      if (authorize (self, msg, path, PANO_HUB_ROLE_ADMIN) != NULL)
        handle_ingest (self, msg, path + strlen ("/v1/ingest/"));
    }
  else if (post && g_str_equal (path, "/v1/commands"))
    {
      if ((token = authorize (self, msg, path, PANO_HUB_ROLE_DISPATCHER)) != NULL)
        handle_command (self, msg, token);
    }
  else
    reply_error (msg, 404, "not_found", "No such endpoint; see docs/protocol.md section 4");
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  route (user_data, msg, path, query);
}

PanoHubServer *
pano_hub_server_new (PanoHubConfig    *config,
                     PanoHubStore     *store,
                     PanoHubDb        *db,
                     PanoHubIncidents *incidents)
{
  PanoHubServer *self = g_object_new (PANO_TYPE_HUB_SERVER, NULL);

  self->config = g_object_ref (config);
  self->settings = pano_hub_config_get (config);
  self->store = g_object_ref (store);
  self->db = g_object_ref (db);
  self->incidents = g_object_ref (incidents);
  self->guard = pano_hub_guard_new (config, db, route_role);
  g_signal_connect (store, "published", G_CALLBACK (on_published), self);
  return self;
}

/* The live-layer samples behind GET /v1/overview. */
void
pano_hub_server_set_samples (PanoHubServer  *self,
                             PanoHubSamples *samples)
{
  g_set_object (&self->samples, samples);
}

/* The replay history /v1/replay/ serves (none: 503). */
void
pano_hub_server_set_history (PanoHubServer  *self,
                             PanoHubHistory *history)
{
  g_set_object (&self->history, history);
}

/* The road graph recommendations rank units on; without one every unit is unreachable. */
void
pano_hub_server_set_router (PanoHubServer *self,
                            PanoHubRouter *router)
{
  g_set_object (&self->router, router);
}

static gboolean
setup_tls (PanoHubServer  *self,
           GError        **error)
{
  g_autoptr(GTlsCertificate) certificate = NULL;

  if (self->settings->tls_certificate == NULL || self->settings->tls_key == NULL)
    return TRUE;
  certificate = g_tls_certificate_new_from_files (self->settings->tls_certificate,
                                                  self->settings->tls_key, error);
  if (certificate == NULL)
    {
      g_prefix_error (error, "TLS certificate %s / key %s: ", self->settings->tls_certificate,
                      self->settings->tls_key);
      return FALSE;
    }
  soup_server_set_tls_certificate (self->server, certificate);
  return TRUE;
}

/* Every request, before its headers are read, so that the guard's early refusals close too.
 * libsoup 3.2 never closes the socket of a keep-alive connection that the client closes: each
 * one left an fd open, and a hub taking ingest and commands 7x24 ran out of them (the soak,
 * docs/soak.md). Closing each connection after its answer is the path on which libsoup does
 * release it; a WebSocket handshake replaces the header with its own. libsoup never frees the
 * GSocket object either (about 400 bytes a connection): ours to know, not LeakSanitizer's to
 * report on every hub that exits. */
static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                "close");
  pano_sanitizer_ignore_leak (soup_server_message_get_socket (msg));
}

gboolean
pano_hub_server_listen (PanoHubServer  *self,
                        GError        **error)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (self->settings->host);
  g_autoptr(GSocketAddress) socket_address = NULL;
  SoupServerListenOptions options = 0;

  if (address == NULL)
    {
      g_set_error (error, PANO_HUB_CONFIG_ERROR, PANO_HUB_CONFIG_ERROR_INVALID,
                   "Listen host '%s' is not an IP address", self->settings->host);
      return FALSE;
    }
  self->server = soup_server_new ("server-header", "panorama-hub ", NULL);
  g_signal_connect (self->server, "request-started", G_CALLBACK (on_request_started), NULL);
  if (!setup_tls (self, error))
    return FALSE;
  if (self->settings->tls_certificate != NULL && self->settings->tls_key != NULL)
    options |= SOUP_SERVER_LISTEN_HTTPS;
  pano_hub_guard_attach (self->guard, self->server);
  soup_server_add_websocket_handler (self->server, "/v1/stream", NULL, NULL, on_websocket, self,
                                     NULL);
  soup_server_add_handler (self->server, NULL, on_request, self, NULL);
  socket_address = g_inet_socket_address_new (address, self->settings->port);
  if (!soup_server_listen (self->server, socket_address, options, error))
    {
      g_prefix_error (error, "Cannot listen on %s:%u: ", self->settings->host,
                      self->settings->port);
      return FALSE;
    }
  self->tick_id = g_timeout_add (MAX (self->settings->heartbeat_interval_ms / 4, 5), on_tick,
                                 self);
  self->rate_id = g_timeout_add_seconds (1, on_rate, self);
  if (self->settings->overdue_check_ms > 0)
    self->overdue_id = g_timeout_add (self->settings->overdue_check_ms, on_overdue, self);
  return TRUE;
}

guint
pano_hub_server_get_port (PanoHubServer *self)
{
  /* From the listening socket: soup_server_get_uris() leaks an address in libsoup 3.2. */
  GSList *listeners = soup_server_get_listeners (self->server);
  g_autoptr(GSocketAddress) address = listeners ? g_socket_get_local_address (listeners->data,
                                                                              NULL) : NULL;

  g_slist_free (listeners);
  if (address == NULL || !G_IS_INET_SOCKET_ADDRESS (address))
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

char *
pano_hub_server_dup_url (PanoHubServer *self)
{
  gboolean tls = self->settings->tls_certificate != NULL && self->settings->tls_key != NULL;

  return g_strdup_printf ("%s://%s:%u/", tls ? "https" : "http", self->settings->host,
                          pano_hub_server_get_port (self));
}

/* Tells every client the hub is going away (1001), so they reconnect rather than wait. */
void
pano_hub_server_shutdown (PanoHubServer *self)
{
  g_autoptr(GPtrArray) list = g_ptr_array_copy (self->subscribers, copy_ref, NULL);

  g_ptr_array_set_free_func (list, g_object_unref);
  for (guint i = 0; i < list->len; i++)
    pano_hub_subscriber_close (list->pdata[i], SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                               "hub shutting down");
}
