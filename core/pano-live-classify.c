// SPDX-License-Identifier: GPL-3.0-or-later
/* Which class a live entity is drawn in, decided once when it arrives (in the decoder
 * thread) from the properties the hub sends; see docs/protocol.md for the property names. */
#define G_LOG_DOMAIN "panorama-core"

#include "pano-live-classify.h"
#include "pano-feed-frame.h"

typedef struct
{
  const char *name;
  guint klass;
} Name;

static const Name congestion_names[] = {
  { "free", PANO_CONGESTION_FREE }, { "畅通", PANO_CONGESTION_FREE },
  { "slow", PANO_CONGESTION_SLOW }, { "缓行", PANO_CONGESTION_SLOW },
  { "congested", PANO_CONGESTION_CONGESTED }, { "拥堵", PANO_CONGESTION_CONGESTED },
  { "jammed", PANO_CONGESTION_JAMMED }, { "severe", PANO_CONGESTION_JAMMED },
  { "严重拥堵", PANO_CONGESTION_JAMMED },
  { NULL, 0 }
};

static const Name resource_names[] = {
  { "available", PANO_RESOURCE_AVAILABLE }, { "dispatched", PANO_RESOURCE_DISPATCHED },
  { "returning", PANO_RESOURCE_DISPATCHED }, { "open", PANO_RESOURCE_AVAILABLE },
  { "full", PANO_RESOURCE_ON_SCENE }, { "closed", PANO_RESOURCE_OUT_OF_SERVICE },
  { "en_route", PANO_RESOURCE_EN_ROUTE }, { "on_scene", PANO_RESOURCE_ON_SCENE },
  { "out_of_service", PANO_RESOURCE_OUT_OF_SERVICE }, { NULL, 0 }
};

static const Name kind_names[] = {
  { "fire_engine", PANO_RESOURCE_KIND_FIRE }, { "ambulance", PANO_RESOURCE_KIND_AMBULANCE },
  { "rescue_team", PANO_RESOURCE_KIND_RESCUE }, { "police", PANO_RESOURCE_KIND_POLICE },
  { "enforcement", PANO_RESOURCE_KIND_ENFORCEMENT },
  { "warehouse", PANO_RESOURCE_KIND_WAREHOUSE }, { "shelter", PANO_RESOURCE_KIND_SHELTER },
  { NULL, 0 }
};

static const Name event_names[] = {
  { "reported", PANO_EVENT_REPORTED }, { "returned", PANO_EVENT_REPORTED },
  { "accepted", PANO_EVENT_ACCEPTED }, { "dispatched", PANO_EVENT_DISPATCHED },
  { "handling", PANO_EVENT_HANDLING }, { "verified", PANO_EVENT_VERIFYING },
  { "closed", PANO_EVENT_CLOSED }, { "cancelled", PANO_EVENT_CLOSED }, { NULL, 0 }
};

PanoAqiBand
pano_aqi_band_for_value (double aqi)
{
  if (aqi < 0)
    return PANO_AQI_UNKNOWN;
  if (aqi <= 50)
    return PANO_AQI_EXCELLENT;
  if (aqi <= 100)
    return PANO_AQI_GOOD;
  if (aqi <= 150)
    return PANO_AQI_LIGHT;
  if (aqi <= 200)
    return PANO_AQI_MODERATE;
  if (aqi <= 300)
    return PANO_AQI_HEAVY;
  return PANO_AQI_SEVERE;
}

/* Returns: the class of the name in string member @member of @p, 0 when none matches */
static guint
lookup (const Name   *names,
        PanoJsonSpan  p,
        const char   *member)
{
  PanoJsonSpan v;

  if (!pano_json_member (p, member, &v) || !pano_json_is_string (v))
    return 0;
  for (guint i = 0; names[i].name; i++)
    if (pano_json_string_equals (v, names[i].name))
      return names[i].klass;
  return 0;
}

static double
number_member (PanoJsonSpan  p,
               const char   *name,
               double        fallback)
{
  PanoJsonSpan v;
  double number;

  return pano_json_member (p, name, &v) && pano_json_number (v, &number) ? number : fallback;
}

static gboolean
string_member_is (PanoJsonSpan  p,
                  const char   *name,
                  const char   *text)
{
  PanoJsonSpan v;

  return pano_json_member (p, name, &v) && pano_json_string_equals (v, text);
}

static const Name road_class_names[] = {
  { "arterial", PANO_ROAD_ARTERIAL }, { "secondary", PANO_ROAD_SECONDARY },
  { "local", PANO_ROAD_LOCAL }, { NULL, 0 }
};

/* Traffic takes a level 1–4 or its name; the value is the road class, which sets the width. */
static guint
classify_traffic (PanoJsonSpan  p,
                  float        *value)
{
  double level = number_member (p, "congestion", -1);
  guint road = lookup (road_class_names, p, "class");
  PanoJsonSpan named;

  *value = road ? road : PANO_ROAD_SECONDARY;
  if (level >= 1 && level <= 4)
    return (guint)level;
  if (pano_json_member (p, "congestion", &named) && pano_json_is_string (named))
    return lookup (congestion_names, p, "congestion");
  return lookup (congestion_names, p, "level");
}

/* The plans' categories, numbered for the symbol's glyph (see pano_event_category_glyph). */
static const char * const categories[] = {
  NULL, "市政设施", "环境卫生", "市容秩序", "公共安全", "突发事件", "事故灾难", "自然灾害",
  "公共卫生", "社会安全",
};

/* Returns: one character naming the category @code, or NULL */
const char *
pano_event_category_glyph (guint code)
{
  static const char * const glyphs[] = { NULL, "市", "卫", "容", "安", "突", "事", "灾", "医", "社" };

  return code < G_N_ELEMENTS (glyphs) ? glyphs[code] : NULL;
}

