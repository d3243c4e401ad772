// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-simulator"

#include <math.h>

#include "pano-hub-simulator.h"
#include "pano-incident.h"

/* A seeded, simulated city on the demo data: traffic per road segment with a daily curve and
 * random jams, environment stations with AQI and exceedance alerts, emergency units that drive
 * the road network when dispatched, warehouses, shelters, and grid events that move through
 * the lifecycle unless an operator takes them over. Every random draw comes from one GRand in
 * a fixed order per tick, so the same seed gives the same sequence of changes. */

#define TICK_MS 1000
#define SIM_START_S (7 * 3600.0)      /* the simulated day starts at 07:00 */
#define UNIT_SPEED_MS (40.0 / 3.6)
#define EVENT_MEAN_GAP_S 180.0

typedef struct
{
  guint road;
  char *geometry;
  double bbox[4];
  const char *name;
  const char *klass;
  double limit;
  double jam_until;
  double jam_factor;
} Road;

typedef struct
{
  char *id;
  const char *name;
  double lon, lat;
  double pm25_base;
  double pm25, pm10, o3, noise;
  double episode_until;
  gboolean alerting;
  guint alerts;
} Station;

typedef enum { UNIT_AVAILABLE, UNIT_EN_ROUTE, UNIT_ON_SCENE, UNIT_RETURNING } UnitState;

typedef struct
{
  char *id;
  const char *kind;
  char *station;
  double home[2];
  double pos[2];
  UnitState state;
  char *incident;
  GArray *route;        /* lon, lat pairs */
  guint leg;
  gboolean moved;
} Unit;

typedef struct
{
  char *id;
  double next_at;
  const char *unit_kind;
} SimIncident;

struct _PanoHubSimulator
{
  GObject parent_instance;
  PanoHubCity *city;
  PanoHubStore *store;
  PanoHubIncidents *incidents;
  GRand *rand;
  double speed;
  guint n_sensors;
  double extent[4];
  double now;            /* simulated seconds since start */
  guint64 tick;
  guint command_counter;
  GArray *roads;
  GPtrArray *stations;
  GPtrArray *units;
  GPtrArray *owned;      /* SimIncident: events the simulator raised and still runs */
  GHashTable *touched;   /* incident ids published since the last tick */
  guint road_cursor;
  guint station_cursor;
  guint sensor_cursor;
  guint timeout_id;
};

G_DEFINE_FINAL_TYPE (PanoHubSimulator, pano_hub_simulator, G_TYPE_OBJECT)

static void
road_clear (Road *road)
{
  g_free (road->geometry);
}

static void
station_free (Station *station)
{
  g_free (station->id);
  g_free (station);
}

static void
unit_free (Unit *unit)
{
  g_free (unit->id);
  g_free (unit->station);
  g_free (unit->incident);
  g_clear_pointer (&unit->route, g_array_unref);
  g_free (unit);
}

static void
sim_incident_free (SimIncident *incident)
{
  g_free (incident->id);
  g_free (incident);
}

static void
pano_hub_simulator_dispose (GObject *object)
{
  PanoHubSimulator *self = PANO_HUB_SIMULATOR (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->city);
  g_clear_object (&self->store);
  g_clear_object (&self->incidents);
  G_OBJECT_CLASS (pano_hub_simulator_parent_class)->dispose (object);
}

static void
pano_hub_simulator_finalize (GObject *object)
{
  PanoHubSimulator *self = PANO_HUB_SIMULATOR (object);

  g_rand_free (self->rand);
  g_array_unref (self->roads);
  g_ptr_array_unref (self->stations);
  g_ptr_array_unref (self->units);
  g_ptr_array_unref (self->owned);
  g_hash_table_unref (self->touched);
  G_OBJECT_CLASS (pano_hub_simulator_parent_class)->finalize (object);
}

static void
pano_hub_simulator_class_init (PanoHubSimulatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pano_hub_simulator_dispose;
  object_class->finalize = pano_hub_simulator_finalize;
}

