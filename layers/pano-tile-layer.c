// SPDX-License-Identifier: GPL-3.0-or-later
/* Every static layer of the map in one picture: for each tile in view, the visible layers'
 * tiles are drawn on worker threads, composed bottom to top with their opacities, and placed
 * as one texture. On a software renderer each full-screen layer of textures costs a whole
 * frame's fill, so N layers drawn as N ShumateMapLayers cost N times what one composed layer
 * does; and no widget per tile is created or laid out while panning.
 *
 * Two caches: the composed tiles (what is drawn), and each layer's own tiles, so hiding,
 * reordering or fading a layer composes again from memory without drawing anything. While a
 * tile is being composed, the last picture of it stays, or a scaled ancestor or the children
 * from another zoom level, so nothing flashes blank.
 *
 * Drawing only reads the caches: the tiles it lacks are asked for from an idle afterwards, so
 * snapshot() starts no work and changes no state but the caches' recency. */
#define G_LOG_DOMAIN "panorama-layers"

#include "pano-tile-layer.h"
#include "pano-mercator.h"
#include "pano-texture.h"

#include <math.h>

#define MAX_TILE_ZOOM 19
#define COMPOSED_TILES 384   /* about seven 1920×1080 screens of 256-px tiles */
#define PART_TILES 1024      /* single layers' tiles, shared by all layers */
#define FALLBACK_LEVELS 3    /* ancestors searched for a stand-in picture */

typedef struct
{
  gpointer owner;            /* the renderer of a part tile, NULL for a composed tile */
  guint64 tile;
} CacheKey;

typedef struct
{
  CacheKey key;
  gpointer value;
  guint generation;          /* composed tiles: the parts they were composed from */
} CacheEntry;

/* A bounded least-recently-used map from CacheKey to a value it owns. */
typedef struct
{
  GHashTable *index;         /* CacheKey → GList link in lru (data: CacheEntry) */
  GQueue lru;                /* most recently used first */
  guint bound;
  GDestroyNotify free_value;
} Cache;

typedef struct
{
  PanoTileRenderer *renderer;
  double opacity;
} Part;

typedef struct
{
  guint x, y, zoom, size;
  guint generation;
  guint n_parts;
  Part *parts;
  cairo_surface_t **surfaces;   /* in: from the part cache or NULL; out: every part */
  gboolean *drawn;              /* out: which surfaces the worker drew */
  GdkTexture *composed;         /* out */
} Job;

struct _PanoTileLayer
{
  ShumateLayer parent_instance;

  GArray *parts;             /* Part, bottom first (refs held) */
  guint generation;          /* bumped whenever the parts change */
  Cache composed;            /* GdkTexture */
  Cache part_tiles;          /* cairo_surface_t */
  GHashTable *pending;       /* tile key → GCancellable of its job; NULL once disposed */
  guint request_id;          /* the idle asking for what the last frame lacked */
};

G_DEFINE_FINAL_TYPE (PanoTileLayer, pano_tile_layer, SHUMATE_TYPE_LAYER)

/* ---- keys and the cache ---- */

static guint64
tile_key (guint x,
          guint y,
          guint zoom,
          guint size)
{
  return ((guint64)zoom << 58) | ((guint64)(size / PANO_TILE_SIZE) << 54) |
         ((guint64)x << 27) | (guint64)y;
}

static guint
cache_key_hash (gconstpointer p)
{
  const CacheKey *k = p;

  return g_direct_hash (k->owner) ^ g_int64_hash (&k->tile);
}

static gboolean
cache_key_equal (gconstpointer a,
                 gconstpointer b)
{
  const CacheKey *x = a, *y = b;

  return x->owner == y->owner && x->tile == y->tile;
}

static void
cache_init (Cache          *cache,
            guint           bound,
            GDestroyNotify  free_value)
{
  cache->index = g_hash_table_new (cache_key_hash, cache_key_equal);
  g_queue_init (&cache->lru);
  cache->bound = bound;
  cache->free_value = free_value;
}

static void
cache_entry_free (Cache      *cache,
                  CacheEntry *entry)
{
  if (entry->key.owner != NULL)
    g_object_unref (entry->key.owner);
  cache->free_value (entry->value);
  g_free (entry);
}

