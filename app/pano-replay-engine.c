// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-replay"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "pano-json.h"
#include "pano-live-style.h"
#include "pano-replay-engine.h"

/* A seek reads each layer's state at T from the hub (GET /v1/replay/state: a keyframe and the
 * changes after it, shaped as a snapshot frame) and applies it as a snapshot. Playing on, the
 * changes ahead are fetched (FIRST_AHEAD_MS after a seek, doubling up to MAX_AHEAD_MS) and decoded in a worker thread, cut into buckets of
 * BUCKET_MS, and each bucket is applied as one delta per layer once the replay clock reaches it:
 * the main thread only applies decoded frames, as it does for the live feed. */

#define BUCKET_MS 250
#define FIRST_AHEAD_MS 2000    /* after a seek: play starts without waiting for a long read */
#define MAX_AHEAD_MS 60000
#define AHEAD_CHANGES 20000    /* a span with more halves the next one: reads stay short */
#define APPLY_BUDGET_US 4000   /* of a frame, for applying changes; the rest waits a frame */

typedef struct
{
  gint64 t;             /* the newest change in it */
  GPtrArray *frames;    /* PanoFeedFrame, one per layer with changes */
} Bucket;

struct _PanoReplayEngine
{
  GObject parent_instance;
  char *url;
  char *token;
  char *ca_file;
  PanoLiveStore *store;
  gint64 start, end;
  gint64 position;
  guint generation;
  gboolean seeking;
  gboolean fetching;
  gint64 buffered_end;  /* buckets cover the changes before this */
  gint64 ahead_ms;      /* the next fetch's span */
  guint frame_index;    /* in the head bucket, partly applied */
  guint next;           /* in that frame */
  GQueue buckets;
  gint64 retry_at;      /* monotonic µs: no fetch before, after the hub failed one */
  gint64 retry_us;      /* the next wait after a failure: 2 s, doubling up to 30 s */
  char *error;          /* the last fetch's failure, NULL since one succeeded */
};

G_DEFINE_FINAL_TYPE (PanoReplayEngine, pano_replay_engine, G_TYPE_OBJECT)

typedef struct
{
  char *url, *token, *ca_file;
  guint generation;
  gint64 at, from, to;
  GPtrArray *frames;    /* seek: snapshots */
  GPtrArray *buckets;   /* fetch: Bucket */
  guint n_changes;
  gint64 start, end;
} Job;

static void
bucket_free (gpointer data)
{
  Bucket *bucket = data;

  if (bucket == NULL)   /* handed on to the queue */
    return;
  g_ptr_array_unref (bucket->frames);
  g_free (bucket);
}

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->url);
  g_free (job->token);
  g_free (job->ca_file);
  g_clear_pointer (&job->frames, g_ptr_array_unref);
  g_clear_pointer (&job->buckets, g_ptr_array_unref);
  g_free (job);
}

static Job *
job_new (PanoReplayEngine *self)
{
  Job *job = g_new0 (Job, 1);

  job->url = g_strdup (self->url);
  job->token = g_strdup (self->token);
  job->ca_file = g_strdup (self->ca_file);
  job->generation = self->generation;
  return job;
}

/* Worker thread: a session of its own, blocking requests. */

static SoupSession *
job_session (Job     *job,
             GError **error)
{
  SoupSession *session = soup_session_new ();

  soup_session_set_timeout (session, 30);
  if (job->ca_file != NULL)
    {
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (job->ca_file, error);

      if (database == NULL)
        return g_object_unref (session), NULL;
      soup_session_set_tls_database (session, database);
    }
  return session;
}

static GBytes *
job_get (Job          *job,
         SoupSession  *session,
         const char   *path,
         GError      **error)
{
  g_autofree char *url = g_strconcat (job->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *auth = g_strconcat ("Bearer ", job->token ? job->token : "", NULL);
  g_autoptr(GBytes) body = NULL;

  if (msg == NULL)
    return g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                        _("The hub address %s is not a URL"), job->url), NULL;
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  if ((body = soup_session_send_and_read (session, msg, NULL, error)) == NULL)
    return NULL;
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    return g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                        _("The hub at %s could not replay that time (HTTP %u for %s)"), job->url,
                        soup_message_get_status (msg), path), NULL;
  return g_steal_pointer (&body);
}

/* The state at T is not stale just because the wall clock has moved on since. */
static void
clamp_stale (PanoFeedFrame *frame,
             gint64         at)
{
  for (guint i = 0; frame->changes && i < frame->changes->len; i++)
    {
      PanoFeedChange *change = &g_array_index (frame->changes, PanoFeedChange, i);

      if (change->entity.stale_after_ms > at)
        change->entity.stale_after_ms = 0;
    }
}