static void
pano_hub_simulator_init (PanoHubSimulator *self)
{
  self->roads = g_array_new (FALSE, TRUE, sizeof (Road));
  g_array_set_clear_func (self->roads, (GDestroyNotify) road_clear);
  self->stations = g_ptr_array_new_with_free_func ((GDestroyNotify) station_free);
  self->units = g_ptr_array_new_with_free_func ((GDestroyNotify) unit_free);
  self->owned = g_ptr_array_new_with_free_func ((GDestroyNotify) sim_incident_free);
  self->touched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static double
uniform (PanoHubSimulator *self,
         double            low,
         double            high)
{
  return g_rand_double_range (self->rand, low, high);
}

static double
hour_of_day (PanoHubSimulator *self)
{
  return fmod (SIM_START_S + self->now, 86400.0) / 3600.0;
}

static gint64
stale_in (double seconds)
{
  return g_get_real_time () + (gint64) (seconds * G_USEC_PER_SEC);
}

static char *
point_json (double lon,
            double lat)
{
  return g_strdup_printf ("{\"type\":\"Point\",\"coordinates\":[%.6f,%.6f]}", lon, lat);
}

static void
upsert_point (PanoHubSimulator *self,
              PanoLayerId       layer,
              const char       *id,
              double            lon,
              double            lat,
              const char       *properties,
              double            stale_s)
{
  g_autofree char *geometry = point_json (lon, lat);
  double bbox[4] = { lon, lat, lon, lat };

  pano_hub_store_upsert_raw (self->store, layer, id, geometry, bbox, properties,
                             stale_s > 0 ? stale_in (stale_s) : 0);
}

static void
quoted (GString    *out,
        const char *text)
{
  if (text == NULL)
    g_string_append (out, "null");
  else
    pano_protocol_append_quoted (out, text);
}

/* ---- traffic ---- */

/* Share of capacity in use: a night floor and morning and evening peaks. */
static double
traffic_demand (double hour)
{
  return 0.15 + 0.55 * exp (-pow ((hour - 8.0) / 1.2, 2)) +
         0.6 * exp (-pow ((hour - 18.0) / 1.5, 2)) + 0.2 * exp (-pow ((hour - 13.0) / 2.5, 2));
}

static const char *
congestion_level (double ratio,
                  const char **label)
{
  static const char * const names[] = { "free", "slow", "congested", "severe" };
  static const char * const labels[] = { "畅通", "缓行", "拥堵", "严重拥堵" };
  guint i = ratio > 0.7 ? 0 : ratio > 0.5 ? 1 : ratio > 0.3 ? 2 : 3;

  *label = labels[i];
  return names[i];
}

static void
load_roads (PanoHubSimulator *self)
{
  guint n = pano_hub_city_get_n_roads (self->city);

  g_array_set_size (self->roads, n);
  for (guint i = 0; i < n; i++)
    {
      Road *road = &g_array_index (self->roads, Road, i);
      const char *limit = pano_hub_city_get_road_value (self->city, i, "speed_limit");

      road->road = i;
      road->geometry = pano_hub_city_road_geometry (self->city, i, road->bbox);
      road->name = pano_hub_city_get_road_value (self->city, i, "name");
      road->klass = pano_hub_city_get_road_value (self->city, i, "class");
      road->limit = limit ? g_ascii_strtod (limit, NULL) : 40.0;
      if (road->limit <= 0)
        road->limit = 40.0;
    }
}

static void
update_road (PanoHubSimulator *self,
             Road             *road)
{
  double weight = g_strcmp0 (road->klass, "arterial") == 0 ? 1.0 :
                  g_strcmp0 (road->klass, "secondary") == 0 ? 0.8 : 0.55;
  double ratio = 1.0 - 0.75 * traffic_demand (hour_of_day (self)) * weight;
  g_autoptr(GString) props = g_string_new ("{\"name\":");
  g_autofree char *id = g_strdup_printf ("road-%u", road->road);
  const char *label;
  const char *level;

  /* Jams start at random, about once per road per two simulated days, and last 10-40 min. */
  if (road->jam_until <= self->now && g_rand_double (self->rand) < 60.0 / (2 * 86400.0))
    {
      road->jam_until = self->now + uniform (self, 600, 2400);
      road->jam_factor = uniform (self, 0.1, 0.3);
    }
  ratio *= uniform (self, 0.92, 1.08);
  if (road->jam_until > self->now)
    ratio = MIN (ratio, road->jam_factor);
  ratio = CLAMP (ratio, 0.05, 1.0);
  level = congestion_level (ratio, &label);
  quoted (props, road->name);
  g_string_append (props, ",\"class\":");
  quoted (props, road->klass);
  g_string_append_printf (props, ",\"speed_limit\":%.0f,\"speed_kmh\":%.1f,\"ratio\":%.2f,"
                          "\"level\":\"%s\",\"level_label\":\"%s\",\"jam\":%s}", road->limit,
                          road->limit * ratio, ratio, level, label,
                          road->jam_until > self->now ? "true" : "false");
  pano_hub_store_upsert_raw (self->store, PANO_LAYER_TRAFFIC, id, road->geometry, road->bbox,
                             props->str, stale_in (300));
}

/* Each road reports about once per simulated minute, spread evenly over the ticks. */
static void
step_traffic (PanoHubSimulator *self,
              double            dt)
{
  guint n = self->roads->len;
  guint count = MIN (n, (guint) ceil (n * dt / 60.0));

  for (guint i = 0; i < count && n > 0; i++)
    {
      update_road (self, &g_array_index (self->roads, Road, self->road_cursor));
      self->road_cursor = (self->road_cursor + 1) % n;
    }
}

/* ---- environment ---- */

/* Chinese IAQI (HJ 633-2012): breakpoints of concentration and index. */
static double
iaqi (double        value,
      const double *breaks)
{
  static const double index[] = { 0, 50, 100, 150, 200, 300, 400, 500 };

  for (guint i = 1; i < 8; i++)
    if (value <= breaks[i])
      return index[i - 1] + (index[i] - index[i - 1]) * (value - breaks[i - 1]) /
                            (breaks[i] - breaks[i - 1]);
  return 500;
}

static double
station_aqi (Station     *s,
             const char **primary)
{
  static const double pm25[] = { 0, 35, 75, 115, 150, 250, 350, 500 };
  static const double pm10[] = { 0, 50, 150, 250, 350, 420, 500, 600 };
  static const double o3[] = { 0, 160, 200, 300, 400, 800, 1000, 1200 };
  double a = iaqi (s->pm25, pm25), b = iaqi (s->pm10, pm10), c = iaqi (s->o3, o3);

  *primary = a >= b && a >= c ? "pm25" : b >= c ? "pm10" : "o3";
  return MAX (a, MAX (b, c));
}

static void
raise_alert (PanoHubSimulator *self,
             Station          *s,
             double            aqi,
             const char       *primary,
             gboolean          active)
{
  g_autofree char *id = g_strdup_printf ("alert-%s-%u", s->id, s->alerts);
  g_autoptr(GString) props = g_string_new ("{\"kind\":\"env_exceedance\",\"station\":");

  quoted (props, s->id);
  g_string_append (props, ",\"station_name\":");
  quoted (props, s->name);
  g_string_append_printf (props, ",\"metric\":\"aqi\",\"primary\":\"%s\",\"value\":%.0f,"
                          "\"threshold\":150,\"level\":\"%s\",\"status\":\"%s\"}", primary, aqi,
                          aqi > 200 ? "severe" : "warning", active ? "active" : "cleared");
  upsert_point (self, PANO_LAYER_ALERTS, id, s->lon, s->lat, props->str, active ? 0 : 600);
}

static void
update_station (PanoHubSimulator *self,
                Station          *s)
{
  double hour = hour_of_day (self);
  double rush = 1.0 + 0.35 * exp (-pow ((hour - 8.5) / 1.5, 2)) +
                0.4 * exp (-pow ((hour - 19.0) / 2.0, 2));
  g_autoptr(GString) props = g_string_new ("{\"kind\":\"env_station\",\"name\":");
  const char *primary;
  double aqi;

  /* Pollution episodes: about one per station every three simulated days, 20-90 min long. */
  if (s->episode_until <= self->now && g_rand_double (self->rand) < 60.0 / (3 * 86400.0))
    s->episode_until = self->now + uniform (self, 1200, 5400);
  s->pm25 = 0.7 * s->pm25 + 0.3 * s->pm25_base * rush * uniform (self, 0.8, 1.2);
  if (s->episode_until > self->now)
    s->pm25 = MAX (s->pm25, s->pm25_base * uniform (self, 3.0, 4.5));
  s->pm10 = s->pm25 * uniform (self, 1.4, 1.9);
  s->o3 = 30 + 130 * exp (-pow ((hour - 15.0) / 3.0, 2)) * uniform (self, 0.8, 1.2);
  s->noise = (hour > 6 && hour < 22 ? 58 : 46) + uniform (self, -4, 8);
  aqi = station_aqi (s, &primary);
  quoted (props, s->name);
  g_string_append_printf (props, ",\"aqi\":%.0f,\"primary\":\"%s\",\"pm25\":%.1f,\"pm10\":%.1f,"
                          "\"o3\":%.1f,\"noise_db\":%.1f,\"exceeded\":%s}", aqi, primary,
                          s->pm25, s->pm10, s->o3, s->noise, aqi > 150 ? "true" : "false");
  upsert_point (self, PANO_LAYER_ENVIRONMENT, s->id, s->lon, s->lat, props->str, 300);
  if (aqi > 150 && !s->alerting)
    {
      s->alerting = TRUE;
      s->alerts++;
      raise_alert (self, s, aqi, primary, TRUE);
    }
  else if (aqi <= 150 && s->alerting)
    {
      s->alerting = FALSE;
      raise_alert (self, s, aqi, primary, FALSE);
    }
}

static void
step_environment (PanoHubSimulator *self,
                  double            dt)
{
  guint n = self->stations->len;
  guint count = MIN (n, (guint) ceil (n * dt / 60.0));

  for (guint i = 0; i < count && n > 0; i++)
    {
      update_station (self, self->stations->pdata[self->station_cursor]);
      self->station_cursor = (self->station_cursor + 1) % n;
    }
}

/* A fixed position per node without a generator per node (splitmix64). */
static double
hash01 (guint64 x)
{
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  x ^= x >> 31;
  return (x >> 11) * (1.0 / 9007199254740992.0);
}

/* Scale runs: N plain sensor nodes, each reporting about every five simulated minutes. */
static void
update_sensor (PanoHubSimulator *self,
               guint             index)
{
  char id[32], props[96], geometry[80];
  double lon = self->extent[0] + hash01 (2 * index) * (self->extent[2] - self->extent[0]);
  double lat = self->extent[1] + hash01 (2 * index + 1) * (self->extent[3] - self->extent[1]);
  double bbox[4] = { lon, lat, lon, lat };

  g_snprintf (id, sizeof id, "node-%u", index);
  g_snprintf (geometry, sizeof geometry, "{\"type\":\"Point\",\"coordinates\":[%.5f,%.5f]}",
              lon, lat);
  g_snprintf (props, sizeof props, "{\"kind\":\"sensor_node\",\"value\":%.2f,\"online\":%s}",
              uniform (self, 0, 100), g_rand_double (self->rand) < 0.995 ? "true" : "false");
  pano_hub_store_upsert_raw (self->store, PANO_LAYER_ENVIRONMENT, id, geometry, bbox, props,
                             stale_in (900));
}

static void
step_sensors (PanoHubSimulator *self,
              double            dt)
{
  guint count = MIN (self->n_sensors, (guint) ceil (self->n_sensors * dt / 300.0));

  for (guint i = 0; i < count && self->n_sensors > 0; i++)
    {
      update_sensor (self, self->sensor_cursor);
      self->sensor_cursor = (self->sensor_cursor + 1) % self->n_sensors;
    }
}

/* ---- emergency resources ---- */

static const char *
unit_state_name (UnitState state)
{
  static const char * const names[] = { "available", "en_route", "on_scene", "returning" };

  return names[state];
}

static void
publish_unit (PanoHubSimulator *self,
              Unit             *unit)
{
  g_autoptr(GString) props = g_string_new ("{\"kind\":");

  quoted (props, unit->kind);
  g_string_append (props, ",\"station\":");
  quoted (props, unit->station);
  g_string_append_printf (props, ",\"status\":\"%s\",\"incident\":",
                          unit_state_name (unit->state));
  quoted (props, unit->incident);
  g_string_append_printf (props, ",\"speed_kmh\":%.0f}",
                          unit->state == UNIT_EN_ROUTE || unit->state == UNIT_RETURNING ?
                          UNIT_SPEED_MS * 3.6 : 0.0);
  upsert_point (self, PANO_LAYER_RESOURCES, unit->id, unit->pos[0], unit->pos[1], props->str,
                120);
}

static void
add_units (PanoHubSimulator      *self,
           const PanoHubFacility *facility,
           guint                  index,
           const char            *kind,
           const char            *prefix,
           guint                  count)
{
  for (guint k = 1; k <= count; k++)
    {
      Unit *unit = g_new0 (Unit, 1);

      unit->id = g_strdup_printf ("%s-%u-%u", prefix, index, k);
      unit->kind = kind;
      unit->station = g_strdup (facility->name);
      unit->home[0] = unit->pos[0] = facility->lon;
      unit->home[1] = unit->pos[1] = facility->lat;
      g_ptr_array_add (self->units, unit);
    }
}

static guint
facility_uint (PanoHubSimulator      *self,
               const PanoHubFacility *facility,
               const char            *field,
               guint                  fallback)
{
  const char *text = pano_hub_city_get_facility_value (self->city, facility->feature, field);
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, 100000, &value, NULL))
    return fallback;
  return value;
}