static void
cache_clear (Cache *cache)
{
  CacheEntry *entry;

  while ((entry = g_queue_pop_head (&cache->lru)) != NULL)
    cache_entry_free (cache, entry);
  g_clear_pointer (&cache->index, g_hash_table_unref);
}

static CacheEntry *
cache_lookup (Cache    *cache,
              gpointer  owner,
              guint64   tile)
{
  CacheKey key = { owner, tile };
  GList *link = g_hash_table_lookup (cache->index, &key);

  if (link == NULL)
    return NULL;
  g_queue_unlink (&cache->lru, link);
  g_queue_push_head_link (&cache->lru, link);
  return link->data;
}

/* Takes @value; an entry already under the key is replaced. */
static void
cache_store (Cache    *cache,
             gpointer  owner,
             guint64   tile,
             gpointer  value,
             guint     generation)
{
  CacheEntry *entry = cache_lookup (cache, owner, tile);

  if (entry != NULL)
    {
      cache->free_value (entry->value);
      entry->value = value;
      entry->generation = generation;
      return;
    }

  entry = g_new0 (CacheEntry, 1);
  entry->key.owner = owner ? g_object_ref (owner) : NULL;
  entry->key.tile = tile;
  entry->value = value;
  entry->generation = generation;
  g_queue_push_head (&cache->lru, entry);
  g_hash_table_insert (cache->index, &entry->key, cache->lru.head);

  while (cache->lru.length > cache->bound)
    {
      CacheEntry *old = g_queue_pop_tail (&cache->lru);

      g_hash_table_remove (cache->index, &old->key);
      cache_entry_free (cache, old);
    }
}

/* ---- composing a tile on a worker ---- */

static void
job_free (Job *job)
{
  for (guint i = 0; i < job->n_parts; i++)
    {
      g_clear_object (&job->parts[i].renderer);
      g_clear_pointer (&job->surfaces[i], cairo_surface_destroy);
    }
  g_free (job->parts);
  g_free (job->surfaces);
  g_free (job->drawn);
  g_clear_object (&job->composed);
  g_free (job);
}

static void
compose_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Job *job = task_data;
  cairo_surface_t *target;
  cairo_t *cr;

  for (guint i = 0; i < job->n_parts; i++)
    {
      if (g_task_return_error_if_cancelled (task))
        return;
      if (job->surfaces[i] == NULL)
        {
          job->surfaces[i] = pano_tile_renderer_render_tile (job->parts[i].renderer, job->x,
                                                             job->y, job->zoom, job->size);
          job->drawn[i] = TRUE;
        }
    }

  if (job->n_parts == 1 && job->parts[0].opacity >= 1)
    target = cairo_surface_reference (job->surfaces[0]);
  else
    {
      target = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, job->size, job->size);
      cr = cairo_create (target);
      for (guint i = 0; i < job->n_parts; i++)
        {
          cairo_set_source_surface (cr, job->surfaces[i], 0, 0);
          cairo_paint_with_alpha (cr, job->parts[i].opacity);
        }
      cairo_destroy (cr);
      cairo_surface_flush (target);
    }
  job->composed = pano_texture_new_for_surface (target);
  cairo_surface_destroy (target);
  g_task_return_boolean (task, TRUE);
}

static gboolean
is_part (PanoTileLayer    *self,
         PanoTileRenderer *renderer)
{
  for (guint i = 0; i < self->parts->len; i++)
    if (g_array_index (self->parts, Part, i).renderer == renderer)
      return TRUE;
  return FALSE;
}

/* Drops the part tiles of renderers no layer uses any more (a layer restyled or removed). */
static void
drop_unused_part_tiles (PanoTileLayer *self)
{
  Cache *cache = &self->part_tiles;
  GList *link = cache->lru.head;

  while (link != NULL)
    {
      GList *next = link->next;
      CacheEntry *entry = link->data;

      if (!is_part (self, entry->key.owner))
        {
          g_hash_table_remove (cache->index, &entry->key);
          g_queue_delete_link (&cache->lru, link);
          cache_entry_free (cache, entry);
        }
      link = next;
    }
}

