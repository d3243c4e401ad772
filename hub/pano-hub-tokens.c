// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-tokens"

#include "pano-hub-tokens.h"

/* A hash table keyed by the token itself would compare the presented token with a stored one
 * byte by byte and stop at the first difference — a timing signal — and would keep every
 * token in clear in memory. Here only digests are kept, and a lookup hashes the presented token
 * once and then compares it with every digest, every byte, whatever matched. */

struct _PanoHubTokens
{
  GPtrArray *entries;   /* PanoHubToken */
};

static void
token_free (gpointer data)
{
  PanoHubToken *token = data;

  g_free (token->name);
  g_free (token);
}

PanoHubTokens *
pano_hub_tokens_new (void)
{
  PanoHubTokens *self = g_new0 (PanoHubTokens, 1);

  self->entries = g_ptr_array_new_with_free_func (token_free);
  return self;
}

void
pano_hub_tokens_free (PanoHubTokens *self)
{
  g_ptr_array_unref (self->entries);
  g_free (self);
}

static void
digest_of (const char *token,
           guint8     *digest)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize length = PANO_HUB_TOKEN_DIGEST_LEN;

  g_checksum_update (checksum, (const guchar *) token, strlen (token));
  g_checksum_get_digest (checksum, digest, &length);
}

/* A later entry of the same name replaces an earlier one, as a later key of a GKeyFile does. */
static PanoHubToken *
entry_for (PanoHubTokens *self,
           const char    *name,
           PanoHubRole    role)
{
  PanoHubToken *entry = g_new0 (PanoHubToken, 1);

  for (guint i = 0; i < self->entries->len; i++)
    if (g_str_equal (((PanoHubToken *) self->entries->pdata[i])->name, name))
      {
        g_ptr_array_remove_index (self->entries, i);
        break;
      }
  entry->name = g_strdup (name);
  entry->role = role;
  g_ptr_array_add (self->entries, entry);
  return entry;
}

void
pano_hub_tokens_add (PanoHubTokens *self,
                     const char    *token,
                     const char    *name,
                     PanoHubRole    role)
{
  digest_of (token, entry_for (self, name, role)->digest);
}

/* @hex: 64 hexadecimal digits, the SHA-256 of the token (`sha256sum` of it without a newline)
 * Returns: FALSE when @hex is not that */
gboolean
pano_hub_tokens_add_digest (PanoHubTokens *self,
                            const char    *hex,
                            const char    *name,
                            PanoHubRole    role)
{
  guint8 digest[PANO_HUB_TOKEN_DIGEST_LEN];

  if (strlen (hex) != 2 * PANO_HUB_TOKEN_DIGEST_LEN)
    return FALSE;
  for (guint i = 0; i < PANO_HUB_TOKEN_DIGEST_LEN; i++)
    {
      int high = g_ascii_xdigit_value (hex[2 * i]), low = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (high < 0 || low < 0)
        return FALSE;
      digest[i] = high << 4 | low;
    }
  memcpy (entry_for (self, name, role)->digest, digest, sizeof digest);
  return TRUE;
}

/* Every byte of both, whatever the first difference. */
static gboolean
digests_equal (const guint8 *a,
               const guint8 *b)
{
  guint8 difference = 0;

  for (guint i = 0; i < PANO_HUB_TOKEN_DIGEST_LEN; i++)
    difference |= a[i] ^ b[i];
  return difference == 0;
}

/* Returns: (nullable): the entry of @token, or %NULL when it is unknown or %NULL */
const PanoHubToken *
pano_hub_tokens_lookup (PanoHubTokens *self,
                        const char    *token)
{
  guint8 digest[PANO_HUB_TOKEN_DIGEST_LEN];
  const PanoHubToken *found = NULL;

  if (token == NULL)
    return NULL;
  digest_of (token, digest);
  for (guint i = 0; i < self->entries->len; i++)
    {
      const PanoHubToken *entry = self->entries->pdata[i];

      if (digests_equal (entry->digest, digest) && found == NULL)
        found = entry;
    }
  return found;
}

guint
pano_hub_tokens_get_n (PanoHubTokens *self)
{
  return self->entries->len;
}
