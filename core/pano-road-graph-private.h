// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-road-graph.h"
#include "pano-spatial-index.h"

/* Shared by pano-road-graph.c (building, live speeds, snapping), pano-road-search.c (the
 * searches) and pano-road-graph-load.c (reading files through GDAL). */

/* An arc is a segment travelled one way: the segment index shifted left, the low bit set when
 * it runs against the segment's own direction (from its last node to its first). */
#define ARC_SEGMENT(arc) ((arc) >> 1)
#define ARC_BACKWARD(arc) ((arc) & 1)

struct _PanoRoadGraph
{
  gatomicrefcount ref;
  guint n_nodes;
  guint n_segments;
  guint n_arcs;
  double *node_lonlat;      /* 2 per node */

  guint32 *seg_from;
  guint32 *seg_to;
  guint64 *seg_road;        /* the road (feature, way) a segment was cut from */
  double *seg_length;       /* metres */
  double *seg_time;         /* seconds at the limit or class speed */
  guint8 *seg_oneway;
  guint32 *seg_geom;        /* n_segments + 1 offsets into geom_lonlat, in points */
  double *geom_lonlat;

  /* Incoming arcs per node (compressed sparse rows): the search runs from the destination
   * backwards, so for node v the arcs u → v are in_tail/in_arc[in_start[v] .. in_start[v+1]). */
  guint32 *in_start;
  guint32 *in_tail;
  guint32 *in_arc;
  double *in_time;          /* the arc's segment time at its limit, beside it in memory */

  /* Live speeds, per segment: the travel time while now < live_until. */
  double *live_time;
  gint64 *live_until;
  gint64 live_latest;

  /* Roads sorted by id, for live speeds keyed by road: road_ids[i] owns the segments
   * road_segs[road_first[i] .. road_first[i + 1]). */
  guint n_roads;
  guint64 *road_ids;
  guint32 *road_first;
  guint32 *road_segs;

  PanoSpatialIndex *index;  /* over segment boxes, lon/lat */
  double bounds[4];
};

static inline double
pano_road_graph_arc_time (const PanoRoadGraph *g,
                          guint32              segment,
                          gint64               now_us)
{
  return G_UNLIKELY (g->live_until[segment] > now_us) ? g->live_time[segment]
                                                      : g->seg_time[segment];
}

void pano_road_graph_append_partial (PanoRoadGraph *self,
                                     guint          segment,
                                     double         from_m,
                                     double         to_m,
                                     double         speed,
                                     PanoRoadPath  *path);
