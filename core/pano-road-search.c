// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-road-graph"

#include "pano-road-graph-private.h"

/* One-to-many by travel time: a Dijkstra search from the destination over the incoming arcs
 * (the reversed graph) settles every source at once, in order of ETA, and stops when the last
 * source is settled. Sources and the destination lie on segments, not on nodes: a source
 * leaves its segment by the end(s) it may drive to, the destination is reached from the
 * end(s) that may drive to it, and a source on the destination's own segment may drive
 * straight there. Per-node state is valid only under the current generation stamp, so a
 * search costs what it explores, never a pass over every node of a big graph. */

#define VIA_START_FROM (G_MAXUINT32 - 1)   /* reaches the destination from its segment's start */
#define VIA_START_TO (G_MAXUINT32 - 2)     /* ... from its segment's end, against its direction */
#define EXIT_DIRECT G_MAXUINT32
/* A point this close to a segment's end is at that node: it may leave or arrive by any road of
 * the node, even when it was snapped onto a one-way segment that points away. */
#define AT_NODE_M 0.001

typedef struct
{
  double key;
  guint32 id;      /* a node, or n_nodes + source index */
} HeapItem;

typedef struct
{
  guint32 source;
  guint32 next;    /* next attachment of the same node, or G_MAXUINT32 */
  double cost;
  gboolean backward;
} Attach;

typedef struct
{
  double best;
  guint32 exit;    /* node the source left its segment by, or EXIT_DIRECT */
  gboolean backward;
  gboolean settled;
} SourceState;

struct _PanoRoadSearch
{
  PanoRoadGraph *graph;
  guint32 generation;
  guint32 *stamp;
  double *dist;          /* < 0 once settled */
  guint32 *via;          /* the arc from this node towards the destination */
  guint32 *attach_stamp;
  guint32 *attach_head;
  GArray *attach;
  HeapItem *heap;
  gsize heap_len;
  gsize heap_size;

  PanoRoadSnap target;
  GArray *sources;       /* PanoRoadSnap of the last rank */
  GArray *state;         /* SourceState */
  gint64 now;
  gboolean live;         /* some live speed may be in force now */
};

PanoRoadSearch *
pano_road_search_new (PanoRoadGraph *graph)
{
  PanoRoadSearch *self = g_new0 (PanoRoadSearch, 1);
  guint n = MAX (graph->n_nodes, 1);

  self->graph = pano_road_graph_ref (graph);
  self->stamp = g_new0 (guint32, n);
  self->dist = g_new (double, n);
  self->via = g_new (guint32, n);
  self->attach_stamp = g_new0 (guint32, n);
  self->attach_head = g_new (guint32, n);
  self->attach = g_array_new (FALSE, FALSE, sizeof (Attach));
  self->sources = g_array_new (FALSE, FALSE, sizeof (PanoRoadSnap));
  self->state = g_array_new (FALSE, FALSE, sizeof (SourceState));
  self->heap_size = 1024;
  self->heap = g_new (HeapItem, self->heap_size);
  return self;
}

void
pano_road_search_free (PanoRoadSearch *self)
{
  pano_road_graph_unref (self->graph);
  g_free (self->stamp);
  g_free (self->dist);
  g_free (self->via);
  g_free (self->attach_stamp);
  g_free (self->attach_head);
  g_array_unref (self->attach);
  g_array_unref (self->sources);
  g_array_unref (self->state);
  g_free (self->heap);
  g_free (self);
}

/* A 4-ary min-heap with lazy deletion: shallower than a binary one, and its children share a
 * cache line. */
static void
heap_push (PanoRoadSearch *self,
           double          key,
           guint32         id)
{
  HeapItem *h;
  gsize i;

  if (self->heap_len == self->heap_size)
    {
      self->heap_size *= 2;
      self->heap = g_renew (HeapItem, self->heap, self->heap_size);
    }
  h = self->heap;
  for (i = self->heap_len++; i > 0 && h[(i - 1) / 4].key > key; i = (i - 1) / 4)
    h[i] = h[(i - 1) / 4];
  h[i] = (HeapItem) { key, id };
}

static HeapItem
heap_pop (PanoRoadSearch *self)
{
  HeapItem *h = self->heap;
  HeapItem top = h[0], last = h[--self->heap_len];
  gsize i = 0, n = self->heap_len;

  for (;;)
    {
      gsize c = 4 * i + 1, m = c, end = MIN (c + 4, n);

      if (c >= n)
        break;
      for (gsize k = c + 1; k < end; k++)
        if (h[k].key < h[m].key)
          m = k;
      if (h[m].key >= last.key)
        break;
      h[i] = h[m];
      i = m;
    }
  if (n > 0)
    h[i] = last;
  return top;
}

static void
new_generation (PanoRoadSearch *self)
{
  if (++self->generation == 0)
    {
      memset (self->stamp, 0, sizeof (guint32) * MAX (self->graph->n_nodes, 1));
      memset (self->attach_stamp, 0, sizeof (guint32) * MAX (self->graph->n_nodes, 1));
      self->generation = 1;
    }
  self->heap_len = 0;
  g_array_set_size (self->attach, 0);
}

