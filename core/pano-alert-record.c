// SPDX-License-Identifier: GPL-3.0-or-later
/* One alert of the hub's `alerts` layer as the console knows it (docs/protocol.md sections 5
 * and 7): the producer's members (station, metric, value, threshold, level, status) and the
 * hub's (acknowledged_by/_at/_note, incident), read once into fields. A newer state of the same
 * alert is a new record. */
#define G_LOG_DOMAIN "panorama-core"

#include "pano-alert-record.h"
#include "pano-json-object.h"

struct _PanoAlertRecord
{
  GObject parent_instance;

  char *id;
  char *properties;
  JsonObject *object;       /* the parsed properties; strings below are borrowed from it */
  gint64 updated_ms;
  gint64 raised_ms;
  gboolean has_position;
  double lon, lat;

  PanoAlertLevel level;
  gboolean active;
  gboolean has_value, has_threshold;
  double value, threshold;
  gint64 acknowledged_ms;
};

G_DEFINE_FINAL_TYPE (PanoAlertRecord, pano_alert_record, G_TYPE_OBJECT)

static void
pano_alert_record_finalize (GObject *object)
{
  PanoAlertRecord *self = PANO_ALERT_RECORD (object);

  g_free (self->id);
  g_free (self->properties);
  g_clear_pointer (&self->object, json_object_unref);
  G_OBJECT_CLASS (pano_alert_record_parent_class)->finalize (object);
}

static void
pano_alert_record_class_init (PanoAlertRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pano_alert_record_finalize;
}

static void
pano_alert_record_init (PanoAlertRecord *self)
{
}

static gboolean
number_member (JsonObject *object,
               const char *member,
               double     *number)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;
  GType type = node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : 0;

  if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
    {
      *number = json_node_get_double (node);
      return TRUE;
    }
  if (type == G_TYPE_STRING)
    {
      char *end;

      *number = g_ascii_strtod (json_node_get_string (node), &end);
      return end != json_node_get_string (node) && *end == '\0';
    }
  return FALSE;
}

static gint64
time_member (JsonObject *object,
             const char *member)
{
  const char *text = pano_json_object_get_string (object, member);
  g_autoptr(GDateTime) time = text ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return time ? g_date_time_to_unix (time) * 1000 + g_date_time_get_microsecond (time) / 1000
              : 0;
}

/* Returns: the level's name in the protocol and the overview: `notice` … `critical`, `unknown` */
const char *
pano_alert_level_to_name (PanoAlertLevel level)
{
  static const char *const names[] = {
    [PANO_ALERT_LEVEL_UNKNOWN] = "unknown", [PANO_ALERT_LEVEL_NOTICE] = "notice",
    [PANO_ALERT_LEVEL_WARNING] = "warning", [PANO_ALERT_LEVEL_SEVERE] = "severe",
    [PANO_ALERT_LEVEL_CRITICAL] = "critical",
  };

  return (guint) level < G_N_ELEMENTS (names) ? names[level] : "unknown";
}

/**
 * pano_alert_level_from_json:
 * @node: (nullable): a `level` member
 *
 * Returns: the level a producer meant: `notice`/`info`/`blue` … `critical`/`red`, or a
 *   Chinese grade number 1 (Ⅰ级, the gravest) … 4
 */
PanoAlertLevel
pano_alert_level_from_json (JsonNode *node)
{
  static const char *const names[][4] = {
    [PANO_ALERT_LEVEL_NOTICE] = { "notice", "info", "blue", NULL },
    [PANO_ALERT_LEVEL_WARNING] = { "warning", "yellow", NULL },
    [PANO_ALERT_LEVEL_SEVERE] = { "severe", "orange", NULL },
    [PANO_ALERT_LEVEL_CRITICAL] = { "critical", "red", NULL },
  };
  GType type = node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : 0;

  if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
    {
      double grade = json_node_get_double (node);

      return grade >= 1 && grade <= 4 ? PANO_ALERT_LEVEL_CRITICAL + 1 - (int) grade
                                      : PANO_ALERT_LEVEL_UNKNOWN;
    }
  if (type != G_TYPE_STRING)
    return PANO_ALERT_LEVEL_UNKNOWN;
  for (guint level = PANO_ALERT_LEVEL_NOTICE; level <= PANO_ALERT_LEVEL_CRITICAL; level++)
    for (guint i = 0; names[level][i] != NULL; i++)
      if (g_ascii_strcasecmp (json_node_get_string (node), names[level][i]) == 0)
        return level;
  return PANO_ALERT_LEVEL_UNKNOWN;
}

static void
read_members (PanoAlertRecord *self)
{
  const char *status = pano_json_object_get_string (self->object, "status");

  self->level = pano_alert_level_from_json (json_object_get_member (self->object, "level"));
  /* An alert is active until its producer says it is over. */
  self->active = status == NULL || (g_ascii_strcasecmp (status, "cleared") != 0 &&
                                    g_ascii_strcasecmp (status, "resolved") != 0 &&
                                    g_ascii_strcasecmp (status, "closed") != 0);
  self->has_value = number_member (self->object, "value", &self->value);
  self->has_threshold = number_member (self->object, "threshold", &self->threshold);
  self->acknowledged_ms = time_member (self->object, "acknowledged_at");
  self->raised_ms = time_member (self->object, "raised_at");
  if (self->raised_ms == 0)
    self->raised_ms = time_member (self->object, "started_at");
}

