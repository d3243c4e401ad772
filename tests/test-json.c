// SPDX-License-Identifier: GPL-3.0-or-later
/* The tree-less JSON reader the hub's ingest and the console's feed decoder share: what it
 * accepts, what it refuses (naming the byte), and that reading in place gives the values
 * json-glib would. */
#include "pano-json.h"

#include <gio/gio.h>
#include <string.h>

static gboolean
check (const char   *text,
       PanoJsonSpan *value,
       GError      **error)
{
  return pano_json_check (text, strlen (text), value, error);
}

static void
test_accepts (void)
{
  static const char *good[] = {
    "{}", "[]", " {\"a\" : [1, -2.5e3, 0, 1E+2, true, false, null, \"x\"]}\n", "\"\\u00e9\\n\"",
    "0", "-0.0", "[[[]]]", "{\"名\":\"十堰\"}", "{\"a\":{\"b\":{}}, \"c\":[{}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      PanoJsonSpan v;

      g_test_message ("%s", good[i]);
      g_assert_true (check (good[i], &v, &error));
      g_assert_no_error (error);
    }
}

static void
test_refuses (void)
{
  static const struct { const char *text; const char *words; } bad[] = {
    { "", "a missing value at byte 0" },
    { "{", "an object member without a string name at byte 1" },
    { "{\"a\" 1}", "a missing ':' after a member name at byte 5" },
    { "{\"a\":1,}", "an object member without a string name at byte 7" },
    { "[1 2]", "a missing ',' or ']' at byte 3" },
    { "[01]", "a missing ',' or ']' at byte 2" },
    { "[1.]", "a number without digits at byte 3" },
    { "\"abc", "an unterminated string at byte 4" },
    { "\"a\\qb\"", "an unknown escape at byte 3" },
    { "\"\\u12g4\"", "a bad \\u escape at byte 2" },
    { "\"tab\there\"", "a control character inside a string at byte 4" },
    { "tru", "an unexpected character at byte 0" },
    { "{} {}", "more text after the value at byte 3" },
    { "[\"\xff\"]", "text that is not UTF-8 at byte 2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      PanoJsonSpan v;

      g_test_message ("%s", bad[i].text);
      g_assert_false (check (bad[i].text, &v, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_cmpstr (error->message, ==, bad[i].words);
    }
}

/* A hostile frame nested a million deep must be refused, not overflow the stack. */
static void
test_depth_bound (void)
{
  g_autoptr(GError) error = NULL;
  GString *text = g_string_new (NULL);
  PanoJsonSpan v;

  for (int i = 0; i < 1000000; i++)
    g_string_append_c (text, '[');
  g_assert_false (pano_json_check (text->str, text->len, &v, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "nesting deeper than 64 levels"));
  g_string_free (text, TRUE);
}

static void
test_reads (void)
{
  const char *text =
    "{ \"type\" : \"delta\", \"seq\": 9007199254740993, \"from_seq\":12, \"ok\":true,"
    "  \"changes\": [ {\"op\":\"upsert\",\"entity\":{\"id\":\"env-1\","
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[110.79,32.65]},"
    "\"properties\":{\"aqi\":42,\"name\":\"\\u5341\\u5830 \\\"A\\\" \\ud83d\\ude00\"}}},"
    "  {\"op\":\"remove\",\"id\":\"env-2\"} ], \"esc\\u0061ped\": 1.5 }";
  PanoJsonSpan root, v, changes, change, entity, props, key;
  PanoJsonIter iter;
  g_autofree char *name = NULL;
  g_autofree char *raw = NULL;
  gint64 n;
  double d;
  guint count = 0;

  g_assert_true (check (text, &root, NULL));
  g_assert_true (pano_json_member (root, "type", &v));
  g_assert_true (pano_json_string_equals (v, "delta"));
  g_assert_false (pano_json_string_equals (v, "delt"));
  g_assert_true (pano_json_member (root, "seq", &v));
  g_assert_true (pano_json_int (v, &n));
  g_assert_cmpint (n, ==, G_GINT64_CONSTANT (9007199254740993));
  g_assert_true (pano_json_member (root, "from_seq", &v));
  g_assert_true (pano_json_int (v, &n));
  g_assert_cmpint (n, ==, 12);
  g_assert_true (pano_json_member (root, "ok", &v) && pano_json_is_true (v));
  g_assert_true (pano_json_member (root, "escaped", &v));   /* a name written with an escape */
  g_assert_true (pano_json_number (v, &d));
  g_assert_cmpfloat (d, ==, 1.5);
  g_assert_false (pano_json_int (v, &n));
  g_assert_false (pano_json_member (root, "missing", &v));

  g_assert_true (pano_json_member (root, "changes", &changes) && pano_json_is_array (changes));
  pano_json_iter_init (&iter, changes);
  while (pano_json_iter_next (&iter, NULL, &change))
    count++;
  g_assert_cmpuint (count, ==, 2);

  pano_json_iter_init (&iter, changes);
  g_assert_true (pano_json_iter_next (&iter, NULL, &change));
  g_assert_true (pano_json_member (change, "entity", &entity));
  g_assert_true (pano_json_member (entity, "properties", &props));
  raw = pano_json_dup_text (props);
  g_assert_true (g_str_has_prefix (raw, "{\"aqi\":42,") && g_str_has_suffix (raw, "\"}"));
  g_assert_true (pano_json_member (props, "name", &v));
  name = pano_json_dup_string (v);
  g_assert_cmpstr (name, ==, "十堰 \"A\" \xf0\x9f\x98\x80");
  g_assert_true (pano_json_member (entity, "geometry", &v));
  g_assert_true (pano_json_member (v, "coordinates", &v));
  pano_json_iter_init (&iter, v);
  g_assert_true (pano_json_iter_next (&iter, NULL, &v) && pano_json_number (v, &d));
  g_assert_cmpfloat_with_epsilon (d, 110.79, 1e-12);
  g_assert_true (pano_json_iter_next (&iter, &key, &v) && pano_json_number (v, &d));
  g_assert_cmpfloat_with_epsilon (d, 32.65, 1e-12);
  g_assert_false (pano_json_iter_next (&iter, NULL, &v));

  g_assert_true (pano_json_iter_next (&iter, NULL, &change) == FALSE);
  pano_json_iter_init (&iter, root);
  g_assert_true (pano_json_iter_next (&iter, &key, &v));
  g_assert_true (pano_json_string_equals (key, "type"));
}

/* Three readings that were wrong: an exponent beyond 2^53 read by strtoll as its mantissa, a
 * name holding a backslash compared with raw text, and a number too long for a stack buffer
 * taken for no number at all. */
static void
test_reads_edges (void)
{
  const char *text = "[2e16, 9007199254740993, \"a\\nb\", "
                     "110.780123456789012345678901234567890123456789012345678901234567890]";
  PanoJsonSpan root, v;
  PanoJsonIter iter;
  gint64 n;
  double d;

  g_assert_true (check (text, &root, NULL));
  pano_json_iter_init (&iter, root);
  g_assert_true (pano_json_iter_next (&iter, NULL, &v));
  g_assert_false (pano_json_int (v, &n) && n != G_GINT64_CONSTANT (20000000000000000));
  g_assert_true (pano_json_iter_next (&iter, NULL, &v));
  g_assert_true (pano_json_int (v, &n));
  g_assert_cmpint (n, ==, G_GINT64_CONSTANT (9007199254740993));
  g_assert_true (pano_json_iter_next (&iter, NULL, &v));
  g_assert_true (pano_json_string_equals (v, "a\nb"));
  g_assert_false (pano_json_string_equals (v, "a\\nb"));
  g_assert_true (pano_json_iter_next (&iter, NULL, &v));
  g_assert_true (pano_json_number (v, &d));
  g_assert_cmpfloat_with_epsilon (d, 110.780123456789, 1e-9);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/accepts", test_accepts);
  g_test_add_func ("/json/refuses-naming-the-byte", test_refuses);
  g_test_add_func ("/json/depth-bound", test_depth_bound);
  g_test_add_func ("/json/reads-in-place", test_reads);
  g_test_add_func ("/json/reads-edges", test_reads_edges);
  return g_test_run ();
}
