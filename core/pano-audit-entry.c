// SPDX-License-Identifier: GPL-3.0-or-later
/* One line of the hub's audit trail (操作留痕) as `GET /v1/audit` answers it (docs/protocol.md
 * section 4): who did what to which target, when, and what came of it. Immutable. */
#define G_LOG_DOMAIN "panorama-core"

#include "pano-audit-entry.h"
#include "pano-json-object.h"

struct _PanoAuditEntry
{
  GObject parent_instance;

  gint64 id;
  gint64 at_ms;
  char *actor;
  char *role;
  char *action;
  char *target;
  char *outcome;
  guint status;
  char *reason;
};

G_DEFINE_FINAL_TYPE (PanoAuditEntry, pano_audit_entry, G_TYPE_OBJECT)

static void
pano_audit_entry_finalize (GObject *object)
{
  PanoAuditEntry *self = PANO_AUDIT_ENTRY (object);

  g_free (self->actor);
  g_free (self->role);
  g_free (self->action);
  g_free (self->target);
  g_free (self->outcome);
  g_free (self->reason);
  G_OBJECT_CLASS (pano_audit_entry_parent_class)->finalize (object);
}

static void
pano_audit_entry_class_init (PanoAuditEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pano_audit_entry_finalize;
}

static void
pano_audit_entry_init (PanoAuditEntry *self)
{
}

static gint64
integer (JsonObject *object,
         const char *member)
{
  JsonNode *node = json_object_get_member (object, member);
  GType type = node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : 0;

  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE ? json_node_get_int (node) : 0;
}

/**
 * pano_audit_entry_new_from_json:
 * @object: one of the answer's `entries`
 *
 * Returns: (transfer full): the entry; members that are absent or null read as %NULL or 0
 */
PanoAuditEntry *
pano_audit_entry_new_from_json (JsonObject *object)
{
  PanoAuditEntry *self = g_object_new (PANO_TYPE_AUDIT_ENTRY, NULL);
  g_autofree char *at = g_strdup (pano_json_object_get_string (object, "at"));
  g_autoptr(GDateTime) time = at ? g_date_time_new_from_iso8601 (at, NULL) : NULL;

  self->id = integer (object, "id");
  self->at_ms = time ? g_date_time_to_unix (time) * 1000 +
                       g_date_time_get_microsecond (time) / 1000 : 0;
  self->actor = g_strdup (pano_json_object_get_string (object, "actor"));
  self->role = g_strdup (pano_json_object_get_string (object, "role"));
  self->action = g_strdup (pano_json_object_get_string (object, "action"));
  self->target = g_strdup (pano_json_object_get_string (object, "target"));
  self->outcome = g_strdup (pano_json_object_get_string (object, "outcome"));
  self->status = (guint) integer (object, "status");
  self->reason = g_strdup (pano_json_object_get_string (object, "reason"));
  return self;
}

gint64
pano_audit_entry_get_id (PanoAuditEntry *self)
{
  return self->id;
}

/* Returns: when, in milliseconds since 1970; 0 if the hub gave no readable time */
gint64
pano_audit_entry_get_at_ms (PanoAuditEntry *self)
{
  return self->at_ms;
}

const char *
pano_audit_entry_get_actor (PanoAuditEntry *self)
{
  return self->actor;
}

const char *
pano_audit_entry_get_role (PanoAuditEntry *self)
{
  return self->role;
}

const char *
pano_audit_entry_get_action (PanoAuditEntry *self)
{
  return self->action;
}

const char *
pano_audit_entry_get_target (PanoAuditEntry *self)
{
  return self->target;
}

const char *
pano_audit_entry_get_outcome (PanoAuditEntry *self)
{
  return self->outcome;
}

/* Returns: the HTTP status the hub answered with */
guint
pano_audit_entry_get_status (PanoAuditEntry *self)
{
  return self->status;
}

const char *
pano_audit_entry_get_reason (PanoAuditEntry *self)
{
  return self->reason;
}