/**
 * pano_alert_record_new:
 * @properties: the entity's `properties`, JSON object text
 * @updated_ms: the entity's `updated_at`
 *
 * Returns: (transfer full): the record; properties that are not an object read as empty
 */
PanoAlertRecord *
pano_alert_record_new (const char *id,
                       const char *properties,
                       gint64      updated_ms,
                       gboolean    has_position,
                       double      lon,
                       double      lat)
{
  PanoAlertRecord *self = g_object_new (PANO_TYPE_ALERT_RECORD, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  self->id = g_strdup (id);
  self->properties = g_strdup (properties ? properties : "{}");
  self->updated_ms = updated_ms;
  self->has_position = has_position;
  self->lon = lon;
  self->lat = lat;
  if (json_parser_load_from_data (parser, self->properties, -1, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    self->object = json_object_ref (json_node_get_object (root));
  else
    self->object = json_object_new ();
  read_members (self);
  return self;
}

const char *
pano_alert_record_get_id (PanoAlertRecord *self)
{
  return self->id;
}

const char *
pano_alert_record_get_properties (PanoAlertRecord *self)
{
  return self->properties;
}

gint64
pano_alert_record_get_updated_ms (PanoAlertRecord *self)
{
  return self->updated_ms;
}

/* Returns: when the alert was raised: its `raised_at`, else when the console first saw it */
gint64
pano_alert_record_get_raised_ms (PanoAlertRecord *self)
{
  return self->raised_ms != 0 ? self->raised_ms : self->updated_ms;
}

/* For the model, before anyone sees the record: the time an earlier state was first seen. */
void
pano_alert_record_set_raised_ms (PanoAlertRecord *self,
                                 gint64           raised_ms)
{
  if (time_member (self->object, "raised_at") == 0 && time_member (self->object, "started_at") == 0)
    self->raised_ms = raised_ms;
}

gboolean
pano_alert_record_get_location (PanoAlertRecord *self,
                                double          *lon,
                                double          *lat)
{
  *lon = self->lon;
  *lat = self->lat;
  return self->has_position;
}

gboolean
pano_alert_record_is_active (PanoAlertRecord *self)
{
  return self->active;
}

PanoAlertLevel
pano_alert_record_get_level (PanoAlertRecord *self)
{
  return self->level;
}

const char *
pano_alert_record_get_kind (PanoAlertRecord *self)
{
  return pano_json_object_get_string (self->object, "kind");
}

const char *
pano_alert_record_get_station (PanoAlertRecord *self)
{
  return pano_json_object_get_string (self->object, "station");
}

/* Returns: (nullable): the station's name, else its id */
const char *
pano_alert_record_get_station_name (PanoAlertRecord *self)
{
  const char *name = pano_json_object_get_string (self->object, "station_name");

  return name ? name : pano_json_object_get_string (self->object, "station");
}

const char *
pano_alert_record_get_metric (PanoAlertRecord *self)
{
  return pano_json_object_get_string (self->object, "metric");
}

const char *
pano_alert_record_get_primary (PanoAlertRecord *self)
{
  return pano_json_object_get_string (self->object, "primary");
}

/* Returns: (nullable): the unit the producer gave the value in (`unit`), if any */
const char *
pano_alert_record_get_unit (PanoAlertRecord *self)
{
  return pano_json_object_get_string (self->object, "unit");
}

gboolean
pano_alert_record_get_value (PanoAlertRecord *self,
                             double          *value)
{
  *value = self->value;
  return self->has_value;
}

gboolean
pano_alert_record_get_threshold (PanoAlertRecord *self,
                                 double          *threshold)
{
  *threshold = self->threshold;
  return self->has_threshold;
}

/* Returns: (nullable): the token name of who acknowledged it, %NULL while nobody has */
const char *
pano_alert_record_get_acknowledged_by (PanoAlertRecord *self)
{
  return pano_json_object_get_string (self->object, "acknowledged_by");
}

gint64
pano_alert_record_get_acknowledged_ms (PanoAlertRecord *self)
{
  return self->acknowledged_ms;
}

const char *
pano_alert_record_get_acknowledged_note (PanoAlertRecord *self)
{
  return pano_json_object_get_string (self->object, "acknowledged_note");
}

/* Returns: (nullable): the incident that escalates it */
const char *
pano_alert_record_get_incident (PanoAlertRecord *self)
{
  return pano_json_object_get_string (self->object, "incident");
}

/* Returns: whether the header signals it: active, of the top levels, not acknowledged */
gboolean
pano_alert_record_needs_attention (PanoAlertRecord *self)
{
  return self->active && self->level >= PANO_ALERT_LEVEL_TOP &&
         pano_alert_record_get_acknowledged_by (self) == NULL;
}

/**
 * pano_alert_record_compare:
 *
 * The list's order: active before cleared, then the worst level first, then the newest
 * first (by when raised), then by id so the order is total.
 */
int
pano_alert_record_compare (PanoAlertRecord *a,
                           PanoAlertRecord *b)
{
  gint64 ta = pano_alert_record_get_raised_ms (a), tb = pano_alert_record_get_raised_ms (b);

  if (a->active != b->active)
    return a->active ? -1 : 1;
  if (a->level != b->level)
    return a->level > b->level ? -1 : 1;
  if (ta != tb)
    return ta > tb ? -1 : 1;
  return strcmp (a->id, b->id);
}
