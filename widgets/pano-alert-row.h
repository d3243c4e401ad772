// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "pano-alert-record.h"
#include "pano-command.h"

G_BEGIN_DECLS

#define PANO_TYPE_ALERT_ROW (pano_alert_row_get_type ())
G_DECLARE_FINAL_TYPE (PanoAlertRow, pano_alert_row, PANO, ALERT_ROW, GtkBox)

GtkWidget       *pano_alert_row_new        (void);
void             pano_alert_row_show       (PanoAlertRow    *self,
                                            PanoAlertRecord *record,
                                            PanoCommand     *command,
                                            gboolean         allowed,
                                            const char      *why_not);
PanoAlertRecord *pano_alert_row_get_record (PanoAlertRow    *self);

char            *pano_alert_format_time    (gint64           unix_ms);
const char      *pano_alert_format_level   (PanoAlertLevel   level);
const char      *pano_alert_format_metric  (const char      *metric);
char            *pano_alert_format_measure (PanoAlertRecord *record);

G_END_DECLS
