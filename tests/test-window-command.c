// SPDX-License-Identifier: GPL-3.0-or-later
/* 平时 / 战时 on a real hub with its simulated city, on an X server of the test's own (a 4K
 * screen, so a real F12 goes to this window and wall mode has room): with nothing open, F12 says
 * what it needs; from an incident's card 战时 lays the console out around the incident — the
 * badge says 战时 with the id, the map is on the incident, the board lists the dispatched unit
 * with its road ETA; leaving gives back every pane, page, the map's centre and zoom and each
 * pane's place, exactly. Again by the key, on the wall at scale 2.0 (nothing cut off), with the
 * incident cancelled meanwhile: said on screen, the view kept until the operator leaves. */
#include "pano-application.h"
#include "pano-test-gui.h"
#include "pano-test-hub.h"
#include "pano-test-util.h"
#include "pano-window.h"

#include <gdk/x11/gdkx.h>
#include <X11/extensions/XTest.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <X11/keysym.h>

#define HERE_LON 110.79
#define HERE_LAT 32.65
#define SCREEN_W 3840
#define SCREEN_H 2160
#define UNIT "fire-1-1"

/* ---- the console and the incident ---- */

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

static void
command (PanoTestHub *hub,
         const char  *body)
{
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr(JsonNode) answer = NULL;
  guint status = pano_test_hub_rest (hub, "POST", "/v1/commands", "dispatch", key, body, &answer,
                                     NULL);

  if (status >= 300)
    g_error ("%s → %u", body, status);
}

/* Returns: a new incident here, accepted and dispatched to UNIT */
static char *
dispatched_incident (PanoTestHub *hub)
{
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *accept = NULL, *dispatch = NULL;
  guint status = pano_test_hub_rest (hub, "POST", "/v1/commands", "dispatch", key,
                                     "{\"command\":\"create\",\"category\":\"市政设施\","
                                     "\"severity\":3,\"location\":[110.79,32.65],"
                                     "\"title\":\"路面塌陷\"}", &answer, NULL);
  char *id;

  g_assert_cmpuint (status, ==, 201);
  id = g_strdup (json_object_get_string_member (json_object_get_object_member (
                   json_node_get_object (answer), "incident"), "id"));
  accept = g_strdup_printf ("{\"command\":\"transition\",\"incident\":\"%s\","
                            "\"to\":\"accepted\"}", id);
  dispatch = g_strdup_printf ("{\"command\":\"dispatch\",\"incident\":\"%s\","
                              "\"units\":[\"" UNIT "\"]}", id);
  command (hub, accept);
  command (hub, dispatch);
  return id;
}

typedef struct
{
  PanoWindow *window;
  const char *id;
} Wanted;

static gboolean
card_has_unit (gpointer data)
{
  Wanted *w = data;
  PanoIncidentRecord *r = pano_incident_card_get_record (pano_window_get_card (w->window));

  return r != NULL && g_str_equal (pano_incident_record_get_id (r), w->id) &&
         pano_incident_record_get_n_units (r) == 1;
}

/* ---- the view: everything 战时 may change ---- */

typedef struct
{
  double latitude, longitude, zoom;
  GArray *reveals;            /* gboolean, each AdwFlap */
  GPtrArray *pages;           /* each stack's visible page */
  GArray *bounds;             /* graphene_rect_t, each pane (or 0×0 when hidden) */
  char *card;
  char *scope;
} View;

static void
view_clear (View *view)
{
  g_clear_pointer (&view->reveals, g_array_unref);
  g_clear_pointer (&view->pages, g_ptr_array_unref);
  g_clear_pointer (&view->bounds, g_array_unref);
  g_clear_pointer (&view->card, g_free);
  g_clear_pointer (&view->scope, g_free);
}

static void
add_bounds (View      *view,
            GtkWidget *window,
            GtkWidget *pane)
{
  graphene_rect_t r = GRAPHENE_RECT_INIT (0, 0, 0, 0);

  if (gtk_widget_get_mapped (pane))
    g_assert_true (gtk_widget_compute_bounds (pane, window, &r));
  g_array_append_val (view->bounds, r);
}

/* Every flap's, stack's and pane's state, found in the widget tree rather than named, so a page
 * or pane added later is checked too. */
