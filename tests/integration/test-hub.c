// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-test-hub"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "hub-fixture.h"

/* Follows one layer of a stream as a client must: snapshots replace, deltas must be
 * contiguous, and every entity's latest `v` is kept to compare with what was ingested. */
typedef struct
{
  Client *client;
  guint64 seq;
  GHashTable *values;   /* id → v */
  guint coalesced;
  guint snapshots;
  guint resumes;
  guint deltas;
  guint changes;
} Tracker;

static void
tracker_init (Tracker *t,
              Client  *client)
{
  memset (t, 0, sizeof *t);
  t->client = client;
  t->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
tracker_clear (Tracker *t)
{
  g_hash_table_unref (t->values);
}

static void
apply_entity (Tracker    *t,
              JsonObject *entity)
{
  JsonObject *properties = json_object_get_object_member (entity, "properties");

  g_hash_table_insert (t->values, g_strdup (json_object_get_string_member (entity, "id")),
                       GINT_TO_POINTER (json_object_get_int_member_with_default (properties,
                                                                                 "v", -1)));
}

static void
tracker_apply (Tracker    *t,
               JsonObject *frame)
{
  const char *type = json_object_get_string_member (frame, "type");
  JsonArray *list;

  if (g_str_equal (type, "snapshot"))
    {
      if (json_object_get_int_member_with_default (frame, "chunk", 0) == 0)
        g_hash_table_remove_all (t->values);
      list = json_object_get_array_member (frame, "entities");
      for (guint i = 0; i < json_array_get_length (list); i++)
        apply_entity (t, json_array_get_object_element (list, i));
      t->seq = json_object_get_int_member (frame, "seq");
      t->snapshots++;
    }
  else if (g_str_equal (type, "resumed"))
    {
      t->seq = json_object_get_int_member (frame, "seq");
      t->resumes++;
    }
  else if (g_str_equal (type, "delta"))
    {
      g_assert_cmpint (json_object_get_int_member (frame, "from_seq"), ==, t->seq + 1);
      g_assert_cmpint (json_object_get_int_member (frame, "seq"), >=, t->seq + 1);
      t->seq = json_object_get_int_member (frame, "seq");
      t->coalesced += json_object_get_int_member_with_default (frame, "coalesced", 0);
      list = json_object_get_array_member (frame, "changes");
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonObject *change = json_array_get_object_element (list, i);

          if (g_str_equal (json_object_get_string_member (change, "op"), "upsert"))
            apply_entity (t, json_object_get_object_member (change, "entity"));
          else
            g_hash_table_remove (t->values, json_object_get_string_member (change, "id"));
        }
      t->changes += json_array_get_length (list);
      t->deltas++;
    }
  else
    g_error ("Unexpected frame type %s", type);
}

typedef struct
{
  Tracker *tracker;
  guint64 target;
} Goal;

static gboolean
reached (gpointer user_data)
{
  Goal *goal = user_data;
  Client *client = goal->tracker->client;

  while (client->cursor < client->frames->len)
    tracker_apply (goal->tracker, client->frames->pdata[client->cursor++]);
  return goal->tracker->seq >= goal->target || client->closed;
}

static void
tracker_follow (Tracker *t,
                guint64  target)
{
  Goal goal = { t, target };

  wait_until (t->client->context, reached, &goal, "the stream to reach a seq");
  g_assert_cmpint (t->seq, ==, target);
}

static void
subscribe (Client     *client,
           const char *layers_json,
           const char *epoch,
           const char *resume_json)
{
  g_autofree char *frame = NULL;

  if (resume_json != NULL)
    frame = g_strdup_printf ("{\"type\":\"subscribe\",\"layers\":%s,\"epoch\":\"%s\","
                             "\"resume\":%s}", layers_json, epoch, resume_json);
  else
    frame = g_strdup_printf ("{\"type\":\"subscribe\",\"layers\":%s}", layers_json);
  client_send (client, frame);
}

static guint64
layer_seq (Hub        *hub,
           const char *layer)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = g_strdup_printf ("/v1/snapshot/%s", layer);

  g_assert_cmpuint (hub_rest (hub, "GET", path, "view-token", NULL, NULL, &node, NULL), ==, 200);
  return json_object_get_int_member (json_node_get_object (node), "seq");
}

/* A late joiner gets a (chunked) snapshot stamped with its seq, then contiguous deltas. */
static void
test_snapshot_then_deltas (void)
{
  Hub *hub = hub_start ("[stream]\nmax-frame-out=16384\n");
  g_autoptr(Client) client = NULL;
  g_autofree char *epoch = NULL;
  Tracker t;
  guint chunks = 0, n_chunks = 0;

  hub_ingest_points (hub, "traffic", "road", 0, 300, 1);
  client = client_connect (hub, NULL);
  epoch = client_hello (client, "view-token");
  subscribe (client, "[\"traffic\"]", NULL, NULL);
  tracker_init (&t, client);
  do
    {
      JsonObject *frame = client_next (client, "snapshot");

      g_assert_cmpint (json_object_get_int_member (frame, "seq"), ==, 300);
      g_assert_cmpstr (json_object_get_string_member (frame, "epoch"), ==, epoch);
      g_assert_cmpint (json_object_get_int_member (frame, "chunk"), ==, chunks);
      n_chunks = json_object_get_int_member (frame, "chunks");
      tracker_apply (&t, frame);
      chunks++;
    }
  while (chunks < n_chunks);
  g_assert_cmpuint (n_chunks, >, 1);
  g_assert_cmpuint (g_hash_table_size (t.values), ==, 300);

  hub_ingest_points (hub, "traffic", "road", 0, 10, 2);
  hub_ingest_points (hub, "traffic", "road", 5, 10, 3);
  tracker_follow (&t, 320);
  g_assert_cmpuint (t.deltas, ==, 2);
  g_assert_cmpuint (t.changes, ==, 20);
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (t.values, "road-0")), ==, 2);
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (t.values, "road-9")), ==, 3);
  g_assert_cmpuint (g_hash_table_size (t.values), ==, 300);
  tracker_clear (&t);
  hub_stop (hub);
}

