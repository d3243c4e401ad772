// SPDX-License-Identifier: GPL-3.0-or-later
/* 事件管理: every incident of the hub's `incidents` layer, most urgent first (overdue first, by
 * how many times the limit has run, then by the share of the stage's time used), in four tabs
 * with counts, filtered by scope, category, severity, area, source and a search. It reads the
 * one PanoIncidentModel the card and the map read; a change to one incident touches one row,
 * and the tabs' counts are adjusted by that incident alone (pano-incident-queue-counts.c), so
 * with ten thousand open incidents a change is on screen about as soon as with a hundred.
 * Clocks are read again every second; the order and the tabs every few seconds, as time alone
 * moves incidents between them. */
#define G_LOG_DOMAIN "panorama-widgets"

#include "pano-incident-queue-private.h"
#include "pano-format.h"
#include "pano-incident-row.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define TICK_MS 1000
/* Time alone reorders the queue slowly: it is placed again when a clock changes colour, and at
 * least this often. A reorder under the operator's pointer is kept rare. */
#define RESORT_EVERY_TICKS 30

enum {
  OPEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PanoIncidentQueue, pano_incident_queue, GTK_TYPE_WIDGET)

/* ---- what is shown ---- */

/* Returns: whether the incident's next step is the desk's: accept, dispatch, mark handling
 *   once a unit is on scene, or judge the verification */
gboolean
pano_incident_queue_needs_action (PanoIncidentRecord *record)
{
  switch (pano_incident_record_get_status (record))
    {
    case PANO_INCIDENT_REPORTED:
    case PANO_INCIDENT_ACCEPTED:
    case PANO_INCIDENT_RETURNED:
    case PANO_INCIDENT_VERIFIED:
      return TRUE;
    case PANO_INCIDENT_DISPATCHED:
      for (guint i = 0; i < pano_incident_record_get_n_units (record); i++)
        if (pano_incident_record_get_unit (record, i)->on_scene_ms > 0)
          return TRUE;
      return FALSE;
    case PANO_INCIDENT_HANDLING:
    case PANO_INCIDENT_CLOSED:
    case PANO_INCIDENT_CANCELLED:
    case PANO_INCIDENT_N_STATUS:
    default:
      return FALSE;
    }
}

const char *
pano_incident_queue_chosen_key (PanoQueueChoice *choice)
{
  guint selected = gtk_drop_down_get_selected (choice->dropdown);

  return choice->keys && selected < choice->keys->len ? choice->keys->pdata[selected] : "";
}

/* Scope, dropdowns and search: everything but the tab. */
gboolean
pano_incident_queue_passes_filters (PanoIncidentQueue  *self,
                                    PanoIncidentRecord *r)
{
  const char *code = pano_incident_record_get_grid_code (r);
  const char *category = pano_incident_queue_chosen_key (&self->categories);
  const char *area = pano_incident_queue_chosen_key (&self->areas);
  const char *source = pano_incident_queue_chosen_key (&self->sources);
  guint severity = (guint) g_ascii_strtoull (pano_incident_queue_chosen_key (&self->severities),
                                             NULL, 10);

  if (self->scope && *self->scope && !(code && g_str_has_prefix (code, self->scope)))
    return FALSE;
  if (*area && !(code && g_str_has_prefix (code, area)))
    return FALSE;
  if (*category && g_strcmp0 (pano_incident_record_get_category (r), category) != 0)
    return FALSE;
  if (*source && g_strcmp0 (pano_incident_record_get_source (r), source) != 0)
    return FALSE;
  if (severity > 0 && pano_incident_record_get_severity (r) < severity)
    return FALSE;
  return pano_incident_record_matches (r, self->search_text);
}