/* Warehouses and shelters are static but live: published once with their figures. */
static void
publish_site (PanoHubSimulator      *self,
              const PanoHubFacility *facility,
              guint                  index)
{
  g_autofree char *id = g_strdup_printf ("%s-%u", facility->kind, index);
  g_autoptr(GString) props = g_string_new ("{\"kind\":");
  gboolean shelter = g_str_equal (facility->kind, "shelter");

  quoted (props, facility->kind);
  g_string_append (props, ",\"name\":");
  quoted (props, facility->name);
  if (shelter)
    {
      guint capacity = facility_uint (self, facility, "capacity", 500);

      g_string_append_printf (props, ",\"capacity\":%u,\"occupancy\":0,\"status\":\"open\"}",
                              capacity);
    }
  else
    {
      g_string_append (props, ",\"stock\":");
      quoted (props, pano_hub_city_get_facility_value (self->city, facility->feature, "stock"));
      g_string_append (props, "}");
    }
  upsert_point (self, PANO_LAYER_RESOURCES, id, facility->lon, facility->lat, props->str, 0);
}

static void
load_facilities (PanoHubSimulator *self)
{
  g_autoptr(GArray) facilities = pano_hub_city_get_facilities (self->city);

  for (guint i = 0; i < facilities->len; i++)
    {
      const PanoHubFacility *f = &g_array_index (facilities, PanoHubFacility, i);

      if (g_str_equal (f->kind, "fire_station"))
        {
          add_units (self, f, i, "fire_engine", "fire", facility_uint (self, f, "units", 2));
          add_units (self, f, i, "rescue_team", "rescue", 1);
        }
      else if (g_str_equal (f->kind, "hospital"))
        add_units (self, f, i, "ambulance", "ambulance", 2);
      else if (g_str_equal (f->kind, "police_station"))
        {
          add_units (self, f, i, "police", "police", 2);
          add_units (self, f, i, "enforcement", "enforcement", 1);
        }
      else if (g_str_equal (f->kind, "warehouse") || g_str_equal (f->kind, "shelter"))
        publish_site (self, f, i);
      else if (g_str_equal (f->kind, "env_station"))
        {
          Station *s = g_new0 (Station, 1);

          s->id = g_strdup_printf ("env-%u", i);
          s->name = f->name;
          s->lon = f->lon;
          s->lat = f->lat;
          s->pm25_base = uniform (self, 22, 55);
          s->pm25 = s->pm25_base;
          g_ptr_array_add (self->stations, s);
        }
    }
}

