// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a backup holds, for the line `panorama-hub --backup` prints. */
typedef struct
{
  gint64 pages;
  gint64 incidents;
  gint64 commands;
  gint64 audit_rows;
} PanoHubBackupReport;

gboolean pano_hub_backup (const char          *database,
                          const char          *destination,
                          PanoHubBackupReport *report,
                          GError             **error);

G_END_DECLS
