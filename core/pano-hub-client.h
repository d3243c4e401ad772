// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pano-command.h"

G_BEGIN_DECLS

#define PANO_HUB_CLIENT_ERROR (pano_hub_client_error_quark ())

/* Why a request to the hub's REST endpoints failed. */
typedef enum
{
  PANO_HUB_CLIENT_ERROR_UNREACHABLE,   /* no HTTP answer: refused, reset, timed out */
  PANO_HUB_CLIENT_ERROR_UNAUTHORIZED,  /* 401 */
  PANO_HUB_CLIENT_ERROR_FORBIDDEN,     /* 403: the token's role may not do this */
  PANO_HUB_CLIENT_ERROR_NOT_FOUND,     /* 404 */
  PANO_HUB_CLIENT_ERROR_REFUSED,       /* any other 4xx */
  PANO_HUB_CLIENT_ERROR_SERVER,        /* 5xx */
  PANO_HUB_CLIENT_ERROR_BAD_ANSWER,    /* not the JSON the protocol promises */
} PanoHubClientError;

#define PANO_TYPE_HUB_CLIENT (pano_hub_client_get_type ())
G_DECLARE_FINAL_TYPE (PanoHubClient, pano_hub_client, PANO, HUB_CLIENT, GObject)

GQuark          pano_hub_client_error_quark   (void);
PanoHubClient  *pano_hub_client_new           (const char          *url,
                                               const char          *token);
const char     *pano_hub_client_get_url       (PanoHubClient       *self);
void            pano_hub_client_set_tls_database (PanoHubClient    *self,
                                                  GTlsDatabase     *database);
void            pano_hub_client_get_async     (PanoHubClient       *self,
                                               const char          *path_and_query,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
JsonObject     *pano_hub_client_get_finish    (PanoHubClient       *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void            pano_hub_client_submit        (PanoHubClient       *self,
                                               PanoCommand         *command);
void            pano_hub_client_retry_now     (PanoHubClient       *self);
guint           pano_hub_client_get_n_pending (PanoHubClient       *self);

G_END_DECLS
