// SPDX-License-Identifier: GPL-3.0-or-later
/* The queue's tabs count what they hold as incidents change one by one: after any run of
 * changes, removals, arrivals and snapshot-sized bursts from the live store, every tab's count
 * is what a queue opened afresh on the same incidents counts, under a scope too; the tab
 * buttons say it; an incident whose deadline passes moves from 即将超时 to 超时 by the clock
 * alone; the area filter offers a street while incidents are in it, and when the chosen
 * street's last incident leaves, the choice falls back to all areas and the list shows every
 * incident again. */
#include "pano-incident-model.h"
#include "pano-incident-queue.h"
#include "pano-protocol.h"

#include <adwaita.h>
#include <string.h>

#define MINUTE (60 * 1000)
#define LIMIT_MINUTES 30   /* accepted and dispatched: 1800 s */

static const char * const layers[] = { "incidents", NULL };

static const struct
{
  const char *code;
  const char *street;
} streets[] = {
  { "420300-420302-001", "凤凰街道" },
  { "420300-420302-002", "云岭街道" },
  { "420300-420303-003", "官山街道" },
};

typedef struct
{
  PanoLiveStore *store;
  PanoIncidentModel *model;
  gint64 seq;
  gint64 now_ms;
  GRand *rand;
} Fixture;

static void
apply (Fixture    *f,
       const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PanoFeedFrame) frame = pano_feed_frame_decode (json, strlen (json), &error);

  g_assert_no_error (error);
  g_assert_true (pano_live_store_apply (f->store, frame, &error));
  g_assert_no_error (error);
  pano_live_store_flush (f->store);
}

/* An `incidents` entity: @share of its stage's time used (0.3 on time, 0.9 due soon, 2 overdue:
 * minutes away from any change of colour while the test runs). */
static char *
entity (Fixture    *f,
        guint       number,
        const char *status,
        guint       street,
        double      share)
{
  gint64 since = f->now_ms - (gint64) (share * LIMIT_MINUTES * MINUTE);
  g_autofree char *since_text = pano_protocol_format_time (since * 1000);
  g_autofree char *deadline = pano_protocol_format_time ((since + LIMIT_MINUTES * MINUTE) * 1000);
  gboolean final = g_str_equal (status, "closed");

  return g_strdup_printf (
    "{\"id\":\"INC-%06u\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[110.79,32.65]},"
    "\"properties\":{\"id\":\"INC-%06u\",\"status\":\"%s\",\"category\":\"市政设施\","
    "\"severity\":2,\"title\":\"井盖缺失\",\"source\":\"hotline_12345\","
    "\"location\":[110.79,32.65],\"grid\":{\"code\":\"%s-0007\",\"city\":\"十堰市\","
    "\"district\":\"茅箭区\",\"street\":\"%s\",\"cell\":\"第7网格\"},"
    "\"reported_at\":\"%s\",\"stage_since\":\"%s\",\"deadline\":%s%s%s,\"overdue\":%s,"
    "\"updated_at\":\"%s\",\"version\":1,\"units\":[],\"notes\":[]},"
    "\"updated_at\":\"%s\",\"stale_after\":null}",
    number, number, status, streets[street].code, streets[street].street, since_text,
    since_text, final ? "" : "\"", final ? "null" : deadline, final ? "" : "\"",
    share >= 1 && !final ? "true" : "false", since_text, since_text);
}

static char *
random_entity (Fixture *f,
               guint    number)
{
  static const char * const statuses[] = { "reported", "accepted", "dispatched", "handling",
                                            "closed" };
  static const double shares[] = { 0.3, 0.9, 2.0 };

  return entity (f, number, statuses[g_rand_int_range (f->rand, 0, G_N_ELEMENTS (statuses))],
                 g_rand_int_range (f->rand, 0, G_N_ELEMENTS (streets)),
                 shares[g_rand_int_range (f->rand, 0, G_N_ELEMENTS (shares))]);
}

static void
fixture_set_up (Fixture *f,
                guint    n)
{
  g_autoptr(GString) snapshot = g_string_new ("{\"type\":\"snapshot\",\"layer\":\"incidents\","
                                              "\"seq\":1,\"chunk\":0,\"chunks\":1,"
                                              "\"entities\":[");

  f->store = pano_live_store_new (layers);
  f->model = pano_incident_model_new (f->store);
  f->seq = 1;
  f->now_ms = g_get_real_time () / 1000;
  f->rand = g_rand_new_with_seed (42);
  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *e = random_entity (f, i);

      g_string_append_printf (snapshot, "%s%s", i > 1 ? "," : "", e);
    }
  g_string_append (snapshot, "]}");
  apply (f, snapshot->str);
}

static void
fixture_tear_down (Fixture *f)
{
  g_clear_object (&f->model);
  g_clear_object (&f->store);
  g_clear_pointer (&f->rand, g_rand_free);
}

