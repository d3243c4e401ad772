// SPDX-License-Identifier: GPL-3.0-or-later
/* The alert list on the real hub, as two desks use it: both show the hub's alerts active
 * first, worst first, newest first, with values against thresholds in words; one desk
 * acknowledges (a double click sends once) and the other sees who and when; a desk whose
 * picture is stale is refused in words; a viewer's buttons are off with the reason, and a
 * viewer forcing it is refused in words; Create incident carries the fields for the report
 * dialog, and the incident made from it shows on the alert; hundreds of alerts arrive in a
 * handful of list updates, not one per alert. */
#include "pano-alert-list.h"
#include "pano-alert-row.h"
#include "pano-feed-client.h"
#include "pano-test-gui.h"
#include "pano-test-hub.h"
#include "pano-test-util.h"

#include <adwaita.h>
#include <string.h>

typedef struct
{
  PanoLiveStore *store;
  PanoFeedClient *feed;
  PanoHubClient *client;
  GtkWidget *list;
  GtkWidget *window;
} Desk;

static const char alert_template[] =
  "{\"type\":\"Feature\",\"id\":\"%s\",\"geometry\":{\"type\":\"Point\","
  "\"coordinates\":[%.4f,32.64]},\"properties\":{\"kind\":\"env_exceedance\","
  "\"station\":\"env-%u\",\"station_name\":\"%s\",\"metric\":\"aqi\",\"primary\":\"pm25\","
  "\"value\":%u,\"threshold\":150,\"level\":\"%s\",\"status\":\"%s\","
  "\"raised_at\":\"2026-12-01T0%u:00:00.000Z\"}}";

static char *
alert (const char *id,
       guint       n,
       const char *station,
       guint       value,
       const char *level,
       const char *status,
       guint       hour)
{
  return g_strdup_printf (alert_template, id, 110.70 + n * 0.01, n, station, value, level, status,
                          hour);
}

static void
ingest_city_alerts (PanoTestHub *hub)
{
  g_autofree char *a = alert ("alert-a", 1, "东岭监测站", 180, "warning", "active", 5);
  g_autofree char *b = alert ("alert-b", 2, "白浪监测站", 230, "severe", "active", 3);
  g_autofree char *c = alert ("alert-c", 3, "花果监测站", 160, "severe", "cleared", 8);
  g_autofree char *d = alert ("alert-d", 4, "武当路监测站", 212, "severe", "active", 6);
  g_autofree char *body = g_strdup_printf ("{\"type\":\"FeatureCollection\",\"features\":"
                                           "[%s,%s,%s,%s]}", a, b, c, d);

  pano_test_hub_ingest (hub, "alerts", body);
}

static gboolean
has_alerts (gpointer data)
{
  Desk *desk = data;

  return g_list_model_get_n_items (G_LIST_MODEL (
    pano_alert_list_get_model (PANO_ALERT_LIST (desk->list)))) == 4;
}

static void
desk_open (Desk        *desk,
           PanoTestHub *hub,
           const char  *token)
{
  static const char * const layers[] = { "alerts", NULL };

  desk->store = pano_live_store_new (layers);
  desk->feed = pano_feed_client_new (hub->url, token, desk->store);
  desk->client = pano_hub_client_new (hub->url, token);
  desk->list = pano_alert_list_new (desk->store, desk->client);
  desk->window = pano_test_present (desk->list, 440, 640);
  pano_feed_client_start (desk->feed);
  pano_test_wait_until (has_alerts, desk);
}

static void
desk_close (Desk *desk)
{
  gtk_window_destroy (GTK_WINDOW (desk->window));
  pano_feed_client_stop (desk->feed);
  g_object_unref (desk->feed);
  g_object_unref (desk->client);
  g_object_unref (desk->store);
}

static char *
row_text (Desk       *desk,
          const char *id)
{
  GtkWidget *row = pano_alert_list_find_row (PANO_ALERT_LIST (desk->list), id);

  g_assert_nonnull (row);
  return pano_test_dup_text (row);
}

static gboolean
row_says_acknowledged (Desk       *desk,
                       const char *id)
{
  GtkWidget *row;
  g_autofree char *text = NULL;

  pano_test_iterate ();
  if ((row = pano_alert_list_find_row (PANO_ALERT_LIST (desk->list), id)) == NULL)
    return FALSE;
  text = pano_test_dup_text (row);
  return strstr (text, "Acknowledged · operator · ") != NULL &&
         pano_test_find_widget (row, GTK_TYPE_BUTTON, "Acknowledge") == NULL;
}

