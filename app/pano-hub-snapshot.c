// SPDX-License-Identifier: GPL-3.0-or-later
/* One look at the hub for the headless commands: its REST reads made blocking (a main loop
 * run until the answer), and every live layer the console draws, from `GET /v1/snapshot/{layer}`
 * (docs/protocol.md section 4) decoded and applied as the window's feed does with a stream
 * snapshot, so the printed map uses the same store, classes and styles. */
#define G_LOG_DOMAIN "panorama-app"

#include "pano-hub-snapshot.h"
#include "pano-live-style.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* Returns: (transfer full): a client for @url, trusting only @ca_file's authorities if given */
PanoHubClient *
pano_hub_snapshot_connect (const char  *url,
                           const char  *token,
                           const char  *ca_file,
                           GError     **error)
{
  g_autoptr(PanoHubClient) client = pano_hub_client_new (url, token);

  if (ca_file != NULL)
    {
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca_file, error);

      if (database == NULL)
        return NULL;
      pano_hub_client_set_tls_database (client, database);
    }
  return g_steal_pointer (&client);
}

typedef struct
{
  GMainLoop *loop;
  JsonObject *answer;
  GError *error;
} Wait;

static void
on_got (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Wait *wait = user_data;

  wait->answer = pano_hub_client_get_finish (PANO_HUB_CLIENT (source), result, &wait->error);
  g_main_loop_quit (wait->loop);
}

static void
explain (GError     **error,
         const char  *url,
         const char  *path,
         GError      *why)
{
  if (g_error_matches (why, PANO_HUB_CLIENT_ERROR, PANO_HUB_CLIENT_ERROR_UNAUTHORIZED))
    g_set_error (error, PANO_HUB_CLIENT_ERROR, why->code,
                 "The hub at %s does not accept the token (%s): check --token", url,
                 why->message);
  else if (g_error_matches (why, PANO_HUB_CLIENT_ERROR, PANO_HUB_CLIENT_ERROR_FORBIDDEN))
    g_set_error (error, PANO_HUB_CLIENT_ERROR, why->code,
                 "The token may not read %s from the hub at %s (%s): it needs the viewer role",
                 path, url, why->message);
  else if (g_error_matches (why, PANO_HUB_CLIENT_ERROR, PANO_HUB_CLIENT_ERROR_UNREACHABLE))
    g_set_error (error, PANO_HUB_CLIENT_ERROR, why->code, "The hub does not answer: %s",
                 why->message);
  else
    g_set_error (error, PANO_HUB_CLIENT_ERROR, why->code, "The hub at %s could not give %s: %s",
                 url, path, why->message);
}

/* Returns: (transfer full): the hub's answer to GET @path */
JsonObject *
pano_hub_snapshot_get (PanoHubClient  *client,
                       const char     *path,
                       GError        **error)
{
  /* The caller's context: the main one for the command line, a worker's own for the window. */
  g_autoptr(GMainLoop) loop = g_main_loop_new (g_main_context_get_thread_default (), FALSE);
  Wait wait = { loop, NULL, NULL };

  pano_hub_client_get_async (client, path, NULL, on_got, &wait);
  g_main_loop_run (loop);
  if (wait.answer != NULL)
    return wait.answer;
  explain (error, pano_hub_client_get_url (client), path, wait.error);
  g_error_free (wait.error);
  return NULL;
}

static gboolean
apply_snapshot (PanoLiveStore  *store,
                JsonObject     *answer,
                const char     *url,
                GError        **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), answer);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(PanoFeedFrame) frame = NULL;
  g_autoptr(GError) local = NULL;

  if (!(frame = pano_feed_frame_decode (text, strlen (text), &local)) ||
      !pano_live_store_apply (store, frame, &local))
    return g_set_error (error, PANO_HUB_CLIENT_ERROR, PANO_HUB_CLIENT_ERROR_BAD_ANSWER,
                        "The hub at %s sent a snapshot the console cannot read: %s", url,
                        local->message), FALSE;
  return TRUE;
}

/* Returns: (transfer full): every live layer the console draws, as the hub holds it now */
PanoLiveStore *
pano_hub_snapshot_read_live (PanoHubClient  *client,
                             GError        **error)
{
  const char * const *names = pano_live_style_get_layer_names ();
  g_autoptr(PanoLiveStore) store = pano_live_store_new (names);

  for (guint i = 0; names[i]; i++)
    {
      g_autofree char *path = g_strconcat ("/v1/snapshot/", names[i], NULL);
      g_autoptr(JsonObject) answer = pano_hub_snapshot_get (client, path, error);

      if (answer == NULL ||
          !apply_snapshot (store, answer, pano_hub_client_get_url (client), error))
        return NULL;
    }
  return g_steal_pointer (&store);
}
