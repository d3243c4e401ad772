// SPDX-License-Identifier: GPL-3.0-or-later
/* The console's feed client against the real hub on 127.0.0.1: the store follows the hub
 * entity by entity; after a disconnect it resumes with exactly the missed deltas (no new
 * snapshot); after the hub is killed and restarted it reconnects by itself, sees the new
 * epoch, resnapshots, and again equals the hub's snapshot; a bad token is refused in words;
 * frames keep arriving and being decoded while the main thread is busy (a long paint). */
#include "pano-feed-client.h"
#include "pano-live-classify.h"
#include "pano-mercator.h"
#include "pano-test-hub.h"
#include "pano-test-util.h"

#include <string.h>

static char *tmpdir;

/* @n stations; round r changes every AQI; ids from @first */
static char *
stations (guint first, guint n, guint round, gboolean remove_odd)
{
  GString *s = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");

  for (guint i = first; i < first + n; i++)
    g_string_append_printf (s, "%s{\"type\":\"Feature\",\"id\":\"env-%u\",\"geometry\":"
                            "{\"type\":\"Point\",\"coordinates\":[%.5f,%.5f]},\"properties\":"
                            "{\"kind\":\"sensor\",\"aqi\":%u%s}}",
                            i > first ? "," : "", i, 110.70 + i * 0.0007, 32.58 + (i % 50) * 0.002,
                            (i * 7 + round * 13) % 420,
                            remove_odd && i % 2 ? ",\"_remove\":true" : "");
  g_string_append (s, "]}");
  return g_string_free (s, FALSE);
}

typedef struct
{
  PanoTestHub *hub;
  PanoLiveStore *store;
  PanoFeedClient *client;
} Fixture;

static gint64
hub_seq (PanoTestHub *hub)
{
  guint status;
  g_autoptr(JsonNode) answer = pano_test_hub_request (hub, "GET", "/v1/layers", "view", NULL,
                                                      &status);
  JsonArray *layers = json_object_get_array_member (json_node_get_object (answer), "layers");

  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *l = json_array_get_object_element (layers, i);

      if (g_str_equal (json_object_get_string_member (l, "name"), "environment"))
        return json_object_get_int_member (l, "seq");
    }
  g_assert_not_reached ();
}

static gboolean
caught_up (gpointer data)
{
  Fixture *f = data;

  return pano_feed_client_get_state (f->client) == PANO_FEED_CONNECTED &&
         pano_live_store_get_seq (f->store, "environment") == hub_seq (f->hub) &&
         pano_feed_client_get_queue_length (f->client) == 0;
}

/* The store's environment layer equals the hub's snapshot, entity by entity. */
static void
assert_store_equals_hub (Fixture *f)
{
  guint status;
  g_autoptr(JsonNode) answer = pano_test_hub_request (f->hub, "GET", "/v1/snapshot/environment",
                                                      "view", NULL, &status);
  JsonObject *root = json_node_get_object (answer);
  JsonArray *entities = json_object_get_array_member (root, "entities");
  PanoLiveLayer *layer = pano_live_store_get_layer (f->store, "environment");

  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (root, "seq"), ==,
                   pano_live_store_get_seq (f->store, "environment"));
  g_assert_cmpstr (json_object_get_string_member (root, "epoch"), ==,
                   pano_live_store_get_epoch (f->store));
  g_assert_cmpuint (json_array_get_length (entities), ==, pano_live_layer_get_n_entities (layer));
  for (guint i = 0; i < json_array_get_length (entities); i++)
    {
      JsonObject *e = json_array_get_object_element (entities, i);
      const char *id = json_object_get_string_member (e, "id");
      JsonArray *xy = json_object_get_array_member (json_object_get_object_member (e, "geometry"),
                                                    "coordinates");
      g_autofree char *props = json_to_string (json_object_get_member (e, "properties"), FALSE);
      int slot = pano_live_layer_lookup (layer, id);
      double x, y;

      g_assert_cmpint (slot, >=, 0);
      g_assert_cmpstr (pano_live_layer_get_properties (layer, slot), ==, props);
      pano_live_layer_get_position (layer, slot, &x, &y);
      g_assert_cmpfloat_with_epsilon (x, pano_mercator_x_from_lon (json_array_get_double_element (xy, 0)), 1e-9);
      g_assert_cmpfloat_with_epsilon (y, pano_mercator_y_from_lat (json_array_get_double_element (xy, 1)), 1e-9);
      g_assert_cmpuint (pano_live_layer_get_class (layer, slot), ==,
                        pano_aqi_band_for_value (json_object_get_int_member (
                          json_object_get_object_member (e, "properties"), "aqi")));
    }
}

