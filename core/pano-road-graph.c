// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-road-graph"

#include <math.h>

#include "pano-road-graph-private.h"

/* The road graph: built once from segments, then read by searches. Travel times per segment
 * are fixed at build time (length / limit); a live speed overrides one until it goes stale. */

G_DEFINE_QUARK (pano-road-graph-error-quark, pano_road_graph_error)
G_DEFINE_BOXED_TYPE (PanoRoadGraph, pano_road_graph, pano_road_graph_ref, pano_road_graph_unref)

#define METRES_PER_DEGREE_LAT 110540.0
#define METRES_PER_DEGREE_LON 111320.0

struct _PanoRoadGraphBuilder
{
  GArray *nodes;      /* double lon, lat */
  GArray *from;       /* guint32 */
  GArray *to;         /* guint32 */
  GArray *road;       /* guint64 */
  GArray *length;     /* double */
  GArray *speed;      /* double, km/h */
  GArray *oneway;     /* guint8 */
  GArray *geom;       /* guint32, offsets in points */
  GArray *lonlat;     /* double */
};

/* Default speeds (km/h) for road classes without a limit: the demo city's classes and
 * OpenStreetMap's highway values; anything else gets 30. */
double
pano_road_class_speed_kmh (const char *road_class)
{
  static const struct { const char *name; double kmh; } classes[] = {
    { "motorway", 100 }, { "trunk", 80 }, { "primary", 60 }, { "arterial", 60 },
    { "secondary", 50 }, { "tertiary", 40 }, { "motorway_link", 60 }, { "trunk_link", 50 },
    { "primary_link", 40 }, { "secondary_link", 40 }, { "tertiary_link", 30 },
    { "unclassified", 30 }, { "residential", 30 }, { "local", 30 }, { "road", 30 },
    { "living_street", 10 }, { "service", 20 }, { "track", 15 },
  };

  for (guint i = 0; road_class != NULL && i < G_N_ELEMENTS (classes); i++)
    if (g_str_equal (road_class, classes[i].name))
      return classes[i].kmh;
  return 30;
}

/* Metres between two nearby points: equirectangular at their mean latitude, exact enough
 * within a city and the same measure everywhere in the graph. */
double
pano_road_distance_m (double lon1,
                      double lat1,
                      double lon2,
                      double lat2)
{
  double dx = (lon2 - lon1) * METRES_PER_DEGREE_LON * cos ((lat1 + lat2) * G_PI / 360.0);
  double dy = (lat2 - lat1) * METRES_PER_DEGREE_LAT;

  return sqrt (dx * dx + dy * dy);
}

PanoRoadGraphBuilder *
pano_road_graph_builder_new (void)
{
  PanoRoadGraphBuilder *b = g_new0 (PanoRoadGraphBuilder, 1);
  guint32 zero = 0;

  b->nodes = g_array_new (FALSE, FALSE, sizeof (double));
  b->from = g_array_new (FALSE, FALSE, sizeof (guint32));
  b->to = g_array_new (FALSE, FALSE, sizeof (guint32));
  b->road = g_array_new (FALSE, FALSE, sizeof (guint64));
  b->length = g_array_new (FALSE, FALSE, sizeof (double));
  b->speed = g_array_new (FALSE, FALSE, sizeof (double));
  b->oneway = g_array_new (FALSE, FALSE, sizeof (guint8));
  b->geom = g_array_new (FALSE, FALSE, sizeof (guint32));
  b->lonlat = g_array_new (FALSE, FALSE, sizeof (double));
  g_array_append_val (b->geom, zero);
  return b;
}

void
pano_road_graph_builder_free (PanoRoadGraphBuilder *b)
{
  GArray **arrays[] = { &b->nodes, &b->from, &b->to, &b->road, &b->length, &b->speed,
                        &b->oneway, &b->geom, &b->lonlat };

  for (guint i = 0; i < G_N_ELEMENTS (arrays); i++)
    g_clear_pointer (arrays[i], g_array_unref);
  g_free (b);
}

guint
pano_road_graph_builder_add_node (PanoRoadGraphBuilder *b,
                                  double                lon,
                                  double                lat)
{
  double p[2] = { lon, lat };

  g_array_append_vals (b->nodes, p, 2);
  return b->nodes->len / 2 - 1;
}

/**
 * pano_road_graph_builder_add_segment:
 * @points: (array length=n_points): lon/lat pairs from node @from to node @to; with fewer than
 *   two, the straight line between the nodes
 * @length_m: the length, or <= 0 to measure @points
 * @speed_kmh: the limit, or <= 0 for 30
 * @oneway: travel only from @from to @to
 */
