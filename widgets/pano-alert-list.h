// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "pano-alert-model.h"
#include "pano-hub-client.h"
#include "pano-live-store.h"

G_BEGIN_DECLS

#define PANO_TYPE_ALERT_LIST (pano_alert_list_get_type ())
G_DECLARE_FINAL_TYPE (PanoAlertList, pano_alert_list, PANO, ALERT_LIST, GtkBox)

GtkWidget      *pano_alert_list_new                 (PanoLiveStore  *store,
                                                     PanoHubClient  *client);
void            pano_alert_list_set_actions_allowed (PanoAlertList  *self,
                                                     gboolean        allowed,
                                                     const char     *why_not);
guint           pano_alert_list_get_n_unacknowledged_top (PanoAlertList *self);
guint           pano_alert_list_get_n_active        (PanoAlertList  *self);
PanoAlertModel *pano_alert_list_get_model           (PanoAlertList  *self);
void            pano_alert_list_acknowledge         (PanoAlertList  *self,
                                                     const char     *alert_id);
PanoCommand    *pano_alert_list_get_command         (PanoAlertList  *self,
                                                     const char     *alert_id);
GtkWidget      *pano_alert_list_find_row            (PanoAlertList  *self,
                                                     const char     *alert_id);
char           *pano_alert_list_dup_escalation      (PanoAlertList  *self,
                                                     const char     *alert_id);

G_END_DECLS