static void
view_read (PanoWindow *window,
           View       *view)
{
  ShumateViewport *viewport = shumate_map_get_viewport (pano_window_get_map (window));
  g_autoptr(GPtrArray) flaps = pano_test_find_all (GTK_WIDGET (window), ADW_TYPE_FLAP);
  g_autoptr(GPtrArray) stacks = pano_test_find_all (GTK_WIDGET (window), GTK_TYPE_STACK);
  g_autoptr(GPtrArray) view_stacks = pano_test_find_all (GTK_WIDGET (window),
                                                         ADW_TYPE_VIEW_STACK);

  pano_test_wait_for_frame (GTK_WIDGET (window));
  view->latitude = shumate_location_get_latitude (SHUMATE_LOCATION (viewport));
  view->longitude = shumate_location_get_longitude (SHUMATE_LOCATION (viewport));
  view->zoom = shumate_viewport_get_zoom_level (viewport);
  view->reveals = g_array_new (FALSE, FALSE, sizeof (gboolean));
  view->pages = g_ptr_array_new_with_free_func (g_free);
  view->bounds = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));
  g_assert_cmpuint (flaps->len, ==, 2);
  for (guint i = 0; i < flaps->len; i++)
    {
      gboolean revealed = adw_flap_get_reveal_flap (flaps->pdata[i]);

      g_array_append_val (view->reveals, revealed);
      add_bounds (view, GTK_WIDGET (window), adw_flap_get_flap (flaps->pdata[i]));
    }
  for (guint i = 0; i < stacks->len; i++)
    g_ptr_array_add (view->pages, g_strdup (gtk_stack_get_visible_child_name (stacks->pdata[i])));
  for (guint i = 0; i < view_stacks->len; i++)
    g_ptr_array_add (view->pages,
                     g_strdup (adw_view_stack_get_visible_child_name (view_stacks->pdata[i])));
  add_bounds (view, GTK_WIDGET (window), GTK_WIDGET (pano_window_get_map (window)));
  view->card = g_strdup (pano_incident_card_get_incident (pano_window_get_card (window)));
  view->scope = g_strdup (pano_window_get_scope (window));
}

static void
view_assert_equal (const View *a,
                   const View *b)
{
  g_assert_cmpfloat (a->latitude, ==, b->latitude);
  g_assert_cmpfloat (a->longitude, ==, b->longitude);
  g_assert_cmpfloat (a->zoom, ==, b->zoom);
  g_assert_cmpuint (a->reveals->len, ==, b->reveals->len);
  for (guint i = 0; i < a->reveals->len; i++)
    g_assert_cmpint (g_array_index (a->reveals, gboolean, i), ==,
                     g_array_index (b->reveals, gboolean, i));
  g_assert_cmpuint (a->pages->len, ==, b->pages->len);
  for (guint i = 0; i < a->pages->len; i++)
    g_assert_cmpstr (a->pages->pdata[i], ==, b->pages->pdata[i]);
  g_assert_cmpuint (a->bounds->len, ==, b->bounds->len);
  for (guint i = 0; i < a->bounds->len; i++)
    {
      graphene_rect_t *x = &g_array_index (a->bounds, graphene_rect_t, i);
      graphene_rect_t *y = &g_array_index (b->bounds, graphene_rect_t, i);

      g_test_message ("pane %u: %.0f,%.0f %.0f×%.0f and %.0f,%.0f %.0f×%.0f", i, x->origin.x,
                      x->origin.y, x->size.width, x->size.height, y->origin.x, y->origin.y,
                      y->size.width, y->size.height);
      g_assert_true (graphene_rect_equal (x, y));
    }
  g_assert_cmpstr (a->card, ==, b->card);
  g_assert_cmpstr (a->scope, ==, b->scope);
}

/* ---- a real key, through the X server (XTest, as a keyboard would) ---- */

static void
press_key (PanoWindow *window,
           KeySym      keysym)
{
  Display *dpy = gdk_x11_display_get_xdisplay (gtk_widget_get_display (GTK_WIDGET (window)));
  Window xid = gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window)));
  KeyCode code = XKeysymToKeycode (dpy, keysym);

  g_assert_cmpuint (code, !=, 0);
  XSetInputFocus (dpy, xid, RevertToParent, CurrentTime);
  XTestFakeKeyEvent (dpy, code, True, 0);
  XTestFakeKeyEvent (dpy, code, False, 0);
  XFlush (dpy);
}

static gboolean
in_command (gpointer data)
{
  return pano_window_get_command (data) != NULL;
}