void
pano_road_graph_builder_add_segment (PanoRoadGraphBuilder *b,
                                     guint64               road,
                                     guint                 from,
                                     guint                 to,
                                     const double         *points,
                                     guint                 n_points,
                                     double                length_m,
                                     double                speed_kmh,
                                     gboolean              oneway)
{
  const double *nodes = (const double *) b->nodes->data;
  guint8 flag = oneway ? 1 : 0;
  guint32 end;

  g_return_if_fail (from < b->nodes->len / 2 && to < b->nodes->len / 2);
  if (n_points >= 2)
    g_array_append_vals (b->lonlat, points, 2 * n_points);
  else
    {
      g_array_append_vals (b->lonlat, &nodes[2 * from], 2);
      g_array_append_vals (b->lonlat, &nodes[2 * to], 2);
      n_points = 2;
    }
  if (length_m <= 0)
    {
      const double *p = (const double *) b->lonlat->data + b->lonlat->len - 2 * n_points;

      length_m = 0;
      for (guint i = 1; i < n_points; i++)
        length_m += pano_road_distance_m (p[2 * i - 2], p[2 * i - 1], p[2 * i], p[2 * i + 1]);
    }
  end = b->lonlat->len / 2;
  speed_kmh = speed_kmh > 0 ? speed_kmh : 30;
  g_array_append_val (b->from, from);
  g_array_append_val (b->to, to);
  g_array_append_val (b->road, road);
  g_array_append_val (b->length, length_m);
  g_array_append_val (b->speed, speed_kmh);
  g_array_append_val (b->oneway, flag);
  g_array_append_val (b->geom, end);
}

/* Incoming arcs grouped by head node: count, prefix-sum, fill. */
static void
build_incoming (PanoRoadGraph *g)
{
  g_autofree guint32 *fill = g_new0 (guint32, g->n_nodes + 1);

  g->in_start = g_new0 (guint32, g->n_nodes + 1);
  for (guint s = 0; s < g->n_segments; s++)
    {
      g->in_start[g->seg_to[s] + 1]++;
      if (!g->seg_oneway[s])
        g->in_start[g->seg_from[s] + 1]++;
    }
  for (guint v = 0; v < g->n_nodes; v++)
    g->in_start[v + 1] += g->in_start[v];
  g->n_arcs = g->in_start[g->n_nodes];
  g->in_tail = g_new (guint32, MAX (g->n_arcs, 1));
  g->in_arc = g_new (guint32, MAX (g->n_arcs, 1));
  g->in_time = g_new (double, MAX (g->n_arcs, 1));
  memcpy (fill, g->in_start, sizeof (guint32) * (g->n_nodes + 1));
  for (guint s = 0; s < g->n_segments; s++)
    {
      guint32 a = fill[g->seg_to[s]]++;

      g->in_tail[a] = g->seg_from[s];
      g->in_arc[a] = s << 1;
      g->in_time[a] = g->seg_time[s];
      if (g->seg_oneway[s])
        continue;
      a = fill[g->seg_from[s]]++;
      g->in_tail[a] = g->seg_to[s];
      g->in_arc[a] = (s << 1) | 1;
      g->in_time[a] = g->seg_time[s];
    }
}

typedef struct
{
  guint64 road;
  guint32 segment;
} RoadEntry;

static gint
compare_road (gconstpointer a,
              gconstpointer b)
{
  const RoadEntry *x = a, *y = b;

  if (x->road != y->road)
    return x->road < y->road ? -1 : 1;
  return x->segment < y->segment ? -1 : x->segment > y->segment;
}

/* Segments sorted by road, then grouped: a live speed names a road, and a road (an OSM way)
 * may have been cut into many segments. */
static void
build_road_index (PanoRoadGraph *g)
{
  g_autofree RoadEntry *entries = g_new (RoadEntry, MAX (g->n_segments, 1));
  guint n = 0;

  for (guint s = 0; s < g->n_segments; s++)
    entries[s] = (RoadEntry) { g->seg_road[s], s };
  qsort (entries, g->n_segments, sizeof (RoadEntry), compare_road);
  g->road_segs = g_new (guint32, MAX (g->n_segments, 1));
  g->road_ids = g_new (guint64, MAX (g->n_segments, 1));
  g->road_first = g_new (guint32, g->n_segments + 1);
  for (guint i = 0; i < g->n_segments; i++)
    {
      g->road_segs[i] = entries[i].segment;
      if (i == 0 || entries[i].road != g->road_ids[n - 1])
        {
          g->road_ids[n] = entries[i].road;
          g->road_first[n++] = i;
        }
    }
  g->road_first[n] = g->n_segments;
  g->n_roads = n;
}