static gboolean
is_reconnecting (gpointer data)
{
  return pano_feed_client_get_state (((Fixture *)data)->client) == PANO_FEED_RECONNECTING;
}

static void
ingest (Fixture *f, guint first, guint n, guint round, gboolean remove_odd)
{
  g_autofree char *fc = stations (first, n, round, remove_odd);

  pano_test_hub_ingest (f->hub, "environment", fc);
}

/* A hub holding @n environment sensors and a client on it that has caught up with them. */
static void
fixture_follow (Fixture            *f,
                const char * const *layers,
                guint               n)
{
  f->hub = pano_test_hub_start (tmpdir, NULL);
  ingest (f, 0, n, 0, FALSE);
  f->store = pano_live_store_new (layers);
  f->client = pano_feed_client_new (f->hub->url, "view", f->store);
  pano_feed_client_start (f->client);
  pano_test_wait_until (caught_up, f);
}

static void
test_follow_resume_restart (void)
{
  static const char * const layers[] = { "environment", "incidents", NULL };
  Fixture f = { 0 };
  g_autofree char *listen = NULL;
  const char *restart_args[] = { "--listen", NULL, NULL };
  guint snapshots;

  fixture_follow (&f, layers, 300);
  assert_store_equals_hub (&f);

  /* live updates and removals arrive as deltas */
  ingest (&f, 0, 300, 1, TRUE);
  pano_test_wait_until (caught_up, &f);
  assert_store_equals_hub (&f);
  g_assert_cmpuint (pano_live_layer_get_n_entities (pano_live_store_get_layer (f.store, "environment")), ==, 150);

  /* a dropped connection resumes with exactly the missed deltas: no new snapshot */
  snapshots = pano_live_store_get_n_snapshots (f.store, "environment");
  pano_feed_client_stop (f.client);
  ingest (&f, 100, 300, 2, FALSE);
  pano_feed_client_start (f.client);
  pano_test_wait_until (caught_up, &f);
  assert_store_equals_hub (&f);
  g_assert_cmpuint (pano_live_store_get_n_snapshots (f.store, "environment"), ==, snapshots);

  /* kill -9 and restart on the same port: reconnect by itself, new epoch, fresh snapshot */
  listen = g_strdup_printf ("127.0.0.1:%s", strrchr (f.hub->url, ':') + 1);
  restart_args[1] = listen;
  pano_test_hub_kill (f.hub);
  pano_test_wait_until (is_reconnecting, &f);
  g_assert_nonnull (pano_feed_client_get_last_error (f.client));
  pano_test_hub_free (f.hub);
  f.hub = pano_test_hub_start (tmpdir, restart_args);
  ingest (&f, 1000, 120, 3, FALSE);
  pano_test_wait_until (caught_up, &f);
  assert_store_equals_hub (&f);
  g_assert_cmpuint (pano_live_store_get_n_snapshots (f.store, "environment"), >, snapshots);
  g_assert_cmpuint (pano_feed_client_get_n_resnapshots (f.client), >=, 1);

  pano_feed_client_stop (f.client);
  g_object_unref (f.client);
  g_object_unref (f.store);
  pano_test_hub_free (f.hub);
}

static gboolean
gave_up (gpointer data)
{
  return pano_feed_client_get_state (data) == PANO_FEED_OFFLINE;
}

/* A refused token is final: the client stops, offline with the reason, and tries no more (each
 * try would be refused again and audited on the hub). */
