// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-incident-card.h"

G_BEGIN_DECLS

/* Shared between pano-incident-card.c (the incident, its actions and commands) and
 * pano-incident-card-sections.c (units, recommendations, timeline, nearby, related). */

struct _PanoIncidentCard
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkLabel *title_label;
  GtkLabel *status_label;
  GtkLabel *clock_label;
  GtkBox *path_box;
  GtkFlowBox *actions_box;
  GtkWidget *result_box;
  GtkSpinner *result_spinner;
  GtkLabel *result_label;
  GtkGrid *facts;
  GtkListBox *units_list;
  GtkLabel *recommend_title;
  GtkListBox *recommend_list;
  GtkListBox *timeline_list;
  GtkListBox *nearby_list;
  GtkListBox *related_list;
  GtkWidget *command_button;

  PanoIncidentModel *model;
  PanoHubClient *client;
  PanoLiveStore *store;
  PanoGisLayer *facilities;
  char *id;
  PanoIncidentRecord *record;   /* what the card shows */
  char *role;
  GHashTable *buttons;          /* action name → GtkButton */

  PanoCommand *pending;
  GCancellable *cancellable;    /* reads for the shown incident */
  JsonObject *recommendations;  /* the last answer */
  GHashTable *chosen;           /* unit ids ticked for dispatch */
  JsonArray *timeline;
  gint64 timeline_version;      /* the incident version the timeline was read at */
  gint64 until_ms;              /* replay (复盘): entries up to this time only; 0 for all */
  gint64 recommended_version;
  GPtrArray *routes;            /* PanoRoute */
  guint n_recommended;
  guint n_nearby;
  guint n_related;
  guint tick_id;
  guint ticks;
};

void pano_incident_card_show_units          (PanoIncidentCard *self);
void pano_incident_card_fetch_recommendations (PanoIncidentCard *self);
void pano_incident_card_fetch_timeline      (PanoIncidentCard *self);
void pano_incident_card_show_nearby         (PanoIncidentCard *self);
void pano_incident_card_show_related        (PanoIncidentCard *self);
void pano_incident_card_clear_sections      (PanoIncidentCard *self);
void pano_incident_card_update_actions      (PanoIncidentCard *self);
void pano_route_free                        (PanoRoute        *route);
void pano_incident_card_emit_routes_changed (PanoIncidentCard *self);
void pano_incident_card_emit_open           (PanoIncidentCard *self,
                                             const char       *id);

G_END_DECLS
