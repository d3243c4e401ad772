// SPDX-License-Identifier: GPL-3.0-or-later
/* Operators run incidents from the console, on a real hub with its simulated city and the real
 * widgets: a report made on the map reaches a second console's queue; it is accepted,
 * dispatched to the unit the card ranks first by road ETA (the hub's order), acknowledged and
 * driven by the unit, handled, verified and closed, each step in the timeline with its actor.
 * A viewer sees the actions disabled and a forced one refused in words; a command sent while
 * the hub is frozen and then killed is applied once after the restart; two desks acting on one
 * incident: the later one is told, the card shows the current state and it acts again. */
#include "pano-application.h"
#include "pano-reason-dialog.h"
#include "pano-test-hub.h"
#include "pano-test-util.h"
#include "pano-window.h"

#include <string.h>

static char *tmpdir;

#define HERE_LON 110.79
#define HERE_LAT 32.65

/* ---- consoles ---- */

static gboolean
is_ready (gpointer data)
{
  PanoWindow *window = data;
  return g_str_has_prefix (pano_window_get_feed_status (window), "● Live") &&
         pano_window_get_role (window) != NULL &&
         gtk_widget_is_sensitive (GTK_WIDGET (pano_window_get_queue (window))) &&
         pano_window_get_n_loading (window) == 0 &&
         pano_window_can_report (window);
}

static PanoWindow *
console_open (PanoTestHub *hub,
              const char  *token)
{
  PanoWindow *window = pano_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  pano_window_set_hub (window, hub->url, token);
  gtk_window_present (GTK_WINDOW (window));
  pano_test_wait_until (is_ready, window);
  return window;
}

typedef struct
{
  PanoWindow *window;
  const char *id;
  PanoIncidentStatus status;
  gint64 version;
} Wanted;

static PanoIncidentRecord *
record_of (PanoWindow *window,
           const char *id)
{
  PanoIncidentCard *card = pano_window_get_card (window);

  if (g_strcmp0 (pano_incident_card_get_incident (card), id) == 0)
    return pano_incident_card_get_record (card);
  return NULL;
}

static gboolean
card_shows (gpointer data)
{
  Wanted *w = data;
  PanoIncidentRecord *r = record_of (w->window, w->id);
  return r != NULL && pano_incident_record_get_status (r) == w->status &&
         (w->version < 0 || pano_incident_record_get_version (r) == w->version) &&
         pano_incident_card_get_pending (pano_window_get_card (w->window)) == NULL;
}

static void
wait_card (PanoWindow         *window,
           const char         *id,
           PanoIncidentStatus  status)
{
  Wanted w = { window, id, status, -1 };

  pano_test_wait_until (card_shows, &w);
}

static void
act (PanoWindow *window,
     const char *action)
{
  PanoIncidentCard *card = pano_window_get_card (window);
  g_autofree char *name = g_strconcat ("card.", action, NULL);

  g_test_message ("%s: %s", action, pano_incident_card_why_not (card, action)
                                    ? pano_incident_card_why_not (card, action) : "possible");
  g_assert_true (pano_incident_card_can (card, action));
  g_assert_true (gtk_widget_get_sensitive (pano_incident_card_get_button (card, action)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), name, NULL));
}

/* The dialog an action with a reason opens, answered as an operator would. */
static AdwMessageDialog *
find_reason_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && g_object_get_data (G_OBJECT (w), "entry") != NULL &&
          gtk_widget_get_visible (GTK_WIDGET (w)))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

static void
answer_reason (const char *text)
{
  AdwMessageDialog *dialog = find_reason_dialog ();
  GtkEditable *entry;

  g_assert_nonnull (dialog);
  entry = g_object_get_data (G_OBJECT (dialog), "entry");
  /* no words, no confirm */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "confirm"));
  gtk_editable_set_text (entry, text);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "confirm"));
  g_signal_emit_by_name (entry, "activate");
}

/* ---- pictures for docs/operations.md ---- */

typedef struct
{
  GtkWidget *widget;
  GskRenderNode *node;
} Picture;

