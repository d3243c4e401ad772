// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "pano-test-hub.h"

G_BEGIN_DECLS

/* The hub process and REST are tests/pano-test-hub.[ch], shared with the console's tests; these
 * short names are kept for the hub's own tests. */
typedef PanoTestHub Hub;

typedef struct
{
  GMainContext *context;
  SoupSession *session;
  SoupWebsocketConnection *connection;
  GPtrArray *frames;     /* JsonObject, heartbeats left out */
  GArray *sizes;         /* gsize: each frame's length on the wire, as frames */
  guint cursor;
  guint heartbeats;
  gint64 first_heartbeat_ms;   /* the hub's time_ms in the first heartbeat, 0 before it */
  gboolean closed;
  gushort close_code;
  char *close_reason;
} Client;

Hub         *hub_start          (const char  *extra_config);
Hub         *hub_start_args     (const char  *extra_config,
                                 const char * const *args);
void         hub_restart        (Hub         *hub);
void         hub_kill9          (Hub         *hub);
void         hub_respawn        (Hub         *hub);
void         hub_stop           (Hub         *hub);
char        *hub_db_path        (Hub         *hub);
guint        hub_rest           (Hub         *hub,
                                 const char  *method,
                                 const char  *path,
                                 const char  *token,
                                 const char  *idempotency_key,
                                 const char  *body,
                                 JsonNode   **response,
                                 gboolean    *replayed);
char        *hub_metrics        (Hub         *hub);
guint64      hub_metric         (Hub         *hub,
                                 const char  *name);
void         hub_ingest_points  (Hub         *hub,
                                 const char  *layer,
                                 const char  *prefix,
                                 guint        first,
                                 guint        count,
                                 gint64       value);

Client      *client_connect     (Hub          *hub,
                                 GMainContext *context);
void         client_send        (Client       *client,
                                 const char   *json);
JsonObject  *client_next        (Client       *client,
                                 const char   *type);
char        *client_hello       (Client       *client,
                                 const char   *token);
void         client_wait_closed (Client       *client);
void         client_pump        (Client       *client);
void         client_free        (Client       *client);

typedef gboolean (*WaitFunc) (gpointer user_data);
void         wait_until         (GMainContext *context,
                                 WaitFunc      func,
                                 gpointer      user_data,
                                 const char   *what);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

G_END_DECLS
