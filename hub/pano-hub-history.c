// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-history"

#include <sqlite3.h>

#include "pano-hub-history.h"
#include "pano-hub-rest.h"

/* Every change the store publishes is queued here with its time and handed to a writer thread
 * once a second, which commits the whole second in one transaction on its own connection: the
 * command path and the fan-out never wait for the disk. A keyframe (a layer's whole state) is
 * queued in the same order every [history] keyframe-s, so the state at T is one keyframe plus
 * the changes after it, and a restart starts with a keyframe of what the new process holds.
 * Reads use a second connection (WAL: readers do not block the writer). */

typedef enum
{
  ITEM_CHANGE,
  ITEM_KEYFRAME,
  ITEM_PRUNE,
  ITEM_SYNC,
  ITEM_STOP,
} ItemKind;

typedef struct
{
  ItemKind kind;
  PanoLayerId layer;
  gint64 t;               /* ms since the epoch */
  PanoHubDelta *delta;    /* ITEM_CHANGE */
  GString *state;         /* ITEM_KEYFRAME: id \0 entity \0 … */
  guint n;
} Item;

struct _PanoHubHistory
{
  GObject parent_instance;
  PanoHubStore *store;
  char *path;
  gint64 keyframe_ms;
  gint64 retain_ms;
  gint64 max_bytes;
  gint64 last_t;
  GPtrArray *pending;     /* Item, in order */
  guint flush_id;
  guint keyframe_id;
  gulong changed_id;

  sqlite3 *reader;
  GThread *writer;
  GAsyncQueue *queue;     /* GPtrArray of Item, one per transaction */
  GMutex lock;
  GCond cond;
  guint64 synced;         /* tickets the writer has committed, under lock */
  guint64 tickets;
  gint64 committed_t;     /* the time of the last committed item, under lock */
  gboolean behind;        /* changes are being dropped (push_pending) */
};

G_DEFINE_FINAL_TYPE (PanoHubHistory, pano_hub_history, G_TYPE_OBJECT)

static const char schema[] =
  "PRAGMA auto_vacuum = INCREMENTAL;"
  "PRAGMA journal_mode = WAL;"
  "PRAGMA synchronous = NORMAL;"
  "CREATE TABLE IF NOT EXISTS changes (pos INTEGER PRIMARY KEY, layer INTEGER NOT NULL,"
  " t INTEGER NOT NULL, id TEXT NOT NULL, entity TEXT);"
  "CREATE INDEX IF NOT EXISTS changes_layer_t ON changes (layer, t);"
  "CREATE TABLE IF NOT EXISTS keyframes (layer INTEGER NOT NULL, t INTEGER NOT NULL,"
  " pos INTEGER NOT NULL, n INTEGER NOT NULL, state BLOB NOT NULL, PRIMARY KEY (layer, t));";

static void
item_free (gpointer data)
{
  Item *item = data;

  g_clear_pointer (&item->delta, pano_hub_delta_unref);
  if (item->state != NULL)
    g_string_free (item->state, TRUE);
  g_free (item);
}

static Item *
item_new (PanoHubHistory *self,
          ItemKind        kind,
          PanoLayerId     layer)
{
  Item *item = g_new0 (Item, 1);

  item->kind = kind;
  item->layer = layer;
  /* Times never go backwards, even if the clock does: the order of the rows is their time's. */
  self->last_t = item->t = MAX (g_get_real_time () / 1000, self->last_t);
  g_ptr_array_add (self->pending, item);
  return item;
}

char *
pano_hub_history_path_for (const char *database)
{
  g_autofree char *stem = g_str_has_suffix (database, ".db")
                          ? g_strndup (database, strlen (database) - 3) : g_strdup (database);

  return g_strconcat (stem, "-history.db", NULL);
}

/* Writer thread */

static gboolean
exec (sqlite3    *db,
      const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) == SQLITE_OK)
    return TRUE;
  g_warning ("Replay history: %s failed: %s", sql, message);
  sqlite3_free (message);
  return FALSE;
}

static gint64
query_int (sqlite3    *db,
           const char *sql,
           gint64      a,
           gint64      b,
           gint64      fallback)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = fallback;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return fallback;
  sqlite3_bind_int64 (stmt, 1, a);
  sqlite3_bind_int64 (stmt, 2, b);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static void
run_sql (sqlite3    *db,
         const char *sql,
         gint64      a,
         gint64      b)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return;
  sqlite3_bind_int64 (stmt, 1, a);
  sqlite3_bind_int64 (stmt, 2, b);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);
}

