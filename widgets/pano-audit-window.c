// SPDX-License-Identifier: GPL-3.0-or-later
/* 操作留痕: the hub's audit trail for administrators (`GET /v1/audit`, docs/protocol.md
 * section 4), newest first: who did what to which target, when, and what came of it. Filters
 * by actor, target and a local time window go to the hub; a free-text filter narrows the rows
 * already read. Older entries come a page at a time ("Load older entries", the hub's `before`
 * cursor). A token below admin gets the hub's refusal in words, not an empty table. */
#define G_LOG_DOMAIN "panorama-audit"

#include "pano-audit-window.h"
#include "pano-audit-entry.h"
#include "pano-format.h"
#include "pano-panel-style.h"

#include <glib/gi18n-lib.h>

#define DEFAULT_PAGE 100

typedef enum
{
  COLUMN_TIME,
  COLUMN_ACTOR,
  COLUMN_ROLE,
  COLUMN_ACTION,
  COLUMN_TARGET,
  COLUMN_OUTCOME,
  COLUMN_STATUS,
  COLUMN_REASON,
  N_COLUMNS
} Column;

struct _PanoAuditWindow
{
  AdwWindow parent_instance;

  AdwWindowTitle *window_title;
  GtkSpinner *spinner;
  GtkEntry *actor_entry;
  GtkEntry *incident_entry;
  GtkEntry *from_entry;
  GtkEntry *to_entry;
  GtkSearchEntry *text_entry;
  GtkLabel *message_label;
  GtkStack *stack;
  GtkColumnView *column_view;
  GtkColumnViewColumn *columns[N_COLUMNS];
  AdwStatusPage *refused_page;
  GtkLabel *count_label;
  GtkButton *more_button;

  PanoHubClient *client;
  GListStore *entries;          /* PanoAuditEntry, newest first, every page read */
  GtkFilterListModel *shown;    /* those matching the free text */
  GtkCustomFilter *text_filter;
  char *query;                  /* the hub-side filters of the last search, as a query */
  gint64 next_before;           /* 0: no older page */
  guint page_size;
  GCancellable *cancellable;
  char *message;
  guint n_loads;
};

G_DEFINE_FINAL_TYPE (PanoAuditWindow, pano_audit_window, ADW_TYPE_WINDOW)

/* ---- words for people ---- */

/* In context "audit": the outcome 已受理 is not the stage 受理. */

static const char *
action_words (const char *action)
{
  static const PanoWords words[] = {
    { "create", NC_("audit", "Report incident") },
    { "transition", NC_("audit", "Change stage") },
    { "dispatch", NC_("audit", "Dispatch units") },
    { "acknowledge", NC_("audit", "Unit acknowledges") },
    { "arrive", NC_("audit", "Unit on scene") },
    { "reassign", NC_("audit", "Reassign units") },
    { "cancel", NC_("audit", "Cancel incident") },
    { "note", NC_("audit", "Add note") },
    { "extend", NC_("audit", "Extend deadline") },
    { "acknowledge_alert", NC_("audit", "Acknowledge alert") },
    { "stream.hello", NC_("audit", "Connect to the live stream") }, { NULL, NULL }
  };

  return pano_format_words (words, "audit", action);
}

static const char *
role_words (const char *role)
{
  static const PanoWords words[] = {
    { "viewer", NC_("audit", "Viewer") }, { "dispatcher", NC_("audit", "Dispatcher") },
    { "admin", NC_("audit", "Administrator") }, { NULL, NULL }
  };

  return pano_format_words (words, "audit", role);
}

static const char *
outcome_words (const char *outcome)
{
  static const PanoWords words[] = {
    { "accepted", NC_("audit", "Accepted") }, { "refused", NC_("audit", "Refused") },
    { "replayed", NC_("audit", "Answered again (same key)") }, { NULL, NULL }
  };

  return pano_format_words (words, "audit", outcome);
}

