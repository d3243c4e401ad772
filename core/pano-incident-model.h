// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "pano-incident-record.h"
#include "pano-live-store.h"

G_BEGIN_DECLS

#define PANO_TYPE_INCIDENT_MODEL (pano_incident_model_get_type ())
G_DECLARE_FINAL_TYPE (PanoIncidentModel, pano_incident_model, PANO, INCIDENT_MODEL, GObject)

PanoIncidentModel  *pano_incident_model_new     (PanoLiveStore     *store);
PanoIncidentRecord *pano_incident_model_lookup  (PanoIncidentModel *self,
                                                 const char        *id);
guint               pano_incident_model_tick    (PanoIncidentModel *self,
                                                 gint64             now_ms);

G_END_DECLS
