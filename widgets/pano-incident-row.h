// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "pano-incident-record.h"

G_BEGIN_DECLS

#define PANO_TYPE_INCIDENT_ROW (pano_incident_row_get_type ())
G_DECLARE_FINAL_TYPE (PanoIncidentRow, pano_incident_row, PANO, INCIDENT_ROW, GtkBox)

GtkWidget          *pano_incident_row_new        (void);
void                pano_incident_row_set_record (PanoIncidentRow    *self,
                                                  PanoIncidentRecord *record);
PanoIncidentRecord *pano_incident_row_get_record (PanoIncidentRow    *self);
void                pano_incident_row_refresh    (PanoIncidentRow    *self,
                                                  gint64              now_ms);
const char         *pano_incident_row_get_clock_text (PanoIncidentRow *self);

G_END_DECLS
