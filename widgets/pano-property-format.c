// SPDX-License-Identifier: GPL-3.0-or-later
/* A live entity's properties for people rather than for parsers: the names operators know
 * (AQI, PM2.5, 速度) instead of field names, numbers rounded to what they mean with their units
 * (23.2 km/h, not 23.199999999999999), yes and no, times in local time. The side panel and the
 * map's hover card both read properties through here. */
#define G_LOG_DOMAIN "panorama-widgets"

#include "pano-property-format.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define AUTO -1         /* decimals chosen by size */
#define PERCENT -2      /* a 0–1 ratio shown as a percentage */

typedef struct
{
  const char *key;
  const char *label;    /* translatable, or a symbol that is the same in every language */
  gboolean translate;
  const char *unit;
  int decimals;
} Known;

static const Known known[] = {
  { "name", N_("Name"), TRUE, NULL, AUTO },
  { "title", N_("Title"), TRUE, NULL, AUTO },
  { "station", N_("Station"), TRUE, NULL, AUTO },
  { "station_name", N_("Station"), TRUE, NULL, AUTO },
  { "kind", N_("Kind"), TRUE, NULL, AUTO },
  { "status", N_("Status"), TRUE, NULL, AUTO },
  { "status_label", N_("Status"), TRUE, NULL, AUTO },
  { "level", N_("Level"), TRUE, NULL, AUTO },
  { "level_label", N_("Level"), TRUE, NULL, AUTO },
  { "class", N_("Road class"), TRUE, NULL, AUTO },
  { "aqi", "AQI", FALSE, NULL, 0 },
  { "primary", N_("Primary pollutant"), TRUE, NULL, AUTO },
  { "pm25", "PM2.5", FALSE, "µg/m³", 0 },
  { "pm10", "PM10", FALSE, "µg/m³", 0 },
  { "o3", "O₃", FALSE, "µg/m³", 0 },
  { "no2", "NO₂", FALSE, "µg/m³", 0 },
  { "so2", "SO₂", FALSE, "µg/m³", 0 },
  { "co", "CO", FALSE, "mg/m³", 1 },
  { "noise_db", N_("Noise"), TRUE, "dB(A)", 0 },
  { "exceeded", N_("Over the limit"), TRUE, NULL, AUTO },
  { "threshold", N_("Limit"), TRUE, NULL, AUTO },
  { "speed_kmh", N_("Speed"), TRUE, "km/h", AUTO },
  { "speed_limit", N_("Speed limit"), TRUE, "km/h", 0 },
  { "ratio", N_("Speed against the limit"), TRUE, NULL, PERCENT },
  { "stock", N_("Stock"), TRUE, NULL, 0 },
  { "capacity", N_("Capacity"), TRUE, NULL, 0 },
  { "occupancy", N_("Occupancy"), TRUE, NULL, 0 },
  { "category", N_("Category"), TRUE, NULL, AUTO },
  { "severity", N_("Severity"), TRUE, NULL, 0 },
  { "overdue", N_("Overdue"), TRUE, NULL, AUTO },
  { "incident", N_("Incident"), TRUE, NULL, AUTO },
  { "units", N_("Units"), TRUE, NULL, AUTO },
  { "grid", N_("Grid cell"), TRUE, NULL, AUTO },
  { "deadline", N_("Deadline"), TRUE, NULL, AUTO },
  { "description", N_("Description"), TRUE, NULL, AUTO },
  { "source", N_("Source"), TRUE, NULL, AUTO },
  { "updated_at", N_("Updated"), TRUE, NULL, AUTO },
  { "distance_m", N_("Distance"), TRUE, "m", 0 },
  { "water_level_m", N_("Water level"), TRUE, "m", 2 },
  { "rain_mm", N_("Rainfall"), TRUE, "mm", 1 },
  { "temperature_c", N_("Temperature"), TRUE, "°C", 1 },
};

/* Words for the values the hub sends as codes. */
static const struct
{
  const char *key;
  const char *value;
  const char *words;   /* translatable */
} known_values[] = {
  { "status", "available", N_("available") },
  { "status", "dispatched", N_("dispatched") },
  { "status", "en_route", N_("en route") },
  { "status", "on_scene", N_("on scene") },
  { "status", "returning", N_("returning") },
  { "status", "out_of_service", N_("out of service") },
  { "status", "reported", N_("reported") },
  { "status", "accepted", N_("accepted") },
  { "status", "handling", N_("handling") },
  { "status", "verified", N_("verified") },
  { "status", "returned", N_("returned") },
  { "status", "cancelled", N_("cancelled") },
  { "kind", "fire_engine", N_("fire engine") },
  { "kind", "ambulance", N_("ambulance") },
  { "kind", "rescue_team", N_("rescue team") },
  { "kind", "police", N_("police") },
  { "kind", "enforcement", N_("enforcement") },
  { "kind", "warehouse", N_("warehouse") },
  { "kind", "shelter", N_("shelter") },
};

