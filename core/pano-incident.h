// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The incident lifecycle of docs/protocol.md section 6: a simplified 12-stage digital city
 * management chain (上报 受理 派遣 处置 核查 结案, 退回, 作废). Pure rules, no storage. */

typedef enum
{
  PANO_INCIDENT_REPORTED,
  PANO_INCIDENT_ACCEPTED,
  PANO_INCIDENT_DISPATCHED,
  PANO_INCIDENT_HANDLING,
  PANO_INCIDENT_VERIFIED,
  PANO_INCIDENT_CLOSED,
  PANO_INCIDENT_RETURNED,
  PANO_INCIDENT_CANCELLED,
  PANO_INCIDENT_N_STATUS,
} PanoIncidentStatus;

#define PANO_INCIDENT_ERROR (pano_incident_error_quark ())

typedef enum
{
  PANO_INCIDENT_ERROR_ILLEGAL_TRANSITION,
  PANO_INCIDENT_ERROR_UNKNOWN_STATUS,
} PanoIncidentError;

GQuark       pano_incident_error_quark         (void);

const char  *pano_incident_status_name         (PanoIncidentStatus  status);
const char  *pano_incident_status_label        (PanoIncidentStatus  status);
gboolean     pano_incident_status_from_name    (const char         *name,
                                                PanoIncidentStatus *status);
gboolean     pano_incident_status_is_final     (PanoIncidentStatus  status);
guint        pano_incident_default_limit_s     (PanoIncidentStatus  status);

gboolean     pano_incident_check_transition    (PanoIncidentStatus  from,
                                                PanoIncidentStatus  to,
                                                gboolean            by_dispatch,
                                                GError            **error);

/* The stage clock an operator reads: green below 80 % of the stage's time, yellow from 80 %,
 * red once the deadline has passed. */
typedef enum
{
  PANO_CLOCK_NONE,        /* final stage, or no deadline */
  PANO_CLOCK_ON_TIME,
  PANO_CLOCK_DUE_SOON,
  PANO_CLOCK_OVERDUE,
} PanoClockState;

#define PANO_CLOCK_DUE_SOON_SHARE 0.8

typedef struct
{
  PanoClockState state;
  double share;           /* of the stage's time used: 0 at entry, 1 at the deadline */
  gint64 remaining_ms;    /* negative once overdue */
  double overdue_factor;  /* 超时倍数: how many times the stage's time has run, when overdue */
} PanoStageClock;

void         pano_incident_clock               (gint64              stage_since_ms,
                                                gint64              deadline_ms,
                                                gboolean            flagged_overdue,
                                                gint64              now_ms,
                                                PanoStageClock     *clock);

G_END_DECLS
