// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

#include "pano-live-layer.h"

G_BEGIN_DECLS

typedef enum
{
  PANO_FEED_FRAME_WELCOME,
  PANO_FEED_FRAME_SNAPSHOT,
  PANO_FEED_FRAME_RESUMED,
  PANO_FEED_FRAME_DELTA,
  PANO_FEED_FRAME_HEARTBEAT,
  PANO_FEED_FRAME_ERROR,
  PANO_FEED_FRAME_OTHER,
} PanoFeedFrameType;

typedef struct
{
  gboolean remove;
  PanoLiveEntity entity;   /* strings and coords owned by the frame */
} PanoFeedChange;

/* One hub → client frame of docs/protocol.md, decoded in full off the main thread so that
 * applying it is only table updates. */
typedef struct
{
  PanoFeedFrameType type;
  char *layer;
  char *epoch;
  gint64 seq;
  gint64 from_seq;
  guint chunk;
  guint chunks;
  guint coalesced;
  gint64 heartbeat_interval_ms;
  gint64 heartbeat_timeout_ms;
  char *role;
  char *code;
  char *message;
  GArray *changes;          /* PanoFeedChange */
  gint64 newest_update_ms;  /* the latest updated_at among the entities, 0 if none */
} PanoFeedFrame;

PanoFeedFrame *pano_feed_frame_decode (const char *text,
                                       gsize       length,
                                       GError    **error);
void           pano_feed_frame_free   (PanoFeedFrame *frame);
gint64         pano_feed_parse_time   (const char    *rfc3339);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PanoFeedFrame, pano_feed_frame_free)

G_END_DECLS
