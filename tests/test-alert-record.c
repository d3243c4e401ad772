// SPDX-License-Identifier: GPL-3.0-or-later
/* Alerts as producers send them: levels by name, colour or Chinese grade number; cleared
 * ones are not active; the hub's acknowledgement and escalation members; the list's order. */
#include "pano-alert-record.h"

static PanoAlertRecord *
record (const char *id,
        const char *properties)
{
  return pano_alert_record_new (id, properties, 1764547200000, TRUE, 110.8, 32.6);
}

static void
test_levels (void)
{
  static const struct { const char *level; PanoAlertLevel expected; } cases[] = {
    { "\"warning\"", PANO_ALERT_LEVEL_WARNING }, { "\"severe\"", PANO_ALERT_LEVEL_SEVERE },
    { "\"RED\"", PANO_ALERT_LEVEL_CRITICAL }, { "\"blue\"", PANO_ALERT_LEVEL_NOTICE },
    { "1", PANO_ALERT_LEVEL_CRITICAL }, { "2", PANO_ALERT_LEVEL_SEVERE },
    { "4", PANO_ALERT_LEVEL_NOTICE }, { "7", PANO_ALERT_LEVEL_UNKNOWN },
    { "\"purple\"", PANO_ALERT_LEVEL_UNKNOWN }, { "null", PANO_ALERT_LEVEL_UNKNOWN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"level\":%s}", cases[i].level);
      g_autoptr(PanoAlertRecord) r = record ("a", json);

      g_assert_cmpint (pano_alert_record_get_level (r), ==, cases[i].expected);
    }
}

static void
test_members (void)
{
  g_autoptr(PanoAlertRecord) r = record ("alert-env-3-2",
    "{\"kind\":\"env_exceedance\",\"station\":\"env-3\",\"station_name\":\"东岭\","
    "\"metric\":\"aqi\",\"value\":212,\"threshold\":\"150\",\"level\":\"severe\","
    "\"status\":\"active\",\"acknowledged_by\":\"operator\","
    "\"acknowledged_at\":\"2025-12-01T06:05:00.000Z\",\"incident\":\"INC-000007\"}");
  g_autoptr(PanoAlertRecord) cleared = record ("b",
                                               "{\"level\":\"severe\",\"status\":\"cleared\"}");
  g_autoptr(PanoAlertRecord) broken = record ("c", "not json");
  double v, t, lon, lat;

  g_assert_true (pano_alert_record_is_active (r));
  g_assert_cmpstr (pano_alert_record_get_station_name (r), ==, "东岭");
  g_assert_true (pano_alert_record_get_value (r, &v) && v == 212);
  g_assert_true (pano_alert_record_get_threshold (r, &t) && t == 150);
  g_assert_cmpstr (pano_alert_record_get_acknowledged_by (r), ==, "operator");
  g_assert_cmpint (pano_alert_record_get_acknowledged_ms (r), ==, 1764569100000);
  g_assert_cmpstr (pano_alert_record_get_incident (r), ==, "INC-000007");
  g_assert_false (pano_alert_record_needs_attention (r));
  g_assert_true (pano_alert_record_get_location (r, &lon, &lat) && lon == 110.8 && lat == 32.6);
  g_assert_false (pano_alert_record_is_active (cleared));
  g_assert_false (pano_alert_record_needs_attention (cleared));
  g_assert_true (pano_alert_record_is_active (broken));
  g_assert_false (pano_alert_record_get_value (broken, &v));
}

/* Active before cleared, worst first, newest (raised) first. */
static void
test_order (void)
{
  g_autoptr(PanoAlertRecord) old_severe = record ("a", "{\"level\":\"severe\","
                                                  "\"raised_at\":\"2025-12-01T01:00:00Z\"}");
  g_autoptr(PanoAlertRecord) new_severe = record ("b", "{\"level\":\"severe\","
                                                  "\"raised_at\":\"2025-12-01T02:00:00Z\"}");
  g_autoptr(PanoAlertRecord) warning = record ("c", "{\"level\":\"warning\","
                                               "\"raised_at\":\"2025-12-01T09:00:00Z\"}");
  g_autoptr(PanoAlertRecord) cleared = record ("d", "{\"level\":\"critical\","
                                               "\"status\":\"cleared\"}");

  g_assert_cmpint (pano_alert_record_compare (new_severe, old_severe), <, 0);
  g_assert_cmpint (pano_alert_record_compare (old_severe, warning), <, 0);
  g_assert_cmpint (pano_alert_record_compare (warning, cleared), <, 0);
  g_assert_cmpint (pano_alert_record_compare (cleared, warning), >, 0);
  g_assert_true (pano_alert_record_needs_attention (new_severe));
  g_assert_false (pano_alert_record_needs_attention (warning));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/alert-record/levels", test_levels);
  g_test_add_func ("/alert-record/members", test_members);
  g_test_add_func ("/alert-record/order", test_order);
  return g_test_run ();
}