/* Drops what only the states before @cutoff need: per layer, the keyframes older than its
 * newest keyframe at or before @cutoff, and the changes that keyframe already holds. */
static void
prune_to (sqlite3 *db,
          gint64   cutoff)
{
  for (guint layer = 0; layer < PANO_N_LAYERS; layer++)
    {
      gint64 kt = query_int (db, "SELECT max(t) FROM keyframes WHERE layer = ?1 AND t <= ?2",
                             layer, cutoff, -1);
      gint64 kpos;

      if (kt < 0)
        continue;
      kpos = query_int (db, "SELECT pos FROM keyframes WHERE layer = ?1 AND t = ?2", layer, kt,
                        0);
      run_sql (db, "DELETE FROM keyframes WHERE layer = ?1 AND t < ?2", layer, kt);
      run_sql (db, "DELETE FROM changes WHERE layer = ?1 AND pos <= ?2", layer, kpos);
    }
}

static gint64
used_bytes (sqlite3 *db)
{
  return (query_int (db, "PRAGMA page_count", 0, 0, 0) -
          query_int (db, "PRAGMA freelist_count", 0, 0, 0)) *
         query_int (db, "PRAGMA page_size", 0, 0, 4096);
}

/* By age first, then by size: while over max-mb, the oldest keyframe period goes. */
static void
prune (PanoHubHistory *self,
       sqlite3        *db,
       gint64          now)
{
  gint64 used, before = G_MAXINT64;

  prune_to (db, now - self->retain_ms);
  /* Each turn drops the oldest round (it frees pages, or there is nothing left to drop). */
  while ((used = used_bytes (db)) > self->max_bytes && used < before)
    {
      gint64 next = query_int (db, "SELECT DISTINCT t FROM keyframes ORDER BY t LIMIT 1 "
                                   "OFFSET 1", 0, 0, -1);

      if (next < 0)
        break;
      prune_to (db, next);
      before = used;
    }
  exec (db, "PRAGMA incremental_vacuum");
}

static void
write_item (PanoHubHistory *self,
            sqlite3        *db,
            sqlite3_stmt   *change,
            sqlite3_stmt   *keyframe,
            Item           *item)
{
  if (item->kind == ITEM_CHANGE)
    {
      const char *text = item->delta->change;
      const char *entity = g_str_has_prefix (text, "{\"op\":\"upsert\",\"entity\":")
                           ? text + strlen ("{\"op\":\"upsert\",\"entity\":") : NULL;

      sqlite3_bind_int (change, 1, item->layer);
      sqlite3_bind_int64 (change, 2, item->t);
      sqlite3_bind_text (change, 3, item->delta->id, -1, SQLITE_STATIC);
      if (entity != NULL)
        sqlite3_bind_text (change, 4, entity, strlen (entity) - 1, SQLITE_STATIC);
      else
        sqlite3_bind_null (change, 4);
      sqlite3_step (change);
      sqlite3_reset (change);
    }
  else if (item->kind == ITEM_KEYFRAME)
    {
      sqlite3_bind_int (keyframe, 1, item->layer);
      sqlite3_bind_int64 (keyframe, 2, item->t);
      /* pos: the last change queued before it, so the keyframe holds every change up to it. */
      sqlite3_bind_int64 (keyframe, 3, query_int (db, "SELECT ifnull(max(pos), 0) FROM changes",
                                                  0, 0, 0));
      sqlite3_bind_int (keyframe, 4, item->n);
      sqlite3_bind_blob (keyframe, 5, item->state->str, item->state->len, SQLITE_STATIC);
      sqlite3_step (keyframe);
      sqlite3_reset (keyframe);
    }
  else if (item->kind == ITEM_PRUNE)
    prune (self, db, item->t);
}

