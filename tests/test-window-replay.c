// SPDX-License-Identifier: GPL-3.0-or-later
/* 复盘 as an operator uses it, on a real hub: the replay bar opens over the map with a red
 * REPLAY badge; sought to a time, the map's events layer holds exactly what the hub's history
 * says was there then, entity by entity (id, position, properties), and the incident queue
 * lists the incidents of then with the card's timeline up to then, while the live store keeps
 * the present; Back to Live removes the badge and the replayed layers and shows live again. */
#include "pano-application.h"
#include "pano-live-map-layer.h"
#include "pano-mercator.h"
#include "pano-test-gui.h"
#include "pano-test-hub.h"
#include "pano-test-util.h"
#include "pano-window.h"

#include <string.h>

#define N_STEPS 3

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static gboolean
clock_passed (gpointer data)
{
  return now_ms () > *(gint64 *) data + 2;
}

typedef struct
{
  PanoWindow *window;
  guint n;
} LiveWait;

static gboolean
live_has (gpointer data)
{
  LiveWait *wait = data;
  PanoLiveStore *store = pano_window_get_live_store (wait->window);

  return pano_live_layer_get_n_entities (pano_live_store_get_layer (store, "events")) == wait->n;
}

static gboolean
replay_ready (gpointer data)
{
  PanoReplayEngine *engine = pano_window_get_replay_engine (data);

  return engine != NULL && pano_replay_engine_get_start (engine) > 0 &&
         !pano_replay_engine_is_seeking (engine);
}

static gboolean
queue_has_one (gpointer data)
{
  return pano_incident_queue_get_count (pano_window_get_queue (data), PANO_QUEUE_ALL) == 1;
}

static gboolean
queue_empty (gpointer data)
{
  return pano_incident_queue_get_count (pano_window_get_queue (data), PANO_QUEUE_ALL) == 0;
}

typedef struct
{
  PanoWindow *window;
  gint64 at;
} SeekWait;

typedef struct
{
  PanoWindow *window;
  guint n;
} TimelineWait;

static gboolean
timeline_has (gpointer data)
{
  TimelineWait *wait = data;

  return pano_incident_card_get_n_timeline (pano_window_get_card (wait->window)) == wait->n;
}

static gboolean
sought (gpointer data)
{
  SeekWait *wait = data;
  PanoReplayEngine *engine = pano_window_get_replay_engine (wait->window);

  return !pano_replay_engine_is_seeking (engine) &&
         pano_replay_engine_get_position (engine) == wait->at;
}

/* Step @k adds three events and moves the ones before; step 2 also removes one. */
static char *
make_step (guint k)
{
  g_autoptr(GString) body = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");

  for (guint i = 0; i < 3 * (k + 1); i++)
    g_string_append_printf (body, "%s{\"type\":\"Feature\",\"id\":\"ev-%u\",\"geometry\":"
                            "{\"type\":\"Point\",\"coordinates\":[%.4f,%.4f]},\"properties\":"
                            "{\"name\":\"事件 %u\",\"status\":\"上报\",\"step\":%u}}",
                            i ? "," : "", i, 110.75 + 0.004 * i, 32.62 + 0.003 * k, i, k);
  if (k == 2)
    g_string_append (body, ",{\"type\":\"Feature\",\"id\":\"ev-0\",\"geometry\":null,"
                           "\"properties\":{\"_remove\":true}}");
  g_string_append (body, "]}");
  return g_string_free (g_steal_pointer (&body), FALSE);
}