/* A dropped client resumes with exactly the deltas it missed; past the window, a snapshot. */
static void
test_resume (void)
{
  Hub *hub = hub_start ("[stream]\nwindow=20\n");
  g_autoptr(Client) first = client_connect (hub, NULL);
  g_autoptr(Client) second = NULL;
  g_autoptr(Client) third = NULL;
  g_autofree char *epoch = client_hello (first, "view-token");
  g_autofree char *epoch2 = NULL;
  Tracker t;

  hub_ingest_points (hub, "environment", "station", 0, 5, 1);
  subscribe (first, "[\"environment\"]", NULL, NULL);
  tracker_init (&t, first);
  tracker_follow (&t, 5);
  hub_ingest_points (hub, "environment", "station", 0, 3, 2);
  tracker_follow (&t, 8);
  tracker_clear (&t);
  g_clear_pointer (&first, client_free);

  hub_ingest_points (hub, "environment", "station", 0, 7, 3);   /* seq 9..15, missed */
  second = client_connect (hub, NULL);
  epoch2 = client_hello (second, "view-token");
  g_assert_cmpstr (epoch, ==, epoch2);
  subscribe (second, "[\"environment\"]", epoch, "{\"environment\":8}");
  g_assert_cmpint (json_object_get_int_member (client_next (second, "resumed"), "seq"), ==, 8);
  {
    /* The missed changes come as one delta, one change per station. */
    JsonObject *delta = client_next (second, "delta");
    JsonArray *changes = json_object_get_array_member (delta, "changes");

    g_assert_cmpint (json_object_get_int_member (delta, "from_seq"), ==, 9);
    g_assert_cmpint (json_object_get_int_member (delta, "seq"), ==, 15);
    g_assert_cmpuint (json_array_get_length (changes), ==, 7);
    for (guint i = 0; i < 7; i++)
      {
        JsonObject *entity = json_object_get_object_member (
          json_array_get_object_element (changes, i), "entity");
        g_autofree char *id = g_strdup_printf ("station-%u", i);

        g_assert_cmpstr (json_object_get_string_member (entity, "id"), ==, id);
        g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (
                           entity, "properties"), "v"), ==, 3);
      }
  }
  /* Nothing extra was queued: the next frame is the next live change. */
  hub_ingest_points (hub, "environment", "station", 0, 1, 4);
  g_assert_cmpint (json_object_get_int_member (client_next (second, "delta"), "seq"), ==, 16);

  hub_ingest_points (hub, "environment", "station", 0, 5, 5);
  hub_ingest_points (hub, "environment", "station", 0, 5, 6);
  hub_ingest_points (hub, "environment", "station", 0, 5, 7);
  hub_ingest_points (hub, "environment", "station", 0, 5, 8);
  hub_ingest_points (hub, "environment", "station", 0, 5, 9);   /* seq 41; window 21..41 */
  third = client_connect (hub, NULL);
  g_free (client_hello (third, "view-token"));
  subscribe (third, "[\"environment\"]", epoch, "{\"environment\":15}");
  {
    JsonObject *snapshot = client_next (third, "snapshot");

    g_assert_cmpint (json_object_get_int_member (snapshot, "seq"), ==, 41);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (snapshot,
                                                                           "entities")), ==, 7);
  }
  hub_stop (hub);
}

/* A bbox subscription gets only what is inside, and still a gap-free seq range. */
static void
test_bbox (void)
{
  Hub *hub = hub_start (NULL);
  g_autoptr(Client) client = client_connect (hub, NULL);
  JsonObject *frame;
  JsonArray *changes;

  /* hub_ingest_points puts point i at longitude 110.7 + (i % 100) * 0.001 */
  hub_ingest_points (hub, "resources", "unit", 0, 20, 1);
  g_free (client_hello (client, "view-token"));
  client_send (client, "{\"type\":\"subscribe\",\"layers\":[\"resources\"],"
                       "\"bbox\":[110.6995,32.5,110.7045,32.7]}");
  frame = client_next (client, "snapshot");
  g_assert_cmpint (json_object_get_int_member (frame, "seq"), ==, 20);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (frame, "entities")), ==,
                    5);
  hub_ingest_points (hub, "resources", "unit", 10, 5, 2);   /* seq 21..25, all outside */
  hub_ingest_points (hub, "resources", "unit", 2, 1, 3);    /* seq 26, inside */
  frame = client_next (client, "delta");
  g_assert_cmpint (json_object_get_int_member (frame, "from_seq"), ==, 21);
  g_assert_cmpint (json_object_get_int_member (frame, "seq"), ==, 26);
  changes = json_object_get_array_member (frame, "changes");
  g_assert_cmpuint (json_array_get_length (changes), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_array_get_object_element (changes, 0), "entity"), "id"), ==, "unit-2");
  hub_stop (hub);
}

/* One feature of an ingest body; odd ones are lines, so geometry is compared beyond points. */
static void
append_feature (GString    *body,
                const char *id,
                double      lon,
                gint64      value,
                guint       pad)
{
  g_autofree char *padding = g_strnfill (pad, 'x');

  if (body->str[body->len - 1] != '[')
    g_string_append_c (body, ',');
  g_string_append_printf (body, "{\"type\":\"Feature\",\"id\":\"%s\",\"geometry\":", id);
  if (value % 2 == 0)
    g_string_append_printf (body, "{\"type\":\"Point\",\"coordinates\":[%.4f,32.6125]}", lon);
  else
    g_string_append_printf (body, "{\"type\":\"LineString\",\"coordinates\":[[%.4f,32.6125],"
                            "[%.4f,32.6175]]}", lon, lon + 0.0005);
  g_string_append_printf (body, ",\"properties\":{\"v\":%" G_GINT64_FORMAT ",\"name\":\"路段 %s\","
                          "\"pad\":\"%s\"}}", value, id, padding);
}

/* Posts a body built by append_feature(); returns it parsed, to compare with what arrives. */
static JsonNode *
post_features (Hub        *hub,
               const char *layer,
               GString    *body)
{
  g_autofree char *path = g_strdup_printf ("/v1/ingest/%s", layer);

  g_string_append (body, "]}");
  g_assert_cmpuint (hub_rest (hub, "POST", path, "admin-token", NULL, body->str, NULL, NULL),
                    ==, 200);
  return json_from_string (body->str, NULL);
}

/* id → the last feature posted under it (what the hub must hold and send). */
static GHashTable *
index_features (JsonNode *posted)
{
  JsonArray *features = json_object_get_array_member (json_node_get_object (posted), "features");
  GHashTable *index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < json_array_get_length (features); i++)
    {
      JsonObject *feature = json_array_get_object_element (features, i);

      g_hash_table_insert (index, (gpointer) json_object_get_string_member (feature, "id"),
                           feature);
    }
  return index;
}

/* Every change of the frame upserts an entity exactly as posted, and none twice in @seen. */
static guint
assert_changes_posted (JsonObject *frame,
                       GHashTable *posted,
                       GHashTable *seen)
{
  JsonArray *changes = json_object_get_array_member (frame, "changes");

  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      JsonObject *entity = json_object_get_object_member (change, "entity");
      const char *id = json_object_get_string_member (entity, "id");
      JsonObject *feature = g_hash_table_lookup (posted, id);

      g_assert_cmpstr (json_object_get_string_member (change, "op"), ==, "upsert");
      g_assert_nonnull (feature);
      g_assert_true (g_hash_table_add (seen, (gpointer) id));
      g_assert_true (json_node_equal (json_object_get_member (entity, "geometry"),
                                      json_object_get_member (feature, "geometry")));
      g_assert_true (json_node_equal (json_object_get_member (entity, "properties"),
                                      json_object_get_member (feature, "properties")));
    }
  return json_array_get_length (changes);
}

static JsonObject *
next_delta (Client  *client,
            guint64  from_seq,
            guint64  seq)
{
  JsonObject *frame = client_next (client, "delta");

  g_assert_cmpint (json_object_get_int_member (frame, "from_seq"), ==, from_seq);
  g_assert_cmpint (json_object_get_int_member (frame, "seq"), ==, seq);
  return frame;
}

/* A 200-feature ingest reaches a subscriber as one delta over its 200 seqs, entity by entity
 * as posted; the next frame is the next request's. */
static void
test_ingest_one_frame (void)
{
  Hub *hub = hub_start (NULL);
  g_autoptr(Client) client = client_connect (hub, NULL);
  g_autoptr(GString) body = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");
  g_autoptr(JsonNode) posted = NULL;
  g_autoptr(GHashTable) index = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *frame;

  hub_ingest_points (hub, "traffic", "road", 0, 5, 0);
  g_free (client_hello (client, "view-token"));
  subscribe (client, "[\"traffic\"]", NULL, NULL);
  g_assert_cmpint (json_object_get_int_member (client_next (client, "snapshot"), "seq"), ==, 5);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *id = g_strdup_printf ("road-%u", i);

      append_feature (body, id, 110.7 + i * 0.0007, i * 3 + 1, 0);
    }
  posted = post_features (hub, "traffic", body);
  index = index_features (posted);
  frame = next_delta (client, 6, 205);
  g_assert_false (json_object_has_member (frame, "coalesced"));
  g_assert_cmpuint (assert_changes_posted (frame, index, seen), ==, 200);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 200);

  hub_ingest_points (hub, "traffic", "road", 0, 1, 2);
  frame = next_delta (client, 206, 206);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (frame, "changes")), ==,
                    1);
  hub_stop (hub);
}

