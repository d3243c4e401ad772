// SPDX-License-Identifier: GPL-3.0-or-later
/* The live entities of one feed layer, kept for millions of points in little memory: one
 * 48-byte slot per entity, ids and properties in string pools, an open-addressing id table
 * of 4-byte slot numbers, and a sparse grid index whose cells also keep the counts that
 * aggregated drawing needs, all updated incrementally. What removals and updates leave behind
 * (ids, properties, vertices, empty cells) is compacted away, so memory follows the entities
 * alive, not every id ever seen. Main thread only. */
#define G_LOG_DOMAIN "panorama-core"

#include "pano-live-layer-private.h"

#include <math.h>
#include <string.h>

G_DEFINE_FINAL_TYPE (PanoLiveLayer, pano_live_layer, G_TYPE_OBJECT)

static void
pool_init (StringPool *pool)
{
  pool->blocks = g_ptr_array_new_with_free_func (g_free);
  pool->used = pool->last_size = 0;
  pool->bytes = 0;
}

static void
pool_clear (StringPool *pool)
{
  g_clear_pointer (&pool->blocks, g_ptr_array_unref);
}

static guint32
pool_add (StringPool *pool,
          const char *text)
{
  guint32 len = strlen (text) + 1;

  if (pool->blocks->len == 0 || pool->used + len > pool->last_size)
    {
      pool->last_size = MAX (len, POOL_BLOCK_SIZE);
      pool->bytes += pool->last_size;
      g_ptr_array_add (pool->blocks, g_malloc (pool->last_size));
      pool->used = 0;
    }
  memcpy ((char *)g_ptr_array_index (pool->blocks, pool->blocks->len - 1) + pool->used, text, len);
  pool->used += len;
  return ((pool->blocks->len - 1) << POOL_BLOCK_BITS) | (pool->used - len);
}

static void
pano_live_layer_finalize (GObject *object)
{
  PanoLiveLayer *self = (PanoLiveLayer *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->slots, g_array_unref);
  g_clear_pointer (&self->free_slots, g_array_unref);
  g_clear_pointer (&self->table, g_free);
  pool_clear (&self->ids);
  pool_clear (&self->props);
  g_clear_pointer (&self->coords, g_array_unref);
  g_clear_pointer (&self->long_lines, g_hash_table_unref);
  g_clear_pointer (&self->cells, g_array_unref);
  g_clear_pointer (&self->cell_index, g_hash_table_unref);

  G_OBJECT_CLASS (pano_live_layer_parent_class)->finalize (object);
}

static void
pano_live_layer_class_init (PanoLiveLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pano_live_layer_finalize;
}