/* What the console shows for the events layer equals the hub's history at @at. */
static void
assert_replay_equals_hub (PanoTestHub *hub,
                          PanoWindow  *window,
                          gint64       at,
                          guint        expected)
{
  PanoLiveLayer *layer = pano_live_store_get_layer (pano_replay_engine_get_store (
                           pano_window_get_replay_engine (window)), "events");
  g_autofree char *path = g_strdup_printf ("/v1/replay/state?layer=events&at=%" G_GINT64_FORMAT,
                                           at);
  guint status;
  g_autoptr(JsonNode) answer = pano_test_hub_request (hub, "GET", path, "view", NULL, &status);
  JsonArray *entities;

  g_assert_cmpuint (status, ==, 200);
  entities = json_object_get_array_member (json_node_get_object (answer), "entities");
  g_assert_cmpuint (json_array_get_length (entities), ==, expected);
  g_assert_cmpuint (pano_live_layer_get_n_entities (layer), ==, expected);
  for (guint i = 0; i < expected; i++)
    {
      JsonObject *entity = json_array_get_object_element (entities, i);
      JsonArray *position = json_object_get_array_member (
        json_object_get_object_member (entity, "geometry"), "coordinates");
      int slot = pano_live_layer_lookup (layer, json_object_get_string_member (entity, "id"));
      g_autoptr(JsonNode) shown = NULL;
      double x, y;

      g_assert_cmpint (slot, >=, 0);
      pano_live_layer_get_position (layer, slot, &x, &y);
      g_assert_cmpfloat_with_epsilon (x, pano_mercator_x_from_lon (
                                        json_array_get_double_element (position, 0)), 1e-9);
      g_assert_cmpfloat_with_epsilon (y, pano_mercator_y_from_lat (
                                        json_array_get_double_element (position, 1)), 1e-9);
      shown = json_from_string (pano_live_layer_get_properties (layer, slot), NULL);
      g_assert_true (json_node_equal (shown, json_object_get_member (entity, "properties")));
    }
}

