// SPDX-License-Identifier: GPL-3.0-or-later
/* An XYZ tile server (a city's own, Tianditu …) as a data source that says when it fails and
 * when it is back. ShumateTileDownloader keeps its errors to itself; this wrapper watches every
 * tile it fetches and turns them into two signals, "failed" and "recovered", for the window's
 * banner and base map.
 *
 * A server that fails some tiles and serves others must not make the window flip between the
 * online and the offline map: failing is declared on the first failures, and recovery needs
 * positive evidence: the tiles that failed load again (asked for by the source itself every
 * few seconds, over HTTP past the downloader's cache, since the map does not ask again while
 * the view stands still), a run of successes with no failure, and a quiet spell since the last
 * failure. A server that keeps failing now and then stays "failing", without flicker. */
#define G_LOG_DOMAIN "panorama-layers"

#include "pano-online-source.h"

#include <libsoup/soup.h>

#define ENTER_FAILURES 3         /* of the outcomes remembered (all of them while fewer) */
#define RECOVER_SUCCESSES 32     /* in a row */
#define MAX_FAILED_TILES 8       /* remembered and asked for again while failing */
#define MAX_KNOWN_TILES 32       /* the latest tiles asked for, any of which may be probed */
#define PROBES_PER_ROUND 8
#define DEFAULT_PROBE_MS 2000
#define DEFAULT_QUIET_MS 10000

typedef struct
{
  int x, y, z;
} TileXYZ;

struct _PanoOnlineSource
{
  ShumateDataSource parent_instance;

  ShumateTileDownloader *downloader;
  SoupSession *probe_session;
  GCancellable *cancellable;    /* the probes in flight; cancelled on dispose */
  char *url_template;
  char *host;
  gboolean failing;
  guint recent;                 /* the last outcomes, newest in bit 0: 1 for a failure */
  guint n_recent;               /* how many of those bits are outcomes (at most 32) */
  guint successes;              /* in a row */
  gint64 last_failure_us;
  GArray *failed;               /* TileXYZ, the latest first */
  GArray *known;                /* TileXYZ, the latest asked for first */
  guint probe_id;
  guint probe_ms;
  guint quiet_ms;
};

enum {
  FAILED,
  RECOVERED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PanoOnlineSource, pano_online_source, SHUMATE_TYPE_DATA_SOURCE)

static gboolean probe (gpointer data);

static gboolean
same_tile (const TileXYZ *a,
           const TileXYZ *b)
{
  return a->x == b->x && a->y == b->y && a->z == b->z;
}

static void
forget_tile (GArray        *tiles,
             const TileXYZ *tile)
{
  for (guint i = 0; i < tiles->len; i++)
    if (same_tile (&g_array_index (tiles, TileXYZ, i), tile))
      g_array_remove_index (tiles, i--);
}

/* Puts @tile first in @tiles, once, keeping at most @bound. */
static void
remember_tile (GArray        *tiles,
               const TileXYZ *tile,
               guint          bound)
{
  forget_tile (tiles, tile);
  g_array_prepend_val (tiles, *tile);
  if (tiles->len > bound)
    g_array_set_size (tiles, bound);
}

static void
set_failing (PanoOnlineSource *self,
             gboolean          failing,
             const char       *reason)
{
  self->failing = failing;
  g_clear_handle_id (&self->probe_id, g_source_remove);
  if (failing)
    {
      self->probe_id = g_timeout_add (self->probe_ms, probe, self);
      g_signal_emit (self, signals[FAILED], 0, reason);
    }
  else
    g_signal_emit (self, signals[RECOVERED], 0);
}

/* Every tile's outcome, from the map's requests and from the probes alike. */
static void
record (PanoOnlineSource *self,
        const TileXYZ    *tile,
        const GError     *error)
{
  gint64 now = g_get_monotonic_time ();
  guint failures;

  if (self->failed == NULL)
    return;   /* disposed */
  self->n_recent = MIN (self->n_recent + 1, 32);
  self->recent = self->recent << 1 | (error != NULL);
  if (self->n_recent < 32)
    self->recent &= (1u << self->n_recent) - 1;
  failures = __builtin_popcount (self->recent);
  g_debug ("tile %d/%d/%d %s: %u of the last %u failed, %u in a row good, %u failed tiles",
           tile->z, tile->x, tile->y, error ? error->message : "ok", failures, self->n_recent,
           error ? 0 : self->successes + 1, self->failed->len);
  if (error != NULL)
    {
      self->successes = 0;
      self->last_failure_us = now;
      remember_tile (self->failed, tile, MAX_FAILED_TILES);
      if (!self->failing && failures >= MIN (ENTER_FAILURES, self->n_recent))
        set_failing (self, TRUE, error->message);
      return;
    }
  self->successes++;
  forget_tile (self->failed, tile);
  if (self->failing && self->failed->len == 0 && self->successes >= RECOVER_SUCCESSES &&
      now - self->last_failure_us >= (gint64)self->quiet_ms * 1000)
    set_failing (self, FALSE, NULL);
}

/* ---- probes: the failed tiles asked for again, over HTTP, past the downloader's cache ---- */

typedef struct
{
  PanoOnlineSource *self;       /* a reference */
  TileXYZ tile;
} Probe;

static char *
tile_url (const char    *template,
          const TileXYZ *tile)
{
  g_autoptr(GString) url = g_string_new (template);
  g_autofree char *x = g_strdup_printf ("%d", tile->x);
  g_autofree char *y = g_strdup_printf ("%d", tile->y);
  g_autofree char *z = g_strdup_printf ("%d", tile->z);

  g_string_replace (url, "{x}", x, 0);
  g_string_replace (url, "{y}", y, 0);
  g_string_replace (url, "{z}", z, 0);
  return g_string_free (g_steal_pointer (&url), FALSE);
}

