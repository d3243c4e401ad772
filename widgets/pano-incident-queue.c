// SPDX-License-Identifier: GPL-3.0-or-later
/* 事件管理: every incident of the hub's `incidents` layer, most urgent first (overdue first, by
 * how many times the limit has run, then by the share of the stage's time used), in four tabs
 * with counts, filtered by scope, category, severity, area, source and a search. It reads the
 * one PanoIncidentModel the card and the map read; a change to one incident touches one row.
 * Clocks are read again every second; the order and the tabs every few seconds, as time alone
 * moves incidents between them. */
#define G_LOG_DOMAIN "panorama-widgets"

#include "pano-incident-queue.h"
#include "pano-format.h"
#include "pano-incident-row.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define TICK_MS 1000
/* Time alone reorders the queue slowly: it is placed again when a clock changes colour, and at
 * least this often. A reorder under the operator's pointer is kept rare. */
#define RESORT_EVERY_TICKS 30

/* A dropdown's choices: what it shows and the key it filters on ("" for "any"). */
typedef struct
{
  GtkDropDown *dropdown;
  GPtrArray *keys;
} Choice;

struct _PanoIncidentQueue
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkToggleButton *tab_mine;
  GtkToggleButton *tab_due;
  GtkToggleButton *tab_overdue;
  GtkToggleButton *tab_all;
  GtkSearchEntry *search;
  GtkDropDown *category_filter;
  GtkDropDown *severity_filter;
  GtkDropDown *area_filter;
  GtkDropDown *source_filter;
  GtkStack *content;
  GtkListView *list;
  GtkLabel *empty_label;

  PanoIncidentModel *model;
  GtkCustomFilter *filter;
  GtkCustomSorter *sorter;
  GtkFilterListModel *filtered;
  GtkSortListModel *sorted;
  GtkSingleSelection *selection;
  GPtrArray *rows;           /* PanoIncidentRow bound to an item now */
  Choice categories, severities, areas, sources;

  gboolean may_act;
  char *scope;
  char *search_text;
  PanoQueueTab tab;
  gint64 now_ms;            /* the time tabs and order were last read at */
  guint counts[PANO_QUEUE_N_TABS];
  guint tick_id;
  guint ticks;
  guint recount_id;
  gboolean choosing;        /* the choices are being rebuilt: not a filter change */
};

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

static const char *
chosen_key (Choice *choice)
{
  guint selected = gtk_drop_down_get_selected (choice->dropdown);

  return choice->keys && selected < choice->keys->len ? choice->keys->pdata[selected] : "";
}

/* Scope, dropdowns and search: everything but the tab. */
static gboolean
passes_filters (PanoIncidentQueue  *self,
                PanoIncidentRecord *r)
{
  const char *code = pano_incident_record_get_grid_code (r);
  const char *category = chosen_key (&self->categories);
  const char *area = chosen_key (&self->areas);
  const char *source = chosen_key (&self->sources);
  guint severity = (guint) g_ascii_strtoull (chosen_key (&self->severities), NULL, 10);

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

static gboolean
in_tab (PanoIncidentQueue  *self,
        PanoIncidentRecord *r,
        PanoQueueTab        tab)
{
  PanoStageClock clock;

  if (tab == PANO_QUEUE_ALL)
    return TRUE;
  if (pano_incident_record_is_final (r))
    return FALSE;
  pano_incident_record_get_clock (r, self->now_ms, &clock);
  switch (tab)
    {
    case PANO_QUEUE_MINE:
      return self->may_act && pano_incident_queue_needs_action (r);
    case PANO_QUEUE_DUE_SOON:
      return clock.state == PANO_CLOCK_DUE_SOON;
    case PANO_QUEUE_OVERDUE:
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

  return passes_filters (self, item) && in_tab (self, item, self->tab);
}

static int
compare_urgency (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  PanoIncidentQueue *self = user_data;

  return pano_incident_record_compare_urgency ((gpointer) a, (gpointer) b, self->now_ms);
}

/* ---- tabs and counts ---- */

static void
label_tab (GtkToggleButton *tab,
           const char      *name,
           guint            count)
{
  g_autofree char *label = g_strdup_printf ("%s %u", name, count);

  gtk_button_set_label (GTK_BUTTON (tab), label);
}

static void
update_empty (PanoIncidentQueue *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));

  if (self->model == NULL)
    gtk_label_set_label (self->empty_label, _("Not connected to a hub: no incidents to show."));
  else if (self->tab == PANO_QUEUE_MINE && !self->may_act)
    gtk_label_set_label (self->empty_label,
                         _("Your role may only view incidents: nothing waits for you. "
                           "See the other tabs."));
  else
    gtk_label_set_label (self->empty_label, _("No incidents here."));
  gtk_stack_set_visible_child_name (self->content, shown > 0 ? "list" : "empty");
}

