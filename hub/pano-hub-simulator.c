// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-simulator"

#include "pano-hub-simulator.h"

struct _PanoHubSimulator
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (PanoHubSimulator, pano_hub_simulator, G_TYPE_OBJECT)

static void pano_hub_simulator_class_init (PanoHubSimulatorClass *klass) { }
static void pano_hub_simulator_init (PanoHubSimulator *self) { }

PanoHubSimulator *
pano_hub_simulator_new (PanoHubCity *city, PanoHubStore *store, PanoHubIncidents *incidents,
                        guint64 seed, double speed, guint entities)
{
  return g_object_new (PANO_TYPE_HUB_SIMULATOR, NULL);
}

void pano_hub_simulator_start (PanoHubSimulator *self) { }
void pano_hub_simulator_step (PanoHubSimulator *self) { }