static void
test_replay (void)
{
  g_autoptr(PanoTestHub) hub = pano_test_hub_new (NULL);
  PanoWindow *window;
  LiveWait live;
  SeekWait seek;
  gint64 after[N_STEPS];
  gint64 before_incident = 0;
  g_autofree char *incident = NULL;
  TimelineWait timeline;
  g_autoptr(GPtrArray) map_layers = NULL;

  pano_test_hub_set_config (hub, "[history]\nkeyframe-s = 1\n");
  pano_test_hub_spawn (hub);
  window = pano_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  /* a dispatcher's console: what it may do live, it may not do to the past */
  pano_window_set_hub (window, hub->url, "disp-token");
  gtk_window_present (GTK_WINDOW (window));
  for (guint k = 0; k < N_STEPS; k++)
    {
      g_autofree char *body = make_step (k);

      pano_test_hub_ingest (hub, "events", body);
      /* An incident reported in the first step, after the events (the queue before it has
       * none), and a note on it in the second (its timeline at the first has one entry). */
      if (k == 0)
        {
          g_autoptr(JsonNode) answer = NULL;

          before_incident = now_ms ();
          pano_test_wait_until (clock_passed, &before_incident);
          g_assert_cmpuint (pano_test_hub_rest (hub, "POST", "/v1/commands", "disp-token",
                                                "replay-1", "{\"command\":\"create\","
                                                "\"category\":\"市政设施\",\"severity\":2,"
                                                "\"location\":[110.79,32.65],\"title\":\"复盘\"}",
                                                &answer, NULL), ==, 201);
          incident = g_strdup (json_object_get_string_member (json_object_get_object_member (
                                 json_node_get_object (answer), "incident"), "id"));
        }
      else if (k == 1)
        {
          g_autofree char *note = g_strdup_printf ("{\"command\":\"note\",\"incident\":\"%s\","
                                                   "\"text\":\"现场已核实\"}", incident);

          g_assert_cmpuint (pano_test_hub_rest (hub, "POST", "/v1/commands", "disp-token",
                                                "replay-2", note, NULL, NULL), ==, 200);
        }
      after[k] = now_ms ();
      pano_test_wait_until (clock_passed, &after[k]);
    }
  live = (LiveWait) { window, 3 * N_STEPS - 1 };
  pano_test_wait_until (live_has, &live);
  pano_test_wait_until (queue_has_one, window);

  /* The menu's 复盘: badge and bar. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.replay", NULL);
  pano_test_wait_until (replay_ready, window);
  g_assert_nonnull (pano_test_find_widget (GTK_WIDGET (window), GTK_TYPE_BUTTON,
                                           "Back to Live"));
  {
    GtkWidget *badge = pano_test_find_widget (GTK_WIDGET (window), GTK_TYPE_BOX, "REPLAY");
    g_autoptr(GPtrArray) layers = pano_test_find_all (GTK_WIDGET (pano_window_get_map (window)),
                                                      PANO_TYPE_LIVE_MAP_LAYER);
    guint n_drawn = 0;

    g_assert_nonnull (badge);
    g_assert_true (gtk_widget_is_drawable (badge));
    /* Six layers shown (the replayed ones: the live ones are out of the picture). */
    g_assert_cmpuint (layers->len, ==, 6);
    for (guint i = 0; i < layers->len; i++)
      n_drawn += gtk_widget_is_drawable (layers->pdata[i]);
    g_assert_cmpuint (n_drawn, ==, 6);
  }

  /* Each step's city, and the live store still the present. */
  for (guint k = 0; k < N_STEPS; k++)
    {
      seek = (SeekWait) { window, after[k] + 1 };
      gtk_widget_activate_action (GTK_WIDGET (window), "win.replay-seek", "x", seek.at);
      pano_test_wait_until (sought, &seek);
      assert_replay_equals_hub (hub, window, seek.at, k == 2 ? 8 : 3 * (k + 1));
    }
  seek = (SeekWait) { window, after[0] + 1 };
  gtk_widget_activate_action (GTK_WIDGET (window), "win.replay-seek", "x", seek.at);
  pano_test_wait_until (sought, &seek);
  assert_replay_equals_hub (hub, window, seek.at, 3);
  g_assert_true (live_has (&live));
  /* The incident then, and its timeline up to then: the report, not the later note. */
  pano_test_wait_until (queue_has_one, window);
  pano_incident_card_show (pano_window_get_card (window), incident);
  timeline = (TimelineWait) { window, 1 };
  pano_test_wait_until (timeline_has, &timeline);
  /* A card of the past sends nothing to the present: its actions say why they are off. */
  g_assert_nonnull (pano_incident_card_why_not (pano_window_get_card (window), "accept"));
  g_assert_nonnull (pano_incident_card_why_not (pano_window_get_card (window), "note"));
  seek = (SeekWait) { window, before_incident + 1 };
  gtk_widget_activate_action (GTK_WIDGET (window), "win.replay-seek", "x", seek.at);
  pano_test_wait_until (sought, &seek);
  pano_test_wait_until (queue_empty, window);

  /* Back to live: no badge, no replayed layers, the live ones shown as before. */
  pano_test_click (pano_test_find_widget (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Back to Live"));
  g_assert_null (pano_window_get_replay_engine (window));
  g_assert_null (pano_test_find_widget (GTK_WIDGET (window), GTK_TYPE_BOX, "REPLAY"));
  g_assert_true (queue_has_one (window));
  pano_incident_card_show (pano_window_get_card (window), incident);
  timeline = (TimelineWait) { window, 2 };
  pano_test_wait_until (timeline_has, &timeline);
  g_assert_null (pano_incident_card_why_not (pano_window_get_card (window), "accept"));
  map_layers = pano_test_find_all (GTK_WIDGET (pano_window_get_map (window)),
                                   PANO_TYPE_LIVE_MAP_LAYER);
  g_assert_cmpuint (map_layers->len, ==, 6);
  for (guint i = 0; i < map_layers->len; i++)
    g_assert_true (gtk_widget_is_drawable (map_layers->pdata[i]));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/window-replay/seek-and-back", test_replay);
  return g_test_run ();
}
