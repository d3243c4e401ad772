// SPDX-License-Identifier: GPL-3.0-or-later
/* Frames of docs/protocol.md applied to the console's store: a chunked snapshot appears only
 * whole, deltas apply in order, a coalesced delta counts what it replaced, a gap is refused,
 * and a new epoch forgets every position. Also the draw classes of the plans' standards. */
#include "pano-live-classify.h"
#include "pano-live-store.h"
#include "pano-mercator.h"
#include "pano-protocol.h"

#include <string.h>

static const char * const layers[] = { "environment", "traffic", NULL };

static PanoFeedFrame *
frame (const char *json)
{
  g_autoptr(GError) error = NULL;
  PanoFeedFrame *f = pano_feed_frame_decode (json, strlen (json), &error);

  g_assert_no_error (error);
  return f;
}

static void
apply_ok (PanoLiveStore *store, const char *json)
{
  g_autoptr(PanoFeedFrame) f = frame (json);
  g_autoptr(GError) error = NULL;

  g_assert_true (pano_live_store_apply (store, f, &error));
  g_assert_no_error (error);
}

#define STATION(id, aqi) \
  "{\"id\":\"" id "\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[110.79,32.63]}," \
  "\"properties\":{\"kind\":\"env_station\",\"aqi\":" aqi "}," \
  "\"updated_at\":\"2026-11-25T08:30:00.123Z\",\"stale_after\":\"2026-11-25T08:35:00.123Z\"}"

static guint changed_count;

static void
on_changed (PanoLiveStore *store, const char *layer, gpointer data)
{
  changed_count++;
}

static void
test_snapshot_then_deltas (void)
{
  g_autoptr(PanoLiveStore) store = pano_live_store_new (layers);
  PanoLiveLayer *env;
  int slot;

  g_signal_connect (store, "changed::environment", G_CALLBACK (on_changed), NULL);
  apply_ok (store, "{\"type\":\"snapshot\",\"layer\":\"environment\",\"epoch\":\"e1\",\"seq\":7,"
                   "\"chunk\":0,\"chunks\":2,\"entities\":[" STATION ("env-1", "42") "]}");
  /* half a snapshot is not shown */
  g_assert_cmpuint (pano_live_layer_get_n_entities (pano_live_store_get_layer (store, "environment")), ==, 0);
  g_assert_cmpint (pano_live_store_get_seq (store, "environment"), ==, -1);
  apply_ok (store, "{\"type\":\"snapshot\",\"layer\":\"environment\",\"epoch\":\"e1\",\"seq\":7,"
                   "\"chunk\":1,\"chunks\":2,\"entities\":[" STATION ("env-2", "160") "]}");
  env = pano_live_store_get_layer (store, "environment");
  g_assert_cmpuint (pano_live_layer_get_n_entities (env), ==, 2);
  g_assert_cmpint (pano_live_store_get_seq (store, "environment"), ==, 7);
  slot = pano_live_layer_lookup (env, "env-2");
  g_assert_cmpuint (pano_live_layer_get_class (env, slot), ==, PANO_AQI_MODERATE);
  g_assert_cmpfloat (pano_live_layer_get_value (env, slot), ==, 160);

  apply_ok (store, "{\"type\":\"delta\",\"layer\":\"environment\",\"from_seq\":8,\"seq\":8,"
                   "\"changes\":[{\"op\":\"upsert\",\"entity\":" STATION ("env-1", "320") "}]}");
  apply_ok (store, "{\"type\":\"delta\",\"layer\":\"environment\",\"from_seq\":9,\"seq\":12,"
                   "\"coalesced\":3,\"changes\":[{\"op\":\"remove\",\"id\":\"env-2\"}]}");
  g_assert_cmpuint (pano_live_layer_get_class (env, pano_live_layer_lookup (env, "env-1")), ==,
                    PANO_AQI_SEVERE);
  g_assert_cmpint (pano_live_layer_lookup (env, "env-2"), ==, -1);
  g_assert_cmpint (pano_live_store_get_seq (store, "environment"), ==, 12);
  g_assert_cmpuint (pano_live_store_get_coalesced (store, "environment"), ==, 3);

  /* listeners hear once per flush, however many frames were applied */
  changed_count = 0;
  pano_live_store_flush (store);
  pano_live_store_flush (store);
  g_assert_cmpuint (changed_count, ==, 1);
}

