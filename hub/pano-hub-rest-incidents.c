// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-rest"

#include "pano-hub-incidents-private.h"
#include "pano-hub-rest.h"

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

/* Returns: %TRUE if @path is one of this file's endpoints; @needed is the role it takes. */
gboolean
pano_hub_rest_incidents_serves (const char  *path,
                                PanoHubRole *needed)
{
  *needed = PANO_HUB_ROLE_VIEWER;
  return g_str_equal (path, "/v1/categories");
}

void
pano_hub_rest_incidents_route (PanoHubIncidents  *incidents,
                               SoupServerMessage *msg,
                               const char        *path,
                               GHashTable        *query)
{
  if (g_str_equal (path, "/v1/categories"))
    handle_categories (incidents, msg);
  else
    pano_hub_rest_reply_error (msg, 404, "not_found",
                               "No such endpoint; see docs/protocol.md section 4");
}
