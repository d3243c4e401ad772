// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-store"

#include "pano-hub-store.h"
#include "pano-hub-batch.h"

/* The city's live state: per layer the current entities and a ring of the last `window`
 * changes, so a subscriber that lost its connection can be given exactly what it missed.
 * Changes made between begin_batch and end_batch are published together, per layer. */

typedef struct
{
  char *json;
  gboolean has_bbox;
  double bbox[4];
} Entity;

typedef struct
{
  guint64 seq;
  guint64 published;
  GHashTable *entities;   /* id → Entity */
  PanoHubDelta **ring;    /* ring[seq % window] */
  PanoHubStoreDecorator decorator;
  gpointer decorator_data;
} Layer;

struct _PanoHubStore
{
  GObject parent_instance;
  char *epoch;
  guint window;
  Layer layers[PANO_N_LAYERS];

  guint batch_depth;
  GPtrArray *batch[PANO_N_LAYERS];        /* PanoHubDelta changed in the open batch */
  PanoLayerId batch_order[PANO_N_LAYERS]; /* layers in the order they first changed */
  guint n_batch_layers;
};

G_DEFINE_FINAL_TYPE (PanoHubStore, pano_hub_store, G_TYPE_OBJECT)

enum { CHANGED, PUBLISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

PanoHubDelta *
pano_hub_delta_ref (PanoHubDelta *delta)
{
  g_atomic_ref_count_inc (&delta->ref);
  return delta;
}

void
pano_hub_delta_unref (PanoHubDelta *delta)
{
  if (!g_atomic_ref_count_dec (&delta->ref))
    return;
  g_free (delta->id);
  g_free (delta->change);
  g_free (delta);
}

static gboolean
bbox_intersects (const double *a,
                 const double *b)
{
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/* An entity that leaves the bbox is still sent once so the client can drop it. */
gboolean
pano_hub_delta_in_bbox (const PanoHubDelta *delta,
                        const double       *bbox)
{
  if (!delta->has_bbox && !delta->had_bbox)
    return TRUE;
  return (delta->has_bbox && bbox_intersects (delta->bbox, bbox)) ||
         (delta->had_bbox && bbox_intersects (delta->old_bbox, bbox));
}

static void
entity_free (gpointer data)
{
  Entity *entity = data;

  g_free (entity->json);
  g_free (entity);
}

static void
pano_hub_store_finalize (GObject *object)
{
  PanoHubStore *self = PANO_HUB_STORE (object);

  for (guint i = 0; i < PANO_N_LAYERS; i++)
    {
      for (guint j = 0; j < self->window; j++)
        g_clear_pointer (&self->layers[i].ring[j], pano_hub_delta_unref);
      g_free (self->layers[i].ring);
      g_hash_table_unref (self->layers[i].entities);
      g_clear_pointer (&self->batch[i], g_ptr_array_unref);
    }
  g_free (self->epoch);
  G_OBJECT_CLASS (pano_hub_store_parent_class)->finalize (object);
}

static void
pano_hub_store_class_init (PanoHubStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pano_hub_store_finalize;

  /* Emitted once per change as soon as it is retained, batch or not, for producers that react
   * to each other within a step (the simulator); the pointer is a PanoHubDelta. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* Emitted once per layer per batch, and once per change made outside a batch; the pointer
   * is a PanoHubBatch. This is what subscribers are sent. */
  signals[PUBLISHED] = g_signal_new ("published", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
pano_hub_store_init (PanoHubStore *self)
{
  /* A fresh random epoch per process: live history is not persisted, so every start is a
   * different history and clients must resnapshot (docs/protocol.md, "Epoch"). */
  self->epoch = g_strdup_printf ("%08x%08x%08x%08x", g_random_int (), g_random_int (),
                                 g_random_int (), g_random_int ());
  for (guint i = 0; i < PANO_N_LAYERS; i++)
    self->layers[i].entities = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                      g_free, entity_free);
}

PanoHubStore *
pano_hub_store_new (guint window)
{
  PanoHubStore *self = g_object_new (PANO_TYPE_HUB_STORE, NULL);

  self->window = MAX (window, 1);
  for (guint i = 0; i < PANO_N_LAYERS; i++)
    self->layers[i].ring = g_new0 (PanoHubDelta *, self->window);
  return self;
}

const char *
pano_hub_store_get_epoch (PanoHubStore *self)
{
  return self->epoch;
}

guint64
pano_hub_store_get_seq (PanoHubStore *self,
                        PanoLayerId   layer)
{
  return self->layers[layer].seq;
}

/* The oldest seq a resume may start after. */
guint64
pano_hub_store_get_window_start (PanoHubStore *self,
                                 PanoLayerId   layer)
{
  guint64 seq = self->layers[layer].seq;

  return seq > self->window ? seq - self->window : 0;
}

guint
pano_hub_store_get_n_entities (PanoHubStore *self,
                               PanoLayerId   layer)
{
  return g_hash_table_size (self->layers[layer].entities);
}

guint64
pano_hub_store_get_published (PanoHubStore *self,
                              PanoLayerId   layer)
{
  return self->layers[layer].published;
}

gboolean
pano_hub_store_has_entity (PanoHubStore *self,
                           PanoLayerId   layer,
                           const char   *id)
{
  return g_hash_table_contains (self->layers[layer].entities, id);
}

/* Returns: (transfer full) (nullable): the entity as sent to clients, or %NULL */
char *
pano_hub_store_dup_entity (PanoHubStore *self,
                           PanoLayerId   layer,
                           const char   *id)
{
  Entity *entity = g_hash_table_lookup (self->layers[layer].entities, id);

  return entity ? g_strdup (entity->json) : NULL;
}

/**
 * pano_hub_store_set_decorator:
 *
 * Every later upsert of @layer passes its properties through @decorator first. @user_data
 * must outlive the store's use of it (unset with a %NULL decorator).
 */
void
pano_hub_store_set_decorator (PanoHubStore          *self,
                              PanoLayerId            layer,
                              PanoHubStoreDecorator  decorator,
                              gpointer               user_data)
{
  self->layers[layer].decorator = decorator;
  self->layers[layer].decorator_data = user_data;
}

/* Re-publishes an entity as it is, through the layer's decorator: after the decorator's
 * answer for @id changed. Returns: %FALSE if there is no such entity. */
gboolean
pano_hub_store_redecorate (PanoHubStore *self,
                           PanoLayerId   layer,
                           const char   *id)
{
  Entity *entity = g_hash_table_lookup (self->layers[layer].entities, id);
  g_autoptr(JsonNode) node = entity ? json_from_string (entity->json, NULL) : NULL;
  g_autoptr(GDateTime) stale = NULL;
  g_autofree char *geometry = NULL;
  g_autofree char *properties = NULL;
  double bbox[4];
  gboolean has_bbox;
  JsonObject *object;
  const char *stale_text;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  geometry = json_to_string (json_object_get_member (object, "geometry"), FALSE);
  properties = json_to_string (json_object_get_member (object, "properties"), FALSE);
  stale_text = json_object_get_string_member_with_default (object, "stale_after", NULL);
  stale = stale_text ? g_date_time_new_from_iso8601 (stale_text, NULL) : NULL;
  has_bbox = entity->has_bbox;
  memcpy (bbox, entity->bbox, sizeof bbox);
  pano_hub_store_upsert_raw (self, layer, id, geometry, has_bbox ? bbox : NULL, properties,
                             stale ? g_date_time_to_unix (stale) * G_USEC_PER_SEC +
                                     g_date_time_get_microsecond (stale) : 0);
  return TRUE;
}

static void
emit_batch (PanoHubStore *self,
            PanoLayerId   layer,
            GPtrArray    *deltas)
{
  guint64 from = ((PanoHubDelta *) deltas->pdata[0])->seq;
  guint64 seq = ((PanoHubDelta *) deltas->pdata[deltas->len - 1])->seq;
  g_autoptr(PanoHubBatch) batch = pano_hub_batch_new (layer, from, seq, deltas);

  g_signal_emit (self, signals[PUBLISHED], 0, batch);
}

/**
 * pano_hub_store_begin_batch:
 *
 * Holds back "published" until the matching pano_hub_store_end_batch(): everything changed
 * meanwhile reaches subscribers as one delta per layer. Batches nest; the outermost one counts.
 */
void
pano_hub_store_begin_batch (PanoHubStore *self)
{
  self->batch_depth++;
}

void
pano_hub_store_end_batch (PanoHubStore *self)
{
  guint n;

  g_return_if_fail (self->batch_depth > 0);
  if (--self->batch_depth > 0)
    return;
  n = self->n_batch_layers;
  self->n_batch_layers = 0;
  /* Layers go out in the order they first changed. */
  for (guint i = 0; i < n; i++)
    {
      PanoLayerId layer = self->batch_order[i];

      emit_batch (self, layer, g_steal_pointer (&self->batch[layer]));
    }
}

static void
collect (PanoHubStore *self,
         PanoHubDelta *delta)
{
  GPtrArray *deltas;

  if (self->batch_depth == 0)
    {
      deltas = g_ptr_array_new_with_free_func ((GDestroyNotify) pano_hub_delta_unref);
      g_ptr_array_add (deltas, pano_hub_delta_ref (delta));
      emit_batch (self, delta->layer, deltas);
      return;
    }
  if (self->batch[delta->layer] == NULL)
    {
      self->batch[delta->layer] =
        g_ptr_array_new_with_free_func ((GDestroyNotify) pano_hub_delta_unref);
      self->batch_order[self->n_batch_layers++] = delta->layer;
    }
  g_ptr_array_add (self->batch[delta->layer], pano_hub_delta_ref (delta));
}

static guint64
publish (PanoHubStore *self,
         PanoLayerId   layer,
         const char   *id,
         char         *change,
         const Entity *before,
         const Entity *after,
         gint64        stale_after_us)
{
  Layer *l = &self->layers[layer];
  PanoHubDelta *delta = g_new0 (PanoHubDelta, 1);
  guint slot;

  g_atomic_ref_count_init (&delta->ref);
  delta->layer = layer;
  delta->seq = ++l->seq;
  delta->id = g_strdup (id);
  delta->change = change;
  delta->stale_after_us = stale_after_us;
  if (after != NULL && after->has_bbox)
    {
      delta->has_bbox = TRUE;
      memcpy (delta->bbox, after->bbox, sizeof delta->bbox);
    }
  if (before != NULL && before->has_bbox)
    {
      delta->had_bbox = TRUE;
      memcpy (delta->old_bbox, before->bbox, sizeof delta->old_bbox);
    }
  slot = delta->seq % self->window;
  g_clear_pointer (&l->ring[slot], pano_hub_delta_unref);
  l->ring[slot] = delta;
  l->published++;
  g_signal_emit (self, signals[CHANGED], 0, delta);
  collect (self, delta);
  return delta->seq;
}

#define UPSERT_HEAD "{\"op\":\"upsert\",\"entity\":"

/* The entity's JSON, appended to @out without a printf: this runs for every update. */
static void
append_entity (GString    *out,
               const char *id,
               const char *geometry_json,
               const char *properties_json,
               gint64      stale_after_us)
{
  g_string_append (out, "{\"id\":");
  pano_protocol_append_quoted (out, id);
  g_string_append (out, ",\"geometry\":");
  g_string_append (out, geometry_json ? geometry_json : "null");
  g_string_append (out, ",\"properties\":");
  g_string_append (out, properties_json ? properties_json : "{}");
  g_string_append (out, ",\"updated_at\":\"");
  pano_protocol_append_time (out, g_get_real_time ());
  g_string_append (out, "\",\"stale_after\":");
  if (stale_after_us != 0)
    {
      g_string_append_c (out, '"');
      pano_protocol_append_time (out, stale_after_us);
      g_string_append (out, "\"}");
    }
  else
    g_string_append (out, "null}");
}

/**
 * pano_hub_store_upsert_raw:
 * @geometry_json: (nullable): a serialised GeoJSON geometry
 * @bbox: (nullable): its lon/lat bounds, for bbox subscriptions
 * @properties_json: a serialised JSON object
 * @stale_after_us: when the state goes stale, or 0 for never
 *
 * The fast path for producers that already hold text (simulator, ingest): the change is
 * written once, and the entity's state is copied out of it.
 *
 * Returns: the seq of the change
 */
guint64
pano_hub_store_upsert_raw (PanoHubStore *self,
                           PanoLayerId   layer,
                           const char   *id,
                           const char   *geometry_json,
                           const double *bbox,
                           const char   *properties_json,
                           gint64        stale_after_us)
{
  Layer *l = &self->layers[layer];
  Entity *entity = g_hash_table_lookup (l->entities, id);
  Entity old = { NULL, entity ? entity->has_bbox : FALSE, { 0 } };
  gboolean existed = entity != NULL;
  g_autofree char *decorated = l->decorator ? l->decorator (id, properties_json,
                                                             l->decorator_data) : NULL;
  GString *change;

  if (decorated != NULL)
    properties_json = decorated;
  change = g_string_sized_new (strlen (UPSERT_HEAD) + 160 + 2 * strlen (id) +
                                        (geometry_json ? strlen (geometry_json) : 4) +
                                        (properties_json ? strlen (properties_json) : 2));

  g_string_append (change, UPSERT_HEAD);
  append_entity (change, id, geometry_json, properties_json, stale_after_us);
  g_string_append_c (change, '}');
  /* An entity seen before is updated in place: no second hash lookup, no key copy. */
  if (existed)
    {
      memcpy (old.bbox, entity->bbox, sizeof old.bbox);
      g_free (entity->json);
    }
  else
    {
      entity = g_new0 (Entity, 1);
      g_hash_table_insert (l->entities, g_strdup (id), entity);
    }
  entity->json = g_strndup (change->str + strlen (UPSERT_HEAD),
                            change->len - strlen (UPSERT_HEAD) - 1);
  entity->has_bbox = bbox != NULL;
  if (bbox != NULL)
    memcpy (entity->bbox, bbox, sizeof entity->bbox);
  return publish (self, layer, id, g_string_free (change, FALSE), existed ? &old : NULL, entity,
                  stale_after_us);
}

/* Every current entity of @layer, in no particular order. */
void
pano_hub_store_foreach (PanoHubStore     *self,
                        PanoLayerId       layer,
                        PanoHubStoreFunc  func,
                        gpointer          user_data)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->layers[layer].entities);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Entity *entity = value;

      func (key, entity->json, entity->has_bbox ? entity->bbox : NULL, user_data);
    }
}

