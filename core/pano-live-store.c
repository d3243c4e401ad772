// SPDX-License-Identifier: GPL-3.0-or-later
/* The console's copy of the hub's live state: a PanoLiveLayer per feed layer, the seq each is
 * current to, and how fresh it is. Frames are applied in order; a gap in a layer's seq is
 * refused so the feed can ask for a fresh snapshot. A snapshot arriving in chunks is built
 * aside and swapped in whole, so nobody ever draws half a layer. Listeners hear about changes
 * once per flush, never once per entity. */
#define G_LOG_DOMAIN "panorama-core"

#include "pano-live-store.h"

typedef struct
{
  PanoLiveLayer *layer;
  PanoLiveLayer *staging;   /* a snapshot being received */
  gint64 staging_seq;       /* its seq, chunk count and the chunk expected next */
  guint staging_chunks;
  guint staging_next;
  gboolean awaiting;        /* resubscribed after a gap: deltas in flight are dropped */
  guint64 n_dropped;        /* frames dropped while awaiting */
  gint64 seq;               /* -1: no state yet */
  gint64 newest_data_ms;    /* the latest updated_at seen */
  guint64 coalesced;
  guint n_snapshots;
  gboolean touched;
  GHashTable *changed_ids;  /* ids upserted or removed since the last take, when tracked */
  gboolean replaced;        /* a snapshot replaced the layer since the last take */
} LayerState;

struct _PanoLiveStore
{
  GObject parent_instance;

  GStrv names;
  GHashTable *states;       /* name → LayerState */
  char *epoch;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PanoLiveStore, pano_live_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (pano-feed-error-quark, pano_feed_error)

static void
layer_state_free (LayerState *state)
{
  g_clear_object (&state->layer);
  g_clear_object (&state->staging);
  g_clear_pointer (&state->changed_ids, g_hash_table_unref);
  g_free (state);
}

static void
pano_live_store_finalize (GObject *object)
{
  PanoLiveStore *self = (PanoLiveStore *)object;

  g_clear_pointer (&self->names, g_strfreev);
  g_clear_pointer (&self->states, g_hash_table_unref);
  g_clear_pointer (&self->epoch, g_free);

  G_OBJECT_CLASS (pano_live_store_parent_class)->finalize (object);
}

static void
pano_live_store_class_init (PanoLiveStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pano_live_store_finalize;

  /* Emitted by flush for each layer changed since the previous flush. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pano_live_store_init (PanoLiveStore *self)
{
  self->states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify)layer_state_free);
}

PanoLiveStore *
pano_live_store_new (const char * const *layers)
{
  PanoLiveStore *self = g_object_new (PANO_TYPE_LIVE_STORE, NULL);

  self->names = g_strdupv ((char **)layers);
  for (guint i = 0; layers[i]; i++)
    {
      LayerState *state = g_new0 (LayerState, 1);

      state->layer = pano_live_layer_new (layers[i]);
      state->seq = -1;
      g_hash_table_insert (self->states, g_strdup (layers[i]), state);
    }
  return self;
}

const char * const *
pano_live_store_get_layer_names (PanoLiveStore *self)
{
  return (const char * const *)self->names;
}

static LayerState *
state_for (PanoLiveStore *self,
           const char    *layer)
{
  return layer ? g_hash_table_lookup (self->states, layer) : NULL;
}

/* Returns: (transfer none) (nullable): the layer's entities as last swapped in */
PanoLiveLayer *
pano_live_store_get_layer (PanoLiveStore *self,
                           const char    *layer)
{
  LayerState *state = state_for (self, layer);

  return state ? state->layer : NULL;
}

const char *
pano_live_store_get_epoch (PanoLiveStore *self)
{
  return self->epoch;
}

/* A different epoch is a different history: every seq this store holds becomes meaningless,
 * though the entities stay on screen until the new snapshots replace them. */
void
pano_live_store_set_epoch (PanoLiveStore *self,
                           const char    *epoch)
{
  GHashTableIter iter;
  LayerState *state;

  if (g_strcmp0 (self->epoch, epoch) == 0)
    return;
  g_free (self->epoch);
  self->epoch = g_strdup (epoch);
  g_hash_table_iter_init (&iter, self->states);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&state))
    {
      state->seq = -1;
      state->awaiting = FALSE;
      g_clear_object (&state->staging);
    }
}

