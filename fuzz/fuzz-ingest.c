// SPDX-License-Identifier: GPL-3.0-or-later
/* hub/pano-hub-ingest.c: a POST /v1/ingest body, as any client with an ingest token may send
 * it. Every feature it accepts goes to the store and out to every subscriber as the text it
 * was given, so what it passes on must still be JSON. */
#define G_LOG_DOMAIN "panorama-fuzz"

#include "pano-fuzz.h"
#include "pano-hub-ingest.h"
#include "pano-json.h"
#include "pano-protocol.h"

#include <math.h>

static void
check_json_object (const char *text)
{
  g_autoptr(GError) error = NULL;
  PanoJsonSpan value;

  if (text == NULL)
    return;
  if (!pano_json_check (text, strlen (text), &value, &error))
    g_error ("passed on as JSON but is not: %s: %s", error->message, text);
  g_assert_true (pano_json_is_object (value));
}

static void
check_item (const PanoHubIngestItem *item)
{
  g_assert_nonnull (item->id);
  g_assert_cmpint (item->id[0], !=, '\0');
  check_json_object (item->geometry);
  check_json_object (item->properties);
  if (item->has_bbox)
    {
      g_assert_nonnull (item->geometry);
      g_assert_true (item->bbox[0] <= item->bbox[2] && item->bbox[1] <= item->bbox[3]);
    }
  /* Bounded as docs/protocol.md says (issue 9 item 7): never an overflowed time. */
  g_assert_cmpint (item->stale_us, >=, 0);
  g_assert_cmpint (item->stale_us, <=, (gint64) PANO_HUB_INGEST_MAX_STALE_S * G_USEC_PER_SEC);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  pano_fuzz_init_logging ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *body = g_memdup2 (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) items = pano_hub_ingest_read (body, size, &error);

  if (items == NULL)
    {
      g_assert_error (error, PANO_PROTOCOL_ERROR, error->code);
      return 0;
    }
  for (guint i = 0; i < items->len; i++)
    check_item (&g_array_index (items, PanoHubIngestItem, i));
  return 0;
}