/* The widget as last drawn; there is none until a frame has drawn it. */
static gboolean
take_node (gpointer data)
{
  Picture *p = data;
  g_autoptr(GdkPaintable) paintable = NULL;
  GtkSnapshot *snapshot;

  if (!gtk_widget_get_mapped (p->widget) || gtk_widget_get_width (p->widget) == 0)
    return FALSE;
  paintable = gtk_widget_paintable_new (p->widget);
  snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (p->widget),
                          gtk_widget_get_height (p->widget));
  p->node = gtk_snapshot_free_to_node (snapshot);
  return p->node != NULL;
}

static void
count_frame (GdkFrameClock *clock,
             guint         *frames)
{
  (*frames)++;
}

static gboolean
drawn_since (gpointer data)
{
  return *(guint *) data > 0;
}

static void
save_picture (gpointer    window,
              const char *name)
{
  const char *dir = g_getenv ("PANORAMA_DOCS_IMAGES");
  g_autofree char *path = g_build_filename (dir ? dir : tmpdir, name, NULL);
  /* the window's content: a toplevel is painted through its surface, not as a paintable */
  Picture p = { ADW_IS_APPLICATION_WINDOW (window)
                ? adw_application_window_get_content (window)
                : adw_window_get_content (window), NULL };
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;
  GdkFrameClock *clock;
  guint frames = 0;
  gulong id;
  int w, h;

  /* a frame painted after the last change, so the picture shows it */
  pano_test_wait_until ((gboolean (*) (gpointer)) gtk_widget_get_mapped, p.widget);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (count_frame), &frames);
  gtk_widget_queue_draw (p.widget);
  pano_test_wait_until (drawn_since, &frames);
  g_signal_handler_disconnect (clock, id);
  pano_test_wait_until (take_node, &p);
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  w = gtk_widget_get_width (p.widget);
  h = gtk_widget_get_height (p.widget);
  texture = gsk_renderer_render_texture (renderer, p.node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gsk_render_node_unref (p.node);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("picture %s", path);
}

/* ---- report to close ---- */

typedef struct
{
  PanoWindow *window;
  char *id;
} Reported;

static void
on_reported (PanoReportDialog *dialog,
             const char       *id,
             Reported         *reported)
{
  reported->id = g_strdup (id);
}

static gboolean
has_reported_id (gpointer data)
{
  return ((Reported *) data)->id != NULL;
}

static PanoIncidentRecord *
queued (PanoWindow *window,
        const char *id)
{
  PanoIncidentQueue *queue = pano_window_get_queue (window);

  for (guint i = 0; i < pano_incident_queue_get_n_shown (queue); i++)
    if (g_str_equal (pano_incident_record_get_id (pano_incident_queue_get_shown (queue, i)), id))
      return pano_incident_queue_get_shown (queue, i);
  return NULL;
}

static gboolean
queue_has (gpointer data)
{
  Wanted *w = data;

  return queued (w->window, w->id) != NULL;
}

