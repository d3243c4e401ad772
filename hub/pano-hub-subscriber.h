// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libsoup/soup.h>

#include "pano-hub-batch.h"
#include "pano-hub-config.h"
#include "pano-hub-db.h"
#include "pano-hub-guard.h"
#include "pano-hub-store.h"

G_BEGIN_DECLS

/* Counters shared by all subscribers, read by /metrics. */
typedef struct
{
  guint64 frames_sent;
  guint64 coalesced;
  guint64 dropped;
} PanoHubStats;

#define PANO_TYPE_HUB_SUBSCRIBER (pano_hub_subscriber_get_type ())
G_DECLARE_FINAL_TYPE (PanoHubSubscriber, pano_hub_subscriber, PANO, HUB_SUBSCRIBER, GObject)

PanoHubSubscriber *pano_hub_subscriber_new        (SoupWebsocketConnection *connection,
                                                   PanoHubConfig           *config,
                                                   PanoHubStore            *store,
                                                   PanoHubDb               *db,
                                                   PanoHubStats            *stats);
void               pano_hub_subscriber_set_guard  (PanoHubSubscriber       *self,
                                                   PanoHubGuard            *guard,
                                                   const char              *address);
void               pano_hub_subscriber_offer      (PanoHubSubscriber       *self,
                                                   PanoHubBatch            *batch);
void               pano_hub_subscriber_tick       (PanoHubSubscriber       *self,
                                                   gint64                   now);
void               pano_hub_subscriber_close      (PanoHubSubscriber       *self,
                                                   gushort                  code,
                                                   const char              *reason);
gboolean           pano_hub_subscriber_is_welcomed (PanoHubSubscriber      *self);
guint              pano_hub_subscriber_get_queue_depth (PanoHubSubscriber  *self);

G_END_DECLS
