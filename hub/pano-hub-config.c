// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-config"

#include "pano-hub-capabilities.h"
#include "pano-hub-config.h"
#include "pano-hub-overview.h"

struct _PanoHubConfig
{
  GObject parent_instance;
  PanoHubSettings settings;
  PanoHubTokens *tokens;
};

G_DEFINE_FINAL_TYPE (PanoHubConfig, pano_hub_config, G_TYPE_OBJECT)
G_DEFINE_QUARK (pano-hub-config-error-quark, pano_hub_config_error)

static const char * const role_names[] = { "none", "viewer", "dispatcher", "admin" };

const char *
pano_hub_role_name (PanoHubRole role)
{
  return role_names[role];
}

static void
pano_hub_config_finalize (GObject *object)
{
  PanoHubConfig *self = PANO_HUB_CONFIG (object);

  g_free (self->settings.host);
  g_free (self->settings.database);
  g_free (self->settings.city);
  g_free (self->settings.roads);
  g_free (self->settings.tls_certificate);
  g_free (self->settings.tls_key);
  g_clear_pointer (&self->settings.capabilities, g_ptr_array_unref);
  pano_hub_tokens_free (self->tokens);
  G_OBJECT_CLASS (pano_hub_config_parent_class)->finalize (object);
}

static void
pano_hub_config_class_init (PanoHubConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pano_hub_config_finalize;
}

static void
pano_hub_config_init (PanoHubConfig *self)
{
  PanoHubSettings *s = &self->settings;

  self->tokens = pano_hub_tokens_new ();
  s->host = g_strdup ("127.0.0.1");
  s->port = 7878;
  s->database = g_strdup ("panorama-hub.db");
  s->window = 10000;
  s->queue_limit = 4096;
  s->coalesce_limit = 100000;
  s->heartbeat_interval_ms = 10000;
  s->heartbeat_timeout_ms = 30000;
  s->max_frame_in = 65536;
  s->max_frame_out = 1048576;
  s->overdue_check_ms = 1000;
  s->incident_live_hours = 24;
  s->auth_failures = 10;
  s->auth_window_s = 60;
  s->auth_lockout_s = 300;
  s->manual_share = 0.5;
  s->history_days = 7;
  s->history_max_mb = 20480;
  s->history_keyframe_s = 600;
  for (guint i = 0; i < PANO_INCIDENT_N_STATUS; i++)
    s->stage_limit_s[i] = pano_incident_default_limit_s (i);
  s->capabilities = pano_hub_capabilities_new_default ();
  s->sample_s = 60;
  pano_hub_overview_default_thresholds (s);
}

PanoHubConfig *
pano_hub_config_new (void)
{
  return g_object_new (PANO_TYPE_HUB_CONFIG, NULL);
}

PanoHubSettings *
pano_hub_config_get (PanoHubConfig *self)
{
  return &self->settings;
}