static gboolean
in_routine (gpointer data)
{
  return pano_window_get_command (data) == NULL;
}

/* Returns: the incident's row in the queue as shown, or -1 */
static int
queue_position (PanoWindow *window,
                const char *id)
{
  PanoIncidentQueue *queue = pano_window_get_queue (window);

  for (guint i = 0; i < pano_incident_queue_get_n_shown (queue); i++)
    if (g_str_equal (pano_incident_record_get_id (pano_incident_queue_get_shown (queue, i)), id))
      return (int) i;
  return -1;
}

/* ---- what 战时 shows ---- */

static gboolean
board_has_eta (gpointer data)
{
  PanoCommandBoard *board = pano_window_get_command_board (data);
  g_autofree char *text = NULL;

  if (pano_command_board_get_n_units (board) != 1)
    return FALSE;
  text = pano_command_board_dup_unit_text (board, 0);
  if (g_str_has_prefix (text, UNIT) && strstr (text, "ETA ") != NULL &&
      strstr (text, "ETA not known") == NULL)
    return TRUE;
  /* what it says meanwhile, once each */
  if (g_strcmp0 (text, g_object_get_data (G_OBJECT (board), "test-said")) != 0)
    {
      g_test_message ("board: %s", text);
      g_object_set_data_full (G_OBJECT (board), "test-said", g_strdup (text), g_free);
    }
  return FALSE;
}

static gboolean
board_without_eta (gpointer data)
{
  PanoCommandBoard *board = pano_window_get_command_board (data);
  g_autofree char *text = NULL;

  if (pano_command_board_get_n_units (board) != 1)
    return FALSE;
  text = pano_command_board_dup_unit_text (board, 0);
  return strstr (text, "no longer on the way") != NULL && strstr (text, "ETA") == NULL;
}

static gboolean
clock_runs (gpointer data)
{
  const char *clock = pano_command_board_get_clock (pano_window_get_command_board (data));

  return clock != NULL && g_strcmp0 (clock, "00:00") != 0;
}

/* @widget is drawn whole inside @within: nothing of it cut off. */
static void
assert_inside (PanoWindow *window,
               GtkWidget  *widget,
               GtkWidget  *within)
{
  graphene_rect_t w, area;

  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (window), &w));
  g_assert_true (gtk_widget_compute_bounds (within, GTK_WIDGET (window), &area));
  g_test_message ("%s at %.0f,%.0f %.0f×%.0f in %.0f,%.0f %.0f×%.0f", G_OBJECT_TYPE_NAME (widget),
                  w.origin.x, w.origin.y, w.size.width, w.size.height, area.origin.x,
                  area.origin.y, area.size.width, area.size.height);
  g_assert_cmpfloat (w.size.width, >, 0);
  g_assert_cmpfloat (w.size.height, >, 0);
  g_assert_true (graphene_rect_contains_rect (&area, &w));
}

/* Its labels have all the room their words need (none cut, none squeezed). */
static void
assert_labels_fit (GtkWidget *root)
{
  g_autoptr(GPtrArray) labels = pano_test_find_all (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = labels->pdata[i];
      int min = 0;

      if (!gtk_widget_get_mapped (label))
        continue;
      gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (label), &min,
                          NULL, NULL, NULL);
      g_assert_cmpint (gtk_widget_get_height (label), >=, min);
    }
}

static void
assert_command_on (PanoWindow *window,
                   const char *id)
{
  ShumateViewport *viewport = shumate_map_get_viewport (pano_window_get_map (window));
  PanoCommandBoard *board = pano_window_get_command_board (window);
  const char *badge = pano_window_get_mode_badge (window);

  g_assert_cmpstr (pano_window_get_command (window), ==, id);
  g_test_message ("badge: %s", badge);
  g_assert_true (g_str_has_prefix (badge, "Emergency"));
  g_assert_nonnull (strstr (badge, id));
  g_assert_cmpfloat (pano_test_lonlat_distance_m (
                       shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                       shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                       HERE_LON, HERE_LAT), <, 1.0);
  g_assert_cmpfloat (shumate_viewport_get_zoom_level (viewport), >=, 15.0);
  g_assert_cmpstr (pano_incident_card_get_incident (pano_window_get_card (window)), ==, id);
  g_assert_false (gtk_widget_get_visible (
                    pano_incident_card_get_command_button (pano_window_get_card (window))));
  pano_test_wait_until (board_has_eta, window);
  pano_test_wait_for_frame (GTK_WIDGET (window));
  /* the board over the map, the card in the operations pane, neither cut off */
  assert_inside (window, GTK_WIDGET (board), GTK_WIDGET (pano_window_get_map (window)));
  assert_inside (window, GTK_WIDGET (pano_window_get_card (window)), GTK_WIDGET (window));
  assert_labels_fit (GTK_WIDGET (board));
}