static char *
report_here (PanoWindow *window)
{
  PanoReportDialog *dialog = pano_window_report_at (window, HERE_LON, HERE_LAT);
  Reported reported = { window, NULL };

  g_assert_nonnull (dialog);
  g_signal_connect (dialog, "reported", G_CALLBACK (on_reported), &reported);
  g_assert_true (pano_report_dialog_set_category (dialog, "市政设施"));
  pano_report_dialog_prefill (dialog, NULL, 3, "测试井盖缺失", "人行道井盖缺失，已设置临时围挡",
                              "hotline_12345", NULL);
  save_picture (dialog, "operations-report.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "report.send", NULL));
  pano_test_wait_until (has_reported_id, &reported);
  return reported.id;
}

typedef struct
{
  PanoWindow *window;
  guint at_least;
} Count;

static gboolean
has_recommendations (gpointer data)
{
  Count *c = data;

  return pano_incident_card_get_n_recommended (pano_window_get_card (c->window)) >= c->at_least;
}

static gboolean
has_timeline (gpointer data)
{
  Count *c = data;

  return pano_incident_card_get_n_timeline (pano_window_get_card (c->window)) >= c->at_least;
}

/* The card offers the units in the order of the hub's ranking (whose order the hub's own tests
 * check against a brute-force search): capable first, then available, then by road ETA. */
static char *
check_ranking (PanoWindow *window)
{
  PanoIncidentCard *card = pano_window_get_card (window);
  JsonArray *units = json_object_get_array_member (pano_incident_card_get_recommendations (card),
                                                   "units");
  int last_group = -1;
  double last_eta = 0;

  for (guint i = 0; i < pano_incident_card_get_n_recommended (card); i++)
    {
      JsonObject *unit = json_array_get_object_element (units, i);
      int group = !json_object_get_boolean_member (unit, "capable") * 2 +
                  !json_object_get_boolean_member (unit, "available");
      double eta = json_object_get_double_member_with_default (unit, "eta_s", G_MAXDOUBLE);

      g_assert_cmpstr (pano_incident_card_get_recommended (card, i), ==,
                       json_object_get_string_member (unit, "id"));
      g_assert_cmpint (group, >=, last_group);
      if (group == last_group)
        g_assert_cmpfloat (eta, >=, last_eta);
      last_group = group;
      last_eta = eta;
    }
  /* the first one is a capable, free unit that can reach the incident by road */
  g_assert_cmpint (json_object_get_boolean_member (json_array_get_object_element (units, 0),
                                                   "reachable"), ==, TRUE);
  return g_strdup (pano_incident_card_get_recommended (card, 0));
}

static gboolean
unit_acknowledged (gpointer data)
{
  Wanted *w = data;
  PanoIncidentRecord *r = record_of (w->window, w->id);

  return r != NULL && pano_incident_record_get_n_units (r) == 1 &&
         pano_incident_record_get_unit (r, 0)->acknowledged;
}

typedef struct
{
  PanoWindow *window;
  char *unit;
} UnitWanted;

static gboolean
unit_driving (gpointer data)
{
  UnitWanted *u = data;
  PanoLiveLayer *resources = pano_live_store_get_layer (pano_window_get_live_store (u->window),
                                                        "resources");
  int slot = pano_live_layer_lookup (resources, u->unit);

  return slot >= 0 && strstr (pano_live_layer_get_properties (resources, slot),
                              "\"status\":\"en_route\"") != NULL;
}

static void
check_timeline (PanoWindow *window,
                const char *operator)
{
  PanoIncidentCard *card = pano_window_get_card (window);
  const char *steps[] = { "Reported", "Accepted", "Dispatched", "acknowledged", "Handling",
                          "Verifying", "Closed" };
  guint found = 0;

  for (guint i = 0; i < pano_incident_card_get_n_timeline (card) && found < G_N_ELEMENTS (steps);
       i++)
    {
      g_autofree char *entry = pano_incident_card_dup_timeline_entry (card, i);

      g_test_message ("timeline: %s", entry);
      if (strstr (entry, steps[found]) == NULL)
        continue;
      /* every operator step names the operator; the unit's acknowledgement the simulator */
      g_assert_nonnull (strstr (entry, found == 3 ? "simulator" : operator));
      found++;
    }
  g_assert_cmpuint (found, ==, G_N_ELEMENTS (steps));
}

static void
test_report_to_close (void)
{
  const char *args[] = { "--simulate", "--speed", "20", NULL };
  g_autoptr(PanoTestHub) hub = pano_test_hub_new (NULL);
  PanoWindow *desk;
  PanoWindow *wall;
  g_autofree char *id = NULL;
  Wanted in_wall = { NULL, NULL, 0, -1 };
  Count ranked = { NULL, 3 }, steps = { NULL, 7 };
  UnitWanted unit = { NULL, NULL };
  Wanted acknowledged = { NULL, NULL, 0, -1 };

  /* The simulator leaves its incidents to the operators, and drives the units they send. */
  pano_test_hub_set_config (hub, "[simulator]\nmanual-share=1\n");
  pano_test_hub_set_args (hub, args);
  pano_test_hub_spawn (hub);
  desk = console_open (hub, "dispatch");
  wall = console_open (hub, "view");
  id = report_here (desk);
  in_wall.window = wall;
  in_wall.id = id;
  acknowledged.id = id;
  acknowledged.window = ranked.window = steps.window = unit.window = desk;
  g_test_message ("reported %s", id);
  pano_incident_queue_set_tab (pano_window_get_queue (wall), PANO_QUEUE_ALL);
  pano_test_wait_until (queue_has, &in_wall);
  save_picture (desk, "operations-queue.png");

  pano_window_open_incident (desk, id);
  wait_card (desk, id, PANO_INCIDENT_REPORTED);
  act (desk, "accept");
  wait_card (desk, id, PANO_INCIDENT_ACCEPTED);
  g_assert_nonnull (strstr (pano_incident_card_get_result (pano_window_get_card (desk)), "done"));

  pano_test_wait_until (has_recommendations, &ranked);
  unit.unit = check_ranking (desk);
  g_assert_cmpuint (pano_window_get_n_routes (desk), >, 0);
  save_picture (desk, "operations-card.png");
  pano_incident_card_set_unit_chosen (pano_window_get_card (desk), unit.unit, TRUE);
  act (desk, "dispatch");
  wait_card (desk, id, PANO_INCIDENT_DISPATCHED);
  pano_test_wait_until (unit_acknowledged, &acknowledged);
  pano_test_wait_until (unit_driving, &unit);
  save_picture (desk, "operations-dispatched.png");

  act (desk, "handling");
  wait_card (desk, id, PANO_INCIDENT_HANDLING);
  act (desk, "verified");
  wait_card (desk, id, PANO_INCIDENT_VERIFIED);
  act (desk, "close");
  wait_card (desk, id, PANO_INCIDENT_CLOSED);
  pano_test_wait_until (has_timeline, &steps);
  check_timeline (desk, "operator");
  save_picture (desk, "operations-closed.png");
  g_free (unit.unit);

  gtk_window_destroy (GTK_WINDOW (wall));
  gtk_window_destroy (GTK_WINDOW (desk));
}

/* ---- a viewer ---- */

static char *
create_incident (PanoTestHub *hub)
{
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr(JsonNode) answer = NULL;
  guint status = pano_test_hub_rest (hub, "POST", "/v1/commands", "dispatch", key,
                                     "{\"command\":\"create\",\"category\":\"环境卫生\","
                                     "\"severity\":2,\"location\":[110.79,32.65],"
                                     "\"title\":\"垃圾堆积\"}", &answer, NULL);

  g_assert_cmpuint (status, ==, 201);
  return g_strdup (json_object_get_string_member (json_object_get_object_member (
                     json_node_get_object (answer), "incident"), "id"));
}

static gboolean
result_says (gpointer data)
{
  const char **wanted = data;
  const char *result = pano_incident_card_get_result (
    pano_window_get_card (PANO_WINDOW ((gpointer) wanted[0])));

  if (result != NULL && strstr (result, wanted[1]) != NULL)
    return TRUE;
  g_test_message ("waiting for “%s”: %s", wanted[1], result ? result : "(nothing)");
  return FALSE;
}

static void
wait_result (PanoWindow *window,
             const char *words)
{
  const char *wanted[] = { (const char *) window, words };

  pano_test_wait_until (result_says, wanted);
}

static gboolean
counts_all_one (gpointer data)
{
  return pano_incident_queue_get_count (pano_window_get_queue (data), PANO_QUEUE_ALL) == 1;
}

static void
test_viewer (void)
{
  g_autoptr(PanoTestHub) hub = pano_test_hub_start (NULL, NULL);
  g_autofree char *id = create_incident (hub);
  PanoWindow *viewer = console_open (hub, "view");
  PanoIncidentCard *card = pano_window_get_card (viewer);
  GtkWidget *accept = pano_incident_card_get_button (card, "accept");

  g_assert_cmpstr (pano_window_get_role (viewer), ==, "viewer");
  pano_window_open_incident (viewer, id);
  wait_card (viewer, id, PANO_INCIDENT_REPORTED);
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (accept)));
  g_assert_false (gtk_widget_get_sensitive (accept));
  g_assert_false (pano_incident_card_can (card, "accept"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (accept), "role"));
  /* 待处理 is empty for a viewer: nothing there is theirs to do */
  pano_test_wait_until (counts_all_one, viewer);
  g_assert_cmpuint (pano_incident_queue_get_count (pano_window_get_queue (viewer),
                                                   PANO_QUEUE_MINE), ==, 0);

  /* a console that believes it may (a stale role): the hub refuses, the card says so */
  pano_incident_card_set_role (card, "dispatcher");
  act (viewer, "accept");
  wait_result (viewer, "403");
  g_assert_cmpint (pano_incident_record_get_status (pano_incident_card_get_record (card)), ==,
                   PANO_INCIDENT_REPORTED);
  gtk_window_destroy (GTK_WINDOW (viewer));
}

