// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-overview"

#include <json-glib/json-glib.h>
#include <math.h>

#include "pano-hub-db-private.h"
#include "pano-hub-overview.h"
#include "pano-protocol.h"

/* The incident tiles are computed for any time from the incident history (incident_kpi), so
 * their series and yesterday's value need no samples; the live tiles come from the samples of
 * pano-hub-samples.c. Times are the hub's real clock; "today" starts at the hub's local
 * midnight. */

#define BUCKET_MS (15 * 60 * (gint64) 1000)
#define N_BUCKETS 96
#define DAY_MS (24 * 3600 * (gint64) 1000)
#define TOP_CATEGORIES 5
#define TOP_SOURCES 8
#define NONE G_MAXINT64

typedef enum
{
  FROM_INCIDENTS,
  FROM_SAMPLES,
} TileSource;

typedef struct
{
  const char *key;
  TileSource source;
  const char *measure;       /* in a sample row */
  const char *parts;         /* prefix of the measures that break the value down */
  const char *unit;          /* count, ratio, index, aqi, units, places */
  gboolean lower_is_worse;
  double amber, red;         /* defaults; NAN: none */
} TileSpec;

static const TileSpec tiles[] = {
  { "incidents_today", FROM_INCIDENTS, NULL, NULL, "count", FALSE, NAN, NAN },
  { "in_progress", FROM_INCIDENTS, NULL, NULL, "count", FALSE, NAN, NAN },
  { "overdue", FROM_INCIDENTS, NULL, NULL, "count", FALSE, 1, 5 },
  { "closure", FROM_INCIDENTS, NULL, NULL, "ratio", TRUE, 0.95, 0.85 },
  { "on_time_closure", FROM_INCIDENTS, NULL, NULL, "ratio", TRUE, 0.90, 0.80 },
  { "congestion", FROM_SAMPLES, "congestion", NULL, "index", FALSE, 4, 6 },
  { "aqi_mean", FROM_SAMPLES, "aqi_mean", NULL, "aqi", FALSE, 100, 150 },
  { "aqi_worst", FROM_SAMPLES, "aqi_max", NULL, "aqi", FALSE, 150, 200 },
  { "units_available", FROM_SAMPLES, "units", "units.", "units", TRUE, 10, 5 },
  { "shelter_free", FROM_SAMPLES, "shelter_free", NULL, "places", TRUE, 500, 100 },
  { "alerts_active", FROM_SAMPLES, "alerts", "alerts.", "count", FALSE, 1, 5 },
};

G_STATIC_ASSERT (G_N_ELEMENTS (tiles) <= G_N_ELEMENTS (((PanoHubSettings *) 0)->thresholds));

/* ---- thresholds ---- */

void
pano_hub_overview_default_thresholds (PanoHubSettings *settings)
{
  for (guint i = 0; i < G_N_ELEMENTS (tiles); i++)
    {
      settings->thresholds[i][0] = tiles[i].amber;
      settings->thresholds[i][1] = tiles[i].red;
    }
}

/* [thresholds] TILE = AMBER;RED (or "none"); for the tiles where less is worse (the rates,
 * units, shelter places) red must not be above amber, for the others not below it. */
