// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-hub-city.h"
#include "pano-hub-incidents.h"
#include "pano-hub-router.h"
#include "pano-hub-store.h"

G_BEGIN_DECLS

#define PANO_TYPE_HUB_SIMULATOR (pano_hub_simulator_get_type ())
G_DECLARE_FINAL_TYPE (PanoHubSimulator, pano_hub_simulator, PANO, HUB_SIMULATOR, GObject)

PanoHubSimulator *pano_hub_simulator_new   (PanoHubCity      *city,
                                            PanoHubStore     *store,
                                            PanoHubIncidents *incidents,
                                            guint64           seed,
                                            double            speed,
                                            guint             entities);
void              pano_hub_simulator_set_router (PanoHubSimulator *self,
                                                 PanoHubRouter    *router);
void              pano_hub_simulator_set_manual_share (PanoHubSimulator *self,
                                                       double            share);
void              pano_hub_simulator_start (PanoHubSimulator *self);
void              pano_hub_simulator_step  (PanoHubSimulator *self);

G_END_DECLS