gboolean
pano_incident_queue_in_tab (PanoIncidentQueue  *self,
                            PanoIncidentRecord *r,
                            PanoQueueTab        tab)
{
  PanoStageClock clock;

  if (tab == PANO_QUEUE_ALL)
    return TRUE;
  if (pano_incident_record_is_final (r))
    return FALSE;
  switch (tab)
    {
    case PANO_QUEUE_MINE:
      return self->may_act && pano_incident_queue_needs_action (r);
    case PANO_QUEUE_DUE_SOON:
      pano_incident_record_get_clock (r, self->now_ms, &clock);
      return clock.state == PANO_CLOCK_DUE_SOON;
    case PANO_QUEUE_OVERDUE:
      pano_incident_record_get_clock (r, self->now_ms, &clock);
      return clock.state == PANO_CLOCK_OVERDUE;
    case PANO_QUEUE_ALL:
    case PANO_QUEUE_N_TABS:
    default:
      return TRUE;
    }
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  PanoIncidentQueue *self = user_data;

  return pano_incident_queue_passes_filters (self, item) &&
         pano_incident_queue_in_tab (self, item, self->tab);
}

static int
compare_urgency (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  PanoIncidentQueue *self = user_data;

  return pano_incident_record_compare_urgency ((gpointer) a, (gpointer) b, self->now_ms);
}

static void
select_id (PanoIncidentQueue *self,
           const char        *id)
{
  GListModel *shown = G_LIST_MODEL (self->sorted);

  for (guint i = 0; id != NULL && i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(PanoIncidentRecord) r = g_list_model_get_item (shown, i);

      if (g_str_equal (pano_incident_record_get_id (r), id))
        {
          gtk_single_selection_set_selected (self->selection, i);
          return;
        }
    }
}

/* Time moved, or a filter changed (@filtered): every incident is judged and placed again; the
 * incident the keyboard was on stays selected. Time alone moves incidents in and out of the
 * 即将超时 and 超时 tabs only: the others keep what they hold, and only their order is read
 * again. */
static void
reread_after (PanoIncidentQueue *self,
              gboolean           filtered)
{
  PanoIncidentRecord *selected = gtk_single_selection_get_selected_item (self->selection);
  g_autofree char *id = selected ? g_strdup (pano_incident_record_get_id (selected)) : NULL;

  self->now_ms = g_get_real_time () / 1000;
  self->ticks = 0;
  if (filtered || self->tab == PANO_QUEUE_DUE_SOON || self->tab == PANO_QUEUE_OVERDUE)
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
  select_id (self, id);
  pano_incident_queue_recount (self, !filtered);
}

void
pano_incident_queue_reread (PanoIncidentQueue *self)
{
  reread_after (self, TRUE);
}

static gboolean
on_tick (gpointer user_data)
{
  PanoIncidentQueue *self = user_data;
  gint64 now = g_get_real_time () / 1000;

  for (guint i = 0; i < self->rows->len; i++)
    pano_incident_row_refresh (self->rows->pdata[i], now);
  if (++self->ticks >= RESORT_EVERY_TICKS || pano_incident_queue_clocks_moved (self, now))
    reread_after (self, FALSE);
  return G_SOURCE_CONTINUE;
}

static void
on_tab_toggled (GtkToggleButton   *button,
                PanoIncidentQueue *self)
{
  PanoQueueTab tab = button == self->tab_mine ? PANO_QUEUE_MINE :
                     button == self->tab_due ? PANO_QUEUE_DUE_SOON :
                     button == self->tab_overdue ? PANO_QUEUE_OVERDUE : PANO_QUEUE_ALL;

  if (!gtk_toggle_button_get_active (button) || tab == self->tab)
    return;
  self->tab = tab;
  pano_incident_queue_reread (self);
}

static void
on_search_changed (GtkSearchEntry    *entry,
                   PanoIncidentQueue *self)
{
  g_free (self->search_text);
  self->search_text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  pano_incident_queue_reread (self);
}

static void
on_filter_chosen (GtkDropDown       *dropdown,
                  GParamSpec        *pspec,
                  PanoIncidentQueue *self)
{
  if (!self->choosing)
    pano_incident_queue_reread (self);
}