static void
build_index (PanoRoadGraph *g)
{
  g->index = pano_spatial_index_new (g->n_segments);
  g->bounds[0] = g->bounds[1] = G_MAXDOUBLE;
  g->bounds[2] = g->bounds[3] = -G_MAXDOUBLE;
  for (guint s = 0; s < g->n_segments; s++)
    {
      double box[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };

      for (guint i = g->seg_geom[s]; i < g->seg_geom[s + 1]; i++)
        {
          box[0] = MIN (box[0], g->geom_lonlat[2 * i]);
          box[1] = MIN (box[1], g->geom_lonlat[2 * i + 1]);
          box[2] = MAX (box[2], g->geom_lonlat[2 * i]);
          box[3] = MAX (box[3], g->geom_lonlat[2 * i + 1]);
        }
      pano_spatial_index_add (g->index, box[0], box[1], box[2], box[3]);
      g->bounds[0] = MIN (g->bounds[0], box[0]);
      g->bounds[1] = MIN (g->bounds[1], box[1]);
      g->bounds[2] = MAX (g->bounds[2], box[2]);
      g->bounds[3] = MAX (g->bounds[3], box[3]);
    }
  pano_spatial_index_finish (g->index);
}

/**
 * pano_road_graph_builder_finish:
 *
 * Seals the graph and frees @builder.
 *
 * Returns: (transfer full): the graph
 */
PanoRoadGraph *
pano_road_graph_builder_finish (PanoRoadGraphBuilder *b)
{
  PanoRoadGraph *g = g_new0 (PanoRoadGraph, 1);
  const double *speed = (const double *) b->speed->data;

  g_atomic_ref_count_init (&g->ref);
  g->n_nodes = b->nodes->len / 2;
  g->n_segments = b->from->len;
  g->node_lonlat = (double *) g_array_free (g_steal_pointer (&b->nodes), FALSE);
  g->seg_from = (guint32 *) g_array_free (g_steal_pointer (&b->from), FALSE);
  g->seg_to = (guint32 *) g_array_free (g_steal_pointer (&b->to), FALSE);
  g->seg_length = (double *) g_array_free (g_steal_pointer (&b->length), FALSE);
  g->seg_oneway = (guint8 *) g_array_free (g_steal_pointer (&b->oneway), FALSE);
  g->seg_geom = (guint32 *) g_array_free (g_steal_pointer (&b->geom), FALSE);
  g->geom_lonlat = (double *) g_array_free (g_steal_pointer (&b->lonlat), FALSE);
  g->seg_road = (guint64 *) g_memdup2 (b->road->data, sizeof (guint64) * MAX (g->n_segments, 1));
  g->seg_time = g_new (double, MAX (g->n_segments, 1));
  for (guint s = 0; s < g->n_segments; s++)
    g->seg_time[s] = g->seg_length[s] / (speed[s] / 3.6);
  g->live_time = g_new0 (double, MAX (g->n_segments, 1));
  g->live_until = g_new0 (gint64, MAX (g->n_segments, 1));
  build_incoming (g);
  build_road_index (g);
  build_index (g);
  pano_road_graph_builder_free (b);
  g_debug ("Road graph: %u nodes, %u segments, %u arcs, %u roads", g->n_nodes, g->n_segments,
           g->n_arcs, g->n_roads);
  return g;
}

PanoRoadGraph *
pano_road_graph_ref (PanoRoadGraph *self)
{
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
pano_road_graph_unref (PanoRoadGraph *self)
{
  gpointer arrays[] = { self->node_lonlat, self->seg_from, self->seg_to, self->seg_road,
                        self->seg_length, self->seg_time, self->seg_oneway, self->seg_geom,
                        self->geom_lonlat, self->in_start, self->in_tail, self->in_arc,
                        self->in_time,
                        self->live_time, self->live_until, self->road_ids, self->road_first,
                        self->road_segs };

  if (!g_atomic_ref_count_dec (&self->ref))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (arrays); i++)
    g_free (arrays[i]);
  pano_spatial_index_unref (self->index);
  g_free (self);
}

guint
pano_road_graph_get_n_nodes (PanoRoadGraph *self)
{
  return self->n_nodes;
}

guint
pano_road_graph_get_n_segments (PanoRoadGraph *self)
{
  return self->n_segments;
}

guint
pano_road_graph_get_n_arcs (PanoRoadGraph *self)
{
  return self->n_arcs;
}

