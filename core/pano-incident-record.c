// SPDX-License-Identifier: GPL-3.0-or-later
/* An incident as the console knows it, read once from the hub's JSON (docs/protocol.md
 * section 6) into fields the queue sorts and filters on many times a second. */
#define G_LOG_DOMAIN "panorama-incident"

#include "pano-incident-record.h"
#include "pano-feed-frame.h"

#include <string.h>

struct _PanoIncidentRecord
{
  GObject parent_instance;

  JsonObject *object;        /* owns every string below */
  char *properties;
  const char *id;
  PanoIncidentStatus status;
  gboolean known_status;
  const char *category;
  const char *title;
  const char *description;
  const char *source;
  guint severity;
  gboolean has_location;
  double lon, lat;
  const char *grid_code;
  const char *grid_names[PANO_GRID_N_LEVELS];
  gint64 reported_ms;
  gint64 stage_since_ms;
  gint64 deadline_ms;
  gint64 updated_ms;
  gboolean overdue;
  gint64 version;
  const char *updated_by;
  guint rework;
  guint n_extensions;
  const char *reason;
  const char *alert;
  GArray *units;             /* PanoIncidentUnit */
  GArray *notes;             /* PanoIncidentNote */
};

G_DEFINE_FINAL_TYPE (PanoIncidentRecord, pano_incident_record, G_TYPE_OBJECT)

static void
pano_incident_record_finalize (GObject *object)
{
  PanoIncidentRecord *self = PANO_INCIDENT_RECORD (object);

  g_clear_pointer (&self->object, json_object_unref);
  g_free (self->properties);
  g_array_unref (self->units);
  g_array_unref (self->notes);
  G_OBJECT_CLASS (pano_incident_record_parent_class)->finalize (object);
}

static void
pano_incident_record_class_init (PanoIncidentRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pano_incident_record_finalize;
}

static void
pano_incident_record_init (PanoIncidentRecord *self)
{
  self->units = g_array_new (FALSE, TRUE, sizeof (PanoIncidentUnit));
  self->notes = g_array_new (FALSE, TRUE, sizeof (PanoIncidentNote));
}

static const char *
string_of (JsonObject *object,
           const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
int_of (JsonObject *object,
        const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);
  return 0;
}

static gint64
time_of (JsonObject *object,
         const char *member)
{
  return pano_feed_parse_time (string_of (object, member));
}

static JsonArray *
array_of (JsonObject *object,
          const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static void
read_location (PanoIncidentRecord *self)
{
  JsonArray *location = array_of (self->object, "location");

  if (location == NULL || json_array_get_length (location) != 2)
    return;
  self->lon = json_array_get_double_element (location, 0);
  self->lat = json_array_get_double_element (location, 1);
  self->has_location = TRUE;
}

static void
read_grid (PanoIncidentRecord *self)
{
  static const char * const members[PANO_GRID_N_LEVELS] = { "city", "district", "street",
                                                            "cell" };
  JsonNode *node = json_object_get_member (self->object, "grid");
  JsonObject *grid = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

  if (grid == NULL)
    return;
  self->grid_code = string_of (grid, "code");
  for (guint i = 0; i < PANO_GRID_N_LEVELS; i++)
    self->grid_names[i] = string_of (grid, members[i]);
}

static void
read_units (PanoIncidentRecord *self)
{
  JsonArray *units = array_of (self->object, "units");

  for (guint i = 0; units && i < json_array_get_length (units); i++)
    {
      JsonNode *node = json_array_get_element (units, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      PanoIncidentUnit unit = { 0 };

      if ((unit.id = string_of (o, "id")) == NULL)
        continue;
      unit.acknowledged = json_object_get_boolean_member_with_default (o, "acknowledged", FALSE);
      unit.acknowledged_ms = time_of (o, "acknowledged_at");
      unit.on_scene_ms = time_of (o, "on_scene_at");
      g_array_append_val (self->units, unit);
    }
}

static void
read_notes (PanoIncidentRecord *self)
{
  JsonArray *notes = array_of (self->object, "notes");

  for (guint i = 0; notes && i < json_array_get_length (notes); i++)
    {
      JsonNode *node = json_array_get_element (notes, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      PanoIncidentNote note = { 0 };

      if ((note.text = string_of (o, "text")) == NULL)
        continue;
      note.at_ms = time_of (o, "at");
      note.by = string_of (o, "by");
      g_array_append_val (self->notes, note);
    }
}

static const char *
reason_of (PanoIncidentRecord *self)
{
  switch (self->status)
    {
    case PANO_INCIDENT_CANCELLED:
      return string_of (self->object, "cancel_reason");
    case PANO_INCIDENT_RETURNED:
      return string_of (self->object, "return_reason");
    case PANO_INCIDENT_HANDLING:
      return self->rework > 0 ? string_of (self->object, "rework_reason") : NULL;
    default:
      return NULL;
    }
}

/* Takes a reference on @object: the record reads its strings in place. */
PanoIncidentRecord *
pano_incident_record_new_from_object (JsonObject *object)
{
  PanoIncidentRecord *self = g_object_new (PANO_TYPE_INCIDENT_RECORD, NULL);
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  JsonArray *extensions;

  self->object = json_object_ref (object);
  self->properties = json_to_string (node, FALSE);
  self->id = string_of (object, "id");
  self->known_status = pano_incident_status_from_name (string_of (object, "status"),
                                                       &self->status);
  self->category = string_of (object, "category");
  self->title = string_of (object, "title");
  self->description = string_of (object, "description");
  self->source = string_of (object, "source");
  self->severity = CLAMP (int_of (object, "severity"), 0, 4);
  self->reported_ms = time_of (object, "reported_at");
  self->stage_since_ms = time_of (object, "stage_since");
  self->deadline_ms = time_of (object, "deadline");
  self->updated_ms = time_of (object, "updated_at");
  self->overdue = json_object_get_boolean_member_with_default (object, "overdue", FALSE);
  self->version = int_of (object, "version");
  self->updated_by = string_of (object, "updated_by");
  self->rework = MAX (int_of (object, "rework"), 0);
  extensions = array_of (object, "extensions");
  self->n_extensions = extensions ? json_array_get_length (extensions) : 0;
  self->alert = string_of (object, "alert");
  read_location (self);
  read_grid (self);
  read_units (self);
  read_notes (self);
  self->reason = reason_of (self);
  return self;
}

/**
 * pano_incident_record_new:
 * @properties: the JSON object text of the incident
 *
 * Returns: (transfer full) (nullable): the record, or %NULL with @error naming what is wrong
 */
PanoIncidentRecord *
pano_incident_record_new (const char  *properties,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, properties, -1, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      string_of (json_node_get_object (root), "id") == NULL)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "an incident must be an object with a string 'id'");
      return NULL;
    }
  return pano_incident_record_new_from_object (json_node_get_object (root));
}