static void
label (PanoRoadSearch *self,
       guint32         node,
       double          dist,
       guint32         via)
{
  if (self->stamp[node] == self->generation && self->dist[node] <= dist)
    return;
  self->stamp[node] = self->generation;
  self->dist[node] = dist;
  self->via[node] = via;
  heap_push (self, dist, node);
}

static void
attach (PanoRoadSearch *self,
        guint32         node,
        guint32         source,
        double          cost,
        gboolean        backward)
{
  Attach a = { source, G_MAXUINT32, cost, backward };

  if (self->attach_stamp[node] == self->generation)
    a.next = self->attach_head[node];
  self->attach_stamp[node] = self->generation;
  self->attach_head[node] = self->attach->len;
  g_array_append_val (self->attach, a);
}

/* Seconds per metre of @segment now. */
static double
pace (PanoRoadSearch *self,
      guint           segment)
{
  PanoRoadGraph *g = self->graph;

  return g->seg_length[segment] > 0 ?
         pano_road_graph_arc_time (g, segment, self->now) / g->seg_length[segment] : 0;
}

static void
seed_target (PanoRoadSearch *self)
{
  PanoRoadGraph *g = self->graph;
  guint s = self->target.segment;
  double d = self->target.offset_m, p = pace (self, s);

  label (self, g->seg_from[s], d * p, VIA_START_FROM);
  if (!g->seg_oneway[s] || g->seg_length[s] - d <= AT_NODE_M)
    label (self, g->seg_to[s], (g->seg_length[s] - d) * p, VIA_START_TO);
}

static void
seed_source (PanoRoadSearch *self,
             guint           i)
{
  PanoRoadGraph *g = self->graph;
  const PanoRoadSnap *src = &g_array_index (self->sources, PanoRoadSnap, i);
  SourceState *state = &g_array_index (self->state, SourceState, i);
  guint s = src->segment, n = g->n_nodes;
  double d = src->offset_m, p = pace (self, s), direct = -1;

  *state = (SourceState) { G_MAXDOUBLE, G_MAXUINT32, FALSE, FALSE };
  attach (self, g->seg_to[s], i, (g->seg_length[s] - d) * p, FALSE);
  if (!g->seg_oneway[s] || d <= AT_NODE_M)
    attach (self, g->seg_from[s], i, d * p, TRUE);
  if (s != self->target.segment)
    return;
  if (d <= self->target.offset_m)
    direct = (self->target.offset_m - d) * p;
  else if (!g->seg_oneway[s])
    direct = (d - self->target.offset_m) * p;
  if (direct >= 0)
    {
      state->best = direct;
      state->exit = EXIT_DIRECT;
      heap_push (self, direct, n + i);
    }
}

static void
settle_node (PanoRoadSearch *self,
             guint32         v,
             double          key)
{
  PanoRoadGraph *g = self->graph;
  guint32 n = g->n_nodes;
  gint64 now = self->now;

  self->dist[v] = -1;
  if (self->attach_stamp[v] == self->generation)
    for (guint32 k = self->attach_head[v]; k != G_MAXUINT32;)
      {
        const Attach *a = &g_array_index (self->attach, Attach, k);
        SourceState *state = &g_array_index (self->state, SourceState, a->source);

        if (key + a->cost < state->best)
          {
            state->best = key + a->cost;
            state->exit = v;
            state->backward = a->backward;
            heap_push (self, state->best, n + a->source);
          }
        k = a->next;
      }
  for (guint32 a = g->in_start[v]; a < g->in_start[v + 1]; a++)
    {
      guint32 u = g->in_tail[a];
      /* without live speeds in force, the arc's own copy of the time: no segment lookup */
      double nd = key + (self->live ? pano_road_graph_arc_time (g, ARC_SEGMENT (g->in_arc[a]),
                                                                now) : g->in_time[a]);

      if (self->stamp[u] != self->generation || nd < self->dist[u])
        {
          self->stamp[u] = self->generation;
          self->dist[u] = nd;
          self->via[u] = g->in_arc[a];
          heap_push (self, nd, u);
        }
    }
}

/**
 * pano_road_search_rank:
 * @target: where every source wants to go
 * @sources: (array length=n_sources): where each starts
 * @now_us: real time, for live speeds
 * @etas: (out caller-allocates) (array length=n_sources): each source's travel time
 *
 * One search from @target over the reversed graph; stops once every source is settled.
 *
 * Returns: how many sources can reach @target
 */