static void set_choices (PanoIncidentQueue *self, Choice *choice, const char * const *labels,
                         const char * const *keys);

static int
compare_codes (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return g_strcmp0 (a, b);
}

static void
add_area (GTree              *areas,
          PanoIncidentRecord *r,
          PanoGridLevel       level)
{
  char *prefix = pano_incident_record_dup_grid_prefix (r, level);
  const char *district = pano_incident_record_get_grid_name (r, PANO_GRID_DISTRICT);
  const char *street = pano_incident_record_get_grid_name (r, PANO_GRID_STREET);

  if (prefix == NULL || district == NULL || (level == PANO_GRID_STREET && street == NULL))
    {
      g_free (prefix);
      return;
    }
  g_tree_replace (areas, prefix, level == PANO_GRID_DISTRICT ? g_strdup (district)
                                 : g_strdup_printf ("%s › %s", district, street));
}

static gboolean
collect_area (gpointer key,
              gpointer value,
              gpointer user_data)
{
  GPtrArray **lists = user_data;

  g_ptr_array_add (lists[0], value);
  g_ptr_array_add (lists[1], key);
  return FALSE;
}

/* The area filter offers the districts and streets that have incidents, in code order. */
static void
update_areas (PanoIncidentQueue *self,
              GTree             *areas)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GPtrArray *lists[] = { labels, keys };
  g_autofree char *chosen = g_strdup (chosen_key (&self->areas));
  gboolean same;

  g_ptr_array_add (labels, (gpointer) _("All areas"));
  g_ptr_array_add (keys, (gpointer) "");
  g_tree_foreach (areas, collect_area, lists);
  same = self->areas.keys && self->areas.keys->len == keys->len;
  for (guint i = 0; same && i < keys->len; i++)
    same = g_str_equal (self->areas.keys->pdata[i], keys->pdata[i]);
  if (same)
    return;
  g_ptr_array_add (labels, NULL);
  g_ptr_array_add (keys, NULL);
  set_choices (self, &self->areas, (const char * const *) labels->pdata,
               (const char * const *) keys->pdata);
  for (guint i = 0; i + 1 < keys->len; i++)
    if (g_str_equal (keys->pdata[i], chosen))
      {
        self->choosing = TRUE;
        gtk_drop_down_set_selected (self->areas.dropdown, i);
        self->choosing = FALSE;
      }
}

static void
recount (PanoIncidentQueue *self)
{
  guint n = self->model ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;
  g_autoptr(GTree) areas = g_tree_new_full (compare_codes, NULL, g_free, g_free);

  memset (self->counts, 0, sizeof self->counts);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PanoIncidentRecord) r = g_list_model_get_item (G_LIST_MODEL (self->model), i);

      add_area (areas, r, PANO_GRID_DISTRICT);
      add_area (areas, r, PANO_GRID_STREET);
      if (!passes_filters (self, r))
        continue;
      for (guint tab = 0; tab < PANO_QUEUE_N_TABS; tab++)
        self->counts[tab] += in_tab (self, r, tab);
    }
  label_tab (self->tab_mine, _("Mine"), self->counts[PANO_QUEUE_MINE]);
  label_tab (self->tab_due, _("Due soon"), self->counts[PANO_QUEUE_DUE_SOON]);
  label_tab (self->tab_overdue, _("Overdue"), self->counts[PANO_QUEUE_OVERDUE]);
  label_tab (self->tab_all, _("All"), self->counts[PANO_QUEUE_ALL]);
  update_areas (self, areas);
  update_empty (self);
}