static const char *
value_words (const char *key,
             const char *value)
{
  for (guint i = 0; key && i < G_N_ELEMENTS (known_values); i++)
    if (g_str_equal (known_values[i].key, key) && g_str_equal (known_values[i].value, value))
      return _(known_values[i].words);
  return value;
}

static const Known *
find_known (const char *key)
{
  for (guint i = 0; key && i < G_N_ELEMENTS (known); i++)
    if (g_str_equal (known[i].key, key))
      return &known[i];
  return NULL;
}

/* Returns: what people call the property @key, or @key itself when it is not a known one */
const char *
pano_property_label (const char *key)
{
  const Known *k = find_known (key);

  if (k == NULL)
    return key;
  return k->translate ? _(k->label) : k->label;
}

/**
 * pano_format_number:
 * @decimals: how many, or -1 to choose by size (two below 10, one below 100, none above)
 *
 * Returns: @value rounded for reading, without trailing zeros after the decimal point
 */
char *
pano_format_number (double value,
                    int    decimals)
{
  char *text;
  char *end;

  if (!isfinite (value))
    return g_strdup ("—");
  if (decimals < 0)
    decimals = fabs (value) >= 100 || value == round (value) ? 0 : fabs (value) >= 10 ? 1 : 2;
  text = g_strdup_printf ("%.*f", decimals, value);
  if (decimals > 0)
    {
      /* the locale's decimal mark is one byte in every locale this console speaks */
      end = text + strlen (text) - 1;
      while (*end == '0')
        *end-- = '\0';
      if (!g_ascii_isdigit (*end))
        *end = '\0';
    }
  if (g_str_equal (text, "-0"))
    text[0] = '0', text[1] = '\0';
  return text;
}

static char *
format_number_node (const Known *k,
                    double       value)
{
  g_autofree char *number = NULL;

  if (k && k->decimals == PERCENT)
    {
      number = pano_format_number (value * 100, 0);
      return g_strdup_printf ("%s %%", number);
    }
  number = pano_format_number (value, k ? k->decimals : AUTO);
  if (k && k->unit)
    return g_strdup_printf ("%s %s", number, k->unit);
  return g_steal_pointer (&number);
}

/* An RFC 3339 time as the local date and time, or %NULL when @text is not one. */
static char *
format_time (const char *text)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (strlen (text) < 20 || text[10] != 'T' || !(utc = g_date_time_new_from_iso8601 (text, NULL)))
    return NULL;
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

static char *format_node (const char *key, JsonNode *node);

static char *
format_object (JsonObject *object)
{
  GString *text = g_string_new (NULL);
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l; l = l->next)
    {
      g_autofree char *value = format_node (l->data, json_object_get_member (object, l->data));

      g_string_append_printf (text, "%s%s: %s", text->len ? ", " : "",
                              pano_property_label (l->data), value);
    }
  return g_string_free (text, FALSE);
}

static char *
format_array (const char *key,
              JsonArray  *array)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *value = format_node (key, json_array_get_element (array, i));

      g_string_append_printf (text, "%s%s", i ? (JSON_NODE_HOLDS_OBJECT (
                                json_array_get_element (array, i)) ? "; " : ", ") : "", value);
    }
  return g_string_free (text, FALSE);
}

static char *
format_node (const char *key,
             JsonNode   *node)
{
  const Known *k = find_known (key);
  GType type;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("—");
  if (JSON_NODE_HOLDS_OBJECT (node))
    return format_object (json_node_get_object (node));
  if (JSON_NODE_HOLDS_ARRAY (node))
    return format_array (key, json_node_get_array (node));
  type = json_node_get_value_type (node);
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? _("yes") : _("no"));
  if (type == G_TYPE_STRING)
    {
      char *time = format_time (json_node_get_string (node));

      return time ? time : g_strdup (value_words (key, json_node_get_string (node)));
    }
  return format_number_node (k, json_node_get_double (node));
}

/**
 * pano_property_format:
 * @key: the property's name, which says its unit and precision when it is a known one
 *
 * Returns: @value as people read it: rounded numbers with units, yes or no, local times, and
 *   objects and lists spelled out; "—" for nothing
 */
char *
pano_property_format (const char *key,
                      JsonNode   *value)
{
  return format_node (key, value);
}