/* The window's content as drawn now; also into $PANORAMA_DOCS_IMAGES for docs/operations.md
 * (tools/docs-pictures.sh). */
static void
save_picture (PanoWindow *window,
              const char *name)
{
  const char *dir = g_getenv ("PANORAMA_DOCS_IMAGES");
  g_autofree char *path = pano_test_save_png (
    adw_application_window_get_content (ADW_APPLICATION_WINDOW (window)), name);
  g_autofree char *copy = dir ? g_build_filename (dir, name, NULL) : NULL;
  g_autofree char *bytes = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  if (copy == NULL)
    return;
  g_assert_true (g_file_get_contents (path, &bytes, &length, &error));
  g_assert_true (g_file_set_contents (copy, bytes, length, &error));
  g_assert_no_error (error);
  g_test_message ("picture %s", copy);
}

/* ---- the tests ---- */

static PanoTestHub *hub;

static PanoWindow *
console_open (void)
{
  PanoWindow *window = pano_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  pano_window_set_hub (window, hub->url, "dispatch");
  gtk_window_present (GTK_WINDOW (window));
  pano_test_wait_until (is_ready, window);
  return window;
}

static gboolean
has_message (gpointer data)
{
  return pano_window_get_last_message (data) != NULL;
}

typedef struct
{
  PanoWindow *window;
  int view;
} TourWait;

/* A view tour held by 战时: its timer runs on, but the map stays on the incident and the
 * tour's indicator gives the top right to the board; back in 平时 the tour goes on. */
#define HELD_TOUR \
  "[tour]\ninterval=1\nidle=1\n\n" \
  "[view 1]\nname=全市\nlatitude=32.629\nlongitude=110.798\nzoom=11\nscope=\n\n" \
  "[view 2]\nname=北\nlatitude=32.70\nlongitude=110.70\nzoom=12\nscope=\n"