static void
test_gap_refused (void)
{
  g_autoptr(PanoLiveStore) store = pano_live_store_new (layers);
  g_autoptr(PanoFeedFrame) gap = NULL;
  g_autoptr(GError) error = NULL;

  apply_ok (store, "{\"type\":\"snapshot\",\"layer\":\"traffic\",\"epoch\":\"e1\",\"seq\":3,"
                   "\"chunk\":0,\"chunks\":1,\"entities\":[]}");
  gap = frame ("{\"type\":\"delta\",\"layer\":\"traffic\",\"from_seq\":5,\"seq\":5,\"changes\":[]}");
  g_assert_false (pano_live_store_apply (store, gap, &error));
  g_assert_error (error, PANO_FEED_ERROR, PANO_FEED_ERROR_GAP);
  g_assert_cmpint (pano_live_store_get_seq (store, "traffic"), ==, 3);
}

static void
apply_gap (PanoLiveStore *store, const char *json)
{
  g_autoptr(PanoFeedFrame) f = frame (json);
  g_autoptr(GError) error = NULL;

  g_assert_false (pano_live_store_apply (store, f, &error));
  g_assert_error (error, PANO_FEED_ERROR, PANO_FEED_ERROR_GAP);
  g_test_message ("%s", error->message);
}

#define DELTA(from, to, id, aqi) \
  "{\"type\":\"delta\",\"layer\":\"environment\",\"from_seq\":" from ",\"seq\":" to "," \
  "\"changes\":[{\"op\":\"upsert\",\"entity\":" STATION (id, aqi) "}]}"

/* After a gap the layer is resubscribed once: the deltas still in flight are dropped quietly
 * (each would be another gap, another subscription, another snapshot on the hub) until the
 * snapshot arrives; the deltas after it apply again. */
static void
test_gap_then_one_resubscribe (void)
{
  g_autoptr(PanoLiveStore) store = pano_live_store_new (layers);
  PanoLiveLayer *env;
  guint gaps = 0;
  const char *in_flight[] = { DELTA ("6", "6", "env-6", "10"), DELTA ("7", "9", "env-7", "10"),
                              DELTA ("10", "10", "env-10", "10") };

  apply_ok (store, "{\"type\":\"snapshot\",\"layer\":\"environment\",\"seq\":3,\"chunks\":1,"
                   "\"entities\":[" STATION ("env-1", "42") "]}");
  apply_gap (store, DELTA ("5", "5", "env-5", "10"));
  gaps++;
  pano_live_store_forget (store, "environment");   /* what the feed does on a gap */
  g_assert_true (pano_live_store_is_awaiting_snapshot (store, "environment"));
  for (guint i = 0; i < G_N_ELEMENTS (in_flight); i++)
    {
      g_autoptr(PanoFeedFrame) f = frame (in_flight[i]);
      g_autoptr(GError) error = NULL;

      if (!pano_live_store_apply (store, f, &error))
        gaps++;
    }
  g_assert_cmpuint (gaps, ==, 1);
  g_assert_cmpuint (pano_live_store_get_n_dropped (store, "environment"), ==, 3);
  env = pano_live_store_get_layer (store, "environment");
  g_assert_cmpint (pano_live_layer_lookup (env, "env-7"), ==, -1);

  apply_ok (store, "{\"type\":\"snapshot\",\"layer\":\"environment\",\"seq\":12,\"chunks\":1,"
                   "\"entities\":[" STATION ("env-12", "42") "]}");
  g_assert_false (pano_live_store_is_awaiting_snapshot (store, "environment"));
  apply_ok (store, DELTA ("13", "13", "env-13", "99"));
  env = pano_live_store_get_layer (store, "environment");
  g_assert_cmpuint (pano_live_layer_get_n_entities (env), ==, 2);
  g_assert_cmpint (pano_live_store_get_seq (store, "environment"), ==, 13);
  /* and a later gap is a gap again */
  apply_gap (store, DELTA ("15", "15", "env-15", "10"));
}

#define CHUNK(seq, chunk, chunks, id) \
  "{\"type\":\"snapshot\",\"layer\":\"environment\",\"seq\":" seq ",\"chunk\":" chunk "," \
  "\"chunks\":" chunks ",\"entities\":[" STATION (id, "42") "]}"

/* A snapshot is swapped in only whole and in order: a missing, repeated or foreign chunk, or a
 * delta inside it, is a gap and the layer keeps what it showed. */
