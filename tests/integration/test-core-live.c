// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-test-core-live"

#include "pano-incident.h"
#include "pano-protocol.h"

/* The lifecycle table of docs/protocol.md section 6, as the operator sees it. */
static void
test_lifecycle_table (void)
{
  static const struct { const char *from; const char *allowed; } table[] = {
    { "reported", "accepted cancelled" },
    { "accepted", "dispatched cancelled" },
    { "dispatched", "handling returned cancelled" },
    { "handling", "verified returned" },
    { "verified", "closed handling" },
    { "returned", "accepted dispatched cancelled" },
    { "closed", "" },
    { "cancelled", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_auto(GStrv) allowed = g_strsplit (table[i].allowed, " ", -1);
      PanoIncidentStatus from;

      g_assert_true (pano_incident_status_from_name (table[i].from, &from));
      g_assert_cmpint (pano_incident_status_is_final (from), ==, table[i].allowed[0] == '\0');
      for (guint to = 0; to < PANO_INCIDENT_N_STATUS; to++)
        {
          g_autoptr(GError) error = NULL;
          gboolean expected = g_strv_contains ((const char * const *) allowed,
                                               pano_incident_status_name (to));

          g_assert_cmpint (pano_incident_check_transition (from, to, TRUE, &error), ==, expected);
          if (!expected)
            {
              g_assert_error (error, PANO_INCIDENT_ERROR, PANO_INCIDENT_ERROR_ILLEGAL_TRANSITION);
              g_assert_nonnull (strstr (error->message, table[i].from));
              g_assert_nonnull (strstr (error->message, "allowed"));
            }
        }
    }
}

static void
test_dispatch_needs_units (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (pano_incident_check_transition (PANO_INCIDENT_ACCEPTED,
                                                  PANO_INCIDENT_DISPATCHED, FALSE, &error));
  g_assert_nonnull (strstr (error->message, "dispatch command"));
  g_assert_cmpstr (pano_incident_status_label (PANO_INCIDENT_DISPATCHED), ==, "派遣");
}

static void
test_frame_envelope (void)
{
  static const struct { const char *text; int code; } cases[] = {
    { "{oops", PANO_PROTOCOL_ERROR_BAD_JSON },
    { "[1]", PANO_PROTOCOL_ERROR_BAD_JSON },
    { "{\"type\": 3}", PANO_PROTOCOL_ERROR_BAD_FRAME },
    { "{}", PANO_PROTOCOL_ERROR_BAD_FRAME },
  };
  g_autoptr(JsonObject) frame = NULL;
  const char *type = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (pano_protocol_parse_frame (cases[i].text, strlen (cases[i].text), &type,
                                                &error));
      g_assert_error (error, PANO_PROTOCOL_ERROR, cases[i].code);
    }
  frame = pano_protocol_parse_frame ("{\"type\":\"hello\"}", 16, &type, NULL);
  g_assert_nonnull (frame);
  g_assert_cmpstr (type, ==, "hello");
}

static void
test_quoting_and_time (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *time = pano_protocol_format_time (1795000000123456);
  g_autoptr(JsonNode) node = NULL;
  PanoLayerId layer;

  pano_protocol_append_quoted (out, "a\"b\\c\n\t\x01 网格");
  node = json_from_string (out->str, NULL);
  g_assert_nonnull (node);
  g_assert_cmpstr (json_node_get_string (node), ==, "a\"b\\c\n\t\x01 网格");
  g_assert_cmpstr (time, ==, "2026-11-18T11:06:40.123Z");
  g_assert_true (pano_layer_from_name ("incidents", &layer));
  g_assert_cmpint (layer, ==, PANO_LAYER_INCIDENTS);
  g_assert_false (pano_layer_from_name ("weather", &layer));
}

/* Timestamps are written digit by digit for speed: they must read exactly as GDateTime
 * writes them, across leap days, centuries and the ends of the range. */
static void
test_time_matches_gdatetime (void)
{
  static const gint64 seconds[] = {
    0, 59, 86399, 86400, 951782400, 951868799, 951868800, 978307199, 1709164800,
    1795000000, 4107542399, 4107542400, 4107628800, 253402300799,
  };

  for (guint i = 0; i < G_N_ELEMENTS (seconds) + 2000; i++)
    {
      gint64 s = i < G_N_ELEMENTS (seconds) ? seconds[i] :
                 g_test_rand_int_range (0, G_MAXINT32) * G_GINT64_CONSTANT (117) % 253402300800;
      gint64 us = s * G_USEC_PER_SEC + (i * 7919) % G_USEC_PER_SEC;
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (s);
      g_autofree char *base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
      g_autofree char *expected = g_strdup_printf ("%s.%03dZ", base,
                                                   (int) (us % G_USEC_PER_SEC / 1000));
      g_autofree char *time = pano_protocol_format_time (us);
      g_autoptr(GString) appended = g_string_new ("x");

      pano_protocol_append_time (appended, us);
      g_assert_cmpstr (time, ==, expected);
      g_assert_cmpstr (appended->str + 1, ==, expected);
    }
  g_free (pano_protocol_format_time (-1));   /* outside the fast range: still a string */
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core-live/incident/lifecycle-table", test_lifecycle_table);
  g_test_add_func ("/core-live/incident/dispatch-needs-units", test_dispatch_needs_units);
  g_test_add_func ("/core-live/protocol/frame-envelope", test_frame_envelope);
  g_test_add_func ("/core-live/protocol/quoting-and-time", test_quoting_and_time);
  g_test_add_func ("/core-live/protocol/time-matches-gdatetime", test_time_matches_gdatetime);
  return g_test_run ();
}