static gboolean
b_acknowledged_on_desk_2 (gpointer data)
{
  return row_says_acknowledged (data, "alert-b");
}

static gboolean
d_acknowledged_on_desk_2 (gpointer data)
{
  return row_says_acknowledged (data, "alert-d");
}

static gboolean
answered (gpointer data)
{
  return pano_command_get_state (data) != PANO_COMMAND_PENDING;
}

static void
assert_order (Desk *desk)
{
  static const char *const order[] = { "alert-d", "alert-b", "alert-a", "alert-c" };
  GListModel *model = G_LIST_MODEL (pano_alert_list_get_model (PANO_ALERT_LIST (desk->list)));

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      g_autoptr(PanoAlertRecord) record = g_list_model_get_item (model, i);

      g_assert_cmpstr (pano_alert_record_get_id (record), ==, order[i]);
    }
}

/* The hub's audit trail: how many acknowledge_alert lines name @alert. */
static guint
audited_acknowledgements (PanoTestHub *hub,
                          const char  *alert_id)
{
  guint status, n = 0;
  g_autoptr(JsonNode) answer = pano_test_hub_request (hub, "GET", "/v1/audit?limit=1000", "admin",
                                                      NULL, &status);
  JsonArray *entries = json_object_get_array_member (json_node_get_object (answer), "entries");

  g_assert_cmpuint (status, ==, 200);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);

      n += g_strcmp0 (json_object_get_string_member (e, "action"), "acknowledge_alert") == 0 &&
           g_strcmp0 (json_object_get_string_member_with_default (e, "target", ""),
                      alert_id) == 0;
    }
  return n;
}