/* Of one ingest, a bbox subscriber gets only what is inside plus what just left, in one frame
 * whose range starts right after the last one it was sent; a plain subscriber gets it all. */
static void
test_ingest_bbox (void)
{
  Hub *hub = hub_start (NULL);
  g_autoptr(Client) boxed = client_connect (hub, NULL);
  g_autoptr(Client) plain = client_connect (hub, NULL);
  g_autoptr(GString) body = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");
  g_autoptr(JsonNode) posted = NULL;
  g_autoptr(GHashTable) index = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) all = g_hash_table_new (g_str_hash, g_str_equal);
  static const char * const expected[] = { "unit-0", "unit-1", "unit-2", "unit-3", "unit-4",
                                           "unit-100", "unit-101", "unit-102", "unit-103",
                                           "unit-104" };
  JsonObject *frame;

  /* hub_ingest_points puts point i at longitude 110.7 + (i % 100) * 0.001 */
  hub_ingest_points (hub, "resources", "unit", 0, 20, 1);
  g_free (client_hello (boxed, "view-token"));
  g_free (client_hello (plain, "view-token"));
  client_send (boxed, "{\"type\":\"subscribe\",\"layers\":[\"resources\"],"
                      "\"bbox\":[110.6995,32.5,110.7045,32.7]}");
  subscribe (plain, "[\"resources\"]", NULL, NULL);
  frame = client_next (boxed, "snapshot");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (frame, "entities")), ==,
                    5);
  client_next (plain, "snapshot");

  /* seq 21..220: ten inside, unit-3 moves out (still sent so it can be dropped), 189 outside */
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *id = g_strdup_printf ("unit-%u", i);

      append_feature (body, id, i == 3 ? 110.8 : 110.7 + (i % 100) * 0.001, i * 2, 0);
    }
  posted = post_features (hub, "resources", body);
  index = index_features (posted);
  frame = next_delta (boxed, 21, 220);
  g_assert_cmpuint (assert_changes_posted (frame, index, seen), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_true (g_hash_table_contains (seen, expected[i]));
  g_assert_cmpuint (assert_changes_posted (next_delta (plain, 21, 220), index, all), ==, 200);

  hub_ingest_points (hub, "resources", "unit", 10, 5, 2);   /* seq 221..225, all outside */
  hub_ingest_points (hub, "resources", "unit", 2, 1, 3);    /* seq 226, inside */
  frame = next_delta (boxed, 221, 226);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (frame, "changes")), ==,
                    1);
  next_delta (plain, 221, 225);
  next_delta (plain, 226, 226);
  hub_stop (hub);
}

/* An ingest larger than max_frame_out arrives as several deltas, each under the limit, each
 * covering the seqs right after the previous one, together every entity once. */
static void
test_ingest_split (void)
{
  Hub *hub = hub_start ("[stream]\nmax-frame-out=16384\n");
  g_autoptr(Client) client = client_connect (hub, NULL);
  g_autoptr(GString) body = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");
  g_autoptr(JsonNode) posted = NULL;
  g_autoptr(GHashTable) index = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint64 seq = 0;
  guint frames = 0, changes = 0;

  g_free (client_hello (client, "view-token"));
  subscribe (client, "[\"environment\"]", NULL, NULL);
  g_assert_cmpint (json_object_get_int_member (client_next (client, "snapshot"), "seq"), ==, 0);
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *id = g_strdup_printf ("station-%u", i);

      append_feature (body, id, 110.7 + i * 0.0003, i, 150);
    }
  g_assert_cmpuint (body->len, >, 4 * 16384);
  posted = post_features (hub, "environment", body);
  index = index_features (posted);
  while (seq < 300)
    {
      JsonObject *frame = client_next (client, "delta");

      g_assert_cmpint (json_object_get_int_member (frame, "from_seq"), ==, seq + 1);
      seq = json_object_get_int_member (frame, "seq");
      g_assert_false (json_object_has_member (frame, "chunk"));
      g_assert_cmpuint (g_array_index (client->sizes, gsize, client->cursor - 1), <=, 16384);
      changes += assert_changes_posted (frame, index, seen);
      frames++;
    }
  g_assert_cmpint (seq, ==, 300);
  /* split by size, not per change: some 120 kB of changes in 16 kB frames */
  g_assert_cmpuint (frames, >=, 4);
  g_assert_cmpuint (frames, <=, 16);
  g_assert_cmpuint (changes, ==, 300);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 300);
  hub_stop (hub);
}

/* An entity posted twice in one ingest arrives once, in its latest state, counted as coalesced;
 * upserted then removed, it arrives as its removal. */
static void
test_ingest_repeated (void)
{
  Hub *hub = hub_start (NULL);
  g_autoptr(Client) client = client_connect (hub, NULL);
  g_autoptr(GString) body = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");
  g_autoptr(GString) removal = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");
  g_autoptr(JsonNode) posted = NULL;
  g_autoptr(GHashTable) index = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *frame;
  JsonObject *change;

  g_free (client_hello (client, "view-token"));
  subscribe (client, "[\"events\"]", NULL, NULL);
  client_next (client, "snapshot");
  append_feature (body, "event-a", 110.71, 1, 0);
  append_feature (body, "event-b", 110.72, 1, 0);
  append_feature (body, "event-a", 110.73, 2, 0);
  posted = post_features (hub, "events", body);
  index = index_features (posted);
  frame = next_delta (client, 1, 3);
  g_assert_cmpint (json_object_get_int_member (frame, "coalesced"), ==, 1);
  /* index holds event-a's second state (v 2, at 110.73): the only one that may arrive */
  g_assert_cmpuint (assert_changes_posted (frame, index, seen), ==, 2);

  append_feature (removal, "event-c", 110.74, 1, 0);
  g_string_append (removal, ",{\"type\":\"Feature\",\"id\":\"event-c\",\"geometry\":null,"
                            "\"properties\":{\"_remove\":true}}");
  json_node_unref (post_features (hub, "events", removal));
  frame = next_delta (client, 4, 5);
  g_assert_cmpint (json_object_get_int_member (frame, "coalesced"), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (frame, "changes")), ==,
                    1);
  change = json_array_get_object_element (json_object_get_array_member (frame, "changes"), 0);
  g_assert_cmpstr (json_object_get_string_member (change, "op"), ==, "remove");
  g_assert_cmpstr (json_object_get_string_member (change, "id"), ==, "event-c");
  hub_stop (hub);
}

#define COLLECTION "{\"type\":\"FeatureCollection\",\"features\":["
#define GOOD_FEATURE "{\"type\":\"Feature\",\"id\":\"ok-1\",\"geometry\":{\"type\":\"Point\"," \
                     "\"coordinates\":[110.7,32.6]},\"properties\":{\"v\":1}}"

