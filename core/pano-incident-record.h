// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "pano-incident.h"

G_BEGIN_DECLS

/* One incident as the console knows it: the `properties` of an `incidents` entity
 * (docs/protocol.md section 6), read once into fields. Immutable: a newer state of the same
 * incident is a new record. */

typedef struct
{
  const char *id;
  gboolean acknowledged;
  gint64 acknowledged_ms;   /* 0 when not known */
  gint64 on_scene_ms;       /* 0 until the unit reports on scene */
} PanoIncidentUnit;

typedef struct
{
  gint64 at_ms;
  const char *by;
  const char *text;
} PanoIncidentNote;

/* The four levels of the grid path, 市 › 区 › 街道 › 网格, and the cell's code. */
typedef enum
{
  PANO_GRID_CITY,
  PANO_GRID_DISTRICT,
  PANO_GRID_STREET,
  PANO_GRID_CELL,
  PANO_GRID_N_LEVELS,
} PanoGridLevel;

#define PANO_TYPE_INCIDENT_RECORD (pano_incident_record_get_type ())
G_DECLARE_FINAL_TYPE (PanoIncidentRecord, pano_incident_record, PANO, INCIDENT_RECORD, GObject)

PanoIncidentRecord *pano_incident_record_new        (const char          *properties,
                                                     GError             **error);
PanoIncidentRecord *pano_incident_record_new_from_object (JsonObject     *object);
const char         *pano_incident_record_get_id     (PanoIncidentRecord  *self);
const char         *pano_incident_record_get_properties (PanoIncidentRecord *self);
PanoIncidentStatus  pano_incident_record_get_status (PanoIncidentRecord  *self);
gboolean            pano_incident_record_is_final   (PanoIncidentRecord  *self);
const char         *pano_incident_record_get_category (PanoIncidentRecord *self);
guint               pano_incident_record_get_severity (PanoIncidentRecord *self);
const char         *pano_incident_record_get_title  (PanoIncidentRecord  *self);
const char         *pano_incident_record_get_description (PanoIncidentRecord *self);
const char         *pano_incident_record_get_source (PanoIncidentRecord  *self);
gboolean            pano_incident_record_get_location (PanoIncidentRecord *self,
                                                       double             *lon,
                                                       double             *lat);
const char         *pano_incident_record_get_grid_code (PanoIncidentRecord *self);
const char         *pano_incident_record_get_grid_name (PanoIncidentRecord *self,
                                                        PanoGridLevel       level);
char               *pano_incident_record_dup_grid_prefix (PanoIncidentRecord *self,
                                                          PanoGridLevel       level);
gint64              pano_incident_record_get_reported_ms (PanoIncidentRecord *self);
gint64              pano_incident_record_get_stage_since_ms (PanoIncidentRecord *self);
gint64              pano_incident_record_get_deadline_ms (PanoIncidentRecord *self);
gint64              pano_incident_record_get_updated_ms (PanoIncidentRecord *self);
gboolean            pano_incident_record_get_overdue (PanoIncidentRecord *self);
void                pano_incident_record_get_clock  (PanoIncidentRecord  *self,
                                                     gint64               now_ms,
                                                     PanoStageClock      *clock);
gint64              pano_incident_record_get_version (PanoIncidentRecord *self);
const char         *pano_incident_record_get_updated_by (PanoIncidentRecord *self);
guint               pano_incident_record_get_rework (PanoIncidentRecord  *self);
guint               pano_incident_record_get_n_extensions (PanoIncidentRecord *self);
const char         *pano_incident_record_get_reason (PanoIncidentRecord  *self);
const char         *pano_incident_record_get_alert  (PanoIncidentRecord  *self);
guint               pano_incident_record_get_n_units (PanoIncidentRecord *self);
const PanoIncidentUnit *pano_incident_record_get_unit (PanoIncidentRecord *self,
                                                       guint               index);
gboolean            pano_incident_record_has_unit   (PanoIncidentRecord  *self,
                                                     const char          *unit);
guint               pano_incident_record_get_n_notes (PanoIncidentRecord *self);
const PanoIncidentNote *pano_incident_record_get_note (PanoIncidentRecord *self,
                                                       guint               index);
int                 pano_incident_record_compare_urgency (PanoIncidentRecord *a,
                                                          PanoIncidentRecord *b,
                                                          gint64              now_ms);
gboolean            pano_incident_record_matches    (PanoIncidentRecord  *self,
                                                     const char          *search);

G_END_DECLS