static void
test_two_desks (void)
{
  g_autoptr(PanoTestHub) hub = pano_test_hub_start (NULL, NULL);
  Desk one = { 0 }, two = { 0 };
  GtkWidget *row, *button;
  PanoCommand *command;
  g_autofree char *text = NULL;

  ingest_city_alerts (hub);
  desk_open (&one, hub, "dispatch");
  desk_open (&two, hub, "disp-token");

  /* both show active first, worst first, newest first; values against thresholds */
  assert_order (&one);
  assert_order (&two);
  text = row_text (&one, "alert-b");
  g_assert_nonnull (strstr (text, "Severe"));
  g_assert_nonnull (strstr (text, "白浪监测站"));
  g_assert_nonnull (strstr (text, "AQI 230, threshold 150 (+53 %) · primary pollutant PM2.5"));
  g_clear_pointer (&text, g_free);
  text = row_text (&one, "alert-c");
  g_assert_nonnull (strstr (text, "Cleared"));
  g_assert_cmpuint (pano_alert_list_get_n_unacknowledged_top (PANO_ALERT_LIST (one.list)), ==, 2);
  g_assert_cmpuint (pano_alert_list_get_n_active (PANO_ALERT_LIST (one.list)), ==, 3);

  /* desk one acknowledges alert-b with a double click: pending at once, one command sent */
  row = pano_alert_list_find_row (PANO_ALERT_LIST (one.list), "alert-b");
  button = pano_test_find_widget (row, GTK_TYPE_BUTTON, "Acknowledge");
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  command = pano_alert_list_get_command (PANO_ALERT_LIST (one.list), "alert-b");
  g_assert_nonnull (command);
  g_assert_false (gtk_widget_is_sensitive (button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "Acknowledging…");
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (command == pano_alert_list_get_command (PANO_ALERT_LIST (one.list), "alert-b"));
  pano_test_wait_until (answered, command);
  g_assert_cmpint (pano_command_get_state (command), ==, PANO_COMMAND_ACCEPTED);
  pano_alert_list_acknowledge (PANO_ALERT_LIST (one.list), "alert-b");
  g_assert_true (command == pano_alert_list_get_command (PANO_ALERT_LIST (one.list), "alert-b"));
  g_assert_true (row_says_acknowledged (&one, "alert-b"));
  g_assert_cmpuint (audited_acknowledgements (hub, "alert-b"), ==, 1);

  /* desk two sees who and when; the header count drops there too */
  pano_test_wait_until (b_acknowledged_on_desk_2, &two);
  g_assert_cmpuint (pano_alert_list_get_n_unacknowledged_top (PANO_ALERT_LIST (two.list)), ==, 1);
  g_free (pano_test_save_png (one.list, "alert-list.png"));

  /* desk two's picture goes stale; desk one acknowledges alert-d; desk two, not knowing,
   * tries too and is told in words; once its feed is back it shows who did */
  pano_feed_client_stop (two.feed);
  pano_alert_list_acknowledge (PANO_ALERT_LIST (one.list), "alert-d");
  pano_test_wait_until (answered, pano_alert_list_get_command (PANO_ALERT_LIST (one.list),
                                                               "alert-d"));
  row = pano_alert_list_find_row (PANO_ALERT_LIST (two.list), "alert-d");
  pano_test_click (pano_test_find_widget (row, GTK_TYPE_BUTTON, "Acknowledge"));
  command = pano_alert_list_get_command (PANO_ALERT_LIST (two.list), "alert-d");
  pano_test_wait_until (answered, command);
  g_assert_cmpuint (pano_command_get_status (command), ==, 409);
  g_clear_pointer (&text, g_free);
  text = row_text (&two, "alert-d");
  g_assert_nonnull (strstr (text, "Not acknowledged: someone else acknowledged it first."));
  g_free (pano_test_save_png (two.list, "alert-list-refused.png"));
  pano_feed_client_start (two.feed);
  pano_test_wait_until (d_acknowledged_on_desk_2, &two);
  g_assert_cmpuint (pano_alert_list_get_n_unacknowledged_top (PANO_ALERT_LIST (two.list)), ==, 0);

  desk_close (&one);
  desk_close (&two);
}

static void
test_viewer (void)
{
  g_autoptr(PanoTestHub) hub = pano_test_hub_start (NULL, NULL);
  Desk viewer = { 0 };
  GtkWidget *row, *button;
  PanoCommand *command;
  g_autofree char *text = NULL;

  ingest_city_alerts (hub);
  desk_open (&viewer, hub, "view");

  /* before the window knows the role, a viewer's acknowledgement is refused in words */
  row = pano_alert_list_find_row (PANO_ALERT_LIST (viewer.list), "alert-b");
  pano_test_click (pano_test_find_widget (row, GTK_TYPE_BUTTON, "Acknowledge"));
  command = pano_alert_list_get_command (PANO_ALERT_LIST (viewer.list), "alert-b");
  pano_test_wait_until (answered, command);
  g_assert_cmpuint (pano_command_get_status (command), ==, 403);
  text = row_text (&viewer, "alert-b");
  g_assert_nonnull (strstr (text, "Not acknowledged: this console’s role may not acknowledge "
                                  "alerts."));

  /* once it does, the buttons are off and say why */
  pano_alert_list_set_actions_allowed (PANO_ALERT_LIST (viewer.list), FALSE,
                                       "Read only: this console has a viewer token");
  pano_test_iterate ();
  row = pano_alert_list_find_row (PANO_ALERT_LIST (viewer.list), "alert-d");
  button = pano_test_find_widget (row, GTK_TYPE_BUTTON, "Acknowledge");
  g_assert_false (gtk_widget_is_sensitive (button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==,
                   "Read only: this console has a viewer token");
  button = pano_test_find_widget (row, GTK_TYPE_BUTTON, "Create incident");
  g_assert_false (gtk_widget_is_sensitive (button));
  g_assert_true (pano_test_shows_text (viewer.list, "Read only: this console has a viewer token"));
  g_free (pano_test_save_png (viewer.list, "alert-list-viewer.png"));
  desk_close (&viewer);
}

static void
on_escalate (PanoAlertList *list,
             const char    *alert_id,
             const char    *json,
             char         **out)
{
  *out = g_strdup_printf ("%s\n%s", alert_id, json);
}

static gboolean
shows_incident (gpointer data)
{
  Desk *desk = data;
  GtkWidget *row;

  pano_test_iterate ();
  row = pano_alert_list_find_row (PANO_ALERT_LIST (desk->list), "alert-a");
  return row != NULL && pano_test_shows_text (row, "Incident INC-");
}

/* Create incident hands the report dialog the fields; the incident made from them is named
 * on the alert. */
static void
test_escalate (void)
{
  g_autoptr(PanoTestHub) hub = pano_test_hub_start (NULL, NULL);
  Desk desk = { 0 };
  g_autofree char *escalation = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(PanoCommand) create = pano_command_new ("create", NULL, -1);
  JsonObject *fields;
  JsonArray *location;
  GtkWidget *row;

  ingest_city_alerts (hub);
  desk_open (&desk, hub, "dispatch");
  g_signal_connect (desk.list, "escalate", G_CALLBACK (on_escalate), &escalation);
  row = pano_alert_list_find_row (PANO_ALERT_LIST (desk.list), "alert-a");
  pano_test_click (pano_test_find_widget (row, GTK_TYPE_BUTTON, "Create incident"));
  g_assert_nonnull (escalation);
  g_assert_true (g_str_has_prefix (escalation, "alert-a\n"));
  g_assert_true (json_parser_load_from_data (parser, strchr (escalation, '\n') + 1, -1, NULL));
  fields = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (fields, "alert"), ==, "alert-a");
  g_assert_cmpstr (json_object_get_string_member (fields, "category"), ==, "环境卫生");
  g_assert_cmpint (json_object_get_int_member (fields, "severity"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (fields, "source"), ==, "alert");
  g_assert_cmpstr (json_object_get_string_member (fields, "title"), ==,
                   "东岭监测站: AQI above the threshold");
  g_assert_nonnull (strstr (json_object_get_string_member (fields, "description"),
                            "AQI 180, threshold 150 (+20 %)"));
  location = json_object_get_array_member (fields, "location");
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (location, 0), 110.71, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (location, 1), 32.64, 1e-6);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (fields,
                                                                              "properties"),
                                               "value"), ==, 180);

  /* the report dialog sends them as they are */
  pano_command_set_string (create, "alert", "alert-a");
  pano_command_set_string (create, "category", json_object_get_string_member (fields,
                                                                              "category"));
  pano_command_set_int (create, "severity", json_object_get_int_member (fields, "severity"));
  pano_command_set_string (create, "title", json_object_get_string_member (fields, "title"));
  pano_command_set_string (create, "source", "alert");
  pano_command_set_double_pair (create, "location",
                                json_array_get_double_element (location, 0),
                                json_array_get_double_element (location, 1));
  pano_hub_client_submit (desk.client, create);
  pano_test_wait_until (answered, create);
  g_assert_cmpuint (pano_command_get_status (create), ==, 201);
  pano_test_wait_until (shows_incident, &desk);
  desk_close (&desk);
}

