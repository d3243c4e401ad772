// SPDX-License-Identifier: GPL-3.0-or-later
/* core/pano-json.c: the checker on any bytes, then every reader on what it accepted. The
 * readers trust checked text (they do no bounds checks of their own), so a checker that lets
 * one malformed value through shows here as an out-of-bounds read. */
#define G_LOG_DOMAIN "panorama-fuzz"

#include "pano-fuzz.h"
#include "pano-json.h"

#include <gio/gio.h>
#include <string.h>

static void
check_inside (PanoJsonSpan inner,
              PanoJsonSpan outer)
{
  g_assert_true (inner.start >= outer.start && inner.end <= outer.end && inner.start < inner.end);
}

static void
read_scalar (PanoJsonSpan value)
{
  g_autofree char *text = pano_json_dup_text (value);
  double number;
  gint64 integer;

  g_assert_cmpuint (strlen (text), ==, value.end - value.start);
  if (pano_json_is_string (value))
    {
      g_autofree char *decoded = pano_json_dup_string (value);

      /* Escapes decode to UTF-8 (a lone surrogate to U+FFFD), "\u0000" included. */
      g_assert_nonnull (decoded);
      g_assert_true (g_utf8_validate_len (decoded, strlen (decoded), NULL));
      /* Without escapes the text is the string itself. */
      g_assert_true (memchr (value.start, '\\', value.end - value.start) != NULL ||
                     pano_json_string_equals (value, decoded));
    }
  else if (pano_json_number (value, &number) && pano_json_int (value, &integer))
    g_assert_true (number == (double) integer || ABS (number) >= 9007199254740992.0);
}

static void
walk (PanoJsonSpan value,
      guint        depth)
{
  PanoJsonIter iter;
  PanoJsonSpan key, member, found;

  g_assert_cmpuint (depth, <=, PANO_JSON_MAX_DEPTH);
  if (!pano_json_is_object (value) && !pano_json_is_array (value))
    {
      read_scalar (value);
      return;
    }
  pano_json_iter_init (&iter, value);
  while (pano_json_iter_next (&iter, pano_json_is_object (value) ? &key : NULL, &member))
    {
      check_inside (member, value);
      if (pano_json_is_object (value))
        {
          g_autofree char *name = pano_json_dup_string (key);

          check_inside (key, value);
          g_assert_true (pano_json_member (value, name, &found));
        }
      walk (member, depth + 1);
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
  /* A copy of exactly @size bytes: no terminating NUL to hide a read past the end. */
  g_autofree char *text = g_memdup2 (data, size);
  g_autoptr(GError) error = NULL;
  PanoJsonSpan root;

  if (!pano_json_check (text, size, &root, &error))
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      return 0;
    }
  check_inside (root, (PanoJsonSpan) { text, text + size });
  walk (root, 0);
  return 0;
}