static void
test_snapshot_chunks_checked (void)
{
  g_autoptr(PanoLiveStore) store = pano_live_store_new (layers);
  PanoLiveLayer *env;

  apply_ok (store, CHUNK ("4", "0", "1", "old"));
  env = pano_live_store_get_layer (store, "environment");

  /* chunk 1 missing */
  apply_ok (store, CHUNK ("7", "0", "3", "a"));
  apply_gap (store, CHUNK ("7", "2", "3", "c"));
  g_assert_true (pano_live_store_get_layer (store, "environment") == env);
  g_assert_cmpint (pano_live_store_get_seq (store, "environment"), ==, 4);

  /* a last chunk with no beginning */
  apply_gap (store, CHUNK ("8", "1", "2", "b"));
  /* a chunk repeated */
  apply_ok (store, CHUNK ("9", "0", "3", "a"));
  apply_ok (store, CHUNK ("9", "1", "3", "b"));
  apply_gap (store, CHUNK ("9", "1", "3", "b"));
  /* a chunk of another snapshot */
  apply_ok (store, CHUNK ("11", "0", "2", "a"));
  apply_gap (store, CHUNK ("12", "1", "2", "b"));
  /* chunk numbers that cannot be */
  apply_gap (store, CHUNK ("13", "2", "2", "b"));
  /* a delta between the chunks */
  apply_ok (store, CHUNK ("14", "0", "2", "a"));
  apply_gap (store, "{\"type\":\"delta\",\"layer\":\"environment\",\"from_seq\":5,\"seq\":5,"
                    "\"changes\":[]}");
  apply_gap (store, CHUNK ("14", "1", "2", "b"));

  g_assert_true (pano_live_store_get_layer (store, "environment") == env);
  g_assert_cmpuint (pano_live_layer_get_n_entities (env), ==, 1);
  g_assert_cmpint (pano_live_layer_lookup (env, "old"), >=, 0);
  g_assert_cmpint (pano_live_store_get_seq (store, "environment"), ==, 4);

  /* whole and in order, it is swapped in */
  apply_ok (store, CHUNK ("20", "0", "3", "a"));
  apply_ok (store, CHUNK ("20", "1", "3", "b"));
  g_assert_cmpint (pano_live_store_get_seq (store, "environment"), ==, 4);
  apply_ok (store, CHUNK ("20", "2", "3", "c"));
  env = pano_live_store_get_layer (store, "environment");
  g_assert_cmpuint (pano_live_layer_get_n_entities (env), ==, 3);
  g_assert_cmpint (pano_live_layer_lookup (env, "old"), ==, -1);
  g_assert_cmpint (pano_live_store_get_seq (store, "environment"), ==, 20);
}

static void
test_new_epoch_forgets (void)
{
  g_autoptr(PanoLiveStore) store = pano_live_store_new (layers);

  pano_live_store_set_epoch (store, "e1");
  apply_ok (store, "{\"type\":\"snapshot\",\"layer\":\"traffic\",\"epoch\":\"e1\",\"seq\":3,"
                   "\"chunks\":1,\"entities\":[]}");
  pano_live_store_set_epoch (store, "e1");
  g_assert_cmpint (pano_live_store_get_seq (store, "traffic"), ==, 3);
  pano_live_store_set_epoch (store, "e2");
  g_assert_cmpint (pano_live_store_get_seq (store, "traffic"), ==, -1);
}

static void
test_traffic_line (void)
{
  g_autoptr(PanoLiveStore) store = pano_live_store_new (layers);
  PanoLiveLayer *traffic;
  guint n;
  int slot;

  apply_ok (store, "{\"type\":\"snapshot\",\"layer\":\"traffic\",\"seq\":1,\"chunks\":1,"
                   "\"entities\":[{\"id\":\"road-1\",\"geometry\":{\"type\":\"LineString\","
                   "\"coordinates\":[[110.70,32.60],[110.71,32.61],[110.72,32.60]]},"
                   "\"properties\":{\"congestion\":\"拥堵\",\"speed_kmh\":12.5,"
                   "\"class\":\"local\"}}]}");
  traffic = pano_live_store_get_layer (store, "traffic");
  slot = pano_live_layer_lookup (traffic, "road-1");
  g_assert_nonnull (pano_live_layer_get_coords (traffic, slot, &n));
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (pano_live_layer_get_class (traffic, slot), ==, PANO_CONGESTION_CONGESTED);
  g_assert_cmpfloat (pano_live_layer_get_value (traffic, slot), ==, PANO_ROAD_LOCAL);
}

