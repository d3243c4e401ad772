// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One operator action sent to the hub as a command (docs/protocol.md section 5): it gets one
 * Idempotency-Key when the operator acts, and keeps it through every resend until the hub
 * answers, so it is applied exactly once. */

typedef enum
{
  PANO_COMMAND_PENDING,    /* not answered yet: being sent, or waiting to be sent again */
  PANO_COMMAND_ACCEPTED,
  PANO_COMMAND_REFUSED,
} PanoCommandState;

#define PANO_TYPE_COMMAND (pano_command_get_type ())
G_DECLARE_FINAL_TYPE (PanoCommand, pano_command, PANO, COMMAND, GObject)

PanoCommand      *pano_command_new            (const char   *name,
                                               const char   *incident,
                                               gint64        version);
void              pano_command_set_string     (PanoCommand  *self,
                                               const char   *member,
                                               const char   *value);
void              pano_command_set_int        (PanoCommand  *self,
                                               const char   *member,
                                               gint64        value);
void              pano_command_set_double_pair (PanoCommand *self,
                                                const char  *member,
                                                double       first,
                                                double       second);
void              pano_command_set_strv       (PanoCommand  *self,
                                               const char   *member,
                                               const char * const *values);
const char       *pano_command_get_name       (PanoCommand  *self);
const char       *pano_command_get_incident   (PanoCommand  *self);
const char       *pano_command_get_key        (PanoCommand  *self);
char             *pano_command_dup_body       (PanoCommand  *self);
PanoCommandState  pano_command_get_state      (PanoCommand  *self);
guint             pano_command_get_status     (PanoCommand  *self);
const char       *pano_command_get_error_code (PanoCommand  *self);
const char       *pano_command_get_message   (PanoCommand  *self);
JsonObject       *pano_command_get_answer     (PanoCommand  *self);
guint             pano_command_get_attempts   (PanoCommand  *self);
gboolean          pano_command_get_replayed   (PanoCommand  *self);
gboolean          pano_command_get_waiting    (PanoCommand  *self);

/* For the hub client: what became of an attempt. */
void              pano_command_begin_attempt  (PanoCommand  *self);
void              pano_command_set_waiting    (PanoCommand  *self,
                                               const char   *why);
void              pano_command_finish         (PanoCommand  *self,
                                               guint         status,
                                               JsonObject   *answer,
                                               gboolean      replayed);

G_END_DECLS