static gpointer
writer_main (gpointer data)
{
  PanoHubHistory *self = data;
  sqlite3 *db = NULL;
  sqlite3_stmt *change = NULL, *keyframe = NULL;
  gboolean stop = FALSE;

  sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READWRITE, NULL);
  sqlite3_busy_timeout (db, 5000);
  exec (db, "PRAGMA synchronous = NORMAL");
  sqlite3_prepare_v2 (db, "INSERT INTO changes (layer, t, id, entity) VALUES (?, ?, ?, ?)", -1,
                      &change, NULL);
  sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO keyframes VALUES (?, ?, ?, ?, ?)", -1,
                      &keyframe, NULL);
  while (!stop)
    {
      g_autoptr(GPtrArray) items = g_async_queue_pop (self->queue);
      guint tickets = 0;
      gint64 t = 0;

      exec (db, "BEGIN");
      for (guint i = 0; i < items->len; i++)
        {
          Item *item = items->pdata[i];

          write_item (self, db, change, keyframe, item);
          tickets += item->kind == ITEM_SYNC;
          stop |= item->kind == ITEM_STOP;
          t = MAX (t, item->t);
        }
      exec (db, "COMMIT");
      g_mutex_lock (&self->lock);
      self->synced += tickets;
      self->committed_t = MAX (self->committed_t, t);
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
    }
  sqlite3_finalize (change);
  sqlite3_finalize (keyframe);
  sqlite3_close (db);
  return NULL;
}

/* Main thread */

/* The writer falls behind only while the disk is slower than the city. Past this many seconds
 * queued, a second's changes are dropped rather than the hub's memory growing without bound;
 * once the writer has caught up a keyframe round is written, so replay is whole again from it. */
#define MAX_SECONDS_BEHIND 60

static void queue_keyframes (PanoHubHistory *self);

static void
push_pending (PanoHubHistory *self)
{
  if (self->pending->len == 0)
    return;
  if (g_async_queue_length (self->queue) >= MAX_SECONDS_BEHIND)
    {
      gsize n;
      gpointer *items;

      if (!self->behind)
        g_warning ("Replay history: writing %s is more than %d s behind the city; changes are "
                   "left out of the replay until it has caught up", self->path,
                   MAX_SECONDS_BEHIND);
      self->behind = TRUE;
      /* Waiters (sync), pruning and the stop still go through; only changes are dropped. */
      items = g_ptr_array_steal (self->pending, &n);
      for (gsize i = 0; i < n; i++)
        if (((Item *) items[i])->kind == ITEM_CHANGE)
          item_free (items[i]);
        else
          g_ptr_array_add (self->pending, items[i]);
      g_free (items);
      if (self->pending->len == 0)
        return;
    }
  else if (self->behind)
    {
      self->behind = FALSE;
      g_message ("Replay history: %s has caught up; replay is whole again from now", self->path);
      queue_keyframes (self);
    }
  g_async_queue_push (self->queue, g_steal_pointer (&self->pending));
  self->pending = g_ptr_array_new_with_free_func (item_free);
}

static gboolean
on_flush (gpointer user_data)
{
  push_pending (user_data);
  return G_SOURCE_CONTINUE;
}

static void
append_entity (const char   *id,
               const char   *entity_json,
               const double *bbox,
               gpointer      user_data)
{
  GString *state = user_data;

  g_string_append_len (state, id, strlen (id) + 1);
  g_string_append_len (state, entity_json, strlen (entity_json) + 1);
}

static void
queue_keyframes (PanoHubHistory *self)
{
  gint64 t = 0;

  /* One time for the whole round, so pruning by size drops whole rounds. */
  for (guint layer = 0; layer < PANO_N_LAYERS; layer++)
    {
      Item *item = item_new (self, ITEM_KEYFRAME, layer);

      if (layer == 0)
        t = item->t;
      item->t = t;

      item->state = g_string_sized_new (4096);
      item->n = pano_hub_store_get_n_entities (self->store, layer);
      pano_hub_store_foreach (self->store, layer, append_entity, item->state);
    }
}

static gboolean
on_keyframe (gpointer user_data)
{
  PanoHubHistory *self = user_data;

  queue_keyframes (self);
  item_new (self, ITEM_PRUNE, 0);
  push_pending (self);
  return G_SOURCE_CONTINUE;
}

static void
on_changed (PanoHubStore *store,
            PanoHubDelta *delta,
            gpointer      user_data)
{
  PanoHubHistory *self = user_data;
  Item *item = item_new (self, ITEM_CHANGE, delta->layer);

  item->delta = pano_hub_delta_ref (delta);
}

/* Waits until everything queued so far is committed, so a read sees it, but no longer than
 * @timeout_us: the hub's main loop waits meanwhile.
 * Returns: whether it was all committed */