static double
distance_m (const double *a,
            const double *b)
{
  double dx = (b[0] - a[0]) * 111320.0 * cos (a[1] * G_PI / 180.0);
  double dy = (b[1] - a[1]) * 110540.0;

  return sqrt (dx * dx + dy * dy);
}

static void
drive_to (PanoHubSimulator *self,
          Unit             *unit,
          const double     *target,
          UnitState         state)
{
  g_clear_pointer (&unit->route, g_array_unref);
  unit->route = pano_hub_city_route (self->city, unit->pos[0], unit->pos[1], target[0],
                                     target[1]);
  unit->leg = 1;
  unit->state = state;
  publish_unit (self, unit);
}

/* Moves a unit along its route by the distance it covers in @dt; TRUE when it arrived. */
static gboolean
advance_unit (Unit   *unit,
              double  dt)
{
  double budget = UNIT_SPEED_MS * dt;
  const double *p = (const double *) unit->route->data;
  guint n = unit->route->len / 2;

  while (unit->leg < n && budget > 0)
    {
      double d = distance_m (unit->pos, &p[2 * unit->leg]);

      if (d <= budget)
        {
          unit->pos[0] = p[2 * unit->leg];
          unit->pos[1] = p[2 * unit->leg + 1];
          budget -= d;
          unit->leg++;
        }
      else
        {
          unit->pos[0] += (p[2 * unit->leg] - unit->pos[0]) * budget / d;
          unit->pos[1] += (p[2 * unit->leg + 1] - unit->pos[1]) * budget / d;
          budget = 0;
        }
    }
  return unit->leg >= n;
}

