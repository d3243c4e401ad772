// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libsoup/soup.h>

#include "pano-hub-config.h"
#include "pano-hub-incidents.h"

G_BEGIN_DECLS

/* The incident-operations endpoints of docs/protocol.md section 4 (categories, one incident,
 * its timeline, the audit trail, KPIs), kept out of pano-hub-server.c. */

gboolean    pano_hub_rest_incidents_serves (const char        *path,
                                            PanoHubRole       *needed);
void        pano_hub_rest_incidents_route  (PanoHubIncidents  *incidents,
                                            SoupServerMessage *msg,
                                            const char        *path,
                                            GHashTable        *query);

void        pano_hub_rest_reply            (SoupServerMessage *msg,
                                            guint              status,
                                            char              *body);
void        pano_hub_rest_reply_error      (SoupServerMessage *msg,
                                            guint              status,
                                            const char        *code,
                                            const char        *message);

G_END_DECLS