static void
test_bad_token (void)
{
  static const char * const layers[] = { "environment", NULL };
  PanoTestHub *hub = pano_test_hub_start (tmpdir, NULL);
  g_autoptr(PanoLiveStore) store = pano_live_store_new (layers);
  g_autoptr(PanoFeedClient) client = pano_feed_client_new (hub->url, "wrong", store);

  pano_feed_client_start (client);
  pano_test_wait_until (gave_up, client);
  g_test_message ("%s", pano_feed_client_get_last_error (client));
  g_assert_cmpuint (pano_feed_client_get_refusal (client), ==, 4001);
  g_assert_nonnull (strstr (pano_feed_client_get_last_error (client), "token"));
  g_assert_false (pano_feed_client_is_retrying (client));
  g_assert_cmpuint (pano_feed_client_get_n_attempts (client), ==, 1);
  g_assert_cmpuint (pano_feed_client_get_n_connects (client), ==, 1);

  /* whatever was still queued for the main loop changes nothing */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (pano_feed_client_get_state (client), ==, PANO_FEED_OFFLINE);
  g_assert_false (pano_feed_client_is_retrying (client));
  g_assert_cmpuint (pano_feed_client_get_n_attempts (client), ==, 1);
  pano_test_hub_free (hub);
}

/* A long paint must not hold frames back: while the main thread never returns to its loop, the
 * hub's deltas are still received and decoded, waiting to be applied the moment it does. */
static void
test_receives_while_main_busy (void)
{
  static const char * const layers[] = { "environment", NULL };
  Fixture f = { 0 };
  gint64 applied;
  gint64 deadline;

  fixture_follow (&f, layers, 200);
  applied = pano_live_store_get_seq (f.store, "environment");

  /* The main loop is not run from here until the frames are queued: the request to the hub is
   * synchronous on a context of its own. Polled rather than slept, so a slow machine only
   * waits longer. */
  ingest (&f, 0, 200, 1, FALSE);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (pano_feed_client_get_queue_length (f.client) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10000);
    }
  g_assert_cmpint (pano_live_store_get_seq (f.store, "environment"), ==, applied);

  pano_test_wait_until (caught_up, &f);
  assert_store_equals_hub (&f);
  g_assert_cmpint (pano_live_store_get_seq (f.store, "environment"), >, applied);

  g_object_unref (f.client);
  g_object_unref (f.store);
  pano_test_hub_free (f.hub);
}

static gboolean
resumed_after_falling_behind (gpointer data)
{
  Fixture *f = data;

  return pano_feed_client_get_n_connects (f->client) >= 2 && caught_up (f);
}

/* The frames received but not yet applied are bounded by their size, not only their number: a
 * console whose main thread is held while large frames pour in drops the connection once they
 * pass the bound, then resumes where it was and again equals the hub. */
static void
test_backlog_bounded_by_bytes (void)
{
  static const char * const layers[] = { "environment", NULL };
  const gsize limit = 48 * 1024;
  Fixture f = { 0 };
  gint64 deadline;
  guint round = 1;

  fixture_follow (&f, layers, 200);
  pano_feed_client_set_backlog_limit (f.client, limit);

  /* The main loop is held from here: each ingest is a delta of ~30 KB queued on the link. */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (pano_feed_client_get_n_fell_behind (f.client) == 0)
    {
      guint queued = pano_feed_client_get_queue_length (f.client);

      ingest (&f, 0, 200, round++, FALSE);
      while (pano_feed_client_get_queue_length (f.client) == queued &&
             pano_feed_client_get_n_fell_behind (f.client) == 0)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_usleep (5000);
        }
      g_assert_cmpuint (pano_feed_client_get_queue_bytes (f.client), <=, limit);
    }
  g_test_message ("fell behind after %u deltas, %" G_GSIZE_FORMAT " bytes queued", round - 1,
                  pano_feed_client_get_queue_bytes (f.client));
  g_assert_cmpuint (round - 1, >=, 2);

  pano_test_wait_until (resumed_after_falling_behind, &f);
  assert_store_equals_hub (&f);
  g_assert_cmpuint (pano_feed_client_get_queue_bytes (f.client), ==, 0);

  g_object_unref (f.client);
  g_object_unref (f.store);
  pano_test_hub_free (f.hub);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = pano_test_make_tmpdir ();
  g_test_add_func ("/feed-hub/follow-resume-restart", test_follow_resume_restart);
  g_test_add_func ("/feed-hub/bad-token", test_bad_token);
  g_test_add_func ("/feed-hub/receives-while-main-busy", test_receives_while_main_busy);
  g_test_add_func ("/feed-hub/backlog-bounded-by-bytes", test_backlog_bounded_by_bytes);
  status = g_test_run ();
  pano_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