const char *
pano_incident_record_get_id (PanoIncidentRecord *self)
{
  return self->id;
}

/* Returns: the incident as compact JSON text */
const char *
pano_incident_record_get_properties (PanoIncidentRecord *self)
{
  return self->properties;
}

PanoIncidentStatus
pano_incident_record_get_status (PanoIncidentRecord *self)
{
  return self->status;
}

gboolean
pano_incident_record_is_final (PanoIncidentRecord *self)
{
  return self->known_status && pano_incident_status_is_final (self->status);
}

const char *
pano_incident_record_get_category (PanoIncidentRecord *self)
{
  return self->category;
}

/* Returns: 1 (minor) … 4 (critical), 0 when not given */
guint
pano_incident_record_get_severity (PanoIncidentRecord *self)
{
  return self->severity;
}

/* Returns: the title, or the category when it has none */
const char *
pano_incident_record_get_title (PanoIncidentRecord *self)
{
  return self->title ? self->title : self->category ? self->category : self->id;
}

const char *
pano_incident_record_get_description (PanoIncidentRecord *self)
{
  return self->description;
}

const char *
pano_incident_record_get_source (PanoIncidentRecord *self)
{
  return self->source;
}

gboolean
pano_incident_record_get_location (PanoIncidentRecord *self,
                                   double             *lon,
                                   double             *lat)
{
  *lon = self->lon;
  *lat = self->lat;
  return self->has_location;
}

/* Returns: (nullable): the grid cell's code, e.g. 420300-420302-001-0001 */
const char *
pano_incident_record_get_grid_code (PanoIncidentRecord *self)
{
  return self->grid_code;
}

/* Returns: (nullable): the name at @level of the grid path 市 › 区 › 街道 › 网格 */
const char *
pano_incident_record_get_grid_name (PanoIncidentRecord *self,
                                    PanoGridLevel       level)
{
  g_return_val_if_fail (level < PANO_GRID_N_LEVELS, NULL);
  return self->grid_names[level];
}

/**
 * pano_incident_record_dup_grid_prefix:
 *
 * The code of the incident's area at @level: the grid code's first @level + 1 dash-separated
 * parts (420300 the city, 420300-420302 the district, …), the scope the queue and the KPIs
 * filter on.
 *
 * Returns: (transfer full) (nullable): the prefix, %NULL without a grid code
 */
char *
pano_incident_record_dup_grid_prefix (PanoIncidentRecord *self,
                                      PanoGridLevel       level)
{
  const char *end;
  guint parts = 0;

  if (self->grid_code == NULL)
    return NULL;
  for (end = self->grid_code; *end != '\0'; end++)
    if (*end == '-' && parts++ == level)
      break;
  return g_strndup (self->grid_code, end - self->grid_code);
}

gint64
pano_incident_record_get_reported_ms (PanoIncidentRecord *self)
{
  return self->reported_ms;
}

