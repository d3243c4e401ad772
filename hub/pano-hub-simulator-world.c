// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-simulator"

#include "pano-hub-simulator-private.h"

/* The simulated world the incidents happen in: road traffic, air and noise, sensor nodes,
 * and the emergency units with their stations, warehouses and shelters. */

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

void
pano_hub_sim_load_roads (PanoHubSimulator *self)
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

void
pano_hub_sim_update_road (PanoHubSimulator *self,
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
void
pano_hub_sim_step_traffic (PanoHubSimulator *self,
              double            dt)
{
  guint n = self->roads->len;
  guint count = MIN (n, (guint) ceil (n * dt / 60.0));

  for (guint i = 0; i < count && n > 0; i++)
    {
      pano_hub_sim_update_road (self, &g_array_index (self->roads, Road, self->road_cursor));
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

void
pano_hub_sim_update_station (PanoHubSimulator *self,
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

void
pano_hub_sim_step_environment (PanoHubSimulator *self,
                  double            dt)
{
  guint n = self->stations->len;
  guint count = MIN (n, (guint) ceil (n * dt / 60.0));

  for (guint i = 0; i < count && n > 0; i++)
    {
      pano_hub_sim_update_station (self, self->stations->pdata[self->station_cursor]);
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
void
pano_hub_sim_update_sensor (PanoHubSimulator *self,
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

void
pano_hub_sim_step_sensors (PanoHubSimulator *self,
              double            dt)
{
  guint count = MIN (self->n_sensors, (guint) ceil (self->n_sensors * dt / 300.0));

  for (guint i = 0; i < count && self->n_sensors > 0; i++)
    {
      pano_hub_sim_update_sensor (self, self->sensor_cursor);
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

void
pano_hub_sim_publish_unit (PanoHubSimulator *self,
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
                          unit->speed * 3.6 : 0.0);
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

void
pano_hub_sim_load_facilities (PanoHubSimulator *self)
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

double
pano_hub_sim_distance_m (const double *a,
            const double *b)
{
  double dx = (b[0] - a[0]) * 111320.0 * cos (a[1] * G_PI / 180.0);
  double dy = (b[1] - a[1]) * 110540.0;

  return sqrt (dx * dx + dy * dy);
}

/* The quickest road route now, or a straight line at UNIT_SPEED_MS where there is none. */
void
pano_hub_sim_drive_to (PanoHubSimulator *self,
                       Unit             *unit,
                       const double     *target,
                       UnitState         state)
{
  PanoRoadPath path = { 0 };

  g_clear_pointer (&unit->route, g_array_unref);
  g_clear_pointer (&unit->speeds, g_array_unref);
  if (self->router != NULL && pano_hub_router_route (self->router, unit->pos, target, &path))
    {
      unit->route = g_steal_pointer (&path.points);
      unit->speeds = g_steal_pointer (&path.speeds);
    }
  else
    {
      double speed = UNIT_SPEED_MS;

      pano_road_path_clear (&path);
      unit->route = g_array_new (FALSE, FALSE, sizeof (double));
      unit->speeds = g_array_new (FALSE, FALSE, sizeof (double));
      g_array_append_vals (unit->route, unit->pos, 2);
      g_array_append_vals (unit->route, target, 2);
      g_array_append_val (unit->speeds, speed);
    }
  unit->leg = 1;
  unit->speed = g_array_index (unit->speeds, double, 0);
  unit->state = state;
  pano_hub_sim_publish_unit (self, unit);
}

/* Moves a unit along its route for @dt seconds, each leg at its road's speed; TRUE when it
 * arrived. */
gboolean
pano_hub_sim_advance_unit (Unit   *unit,
                           double  dt)
{
  const double *p = (const double *) unit->route->data;
  guint n = unit->route->len / 2;

  while (unit->leg < n && dt > 0)
    {
      double speed = MAX (g_array_index (unit->speeds, double, unit->leg - 1), 0.5);
      double d = pano_hub_sim_distance_m (unit->pos, &p[2 * unit->leg]);

      unit->speed = speed;
      if (d <= speed * dt)
        {
          unit->pos[0] = p[2 * unit->leg];
          unit->pos[1] = p[2 * unit->leg + 1];
          dt -= d / speed;
          unit->leg++;
        }
      else
        {
          unit->pos[0] += (p[2 * unit->leg] - unit->pos[0]) * speed * dt / d;
          unit->pos[1] += (p[2 * unit->leg + 1] - unit->pos[1]) * speed * dt / d;
          dt = 0;
        }
    }
  return unit->leg >= n;
}

/* The straight-line nearest, for a city without roads or units off the network. */
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
      d = pano_hub_sim_distance_m (unit->pos, target);
      if (d < best_d)
        best = unit, best_d = d;
    }
  return best;
}

/* The free unit of @kind with the shortest road ETA to @target: one search from the target
 * over the reversed graph for all of them. Ties go to the first unit. */
Unit *
pano_hub_sim_quickest_unit (PanoHubSimulator *self,
                            const char       *kind,
                            const double     *target)
{
  PanoRoadGraph *graph = self->router ? pano_hub_router_get_graph (self->router) : NULL;
  g_autoptr(GArray) sources = g_array_new (FALSE, FALSE, sizeof (PanoRoadSnap));
  g_autoptr(GPtrArray) units = g_ptr_array_new ();
  g_autofree PanoRoadEta *etas = NULL;
  PanoRoadSnap to, snap;
  guint best = G_MAXUINT;

  if (graph == NULL || !pano_road_graph_snap (graph, target[0], target[1],
                                              PANO_HUB_ROUTER_MAX_SNAP_M, &to))
    return nearest_available (self, kind, target);
  for (guint i = 0; i < self->units->len; i++)
    {
      Unit *unit = self->units->pdata[i];

      if (unit->state != UNIT_AVAILABLE || !g_str_equal (unit->kind, kind) ||
          !pano_road_graph_snap (graph, unit->pos[0], unit->pos[1],
                                 PANO_HUB_ROUTER_MAX_SNAP_M, &snap))
        continue;
      g_array_append_val (sources, snap);
      g_ptr_array_add (units, unit);
    }
  etas = g_new (PanoRoadEta, MAX (sources->len, 1));
  pano_road_search_rank (pano_hub_router_get_search (self->router), &to,
                         (const PanoRoadSnap *) sources->data, sources->len,
                         g_get_real_time (), etas);
  for (guint i = 0; i < units->len; i++)
    if (etas[i].reachable && (best == G_MAXUINT || etas[i].eta_s < etas[best].eta_s))
      best = i;
  return best != G_MAXUINT ? units->pdata[best] : nearest_available (self, kind, target);
}

Unit *
pano_hub_sim_find_unit (PanoHubSimulator *self,
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