static void
on_composed (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  PanoTileLayer *self = PANO_TILE_LAYER (object);
  Job *job = g_task_get_task_data (G_TASK (result));
  guint64 key = tile_key (job->x, job->y, job->zoom, job->size);
  CacheEntry *current;

  if (self->pending == NULL)
    return;   /* disposed while the job ran: its task kept the object alive, not its state */
  g_hash_table_remove (self->pending, &key);
  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    {
      /* Cancelled because the view left the tile: if it came back meanwhile, ask again. */
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }

  for (guint i = 0; i < job->n_parts; i++)
    if (job->drawn[i] && is_part (self, job->parts[i].renderer))
      cache_store (&self->part_tiles, job->parts[i].renderer, key,
                   cairo_surface_reference (job->surfaces[i]), 0);

  /* An older composition still beats nothing, but never replaces a newer one. */
  current = cache_lookup (&self->composed, NULL, key);
  if (current == NULL || current->generation <= job->generation)
    cache_store (&self->composed, NULL, key, g_steal_pointer (&job->composed), job->generation);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
request_tile (PanoTileLayer *self,
              guint          x,
              guint          y,
              guint          zoom,
              guint          size)
{
  guint64 key = tile_key (x, y, zoom, size);
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GTask) task = NULL;
  Job *job;

  if (self->parts->len == 0 || g_hash_table_contains (self->pending, &key))
    return;

  job = g_new0 (Job, 1);
  job->x = x;
  job->y = y;
  job->zoom = zoom;
  job->size = size;
  job->generation = self->generation;
  job->n_parts = self->parts->len;
  job->parts = g_new0 (Part, job->n_parts);
  job->surfaces = g_new0 (cairo_surface_t *, job->n_parts);
  job->drawn = g_new0 (gboolean, job->n_parts);
  for (guint i = 0; i < job->n_parts; i++)
    {
      Part *part = &g_array_index (self->parts, Part, i);
      CacheEntry *cached = cache_lookup (&self->part_tiles, part->renderer, key);

      job->parts[i].renderer = g_object_ref (part->renderer);
      job->parts[i].opacity = part->opacity;
      job->surfaces[i] = cached ? cairo_surface_reference (cached->value) : NULL;
    }

  cancellable = g_cancellable_new ();
  g_hash_table_insert (self->pending, g_memdup2 (&key, sizeof key), g_object_ref (cancellable));
  task = g_task_new (self, cancellable, on_composed, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify)job_free);
  g_task_run_in_thread (task, compose_in_thread);
}

/* ---- drawing ---- */

typedef struct
{
  double zoom;               /* of the view */
  guint tile_zoom;           /* of the tiles drawn */
  double tile_px;            /* a tile's edge on screen */
  double origin_x, origin_y; /* the view's top-left in world pixels at tile_px per tile */
  int width, height;
  guint size;                /* a tile's edge in device pixels */
  guint first_x, first_y, last_x, last_y;
} Grid;

static gboolean
get_grid (PanoTileLayer *self,
          Grid          *g)
{
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  ShumateLocation *centre = SHUMATE_LOCATION (viewport);
  double n_tiles, world;

  g->width = gtk_widget_get_width (GTK_WIDGET (self));
  g->height = gtk_widget_get_height (GTK_WIDGET (self));
  if (g->width <= 0 || g->height <= 0)
    return FALSE;

  g->zoom = shumate_viewport_get_zoom_level (viewport);
  g->tile_zoom = (guint)CLAMP (round (g->zoom), 0, MAX_TILE_ZOOM);
  g->tile_px = PANO_TILE_SIZE * exp2 (g->zoom - g->tile_zoom);
  g->size = PANO_TILE_SIZE * gtk_widget_get_scale_factor (GTK_WIDGET (self));
  n_tiles = exp2 (g->tile_zoom);
  world = g->tile_px * n_tiles;
  /* Whole pixels at whole zoom levels: tiles stay crisp, as the live layers' symbols do. */
  g->origin_x = round (pano_mercator_x_from_lon (shumate_location_get_longitude (centre)) * world
                       - g->width / 2.0);
  g->origin_y = round (pano_mercator_y_from_lat (shumate_location_get_latitude (centre)) * world
                       - g->height / 2.0);

  g->first_x = (guint)CLAMP (floor (g->origin_x / g->tile_px), 0, n_tiles - 1);
  g->first_y = (guint)CLAMP (floor (g->origin_y / g->tile_px), 0, n_tiles - 1);
  g->last_x = (guint)CLAMP (floor ((g->origin_x + g->width - 1) / g->tile_px), 0, n_tiles - 1);
  g->last_y = (guint)CLAMP (floor ((g->origin_y + g->height - 1) / g->tile_px), 0, n_tiles - 1);
  return TRUE;
}

