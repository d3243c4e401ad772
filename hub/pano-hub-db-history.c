// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-db"

#include "pano-hub-db-private.h"
#include "pano-protocol.h"

/* The durable history behind the timeline, the audit view and the KPIs (docs/kpis.md). Each
 * incident has one `incident_kpi` row whose times are set once, in the transaction of the
 * command (or overdue check) that reached them, and `incident_moves` rows for what can happen
 * more than once (dispatch, return, rework); the KPIs are plain SQL over them. */

static const char * const time_columns[] = {
  "accepted_at", "dispatched_at", "verified_at", "closed_at", "cancelled_at", "overdue_at",
  "handling_overdue_at",
};

static const struct
{
  const char *kind;
  const char *column;
} moves[] = {
  { "dispatch", "dispatches" },
  { "return", "returns" },
  { "rework", "rework" },
};

gboolean
pano_hub_db_kpi_create (PanoHubDb   *self,
                        const char  *id,
                        const char  *grid_code,
                        gint64       reported_ms,
                        GError     **error)
{
  sqlite3_stmt *stmt = pano_hub_db_prepare (self, "INSERT OR REPLACE INTO incident_kpi "
                                                  "(id, grid_code, reported_at) VALUES (?, ?, ?)",
                                            error);

  if (stmt == NULL)
    return FALSE;
  pano_hub_db_bind_text (stmt, 1, id);
  pano_hub_db_bind_text (stmt, 2, grid_code ? grid_code : "");
  sqlite3_bind_int64 (stmt, 3, reported_ms);
  return pano_hub_db_step_done (self, stmt, error);
}

/* Sets a time the first time it is reached; later ones do not move it. */
gboolean
pano_hub_db_kpi_time (PanoHubDb       *self,
                      const char      *id,
                      PanoHubKpiTime   what,
                      gint64           at_ms,
                      GError         **error)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE incident_kpi SET %s = COALESCE(%s, ?) "
                                          "WHERE id = ?", time_columns[what],
                                          time_columns[what]);
  sqlite3_stmt *stmt = pano_hub_db_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, at_ms);
  pano_hub_db_bind_text (stmt, 2, id);
  return pano_hub_db_step_done (self, stmt, error);
}

gboolean
pano_hub_db_kpi_move (PanoHubDb       *self,
                      const char      *id,
                      PanoHubKpiMove   move,
                      gint64           at_ms,
                      GError         **error)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE incident_kpi SET %s = %s + 1 WHERE id = ?",
                                          moves[move].column, moves[move].column);
  sqlite3_stmt *stmt = pano_hub_db_prepare (self, "INSERT INTO incident_moves VALUES (?, ?, ?)",
                                            error);

  if (stmt == NULL)
    return FALSE;
  pano_hub_db_bind_text (stmt, 1, id);
  pano_hub_db_bind_text (stmt, 2, moves[move].kind);
  sqlite3_bind_int64 (stmt, 3, at_ms);
  if (!pano_hub_db_step_done (self, stmt, error) ||
      (stmt = pano_hub_db_prepare (self, sql, error)) == NULL)
    return FALSE;
  pano_hub_db_bind_text (stmt, 1, id);
  return pano_hub_db_step_done (self, stmt, error);
}

/* ?1 from, ?2 to, ?3 scope; the scope is a grid-code prefix, as a range the index can use. */
#define COHORT "reported_at >= ?1 AND reported_at < ?2"
#define IN_SCOPE " AND grid_code >= ?3 AND grid_code < ?3 || char(1114111)"

