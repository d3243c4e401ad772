// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-db"

#include "pano-hub-db-private.h"
#include "pano-protocol.h"

/* The hub's durable state: incidents, the answers stored under idempotency keys, and the audit
 * trail. WAL with synchronous=FULL: a COMMIT that returned is on disk, so an acknowledged
 * command survives kill -9 and power loss. */

G_DEFINE_FINAL_TYPE (PanoHubDb, pano_hub_db, G_TYPE_OBJECT)
G_DEFINE_QUARK (pano-hub-db-error-quark, pano_hub_db_error)

static const char schema[] =
  "PRAGMA journal_mode=WAL;"
  "PRAGMA synchronous=FULL;"
  "PRAGMA foreign_keys=ON;"
  "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS incidents (id TEXT PRIMARY KEY, status TEXT NOT NULL,"
  "  body TEXT NOT NULL, updated_at TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS commands (key TEXT PRIMARY KEY, request_hash TEXT NOT NULL,"
  "  actor TEXT, status INTEGER NOT NULL, response TEXT NOT NULL, at TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,"
  "  actor TEXT, role TEXT, action TEXT NOT NULL, target TEXT, outcome TEXT NOT NULL,"
  "  status INTEGER, reason TEXT, request TEXT, before TEXT, after TEXT);"
  "INSERT OR IGNORE INTO meta VALUES ('schema', '1'), ('next_incident', '1');";

/* Schema 2 (issue 8): per-incident KPI columns and moves kept in each command's transaction,
 * marks the hub keeps on live entities (alert acknowledgements), and the indexes behind the
 * timeline, the audit view and start-up's "open and recent" load. A schema-1 database is
 * upgraded in place; its KPI columns are filled from the incident bodies and the audit log. */
#define MS(x) "CAST(round((julianday(" x ") - 2440587.5) * 86400000) AS INTEGER)"
#define FIRST_AUDIT(status) \
  "(SELECT min(" MS ("a.at") ") FROM audit a WHERE a.target = incident_kpi.id AND " \
  "a.outcome = 'accepted' AND json_extract(a.after, '$.status') = '" status "')"

static const char schema_2[] =
  "CREATE TABLE IF NOT EXISTS incident_kpi (id TEXT PRIMARY KEY,"
  "  grid_code TEXT NOT NULL DEFAULT '', reported_at INTEGER NOT NULL,"
  "  accepted_at INTEGER, dispatched_at INTEGER, verified_at INTEGER, closed_at INTEGER,"
  "  cancelled_at INTEGER, overdue_at INTEGER, handling_overdue_at INTEGER,"
  "  rework INTEGER NOT NULL DEFAULT 0, dispatches INTEGER NOT NULL DEFAULT 0,"
  "  returns INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX IF NOT EXISTS incident_kpi_reported ON incident_kpi (reported_at);"
  "CREATE INDEX IF NOT EXISTS incident_kpi_scope ON incident_kpi (grid_code, reported_at);"
  "CREATE INDEX IF NOT EXISTS incident_kpi_open ON incident_kpi (reported_at)"
  "  WHERE closed_at IS NULL AND cancelled_at IS NULL;"
  "CREATE INDEX IF NOT EXISTS incident_kpi_closed ON incident_kpi (closed_at);"
  "CREATE INDEX IF NOT EXISTS incident_kpi_cancelled ON incident_kpi (cancelled_at);"
  "CREATE TABLE IF NOT EXISTS incident_moves (incident TEXT NOT NULL, kind TEXT NOT NULL,"
  "  at INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS incident_moves_incident ON incident_moves (incident, kind, at);"
  "CREATE TABLE IF NOT EXISTS marks (layer TEXT NOT NULL, id TEXT NOT NULL,"
  "  members TEXT NOT NULL, PRIMARY KEY (layer, id));"
  "CREATE INDEX IF NOT EXISTS audit_target ON audit (target, id);"
  "CREATE INDEX IF NOT EXISTS audit_actor ON audit (actor, id);"
  "CREATE INDEX IF NOT EXISTS incidents_status ON incidents (status, updated_at);"
  "INSERT OR IGNORE INTO incident_kpi (id, grid_code, reported_at, overdue_at)"
  "  SELECT id, COALESCE(json_extract(body, '$.grid.code'), ''),"
  "    " MS ("json_extract(body, '$.reported_at')") ","
  "    CASE WHEN json_extract(body, '$.overdue') THEN "
  "      " MS ("json_extract(body, '$.deadline')") " END FROM incidents;"
  "UPDATE incident_kpi SET accepted_at = " FIRST_AUDIT ("accepted") ","
  "  dispatched_at = " FIRST_AUDIT ("dispatched") ", verified_at = " FIRST_AUDIT ("verified") ","
  "  closed_at = " FIRST_AUDIT ("closed") ", cancelled_at = " FIRST_AUDIT ("cancelled") ";"
  "INSERT INTO incident_moves SELECT target, 'dispatch', " MS ("at") " FROM audit"
  "  WHERE outcome = 'accepted' AND action = 'dispatch';"
  "INSERT INTO incident_moves SELECT target, 'return', " MS ("at") " FROM audit"
  "  WHERE outcome = 'accepted' AND json_extract(after, '$.status') = 'returned';"
  "UPDATE incident_kpi SET"
  "  dispatches = (SELECT count(*) FROM incident_moves m WHERE m.incident = incident_kpi.id"
  "    AND m.kind = 'dispatch'),"
  "  returns = (SELECT count(*) FROM incident_moves m WHERE m.incident = incident_kpi.id"
  "    AND m.kind = 'return');"
  "UPDATE meta SET value = '2' WHERE key = 'schema';";

