// SPDX-License-Identifier: GPL-3.0-or-later
/* Decoding the hub's frames (docs/protocol.md): JSON to entities in world coordinates with
 * their draw class, ready to apply. Runs in the feed's decoder thread. */
#define G_LOG_DOMAIN "panorama-core"

#include "pano-feed-frame.h"
#include "pano-live-classify.h"
#include "pano-mercator.h"
#include "pano-protocol.h"

#include <json-glib/json-glib.h>

static const struct
{
  const char *name;
  PanoFeedFrameType type;
} frame_types[] = {
  { "welcome", PANO_FEED_FRAME_WELCOME },
  { "snapshot", PANO_FEED_FRAME_SNAPSHOT },
  { "resumed", PANO_FEED_FRAME_RESUMED },
  { "delta", PANO_FEED_FRAME_DELTA },
  { "heartbeat", PANO_FEED_FRAME_HEARTBEAT },
  { "error", PANO_FEED_FRAME_ERROR },
};

static void
clear_change (PanoFeedChange *change)
{
  g_free ((char *)change->entity.id);
  g_free ((char *)change->entity.properties);
  g_free ((double *)change->entity.coords);
}

void
pano_feed_frame_free (PanoFeedFrame *frame)
{
  if (frame == NULL)
    return;
  g_free (frame->layer);
  g_free (frame->epoch);
  g_free (frame->role);
  g_free (frame->code);
  g_free (frame->message);
  g_clear_pointer (&frame->changes, g_array_unref);
  g_free (frame);
}

/* Returns: milliseconds since the Unix epoch, 0 for NULL or unparsable text */
gint64
pano_feed_parse_time (const char *rfc3339)
{
  g_autoptr(GDateTime) time = NULL;

  if (rfc3339 == NULL || !(time = g_date_time_new_from_iso8601 (rfc3339, NULL)))
    return 0;
  return g_date_time_to_unix (time) * 1000 + g_date_time_get_microsecond (time) / 1000;
}

/* The coordinates to keep: a point, a line, or a polygon's outer ring as its outline. */
static JsonArray *
coordinate_list (JsonObject *geometry,
                 gboolean   *single)
{
  const char *type = json_object_get_string_member_with_default (geometry, "type", "");
  JsonArray *c = json_object_get_array_member (geometry, "coordinates");

  *single = FALSE;
  if (c == NULL || json_array_get_length (c) == 0)
    return NULL;
  if (g_str_equal (type, "Point"))
    {
      *single = TRUE;
      return c;
    }
  if (g_str_equal (type, "LineString") || g_str_equal (type, "MultiPoint"))
    return c;
  if (g_str_equal (type, "Polygon") || g_str_equal (type, "MultiLineString"))
    return json_array_get_array_element (c, 0);
  if (g_str_equal (type, "MultiPolygon"))
    return json_array_get_array_element (json_array_get_array_element (c, 0), 0);
  return NULL;
}

static void
read_geometry (JsonObject     *entity,
               PanoLiveEntity *out)
{
  JsonNode *node = json_object_get_member (entity, "geometry");
  JsonArray *list;
  gboolean single;
  double *coords;
  guint n;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      !(list = coordinate_list (json_node_get_object (node), &single)))
    return;

  n = single ? 1 : json_array_get_length (list);
  coords = g_new (double, 2 * (gsize)n);
  for (guint i = 0; i < n; i++)
    {
      JsonArray *p = single ? list : json_array_get_array_element (list, i);

      if (p == NULL || json_array_get_length (p) < 2)
        {
          g_free (coords);
          return;
        }
      coords[2 * i] = pano_mercator_x_from_lon (json_array_get_double_element (p, 0));
      coords[2 * i + 1] = pano_mercator_y_from_lat (json_array_get_double_element (p, 1));
    }
  out->coords = coords;
  out->n_coords = n;
}

static gboolean
read_entity (const char     *layer,
             JsonObject     *entity,
             PanoLiveEntity *out)
{
  JsonNode *props = json_object_get_member (entity, "properties");
  const char *id = json_object_get_string_member_with_default (entity, "id", NULL);

  if (id == NULL)
    return FALSE;
  out->id = g_strdup (id);
  read_geometry (entity, out);
  if (props != NULL && JSON_NODE_HOLDS_OBJECT (props))
    {
      out->properties = json_to_string (props, FALSE);
      out->klass = pano_live_classify (layer, json_node_get_object (props), &out->value);
    }
  out->updated_ms = pano_feed_parse_time (
    json_object_get_string_member_with_default (entity, "updated_at", NULL));
  out->stale_after_ms = pano_feed_parse_time (
    json_object_get_string_member_with_default (entity, "stale_after", NULL));
  return TRUE;
}

