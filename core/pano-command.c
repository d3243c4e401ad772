// SPDX-License-Identifier: GPL-3.0-or-later
/* One operator action on its way to the hub. The key is drawn once, when the operator acts;
 * every resend after a lost answer or a reconnect carries the same key, so the hub applies it
 * once and answers the resends from what it stored (docs/protocol.md section 5). */
#define G_LOG_DOMAIN "panorama-command"

#include "pano-command.h"
#include "pano-json-object.h"

struct _PanoCommand
{
  GObject parent_instance;

  char *name;
  char *incident;
  char *key;
  JsonObject *body;
  PanoCommandState state;
  guint status;
  char *error_code;
  char *message;
  JsonObject *answer;
  guint attempts;
  gboolean replayed;
  gboolean waiting;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_WAITING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PanoCommand, pano_command, G_TYPE_OBJECT)

static void
pano_command_finalize (GObject *object)
{
  PanoCommand *self = PANO_COMMAND (object);

  g_free (self->name);
  g_free (self->incident);
  g_free (self->key);
  json_object_unref (self->body);
  g_free (self->error_code);
  g_free (self->message);
  g_clear_pointer (&self->answer, json_object_unref);
  G_OBJECT_CLASS (pano_command_parent_class)->finalize (object);
}

static void
pano_command_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  PanoCommand *self = PANO_COMMAND (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_WAITING:
      g_value_set_boolean (value, self->waiting);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pano_command_class_init (PanoCommandClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pano_command_finalize;
  object_class->get_property = pano_command_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, PANO_COMMAND_PENDING, PANO_COMMAND_REFUSED,
                      PANO_COMMAND_PENDING,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WAITING] =
    g_param_spec_boolean ("waiting", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pano_command_init (PanoCommand *self)
{
  self->body = json_object_new ();
  self->key = g_uuid_string_random ();
}

/**
 * pano_command_new:
 * @incident: (nullable): the incident it acts on
 * @version: the incident version the operator saw, or -1 to act whatever the version
 *
 * Returns: (transfer full): a command with a fresh Idempotency-Key
 */
PanoCommand *
pano_command_new (const char *name,
                  const char *incident,
                  gint64      version)
{
  PanoCommand *self = g_object_new (PANO_TYPE_COMMAND, NULL);

  self->name = g_strdup (name);
  self->incident = g_strdup (incident);
  json_object_set_string_member (self->body, "command", name);
  if (incident != NULL)
    json_object_set_string_member (self->body, "incident", incident);
  if (version >= 0)
    json_object_set_int_member (self->body, "version", version);
  return self;
}

void
pano_command_set_string (PanoCommand *self,
                         const char  *member,
                         const char  *value)
{
  json_object_set_string_member (self->body, member, value);
}

void
pano_command_set_int (PanoCommand *self,
                      const char  *member,
                      gint64       value)
{
  json_object_set_int_member (self->body, member, value);
}

void
pano_command_set_double_pair (PanoCommand *self,
                              const char  *member,
                              double       first,
                              double       second)
{
  JsonArray *pair = json_array_new ();

  json_array_add_double_element (pair, first);
  json_array_add_double_element (pair, second);
  json_object_set_array_member (self->body, member, pair);
}

void
pano_command_set_strv (PanoCommand        *self,
                       const char         *member,
                       const char * const *values)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; values && values[i]; i++)
    json_array_add_string_element (array, values[i]);
  json_object_set_array_member (self->body, member, array);
}

const char *
pano_command_get_name (PanoCommand *self)
{
  return self->name;
}

/* Returns: (nullable): the incident the command acts on */
const char *
pano_command_get_incident (PanoCommand *self)
{
  return self->incident;
}

const char *
pano_command_get_key (PanoCommand *self)
{
  return self->key;
}

/* Returns: (transfer full): the request body; the same text on every attempt */
char *
pano_command_dup_body (PanoCommand *self)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), self->body);

  return json_to_string (node, FALSE);
}

PanoCommandState
pano_command_get_state (PanoCommand *self)
{
  return self->state;
}

/* Returns: the HTTP status of the answer, 0 while there is none */
guint
pano_command_get_status (PanoCommand *self)
{
  return self->status;
}

/* Returns: (nullable): the hub's error code of a refusal, e.g. "version_conflict" */
const char *
pano_command_get_error_code (PanoCommand *self)
{
  return self->error_code;
}

/* Returns: (nullable): the hub's words for a refusal, or why the command waits to be resent */
const char *
pano_command_get_message (PanoCommand *self)
{
  return self->message;
}

/* Returns: (nullable) (transfer none): the hub's answer, once there is one */
JsonObject *
pano_command_get_answer (PanoCommand *self)
{
  return self->answer;
}

guint
pano_command_get_attempts (PanoCommand *self)
{
  return self->attempts;
}

/* Returns: whether the answer was the hub's stored one for an earlier attempt */
gboolean
pano_command_get_replayed (PanoCommand *self)
{
  return self->replayed;
}

/* Returns: whether the last attempt got no answer and the command waits to be resent */
gboolean
pano_command_get_waiting (PanoCommand *self)
{
  return self->waiting;
}

static void
set_waiting_flag (PanoCommand *self,
                  gboolean     waiting)
{
  if (self->waiting == waiting)
    return;
  self->waiting = waiting;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING]);
}

void
pano_command_begin_attempt (PanoCommand *self)
{
  g_return_if_fail (self->state == PANO_COMMAND_PENDING);
  self->attempts++;
}

/* The attempt got no answer (@why: the network's words); the command will be sent again. */
void
pano_command_set_waiting (PanoCommand *self,
                          const char  *why)
{
  g_free (self->message);
  self->message = g_strdup (why);
  set_waiting_flag (self, TRUE);
}

/**
 * pano_command_finish:
 * @answer: (nullable): the answer's JSON object
 *
 * The hub answered: a 2xx accepts the command, anything else refuses it for good.
 */
void
pano_command_finish (PanoCommand *self,
                     guint        status,
                     JsonObject  *answer,
                     gboolean     replayed)
{
  g_return_if_fail (self->state == PANO_COMMAND_PENDING);

  self->status = status;
  self->replayed = replayed;
  g_clear_pointer (&self->answer, json_object_unref);
  self->answer = answer ? json_object_ref (answer) : NULL;
  g_free (self->error_code);
  g_free (self->message);
  if (status >= 300)
    {
      self->error_code = g_strdup (pano_json_object_get_string (answer, "error"));
      self->message = g_strdup (pano_json_object_get_string (answer, "message"));
    }
  else
    self->error_code = self->message = NULL;
  self->state = status >= 200 && status < 300 ? PANO_COMMAND_ACCEPTED : PANO_COMMAND_REFUSED;
  set_waiting_flag (self, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}