guint64
pano_hub_store_remove (PanoHubStore *self,
                       PanoLayerId   layer,
                       const char   *id)
{
  Layer *l = &self->layers[layer];
  Entity *before = g_hash_table_lookup (l->entities, id);
  Entity old = { NULL, FALSE, { 0 } };
  GString *change = g_string_new ("{\"op\":\"remove\",\"id\":");

  if (before != NULL)
    {
      old.has_bbox = before->has_bbox;
      memcpy (old.bbox, before->bbox, sizeof old.bbox);
    }
  g_hash_table_remove (l->entities, id);
  pano_protocol_append_quoted (change, id);
  g_string_append_c (change, '}');
  return publish (self, layer, id, g_string_free (change, FALSE), &old, NULL, 0);
}

static GBytes *
finish_chunk (GString     *chunk,
              PanoLayerId  layer,
              const char  *epoch,
              guint64      seq,
              guint        index,
              gboolean     chunked)
{
  g_autoptr(GString) head = g_string_new (NULL);

  g_string_append_printf (head, "{\"type\":\"snapshot\",\"layer\":\"%s\",\"epoch\":\"%s\","
                          "\"seq\":%" G_GUINT64_FORMAT ",", pano_layer_name (layer), epoch, seq);
  if (chunked)
    g_string_append_printf (head, "\"chunk\":%u,\"chunks\":@@@@@@@@@@,", index);
  g_string_append (head, "\"entities\":[");
  g_string_prepend (chunk, head->str);
  g_string_append (chunk, "]}");
  return g_string_free_to_bytes (chunk);
}

