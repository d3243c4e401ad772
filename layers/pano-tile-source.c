// SPDX-License-Identifier: GPL-3.0-or-later
/* A ShumateMapSource whose tiles are drawn by a PanoTileRenderer on worker threads and kept
 * as textures in an LRU cache, so panning over a million features only composites textures.
 * One class serves the offline base map and every static GIS layer. */
#define G_LOG_DOMAIN "panorama-layers"

#include "pano-tile-source.h"
#include "pano-mercator.h"

#define CACHE_TILES 768
#define MAX_ZOOM 19

struct _PanoTileSource
{
  ShumateMapSource parent_instance;

  PanoTileRenderer *renderer;
  GHashTable *cache;   /* tile key → GList link in lru (data: CachedTile) */
  GQueue lru;          /* most recently used first */
};

typedef struct
{
  guint64 key;
  GdkTexture *texture;
} CachedTile;

typedef struct
{
  PanoTileRenderer *renderer;
  guint x, y, zoom, size;
} TileJob;

G_DEFINE_FINAL_TYPE (PanoTileSource, pano_tile_source, SHUMATE_TYPE_MAP_SOURCE)

static guint64
tile_key (guint x, guint y, guint zoom, guint size)
{
  return ((guint64)zoom << 58) | ((guint64)(size / PANO_TILE_SIZE) << 54) |
         ((guint64)x << 27) | (guint64)y;
}

static void
cached_tile_free (CachedTile *tile)
{
  g_clear_object (&tile->texture);
  g_free (tile);
}

static void
tile_job_free (TileJob *job)
{
  g_clear_object (&job->renderer);
  g_free (job);
}

static GdkTexture *
lookup_cache (PanoTileSource *self,
              guint64         key)
{
  GList *link = g_hash_table_lookup (self->cache, &key);

  if (link == NULL)
    return NULL;
  g_queue_unlink (&self->lru, link);
  g_queue_push_head_link (&self->lru, link);
  return ((CachedTile *)link->data)->texture;
}

static void
store_cache (PanoTileSource *self,
             guint64         key,
             GdkTexture     *texture)
{
  CachedTile *tile;

  if (lookup_cache (self, key) != NULL)
    return;

  tile = g_new0 (CachedTile, 1);
  tile->key = key;
  tile->texture = g_object_ref (texture);
  g_queue_push_head (&self->lru, tile);
  g_hash_table_insert (self->cache, &tile->key, self->lru.head);

  while (self->lru.length > CACHE_TILES)
    {
      CachedTile *old = g_queue_pop_tail (&self->lru);

      g_hash_table_remove (self->cache, &old->key);
      cached_tile_free (old);
    }
}

static void
render_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  TileJob *job = task_data;
  cairo_surface_t *surface;
  g_autoptr(GBytes) bytes = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  surface = pano_tile_renderer_render_tile (job->renderer, job->x, job->y, job->zoom, job->size);
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      cairo_image_surface_get_stride (surface) * job->size,
                                      (GDestroyNotify)cairo_surface_destroy, surface);
  /* CAIRO_FORMAT_ARGB32 is premultiplied BGRA in memory on little-endian machines. */
  g_task_return_pointer (task,
                         gdk_memory_texture_new (job->size, job->size,
                                                 GDK_MEMORY_DEFAULT, bytes,
                                                 cairo_image_surface_get_stride (surface)),
                         g_object_unref);
}

static void
finish_tile (ShumateTile *tile,
             GdkTexture  *texture)
{
  shumate_tile_set_paintable (tile, GDK_PAINTABLE (texture));
  shumate_tile_set_fade_in (tile, FALSE);
  shumate_tile_set_state (tile, SHUMATE_STATE_DONE);
}

static void
on_tile_rendered (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PanoTileSource *self = g_task_get_source_object (task);
  ShumateTile *tile = g_task_get_task_data (task);
  g_autoptr(GdkTexture) texture = NULL;
  GError *error = NULL;

  texture = g_task_propagate_pointer (G_TASK (result), &error);
  if (texture == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  store_cache (self, tile_key (shumate_tile_get_x (tile), shumate_tile_get_y (tile),
                               shumate_tile_get_zoom_level (tile), shumate_tile_get_size (tile)),
               texture);
  finish_tile (tile, texture);
  g_task_return_boolean (task, TRUE);
}

static void
pano_tile_source_fill_tile_async (ShumateMapSource    *source,
                                  ShumateTile         *tile,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  PanoTileSource *self = PANO_TILE_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) render = NULL;
  guint size = MAX (shumate_tile_get_size (tile), PANO_TILE_SIZE);
  guint64 key = tile_key (shumate_tile_get_x (tile), shumate_tile_get_y (tile),
                          shumate_tile_get_zoom_level (tile), size);
  GdkTexture *cached = lookup_cache (self, key);
  TileJob *job;

  g_task_set_source_tag (task, pano_tile_source_fill_tile_async);
  g_task_set_task_data (task, g_object_ref (tile), g_object_unref);

  if (cached != NULL)
    {
      finish_tile (tile, cached);
      g_task_return_boolean (task, TRUE);
      return;
    }

  job = g_new0 (TileJob, 1);
  job->renderer = g_object_ref (self->renderer);
  job->x = shumate_tile_get_x (tile);
  job->y = shumate_tile_get_y (tile);
  job->zoom = shumate_tile_get_zoom_level (tile);
  job->size = size;

  shumate_tile_set_state (tile, SHUMATE_STATE_LOADING);
  render = g_task_new (self, cancellable, on_tile_rendered, g_steal_pointer (&task));
  g_task_set_task_data (render, job, (GDestroyNotify)tile_job_free);
  g_task_run_in_thread (render, render_in_thread);
}

static gboolean
pano_tile_source_fill_tile_finish (ShumateMapSource  *source,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
pano_tile_source_finalize (GObject *object)
{
  PanoTileSource *self = (PanoTileSource *)object;

  g_queue_clear_full (&self->lru, (GDestroyNotify)cached_tile_free);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_object (&self->renderer);

  G_OBJECT_CLASS (pano_tile_source_parent_class)->finalize (object);
}

static void
pano_tile_source_class_init (PanoTileSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateMapSourceClass *source_class = SHUMATE_MAP_SOURCE_CLASS (klass);

  object_class->finalize = pano_tile_source_finalize;
  source_class->fill_tile_async = pano_tile_source_fill_tile_async;
  source_class->fill_tile_finish = pano_tile_source_fill_tile_finish;
}

static void
pano_tile_source_init (PanoTileSource *self)
{
  self->cache = g_hash_table_new (g_int64_hash, g_int64_equal);
}

PanoTileSource *
pano_tile_source_new (const char       *id,
                      PanoTileRenderer *renderer)
{
  PanoTileSource *self = g_object_new (PANO_TYPE_TILE_SOURCE,
                                       "id", id,
                                       "name", id,
                                       "min-zoom-level", 0,
                                       "max-zoom-level", MAX_ZOOM,
                                       "tile-size", PANO_TILE_SIZE,
                                       "projection", SHUMATE_MAP_PROJECTION_MERCATOR,
                                       NULL);

  self->renderer = g_object_ref (renderer);
  return self;
}