/* ---- kill -9 between the click and the answer ---- */

static gboolean
command_sent (gpointer data)
{
  PanoCommand *command = pano_incident_card_get_pending (pano_window_get_card (data));

  return command != NULL && pano_command_get_attempts (command) >= 1;
}

static gboolean
command_waiting (gpointer data)
{
  PanoCommand *command = pano_incident_card_get_pending (pano_window_get_card (data));

  return command != NULL && pano_command_get_waiting (command);
}

static guint
count_accepts (PanoTestHub *hub,
               const char  *id)
{
  g_autofree char *path = g_strdup_printf ("/v1/incidents/%s/timeline", id);
  guint status, accepts = 0;
  g_autoptr(JsonNode) answer = pano_test_hub_request (hub, "GET", path, "view", NULL, &status);
  JsonArray *entries = json_object_get_array_member (json_node_get_object (answer), "entries");

  g_assert_cmpuint (status, ==, 200);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    accepts += g_strcmp0 (json_object_get_string_member_with_default (
                            json_array_get_object_element (entries, i), "status_after", ""),
                          "accepted") == 0;
  return accepts;
}

static void
test_kill9_exactly_once (void)
{
  g_autoptr(PanoTestHub) hub = pano_test_hub_start (NULL, NULL);
  g_autofree char *id = create_incident (hub);
  g_autofree char *listen = NULL;
  PanoWindow *desk = console_open (hub, "dispatch");
  const char *restart[] = { "--listen", NULL, NULL };

  pano_window_open_incident (desk, id);
  wait_card (desk, id, PANO_INCIDENT_REPORTED);
  /* The hub freezes; the click goes out; the hub dies before it answers. */
  pano_test_hub_pause (hub, TRUE);
  act (desk, "accept");
  pano_test_wait_until (command_sent, desk);
  pano_test_hub_kill (hub);
  pano_test_wait_until (command_waiting, desk);
  g_assert_nonnull (strstr (pano_incident_card_get_result (pano_window_get_card (desk)),
                            "same key"));

  /* It comes back on the same address and database: the command is resent with its key. */
  listen = g_strdup_printf ("127.0.0.1:%u", hub->port);
  restart[1] = listen;
  pano_test_hub_set_args (hub, restart);
  pano_test_hub_spawn (hub);
  wait_card (desk, id, PANO_INCIDENT_ACCEPTED);
  g_assert_cmpuint (count_accepts (hub, id), ==, 1);
  gtk_window_destroy (GTK_WINDOW (desk));
}