/* Returns: (transfer full): what @column shows for @entry */
static char *
cell_text (PanoAuditEntry *entry,
           Column          column)
{
  const char *text = NULL;

  switch (column)
    {
    case COLUMN_TIME:
      {
        g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (
          pano_audit_entry_get_at_ms (entry) / 1000);

        return at ? g_date_time_format (at, "%Y-%m-%d %H:%M:%S") : g_strdup ("—");
      }
    case COLUMN_STATUS:
      return g_strdup_printf ("%u", pano_audit_entry_get_status (entry));
    case COLUMN_ACTOR:
      text = pano_audit_entry_get_actor (entry);
      break;
    case COLUMN_ROLE:
      text = role_words (pano_audit_entry_get_role (entry));
      break;
    case COLUMN_ACTION:
      text = action_words (pano_audit_entry_get_action (entry));
      break;
    case COLUMN_TARGET:
      text = pano_audit_entry_get_target (entry);
      break;
    case COLUMN_OUTCOME:
      text = outcome_words (pano_audit_entry_get_outcome (entry));
      break;
    case COLUMN_REASON:
    case N_COLUMNS:
    default:
      text = pano_audit_entry_get_reason (entry);
    }
  return g_strdup (text != NULL ? text : "—");
}

/* ---- the table ---- */

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  column)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (GPOINTER_TO_UINT (column) == COLUMN_TIME || GPOINTER_TO_UINT (column) == COLUMN_STATUS)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  column)
{
  PanoAuditEntry *entry = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *text = cell_text (entry, GPOINTER_TO_UINT (column));
  gboolean refused = g_strcmp0 (pano_audit_entry_get_outcome (entry), "refused") == 0;

  gtk_label_set_label (GTK_LABEL (label), text);
  /* The hub's own key, for whoever reads the database or the protocol. */
  gtk_widget_set_tooltip_text (label, GPOINTER_TO_UINT (column) == COLUMN_ACTION
                                      ? pano_audit_entry_get_action (entry)
                                      : GPOINTER_TO_UINT (column) == COLUMN_REASON ? text : NULL);
  if (refused && GPOINTER_TO_UINT (column) == COLUMN_OUTCOME)
    gtk_widget_add_css_class (label, "error");
  else
    gtk_widget_remove_css_class (label, "error");
}

static void
set_up_columns (PanoAuditWindow *self)
{
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GUINT_TO_POINTER (i));
      gtk_column_view_column_set_factory (self->columns[i], factory);
    }
}

static gboolean
matches_text (gpointer item,
              gpointer user_data)
{
  PanoAuditWindow *self = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->text_entry));
  g_autofree char *needle = NULL;

  if (text == NULL || text[0] == '\0')
    return TRUE;
  needle = g_utf8_casefold (text, -1);
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      g_autofree char *cell = cell_text (item, i);
      g_autofree char *folded = g_utf8_casefold (cell, -1);

      if (strstr (folded, needle) != NULL)
        return TRUE;
    }
  /* The raw action key matches too: "acknowledge_alert". */
  return g_strcmp0 (pano_audit_entry_get_action (item), text) == 0;
}

/* ---- state shown ---- */

static void
update_counts (PanoAuditWindow *self)
{
  guint all = g_list_model_get_n_items (G_LIST_MODEL (self->entries));
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->shown));
  g_autofree char *text = NULL;

  if (shown == all)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u entry", "%u entries", all), all);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u entry match",
                                         "%u of %u entries match", all), shown, all);
  if (all > 0 && self->next_before == 0)
    {
      g_autofree char *all_read = g_strdup_printf (_("%s, the oldest included"), text);

      g_free (text);
      text = g_steal_pointer (&all_read);
    }
  gtk_label_set_label (self->count_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.more",
                                 self->next_before != 0 && self->cancellable == NULL);
  if (!g_str_equal (gtk_stack_get_visible_child_name (self->stack), "refused"))
    gtk_stack_set_visible_child_name (self->stack, shown > 0 || self->cancellable != NULL
                                                   ? "table" : "empty");
}

