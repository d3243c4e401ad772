// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-hub-city.h"
#include "pano-hub-config.h"
#include "pano-hub-db.h"
#include "pano-hub-store.h"

G_BEGIN_DECLS

#define PANO_HUB_COMMAND_ERROR (pano_hub_command_error_quark ())

/* Why a command was refused; each maps to one HTTP status (docs/protocol.md section 5). */
typedef enum
{
  PANO_HUB_COMMAND_ERROR_BAD_REQUEST,
  PANO_HUB_COMMAND_ERROR_UNKNOWN_INCIDENT,
  PANO_HUB_COMMAND_ERROR_ILLEGAL_TRANSITION,
  PANO_HUB_COMMAND_ERROR_UNKNOWN_UNIT,
  PANO_HUB_COMMAND_ERROR_UNIT_NOT_ASSIGNED,
  PANO_HUB_COMMAND_ERROR_IDEMPOTENCY_MISMATCH,
  PANO_HUB_COMMAND_ERROR_STORAGE,
  PANO_HUB_COMMAND_ERROR_UNKNOWN_CATEGORY,
  PANO_HUB_COMMAND_ERROR_VERSION_CONFLICT,
  PANO_HUB_COMMAND_ERROR_UNKNOWN_ALERT,
  PANO_HUB_COMMAND_ERROR_ALREADY_ACKNOWLEDGED,
} PanoHubCommandError;

typedef struct
{
  guint status;
  char *body;
  gboolean replayed;
} PanoHubCommandResult;

#define PANO_TYPE_HUB_INCIDENTS (pano_hub_incidents_get_type ())
G_DECLARE_FINAL_TYPE (PanoHubIncidents, pano_hub_incidents, PANO, HUB_INCIDENTS, GObject)

GQuark            pano_hub_command_error_quark  (void);
PanoHubIncidents *pano_hub_incidents_new        (PanoHubDb            *db,
                                                 PanoHubStore         *store,
                                                 PanoHubCity          *city,
                                                 const PanoHubSettings *settings);
gboolean          pano_hub_incidents_load       (PanoHubIncidents     *self,
                                                 guint                *n_loaded,
                                                 GError              **error);
void              pano_hub_incidents_execute    (PanoHubIncidents     *self,
                                                 const char           *actor,
                                                 PanoHubRole           role,
                                                 const char           *key,
                                                 const char           *body,
                                                 gsize                 length,
                                                 PanoHubCommandResult *result);
guint             pano_hub_incidents_check_overdue (PanoHubIncidents  *self);
guint             pano_hub_incidents_expire     (PanoHubIncidents     *self);
char             *pano_hub_incidents_dup_json   (PanoHubIncidents     *self,
                                                 const char           *id,
                                                 GError              **error);
JsonObject       *pano_hub_incidents_lookup     (PanoHubIncidents     *self,
                                                 const char           *id);
GList            *pano_hub_incidents_list_ids   (PanoHubIncidents     *self);
guint64           pano_hub_incidents_get_count  (PanoHubIncidents     *self,
                                                 const char           *outcome);

G_END_DECLS
