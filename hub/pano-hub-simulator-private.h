// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <math.h>

#include "pano-hub-router.h"
#include "pano-hub-simulator.h"
#include "pano-incident.h"

/* Shared between pano-hub-simulator.c (the object, ticks and incidents) and
 * pano-hub-simulator-world.c (traffic, environment, sensors and units). */

#define TICK_MS 1000
#define SIM_START_S (7 * 3600.0)      /* the simulated day starts at 07:00 */
#define UNIT_SPEED_MS (40.0 / 3.6)   /* off the road network */
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
  GArray *speeds;       /* m/s per leg of route: the road's live speed or limit */
  guint leg;
  double speed;         /* m/s on the current leg */
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
  PanoHubRouter *router;  /* NULL: units drive straight lines */
  GRand *rand;
  double speed;
  double manual_share;   /* share of new events left in `reported` for an operator */
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

/* Every random draw goes through here, in a fixed order per tick. */
static inline double
uniform (PanoHubSimulator *self,
         double            low,
         double            high)
{
  return g_rand_double_range (self->rand, low, high);
}

static inline double
hour_of_day (PanoHubSimulator *self)
{
  return fmod (SIM_START_S + self->now, 86400.0) / 3600.0;
}

static inline gint64
stale_in (double seconds)
{
  return g_get_real_time () + (gint64) (seconds * G_USEC_PER_SEC);
}

static inline char *
point_json (double lon,
            double lat)
{
  return g_strdup_printf ("{\"type\":\"Point\",\"coordinates\":[%.6f,%.6f]}", lon, lat);
}

static inline void
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

static inline void
quoted (GString    *out,
        const char *text)
{
  if (text == NULL)
    g_string_append (out, "null");
  else
    pano_protocol_append_quoted (out, text);
}


void      pano_hub_sim_load_roads (PanoHubSimulator *self);
void      pano_hub_sim_update_road (PanoHubSimulator *self,
                                    Road             *road);
void      pano_hub_sim_step_traffic (PanoHubSimulator *self,
                                     double           dt);
void      pano_hub_sim_update_station (PanoHubSimulator *self,
                                       Station          *s);
void      pano_hub_sim_step_environment (PanoHubSimulator *self,
                                         double           dt);
void      pano_hub_sim_update_sensor (PanoHubSimulator *self,
                                      guint            index);
void      pano_hub_sim_step_sensors (PanoHubSimulator *self,
                                     double           dt);
void      pano_hub_sim_publish_unit (PanoHubSimulator *self,
                                     Unit             *unit);
void      pano_hub_sim_load_facilities (PanoHubSimulator *self);
double    pano_hub_sim_distance_m (const double *a,
                                   const double *b);
void      pano_hub_sim_drive_to (PanoHubSimulator *self,
                                 Unit             *unit,
                                 const double     *target,
                                 UnitState        state);
gboolean  pano_hub_sim_advance_unit (Unit   *unit,
                                     double dt);
Unit     *pano_hub_sim_quickest_unit (PanoHubSimulator *self,
                                      const char       *kind,
                                      const double     *target);
Unit      *pano_hub_sim_find_unit (PanoHubSimulator *self,
                                   const char       *id);