gboolean
pano_hub_config_set_listen (PanoHubConfig  *self,
                            const char     *listen,
                            GError        **error)
{
  const char *colon = strrchr (listen, ':');
  guint64 port;

  if (colon == NULL || colon == listen ||
      !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    {
      g_set_error (error, PANO_HUB_CONFIG_ERROR, PANO_HUB_CONFIG_ERROR_INVALID,
                   "Listen address '%s' is not HOST:PORT (for example 127.0.0.1:7878; "
                   "port 0 picks a free one)", listen);
      return FALSE;
    }
  g_free (self->settings.host);
  self->settings.host = g_strndup (listen, colon - listen);
  self->settings.port = port;
  return TRUE;
}

void
pano_hub_config_add_token (PanoHubConfig *self,
                           const char    *token,
                           const char    *name,
                           PanoHubRole    role)
{
  pano_hub_tokens_add (self->tokens, token, name, role);
}

const PanoHubToken *
pano_hub_config_lookup_token (PanoHubConfig *self,
                              const char    *token)
{
  return pano_hub_tokens_lookup (self->tokens, token);
}

guint
pano_hub_config_get_n_tokens (PanoHubConfig *self)
{
  return pano_hub_tokens_get_n (self->tokens);
}

/* Numbers that would break the hub (a zero timeout, a window of nothing) are refused at start
 * with the key named, rather than accepted and found out later. */
static const struct
{
  const char *group;
  const char *key;
  gsize offset;
  guint min;
  guint max;      /* 0: G_MAXUINT */
} uint_keys[] = {
  { "stream", "window", G_STRUCT_OFFSET (PanoHubSettings, window), 1 },
  { "stream", "queue-limit", G_STRUCT_OFFSET (PanoHubSettings, queue_limit), 1 },
  { "stream", "coalesce-limit", G_STRUCT_OFFSET (PanoHubSettings, coalesce_limit), 1 },
  { "stream", "heartbeat-interval-ms",
    G_STRUCT_OFFSET (PanoHubSettings, heartbeat_interval_ms), 10 },
  { "stream", "heartbeat-timeout-ms", G_STRUCT_OFFSET (PanoHubSettings, heartbeat_timeout_ms),
    1 },
  { "stream", "max-frame-in", G_STRUCT_OFFSET (PanoHubSettings, max_frame_in), 256 },
  { "stream", "max-frame-out", G_STRUCT_OFFSET (PanoHubSettings, max_frame_out), 16384 },
  { "stream", "send-buffer", G_STRUCT_OFFSET (PanoHubSettings, send_buffer), 0 },
  { "limits", "overdue-check-ms", G_STRUCT_OFFSET (PanoHubSettings, overdue_check_ms), 0 },
  { "limits", "incident-live-hours", G_STRUCT_OFFSET (PanoHubSettings, incident_live_hours), 1 },
  { "limits", "auth-failures", G_STRUCT_OFFSET (PanoHubSettings, auth_failures), 0 },
  { "limits", "auth-window-s", G_STRUCT_OFFSET (PanoHubSettings, auth_window_s), 1 },
  { "limits", "auth-lockout-s", G_STRUCT_OFFSET (PanoHubSettings, auth_lockout_s), 1 },
  { "history", "days", G_STRUCT_OFFSET (PanoHubSettings, history_days), 1, 3660 },
  { "history", "sample-s", G_STRUCT_OFFSET (PanoHubSettings, sample_s), 1, 86400 },
  { "history", "max-mb", G_STRUCT_OFFSET (PanoHubSettings, history_max_mb), 1 },
  /* a state read replays up to this much on the main loop */
  { "history", "keyframe-s", G_STRUCT_OFFSET (PanoHubSettings, history_keyframe_s), 1, 3600 },
  { "history", "retain-s", G_STRUCT_OFFSET (PanoHubSettings, history_retain_s), 0 },
};

static gboolean
read_uint (GKeyFile    *file,
           const char  *group,
           const char  *key,
           guint        min,
           guint        max,
           guint       *value,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = g_key_file_get_value (file, group, key, NULL);
  guint64 v;

  if (text == NULL)
    return TRUE;
  if (g_ascii_string_to_unsigned (g_strstrip (text), 10, min, max, &v, &local_error))
    {
      *value = (guint) v;
      return TRUE;
    }
  g_set_error (error, PANO_HUB_CONFIG_ERROR, PANO_HUB_CONFIG_ERROR_INVALID,
               "[%s] %s = %s is refused: it must be a whole number from %u to %u", group, key,
               text, min, max);
  return FALSE;
}

static gboolean
read_numbers (PanoHubSettings  *s,
              GKeyFile         *file,
              GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  double share;

  for (guint i = 0; i < G_N_ELEMENTS (uint_keys); i++)
    if (!read_uint (file, uint_keys[i].group, uint_keys[i].key, uint_keys[i].min,
                    uint_keys[i].max != 0 ? uint_keys[i].max : G_MAXUINT,
                    G_STRUCT_MEMBER_P (s, uint_keys[i].offset), error))
      return FALSE;
  for (guint i = 0; i < PANO_INCIDENT_N_STATUS; i++)
    if (!read_uint (file, "limits", pano_incident_status_name (i), 1, G_MAXUINT,
                    &s->stage_limit_s[i], error))
      return FALSE;
  if (s->heartbeat_timeout_ms < s->heartbeat_interval_ms)
    {
      g_set_error (error, PANO_HUB_CONFIG_ERROR, PANO_HUB_CONFIG_ERROR_INVALID,
                   "[stream] heartbeat-timeout-ms = %u is refused: it must be at least "
                   "heartbeat-interval-ms (%u), or every client is dropped",
                   s->heartbeat_timeout_ms, s->heartbeat_interval_ms);
      return FALSE;
    }
  if (!g_key_file_has_key (file, "simulator", "manual-share", NULL))
    return TRUE;
  share = g_key_file_get_double (file, "simulator", "manual-share", &local_error);
  return pano_hub_config_set_manual_share (s, local_error ? -1 : share, error);
}

/* [simulator] manual-share and --manual-share: 0 … 1. */
gboolean
pano_hub_config_set_manual_share (PanoHubSettings  *settings,
                                  double            share,
                                  GError          **error)
{
  if (share >= 0 && share <= 1)
    {
      settings->manual_share = share;
      return TRUE;
    }
  g_set_error_literal (error, PANO_HUB_CONFIG_ERROR, PANO_HUB_CONFIG_ERROR_INVALID,
                       "[simulator] manual-share (--manual-share) is refused: it must be a "
                       "number from 0 to 1");
  return FALSE;
}

static void
read_path (GKeyFile    *file,
           const char  *key,
           const char  *base,
           char       **value)
{
  g_autofree char *v = g_key_file_get_string (file, "hub", key, NULL);

  if (v == NULL || *v == '\0')
    return;
  g_free (*value);
  *value = g_path_is_absolute (v) ? g_steal_pointer (&v) : g_build_filename (base, v, NULL);
}

/* [tokens] NAME = ROLE:TOKEN or ROLE:sha256:HEX (the token's SHA-256, so the file need not
 * hold it in clear) — the name is what the audit log records. */
static gboolean
read_tokens (PanoHubConfig  *self,
             GKeyFile       *file,
             GError        **error)
{
  g_auto(GStrv) names = g_key_file_get_keys (file, "tokens", NULL, NULL);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *value = g_key_file_get_string (file, "tokens", names[i], NULL);
      char *colon = value ? strchr (value, ':') : NULL;
      PanoHubRole role = PANO_HUB_ROLE_NONE;

      if (colon != NULL)
        {
          *colon = '\0';
          for (guint r = PANO_HUB_ROLE_VIEWER; r <= PANO_HUB_ROLE_ADMIN; r++)
            if (g_str_equal (value, role_names[r]))
              role = r;
        }
      if (role == PANO_HUB_ROLE_NONE || colon[1] == '\0' ||
          (g_str_has_prefix (colon + 1, "sha256:") &&
           !pano_hub_tokens_add_digest (self->tokens, colon + 8, names[i], role)))
        {
          g_set_error (error, PANO_HUB_CONFIG_ERROR, PANO_HUB_CONFIG_ERROR_INVALID,
                       "[tokens] %s must be ROLE:TOKEN or ROLE:sha256:HEX (64 hexadecimal "
                       "digits) with ROLE viewer, dispatcher or admin", names[i]);
          return FALSE;
        }
      if (!g_str_has_prefix (colon + 1, "sha256:"))
        pano_hub_config_add_token (self, colon + 1, names[i], role);
    }
  return TRUE;
}