static const char cohort_sql[] =
  "SELECT count(*), ifnull(sum(accepted_at < ?2), 0), ifnull(sum(overdue_at < ?2), 0),"
  " ifnull(sum(closed_at < ?2), 0), count(*) - ifnull(sum(cancelled_at < ?2), 0),"
  " ifnull(sum(closed_at < ?2 AND (overdue_at IS NULL OR overdue_at >= ?2)), 0),"
  " ifnull(sum(verified_at < ?2), 0),"
  " ifnull(sum(verified_at < ?2 AND (handling_overdue_at IS NULL OR handling_overdue_at >= ?2)),"
  "  0),"
  " ifnull(sum(rework), 0), ifnull(sum(dispatches), 0), ifnull(sum(returns), 0),"
  " avg(CASE WHEN accepted_at < ?2 THEN accepted_at - reported_at END),"
  " count(CASE WHEN accepted_at < ?2 THEN 1 END),"
  " avg(CASE WHEN dispatched_at < ?2 THEN dispatched_at - reported_at END),"
  " count(CASE WHEN dispatched_at < ?2 THEN 1 END),"
  " avg(CASE WHEN closed_at < ?2 THEN closed_at - reported_at END),"
  " count(CASE WHEN closed_at < ?2 THEN 1 END)"
  " FROM incident_kpi WHERE " COHORT;

/* Open at `to`: reported before it and neither closed nor cancelled before it. The first
 * term is served by a partial index of the (few) incidents open now. */
static const char open_sql[] =
  "SELECT (SELECT count(*) FROM incident_kpi WHERE closed_at IS NULL AND cancelled_at IS NULL"
  "  AND reported_at < ?2 %1$s)"
  " + (SELECT count(*) FROM incident_kpi WHERE closed_at >= ?2 AND reported_at < ?2 %1$s)"
  " + (SELECT count(*) FROM incident_kpi WHERE cancelled_at >= ?2 AND reported_at < ?2 %1$s)";

/* For a window that ends in the past, moves after its end must not count. */
static const char moves_sql[] =
  "SELECT m.kind, count(*) FROM incident_kpi k JOIN incident_moves m ON m.incident = k.id"
  " WHERE k." COHORT "%s AND m.at < ?2 GROUP BY m.kind";

static sqlite3_stmt *
prepare_bound (PanoHubDb             *self,
               const char            *sql,
               const PanoHubKpiQuery *query,
               GError               **error)
{
  sqlite3_stmt *stmt = pano_hub_db_prepare (self, sql, error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, query->from_ms);
  sqlite3_bind_int64 (stmt, 2, query->to_ms);
  pano_hub_db_bind_text (stmt, 3, query->scope);
  return stmt;
}

static gboolean
query_cohort (PanoHubDb             *self,
              const PanoHubKpiQuery *query,
              PanoHubKpiCounts      *c,
              GError               **error)
{
  gboolean scoped = *query->scope != '\0';
  g_autofree char *sql = g_strconcat (cohort_sql, scoped ? IN_SCOPE : "", NULL);
  sqlite3_stmt *stmt = prepare_bound (self, sql, query, error);
  gint64 *ints[] = { &c->reported, &c->accepted, &c->overdue, &c->closed, &c->due,
                     &c->closed_on_time, &c->handled, &c->handled_on_time, &c->rework,
                     &c->dispatched, &c->returned };

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return pano_hub_db_fail (self, stmt, error);
  for (guint i = 0; i < G_N_ELEMENTS (ints); i++)
    *ints[i] = sqlite3_column_int64 (stmt, i);
  c->mean_accept_ms = sqlite3_column_double (stmt, 11);
  c->n_accept = sqlite3_column_int64 (stmt, 12);
  c->mean_dispatch_ms = sqlite3_column_double (stmt, 13);
  c->n_dispatch = sqlite3_column_int64 (stmt, 14);
  c->mean_close_ms = sqlite3_column_double (stmt, 15);
  c->n_close = sqlite3_column_int64 (stmt, 16);
  sqlite3_finalize (stmt);
  return TRUE;
}