/* ---- the list ---- */

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           PanoIncidentQueue        *self)
{
  gtk_list_item_set_child (item, pano_incident_row_new ());
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          PanoIncidentQueue        *self)
{
  GtkWidget *row = gtk_list_item_get_child (item);

  pano_incident_row_set_record (PANO_INCIDENT_ROW (row), gtk_list_item_get_item (item));
  g_ptr_array_add (self->rows, row);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            PanoIncidentQueue        *self)
{
  g_ptr_array_remove_fast (self->rows, gtk_list_item_get_child (item));
}

static void
on_activate (GtkListView       *list,
             guint              position,
             PanoIncidentQueue *self)
{
  g_autoptr(PanoIncidentRecord) record = g_list_model_get_item (G_LIST_MODEL (self->sorted),
                                                                position);

  if (record != NULL)
    g_signal_emit (self, signals[OPEN], 0, record);
}

static void
on_items_changed (GListModel        *model,
                  guint              position,
                  guint              removed,
                  guint              added,
                  PanoIncidentQueue *self)
{
  pano_incident_queue_follow_records (self, position, removed, added);
}

/* ---- choices ---- */

void
pano_incident_queue_set_choices (PanoIncidentQueue  *self,
                                 PanoQueueChoice    *choice,
                                 const char * const *labels,
                                 const char * const *keys)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (labels);

  self->choosing = TRUE;
  g_clear_pointer (&choice->keys, g_ptr_array_unref);
  choice->keys = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; keys[i]; i++)
    g_ptr_array_add (choice->keys, g_strdup (keys[i]));
  gtk_drop_down_set_model (choice->dropdown, G_LIST_MODEL (list));
  gtk_drop_down_set_selected (choice->dropdown, 0);
  self->choosing = FALSE;
}

static void
fill_fixed_choices (PanoIncidentQueue *self)
{
  const char *severity_labels[] = { _("Any severity"), _("Severity 2 or more"),
                                    _("Severity 3 or more"), _("Critical (4)"), NULL };
  const char *severity_keys[] = { "", "2", "3", "4", NULL };
  const char *source_keys[] = { "", "grid_worker", "hotline_12345", "sensor", "video_ai",
                                "operator", NULL };
  const char *source_labels[G_N_ELEMENTS (source_keys)] = { _("All sources") };
  const char *any[] = { "", NULL };
  const char *any_category[] = { _("All categories"), NULL };
  const char *any_area[] = { _("All areas"), NULL };

  for (guint i = 1; source_keys[i]; i++)
    source_labels[i] = pano_format_source (source_keys[i]);
  pano_incident_queue_set_choices (self, &self->severities, severity_labels, severity_keys);
  pano_incident_queue_set_choices (self, &self->sources, source_labels, source_keys);
  pano_incident_queue_set_choices (self, &self->categories, any_category, any);
  pano_incident_queue_set_choices (self, &self->areas, any_area, any);
}

/* ---- the widget ---- */

static void
pano_incident_queue_dispose (GObject *object)
{
  PanoIncidentQueue *self = PANO_INCIDENT_QUEUE (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->relabel_id, g_source_remove);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  if (self->list != NULL)
    gtk_list_view_set_model (self->list, NULL);
  g_clear_object (&self->selection);
  gtk_widget_dispose_template (GTK_WIDGET (self), PANO_TYPE_INCIDENT_QUEUE);
  G_OBJECT_CLASS (pano_incident_queue_parent_class)->dispose (object);
}

static void
pano_incident_queue_finalize (GObject *object)
{
  PanoIncidentQueue *self = PANO_INCIDENT_QUEUE (object);
  PanoQueueChoice *choices[] = { &self->categories, &self->severities, &self->areas,
                                 &self->sources };

  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    g_clear_pointer (&choices[i]->keys, g_ptr_array_unref);
  g_ptr_array_unref (self->rows);
  pano_incident_queue_finalize_counts (self);
  g_free (self->scope);
  g_free (self->search_text);
  G_OBJECT_CLASS (pano_incident_queue_parent_class)->finalize (object);
}