static void
pano_hub_db_finalize (GObject *object)
{
  PanoHubDb *self = PANO_HUB_DB (object);

  g_clear_pointer (&self->db, sqlite3_close);
  g_free (self->path);
  G_OBJECT_CLASS (pano_hub_db_parent_class)->finalize (object);
}

static void
pano_hub_db_class_init (PanoHubDbClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pano_hub_db_finalize;
}

static void
pano_hub_db_init (PanoHubDb *self)
{
}

gboolean
pano_hub_db_exec (PanoHubDb   *self,
                  const char  *sql,
                  GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) == SQLITE_OK)
    return TRUE;
  g_set_error (error, PANO_HUB_DB_ERROR, PANO_HUB_DB_ERROR_WRITE,
               "Database %s: %s", self->path, message ? message : "unknown error");
  sqlite3_free (message);
  return FALSE;
}

static gboolean
upgrade (PanoHubDb  *self,
         GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt = pano_hub_db_prepare (self, "SELECT value FROM meta WHERE key = 'schema'",
                                            error);
  gint64 version = 0;

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (version >= 2)
    return TRUE;
  if (!pano_hub_db_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!pano_hub_db_exec (self, schema_2, &local_error) ||
      !pano_hub_db_commit (self, &local_error))
    {
      pano_hub_db_rollback (self);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "Cannot upgrade the database to schema 2: ");
      return FALSE;
    }
  g_message ("Database %s upgraded to schema 2", self->path);
  return TRUE;
}