/* Returns: the last seq applied to @layer, or -1 when it has no state of this epoch */
gint64
pano_live_store_get_seq (PanoLiveStore *self,
                         const char    *layer)
{
  LayerState *state = state_for (self, layer);

  return state ? state->seq : -1;
}

/* Drops the layer's position so the next subscription asks for a snapshot. Until that snapshot
 * arrives, the layer's deltas still in flight are dropped without complaint: each would
 * otherwise be one more gap, one more subscription and one more snapshot built on the hub. */
void
pano_live_store_forget (PanoLiveStore *self,
                        const char    *layer)
{
  LayerState *state = state_for (self, layer);

  if (state)
    {
      state->seq = -1;
      state->awaiting = TRUE;
      g_clear_object (&state->staging);
    }
}

/* Returns: whether @layer was forgotten after a gap and waits for its snapshot */
gboolean
pano_live_store_is_awaiting_snapshot (PanoLiveStore *self,
                                      const char    *layer)
{
  LayerState *state = state_for (self, layer);

  return state && state->awaiting;
}

/* Returns: how many frames of @layer were dropped while it waited for a snapshot */
guint64
pano_live_store_get_n_dropped (PanoLiveStore *self,
                               const char    *layer)
{
  LayerState *state = state_for (self, layer);

  return state ? state->n_dropped : 0;
}

/* Returns: the newest updated_at (ms since the Unix epoch) among @layer's entities */
gint64
pano_live_store_get_newest_data (PanoLiveStore *self,
                                 const char    *layer)
{
  LayerState *state = state_for (self, layer);

  return state ? state->newest_data_ms : 0;
}

guint64
pano_live_store_get_coalesced (PanoLiveStore *self,
                               const char    *layer)
{
  LayerState *state = state_for (self, layer);

  return state ? state->coalesced : 0;
}

/* Returns: how many snapshots of @layer were swapped in: resumes add none */
guint
pano_live_store_get_n_snapshots (PanoLiveStore *self,
                                 const char    *layer)
{
  LayerState *state = state_for (self, layer);

  return state ? state->n_snapshots : 0;
}

/* Applies changes from *@next on, checking the clock every 256; returns whether all were. */
static gboolean
apply_changes (PanoLiveLayer *layer,
               GHashTable    *changed_ids,
               PanoFeedFrame *frame,
               guint         *next,
               gint64         deadline_us)
{
  for (guint i = *next; i < frame->changes->len; i++)
    {
      PanoFeedChange *change = &g_array_index (frame->changes, PanoFeedChange, i);

      if (i > *next && (i - *next) % 256 == 0 && g_get_monotonic_time () > deadline_us)
        {
          *next = i;
          return FALSE;
        }
      if (change->remove)
        pano_live_layer_remove (layer, change->entity.id);
      else
        pano_live_layer_upsert (layer, &change->entity);
      if (changed_ids != NULL)
        g_hash_table_add (changed_ids, g_strdup (change->entity.id));
    }
  *next = frame->changes->len;
  return TRUE;
}

static void
finish_snapshot (LayerState    *state,
                 PanoFeedFrame *frame)
{
  state->staging_next++;
  if (state->staging_next < state->staging_chunks)
    return;
  g_set_object (&state->layer, state->staging);
  g_clear_object (&state->staging);
  state->seq = frame->seq;
  state->awaiting = FALSE;
  state->n_snapshots++;
  state->touched = TRUE;
  state->replaced = TRUE;
  if (state->changed_ids != NULL)
    g_hash_table_remove_all (state->changed_ids);
}

/* A snapshot is swapped in only when all its chunks came, in order, of one seq: anything else
 * (a chunk missing, repeated, out of order, or of another snapshot) drops what was received and
 * is a gap, so the layer is asked for afresh rather than shown with holes. */
