// SPDX-License-Identifier: GPL-3.0-or-later
/* Decoding the hub's frames (docs/protocol.md): JSON to entities in world coordinates with
 * their draw class, ready to apply. Runs in the feed's decoder thread. */
#define G_LOG_DOMAIN "panorama-core"

#include "pano-feed-frame.h"
#include "pano-live-classify.h"
#include "pano-mercator.h"
#include "pano-protocol.h"

#include "pano-json.h"

#include <string.h>

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

/* Reads @n digits at @p, or -1 */
static int
digits (const char *p,
        int         n)
{
  int v = 0;

  for (int i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return -1;
      v = v * 10 + (p[i] - '0');
    }
  return v;
}

/* Days from 1970-01-01 to @y-@m-@d in the proleptic Gregorian calendar. */
static gint64
days_from_civil (int y,
                 int m,
                 int d)
{
  int era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (gint64)era * 146097 + doe - 719468;
}

/* Returns: milliseconds since the Unix epoch, 0 for NULL or unparsable text. The hub's own
 * form, 2026-12-01T22:13:47.123Z, is read directly (every entity carries two); anything else
 * RFC 3339 allows goes through GDateTime. */
gint64
pano_feed_parse_time (const char *rfc3339)
{
  g_autoptr(GDateTime) time = NULL;

  if (rfc3339 == NULL)
    return 0;
  if (strlen (rfc3339) == 24 && rfc3339[4] == '-' && rfc3339[7] == '-' && rfc3339[10] == 'T' &&
      rfc3339[13] == ':' && rfc3339[16] == ':' && rfc3339[19] == '.' && rfc3339[23] == 'Z')
    {
      int y = digits (rfc3339, 4), mo = digits (rfc3339 + 5, 2), d = digits (rfc3339 + 8, 2);
      int h = digits (rfc3339 + 11, 2), mi = digits (rfc3339 + 14, 2);
      int s = digits (rfc3339 + 17, 2), ms = digits (rfc3339 + 20, 3);

      if (y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h < 24 &&
          mi >= 0 && mi < 60 && s >= 0 && s < 61 && ms >= 0)
        return ((days_from_civil (y, mo, d) * 24 + h) * 60 + mi) * 60000 + s * 1000 + ms;
    }
  if (!(time = g_date_time_new_from_iso8601 (rfc3339, NULL)))
    return 0;
  return g_date_time_to_unix (time) * 1000 + g_date_time_get_microsecond (time) / 1000;
}

static gint64
time_member (PanoJsonSpan  object,
             const char   *name)
{
  PanoJsonSpan v;
  char text[40];
  gsize n;

  if (!pano_json_member (object, name, &v) || !pano_json_is_string (v) ||
      (n = v.end - v.start - 2) >= sizeof text || memchr (v.start, '\\', n + 2))
    return 0;
  memcpy (text, v.start + 1, n);
  text[n] = '\0';
  return pano_feed_parse_time (text);
}

static char *
string_member (PanoJsonSpan  object,
               const char   *name)
{
  PanoJsonSpan v;

  return pano_json_member (object, name, &v) ? pano_json_dup_string (v) : NULL;
}

static gint64
int_member (PanoJsonSpan  object,
            const char   *name,
            gint64        fallback)
{
  PanoJsonSpan v;
  gint64 n;

  return pano_json_member (object, name, &v) && pano_json_int (v, &n) ? n : fallback;
}

/* The coordinates to keep: a point, a line, or a polygon's outer ring as its outline. */
static gboolean
coordinate_list (PanoJsonSpan  geometry,
                 PanoJsonSpan *list,
                 gboolean     *single)
{
  PanoJsonSpan type, c;
  PanoJsonIter iter;

  *single = FALSE;
  if (!pano_json_member (geometry, "type", &type) ||
      !pano_json_member (geometry, "coordinates", &c) || !pano_json_is_array (c))
    return FALSE;
  if (pano_json_string_equals (type, "Point"))
    {
      *single = TRUE;
      *list = c;
      return TRUE;
    }
  if (pano_json_string_equals (type, "LineString") || pano_json_string_equals (type, "MultiPoint"))
    {
      *list = c;
      return TRUE;
    }
  pano_json_iter_init (&iter, c);
  if (pano_json_string_equals (type, "Polygon") ||
      pano_json_string_equals (type, "MultiLineString"))
    return pano_json_iter_next (&iter, NULL, list) && pano_json_is_array (*list);
  if (pano_json_string_equals (type, "MultiPolygon") && pano_json_iter_next (&iter, NULL, &c))
    {
      pano_json_iter_init (&iter, c);
      return pano_json_iter_next (&iter, NULL, list) && pano_json_is_array (*list);
    }
  return FALSE;
}

static gboolean
read_position (PanoJsonSpan  position,
               double       *xy)
{
  PanoJsonIter iter;
  PanoJsonSpan v;
  double lon, lat;

  pano_json_iter_init (&iter, position);
  if (!pano_json_iter_next (&iter, NULL, &v) || !pano_json_number (v, &lon) ||
      !pano_json_iter_next (&iter, NULL, &v) || !pano_json_number (v, &lat))
    return FALSE;
  xy[0] = pano_mercator_x_from_lon (lon);
  xy[1] = pano_mercator_y_from_lat (lat);
  return TRUE;
}