static void
seek_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Job *job = task_data;
  const char * const *names = pano_live_style_get_layer_names ();
  g_autoptr(SoupSession) session = NULL;
  GError *error = NULL;

  if ((session = job_session (job, &error)) == NULL)
    return g_task_return_error (task, error);
  job->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) pano_feed_frame_free);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_strdup_printf ("/v1/replay/state?layer=%s&at=%" G_GINT64_FORMAT,
                                               names[i], job->at);
      g_autoptr(GBytes) body = job_get (job, session, path, &error);
      PanoFeedFrame *frame;
      gsize size;
      const char *text;

      if (body == NULL || g_cancellable_set_error_if_cancelled (cancellable, &error))
        return g_task_return_error (task, error);
      text = g_bytes_get_data (body, &size);
      if ((frame = pano_feed_frame_decode (text, size, &error)) == NULL)
        return g_task_return_error (task, error);
      clamp_stale (frame, job->at);
      g_ptr_array_add (job->frames, frame);
    }
  g_task_return_boolean (task, TRUE);
}

static Bucket *
bucket_at (GPtrArray  *buckets,
           gint64      from,
           gint64      t)
{
  guint index = (guint) ((t - from) / BUCKET_MS);

  while (buckets->len <= index)
    {
      Bucket *bucket = g_new0 (Bucket, 1);

      bucket->t = from + (gint64) (buckets->len + 1) * BUCKET_MS - 1;
      bucket->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) pano_feed_frame_free);
      g_ptr_array_add (buckets, bucket);
    }
  return buckets->pdata[index];
}

/* Appends the changes of one answer to their buckets' texts; returns the last pos, or 0. */
static gint64
split_changes (const char *text,
               gsize       size,
               gint64      from,
               GPtrArray  *texts,
               gboolean   *more,
               guint      *n_changes,
               GError    **error)
{
  PanoJsonSpan root, list, element, value;
  PanoJsonIter iter;
  gint64 pos = 0;

  if (!pano_json_check (text, size, &root, error))
    return -1;
  *more = pano_json_member (root, "more", &value) && pano_json_is_true (value);
  if (!pano_json_member (root, "changes", &list))
    return 0;
  pano_json_iter_init (&iter, list);
  while (pano_json_iter_next (&iter, NULL, &element))
    {
      gint64 t = from;
      guint index;
      GString *bucket;

      if (pano_json_member (element, "t", &value))
        pano_json_int (value, &t);
      if (pano_json_member (element, "pos", &value))
        pano_json_int (value, &pos);
      /* a span is at most MAX_AHEAD_MS: a time beyond it (a confused hub) cannot size the
       * bucket array */
      index = (guint) (CLAMP (t - from, 0, MAX_AHEAD_MS) / BUCKET_MS);
      while (texts->len <= index)
        g_ptr_array_add (texts, NULL);
      if ((bucket = texts->pdata[index]) == NULL)
        bucket = texts->pdata[index] = g_string_new (NULL);
      else
        g_string_append_c (bucket, ',');
      g_string_append_len (bucket, element.start, element.end - element.start);
      (*n_changes)++;
    }
  return pos;
}

static gboolean
fetch_layer (Job          *job,
             SoupSession  *session,
             const char   *layer,
             GPtrArray    *buckets,
             GError      **error)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  gboolean more = TRUE;
  gint64 after = 0;

  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/v1/replay/changes?layer=%s&from=%" G_GINT64_FORMAT
                                               "&to=%" G_GINT64_FORMAT "&after=%" G_GINT64_FORMAT,
                                               layer, job->from, job->to, after);
      g_autoptr(GBytes) body = job_get (job, session, path, error);
      gsize size;
      const char *text;
      gint64 last;

      if (body == NULL)
        return FALSE;
      text = g_bytes_get_data (body, &size);
      if ((last = split_changes (text, size, job->from, texts, &more, &job->n_changes,
                                 error)) < 0)
        return FALSE;
      if (more && last <= after)
        return g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                            "The hub's history of %s says there is more but gives nothing new",
                            layer), FALSE;
      after = last;
    }
  for (guint i = 0; i < texts->len; i++)
    {
      g_autoptr(GString) frame_text = g_string_new (NULL);
      GString *changes = texts->pdata[i];
      PanoFeedFrame *frame;

      if (changes == NULL)
        continue;
      g_string_append_printf (frame_text, "{\"type\":\"delta\",\"layer\":\"%s\",\"epoch\":"
                              "\"replay\",\"from_seq\":1,\"seq\":1,\"changes\":[%s]}", layer,
                              changes->str);
      g_string_free (changes, TRUE);
      texts->pdata[i] = NULL;
      if ((frame = pano_feed_frame_decode (frame_text->str, frame_text->len, error)) == NULL)
        return FALSE;
      clamp_stale (frame, job->from + (gint64) (i + 1) * BUCKET_MS);
      g_ptr_array_add (bucket_at (buckets, job->from, job->from + i * BUCKET_MS)->frames,
                       frame);
    }
  return TRUE;
}

