// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* A road network for routing by travel time: nodes, road segments (each a polyline between two
 * nodes, one-way or both ways) and, per segment, a speed: the live speed while one is fresh,
 * else the speed limit, else a default for the road class. Kept in flat arrays (compressed
 * incoming adjacency) with a packed R-tree over the segments for snapping. Immutable once
 * built, except for live speeds. */

#define PANO_TYPE_ROAD_GRAPH (pano_road_graph_get_type ())

typedef struct _PanoRoadGraph PanoRoadGraph;
typedef struct _PanoRoadGraphBuilder PanoRoadGraphBuilder;
typedef struct _PanoRoadSearch PanoRoadSearch;

/* Where a point meets the network: on @segment, @offset_m metres from its first node. */
typedef struct
{
  guint segment;
  double offset_m;
  double distance_m;   /* from the point to the road */
  double lon;
  double lat;
} PanoRoadSnap;

/* One source of a one-to-many search, as found by pano_road_search_rank(). */
typedef struct
{
  gboolean reachable;
  double eta_s;
} PanoRoadEta;

/* A route as drawn and driven: lon/lat pairs, and for each leg between two points the speed
 * of the road it runs on (m/s). */
typedef struct
{
  GArray *points;      /* double: lon, lat, lon, lat, ... */
  GArray *speeds;      /* double: one per leg, n_points - 1 */
  double eta_s;
  double distance_m;
} PanoRoadPath;

#define PANO_ROAD_GRAPH_ERROR (pano_road_graph_error_quark ())

typedef enum
{
  PANO_ROAD_GRAPH_ERROR_UNREADABLE,
  PANO_ROAD_GRAPH_ERROR_NO_ROADS,
} PanoRoadGraphError;

GQuark                pano_road_graph_error_quark       (void);
GType                 pano_road_graph_get_type          (void) G_GNUC_CONST;

double                pano_road_class_speed_kmh         (const char *road_class);

PanoRoadGraphBuilder *pano_road_graph_builder_new       (void);
void                  pano_road_graph_builder_free      (PanoRoadGraphBuilder *builder);
guint                 pano_road_graph_builder_add_node  (PanoRoadGraphBuilder *builder,
                                                         double                lon,
                                                         double                lat);
void                  pano_road_graph_builder_add_segment (PanoRoadGraphBuilder *builder,
                                                           guint64               road,
                                                           guint                 from,
                                                           guint                 to,
                                                           const double         *points,
                                                           guint                 n_points,
                                                           double                length_m,
                                                           double                speed_kmh,
                                                           gboolean              oneway);
PanoRoadGraph        *pano_road_graph_builder_finish    (PanoRoadGraphBuilder *builder);

PanoRoadGraph        *pano_road_graph_load              (const char           *path,
                                                         GError              **error);
PanoRoadGraph        *pano_road_graph_ref               (PanoRoadGraph        *self);
void                  pano_road_graph_unref             (PanoRoadGraph        *self);

guint                 pano_road_graph_get_n_nodes       (PanoRoadGraph        *self);
guint                 pano_road_graph_get_n_segments    (PanoRoadGraph        *self);
guint                 pano_road_graph_get_n_arcs        (PanoRoadGraph        *self);
void                  pano_road_graph_get_node          (PanoRoadGraph        *self,
                                                         guint                 node,
                                                         double               *lon,
                                                         double               *lat);
void                  pano_road_graph_get_segment       (PanoRoadGraph        *self,
                                                         guint                 segment,
                                                         guint                *from,
                                                         guint                *to,
                                                         double               *length_m,
                                                         gboolean             *oneway);
guint64               pano_road_graph_get_segment_road  (PanoRoadGraph        *self,
                                                         guint                 segment);
double                pano_road_graph_get_segment_time  (PanoRoadGraph        *self,
                                                         guint                 segment,
                                                         gint64                now_us);
gboolean              pano_road_graph_get_bounds        (PanoRoadGraph        *self,
                                                         double               *bounds);

guint                 pano_road_graph_set_live_speed    (PanoRoadGraph        *self,
                                                         guint64               road,
                                                         double                speed_kmh,
                                                         gint64                until_us);
void                  pano_road_graph_clear_live_speed  (PanoRoadGraph        *self,
                                                         guint64               road);
gboolean              pano_road_graph_has_live_speeds   (PanoRoadGraph        *self,
                                                         gint64                now_us);

gboolean              pano_road_graph_snap              (PanoRoadGraph        *self,
                                                         double                lon,
                                                         double                lat,
                                                         double                max_m,
                                                         PanoRoadSnap         *snap);

PanoRoadSearch       *pano_road_search_new              (PanoRoadGraph        *graph);
void                  pano_road_search_free             (PanoRoadSearch       *self);
guint                 pano_road_search_rank             (PanoRoadSearch       *self,
                                                         const PanoRoadSnap   *target,
                                                         const PanoRoadSnap   *sources,
                                                         guint                 n_sources,
                                                         gint64                now_us,
                                                         PanoRoadEta          *etas);
gboolean              pano_road_search_path             (PanoRoadSearch       *self,
                                                         guint                 source,
                                                         PanoRoadPath         *path);
gboolean              pano_road_search_route            (PanoRoadSearch       *self,
                                                         double                from_lon,
                                                         double                from_lat,
                                                         double                to_lon,
                                                         double                to_lat,
                                                         double                max_snap_m,
                                                         gint64                now_us,
                                                         PanoRoadPath         *path);
void                  pano_road_path_clear              (PanoRoadPath         *path);

double                pano_road_distance_m              (double                lon1,
                                                         double                lat1,
                                                         double                lon2,
                                                         double                lat2);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PanoRoadGraph, pano_road_graph_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PanoRoadGraphBuilder, pano_road_graph_builder_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PanoRoadSearch, pano_road_search_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PanoRoadPath, pano_road_path_clear)

G_END_DECLS
