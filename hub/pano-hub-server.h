// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libsoup/soup.h>

#include "pano-hub-config.h"
#include "pano-hub-db.h"
#include "pano-hub-history.h"
#include "pano-hub-incidents.h"
#include "pano-hub-router.h"
#include "pano-hub-samples.h"
#include "pano-hub-store.h"

G_BEGIN_DECLS

#define PANO_TYPE_HUB_SERVER (pano_hub_server_get_type ())
G_DECLARE_FINAL_TYPE (PanoHubServer, pano_hub_server, PANO, HUB_SERVER, GObject)

PanoHubServer *pano_hub_server_new       (PanoHubConfig    *config,
                                          PanoHubStore     *store,
                                          PanoHubDb        *db,
                                          PanoHubIncidents *incidents);
void           pano_hub_server_set_history (PanoHubServer  *self,
                                            PanoHubHistory *history);
void           pano_hub_server_set_router (PanoHubServer  *self,
                                           PanoHubRouter  *router);
void           pano_hub_server_set_samples (PanoHubServer  *self,
                                            PanoHubSamples *samples);
gboolean       pano_hub_server_listen    (PanoHubServer    *self,
                                          GError          **error);
char          *pano_hub_server_dup_url   (PanoHubServer    *self);
guint          pano_hub_server_get_port  (PanoHubServer    *self);
void           pano_hub_server_shutdown  (PanoHubServer    *self);

G_END_DECLS