gboolean
pano_hub_config_load_file (PanoHubConfig  *self,
                           const char     *path,
                           GError        **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *base = g_path_get_dirname (path);
  g_autofree char *listen = NULL;
  PanoHubSettings *s = &self->settings;
  GPtrArray *capabilities;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, error))
    {
      g_prefix_error (error, "Cannot read configuration %s: ", path);
      return FALSE;
    }
  listen = g_key_file_get_string (file, "hub", "listen", NULL);
  if (listen != NULL && !pano_hub_config_set_listen (self, listen, error))
    return FALSE;
  read_path (file, "database", base, &s->database);
  read_path (file, "city", base, &s->city);
  read_path (file, "roads", base, &s->roads);
  read_path (file, "tls-certificate", base, &s->tls_certificate);
  read_path (file, "tls-key", base, &s->tls_key);
  if (!read_numbers (s, file, error) || !pano_hub_overview_read_thresholds (s, file, error))
    return FALSE;
  if ((capabilities = pano_hub_capabilities_read (file, error)) == NULL)
    return FALSE;
  g_ptr_array_unref (s->capabilities);
  s->capabilities = capabilities;
  return read_tokens (self, file, error);
}

/**
 * pano_hub_config_get_capabilities:
 *
 * Returns: (transfer none) (element-type PanoHubCapability): the [capabilities] table in
 * configuration order; its categories are the ones `create` accepts.
 */
GPtrArray *
pano_hub_config_get_capabilities (PanoHubConfig *self)
{
  return self->settings.capabilities;
}

/* Returns: (nullable): the row of @category, or %NULL if it is not a configured category. */
const PanoHubCapability *
pano_hub_settings_find_capability (const PanoHubSettings *settings,
                                   const char            *category)
{
  for (guint i = 0; category != NULL && i < settings->capabilities->len; i++)
    {
      const PanoHubCapability *capability = settings->capabilities->pdata[i];

      if (g_str_equal (capability->category, category))
        return capability;
    }
  return NULL;
}

/* Returns: "a, b, c": the categories, for messages that list them. */
char *
pano_hub_settings_dup_category_list (const PanoHubSettings *settings)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < settings->capabilities->len; i++)
    {
      const PanoHubCapability *capability = settings->capabilities->pdata[i];

      g_string_append_printf (text, "%s%s", i ? ", " : "", capability->category);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
