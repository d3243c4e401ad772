// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-test-hub-backup"

/* `panorama-hub --backup FILE` beside a hub that keeps taking commands, and the restore of
 * docs/hub.md (stop, put the copy in place of the database, start): every command answered
 * before the backup began is there afterwards, its stored answer included. */

#include <glib/gstdio.h>

#include "pano-test-hub.h"

typedef struct
{
  gboolean done;
  int status;
  char *out;
  char *err;
} Backup;

static void
on_backup_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Backup *backup = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &backup->out,
                                        &backup->err, &error);
  g_assert_no_error (error);
  backup->status = g_subprocess_get_status (G_SUBPROCESS (source));
  backup->done = TRUE;
}

static GSubprocess *
start_backup (PanoTestHub *hub,
              const char  *destination,
              Backup      *backup)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                           G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                                           g_getenv ("PANORAMA_HUB_EXE"), "--config",
                                           hub->config, "--backup", destination, NULL);

  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, on_backup_done, backup);
  return process;
}

static char *
create_body (guint i)
{
  return g_strdup_printf ("{\"command\":\"create\",\"category\":\"市政设施\",\"severity\":%u,"
                          "\"location\":[110.79,32.65],\"title\":\"backup %u\"}", 1 + i % 4, i);
}

/* Creates incident @i under key bk-@i and accepts it; returns its id. */
static char *
create_and_accept (PanoTestHub *hub,
                   const char  *prefix,
                   guint        i)
{
  g_autofree char *key = g_strdup_printf ("%s-%u", prefix, i);
  g_autofree char *accept_key = g_strdup_printf ("%s-%u-accept", prefix, i);
  g_autofree char *body = create_body (i);
  g_autofree char *accept = NULL;
  g_autoptr(JsonNode) answer = NULL;
  char *id;

  g_assert_cmpuint (pano_test_hub_rest (hub, "POST", "/v1/commands", "disp-token", key, body,
                                        &answer, NULL), ==, 201);
  id = g_strdup (json_object_get_string_member (json_object_get_object_member (
                   json_node_get_object (answer), "incident"), "id"));
  accept = g_strdup_printf ("{\"command\":\"transition\",\"incident\":\"%s\","
                            "\"to\":\"accepted\"}", id);
  g_assert_cmpuint (pano_test_hub_rest (hub, "POST", "/v1/commands", "disp-token", accept_key,
                                        accept, NULL, NULL), ==, 200);
  return id;
}

static void
remove_database (PanoTestHub *hub)
{
  g_autofree char *db = pano_test_hub_db_path (hub);
  static const char * const suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (db, suffixes[i], NULL);

      g_unlink (path);
    }
}

/* The incidents layer as id → version. */
static GHashTable *
incident_versions (PanoTestHub *hub)
{
  g_autoptr(JsonNode) snapshot = NULL;
  GHashTable *versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *entities;

  g_assert_cmpuint (pano_test_hub_rest (hub, "GET", "/v1/snapshot/incidents", "view-token", NULL,
                                        NULL, &snapshot, NULL), ==, 200);
  entities = json_object_get_array_member (json_node_get_object (snapshot), "entities");
  for (guint i = 0; i < json_array_get_length (entities); i++)
    {
      JsonObject *properties = json_object_get_object_member (
        json_array_get_object_element (entities, i), "properties");

      g_hash_table_insert (versions, g_strdup (json_object_get_string_member (properties, "id")),
                           GINT_TO_POINTER (json_object_get_int_member (properties, "version")));
    }
  return versions;
}