static Unit *
find_unit (PanoHubSimulator *self,
           const char       *id)
{
  for (guint i = 0; i < self->units->len; i++)
    {
      Unit *unit = self->units->pdata[i];

      if (g_str_equal (unit->id, id))
        return unit;
    }
  return NULL;
}

/* ---- incidents ---- */

/* The simulator acts through the same durable, audited command path as an operator. */
static gboolean
run_command (PanoHubSimulator *self,
             const char       *body,
             char            **incident_id)
{
  PanoHubCommandResult result;
  g_autofree char *key = g_strdup_printf ("sim-%s-%u", pano_hub_store_get_epoch (self->store),
                                          self->command_counter++);
  g_autoptr(JsonNode) answer = NULL;
  gboolean ok;

  pano_hub_incidents_execute (self->incidents, "simulator", PANO_HUB_ROLE_ADMIN, key, body,
                              strlen (body), &result);
  ok = result.status < 300;
  if (ok && incident_id != NULL && (answer = json_from_string (result.body, NULL)) != NULL)
    *incident_id = g_strdup (json_object_get_string_member (json_object_get_object_member (
                                json_node_get_object (answer), "incident"), "id"));
  if (!ok)
    g_debug ("Simulator command refused (%u): %s", result.status, result.body);
  g_free (result.body);
  return ok;
}