static void
fetch_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Job *job = task_data;
  const char * const *names = pano_live_style_get_layer_names ();
  g_autoptr(SoupSession) session = NULL;
  GError *error = NULL;

  if ((session = job_session (job, &error)) == NULL)
    return g_task_return_error (task, error);
  job->buckets = g_ptr_array_new_with_free_func (bucket_free);
  for (guint i = 0; names[i] != NULL; i++)
    if (!fetch_layer (job, session, names[i], job->buckets, &error))
      return g_task_return_error (task, error);
  g_task_return_boolean (task, TRUE);
}

static void
range_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  GError *error = NULL;
  JsonObject *object;
  gsize size;
  const char *text;

  if ((session = job_session (job, &error)) == NULL ||
      (body = job_get (job, session, "/v1/replay/range", &error)) == NULL)
    return g_task_return_error (task, error);
  text = g_bytes_get_data (body, &size);
  if (!json_parser_load_from_data (parser, text, size, &error))
    return g_task_return_error (task, error);
  object = json_node_get_object (json_parser_get_root (parser));
  job->start = json_object_get_int_member_with_default (object, "start", 0);
  job->end = json_object_get_int_member_with_default (object, "end", 0);
  g_task_return_boolean (task, TRUE);
}

/* Main thread */

static void
pano_replay_engine_finalize (GObject *object)
{
  PanoReplayEngine *self = PANO_REPLAY_ENGINE (object);

  g_queue_clear_full (&self->buckets, bucket_free);
  g_clear_object (&self->store);
  g_free (self->url);
  g_free (self->error);
  g_free (self->token);
  g_free (self->ca_file);
  G_OBJECT_CLASS (pano_replay_engine_parent_class)->finalize (object);
}

static void
pano_replay_engine_class_init (PanoReplayEngineClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pano_replay_engine_finalize;
}

static void
pano_replay_engine_init (PanoReplayEngine *self)
{
  g_queue_init (&self->buckets);
}

/**
 * pano_replay_engine_new:
 * @ca_file: (nullable): PEM authorities an https:// hub must chain to
 */
PanoReplayEngine *
pano_replay_engine_new (const char *url,
                        const char *token,
                        const char *ca_file)
{
  PanoReplayEngine *self = g_object_new (PANO_TYPE_REPLAY_ENGINE, NULL);

  self->url = g_strdup (url);
  self->token = g_strdup (token);
  self->ca_file = g_strdup (ca_file);
  self->store = pano_live_store_new (pano_live_style_get_layer_names ());
  return self;
}

/* Returns: (transfer none): the replayed city, drawn like the live one */
PanoLiveStore *
pano_replay_engine_get_store (PanoReplayEngine *self)
{
  return self->store;
}

gint64
pano_replay_engine_get_start (PanoReplayEngine *self)
{
  return self->start;
}

gint64
pano_replay_engine_get_end (PanoReplayEngine *self)
{
  return self->end;
}

gint64
pano_replay_engine_get_position (PanoReplayEngine *self)
{
  return self->position;
}

gboolean
pano_replay_engine_is_seeking (PanoReplayEngine *self)
{
  return self->seeking;
}

/* Returns: (nullable): why the last read of the history failed, while it is retried */
const char *
pano_replay_engine_get_error (PanoReplayEngine *self)
{
  return self->error;
}

void
pano_replay_engine_load_range_async (PanoReplayEngine    *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pano_replay_engine_load_range_async);
  g_task_set_task_data (task, job_new (self), job_free);
  g_task_run_in_thread (task, range_in_thread);
}

/* Returns: %TRUE once the retained range (get_start, get_end) is known */
gboolean
pano_replay_engine_load_range_finish (PanoReplayEngine  *self,
                                      GAsyncResult      *result,
                                      GError           **error)
{
  Job *job = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  self->start = job->start;
  self->end = job->end;
  return TRUE;
}

static void fetch_ahead (PanoReplayEngine *self);

static void
on_fetched (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  PanoReplayEngine *self = PANO_REPLAY_ENGINE (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (job->generation != self->generation)
    return;
  self->fetching = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* Not sixty tries a second at a hub that is down: wait, longer each time, and say why. */
      self->retry_us = CLAMP (self->retry_us * 2, 2 * G_USEC_PER_SEC, 30 * G_USEC_PER_SEC);
      self->retry_at = g_get_monotonic_time () + self->retry_us;
      g_free (self->error);
      self->error = g_strdup (error->message);
      return;
    }
  self->retry_us = 0;
  g_clear_pointer (&self->error, g_free);
  for (guint i = 0; i < job->buckets->len; i++)
    {
      Bucket *bucket = job->buckets->pdata[i];

      if (bucket->frames->len > 0)
        g_queue_push_tail (&self->buckets, g_steal_pointer (&job->buckets->pdata[i]));
    }
  self->buffered_end = job->to;
  if (job->n_changes > AHEAD_CHANGES)
    self->ahead_ms = MAX (self->ahead_ms / 4, BUCKET_MS * 4);
  fetch_ahead (self);
}