/* ---- two desks ---- */

static void
test_two_desks (void)
{
  g_autoptr(PanoTestHub) hub = pano_test_hub_start (NULL, NULL);
  g_autofree char *id = create_incident (hub);
  PanoWindow *first = console_open (hub, "dispatch");
  PanoWindow *second = console_open (hub, "disp-token");
  Wanted current = { second, id, PANO_INCIDENT_ACCEPTED, 2 };

  pano_window_open_incident (first, id);
  pano_window_open_incident (second, id);
  wait_card (first, id, PANO_INCIDENT_REPORTED);
  wait_card (second, id, PANO_INCIDENT_REPORTED);

  /* The second desk's stream stalls, so it still sees version 1 (as created) when it acts. */
  pano_feed_client_stop (pano_window_get_feed (second));
  act (first, "accept");
  wait_card (first, id, PANO_INCIDENT_ACCEPTED);
  act (second, "cancel");
  answer_reason ("重复上报");
  wait_result (second, "Another desk");
  g_assert_cmpint (pano_incident_record_get_status (record_of (first, id)), ==,
                   PANO_INCIDENT_ACCEPTED);

  /* Its stream is back: the card shows the other desk's work, and acting again works. */
  pano_feed_client_start (pano_window_get_feed (second));
  pano_test_wait_until (card_shows, &current);
  act (second, "note");
  answer_reason ("与12345工单 8812 为同一事件");
  wait_result (second, "done");
  gtk_window_destroy (GTK_WINDOW (first));
  gtk_window_destroy (GTK_WINDOW (second));
}

