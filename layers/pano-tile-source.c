// SPDX-License-Identifier: GPL-3.0-or-later
/* A ShumateMapSource whose tiles are drawn by a PanoTileRenderer on worker threads. The map
 * itself draws static layers through PanoTileLayer, which composes and caches them; this
 * source is the viewport's reference (projection, zoom range, tile size) and serves whoever
 * asks ShumateMapSource for a tile. */
#define G_LOG_DOMAIN "panorama-layers"

#include "pano-tile-source.h"
#include "pano-mercator.h"
#include "pano-texture.h"

#define MAX_ZOOM 19

struct _PanoTileSource
{
  ShumateMapSource parent_instance;

  PanoTileRenderer *renderer;
};

typedef struct
{
  PanoTileRenderer *renderer;
  guint x, y, zoom, size;
} TileJob;

G_DEFINE_FINAL_TYPE (PanoTileSource, pano_tile_source, SHUMATE_TYPE_MAP_SOURCE)

static void
tile_job_free (TileJob *job)
{
  g_clear_object (&job->renderer);
  g_free (job);
}

static void
render_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  TileJob *job = task_data;
  cairo_surface_t *surface;

  if (g_task_return_error_if_cancelled (task))
    return;

  surface = pano_tile_renderer_render_tile (job->renderer, job->x, job->y, job->zoom, job->size);
  g_task_return_pointer (task, pano_texture_new_for_surface (surface), g_object_unref);
  cairo_surface_destroy (surface);
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
  ShumateTile *tile = g_task_get_task_data (task);
  g_autoptr(GdkTexture) texture = NULL;
  GError *error = NULL;

  texture = g_task_propagate_pointer (G_TASK (result), &error);
  if (texture == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

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
  TileJob *job;

  g_task_set_source_tag (task, pano_tile_source_fill_tile_async);
  g_task_set_task_data (task, g_object_ref (tile), g_object_unref);
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