static void
test_malformed_frames (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (pano_feed_frame_decode ("{not json", 9, &error));
  g_assert_error (error, PANO_PROTOCOL_ERROR, PANO_PROTOCOL_ERROR_BAD_JSON);
  g_clear_error (&error);
  g_assert_null (pano_feed_frame_decode ("[1,2]", 5, &error));
  g_assert_error (error, PANO_PROTOCOL_ERROR, PANO_PROTOCOL_ERROR_BAD_JSON);
  g_clear_error (&error);
  g_assert_null (pano_feed_frame_decode ("{\"type\":\"delta\"}", 16, &error));
  g_assert_error (error, PANO_PROTOCOL_ERROR, PANO_PROTOCOL_ERROR_BAD_FRAME);
}

/* Times as the hub writes them, read without GDateTime, agree with it to the millisecond;
 * other RFC 3339 forms still parse. */
static void
test_times (void)
{
  static const char *times[] = {
    "1970-01-01T00:00:00.000Z", "2000-02-29T23:59:59.999Z", "2000-03-01T00:00:00.001Z",
    "2024-02-29T12:00:00.500Z", "2026-12-01T22:13:47.123Z", "2099-12-31T23:59:59.000Z",
  };

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (times[i], NULL);

      g_assert_cmpint (pano_feed_parse_time (times[i]), ==,
                       g_date_time_to_unix (t) * 1000 + g_date_time_get_microsecond (t) / 1000);
    }
  g_assert_cmpint (pano_feed_parse_time ("2026-12-02T06:13:47+08:00"), ==,
                   pano_feed_parse_time ("2026-12-01T22:13:47.000Z"));
  g_assert_cmpint (pano_feed_parse_time ("2026-13-01T22:13:47.123Z"), ==, 0);
  g_assert_cmpint (pano_feed_parse_time ("yesterday"), ==, 0);
  g_assert_cmpint (pano_feed_parse_time (NULL), ==, 0);
}

/* One delta read field by field: ids and names with escapes, a line's every vertex, the
 * properties as sent, the class from a named level, both times. */
static void
test_decode_entity (void)
{
  const char *text =
    "{\"type\":\"delta\",\"layer\":\"traffic\",\"from_seq\":3,\"seq\":4,\"coalesced\":1,"
    "\"changes\":[{\"op\":\"upsert\",\"entity\":{\"id\":\"road-\\u4e00\","
    "\"geometry\":{\"type\":\"LineString\","
    "\"coordinates\":[[110.7,32.6],[110.8,32.65],[110.9,32.7]]},"
    "\"properties\":{\"name\":\"\\\"北京路\\\"\",\"level\":\"拥堵\",\"class\":\"arterial\"},"
    "\"updated_at\":\"2026-12-01T22:13:47.123Z\",\"stale_after\":\"2026-12-01T22:18:47.123Z\"}},"
    "{\"op\":\"remove\",\"id\":\"road-9\"},{\"op\":\"upsert\",\"entity\":{\"name\":\"no id\"}}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(PanoFeedFrame) f = pano_feed_frame_decode (text, strlen (text), &error);
  PanoFeedChange *c;

  g_assert_no_error (error);
  g_assert_cmpint (f->type, ==, PANO_FEED_FRAME_DELTA);
  g_assert_cmpstr (f->layer, ==, "traffic");
  g_assert_cmpint (f->from_seq, ==, 3);
  g_assert_cmpint (f->seq, ==, 4);
  g_assert_cmpuint (f->coalesced, ==, 1);
  g_assert_cmpuint (f->changes->len, ==, 2);   /* the entity without an id is dropped */

  c = &g_array_index (f->changes, PanoFeedChange, 0);
  g_assert_false (c->remove);
  g_assert_cmpstr (c->entity.id, ==, "road-一");
  g_assert_cmpuint (c->entity.n_coords, ==, 3);
  g_assert_cmpfloat_with_epsilon (c->entity.coords[4], pano_mercator_x_from_lon (110.9), 1e-15);
  g_assert_cmpfloat_with_epsilon (c->entity.coords[5], pano_mercator_y_from_lat (32.7), 1e-15);
  g_assert_cmpstr (c->entity.properties, ==,
                   "{\"name\":\"\\\"北京路\\\"\",\"level\":\"拥堵\",\"class\":\"arterial\"}");
  g_assert_cmpuint (c->entity.klass, ==, PANO_CONGESTION_CONGESTED);
  g_assert_cmpfloat (c->entity.value, ==, PANO_ROAD_ARTERIAL);
  g_assert_cmpint (c->entity.updated_ms, ==, pano_feed_parse_time ("2026-12-01T22:13:47.123Z"));
  g_assert_cmpint (c->entity.stale_after_ms - c->entity.updated_ms, ==, 5 * 60 * 1000);
  g_assert_cmpint (f->newest_update_ms, ==, c->entity.updated_ms);

  c = &g_array_index (f->changes, PanoFeedChange, 1);
  g_assert_true (c->remove);
  g_assert_cmpstr (c->entity.id, ==, "road-9");
}

