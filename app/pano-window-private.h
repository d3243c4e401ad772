// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-window.h"
#include "pano-base-map.h"
#include "pano-feed-client.h"
#include "pano-gis-loader.h"
#include "pano-grid-choropleth.h"
#include "pano-hub-client.h"
#include "pano-incident-card.h"
#include "pano-incident-model.h"
#include "pano-incident-queue.h"
#include "pano-live-map-layer.h"
#include "pano-online-source.h"
#include "pano-route-layer.h"
#include "pano-scope-bar.h"
#include "pano-tile-source.h"
#include "pano-view-tour.h"

G_BEGIN_DECLS

#define PANO_HOME_LATITUDE 32.629
#define PANO_HOME_LONGITUDE 110.798
#define PANO_HOME_ZOOM 11.0

/* Who says what in the banner: each situation keeps its own line, so one going away never
 * takes another's words with it. */
typedef enum
{
  PANO_BANNER_HUB,
  PANO_BANNER_TILES,
  PANO_BANNER_OTHER,
  PANO_N_BANNERS
} PanoBannerOwner;

typedef struct _PanoCommandMode PanoCommandMode;
typedef struct _PanoWindowReplay PanoWindowReplay;

struct _PanoWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkRevealer *banner_revealer;
  GtkLabel *banner_label;
  AdwFlap *flap;
  PanoLayerList *layer_list;
  PanoFeaturePanel *feature_panel;
  ShumateMap *map;
  GtkWidget *map_overlay;
  GtkWidget *map_menu;        /* the right-click menu, a popover on map_overlay */
  GtkBox *loads_box;
  ShumateScale *scale;
  GtkWidget *feed_status;
  GtkWidget *live_box;
  GtkWidget *live_empty;
  GtkBox *live_list;
  GtkLabel *feed_label;
  AdwViewStack *side_stack;
  AdwFlap *ops_flap;
  GtkWidget *ops_button;
  AdwViewStack *ops_stack;
  GtkStack *incident_stack;
  PanoIncidentQueue *queue;
  PanoIncidentCard *card;
  GtkBox *alerts_page;
  GtkBox *kpi_page;
  GtkBox *overview_page;
  GtkBox *scope_slot;
  GtkWidget *alert_button;
  GtkLabel *alert_label;

  GSettings *settings;
  GCancellable *cancellable;
  PanoLayerStack *stack;
  PanoStaticLayer *base_map;
  PanoOnlineSource *online;
  PanoStaticLayer *shown_static; /* the layer whose feature the side panel shows */
  char *last_message;
  char *banners[PANO_N_BANNERS];     /* each owner's message, NULL for none */
  char *dismissed[PANO_N_BANNERS];   /* what the operator dismissed, hidden until it changes */
  guint n_user_layers;
  guint n_loading;
  gboolean base_loaded;
  gboolean hide_base_map;     /* a --tiles URL (or none) replaces the offline base map … */
  gboolean tiles_failing;     /* … except while the tile server fails */

  PanoLiveStore *live_store;
  PanoFeedClient *feed;
  char *hub_ca_file;          /* trusted for an https:// hub instead of the system's CAs */
  char *hub_url;              /* what the situation report reads (pano-window-report.c) */
  char *hub_token;
  char *tile_url;
  GPtrArray *live_layers;     /* PanoLiveMapLayer, bottom first */
  GPtrArray *live_rows;       /* PanoLiveLayerRow */
  ShumateLayer *choropleth;   /* grid cells by open events, under the live layers */
  guint feed_status_id;
  char *selected_layer;
  char *selected_id;
  char *selected_properties;  /* what the panel shows for it */
  gboolean selected_shown;

  /* operators (pano-window-incidents.c) */
  PanoHubClient *hub_client;
  PanoIncidentModel *incidents;
  PanoRouteLayer *routes;
  GStrv categories;
  char *scope;                /* grid-code prefix; NULL for the whole city (panels) */
  guint incidents_tick_id;

  /* oversight (pano-window-panels.c) */
  PanoAlertList *alert_list;
  PanoKpiPanel *kpi_panel;
  PanoScopeBar *scope_bar;    /* once the base map's grid cells are there */

  /* overview and ticker (pano-window-overview.c) */
  PanoOverviewPanel *overview_panel;
  PanoTicker *ticker;
  GHashTable *ticker_seen;    /* "a:" alert and "i:" incident ids already announced */
  gint64 ticker_since_ms;

  /* wall mode (pano-window-wall.c) */
  GtkWidget *header_bar;
  gboolean wall;
  char *wall_connector;       /* the monitor F11 fills, NULL for the largest */
  double wall_scale;
  GtkCssProvider *scale_css;
  int desk_dpi;               /* gtk-xft-dpi before the wall changed it, 0 when unchanged */
  int desk_width, desk_height;
  AdwColorScheme desk_color_scheme;
  GtkEventController *pointer_motion;
  guint pointer_idle_id;
  double pointer_x, pointer_y;
  gboolean pointer_hidden;    /* at rest on the wall: no cursor, no hover card */

  /* view tours (pano-window-tour.c) */
  PanoViewTour *tour;
  char *tour_file;            /* the --tour file, where Save View to Tour… writes */
  guint tour_index;           /* the view shown */
  gboolean tour_running;
  gint64 tour_resume_at;      /* monotonic µs a paused tour goes on at, 0 while not paused */
  guint tour_step_id;         /* the next view, or the paused tour's countdown */
  GtkWidget *tour_label;      /* the indicator over the map */
  double tour_pointer_x, tour_pointer_y;  /* where the pointer rests, NAN unknown */
  /* 平时 / 战时 (pano-window-command.c) */
  PanoCommandMode *command;
  /* replay, 复盘 (pano-window-replay.c); NULL while live */
  PanoWindowReplay *replay;
};