static void
fetch_ahead (PanoReplayEngine *self)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  /* Refill while less than two thirds of the last span is left. */
  if (self->fetching || self->seeking || self->buffered_end >= self->end ||
      self->buffered_end - self->position >= self->ahead_ms * 2 / 3 ||
      g_get_monotonic_time () < self->retry_at)
    return;
  job = job_new (self);
  job->from = self->buffered_end;
  job->to = MIN (self->buffered_end + self->ahead_ms, self->end);
  self->ahead_ms = MIN (self->ahead_ms * 2, MAX_AHEAD_MS);
  self->fetching = TRUE;
  task = g_task_new (self, NULL, on_fetched, NULL);
  g_task_set_task_data (task, job, job_free);
  g_task_run_in_thread (task, fetch_in_thread);
}

/**
 * pano_replay_engine_seek_async:
 *
 * Reads the state of every layer at @at_ms in a worker thread; _finish() shows it.
 */
void
pano_replay_engine_seek_async (PanoReplayEngine    *self,
                               gint64               at_ms,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Job *job;

  /* Whatever was fetched or sought before is for another time now. */
  self->generation++;
  self->seeking = TRUE;
  self->retry_at = 0;   /* the operator asked: try at once */
  self->fetching = FALSE;
  g_queue_clear_full (&self->buckets, bucket_free);
  self->frame_index = self->next = 0;
  job = job_new (self);
  job->at = at_ms;
  g_task_set_source_tag (task, pano_replay_engine_seek_async);
  g_task_set_task_data (task, job, job_free);
  g_task_run_in_thread (task, seek_in_thread);
}

/* Returns: %TRUE when the store shows the city at the time sought */
gboolean
pano_replay_engine_seek_finish (PanoReplayEngine  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  Job *job = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    {
      if (job->generation == self->generation)
        self->seeking = FALSE;
      return FALSE;
    }
  if (job->generation != self->generation)
    return g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                "A later seek replaced this one"), FALSE;
  self->seeking = FALSE;
  for (guint i = 0; i < job->frames->len; i++)
    if (!pano_live_store_apply (self->store, job->frames->pdata[i], error))
      return FALSE;
  pano_live_store_flush (self->store);
  self->position = job->at;
  /* Changes at the sought millisecond are in the state already. */
  self->buffered_end = job->at + 1;
  self->ahead_ms = FIRST_AHEAD_MS;
  fetch_ahead (self);
  return TRUE;
}

/* Returns: %TRUE once @bucket is applied, %FALSE when @deadline came first (on next time) */
static gboolean
apply_bucket (PanoReplayEngine *self,
              Bucket           *bucket,
              gint64            deadline)
{
  for (; self->frame_index < bucket->frames->len; self->frame_index++, self->next = 0)
    {
      PanoFeedFrame *frame = bucket->frames->pdata[self->frame_index];
      g_autoptr(GError) error = NULL;

      if (self->next == 0)
        frame->from_seq = frame->seq = pano_live_store_get_seq (self->store, frame->layer) + 1;
      if (pano_live_store_apply_until (self->store, frame, &self->next, deadline, &error))
        continue;
      if (error == NULL)
        return FALSE;
      g_warning ("Replay: %s", error->message);
    }
  self->frame_index = 0;
  return TRUE;
}

/**
 * pano_replay_engine_advance:
 *
 * Moves the replay clock towards @to_ms, applying every fetched change up to it.
 *
 * Returns: the time the store now shows: @to_ms, or less while the changes after it are
 *   still being fetched
 */
gint64
pano_replay_engine_advance (PanoReplayEngine *self,
                            gint64            to_ms)
{
  gint64 deadline = g_get_monotonic_time () + APPLY_BUDGET_US;
  Bucket *bucket;
  gboolean changed = FALSE;

  if (self->seeking)
    return self->position;
  to_ms = MIN (to_ms, MAX (self->buffered_end - 1, self->position));
  while ((bucket = g_queue_peek_head (&self->buckets)) != NULL && bucket->t <= to_ms)
    {
      changed = TRUE;
      /* Behind: the clock waits at the bucket rather than the frame waiting for it. */
      if (!apply_bucket (self, bucket, deadline))
        {
          to_ms = MAX (bucket->t - 1, self->position);
          break;
        }
      bucket_free (g_queue_pop_head (&self->buckets));
    }
  self->position = MAX (self->position, to_ms);
  if (changed)
    pano_live_store_flush (self->store);
  fetch_ahead (self);
  return self->position;
}