guint
pano_road_search_rank (PanoRoadSearch     *self,
                       const PanoRoadSnap *target,
                       const PanoRoadSnap *sources,
                       guint               n_sources,
                       gint64              now_us,
                       PanoRoadEta        *etas)
{
  guint32 n = self->graph->n_nodes;
  guint settled = 0;

  new_generation (self);
  self->now = now_us;
  self->live = pano_road_graph_has_live_speeds (self->graph, now_us);
  self->target = *target;
  g_array_set_size (self->sources, 0);
  g_array_append_vals (self->sources, sources, n_sources);
  g_array_set_size (self->state, n_sources);
  for (guint i = 0; i < n_sources; i++)
    etas[i] = (PanoRoadEta) { FALSE, 0 };
  if (n_sources == 0 || self->graph->n_segments == 0)
    return 0;
  seed_target (self);
  for (guint i = 0; i < n_sources; i++)
    seed_source (self, i);
  while (self->heap_len > 0 && settled < n_sources)
    {
      HeapItem top = heap_pop (self);

      if (top.id >= n)
        {
          SourceState *state = &g_array_index (self->state, SourceState, top.id - n);

          if (state->settled || top.key > state->best)
            continue;
          state->settled = TRUE;
          etas[top.id - n] = (PanoRoadEta) { TRUE, top.key };
          settled++;
        }
      else if (top.key <= self->dist[top.id])
        settle_node (self, top.id, top.key);
    }
  return settled;
}

static double
speed_of (PanoRoadSearch *self,
          guint           segment)
{
  double p = pace (self, segment);

  return p > 0 ? 1.0 / p : 30 / 3.6;
}

static void
append_segment (PanoRoadSearch *self,
                guint           segment,
                double          from_m,
                double          to_m,
                PanoRoadPath   *path)
{
  pano_road_graph_append_partial (self->graph, segment, from_m, to_m,
                                  speed_of (self, segment), path);
}

/* Follows the arcs chosen by the search from @node to the destination. */
static void
follow_via (PanoRoadSearch *self,
            guint32         node,
            PanoRoadPath   *path)
{
  PanoRoadGraph *g = self->graph;
  guint t = self->target.segment;

  for (guint steps = 0; steps <= g->n_nodes; steps++)
    {
      guint32 arc = self->via[node], s;

      if (arc == VIA_START_FROM)
        {
          append_segment (self, t, 0, self->target.offset_m, path);
          return;
        }
      if (arc == VIA_START_TO)
        {
          append_segment (self, t, g->seg_length[t], self->target.offset_m, path);
          return;
        }
      s = ARC_SEGMENT (arc);
      if (ARC_BACKWARD (arc))
        {
          append_segment (self, s, g->seg_length[s], 0, path);
          node = g->seg_from[s];
        }
      else
        {
          append_segment (self, s, 0, g->seg_length[s], path);
          node = g->seg_to[s];
        }
    }
  g_critical ("Route reconstruction did not reach the destination");
}

/**
 * pano_road_search_path:
 * @source: index of a source of the last pano_road_search_rank()
 * @path: (out caller-allocates): filled with the route, to be cleared by the caller
 *
 * Returns: FALSE when that source cannot reach the destination
 */
gboolean
pano_road_search_path (PanoRoadSearch *self,
                       guint           source,
                       PanoRoadPath   *path)
{
  const PanoRoadSnap *src;
  const SourceState *state;

  g_return_val_if_fail (source < self->state->len, FALSE);
  src = &g_array_index (self->sources, PanoRoadSnap, source);
  state = &g_array_index (self->state, SourceState, source);
  *path = (PanoRoadPath) { g_array_new (FALSE, FALSE, sizeof (double)),
                           g_array_new (FALSE, FALSE, sizeof (double)), 0, 0 };
  if (!state->settled)
    return FALSE;
  path->eta_s = state->best;
  if (state->exit == EXIT_DIRECT)
    {
      append_segment (self, src->segment, src->offset_m, self->target.offset_m, path);
      return TRUE;
    }
  append_segment (self, src->segment, src->offset_m,
                  state->backward ? 0 : self->graph->seg_length[src->segment], path);
  follow_via (self, state->exit, path);
  return TRUE;
}

/**
 * pano_road_search_route:
 * @max_snap_m: how far from a road either end may be (<= 0: any distance)
 * @path: (out caller-allocates): the quickest route, from the start's point on the road to
 *   the destination's, to be cleared by the caller
 *
 * A point-to-point route: the one-to-many search with one source.
 *
 * Returns: FALSE when either end is off the network or the destination cannot be reached
 */
gboolean
pano_road_search_route (PanoRoadSearch *self,
                        double          from_lon,
                        double          from_lat,
                        double          to_lon,
                        double          to_lat,
                        double          max_snap_m,
                        gint64          now_us,
                        PanoRoadPath   *path)
{
  PanoRoadSnap from, to;
  PanoRoadEta eta;

  *path = (PanoRoadPath) { NULL, NULL, 0, 0 };
  if (!pano_road_graph_snap (self->graph, from_lon, from_lat, max_snap_m, &from) ||
      !pano_road_graph_snap (self->graph, to_lon, to_lat, max_snap_m, &to))
    return FALSE;
  if (pano_road_search_rank (self, &to, &from, 1, now_us, &eta) == 0)
    return FALSE;
  return pano_road_search_path (self, 0, path);
}