/* The traffic layer's seq from GET /v1/layers (the first layer listed). */
static gint64
traffic_seq (Hub *hub)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonArray *layers;

  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/layers", "view-token", NULL, NULL, &answer, NULL),
                    ==, 200);
  layers = json_object_get_array_member (json_node_get_object (answer), "layers");
  return json_object_get_int_member (json_array_get_object_element (layers, 0),
                                     "seq");
}

/* A body the ingest must refuse: 400 bad_request, a message naming the byte, feature or field,
 * and none of it applied, not even the valid features before the bad one. */
static void
assert_ingest_refused (Hub        *hub,
                       const char *body,
                       const char *words)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *object;

  g_test_message ("expecting '%s'", words);
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/ingest/traffic", "admin-token", NULL, body,
                              &answer, NULL), ==, 400);
  object = json_node_get_object (answer);
  g_assert_cmpstr (json_object_get_string_member (object, "error"), ==, "bad_request");
  if (strstr (json_object_get_string_member (object, "message"), words) == NULL)
    g_error ("'%s' does not say '%s'", json_object_get_string_member (object, "message"), words);
}

/* A valid feature, then one whose properties nest arrays to @depth levels in all. */
static char *
nested_body (guint depth)
{
  g_autofree char *open = g_strnfill (depth - 5, '[');
  g_autofree char *close = g_strnfill (depth - 5, ']');

  return g_strconcat (COLLECTION GOOD_FEATURE ",{\"type\":\"Feature\",\"id\":\"deep\","
                      "\"geometry\":null,\"properties\":{\"deep\":", open, close, "}}]}", NULL);
}

/* What the hub refuses on ingest: a body that is not JSON (named by its byte), a feature
 * without an id, a coordinate that is not a number, nesting deeper than the reader's bound. */
static void
test_ingest_refused (void)
{
  Hub *hub = hub_start (NULL);
  g_autofree char *deep = nested_body (70);
  g_autofree char *within = nested_body (60);

  /* byte 50 is the '}' where a member name must follow the ',' */
  assert_ingest_refused (hub, COLLECTION "{\"id\":\"a\",}]}",
                         "an object member without a string name at byte 50");
  assert_ingest_refused (hub, COLLECTION GOOD_FEATURE, "at byte");
  assert_ingest_refused (hub, "", "empty");
  assert_ingest_refused (hub, "[" GOOD_FEATURE "]", "FeatureCollection");
  assert_ingest_refused (hub, COLLECTION GOOD_FEATURE ",[1]]}", "features[1] is not an object");
  assert_ingest_refused (hub, COLLECTION GOOD_FEATURE ",{\"type\":\"Feature\",\"geometry\":null,"
                              "\"properties\":{\"v\":2}}]}", "features[1] has no id");
  assert_ingest_refused (hub, COLLECTION "{\"id\":\"\",\"properties\":{}}]}",
                         "features[0] has no id");
  assert_ingest_refused (hub, COLLECTION "{\"id\":true,\"properties\":{}}]}",
                         "features[0] has no id");
  assert_ingest_refused (hub, COLLECTION GOOD_FEATURE ",{\"id\":\"b\",\"geometry\":[1,2]}]}",
                         "features[1].geometry is not a GeoJSON geometry");
  assert_ingest_refused (hub, COLLECTION GOOD_FEATURE ",{\"id\":\"c\",\"geometry\":"
                              "{\"type\":\"Point\",\"coordinates\":[110.7,\"32.6\"]}}]}",
                         "features[1].geometry has a coordinate that is not a number");
  assert_ingest_refused (hub, COLLECTION "{\"id\":\"d\",\"geometry\":{\"type\":\"Polygon\","
                              "\"coordinates\":[[[110.7,32.6],[110.8,32.6],[110.8,null]]]}}]}",
                         "features[0].geometry has a coordinate that is not a number");
  assert_ingest_refused (hub, COLLECTION "{\"id\":\"e\",\"geometry\":{\"type\":"
                              "\"GeometryCollection\",\"geometries\":[{\"type\":\"Point\","
                              "\"coordinates\":[true,32.6]}]}}]}",
                         "features[0].geometry has a coordinate that is not a number");
  assert_ingest_refused (hub, deep, "nesting deeper than 64 levels");
  g_assert_cmpint (traffic_seq (hub), ==, 0);

  /* 60 levels in all are within the bound */
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/ingest/traffic", "admin-token", NULL, within,
                              NULL, NULL), ==, 200);
  g_assert_cmpint (traffic_seq (hub), ==, 2);
  hub_stop (hub);
}

/* The id an ingested feature is stored under, as docs/protocol.md says: its 'id' (string or
 * integer), else properties.id. */
static char *
posted_id (JsonObject *feature)
{
  JsonNode *id = json_object_get_member (feature, "id");

  if (id == NULL)
    id = json_object_get_member (json_object_get_object_member (feature, "properties"), "id");
  if (json_node_get_value_type (id) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (id));
  return g_strdup (json_node_get_string (id));
}

/* Ids and properties written with escapes (\u, surrogate pairs, quotes, backslashes, an escaped
 * member name) reach a subscriber exactly as posted, entity by entity; the control member
 * stale_after_s is taken out, and a removal finds an entity by its escaped id. */
static void
test_ingest_escapes (void)
{
  Hub *hub = hub_start (NULL);
  g_autoptr(Client) client = client_connect (hub, NULL);
  static const char body[] = COLLECTION
    "{\"type\":\"Feature\",\"id\":\"\\u8def\\u6bb5 \\\"7\\\" \\\\ \\/ \\ud83d\\ude97\","
    " \"geometry\" : {\"type\":\"LineString\",\"coordinates\":[[110.7,32.6] , [110.71,32.61]]},"
    "\"properties\":{\"name\":\"\\\"quoted\\\" \\u5341\\u5830\\n\",\"stale_after_s\":60,"
    "\"tab\\there\":\"a\\\\b\\/c\\t\",\"n\\u0061me2\":{\"k\\\"\":[\"\\u00e9\",1e2,-0.5]}}},"
    "{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"id\":\"prop\\u002did\\\\\","
    "\"x\":[1,2.5e1,-0.0]}},"
    "{\"type\":\"Feature\",\"id\":42,\"geometry\":{\"type\":\"MultiPoint\","
    "\"coordinates\":[[110.72,32.62]]},\"properties\":{\"\\u005fnote\":\"\\u005f\"}}]}";
  g_autoptr(JsonNode) posted = json_from_string (body, NULL);
  JsonArray *features = json_object_get_array_member (json_node_get_object (posted), "features");
  JsonArray *changes;
  JsonObject *frame, *change;

  g_free (client_hello (client, "view-token"));
  subscribe (client, "[\"traffic\"]", NULL, NULL);
  client_next (client, "snapshot");
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/ingest/traffic", "admin-token", NULL, body, NULL,
                              NULL), ==, 200);
  frame = next_delta (client, 1, 3);
  changes = json_object_get_array_member (frame, "changes");
  g_assert_cmpuint (json_array_get_length (changes), ==, 3);
  /* what the hub must send: the posted properties without the control member */
  json_object_remove_member (json_object_get_object_member (
                               json_array_get_object_element (features, 0), "properties"),
                             "stale_after_s");
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *feature = json_array_get_object_element (features, i);
      JsonObject *entity = json_object_get_object_member (
                             json_array_get_object_element (changes, i), "entity");
      g_autofree char *id = posted_id (feature);

      g_assert_cmpstr (json_object_get_string_member (entity, "id"), ==, id);
      g_assert_true (json_node_equal (json_object_get_member (entity, "geometry"),
                                      json_object_get_member (feature, "geometry")));
      g_assert_true (json_node_equal (json_object_get_member (entity, "properties"),
                                      json_object_get_member (feature, "properties")));
      g_assert_true (g_str_has_suffix (json_object_get_string_member (entity, "updated_at"),
                                       "Z"));
    }
  change = json_array_get_object_element (changes, 0);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change,
                                                                                 "entity"),
                                                  "id"), ==, "路段 \"7\" \\ / \xf0\x9f\x9a\x97");
  g_assert_true (json_object_has_member (json_object_get_object_member (change, "entity"),
                                         "stale_after"));

  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/ingest/traffic", "admin-token", NULL, COLLECTION
                              "{\"id\":\"\\u8def\\u6bb5 \\\"7\\\" \\\\ / \\ud83d\\ude97\","
                              "\"properties\":{\"_remove\":true}}]}", NULL, NULL), ==, 200);
  frame = next_delta (client, 4, 4);
  change = json_array_get_object_element (json_object_get_array_member (frame, "changes"), 0);
  g_assert_cmpstr (json_object_get_string_member (change, "op"), ==, "remove");
  g_assert_cmpstr (json_object_get_string_member (change, "id"), ==,
                   "路段 \"7\" \\ / \xf0\x9f\x9a\x97");
  g_assert_cmpint (traffic_seq (hub), ==, 4);
  hub_stop (hub);
}

