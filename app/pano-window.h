// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "pano-feature-panel.h"
#include "pano-feed-client.h"
#include "pano-layer-list.h"
#include "pano-hub-client.h"
#include "pano-alert-list.h"
#include "pano-command-board.h"
#include "pano-incident-card.h"
#include "pano-kpi-panel.h"
#include "pano-overview-panel.h"
#include "pano-ticker.h"
#include "pano-incident-queue.h"
#include "pano-layer-stack.h"
#include "pano-online-source.h"
#include "pano-replay-engine.h"
#include "pano-report-dialog.h"
#include "pano-scope-bar.h"
#include "pano-view-tour.h"

G_BEGIN_DECLS

#define PANO_WALL_ERROR (pano_wall_error_quark ())

typedef enum
{
  PANO_WALL_ERROR_NO_MONITOR,
} PanoWallError;

GQuark pano_wall_error_quark (void);

#define PANO_TYPE_WINDOW (pano_window_get_type ())
G_DECLARE_FINAL_TYPE (PanoWindow, pano_window, PANO, WINDOW, AdwApplicationWindow)

PanoWindow       *pano_window_new               (GtkApplication     *application);
void              pano_window_open_source       (PanoWindow         *self,
                                                 const char         *source);
void              pano_window_set_tile_url      (PanoWindow         *self,
                                                 const char         *url);
gboolean          pano_window_select_at         (PanoWindow         *self,
                                                 double              x,
                                                 double              y);
PanoLayerStack   *pano_window_get_layer_stack   (PanoWindow         *self);
PanoLayerList    *pano_window_get_layer_list    (PanoWindow         *self);
PanoFeaturePanel *pano_window_get_feature_panel (PanoWindow         *self);
ShumateMap       *pano_window_get_map           (PanoWindow         *self);
guint             pano_window_get_n_loading     (PanoWindow         *self);
const char       *pano_window_get_last_message  (PanoWindow         *self);
const char       *pano_window_get_banner        (PanoWindow         *self);
void              pano_window_set_hub_ca_file   (PanoWindow         *self,
                                                 const char         *ca_file);
void              pano_window_set_hub           (PanoWindow         *self,
                                                 const char         *url,
                                                 const char         *token);
PanoLiveStore    *pano_window_get_live_store    (PanoWindow         *self);
PanoFeedClient   *pano_window_get_feed          (PanoWindow         *self);
const char       *pano_window_get_feed_status   (PanoWindow         *self);
double            pano_window_get_live_opacity  (PanoWindow         *self);
PanoOnlineSource *pano_window_get_online_source (PanoWindow         *self);
void              pano_window_open_incident     (PanoWindow         *self,
                                                 const char         *incident);
void              pano_window_close_incident    (PanoWindow         *self);
PanoReportDialog *pano_window_report_at         (PanoWindow         *self,
                                                 double              lon,
                                                 double              lat);
void              pano_window_set_scope         (PanoWindow         *self,
                                                 const char         *prefix);
const char       *pano_window_get_scope         (PanoWindow         *self);
PanoIncidentQueue *pano_window_get_queue        (PanoWindow         *self);
PanoIncidentCard *pano_window_get_card          (PanoWindow         *self);
PanoHubClient    *pano_window_get_hub_client    (PanoWindow         *self);
void              pano_window_show_attributes   (PanoWindow         *self);
PanoAlertList    *pano_window_get_alert_list    (PanoWindow         *self);
PanoKpiPanel     *pano_window_get_kpi_panel     (PanoWindow         *self);
PanoOverviewPanel *pano_window_get_overview_panel (PanoWindow        *self);
PanoTicker       *pano_window_get_ticker        (PanoWindow         *self);
GtkWidget        *pano_window_get_alert_button  (PanoWindow         *self);
PanoScopeBar     *pano_window_get_scope_bar     (PanoWindow         *self);
const char       *pano_window_get_role          (PanoWindow         *self);
guint             pano_window_get_n_routes      (PanoWindow         *self);
gboolean          pano_window_can_report        (PanoWindow         *self);
void              pano_window_save_report_async (PanoWindow         *self,
                                                 GFile              *file,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
gboolean          pano_window_save_report_finish (PanoWindow        *self,
                                                  GAsyncResult      *result,
                                                  GError           **error);
GdkMonitor       *pano_window_find_monitor      (GdkDisplay         *display,
                                                 const char         *connector,
                                                 GError            **error);
gboolean          pano_window_set_wall          (PanoWindow         *self,
                                                 gboolean            wall,
                                                 const char         *connector,
                                                 GError            **error);
gboolean          pano_window_get_wall          (PanoWindow         *self);
void              pano_window_set_wall_connector (PanoWindow        *self,
                                                 const char         *connector);
void              pano_window_set_wall_scale    (PanoWindow         *self,
                                                 double              scale);
double            pano_window_get_wall_scale    (PanoWindow         *self);
double            pano_window_get_scale         (PanoWindow         *self);
gboolean          pano_window_load_tour         (PanoWindow         *self,
                                                 const char         *path,
                                                 GError            **error);
void              pano_window_set_tour_running  (PanoWindow         *self,
                                                 gboolean            running);
gboolean          pano_window_get_tour_running  (PanoWindow         *self);
gboolean          pano_window_get_tour_paused   (PanoWindow         *self);
int               pano_window_get_tour_view     (PanoWindow         *self);
const char       *pano_window_get_tour_status   (PanoWindow         *self);
const char       *pano_window_get_tour_file     (PanoWindow         *self);
PanoTourView     *pano_window_dup_view          (PanoWindow         *self,
                                                 const char         *name);
gboolean          pano_window_save_view_to_tour (PanoWindow         *self,
                                                 const char         *path,
                                                 const char         *name,
                                                 GError            **error);
PanoWindow       *pano_window_new_desk          (PanoWindow         *self);
void              pano_window_enter_command     (PanoWindow         *self,
                                                 const char         *incident);
void              pano_window_leave_command     (PanoWindow         *self);
const char       *pano_window_get_command       (PanoWindow         *self);
const char       *pano_window_get_mode_badge    (PanoWindow         *self);
PanoCommandBoard *pano_window_get_command_board (PanoWindow         *self);
PanoReplayEngine *pano_window_get_replay_engine (PanoWindow         *self);

G_END_DECLS
