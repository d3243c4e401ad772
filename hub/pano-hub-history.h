// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libsoup/soup.h>

#include "pano-hub-config.h"
#include "pano-hub-store.h"

G_BEGIN_DECLS

/* Replay (复盘): every change of every layer with the time it happened, plus periodic keyframes
 * (whole layers), in an SQLite file of its own beside the database; written by a thread once a
 * second, pruned to [history] days / max-mb (docs/hub.md, "Replay history"). */

#define PANO_TYPE_HUB_HISTORY (pano_hub_history_get_type ())
G_DECLARE_FINAL_TYPE (PanoHubHistory, pano_hub_history, PANO, HUB_HISTORY, GObject)

char           *pano_hub_history_path_for   (const char            *database);
PanoHubHistory *pano_hub_history_open       (const char            *path,
                                             PanoHubStore          *store,
                                             const PanoHubSettings *settings,
                                             GError               **error);
void            pano_hub_history_close      (PanoHubHistory        *self);

gboolean        pano_hub_history_serves     (const char            *path);
void            pano_hub_history_route      (PanoHubHistory        *self,
                                             SoupServerMessage     *msg,
                                             const char            *path,
                                             GHashTable            *query);

G_END_DECLS
