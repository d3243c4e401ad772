// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PANO_TYPE_AUDIT_ENTRY (pano_audit_entry_get_type ())
G_DECLARE_FINAL_TYPE (PanoAuditEntry, pano_audit_entry, PANO, AUDIT_ENTRY, GObject)

PanoAuditEntry *pano_audit_entry_new_from_json (JsonObject     *object);
gint64          pano_audit_entry_get_id        (PanoAuditEntry *self);
gint64          pano_audit_entry_get_at_ms     (PanoAuditEntry *self);
const char     *pano_audit_entry_get_actor     (PanoAuditEntry *self);
const char     *pano_audit_entry_get_role      (PanoAuditEntry *self);
const char     *pano_audit_entry_get_action    (PanoAuditEntry *self);
const char     *pano_audit_entry_get_target    (PanoAuditEntry *self);
const char     *pano_audit_entry_get_outcome   (PanoAuditEntry *self);
guint           pano_audit_entry_get_status    (PanoAuditEntry *self);
const char     *pano_audit_entry_get_reason    (PanoAuditEntry *self);

G_END_DECLS
