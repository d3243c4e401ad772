// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sqlite3.h>

#include "pano-hub-db.h"

/* Shared by pano-hub-db.c (schema, transactions, incidents, idempotency) and
 * pano-hub-db-history.c (audit, timeline, KPI columns and queries). */

struct _PanoHubDb
{
  GObject parent_instance;
  sqlite3 *db;
  char *path;
};

sqlite3_stmt *pano_hub_db_prepare   (PanoHubDb     *self,
                                     const char    *sql,
                                     GError       **error);
gboolean      pano_hub_db_step_done (PanoHubDb     *self,
                                     sqlite3_stmt  *stmt,
                                     GError       **error);
gboolean      pano_hub_db_fail      (PanoHubDb     *self,
                                     sqlite3_stmt  *stmt,
                                     GError       **error);
void          pano_hub_db_bind_text (sqlite3_stmt  *stmt,
                                     int            index,
                                     const char    *text);
gboolean      pano_hub_db_exec      (PanoHubDb     *self,
                                     const char    *sql,
                                     GError       **error);