static void
place (GtkSnapshot *snapshot,
       GdkTexture  *texture,
       double       x,
       double       y,
       double       px)
{
  gtk_snapshot_append_texture (snapshot, texture, &GRAPHENE_RECT_INIT (x, y, px, px));
}

/* Stands in for a tile not composed yet: the nearest ancestor scaled up, with any children
 * already composed scaled down over it, clipped to the tile. */
static void
draw_stand_in (PanoTileLayer *self,
               GtkSnapshot   *snapshot,
               const Grid    *g,
               guint          x,
               guint          y)
{
  double left = x * g->tile_px - g->origin_x, top = y * g->tile_px - g->origin_y;

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (left, top, g->tile_px, g->tile_px));
  for (guint up = 1; up <= FALLBACK_LEVELS && up <= g->tile_zoom; up++)
    {
      CacheEntry *a = cache_lookup (&self->composed, NULL,
                                    tile_key (x >> up, y >> up, g->tile_zoom - up, g->size));
      double px = g->tile_px * (1u << up);

      if (a != NULL)
        {
          place (snapshot, a->value, (x >> up) * px - g->origin_x, (y >> up) * px - g->origin_y,
                 px);
          break;
        }
    }
  for (guint i = 0; g->tile_zoom < MAX_TILE_ZOOM && i < 4; i++)
    {
      guint cx = 2 * x + i % 2, cy = 2 * y + i / 2;
      CacheEntry *c = cache_lookup (&self->composed, NULL,
                                    tile_key (cx, cy, g->tile_zoom + 1, g->size));

      if (c != NULL)
        place (snapshot, c->value, left + (i % 2) * g->tile_px / 2,
               top + (i / 2) * g->tile_px / 2, g->tile_px / 2);
    }
  gtk_snapshot_pop (snapshot);
}

/* Jobs for tiles no longer in view (or a ring around it) are cancelled: a fast pan or zoom
 * must not queue up work for places already left. */
static void
cancel_out_of_view (PanoTileLayer *self,
                    const Grid    *g)
{
  GHashTableIter iter;
  gpointer key, cancellable;

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, &key, &cancellable))
    {
      guint64 k = *(guint64 *)key;
      guint zoom = k >> 58, x = (k >> 27) & 0x7ffffff, y = k & 0x7ffffff;

      if (zoom != g->tile_zoom || x + 1 < g->first_x || x > g->last_x + 1 ||
          y + 1 < g->first_y || y > g->last_y + 1)
        g_cancellable_cancel (cancellable);
    }
}

/* Asks for every tile of the view (and a ring of one tile around it, so a pan finds its next
 * tiles ready) that is missing or was composed from other parts, and cancels the rest. */
static gboolean
request_tiles (gpointer data)
{
  PanoTileLayer *self = data;
  guint n_tiles;
  Grid g;

  self->request_id = 0;
  if (self->parts->len == 0 || !get_grid (self, &g))
    return G_SOURCE_REMOVE;
  n_tiles = 1u << g.tile_zoom;
  for (guint y = g.first_y ? g.first_y - 1 : 0; y <= MIN (g.last_y + 1, n_tiles - 1); y++)
    for (guint x = g.first_x ? g.first_x - 1 : 0; x <= MIN (g.last_x + 1, n_tiles - 1); x++)
      {
        CacheEntry *tile = cache_lookup (&self->composed, NULL,
                                         tile_key (x, y, g.tile_zoom, g.size));

        if (tile == NULL || tile->generation != self->generation)
          request_tile (self, x, y, g.tile_zoom, g.size);
      }
  cancel_out_of_view (self, &g);
  return G_SOURCE_REMOVE;
}