static gboolean
sync_within (PanoHubHistory *self,
             gint64          timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;
  gboolean done = TRUE;
  guint64 ticket;

  if (self->writer == NULL)
    return TRUE;
  item_new (self, ITEM_SYNC, 0);
  ticket = ++self->tickets;
  push_pending (self);
  g_mutex_lock (&self->lock);
  while (done && self->synced < ticket)
    done = g_cond_wait_until (&self->cond, &self->lock, deadline) || self->synced >= ticket;
  g_mutex_unlock (&self->lock);
  return done;
}

/* Commits what is queued and stops the writer; later changes are not recorded. */
void
pano_hub_history_close (PanoHubHistory *self)
{
  if (self->writer == NULL)
    return;
  g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_clear_handle_id (&self->keyframe_id, g_source_remove);
  item_new (self, ITEM_STOP, 0);
  push_pending (self);
  g_thread_join (g_steal_pointer (&self->writer));
}

static void
pano_hub_history_finalize (GObject *object)
{
  PanoHubHistory *self = PANO_HUB_HISTORY (object);

  pano_hub_history_close (self);
  g_clear_pointer (&self->reader, sqlite3_close);
  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_object (&self->store);
  g_free (self->path);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (pano_hub_history_parent_class)->finalize (object);
}

static void
pano_hub_history_class_init (PanoHubHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pano_hub_history_finalize;
}

static void
pano_hub_history_init (PanoHubHistory *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->pending = g_ptr_array_new_with_free_func (item_free);
  self->queue = g_async_queue_new_full ((GDestroyNotify) g_ptr_array_unref);
}

static gboolean
open_reader (PanoHubHistory  *self,
             GError         **error)
{
  char *message = NULL;

  if (sqlite3_open_v2 (self->path, &self->reader, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                       NULL) != SQLITE_OK ||
      sqlite3_exec (self->reader, schema, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                   "Cannot open the replay history %s: %s (check the directory is writable)",
                   self->path, message ? message
                   : self->reader ? sqlite3_errmsg (self->reader) : "out of memory");
      sqlite3_free (message);
      return FALSE;
    }
  sqlite3_busy_timeout (self->reader, 5000);
  return TRUE;
}

/**
 * pano_hub_history_open:
 *
 * Opens (or creates) the history at @path and starts recording @store, beginning with a
 * keyframe of what it holds now.
 */
PanoHubHistory *
pano_hub_history_open (const char             *path,
                       PanoHubStore           *store,
                       const PanoHubSettings  *settings,
                       GError                **error)
{
  g_autoptr(PanoHubHistory) self = g_object_new (PANO_TYPE_HUB_HISTORY, NULL);

  self->path = g_strdup (path);
  self->store = g_object_ref (store);
  self->keyframe_ms = (gint64) settings->history_keyframe_s * 1000;
  self->retain_ms = settings->history_retain_s > 0
                    ? (gint64) settings->history_retain_s * 1000
                    : (gint64) settings->history_days * 24 * 3600 * 1000;
  self->max_bytes = (gint64) settings->history_max_mb * 1024 * 1024;
  if (!open_reader (self, error))
    return NULL;
  self->last_t = MAX (query_int (self->reader, "SELECT max(t) FROM changes", 0, 0, 0),
                      query_int (self->reader, "SELECT max(t) FROM keyframes", 0, 0, 0));
  self->writer = g_thread_new ("pano-history", writer_main, self);
  on_keyframe (self);
  self->changed_id = g_signal_connect (store, "changed", G_CALLBACK (on_changed), self);
  self->flush_id = g_timeout_add_seconds (1, on_flush, self);
  self->keyframe_id = g_timeout_add (self->keyframe_ms, on_keyframe, self);
  return g_steal_pointer (&self);
}

/* REST (docs/protocol.md, "Replay") */

#define PREFIX "/v1/replay/"
#define MAX_CHANGES 10000

gboolean
pano_hub_history_serves (const char *path)
{
  return g_str_equal (path, PREFIX "range") || g_str_equal (path, PREFIX "state") ||
         g_str_equal (path, PREFIX "changes");
}

/* A read about times the writer may not have committed yet waits for it first — for a second
 * at most: a writer further behind (a slow disk) must not hold up the fan-out and commands on
 * the main loop, and the read then answers from what is committed. */
#define READ_WAIT_US G_USEC_PER_SEC

static void
sync_upto (PanoHubHistory *self,
           gint64          t)
{
  gint64 committed;

  g_mutex_lock (&self->lock);
  committed = self->committed_t;
  g_mutex_unlock (&self->lock);
  if (t >= committed && self->pending->len > 0)
    sync_within (self, READ_WAIT_US);
}