static gboolean
deadline_passed (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

static gboolean
tour_moved_on (gpointer data)
{
  TourWait *w = data;

  return pano_window_get_tour_view (w->window) != w->view;
}

static void
test_tour_held (void)
{
  PanoWindow *window = console_open ();
  g_autofree char *id = dispatched_incident (hub);
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "panorama-held-XXXXXX.tour", NULL);
  g_autoptr(GError) error = NULL;
  TourWait wait = { window, 0 };
  gint64 deadline;
  int fd = g_mkstemp (path);

  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_assert_true (g_file_set_contents (path, HELD_TOUR, -1, &error));
  g_assert_true (pano_window_load_tour (window, path, &error));
  g_assert_no_error (error);
  pano_window_set_tour_running (window, TRUE);
  wait.view = pano_window_get_tour_view (window);
  pano_test_wait_until (tour_moved_on, &wait);

  pano_window_enter_command (window, id);
  g_assert_cmpstr (pano_window_get_command (window), ==, id);
  /* three intervals of the tour: none moves the map */
  deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  pano_test_wait_until (deadline_passed, &deadline);
  assert_command_on (window, id);
  g_assert_true (pano_window_get_tour_running (window));

  pano_window_leave_command (window);
  wait.view = pano_window_get_tour_view (window);
  pano_test_wait_until (tour_moved_on, &wait);
  g_unlink (path);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* F12 with no incident open: 平时 stays, and a toast says what is needed. */
static void
test_refused (void)
{
  PanoWindow *window = console_open ();

  g_assert_cmpstr (pano_window_get_mode_badge (window), ==, "Routine");
  press_key (window, XK_F12);
  pano_test_wait_until (has_message, window);
  g_test_message ("%s", pano_window_get_last_message (window));
  g_assert_nonnull (strstr (pano_window_get_last_message (window), "Open an incident"));
  g_assert_null (pano_window_get_command (window));
  g_assert_cmpstr (pano_window_get_mode_badge (window), ==, "Routine");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
queue_shows (gpointer data)
{
  Wanted *w = data;
  g_autoptr(GPtrArray) lists = pano_test_find_all (GTK_WIDGET (pano_window_get_queue (w->window)),
                                                   GTK_TYPE_LIST_VIEW);

  return queue_position (w->window, w->id) >= 0 && lists->len == 1;
}

/* A row selected in the queue (no card open): F12 takes command of it, leaving gives the
 * queue back as it was, the row selected again. */
static void
test_queue_round_trip (void)
{
  PanoWindow *window = console_open ();
  PanoIncidentQueue *queue = pano_window_get_queue (window);
  g_autofree char *id = dispatched_incident (hub);
  Wanted wanted = { window, id };
  g_autoptr(GPtrArray) lists = NULL;
  View before = { 0, }, after = { 0, };

  pano_incident_queue_set_tab (queue, PANO_QUEUE_ALL);
  pano_test_wait_until (queue_shows, &wanted);
  lists = pano_test_find_all (GTK_WIDGET (queue), GTK_TYPE_LIST_VIEW);
  g_assert_cmpuint (lists->len, ==, 1);
  g_assert_true (gtk_selection_model_select_item (gtk_list_view_get_model (lists->pdata[0]),
                                                  queue_position (window, id), TRUE));
  g_assert_cmpstr (pano_incident_record_get_id (pano_incident_queue_get_selected (queue)), ==,
                   id);
  view_read (window, &before);
  g_assert_null (before.card);

  press_key (window, XK_F12);
  pano_test_wait_until (in_command, window);
  assert_command_on (window, id);

  /* the key's action, checked before the loop runs again: a change to the incident arriving
   * later replaces its row, which the queue does not keep selected (平时 or not) */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.command", NULL));
  g_assert_null (pano_window_get_command (window));
  g_assert_nonnull (pano_incident_queue_get_selected (queue));
  g_assert_cmpstr (pano_incident_record_get_id (pano_incident_queue_get_selected (queue)), ==,
                   id);
  view_read (window, &after);
  view_assert_equal (&before, &after);
  view_clear (&before);
  view_clear (&after);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* From the card's button in, by F12 out: all as it was. */
static void
test_card_round_trip (void)
{
  PanoWindow *window = console_open ();
  ShumateMap *map = pano_window_get_map (window);
  g_autofree char *id = dispatched_incident (hub);
  Wanted wanted = { window, id };
  View before = { 0, }, after = { 0, };
  g_autoptr(GPtrArray) sidebar = NULL;
  g_autofree char *district = NULL;
  g_autoptr(GPtrArray) stacks = NULL;

  /* 平时 as an operator left it: the card open, the map moved off, the layers page shown */
  pano_window_open_incident (window, id);
  pano_test_wait_until (card_has_unit, &wanted);
  shumate_map_center_on (map, 32.61, 110.74);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (map), 12.5);
  sidebar = pano_test_find_all (GTK_WIDGET (window), ADW_TYPE_FLAP);
  adw_flap_set_reveal_flap (sidebar->pdata[0], TRUE);
  stacks = pano_test_find_all (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK);
  for (guint i = 0; i < stacks->len; i++)
    if (adw_view_stack_get_child_by_name (stacks->pdata[i], "layers") != NULL)
      adw_view_stack_set_visible_child_name (stacks->pdata[i], "layers");
  view_read (window, &before);

  pano_test_click (pano_incident_card_get_command_button (pano_window_get_card (window)));
  assert_command_on (window, id);
  pano_test_wait_until (clock_runs, window);
  save_picture (window, "operations-command.png");
  g_assert_true (g_regex_match_simple ("^Emergency · .+ · [0-9]{2}:[0-9]{2}$",
                                       pano_window_get_mode_badge (window), 0, 0));

  /* a scope chosen in 战时 (the map flies to it) is undone on leaving, with the map */
  district = pano_admin_tree_locate (pano_scope_bar_get_tree (pano_window_get_scope_bar (window)),
                                     HERE_LON, HERE_LAT, PANO_ADMIN_LEVEL_DISTRICT);
  g_assert_nonnull (district);
  pano_window_set_scope (window, district);
  g_assert_cmpstr (pano_window_get_scope (window), ==, district);

  press_key (window, XK_F12);
  pano_test_wait_until (in_routine, window);
  g_assert_cmpstr (pano_window_get_mode_badge (window), ==, "Routine");
  view_read (window, &after);
  view_assert_equal (&before, &after);
  g_assert_true (gtk_widget_get_visible (
                   pano_incident_card_get_command_button (pano_window_get_card (window))));
  view_clear (&before);
  view_clear (&after);

  /* the window closed in 战时 takes it along */
  press_key (window, XK_F12);
  pano_test_wait_until (in_command, window);
  gtk_window_destroy (GTK_WINDOW (window));
  pano_test_iterate ();
}

static gboolean
told_over (gpointer data)
{
  Wanted *w = data;
  const char *message = pano_window_get_last_message (w->window);

  return message != NULL && strstr (message, w->id) != NULL &&
         strstr (message, "Cancelled") != NULL &&
         strstr (pano_command_board_get_state (pano_window_get_command_board (w->window)),
                 "over") != NULL;
}

static gboolean
toast_gone (gpointer data)
{
  return !pano_test_shows_text (GTK_WIDGET (data), "Emergency command stays on screen");
}

/* On the wall at 2.0, from the queue's card by F12; the incident is cancelled meanwhile; out by
 * the board's button back to the queue as it was. */
static void
test_wall_cancelled (void)
{
  PanoWindow *window = console_open ();
  g_autofree char *id = dispatched_incident (hub);
  g_autofree char *cancel = NULL;
  Wanted wanted = { window, id };
  View before = { 0, }, after = { 0, };
  g_autoptr(GError) error = NULL;
  GtkWidget *leave;

  pano_window_set_wall_scale (window, 2.0);
  g_assert_true (pano_window_set_wall (window, TRUE, NULL, &error));
  pano_window_open_incident (window, id);
  pano_test_wait_until (card_has_unit, &wanted);
  view_read (window, &before);
  g_assert_cmpuint (g_array_index (before.bounds, graphene_rect_t, 2).size.width, ==, SCREEN_W -
                    g_array_index (before.bounds, graphene_rect_t, 0).size.width -
                    g_array_index (before.bounds, graphene_rect_t, 1).size.width - 2);

  press_key (window, XK_F12);
  pano_test_wait_until (in_command, window);
  assert_command_on (window, id);

  cancel = g_strdup_printf ("{\"command\":\"cancel\",\"incident\":\"%s\","
                            "\"reason\":\"duplicate report\"}", id);
  command (hub, cancel);
  pano_test_wait_until (told_over, &wanted);
  g_assert_true (pano_test_shows_text (GTK_WIDGET (window), "Emergency command stays on screen"));
  g_assert_cmpstr (pano_window_get_command (window), ==, id);
  /* no ETA for a drive that no longer happens */
  pano_test_wait_until (board_without_eta, window);

  leave = pano_test_find_widget (GTK_WIDGET (pano_window_get_command_board (window)),
                                 GTK_TYPE_BUTTON, "Back to Routine (F12)");
  pano_test_click (leave);
  g_assert_null (pano_window_get_command (window));
  /* the toast that said it was over goes with 战时 */
  pano_test_wait_until (toast_gone, window);
  view_read (window, &after);
  view_assert_equal (&before, &after);
  view_clear (&before);
  view_clear (&after);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  const char *args[] = { "--simulate", "--speed", "20", NULL };
  GPid xvfb;
  int status;

  xvfb = pano_test_start_display (SCREEN_W, SCREEN_H);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  /* the application's stylesheet, as AdwApplication loads it for the program: the board's
   * padding is part of what must fit */
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/org/panorama/Panorama/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  hub = pano_test_hub_new (NULL);
  /* the simulator leaves incidents to the operators and drives the units they send */
  pano_test_hub_set_config (hub, "[simulator]\nmanual-share=1\n");
  pano_test_hub_set_args (hub, args);
  pano_test_hub_spawn (hub);
  g_test_add_func ("/window-command/refused", test_refused);
  g_test_add_func ("/window-command/queue-round-trip", test_queue_round_trip);
  g_test_add_func ("/window-command/card-round-trip", test_card_round_trip);
  g_test_add_func ("/window-command/wall-cancelled", test_wall_cancelled);
  g_test_add_func ("/window-command/tour-held", test_tour_held);
  status = g_test_run ();
  pano_test_hub_free (hub);
  kill (xvfb, SIGTERM);
  waitpid (xvfb, NULL, 0);
  g_spawn_close_pid (xvfb);
  return status;
}
