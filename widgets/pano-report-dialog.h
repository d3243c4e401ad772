// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "pano-hub-client.h"

G_BEGIN_DECLS

#define PANO_TYPE_REPORT_DIALOG (pano_report_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PanoReportDialog, pano_report_dialog, PANO, REPORT_DIALOG, AdwWindow)

PanoReportDialog *pano_report_dialog_new        (GtkWindow          *parent,
                                                 PanoHubClient      *client,
                                                 const char * const *categories,
                                                 double              lon,
                                                 double              lat,
                                                 const char         *where);
void              pano_report_dialog_prefill    (PanoReportDialog   *self,
                                                 const char         *category,
                                                 guint               severity,
                                                 const char         *title,
                                                 const char         *description,
                                                 const char         *source,
                                                 const char         *alert);
gboolean          pano_report_dialog_set_category (PanoReportDialog *self,
                                                   const char       *category);
void              pano_report_dialog_send       (PanoReportDialog   *self);
const char       *pano_report_dialog_get_where  (PanoReportDialog   *self);
const char       *pano_report_dialog_get_title_text (PanoReportDialog *self);
const char       *pano_report_dialog_get_result (PanoReportDialog   *self);

G_END_DECLS