static void
count_signal (gpointer data)
{
  (*(guint *) data)++;
}

static gboolean
has_many (gpointer data)
{
  Desk *desk = data;

  return g_list_model_get_n_items (G_LIST_MODEL (
    pano_alert_list_get_model (PANO_ALERT_LIST (desk->list)))) == 304;
}

/* 300 alerts in one ingest reach the list in about as many updates as the store announces,
 * never one per alert, and the list still shows the worst first. */
static void
test_batches (void)
{
  g_autoptr(PanoTestHub) hub = pano_test_hub_start (NULL, NULL);
  Desk desk = { 0 };
  GString *body = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");
  guint store_changes = 0, list_changes = 0;
  g_autoptr(PanoAlertRecord) first = NULL;

  ingest_city_alerts (hub);
  desk_open (&desk, hub, "view");
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *id = g_strdup_printf ("alert-many-%u", i);
      g_autofree char *a = alert (id, 10 + i, "传感器", 151 + i % 40, "warning", "active", 4);

      g_string_append_printf (body, "%s%s", i ? "," : "", a);
    }
  g_string_append (body, "]}");
  g_signal_connect_swapped (desk.store, "changed::alerts", G_CALLBACK (count_signal),
                            &store_changes);
  g_signal_connect_swapped (pano_alert_list_get_model (PANO_ALERT_LIST (desk.list)),
                            "items-changed", G_CALLBACK (count_signal), &list_changes);
  pano_test_hub_ingest (hub, "alerts", body->str);
  g_string_free (body, TRUE);
  pano_test_wait_until (has_many, &desk);
  g_test_message ("300 alerts: %u store flushes, %u list updates", store_changes, list_changes);
  g_assert_cmpuint (list_changes, <=, store_changes);
  g_assert_cmpuint (list_changes, <, 10);
  first = g_list_model_get_item (G_LIST_MODEL (pano_alert_list_get_model (
                                   PANO_ALERT_LIST (desk.list))), 0);
  g_assert_cmpstr (pano_alert_record_get_id (first), ==, "alert-d");
  desk_close (&desk);
}

int
main (int argc, char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/alert-list/two-desks", test_two_desks);
  g_test_add_func ("/alert-list/viewer", test_viewer);
  g_test_add_func ("/alert-list/escalate", test_escalate);
  g_test_add_func ("/alert-list/batches", test_batches);
  status = g_test_run ();
  return status;
}
