// SPDX-License-Identifier: GPL-3.0-or-later
/* What the side panels say, as an operator reads it: a live entity's numbers rounded, with their
 * units and known names (never 23.199999999999999), and counts in the right number ("1 entity",
 * "2 entities"). */
#include "pano-feature-panel.h"
#include "pano-live-layer-row.h"
#include "pano-property-format.h"

#include <adwaita.h>
#include <string.h>

static void
test_properties_for_people (void)
{
  PanoFeaturePanel *panel = g_object_ref_sink (g_object_new (PANO_TYPE_FEATURE_PANEL, NULL));
  static const char *fields[] = { "name", "speed_kmh", "speed_limit", "ratio", "aqi", "pm25",
                                  "exceeded", "noise_db", "grid", "units", "note", "level",
                                  "updated_at", NULL };

  pano_feature_panel_show_properties (panel, "traffic — road-1",
    "{\"name\":\"北京路\",\"speed_kmh\":23.199999999999999,\"speed_limit\":60,"
    "\"ratio\":0.38666666666666666,\"aqi\":57.0,\"pm25\":35.449999999999996,\"exceeded\":false,"
    "\"noise_db\":61.200000000000003,\"grid\":{\"code\":\"420300\",\"name\":\"网格 1\"},"
    "\"units\":[\"fire-1\",\"amb-2\"],\"note\":null,\"level\":2.5,"
    "\"updated_at\":\"2026-12-01T22:13:47.123Z\",\"status\":\"en_route\",\"kind\":\"fire_engine\"}");
  g_assert_cmpstr (pano_feature_panel_get_value (panel, "name"), ==, "北京路");
  g_assert_cmpstr (pano_feature_panel_get_value (panel, "speed_kmh"), ==, "23.2 km/h");
  g_assert_cmpstr (pano_feature_panel_get_value (panel, "speed_limit"), ==, "60 km/h");
  g_assert_cmpstr (pano_feature_panel_get_value (panel, "ratio"), ==, "39 %");
  g_assert_cmpstr (pano_feature_panel_get_value (panel, "aqi"), ==, "57");
  g_assert_cmpstr (pano_feature_panel_get_value (panel, "pm25"), ==, "35 µg/m³");
  g_assert_cmpstr (pano_feature_panel_get_value (panel, "exceeded"), ==, "no");
  g_assert_cmpstr (pano_feature_panel_get_value (panel, "noise_db"), ==, "61 dB(A)");
  g_assert_cmpstr (pano_feature_panel_get_value (panel, "units"), ==, "fire-1, amb-2");
  g_assert_cmpstr (pano_feature_panel_get_value (panel, "note"), ==, "—");
  g_assert_cmpstr (pano_feature_panel_get_value (panel, "level"), ==, "2.5");
  g_assert_cmpstr (pano_feature_panel_get_value (panel, "status"), ==, "en route");
  g_assert_cmpstr (pano_feature_panel_get_value (panel, "kind"), ==, "fire engine");
  g_assert_nonnull (strstr (pano_feature_panel_get_value (panel, "grid"), "网格 1"));
  g_assert_true (g_str_has_prefix (pano_feature_panel_get_value (panel, "updated_at"), "2026-12-"));
  /* nothing anywhere reads like a float dumped by a parser */
  for (guint i = 0; fields[i]; i++)
    {
      const char *value = pano_feature_panel_get_value (panel, fields[i]);
      const char *dot = strchr (value, '.');

      g_test_message ("%s: %s", fields[i], value);
      g_assert_true (dot == NULL || strspn (dot + 1, "0123456789") <= 2);
    }
  g_object_unref (panel);
}

static void
test_numbers (void)
{
  const struct { double v; int decimals; const char *text; } cases[] = {
    { 23.199999999999999, -1, "23.2" }, { 0.30000000000000004, -1, "0.3" }, { 1234.56, -1, "1235" },
    { 7.0, -1, "7" }, { 2.0049, -1, "2" }, { -0.001, -1, "0" }, { 9.999, 1, "10" },
    { 61.2, 0, "61" }, { 3.14159, 3, "3.142" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = pano_format_number (cases[i].v, cases[i].decimals);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
apply (PanoLiveStore *store, const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PanoFeedFrame) frame = pano_feed_frame_decode (json, strlen (json), &error);

  g_assert_no_error (error);
  g_assert_true (pano_live_store_apply (store, frame, &error));
  pano_live_store_flush (store);
}

#define UNIT(id) \
  "{\"id\":\"" id "\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[110.79,32.63]}," \
  "\"properties\":{\"kind\":\"police\"}}"

/* One entity is "1 entity", in the language's own plural forms. */
static void
test_count_plurals (void)
{
  static const char * const names[] = { "resources", NULL };
  g_autoptr(PanoLiveStore) store = pano_live_store_new (names);
  g_autoptr(ShumateViewport) viewport = shumate_viewport_new ();
  PanoLiveMapLayer *layer = g_object_ref_sink (pano_live_map_layer_new (viewport, store,
                                                                        "resources"));
  GtkWidget *row = g_object_ref_sink (pano_live_layer_row_new (layer, store, "Resources"));
  PanoLiveLayerRow *r = PANO_LIVE_LAYER_ROW (row);

  g_assert_cmpstr (pano_live_layer_row_get_subtitle (r), ==, "0 entities");
  apply (store, "{\"type\":\"snapshot\",\"layer\":\"resources\",\"seq\":1,\"chunks\":1,"
                "\"entities\":[" UNIT ("police-1") "]}");
  pano_live_layer_row_refresh (r);
  g_assert_cmpstr (pano_live_layer_row_get_subtitle (r), ==, "1 entity");
  apply (store, "{\"type\":\"delta\",\"layer\":\"resources\",\"from_seq\":2,\"seq\":2,"
                "\"changes\":[{\"op\":\"upsert\",\"entity\":" UNIT ("police-2") "}]}");
  pano_live_layer_row_refresh (r);
  g_assert_cmpstr (pano_live_layer_row_get_subtitle (r), ==, "2 entities");
  g_object_unref (row);
  g_object_unref (layer);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/panels/properties-for-people", test_properties_for_people);
  g_test_add_func ("/panels/numbers", test_numbers);
  g_test_add_func ("/panels/count-plurals", test_count_plurals);
  return g_test_run ();
}
