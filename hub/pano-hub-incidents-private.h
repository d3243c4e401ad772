// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-hub-incidents.h"

/* Shared between pano-hub-incidents.c (transactions, idempotency, audit, overdue) and
 * pano-hub-incidents-commands.c (what each command does to an incident). */

struct _PanoHubIncidents
{
  GObject parent_instance;
  PanoHubDb *db;
  PanoHubStore *store;
  PanoHubCity *city;
  const PanoHubSettings *settings;
  GHashTable *incidents;   /* id → JsonNode (object) */
  guint64 accepted;
  guint64 refused;
  guint64 replayed;
};

typedef struct
{
  const char *actor;
  JsonObject *request;
  JsonNode *incident;     /* the working copy; NULL before create */
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
void                      pano_hub_command_set_time       (JsonObject  *object,
                                                           const char  *member,
                                                           gint64       unix_us);
const char               *pano_hub_command_require_string (JsonObject  *request,
                                                           const char  *member,
                                                           GError     **error);