static void
select_tab_action (GtkWidget  *widget,
                   const char *action,
                   GVariant   *parameter)
{
  pano_incident_queue_set_tab (PANO_INCIDENT_QUEUE (widget), g_variant_get_int32 (parameter));
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action,
                     GVariant   *parameter)
{
  pano_incident_queue_focus_search (PANO_INCIDENT_QUEUE (widget));
}

static void
pano_incident_queue_class_init (PanoIncidentQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pano_incident_queue_dispose;
  object_class->finalize = pano_incident_queue_finalize;

  /* The operator chose an incident (Enter, double click): open its card. */
  signals[OPEN] = g_signal_new ("open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                NULL, NULL, G_TYPE_NONE, 1, PANO_TYPE_INCIDENT_RECORD);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/panorama/Panorama/ui/pano-incident-queue.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "incidentqueue");
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentQueue, box);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentQueue, tab_mine);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentQueue, tab_due);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentQueue, tab_overdue);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentQueue, tab_all);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentQueue, search);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentQueue, category_filter);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentQueue, severity_filter);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentQueue, area_filter);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentQueue, source_filter);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentQueue, content);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentQueue, list);
  gtk_widget_class_bind_template_child (widget_class, PanoIncidentQueue, empty_label);

  gtk_widget_class_install_action (widget_class, "queue.tab", "i", select_tab_action);
  gtk_widget_class_install_action (widget_class, "queue.search", NULL, focus_search_action);
  for (guint tab = 0; tab < PANO_QUEUE_N_TABS; tab++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + tab, GDK_ALT_MASK,
                                         "queue.tab", "i", (gint32) tab);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "queue.search", NULL);
}

static void
setup_list (PanoIncidentQueue *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->sorter = gtk_custom_sorter_new (compare_urgency, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (self->filtered),
                                          GTK_SORTER (self->sorter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->sorted));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), self);
  gtk_list_view_set_factory (self->list, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect (self->list, "activate", G_CALLBACK (on_activate), self);
}

static void
pano_incident_queue_init (PanoIncidentQueue *self)
{
  GtkDropDown *dropdowns[4];

  gtk_widget_init_template (GTK_WIDGET (self));
  dropdowns[0] = self->category_filter;
  dropdowns[1] = self->severity_filter;
  dropdowns[2] = self->area_filter;
  dropdowns[3] = self->source_filter;
  self->rows = g_ptr_array_new ();
  pano_incident_queue_init_counts (self);
  self->now_ms = g_get_real_time () / 1000;
  self->categories.dropdown = self->category_filter;
  self->severities.dropdown = self->severity_filter;
  self->areas.dropdown = self->area_filter;
  self->sources.dropdown = self->source_filter;
  fill_fixed_choices (self);
  setup_list (self);
  g_signal_connect (self->tab_mine, "toggled", G_CALLBACK (on_tab_toggled), self);
  g_signal_connect (self->tab_due, "toggled", G_CALLBACK (on_tab_toggled), self);
  g_signal_connect (self->tab_overdue, "toggled", G_CALLBACK (on_tab_toggled), self);
  g_signal_connect (self->tab_all, "toggled", G_CALLBACK (on_tab_toggled), self);
  g_signal_connect (self->search, "search-changed", G_CALLBACK (on_search_changed), self);
  for (guint i = 0; i < G_N_ELEMENTS (dropdowns); i++)
    g_signal_connect (dropdowns[i], "notify::selected", G_CALLBACK (on_filter_chosen), self);
  self->tick_id = g_timeout_add (TICK_MS, on_tick, self);
  pano_incident_queue_recount (self, FALSE);
}

/* ---- public ---- */

/* Follows @model (or nothing, with %NULL). */
void
pano_incident_queue_set_model (PanoIncidentQueue *self,
                               PanoIncidentModel *model)
{
  if (model != NULL && model == self->model)
    return;
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_set_object (&self->model, model);
  gtk_filter_list_model_set_model (self->filtered, G_LIST_MODEL (model));
  if (model != NULL)
    g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), self);
  pano_incident_queue_take_records (self);
  pano_incident_queue_reread (self);
}