/* A clean stop tells stream clients (1001); the restarted hub is a new epoch and answers an
 * old epoch's resume with a snapshot. */
static void
test_restart (void)
{
  Hub *hub = hub_start (NULL);
  g_autoptr(Client) client = client_connect (hub, NULL);
  g_autoptr(Client) again = NULL;
  g_autofree char *epoch1 = client_hello (client, "view-token");
  g_autofree char *epoch2 = NULL;
  g_autofree char *resume = NULL;

  hub_ingest_points (hub, "traffic", "road", 0, 3, 1);
  subscribe (client, "[\"traffic\"]", NULL, NULL);
  g_assert_cmpint (json_object_get_int_member (client_next (client, "snapshot"), "seq"), ==, 3);
  hub_restart (hub);
  client_wait_closed (client);
  g_assert_cmpuint (client->close_code, ==, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);

  again = client_connect (hub, NULL);
  epoch2 = client_hello (again, "view-token");
  g_assert_cmpstr (epoch1, !=, epoch2);
  hub_ingest_points (hub, "traffic", "road", 0, 5, 2);
  subscribe (again, "[\"traffic\"]", epoch1, "{\"traffic\":3}");
  g_assert_cmpint (json_object_get_int_member (client_next (again, "snapshot"), "seq"), ==, 5);
  hub_stop (hub);
}

static char *
create_body (guint i)
{
  return g_strdup_printf ("{\"command\":\"create\",\"category\":\"市政设施\",\"severity\":%u,"
                          "\"location\":[110.79,32.65],\"title\":\"manhole %u\","
                          "\"source\":\"hotline_12345\"}", 1 + i % 4, i);
}

/* kill -9 after N acknowledged commands: all N survive, the epoch changes, and retrying the
 * same keys applies none of them twice. */
static void
test_durable_commands (void)
{
  const guint n = 25;
  Hub *hub = hub_start (NULL);
  g_autoptr(JsonNode) health = NULL;
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(Client) client = NULL;
  g_autofree char *epoch1 = NULL;
  g_autofree char *epoch2 = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  hub_rest (hub, "GET", "/v1/health", NULL, NULL, NULL, &health, NULL);
  epoch1 = g_strdup (json_object_get_string_member (json_node_get_object (health), "epoch"));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("create-%u", i);
      g_autofree char *body = create_body (i);
      g_autoptr(JsonNode) answer = NULL;
      JsonObject *incident;

      g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", key, body, &answer,
                                  NULL), ==, 201);
      incident = json_object_get_object_member (json_node_get_object (answer), "incident");
      g_ptr_array_add (ids, g_strdup (json_object_get_string_member (incident, "id")));
    }
  hub_kill9 (hub);
  hub_respawn (hub);

  g_clear_pointer (&health, json_node_unref);
  hub_rest (hub, "GET", "/v1/health", NULL, NULL, NULL, &health, NULL);
  epoch2 = g_strdup (json_object_get_string_member (json_node_get_object (health), "epoch"));
  g_assert_cmpstr (epoch1, !=, epoch2);
  hub_rest (hub, "GET", "/v1/snapshot/incidents", "view-token", NULL, NULL, &snapshot, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (snapshot), "entities")), ==, n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("create-%u", i);
      g_autofree char *body = create_body (i);
      g_autoptr(JsonNode) answer = NULL;
      gboolean replayed = FALSE;
      JsonObject *incident;

      g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", key, body, &answer,
                                  &replayed), ==, 201);
      g_assert_true (replayed);
      incident = json_object_get_object_member (json_node_get_object (answer), "incident");
      g_assert_cmpstr (json_object_get_string_member (incident, "id"), ==, ids->pdata[i]);
    }
  g_assert_cmpuint (layer_seq (hub, "incidents"), ==, n);
  g_assert_cmpuint (hub_metric (hub, "pano_hub_commands_total{outcome=\"accepted\"}"), ==, 0);
  g_assert_cmpuint (hub_metric (hub, "pano_hub_commands_total{outcome=\"replayed\"}"), ==, n);
  /* The same key for a different request is refused, not applied. */
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", "create-0",
                              "{\"command\":\"note\",\"incident\":\"INC-000001\",\"text\":\"x\"}",
                              NULL, NULL), ==, 422);
  {
    g_autofree char *body = create_body (99);
    g_autoptr(JsonNode) answer = NULL;

    g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", "create-new", body,
                                &answer, NULL), ==, 201);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                       json_node_get_object (answer), "incident"), "id"), ==, "INC-000026");
  }
  /* A client resuming with the old epoch's seqs is given a snapshot. */
  client = client_connect (hub, NULL);
  g_free (client_hello (client, "view-token"));
  subscribe (client, "[\"incidents\"]", epoch1, "{\"incidents\":25}");
  g_assert_cmpint (json_object_get_int_member (client_next (client, "snapshot"), "seq"), ==,
                   n + 1);
  hub_stop (hub);
}

static void
expect_error (Client     *client,
              const char *code)
{
  JsonObject *error = client_next (client, "error");

  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_nonnull (json_object_get_string_member (error, "message"));
}

