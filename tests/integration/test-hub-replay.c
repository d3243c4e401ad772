// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-test-hub-replay"

/* Replay (复盘): the hub's state of a layer at a time T equals the test's own replay of the
 * changes it made before T, entity by entity (id, geometry, properties) — between keyframes,
 * across them, and after the hub restarted; and history older than the retention is pruned. */

#include "pano-test-hub.h"
#include "pano-test-util.h"

#define N_STEPS 8
#define N_IDS 5

typedef struct
{
  gint64 before;   /* ms, just before the step's request */
  gint64 after;    /* ms, once it was answered */
  GHashTable *model;   /* id → JsonNode of {"geometry","properties"}, after the step */
} Step;

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static gboolean
clock_passed (gpointer data)
{
  return now_ms () > *(gint64 *) data;
}

/* So that a time strictly between two steps exists. */
static void
wait_past (gint64 t)
{
  t += 2;
  pano_test_wait_until (clock_passed, &t);
}

/* The replies read, kept until the end of the run so a caller need not free one. */
static GPtrArray *replies;

static JsonObject *
get_object (PanoTestHub *hub,
            const char  *path,
            guint        expected)
{
  guint status;
  JsonNode *node = pano_test_hub_request (hub, "GET", path, "view-token", NULL, &status);

  g_assert_cmpuint (status, ==, expected);
  g_assert_nonnull (node);
  g_ptr_array_add (replies, node);
  return json_node_get_object (node);
}

typedef struct
{
  PanoTestHub *hub;
  gint64 keyframes;
} KeyframeWait;

static gboolean
keyframe_written (gpointer data)
{
  KeyframeWait *wait = data;

  return json_object_get_int_member (get_object (wait->hub, "/v1/replay/range", 200),
                                     "keyframes") > wait->keyframes;
}

static void
wait_for_keyframe (PanoTestHub *hub)
{
  KeyframeWait wait = { hub, 0 };

  wait.keyframes = json_object_get_int_member (get_object (hub, "/v1/replay/range", 200),
                                               "keyframes");
  pano_test_wait_until (keyframe_written, &wait);
}

/* Step @k: upserts of some ids with geometry and properties that change every step, and the
 * removal of one; the model is the step before's, changed the same way. */
static char *
make_step (guint       k,
           GHashTable *model)
{
  g_autoptr(GString) body = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");

  for (guint i = 0; i < N_IDS; i++)
    {
      g_autofree char *id = g_strdup_printf ("ev-%u", i);
      g_autofree char *geometry = NULL;
      g_autofree char *properties = NULL;
      g_autofree char *value = NULL;

      if ((i + k) % 3 == 0)
        continue;
      if (i > 0)
        g_string_append_c (body, body->str[body->len - 1] == '[' ? ' ' : ',');
      if ((i + k) % 4 == 1 && k > 0)
        {
          g_string_append_printf (body, "{\"type\":\"Feature\",\"id\":\"%s\",\"geometry\":null,"
                                  "\"properties\":{\"_remove\":true}}", id);
          g_hash_table_remove (model, id);
          continue;
        }
      geometry = g_strdup_printf ("{\"type\":\"Point\",\"coordinates\":[%.4f,%.4f]}",
                                  110.70 + 0.01 * i + 0.001 * k, 32.60 + 0.002 * k);
      properties = g_strdup_printf ("{\"name\":\"事件 %u\",\"step\":%u,\"level\":%u}", i, k,
                                    (i * 7 + k) % 5);
      g_string_append_printf (body, "{\"type\":\"Feature\",\"id\":\"%s\",\"geometry\":%s,"
                              "\"properties\":%s}", id, geometry, properties);
      value = g_strdup_printf ("{\"geometry\":%s,\"properties\":%s}", geometry, properties);
      g_hash_table_replace (model, g_strdup (id), json_from_string (value, NULL));
    }
  g_string_append (body, "]}");
  return g_string_free (g_steal_pointer (&body), FALSE);
}