static void
read_geometry (PanoJsonSpan    entity,
               PanoLiveEntity *out)
{
  g_autoptr(GArray) coords = NULL;
  PanoJsonSpan geometry, list, position;
  PanoJsonIter iter;
  gboolean single;
  double xy[2];

  if (!pano_json_member (entity, "geometry", &geometry) ||
      !coordinate_list (geometry, &list, &single))
    return;

  coords = g_array_new (FALSE, FALSE, sizeof (double));
  if (single)
    {
      if (!read_position (list, xy))
        return;
      g_array_append_vals (coords, xy, 2);
    }
  else
    {
      pano_json_iter_init (&iter, list);
      while (pano_json_iter_next (&iter, NULL, &position))
        {
          if (!read_position (position, xy))
            return;
          g_array_append_vals (coords, xy, 2);
        }
      if (coords->len == 0)
        return;
    }
  out->n_coords = coords->len / 2;
  out->coords = (double *)g_array_free (g_steal_pointer (&coords), FALSE);
}

static gboolean
read_entity (const char     *layer,
             PanoJsonSpan    entity,
             PanoLiveEntity *out)
{
  PanoJsonSpan props;

  if (!(out->id = string_member (entity, "id")))
    return FALSE;
  read_geometry (entity, out);
  if (pano_json_member (entity, "properties", &props) && pano_json_is_object (props))
    {
      out->properties = pano_json_dup_text (props);
      out->klass = pano_live_classify (layer, props, &out->value);
    }
  out->updated_ms = time_member (entity, "updated_at");
  out->stale_after_ms = time_member (entity, "stale_after");
  return TRUE;
}

static void
add_entity (PanoFeedFrame *frame,
            PanoJsonSpan   entity,
            gboolean       remove)
{
  PanoFeedChange change = { remove };

  if (!pano_json_is_object (entity))
    return;
  if (remove)
    {
      if (!(change.entity.id = string_member (entity, "id")))
        return;
    }
  else if (!read_entity (frame->layer, entity, &change.entity))
    {
      clear_change (&change);
      return;
    }
  frame->newest_update_ms = MAX (frame->newest_update_ms, change.entity.updated_ms);
  g_array_append_val (frame->changes, change);
}

static void
read_changes (PanoFeedFrame *frame,
              PanoJsonSpan   root)
{
  PanoJsonSpan list, item, entity, op;
  PanoJsonIter iter;

  frame->changes = g_array_new (FALSE, TRUE, sizeof (PanoFeedChange));
  g_array_set_clear_func (frame->changes, (GDestroyNotify)clear_change);

  if (frame->type == PANO_FEED_FRAME_SNAPSHOT && pano_json_member (root, "entities", &list))
    {
      pano_json_iter_init (&iter, list);
      while (pano_json_iter_next (&iter, NULL, &item))
        add_entity (frame, item, FALSE);
    }

  if (frame->type == PANO_FEED_FRAME_DELTA && pano_json_member (root, "changes", &list))
    {
      pano_json_iter_init (&iter, list);
      while (pano_json_iter_next (&iter, NULL, &item))
        {
          if (!pano_json_member (item, "op", &op))
            continue;
          if (pano_json_string_equals (op, "upsert") && pano_json_member (item, "entity", &entity))
            add_entity (frame, entity, FALSE);
          else if (pano_json_string_equals (op, "remove"))
            add_entity (frame, item, TRUE);
        }
    }
}

static void
read_header (PanoFeedFrame *frame,
             PanoJsonSpan   o)
{
  frame->layer = string_member (o, "layer");
  frame->epoch = string_member (o, "epoch");
  frame->seq = int_member (o, "seq", -1);
  frame->from_seq = int_member (o, "from_seq", frame->seq);
  frame->chunk = int_member (o, "chunk", 0);
  frame->chunks = int_member (o, "chunks", 1);
  frame->coalesced = int_member (o, "coalesced", 0);
  frame->heartbeat_interval_ms = int_member (o, "heartbeat_interval_ms", 0);
  frame->heartbeat_timeout_ms = int_member (o, "heartbeat_timeout_ms", 0);
  frame->role = string_member (o, "role");
  frame->code = string_member (o, "code");
  frame->message = string_member (o, "message");
}

/**
 * pano_feed_frame_decode:
 *
 * Checks the frame once, then reads it in place (pano-json.h): no JSON tree is built.
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
  g_autoptr(GError) local_error = NULL;
  g_autofree char *type = NULL;
  PanoJsonSpan root, type_value;

  if (!pano_json_check (text, length, &root, &local_error))
    {
      g_set_error (error, PANO_PROTOCOL_ERROR, PANO_PROTOCOL_ERROR_BAD_JSON,
                   "The frame is not valid JSON: %s", local_error->message);
      return NULL;
    }
  if (!pano_json_is_object (root))
    {
      g_set_error_literal (error, PANO_PROTOCOL_ERROR, PANO_PROTOCOL_ERROR_BAD_JSON,
                           "The frame must be a JSON object");
      return NULL;
    }
  if (!pano_json_member (root, "type", &type_value) || !pano_json_is_string (type_value))
    {
      g_set_error_literal (error, PANO_PROTOCOL_ERROR, PANO_PROTOCOL_ERROR_BAD_FRAME,
                           "The frame has no string member 'type'");
      return NULL;
    }

  type = pano_json_dup_string (type_value);
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
