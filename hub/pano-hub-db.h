// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PANO_HUB_DB_ERROR (pano_hub_db_error_quark ())

typedef enum
{
  PANO_HUB_DB_ERROR_OPEN,
  PANO_HUB_DB_ERROR_WRITE,
} PanoHubDbError;

/* One line of the audit trail (操作留痕); NULL members are stored as NULL. */
typedef struct
{
  const char *actor;
  const char *role;
  const char *action;
  const char *target;
  const char *outcome;
  guint status;
  const char *reason;
  const char *request;
  const char *before;
  const char *after;
} PanoHubAudit;

typedef void (*PanoHubDbIncidentFunc) (const char *id,
                                       const char *json,
                                       gpointer    user_data);

#define PANO_TYPE_HUB_DB (pano_hub_db_get_type ())
G_DECLARE_FINAL_TYPE (PanoHubDb, pano_hub_db, PANO, HUB_DB, GObject)

GQuark      pano_hub_db_error_quark           (void);
PanoHubDb  *pano_hub_db_open                  (const char            *path,
                                               GError               **error);
gboolean    pano_hub_db_begin                 (PanoHubDb             *self,
                                               GError               **error);
gboolean    pano_hub_db_commit                (PanoHubDb             *self,
                                               GError               **error);
void        pano_hub_db_rollback              (PanoHubDb             *self);
gboolean    pano_hub_db_lookup_command        (PanoHubDb             *self,
                                               const char            *key,
                                               char                 **request_hash,
                                               guint                 *status,
                                               char                 **response);
gboolean    pano_hub_db_store_command         (PanoHubDb             *self,
                                               const char            *key,
                                               const char            *request_hash,
                                               const char            *actor,
                                               guint                  status,
                                               const char            *response,
                                               GError               **error);
gboolean    pano_hub_db_put_incident          (PanoHubDb             *self,
                                               const char            *id,
                                               const char            *status,
                                               const char            *json,
                                               GError               **error);
gint64      pano_hub_db_next_incident_number  (PanoHubDb             *self,
                                               GError               **error);
void        pano_hub_db_foreach_incident      (PanoHubDb             *self,
                                               PanoHubDbIncidentFunc  func,
                                               gpointer               user_data);
gboolean    pano_hub_db_audit                 (PanoHubDb             *self,
                                               const PanoHubAudit    *record,
                                               GError               **error);

G_END_DECLS