static void
test_backup_while_serving (void)
{
  const guint n = 40;
  PanoTestHub *hub = pano_test_hub_new (NULL);
  g_autofree char *copy = g_build_filename (hub->dir, "backup.db", NULL);
  g_autofree char *db = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GFile) from = NULL;
  g_autoptr(GFile) to = NULL;
  g_autoptr(GError) error = NULL;
  gboolean replayed = FALSE;
  Backup backup = { 0 };
  guint late = 0;

  pano_test_hub_spawn (hub);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (ids, create_and_accept (hub, "bk", i));
  before = incident_versions (hub);

  /* the hub keeps taking commands while the copy is made */
  process = start_backup (hub, copy, &backup);
  while (!backup.done)
    {
      g_free (create_and_accept (hub, "late", late++));
      g_main_context_iteration (NULL, FALSE);
    }
  g_test_message ("%u commands answered during the backup; %s", 2 * late, backup.out);
  g_assert_cmpint (backup.status, ==, 0);
  g_assert_nonnull (strstr (backup.out, "quick_check ok"));
  g_assert_true (g_file_test (copy, G_FILE_TEST_IS_REGULAR));

  /* a stopped hub's database is copied too, and nothing is left beside it */
  pano_test_hub_terminate (hub);
  {
    g_autofree char *stopped = g_build_filename (hub->dir, "stopped.db", NULL);
    g_autofree char *path = pano_test_hub_db_path (hub);
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_autoptr(GSubprocess) again = NULL;
    Backup offline = { 0 };

    g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
    again = start_backup (hub, stopped, &offline);
    while (!offline.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpint (offline.status, ==, 0);
    g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
    g_free (offline.out);
    g_free (offline.err);
  }

  /* the database is lost; the restore of docs/hub.md: stop, copy back, start */
  remove_database (hub);
  db = pano_test_hub_db_path (hub);
  from = g_file_new_for_path (copy);
  to = g_file_new_for_path (db);
  g_assert_true (g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  pano_test_hub_spawn (hub);

  after = incident_versions (hub);
  for (guint i = 0; i < n; i++)
    {
      gpointer version;

      g_assert_true (g_hash_table_lookup_extended (after, ids->pdata[i], NULL, &version));
      g_assert_cmpint (GPOINTER_TO_INT (version), ==,
                       GPOINTER_TO_INT (g_hash_table_lookup (before, ids->pdata[i])));
    }
  g_assert_cmpuint (g_hash_table_size (after), >=, n);
  g_assert_cmpuint (g_hash_table_size (after), <=, n + late);
  /* the stored answers came back too: a retried command is not applied twice */
  {
    g_autofree char *body = create_body (0);

    g_assert_cmpuint (pano_test_hub_rest (hub, "POST", "/v1/commands", "disp-token", "bk-0",
                                          body, NULL, &replayed), ==, 201);
    g_assert_true (replayed);
  }
  g_free (backup.out);
  g_free (backup.err);
  pano_test_hub_free (hub);
}

/* A backup that cannot be made says which file is at fault, exits non-zero, and leaves what
 * was at the destination as it was. */
static void
test_backup_refused (void)
{
  PanoTestHub *hub = pano_test_hub_new (NULL);
  g_autofree char *kept = g_build_filename (hub->dir, "kept.db", NULL);
  g_autofree char *text = NULL;
  Backup nowhere = { 0 }, no_database = { 0 };
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GSubprocess) second = NULL;
  g_autofree char *db = NULL;

  pano_test_hub_spawn (hub);
  first = start_backup (hub, "/nonexistent/dir/backup.db", &nowhere);
  while (!nowhere.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (nowhere.status, !=, 0);
  g_assert_nonnull (strstr (nowhere.err, "/nonexistent/dir/backup.db"));

  pano_test_hub_terminate (hub);
  remove_database (hub);
  g_assert_true (g_file_set_contents (kept, "an older backup", -1, NULL));
  second = start_backup (hub, kept, &no_database);
  while (!no_database.done)
    g_main_context_iteration (NULL, TRUE);
  db = pano_test_hub_db_path (hub);
  g_assert_cmpint (no_database.status, !=, 0);
  g_assert_nonnull (strstr (no_database.err, db));
  g_assert_true (g_file_get_contents (kept, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "an older backup");
  g_free (nowhere.out);
  g_free (nowhere.err);
  g_free (no_database.out);
  g_free (no_database.err);
  pano_test_hub_free (hub);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub/backup/while-serving", test_backup_while_serving);
  g_test_add_func ("/hub/backup/refused", test_backup_refused);
  return g_test_run ();
}