static gboolean
query_open (PanoHubDb             *self,
            const PanoHubKpiQuery *query,
            PanoHubKpiCounts      *c,
            GError               **error)
{
  const char *scope = *query->scope != '\0' ? IN_SCOPE : "";
  g_autofree char *sql = g_strdup_printf (open_sql, scope);
  sqlite3_stmt *stmt = prepare_bound (self, sql, query, error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return pano_hub_db_fail (self, stmt, error);
  c->in_progress = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return TRUE;
}

static gboolean
query_moves (PanoHubDb             *self,
             const PanoHubKpiQuery *query,
             PanoHubKpiCounts      *c,
             GError               **error)
{
  g_autofree char *sql = g_strdup_printf (moves_sql, *query->scope ? IN_SCOPE : "");
  sqlite3_stmt *stmt = prepare_bound (self, sql, query, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  c->dispatched = c->returned = c->rework = 0;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *kind = (const char *) sqlite3_column_text (stmt, 0);
      gint64 n = sqlite3_column_int64 (stmt, 1);

      if (g_str_equal (kind, "dispatch"))
        c->dispatched = n;
      else if (g_str_equal (kind, "return"))
        c->returned = n;
      else if (g_str_equal (kind, "rework"))
        c->rework = n;
    }
  if (rc != SQLITE_DONE)
    return pano_hub_db_fail (self, stmt, error);
  sqlite3_finalize (stmt);
  return TRUE;
}

/**
 * pano_hub_db_kpi_query:
 *
 * Computes the counts of docs/kpis.md. The per-incident move counters are exact when the
 * window ends now or later (no move can be later); a window that ends in the past counts the
 * moves themselves.
 */
gboolean
pano_hub_db_kpi_query (PanoHubDb             *self,
                       const PanoHubKpiQuery *query,
                       PanoHubKpiCounts      *counts,
                       GError               **error)
{
  memset (counts, 0, sizeof *counts);
  if (!query_cohort (self, query, counts, error) || !query_open (self, query, counts, error))
    return FALSE;
  if (query->to_ms < query->now_ms)
    return query_moves (self, query, counts, error);
  return TRUE;
}

static void
member_text (GString      *out,
             const char   *name,
             sqlite3_stmt *stmt,
             int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return;
  g_string_append_printf (out, ",\"%s\":", name);
  pano_protocol_append_quoted (out, (const char *) sqlite3_column_text (stmt, column));
}

/* A member whose value is already JSON (a number or an array from json_extract). */
static void
member_raw (GString      *out,
            const char   *name,
            sqlite3_stmt *stmt,
            int           column)
{
  int type = sqlite3_column_type (stmt, column);

  if (type == SQLITE_NULL)
    return;
  g_string_append_printf (out, ",\"%s\":", name);
  if (type == SQLITE_TEXT)
    g_string_append (out, (const char *) sqlite3_column_text (stmt, column));
  else
    g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, column));
}

/* Returns: (nullable): the `entries` array of GET /v1/incidents/{id}/timeline. */
char *
pano_hub_db_timeline (PanoHubDb   *self,
                      const char  *incident,
                      GError     **error)
{
  sqlite3_stmt *stmt = pano_hub_db_prepare (self,
    "SELECT at, actor, role, action, json_extract(before, '$.status'),"
    " json_extract(after, '$.status'), json_extract(after, '$.version'),"
    " json_extract(request, '$.reason'), json_extract(request, '$.text'),"
    " json_extract(request, '$.units'), json_extract(request, '$.unit'),"
    " json_extract(request, '$.seconds')"
    " FROM audit WHERE target = ? AND outcome = 'accepted' ORDER BY id", error);
  g_autoptr(GString) out = g_string_new ("[");
  int rc;

  if (stmt == NULL)
    return NULL;
  pano_hub_db_bind_text (stmt, 1, incident);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_string_append (out, out->len > 1 ? ",{\"at\":" : "{\"at\":");
      pano_protocol_append_quoted (out, (const char *) sqlite3_column_text (stmt, 0));
      member_text (out, "actor", stmt, 1);
      member_text (out, "role", stmt, 2);
      member_text (out, "command", stmt, 3);
      member_text (out, "status_before", stmt, 4);
      member_text (out, "status_after", stmt, 5);
      member_raw (out, "version", stmt, 6);
      member_text (out, "reason", stmt, 7);
      member_text (out, "text", stmt, 8);
      member_raw (out, "units", stmt, 9);
      member_text (out, "unit", stmt, 10);
      member_raw (out, "seconds", stmt, 11);
      g_string_append_c (out, '}');
    }
  if (rc != SQLITE_DONE)
    {
      pano_hub_db_fail (self, stmt, error);
      return NULL;
    }
  sqlite3_finalize (stmt);
  g_string_append_c (out, ']');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