static void
handle_range (PanoHubHistory    *self,
              SoupServerMessage *msg)
{
  gint64 now = g_get_real_time () / 1000;
  gint64 start;
  g_autofree char *body = NULL;

  sync_upto (self, now);
  /* From the first time every layer has a keyframe for. */
  start = query_int (self->reader, "SELECT max(first) FROM (SELECT min(t) AS first "
                                   "FROM keyframes GROUP BY layer)", 0, 0, now);
  body = g_strdup_printf ("{\"start\":%" G_GINT64_FORMAT ",\"end\":%" G_GINT64_FORMAT
                          ",\"keyframe_s\":%" G_GINT64_FORMAT ",\"retain_s\":%" G_GINT64_FORMAT
                          ",\"changes\":%" G_GINT64_FORMAT ",\"keyframes\":%" G_GINT64_FORMAT
                          ",\"bytes\":%" G_GINT64_FORMAT "}",
                          start, MAX (now, start), self->keyframe_ms / 1000,
                          self->retain_ms / 1000,
                          query_int (self->reader, "SELECT count(*) FROM changes", 0, 0, 0),
                          query_int (self->reader, "SELECT count(*) FROM keyframes", 0, 0, 0),
                          used_bytes (self->reader));
  pano_hub_rest_reply (msg, 200, g_steal_pointer (&body));
}

static gboolean
parse_time (GHashTable *query,
            const char *name,
            gint64      fallback,
            gint64     *value)
{
  const char *text = g_hash_table_lookup (query, name);
  guint64 v;

  if (text == NULL)
    {
      *value = fallback;
      return fallback >= 0;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64 / 2, &v, NULL))
    return FALSE;
  *value = (gint64) v;
  return TRUE;
}

static gboolean
parse_layer (SoupServerMessage *msg,
             GHashTable        *query,
             PanoLayerId       *layer)
{
  const char *name = g_hash_table_lookup (query, "layer");

  if (name != NULL && pano_layer_from_name (name, layer))
    return TRUE;
  pano_hub_rest_reply_error (msg, 400, "bad_request", "replay needs ?layer=NAME (a layer of "
                             "GET /v1/layers)");
  return FALSE;
}

static void
apply_change (GHashTable *state,
              const char *id,
              const char *entity)
{
  if (entity != NULL)
    g_hash_table_replace (state, g_strdup (id), g_strdup (entity));
  else
    g_hash_table_remove (state, id);
}

static void
handle_state (PanoHubHistory    *self,
              SoupServerMessage *msg,
              GHashTable        *query)
{
  g_autoptr(GHashTable) state = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GString) body = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  PanoLayerId layer;
  gint64 at, kt = -1, kpos = 0;
  GHashTableIter iter;
  gpointer entity;
  gboolean first = TRUE;

  if (!parse_layer (msg, query, &layer))
    return;
  if (!parse_time (query, "at", -1, &at))
    {
      pano_hub_rest_reply_error (msg, 400, "bad_request",
                                 "'at' must be a time in milliseconds since 1970");
      return;
    }
  sync_upto (self, at);
  sqlite3_prepare_v2 (self->reader, "SELECT t, pos, state FROM keyframes WHERE layer = ? AND "
                                    "t <= ? ORDER BY t DESC LIMIT 1", -1, &stmt, NULL);
  sqlite3_bind_int (stmt, 1, layer);
  sqlite3_bind_int64 (stmt, 2, at);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      /* An empty layer's keyframe is an empty blob, which SQLite gives as NULL. */
      const char *p = sqlite3_column_blob (stmt, 2);
      const char *end = p ? p + sqlite3_column_bytes (stmt, 2) : NULL;

      kt = sqlite3_column_int64 (stmt, 0);
      kpos = sqlite3_column_int64 (stmt, 1);
      while (p < end)
        {
          const char *id = p, *json = p + strlen (p) + 1;

          apply_change (state, id, json);
          p = json + strlen (json) + 1;
        }
    }
  sqlite3_finalize (stmt);
  if (kt < 0)
    {
      pano_hub_rest_reply_error (msg, 404, "not_retained",
                                 "That time is before the retained history "
                                 "(GET /v1/replay/range)");
      return;
    }
  sqlite3_prepare_v2 (self->reader, "SELECT id, entity FROM changes WHERE layer = ? AND t >= ? "
                                    "AND t <= ? AND pos > ? ORDER BY t, pos", -1, &stmt, NULL);
  sqlite3_bind_int (stmt, 1, layer);
  sqlite3_bind_int64 (stmt, 2, kt);
  sqlite3_bind_int64 (stmt, 3, at);
  sqlite3_bind_int64 (stmt, 4, kpos);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    apply_change (state, (const char *) sqlite3_column_text (stmt, 0),
                  (const char *) sqlite3_column_text (stmt, 1));
  sqlite3_finalize (stmt);
  /* Shaped as a snapshot frame (docs/protocol.md 3.2), so a client decodes it as one. */
  g_string_append_printf (body, "{\"type\":\"snapshot\",\"layer\":\"%s\",\"epoch\":\"replay\","
                          "\"seq\":0,\"at\":%" G_GINT64_FORMAT ",\"keyframe\":%" G_GINT64_FORMAT
                          ",\"entities\":[", pano_layer_name (layer), at, kt);
  g_hash_table_iter_init (&iter, state);
  while (g_hash_table_iter_next (&iter, NULL, &entity))
    {
      if (!first)
        g_string_append_c (body, ',');
      g_string_append (body, entity);
      first = FALSE;
    }
  g_string_append (body, "]}");
  pano_hub_rest_reply (msg, 200, g_string_free (g_steal_pointer (&body), FALSE));
}