static const struct
{
  const char *category;
  const char *title;
  const char *unit_kind;
  double weight;
} event_kinds[] = {
  { "市政设施", "井盖缺失 manhole cover missing", "enforcement", 18 },
  { "市政设施", "路灯故障 street lamp out", "enforcement", 12 },
  { "环境卫生", "垃圾堆积 rubbish piled up", "enforcement", 20 },
  { "市容秩序", "占道经营 street vending on the road", "enforcement", 16 },
  { "公共安全", "消防通道堵塞 fire lane blocked", "police", 8 },
  { "事故灾难", "交通事故 road accident", "police", 8 },
  { "事故灾难", "火灾 fire", "fire_engine", 4 },
  { "事故灾难", "燃气泄漏 gas leak", "fire_engine", 2 },
  { "自然灾害", "道路积水 road flooding", "rescue_team", 3 },
  { "公共卫生", "突发疾病 medical emergency", "ambulance", 6 },
  { "社会安全", "聚集纠纷 public dispute", "police", 3 },
};

static const char * const sources[] = { "grid_worker", "hotline_12345", "sensor", "video_ai" };

static void
raise_event (PanoHubSimulator *self)
{
  double total = 0, pick;
  guint kind = 0, cell, n_cells = pano_hub_city_get_n_cells (self->city);
  double lon, lat, r = g_rand_double (self->rand);
  gint severity = r < 0.5 ? 1 : r < 0.8 ? 2 : r < 0.95 ? 3 : 4;
  g_autoptr(GString) body = g_string_new ("{\"command\":\"create\",\"category\":");
  SimIncident *incident;
  char *id = NULL;

  if (n_cells == 0)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (event_kinds); i++)
    total += event_kinds[i].weight;
  pick = uniform (self, 0, total);
  while (kind < G_N_ELEMENTS (event_kinds) - 1 && (pick -= event_kinds[kind].weight) > 0)
    kind++;
  cell = g_rand_int_range (self->rand, 0, n_cells);
  pano_hub_city_get_cell_center (self->city, cell, &lon, &lat);
  quoted (body, event_kinds[kind].category);
  g_string_append (body, ",\"title\":");
  quoted (body, event_kinds[kind].title);
  g_string_append_printf (body, ",\"severity\":%d,\"location\":[%.6f,%.6f],\"source\":\"%s\"}",
                          severity, lon, lat,
                          sources[g_rand_int_range (self->rand, 0, G_N_ELEMENTS (sources))]);
  if (!run_command (self, body->str, &id))
    return;
  incident = g_new0 (SimIncident, 1);
  incident->id = id;
  incident->unit_kind = event_kinds[kind].unit_kind;
  incident->next_at = self->now + uniform (self, 60, 480);
  g_ptr_array_add (self->owned, incident);
}

static Unit *
nearest_available (PanoHubSimulator *self,
                   const char       *kind,
                   const double     *target)
{
  Unit *best = NULL;
  double best_d = G_MAXDOUBLE;

  for (guint i = 0; i < self->units->len; i++)
    {
      Unit *unit = self->units->pdata[i];
      double d;

      if (unit->state != UNIT_AVAILABLE || !g_str_equal (unit->kind, kind))
        continue;
      d = distance_m (unit->pos, target);
      if (d < best_d)
        best = unit, best_d = d;
    }
  return best;
}

static void
location_of (JsonObject *incident,
             double     *target)
{
  JsonArray *location = json_object_get_array_member (incident, "location");

  target[0] = json_array_get_double_element (location, 0);
  target[1] = json_array_get_double_element (location, 1);
}

static gboolean
transition (PanoHubSimulator *self,
            const char       *id,
            const char       *to)
{
  g_autofree char *body = g_strdup_printf ("{\"command\":\"transition\",\"incident\":\"%s\","
                                           "\"to\":\"%s\"}", id, to);

  return run_command (self, body, NULL);
}

/* Moves one of the simulator's own incidents one stage on; FALSE once it is finished. */
static gboolean
advance_incident (PanoHubSimulator *self,
                  SimIncident      *owned,
                  JsonObject       *incident)
{
  const char *status = json_object_get_string_member (incident, "status");
  double target[2];

  if (g_str_equal (status, "reported"))
    return transition (self, owned->id, g_rand_double (self->rand) < 0.03 ? "cancelled"
                                                                          : "accepted");
  if (g_str_equal (status, "accepted") || g_str_equal (status, "returned"))
    {
      Unit *unit;
      g_autofree char *body = NULL;

      location_of (incident, target);
      if ((unit = nearest_available (self, owned->unit_kind, target)) == NULL)
        return TRUE;   /* nobody free: try again at the next due time */
      body = g_strdup_printf ("{\"command\":\"dispatch\",\"incident\":\"%s\",\"units\":[\"%s\"]}",
                              owned->id, unit->id);
      run_command (self, body, NULL);
      return TRUE;
    }
  if (g_str_equal (status, "dispatched"))
    return g_rand_double (self->rand) < 0.05 ? transition (self, owned->id, "returned") : TRUE;
  if (g_str_equal (status, "handling"))
    return transition (self, owned->id, "verified");
  if (g_str_equal (status, "verified"))
    return transition (self, owned->id, "closed") && FALSE;
  return FALSE;
}

