// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-samples"

#include <json-glib/json-glib.h>
#include <math.h>

#include "pano-alert-record.h"
#include "pano-hub-db-private.h"
#include "pano-hub-samples.h"
#include "pano-json.h"
#include "pano-live-classify.h"
#include "pano-protocol.h"

/* Once every [history] sample-s (60 s) the live layers are measured for the city ("") and for
 * each district (a grid-code prefix 420300-420302) that has entities, and one row per scope
 * is stored: (scope, at, a flat JSON object of measures). Rows older than [history] days are
 * pruned at each sample. The measures (docs/overview.md):
 *
 *   congestion        the city congestion index of the console's header (pano_congestion_index:
 *                     0 every road free … 10 every road jammed) over roads with a level
 *   aqi_mean aqi_max  over environment stations with an `aqi`
 *   units, units.K    resources with status "available" (and units of kind K)
 *   shelter_free      Σ capacity − occupancy over open shelters
 *   alerts, alerts.L  active alerts (and of level L: notice, warning, severe, critical)
 *
 * A stored sample leaves out units and alerts while their layer is empty (see below).
 * A measure with nothing to take it from (no stations) is left out of the row. */

#define DAY_MS (24 * 3600 * (gint64) 1000)

struct _PanoHubSamples
{
  GObject parent_instance;
  PanoHubDb *db;
  PanoHubStore *store;
  PanoHubCity *city;
  const PanoHubSettings *settings;
  guint timer_id;
};

G_DEFINE_FINAL_TYPE (PanoHubSamples, pano_hub_samples, G_TYPE_OBJECT)

static const char schema[] =
  "CREATE TABLE IF NOT EXISTS live_samples (scope TEXT NOT NULL, at INTEGER NOT NULL,"
  "  measures TEXT NOT NULL, PRIMARY KEY (scope, at)) WITHOUT ROWID;"
  "CREATE INDEX IF NOT EXISTS live_samples_at ON live_samples (at);";

typedef struct
{
  guint congestion[PANO_CONGESTION_JAMMED + 1];   /* roads per level */
  guint roads;
  double aqi_sum;
  double aqi_max;
  char *worst;                 /* the station with aqi_max: its name, else its id */
  guint stations;
  guint units;
  GHashTable *units_by_kind;   /* kind → count */
  gint64 shelter_free;
  guint shelters;
  guint alerts;
  guint alerts_by_level[PANO_ALERT_LEVEL_CRITICAL + 1];
} Measures;

static void
measures_free (Measures *m)
{
  g_hash_table_unref (m->units_by_kind);
  g_free (m->worst);
  g_free (m);
}

