// SPDX-License-Identifier: GPL-3.0-or-later
/* core/pano-feed-frame.c: what the console's feed thread does with each frame the hub (or
 * anything that answers on its port) sends. A frame either decodes into entities the store can
 * take, or is refused with a protocol error; never a crash, never a CRITICAL. */
#define G_LOG_DOMAIN "panorama-fuzz"

#include "pano-feed-frame.h"
#include "pano-fuzz.h"
#include "pano-protocol.h"

#include <string.h>

static void
check_frame (const PanoFeedFrame *frame)
{
  g_assert_nonnull (frame->changes);
  if (frame->type == PANO_FEED_FRAME_SNAPSHOT || frame->type == PANO_FEED_FRAME_DELTA)
    g_assert_nonnull (frame->layer);
  for (guint i = 0; i < frame->changes->len; i++)
    {
      const PanoFeedChange *change = &g_array_index (frame->changes, PanoFeedChange, i);

      g_assert_nonnull (change->entity.id);
      g_assert_true ((change->entity.coords == NULL) == (change->entity.n_coords == 0));
      if (change->entity.properties != NULL)
        g_assert_cmpint (change->entity.properties[0], ==, '{');
      g_assert_cmpint (change->entity.updated_ms, <=, frame->newest_update_ms);
    }
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
  g_autofree char *text = g_memdup2 (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(PanoFeedFrame) frame = pano_feed_frame_decode (text, size, &error);

  if (frame == NULL)
    g_assert_error (error, PANO_PROTOCOL_ERROR, error->code);
  else
    check_frame (frame);

  /* Timestamps come from the hub as text: any short input is also one. */
  if (size < 64)
    {
      g_autofree char *time = g_strndup ((const char *) data, size);

      pano_feed_parse_time (time);
    }
  return 0;
}
