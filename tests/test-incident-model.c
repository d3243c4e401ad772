// SPDX-License-Identifier: GPL-3.0-or-later
/* What the operator's queue is built on: the stage clock reads green, yellow from 80 % and red
 * past the deadline with how many times the limit has run; an incident from the hub's JSON
 * keeps its grid path, units and reasons; the model follows the incidents layer one incident
 * at a time, and the map symbol turns yellow when the clock does, without a hub update. */
#include "pano-incident-model.h"
#include "pano-live-classify.h"
#include "pano-protocol.h"

#include <string.h>

#define MINUTE (60 * 1000)

static void
test_clock (void)
{
  gint64 since = 1000 * 1000, deadline = since + 30 * MINUTE;
  PanoStageClock clock;

  pano_incident_clock (since, deadline, FALSE, since + 10 * MINUTE, &clock);
  g_assert_cmpint (clock.state, ==, PANO_CLOCK_ON_TIME);
  g_assert_cmpfloat_with_epsilon (clock.share, 1.0 / 3, 1e-9);
  g_assert_cmpint (clock.remaining_ms, ==, 20 * MINUTE);

  pano_incident_clock (since, deadline, FALSE, since + 24 * MINUTE, &clock);
  g_assert_cmpint (clock.state, ==, PANO_CLOCK_DUE_SOON);   /* exactly 80 % */
  pano_incident_clock (since, deadline, FALSE, since + 24 * MINUTE - 1, &clock);
  g_assert_cmpint (clock.state, ==, PANO_CLOCK_ON_TIME);

  /* 75 minutes into a 30-minute stage: overdue, 2.5 times the limit */
  pano_incident_clock (since, deadline, FALSE, since + 75 * MINUTE, &clock);
  g_assert_cmpint (clock.state, ==, PANO_CLOCK_OVERDUE);
  g_assert_cmpfloat_with_epsilon (clock.overdue_factor, 2.5, 1e-9);
  g_assert_cmpint (clock.remaining_ms, ==, -45 * MINUTE);

  /* the hub's flag wins over a lagging local clock */
  pano_incident_clock (since, deadline, TRUE, since + MINUTE, &clock);
  g_assert_cmpint (clock.state, ==, PANO_CLOCK_OVERDUE);
  g_assert_cmpfloat (clock.overdue_factor, ==, 1.0);

  /* a final stage has no clock */
  pano_incident_clock (since, 0, FALSE, since + MINUTE, &clock);
  g_assert_cmpint (clock.state, ==, PANO_CLOCK_NONE);
}

#define INCIDENT(id, status, since, deadline, extra) \
  "{\"id\":\"" id "\",\"status\":\"" status "\",\"category\":\"市政设施\",\"severity\":2," \
  "\"title\":\"井盖缺失\",\"source\":\"hotline_12345\",\"location\":[110.79,32.65]," \
  "\"grid\":{\"code\":\"420300-420302-001-0007\",\"city\":\"十堰市\",\"district\":\"茅箭区\"," \
  "\"street\":\"凤凰街道\",\"cell\":\"凤凰街道第7网格\"}," \
  "\"reported_at\":\"" since "\",\"stage_since\":\"" since "\",\"deadline\":" deadline "," \
  "\"overdue\":false,\"version\":3,\"units\":[],\"notes\":[]" extra "}"

static void
test_record (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PanoIncidentRecord) r = pano_incident_record_new (
    INCIDENT ("INC-000007", "returned", "2026-12-01T08:00:00.000Z", "\"2026-12-01T08:30:00.000Z\"",
              ",\"return_reason\":\"地址不在辖区\",\"units\":[{\"id\":\"fire-3-1\","
              "\"acknowledged\":true,\"acknowledged_at\":\"2026-12-01T08:01:00.000Z\"}]"),
    &error);
  g_autofree char *district = NULL, *street = NULL, *cell = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (pano_incident_record_get_id (r), ==, "INC-000007");
  g_assert_cmpint (pano_incident_record_get_status (r), ==, PANO_INCIDENT_RETURNED);
  g_assert_false (pano_incident_record_is_final (r));
  g_assert_cmpstr (pano_incident_record_get_reason (r), ==, "地址不在辖区");
  g_assert_cmpuint (pano_incident_record_get_severity (r), ==, 2);
  g_assert_cmpint (pano_incident_record_get_version (r), ==, 3);
  g_assert_cmpint (pano_incident_record_get_deadline_ms (r) -
                   pano_incident_record_get_stage_since_ms (r), ==, 30 * MINUTE);
  g_assert_cmpstr (pano_incident_record_get_grid_name (r, PANO_GRID_STREET), ==, "凤凰街道");
  district = pano_incident_record_dup_grid_prefix (r, PANO_GRID_DISTRICT);
  street = pano_incident_record_dup_grid_prefix (r, PANO_GRID_STREET);
  cell = pano_incident_record_dup_grid_prefix (r, PANO_GRID_CELL);
  g_assert_cmpstr (district, ==, "420300-420302");
  g_assert_cmpstr (street, ==, "420300-420302-001");
  g_assert_cmpstr (cell, ==, "420300-420302-001-0007");
  g_assert_cmpuint (pano_incident_record_get_n_units (r), ==, 1);
  g_assert_true (pano_incident_record_get_unit (r, 0)->acknowledged);
  g_assert_true (pano_incident_record_has_unit (r, "fire-3-1"));
  g_assert_true (pano_incident_record_matches (r, "inc-0000"));
  g_assert_true (pano_incident_record_matches (r, "井盖"));
  g_assert_false (pano_incident_record_matches (r, "火灾"));

  /* not an incident: refused with words, not a crash */
  g_assert_null (pano_incident_record_new ("[1,2]", &error));
  g_assert_nonnull (error);
}

