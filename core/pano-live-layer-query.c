// SPDX-License-Identifier: GPL-3.0-or-later
/* Reading a live layer by place: the entities whose anchor or line may meet a box, the grid
 * cells' counts for aggregated drawing, and the entity nearest a point for clicks and hover.
 * Cells in a small range are found by key, in a large one by a scan of the occupied cells. */
#define G_LOG_DOMAIN "panorama-core"

#include "pano-live-layer-private.h"

#include <math.h>
#include <string.h>

typedef struct
{
  guint32 min_cx, min_cy, max_cx, max_cy;
} CellRange;

static CellRange
cell_range (double min_x, double min_y, double max_x, double max_y)
{
  double n = GRID_CELLS;

  return (CellRange) { (guint32)CLAMP (min_x * n, 0, n - 1), (guint32)CLAMP (min_y * n, 0, n - 1),
                       (guint32)CLAMP (max_x * n, 0, n - 1), (guint32)CLAMP (max_y * n, 0, n - 1) };
}

/* Calls @func for each occupied cell in @range: by key lookups when the range is small, by a
 * scan of the occupied cells when the range is larger than their number. */
static void
foreach_cell_index (PanoLiveLayer *self,
                    CellRange      r,
                    void         (*func) (PanoLiveLayer *, guint32, gpointer),
                    gpointer       data)
{
  guint64 area = (guint64)(r.max_cx - r.min_cx + 1) * (r.max_cy - r.min_cy + 1);

  if (area > self->cells->len)
    {
      for (guint32 i = 0; i < self->cells->len; i++)
        {
          Cell *c = cell_at (self, i);

          if (c->count > 0 && c->cx >= r.min_cx && c->cx <= r.max_cx &&
              c->cy >= r.min_cy && c->cy <= r.max_cy)
            func (self, i, data);
        }
      return;
    }
  for (guint32 cx = r.min_cx; cx <= r.max_cx; cx++)
    for (guint32 cy = r.min_cy; cy <= r.max_cy; cy++)
      {
        gint64 key = ((gint64)cx << 32) | cy;
        gpointer found = g_hash_table_lookup (self->cell_index, &key);

        if (found != NULL && cell_at (self, GPOINTER_TO_UINT (found) - 1)->count > 0)
          func (self, GPOINTER_TO_UINT (found) - 1, data);
      }
}

typedef struct
{
  double min_x, min_y, max_x, max_y;
  PanoLiveVisitFunc visit;
  gpointer user_data;
  gboolean stopped;
} Search;

static gboolean
slot_in_box (PanoLiveLayer *self,
             guint32        slot,
             const Search  *search)
{
  Slot *s = slot_at (self, slot);
  double x = s->x / FIXED_SCALE, y = s->y / FIXED_SCALE;
  double e = s->geom != NONE ? self->max_line_extent : 0;

  return x + e >= search->min_x && x - e <= search->max_x &&
         y + e >= search->min_y && y - e <= search->max_y;
}

static void
visit_cell (PanoLiveLayer *self,
            guint32        index,
            gpointer       data)
{
  Search *search = data;

  for (guint32 slot = cell_at (self, index)->head; slot != NONE && !search->stopped;
       slot = slot_at (self, slot)->next)
    if (slot_in_box (self, slot, search) && !search->visit (self, slot, search->user_data))
      search->stopped = TRUE;
}

/* Visits the entities whose anchor (lines: whose extent) may meet the box, in world units. */
void
pano_live_layer_search (PanoLiveLayer     *self,
                        double             min_x,
                        double             min_y,
                        double             max_x,
                        double             max_y,
                        PanoLiveVisitFunc  visit,
                        gpointer           user_data)
{
  double e = self->max_line_extent;
  Search search = { min_x, min_y, max_x, max_y, visit, user_data, FALSE };

  foreach_cell_index (self, cell_range (min_x - e, min_y - e, max_x + e, max_y + e),
                      visit_cell, &search);
}

typedef struct
{
  PanoLiveCellFunc func;
  gpointer user_data;
} CellVisit;

static void
report_cell (PanoLiveLayer *self,
             guint32        index,
             gpointer       data)
{
  CellVisit *visit = data;
  Cell *c = cell_at (self, index);
  PanoLiveCell cell = { c->sum_x / c->count, c->sum_y / c->count, c->count };

  memcpy (cell.class_counts, c->class_counts, sizeof cell.class_counts);
  visit->func (&cell, visit->user_data);
}

/* Calls @func for every non-empty grid cell in the box: counts without touching entities. */
void
pano_live_layer_foreach_cell (PanoLiveLayer    *self,
                              double            min_x,
                              double            min_y,
                              double            max_x,
                              double            max_y,
                              PanoLiveCellFunc  func,
                              gpointer          user_data)
{
  CellVisit visit = { func, user_data };

  foreach_cell_index (self, cell_range (min_x, min_y, max_x, max_y), report_cell, &visit);
}

typedef struct
{
  double x, y, tolerance;
  int best;
  double best_distance;
} HitTest;

static double
slot_distance (PanoLiveLayer *self,
               guint          slot,
               double         x,
               double         y)
{
  guint n;
  const double *c = pano_live_layer_get_coords (self, slot, &n);
  double best, px, py;

  if (c == NULL)
    {
      pano_live_layer_get_position (self, slot, &px, &py);
      return hypot (x - px, y - py);
    }
  best = G_MAXDOUBLE;
  for (guint i = 0; i + 1 < n; i++)
    {
      double dx = c[2 * i + 2] - c[2 * i], dy = c[2 * i + 3] - c[2 * i + 1];
      double len2 = dx * dx + dy * dy;
      double t = len2 > 0 ? CLAMP (((x - c[2 * i]) * dx + (y - c[2 * i + 1]) * dy) / len2, 0, 1)
                          : 0;

      best = MIN (best, hypot (x - (c[2 * i] + t * dx), y - (c[2 * i + 1] + t * dy)));
    }
  return best;
}

static gboolean
visit_hit (PanoLiveLayer *self,
           guint          slot,
           gpointer       data)
{
  HitTest *hit = data;
  double d = slot_distance (self, slot, hit->x, hit->y);

  if (d <= hit->tolerance && d < hit->best_distance)
    {
      hit->best = slot;
      hit->best_distance = d;
    }
  return TRUE;
}

/* Returns: the slot of the entity nearest to (@x, @y) within @tolerance, or -1 */
int
pano_live_layer_hit_test (PanoLiveLayer *self,
                          double         x,
                          double         y,
                          double         tolerance)
{
  HitTest hit = { x, y, tolerance, -1, G_MAXDOUBLE };

  pano_live_layer_search (self, x - tolerance, y - tolerance, x + tolerance, y + tolerance,
                          visit_hit, &hit);
  return hit.best;
}