static void
step_owned (PanoHubSimulator *self)
{
  for (guint i = 0; i < self->owned->len; i++)
    {
      SimIncident *owned = self->owned->pdata[i];
      JsonObject *incident = pano_hub_incidents_lookup (self->incidents, owned->id);

      if (owned->next_at > self->now)
        continue;
      /* An operator acted on it: from now on it is theirs. */
      if (incident == NULL || g_strcmp0 (json_object_get_string_member_with_default (
                                           incident, "updated_by", NULL), "simulator") != 0 ||
          !advance_incident (self, owned, incident))
        {
          g_ptr_array_remove_index (self->owned, i--);
          continue;
        }
      owned->next_at = self->now + uniform (self, 120, 900);
    }
}

static gboolean
is_owned (PanoHubSimulator *self,
          const char       *id)
{
  for (guint i = 0; i < self->owned->len; i++)
    if (g_str_equal (((SimIncident *) self->owned->pdata[i])->id, id))
      return TRUE;
  return FALSE;
}

static gboolean
still_assigned (PanoHubSimulator *self,
                Unit             *unit)
{
  JsonObject *incident = unit->incident ?
                         pano_hub_incidents_lookup (self->incidents, unit->incident) : NULL;
  const char *status;
  JsonArray *units;
  PanoIncidentStatus s;

  if (incident == NULL)
    return FALSE;
  status = json_object_get_string_member (incident, "status");
  if (!pano_incident_status_from_name (status, &s) || pano_incident_status_is_final (s) ||
      s == PANO_INCIDENT_RETURNED)
    return FALSE;
  units = json_object_get_array_member (incident, "units");
  for (guint i = 0; i < json_array_get_length (units); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (units, i),
                                                  "id"), unit->id) == 0)
      return TRUE;
  return FALSE;
}

/* A unit named in a dispatch (by an operator or by the simulator) acknowledges and drives. */
static void
follow_assignment (PanoHubSimulator *self,
                   const char       *id)
{
  JsonObject *found = pano_hub_incidents_lookup (self->incidents, id);
  /* Acknowledging replaces the stored incident: keep this version alive while walking it. */
  g_autoptr(JsonObject) incident = found ? json_object_ref (found) : NULL;
  const char *status = incident ? json_object_get_string_member (incident, "status") : NULL;
  JsonArray *units;
  double target[2];

  if (g_strcmp0 (status, "dispatched") != 0 && g_strcmp0 (status, "handling") != 0)
    return;
  location_of (incident, target);
  units = json_object_get_array_member (incident, "units");
  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *assigned = json_array_get_object_element (units, i);
      Unit *unit = find_unit (self, json_object_get_string_member (assigned, "id"));
      g_autofree char *body = NULL;

      if (unit == NULL || (unit->state != UNIT_AVAILABLE && unit->state != UNIT_RETURNING))
        continue;
      g_free (unit->incident);
      unit->incident = g_strdup (id);
      drive_to (self, unit, target, UNIT_EN_ROUTE);
      if (json_object_get_boolean_member_with_default (assigned, "acknowledged", FALSE))
        continue;
      body = g_strdup_printf ("{\"command\":\"acknowledge\",\"incident\":\"%s\",\"unit\":\"%s\"}",
                              id, unit->id);
      run_command (self, body, NULL);
    }
}

static gint
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
follow_assignments (PanoHubSimulator *self)
{
  g_autoptr(GList) ids = g_hash_table_get_keys (self->touched);
  g_autoptr(GPtrArray) copies = g_ptr_array_new_with_free_func (g_free);

  /* Commands below publish again: work on a sorted copy so the order is the seed's. */
  for (GList *l = ids; l != NULL; l = l->next)
    g_ptr_array_add (copies, g_strdup (l->data));
  g_hash_table_remove_all (self->touched);
  g_ptr_array_sort (copies, compare_ids);
  for (guint i = 0; i < copies->len; i++)
    follow_assignment (self, copies->pdata[i]);
}

static void
arrive (PanoHubSimulator *self,
        Unit             *unit)
{
  JsonObject *incident = pano_hub_incidents_lookup (self->incidents, unit->incident);

  unit->state = UNIT_ON_SCENE;
  publish_unit (self, unit);
  if (incident != NULL && is_owned (self, unit->incident) &&
      g_str_equal (json_object_get_string_member (incident, "status"), "dispatched") &&
      g_strcmp0 (json_object_get_string_member_with_default (incident, "updated_by", NULL),
                 "simulator") == 0)
    transition (self, unit->incident, "handling");
}