/* ---- the model on a live store ---- */

static const char * const layers[] = { "incidents", NULL };

static void
apply (PanoLiveStore *store,
       const char    *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PanoFeedFrame) frame = pano_feed_frame_decode (json, strlen (json), &error);

  g_assert_no_error (error);
  g_assert_true (pano_live_store_apply (store, frame, &error));
  g_assert_no_error (error);
  pano_live_store_flush (store);
}

/* An `incidents` entity as the hub sends it. */
static char *
entity (const char *id,
        const char *status,
        const char *since,
        const char *deadline_json)
{
  g_autofree char *properties = g_strdup_printf (INCIDENT ("%s", "%s", "%s", "%s", ""), id,
                                                 status, since, since, deadline_json);

  return g_strdup_printf ("{\"id\":\"%s\",\"geometry\":{\"type\":\"Point\",\"coordinates\":"
                          "[110.79,32.65]},\"properties\":%s,\"updated_at\":"
                          "\"2026-12-01T08:00:00.000Z\",\"stale_after\":null}", id, properties);
}

typedef struct
{
  guint signals;
  guint position, removed, added;
} Changes;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  changes->signals++;
  changes->position = position;
  changes->removed = removed;
  changes->added = added;
}

static char *
time_text (gint64 ms)
{
  return pano_protocol_format_time (ms * 1000);
}

static void
test_model (void)
{
  g_autoptr(PanoLiveStore) store = pano_live_store_new (layers);
  g_autoptr(PanoIncidentModel) model = pano_incident_model_new (store);
  gint64 now = g_get_real_time () / 1000;
  g_autofree char *since = time_text (now - 10 * MINUTE);
  g_autofree char *soon = time_text (now + 2 * MINUTE);
  g_autofree char *later = time_text (now + 60 * MINUTE);
  g_autofree char *deadline = g_strdup_printf ("\"%s\"", soon);
  g_autofree char *far = g_strdup_printf ("\"%s\"", later);
  g_autofree char *a = NULL, *b = NULL, *b2 = NULL, *c = NULL, *snapshot = NULL, *delta = NULL;
  PanoLiveLayer *layer;
  PanoIncidentRecord *before, *after;
  Changes changes = { 0 };

  /* A: due in 2 of 12 minutes (83 %: yellow); B: an hour left (green); C: closed */
  a = entity ("INC-000001", "reported", since, deadline);
  b = entity ("INC-000002", "accepted", since, far);
  c = entity ("INC-000003", "closed", since, "null");
  snapshot = g_strdup_printf ("{\"type\":\"snapshot\",\"layer\":\"incidents\",\"epoch\":\"e\","
                              "\"seq\":3,\"chunk\":0,\"chunks\":1,\"entities\":[%s,%s,%s]}",
                              a, b, c);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &changes);
  apply (store, snapshot);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);
  g_assert_cmpuint (changes.signals, ==, 1);

  layer = pano_live_store_get_layer (store, "incidents");
  g_assert_cmpuint (pano_live_layer_get_class (layer, pano_live_layer_lookup (layer, "INC-000001")),
                    ==, PANO_INCIDENT_CLASS_DUE_SOON);
  g_assert_cmpuint (pano_live_layer_get_class (layer, pano_live_layer_lookup (layer, "INC-000002")),
                    ==, PANO_INCIDENT_CLASS_ON_TIME);
  g_assert_cmpuint (pano_live_layer_get_class (layer, pano_live_layer_lookup (layer, "INC-000003")),
                    ==, PANO_INCIDENT_CLASS_CLOSED);

  /* one incident changes: one record replaced, one signal, the others untouched */
  before = pano_incident_model_lookup (model, "INC-000001");
  changes.signals = 0;
  b2 = entity ("INC-000002", "dispatched", since, far);
  delta = g_strdup_printf ("{\"type\":\"delta\",\"layer\":\"incidents\",\"from_seq\":4,\"seq\":4,"
                           "\"changes\":[{\"op\":\"upsert\",\"entity\":%s}]}", b2);
  apply (store, delta);
  g_assert_cmpuint (changes.signals, ==, 1);
  g_assert_cmpuint (changes.removed, ==, 1);
  g_assert_cmpuint (changes.added, ==, 1);
  after = g_list_model_get_item (G_LIST_MODEL (model), changes.position);
  g_assert_cmpstr (pano_incident_record_get_id (after), ==, "INC-000002");
  g_assert_cmpint (pano_incident_record_get_status (after), ==, PANO_INCIDENT_DISPATCHED);
  g_object_unref (after);
  g_assert_true (pano_incident_model_lookup (model, "INC-000001") == before);

  /* removed */
  g_clear_pointer (&delta, g_free);
  delta = g_strdup ("{\"type\":\"delta\",\"layer\":\"incidents\",\"from_seq\":5,\"seq\":5,"
                    "\"changes\":[{\"op\":\"remove\",\"id\":\"INC-000003\"}]}");
  apply (store, delta);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);
  g_assert_null (pano_incident_model_lookup (model, "INC-000003"));

  /* time passes: A's clock runs out, its symbol turns red with no word from the hub */
  g_assert_cmpuint (pano_incident_model_tick (model, now + 3 * MINUTE), ==, 1);
  g_assert_cmpuint (pano_live_layer_get_class (layer, pano_live_layer_lookup (layer, "INC-000001")),
                    ==, PANO_INCIDENT_CLASS_OVERDUE);
  g_assert_cmpuint (pano_incident_model_tick (model, now + 3 * MINUTE), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/incident/clock", test_clock);
  g_test_add_func ("/incident/record", test_record);
  g_test_add_func ("/incident/model", test_model);
  return g_test_run ();
}