/* Upserts (or removes, with a NULL entity) in one delta, as the hub sends a change set. */
static void
send (Fixture *f,
      GPtrArray *changes)
{
  g_autoptr(GString) delta = g_string_new (NULL);

  f->seq++;
  g_string_printf (delta, "{\"type\":\"delta\",\"layer\":\"incidents\",\"from_seq\":%"
                   G_GINT64_FORMAT ",\"seq\":%" G_GINT64_FORMAT ",\"changes\":[", f->seq, f->seq);
  for (guint i = 0; i < changes->len; i++)
    g_string_append_printf (delta, "%s%s", i > 0 ? "," : "", (char *) changes->pdata[i]);
  g_string_append (delta, "]}");
  apply (f, delta->str);
}

static PanoIncidentQueue *
queue_new (Fixture    *f,
           const char *scope)
{
  PanoIncidentQueue *queue = g_object_ref_sink (g_object_new (PANO_TYPE_INCIDENT_QUEUE, NULL));

  pano_incident_queue_set_may_act (queue, TRUE);
  pano_incident_queue_set_scope (queue, scope);
  pano_incident_queue_set_model (queue, f->model);
  return queue;
}

static void
assert_counts_as_fresh (Fixture           *f,
                        PanoIncidentQueue *queue)
{
  g_autoptr(PanoIncidentQueue) fresh = queue_new (f, pano_incident_queue_get_scope (queue));

  for (guint tab = 0; tab < PANO_QUEUE_N_TABS; tab++)
    g_assert_cmpuint (pano_incident_queue_get_count (queue, tab), ==,
                      pano_incident_queue_get_count (fresh, tab));
  pano_incident_queue_set_model (fresh, NULL);
}

/* One random step: a few upserts and removals, or now and then a burst past the model's reset
 * threshold. Returns: the highest incident number in use */
static guint
random_step (Fixture *f,
             guint    highest)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func (g_free);
  guint n = g_rand_int_range (f->rand, 0, 12) == 0 ? 70 : g_rand_int_range (f->rand, 1, 4);

  for (guint i = 0; i < n; i++)
    {
      double r = g_rand_double (f->rand);
      guint number = g_rand_int_range (f->rand, 1, highest + 1);
      g_autofree char *e = NULL;

      if (r < 0.15)
        g_ptr_array_add (changes, g_strdup_printf ("{\"op\":\"remove\",\"id\":\"INC-%06u\"}",
                                                   number));
      else
        {
          if (r < 0.3)
            number = ++highest;
          e = random_entity (f, number);
          g_ptr_array_add (changes, g_strdup_printf ("{\"op\":\"upsert\",\"entity\":%s}", e));
        }
    }
  send (f, changes);
  return highest;
}

static void
test_counts_follow_changes (void)
{
  Fixture f = { 0 };
  g_autoptr(PanoIncidentQueue) city = NULL, street = NULL;
  guint highest = 40;

  fixture_set_up (&f, highest);
  city = queue_new (&f, NULL);
  street = queue_new (&f, streets[1].code);
  g_assert_cmpuint (pano_incident_queue_get_count (city, PANO_QUEUE_ALL), ==, 40);
  g_assert_cmpuint (pano_incident_queue_get_count (street, PANO_QUEUE_ALL), <, 40);
  for (guint step = 0; step < 150; step++)
    {
      highest = random_step (&f, highest);
      assert_counts_as_fresh (&f, city);
      assert_counts_as_fresh (&f, street);
    }
  g_assert_cmpuint (pano_incident_queue_get_count (city, PANO_QUEUE_ALL), ==,
                    g_list_model_get_n_items (G_LIST_MODEL (f.model)));
  pano_incident_queue_set_model (city, NULL);
  pano_incident_queue_set_model (street, NULL);
  g_assert_cmpuint (pano_incident_queue_get_count (city, PANO_QUEUE_ALL), ==, 0);
  fixture_tear_down (&f);
}

static GtkWidget *
find_widget (GtkWidget  *widget,
             GType       type,
             const char *text)
{
  const char *tooltip = gtk_widget_get_tooltip_text (widget);

  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) &&
      ((tooltip && g_str_equal (tooltip, text)) ||
       (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) &&
        g_str_has_prefix (gtk_button_get_label (GTK_BUTTON (widget)), text))))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
offers_area (GtkDropDown *areas,
             const char  *label)
{
  GListModel *choices = gtk_drop_down_get_model (areas);

  for (guint i = 0; i < g_list_model_get_n_items (choices); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (choices), i), label))
      {
        gtk_drop_down_set_selected (areas, i);
        return TRUE;
      }
  return FALSE;
}