static gboolean
begin_chunk (LayerState     *state,
             PanoFeedFrame  *frame,
             GError        **error)
{
  if (frame->chunks == 0 || frame->chunk >= frame->chunks)
    return g_set_error (error, PANO_FEED_ERROR, PANO_FEED_ERROR_GAP,
                        "layer “%s” got snapshot chunk %u of %u", frame->layer, frame->chunk,
                        frame->chunks), FALSE;
  if (frame->chunk == 0)
    {
      g_clear_object (&state->staging);
      state->staging = pano_live_layer_new (pano_live_layer_get_name (state->layer));
      state->staging_seq = frame->seq;
      state->staging_chunks = frame->chunks;
      state->staging_next = 0;
      return TRUE;
    }
  if (state->staging != NULL && frame->chunk == state->staging_next &&
      frame->seq == state->staging_seq && frame->chunks == state->staging_chunks)
    return TRUE;
  g_set_error (error, PANO_FEED_ERROR, PANO_FEED_ERROR_GAP,
               "layer “%s” got snapshot chunk %u of %u at seq %" G_GINT64_FORMAT
               " while expecting chunk %u of %u at seq %" G_GINT64_FORMAT,
               frame->layer, frame->chunk, frame->chunks, frame->seq,
               state->staging ? state->staging_next : 0, state->staging_chunks,
               state->staging_seq);
  g_clear_object (&state->staging);
  return FALSE;
}