PanoHubDb *
pano_hub_db_open (const char  *path,
                  GError     **error)
{
  g_autoptr(PanoHubDb) self = g_object_new (PANO_TYPE_HUB_DB, NULL);

  self->path = g_strdup (path);
  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
      != SQLITE_OK)
    {
      g_set_error (error, PANO_HUB_DB_ERROR, PANO_HUB_DB_ERROR_OPEN,
                   "Cannot open database %s: %s (check the directory exists and is writable)",
                   path, self->db ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  if (!pano_hub_db_exec (self, schema, error) || !upgrade (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
pano_hub_db_begin (PanoHubDb  *self,
                   GError    **error)
{
  return pano_hub_db_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
pano_hub_db_commit (PanoHubDb  *self,
                    GError    **error)
{
  if (pano_hub_db_exec (self, "COMMIT", error))
    return TRUE;
  pano_hub_db_rollback (self);
  return FALSE;
}

void
pano_hub_db_rollback (PanoHubDb *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* A statement that does not prepare (a damaged or foreign database, a table someone dropped)
 * is an error naming the database and SQLite's reason, for the caller to refuse with. */
sqlite3_stmt *
pano_hub_db_prepare (PanoHubDb   *self,
                     const char  *sql,
                     GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) == SQLITE_OK)
    return stmt;
  g_set_error (error, PANO_HUB_DB_ERROR, PANO_HUB_DB_ERROR_WRITE,
               "Database %s cannot run a statement: %s", self->path, sqlite3_errmsg (self->db));
  sqlite3_finalize (stmt);
  return NULL;
}

/* Sets @error from the connection's last error and finalizes @stmt. Returns: %FALSE */
gboolean
pano_hub_db_fail (PanoHubDb     *self,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  g_set_error (error, PANO_HUB_DB_ERROR, PANO_HUB_DB_ERROR_WRITE, "Database %s: %s",
               self->path, sqlite3_errmsg (self->db));
  sqlite3_finalize (stmt);
  return FALSE;
}

gboolean
pano_hub_db_step_done (PanoHubDb     *self,
                       sqlite3_stmt  *stmt,
                       GError       **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return pano_hub_db_fail (self, stmt, error);
  sqlite3_finalize (stmt);
  return TRUE;
}

void
pano_hub_db_bind_text (sqlite3_stmt *stmt,
                       int           index,
                       const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static char *
now_text (void)
{
  return pano_protocol_format_time (g_get_real_time ());
}

/* Returns: %TRUE with the stored answer if @key was used before; %FALSE with @error unset if
 * not, or with @error set if the database could not be read. */
gboolean
pano_hub_db_lookup_command (PanoHubDb   *self,
                            const char  *key,
                            char       **request_hash,
                            guint       *status,
                            char       **response,
                            GError     **error)
{
  sqlite3_stmt *stmt = pano_hub_db_prepare (self, "SELECT request_hash, status, response "
                                                  "FROM commands WHERE key = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  pano_hub_db_bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *request_hash = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      *status = sqlite3_column_int (stmt, 1);
      *response = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
    }
  else if (rc != SQLITE_DONE)
    return pano_hub_db_fail (self, stmt, error);
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW;
}

gboolean
pano_hub_db_store_command (PanoHubDb   *self,
                           const char  *key,
                           const char  *request_hash,
                           const char  *actor,
                           guint        status,
                           const char  *response,
                           GError     **error)
{
  sqlite3_stmt *stmt = pano_hub_db_prepare (self, "INSERT INTO commands VALUES (?, ?, ?, ?, ?, ?)",
                                            error);
  g_autofree char *now = now_text ();

  if (stmt == NULL)
    return FALSE;
  pano_hub_db_bind_text (stmt, 1, key);
  pano_hub_db_bind_text (stmt, 2, request_hash);
  pano_hub_db_bind_text (stmt, 3, actor);
  sqlite3_bind_int (stmt, 4, status);
  pano_hub_db_bind_text (stmt, 5, response);
  pano_hub_db_bind_text (stmt, 6, now);
  return pano_hub_db_step_done (self, stmt, error);
}

gboolean
pano_hub_db_put_incident (PanoHubDb   *self,
                          const char  *id,
                          const char  *status,
                          const char  *json,
                          GError     **error)
{
  sqlite3_stmt *stmt = pano_hub_db_prepare (self, "INSERT OR REPLACE INTO incidents "
                                                  "VALUES (?, ?, ?, ?)", error);
  g_autofree char *now = now_text ();

  if (stmt == NULL)
    return FALSE;
  pano_hub_db_bind_text (stmt, 1, id);
  pano_hub_db_bind_text (stmt, 2, status);
  pano_hub_db_bind_text (stmt, 3, json);
  pano_hub_db_bind_text (stmt, 4, now);
  return pano_hub_db_step_done (self, stmt, error);
}

/* Returns: (nullable): the stored incident's JSON, %NULL if there is none (@error unset) or
 * the database could not be read (@error set). */
char *
pano_hub_db_get_incident (PanoHubDb   *self,
                          const char  *id,
                          GError     **error)
{
  sqlite3_stmt *stmt = pano_hub_db_prepare (self, "SELECT body FROM incidents WHERE id = ?",
                                            error);
  char *body = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  pano_hub_db_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    body = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    {
      pano_hub_db_fail (self, stmt, error);
      return NULL;
    }
  sqlite3_finalize (stmt);
  return body;
}

/* Called inside the command's transaction, so a rolled-back create does not use up a number. */
gint64
pano_hub_db_next_incident_number (PanoHubDb  *self,
                                  GError    **error)
{
  sqlite3_stmt *stmt = pano_hub_db_prepare (self, "SELECT value FROM meta "
                                                  "WHERE key = 'next_incident'", error);
  gint64 n = 1;

  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  stmt = pano_hub_db_prepare (self, "UPDATE meta SET value = ? WHERE key = 'next_incident'",
                              error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, n + 1);
  if (!pano_hub_db_step_done (self, stmt, error))
    return -1;
  return n;
}

/**
 * pano_hub_db_foreach_incident:
 * @final_since: final (closed, cancelled) incidents last changed before this time are skipped
 *
 * Calls @func for every open incident and every final one changed since @final_since: what
 * the live layer holds. A history of a million closed incidents is not read.
 */
gboolean
pano_hub_db_foreach_incident (PanoHubDb              *self,
                              gint64                  final_since,
                              PanoHubDbIncidentFunc   func,
                              gpointer                user_data,
                              GError                **error)
{
  sqlite3_stmt *stmt = pano_hub_db_prepare (self,
    "SELECT id, body FROM incidents WHERE status IN ('reported', 'accepted', 'dispatched', "
    "'handling', 'verified', 'returned') "
    "UNION ALL SELECT id, body FROM incidents WHERE status IN ('closed', 'cancelled') "
    "AND updated_at >= ? ORDER BY id", error);
  g_autofree char *since = pano_protocol_format_time (final_since);
  int rc;

  if (stmt == NULL)
    return FALSE;
  pano_hub_db_bind_text (stmt, 1, since);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    func ((const char *) sqlite3_column_text (stmt, 0),
          (const char *) sqlite3_column_text (stmt, 1), user_data);
  if (rc != SQLITE_DONE)
    return pano_hub_db_fail (self, stmt, error);
  sqlite3_finalize (stmt);
  return TRUE;
}

/* Members the hub keeps on an entity of a live layer (docs/hub.md, "Marks"). */
gboolean
pano_hub_db_put_mark (PanoHubDb   *self,
                      const char  *layer,
                      const char  *id,
                      const char  *members,
                      GError     **error)
{
  sqlite3_stmt *stmt = pano_hub_db_prepare (self, "INSERT OR REPLACE INTO marks "
                                                  "VALUES (?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  pano_hub_db_bind_text (stmt, 1, layer);
  pano_hub_db_bind_text (stmt, 2, id);
  pano_hub_db_bind_text (stmt, 3, members);
  return pano_hub_db_step_done (self, stmt, error);
}

gboolean
pano_hub_db_foreach_mark (PanoHubDb              *self,
                          const char             *layer,
                          PanoHubDbIncidentFunc   func,
                          gpointer                user_data,
                          GError                **error)
{
  sqlite3_stmt *stmt = pano_hub_db_prepare (self, "SELECT id, members FROM marks "
                                                  "WHERE layer = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  pano_hub_db_bind_text (stmt, 1, layer);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    func ((const char *) sqlite3_column_text (stmt, 0),
          (const char *) sqlite3_column_text (stmt, 1), user_data);
  if (rc != SQLITE_DONE)
    return pano_hub_db_fail (self, stmt, error);
  sqlite3_finalize (stmt);
  return TRUE;
}

gboolean
pano_hub_db_audit (PanoHubDb           *self,
                   const PanoHubAudit  *r,
                   GError             **error)
{
  sqlite3_stmt *stmt = pano_hub_db_prepare (self, "INSERT INTO audit (at, actor, role, action, "
                                                  "target, outcome, status, reason, request, "
                                                  "before, after) "
                                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                            error);
  g_autofree char *now = now_text ();

  if (stmt == NULL)
    return FALSE;
  pano_hub_db_bind_text (stmt, 1, now);
  pano_hub_db_bind_text (stmt, 2, r->actor);
  pano_hub_db_bind_text (stmt, 3, r->role);
  pano_hub_db_bind_text (stmt, 4, r->action);
  pano_hub_db_bind_text (stmt, 5, r->target);
  pano_hub_db_bind_text (stmt, 6, r->outcome);
  sqlite3_bind_int (stmt, 7, r->status);
  pano_hub_db_bind_text (stmt, 8, r->reason);
  pano_hub_db_bind_text (stmt, 9, r->request);
  pano_hub_db_bind_text (stmt, 10, r->before);
  pano_hub_db_bind_text (stmt, 11, r->after);
  return pano_hub_db_step_done (self, stmt, error);
}