void
pano_road_graph_get_node (PanoRoadGraph *self,
                          guint          node,
                          double        *lon,
                          double        *lat)
{
  g_return_if_fail (node < self->n_nodes);
  *lon = self->node_lonlat[2 * node];
  *lat = self->node_lonlat[2 * node + 1];
}

void
pano_road_graph_get_segment (PanoRoadGraph *self,
                             guint          segment,
                             guint         *from,
                             guint         *to,
                             double        *length_m,
                             gboolean      *oneway)
{
  g_return_if_fail (segment < self->n_segments);
  *from = self->seg_from[segment];
  *to = self->seg_to[segment];
  *length_m = self->seg_length[segment];
  *oneway = self->seg_oneway[segment];
}

guint64
pano_road_graph_get_segment_road (PanoRoadGraph *self,
                                  guint          segment)
{
  return self->seg_road[segment];
}

/* Seconds to drive the whole segment at @now_us. */
double
pano_road_graph_get_segment_time (PanoRoadGraph *self,
                                  guint          segment,
                                  gint64         now_us)
{
  return pano_road_graph_arc_time (self, segment, now_us);
}

gboolean
pano_road_graph_get_bounds (PanoRoadGraph *self,
                            double        *bounds)
{
  if (self->n_segments == 0)
    return FALSE;
  memcpy (bounds, self->bounds, sizeof self->bounds);
  return TRUE;
}

static gboolean
find_road (PanoRoadGraph *self,
           guint64        road,
           guint         *index)
{
  guint lo = 0, hi = self->n_roads;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (self->road_ids[mid] < road)
        lo = mid + 1;
      else
        hi = mid;
    }
  *index = lo;
  return lo < self->n_roads && self->road_ids[lo] == road;
}

/**
 * pano_road_graph_set_live_speed:
 *
 * Every segment of @road is driven at @speed_kmh until @until_us (real time).
 *
 * Returns: how many segments the road has in this graph (0: not a road of this graph)
 */
guint
pano_road_graph_set_live_speed (PanoRoadGraph *self,
                                guint64        road,
                                double         speed_kmh,
                                gint64         until_us)
{
  guint r;

  if (!find_road (self, road, &r))
    return 0;
  speed_kmh = MAX (speed_kmh, 1.0);
  for (guint i = self->road_first[r]; i < self->road_first[r + 1]; i++)
    {
      guint32 s = self->road_segs[i];

      self->live_time[s] = self->seg_length[s] / (speed_kmh / 3.6);
      self->live_until[s] = until_us;
    }
  self->live_latest = MAX (self->live_latest, until_us);
  return self->road_first[r + 1] - self->road_first[r];
}

void
pano_road_graph_clear_live_speed (PanoRoadGraph *self,
                                  guint64        road)
{
  guint r;

  if (!find_road (self, road, &r))
    return;
  for (guint i = self->road_first[r]; i < self->road_first[r + 1]; i++)
    self->live_until[self->road_segs[i]] = 0;
}

/* TRUE when some live speed may still be in force at @now_us. */
gboolean
pano_road_graph_has_live_speeds (PanoRoadGraph *self,
                                 gint64         now_us)
{
  return self->live_latest > now_us;
}

/* ---- snapping ---- */

typedef struct
{
  PanoRoadGraph *graph;
  double lon, lat, kx, ky;
  PanoRoadSnap best;
  gboolean found;
} SnapQuery;

/* Nearest point of one segment's polyline, in metres of a plane tangent at the query. */
static gboolean
visit_segment (guint    segment,
               gpointer user_data)
{
  SnapQuery *q = user_data;
  PanoRoadGraph *g = q->graph;
  const double *p = g->geom_lonlat;
  double best = G_MAXDOUBLE, best_along = 0, along = 0, bx = 0, by = 0;

  for (guint i = g->seg_geom[segment]; i + 1 < g->seg_geom[segment + 1]; i++)
    {
      double ax = (p[2 * i] - q->lon) * q->kx, ay = (p[2 * i + 1] - q->lat) * q->ky;
      double dx = (p[2 * i + 2] - q->lon) * q->kx - ax, dy = (p[2 * i + 3] - q->lat) * q->ky - ay;
      double len2 = dx * dx + dy * dy, t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
      double cx, cy, d;

      t = CLAMP (t, 0.0, 1.0);
      cx = ax + t * dx, cy = ay + t * dy;
      d = sqrt (cx * cx + cy * cy);
      if (d < best)
        best = d, best_along = along + t * sqrt (len2), bx = cx, by = cy;
      along += sqrt (len2);
    }
  if (q->found && (best > q->best.distance_m ||
                   (best == q->best.distance_m && segment > q->best.segment)))
    return TRUE;
  q->found = TRUE;
  q->best.segment = segment;
  q->best.distance_m = best;
  q->best.offset_m = along > 0 ? best_along / along * g->seg_length[segment] : 0;
  q->best.lon = q->lon + bx / q->kx;
  q->best.lat = q->lat + by / q->ky;
  return TRUE;
}