static gint64
count_audit (Hub        *hub,
             const char *where)
{
  g_autofree char *path = hub_db_path (hub);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM audit WHERE %s", where);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}

/* Bad input gets the documented answer and leaves the other clients untouched. */
static void
test_errors (void)
{
  Hub *hub = hub_start (NULL);
  g_autoptr(Client) observer = client_connect (hub, NULL);
  g_autoptr(Client) bad = client_connect (hub, NULL);
  g_autoptr(Client) big = client_connect (hub, NULL);
  g_autoptr(Client) intruder = client_connect (hub, NULL);
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *huge = g_malloc (70001);
  Tracker t;

  g_free (client_hello (observer, "view-token"));
  subscribe (observer, "[\"traffic\"]", NULL, NULL);
  tracker_init (&t, observer);
  tracker_follow (&t, 0);

  client_send (bad, "{not json");
  expect_error (bad, "bad_json");
  client_send (bad, "[1, 2]");
  expect_error (bad, "bad_json");
  client_send (bad, "{\"kind\": \"hello\"}");
  expect_error (bad, "bad_frame");
  client_send (bad, "{\"type\": \"subscribe\", \"layers\": [\"traffic\"]}");
  expect_error (bad, "not_authenticated");
  client_send (bad, "{\"type\": \"subscrib\", \"ref\": \"42\"}");
  g_assert_cmpstr (json_object_get_string_member (client_next (bad, "error"), "ref"), ==, "42");
  g_free (client_hello (bad, "view-token"));
  client_send (bad, "{\"type\": \"subscribe\", \"layers\": [\"weather\"]}");
  expect_error (bad, "unknown_layer");
  g_assert_false (bad->closed);

  client_send (intruder, "{\"type\":\"hello\",\"protocol\":1,\"token\":\"guess\"}");
  expect_error (intruder, "unauthorized");
  client_wait_closed (intruder);
  g_assert_cmpuint (intruder->close_code, ==, 4001);

  g_free (client_hello (big, "view-token"));
  memset (huge, 'x', 70000);
  huge[0] = '"';
  huge[69999] = '"';
  huge[70000] = '\0';
  client_send (big, huge);
  client_wait_closed (big);
  g_assert_cmpuint (big->close_code, ==, SOUP_WEBSOCKET_CLOSE_TOO_BIG);

  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/layers", NULL, NULL, NULL, NULL, NULL), ==, 401);
  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/layers", "nope", NULL, NULL, NULL, NULL), ==, 401);
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/ingest/traffic", "disp-token", NULL, "{}", &answer,
                              NULL), ==, 403);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "error"), ==,
                   "forbidden");
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "view-token", "k", "{}", NULL, NULL),
                    ==, 403);
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", NULL,
                              "{\"command\":\"note\"}", NULL, NULL), ==, 400);
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", "k1", "{oops", NULL,
                              NULL), ==, 400);
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/ingest/traffic", "admin-token", NULL,
                              "{\"type\":\"FeatureCollection\","
                              "\"features\":[{\"type\":\"Feature\"}]}", NULL, NULL), ==, 400);
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/ingest/weather", "admin-token", NULL, "{}", NULL,
                              NULL), ==, 404);
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/ingest/incidents", "admin-token", NULL, "{}",
                              NULL, NULL), ==, 409);
  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/history?layer=traffic&from=x", "view-token", NULL,
                              NULL, NULL, NULL), ==, 400);
  {
    g_autofree char *oversized = g_malloc (17 * 1024 * 1024 + 1);

    memset (oversized, ' ', 17 * 1024 * 1024);
    oversized[17 * 1024 * 1024] = '\0';
    g_assert_cmpuint (hub_rest (hub, "POST", "/v1/ingest/traffic", "admin-token", NULL,
                                oversized, NULL, NULL), ==, 413);
  }

  {
    g_autofree char *body = create_body (1);
    g_autoptr(JsonNode) refused = NULL;
    JsonObject *object;

    g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", "c1", body, NULL,
                                NULL), ==, 201);
    g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", "c1b",
                                "{\"command\":\"note\",\"incident\":\"INC-000001\"}", NULL,
                                NULL), ==, 400);
    g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", "c2",
                                "{\"command\":\"transition\",\"incident\":\"INC-000001\","
                                "\"to\":\"closed\"}", &refused, NULL), ==, 409);
    object = json_node_get_object (refused);
    g_assert_cmpstr (json_object_get_string_member (object, "error"), ==, "illegal_transition");
    g_assert_nonnull (strstr (json_object_get_string_member (object, "message"),
                              "allowed: accepted, cancelled"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object,
                                                                                    "incident"),
                                                    "status"), ==, "reported");
  }

  /* The observer saw none of this and still gets every change, in order. */
  hub_ingest_points (hub, "traffic", "road", 0, 3, 1);
  tracker_follow (&t, 3);
  g_assert_false (observer->closed);
  g_assert_false (bad->closed);
  g_assert_cmpint (count_audit (hub, "status = 401 AND action = 'stream.hello'"), ==, 1);
  /* the guessed hello, then REST without a token and with an unknown one */
  g_assert_cmpint (count_audit (hub, "status = 401"), ==, 3);
  g_assert_cmpint (count_audit (hub, "status = 403 AND role = 'dispatcher'"), ==, 1);
  /* refused commands: no Idempotency-Key, not JSON, a note without text */
  g_assert_cmpint (count_audit (hub, "status = 400 AND outcome = 'refused' AND "
                                     "action IN ('command', 'note')"), ==, 3);
  g_assert_cmpint (count_audit (hub, "outcome = 'refused' AND status = 409 AND before IS NOT NULL"),
                   ==, 1);
  g_assert_cmpint (count_audit (hub, "outcome = 'accepted' AND after IS NOT NULL "
                                     "AND actor = 'dispatcher1' AND role = 'dispatcher'"), ==, 1);
  tracker_clear (&t);
  hub_stop (hub);
}

static JsonObject *
command (Hub        *hub,
         JsonNode  **answer,
         guint       expected,
         const char *key,
         const char *body)
{
  g_clear_pointer (answer, json_node_unref);
  g_assert_cmpuint (hub_rest (hub, "POST", "/v1/commands", "disp-token", key, body, answer, NULL),
                    ==, expected);
  if (expected >= 300)
    return json_node_get_object (*answer);
  return json_object_get_object_member (json_node_get_object (*answer), "incident");
}

typedef struct
{
  Client *client;
  const char *id;
} OverdueWait;

static gboolean
overdue_seen (gpointer user_data)
{
  OverdueWait *wait = user_data;
  Client *client = wait->client;

  for (; client->cursor < client->frames->len; client->cursor++)
    {
      JsonObject *frame = client->frames->pdata[client->cursor];
      JsonArray *changes;
      JsonObject *entity;

      if (!json_object_has_member (frame, "changes"))
        continue;
      changes = json_object_get_array_member (frame, "changes");
      entity = json_object_get_object_member (json_array_get_object_element (changes, 0),
                                              "entity");
      if (g_str_equal (json_object_get_string_member (entity, "id"), wait->id) &&
          json_object_get_boolean_member (json_object_get_object_member (entity, "properties"),
                                          "overdue"))
        return TRUE;
    }
  return FALSE;
}

