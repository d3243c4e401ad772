// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "pano-hub-client.h"

G_BEGIN_DECLS

#define PANO_TYPE_KPI_PANEL (pano_kpi_panel_get_type ())
G_DECLARE_FINAL_TYPE (PanoKpiPanel, pano_kpi_panel, PANO, KPI_PANEL, GtkBox)

GtkWidget  *pano_kpi_panel_new             (PanoHubClient *client);
void        pano_kpi_panel_set_scope       (PanoKpiPanel  *self,
                                            const char    *prefix,
                                            const char    *name);
const char *pano_kpi_panel_get_scope       (PanoKpiPanel  *self);
void        pano_kpi_panel_refresh         (PanoKpiPanel  *self);
void        pano_kpi_panel_set_refresh_seconds (PanoKpiPanel *self,
                                                guint         seconds);

/* What the panel shows, for tests and pictures. @key: reported, accepted, in_progress,
 * overdue, closed, closure, on_time_closure, on_time_handling, rework, dispatch_accuracy,
 * mean_accept, mean_dispatch, mean_close. */
const char *pano_kpi_panel_get_text        (PanoKpiPanel  *self,
                                            const char    *key);
gboolean    pano_kpi_panel_is_below_target (PanoKpiPanel  *self,
                                            const char    *key);
const char *pano_kpi_panel_get_error       (PanoKpiPanel  *self);
gboolean    pano_kpi_panel_is_loading      (PanoKpiPanel  *self);
guint       pano_kpi_panel_get_n_loads     (PanoKpiPanel  *self);

char       *pano_kpi_format_duration       (double         seconds);
char       *pano_kpi_format_percent        (double         ratio);
guint       pano_kpi_get_n_figures         (void);
const char *pano_kpi_get_figure_name       (guint          index);
char       *pano_kpi_format_figure         (JsonObject    *answer,
                                            guint          index);

G_END_DECLS
