// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "pano-incident-model.h"

G_BEGIN_DECLS

/* The queue's tabs (docs/operations.md says what each holds). */
typedef enum
{
  PANO_QUEUE_MINE,       /* 待处理: the next step is the desk's, and the role may take it */
  PANO_QUEUE_DUE_SOON,   /* 即将超时: 80 % of the stage's time used */
  PANO_QUEUE_OVERDUE,    /* 超时 */
  PANO_QUEUE_ALL,        /* 全部: open, and closed or cancelled in the last 24 h */
  PANO_QUEUE_N_TABS,
} PanoQueueTab;

#define PANO_TYPE_INCIDENT_QUEUE (pano_incident_queue_get_type ())
G_DECLARE_FINAL_TYPE (PanoIncidentQueue, pano_incident_queue, PANO, INCIDENT_QUEUE, GtkWidget)

void                pano_incident_queue_set_model      (PanoIncidentQueue  *self,
                                                        PanoIncidentModel  *model);
void                pano_incident_queue_set_may_act    (PanoIncidentQueue  *self,
                                                        gboolean            may_act);
void                pano_incident_queue_set_scope      (PanoIncidentQueue  *self,
                                                        const char         *prefix);
const char         *pano_incident_queue_get_scope      (PanoIncidentQueue  *self);
void                pano_incident_queue_set_categories (PanoIncidentQueue  *self,
                                                        const char * const *categories);
void                pano_incident_queue_set_tab        (PanoIncidentQueue  *self,
                                                        PanoQueueTab        tab);
PanoQueueTab        pano_incident_queue_get_tab        (PanoIncidentQueue  *self);
void                pano_incident_queue_set_search     (PanoIncidentQueue  *self,
                                                        const char         *text);
void                pano_incident_queue_focus_search   (PanoIncidentQueue  *self);
guint               pano_incident_queue_get_count      (PanoIncidentQueue  *self,
                                                        PanoQueueTab        tab);
guint               pano_incident_queue_get_n_shown    (PanoIncidentQueue  *self);
PanoIncidentRecord *pano_incident_queue_get_shown      (PanoIncidentQueue  *self,
                                                        guint               position);
PanoIncidentRecord *pano_incident_queue_get_selected   (PanoIncidentQueue  *self);
void                pano_incident_queue_select         (PanoIncidentQueue  *self,
                                                        const char         *id);
void                pano_incident_queue_refresh        (PanoIncidentQueue  *self);
gboolean            pano_incident_queue_needs_action   (PanoIncidentRecord *record);

G_END_DECLS
