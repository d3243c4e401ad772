// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "pano-hub-client.h"

G_BEGIN_DECLS

#define PANO_TYPE_OVERVIEW_PANEL (pano_overview_panel_get_type ())
G_DECLARE_FINAL_TYPE (PanoOverviewPanel, pano_overview_panel, PANO, OVERVIEW_PANEL, GtkBox)

GtkWidget  *pano_overview_panel_new           (PanoHubClient     *client);
void        pano_overview_panel_set_scope     (PanoOverviewPanel *self,
                                               const char        *prefix,
                                               const char        *name);
void        pano_overview_panel_refresh       (PanoOverviewPanel *self);
void        pano_overview_panel_set_refresh_seconds (PanoOverviewPanel *self,
                                                     guint              seconds);

/* What the panel shows, for tests and pictures. @key: incidents_today, in_progress, overdue,
 * closure, on_time_closure, congestion, aqi_mean, aqi_worst, units_available, shelter_free,
 * alerts_active. */
const char *pano_overview_panel_get_value_text  (PanoOverviewPanel *self,
                                                 const char        *key);
const char *pano_overview_panel_get_change_text (PanoOverviewPanel *self,
                                                 const char        *key);
const char *pano_overview_panel_get_detail_text (PanoOverviewPanel *self,
                                                 const char        *key);
GtkWidget  *pano_overview_panel_get_tile        (PanoOverviewPanel *self,
                                                 const char        *key);
guint       pano_overview_panel_get_n_points    (PanoOverviewPanel *self,
                                                 const char        *key);
char       *pano_overview_panel_dup_mix_text    (PanoOverviewPanel *self);
const char *pano_overview_panel_get_error       (PanoOverviewPanel *self);
guint       pano_overview_panel_get_n_loads     (PanoOverviewPanel *self);

G_END_DECLS