static void
pano_hub_samples_dispose (GObject *object)
{
  PanoHubSamples *self = PANO_HUB_SAMPLES (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_object (&self->db);
  g_clear_object (&self->store);
  g_clear_object (&self->city);
  G_OBJECT_CLASS (pano_hub_samples_parent_class)->dispose (object);
}

static void
pano_hub_samples_class_init (PanoHubSamplesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pano_hub_samples_dispose;
}

static void
pano_hub_samples_init (PanoHubSamples *self)
{
}

/* The hub's clock for samples, shifted by --sample-offset (drills and tests of "yesterday"). */
gint64
pano_hub_samples_now_ms (PanoHubSamples *self)
{
  return g_get_real_time () / 1000 + (gint64) self->settings->sample_offset_s * 1000;
}

/**
 * pano_hub_samples_dup_scope:
 * @scope: a grid-code prefix, "" or the city's code for the whole city
 *
 * Returns: (transfer full): the sampled scope the live tiles of @scope come from: "" for the
 *   city, the district (first two parts of the code) for a district or anything inside one
 */
char *
pano_hub_samples_dup_scope (PanoHubSamples *self,
                            const char     *scope)
{
  const char *dash = scope ? strchr (scope, '-') : NULL;
  const char *second = dash ? strchr (dash + 1, '-') : NULL;

  if (dash == NULL || dash[1] == '\0')
    return g_strdup ("");
  return second ? g_strndup (scope, second - scope) : g_strdup (scope);
}

static Measures *
measures_for (GHashTable *scopes,
              const char *scope)
{
  Measures *m = g_hash_table_lookup (scopes, scope);

  if (m == NULL)
    {
      m = g_new0 (Measures, 1);
      m->units_by_kind = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (scopes, g_strdup (scope), m);
    }
  return m;
}

typedef struct
{
  PanoHubSamples *self;
  GHashTable *scopes;   /* sampled scope → Measures */
  const char *only;     /* NULL: every scope; else just this one */
  PanoLayerId layer;
} Walk;

static void
add_number (PanoJsonSpan  properties,
            const char   *name,
            double       *value,
            gboolean     *found)
{
  PanoJsonSpan span;

  *found = pano_json_member (properties, name, &span) && pano_json_number (span, value);
}

/* The road's congestion level as the console classifies it (pano-live-classify.c). */
static void
add_road (Measures     *m,
          PanoJsonSpan  p)
{
  float value;
  guint level = pano_live_classify ("traffic", p, &value);

  if (level < PANO_CONGESTION_FREE || level > PANO_CONGESTION_JAMMED)
    return;
  m->congestion[level]++;
  m->roads++;
}

static void
add_station (Measures     *m,
             const char   *id,
             PanoJsonSpan  p)
{
  PanoJsonSpan name;
  double aqi = 0;
  gboolean found;

  add_number (p, "aqi", &aqi, &found);
  if (!found || aqi < 0)
    return;
  m->aqi_sum += aqi;
  if (m->stations == 0 || aqi > m->aqi_max)
    {
      m->aqi_max = aqi;
      g_free (m->worst);
      m->worst = pano_json_member (p, "name", &name) && pano_json_is_string (name)
                 ? pano_json_dup_string (name) : g_strdup (id);
    }
  m->stations++;
}

static void
add_resource (Measures     *m,
              PanoJsonSpan  p)
{
  PanoJsonSpan kind, status;
  double capacity = 0, occupancy = 0;
  gboolean has_capacity, has_occupancy;
  g_autofree char *k = NULL;

  if (!pano_json_member (p, "kind", &kind) || !pano_json_is_string (kind))
    return;
  k = pano_json_dup_string (kind);
  if (g_str_equal (k, "shelter"))
    {
      add_number (p, "capacity", &capacity, &has_capacity);
      add_number (p, "occupancy", &occupancy, &has_occupancy);
      if (!has_capacity || (pano_json_member (p, "status", &status) &&
                            pano_json_string_equals (status, "closed")))
        return;
      m->shelter_free += (gint64) MAX (capacity - (has_occupancy ? occupancy : 0), 0);
      m->shelters++;
    }
  else if (pano_json_member (p, "status", &status) && pano_json_string_equals (status, "available"))
    {
      gpointer n = g_hash_table_lookup (m->units_by_kind, k);

      g_hash_table_insert (m->units_by_kind, g_steal_pointer (&k),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (n) + 1));
      m->units++;
    }
}

/* The same rule as the console's alert list (pano-alert-record.c): active until the producer
 * says cleared, resolved or closed; the level as pano_alert_level_from_json() reads it. */
static void
add_alert (Measures   *m,
           const char *properties)
{
  g_autoptr(JsonNode) node = json_from_string (properties, NULL);
  JsonObject *object = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *status;
  PanoAlertLevel level;

  if (object == NULL)
    return;
  status = json_object_get_string_member_with_default (object, "status", NULL);
  if (status != NULL && (g_ascii_strcasecmp (status, "cleared") == 0 ||
                         g_ascii_strcasecmp (status, "resolved") == 0 ||
                         g_ascii_strcasecmp (status, "closed") == 0))
    return;
  level = pano_alert_level_from_json (json_object_get_member (object, "level"));
  m->alerts_by_level[level]++;
  m->alerts++;
}

static void
add_to (Walk         *walk,
        Measures     *m,
        const char   *id,
        PanoJsonSpan  p)
{
  switch (walk->layer)
    {
    case PANO_LAYER_TRAFFIC:
      add_road (m, p);
      break;
    case PANO_LAYER_ENVIRONMENT:
      add_station (m, id, p);
      break;
    case PANO_LAYER_RESOURCES:
      add_resource (m, p);
      break;
    case PANO_LAYER_ALERTS:
      {
        g_autofree char *text = g_strndup (p.start, p.end - p.start);

        add_alert (m, text);
      }
      break;
    default:
      break;
    }
}