static void
assert_state_equals (PanoTestHub *hub,
                     gint64       at,
                     GHashTable  *model)
{
  g_autofree char *path = g_strdup_printf ("/v1/replay/state?layer=events&at=%" G_GINT64_FORMAT,
                                           at);
  JsonArray *entities = json_object_get_array_member (get_object (hub, path, 200), "entities");

  g_assert_cmpuint (json_array_get_length (entities), ==, g_hash_table_size (model));
  for (guint i = 0; i < json_array_get_length (entities); i++)
    {
      JsonObject *entity = json_array_get_object_element (entities, i);
      const char *id = json_object_get_string_member (entity, "id");
      JsonNode *expected = g_hash_table_lookup (model, id);
      JsonObject *want;

      g_assert_nonnull (expected);
      want = json_node_get_object (expected);
      g_assert_true (json_node_equal (json_object_get_member (entity, "geometry"),
                                      json_object_get_member (want, "geometry")));
      g_assert_true (json_node_equal (json_object_get_member (entity, "properties"),
                                      json_object_get_member (want, "properties")));
    }
}

static GHashTable *
model_copy (GHashTable *model)
{
  GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) json_node_unref);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, model);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy, g_strdup (key), json_node_ref (value));
  return copy;
}

/* Every step's state, read back at a time between it and the next. */
static void
assert_all_steps (PanoTestHub *hub,
                  Step        *steps,
                  gint64       last_end)
{
  for (guint k = 0; k < N_STEPS; k++)
    {
      gint64 end = k + 1 < N_STEPS ? steps[k + 1].before : last_end;

      assert_state_equals (hub, steps[k].after + (end - steps[k].after) / 2, steps[k].model);
      assert_state_equals (hub, end - 1, steps[k].model);
    }
}

static void
test_replay_state (void)
{
  g_autoptr(PanoTestHub) hub = pano_test_hub_new (NULL);
  g_autoptr(GHashTable) model = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) json_node_unref);
  g_autoptr(GHashTable) empty = g_hash_table_new (g_str_hash, g_str_equal);
  Step steps[N_STEPS];
  JsonObject *changes;
  gint64 start, last_end;
  g_autofree char *path = NULL;

  pano_test_hub_set_config (hub, "[history]\nkeyframe-s = 1\n");
  pano_test_hub_spawn (hub);
  start = now_ms ();
  wait_past (start);
  for (guint k = 0; k < N_STEPS; k++)
    {
      g_autofree char *body = make_step (k, model);

      /* Half the steps after a keyframe, so some states are a keyframe plus changes and some
       * need changes from before the latest keyframe's period. */
      if (k == N_STEPS / 2)
        wait_for_keyframe (hub);
      steps[k].before = now_ms ();
      pano_test_hub_ingest (hub, "events", body);
      steps[k].after = now_ms ();
      steps[k].model = model_copy (model);
      wait_past (steps[k].after);
    }
  last_end = now_ms ();
  assert_state_equals (hub, steps[0].before - 1, empty);
  assert_all_steps (hub, steps, last_end);

  /* The changes in order, as posted: one per feature, upserts and removals. */
  path = g_strdup_printf ("/v1/replay/changes?layer=events&from=%" G_GINT64_FORMAT "&to=%"
                          G_GINT64_FORMAT, steps[0].before, steps[1].before);
  changes = get_object (hub, path, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (changes, "changes")),
                    ==, g_hash_table_size (steps[0].model));
  g_assert_false (json_object_get_boolean_member (changes, "more"));

  /* Durable: a restarted hub serves the same past, then the empty city it restarted as. */
  pano_test_hub_terminate (hub);
  pano_test_hub_spawn (hub);
  assert_all_steps (hub, steps, last_end);
  wait_past (now_ms ());
  assert_state_equals (hub, now_ms (), empty);

  for (guint k = 0; k < N_STEPS; k++)
    g_hash_table_unref (steps[k].model);
}

typedef struct
{
  PanoTestHub *hub;
  gint64 after;
} StartWait;

static gboolean
start_passed (gpointer data)
{
  StartWait *wait = data;

  return json_object_get_int_member (get_object (wait->hub, "/v1/replay/range", 200),
                                     "start") > wait->after;
}