static guint
category_code (PanoJsonSpan p)
{
  PanoJsonSpan category;

  if (!pano_json_member (p, "category", &category))
    return 0;
  for (guint i = 1; i < G_N_ELEMENTS (categories); i++)
    if (pano_json_string_equals (category, categories[i]))
      return i;
  return 0;
}

/* Events: the class is the stage (overdue above all), the value the category. */
static guint
classify_events (PanoJsonSpan  p,
                 float        *value)
{
  PanoJsonSpan overdue;

  *value = category_code (p);
  if (pano_json_member (p, "overdue", &overdue) && pano_json_is_true (overdue))
    return PANO_EVENT_OVERDUE;
  return lookup (event_names, p, "status");
}

static gint64
time_member (PanoJsonSpan  p,
             const char   *name)
{
  PanoJsonSpan v;
  g_autofree char *text = NULL;

  if (!pano_json_member (p, name, &v) || !pano_json_is_string (v))
    return 0;
  text = pano_json_dup_string (v);
  return pano_feed_parse_time (text);
}

guint
pano_incident_class_for_clock (PanoClockState state,
                               gboolean       final)
{
  if (final)
    return PANO_INCIDENT_CLASS_CLOSED;
  switch (state)
    {
    case PANO_CLOCK_OVERDUE:
      return PANO_INCIDENT_CLASS_OVERDUE;
    case PANO_CLOCK_DUE_SOON:
      return PANO_INCIDENT_CLASS_DUE_SOON;
    case PANO_CLOCK_ON_TIME:
    case PANO_CLOCK_NONE:
    default:
      return PANO_INCIDENT_CLASS_ON_TIME;
    }
}

/* Incidents: the class is the stage clock as it reads now; the console re-reads it as time
 * passes (PanoIncidentModel). The value is the category. */
static guint
classify_incident (PanoJsonSpan  p,
                   float        *value)
{
  PanoJsonSpan overdue;
  PanoStageClock clock;
  guint stage = lookup (event_names, p, "status");

  *value = category_code (p);
  if (stage == 0)
    return PANO_INCIDENT_CLASS_UNKNOWN;
  pano_incident_clock (time_member (p, "stage_since"), time_member (p, "deadline"),
                       pano_json_member (p, "overdue", &overdue) && pano_json_is_true (overdue),
                       g_get_real_time () / 1000, &clock);
  return pano_incident_class_for_clock (clock.state, stage == PANO_EVENT_CLOSED);
}

/* Returns: whether an entity of @layer in @klass is an open event or incident */
gboolean
pano_live_class_is_open (const char *layer,
                         guint       klass)
{
  if (g_strcmp0 (layer, "incidents") == 0)
    return klass >= PANO_INCIDENT_CLASS_ON_TIME;
  return klass != PANO_EVENT_UNKNOWN && klass != PANO_EVENT_CLOSED;
}

gboolean
pano_live_class_is_overdue (const char *layer,
                            guint       klass)
{
  if (g_strcmp0 (layer, "incidents") == 0)
    return klass == PANO_INCIDENT_CLASS_OVERDUE;
  return klass == PANO_EVENT_OVERDUE;
}

/**
 * pano_live_classify:
 * @value: (out): the number shown for the entity (AQI, speed, severity, open events)
 *
 * Returns: the class the entity is drawn in, 0 when its properties do not say
 */
guint
pano_live_classify (const char   *layer,
                    PanoJsonSpan  p,
                    float        *value)
{
  *value = 0;
  if (!pano_json_is_object (p))
    return 0;
  if (g_str_equal (layer, "traffic"))
    return classify_traffic (p, value);
  if (g_str_equal (layer, "environment"))
    {
      double aqi = number_member (p, "aqi", -1);

      *value = aqi;
      return pano_aqi_band_for_value (aqi);
    }
  if (g_str_equal (layer, "resources"))
    {
      guint kind = lookup (kind_names, p, "kind");
      guint status = lookup (resource_names, p, "status");

      /* The value says what it is (its symbol); a site without a status is simply there. */
      *value = kind;
      if (status == 0 && kind >= PANO_RESOURCE_KIND_WAREHOUSE)
        return PANO_RESOURCE_AVAILABLE;
      return status;
    }
  if (g_str_equal (layer, "events"))
    return classify_events (p, value);
  if (g_str_equal (layer, "incidents"))
    return classify_incident (p, value);
  if (g_str_equal (layer, "grid"))
    {
      *value = number_member (p, "open_events", 0);
      return number_member (p, "overdue_events", 0) > 0 ? PANO_EVENT_OVERDUE
                                                        : *value > 0 ? PANO_EVENT_REPORTED : 0;
    }
  if (g_str_equal (layer, "alerts"))
    {
      *value = number_member (p, "value", 0);
      if (string_member_is (p, "status", "cleared"))
        return 1;
      return string_member_is (p, "level", "severe") ? 4 : 3;
    }
  return 0;
}

/**
 * pano_congestion_index:
 * @counts: road segments per congestion class (PanoCongestion)
 *
 * Returns: the city congestion index, 0 (every road free) to 10 (every road jammed), or -1
 *   when no segment has a level
 */
double
pano_congestion_index (const guint *counts)
{
  double sum = 0;
  guint n = 0;

  for (guint k = PANO_CONGESTION_FREE; k <= PANO_CONGESTION_JAMMED; k++)
    {
      sum += counts[k] * (k - PANO_CONGESTION_FREE) * 10.0 / 3.0;
      n += counts[k];
    }
  return n > 0 ? sum / n : -1;
}