static void
add_entity (PanoFeedFrame *frame,
            JsonObject    *entity,
            gboolean       remove)
{
  PanoFeedChange change = { remove };

  if (remove)
    {
      const char *id = json_object_get_string_member_with_default (entity, "id", NULL);

      if (id == NULL)
        return;
      change.entity.id = g_strdup (id);
    }
  else if (!read_entity (frame->layer, entity, &change.entity))
    return;
  frame->newest_update_ms = MAX (frame->newest_update_ms, change.entity.updated_ms);
  g_array_append_val (frame->changes, change);
}

static void
read_changes (PanoFeedFrame *frame,
              JsonObject    *root)
{
  JsonArray *list;

  frame->changes = g_array_new (FALSE, TRUE, sizeof (PanoFeedChange));
  g_array_set_clear_func (frame->changes, (GDestroyNotify)clear_change);

  if (frame->type == PANO_FEED_FRAME_SNAPSHOT &&
      (list = json_object_get_array_member (root, "entities")))
    for (guint i = 0; i < json_array_get_length (list); i++)
      add_entity (frame, json_array_get_object_element (list, i), FALSE);

  if (frame->type == PANO_FEED_FRAME_DELTA &&
      (list = json_object_get_array_member (root, "changes")))
    for (guint i = 0; i < json_array_get_length (list); i++)
      {
        JsonObject *change = json_array_get_object_element (list, i);
        const char *op = json_object_get_string_member_with_default (change, "op", "");

        if (g_str_equal (op, "upsert") && json_object_has_member (change, "entity"))
          add_entity (frame, json_object_get_object_member (change, "entity"), FALSE);
        else if (g_str_equal (op, "remove"))
          add_entity (frame, change, TRUE);
      }
}

static void
read_header (PanoFeedFrame *frame,
             JsonObject    *o)
{
  frame->layer = g_strdup (json_object_get_string_member_with_default (o, "layer", NULL));
  frame->epoch = g_strdup (json_object_get_string_member_with_default (o, "epoch", NULL));
  frame->seq = json_object_get_int_member_with_default (o, "seq", -1);
  frame->from_seq = json_object_get_int_member_with_default (o, "from_seq", frame->seq);
  frame->chunk = json_object_get_int_member_with_default (o, "chunk", 0);
  frame->chunks = json_object_get_int_member_with_default (o, "chunks", 1);
  frame->coalesced = json_object_get_int_member_with_default (o, "coalesced", 0);
  frame->heartbeat_interval_ms =
    json_object_get_int_member_with_default (o, "heartbeat_interval_ms", 0);
  frame->heartbeat_timeout_ms =
    json_object_get_int_member_with_default (o, "heartbeat_timeout_ms", 0);
  frame->role = g_strdup (json_object_get_string_member_with_default (o, "role", NULL));
  frame->code = g_strdup (json_object_get_string_member_with_default (o, "code", NULL));
  frame->message = g_strdup (json_object_get_string_member_with_default (o, "message", NULL));
}

/**
 * pano_feed_frame_decode:
 *
 * Returns: (transfer full): the frame, or %NULL with a %PANO_PROTOCOL_ERROR saying what is
 *   wrong with it
 */
PanoFeedFrame *
pano_feed_frame_decode (const char  *text,
                        gsize        length,
                        GError     **error)
{
  g_autoptr(PanoFeedFrame) frame = g_new0 (PanoFeedFrame, 1);
  g_autoptr(JsonObject) root = NULL;
  const char *type;

  /* The envelope (a JSON object with a string type) is the codec shared with the hub. */
  if (!(root = pano_protocol_parse_frame (text, length, &type, error)))
    return NULL;

  frame->type = PANO_FEED_FRAME_OTHER;
  for (guint i = 0; i < G_N_ELEMENTS (frame_types); i++)
    if (g_str_equal (type, frame_types[i].name))
      frame->type = frame_types[i].type;
  read_header (frame, root);
  if ((frame->type == PANO_FEED_FRAME_SNAPSHOT || frame->type == PANO_FEED_FRAME_DELTA) &&
      frame->layer == NULL)
    {
      g_set_error (error, PANO_PROTOCOL_ERROR, PANO_PROTOCOL_ERROR_BAD_FRAME,
                   "the hub sent a %s without a “layer”", type);
      return NULL;
    }
  read_changes (frame, root);
  return g_steal_pointer (&frame);
}