gboolean
pano_hub_overview_read_thresholds (PanoHubSettings  *settings,
                                   GKeyFile         *file,
                                   GError          **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (tiles); i++)
    {
      g_autofree char *text = g_key_file_get_value (file, "thresholds", tiles[i].key, NULL);
      g_auto(GStrv) parts = NULL;
      double amber = NAN, red = NAN;
      char *end_a = NULL, *end_r = NULL;

      if (text == NULL)
        continue;
      if (g_str_equal (g_strstrip (text), "none"))
        {
          settings->thresholds[i][0] = settings->thresholds[i][1] = NAN;
          continue;
        }
      parts = g_strsplit (text, ";", -1);
      if (g_strv_length (parts) == 2)
        {
          amber = g_ascii_strtod (g_strstrip (parts[0]), &end_a);
          red = g_ascii_strtod (g_strstrip (parts[1]), &end_r);
        }
      if (g_strv_length (parts) != 2 || end_a == parts[0] || *end_a != '\0' ||
          end_r == parts[1] || *end_r != '\0' || !isfinite (amber) || !isfinite (red) ||
          (tiles[i].lower_is_worse ? red > amber : red < amber))
        {
          g_set_error (error, PANO_HUB_CONFIG_ERROR, PANO_HUB_CONFIG_ERROR_INVALID,
                       "[thresholds] %s = %s is refused: it must be AMBER;RED (two numbers, "
                       "red %s amber) or none", tiles[i].key, text,
                       tiles[i].lower_is_worse ? "at most" : "at least");
          return FALSE;
        }
      settings->thresholds[i][0] = amber;
      settings->thresholds[i][1] = red;
    }
  return TRUE;
}

/* ---- incidents ---- */

typedef struct
{
  gint64 reported, closed, cancelled, overdue;   /* NONE when not (yet) */
} Row;

#define NONE_SQL "9223372036854775807"
#define ROW_COLUMNS "SELECT reported_at, ifnull(closed_at, " NONE_SQL "), " \
  "ifnull(cancelled_at, " NONE_SQL "), ifnull(overdue_at, " NONE_SQL ") FROM incident_kpi WHERE "
#define IN_SCOPE " AND grid_code >= ?3 AND grid_code < ?3 || char(1114111)"

/* Every incident that matters from ?1 on: reported since, or still open then (each of the
 * four parts served by an index). */
static const char * const row_parts[] = {
  "reported_at >= ?1 AND reported_at < ?2",
  "reported_at < ?1 AND closed_at IS NULL AND cancelled_at IS NULL",
  "reported_at < ?1 AND closed_at >= ?1",
  "reported_at < ?1 AND cancelled_at >= ?1 AND closed_at IS NULL",
};

static GArray *
read_rows (PanoHubDb   *db,
           const char  *scope,
           gint64       from,
           gint64       to,
           GError     **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (Row));
  sqlite3_stmt *stmt;
  int rc;

  for (guint i = 0; i < G_N_ELEMENTS (row_parts); i++)
    g_string_append_printf (sql, "%s" ROW_COLUMNS "%s%s", i ? " UNION ALL " : "", row_parts[i],
                            *scope ? IN_SCOPE : "");
  if ((stmt = pano_hub_db_prepare (db, sql->str, error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  pano_hub_db_bind_text (stmt, 3, scope);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Row row = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
                  sqlite3_column_int64 (stmt, 2), sqlite3_column_int64 (stmt, 3) };

      g_array_append_val (rows, row);
    }
  if (rc != SQLITE_DONE)
    {
      pano_hub_db_fail (db, stmt, error);
      return NULL;
    }
  sqlite3_finalize (stmt);
  return g_steal_pointer (&rows);
}

static gint64
local_midnight (gint64 ms)
{
  g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (ms / 1000);
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (at),
                                                         g_date_time_get_month (at),
                                                         g_date_time_get_day_of_month (at),
                                                         0, 0, 0);

  return g_date_time_to_unix (midnight) * 1000;
}

/* The incident tiles as things stood at @t; NAN for a rate with nothing to divide by. */
static void
incident_values (GArray *rows,
                 gint64  t,
                 double *values)
{
  gint64 midnight = local_midnight (t);
  gint64 today = 0, open = 0, overdue = 0, due = 0, closed = 0, on_time = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      const Row *r = &g_array_index (rows, Row, i);
      gboolean is_open = r->reported < t && r->closed >= t && r->cancelled >= t;

      today += r->reported >= midnight && r->reported < t;
      open += is_open;
      overdue += is_open && r->overdue < t;
      if (r->reported < t - DAY_MS || r->reported >= t)
        continue;
      due += r->cancelled >= t;
      closed += r->closed < t;
      on_time += r->closed < t && r->overdue >= t;
    }
  values[0] = today;
  values[1] = open;
  values[2] = overdue;
  values[3] = due ? (double) closed / due : NAN;
  values[4] = due ? (double) on_time / due : NAN;
}

