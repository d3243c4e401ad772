// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-hub-config.h"
#include "pano-hub-incidents.h"
#include "pano-hub-router.h"
#include "pano-hub-store.h"

G_BEGIN_DECLS

/* GET /v1/incidents/{id}/recommendations (docs/protocol.md section 4): the units of the
 * `resources` layer ranked for an incident by capability, availability and road ETA. */

#define PANO_HUB_RECOMMEND_MAX_LIMIT 200

char *pano_hub_recommend (PanoHubRouter         *router,
                          PanoHubIncidents      *incidents,
                          PanoHubStore          *store,
                          const PanoHubSettings *settings,
                          const char            *incident_id,
                          guint                  limit,
                          guint                 *status);

G_END_DECLS