void pano_window_class_install_actions (GtkWidgetClass *widget_class);
void pano_window_ask_report_file       (PanoWindow     *self);
AdwToast *pano_window_notify           (PanoWindow     *self,
                                        const char     *message,
                                        gboolean        sticky);
void pano_window_show_banner           (PanoWindow     *self,
                                        const char     *message);
void pano_window_set_banner            (PanoWindow     *self,
                                        PanoBannerOwner owner,
                                        const char     *message);
void pano_window_dismiss_banner        (PanoWindow     *self);
void pano_window_update_base_map       (PanoWindow     *self);
void pano_window_add_gis_layer         (PanoWindow     *self,
                                        PanoGisLayer   *layer);
void pano_window_go_home               (PanoWindow     *self);
gboolean pano_window_select_live_at    (PanoWindow     *self,
                                        double          x,
                                        double          y);
void pano_window_clear_live            (PanoWindow     *self);
void pano_window_ensure_choropleth     (PanoWindow     *self);
void pano_window_setup_incidents       (PanoWindow     *self,
                                        const char     *url,
                                        const char     *token);
void pano_window_clear_incidents       (PanoWindow     *self);
void pano_window_update_role           (PanoWindow     *self);
void pano_window_class_install_incident_actions (GtkWidgetClass *widget_class);
void pano_window_setup_panels          (PanoWindow     *self);
void pano_window_clear_panels          (PanoWindow     *self);
void pano_window_ensure_scope_bar      (PanoWindow     *self);
void pano_window_update_panels_role    (PanoWindow     *self,
                                        gboolean        may_act,
                                        const char     *role);
void pano_window_class_install_panel_actions (GtkWidgetClass *widget_class);
void pano_window_setup_overview        (PanoWindow     *self);
void pano_window_clear_overview        (PanoWindow     *self);
void pano_window_overview_follow_scope (PanoWindow     *self,
                                        const char     *name);
void pano_window_show_overview         (PanoWindow     *self);
void pano_window_class_install_overview_actions (GtkWidgetClass *widget_class);
void pano_window_setup_wall            (PanoWindow     *self);
void pano_window_clear_wall            (PanoWindow     *self);
void pano_window_class_install_wall_actions (GtkWidgetClass *widget_class);
void pano_window_class_install_replay_actions (GtkWidgetClass *widget_class);
void pano_window_leave_replay          (PanoWindow     *self);
void pano_window_set_replay_scale      (PanoWindow     *self,
                                        double          scale);
void pano_window_set_live_scale        (PanoWindow     *self,
                                        double          scale);
void pano_window_setup_tour            (PanoWindow     *self);
void pano_window_clear_tour            (PanoWindow     *self);
void pano_window_class_install_tour_actions (GtkWidgetClass *widget_class);
void pano_window_setup_command         (PanoWindow     *self);
void pano_window_clear_command         (PanoWindow     *self);
void pano_window_class_install_command_actions (GtkWidgetClass *widget_class);

G_END_DECLS