static void
iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_tabs_and_areas (void)
{
  Fixture f = { 0 };
  g_autoptr(PanoIncidentQueue) queue = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *lone = NULL, *moved = NULL;
  GtkDropDown *areas;
  GtkButton *all;
  guint shown;

  fixture_set_up (&f, 0);
  queue = queue_new (&f, NULL);
  pano_incident_queue_set_tab (queue, PANO_QUEUE_ALL);
  areas = GTK_DROP_DOWN (find_widget (GTK_WIDGET (queue), GTK_TYPE_DROP_DOWN,
                                      "District or street"));
  all = GTK_BUTTON (find_widget (GTK_WIDGET (queue), GTK_TYPE_TOGGLE_BUTTON, "All "));
  g_assert_nonnull (areas);
  g_assert_nonnull (all);

  /* ten incidents in 凤凰街道, one in 官山街道 */
  for (guint i = 1; i <= 10; i++)
    {
      g_autofree char *e = entity (&f, i, "accepted", 0, 0.3);

      g_ptr_array_add (changes, g_strdup_printf ("{\"op\":\"upsert\",\"entity\":%s}", e));
    }
  lone = entity (&f, 11, "dispatched", 2, 2.0);
  g_ptr_array_add (changes, g_strdup_printf ("{\"op\":\"upsert\",\"entity\":%s}", lone));
  send (&f, changes);
  iterate ();
  g_assert_cmpstr (gtk_button_get_label (all), ==, "All 11");
  g_assert_cmpuint (pano_incident_queue_get_count (queue, PANO_QUEUE_OVERDUE), ==, 1);
  g_assert_false (offers_area (areas, "茅箭区 › 云岭街道"));

  /* the operator picks 官山街道: one incident shown */
  g_assert_true (offers_area (areas, "茅箭区 › 官山街道"));
  g_assert_cmpuint (pano_incident_queue_get_n_shown (queue), ==, 1);
  g_assert_cmpuint (pano_incident_queue_get_count (queue, PANO_QUEUE_ALL), ==, 1);

  /* its one incident moves to 云岭街道: the street is no longer offered, the choice falls back
   * to all areas and every incident is shown and counted again */
  g_ptr_array_set_size (changes, 0);
  moved = entity (&f, 11, "dispatched", 1, 2.0);
  g_ptr_array_add (changes, g_strdup_printf ("{\"op\":\"upsert\",\"entity\":%s}", moved));
  send (&f, changes);
  iterate ();
  g_assert_cmpuint (gtk_drop_down_get_selected (areas), ==, 0);
  shown = pano_incident_queue_get_n_shown (queue);
  g_assert_cmpuint (shown, ==, 11);
  g_assert_cmpuint (pano_incident_queue_get_count (queue, PANO_QUEUE_ALL), ==, 11);
  g_assert_cmpstr (gtk_button_get_label (all), ==, "All 11");
  g_assert_false (offers_area (areas, "茅箭区 › 官山街道"));
  g_assert_true (offers_area (areas, "茅箭区 › 云岭街道"));

  pano_incident_queue_set_model (queue, NULL);
  fixture_tear_down (&f);
}

static gboolean
on_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_clock_runs_out (void)
{
  Fixture f = { 0 };
  g_autoptr(PanoIncidentQueue) queue = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *soon = NULL, *later = NULL;
  gboolean timed_out = FALSE;
  guint timeout;

  fixture_set_up (&f, 0);
  queue = queue_new (&f, NULL);
  /* 1.5 s before its deadline, and one with half an hour to go */
  soon = entity (&f, 1, "accepted", 0, 1.0 - 1.5 / (LIMIT_MINUTES * 60));
  later = entity (&f, 2, "accepted", 0, 0.3);
  g_ptr_array_add (changes, g_strdup_printf ("{\"op\":\"upsert\",\"entity\":%s}", soon));
  g_ptr_array_add (changes, g_strdup_printf ("{\"op\":\"upsert\",\"entity\":%s}", later));
  send (&f, changes);
  g_assert_cmpuint (pano_incident_queue_get_count (queue, PANO_QUEUE_DUE_SOON), ==, 1);
  g_assert_cmpuint (pano_incident_queue_get_count (queue, PANO_QUEUE_OVERDUE), ==, 0);

  /* no word from the hub: the queue's clock moves it */
  timeout = g_timeout_add_seconds (10, on_timeout, &timed_out);
  while (pano_incident_queue_get_count (queue, PANO_QUEUE_OVERDUE) == 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout);
  g_assert_cmpuint (pano_incident_queue_get_count (queue, PANO_QUEUE_OVERDUE), ==, 1);
  g_assert_cmpuint (pano_incident_queue_get_count (queue, PANO_QUEUE_DUE_SOON), ==, 0);
  g_assert_cmpuint (pano_incident_queue_get_count (queue, PANO_QUEUE_MINE), ==, 2);
  g_assert_cmpuint (pano_incident_queue_get_count (queue, PANO_QUEUE_ALL), ==, 2);
  assert_counts_as_fresh (&f, queue);

  pano_incident_queue_set_model (queue, NULL);
  fixture_tear_down (&f);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/incident-queue/counts-follow-changes", test_counts_follow_changes);
  g_test_add_func ("/incident-queue/clock-runs-out", test_clock_runs_out);
  g_test_add_func ("/incident-queue/tabs-and-areas", test_tabs_and_areas);
  return g_test_run ();
}
