// SPDX-License-Identifier: GPL-3.0-or-later
/* What the operator panels print: every number rounded and with its unit, times in the local
 * zone, the hub's machine names (stages, sources, unit kinds, commands) in the operator's
 * language. One place, so the queue, the card and the wall say the same thing. */
#define G_LOG_DOMAIN "panorama-widgets"

#include "pano-format.h"

#include <glib/gi18n-lib.h>

const char *
pano_format_status (PanoIncidentStatus status)
{
  switch (status)
    {
    case PANO_INCIDENT_REPORTED:
      return _("Reported");
    case PANO_INCIDENT_ACCEPTED:
      return _("Accepted");
    case PANO_INCIDENT_DISPATCHED:
      return _("Dispatched");
    case PANO_INCIDENT_HANDLING:
      return _("Handling");
    case PANO_INCIDENT_VERIFIED:
      return _("Verifying");
    case PANO_INCIDENT_CLOSED:
      return _("Closed");
    case PANO_INCIDENT_RETURNED:
      return _("Returned");
    case PANO_INCIDENT_CANCELLED:
      return _("Cancelled");
    case PANO_INCIDENT_N_STATUS:
    default:
      return _("Unknown");
    }
}

/**
 * pano_format_words:
 * @context: (nullable): the translation context the table's words were marked with
 *
 * Returns: the words for @key in @table, translated; @key itself when the table does not
 *   know it (a newer hub's key is shown rather than nothing)
 */
const char *
pano_format_words (const PanoWords *table,
                   const char      *context,
                   const char      *key)
{
  for (guint i = 0; key != NULL && table[i].key != NULL; i++)
    if (g_str_equal (table[i].key, key))
      return context ? g_dpgettext2 (GETTEXT_PACKAGE, context, table[i].words)
                     : g_dgettext (GETTEXT_PACKAGE, table[i].words);
  return key;
}

/* Returns: the source's name for people, or @source itself when it is not a known one */
const char *
pano_format_source (const char *source)
{
  static const PanoWords words[] = {
    { "grid_worker", N_("Grid worker") }, { "hotline_12345", N_("12345 hotline") },
    { "sensor", N_("Sensor") }, { "video_ai", N_("Video AI") }, { "operator", N_("Operator") },
    { "alert", N_("Alert") }, { NULL, NULL }
  };

  return pano_format_words (words, NULL, source);
}

const char *
pano_format_unit_kind (const char *kind)
{
  static const PanoWords words[] = {
    { "fire_engine", N_("Fire engine") }, { "rescue_team", N_("Rescue team") },
    { "ambulance", N_("Ambulance") }, { "police", N_("Police car") },
    { "enforcement", N_("Enforcement unit") }, { "warehouse", N_("Warehouse") },
    { "shelter", N_("Shelter") }, { NULL, NULL }
  };

  return pano_format_words (words, NULL, kind);
}

const char *
pano_format_unit_status (const char *status)
{
  static const PanoWords words[] = {
    { "available", N_("Available") }, { "en_route", N_("En route") },
    { "on_scene", N_("On scene") }, { "returning", N_("Returning") },
    { "dispatched", N_("Dispatched") }, { "out_of_service", N_("Out of service") },
    { NULL, NULL }
  };

  return pano_format_words (words, NULL, status);
}

/* Returns: a facility's kind (the base map's `facilities` layer) for people */
const char *
pano_format_facility_kind (const char *kind)
{
  static const PanoWords words[] = {
    { "fire_station", N_("Fire station") }, { "hospital", N_("Hospital") },
    { "police_station", N_("Police station") }, { "warehouse", N_("Warehouse") },
    { "shelter", N_("Shelter") }, { "env_station", N_("Environment station") },
    { "camera", N_("Camera") }, { NULL, NULL }
  };

  return pano_format_words (words, NULL, kind);
}

/* Returns: (transfer full): a place as people read it, "110.79000° E, 32.65000° N" */
char *
pano_format_lonlat (double lon,
                    double lat)
{
  return g_strdup_printf (_("%.5f° E, %.5f° N"), lon, lat);
}

/* Returns: what an accepted command did, for the timeline */
const char *
pano_format_command (const char *command)
{
  static const PanoWords words[] = {
    { "create", N_("Reported") }, { "transition", N_("Moved") },
    { "dispatch", N_("Dispatched") }, { "acknowledge", N_("Unit acknowledged") },
    { "arrive", N_("Unit on scene") }, { "reassign", N_("Reassigned") },
    { "cancel", N_("Cancelled") }, { "note", N_("Note") }, { "extend", N_("Extended") },
    { NULL, NULL }
  };

  return pano_format_words (words, NULL, command);
}

char *
pano_format_severity (guint severity)
{
  static const char * const names[] = { N_("unknown"), N_("minor"), N_("moderate"),
                                        N_("serious"), N_("critical") };

  return g_strdup_printf (_("Severity %u · %s"), severity, _(names[MIN (severity, 4)]));
}

/* Returns: "45 s", "12 min", "1 h 05 min" or "2 d 3 h": two units at most */
char *
pano_format_duration (gint64 seconds)
{
  gint64 s = ABS (seconds);

  if (s < 60)
    return g_strdup_printf (_("%d s"), (int) s);
  if (s < 3600)
    return g_strdup_printf (_("%d min"), (int) (s / 60));
  if (s < 86400)
    return g_strdup_printf (_("%d h %02d min"), (int) (s / 3600), (int) (s % 3600 / 60));
  return g_strdup_printf (_("%d d %d h"), (int) (s / 86400), (int) (s % 86400 / 3600));
}

/* Returns: "850 m" below a kilometre, "2.4 km" above */
char *
pano_format_distance (double metres)
{
  if (metres < 1000)
    return g_strdup_printf (_("%d m"), (int) (metres + 0.5));
  return g_strdup_printf (_("%.1f km"), metres / 1000);
}

/* Returns: the local time of day, with the date when it is not today */
char *
pano_format_clock_time (gint64 unix_ms)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (unix_ms / 1000);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (t == NULL)
    return g_strdup ("—");
  if (g_date_time_get_year (t) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (t) == g_date_time_get_day_of_year (now))
    return g_date_time_format (t, "%H:%M");
  return g_date_time_format (t, "%m-%d %H:%M");
}

/* Returns: "12 min left", or "Overdue 45 min · ×1.5" (超时倍数) */
char *
pano_format_stage_clock (const PanoStageClock *clock)
{
  g_autofree char *left = NULL;

  switch (clock->state)
    {
    case PANO_CLOCK_ON_TIME:
    case PANO_CLOCK_DUE_SOON:
      left = pano_format_duration (clock->remaining_ms / 1000);
      return g_strdup_printf (_("%s left"), left);
    case PANO_CLOCK_OVERDUE:
      if (clock->remaining_ms >= 0)
        return g_strdup (_("Overdue"));
      left = pano_format_duration (-clock->remaining_ms / 1000);
      return g_strdup_printf (_("Overdue %s · ×%.1f"), left, clock->overdue_factor);
    case PANO_CLOCK_NONE:
    default:
      return g_strdup ("");
    }
}

/* Returns: the CSS class that colours a clock: green, yellow from 80 %, red when overdue */
const char *
pano_format_clock_css (PanoClockState state)
{
  switch (state)
    {
    case PANO_CLOCK_ON_TIME:
      return "clock-ok";
    case PANO_CLOCK_DUE_SOON:
      return "clock-due";
    case PANO_CLOCK_OVERDUE:
      return "clock-overdue";
    case PANO_CLOCK_NONE:
    default:
      return "clock-none";
    }
}
