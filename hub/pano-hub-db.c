// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-db"

#include <sqlite3.h>

#include "pano-hub-db.h"
#include "pano-protocol.h"

/* The hub's durable state: incidents, the answers stored under idempotency keys, and the audit
 * trail. WAL with synchronous=FULL: a COMMIT that returned is on disk, so an acknowledged
 * command survives kill -9 and power loss. */

struct _PanoHubDb
{
  GObject parent_instance;
  sqlite3 *db;
  char *path;
};

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

static gboolean
exec (PanoHubDb   *self,
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
  if (!exec (self, schema, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
pano_hub_db_begin (PanoHubDb  *self,
                   GError    **error)
{
  return exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
pano_hub_db_commit (PanoHubDb  *self,
                    GError    **error)
{
  if (exec (self, "COMMIT", error))
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

static sqlite3_stmt *
prepare (PanoHubDb  *self,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_critical ("Bad statement %s: %s", sql, sqlite3_errmsg (self->db));
  return stmt;
}

static gboolean
step_done (PanoHubDb     *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  g_set_error (error, PANO_HUB_DB_ERROR, PANO_HUB_DB_ERROR_WRITE, "Database %s: %s",
               self->path, sqlite3_errmsg (self->db));
  return FALSE;
}

static void
bind_text (sqlite3_stmt *stmt,
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

gboolean
pano_hub_db_lookup_command (PanoHubDb  *self,
                            const char *key,
                            char      **request_hash,
                            guint      *status,
                            char      **response)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT request_hash, status, response FROM commands "
                                      "WHERE key = ?");
  gboolean found = FALSE;

  bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *request_hash = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      *status = sqlite3_column_int (stmt, 1);
      *response = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      found = TRUE;
    }
  sqlite3_finalize (stmt);
  return found;
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
  sqlite3_stmt *stmt = prepare (self, "INSERT INTO commands VALUES (?, ?, ?, ?, ?, ?)");
  g_autofree char *now = now_text ();

  bind_text (stmt, 1, key);
  bind_text (stmt, 2, request_hash);
  bind_text (stmt, 3, actor);
  sqlite3_bind_int (stmt, 4, status);
  bind_text (stmt, 5, response);
  bind_text (stmt, 6, now);
  return step_done (self, stmt, error);
}

gboolean
pano_hub_db_put_incident (PanoHubDb   *self,
                          const char  *id,
                          const char  *status,
                          const char  *json,
                          GError     **error)
{
  sqlite3_stmt *stmt = prepare (self, "INSERT OR REPLACE INTO incidents VALUES (?, ?, ?, ?)");
  g_autofree char *now = now_text ();

  bind_text (stmt, 1, id);
  bind_text (stmt, 2, status);
  bind_text (stmt, 3, json);
  bind_text (stmt, 4, now);
  return step_done (self, stmt, error);
}

/* Called inside the command's transaction, so a rolled-back create does not use up a number. */
gint64
pano_hub_db_next_incident_number (PanoHubDb  *self,
                                  GError    **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT value FROM meta WHERE key = 'next_incident'");
  gint64 n = 1;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  stmt = prepare (self, "UPDATE meta SET value = ? WHERE key = 'next_incident'");
  sqlite3_bind_int64 (stmt, 1, n + 1);
  if (!step_done (self, stmt, error))
    return -1;
  return n;
}

void
pano_hub_db_foreach_incident (PanoHubDb             *self,
                              PanoHubDbIncidentFunc  func,
                              gpointer               user_data)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT id, body FROM incidents ORDER BY id");

  while (sqlite3_step (stmt) == SQLITE_ROW)
    func ((const char *) sqlite3_column_text (stmt, 0),
          (const char *) sqlite3_column_text (stmt, 1), user_data);
  sqlite3_finalize (stmt);
}

gboolean
pano_hub_db_audit (PanoHubDb           *self,
                   const PanoHubAudit  *r,
                   GError             **error)
{
  sqlite3_stmt *stmt = prepare (self, "INSERT INTO audit (at, actor, role, action, target, "
                                      "outcome, status, reason, request, before, after) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  g_autofree char *now = now_text ();

  bind_text (stmt, 1, now);
  bind_text (stmt, 2, r->actor);
  bind_text (stmt, 3, r->role);
  bind_text (stmt, 4, r->action);
  bind_text (stmt, 5, r->target);
  bind_text (stmt, 6, r->outcome);
  sqlite3_bind_int (stmt, 7, r->status);
  bind_text (stmt, 8, r->reason);
  bind_text (stmt, 9, r->request);
  bind_text (stmt, 10, r->before);
  bind_text (stmt, 11, r->after);
  return step_done (self, stmt, error);
}
