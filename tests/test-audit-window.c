// SPDX-License-Identifier: GPL-3.0-or-later
/* The audit window on the real hub: an administrator sees every command this test made —
 * accepted and refused, by a dispatcher and by a viewer who tried — with who, when, what and
 * the outcome in words; filters by incident, actor and time go to the hub; older entries come a
 * page at a time with none missed or repeated; a free-text filter narrows the rows read; a
 * dispatcher opening it is told in words that only administrators may. */
#include "pano-audit-window.h"
#include "pano-test-gui.h"
#include "pano-test-hub.h"
#include "pano-test-util.h"

#include <string.h>

static char *
send (PanoTestHub *hub,
      const char  *token,
      const char  *body,
      guint        expected)
{
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr(JsonNode) answer = NULL;
  guint status = pano_test_hub_rest (hub, "POST", "/v1/commands", token, key, body, &answer,
                                     NULL);
  JsonObject *root = answer ? json_node_get_object (answer) : NULL;

  g_assert_cmpuint (status, ==, expected);
  return root && json_object_has_member (root, "incident")
         ? g_strdup (json_object_get_string_member (json_object_get_object_member (root,
                                                                                   "incident"),
                                                    "id"))
         : NULL;
}

/* A shift's work: two reports, an acceptance, a note, an illegal move refused, and a viewer
 * who tried to report. Returns the first incident's id. */
static char *
shift (PanoTestHub *hub)
{
  const char *create = "{\"command\":\"create\",\"category\":\"市政设施\",\"severity\":2,"
                       "\"location\":[110.79,32.65],\"title\":\"井盖缺失\"}";
  char *first = send (hub, "dispatch", create, 201);
  g_autofree char *accept = g_strdup_printf ("{\"command\":\"transition\",\"incident\":\"%s\","
                                             "\"to\":\"accepted\"}", first);
  g_autofree char *note = g_strdup_printf ("{\"command\":\"note\",\"incident\":\"%s\","
                                           "\"text\":\"called the reporter back\"}", first);
  g_autofree char *close = g_strdup_printf ("{\"command\":\"transition\",\"incident\":\"%s\","
                                            "\"to\":\"closed\"}", first);

  g_free (send (hub, "dispatch", accept, 200));
  g_free (send (hub, "dispatch", note, 200));
  g_free (send (hub, "dispatch", close, 409));
  g_free (send (hub, "dispatch", create, 201));
  g_free (send (hub, "view", create, 403));
  return first;
}

/* The hub's own count of audit entries matching @query. */
static guint
hub_count (PanoTestHub *hub,
           const char  *query)
{
  g_autofree char *path = g_strdup_printf ("/v1/audit?limit=1000%s", query);
  guint status;
  g_autoptr(JsonNode) answer = pano_test_hub_request (hub, "GET", path, "admin", NULL, &status);

  g_assert_cmpuint (status, ==, 200);
  return json_array_get_length (json_object_get_array_member (json_node_get_object (answer),
                                                              "entries"));
}

typedef struct
{
  PanoAuditWindow *window;
  guint loads;
} Wait;

static gboolean
loaded (gpointer data)
{
  Wait *wait = data;

  return pano_audit_window_get_n_loads (wait->window) > wait->loads &&
         !pano_audit_window_is_loading (wait->window);
}

static void
search_and_wait (PanoAuditWindow *window)
{
  Wait wait = { window, pano_audit_window_get_n_loads (window) };

  pano_audit_window_search (window);
  g_assert_true (pano_audit_window_is_loading (window));
  pano_test_wait_until (loaded, &wait);
  pano_test_iterate ();
}

static void
more_and_wait (PanoAuditWindow *window)
{
  Wait wait = { window, pano_audit_window_get_n_loads (window) };

  pano_audit_window_load_more (window);
  pano_test_wait_until (loaded, &wait);
}

static guint
n_rows (PanoAuditWindow *window)
{
  return g_list_model_get_n_items (pano_audit_window_get_rows (window));
}

/* Returns: (transfer full): every row as shown, one a line */
static char *
all_rows (PanoAuditWindow *window)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n_rows (window); i++)
    {
      g_autofree char *row = pano_audit_window_dup_row_text (window, i);

      g_string_append_printf (text, "%s\n", row);
    }
  return g_string_free (text, FALSE);
}

static GtkWidget *
open_window (PanoTestHub *hub,
             const char  *token)
{
  g_autoptr(PanoHubClient) client = pano_hub_client_new (hub->url, token);
  GtkWidget *window = pano_audit_window_new (NULL, client);
  Wait wait = { PANO_AUDIT_WINDOW (window), 0 };

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 600);
  gtk_window_present (GTK_WINDOW (window));
  pano_test_wait_until (loaded, &wait);
  pano_test_iterate ();
  return window;
}