static void
set_message (PanoAuditWindow *self,
             const char      *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
  gtk_label_set_label (self->message_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
set_loading (PanoAuditWindow *self,
             gboolean         loading)
{
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading);
  gtk_spinner_set_spinning (self->spinner, loading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.search", !loading);
  gtk_button_set_label (self->more_button, loading ? _("Loading…") : _("Load older entries"));
  update_counts (self);
}

static void
show_refusal (PanoAuditWindow *self,
              const GError    *error)
{
  g_autofree char *words = g_strdup_printf (
    _("The hub at %s refused this console’s token: %s. Open the audit trail with an "
      "administrator token."), pano_hub_client_get_url (self->client), error->message);

  adw_status_page_set_description (ADW_STATUS_PAGE (self->refused_page), words);
  gtk_stack_set_visible_child_name (self->stack, "refused");
  gtk_widget_set_sensitive (GTK_WIDGET (self->column_view), FALSE);
  g_free (self->message);
  self->message = g_steal_pointer (&words);
}

/* ---- reading ---- */

static void
add_page (PanoAuditWindow *self,
          JsonObject      *answer)
{
  JsonNode *entries = json_object_get_member (answer, "entries");
  JsonNode *next = json_object_get_member (answer, "next_before");
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *array = entries && JSON_NODE_HOLDS_ARRAY (entries) ? json_node_get_array (entries)
                                                                : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        g_ptr_array_add (page, pano_audit_entry_new_from_json (json_node_get_object (node)));
    }
  /* One splice per page: the table hears of a page once. */
  g_list_store_splice (self->entries, g_list_model_get_n_items (G_LIST_MODEL (self->entries)),
                       0, page->pdata, page->len);
  self->next_before = next && JSON_NODE_HOLDS_VALUE (next) ? json_node_get_int (next) : 0;
}

static void
on_page (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(PanoAuditWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = pano_hub_client_get_finish (PANO_HUB_CLIENT (source), result,
                                                             &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->client == NULL)
    return;
  g_clear_object (&self->cancellable);
  self->n_loads++;
  if (answer != NULL)
    add_page (self, answer);
  else if (g_error_matches (error, PANO_HUB_CLIENT_ERROR, PANO_HUB_CLIENT_ERROR_FORBIDDEN) ||
           g_error_matches (error, PANO_HUB_CLIENT_ERROR, PANO_HUB_CLIENT_ERROR_UNAUTHORIZED))
    show_refusal (self, error);
  else
    {
      g_autofree char *words = g_strdup_printf (_("The audit trail could not be read from the "
                                                  "hub at %s: %s"),
                                                pano_hub_client_get_url (self->client),
                                                error->message);

      set_message (self, words);
    }
  set_loading (self, FALSE);
}

static void
fetch (PanoAuditWindow *self,
       gint64           before)
{
  g_autoptr(GString) path = g_string_new (NULL);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->client == NULL)
    {
      set_message (self, _("Not connected to a hub: there is no audit trail to read."));
      return;
    }
  g_string_printf (path, "/v1/audit?limit=%u%s", self->page_size, self->query);
  if (before != 0)
    g_string_append_printf (path, "&before=%" G_GINT64_FORMAT, before);
  self->cancellable = g_cancellable_new ();
  set_message (self, NULL);
  set_loading (self, TRUE);
  pano_hub_client_get_async (self->client, path->str, self->cancellable, on_page,
                             g_object_ref (self));
}

/* ---- filters ---- */

/* Reads a local date and time typed by the operator: "2026-12-01", "2026-12-01 08:00",
 * "2026-12-01 08:00:30" (or with a T), or RFC 3339 with a zone. Empty: no bound (*ms = 0). */
static gboolean
parse_local_time (const char *text,
                  gint64     *ms)
{
  g_autofree char *copy = g_strstrip (g_strdup (text ? text : ""));
  g_autoptr(GDateTime) time = NULL;
  int y, mo, d, h = 0, mi = 0, s = 0, used = 0, more = 0;
  const char *rest;

  *ms = 0;
  if (copy[0] == '\0')
    return TRUE;
  if ((time = g_date_time_new_from_iso8601 (copy, NULL)) == NULL)
    {
      if (sscanf (copy, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3)
        return FALSE;
      rest = copy + used;
      if (*rest == ' ' || *rest == 'T')
        {
          if (sscanf (rest + 1, "%2d:%2d%n", &h, &mi, &more) != 2)
            return FALSE;
          rest += 1 + more;
          if (*rest == ':' && sscanf (rest + 1, "%2d%n", &s, &more) == 1)
            rest += 1 + more;
        }
      if (*rest != '\0')
        return FALSE;
      time = g_date_time_new_local (y, mo, d, h, mi, s);
    }
  if (time == NULL)
    return FALSE;
  *ms = g_date_time_to_unix (time) * 1000;
  return TRUE;
}

static void
append_param (GString    *query,
              const char *name,
              GtkEntry   *entry)
{
  g_autofree char *value = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  g_autofree char *escaped = NULL;

  if (value[0] == '\0')
    return;
  escaped = g_uri_escape_string (value, NULL, TRUE);
  g_string_append_printf (query, "&%s=%s", name, escaped);
}

static gboolean
check_time (GtkEntry   *entry,
            const char *which,
            GString    *query,
            const char *name,
            GString    *problems)
{
  gint64 ms;

  if (!parse_local_time (gtk_editable_get_text (GTK_EDITABLE (entry)), &ms))
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      g_string_append_printf (problems, _("%s: “%s” is not a date and time; write it as "
                                          "2026-12-01 08:00. "),
                              which, gtk_editable_get_text (GTK_EDITABLE (entry)));
      return FALSE;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  if (ms != 0)
    g_string_append_printf (query, "&%s=%" G_GINT64_FORMAT, name, ms);
  return TRUE;
}

/**
 * pano_audit_window_search:
 *
 * Reads the newest page that matches the filters (what Search and Enter in a filter do).
 */
void
pano_audit_window_search (PanoAuditWindow *self)
{
  g_autoptr(GString) query = g_string_new (NULL);
  g_autoptr(GString) problems = g_string_new (NULL);
  gboolean good;

  append_param (query, "actor", self->actor_entry);
  append_param (query, "incident", self->incident_entry);
  good = check_time (self->from_entry, _("From"), query, "from", problems);
  good = check_time (self->to_entry, _("To"), query, "to", problems) && good;
  if (!good)
    {
      g_strchomp (problems->str);
      set_message (self, problems->str);
      return;
    }
  g_free (self->query);
  self->query = g_string_free (g_steal_pointer (&query), FALSE);
  g_list_store_remove_all (self->entries);
  self->next_before = 0;
  gtk_widget_set_sensitive (GTK_WIDGET (self->column_view), TRUE);
  gtk_stack_set_visible_child_name (self->stack, "table");
  fetch (self, 0);
}

/* Reads the next older page after those shown. */
void
pano_audit_window_load_more (PanoAuditWindow *self)
{
  if (self->next_before != 0 && self->cancellable == NULL)
    fetch (self, self->next_before);
}

static void
on_search (PanoAuditWindow *self)
{
  pano_audit_window_search (self);
}

static void
on_text_changed (PanoAuditWindow *self)
{
  gtk_filter_changed (GTK_FILTER (self->text_filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_counts (self);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  pano_audit_window_search (PANO_AUDIT_WINDOW (widget));
}

static void
more_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  pano_audit_window_load_more (PANO_AUDIT_WINDOW (widget));
}

/* ---- the object ---- */

static void
pano_audit_window_dispose (GObject *object)
{
  PanoAuditWindow *self = PANO_AUDIT_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), PANO_TYPE_AUDIT_WINDOW);
  g_clear_object (&self->shown);
  g_clear_object (&self->entries);
  G_OBJECT_CLASS (pano_audit_window_parent_class)->dispose (object);
}

static void
pano_audit_window_finalize (GObject *object)
{
  PanoAuditWindow *self = PANO_AUDIT_WINDOW (object);

  g_free (self->query);
  g_free (self->message);
  G_OBJECT_CLASS (pano_audit_window_parent_class)->finalize (object);
}

static void
pano_audit_window_class_init (PanoAuditWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *const column_ids[N_COLUMNS] = {
    "time_column", "actor_column", "role_column", "action_column", "target_column",
    "outcome_column", "status_column", "reason_column",
  };

  object_class->dispose = pano_audit_window_dispose;
  object_class->finalize = pano_audit_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/panorama/Panorama/ui/pano-audit-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PanoAuditWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, PanoAuditWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, PanoAuditWindow, actor_entry);
  gtk_widget_class_bind_template_child (widget_class, PanoAuditWindow, incident_entry);
  gtk_widget_class_bind_template_child (widget_class, PanoAuditWindow, from_entry);
  gtk_widget_class_bind_template_child (widget_class, PanoAuditWindow, to_entry);
  gtk_widget_class_bind_template_child (widget_class, PanoAuditWindow, text_entry);
  gtk_widget_class_bind_template_child (widget_class, PanoAuditWindow, message_label);
  gtk_widget_class_bind_template_child (widget_class, PanoAuditWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, PanoAuditWindow, column_view);
  gtk_widget_class_bind_template_child (widget_class, PanoAuditWindow, refused_page);
  gtk_widget_class_bind_template_child (widget_class, PanoAuditWindow, count_label);
  gtk_widget_class_bind_template_child (widget_class, PanoAuditWindow, more_button);
  for (guint i = 0; i < N_COLUMNS; i++)
    gtk_widget_class_bind_template_child_full (widget_class, column_ids[i], FALSE,
                                               G_STRUCT_OFFSET (PanoAuditWindow, columns)
                                               + i * sizeof (gpointer));
  gtk_widget_class_bind_template_callback (widget_class, on_search);
  gtk_widget_class_bind_template_callback (widget_class, on_text_changed);

  gtk_widget_class_install_action (widget_class, "audit.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "audit.more", NULL, more_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pano_audit_window_init (PanoAuditWindow *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  pano_panel_style_ensure ();
  gtk_widget_init_template (GTK_WIDGET (self));
  self->page_size = DEFAULT_PAGE;
  self->query = g_strdup ("");
  self->entries = g_list_store_new (PANO_TYPE_AUDIT_ENTRY);
  self->text_filter = gtk_custom_filter_new (matches_text, self, NULL);
  self->shown = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->entries)),
                                           GTK_FILTER (self->text_filter));
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->shown)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
  set_up_columns (self);
  g_signal_connect_swapped (self->shown, "items-changed", G_CALLBACK (update_counts), self);
}