static void
test_aqi_bands (void)
{
  g_assert_cmpint (pano_aqi_band_for_value (50), ==, PANO_AQI_EXCELLENT);
  g_assert_cmpint (pano_aqi_band_for_value (51), ==, PANO_AQI_GOOD);
  g_assert_cmpint (pano_aqi_band_for_value (150), ==, PANO_AQI_LIGHT);
  g_assert_cmpint (pano_aqi_band_for_value (200), ==, PANO_AQI_MODERATE);
  g_assert_cmpint (pano_aqi_band_for_value (300), ==, PANO_AQI_HEAVY);
  g_assert_cmpint (pano_aqi_band_for_value (301), ==, PANO_AQI_SEVERE);
}

/* A big snapshot chunk is applied in pieces under a deadline, and shows only once complete. */
static void
test_apply_in_pieces (void)
{
  g_autoptr(PanoLiveStore) store = pano_live_store_new (layers);
  GString *json = g_string_new ("{\"type\":\"snapshot\",\"layer\":\"environment\",\"seq\":5,"
                                "\"chunks\":1,\"entities\":[");
  g_autoptr(PanoFeedFrame) f = NULL;
  g_autoptr(GError) error = NULL;
  guint next = 0, pieces = 0;

  for (guint i = 0; i < 2000; i++)
    g_string_append_printf (json, "%s{\"id\":\"s%u\",\"geometry\":{\"type\":\"Point\","
                            "\"coordinates\":[110.7,32.6]},\"properties\":{\"aqi\":%u}}",
                            i ? "," : "", i, i % 400);
  g_string_append (json, "]}");
  f = frame (json->str);
  g_string_free (json, TRUE);

  /* a deadline already past: 256 changes per call */
  while (!pano_live_store_apply_until (store, f, &next, 0, &error))
    {
      g_assert_no_error (error);
      g_assert_cmpuint (pano_live_layer_get_n_entities (pano_live_store_get_layer (store, "environment")), ==, 0);
      pieces++;
    }
  g_assert_cmpuint (pieces, ==, 7);
  g_assert_cmpuint (pano_live_layer_get_n_entities (pano_live_store_get_layer (store, "environment")), ==, 2000);
  g_assert_cmpint (pano_live_store_get_seq (store, "environment"), ==, 5);
}

static void
test_congestion_index (void)
{
  guint all_free[PANO_LIVE_MAX_CLASSES] = { 0, 10 };
  guint all_jammed[PANO_LIVE_MAX_CLASSES] = { 5, 0, 0, 0, 10 };
  guint half[PANO_LIVE_MAX_CLASSES] = { 0, 5, 0, 0, 5 };
  guint none[PANO_LIVE_MAX_CLASSES] = { 3 };

  g_assert_cmpfloat (pano_congestion_index (all_free), ==, 0);
  g_assert_cmpfloat (pano_congestion_index (all_jammed), ==, 10);
  g_assert_cmpfloat (pano_congestion_index (half), ==, 5);
  g_assert_cmpfloat (pano_congestion_index (none), ==, -1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/live-store/snapshot-then-deltas", test_snapshot_then_deltas);
  g_test_add_func ("/live-store/gap-refused", test_gap_refused);
  g_test_add_func ("/live-store/new-epoch-forgets", test_new_epoch_forgets);
  g_test_add_func ("/live-store/gap-then-one-resubscribe", test_gap_then_one_resubscribe);
  g_test_add_func ("/live-store/snapshot-chunks-checked", test_snapshot_chunks_checked);
  g_test_add_func ("/live-store/traffic-line", test_traffic_line);
  g_test_add_func ("/live-store/malformed-frames", test_malformed_frames);
  g_test_add_func ("/live-store/times", test_times);
  g_test_add_func ("/live-store/decode-entity", test_decode_entity);
  g_test_add_func ("/live-store/aqi-bands", test_aqi_bands);
  g_test_add_func ("/live-store/congestion-index", test_congestion_index);
  g_test_add_func ("/live-store/apply-in-pieces", test_apply_in_pieces);
  return g_test_run ();
}
