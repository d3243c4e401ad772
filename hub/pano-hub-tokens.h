// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  PANO_HUB_ROLE_NONE,
  PANO_HUB_ROLE_VIEWER,
  PANO_HUB_ROLE_DISPATCHER,
  PANO_HUB_ROLE_ADMIN,
} PanoHubRole;

#define PANO_HUB_TOKEN_DIGEST_LEN 32

typedef struct
{
  char *name;
  PanoHubRole role;
  guint8 digest[PANO_HUB_TOKEN_DIGEST_LEN];   /* SHA-256 of the token */
} PanoHubToken;

/* The configured tokens, kept only as SHA-256 digests: a token in the configuration may be
 * written in clear or as its digest, and a presented one is hashed and compared with every
 * digest in constant time. */
typedef struct _PanoHubTokens PanoHubTokens;

PanoHubTokens      *pano_hub_tokens_new        (void);
void                pano_hub_tokens_free       (PanoHubTokens *self);
void                pano_hub_tokens_add        (PanoHubTokens *self,
                                                const char    *token,
                                                const char    *name,
                                                PanoHubRole    role);
gboolean            pano_hub_tokens_add_digest (PanoHubTokens *self,
                                                const char    *hex,
                                                const char    *name,
                                                PanoHubRole    role);
const PanoHubToken *pano_hub_tokens_lookup     (PanoHubTokens *self,
                                                const char    *token);
guint               pano_hub_tokens_get_n      (PanoHubTokens *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PanoHubTokens, pano_hub_tokens_free)

G_END_DECLS