/**
 * pano_audit_window_new:
 * @parent: (nullable): the console window it belongs to
 * @client: (nullable): the hub to read from; an administrator token reads the trail
 *
 * Returns: (transfer none): the window, reading the newest entries; present it
 */
GtkWidget *
pano_audit_window_new (GtkWindow     *parent,
                       PanoHubClient *client)
{
  PanoAuditWindow *self = g_object_new (PANO_TYPE_AUDIT_WINDOW, "transient-for", parent,
                                        "destroy-with-parent", TRUE, NULL);

  self->client = client ? g_object_ref (client) : NULL;
  if (client != NULL)
    adw_window_title_set_subtitle (self->window_title, pano_hub_client_get_url (client));
  pano_audit_window_search (self);
  return GTK_WIDGET (self);
}

/* Types into the hub-side filters, as the operator would; NULL leaves a filter as it is. */
void
pano_audit_window_set_filters (PanoAuditWindow *self,
                               const char      *actor,
                               const char      *incident,
                               const char      *from,
                               const char      *to)
{
  GtkEntry *entries[] = { self->actor_entry, self->incident_entry, self->from_entry,
                          self->to_entry };
  const char *values[] = { actor, incident, from, to };

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    if (values[i] != NULL)
      gtk_editable_set_text (GTK_EDITABLE (entries[i]), values[i]);
}