/* The chunk count is only known at the end: every chunk holds a fixed-width placeholder that
 * is overwritten in place, padded with spaces (valid JSON whitespace). */
static void
patch_chunk_counts (GPtrArray *chunks)
{
  char count[11];

  g_snprintf (count, sizeof count, "%-10u", chunks->len);
  for (guint i = 0; i < chunks->len; i++)
    {
      gsize size;
      char *data = (char *) g_bytes_get_data (chunks->pdata[i], &size);
      char *mark = g_strstr_len (data, MIN (size, 200), "@@@@@@@@@@");

      if (mark != NULL)
        memcpy (mark, count, 10);
    }
}

/**
 * pano_hub_store_snapshot:
 * @bbox: (nullable): lon/lat filter
 * @max_frame: split into chunks below this many bytes, or 0 for one unchunked frame
 * @seq: (out): the seq the snapshot is current to
 *
 * Returns: (transfer full) (element-type GBytes): snapshot frames
 */
GPtrArray *
pano_hub_store_snapshot (PanoHubStore *self,
                         PanoLayerId   layer,
                         const double *bbox,
                         gsize         max_frame,
                         guint64      *seq)
{
  Layer *l = &self->layers[layer];
  GPtrArray *chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GString *chunk = g_string_sized_new (4096);
  gboolean first = TRUE;
  GHashTableIter iter;
  Entity *entity;

  *seq = l->seq;
  g_hash_table_iter_init (&iter, l->entities);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entity))
    {
      gsize len = strlen (entity->json);

      if (bbox != NULL && entity->has_bbox && !bbox_intersects (entity->bbox, bbox))
        continue;
      if (max_frame > 0 && !first && chunk->len + len + 256 > max_frame)
        {
          g_ptr_array_add (chunks, finish_chunk (chunk, layer, self->epoch, l->seq,
                                                 chunks->len, TRUE));
          chunk = g_string_sized_new (4096);
          first = TRUE;
        }
      if (!first)
        g_string_append_c (chunk, ',');
      g_string_append_len (chunk, entity->json, len);
      first = FALSE;
    }
  g_ptr_array_add (chunks, finish_chunk (chunk, layer, self->epoch, l->seq, chunks->len,
                                         max_frame > 0));
  if (max_frame > 0)
    patch_chunk_counts (chunks);
  return chunks;
}

/**
 * pano_hub_store_deltas_after:
 * @after: the last seq the caller has
 * @upto: the last seq wanted (clamped to the current seq)
 *
 * Returns: (transfer full) (nullable) (element-type PanoHubDelta): the changes after @after,
 *   or %NULL when some of them are no longer retained
 */
GPtrArray *
pano_hub_store_deltas_after (PanoHubStore *self,
                             PanoLayerId   layer,
                             guint64       after,
                             guint64       upto)
{
  Layer *l = &self->layers[layer];
  GPtrArray *deltas;

  if (after < pano_hub_store_get_window_start (self, layer) || after > l->seq)
    return NULL;
  upto = MIN (upto, l->seq);
  deltas = g_ptr_array_new_with_free_func ((GDestroyNotify) pano_hub_delta_unref);
  for (guint64 s = after + 1; s <= upto; s++)
    g_ptr_array_add (deltas, pano_hub_delta_ref (l->ring[s % self->window]));
  return deltas;
}