/* The whole lifecycle through commands, with units, notes, the grid path and overdue. */
static void
test_lifecycle (void)
{
  g_autofree char *city = g_build_filename (PANO_SOURCE_DATADIR, "shiyan.gpkg", NULL);
  gboolean have_city = g_file_test (city, G_FILE_TEST_EXISTS);
  g_autofree char *extra = g_strdup_printf ("%s%s\n[limits]\nreported=1\noverdue-check-ms=50\n",
                                            have_city ? "city=" : "", have_city ? city : "");
  Hub *hub = hub_start (extra);
  g_autoptr(Client) client = client_connect (hub, NULL);
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *create = create_body (0);
  JsonObject *incident;
  OverdueWait wait = { client, "INC-000001" };

  hub_ingest_points (hub, "resources", "fire", 1, 2, 0);
  g_free (client_hello (client, "view-token"));
  subscribe (client, "[\"incidents\"]", NULL, NULL);
  client_next (client, "snapshot");

  incident = command (hub, &answer, 201, "l1", create);
  g_assert_cmpstr (json_object_get_string_member (incident, "status"), ==, "reported");
  g_assert_nonnull (json_object_get_string_member (incident, "deadline"));
  if (have_city)
    {
      JsonObject *grid = json_object_get_object_member (incident, "grid");

      g_assert_cmpstr (json_object_get_string_member (grid, "city"), ==, "十堰市");
      g_assert_cmpstr (json_object_get_string_member (grid, "district"), ==, "茅箭区");
      g_assert_nonnull (json_object_get_string_member (grid, "street"));
      g_assert_true (g_str_has_prefix (json_object_get_string_member (grid, "code"), "420300-"));
    }
  else
    g_test_message ("no data/shiyan.gpkg: grid path not checked");
  /* The 1 s limit of 'reported' passes: the hub flags it and publishes the change. */
  wait_until (NULL, overdue_seen, &wait, "the overdue flag");

  command (hub, &answer, 409, "l2", "{\"command\":\"transition\",\"incident\":\"INC-000001\","
                                    "\"to\":\"dispatched\"}");
  incident = command (hub, &answer, 200, "l3", "{\"command\":\"transition\",\"incident\":"
                                               "\"INC-000001\",\"to\":\"accepted\"}");
  g_assert_false (json_object_get_boolean_member (incident, "overdue"));
  command (hub, &answer, 422, "l4", "{\"command\":\"dispatch\",\"incident\":\"INC-000001\","
                                    "\"units\":[\"fire-99\"]}");
  incident = command (hub, &answer, 200, "l5", "{\"command\":\"dispatch\",\"incident\":"
                                               "\"INC-000001\",\"units\":[\"fire-1\"]}");
  g_assert_cmpstr (json_object_get_string_member (incident, "status"), ==, "dispatched");
  command (hub, &answer, 422, "l6", "{\"command\":\"acknowledge\",\"incident\":\"INC-000001\","
                                    "\"unit\":\"fire-2\"}");
  incident = command (hub, &answer, 200, "l7", "{\"command\":\"acknowledge\",\"incident\":"
                                               "\"INC-000001\",\"unit\":\"fire-1\"}");
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (
                   json_object_get_array_member (incident, "units"), 0), "acknowledged"));
  incident = command (hub, &answer, 200, "l8", "{\"command\":\"reassign\",\"incident\":"
                                               "\"INC-000001\",\"units\":[\"fire-2\"]}");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (incident, "units"), 0), "id"), ==, "fire-2");
  incident = command (hub, &answer, 200, "l9", "{\"command\":\"note\",\"incident\":"
                                               "\"INC-000001\",\"text\":\"on scene\"}");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (incident, "notes")),
                    ==, 1);
  command (hub, &answer, 200, "l10", "{\"command\":\"transition\",\"incident\":\"INC-000001\","
                                     "\"to\":\"handling\"}");
  command (hub, &answer, 200, "l11", "{\"command\":\"transition\",\"incident\":\"INC-000001\","
                                     "\"to\":\"verified\"}");
  incident = command (hub, &answer, 200, "l12", "{\"command\":\"transition\",\"incident\":"
                                                "\"INC-000001\",\"to\":\"closed\"}");
  g_assert_cmpstr (json_object_get_string_member (incident, "status"), ==, "closed");
  g_assert_cmpint (json_object_get_int_member (incident, "version"), ==, 9);
  command (hub, &answer, 409, "l13", "{\"command\":\"cancel\",\"incident\":\"INC-000001\","
                                     "\"reason\":\"dup\"}");
  command (hub, &answer, 404, "l14", "{\"command\":\"note\",\"incident\":\"INC-000404\","
                                     "\"text\":\"x\"}");

  command (hub, &answer, 201, "m1", create);
  command (hub, &answer, 409, "m2", "{\"command\":\"reassign\",\"incident\":\"INC-000002\","
                                    "\"units\":[\"fire-1\"]}");
  incident = command (hub, &answer, 200, "m3", "{\"command\":\"cancel\",\"incident\":"
                                               "\"INC-000002\",\"reason\":\"duplicate report\"}");
  g_assert_cmpstr (json_object_get_string_member (incident, "status"), ==, "cancelled");
  g_assert_true (json_object_get_null_member (incident, "deadline"));
  hub_stop (hub);
}

static gboolean
enough_heartbeats (gpointer user_data)
{
  Client *client = user_data;

  return client->heartbeats >= 3 || client->closed;
}

/* Heartbeats both ways: a talking client stays, a silent one is declared dead with 4000. */
static void
test_heartbeat (void)
{
  Hub *hub = hub_start ("[stream]\nheartbeat-interval-ms=100\nheartbeat-timeout-ms=700\n");
  g_autoptr(Client) talker = client_connect (hub, NULL);
  g_autoptr(Client) silent = client_connect (hub, NULL);
  guint rounds = 0;

  g_free (client_hello (talker, "view-token"));
  g_free (client_hello (silent, "view-token"));
  /* Answer every heartbeat of the hub until the silent one has been cut off. */
  while (!silent->closed)
    {
      talker->heartbeats = 0;
      wait_until (NULL, enough_heartbeats, talker, "hub heartbeats");
      client_send (talker, "{\"type\":\"heartbeat\"}");
      rounds++;
    }
  g_assert_cmpuint (silent->close_code, ==, 4000);
  g_assert_cmpuint (silent->heartbeats, >=, 1);
  g_assert_false (talker->closed);
  g_assert_cmpuint (rounds, >=, 1);
  hub_stop (hub);
}

/* A subscriber that stops reading is first coalesced (latest state per entity, with a count),
 * then cut off past the bound; a subscriber that reads gets every change meanwhile. */
static void
test_slow_subscriber (void)
{
  Hub *hub = hub_start ("[stream]\nqueue-limit=64\ncoalesce-limit=100\nsend-buffer=4096\n");
  g_autoptr(GMainContext) slow_context = g_main_context_new ();
  g_autoptr(Client) fast = client_connect (hub, NULL);
  g_autoptr(Client) slow = client_connect (hub, slow_context);
  Tracker tf, ts;
  guint64 seq = 0;
  guint requests = 0;
  gint64 round;

  g_free (client_hello (fast, "view-token"));
  g_free (client_hello (slow, "view-token"));
  subscribe (fast, "[\"traffic\"]", NULL, NULL);
  subscribe (slow, "[\"traffic\"]", NULL, NULL);
  tracker_init (&tf, fast);
  tracker_init (&ts, slow);
  tracker_follow (&tf, 0);
  tracker_follow (&ts, 0);

  /* Phase 1: ten hot entities change over and over while the slow client is not read. */
  for (round = 1; hub_metric (hub, "pano_hub_coalesced_total") == 0; round++)
    {
      g_assert_cmpint (round, <, 2000);
      for (guint i = 0; i < 5; i++)
        hub_ingest_points (hub, "traffic", "hot", 0, 10, round);
      seq += 50;
      requests += 5;
      tracker_follow (&tf, seq);
    }
  g_assert_cmpuint (hub_metric (hub, "pano_hub_dropped_total"), ==, 0);
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (tf.values, "hot-3")), ==, round - 1);

  /* Phase 2: the slow client reads again and catches up, told how much was coalesced. */
  tracker_follow (&ts, seq);
  g_assert_false (slow->closed);
  g_assert_cmpuint (ts.coalesced, >, 0);
  g_assert_cmpuint (ts.deltas, <, seq);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *id = g_strdup_printf ("hot-%u", i);

      g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (ts.values, id)), ==, round - 1);
    }

  /* Phase 3: it stalls again while many distinct entities change: past the bound, cut off. */
  for (guint r = 0; hub_metric (hub, "pano_hub_dropped_total") == 0; r++)
    {
      g_assert_cmpuint (r, <, 2000);
      hub_ingest_points (hub, "traffic", "cold", r * 50, 50, r);
      seq += 50;
      requests++;
      tracker_follow (&tf, seq);
    }
  client_wait_closed (slow);
  g_assert_cmpuint (slow->close_code, ==, 4008);
  g_assert_nonnull (strstr (slow->close_reason, "slow consumer"));

  /* The reader was never held back: it is complete and still connected. */
  hub_ingest_points (hub, "traffic", "hot", 0, 1, 0);
  tracker_follow (&tf, seq + 1);
  g_assert_false (fast->closed);
  g_assert_cmpuint (tf.coalesced, ==, 0);
  g_assert_cmpuint (tf.deltas, ==, requests + 1);
  g_assert_cmpuint (tf.changes, ==, seq + 1);
  tracker_clear (&tf);
  tracker_clear (&ts);
  hub_stop (hub);
}