static void
on_probed (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  Probe *p = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result,
                                                               &error);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (error == NULL && !SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
        g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "HTTP %u %s",
                     soup_message_get_status (message),
                     soup_message_get_reason_phrase (message));
      record (p->self, &p->tile, error);
    }
  g_object_unref (p->self);
  g_free (p);
}

static void
probe_tile (PanoOnlineSource *self,
            const TileXYZ    *tile)
{
  g_autofree char *url = tile_url (self->url_template, tile);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, url);
  Probe *p;

  if (message == NULL)
    return;
  p = g_new0 (Probe, 1);
  p->self = g_object_ref (self);
  p->tile = *tile;
  soup_session_send_and_read_async (self->probe_session, message, G_PRIORITY_LOW,
                                    self->cancellable, on_probed, p);
}

/* One round: the tiles that failed, then recent ones that did not, so that a server that is
 * back shows a run of successes even while the view stands still. */
static gboolean
probe (gpointer data)
{
  PanoOnlineSource *self = data;
  g_autoptr(GArray) round = g_array_copy (self->failed);

  for (guint i = 0; i < self->known->len && round->len < PROBES_PER_ROUND; i++)
    {
      TileXYZ *t = &g_array_index (self->known, TileXYZ, i);

      forget_tile (round, t);
      g_array_append_vals (round, t, 1);
    }
  for (guint i = 0; i < round->len; i++)
    probe_tile (self, &g_array_index (round, TileXYZ, i));
  return G_SOURCE_CONTINUE;
}

/* ---- the data source ---- */

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
  TileXYZ *tile = g_task_get_task_data (task);

  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        record (self, tile, error);
      g_task_return_error (task, error);
      return;
    }

  record (self, tile, NULL);
  /* The raster renderer draws from this signal, not from the returned bytes. */
  g_signal_emit_by_name (self, "received-data", tile->x, tile->y, tile->z, bytes);
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
  TileXYZ *tile = g_new (TileXYZ, 1);

  *tile = (TileXYZ) { x, y, zoom };
  if (self->known != NULL)
    remember_tile (self->known, tile, MAX_KNOWN_TILES);
  g_task_set_source_tag (task, pano_online_source_get_tile_data_async);
  g_task_set_task_data (task, tile, g_free);
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
pano_online_source_dispose (GObject *object)
{
  PanoOnlineSource *self = (PanoOnlineSource *)object;

  g_clear_handle_id (&self->probe_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->failed, g_array_unref);   /* tiles still arriving find no state */
  g_clear_pointer (&self->known, g_array_unref);

  G_OBJECT_CLASS (pano_online_source_parent_class)->dispose (object);
}

static void
pano_online_source_finalize (GObject *object)
{
  PanoOnlineSource *self = (PanoOnlineSource *)object;

  g_clear_object (&self->downloader);
  g_clear_object (&self->probe_session);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->url_template, g_free);
  g_clear_pointer (&self->host, g_free);

  G_OBJECT_CLASS (pano_online_source_parent_class)->finalize (object);
}

static void
pano_online_source_class_init (PanoOnlineSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateDataSourceClass *source_class = SHUMATE_DATA_SOURCE_CLASS (klass);

  object_class->dispose = pano_online_source_dispose;
  object_class->finalize = pano_online_source_finalize;
  source_class->get_tile_data_async = pano_online_source_get_tile_data_async;
  source_class->get_tile_data_finish = pano_online_source_get_tile_data_finish;

  /* Emitted once when tiles start failing, with the first reason; not again until after
   * "recovered". */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* Emitted once the server has served every tile that failed, and only successes, for a
   * while. */
  signals[RECOVERED] = g_signal_new ("recovered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pano_online_source_init (PanoOnlineSource *self)
{
  self->failed = g_array_new (FALSE, FALSE, sizeof (TileXYZ));
  self->known = g_array_new (FALSE, FALSE, sizeof (TileXYZ));
  self->cancellable = g_cancellable_new ();
  self->probe_session = soup_session_new_with_options ("timeout", 20, NULL);
  self->probe_ms = DEFAULT_PROBE_MS;
  self->quiet_ms = DEFAULT_QUIET_MS;
}

PanoOnlineSource *
pano_online_source_new (const char *url_template)
{
  PanoOnlineSource *self = g_object_new (PANO_TYPE_ONLINE_SOURCE, NULL);
  g_autoptr(GUri) uri = g_uri_parse (url_template, G_URI_FLAGS_NONE, NULL);

  self->downloader = shumate_tile_downloader_new (url_template);
  self->url_template = g_strdup (url_template);
  self->host = g_strdup (uri && g_uri_get_host (uri) ? g_uri_get_host (uri) : url_template);
  return self;
}

const char *
pano_online_source_get_host (PanoOnlineSource *self)
{
  return self->host;
}

/* Returns: whether the server is taken as failing (between "failed" and "recovered") */
gboolean
pano_online_source_is_failing (PanoOnlineSource *self)
{
  return self->failing;
}

/**
 * pano_online_source_set_recovery:
 * @probe_ms: how often the failed tiles are asked for again while failing
 * @quiet_ms: how long without a failure before recovery is declared
 */
void
pano_online_source_set_recovery (PanoOnlineSource *self,
                                 guint             probe_ms,
                                 guint             quiet_ms)
{
  self->probe_ms = MAX (probe_ms, 1);
  self->quiet_ms = quiet_ms;
  if (self->probe_id != 0)
    {
      g_source_remove (self->probe_id);
      self->probe_id = g_timeout_add (self->probe_ms, probe, self);
    }
}