/* Whether the operator's role may act (dispatcher or admin): a viewer's 待处理 is empty. */
void
pano_incident_queue_set_may_act (PanoIncidentQueue *self,
                                 gboolean           may_act)
{
  if (self->may_act == may_act)
    return;
  self->may_act = may_act;
  pano_incident_queue_reread (self);
}

/* Shows only incidents whose grid code starts with @prefix ("" or %NULL: the whole city). */
void
pano_incident_queue_set_scope (PanoIncidentQueue *self,
                               const char        *prefix)
{
  if (g_strcmp0 (self->scope, prefix) == 0)
    return;
  g_free (self->scope);
  self->scope = g_strdup (prefix);
  pano_incident_queue_reread (self);
}

/* Returns: (nullable): the grid-code prefix the queue is scoped to, %NULL for the whole city */
const char *
pano_incident_queue_get_scope (PanoIncidentQueue *self)
{
  return self->scope;
}

/* The categories the hub knows (GET /v1/categories), for the category filter. */
void
pano_incident_queue_set_categories (PanoIncidentQueue  *self,
                                    const char * const *categories)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();

  g_ptr_array_add (labels, (gpointer) _("All categories"));
  g_ptr_array_add (keys, (gpointer) "");
  for (guint i = 0; categories && categories[i]; i++)
    {
      g_ptr_array_add (labels, (gpointer) categories[i]);
      g_ptr_array_add (keys, (gpointer) categories[i]);
    }
  g_ptr_array_add (labels, NULL);
  g_ptr_array_add (keys, NULL);
  pano_incident_queue_set_choices (self, &self->categories,
                                   (const char * const *) labels->pdata,
                                   (const char * const *) keys->pdata);
  pano_incident_queue_reread (self);
}

void
pano_incident_queue_set_tab (PanoIncidentQueue *self,
                             PanoQueueTab       tab)
{
  GtkToggleButton *buttons[] = { self->tab_mine, self->tab_due, self->tab_overdue,
                                 self->tab_all };

  g_return_if_fail (tab < PANO_QUEUE_N_TABS);
  gtk_toggle_button_set_active (buttons[tab], TRUE);
}

PanoQueueTab
pano_incident_queue_get_tab (PanoIncidentQueue *self)
{
  return self->tab;
}

void
pano_incident_queue_set_search (PanoIncidentQueue *self,
                                const char        *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search), text ? text : "");
  on_search_changed (self->search, self);
}

void
pano_incident_queue_focus_search (PanoIncidentQueue *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->search));
}

/* Returns: how many incidents the tab holds under the current scope, filters and search */
guint
pano_incident_queue_get_count (PanoIncidentQueue *self,
                               PanoQueueTab       tab)
{
  g_return_val_if_fail (tab < PANO_QUEUE_N_TABS, 0);
  return self->counts[tab];
}

guint
pano_incident_queue_get_n_shown (PanoIncidentQueue *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->sorted));
}

/* Returns: (transfer none) (nullable): the incident shown at @position, most urgent first */
PanoIncidentRecord *
pano_incident_queue_get_shown (PanoIncidentQueue *self,
                               guint              position)
{
  g_autoptr(PanoIncidentRecord) record = g_list_model_get_item (G_LIST_MODEL (self->sorted),
                                                                position);

  return record;   /* the model keeps it alive */
}

/* Returns: (transfer none) (nullable): the incident the keyboard is on */
PanoIncidentRecord *
pano_incident_queue_get_selected (PanoIncidentQueue *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

/* Selects incident @id when the queue shows it, as the keyboard would. */
void
pano_incident_queue_select (PanoIncidentQueue *self,
                            const char        *id)
{
  g_return_if_fail (PANO_IS_INCIDENT_QUEUE (self));

  select_id (self, id);
}

/* Reads every clock, the tabs and the order now (rather than at the next few-second tick). */
void
pano_incident_queue_refresh (PanoIncidentQueue *self)
{
  pano_incident_queue_reread (self);
}