static void
handle_changes (PanoHubHistory    *self,
                SoupServerMessage *msg,
                GHashTable        *query)
{
  g_autoptr(GString) body = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  PanoLayerId layer;
  gint64 from, to, after, limit;
  guint n = 0;

  if (!parse_layer (msg, query, &layer))
    return;
  if (!parse_time (query, "from", -1, &from) || !parse_time (query, "to", -1, &to) ||
      !parse_time (query, "after", 0, &after) || !parse_time (query, "limit", MAX_CHANGES, &limit)
      || limit < 1 || limit > MAX_CHANGES)
    {
      pano_hub_rest_reply_error (msg, 400, "bad_request",
                                 "replay changes need ?layer=NAME&from=MS&to=MS[&after=POS]"
                                 "[&limit=1-10000]");
      return;
    }
  sync_upto (self, to);
  sqlite3_prepare_v2 (self->reader, "SELECT pos, t, id, entity FROM changes WHERE layer = ? AND "
                                    "t >= ? AND t < ? AND pos > ? ORDER BY t, pos LIMIT ?", -1,
                      &stmt, NULL);
  sqlite3_bind_int (stmt, 1, layer);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, to);
  sqlite3_bind_int64 (stmt, 4, after);
  sqlite3_bind_int64 (stmt, 5, limit);
  g_string_append_printf (body, "{\"layer\":\"%s\",\"from\":%" G_GINT64_FORMAT ",\"to\":%"
                          G_GINT64_FORMAT ",\"changes\":[", pano_layer_name (layer), from, to);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *entity = (const char *) sqlite3_column_text (stmt, 3);

      g_string_append_printf (body, "%s{\"pos\":%" G_GINT64_FORMAT ",\"t\":%" G_GINT64_FORMAT,
                              n++ ? "," : "", (gint64) sqlite3_column_int64 (stmt, 0),
                              (gint64) sqlite3_column_int64 (stmt, 1));
      if (entity != NULL)
        g_string_append_printf (body, ",\"op\":\"upsert\",\"entity\":%s}", entity);
      else
        {
          g_string_append (body, ",\"op\":\"remove\",\"id\":");
          pano_protocol_append_quoted (body, (const char *) sqlite3_column_text (stmt, 2));
          g_string_append_c (body, '}');
        }
    }
  sqlite3_finalize (stmt);
  g_string_append_printf (body, "],\"more\":%s}", n == limit ? "true" : "false");
  pano_hub_rest_reply (msg, 200, g_string_free (g_steal_pointer (&body), FALSE));
}

/* The caller has checked the viewer role. */
void
pano_hub_history_route (PanoHubHistory    *self,
                        SoupServerMessage *msg,
                        const char        *path,
                        GHashTable        *query)
{
  g_autoptr(GHashTable) empty = query ? NULL : g_hash_table_new (g_str_hash, g_str_equal);

  if (query == NULL)
    query = empty;
  if (g_str_equal (path, PREFIX "range"))
    handle_range (self, msg);
  else if (g_str_equal (path, PREFIX "state"))
    handle_state (self, msg, query);
  else
    handle_changes (self, msg, query);
}
