// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-hub-incidents.h"
#include "pano-hub-marks.h"

/* Shared between pano-hub-incidents.c (transactions, idempotency, audit, overdue) and
 * pano-hub-incidents-commands.c (what each command does to an incident). */

struct _PanoHubIncidents
{
  GObject parent_instance;
  PanoHubDb *db;
  PanoHubStore *store;
  PanoHubCity *city;
  const PanoHubSettings *settings;
  PanoHubMarks *alert_marks;
  GHashTable *incidents;   /* id → JsonNode (object): the live layer's incidents */
  guint64 accepted;
  guint64 refused;
  guint64 replayed;
};

typedef struct
{
  const char *actor;
  JsonObject *request;
  gint64 now;             /* one time for everything the command records */
  JsonNode *before;       /* a deep copy of the incident (or alert entity) as it was */
  JsonNode *incident;     /* the working copy, deep: the live one is untouched until commit */
  JsonNode *alert;        /* acknowledge_alert: the alert entity as it becomes */
  const char *target;     /* what a command without an incident acted on */
  char *mark_id;          /* an alert whose marks change once the command is committed */
  JsonObject *mark;
  guint status;           /* 200 or 201 */
} Command;

typedef gboolean (*CommandFunc) (PanoHubIncidents *self,
                                 Command          *command,
                                 GError          **error);

typedef struct
{
  const char *name;
  CommandFunc func;
  gboolean needs_incident;
} PanoHubCommandSpec;

const PanoHubCommandSpec *pano_hub_command_find           (const char  *name);
JsonNode                 *pano_hub_json_deep_copy         (JsonNode    *node);
void                      pano_hub_incidents_publish      (PanoHubIncidents *self,
                                                           JsonNode         *incident);
void                      pano_hub_command_set_time       (JsonObject  *object,
                                                           const char  *member,
                                                           gint64       unix_us);
gboolean                  pano_hub_command_is_number      (JsonNode    *node);
const char               *pano_hub_command_require_string (JsonObject  *request,
                                                           const char  *member,
                                                           GError     **error);