/**
 * pano_road_graph_snap:
 * @max_m: the farthest a road may be, or <= 0 for any distance
 *
 * Finds the nearest point on any segment (not merely the nearest node), searching the R-tree
 * in growing squares until the nearest found lies within the square searched.
 *
 * Returns: FALSE when no segment lies within @max_m
 */
gboolean
pano_road_graph_snap (PanoRoadGraph *self,
                      double         lon,
                      double         lat,
                      double         max_m,
                      PanoRoadSnap  *snap)
{
  SnapQuery q = { self, lon, lat, METRES_PER_DEGREE_LON * cos (lat * G_PI / 180.0),
                  METRES_PER_DEGREE_LAT };
  double limit = max_m > 0 ? max_m : G_MAXDOUBLE;

  if (self->n_segments == 0)
    return FALSE;
  for (double r = MIN (200.0, limit);; r = MIN (r * 4, limit))
    {
      q.found = FALSE;
      pano_spatial_index_search (self->index, lon - r / q.kx, lat - r / q.ky, lon + r / q.kx,
                                 lat + r / q.ky, visit_segment, &q);
      if (q.found && q.best.distance_m <= r)
        break;
      if (r >= limit || (r > 1e7))
        {
          if (!q.found || q.best.distance_m > limit)
            return FALSE;
          break;
        }
    }
  *snap = q.best;
  return TRUE;
}

/* ---- geometry of routes ---- */

static void
append_point (PanoRoadPath *path,
              double        lon,
              double        lat,
              double        speed)
{
  double p[2] = { lon, lat };
  const double *last = path->points->len ?
                       &g_array_index (path->points, double, path->points->len - 2) : NULL;

  if (last != NULL && last[0] == lon && last[1] == lat)
    return;
  if (last != NULL)
    g_array_append_val (path->speeds, speed);
  g_array_append_vals (path->points, p, 2);
}

static void
append_at (PanoRoadGraph *self,
           const double  *p,
           const double  *at,
           guint          n,
           double         offset,
           double         speed,
           PanoRoadPath  *path)
{
  guint j = 0;
  double span, t;

  while (j + 2 < n && at[j + 1] < offset)
    j++;
  span = at[j + 1] - at[j];
  t = span > 0 ? CLAMP ((offset - at[j]) / span, 0.0, 1.0) : 0;
  append_point (path, p[2 * j] + t * (p[2 * j + 2] - p[2 * j]),
                p[2 * j + 1] + t * (p[2 * j + 3] - p[2 * j + 1]), speed);
}

/* Appends the part of @segment's polyline between two offsets (metres from its first node,
 * either way round), driven at @speed m/s. */
void
pano_road_graph_append_partial (PanoRoadGraph *self,
                                guint          segment,
                                double         from_m,
                                double         to_m,
                                double         speed,
                                PanoRoadPath  *path)
{
  const double *p = self->geom_lonlat + 2 * self->seg_geom[segment];
  guint n = self->seg_geom[segment + 1] - self->seg_geom[segment];
  g_autofree double *at = g_new (double, n);
  double scale, lo = MIN (from_m, to_m), hi = MAX (from_m, to_m);

  at[0] = 0;
  for (guint i = 1; i < n; i++)
    at[i] = at[i - 1] + pano_road_distance_m (p[2 * i - 2], p[2 * i - 1], p[2 * i], p[2 * i + 1]);
  scale = at[n - 1] > 0 ? self->seg_length[segment] / at[n - 1] : 0;
  for (guint i = 0; i < n; i++)
    at[i] *= scale;
  path->distance_m += hi - lo;
  append_at (self, p, at, n, from_m, speed, path);
  for (guint k = 0; k < n; k++)
    {
      guint i = from_m <= to_m ? k : n - 1 - k;

      if (at[i] > lo && at[i] < hi)
        append_point (path, p[2 * i], p[2 * i + 1], speed);
    }
  append_at (self, p, at, n, to_m, speed, path);
}

void
pano_road_path_clear (PanoRoadPath *path)
{
  g_clear_pointer (&path->points, g_array_unref);
  g_clear_pointer (&path->speeds, g_array_unref);
}
