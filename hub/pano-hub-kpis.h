// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "pano-hub-db.h"

G_BEGIN_DECLS

/* 绩效 KPIs (docs/kpis.md): what a command changes in an incident's KPI columns, and the
 * answer of GET /v1/kpis. */

gboolean  pano_hub_kpis_record          (PanoHubDb             *db,
                                         const char            *command,
                                         JsonObject            *before,
                                         JsonObject            *after,
                                         gint64                 now_us,
                                         GError               **error);
gboolean  pano_hub_kpis_record_overdue  (PanoHubDb             *db,
                                         const char            *id,
                                         const char            *status,
                                         gint64                 deadline_ms,
                                         GError               **error);
char     *pano_hub_kpis_to_json         (const PanoHubKpiQuery  *query,
                                         const PanoHubKpiCounts *counts);

G_END_DECLS
