// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-kpis"

#include "pano-hub-kpis.h"
#include "pano-protocol.h"

/* Targets the plans set (派遣正确率 98 %, 结案率 95 %). */
#define TARGET_DISPATCH_ACCURACY 0.98
#define TARGET_CLOSURE 0.95

static gint64
reported_ms (JsonObject *incident)
{
  const char *text = json_object_get_string_member_with_default (incident, "reported_at", NULL);
  g_autoptr(GDateTime) at = text ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  if (at == NULL)
    return g_get_real_time () / 1000;
  return g_date_time_to_unix (at) * 1000 + g_date_time_get_microsecond (at) / 1000;
}

static const char *
grid_code (JsonObject *incident)
{
  JsonNode *grid = json_object_get_member (incident, "grid");

  if (grid == NULL || !JSON_NODE_HOLDS_OBJECT (grid))
    return "";
  return json_object_get_string_member_with_default (json_node_get_object (grid), "code", "");
}

/* The stage an incident entered, as the KPI time it sets (or -1). */
static int
stage_time (const char *status)
{
  static const struct { const char *status; PanoHubKpiTime time; } stages[] = {
    { "accepted", PANO_HUB_KPI_ACCEPTED }, { "dispatched", PANO_HUB_KPI_DISPATCHED },
    { "verified", PANO_HUB_KPI_VERIFIED }, { "closed", PANO_HUB_KPI_CLOSED },
    { "cancelled", PANO_HUB_KPI_CANCELLED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (stages); i++)
    if (g_str_equal (status, stages[i].status))
      return stages[i].time;
  return -1;
}

/**
 * pano_hub_kpis_record:
 * @before: (nullable): the incident before the command, %NULL for create
 * @after: the incident after it
 *
 * Updates the incident's KPI columns inside the command's transaction.
 */
gboolean
pano_hub_kpis_record (PanoHubDb   *db,
                      const char  *command,
                      JsonObject  *before,
                      JsonObject  *after,
                      gint64       now_us,
                      GError     **error)
{
  const char *id = json_object_get_string_member (after, "id");
  const char *from = before ? json_object_get_string_member (before, "status") : NULL;
  const char *to = json_object_get_string_member (after, "status");
  gint64 now = now_us / 1000;
  int time;

  if (before == NULL)
    return pano_hub_db_kpi_create (db, id, grid_code (after), reported_ms (after), error);
  if (g_str_equal (command, "dispatch") &&
      !pano_hub_db_kpi_move (db, id, PANO_HUB_KPI_MOVE_DISPATCH, now, error))
    return FALSE;
  if (g_strcmp0 (from, to) == 0)
    return TRUE;
  if ((time = stage_time (to)) >= 0 && !pano_hub_db_kpi_time (db, id, time, now, error))
    return FALSE;
  if (g_str_equal (to, "returned"))
    return pano_hub_db_kpi_move (db, id, PANO_HUB_KPI_MOVE_RETURN, now, error);
  if (g_str_equal (to, "handling") && g_strcmp0 (from, "verified") == 0)
    return pano_hub_db_kpi_move (db, id, PANO_HUB_KPI_MOVE_REWORK, now, error);
  return TRUE;
}

/* The incident ran past its stage deadline (at @deadline_ms): ever overdue, and handling
 * overdue if that stage was handling. */
gboolean
pano_hub_kpis_record_overdue (PanoHubDb   *db,
                              const char  *id,
                              const char  *status,
                              gint64       deadline_ms,
                              GError     **error)
{
  if (!pano_hub_db_kpi_time (db, id, PANO_HUB_KPI_OVERDUE, deadline_ms, error))
    return FALSE;
  if (g_strcmp0 (status, "handling") == 0)
    return pano_hub_db_kpi_time (db, id, PANO_HUB_KPI_HANDLING_OVERDUE, deadline_ms, error);
  return TRUE;
}

static void
append_ratio (GString    *out,
              const char *name,
              double      numerator,
              gint64      denominator)
{
  g_string_append_printf (out, "\"%s\":", name);
  if (denominator == 0)
    g_string_append (out, "null");
  else
    g_string_append_printf (out, "%.6g", numerator / (double) denominator);
}

static void
append_mean (GString    *out,
             const char *name,
             double      mean_ms,
             gint64      n)
{
  g_string_append_printf (out, "\"%s\":", name);
  if (n == 0)
    g_string_append (out, "null");
  else
    g_string_append_printf (out, "%.3f", mean_ms / 1000.0);
}

static void
append_counts (GString                *out,
               const PanoHubKpiCounts *c)
{
  g_string_append_printf (out, "\"counts\":{\"reported\":%" G_GINT64_FORMAT
                          ",\"accepted\":%" G_GINT64_FORMAT ",\"in_progress\":%" G_GINT64_FORMAT
                          ",\"overdue\":%" G_GINT64_FORMAT ",\"closed\":%" G_GINT64_FORMAT
                          ",\"due\":%" G_GINT64_FORMAT ",\"closed_on_time\":%" G_GINT64_FORMAT
                          ",\"handled\":%" G_GINT64_FORMAT ",\"handled_on_time\":%"
                          G_GINT64_FORMAT ",\"rework\":%" G_GINT64_FORMAT ",\"dispatched\":%"
                          G_GINT64_FORMAT ",\"returned\":%" G_GINT64_FORMAT "},",
                          c->reported, c->accepted, c->in_progress, c->overdue, c->closed, c->due,
                          c->closed_on_time, c->handled, c->handled_on_time, c->rework,
                          c->dispatched, c->returned);
}

/* Returns: the body of GET /v1/kpis (docs/protocol.md, docs/kpis.md). */
char *
pano_hub_kpis_to_json (const PanoHubKpiQuery  *query,
                       const PanoHubKpiCounts *c)
{
  g_autoptr(GString) out = g_string_new ("{\"scope\":");

  pano_protocol_append_quoted (out, query->scope);
  g_string_append (out, ",\"from\":\"");
  pano_protocol_append_time (out, query->from_ms * 1000);
  g_string_append (out, "\",\"to\":\"");
  pano_protocol_append_time (out, query->to_ms * 1000);
  g_string_append (out, "\",");
  append_counts (out, c);
  g_string_append (out, "\"rates\":{");
  append_ratio (out, "closure", c->closed, c->due);
  g_string_append_c (out, ',');
  append_ratio (out, "on_time_closure", c->closed_on_time, c->due);
  g_string_append_c (out, ',');
  append_ratio (out, "on_time_handling", c->handled_on_time, c->handled);
  g_string_append_c (out, ',');
  append_ratio (out, "rework", c->rework, c->due);
  g_string_append_c (out, ',');
  append_ratio (out, "dispatch_accuracy", c->dispatched - c->returned, c->dispatched);
  g_string_append (out, "},\"mean_s\":{");
  append_mean (out, "accept", c->mean_accept_ms, c->n_accept);
  g_string_append_c (out, ',');
  append_mean (out, "dispatch", c->mean_dispatch_ms, c->n_dispatch);
  g_string_append_c (out, ',');
  append_mean (out, "close", c->mean_close_ms, c->n_close);
  g_string_append_printf (out, "},\"targets\":{\"dispatch_accuracy\":%.2f,\"closure\":%.2f}}",
                          TARGET_DISPATCH_ACCURACY, TARGET_CLOSURE);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