/* Checks a frame before its first change is applied. */
static gboolean
begin_frame (LayerState     *state,
             PanoFeedFrame  *frame,
             GError        **error)
{
  /* Nothing else of a layer comes between its snapshot's chunks (docs/protocol.md 3.2). */
  if (frame->type != PANO_FEED_FRAME_SNAPSHOT && state->staging != NULL)
    {
      g_clear_object (&state->staging);
      return g_set_error (error, PANO_FEED_ERROR, PANO_FEED_ERROR_GAP,
                          "layer “%s” got a frame inside an unfinished snapshot", frame->layer),
             FALSE;
    }
  switch (frame->type)
    {
    case PANO_FEED_FRAME_SNAPSHOT:
      return begin_chunk (state, frame, error);
    case PANO_FEED_FRAME_RESUMED:
      if (frame->seq == state->seq)
        return TRUE;
      g_set_error (error, PANO_FEED_ERROR, PANO_FEED_ERROR_GAP,
                   "layer “%s” resumed at seq %" G_GINT64_FORMAT ", not %" G_GINT64_FORMAT,
                   frame->layer, frame->seq, state->seq);
      return FALSE;
    case PANO_FEED_FRAME_DELTA:
      if (state->seq < 0)
        return g_set_error (error, PANO_FEED_ERROR, PANO_FEED_ERROR_GAP,
                            "layer “%s” got a delta before its snapshot", frame->layer), FALSE;
      if (frame->from_seq != state->seq + 1)
        return g_set_error (error, PANO_FEED_ERROR, PANO_FEED_ERROR_GAP,
                            "layer “%s” jumped from seq %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                            frame->layer, state->seq, frame->from_seq), FALSE;
      return TRUE;
    default:
      return TRUE;
    }
}

/**
 * pano_live_store_apply_until:
 * @next: (inout): the first change still to apply; 0 for a new frame
 * @deadline_us: g_get_monotonic_time () by which to stop, even inside the frame
 *
 * Applies a frame (snapshot chunk, resumed or delta; others are ignored) in pieces, so a large
 * snapshot chunk does not stall the main loop: call again with the same @next until it returns
 * %TRUE.
 *
 * Returns: %TRUE when the frame is fully applied; %FALSE when time ran out (call again), or with
 *   %PANO_FEED_ERROR_GAP when a delta does not follow the layer's seq (the layer is left as it
 *   was and must be snapshotted again)
 */
gboolean
pano_live_store_apply_until (PanoLiveStore  *self,
                             PanoFeedFrame  *frame,
                             guint          *next,
                             gint64          deadline_us,
                             GError        **error)
{
  LayerState *state = state_for (self, frame->layer);
  gboolean snapshot = frame->type == PANO_FEED_FRAME_SNAPSHOT;

  if (state == NULL || frame->type == PANO_FEED_FRAME_OTHER)
    return TRUE;
  if (state->awaiting && frame->type != PANO_FEED_FRAME_SNAPSHOT)
    {
      state->n_dropped++;   /* in flight before the resubscription: its snapshot supersedes it */
      return TRUE;
    }
  if (*next == 0 && !begin_frame (state, frame, error))
    return FALSE;
  if (frame->type == PANO_FEED_FRAME_SNAPSHOT || frame->type == PANO_FEED_FRAME_DELTA)
    {
      if (!apply_changes (snapshot ? state->staging : state->layer,
                          snapshot ? NULL : state->changed_ids, frame, next, deadline_us))
        return FALSE;
      if (snapshot)
        finish_snapshot (state, frame);
      else
        {
          state->seq = frame->seq;
          state->coalesced += frame->coalesced;
          state->touched = TRUE;
        }
    }
  state->newest_data_ms = MAX (state->newest_data_ms, frame->newest_update_ms);
  return TRUE;
}

/**
 * pano_live_store_apply:
 *
 * Applies a whole frame at once; see pano_live_store_apply_until().
 *
 * Returns: %FALSE with %PANO_FEED_ERROR_GAP when a delta does not follow the layer's seq
 */
gboolean
pano_live_store_apply (PanoLiveStore  *self,
                       PanoFeedFrame  *frame,
                       GError        **error)
{
  guint next = 0;

  return pano_live_store_apply_until (self, frame, &next, G_MAXINT64, error);
}

/* Tells listeners, once per layer, which layers changed since the last flush. */
void
pano_live_store_flush (PanoLiveStore *self)
{
  for (guint i = 0; self->names[i]; i++)
    {
      LayerState *state = state_for (self, self->names[i]);

      if (!state->touched)
        continue;
      state->touched = FALSE;
      g_signal_emit (self, signals[CHANGED], g_quark_from_string (self->names[i]), self->names[i]);
    }
}

/* Keeps the ids that change in @layer, for a listener that follows entities one by one (the
 * incident queue) rather than redrawing a whole layer. */
void
pano_live_store_track_changes (PanoLiveStore *self,
                               const char    *layer)
{
  LayerState *state = state_for (self, layer);

  g_return_if_fail (state != NULL);
  if (state->changed_ids == NULL)
    state->changed_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * pano_live_store_take_changes:
 * @replaced: (out): whether a snapshot replaced the whole layer meanwhile (then every entity
 *   may have changed and the ids returned are only those changed after it)
 *
 * Returns: (transfer full) (element-type utf8): the ids upserted or removed in @layer since
 *   the last call; the layer must be tracked (pano_live_store_track_changes())
 */
GPtrArray *
pano_live_store_take_changes (PanoLiveStore *self,
                              const char    *layer,
                              gboolean      *replaced)
{
  LayerState *state = state_for (self, layer);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer id;

  g_return_val_if_fail (state != NULL && state->changed_ids != NULL, ids);
  *replaced = state->replaced;
  state->replaced = FALSE;
  g_hash_table_iter_init (&iter, state->changed_ids);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    {
      g_hash_table_iter_steal (&iter);
      g_ptr_array_add (ids, id);
    }
  return ids;
}

/* Re-classes one entity of @layer (see pano_live_layer_set_class()); listeners hear of it at
 * the next flush, like of any other change. */
void
pano_live_store_set_class (PanoLiveStore *self,
                           const char    *layer,
                           guint          slot,
                           guint          klass)
{
  LayerState *state = state_for (self, layer);

  g_return_if_fail (state != NULL);
  if (pano_live_layer_get_class (state->layer, slot) == klass)
    return;
  pano_live_layer_set_class (state->layer, slot, klass);
  state->touched = TRUE;
}
