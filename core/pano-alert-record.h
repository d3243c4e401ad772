// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* How grave an alert is, worst last. Producers name it as the simulator does (`warning`,
 * `severe`), by colour (blue … red) or by the Chinese grade number (1 = Ⅰ级, the gravest). */
typedef enum
{
  PANO_ALERT_LEVEL_UNKNOWN,
  PANO_ALERT_LEVEL_NOTICE,      /* 提示, blue, Ⅳ */
  PANO_ALERT_LEVEL_WARNING,     /* 预警, yellow, Ⅲ */
  PANO_ALERT_LEVEL_SEVERE,      /* 严重, orange, Ⅱ */
  PANO_ALERT_LEVEL_CRITICAL,    /* 特别严重, red, Ⅰ */
} PanoAlertLevel;

/* The levels the header signals until someone acknowledges them. */
#define PANO_ALERT_LEVEL_TOP PANO_ALERT_LEVEL_SEVERE

#define PANO_TYPE_ALERT_RECORD (pano_alert_record_get_type ())
G_DECLARE_FINAL_TYPE (PanoAlertRecord, pano_alert_record, PANO, ALERT_RECORD, GObject)

PanoAlertRecord *pano_alert_record_new           (const char      *id,
                                                  const char      *properties,
                                                  gint64           updated_ms,
                                                  gboolean         has_position,
                                                  double           lon,
                                                  double           lat);
const char      *pano_alert_record_get_id        (PanoAlertRecord *self);
const char      *pano_alert_record_get_properties (PanoAlertRecord *self);
gint64           pano_alert_record_get_updated_ms (PanoAlertRecord *self);
gint64           pano_alert_record_get_raised_ms (PanoAlertRecord *self);
void             pano_alert_record_set_raised_ms (PanoAlertRecord *self,
                                                  gint64           raised_ms);
gboolean         pano_alert_record_get_location  (PanoAlertRecord *self,
                                                  double          *lon,
                                                  double          *lat);
gboolean         pano_alert_record_is_active     (PanoAlertRecord *self);
PanoAlertLevel   pano_alert_record_get_level     (PanoAlertRecord *self);
const char      *pano_alert_record_get_kind      (PanoAlertRecord *self);
const char      *pano_alert_record_get_station   (PanoAlertRecord *self);
const char      *pano_alert_record_get_station_name (PanoAlertRecord *self);
const char      *pano_alert_record_get_metric    (PanoAlertRecord *self);
const char      *pano_alert_record_get_primary   (PanoAlertRecord *self);
const char      *pano_alert_record_get_unit      (PanoAlertRecord *self);
gboolean         pano_alert_record_get_value     (PanoAlertRecord *self,
                                                  double          *value);
gboolean         pano_alert_record_get_threshold (PanoAlertRecord *self,
                                                  double          *threshold);
const char      *pano_alert_record_get_acknowledged_by (PanoAlertRecord *self);
gint64           pano_alert_record_get_acknowledged_ms (PanoAlertRecord *self);
const char      *pano_alert_record_get_acknowledged_note (PanoAlertRecord *self);
const char      *pano_alert_record_get_incident  (PanoAlertRecord *self);
gboolean         pano_alert_record_needs_attention (PanoAlertRecord *self);
int              pano_alert_record_compare       (PanoAlertRecord *a,
                                                  PanoAlertRecord *b);

PanoAlertLevel   pano_alert_level_from_json      (JsonNode        *node);
const char      *pano_alert_level_to_name        (PanoAlertLevel   level);

G_END_DECLS