audit_sql (const PanoHubAuditQuery *q)
{
  GString *sql = g_string_new ("SELECT id, at, actor, role, action, target, outcome, status, "
                               "reason FROM audit WHERE 1");

  if (q->actor != NULL)
    g_string_append (sql, " AND actor = ?1");
  if (q->incident != NULL)
    g_string_append (sql, " AND target = ?2");
  if (q->from_ms != 0)
    g_string_append (sql, " AND at >= ?3");
  if (q->to_ms != 0)
    g_string_append (sql, " AND at < ?4");
  if (q->before_id != 0)
    g_string_append (sql, " AND id < ?5");
  g_string_append (sql, " ORDER BY id DESC LIMIT ?6");
  return g_string_free (sql, FALSE);
}

static void
append_audit_row (GString      *out,
                  sqlite3_stmt *stmt)
{
  static const char * const names[] = { "actor", "role", "action", "target", "outcome" };

  g_string_append_printf (out, "%s{\"id\":%" G_GINT64_FORMAT ",\"at\":",
                          out->str[out->len - 1] == '[' ? "" : ",",
                          (gint64) sqlite3_column_int64 (stmt, 0));
  pano_protocol_append_quoted (out, (const char *) sqlite3_column_text (stmt, 1));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_string_append_printf (out, ",\"%s\":", names[i]);
      if (sqlite3_column_type (stmt, 2 + i) == SQLITE_NULL)
        g_string_append (out, "null");
      else
        pano_protocol_append_quoted (out, (const char *) sqlite3_column_text (stmt, 2 + i));
    }
  g_string_append_printf (out, ",\"status\":%d,\"reason\":", sqlite3_column_int (stmt, 7));
  if (sqlite3_column_type (stmt, 8) == SQLITE_NULL)
    g_string_append (out, "null");
  else
    pano_protocol_append_quoted (out, (const char *) sqlite3_column_text (stmt, 8));
  g_string_append_c (out, '}');
}

/* Returns: (nullable): the body of GET /v1/audit, newest first. */
char *
pano_hub_db_audit_page (PanoHubDb                *self,
                        const PanoHubAuditQuery  *q,
                        GError                  **error)
{
  g_autofree char *sql = audit_sql (q);
  g_autofree char *from = pano_protocol_format_time (q->from_ms * 1000);
  g_autofree char *to = pano_protocol_format_time (q->to_ms * 1000);
  sqlite3_stmt *stmt = pano_hub_db_prepare (self, sql, error);
  g_autoptr(GString) out = g_string_new ("{\"entries\":[");
  gint64 last = 0;
  guint n = 0;
  int rc;

  if (stmt == NULL)
    return NULL;
  pano_hub_db_bind_text (stmt, 1, q->actor);
  pano_hub_db_bind_text (stmt, 2, q->incident);
  pano_hub_db_bind_text (stmt, 3, from);
  pano_hub_db_bind_text (stmt, 4, to);
  sqlite3_bind_int64 (stmt, 5, q->before_id);
  sqlite3_bind_int (stmt, 6, q->limit + 1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && n < q->limit)
    {
      append_audit_row (out, stmt);
      last = sqlite3_column_int64 (stmt, 0);
      n++;
    }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      pano_hub_db_fail (self, stmt, error);
      return NULL;
    }
  /* One row more than asked for means there is an older page. */
  if (rc == SQLITE_ROW)
    g_string_append_printf (out, "],\"next_before\":%" G_GINT64_FORMAT "}", last);
  else
    g_string_append (out, "],\"next_before\":null}");
  sqlite3_finalize (stmt);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
