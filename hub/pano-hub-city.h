// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "pano-road-graph.h"

G_BEGIN_DECLS

/* Where a point lies in the four-level grid 市 → 区 → 街道 → 网格. */
typedef struct
{
  const char *code;
  const char *city;
  const char *district;
  const char *street;
  const char *cell;
} PanoHubGridCell;

typedef struct
{
  const char *kind;
  const char *name;
  double lon;
  double lat;
  guint feature;
} PanoHubFacility;

#define PANO_TYPE_HUB_CITY (pano_hub_city_get_type ())
G_DECLARE_FINAL_TYPE (PanoHubCity, pano_hub_city, PANO, HUB_CITY, GObject)

PanoHubCity *pano_hub_city_load            (const char      *path,
                                            GError         **error);
gboolean     pano_hub_city_locate          (PanoHubCity     *self,
                                            double           lon,
                                            double           lat,
                                            PanoHubGridCell *cell);
guint        pano_hub_city_get_n_cells     (PanoHubCity     *self);
void         pano_hub_city_get_cell_center (PanoHubCity     *self,
                                            guint            index,
                                            double          *lon,
                                            double          *lat);
const char  *pano_hub_city_get_facility_value (PanoHubCity  *self,
                                               guint         feature,
                                               const char   *field);
GArray      *pano_hub_city_get_facilities  (PanoHubCity     *self);

/* Road network: segments and the routing graph built from them. */
guint        pano_hub_city_get_n_roads     (PanoHubCity     *self);
const char  *pano_hub_city_get_road_value  (PanoHubCity     *self,
                                            guint            road,
                                            const char      *field);
char        *pano_hub_city_road_geometry   (PanoHubCity     *self,
                                            guint            road,
                                            double          *bbox);
PanoRoadGraph *pano_hub_city_get_road_graph (PanoHubCity   *self);

G_END_DECLS
