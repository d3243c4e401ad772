// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

#include "pano-incident.h"

G_BEGIN_DECLS

/* Words and numbers for people, shared by every operator panel: stage names, clocks, times,
 * durations and distances rounded with their units, the sources and unit kinds of the plans. */

/* A table of a protocol's keys and their words, ended by { NULL, NULL }. */
typedef struct
{
  const char *key;
  const char *words;   /* marked with N_() or, with a context, NC_() */
} PanoWords;

const char *pano_format_words         (const PanoWords       *table,
                                       const char            *context,
                                       const char            *key);
const char *pano_format_status        (PanoIncidentStatus     status);
const char *pano_format_source        (const char            *source);
const char *pano_format_unit_kind     (const char            *kind);
const char *pano_format_unit_status   (const char            *status);
const char *pano_format_command       (const char            *command);
const char *pano_format_facility_kind (const char            *kind);
char       *pano_format_lonlat        (double                 lon,
                                       double                 lat);
char       *pano_format_severity      (guint                  severity);
char       *pano_format_duration      (gint64                 seconds);
char       *pano_format_distance      (double                 metres);
char       *pano_format_clock_time    (gint64                 unix_ms);
char       *pano_format_stage_clock   (const PanoStageClock  *clock);
const char *pano_format_clock_css     (PanoClockState         state);

G_END_DECLS