static void
test_replay_retention (void)
{
  g_autoptr(PanoTestHub) hub = pano_test_hub_new (NULL);
  StartWait wait = { NULL, 0 };
  g_autofree char *path = NULL;
  JsonObject *range;
  guint status;
  g_autoptr(JsonNode) gone = NULL;

  pano_test_hub_set_config (hub, "[history]\nkeyframe-s = 1\nretain-s = 2\n");
  pano_test_hub_spawn (hub);
  pano_test_hub_ingest (hub, "events", "{\"type\":\"FeatureCollection\",\"features\":["
                        "{\"type\":\"Feature\",\"id\":\"old\",\"geometry\":null,"
                        "\"properties\":{}}]}");
  wait.hub = hub;
  wait.after = now_ms ();
  path = g_strdup_printf ("/v1/replay/state?layer=events&at=%" G_GINT64_FORMAT, wait.after);
  get_object (hub, path, 200);
  pano_test_wait_until (start_passed, &wait);

  /* Gone once older than the retention, and said so; the entity lives on in keyframes. */
  gone = pano_test_hub_request (hub, "GET", path, "view-token", NULL, &status);
  g_assert_cmpuint (status, ==, 404);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (gone), "error"), ==,
                   "not_retained");
  range = get_object (hub, "/v1/replay/range", 200);
  g_assert_cmpint (json_object_get_int_member (range, "retain_s"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (range, "changes"), ==, 0);
  g_free (path);
  path = g_strdup_printf ("/v1/replay/state?layer=events&at=%" G_GINT64_FORMAT,
                          json_object_get_int_member (range, "end"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      get_object (hub, path, 200), "entities")), ==, 1);
}

/* [history] max-mb: over it, the oldest keyframe rounds go, whatever the days allow. */
static void
test_replay_disk_bound (void)
{
  g_autoptr(PanoTestHub) hub = pano_test_hub_new (NULL);
  g_autoptr(GString) body = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");
  g_autofree char *filler = g_strnfill (5000, 'x');
  g_autofree char *path = NULL;
  StartWait wait = { NULL, 0 };
  JsonObject *range;

  pano_test_hub_set_config (hub, "[history]\nkeyframe-s = 1\nmax-mb = 1\n");
  pano_test_hub_spawn (hub);
  /* 250 entities of 5 KB: every keyframe round is over the bound by itself. */
  for (guint i = 0; i < 250; i++)
    g_string_append_printf (body, "%s{\"type\":\"Feature\",\"id\":\"big-%u\",\"geometry\":"
                            "null,\"properties\":{\"filler\":\"%s\"}}", i ? "," : "", i, filler);
  g_string_append (body, "]}");
  pano_test_hub_ingest (hub, "events", body->str);
  wait.hub = hub;
  wait.after = now_ms ();
  pano_test_wait_until (start_passed, &wait);

  /* The newest round is kept, and with it the city as it is. */
  range = get_object (hub, "/v1/replay/range", 200);
  g_assert_cmpint (json_object_get_int_member (range, "retain_s"), ==, 7 * 24 * 3600);
  path = g_strdup_printf ("/v1/replay/state?layer=events&at=%" G_GINT64_FORMAT,
                          json_object_get_int_member (range, "end"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      get_object (hub, path, 200), "entities")), ==, 250);
}

static void
test_replay_refused (void)
{
  g_autoptr(PanoTestHub) hub = pano_test_hub_new (NULL);
  guint status;
  g_autoptr(JsonNode) a = NULL, b = NULL, c = NULL;

  pano_test_hub_spawn (hub);
  a = pano_test_hub_request (hub, "GET", "/v1/replay/range", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  b = pano_test_hub_request (hub, "GET", "/v1/replay/state?layer=nope&at=1", "view-token",
                             NULL, &status);
  g_assert_cmpuint (status, ==, 400);
  c = pano_test_hub_request (hub, "GET", "/v1/replay/changes?layer=events&from=0&to=1&limit=0",
                             "view-token", NULL, &status);
  g_assert_cmpuint (status, ==, 400);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub/replay/state", test_replay_state);
  g_test_add_func ("/hub/replay/retention", test_replay_retention);
  g_test_add_func ("/hub/replay/disk-bound", test_replay_disk_bound);
  g_test_add_func ("/hub/replay/refused", test_replay_refused);
  replies = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  status = g_test_run ();
  g_ptr_array_unref (replies);
  return status;
}
