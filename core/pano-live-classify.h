// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-incident.h"
#include "pano-json.h"

G_BEGIN_DECLS

/* Environment: the six AQI bands of HJ 633-2012. */
typedef enum
{
  PANO_AQI_UNKNOWN,
  PANO_AQI_EXCELLENT,     /* 优 0–50 */
  PANO_AQI_GOOD,          /* 良 51–100 */
  PANO_AQI_LIGHT,         /* 轻度污染 101–150 */
  PANO_AQI_MODERATE,      /* 中度污染 151–200 */
  PANO_AQI_HEAVY,         /* 重度污染 201–300 */
  PANO_AQI_SEVERE,        /* 严重污染 > 300 */
} PanoAqiBand;

/* Traffic: the four congestion levels of the plans. */
typedef enum
{
  PANO_CONGESTION_UNKNOWN,
  PANO_CONGESTION_FREE,       /* 畅通 */
  PANO_CONGESTION_SLOW,       /* 缓行 */
  PANO_CONGESTION_CONGESTED,  /* 拥堵 */
  PANO_CONGESTION_JAMMED,     /* 严重拥堵 */
} PanoCongestion;

/* Traffic: the road class of a segment, its value (drawn widest first). */
typedef enum
{
  PANO_ROAD_ARTERIAL = 1,
  PANO_ROAD_SECONDARY,
  PANO_ROAD_LOCAL,
} PanoRoadClass;

/* Emergency resources: status, worse (less available) is larger. */
typedef enum
{
  PANO_RESOURCE_UNKNOWN,
  PANO_RESOURCE_AVAILABLE,
  PANO_RESOURCE_DISPATCHED,     /* or returning to its station */
  PANO_RESOURCE_EN_ROUTE,
  PANO_RESOURCE_ON_SCENE,
  PANO_RESOURCE_OUT_OF_SERVICE,
} PanoResourceStatus;

/* Emergency resources: what the unit or site is; the value of a resources entity. */
typedef enum
{
  PANO_RESOURCE_KIND_UNKNOWN,
  PANO_RESOURCE_KIND_FIRE,
  PANO_RESOURCE_KIND_AMBULANCE,
  PANO_RESOURCE_KIND_RESCUE,
  PANO_RESOURCE_KIND_POLICE,
  PANO_RESOURCE_KIND_ENFORCEMENT,
  PANO_RESOURCE_KIND_WAREHOUSE,
  PANO_RESOURCE_KIND_SHELTER,
} PanoResourceKind;

/* Events and incidents: open states, closed, and overdue above all. */
typedef enum
{
  PANO_EVENT_UNKNOWN,
  PANO_EVENT_CLOSED,
  PANO_EVENT_REPORTED,
  PANO_EVENT_ACCEPTED,
  PANO_EVENT_DISPATCHED,
  PANO_EVENT_HANDLING,
  PANO_EVENT_VERIFYING,
  PANO_EVENT_OVERDUE,
} PanoEventClass;

/* Incidents: drawn in the colours of their stage clock (docs/operations.md), so the map and
 * the queue say the same thing. */
typedef enum
{
  PANO_INCIDENT_CLASS_UNKNOWN,
  PANO_INCIDENT_CLASS_CLOSED,     /* closed or cancelled */
  PANO_INCIDENT_CLASS_ON_TIME,    /* below 80 % of the stage's time */
  PANO_INCIDENT_CLASS_DUE_SOON,   /* from 80 % */
  PANO_INCIDENT_CLASS_OVERDUE,
} PanoIncidentClass;

PanoAqiBand pano_aqi_band_for_value (double aqi);
guint       pano_incident_class_for_clock (PanoClockState state,
                                           gboolean       final);
gboolean    pano_live_class_is_open    (const char *layer,
                                        guint       klass);
gboolean    pano_live_class_is_overdue (const char *layer,
                                        guint       klass);
double      pano_congestion_index   (const guint *counts);
const char *pano_event_category_glyph (guint code);
guint       pano_live_classify      (const char   *layer,
                                     PanoJsonSpan  properties,
                                     float      *value);

G_END_DECLS