static void
pano_tile_layer_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  PanoTileLayer *self = PANO_TILE_LAYER (widget);
  Grid g;

  if (self->parts->len == 0 || !get_grid (self, &g))
    return;

  for (guint y = g.first_y; y <= g.last_y; y++)
    for (guint x = g.first_x; x <= g.last_x; x++)
      {
        CacheEntry *tile = cache_lookup (&self->composed, NULL,
                                         tile_key (x, y, g.tile_zoom, g.size));

        if (tile != NULL)
          place (snapshot, tile->value, x * g.tile_px - g.origin_x, y * g.tile_px - g.origin_y,
                 g.tile_px);
        else
          draw_stand_in (self, snapshot, &g, x, y);
      }
  /* What this frame lacked, and the ring around it, is asked for once it is painted. */
  if (self->request_id == 0)
    self->request_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, request_tiles, self, NULL);
}

/* ---- the object ---- */

static void
clear_parts (PanoTileLayer *self)
{
  for (guint i = 0; i < self->parts->len; i++)
    g_object_unref (g_array_index (self->parts, Part, i).renderer);
  g_array_set_size (self->parts, 0);
}

static void
queue_draw (PanoTileLayer *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
pano_tile_layer_constructed (GObject *object)
{
  PanoTileLayer *self = PANO_TILE_LAYER (object);

  G_OBJECT_CLASS (pano_tile_layer_parent_class)->constructed (object);
  g_signal_connect_object (shumate_layer_get_viewport (SHUMATE_LAYER (self)), "notify",
                           G_CALLBACK (queue_draw), self, G_CONNECT_SWAPPED);
}

static void
pano_tile_layer_dispose (GObject *object)
{
  PanoTileLayer *self = PANO_TILE_LAYER (object);
  GHashTableIter iter;
  gpointer cancellable;

  g_clear_handle_id (&self->request_id, g_source_remove);
  if (self->pending != NULL)
    {
      g_hash_table_iter_init (&iter, self->pending);
      while (g_hash_table_iter_next (&iter, NULL, &cancellable))
        g_cancellable_cancel (cancellable);
      g_clear_pointer (&self->pending, g_hash_table_unref);
    }
  if (self->parts != NULL)
    {
      clear_parts (self);
      g_clear_pointer (&self->parts, g_array_unref);
      cache_clear (&self->composed);
      cache_clear (&self->part_tiles);
    }

  G_OBJECT_CLASS (pano_tile_layer_parent_class)->dispose (object);
}

static void
pano_tile_layer_class_init (PanoTileLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = pano_tile_layer_constructed;
  G_OBJECT_CLASS (klass)->dispose = pano_tile_layer_dispose;
  GTK_WIDGET_CLASS (klass)->snapshot = pano_tile_layer_snapshot;
}

static void
pano_tile_layer_init (PanoTileLayer *self)
{
  self->parts = g_array_new (FALSE, FALSE, sizeof (Part));
  cache_init (&self->composed, COMPOSED_TILES, g_object_unref);
  cache_init (&self->part_tiles, PART_TILES, (GDestroyNotify)cairo_surface_destroy);
  self->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
}

PanoTileLayer *
pano_tile_layer_new (ShumateViewport *viewport)
{
  return g_object_new (PANO_TYPE_TILE_LAYER, "viewport", viewport, NULL);
}

/* Returns: how many tiles are being composed */
guint
pano_tile_layer_get_n_pending (PanoTileLayer *self)
{
  return self->pending ? g_hash_table_size (self->pending) : 0;
}

/**
 * pano_tile_layer_set_parts:
 * @renderers: (array length=n_parts): the visible layers' renderers, the bottom one first
 * @opacities: (array length=n_parts): their opacities
 *
 * Sets what the picture is composed of. Tiles already composed stay on screen until their
 * new composition arrives.
 */
void
pano_tile_layer_set_parts (PanoTileLayer     *self,
                           PanoTileRenderer **renderers,
                           const double      *opacities,
                           guint              n_parts)
{
  gboolean same = n_parts == self->parts->len;

  for (guint i = 0; same && i < n_parts; i++)
    same = g_array_index (self->parts, Part, i).renderer == renderers[i] &&
           g_array_index (self->parts, Part, i).opacity == opacities[i];
  if (same)
    return;

  clear_parts (self);
  for (guint i = 0; i < n_parts; i++)
    {
      Part part = { g_object_ref (renderers[i]), CLAMP (opacities[i], 0, 1) };

      g_array_append_val (self->parts, part);
    }
  self->generation++;
  drop_unused_part_tiles (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