static void
step_units (PanoHubSimulator *self,
            double            dt)
{
  for (guint i = 0; i < self->units->len; i++)
    {
      Unit *unit = self->units->pdata[i];

      if ((unit->state == UNIT_EN_ROUTE || unit->state == UNIT_ON_SCENE) &&
          !still_assigned (self, unit))
        {
          g_clear_pointer (&unit->incident, g_free);
          drive_to (self, unit, unit->home, UNIT_RETURNING);
        }
      if (unit->state == UNIT_EN_ROUTE)
        {
          if (advance_unit (unit, dt))
            arrive (self, unit);
          else
            publish_unit (self, unit);
        }
      else if (unit->state == UNIT_RETURNING)
        {
          if (advance_unit (unit, dt))
            unit->state = UNIT_AVAILABLE;
          publish_unit (self, unit);
        }
    }
}

static void
on_published (PanoHubStore *store,
              PanoHubDelta *delta,
              gpointer      user_data)
{
  PanoHubSimulator *self = user_data;

  if (delta->layer == PANO_LAYER_INCIDENTS)
    g_hash_table_add (self->touched, g_strdup (delta->id));
}

/* One tick: TICK_MS of wall time, speed × that of simulated time. */
void
pano_hub_simulator_step (PanoHubSimulator *self)
{
  double dt = self->speed * TICK_MS / 1000.0;
  double expected = dt / EVENT_MEAN_GAP_S;
  guint events = (guint) floor (expected);

  self->now += dt;
  self->tick++;
  step_traffic (self, dt);
  step_environment (self, dt);
  step_sensors (self, dt);
  if (g_rand_double (self->rand) < expected - events)
    events++;
  for (guint i = 0; i < events; i++)
    raise_event (self);
  follow_assignments (self);
  step_units (self, dt);
  step_owned (self);
  follow_assignments (self);
}

static gboolean
on_tick (gpointer user_data)
{
  pano_hub_simulator_step (user_data);
  return G_SOURCE_CONTINUE;
}

static void
compute_extent (PanoHubSimulator *self)
{
  self->extent[0] = self->extent[1] = G_MAXDOUBLE;
  self->extent[2] = self->extent[3] = -G_MAXDOUBLE;
  for (guint i = 0; i < self->roads->len; i++)
    {
      Road *road = &g_array_index (self->roads, Road, i);

      self->extent[0] = MIN (self->extent[0], road->bbox[0]);
      self->extent[1] = MIN (self->extent[1], road->bbox[1]);
      self->extent[2] = MAX (self->extent[2], road->bbox[2]);
      self->extent[3] = MAX (self->extent[3], road->bbox[3]);
    }
  if (self->roads->len == 0)
    {
      self->extent[0] = 110.6, self->extent[1] = 32.5;
      self->extent[2] = 110.9, self->extent[3] = 32.7;
    }
}

PanoHubSimulator *
pano_hub_simulator_new (PanoHubCity      *city,
                        PanoHubStore     *store,
                        PanoHubIncidents *incidents,
                        guint64           seed,
                        double            speed,
                        guint             entities)
{
  PanoHubSimulator *self = g_object_new (PANO_TYPE_HUB_SIMULATOR, NULL);
  guint32 seeds[2] = { (guint32) seed, (guint32) (seed >> 32) };

  self->city = g_object_ref (city);
  self->store = g_object_ref (store);
  self->incidents = g_object_ref (incidents);
  self->rand = g_rand_new_with_seed_array (seeds, 2);
  self->speed = speed;
  self->n_sensors = entities;
  load_roads (self);
  load_facilities (self);
  compute_extent (self);
  g_signal_connect (store, "published", G_CALLBACK (on_published), self);
  g_message ("Simulating %u road segments, %u environment stations, %u units, %u sensor nodes "
             "(seed %" G_GUINT64_FORMAT ", speed %.1f)", self->roads->len, self->stations->len,
             self->units->len, self->n_sensors, seed, speed);
  return self;
}

/* Publishes the whole initial state, then ticks once per second. */
void
pano_hub_simulator_start (PanoHubSimulator *self)
{
  for (guint i = 0; i < self->roads->len; i++)
    update_road (self, &g_array_index (self->roads, Road, i));
  for (guint i = 0; i < self->stations->len; i++)
    update_station (self, self->stations->pdata[i]);
  for (guint i = 0; i < self->units->len; i++)
    publish_unit (self, self->units->pdata[i]);
  for (guint i = 0; i < self->n_sensors; i++)
    update_sensor (self, i);
  self->timeout_id = g_timeout_add (TICK_MS, on_tick, self);
}