/* Narrows the rows already read to those containing @text in any column. */
void
pano_audit_window_set_text_filter (PanoAuditWindow *self,
                                   const char      *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->text_entry), text ? text : "");
  on_text_changed (self);
}

/* How many entries a page asks for (100 unless a test wants fewer). */
void
pano_audit_window_set_page_size (PanoAuditWindow *self,
                                 guint            entries)
{
  self->page_size = CLAMP (entries, 1, 1000);
}

/* Returns: (transfer none): the rows shown, PanoAuditEntry, newest first */
GListModel *
pano_audit_window_get_rows (PanoAuditWindow *self)
{
  return G_LIST_MODEL (self->shown);
}

/* Returns: (transfer full): row @position as shown, its columns joined by " | " */
char *
pano_audit_window_dup_row_text (PanoAuditWindow *self,
                                guint            position)
{
  g_autoptr(PanoAuditEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->shown), position);
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (entry != NULL, NULL);
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      g_autofree char *cell = cell_text (entry, i);

      g_string_append_printf (text, "%s%s", i ? " | " : "", cell);
    }
  return g_string_free (text, FALSE);
}

gboolean
pano_audit_window_has_more (PanoAuditWindow *self)
{
  return self->next_before != 0;
}

gboolean
pano_audit_window_is_loading (PanoAuditWindow *self)
{
  return self->cancellable != NULL;
}

/* Returns: how many reads have ended, with entries or not */
guint
pano_audit_window_get_n_loads (PanoAuditWindow *self)
{
  return self->n_loads;
}

/* Returns: (nullable): the error or refusal shown, in words */
const char *
pano_audit_window_get_message (PanoAuditWindow *self)
{
  return self->message;
}

/* Returns: "table", "empty" or "refused" */
const char *
pano_audit_window_get_page (PanoAuditWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}
