// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-simulator"

#include "pano-hub-simulator-private.h"

/* A seeded, simulated city on the demo data: traffic per road segment with a daily curve and
 * random jams, environment stations with AQI and exceedance alerts, emergency units that drive
 * the road network when dispatched, warehouses, shelters, and grid events that move through
 * the lifecycle unless an operator takes them over. Every random draw comes from one GRand in
 * a fixed order per tick, so the same seed gives the same sequence of changes. */

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
  g_clear_pointer (&unit->speeds, g_array_unref);
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
  g_clear_object (&self->router);
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
  { "市政设施", "井盖缺失", "enforcement", 18 },
  { "市政设施", "路灯故障", "enforcement", 12 },
  { "环境卫生", "垃圾堆积", "enforcement", 20 },
  { "市容秩序", "占道经营", "enforcement", 16 },
  { "公共安全", "消防通道堵塞", "police", 8 },
  { "事故灾难", "交通事故", "police", 8 },
  { "事故灾难", "火灾", "fire_engine", 4 },
  { "事故灾难", "燃气泄漏", "fire_engine", 2 },
  { "自然灾害", "道路积水", "rescue_team", 3 },
  { "公共卫生", "突发疾病", "ambulance", 6 },
  { "社会安全", "聚集纠纷", "police", 3 },
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
  /* This one waits in 上报 for an operator; the simulator leaves it alone. */
  if (g_rand_double (self->rand) < self->manual_share)
    {
      g_free (id);
      return;
    }
  incident = g_new0 (SimIncident, 1);
  incident->id = id;
  incident->unit_kind = event_kinds[kind].unit_kind;
  incident->next_at = self->now + uniform (self, 60, 480);
  g_ptr_array_add (self->owned, incident);
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
      if ((unit = pano_hub_sim_quickest_unit (self, owned->unit_kind, target)) == NULL)
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
      Unit *unit = pano_hub_sim_find_unit (self, json_object_get_string_member (assigned, "id"));
      g_autofree char *body = NULL;

      if (unit == NULL || (unit->state != UNIT_AVAILABLE && unit->state != UNIT_RETURNING))
        continue;
      g_free (unit->incident);
      unit->incident = g_strdup (id);
      pano_hub_sim_drive_to (self, unit, target, UNIT_EN_ROUTE);
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

/* Returns: %TRUE if @unit's entry on @incident already says it is on scene. */
static gboolean
reported_on_scene (JsonObject *incident,
                   const char *unit)
{
  JsonArray *units = json_object_get_array_member (incident, "units");

  for (guint i = 0; units != NULL && i < json_array_get_length (units); i++)
    {
      JsonObject *assigned = json_array_get_object_element (units, i);

      if (g_strcmp0 (json_object_get_string_member (assigned, "id"), unit) == 0)
        return json_object_has_member (assigned, "on_scene_at");
    }
  return FALSE;
}

/* The unit reports on scene (an audited `arrive`), whoever dispatched it; on the
 * simulator's own incidents handling then starts. */
static void
arrive (PanoHubSimulator *self,
        Unit             *unit)
{
  JsonObject *incident = pano_hub_incidents_lookup (self->incidents, unit->incident);

  unit->state = UNIT_ON_SCENE;
  pano_hub_sim_publish_unit (self, unit);
  if (incident != NULL && !reported_on_scene (incident, unit->id))
    {
      g_autofree char *body = g_strdup_printf ("{\"command\":\"arrive\",\"incident\":\"%s\","
                                               "\"unit\":\"%s\"}", unit->incident, unit->id);

      run_command (self, body, NULL);
      incident = pano_hub_incidents_lookup (self->incidents, unit->incident);
    }
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
          pano_hub_sim_drive_to (self, unit, unit->home, UNIT_RETURNING);
        }
      if (unit->state == UNIT_EN_ROUTE)
        {
          if (pano_hub_sim_advance_unit (unit, dt))
            arrive (self, unit);
          else
            pano_hub_sim_publish_unit (self, unit);
        }
      else if (unit->state == UNIT_RETURNING)
        {
          if (pano_hub_sim_advance_unit (unit, dt))
            unit->state = UNIT_AVAILABLE;
          pano_hub_sim_publish_unit (self, unit);
        }
    }
}

static void
on_changed (PanoHubStore *store,
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
  /* Subscribers get one delta per layer per tick, not one per road or unit. */
  pano_hub_store_begin_batch (self->store);
  pano_hub_sim_step_traffic (self, dt);
  pano_hub_sim_step_environment (self, dt);
  pano_hub_sim_step_sensors (self, dt);
  if (g_rand_double (self->rand) < expected - events)
    events++;
  for (guint i = 0; i < events; i++)
    raise_event (self);
  follow_assignments (self);
  step_units (self, dt);
  step_owned (self);
  follow_assignments (self);
  pano_hub_store_end_batch (self->store);
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
  pano_hub_sim_load_roads (self);
  pano_hub_sim_load_facilities (self);
  compute_extent (self);
  g_signal_connect (store, "changed", G_CALLBACK (on_changed), self);
  g_message ("Simulating %u road segments, %u environment stations, %u units, %u sensor nodes "
             "(seed %" G_GUINT64_FORMAT ", speed %.1f)", self->roads->len, self->stations->len,
             self->units->len, self->n_sensors, seed, speed);
  return self;
}

/* Units then drive the quickest road route and are dispatched by road ETA. */
void
pano_hub_simulator_set_router (PanoHubSimulator *self,
                               PanoHubRouter    *router)
{
  g_set_object (&self->router, router);
}

void
pano_hub_simulator_set_manual_share (PanoHubSimulator *self,
                                     double            share)
{
  self->manual_share = CLAMP (share, 0, 1);
}

/**
 * pano_hub_simulator_start:
 *
 * Publishes the whole initial state, then ticks once per second. Units start at their
 * stations; those that open incidents (dispatched, handling) name — a hub restarted on the
 * same database — drive to them again on the first tick, as after a new dispatch, so an
 * operator never sees a unit assigned to an incident while parked at its station.
 */
void
pano_hub_simulator_start (PanoHubSimulator *self)
{
  g_autoptr(GList) ids = pano_hub_incidents_list_ids (self->incidents);

  for (GList *l = ids; l != NULL; l = l->next)
    g_hash_table_add (self->touched, g_strdup (l->data));
  for (guint i = 0; i < self->roads->len; i++)
    pano_hub_sim_update_road (self, &g_array_index (self->roads, Road, i));
  for (guint i = 0; i < self->stations->len; i++)
    pano_hub_sim_update_station (self, self->stations->pdata[i]);
  for (guint i = 0; i < self->units->len; i++)
    pano_hub_sim_publish_unit (self, self->units->pdata[i]);
  for (guint i = 0; i < self->n_sensors; i++)
    pano_hub_sim_update_sensor (self, i);
  self->timeout_id = g_timeout_add (TICK_MS, on_tick, self);
}
