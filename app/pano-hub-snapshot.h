// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-hub-client.h"
#include "pano-live-store.h"

G_BEGIN_DECLS

/* The hub as it is at one moment, read with blocking REST calls for the headless commands
 * (--export, --report): errors name the hub and say what to do. */

PanoHubClient *pano_hub_snapshot_connect   (const char     *url,
                                            const char     *token,
                                            const char     *ca_file,
                                            GError        **error);
JsonObject    *pano_hub_snapshot_get       (PanoHubClient  *client,
                                            const char     *path,
                                            GError        **error);
PanoLiveStore *pano_hub_snapshot_read_live (PanoHubClient  *client,
                                            GError        **error);

G_END_DECLS
