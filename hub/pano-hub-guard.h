// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libsoup/soup.h>

#include "pano-hub-config.h"
#include "pano-hub-db.h"

G_BEGIN_DECLS

/* The largest request body the hub reads (docs/protocol.md, section 4). */
#define PANO_HUB_MAX_BODY (16 * 1024 * 1024)

/* The role a request needs, by method and path: PANO_HUB_ROLE_NONE for the public endpoints
 * and for paths the router answers 404. */
typedef PanoHubRole (*PanoHubGuardRoleFunc) (const char *method,
                                             const char *path);

typedef enum
{
  PANO_HUB_GUARD_AUTH_FAILURES,    /* unknown tokens (REST and stream hellos) */
  PANO_HUB_GUARD_LOCKOUTS,         /* addresses locked out */
  PANO_HUB_GUARD_LOCKED,           /* requests answered 429 */
  PANO_HUB_GUARD_BODIES_REFUSED,   /* bodies refused unread: 400, 413, 415 */
  PANO_HUB_GUARD_N_COUNTS,
} PanoHubGuardCount;

#define PANO_TYPE_HUB_GUARD (pano_hub_guard_get_type ())
G_DECLARE_FINAL_TYPE (PanoHubGuard, pano_hub_guard, PANO, HUB_GUARD, GObject)

PanoHubGuard       *pano_hub_guard_new            (PanoHubConfig        *config,
                                                   PanoHubDb            *db,
                                                   PanoHubGuardRoleFunc  role_func);
void                pano_hub_guard_attach         (PanoHubGuard         *self,
                                                   SoupServer           *server);
const PanoHubToken *pano_hub_guard_authorize      (PanoHubGuard         *self,
                                                   SoupServerMessage    *msg,
                                                   PanoHubRole           needed);
void                pano_hub_guard_record_failure (PanoHubGuard         *self,
                                                   const char           *address);
guint               pano_hub_guard_locked_for     (PanoHubGuard         *self,
                                                   const char           *address);
guint64             pano_hub_guard_get_count      (PanoHubGuard         *self,
                                                   PanoHubGuardCount     count);

G_END_DECLS
