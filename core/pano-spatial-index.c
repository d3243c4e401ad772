// SPDX-License-Identifier: GPL-3.0-or-later
/* Packed Hilbert R-tree. Leaves are the items' boxes sorted by the Hilbert index of their
 * centres; each level above groups NODE_SIZE consecutive boxes of the level below, so the
 * whole tree is two flat arrays and a search touches only boxes that can intersect. */
#define G_LOG_DOMAIN "panorama-core"

#include "pano-spatial-index.h"

#include <string.h>

#define NODE_SIZE 16
#define HILBERT_MAX 0xffff

struct _PanoSpatialIndex
{
  gatomicrefcount ref_count;
  guint n_items;
  guint n_added;
  guint n_boxes;
  double *boxes;      /* 4 doubles per box: min_x, min_y, max_x, max_y */
  guint32 *indices;   /* leaf: item id; node: position of its first child */
  GArray *level_ends; /* guint: one past the last box of each level, leaves first */
  double bounds[4];
  gboolean finished;
};

G_DEFINE_BOXED_TYPE (PanoSpatialIndex, pano_spatial_index,
                     pano_spatial_index_ref, pano_spatial_index_unref)

static guint
count_boxes (guint n_items, GArray *level_ends)
{
  guint n = n_items, total = n;

  g_array_append_val (level_ends, total);
  while (n > 1)
    {
      n = (n + NODE_SIZE - 1) / NODE_SIZE;
      total += n;
      g_array_append_val (level_ends, total);
    }
  return total;
}