/* ---- samples ---- */

static gboolean
measure (JsonObject *object,
         const char *name,
         double     *value)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 &&
       json_node_get_value_type (node) != G_TYPE_DOUBLE))
    return FALSE;
  *value = json_node_get_double (node);
  return TRUE;
}

typedef struct
{
  GPtrArray *times;
  GPtrArray *values;
} Samples;

/* The mean of each live tile's measure per bucket from @start; NAN where there is none. */
static void
sample_means (Samples *samples,
              gint64   start,
              double (*series)[N_BUCKETS])
{
  g_autofree guint *n = g_new0 (guint, G_N_ELEMENTS (tiles) * N_BUCKETS);
  double value;

  for (guint i = 0; i < G_N_ELEMENTS (tiles); i++)
    for (guint k = 0; k < N_BUCKETS; k++)
      series[i][k] = 0;
  for (guint j = 0; j < samples->times->len; j++)
    {
      gint64 at = *(gint64 *) samples->times->pdata[j];
      gint64 k = at >= start ? (at - start) / BUCKET_MS : -1;

      if (k < 0 || k >= N_BUCKETS)
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (tiles); i++)
        if (tiles[i].source == FROM_SAMPLES &&
            measure (samples->values->pdata[j], tiles[i].measure, &value))
          {
            series[i][k] += value;
            n[i * N_BUCKETS + k]++;
          }
    }
  for (guint i = 0; i < G_N_ELEMENTS (tiles); i++)
    for (guint k = 0; k < N_BUCKETS; k++)
      series[i][k] = n[i * N_BUCKETS + k] ? series[i][k] / n[i * N_BUCKETS + k] : NAN;
}

/* ---- the answer ---- */

static void
add_number (JsonBuilder *b,
            const char  *name,
            double       value,
            double       scale)
{
  json_builder_set_member_name (b, name);
  if (isnan (value))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, round (value * scale) / scale);
}

static double
precision (const TileSpec *tile)
{
  return g_str_equal (tile->unit, "ratio") ? 10000 : g_str_equal (tile->unit, "index") ? 1000
                                                                                        : 10;
}

static void
add_parts (JsonBuilder    *b,
           const TileSpec *tile,
           JsonObject     *now)
{
  g_autoptr(GList) names = now ? json_object_get_members (now) : NULL;

  json_builder_set_member_name (b, "parts");
  json_builder_begin_object (b);
  for (GList *l = names; l != NULL; l = l->next)
    if (g_str_has_prefix (l->data, tile->parts))
      {
        json_builder_set_member_name (b, (const char *) l->data + strlen (tile->parts));
        json_builder_add_int_value (b, json_object_get_int_member (now, l->data));
      }
  json_builder_end_object (b);
}

static void
add_tile (JsonBuilder           *b,
          const PanoHubSettings *settings,
          guint                  index,
          double                 value,
          double                 yesterday,
          const double          *series,
          JsonObject            *now)
{
  const TileSpec *tile = &tiles[index];
  double scale = precision (tile);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, tile->key);
  json_builder_set_member_name (b, "unit");
  json_builder_add_string_value (b, tile->unit);
  add_number (b, "value", value, scale);
  add_number (b, "yesterday", yesterday, scale);
  json_builder_set_member_name (b, "series");
  json_builder_begin_array (b);
  for (guint i = 0; i < N_BUCKETS; i++)
    if (isnan (series[i]))
      json_builder_add_null_value (b);
    else
      json_builder_add_double_value (b, round (series[i] * scale) / scale);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "worse");
  json_builder_add_string_value (b, tile->lower_is_worse ? "lower" : "higher");
  add_number (b, "amber", settings->thresholds[index][0], 10000);
  add_number (b, "red", settings->thresholds[index][1], 10000);
  if (tile->parts != NULL)
    add_parts (b, tile, now);
  if (g_str_equal (tile->key, "aqi_worst") && now != NULL &&
      json_object_has_member (now, "aqi_max_station"))
    {
      json_builder_set_member_name (b, "station");
      json_builder_add_string_value (b, json_object_get_string_member (now, "aqi_max_station"));
    }
  json_builder_end_object (b);
}

