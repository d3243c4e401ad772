// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "pano-gis-layer.h"
#include "pano-hub-client.h"
#include "pano-incident-model.h"
#include "pano-live-store.h"

G_BEGIN_DECLS

/* A unit's road route drawn while its incident's card is open. */
typedef struct
{
  char *unit;
  gboolean assigned;        /* assigned to the incident, or only recommended */
  GArray *lonlat;           /* double pairs */
} PanoRoute;

#define PANO_TYPE_INCIDENT_CARD (pano_incident_card_get_type ())
G_DECLARE_FINAL_TYPE (PanoIncidentCard, pano_incident_card, PANO, INCIDENT_CARD, GtkWidget)

void                pano_incident_card_set_context   (PanoIncidentCard  *self,
                                                      PanoIncidentModel *model,
                                                      PanoHubClient     *client,
                                                      PanoLiveStore     *store);
void                pano_incident_card_set_facilities (PanoIncidentCard *self,
                                                       PanoGisLayer     *facilities);
void                pano_incident_card_set_role      (PanoIncidentCard  *self,
                                                      const char        *role);
void                pano_incident_card_show          (PanoIncidentCard  *self,
                                                      const char        *incident);
const char         *pano_incident_card_get_incident  (PanoIncidentCard  *self);
PanoIncidentRecord *pano_incident_card_get_record    (PanoIncidentCard  *self);
GPtrArray          *pano_incident_card_get_routes    (PanoIncidentCard  *self);
const char         *pano_incident_card_get_result    (PanoIncidentCard  *self);
PanoCommand        *pano_incident_card_get_pending   (PanoIncidentCard  *self);
GtkWidget          *pano_incident_card_get_button    (PanoIncidentCard  *self,
                                                      const char        *action);
gboolean            pano_incident_card_can           (PanoIncidentCard  *self,
                                                      const char        *action);
const char         *pano_incident_card_why_not       (PanoIncidentCard  *self,
                                                      const char        *action);
guint               pano_incident_card_get_n_timeline (PanoIncidentCard *self);
void                pano_incident_card_set_until     (PanoIncidentCard *self,
                                                      gint64            until_ms);
char               *pano_incident_card_dup_timeline_entry (PanoIncidentCard *self,
                                                           guint             index);
JsonObject         *pano_incident_card_get_recommendations (PanoIncidentCard *self);
guint               pano_incident_card_get_n_recommended (PanoIncidentCard *self);
const char         *pano_incident_card_get_recommended (PanoIncidentCard *self,
                                                        guint             index);
void                pano_incident_card_set_unit_chosen (PanoIncidentCard *self,
                                                        const char       *unit,
                                                        gboolean          chosen);
guint               pano_incident_card_get_n_nearby  (PanoIncidentCard  *self);
guint               pano_incident_card_get_n_related (PanoIncidentCard  *self);
GtkWidget          *pano_incident_card_get_command_button (PanoIncidentCard *self);
const char         *pano_incident_card_unit_status   (PanoIncidentCard  *self,
                                                      const char        *unit);
const char         *pano_incident_card_get_unit_kind (PanoIncidentCard  *self,
                                                      const char        *unit);
gboolean            pano_incident_card_get_unit_eta  (PanoIncidentCard  *self,
                                                      const char        *unit,
                                                      gint64            *eta_s);

G_END_DECLS