PanoSpatialIndex *
pano_spatial_index_new (guint n_items)
{
  PanoSpatialIndex *self = g_new0 (PanoSpatialIndex, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->n_items = n_items;
  self->level_ends = g_array_new (FALSE, FALSE, sizeof (guint));
  self->n_boxes = count_boxes (n_items, self->level_ends);
  self->boxes = g_new (double, 4 * (gsize)MAX (self->n_boxes, 1));
  self->indices = g_new (guint32, MAX (self->n_boxes, 1));
  self->bounds[0] = self->bounds[1] = G_MAXDOUBLE;
  self->bounds[2] = self->bounds[3] = -G_MAXDOUBLE;
  return self;
}

PanoSpatialIndex *
pano_spatial_index_ref (PanoSpatialIndex *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
pano_spatial_index_unref (PanoSpatialIndex *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->boxes);
  g_free (self->indices);
  g_array_unref (self->level_ends);
  g_free (self);
}

void
pano_spatial_index_add (PanoSpatialIndex *self,
                        double            min_x,
                        double            min_y,
                        double            max_x,
                        double            max_y)
{
  double *box;

  g_return_if_fail (self->n_added < self->n_items);

  box = &self->boxes[4 * (gsize)self->n_added];
  box[0] = min_x, box[1] = min_y, box[2] = max_x, box[3] = max_y;
  self->indices[self->n_added] = self->n_added;
  self->n_added++;
  self->bounds[0] = MIN (self->bounds[0], min_x);
  self->bounds[1] = MIN (self->bounds[1], min_y);
  self->bounds[2] = MAX (self->bounds[2], max_x);
  self->bounds[3] = MAX (self->bounds[3], max_y);
}

/* Position of (x, y) along a Hilbert curve filling a 2^16 × 2^16 grid. */
static guint32
hilbert_index (guint32 x,
               guint32 y)
{
  guint32 d = 0;

  for (guint32 s = 1u << 15; s > 0; s >>= 1)
    {
      guint32 rx = (x & s) > 0;
      guint32 ry = (y & s) > 0;

      d += s * s * ((3 * rx) ^ ry);
      if (ry == 0)
        {
          if (rx == 1)
            {
              x = s - 1 - (x & (s - 1));
              y = s - 1 - (y & (s - 1));
            }
          else
            {
              x &= s - 1;
              y &= s - 1;
            }
          guint32 t = x;
          x = y;
          y = t;
        }
      else
        {
          x &= s - 1;
          y &= s - 1;
        }
    }
  return d;
}

typedef struct
{
  guint32 key;
  guint32 item;
} SortEntry;

/* LSD radix sort on the 32-bit keys, 8 bits a pass: O(n), where qsort took most of the
 * time of sealing a million-feature layer. */
static void
radix_sort (SortEntry *entries,
            gsize      n)
{
  g_autofree SortEntry *tmp = g_new (SortEntry, n);
  SortEntry *from = entries, *to = tmp;

  for (guint shift = 0; shift < 32; shift += 8)
    {
      gsize counts[256] = { 0 }, sum = 0;

      for (gsize i = 0; i < n; i++)
        counts[(from[i].key >> shift) & 0xff]++;
      for (guint b = 0; b < 256; b++)
        {
          gsize c = counts[b];

          counts[b] = sum;
          sum += c;
        }
      for (gsize i = 0; i < n; i++)
        to[counts[(from[i].key >> shift) & 0xff]++] = from[i];
      SortEntry *swap = from;
      from = to;
      to = swap;
    }
  /* four passes: the sorted data is back in @entries */
}

static void
sort_leaves (PanoSpatialIndex *self)
{
  g_autofree SortEntry *entries = g_new (SortEntry, self->n_items);
  g_autofree double *sorted = g_new (double, 4 * (gsize)self->n_items);
  double w = self->bounds[2] - self->bounds[0];
  double h = self->bounds[3] - self->bounds[1];

  for (guint i = 0; i < self->n_items; i++)
    {
      const double *b = &self->boxes[4 * (gsize)i];
      double cx = w > 0 ? ((b[0] + b[2]) / 2 - self->bounds[0]) / w : 0;
      double cy = h > 0 ? ((b[1] + b[3]) / 2 - self->bounds[1]) / h : 0;

      entries[i].key = hilbert_index ((guint32)(cx * HILBERT_MAX), (guint32)(cy * HILBERT_MAX));
      entries[i].item = i;
    }
  radix_sort (entries, self->n_items);

  for (guint i = 0; i < self->n_items; i++)
    {
      memcpy (&sorted[4 * (gsize)i], &self->boxes[4 * (gsize)entries[i].item], 4 * sizeof (double));
      self->indices[i] = entries[i].item;
    }
  memcpy (self->boxes, sorted, 4 * sizeof (double) * self->n_items);
}

void
pano_spatial_index_finish (PanoSpatialIndex *self)
{
  guint pos = 0, out = self->n_items;

  g_return_if_fail (self->n_added == self->n_items);
  g_return_if_fail (!self->finished);

  if (self->n_items > 1)
    sort_leaves (self);

  for (guint level = 0; level + 1 < self->level_ends->len; level++)
    {
      guint end = g_array_index (self->level_ends, guint, level);

      while (pos < end)
        {
          double *node = &self->boxes[4 * (gsize)out];

          node[0] = node[1] = G_MAXDOUBLE;
          node[2] = node[3] = -G_MAXDOUBLE;
          self->indices[out] = pos;
          for (guint i = 0; i < NODE_SIZE && pos < end; i++, pos++)
            {
              const double *b = &self->boxes[4 * (gsize)pos];

              node[0] = MIN (node[0], b[0]);
              node[1] = MIN (node[1], b[1]);
              node[2] = MAX (node[2], b[2]);
              node[3] = MAX (node[3], b[3]);
            }
          out++;
        }
    }
  self->finished = TRUE;
}

guint
pano_spatial_index_get_size (PanoSpatialIndex *self)
{
  return self->n_items;
}

gboolean
pano_spatial_index_get_bounds (PanoSpatialIndex *self,
                               double           *bounds)
{
  if (self->n_items == 0)
    return FALSE;
  memcpy (bounds, self->bounds, sizeof self->bounds);
  return TRUE;
}

static guint
level_end_of (PanoSpatialIndex *self,
              guint             pos)
{
  for (guint i = 0; i < self->level_ends->len; i++)
    if (pos < g_array_index (self->level_ends, guint, i))
      return g_array_index (self->level_ends, guint, i);
  return self->n_boxes;
}

/* Depth-first walk with an explicit stack of node positions; visits items in tree order. */
void
pano_spatial_index_search (PanoSpatialIndex     *self,
                           double                min_x,
                           double                min_y,
                           double                max_x,
                           double                max_y,
                           PanoSpatialVisitFunc  visit,
                           gpointer              user_data)
{
  guint stack[64 * NODE_SIZE];
  guint depth = 0;

  g_return_if_fail (self->finished);

  if (self->n_items == 0)
    return;

  stack[depth++] = self->n_boxes - 1;
  while (depth > 0)
    {
      guint node = stack[--depth];
      guint first = node < self->n_items ? node : self->indices[node];
      guint last = node < self->n_items ? node + 1
                                         : MIN (first + NODE_SIZE, level_end_of (self, first));

      for (guint pos = first; pos < last; pos++)
        {
          const double *b = &self->boxes[4 * (gsize)pos];

          if (b[2] < min_x || b[3] < min_y || b[0] > max_x || b[1] > max_y)
            continue;
          if (pos < self->n_items)
            {
              if (!visit (self->indices[pos], user_data))
                return;
            }
          else
            stack[depth++] = pos;
        }
    }
}
