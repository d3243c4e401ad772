// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "pano-hub-client.h"

G_BEGIN_DECLS

#define PANO_TYPE_AUDIT_WINDOW (pano_audit_window_get_type ())
G_DECLARE_FINAL_TYPE (PanoAuditWindow, pano_audit_window, PANO, AUDIT_WINDOW, AdwWindow)

GtkWidget  *pano_audit_window_new           (GtkWindow       *parent,
                                             PanoHubClient   *client);
void        pano_audit_window_set_filters   (PanoAuditWindow *self,
                                             const char      *actor,
                                             const char      *incident,
                                             const char      *from,
                                             const char      *to);
void        pano_audit_window_search        (PanoAuditWindow *self);
void        pano_audit_window_load_more     (PanoAuditWindow *self);
void        pano_audit_window_set_text_filter (PanoAuditWindow *self,
                                               const char      *text);
void        pano_audit_window_set_page_size (PanoAuditWindow *self,
                                             guint            entries);

/* What it shows, for tests and pictures. */
GListModel *pano_audit_window_get_rows      (PanoAuditWindow *self);
char       *pano_audit_window_dup_row_text  (PanoAuditWindow *self,
                                             guint            position);
gboolean    pano_audit_window_has_more      (PanoAuditWindow *self);
gboolean    pano_audit_window_is_loading    (PanoAuditWindow *self);
guint       pano_audit_window_get_n_loads   (PanoAuditWindow *self);
const char *pano_audit_window_get_message   (PanoAuditWindow *self);
const char *pano_audit_window_get_page      (PanoAuditWindow *self);

G_END_DECLS
