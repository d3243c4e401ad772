// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The wire codec of protocol v1 (docs/protocol.md), shared by the hub and its clients. */

#define PANO_PROTOCOL_VERSION 1

typedef enum
{
  PANO_LAYER_TRAFFIC,
  PANO_LAYER_ENVIRONMENT,
  PANO_LAYER_RESOURCES,
  PANO_LAYER_EVENTS,
  PANO_LAYER_INCIDENTS,
  PANO_LAYER_GRID,
  PANO_LAYER_ALERTS,
  PANO_N_LAYERS,
} PanoLayerId;

/* WebSocket close codes of section 3.3. */
typedef enum
{
  PANO_CLOSE_HEARTBEAT_TIMEOUT = 4000,
  PANO_CLOSE_UNAUTHORIZED = 4001,
  PANO_CLOSE_BAD_PROTOCOL = 4002,
  PANO_CLOSE_SLOW_CONSUMER = 4008,
  PANO_CLOSE_RATE_LIMITED = 4029,
} PanoCloseCode;

#define PANO_PROTOCOL_ERROR (pano_protocol_error_quark ())

/* The `code` of an `error` frame; pano_protocol_error_code_name() gives its wire name. */
typedef enum
{
  PANO_PROTOCOL_ERROR_BAD_JSON,
  PANO_PROTOCOL_ERROR_BAD_FRAME,
  PANO_PROTOCOL_ERROR_UNKNOWN_TYPE,
  PANO_PROTOCOL_ERROR_NOT_AUTHENTICATED,
  PANO_PROTOCOL_ERROR_BAD_PROTOCOL,
  PANO_PROTOCOL_ERROR_UNAUTHORIZED,
  PANO_PROTOCOL_ERROR_UNKNOWN_LAYER,
  PANO_PROTOCOL_ERROR_RATE_LIMITED,
} PanoProtocolError;

GQuark       pano_protocol_error_quark      (void);
const char  *pano_protocol_error_code_name  (PanoProtocolError code);

const char  *pano_layer_name                (PanoLayerId  layer);
gboolean     pano_layer_from_name           (const char  *name,
                                             PanoLayerId *layer);

char        *pano_protocol_format_time      (gint64       unix_us);
void         pano_protocol_append_time      (GString     *out,
                                             gint64       unix_us);

JsonObject  *pano_protocol_parse_frame      (const char  *data,
                                             gsize        length,
                                             const char **type,
                                             GError     **error);
char        *pano_protocol_error_frame      (const GError *error,
                                             const char   *ref);
char        *pano_protocol_heartbeat_frame  (gint64       unix_us);
char        *pano_protocol_to_string        (JsonNode    *node);
void         pano_protocol_append_quoted    (GString     *out,
                                             const char  *text);

G_END_DECLS