/* From GET /v1/layers, which is cheap to poll (a snapshot is not). */
static gboolean
layers_at_least (Hub           *hub,
                 const guint64 *minimum)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonArray *layers;

  g_assert_cmpuint (hub_rest (hub, "GET", "/v1/layers", "view-token", NULL, NULL, &answer, NULL),
                    ==, 200);
  layers = json_object_get_array_member (json_node_get_object (answer), "layers");
  for (guint i = 0; i < json_array_get_length (layers); i++)
    if (json_object_get_int_member (json_array_get_object_element (layers, i), "seq") <
        (gint64) minimum[i])
      return FALSE;
  return TRUE;
}

static gboolean
layer_reached (gpointer user_data)
{
  Hub **hubs = user_data;
  /* traffic, environment, resources, events, incidents, grid, alerts */
  static const guint64 minimum[] = { 6000, 80, 300, 0, 10, 0, 0 };

  g_usleep (20000);
  return layers_at_least (hubs[0], minimum) && layers_at_least (hubs[1], minimum);
}

/* The changes of a layer without the hub's wall-clock stamps. */
static char *
history_without_times (Hub        *hub,
                       const char *layer,
                       guint       to)
{
  g_autofree char *path = g_strdup_printf ("/v1/history?layer=%s&from=1&to=%u", layer, to);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GRegex) stamps = g_regex_new ("\"(updated_at|stale_after|reported_at|stage_since|"
                                          "deadline|acknowledged_at|at)\":(\"[^\"]*\"|null)",
                                          G_REGEX_RAW | G_REGEX_OPTIMIZE, 0, NULL);
  g_autofree char *text = NULL;

  g_assert_cmpuint (hub_rest (hub, "GET", path, "view-token", NULL, NULL, &answer, NULL), ==, 200);
  text = json_to_string (json_object_get_member (json_node_get_object (answer), "changes"),
                         FALSE);
  return g_regex_replace_literal (stamps, text, -1, 0, "", 0, NULL);
}

/* Same seed, same run: two simulated cities publish the same changes in the same order. */
static void
test_simulator_deterministic (void)
{
  g_autofree char *city = g_build_filename (PANO_SOURCE_DATADIR, "shiyan.gpkg", NULL);
  const char * const args[] = { "--simulate", city, "--seed", "42", "--speed", "600", NULL };
  Hub *hubs[2];

  /* data/shiyan.gpkg is committed: without it the checkout is broken, not the test moot. */
  g_assert_true (g_file_test (city, G_FILE_TEST_EXISTS));
  hubs[0] = hub_start_args ("[stream]\nwindow=1000000\n", args);
  hubs[1] = hub_start_args ("[stream]\nwindow=1000000\n", args);
  wait_until (NULL, layer_reached, hubs, "both simulations to run a few ticks");
  for (guint i = 0; i < 4; i++)
    {
      static const char * const layers[] = { "traffic", "environment", "resources", "incidents" };
      static const guint counts[] = { 6000, 80, 300, 10 };
      g_autofree char *a = history_without_times (hubs[0], layers[i], counts[i]);
      g_autofree char *b = history_without_times (hubs[1], layers[i], counts[i]);

      g_assert_cmpuint (strlen (a), >, counts[i] * 20);
      g_assert_true (g_str_equal (a, b));
    }
  hub_stop (hubs[0]);
  hub_stop (hubs[1]);
}

/* A simulator tick reaches a subscriber as one delta per layer (split only above the frame
 * limit): frames cover hundreds of road reports each, every road at most once per frame. */
static void
test_simulator_batches (void)
{
  g_autofree char *city = g_build_filename (PANO_SOURCE_DATADIR, "shiyan.gpkg", NULL);
  const char * const args[] = { "--simulate", city, "--seed", "7", "--speed", "600", NULL };
  g_autoptr(Client) client = NULL;
  guint64 seq = 0;
  guint chunk = 0, chunks = 1;
  Hub *hub;

  /* data/shiyan.gpkg is committed: without it the checkout is broken, not the test moot. */
  g_assert_true (g_file_test (city, G_FILE_TEST_EXISTS));
  hub = hub_start_args (NULL, args);
  client = client_connect (hub, NULL);
  g_free (client_hello (client, "view-token"));
  subscribe (client, "[\"traffic\"]", NULL, NULL);
  for (; chunk < chunks; chunk++)
    {
      JsonObject *snapshot = client_next (client, "snapshot");

      chunks = json_object_get_int_member_with_default (snapshot, "chunks", 1);
      seq = json_object_get_int_member (snapshot, "seq");
    }
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *frame = client_next (client, "delta");
      JsonArray *changes = json_object_get_array_member (frame, "changes");
      g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
      guint64 to = json_object_get_int_member (frame, "seq");

      g_assert_cmpint (json_object_get_int_member (frame, "from_seq"), ==, seq + 1);
      g_assert_cmpuint (to - seq, >=, 100);
      for (guint j = 0; j < json_array_get_length (changes); j++)
        g_assert_true (g_hash_table_add (ids, (gpointer) json_object_get_string_member (
                                           json_object_get_object_member (
                                             json_array_get_object_element (changes, j),
                                             "entity"), "id")));
      seq = to;
    }
  hub_stop (hub);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub/stream/snapshot-then-deltas", test_snapshot_then_deltas);
  g_test_add_func ("/hub/stream/resume", test_resume);
  g_test_add_func ("/hub/stream/bbox", test_bbox);
  g_test_add_func ("/hub/stream/ingest-one-frame", test_ingest_one_frame);
  g_test_add_func ("/hub/stream/ingest-bbox", test_ingest_bbox);
  g_test_add_func ("/hub/stream/ingest-split", test_ingest_split);
  g_test_add_func ("/hub/stream/ingest-repeated", test_ingest_repeated);
  g_test_add_func ("/hub/stream/ingest-escapes", test_ingest_escapes);
  g_test_add_func ("/hub/rest/ingest-refused", test_ingest_refused);
  g_test_add_func ("/hub/stream/restart-new-epoch", test_restart);
  g_test_add_func ("/hub/stream/heartbeat", test_heartbeat);
  g_test_add_func ("/hub/stream/slow-subscriber", test_slow_subscriber);
  g_test_add_func ("/hub/errors", test_errors);
  g_test_add_func ("/hub/commands/durable-after-kill9", test_durable_commands);
  g_test_add_func ("/hub/commands/lifecycle", test_lifecycle);
  g_test_add_func ("/hub/simulator/same-seed-same-run", test_simulator_deterministic);
  g_test_add_func ("/hub/simulator/one-delta-per-tick", test_simulator_batches);
  return g_test_run ();
}