typedef struct
{
  char *name;
  gint64 count;
} Tally;

static int
by_count (gconstpointer a,
          gconstpointer b)
{
  const Tally *x = a, *y = b;

  return x->count != y->count ? (x->count < y->count ? 1 : -1) : strcmp (x->name, y->name);
}

static void
add_tally (JsonBuilder *b,
           const char  *member,
           GHashTable  *counts,
           guint        top)
{
  g_autoptr(GArray) list = g_array_new (FALSE, FALSE, sizeof (Tally));
  GHashTableIter iter;
  gpointer name, n;
  gint64 others = 0;
  g_autofree char *others_member = g_strconcat (member, "_others", NULL);

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &name, &n))
    g_array_append_val (list, ((Tally) { name, GPOINTER_TO_SIZE (n) }));
  g_array_sort (list, by_count);
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    {
      const Tally *t = &g_array_index (list, Tally, i);

      if (i >= top)
        {
          others += t->count;
          continue;
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, t->name);
      json_builder_set_member_name (b, "count");
      json_builder_add_int_value (b, t->count);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, others_member);
  json_builder_add_int_value (b, others);
}

/* Today's categories and sources in scope, from the incidents' bodies. */
static gboolean
add_mix (JsonBuilder  *b,
         PanoHubDb    *db,
         const char   *scope,
         gint64        midnight,
         gint64        now,
         GError      **error)
{
  g_autofree char *sql = g_strconcat ("SELECT ifnull(json_extract(i.body, '$.category'), ''),"
                                      " ifnull(json_extract(i.body, '$.source'), '')"
                                      " FROM incident_kpi k JOIN incidents i ON i.id = k.id"
                                      " WHERE k.reported_at >= ?1 AND k.reported_at < ?2",
                                      *scope ? " AND k.grid_code >= ?3 AND k.grid_code < ?3 || "
                                               "char(1114111)" : "", NULL);
  g_autoptr(GHashTable) categories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                            NULL);
  g_autoptr(GHashTable) sources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt = pano_hub_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, midnight);
  sqlite3_bind_int64 (stmt, 2, now);
  pano_hub_db_bind_text (stmt, 3, scope);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GHashTable *tables[] = { categories, sources };

      for (guint t = 0; t < 2; t++)
        {
          const char *name = (const char *) sqlite3_column_text (stmt, t);
          gpointer n = g_hash_table_lookup (tables[t], name);

          g_hash_table_insert (tables[t], g_strdup (name),
                               GSIZE_TO_POINTER (GPOINTER_TO_SIZE (n) + 1));
        }
    }
  if (rc != SQLITE_DONE)
    return pano_hub_db_fail (db, stmt, error);
  sqlite3_finalize (stmt);
  add_tally (b, "categories", categories, TOP_CATEGORIES);
  add_tally (b, "sources", sources, TOP_SOURCES);
  return TRUE;
}

static void
add_time (JsonBuilder *b,
          const char  *name,
          gint64       ms)
{
  g_autofree char *text = pano_protocol_format_time (ms * 1000);

  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, text);
}

static void
samples_clear (Samples *s)
{
  g_clear_pointer (&s->times, g_ptr_array_unref);
  g_clear_pointer (&s->values, g_ptr_array_unref);
}

