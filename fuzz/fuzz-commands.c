// SPDX-License-Identifier: GPL-3.0-or-later
/* hub/pano-hub-incidents*.c: POST /v1/commands bodies, as a dispatcher's token may send
 * them, executed on a real SQLite database in a scratch directory. Each input is up to eight
 * command bodies, one a line, run in order on the same incidents, so a sequence (create,
 * accept, dispatch, a retry under the same key) can reach any stage. Whatever they say, every
 * answer is a JSON body with a status from docs/protocol.md, and an accepted command is in
 * the incidents the hub serves. */
#define G_LOG_DOMAIN "panorama-fuzz"

#include "pano-fuzz.h"
#include "pano-hub-config.h"
#include "pano-hub-db.h"
#include "pano-hub-incidents.h"
#include "pano-hub-store.h"
#include "pano-json.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#define MAX_COMMANDS 8
/* A fresh database now and then keeps the incidents and the audit trail small, so an input
 * costs the same at the ten millionth execution as at the first. */
#define INPUTS_PER_DATABASE 512

typedef struct
{
  char *dir;
  char *db_path;
  PanoHubConfig *config;
  PanoHubDb *db;
  PanoHubStore *store;
  PanoHubIncidents *incidents;
  guint inputs;
} State;

static State state;

static const char * const seed_commands[] = {
  "{\"command\":\"create\",\"category\":\"市政设施\",\"severity\":2,\"location\":[110.79,32.65]}",
  "{\"command\":\"create\",\"category\":\"公共安全\",\"severity\":4,\"location\":[110.8,32.6]}",
  "{\"command\":\"transition\",\"incident\":\"INC-000002\",\"to\":\"accepted\"}",
  "{\"command\":\"dispatch\",\"incident\":\"INC-000002\",\"units\":[\"U-1\"]}",
};

static void
remove_database (void)
{
  const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (state.db_path, suffixes[i], NULL);

      g_unlink (file);
    }
}

static void
close_state (void)
{
  g_clear_object (&state.incidents);
  g_clear_object (&state.store);
  g_clear_object (&state.db);
  remove_database ();
}

static void execute (const char *key, const char *body, gsize length);

static void
open_state (void)
{
  g_autoptr(GError) error = NULL;
  char key[32];

  close_state ();
  if ((state.db = pano_hub_db_open (state.db_path, &error)) == NULL)
    g_error ("%s", error->message);
  state.store = pano_hub_store_new (1000);
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("U-%u", i);
      double bbox[4] = { 110.7, 32.6, 110.7, 32.6 };

      pano_hub_store_upsert_raw (state.store, PANO_LAYER_RESOURCES, id,
                                 "{\"type\":\"Point\",\"coordinates\":[110.7,32.6]}", bbox,
                                 "{\"kind\":\"fire_engine\",\"status\":\"available\"}", 0);
    }
  state.incidents = pano_hub_incidents_new (state.db, state.store, NULL,
                                            pano_hub_config_get (state.config));
  for (guint i = 0; i < G_N_ELEMENTS (seed_commands); i++)
    {
      g_snprintf (key, sizeof key, "seed-%u", i);
      execute (key, seed_commands[i], strlen (seed_commands[i]));
    }
  state.inputs = 0;
}

static void
cleanup (void)
{
  close_state ();
  g_rmdir (state.dir);
}

/* An accepted answer names the incident as it now is: the hub must serve that version. */
static void
check_applied (PanoJsonSpan answer)
{
  PanoJsonSpan incident, id, version;
  g_autofree char *name = NULL;
  JsonObject *served;
  gint64 number;

  if (!pano_json_member (answer, "incident", &incident) ||
      !pano_json_member (incident, "id", &id) || !pano_json_member (incident, "version", &version))
    g_error ("an accepted answer without the incident's id and version");
  name = pano_json_dup_string (id);
  served = pano_hub_incidents_lookup (state.incidents, name);
  g_assert_nonnull (served);
  g_assert_true (pano_json_int (version, &number));
  g_assert_cmpint (json_object_get_int_member (served, "version"), >=, number);
}

static void
execute (const char *key,
         const char *body,
         gsize       length)
{
  PanoHubCommandResult result;
  g_autoptr(GError) error = NULL;
  PanoJsonSpan answer;

  pano_hub_incidents_execute (state.incidents, "fuzz", PANO_HUB_ROLE_DISPATCHER, key, body,
                              length, &result);
  g_assert_true (result.status == 200 || result.status == 201 ||
                 (result.status >= 400 && result.status <= 599));
  g_assert_nonnull (result.body);
  if (!pano_json_check (result.body, strlen (result.body), &answer, &error))
    g_error ("answer %u is not JSON: %s: %s", result.status, error->message, result.body);
  g_assert_true (pano_json_is_object (answer));
  if (result.status < 300)
    check_applied (answer);
  g_free (result.body);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  pano_fuzz_init_logging ();
  state.dir = pano_fuzz_make_tmpdir ("commands");
  state.db_path = g_build_filename (state.dir, "hub.sqlite", NULL);
  state.config = pano_hub_config_new ();
  open_state ();
  atexit (cleanup);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *p = (const char *) data, *end = p + size;

  if (++state.inputs > INPUTS_PER_DATABASE)
    open_state ();
  for (guint n = 0; n < MAX_COMMANDS && p < end; n++)
    {
      const char *line_end = memchr (p, '\n', end - p);
      gsize length = (line_end ? line_end : end) - p;
      g_autofree char *line = g_strndup (p, length);
      char key[32];

      /* The same body comes back under the same key (a retry); a few different bodies
       * share one (idempotency_mismatch). */
      g_snprintf (key, sizeof key, "k-%u", g_str_hash (line) % 64);
      execute (key, p, length);
      p += length + 1;
    }
  return 0;
}
