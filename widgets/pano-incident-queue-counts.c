// SPDX-License-Identifier: GPL-3.0-or-later
/* The queue's tab counts (待处理, 即将超时, 超时, 全部 under the scope, filters and search) and
 * the districts and streets the area filter offers. They follow the model change by change:
 * the queue keeps the model's records in step with its items-changed, each with the tabs it
 * is counted in and its clock's colour, counts the removed ones out and the added ones in, so
 * a change to one incident among ten thousand costs that incident, not a walk over all of
 * them. Only when the filters change is every incident judged again; when time moves, only
 * its clock (pano_incident_queue_recount()). */
#define G_LOG_DOMAIN "panorama-widgets"

#include "pano-incident-queue-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* A record of the model, as the counts hold it. */
typedef struct
{
  PanoIncidentRecord *record;
  guint8 tabs;               /* 1 << PanoQueueTab for each tab it is counted in */
  guint8 clock;              /* its PanoClockState at now_ms */
} Entry;

#define TAB_BIT(tab) (1u << (tab))
#define CLOCK_TABS (TAB_BIT (PANO_QUEUE_DUE_SOON) | TAB_BIT (PANO_QUEUE_OVERDUE))

/* An area (district or street) the filter offers while incidents are in it. */
typedef struct
{
  char *label;
  guint n_incidents;
} Area;

static void
area_free (gpointer data)
{
  Area *area = data;

  g_free (area->label);
  g_free (area);
}

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

/* Counts @r in (@add) or out of the district or street at @level. */
static void
tally_area (PanoIncidentQueue  *self,
            PanoIncidentRecord *r,
            PanoGridLevel       level,
            gboolean            add)
{
  g_autofree char *prefix = pano_incident_record_dup_grid_prefix (r, level);
  const char *district = pano_incident_record_get_grid_name (r, PANO_GRID_DISTRICT);
  const char *street = pano_incident_record_get_grid_name (r, PANO_GRID_STREET);
  Area *area;

  if (prefix == NULL || district == NULL || (level == PANO_GRID_STREET && street == NULL))
    return;
  area = g_hash_table_lookup (self->areas_seen, prefix);
  if (add && area == NULL)
    {
      area = g_new0 (Area, 1);
      area->label = level == PANO_GRID_DISTRICT ? g_strdup (district)
                    : g_strdup_printf ("%s › %s", district, street);
      g_hash_table_insert (self->areas_seen, g_steal_pointer (&prefix), area);
      self->areas_changed = TRUE;
    }
  if (add)
    area->n_incidents++;
  else if (area != NULL && --area->n_incidents == 0)
    {
      g_hash_table_remove (self->areas_seen, prefix);
      self->areas_changed = TRUE;
    }
}

static guint8
clock_at (PanoIncidentRecord *r,
          gint64              now_ms)
{
  PanoStageClock clock;

  pano_incident_record_get_clock (r, now_ms, &clock);
  return clock.state;
}

/* Which of @tabs @entry is in at now_ms, the filters aside. */
static guint8
tabs_of (PanoIncidentQueue *self,
         Entry             *entry,
         guint8             tabs)
{
  guint8 in = 0;

  for (guint tab = 0; tab < PANO_QUEUE_N_TABS; tab++)
    if ((tabs & TAB_BIT (tab)) && pano_incident_queue_in_tab (self, entry->record, tab))
      in |= TAB_BIT (tab);
  return in;
}

static void
count (PanoIncidentQueue *self,
       guint8             tabs,
       gboolean           add)
{
  for (guint tab = 0; tab < PANO_QUEUE_N_TABS; tab++)
    if (tabs & TAB_BIT (tab))
      {
        if (add)
          self->counts[tab]++;
        else
          self->counts[tab]--;
      }
}

/* Judges @entry afresh: its clock, and the tabs it is in if it passes the filters. */
static void
judge (PanoIncidentQueue *self,
       Entry             *entry)
{
  entry->clock = clock_at (entry->record, self->now_ms);
  entry->tabs = pano_incident_queue_passes_filters (self, entry->record)
                ? tabs_of (self, entry, 0xff) : 0;
}

/* Counts @entry in (@add: judged first) or out of its area and tabs. */
static void
tally (PanoIncidentQueue *self,
       Entry             *entry,
       gboolean           add)
{
  tally_area (self, entry->record, PANO_GRID_DISTRICT, add);
  tally_area (self, entry->record, PANO_GRID_STREET, add);
  if (add)
    judge (self, entry);
  count (self, entry->tabs, add);
}

static int
compare_codes (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The area filter offers the districts and streets that have incidents, in code order.
 * Returns: whether the area chosen is no longer offered (the choice fell back to all areas) */
static gboolean
update_areas (PanoIncidentQueue *self)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autofree char *chosen = g_strdup (pano_incident_queue_chosen_key (&self->areas));
  GHashTableIter iter;
  gpointer key;
  gboolean same;

  g_hash_table_iter_init (&iter, self->areas_seen);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_codes);
  g_ptr_array_insert (keys, 0, (gpointer) "");
  same = self->areas.keys && self->areas.keys->len == keys->len;
  for (guint i = 0; same && i < keys->len; i++)
    same = g_str_equal (self->areas.keys->pdata[i], keys->pdata[i]);
  if (same)
    return FALSE;
  g_ptr_array_add (labels, (gpointer) _("All areas"));
  for (guint i = 1; i < keys->len; i++)
    g_ptr_array_add (labels, ((Area *) g_hash_table_lookup (self->areas_seen,
                                                            keys->pdata[i]))->label);
  g_ptr_array_add (labels, NULL);
  g_ptr_array_add (keys, NULL);
  pano_incident_queue_set_choices (self, &self->areas, (const char * const *) labels->pdata,
                                   (const char * const *) keys->pdata);
  for (guint i = 0; i + 1 < keys->len; i++)
    if (g_str_equal (keys->pdata[i], chosen))
      {
        self->choosing = TRUE;
        gtk_drop_down_set_selected (self->areas.dropdown, i);
        self->choosing = FALSE;
      }
  return !g_str_equal (pano_incident_queue_chosen_key (&self->areas), chosen);
}

