// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-incident-queue.h"

G_BEGIN_DECLS

/* Shared between pano-incident-queue.c (the list, its filters, order and clock) and
 * pano-incident-queue-counts.c (the tabs' counts and the areas on offer, kept by the changed
 * incidents alone). */

/* A dropdown's choices: what it shows and the key it filters on ("" for "any"). */
typedef struct
{
  GtkDropDown *dropdown;
  GPtrArray *keys;
} PanoQueueChoice;

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
  GArray *records;           /* the model's records in its order, with what they are counted
                                in (pano-incident-queue-counts.c) */
  GHashTable *areas_seen;    /* district or street code → Area holding incidents */
  gboolean areas_changed;    /* an area came or went since the area choices were made */
  PanoQueueChoice categories, severities, areas, sources;

  gboolean may_act;
  char *scope;
  char *search_text;
  PanoQueueTab tab;
  gint64 now_ms;            /* the time tabs and order were last read at */
  guint counts[PANO_QUEUE_N_TABS];
  guint labelled[PANO_QUEUE_N_TABS];   /* the counts the tab buttons show */
  guint tick_id;
  guint ticks;
  guint relabel_id;
  gboolean choosing;        /* the choices are being rebuilt: not a filter change */
};

const char *pano_incident_queue_chosen_key      (PanoQueueChoice    *choice);
gboolean    pano_incident_queue_passes_filters  (PanoIncidentQueue  *self,
                                                 PanoIncidentRecord *record);
gboolean    pano_incident_queue_in_tab          (PanoIncidentQueue  *self,
                                                 PanoIncidentRecord *record,
                                                 PanoQueueTab        tab);
void        pano_incident_queue_set_choices     (PanoIncidentQueue  *self,
                                                 PanoQueueChoice    *choice,
                                                 const char * const *labels,
                                                 const char * const *keys);
void        pano_incident_queue_reread          (PanoIncidentQueue  *self);

void        pano_incident_queue_init_counts     (PanoIncidentQueue  *self);
void        pano_incident_queue_finalize_counts (PanoIncidentQueue  *self);
void        pano_incident_queue_take_records    (PanoIncidentQueue  *self);
void        pano_incident_queue_follow_records  (PanoIncidentQueue  *self,
                                                 guint               position,
                                                 guint               removed,
                                                 guint               added);
void        pano_incident_queue_recount         (PanoIncidentQueue  *self,
                                                 gboolean            clocks_only);
gboolean    pano_incident_queue_clocks_moved    (PanoIncidentQueue  *self,
                                                 gint64              now);

G_END_DECLS
