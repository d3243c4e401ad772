// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-backup"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <unistd.h>

#include "pano-hub-backup.h"
#include "pano-hub-db.h"

/* `panorama-hub --backup FILE`: a consistent copy of the hub's database while the hub keeps
 * serving. It runs in its own process and opens the database read-only; in WAL mode a reader
 * neither blocks the hub's writes nor sees half of one, and SQLite's online backup copies every
 * page inside one read transaction, so the copy is the database as of one committed moment —
 * every command answered before the backup began is in it. (Back up a stopped hub only while it
 * stays stopped: its database is then read as immutable.) The copy is made under a temporary
 * name beside FILE, turned into a single self-contained file (no -wal beside it), checked with
 * quick_check, synced, and only then renamed to FILE. */

#define BUSY_RETRY_MS 50
#define BUSY_TIMEOUT_MS 10000

static gboolean
fail (GError    **error,
      sqlite3    *db,
      const char *what,
      const char *file)
{
  g_set_error (error, PANO_HUB_DB_ERROR, PANO_HUB_DB_ERROR_WRITE, "%s %s: %s", what, file,
               db ? sqlite3_errmsg (db) : "out of memory");
  return FALSE;
}

static gint64
count (sqlite3    *db,
       const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* All pages in one step: one read transaction, one consistent moment of the source. */
static gboolean
copy_pages (sqlite3     *source,
            sqlite3     *copy,
            const char  *database,
            gint64      *pages,
            GError     **error)
{
  sqlite3_backup *backup = sqlite3_backup_init (copy, "main", source, "main");
  int rc;

  if (backup == NULL)
    return fail (error, copy, "Cannot start the backup of", database);
  do
    {
      rc = sqlite3_backup_step (backup, -1);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        sqlite3_sleep (BUSY_RETRY_MS);
    }
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  *pages = sqlite3_backup_pagecount (backup);
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    return fail (error, copy, "Cannot copy", database);
  return TRUE;
}

/* One file to copy back: rollback journal, checked, counted. */
static gboolean
seal (sqlite3              *copy,
      const char           *path,
      PanoHubBackupReport  *report,
      GError              **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *check = NULL;

  if (sqlite3_exec (copy, "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;", NULL, NULL,
                    NULL) != SQLITE_OK)
    return fail (error, copy, "Cannot write", path);
  if (sqlite3_prepare_v2 (copy, "PRAGMA quick_check", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    check = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (g_strcmp0 (check, "ok") != 0)
    {
      g_set_error (error, PANO_HUB_DB_ERROR, PANO_HUB_DB_ERROR_WRITE,
                   "The copy %s fails its check: %s", path, check ? check : "no answer");
      return FALSE;
    }
  report->incidents = count (copy, "SELECT count(*) FROM incidents");
  report->commands = count (copy, "SELECT count(*) FROM commands");
  report->audit_rows = count (copy, "SELECT count(*) FROM audit");
  return TRUE;
}

static gboolean
sync_path (const char  *path,
           gboolean     directory,
           GError     **error)
{
  int fd = g_open (path, directory ? O_RDONLY | O_DIRECTORY : O_RDONLY, 0);
  int saved = 0;

  if (fd < 0 || fsync (fd) != 0)
    saved = errno;
  if (fd >= 0)
    close (fd);
  if (saved == 0)
    return TRUE;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot sync %s: %s", path,
               g_strerror (saved));
  return FALSE;
}

/* A hub that is running keeps a -wal file beside its database. Without one nobody writes the
 * database, and it is opened immutable: a read-only connection would otherwise create the -wal
 * and -shm files and leave them behind, owned by whoever ran the backup — which a hub running
 * as another user then cannot open. */
static char *
open_uri (const char *database)
{
  g_autofree char *wal = g_strconcat (database, "-wal", NULL);
  g_autofree char *absolute = g_canonicalize_filename (database, NULL);
  g_autofree char *uri = g_filename_to_uri (absolute, NULL, NULL);

  if (uri == NULL)
    return g_strdup (database);
  if (g_file_test (wal, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&uri);
  return g_strconcat (uri, "?immutable=1", NULL);
}

static gboolean
make_copy (const char           *database,
           const char           *partial,
           PanoHubBackupReport  *report,
           GError              **error)
{
  sqlite3 *source = NULL, *copy = NULL;
  g_autofree char *source_uri = open_uri (database);
  gboolean ok;

  if (sqlite3_open_v2 (source_uri, &source, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                       NULL) != SQLITE_OK)
    ok = fail (error, source, "Cannot open the hub's database", database);
  else if (sqlite3_busy_timeout (source, BUSY_TIMEOUT_MS) != SQLITE_OK ||
           sqlite3_open_v2 (partial, &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                            NULL) != SQLITE_OK)
    ok = fail (error, copy, "Cannot create", partial);
  else
    ok = copy_pages (source, copy, database, &report->pages, error) &&
         seal (copy, partial, report, error);
  sqlite3_close (source);
  if (sqlite3_close (copy) != SQLITE_OK && ok)
    ok = fail (error, copy, "Cannot finish", partial);
  return ok;
}

/**
 * pano_hub_backup:
 * @database: the hub's database, possibly in use by a running hub
 * @destination: the backup file; replaced only once the copy is whole and checked
 *
 * Returns: FALSE with @error naming the file at fault; @destination is then untouched
 */
gboolean
pano_hub_backup (const char           *database,
                 const char           *destination,
                 PanoHubBackupReport  *report,
                 GError              **error)
{
  g_autofree char *partial = g_strconcat (destination, ".partial", NULL);
  g_autofree char *dir = g_path_get_dirname (destination);
  gboolean ok;

  memset (report, 0, sizeof *report);
  g_unlink (partial);
  ok = make_copy (database, partial, report, error) && sync_path (partial, FALSE, error);
  if (ok && g_rename (partial, destination) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot rename %s to "
                   "%s: %s", partial, destination, g_strerror (saved));
      ok = FALSE;
    }
  ok = ok && sync_path (dir, TRUE, error);
  if (!ok)
    g_unlink (partial);
  return ok;
}
