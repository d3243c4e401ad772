// SPDX-License-Identifier: GPL-3.0-or-later
/* An XYZ tile server (a city's own, Tianditu …) as a data source that says when it fails.
 * ShumateTileDownloader keeps its errors to itself; this wrapper reports the first failure
 * and the first success after failures, so the window can show or hide a banner. */
#define G_LOG_DOMAIN "panorama-layers"

#include "pano-online-source.h"

struct _PanoOnlineSource
{
  ShumateDataSource parent_instance;

  ShumateTileDownloader *downloader;
  char *host;
  gboolean failing;
};

enum {
  FAILED,
  RECOVERED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PanoOnlineSource, pano_online_source, SHUMATE_TYPE_DATA_SOURCE)

static void
on_tile_data (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PanoOnlineSource *self = g_task_get_source_object (task);
  GError *error = NULL;
  GBytes *bytes = shumate_data_source_get_tile_data_finish (SHUMATE_DATA_SOURCE (object),
                                                            result, &error);
  int *xyz = g_task_get_task_data (task);

  if (bytes == NULL)
    {
      if (!self->failing && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->failing = TRUE;
          g_signal_emit (self, signals[FAILED], 0, error->message);
        }
      g_task_return_error (task, error);
      return;
    }

  if (self->failing)
    {
      self->failing = FALSE;
      g_signal_emit (self, signals[RECOVERED], 0);
    }
  /* The raster renderer draws from this signal, not from the returned bytes. */
  g_signal_emit_by_name (self, "received-data", xyz[0], xyz[1], xyz[2], bytes);
  g_task_return_pointer (task, bytes, (GDestroyNotify)g_bytes_unref);
}

static void
pano_online_source_get_tile_data_async (ShumateDataSource   *source,
                                        int                  x,
                                        int                  y,
                                        int                  zoom,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  PanoOnlineSource *self = PANO_ONLINE_SOURCE (source);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  int *xyz = g_new (int, 3);

  xyz[0] = x, xyz[1] = y, xyz[2] = zoom;
  g_task_set_source_tag (task, pano_online_source_get_tile_data_async);
  g_task_set_task_data (task, xyz, g_free);
  shumate_data_source_get_tile_data_async (SHUMATE_DATA_SOURCE (self->downloader), x, y, zoom,
                                           cancellable, on_tile_data, task);
}

static GBytes *
pano_online_source_get_tile_data_finish (ShumateDataSource  *source,
                                         GAsyncResult       *result,
                                         GError            **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
pano_online_source_finalize (GObject *object)
{
  PanoOnlineSource *self = (PanoOnlineSource *)object;

  g_clear_object (&self->downloader);
  g_clear_pointer (&self->host, g_free);

  G_OBJECT_CLASS (pano_online_source_parent_class)->finalize (object);
}

static void
pano_online_source_class_init (PanoOnlineSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateDataSourceClass *source_class = SHUMATE_DATA_SOURCE_CLASS (klass);

  object_class->finalize = pano_online_source_finalize;
  source_class->get_tile_data_async = pano_online_source_get_tile_data_async;
  source_class->get_tile_data_finish = pano_online_source_get_tile_data_finish;

  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[RECOVERED] = g_signal_new ("recovered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pano_online_source_init (PanoOnlineSource *self)
{
}

PanoOnlineSource *
pano_online_source_new (const char *url_template)
{
  PanoOnlineSource *self = g_object_new (PANO_TYPE_ONLINE_SOURCE, NULL);
  g_autoptr(GUri) uri = g_uri_parse (url_template, G_URI_FLAGS_NONE, NULL);

  self->downloader = shumate_tile_downloader_new (url_template);
  self->host = g_strdup (uri && g_uri_get_host (uri) ? g_uri_get_host (uri) : url_template);
  return self;
}

const char *
pano_online_source_get_host (PanoOnlineSource *self)
{
  return self->host;
}
