// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-batch"

#include "pano-hub-batch.h"

/* A subscriber at 20 000 updates/s must not get 20 000 frames/s: what one producer step changed
 * in a layer goes out as one delta covering its seq range, each entity once in its latest state
 * (docs/protocol.md, "delta"). Frames above the outgoing limit are split into contiguous
 * sub-ranges, so every frame is an ordinary delta a client applies on its own. */

/* Room for a frame's envelope around its changes. */
#define ENVELOPE 256

typedef struct
{
  PanoLayerId layer;
  gsize max_frame;
  GPtrArray *frames;     /* GBytes */
  GPtrArray *changes;    /* PanoHubDelta (borrowed): the frame being built, each entity once */
  GHashTable *index;     /* id → position in changes + 1 */
  gsize size;
  guint coalesced;
  guint64 from;
} Builder;

PanoHubBatch *
pano_hub_batch_new (PanoLayerId  layer,
                    guint64      from_seq,
                    guint64      seq,
                    GPtrArray   *deltas)
{
  PanoHubBatch *batch = g_new0 (PanoHubBatch, 1);

  g_atomic_ref_count_init (&batch->ref);
  batch->layer = layer;
  batch->from_seq = from_seq;
  batch->seq = seq;
  batch->deltas = deltas;
  return batch;
}

PanoHubBatch *
pano_hub_batch_ref (PanoHubBatch *batch)
{
  g_atomic_ref_count_inc (&batch->ref);
  return batch;
}

void
pano_hub_batch_unref (PanoHubBatch *batch)
{
  if (!g_atomic_ref_count_dec (&batch->ref))
    return;
  g_ptr_array_unref (batch->deltas);
  g_clear_pointer (&batch->frames, g_ptr_array_unref);
  g_free (batch);
}

/**
 * pano_hub_batch_filter:
 * @bbox: lon/lat bounds of a subscription
 *
 * The same seq range with only the changes a bbox subscriber gets (pano_hub_delta_in_bbox()).
 *
 * Returns: (transfer full) (nullable): @batch itself when every change is inside, %NULL when
 *   none is
 */
PanoHubBatch *
pano_hub_batch_filter (PanoHubBatch *batch,
                       const double *bbox)
{
  GPtrArray *inside = g_ptr_array_new_with_free_func ((GDestroyNotify) pano_hub_delta_unref);

  for (guint i = 0; i < batch->deltas->len; i++)
    if (pano_hub_delta_in_bbox (batch->deltas->pdata[i], bbox))
      g_ptr_array_add (inside, pano_hub_delta_ref (batch->deltas->pdata[i]));
  if (inside->len == batch->deltas->len || inside->len == 0)
    {
      gboolean all = inside->len > 0;

      g_ptr_array_unref (inside);
      return all ? pano_hub_batch_ref (batch) : NULL;
    }
  return pano_hub_batch_new (batch->layer, batch->from_seq, batch->seq, inside);
}

static void
builder_finish (Builder *b,
                guint64  to)
{
  GString *frame;

  if (b->changes->len == 0)
    return;
  frame = g_string_sized_new (b->size + ENVELOPE);
  g_string_append_printf (frame, "{\"type\":\"delta\",\"layer\":\"%s\",\"from_seq\":%"
                          G_GUINT64_FORMAT ",\"seq\":%" G_GUINT64_FORMAT ",",
                          pano_layer_name (b->layer), b->from, to);
  if (b->coalesced > 0)
    g_string_append_printf (frame, "\"coalesced\":%u,", b->coalesced);
  g_string_append (frame, "\"changes\":[");
  for (guint i = 0; i < b->changes->len; i++)
    {
      if (i > 0)
        g_string_append_c (frame, ',');
      g_string_append (frame, ((PanoHubDelta *) b->changes->pdata[i])->change);
    }
  g_string_append (frame, "]}");
  g_ptr_array_add (b->frames, g_string_free_to_bytes (frame));
  g_ptr_array_set_size (b->changes, 0);
  g_hash_table_remove_all (b->index);
  b->size = 0;
  b->coalesced = 0;
  b->from = to + 1;
}

static void
builder_add (Builder      *b,
             PanoHubDelta *delta)
{
  guint slot = GPOINTER_TO_UINT (g_hash_table_lookup (b->index, delta->id));
  gsize len = strlen (delta->change) + 1;
  gsize replaced = slot ? strlen (((PanoHubDelta *) b->changes->pdata[slot - 1])->change) + 1 : 0;

  /* A full frame ends just before this change: the next one starts at its seq. */
  if (b->changes->len > 0 && b->size - replaced + len + ENVELOPE > b->max_frame)
    {
      builder_finish (b, delta->seq - 1);
      slot = 0;
      replaced = 0;
    }
  if (slot > 0)
    {
      /* The entity keeps its place; only its latest state is carried. */
      b->changes->pdata[slot - 1] = delta;
      b->coalesced++;
    }
  else
    {
      g_ptr_array_add (b->changes, delta);
      g_hash_table_insert (b->index, delta->id, GUINT_TO_POINTER (b->changes->len));
    }
  b->size += len - replaced;
}

/**
 * pano_hub_batch_build_frames:
 * @after: the last seq the subscriber was sent for this layer (below @batch's range when bbox
 *   filtering skipped changes before it)
 * @max_frame: the outgoing frame limit, or 0 for one frame
 *
 * Returns: (transfer full) (element-type GBytes): delta frames covering @after + 1 … the
 *   batch's seq without gaps; empty when no change of the batch is after @after
 */
GPtrArray *
pano_hub_batch_build_frames (PanoHubBatch *batch,
                             guint64       after,
                             gsize         max_frame)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_sized_new (batch->deltas->len);
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  Builder b = { batch->layer, max_frame > 0 ? max_frame : G_MAXSIZE,
                g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref),
                changes, index, 0, batch->coalesced, after + 1 };

  for (guint i = 0; i < batch->deltas->len; i++)
    {
      PanoHubDelta *delta = batch->deltas->pdata[i];

      if (delta->seq > after)
        builder_add (&b, delta);
    }
  builder_finish (&b, batch->seq);
  return b.frames;
}

/**
 * pano_hub_batch_get_frames:
 *
 * The frames for a subscriber whose last seq is just before the batch: built once, then the
 * same bytes go to every such subscriber.
 *
 * Returns: (transfer none) (element-type GBytes): see pano_hub_batch_build_frames()
 */
GPtrArray *
pano_hub_batch_get_frames (PanoHubBatch *batch,
                           gsize         max_frame)
{
  if (batch->frames == NULL || batch->frames_limit != max_frame)
    {
      g_clear_pointer (&batch->frames, g_ptr_array_unref);
      batch->frames = pano_hub_batch_build_frames (batch, batch->from_seq - 1, max_frame);
      batch->frames_limit = max_frame;
    }
  return batch->frames;
}
