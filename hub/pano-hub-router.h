// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-hub-store.h"
#include "pano-road-graph.h"

G_BEGIN_DECLS

/* How far from a road a unit or an incident may be and still be routed (metres). */
#define PANO_HUB_ROUTER_MAX_SNAP_M 1000.0

#define PANO_TYPE_HUB_ROUTER (pano_hub_router_get_type ())
G_DECLARE_FINAL_TYPE (PanoHubRouter, pano_hub_router, PANO, HUB_ROUTER, GObject)

PanoHubRouter  *pano_hub_router_new        (PanoRoadGraph  *graph,
                                            PanoHubStore   *store);
PanoRoadGraph  *pano_hub_router_get_graph  (PanoHubRouter  *self);
PanoRoadSearch *pano_hub_router_get_search (PanoHubRouter  *self);
gboolean        pano_hub_router_route      (PanoHubRouter  *self,
                                            const double   *from,
                                            const double   *to,
                                            PanoRoadPath   *path);
guint64         pano_hub_router_get_live_updates (PanoHubRouter *self);

G_END_DECLS
