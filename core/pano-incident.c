// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-incident"

#include "pano-incident.h"

#include <string.h>

G_DEFINE_QUARK (pano-incident-error-quark, pano_incident_error)

typedef struct
{
  const char *name;
  const char *label;
  guint limit_s;     /* 0: final, no time limit */
  guint allowed;     /* bit mask of reachable statuses */
} StageInfo;

#define TO(s) (1u << PANO_INCIDENT_##s)

static const StageInfo stages[PANO_INCIDENT_N_STATUS] = {
  [PANO_INCIDENT_REPORTED] = { "reported", "上报", 600, TO (ACCEPTED) | TO (CANCELLED) },
  [PANO_INCIDENT_ACCEPTED] = { "accepted", "受理", 1800, TO (DISPATCHED) | TO (CANCELLED) },
  [PANO_INCIDENT_DISPATCHED] = { "dispatched", "派遣", 1800,
                                 TO (HANDLING) | TO (RETURNED) | TO (CANCELLED) },
  [PANO_INCIDENT_HANDLING] = { "handling", "处置", 14400, TO (VERIFIED) | TO (RETURNED) },
  [PANO_INCIDENT_VERIFIED] = { "verified", "核查", 3600, TO (CLOSED) | TO (HANDLING) },
  [PANO_INCIDENT_CLOSED] = { "closed", "结案", 0, 0 },
  [PANO_INCIDENT_RETURNED] = { "returned", "退回", 1800,
                               TO (ACCEPTED) | TO (DISPATCHED) | TO (CANCELLED) },
  [PANO_INCIDENT_CANCELLED] = { "cancelled", "作废", 0, 0 },
};

const char *
pano_incident_status_name (PanoIncidentStatus status)
{
  g_return_val_if_fail ((guint) status < PANO_INCIDENT_N_STATUS, NULL);
  return stages[status].name;
}

const char *
pano_incident_status_label (PanoIncidentStatus status)
{
  g_return_val_if_fail ((guint) status < PANO_INCIDENT_N_STATUS, NULL);
  return stages[status].label;
}

gboolean
pano_incident_status_from_name (const char         *name,
                                PanoIncidentStatus *status)
{
  for (guint i = 0; name != NULL && i < PANO_INCIDENT_N_STATUS; i++)
    {
      if (g_str_equal (name, stages[i].name))
        {
          *status = i;
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
pano_incident_status_is_final (PanoIncidentStatus status)
{
  return stages[status].allowed == 0;
}

guint
pano_incident_default_limit_s (PanoIncidentStatus status)
{
  return stages[status].limit_s;
}

static char *
allowed_list (PanoIncidentStatus from)
{
  g_autoptr(GString) list = g_string_new (NULL);

  for (guint i = 0; i < PANO_INCIDENT_N_STATUS; i++)
    {
      if (stages[from].allowed & (1u << i))
        g_string_append_printf (list, "%s%s", list->len ? ", " : "", stages[i].name);
    }
  return list->len ? g_string_free (g_steal_pointer (&list), FALSE) : g_strdup ("none (final)");
}

/**
 * pano_incident_check_transition:
 * @by_dispatch: whether the move comes from a dispatch command, the only way to reach
 *   `dispatched` (an order must name its units)
 *
 * Returns: %TRUE if @from may move to @to; otherwise an error whose message names the current
 *   state, the requested one and the allowed ones, fit for the operator.
 */
gboolean
pano_incident_check_transition (PanoIncidentStatus   from,
                                PanoIncidentStatus   to,
                                gboolean             by_dispatch,
                                GError             **error)
{
  g_autofree char *allowed = NULL;

  g_return_val_if_fail ((guint) from < PANO_INCIDENT_N_STATUS, FALSE);
  g_return_val_if_fail ((guint) to < PANO_INCIDENT_N_STATUS, FALSE);

  if ((stages[from].allowed & (1u << to)) && (to != PANO_INCIDENT_DISPATCHED || by_dispatch))
    return TRUE;

  allowed = allowed_list (from);
  if (to == PANO_INCIDENT_DISPATCHED && !by_dispatch && (stages[from].allowed & (1u << to)))
    g_set_error (error, PANO_INCIDENT_ERROR, PANO_INCIDENT_ERROR_ILLEGAL_TRANSITION,
                 "An incident in '%s' reaches 'dispatched' only by a dispatch command naming "
                 "its units", stages[from].name);
  else
    g_set_error (error, PANO_INCIDENT_ERROR, PANO_INCIDENT_ERROR_ILLEGAL_TRANSITION,
                 "An incident in '%s' cannot move to '%s'; allowed: %s",
                 stages[from].name, stages[to].name, allowed);
  return FALSE;
}

/**
 * pano_incident_clock:
 * @deadline_ms: the stage's deadline, 0 when it has none (a final stage)
 * @flagged_overdue: the hub's `overdue` flag: overdue even if this machine's clock lags
 *
 * Reads the stage clock at @now_ms. An extension moves the deadline, so the share is taken of
 * the time from stage entry to the current deadline.
 */
void
pano_incident_clock (gint64          stage_since_ms,
                     gint64          deadline_ms,
                     gboolean        flagged_overdue,
                     gint64          now_ms,
                     PanoStageClock *clock)
{
  gint64 span = deadline_ms - stage_since_ms;

  memset (clock, 0, sizeof *clock);
  if (deadline_ms <= 0 || stage_since_ms <= 0 || span <= 0)
    {
      clock->state = flagged_overdue ? PANO_CLOCK_OVERDUE : PANO_CLOCK_NONE;
      return;
    }
  clock->remaining_ms = deadline_ms - now_ms;
  clock->share = (double) (now_ms - stage_since_ms) / span;
  if (flagged_overdue || clock->remaining_ms < 0)
    {
      clock->state = PANO_CLOCK_OVERDUE;
      clock->overdue_factor = MAX (clock->share, 1.0);
    }
  else if (clock->share >= PANO_CLOCK_DUE_SOON_SHARE)
    clock->state = PANO_CLOCK_DUE_SOON;
  else
    clock->state = PANO_CLOCK_ON_TIME;
}
