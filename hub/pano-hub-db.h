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
                                               char                 **response,
                                               GError               **error);
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
char       *pano_hub_db_get_incident          (PanoHubDb             *self,
                                               const char            *id,
                                               GError               **error);
gboolean    pano_hub_db_foreach_incident      (PanoHubDb             *self,
                                               gint64                 final_since,
                                               PanoHubDbIncidentFunc  func,
                                               gpointer               user_data,
                                               GError               **error);
gboolean    pano_hub_db_put_mark              (PanoHubDb             *self,
                                               const char            *layer,
                                               const char            *id,
                                               const char            *members,
                                               GError               **error);
gboolean    pano_hub_db_foreach_mark          (PanoHubDb             *self,
                                               const char            *layer,
                                               PanoHubDbIncidentFunc  func,
                                               gpointer               user_data,
                                               GError               **error);
gboolean    pano_hub_db_audit                 (PanoHubDb             *self,
                                               const PanoHubAudit    *record,
                                               GError               **error);

/* pano-hub-db-history.c: the per-incident KPI columns, kept in each command's transaction,
 * and the reads of the durable history (timeline, audit view, KPIs). */
typedef enum
{
  PANO_HUB_KPI_ACCEPTED,
  PANO_HUB_KPI_DISPATCHED,
  PANO_HUB_KPI_VERIFIED,
  PANO_HUB_KPI_CLOSED,
  PANO_HUB_KPI_CANCELLED,
  PANO_HUB_KPI_OVERDUE,
  PANO_HUB_KPI_HANDLING_OVERDUE,
} PanoHubKpiTime;

typedef enum
{
  PANO_HUB_KPI_MOVE_DISPATCH,
  PANO_HUB_KPI_MOVE_RETURN,
  PANO_HUB_KPI_MOVE_REWORK,
} PanoHubKpiMove;

typedef struct
{
  const char *scope;    /* grid-code prefix, "" for the whole city */
  gint64 from_ms;
  gint64 to_ms;
  gint64 now_ms;
} PanoHubKpiQuery;

typedef struct
{
  gint64 reported, accepted, in_progress, overdue, closed, due, closed_on_time, handled,
         handled_on_time, rework, dispatched, returned;
  gint64 n_accept, n_dispatch, n_close;   /* how many means were taken over */
  double mean_accept_ms, mean_dispatch_ms, mean_close_ms;
} PanoHubKpiCounts;

typedef struct
{
  const char *actor;
  const char *incident;
  gint64 from_ms;       /* 0: no bound */
  gint64 to_ms;         /* 0: no bound */
  gint64 before_id;     /* 0: newest */
  guint limit;
} PanoHubAuditQuery;

gboolean    pano_hub_db_kpi_create            (PanoHubDb             *self,
                                               const char            *id,
                                               const char            *grid_code,
                                               gint64                 reported_ms,
                                               GError               **error);
gboolean    pano_hub_db_kpi_time              (PanoHubDb             *self,
                                               const char            *id,
                                               PanoHubKpiTime         what,
                                               gint64                 at_ms,
                                               GError               **error);
gboolean    pano_hub_db_kpi_move              (PanoHubDb             *self,
                                               const char            *id,
                                               PanoHubKpiMove         move,
                                               gint64                 at_ms,
                                               GError               **error);
gboolean    pano_hub_db_kpi_query             (PanoHubDb             *self,
                                               const PanoHubKpiQuery *query,
                                               PanoHubKpiCounts      *counts,
                                               GError               **error);
char       *pano_hub_db_timeline              (PanoHubDb             *self,
                                               const char            *incident,
                                               GError               **error);
char       *pano_hub_db_audit_page            (PanoHubDb             *self,
                                               const PanoHubAuditQuery *query,
                                               GError               **error);

G_END_DECLS