static void
pano_live_layer_init (PanoLiveLayer *self)
{
  self->slots = g_array_new (FALSE, FALSE, sizeof (Slot));
  self->free_slots = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->table_size = MIN_TABLE;
  self->table = g_new0 (guint32, self->table_size);
  pool_init (&self->ids);
  pool_init (&self->props);
  self->coords = g_array_new (FALSE, FALSE, sizeof (double));
  self->long_lines = g_hash_table_new (NULL, NULL);
  self->cells = g_array_new (FALSE, FALSE, sizeof (Cell));
  self->cell_index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

PanoLiveLayer *
pano_live_layer_new (const char *name)
{
  PanoLiveLayer *self = g_object_new (PANO_TYPE_LIVE_LAYER, NULL);

  self->name = g_strdup (name);
  return self;
}

const char *
pano_live_layer_get_name (PanoLiveLayer *self)
{
  return self->name;
}

guint
pano_live_layer_get_n_entities (PanoLiveLayer *self)
{
  return self->n_live;
}

static void
set_n_coords (PanoLiveLayer *self,
              guint32        slot,
              guint          n)
{
  Slot *s = slot_at (self, slot);

  if (s->n_coords == LONG_LINE && n < LONG_LINE)
    g_hash_table_remove (self->long_lines, GUINT_TO_POINTER (slot));
  if (n >= LONG_LINE)
    g_hash_table_insert (self->long_lines, GUINT_TO_POINTER (slot), GUINT_TO_POINTER (n));
  s->n_coords = MIN (n, LONG_LINE);
}

/* ---- the id table: open addressing, linear probing, backward-shift deletion ---- */

static guint32
hash_id (const char *id)
{
  guint32 h = 2166136261u;

  for (; *id; id++)
    h = (h ^ (guint8)*id) * 16777619u;
  return h;
}

static const char *
slot_id (PanoLiveLayer *self,
         guint32        slot)
{
  return pool_get (&self->ids, slot_at (self, slot)->id);
}

static guint
find_bucket (PanoLiveLayer *self,
             const char    *id)
{
  guint mask = self->table_size - 1;
  guint i = hash_id (id) & mask;

  while (self->table[i] != 0 && strcmp (slot_id (self, self->table[i] - 1), id) != 0)
    i = (i + 1) & mask;
  return i;
}

static void
grow_table (PanoLiveLayer *self)
{
  guint32 *old = self->table;
  guint old_size = self->table_size;

  self->table_size *= 2;
  self->table = g_new0 (guint32, self->table_size);
  for (guint i = 0; i < old_size; i++)
    if (old[i] != 0)
      self->table[find_bucket (self, slot_id (self, old[i] - 1))] = old[i];
  g_free (old);
}

static void
delete_bucket (PanoLiveLayer *self,
               guint          i)
{
  guint mask = self->table_size - 1;
  guint j = i;

  self->table[i] = 0;
  for (;;)
    {
      guint k;

      j = (j + 1) & mask;
      if (self->table[j] == 0)
        break;
      k = hash_id (slot_id (self, self->table[j] - 1)) & mask;
      /* Move the entry back unless its home lies cyclically in (i, j]. */
      if ((i <= j) ? (i < k && k <= j) : (i < k || k <= j))
        continue;
      self->table[i] = self->table[j];
      self->table[j] = 0;
      i = j;
    }
  self->table_used--;
}

int
pano_live_layer_lookup (PanoLiveLayer *self,
                        const char    *id)
{
  guint i = find_bucket (self, id);

  return self->table[i] ? (int)self->table[i] - 1 : -1;
}

/* ---- the grid index ---- */

static guint32
to_seconds (gint64 ms)
{
  return (guint32)CLAMP (ms / 1000 - TIME_BASE_S, 0, G_MAXUINT32);
}

static guint32
to_fixed (double v)
{
  return (guint32)CLAMP (v * FIXED_SCALE, 0, FIXED_SCALE - 1);
}

static guint32
ensure_cell (PanoLiveLayer *self,
             guint32        x,
             guint32        y)
{
  guint32 cx = x >> (32 - PANO_LIVE_GRID_LEVEL), cy = y >> (32 - PANO_LIVE_GRID_LEVEL);
  gint64 key = ((gint64)cx << 32) | cy;
  gpointer found = g_hash_table_lookup (self->cell_index, &key);
  Cell cell = { cx, cy, NONE };
  gint64 *stored;

  if (found != NULL)
    return GPOINTER_TO_UINT (found) - 1;

  g_array_append_val (self->cells, cell);
  self->n_empty_cells++;
  stored = g_new (gint64, 1);
  *stored = key;
  g_hash_table_insert (self->cell_index, stored, GUINT_TO_POINTER (self->cells->len));
  return self->cells->len - 1;
}

static void
unlink_slot (PanoLiveLayer *self,
             guint32        slot)
{
  Slot *s = slot_at (self, slot);
  Cell *c;

  if (s->cell == NONE)
    return;
  c = cell_at (self, s->cell);
  if (s->prev != NONE)
    slot_at (self, s->prev)->next = s->next;
  else
    c->head = s->next;
  if (s->next != NONE)
    slot_at (self, s->next)->prev = s->prev;
  c->sum_x -= s->x / FIXED_SCALE;
  c->sum_y -= s->y / FIXED_SCALE;
  c->class_counts[s->klass]--;
  if (--c->count == 0)
    {
      c->sum_x = c->sum_y = 0;   /* no rounding left behind for the next entity */
      self->n_empty_cells++;
    }
  s->cell = s->prev = s->next = NONE;
}

static void
link_slot (PanoLiveLayer *self,
           guint32        slot)
{
  Slot *s = slot_at (self, slot);
  guint32 index = ensure_cell (self, s->x, s->y);
  Cell *c = cell_at (self, index);

  s = slot_at (self, slot);   /* ensure_cell may have moved nothing, but keep it obvious */
  s->cell = index;
  s->prev = NONE;
  s->next = c->head;
  if (c->head != NONE)
    slot_at (self, c->head)->prev = slot;
  c->head = slot;
  if (c->count++ == 0)
    self->n_empty_cells--;
  c->sum_x += s->x / FIXED_SCALE;
  c->sum_y += s->y / FIXED_SCALE;
  c->class_counts[s->klass]++;
}

/* ---- compaction ---- */

/* Rewrites the id, properties and line pools with only what live slots use. */
static void
compact_pools (PanoLiveLayer *self)
{
  StringPool ids, props;
  GArray *coords = g_array_sized_new (FALSE, FALSE, sizeof (double),
                                      self->coords->len - self->coords_garbage);

  pool_init (&ids);
  pool_init (&props);
  for (guint i = 0; i < self->slots->len; i++)
    {
      Slot *s = slot_at (self, i);

      if (!s->live)
        continue;
      s->id = pool_add (&ids, pool_get (&self->ids, s->id));
      if (s->props != NONE)
        s->props = pool_add (&props, pool_get (&self->props, s->props));
      if (s->geom != NONE)
        {
          guint32 start = coords->len / 2;

          g_array_append_vals (coords, &g_array_index (self->coords, double, 2 * (gsize)s->geom),
                               2 * slot_n_coords (self, i));
          s->geom = start;
        }
    }
  pool_clear (&self->ids);
  pool_clear (&self->props);
  g_array_unref (self->coords);
  self->ids = ids;
  self->props = props;
  self->coords = coords;
  self->ids_garbage = self->props_garbage = self->coords_garbage = 0;
}

/* Drops the grid cells no entity is in any more: vehicles crossing the city or sensors coming
 * and going would otherwise leave a cell behind everywhere they have been. */
static void
compact_cells (PanoLiveLayer *self)
{
  GArray *cells = g_array_sized_new (FALSE, FALSE, sizeof (Cell),
                                     self->cells->len - self->n_empty_cells);
  g_autofree guint32 *moved = g_new (guint32, self->cells->len);

  g_hash_table_remove_all (self->cell_index);
  for (guint32 i = 0; i < self->cells->len; i++)
    {
      Cell *c = cell_at (self, i);
      gint64 *key;

      moved[i] = NONE;
      if (c->count == 0)
        continue;
      moved[i] = cells->len;
      g_array_append_vals (cells, c, 1);
      key = g_new (gint64, 1);
      *key = ((gint64)c->cx << 32) | c->cy;
      g_hash_table_insert (self->cell_index, key, GUINT_TO_POINTER (cells->len));
    }
  for (guint i = 0; i < self->slots->len; i++)
    {
      Slot *s = slot_at (self, i);

      if (s->live && s->cell != NONE)
        s->cell = moved[s->cell];
    }
  g_array_unref (self->cells);
  self->cells = cells;
  self->n_empty_cells = 0;
}

/* Compacts once the garbage is a quarter of what holds it: a point entity stays within its
 * memory budget, and churn (ids that come and go) costs no more than the entities alive. */
static void
maybe_compact (PanoLiveLayer *self)
{
  gsize garbage = self->ids_garbage + self->props_garbage +
                  self->coords_garbage * sizeof (double);
  gsize total = self->ids.bytes + self->props.bytes + self->coords->len * sizeof (double);

  if (garbage > COMPACT_MIN_BYTES && garbage * 4 > total)
    compact_pools (self);
  if (self->n_empty_cells > COMPACT_MIN_CELLS && self->n_empty_cells * 4 > self->cells->len)
    compact_cells (self);
}

static void
set_properties (PanoLiveLayer *self,
                Slot          *s,
                const char    *properties)
{
  const char *old = s->props != NONE ? pool_get (&self->props, s->props) : NULL;

  if (g_strcmp0 (old, properties) == 0)
    return;
  if (old != NULL)
    self->props_garbage += strlen (old) + 1;
  s->props = properties ? pool_add (&self->props, properties) : NONE;
}

/* Lines keep their vertices in the pool, reusing the place when the vertex count is the same;
 * the anchor (for the grid and the cell counts) is the middle vertex. */
static void
set_geometry (PanoLiveLayer        *self,
              guint32               slot,
              const PanoLiveEntity *e)
{
  Slot *s = slot_at (self, slot);
  guint mid = e->n_coords / 2;
  guint old_n = slot_n_coords (self, slot);

  s->x = to_fixed (e->coords[2 * mid]);
  s->y = to_fixed (e->coords[2 * mid + 1]);
  if (e->n_coords == 1)
    {
      if (s->geom != NONE)
        self->coords_garbage += 2 * old_n;
      s->geom = NONE;
      set_n_coords (self, slot, 1);
      return;
    }

  if (s->geom == NONE || old_n != e->n_coords)
    {
      if (s->geom != NONE)
        self->coords_garbage += 2 * old_n;
      s->geom = self->coords->len / 2;
      g_array_set_size (self->coords, self->coords->len + 2 * e->n_coords);
    }
  memcpy (&g_array_index (self->coords, double, 2 * (gsize)s->geom), e->coords,
          2 * sizeof (double) * e->n_coords);
  set_n_coords (self, slot, e->n_coords);
  for (guint i = 0; i < e->n_coords; i++)
    self->max_line_extent = MAX (self->max_line_extent,
                                 MAX (fabs (e->coords[2 * i] - e->coords[2 * mid]),
                                      fabs (e->coords[2 * i + 1] - e->coords[2 * mid + 1])));
}

static guint32
new_slot (PanoLiveLayer *self,
          const char    *id)
{
  Slot fresh = { .props = NONE, .geom = NONE, .prev = NONE, .next = NONE, .cell = NONE,
                 .live = 1 };
  guint32 slot;

  if (self->free_slots->len > 0)
    {
      slot = g_array_index (self->free_slots, guint32, self->free_slots->len - 1);
      g_array_set_size (self->free_slots, self->free_slots->len - 1);
      *slot_at (self, slot) = fresh;
    }
  else
    {
      slot = self->slots->len;
      g_array_append_val (self->slots, fresh);
    }
  slot_at (self, slot)->id = pool_add (&self->ids, id);
  if ((self->table_used + 1) * 2 > self->table_size)
    grow_table (self);
  self->table[find_bucket (self, id)] = slot + 1;
  self->table_used++;
  self->n_live++;
  return slot;
}

/**
 * pano_live_layer_upsert:
 *
 * Returns: the entity's slot, which stays the same for as long as the entity lives
 */
guint
pano_live_layer_upsert (PanoLiveLayer        *self,
                        const PanoLiveEntity *e)
{
  int found = pano_live_layer_lookup (self, e->id);
  guint32 slot = found >= 0 ? (guint32)found : new_slot (self, e->id);
  Slot *s;

  unlink_slot (self, slot);
  s = slot_at (self, slot);
  s->klass = MIN (e->klass, PANO_LIVE_MAX_CLASSES - 1);
  s->value = e->value;
  s->updated_s = to_seconds (e->updated_ms);
  s->stale_s = e->stale_after_ms ? MAX (to_seconds (e->stale_after_ms), 1) : 0;
  set_properties (self, s, e->properties);
  if (e->coords != NULL && e->n_coords > 0)
    {
      set_geometry (self, slot, e);
      link_slot (self, slot);
    }
  maybe_compact (self);
  return slot;
}

gboolean
pano_live_layer_remove (PanoLiveLayer *self,
                        const char    *id)
{
  guint bucket = find_bucket (self, id);
  guint32 slot;
  Slot *s;

  if (self->table[bucket] == 0)
    return FALSE;
  slot = self->table[bucket] - 1;
  unlink_slot (self, slot);
  delete_bucket (self, bucket);
  s = slot_at (self, slot);
  set_properties (self, s, NULL);
  if (s->geom != NONE)
    self->coords_garbage += 2 * slot_n_coords (self, slot);
  set_n_coords (self, slot, 1);
  s->geom = NONE;
  self->ids_garbage += strlen (pool_get (&self->ids, s->id)) + 1;
  s->live = 0;
  g_array_append_val (self->free_slots, slot);
  self->n_live--;
  maybe_compact (self);
  return TRUE;
}

/* Moves a live entity to another class, as when an incident's stage clock turns yellow with
 * no update from the hub; the cell counts follow. */
void
pano_live_layer_set_class (PanoLiveLayer *self,
                           guint          slot,
                           guint          klass)
{
  Slot *s;

  g_return_if_fail (slot < self->slots->len);
  s = slot_at (self, slot);
  g_return_if_fail (s->live);
  klass = MIN (klass, PANO_LIVE_MAX_CLASSES - 1);
  if (s->cell != NONE)
    {
      Cell *c = cell_at (self, s->cell);

      c->class_counts[s->klass]--;
      c->class_counts[klass]++;
    }
  s->klass = klass;
}

/* Drops every entity, as before a snapshot replaces the layer. */
void
pano_live_layer_clear (PanoLiveLayer *self)
{
  g_array_set_size (self->slots, 0);
  g_array_set_size (self->free_slots, 0);
  pool_clear (&self->ids);
  pool_clear (&self->props);
  pool_init (&self->ids);
  pool_init (&self->props);
  g_array_set_size (self->coords, 0);
  g_hash_table_remove_all (self->long_lines);
  g_array_set_size (self->cells, 0);
  g_hash_table_remove_all (self->cell_index);
  memset (self->table, 0, self->table_size * sizeof (guint32));
  self->table_used = self->n_live = 0;
  self->ids_garbage = self->props_garbage = self->coords_garbage = 0;
  self->n_empty_cells = 0;
  self->max_line_extent = 0;
}

/* ---- reading ---- */

const char *
pano_live_layer_get_id (PanoLiveLayer *self,
                        guint          slot)
{
  return slot_id (self, slot);
}

void
pano_live_layer_get_position (PanoLiveLayer *self,
                              guint          slot,
                              double        *x,
                              double        *y)
{
  Slot *s = slot_at (self, slot);

  *x = s->x / FIXED_SCALE;
  *y = s->y / FIXED_SCALE;
}

/* Returns: (nullable): the vertices of a line entity, %NULL for a point */
const double *
pano_live_layer_get_coords (PanoLiveLayer *self,
                            guint          slot,
                            guint         *n_coords)
{
  Slot *s = slot_at (self, slot);

  *n_coords = slot_n_coords (self, slot);
  return s->geom != NONE ? &g_array_index (self->coords, double, 2 * (gsize)s->geom) : NULL;
}

guint
pano_live_layer_get_class (PanoLiveLayer *self,
                           guint          slot)
{
  return slot_at (self, slot)->klass;
}

float
pano_live_layer_get_value (PanoLiveLayer *self,
                           guint          slot)
{
  return slot_at (self, slot)->value;
}

/* Returns: (nullable): the entity's properties as compact JSON text */
const char *
pano_live_layer_get_properties (PanoLiveLayer *self,
                                guint          slot)
{
  Slot *s = slot_at (self, slot);

  return s->props != NONE ? pool_get (&self->props, s->props) : NULL;
}

gint64
pano_live_layer_get_updated (PanoLiveLayer *self,
                             guint          slot)
{
  return (slot_at (self, slot)->updated_s + TIME_BASE_S) * 1000;
}

gboolean
pano_live_layer_is_stale (PanoLiveLayer *self,
                          guint          slot,
                          gint64         now_ms)
{
  Slot *s = slot_at (self, slot);

  return s->stale_s != 0 && now_ms / 1000 - TIME_BASE_S >= s->stale_s;
}

/* Bytes held for the entities (capacity, not just use), for the bytes-per-entity figure. */
gsize
pano_live_layer_get_memory_size (PanoLiveLayer *self)
{
  return (gsize)self->slots->len * sizeof (Slot) +
         (gsize)self->free_slots->len * sizeof (guint32) +
         (gsize)self->table_size * sizeof (guint32) +
         self->ids.bytes + self->props.bytes +
         (gsize)self->coords->len * sizeof (double) +
         (gsize)g_hash_table_size (self->long_lines) * 4 * sizeof (gpointer) +
         (gsize)self->cells->len * (sizeof (Cell) + sizeof (gint64) + 3 * sizeof (gpointer));
}

/* @counts: PANO_LIVE_MAX_CLASSES entries, set to how many placed entities are in each class */
void
pano_live_layer_count_classes (PanoLiveLayer *self,
                               guint         *counts)
{
  memset (counts, 0, PANO_LIVE_MAX_CLASSES * sizeof (guint));
  for (guint i = 0; i < self->cells->len; i++)
    for (guint k = 0; k < PANO_LIVE_MAX_CLASSES; k++)
      counts[k] += cell_at (self, i)->class_counts[k];
}

/* Visits every entity, placed or not, in slot order. */
void
pano_live_layer_foreach (PanoLiveLayer     *self,
                         PanoLiveVisitFunc  visit,
                         gpointer           user_data)
{
  for (guint i = 0; i < self->slots->len; i++)
    if (slot_at (self, i)->live && !visit (self, i, user_data))
      return;
}