static gboolean
on_recount_idle (gpointer user_data)
{
  PanoIncidentQueue *self = user_data;

  self->recount_id = 0;
  recount (self);
  return G_SOURCE_REMOVE;
}

/* Counts are read once per main-loop turn, however many incidents changed in it. */
static void
queue_recount (PanoIncidentQueue *self)
{
  if (self->recount_id == 0)
    self->recount_id = g_idle_add_full (G_PRIORITY_DEFAULT, on_recount_idle, self, NULL);
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

/* Time moved, or a filter changed: every incident is judged and placed again; the incident
 * the keyboard was on stays selected. */
static void
reread (PanoIncidentQueue *self)
{
  PanoIncidentRecord *selected = gtk_single_selection_get_selected_item (self->selection);
  g_autofree char *id = selected ? g_strdup (pano_incident_record_get_id (selected)) : NULL;

  self->now_ms = g_get_real_time () / 1000;
  self->ticks = 0;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
  select_id (self, id);
  recount (self);
}

/* Returns: whether any incident's clock changed colour since the queue was last placed */
static gboolean
clocks_moved (PanoIncidentQueue *self,
              gint64             now_ms)
{
  guint n = self->model ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PanoIncidentRecord) r = g_list_model_get_item (G_LIST_MODEL (self->model), i);
      PanoStageClock then, now;

      pano_incident_record_get_clock (r, self->now_ms, &then);
      pano_incident_record_get_clock (r, now_ms, &now);
      if (then.state != now.state)
        return TRUE;
    }
  return FALSE;
}

static gboolean
on_tick (gpointer user_data)
{
  PanoIncidentQueue *self = user_data;
  gint64 now = g_get_real_time () / 1000;

  for (guint i = 0; i < self->rows->len; i++)
    pano_incident_row_refresh (self->rows->pdata[i], now);
  if (++self->ticks >= RESORT_EVERY_TICKS || clocks_moved (self, now))
    reread (self);
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
  reread (self);
}

static void
on_search_changed (GtkSearchEntry    *entry,
                   PanoIncidentQueue *self)
{
  g_free (self->search_text);
  self->search_text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  reread (self);
}

static void
on_filter_chosen (GtkDropDown       *dropdown,
                  GParamSpec        *pspec,
                  PanoIncidentQueue *self)
{
  if (!self->choosing)
    reread (self);
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
  queue_recount (self);
}

/* ---- choices ---- */

static void
set_choices (PanoIncidentQueue  *self,
             Choice             *choice,
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
  set_choices (self, &self->severities, severity_labels, severity_keys);
  set_choices (self, &self->sources, source_labels, source_keys);
  set_choices (self, &self->categories, any_category, any);
  set_choices (self, &self->areas, any_area, any);
}

/* ---- the widget ---- */

static void
pano_incident_queue_dispose (GObject *object)
{
  PanoIncidentQueue *self = PANO_INCIDENT_QUEUE (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->recount_id, g_source_remove);
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
  Choice *choices[] = { &self->categories, &self->severities, &self->areas, &self->sources };

  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    g_clear_pointer (&choices[i]->keys, g_ptr_array_unref);
  g_ptr_array_unref (self->rows);
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
  recount (self);
}

/* ---- public ---- */

/* Follows @model (or nothing, with %NULL). */
void
pano_incident_queue_set_model (PanoIncidentQueue *self,
                               PanoIncidentModel *model)
{
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  if (!g_set_object (&self->model, model) && model != NULL)
    return;
  gtk_filter_list_model_set_model (self->filtered, G_LIST_MODEL (model));
  if (model != NULL)
    g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), self);
  reread (self);
}

/* Whether the operator's role may act (dispatcher or admin): a viewer's 待处理 is empty. */
void
pano_incident_queue_set_may_act (PanoIncidentQueue *self,
                                 gboolean           may_act)
{
  if (self->may_act == may_act)
    return;
  self->may_act = may_act;
  reread (self);
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
  reread (self);
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
  set_choices (self, &self->categories, (const char * const *) labels->pdata,
               (const char * const *) keys->pdata);
  reread (self);
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

/* Reads every clock, the tabs and the order now (rather than at the next few-second tick). */
void
pano_incident_queue_refresh (PanoIncidentQueue *self)
{
  reread (self);
}
