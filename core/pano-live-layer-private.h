// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* The live layer's storage, shared by pano-live-layer.c (writing: upsert, remove, compaction)
 * and pano-live-layer-query.c (reading: search, cells, hit test); not for outside core/. */

#include "pano-live-layer.h"

G_BEGIN_DECLS

#define NONE G_MAXUINT32
#define FIXED_SCALE 4294967296.0
#define GRID_CELLS (1u << PANO_LIVE_GRID_LEVEL)
#define MIN_TABLE 64
#define COMPACT_MIN_BYTES (256 * 1024)
#define TIME_BASE_S G_GINT64_CONSTANT (1704067200)   /* 2024-01-01T00:00:00Z */
#define POOL_BLOCK_BITS 20                           /* 1 MiB blocks */
#define POOL_BLOCK_SIZE (1u << POOL_BLOCK_BITS)
#define LONG_LINE G_MAXUINT16                        /* n_coords of a line kept in long_lines */
#define COMPACT_MIN_CELLS 1024

/* Strings in fixed blocks rather than one doubling array: no 2× slack at a million entities.
 * A string's handle is (block << POOL_BLOCK_BITS) | offset; a string longer than a block gets
 * a block of its own. */
typedef struct
{
  GPtrArray *blocks;
  guint32 used;             /* bytes used in the last block */
  guint32 last_size;        /* size of the last block */
  gsize bytes;              /* all blocks' sizes */
} StringPool;

typedef struct
{
  guint32 x, y;            /* anchor in fixed point: world × 2^32 */
  guint32 id;              /* offset in ids */
  guint32 props;           /* offset in props, or NONE */
  guint32 geom;            /* first pair in coords for lines, or NONE for points */
  guint32 prev, next;      /* neighbours in the grid cell's list */
  guint32 cell;            /* index in cells, or NONE without geometry */
  guint32 updated_s;        /* seconds since TIME_BASE_S: a slot is 48 bytes, not 56 */
  guint32 stale_s;          /* 0: never stale */
  float value;
  guint16 n_coords;        /* LONG_LINE: look the count up in long_lines */
  guint8 klass;
  guint8 live;
} Slot;

typedef struct
{
  guint32 cx, cy;
  guint32 head;
  guint32 count;
  double sum_x, sum_y;
  guint32 class_counts[PANO_LIVE_MAX_CLASSES];
} Cell;

struct _PanoLiveLayer
{
  GObject parent_instance;

  char *name;
  GArray *slots;           /* Slot */
  GArray *free_slots;      /* guint32 */
  guint n_live;

  guint32 *table;          /* slot + 1, 0 when empty */
  guint table_size;        /* a power of two */
  guint table_used;

  StringPool ids;
  gsize ids_garbage;
  StringPool props;
  gsize props_garbage;
  GArray *coords;          /* double pairs, world units */
  gsize coords_garbage;
  GHashTable *long_lines;  /* slot → vertex count, for lines of LONG_LINE vertices or more */
  double max_line_extent;  /* world units from anchor to the farthest vertex of any line */

  GArray *cells;           /* Cell */
  GHashTable *cell_index;  /* (cx << 32 | cy) → cell index + 1 */
  guint n_empty_cells;     /* cells left with no entity */
};

static inline const char *
pool_get (const StringPool *pool,
          guint32           handle)
{
  return (const char *)g_ptr_array_index (pool->blocks, handle >> POOL_BLOCK_BITS) +
         (handle & (POOL_BLOCK_SIZE - 1));
}

static inline Slot *
slot_at (PanoLiveLayer *self,
         guint          slot)
{
  return &g_array_index (self->slots, Slot, slot);
}

/* The vertex count of a line: in the slot, or beside it for the rare line of 65 535 or more. */
static inline guint
slot_n_coords (PanoLiveLayer *self,
               guint32        slot)
{
  Slot *s = slot_at (self, slot);

  if (s->n_coords != LONG_LINE)
    return s->n_coords;
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->long_lines, GUINT_TO_POINTER (slot)));
}

static inline Cell *
cell_at (PanoLiveLayer *self,
         guint32        index)
{
  return &g_array_index (self->cells, Cell, index);
}

G_END_DECLS