static void
test_admin (void)
{
  g_autoptr(PanoTestHub) hub = pano_test_hub_start (NULL, NULL);
  g_autofree char *incident = shift (hub);
  g_autofree char *query = g_strdup_printf ("&incident=%s", incident);
  GtkWidget *widget = open_window (hub, "admin");
  PanoAuditWindow *window = PANO_AUDIT_WINDOW (widget);
  g_autofree char *rows = all_rows (window);
  g_autofree char *first = NULL;

  /* everything the hub audited, newest first, in words */
  g_test_message ("%s", rows);
  g_assert_cmpstr (pano_audit_window_get_page (window), ==, "table");
  g_assert_cmpuint (n_rows (window), ==, hub_count (hub, ""));
  g_assert_cmpuint (n_rows (window), >=, 6);
  first = pano_audit_window_dup_row_text (window, 0);
  g_assert_nonnull (strstr (first, " | console | Viewer | "));
  g_assert_nonnull (strstr (first, " | Refused | 403 | "));
  g_assert_nonnull (strstr (rows, " | operator | Dispatcher | Add note | "));
  g_assert_nonnull (strstr (rows, " | operator | Dispatcher | Change stage | "));
  g_assert_nonnull (strstr (rows, " | Refused | 409 | "));
  g_assert_nonnull (strstr (rows, " | Report incident | "));
  g_assert_false (pano_audit_window_has_more (window));
  g_free (pano_test_save_png (widget, "audit-window.png"));

  /* one incident: what the hub says was done to it */
  pano_audit_window_set_filters (window, NULL, incident, NULL, NULL);
  search_and_wait (window);
  g_assert_cmpuint (n_rows (window), ==, hub_count (hub, query));
  g_assert_cmpuint (n_rows (window), ==, 4);
  for (guint i = 0; i < n_rows (window); i++)
    {
      g_autofree char *row = pano_audit_window_dup_row_text (window, i);

      g_assert_nonnull (strstr (row, incident));
    }

  /* one actor */
  pano_audit_window_set_filters (window, "console", "", NULL, NULL);
  search_and_wait (window);
  g_assert_cmpuint (n_rows (window), ==, hub_count (hub, "&actor=console"));
  g_assert_cmpuint (n_rows (window), ==, 1);

  /* a window of time with nothing in it; then a time that is not one */
  pano_audit_window_set_filters (window, "", NULL, "2099-01-01", "2099-01-02 08:00");
  search_and_wait (window);
  g_assert_cmpuint (n_rows (window), ==, 0);
  g_assert_cmpstr (pano_audit_window_get_page (window), ==, "empty");
  pano_audit_window_set_filters (window, NULL, NULL, "yesterday", "");
  pano_audit_window_search (window);
  g_assert_false (pano_audit_window_is_loading (window));
  g_assert_cmpstr (pano_audit_window_get_message (window), ==,
                   "From: “yesterday” is not a date and time; write it as 2026-12-01 08:00.");

  /* two at a time: page after page, nothing missed or repeated */
  pano_audit_window_set_filters (window, NULL, NULL, "2020-01-01", "");
  pano_audit_window_set_page_size (window, 2);
  search_and_wait (window);
  g_assert_cmpuint (n_rows (window), ==, 2);
  g_assert_true (pano_audit_window_has_more (window));
  while (pano_audit_window_has_more (window))
    more_and_wait (window);
  {
    g_autofree char *paged = all_rows (window);

    g_assert_cmpstr (paged, ==, rows);
  }

  /* free text over the rows read */
  pano_audit_window_set_text_filter (window, "add note");
  g_assert_cmpuint (n_rows (window), ==, 1);
  pano_audit_window_set_text_filter (window, "");
  g_assert_cmpuint (n_rows (window), ==, hub_count (hub, ""));
  gtk_window_destroy (GTK_WINDOW (widget));
}

static void
test_dispatcher_refused (void)
{
  g_autoptr(PanoTestHub) hub = pano_test_hub_start (NULL, NULL);
  GtkWidget *widget = open_window (hub, "dispatch");
  PanoAuditWindow *window = PANO_AUDIT_WINDOW (widget);

  g_assert_cmpstr (pano_audit_window_get_page (window), ==, "refused");
  g_assert_nonnull (strstr (pano_audit_window_get_message (window), hub->url));
  g_assert_nonnull (strstr (pano_audit_window_get_message (window),
                            "refused this console’s token"));
  g_assert_true (pano_test_shows_text (widget, "Only administrators may read the audit trail"));
  g_assert_cmpuint (n_rows (window), ==, 0);
  g_free (pano_test_save_png (widget, "audit-window-refused.png"));
  gtk_window_destroy (GTK_WINDOW (widget));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/audit-window/admin", test_admin);
  g_test_add_func ("/audit-window/dispatcher-refused", test_dispatcher_refused);
  return g_test_run ();
}
