// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "pano-hub-tokens.h"
#include "pano-incident.h"

G_BEGIN_DECLS

/* One row of [capabilities]: the unit kinds (of the `resources` layer) that can handle an
 * incident of @category. The rows' categories are the hub's category list. */
typedef struct
{
  char *category;
  GStrv unit_kinds;
} PanoHubCapability;

/* Everything the configuration file sets, with the documented defaults. */
typedef struct
{
  char *host;
  guint port;
  char *database;
  char *city;
  char *roads;          /* routing graph file; NULL: the city's roads */
  char *tls_certificate;
  char *tls_key;
  guint window;
  guint queue_limit;
  guint coalesce_limit;
  guint heartbeat_interval_ms;
  guint heartbeat_timeout_ms;
  guint max_frame_in;
  guint max_frame_out;
  guint send_buffer;
  guint overdue_check_ms;
  guint incident_live_hours;
  guint auth_failures;       /* [limits]: failed authentications per address and window */
  guint auth_window_s;
  guint auth_lockout_s;
  double manual_share;       /* [simulator]: share of its incidents left to operators */
  guint history_days;        /* [history] days: replay history and overview samples kept */
  guint history_max_mb;      /* [history] max-mb: its disk bound */
  guint history_keyframe_s;  /* [history] keyframe-s: seconds between keyframes */
  guint history_retain_s;    /* [history] retain-s: seconds, overrides days when not 0 */
  guint stage_limit_s[PANO_INCIDENT_N_STATUS];
  GPtrArray *capabilities;   /* PanoHubCapability, in configuration order */
  guint sample_s;            /* [history] sample-s: live-layer sample interval (overview) */
  gint sample_offset_s;      /* --sample-offset: shifts the samples' time stamps */
  double thresholds[16][2];  /* [thresholds]: amber, red per overview tile; NAN: none */
} PanoHubSettings;

#define PANO_HUB_CONFIG_ERROR (pano_hub_config_error_quark ())

typedef enum
{
  PANO_HUB_CONFIG_ERROR_INVALID,
} PanoHubConfigError;

#define PANO_TYPE_HUB_CONFIG (pano_hub_config_get_type ())
G_DECLARE_FINAL_TYPE (PanoHubConfig, pano_hub_config, PANO, HUB_CONFIG, GObject)

GQuark                 pano_hub_config_error_quark (void);
PanoHubConfig         *pano_hub_config_new         (void);
gboolean               pano_hub_config_load_file   (PanoHubConfig  *self,
                                                    const char     *path,
                                                    GError        **error);
gboolean               pano_hub_config_set_listen  (PanoHubConfig  *self,
                                                    const char     *listen,
                                                    GError        **error);
void                   pano_hub_config_add_token   (PanoHubConfig  *self,
                                                    const char     *token,
                                                    const char     *name,
                                                    PanoHubRole     role);
PanoHubSettings       *pano_hub_config_get         (PanoHubConfig  *self);
const PanoHubToken    *pano_hub_config_lookup_token (PanoHubConfig *self,
                                                     const char    *token);
guint                  pano_hub_config_get_n_tokens (PanoHubConfig *self);
const char            *pano_hub_role_name          (PanoHubRole     role);
gboolean               pano_hub_config_set_manual_share (PanoHubSettings *settings,
                                                         double           share,
                                                         GError         **error);

GPtrArray             *pano_hub_config_get_capabilities   (PanoHubConfig         *self);
const PanoHubCapability *pano_hub_settings_find_capability (const PanoHubSettings *settings,
                                                            const char            *category);
char                  *pano_hub_settings_dup_category_list (const PanoHubSettings *settings);

G_END_DECLS