/* Shows the counts on the tabs, the areas to choose from and the list or why it is empty. */
static void
relabel (PanoIncidentQueue *self)
{
  const char *names[PANO_QUEUE_N_TABS] = { _("Mine"), _("Due soon"), _("Overdue"), _("All") };
  GtkToggleButton *buttons[PANO_QUEUE_N_TABS] = { self->tab_mine, self->tab_due,
                                                  self->tab_overdue, self->tab_all };

  if (self->areas_changed)
    {
      self->areas_changed = FALSE;
      /* The incidents were counted under the area that is gone: judge them all again. */
      if (update_areas (self))
        pano_incident_queue_reread (self);
    }
  for (guint tab = 0; tab < PANO_QUEUE_N_TABS; tab++)
    if (self->labelled[tab] != self->counts[tab])
      {
        label_tab (buttons[tab], names[tab], self->counts[tab]);
        self->labelled[tab] = self->counts[tab];
      }
  update_empty (self);
}

/* Every incident counted again for the tabs at now_ms: after the filters changed, or with
 * @clocks_only after time alone moved, which only moves incidents in and out of the tabs
 * that go by the clock. */
void
pano_incident_queue_recount (PanoIncidentQueue *self,
                             gboolean           clocks_only)
{
  memset (self->counts, 0, sizeof self->counts);
  for (guint i = 0; i < self->records->len; i++)
    {
      Entry *entry = &g_array_index (self->records, Entry, i);

      if (!clocks_only)
        judge (self, entry);
      else
        {
          entry->clock = clock_at (entry->record, self->now_ms);
          if (entry->tabs != 0)   /* it passes the filters */
            entry->tabs = (entry->tabs & ~CLOCK_TABS) | tabs_of (self, entry, CLOCK_TABS);
        }
      count (self, entry->tabs, TRUE);
    }
  relabel (self);
}

/* Returns: whether any incident's clock changed colour between now_ms and @now */
gboolean
pano_incident_queue_clocks_moved (PanoIncidentQueue *self,
                                  gint64             now)
{
  for (guint i = 0; i < self->records->len; i++)
    {
      Entry *entry = &g_array_index (self->records, Entry, i);

      if (clock_at (entry->record, now) != entry->clock)
        return TRUE;
    }
  return FALSE;
}

static gboolean
on_relabel_idle (gpointer user_data)
{
  PanoIncidentQueue *self = user_data;

  self->relabel_id = 0;
  relabel (self);
  return G_SOURCE_REMOVE;
}

/* Labels are set once per main-loop turn, however many incidents changed in it. */
static void
queue_relabel (PanoIncidentQueue *self)
{
  if (self->relabel_id == 0)
    self->relabel_id = g_idle_add_full (G_PRIORITY_DEFAULT, on_relabel_idle, self, NULL);
}

/* Replaces @removed records at @position with the model's @added there, counting them out of
 * and into the tabs and areas. */
static void
splice_records (PanoIncidentQueue *self,
                guint              position,
                guint              removed,
                guint              added)
{
  g_autoptr(GArray) entries = g_array_sized_new (FALSE, TRUE, sizeof (Entry), added);

  for (guint i = position; i < position + removed; i++)
    tally (self, &g_array_index (self->records, Entry, i), FALSE);
  g_array_remove_range (self->records, position, removed);
  g_array_set_size (entries, added);
  for (guint i = 0; i < added; i++)
    {
      Entry *entry = &g_array_index (entries, Entry, i);

      entry->record = g_list_model_get_item (G_LIST_MODEL (self->model), position + i);
      tally (self, entry, TRUE);
    }
  g_array_insert_vals (self->records, position, entries->data, added);
}

/* The model's records from scratch: a new model, or none. */
void
pano_incident_queue_take_records (PanoIncidentQueue *self)
{
  g_array_set_size (self->records, 0);
  g_hash_table_remove_all (self->areas_seen);
  memset (self->counts, 0, sizeof self->counts);
  self->areas_changed = TRUE;
  if (self->model != NULL)
    splice_records (self, 0, 0, g_list_model_get_n_items (G_LIST_MODEL (self->model)));
}

/* The list follows the model by itself (filter and sort models); the counts follow the changed
 * incidents alone, and the labels once per main-loop turn. */
void
pano_incident_queue_follow_records (PanoIncidentQueue *self,
                                    guint              position,
                                    guint              removed,
                                    guint              added)
{
  splice_records (self, position, removed, added);
  queue_relabel (self);
}

static void
entry_clear (gpointer data)
{
  g_clear_object (&((Entry *) data)->record);
}

void
pano_incident_queue_init_counts (PanoIncidentQueue *self)
{
  self->records = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (self->records, entry_clear);
  self->areas_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, area_free);
  memset (self->labelled, 0xff, sizeof self->labelled);   /* no count shown yet */
}

void
pano_incident_queue_finalize_counts (PanoIncidentQueue *self)
{
  g_clear_pointer (&self->records, g_array_unref);
  g_clear_pointer (&self->areas_seen, g_hash_table_unref);
}