/* Returns: (transfer full): the district an entity lies in, "" when unknown */
static char *
district_of (PanoHubSamples *self,
             const double   *bbox)
{
  PanoHubGridCell cell;

  if (bbox == NULL || self->city == NULL ||
      !pano_hub_city_locate (self->city, (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2,
                             &cell) || cell.code == NULL)
    return g_strdup ("");
  return pano_hub_samples_dup_scope (self, cell.code);
}

static void
visit (const char   *id,
       const char   *entity_json,
       const double *bbox,
       gpointer      user_data)
{
  Walk *walk = user_data;
  PanoJsonSpan root, properties;
  g_autofree char *district = NULL;

  /* The scale runs' million sensor nodes share the environment layer without an AQI: a
   * substring test keeps them from being parsed and located every minute. */
  if ((walk->layer == PANO_LAYER_ENVIRONMENT && strstr (entity_json, "\"aqi\"") == NULL) ||
      (walk->layer == PANO_LAYER_TRAFFIC && strstr (entity_json, "\"level\"") == NULL &&
       strstr (entity_json, "\"congestion\"") == NULL))
    return;
  if (!pano_json_check (entity_json, strlen (entity_json), &root, NULL) ||
      !pano_json_member (root, "properties", &properties) || !pano_json_is_object (properties))
    return;
  district = walk->only && walk->only[0] == '\0' ? g_strdup ("") : district_of (walk->self, bbox);
  if (walk->only == NULL || walk->only[0] == '\0')
    add_to (walk, measures_for (walk->scopes, ""), id, properties);
  if (district[0] != '\0' && (walk->only == NULL || g_str_equal (walk->only, district)))
    add_to (walk, measures_for (walk->scopes, district), id, properties);
}

static GHashTable *
measure_all (PanoHubSamples *self,
             const char     *only)
{
  static const PanoLayerId layers[] = { PANO_LAYER_TRAFFIC, PANO_LAYER_ENVIRONMENT,
                                        PANO_LAYER_RESOURCES, PANO_LAYER_ALERTS };
  Walk walk = { self, g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) measures_free), only, 0 };

  measures_for (walk.scopes, only ? only : "");
  for (guint i = 0; i < G_N_ELEMENTS (layers); i++)
    {
      walk.layer = layers[i];
      pano_hub_store_foreach (self->store, layers[i], visit, &walk);
    }
  return walk.scopes;
}

/* @known_only: for a stored sample, leave out the units and alerts of a layer that has no
 * entities at all — after a restart the layers are empty until the producers send again, and
 * that is "not known yet", not zero; the value of now says 0 all the same. */
static JsonObject *
measures_to_object (PanoHubSamples *self,
                    Measures       *m,
                    gboolean        known_only)
{
  JsonObject *o = json_object_new ();
  gboolean units = !known_only || pano_hub_store_get_n_entities (self->store,
                                                                 PANO_LAYER_RESOURCES) > 0;
  gboolean alerts = !known_only || pano_hub_store_get_n_entities (self->store,
                                                                  PANO_LAYER_ALERTS) > 0;
  GHashTableIter iter;
  gpointer kind, n;

  if (m->roads > 0)
    json_object_set_double_member (o, "congestion",
                                   round (pano_congestion_index (m->congestion) * 1000) / 1000);
  if (m->stations > 0)
    {
      json_object_set_double_member (o, "aqi_mean", round (m->aqi_sum / m->stations * 10) / 10);
      json_object_set_double_member (o, "aqi_max", m->aqi_max);
      /* Names are for the answer of now; samples keep numbers only. */
      if (!known_only && m->worst != NULL)
        json_object_set_string_member (o, "aqi_max_station", m->worst);
    }
  if (units)
    json_object_set_int_member (o, "units", m->units);
  g_hash_table_iter_init (&iter, m->units_by_kind);
  while (units && g_hash_table_iter_next (&iter, &kind, &n))
    {
      g_autofree char *name = g_strconcat ("units.", (char *) kind, NULL);

      json_object_set_int_member (o, name, GPOINTER_TO_UINT (n));
    }
  if (m->shelters > 0)
    json_object_set_int_member (o, "shelter_free", m->shelter_free);
  if (!alerts)
    return o;
  json_object_set_int_member (o, "alerts", m->alerts);
  for (guint l = 0; l <= PANO_ALERT_LEVEL_CRITICAL; l++)
    {
      g_autofree char *name = g_strconcat ("alerts.", pano_alert_level_to_name (l), NULL);

      json_object_set_int_member (o, name, m->alerts_by_level[l]);
    }
  return o;
}

/**
 * pano_hub_samples_measure:
 * @sampled_scope: "" or a district, as pano_hub_samples_dup_scope() gives
 *
 * Returns: (transfer full): the measures of the live layers now, as a sample row holds them
 */
JsonObject *
pano_hub_samples_measure (PanoHubSamples *self,
                          const char     *sampled_scope)
{
  g_autoptr(GHashTable) scopes = measure_all (self, sampled_scope);

  return measures_to_object (self, g_hash_table_lookup (scopes, sampled_scope), FALSE);
}