/* ---- a report the hub refuses ---- */

static gboolean
dialog_refused (gpointer data)
{
  const char *result = pano_report_dialog_get_result (data);

  return result != NULL && strstr (result, "refused") != NULL;
}

static void
test_unknown_category (void)
{
  g_autoptr(PanoTestHub) hub = pano_test_hub_start (NULL, NULL);
  PanoWindow *desk = console_open (hub, "dispatch");
  const char *categories[] = { "不存在的类别", NULL };
  PanoReportDialog *dialog = pano_report_dialog_new (GTK_WINDOW (desk),
                                                     pano_window_get_hub_client (desk),
                                                     categories, HERE_LON, HERE_LAT, "test");

  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "report.send", NULL));
  pano_test_wait_until (dialog_refused, dialog);
  /* the dialog stays, with the hub's words naming the categories it knows */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_nonnull (strstr (pano_report_dialog_get_result (dialog), "400"));
  g_assert_nonnull (strstr (pano_report_dialog_get_result (dialog), "市政设施"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (desk));
}

/* ---- alerts, the header's signal, escalation, scope ---- */

static const char severe_alert[] =
  "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"id\":\"alert-op\","
  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[110.79,32.65]},\"properties\":{"
  "\"kind\":\"env_exceedance\",\"station\":\"env-9\",\"station_name\":\"东岭监测站\","
  "\"metric\":\"aqi\",\"primary\":\"pm25\",\"value\":230,\"threshold\":150,\"level\":\"severe\","
  "\"status\":\"active\",\"raised_at\":\"2026-12-01T03:00:00.000Z\"}}]}";

static gboolean
signal_shown (gpointer data)
{
  /* the header's button, with the count in its words */
  GtkWidget *button = pano_window_get_alert_button (data);
  GtkWidget *label = gtk_widget_get_last_child (gtk_button_get_child (GTK_BUTTON (button)));

  return gtk_widget_get_visible (button) && GTK_IS_LABEL (label) &&
         g_str_has_prefix (gtk_label_get_label (GTK_LABEL (label)), "1 severe alert") &&
         pano_window_get_scope_bar (data) != NULL;
}

static gboolean
signal_hidden (gpointer data)
{
  return !gtk_widget_get_visible (pano_window_get_alert_button (data));
}

typedef struct
{
  PanoWindow *window;
  double min_lon, min_lat, max_lon, max_lat;
} Area;

/* The map has gone to the area: its centre inside the area's bounds. */
static gboolean
map_on_area (gpointer data)
{
  Area *a = data;
  ShumateViewport *viewport = shumate_map_get_viewport (pano_window_get_map (a->window));
  double lon = shumate_location_get_longitude (SHUMATE_LOCATION (viewport));
  double lat = shumate_location_get_latitude (SHUMATE_LOCATION (viewport));

  return lon > a->min_lon && lon < a->max_lon && lat > a->min_lat && lat < a->max_lat;
}

static gboolean
signal_gone (gpointer data)
{
  return pano_alert_list_get_n_unacknowledged_top (pano_window_get_alert_list (data)) == 0;
}

static PanoReportDialog *
find_report_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (PANO_IS_REPORT_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return PANO_REPORT_DIALOG (w);
    }
  return NULL;
}

static gboolean
kpis_scoped (gpointer data)
{
  const char **wanted = data;
  PanoKpiPanel *kpis = pano_window_get_kpi_panel (PANO_WINDOW ((gpointer) wanted[0]));

  /* the one incident, reported in this district */
  return g_strcmp0 (pano_kpi_panel_get_scope (kpis), wanted[1]) == 0 &&
         g_strcmp0 (pano_kpi_panel_get_text (kpis, "reported"), "1") == 0;
}

