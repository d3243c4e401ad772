// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-hub-store.h"

G_BEGIN_DECLS

/* The changes one producer step made to one layer (an ingest request, a simulator tick, or a
 * single change), published together so each subscriber gets one delta per layer per step. */
typedef struct
{
  gatomicrefcount ref;
  PanoLayerId layer;
  guint64 from_seq;
  guint64 seq;
  GPtrArray *deltas;     /* PanoHubDelta in ascending seq, all within from_seq … seq */
  guint coalesced;       /* updates replaced before the batch was made (a slow subscriber's) */
  GPtrArray *frames;     /* GBytes: the frames for the whole range, built on first use */
  gsize frames_limit;
} PanoHubBatch;

PanoHubBatch *pano_hub_batch_new          (PanoLayerId   layer,
                                           guint64       from_seq,
                                           guint64       seq,
                                           GPtrArray    *deltas);
PanoHubBatch *pano_hub_batch_ref          (PanoHubBatch *batch);
void          pano_hub_batch_unref        (PanoHubBatch *batch);
PanoHubBatch *pano_hub_batch_filter       (PanoHubBatch *batch,
                                           const double *bbox);
GPtrArray    *pano_hub_batch_build_frames (PanoHubBatch *batch,
                                           guint64       after,
                                           gsize         max_frame);
GPtrArray    *pano_hub_batch_get_frames   (PanoHubBatch *batch,
                                           gsize         max_frame);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PanoHubBatch, pano_hub_batch_unref)

G_END_DECLS
