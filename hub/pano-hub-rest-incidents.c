// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-rest"

#include "pano-hub-incidents-private.h"
#include "pano-hub-kpis.h"
#include "pano-hub-rest.h"

#define INCIDENTS_PREFIX "/v1/incidents/"

void
pano_hub_rest_reply (SoupServerMessage *msg,
                     guint              status,
                     char              *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body,
                                    strlen (body));
}

void
pano_hub_rest_reply_error (SoupServerMessage *msg,
                           guint              status,
                           const char        *code,
                           const char        *message)
{
  g_autoptr(GString) body = g_string_new ("{\"error\":");

  pano_protocol_append_quoted (body, code);
  g_string_append (body, ",\"message\":");
  pano_protocol_append_quoted (body, message);
  g_string_append_c (body, '}');
  pano_hub_rest_reply (msg, status, g_string_free (g_steal_pointer (&body), FALSE));
}

static void
handle_categories (PanoHubIncidents  *self,
                   SoupServerMessage *msg)
{
  GPtrArray *capabilities = self->settings->capabilities;
  g_autoptr(GString) body = g_string_new ("{\"categories\":[");

  for (guint i = 0; i < capabilities->len; i++)
    {
      const PanoHubCapability *capability = capabilities->pdata[i];

      g_string_append (body, i ? ",{\"name\":" : "{\"name\":");
      pano_protocol_append_quoted (body, capability->category);
      g_string_append (body, ",\"unit_kinds\":[");
      for (guint k = 0; capability->unit_kinds[k] != NULL; k++)
        {
          if (k > 0)
            g_string_append_c (body, ',');
          pano_protocol_append_quoted (body, capability->unit_kinds[k]);
        }
      g_string_append (body, "]}");
    }
  g_string_append (body, "]}");
  pano_hub_rest_reply (msg, 200, g_string_free (g_steal_pointer (&body), FALSE));
}

static void
reply_storage (SoupServerMessage *msg,
               const GError      *error)
{
  g_warning ("%s", error->message);
  pano_hub_rest_reply_error (msg, 500, "storage", error->message);
}

static void
handle_incident (PanoHubIncidents  *self,
                 SoupServerMessage *msg,
                 const char        *id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = pano_hub_incidents_dup_json (self, id, &error);
  g_autofree char *message = NULL;

  if (json != NULL)
    pano_hub_rest_reply (msg, 200, g_strdup_printf ("{\"incident\":%s}", json));
  else if (error != NULL)
    reply_storage (msg, error);
  else
    {
      message = g_strdup_printf ("Incident '%s' does not exist", id);
      pano_hub_rest_reply_error (msg, 404, "unknown_incident", message);
    }
}

static void
handle_timeline (PanoHubIncidents  *self,
                 SoupServerMessage *msg,
                 const char        *id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *incident = pano_hub_incidents_dup_json (self, id, &error);
  g_autofree char *entries = NULL;
  g_autoptr(GString) body = NULL;

  if (incident == NULL)
    {
      handle_incident (self, msg, id);
      return;
    }
  if ((entries = pano_hub_db_timeline (self->db, id, &error)) == NULL)
    {
      reply_storage (msg, error);
      return;
    }
  body = g_string_new ("{\"incident\":");
  pano_protocol_append_quoted (body, id);
  g_string_append_printf (body, ",\"entries\":%s}", entries);
  pano_hub_rest_reply (msg, 200, g_string_free (g_steal_pointer (&body), FALSE));
}

/* A time in a query: RFC 3339 or integer milliseconds since 1970. */
static gboolean
parse_time (GHashTable *query,
            const char *name,
            gint64      fallback,
            gint64     *ms)
{
  const char *text = query ? g_hash_table_lookup (query, name) : NULL;
  g_autoptr(GDateTime) at = NULL;
  gint64 value;

  if (text == NULL || *text == '\0')
    {
      *ms = fallback;
      return TRUE;
    }
  if (g_ascii_string_to_signed (text, 10, 0, G_MAXINT64 / 1000, &value, NULL))
    {
      *ms = value;
      return TRUE;
    }
  if ((at = g_date_time_new_from_iso8601 (text, NULL)) == NULL)
    return FALSE;
  *ms = g_date_time_to_unix (at) * 1000 + g_date_time_get_microsecond (at) / 1000;
  return TRUE;
}

