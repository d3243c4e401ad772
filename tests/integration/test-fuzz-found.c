// SPDX-License-Identifier: GPL-3.0-or-later
/* Inputs the fuzzers (fuzz/, docs/fuzzing.md) found that broke the hub or the console, each
 * checked here the way it first failed. The same inputs are in the seed corpora, so every
 * fuzz run also starts from them. */
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pano-hub-ingest.h"
#include "pano-json.h"
#include "pano-protocol.h"

/* An ingest body that is an array, not an object: the hub compared the array's elements as
 * member names, read an uninitialised span and crashed (any ingest token could take it down). */
static void
test_ingest_array_body (void)
{
  const char *bodies[] = { "[\"changes\"]", "[\"type\",\"FeatureCollection\"]", "[]", "\"x\"" };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) items = pano_hub_ingest_read (bodies[i], strlen (bodies[i]), &error);

      g_assert_null (items);
      g_assert_error (error, PANO_PROTOCOL_ERROR, PANO_PROTOCOL_ERROR_BAD_FRAME);
      g_assert_nonnull (strstr (error->message, "FeatureCollection"));
    }
}

/* Iterating an array hands back no member name, so comparing one is simply false. */
static void
test_array_elements_have_no_name (void)
{
  const char *text = "[\"type\",1]";
  PanoJsonSpan root, key = { text, text + 6 }, value;
  PanoJsonIter iter;

  g_assert_true (pano_json_check (text, strlen (text), &root, NULL));
  pano_json_iter_init (&iter, root);
  g_assert_true (pano_json_iter_next (&iter, &key, &value));
  g_assert_null (key.start);
  g_assert_false (pano_json_string_equals (key, "type"));
}

/* An empty frame arrives as NULL text: refused as JSON, with no arithmetic on NULL. */
static void
test_empty_text (void)
{
  g_autoptr(GError) error = NULL;
  PanoJsonSpan root;

  g_assert_false (pano_json_check (NULL, 0, &root, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

/* A note or title holding U+001F went out raw (json-glib escapes every control character but
 * that one): the console's reader refused the frame carrying the incident. */
static void
test_unit_separator_escaped (void)
{
  g_autoptr(JsonNode) node = json_from_string ("{\"text\":\"a\\u001fb\\u0001c\"}", NULL);
  g_autofree char *text = pano_protocol_to_string (node);
  g_autofree char *decoded = NULL;
  g_autoptr(GError) error = NULL;
  PanoJsonSpan root, value;

  g_assert_nonnull (node);
  g_assert_true (pano_json_check (text, strlen (text), &root, &error));
  g_assert_no_error (error);
  g_assert_true (pano_json_member (root, "text", &value));
  decoded = pano_json_dup_string (value);
  g_assert_cmpstr (decoded, ==, "a\x1f" "b\x01" "c");
}

/* A lone surrogate escape in a command ("to": "h\udada") came back inside the answer as bytes
 * that are not UTF-8: json-glib decodes it so, and wrote it out again. */
static void
test_lone_surrogate_valid_utf8 (void)
{
  g_autoptr(JsonNode) node = json_from_string ("{\"to\":\"h\\udadaling\"}", NULL);
  g_autofree char *text = pano_protocol_to_string (node);
  g_autoptr(GError) error = NULL;
  PanoJsonSpan root;

  g_assert_nonnull (node);
  g_assert_true (pano_json_check (text, strlen (text), &root, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fuzz-found/ingest-array-body", test_ingest_array_body);
  g_test_add_func ("/fuzz-found/array-elements-have-no-name", test_array_elements_have_no_name);
  g_test_add_func ("/fuzz-found/empty-text", test_empty_text);
  g_test_add_func ("/fuzz-found/unit-separator-escaped", test_unit_separator_escaped);
  g_test_add_func ("/fuzz-found/lone-surrogate-valid-utf8", test_lone_surrogate_valid_utf8);
  return g_test_run ();
}
