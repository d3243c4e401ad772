// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-hub-config.h"
#include "pano-hub-db.h"
#include "pano-hub-samples.h"

G_BEGIN_DECLS

/* 总体态势: the answer of GET /v1/overview (docs/overview.md) — each tile's value now, its
 * 24-hour series in 15-minute buckets, its value at the same time yesterday and its amber and
 * red thresholds; today's top categories and mix of sources. */

void      pano_hub_overview_default_thresholds (PanoHubSettings       *settings);
gboolean  pano_hub_overview_read_thresholds    (PanoHubSettings       *settings,
                                                GKeyFile              *file,
                                                GError               **error);
char     *pano_hub_overview_to_json            (PanoHubDb             *db,
                                                PanoHubSamples        *samples,
                                                const PanoHubSettings *settings,
                                                const char            *scope,
                                                GError               **error);

G_END_DECLS