static gboolean
insert_row (PanoHubSamples  *self,
            const char      *scope,
            gint64           at,
            Measures        *m,
            GError         **error)
{
  g_autoptr(JsonObject) object = measures_to_object (self, m, TRUE);
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *text = json_to_string (node, FALSE);
  sqlite3_stmt *stmt = pano_hub_db_prepare (self->db, "INSERT OR REPLACE INTO live_samples "
                                                      "VALUES (?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  pano_hub_db_bind_text (stmt, 1, scope);
  sqlite3_bind_int64 (stmt, 2, at);
  pano_hub_db_bind_text (stmt, 3, text);
  return pano_hub_db_step_done (self->db, stmt, error);
}

static gboolean
prune (PanoHubSamples  *self,
       gint64           now,
       GError         **error)
{
  sqlite3_stmt *stmt = pano_hub_db_prepare (self->db, "DELETE FROM live_samples WHERE at < ?",
                                            error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now - (gint64) self->settings->history_days * DAY_MS);
  return pano_hub_db_step_done (self->db, stmt, error);
}

/**
 * pano_hub_samples_record:
 *
 * Measures every scope now and stores one row each, in one transaction, and prunes rows
 * older than [history] days.
 */
gboolean
pano_hub_samples_record (PanoHubSamples  *self,
                         GError         **error)
{
  g_autoptr(GHashTable) scopes = measure_all (self, NULL);
  gint64 now = pano_hub_samples_now_ms (self);
  GHashTableIter iter;
  gpointer scope, m;

  if (!pano_hub_db_begin (self->db, error))
    return FALSE;
  g_hash_table_iter_init (&iter, scopes);
  while (g_hash_table_iter_next (&iter, &scope, &m))
    if (!insert_row (self, scope, now, m, error))
      goto fail;
  if (!prune (self, now, error) || !pano_hub_db_commit (self->db, error))
    goto fail;
  return TRUE;

fail:
  pano_hub_db_rollback (self->db);
  return FALSE;
}

static gboolean
on_timer (gpointer user_data)
{
  PanoHubSamples *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!pano_hub_samples_record (self, &error))
    g_warning ("Live-layer sample not stored: %s", error->message);
  return G_SOURCE_CONTINUE;
}

/* Samples now and every [history] sample-s. */
void
pano_hub_samples_start (PanoHubSamples *self)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
  on_timer (self);
  self->timer_id = g_timeout_add_seconds (self->settings->sample_s, on_timer, self);
}

/**
 * pano_hub_samples_read:
 * @times: (element-type gint64): filled with the rows' times (ms), oldest first
 * @values: (element-type JsonObject): filled with their measures
 *
 * Reads the rows of @sampled_scope taken in [@from_ms, @to_ms).
 */
gboolean
pano_hub_samples_read (PanoHubSamples  *self,
                       const char      *sampled_scope,
                       gint64           from_ms,
                       gint64           to_ms,
                       GPtrArray       *times,
                       GPtrArray       *values,
                       GError         **error)
{
  sqlite3_stmt *stmt = pano_hub_db_prepare (self->db, "SELECT at, measures FROM live_samples "
                                                      "WHERE scope = ? AND at >= ? AND at < ? "
                                                      "ORDER BY at", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  pano_hub_db_bind_text (stmt, 1, sampled_scope);
  sqlite3_bind_int64 (stmt, 2, from_ms);
  sqlite3_bind_int64 (stmt, 3, to_ms);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonNode) node = json_from_string ((const char *) sqlite3_column_text (stmt, 1),
                                                   NULL);
      gint64 *at = g_new (gint64, 1);

      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        {
          g_free (at);
          continue;
        }
      *at = sqlite3_column_int64 (stmt, 0);
      g_ptr_array_add (times, at);
      g_ptr_array_add (values, json_object_ref (json_node_get_object (node)));
    }
  if (rc != SQLITE_DONE)
    return pano_hub_db_fail (self->db, stmt, error);
  sqlite3_finalize (stmt);
  return TRUE;
}

/**
 * pano_hub_samples_new:
 * @city: (nullable): for the districts; without one only the city is sampled
 *
 * Returns: (transfer full) (nullable): a sampler (not yet started), or %NULL if its table
 *   cannot be made
 */
PanoHubSamples *
pano_hub_samples_new (PanoHubDb             *db,
                      PanoHubStore          *store,
                      PanoHubCity           *city,
                      const PanoHubSettings *settings,
                      GError               **error)
{
  g_autoptr(PanoHubSamples) self = g_object_new (PANO_TYPE_HUB_SAMPLES, NULL);

  self->db = g_object_ref (db);
  self->store = g_object_ref (store);
  self->city = city ? g_object_ref (city) : NULL;
  self->settings = settings;
  if (!pano_hub_db_exec (db, schema, error))
    return NULL;
  return g_steal_pointer (&self);
}