gint64
pano_incident_record_get_stage_since_ms (PanoIncidentRecord *self)
{
  return self->stage_since_ms;
}

gint64
pano_incident_record_get_deadline_ms (PanoIncidentRecord *self)
{
  return self->deadline_ms;
}

gint64
pano_incident_record_get_updated_ms (PanoIncidentRecord *self)
{
  return self->updated_ms;
}

gboolean
pano_incident_record_get_overdue (PanoIncidentRecord *self)
{
  return self->overdue;
}

void
pano_incident_record_get_clock (PanoIncidentRecord *self,
                                gint64              now_ms,
                                PanoStageClock     *clock)
{
  if (pano_incident_record_is_final (self))
    {
      memset (clock, 0, sizeof *clock);
      return;
    }
  pano_incident_clock (self->stage_since_ms, self->deadline_ms, self->overdue, now_ms, clock);
}

gint64
pano_incident_record_get_version (PanoIncidentRecord *self)
{
  return self->version;
}

const char *
pano_incident_record_get_updated_by (PanoIncidentRecord *self)
{
  return self->updated_by;
}

/* Returns: how many times verification failed (返工) */
guint
pano_incident_record_get_rework (PanoIncidentRecord *self)
{
  return self->rework;
}

guint
pano_incident_record_get_n_extensions (PanoIncidentRecord *self)
{
  return self->n_extensions;
}

/* Returns: (nullable): why it was cancelled, returned or sent back to handling */
const char *
pano_incident_record_get_reason (PanoIncidentRecord *self)
{
  return self->reason;
}

/* Returns: (nullable): the alert this incident was escalated from */
const char *
pano_incident_record_get_alert (PanoIncidentRecord *self)
{
  return self->alert;
}

guint
pano_incident_record_get_n_units (PanoIncidentRecord *self)
{
  return self->units->len;
}

const PanoIncidentUnit *
pano_incident_record_get_unit (PanoIncidentRecord *self,
                               guint               index)
{
  g_return_val_if_fail (index < self->units->len, NULL);
  return &g_array_index (self->units, PanoIncidentUnit, index);
}

gboolean
pano_incident_record_has_unit (PanoIncidentRecord *self,
                               const char         *unit)
{
  for (guint i = 0; i < self->units->len; i++)
    if (g_strcmp0 (g_array_index (self->units, PanoIncidentUnit, i).id, unit) == 0)
      return TRUE;
  return FALSE;
}

guint
pano_incident_record_get_n_notes (PanoIncidentRecord *self)
{
  return self->notes->len;
}

const PanoIncidentNote *
pano_incident_record_get_note (PanoIncidentRecord *self,
                               guint               index)
{
  g_return_val_if_fail (index < self->notes->len, NULL);
  return &g_array_index (self->notes, PanoIncidentNote, index);
}

static gboolean
contains_folded (const char *text,
                 const char *folded_search)
{
  g_autofree char *folded = NULL;

  if (text == NULL)
    return FALSE;
  folded = g_utf8_casefold (text, -1);
  return strstr (folded, folded_search) != NULL;
}

/* Returns: whether @search (any case) is part of the id or the title; "" matches all */
gboolean
pano_incident_record_matches (PanoIncidentRecord *self,
                              const char         *search)
{
  g_autofree char *folded = NULL;

  if (search == NULL || *search == '\0')
    return TRUE;
  folded = g_utf8_casefold (search, -1);
  return contains_folded (self->id, folded) || contains_folded (self->title, folded);
}

/**
 * pano_incident_record_compare_urgency:
 *
 * The order of the incident queue and the situation report: overdue first (most times the
 * limit first), then open by share of the stage used, then the closed and cancelled, newest
 * first.
 */
int
pano_incident_record_compare_urgency (PanoIncidentRecord *ra,
                                      PanoIncidentRecord *rb,
                                      gint64              now_ms)
{
  gboolean fa = pano_incident_record_is_final (ra), fb = pano_incident_record_is_final (rb);
  PanoStageClock ca, cb;
  double ka, kb;

  if (fa != fb)
    return fa ? 1 : -1;
  if (fa)
    ka = -pano_incident_record_get_updated_ms (ra), kb = -pano_incident_record_get_updated_ms (rb);
  else
    {
      pano_incident_record_get_clock (ra, now_ms, &ca);
      pano_incident_record_get_clock (rb, now_ms, &cb);
      if ((ca.state == PANO_CLOCK_OVERDUE) != (cb.state == PANO_CLOCK_OVERDUE))
        return ca.state == PANO_CLOCK_OVERDUE ? -1 : 1;
      ka = -ca.share, kb = -cb.share;
    }
  if (ka != kb)
    return ka < kb ? -1 : 1;
  return g_strcmp0 (pano_incident_record_get_id (ra), pano_incident_record_get_id (rb));
}
