// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-hub-city.h"
#include "pano-hub-config.h"
#include "pano-hub-db.h"
#include "pano-hub-store.h"

G_BEGIN_DECLS

/* The live layers' measures behind the overview's sparklines (docs/overview.md): congestion,
 * AQI, units available by kind, shelters' free places and active alerts by level, measured
 * from the store for the city and each district and kept once a minute in SQLite for
 * [history] days. */

#define PANO_TYPE_HUB_SAMPLES (pano_hub_samples_get_type ())
G_DECLARE_FINAL_TYPE (PanoHubSamples, pano_hub_samples, PANO, HUB_SAMPLES, GObject)

PanoHubSamples *pano_hub_samples_new          (PanoHubDb             *db,
                                               PanoHubStore          *store,
                                               PanoHubCity           *city,
                                               const PanoHubSettings *settings,
                                               GError               **error);
void            pano_hub_samples_start        (PanoHubSamples        *self);
gboolean        pano_hub_samples_record       (PanoHubSamples        *self,
                                               GError               **error);
gint64          pano_hub_samples_now_ms       (PanoHubSamples        *self);
char           *pano_hub_samples_dup_scope    (PanoHubSamples        *self,
                                               const char            *scope);
JsonObject     *pano_hub_samples_measure      (PanoHubSamples        *self,
                                               const char            *sampled_scope);
gboolean        pano_hub_samples_read         (PanoHubSamples        *self,
                                               const char            *sampled_scope,
                                               gint64                 from_ms,
                                               gint64                 to_ms,
                                               GPtrArray             *times,
                                               GPtrArray             *values,
                                               GError               **error);

G_END_DECLS