static void
test_alerts_and_scope (void)
{
  g_autofree char *city = g_build_filename (g_getenv ("PANORAMA_DATA_DIR"), "shiyan.gpkg",
                                            NULL);
  const char *args[] = { "--city", city, NULL };
  g_autoptr(PanoTestHub) hub = pano_test_hub_start (NULL, args);
  PanoWindow *desk;
  PanoAlertList *alerts;
  PanoReportDialog *dialog;
  Reported reported = { NULL, NULL };
  Wanted wanted = { NULL, NULL, PANO_INCIDENT_REPORTED, -1 };
  PanoAdminTree *tree;
  g_autofree char *district = NULL;
  const char *scoped[2];
  Area area;

  pano_test_hub_ingest (hub, "alerts", severe_alert);
  desk = console_open (hub, "dispatch");
  alerts = pano_window_get_alert_list (desk);

  /* a severe alert nobody acknowledged: the header says so */
  pano_test_wait_until (signal_shown, desk);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (desk), "win.show-alerts", NULL));
  save_picture (desk, "operations-alerts.png");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (
    gtk_widget_get_ancestor (GTK_WIDGET (alerts), GTK_TYPE_WINDOW))));

  /* 转事件: the report dialog opens at the alert's place, filled from it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (alerts), "alerts.escalate", "s",
                                             "alert-op"));
  dialog = find_report_dialog ();
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (pano_report_dialog_get_title_text (dialog), "东岭监测站"));
  g_assert_nonnull (strstr (pano_report_dialog_get_where (dialog), "十堰市 › "));
  g_signal_connect (dialog, "reported", G_CALLBACK (on_reported), &reported);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "report.send", NULL));
  pano_test_wait_until (has_reported_id, &reported);
  wanted.window = desk;
  wanted.id = reported.id;
  pano_test_wait_until (queue_has, &wanted);
  g_assert_cmpstr (pano_incident_record_get_alert (queued (desk, reported.id)), ==, "alert-op");
  g_assert_cmpstr (pano_incident_record_get_source (queued (desk, reported.id)), ==, "alert");

  /* acknowledged: the signal goes */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (alerts), "alerts.acknowledge", "s",
                                             "alert-op"));
  pano_test_wait_until (signal_gone, desk);
  pano_test_wait_until (signal_hidden, desk);

  /* the district of the alert: the breadcrumb, the queue and the KPIs follow, the map zooms */
  tree = pano_scope_bar_get_tree (pano_window_get_scope_bar (desk));
  district = pano_admin_tree_locate (tree, HERE_LON, HERE_LAT, PANO_ADMIN_LEVEL_DISTRICT);
  g_assert_nonnull (district);
  shumate_map_center_on (pano_window_get_map (desk), 32.0, 110.0);   /* far outside it */
  pano_window_set_scope (desk, district);
  g_assert_cmpstr (pano_scope_bar_get_scope (pano_window_get_scope_bar (desk)), ==, district);
  g_assert_cmpstr (pano_incident_queue_get_scope (pano_window_get_queue (desk)), ==, district);
  scoped[0] = (const char *) desk;
  scoped[1] = district;
  /* the KPIs read while on screen, as after Ctrl+K */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (desk), "win.show-kpis", NULL));
  pano_test_wait_until (kpis_scoped, scoped);
  area.window = desk;
  g_assert_true (pano_admin_tree_get_bounds (tree, district, &area.min_lon, &area.min_lat,
                                             &area.max_lon, &area.max_lat));
  pano_test_wait_until (map_on_area, &area);
  save_picture (desk, "operations-kpis.png");

  g_free (reported.id);
  gtk_window_destroy (GTK_WINDOW (desk));
}

int
main (int argc, char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* pictures of the end of a change, not of a slide halfway through */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  /* the application's stylesheet, as AdwApplication loads it for the program */
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/org/panorama/Panorama/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  tmpdir = pano_test_make_tmpdir ();
  g_test_add_func ("/operations/report-to-close", test_report_to_close);
  g_test_add_func ("/operations/viewer", test_viewer);
  g_test_add_func ("/operations/kill9-exactly-once", test_kill9_exactly_once);
  g_test_add_func ("/operations/two-desks", test_two_desks);
  g_test_add_func ("/operations/unknown-category", test_unknown_category);
  g_test_add_func ("/operations/alerts-and-scope", test_alerts_and_scope);
  status = g_test_run ();
  pano_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