static void
handle_kpis (PanoHubIncidents  *self,
             SoupServerMessage *msg,
             GHashTable        *query)
{
  const char *scope = query ? g_hash_table_lookup (query, "scope") : NULL;
  gint64 now = g_get_real_time () / 1000;
  PanoHubKpiQuery q = { scope ? scope : "", 0, 0, now };
  PanoHubKpiCounts counts;
  g_autoptr(GError) error = NULL;

  if (!parse_time (query, "to", now, &q.to_ms) ||
      !parse_time (query, "from", q.to_ms - 24 * 3600 * 1000, &q.from_ms) ||
      q.from_ms > q.to_ms)
    {
      pano_hub_rest_reply_error (msg, 400, "bad_request",
                                 "'from' and 'to' must be RFC 3339 times or integer "
                                 "milliseconds, with from <= to");
      return;
    }
  if (!pano_hub_db_kpi_query (self->db, &q, &counts, &error))
    reply_storage (msg, error);
  else
    pano_hub_rest_reply (msg, 200, pano_hub_kpis_to_json (&q, &counts));
}

static void
handle_audit (PanoHubIncidents  *self,
              SoupServerMessage *msg,
              GHashTable        *query)
{
  const char *limit = query ? g_hash_table_lookup (query, "limit") : NULL;
  const char *before = query ? g_hash_table_lookup (query, "before") : NULL;
  PanoHubAuditQuery q = { NULL, NULL, 0, 0, 0, 100 };
  g_autoptr(GError) error = NULL;
  guint64 n = 100, id = 0;
  char *body;

  q.actor = query ? g_hash_table_lookup (query, "actor") : NULL;
  q.incident = query ? g_hash_table_lookup (query, "incident") : NULL;
  if ((limit != NULL && !g_ascii_string_to_unsigned (limit, 10, 1, 1000, &n, NULL)) ||
      (before != NULL && !g_ascii_string_to_unsigned (before, 10, 1, G_MAXINT64, &id, NULL)) ||
      !parse_time (query, "from", 0, &q.from_ms) || !parse_time (query, "to", 0, &q.to_ms))
    {
      pano_hub_rest_reply_error (msg, 400, "bad_request",
                                 "limit must be 1-1000, before an entry id, from/to RFC 3339 "
                                 "times or integer milliseconds");
      return;
    }
  q.limit = n;
  q.before_id = id;
  if ((body = pano_hub_db_audit_page (self->db, &q, &error)) == NULL)
    reply_storage (msg, error);
  else
    pano_hub_rest_reply (msg, 200, body);
}

/* Returns: the incident id of /v1/incidents/{id}[/timeline], or %NULL */
static char *
incident_id (const char *path,
             gboolean   *timeline)
{
  const char *rest = g_str_has_prefix (path, INCIDENTS_PREFIX) ?
                     path + strlen (INCIDENTS_PREFIX) : NULL;
  const char *slash = rest ? strchr (rest, '/') : NULL;

  if (rest == NULL || *rest == '\0' || rest == slash)
    return NULL;
  *timeline = slash != NULL;
  if (slash != NULL && !g_str_equal (slash, "/timeline"))
    return NULL;
  return slash ? g_strndup (rest, slash - rest) : g_strdup (rest);
}

/* Returns: %TRUE if @path is one of this file's endpoints; @needed is the role it takes. */
gboolean
pano_hub_rest_incidents_serves (const char  *path,
                                PanoHubRole *needed)
{
  g_autofree char *id = NULL;
  gboolean timeline;

  *needed = g_str_equal (path, "/v1/audit") ? PANO_HUB_ROLE_ADMIN : PANO_HUB_ROLE_VIEWER;
  if (g_str_equal (path, "/v1/categories") || g_str_equal (path, "/v1/kpis") ||
      g_str_equal (path, "/v1/audit"))
    return TRUE;
  id = incident_id (path, &timeline);
  return id != NULL;
}

void
pano_hub_rest_incidents_route (PanoHubIncidents  *incidents,
                               SoupServerMessage *msg,
                               const char        *path,
                               GHashTable        *query)
{
  g_autofree char *id = NULL;
  gboolean timeline = FALSE;

  if (g_str_equal (path, "/v1/categories"))
    handle_categories (incidents, msg);
  else if (g_str_equal (path, "/v1/kpis"))
    handle_kpis (incidents, msg, query);
  else if (g_str_equal (path, "/v1/audit"))
    handle_audit (incidents, msg, query);
  else if ((id = incident_id (path, &timeline)) != NULL && timeline)
    handle_timeline (incidents, msg, id);
  else if (id != NULL)
    handle_incident (incidents, msg, id);
  else
    pano_hub_rest_reply_error (msg, 404, "not_found",
                               "No such endpoint; see docs/protocol.md section 4");
}