/* The latest sample in the bucket that ends at @at (yesterday's same time), or NULL. */
static JsonObject *
sample_before (Samples *s,
               gint64   at)
{
  JsonObject *found = NULL;

  for (guint i = 0; i < s->times->len; i++)
    {
      gint64 t = *(gint64 *) s->times->pdata[i];

      if (t > at - BUCKET_MS && t <= at)
        found = s->values->pdata[i];
    }
  return found;
}

static void
add_tiles (JsonBuilder           *b,
           const PanoHubSettings *settings,
           GArray                *rows,
           Samples               *samples,
           JsonObject            *live,
           gint64                 start,
           gint64                 now)
{
  double incidents_now[5], incidents_yesterday[5];
  double (*series)[N_BUCKETS] = g_malloc (sizeof (double[N_BUCKETS]) * G_N_ELEMENTS (tiles));
  JsonObject *yesterday = sample_before (samples, now - DAY_MS);

  incident_values (rows, now, incidents_now);
  incident_values (rows, now - DAY_MS, incidents_yesterday);
  sample_means (samples, start, series);
  for (guint k = 0; k < N_BUCKETS; k++)
    {
      double values[5];

      incident_values (rows, MIN (start + (k + 1) * BUCKET_MS, now), values);
      for (guint i = 0; i < G_N_ELEMENTS (values); i++)
        series[i][k] = values[i];
    }
  json_builder_set_member_name (b, "tiles");
  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (tiles); i++)
    {
      double value = NAN, before = NAN;

      if (tiles[i].source == FROM_INCIDENTS)
        {
          value = incidents_now[i];
          before = incidents_yesterday[i];
        }
      else
        {
          measure (live, tiles[i].measure, &value);
          if (yesterday != NULL)
            measure (yesterday, tiles[i].measure, &before);
        }
      add_tile (b, settings, i, value, before, series[i], live);
    }
  json_builder_end_array (b);
  g_free (series);
}

/**
 * pano_hub_overview_to_json:
 * @scope: a grid-code prefix, "" for the whole city
 *
 * Returns: (transfer full) (nullable): the body of GET /v1/overview
 */
char *
pano_hub_overview_to_json (PanoHubDb             *db,
                           PanoHubSamples        *samples,
                           const PanoHubSettings *settings,
                           const char            *scope,
                           GError               **error)
{
  gint64 now = g_get_real_time () / 1000;
  gint64 start = (now / BUCKET_MS - (N_BUCKETS - 1)) * BUCKET_MS;
  gint64 midnight = local_midnight (now);
  g_autofree char *sampled = pano_hub_samples_dup_scope (samples, scope);
  g_autoptr(JsonObject) live = pano_hub_samples_measure (samples, sampled);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) rows = NULL;
  Samples s = { g_ptr_array_new_with_free_func (g_free),
                g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref) };
  gboolean ok;

  rows = read_rows (db, scope, MIN (start - DAY_MS, local_midnight (now - DAY_MS)), now, error);
  ok = rows != NULL && pano_hub_samples_read (samples, sampled, now - DAY_MS - BUCKET_MS, now + 1,
                                              s.times, s.values, error);
  if (!ok)
    {
      samples_clear (&s);
      return NULL;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "scope");
  json_builder_add_string_value (b, scope);
  json_builder_set_member_name (b, "live_scope");
  json_builder_add_string_value (b, sampled);
  add_time (b, "at", now);
  add_time (b, "today", midnight);
  add_time (b, "series_start", start);
  json_builder_set_member_name (b, "bucket_s");
  json_builder_add_int_value (b, BUCKET_MS / 1000);
  add_tiles (b, settings, rows, &s, live, start, now);
  ok = add_mix (b, db, scope, midnight, now, error);
  json_builder_end_object (b);
  samples_clear (&s);
  if (!ok)
    return NULL;
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}
