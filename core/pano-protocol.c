// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-protocol"

#include "pano-protocol.h"

#include <string.h>

G_DEFINE_QUARK (pano-protocol-error-quark, pano_protocol_error)

static const char * const layer_names[PANO_N_LAYERS] = {
  "traffic", "environment", "resources", "events", "incidents", "grid", "alerts",
};

static const char * const error_code_names[] = {
  "bad_json", "bad_frame", "unknown_type", "not_authenticated", "bad_protocol",
  "unauthorized", "unknown_layer", "rate_limited",
};

const char *
pano_protocol_error_code_name (PanoProtocolError code)
{
  g_return_val_if_fail ((guint) code < G_N_ELEMENTS (error_code_names), "bad_frame");
  return error_code_names[code];
}

const char *
pano_layer_name (PanoLayerId layer)
{
  g_return_val_if_fail ((guint) layer < PANO_N_LAYERS, NULL);
  return layer_names[layer];
}

gboolean
pano_layer_from_name (const char  *name,
                      PanoLayerId *layer)
{
  for (guint i = 0; name != NULL && i < PANO_N_LAYERS; i++)
    {
      if (g_str_equal (name, layer_names[i]))
        {
          *layer = i;
          return TRUE;
        }
    }
  return FALSE;
}

/* Days since 1970-01-01 to a proleptic Gregorian date (Hinnant's days_from_civil inverse). */
static void
split_days (gint64  days,
            int    *year,
            int    *month,
            int    *day)
{
  gint64 z = days + 719468;
  gint64 era = z / 146097;
  gint64 doe = z - era * 146097;
  gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  gint64 mp = (5 * doy + 2) / 153;

  *day = (int) (doy - (153 * mp + 2) / 5 + 1);
  *month = (int) (mp < 10 ? mp + 3 : mp - 9);
  *year = (int) (yoe + era * 400 + (*month <= 2));
}

static char *
put_digits (char *p,
            int   value,
            int   width)
{
  for (int i = width - 1; i >= 0; i--, value /= 10)
    p[i] = (char) ('0' + value % 10);
  return p + width;
}

/* The hub stamps every upsert twice (updated_at, stale_after); at 20 000 updates/s a
 * GDateTime and two printfs per stamp were a visible share of its CPU, so the usual range
 * (1970 to 9999) is written digit by digit. */
static gboolean
write_time (char   out[25],
            gint64 unix_us)
{
  gint64 seconds = unix_us / G_USEC_PER_SEC;
  int year, month, day, second_of_day = (int) (seconds % 86400);
  char *p = out;

  if (unix_us < 0 || seconds >= G_GINT64_CONSTANT (253402300800))
    return FALSE;
  split_days (seconds / 86400, &year, &month, &day);
  p = put_digits (p, year, 4);
  *p++ = '-';
  p = put_digits (p, month, 2);
  *p++ = '-';
  p = put_digits (p, day, 2);
  *p++ = 'T';
  p = put_digits (p, second_of_day / 3600, 2);
  *p++ = ':';
  p = put_digits (p, second_of_day / 60 % 60, 2);
  *p++ = ':';
  p = put_digits (p, second_of_day % 60, 2);
  *p++ = '.';
  p = put_digits (p, (int) (unix_us % G_USEC_PER_SEC / 1000), 3);
  *p++ = 'Z';
  *p = '\0';
  return TRUE;
}

/* RFC 3339 in UTC with milliseconds: sortable as text and exact enough for ordering. */
char *
pano_protocol_format_time (gint64 unix_us)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *base = NULL;
  char text[25];

  if (write_time (text, unix_us))
    return g_strdup (text);
  dt = g_date_time_new_from_unix_utc (unix_us / G_USEC_PER_SEC);
  if (dt == NULL)
    return g_strdup ("1970-01-01T00:00:00.000Z");
  base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", base, (int) ((unix_us % G_USEC_PER_SEC) / 1000));
}

/* pano_protocol_format_time() appended to @out, without allocating in the usual range. */
void
pano_protocol_append_time (GString *out,
                           gint64   unix_us)
{
  g_autofree char *text = NULL;
  char buffer[25];

  if (write_time (buffer, unix_us))
    {
      g_string_append_len (out, buffer, 24);
      return;
    }
  text = pano_protocol_format_time (unix_us);
  g_string_append (out, text);
}

/**
 * pano_protocol_parse_frame:
 * @type: (out): the frame's `type`, owned by the returned object
 *
 * Checks the envelope every frame shares: a JSON object with a string `type`.
 *
 * Returns: (transfer full): the frame, or %NULL with a #PANO_PROTOCOL_ERROR
 */
JsonObject *
pano_protocol_parse_frame (const char  *data,
                           gsize        length,
                           const char **type,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonNode *type_node;

  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_set_error (error, PANO_PROTOCOL_ERROR, PANO_PROTOCOL_ERROR_BAD_JSON,
                   "The frame is not valid JSON: %s", local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, PANO_PROTOCOL_ERROR, PANO_PROTOCOL_ERROR_BAD_JSON,
                           "The frame must be a JSON object");
      return NULL;
    }
  object = json_node_get_object (root);
  type_node = json_object_get_member (object, "type");
  if (type_node == NULL || json_node_get_value_type (type_node) != G_TYPE_STRING)
    {
      g_set_error_literal (error, PANO_PROTOCOL_ERROR, PANO_PROTOCOL_ERROR_BAD_FRAME,
                           "The frame has no string member 'type'");
      return NULL;
    }
  *type = json_node_get_string (type_node);
  return json_object_ref (object);
}

char *
pano_protocol_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  GString *escaped;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  /* json-glib decodes a lone surrogate escape ("\udada", valid JSON syntax) into bytes that
   * are not UTF-8, and would write them out again: a reason or note holding one made answers
   * and frames the console refuses. U+FFFD instead, as the console's own reader does. */
  if (!g_utf8_validate (text, -1, NULL))
    {
      char *valid = g_utf8_make_valid (text, -1);

      g_free (text);
      text = valid;
    }
  /* json-glib 1.6 escapes control characters below 0x1f but writes 0x1f itself raw, which
   * RFC 8259 forbids: a strict reader (the console's) would refuse the whole frame. Outside
   * strings the generator writes no such byte, and in UTF-8 it is never part of another
   * character, so each one is a string's character to escape. */
  if (strchr (text, 0x1f) == NULL)
    return g_steal_pointer (&text);
  escaped = g_string_sized_new (strlen (text) + 16);
  for (const char *p = text; *p != '\0'; p++)
    if (*p == 0x1f)
      g_string_append (escaped, "\\u001f");
    else
      g_string_append_c (escaped, *p);
  return g_string_free (escaped, FALSE);
}

char *
pano_protocol_error_frame (const GError *error,
                           const char   *ref)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;
  const char *code = "bad_frame";

  if (error->domain == PANO_PROTOCOL_ERROR)
    code = pano_protocol_error_code_name (error->code);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "error");
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, error->message);
  if (ref != NULL)
    {
      json_builder_set_member_name (builder, "ref");
      json_builder_add_string_value (builder, ref);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return pano_protocol_to_string (root);
}

char *
pano_protocol_heartbeat_frame (gint64 unix_us)
{
  return g_strdup_printf ("{\"type\":\"heartbeat\",\"time_ms\":%" G_GINT64_FORMAT "}",
                          unix_us / 1000);
}

/* JSON string quoting for frames assembled from pre-serialised pieces: the hot path builds
 * each delta once as text and shares it between subscribers. */
void
pano_protocol_append_quoted (GString    *out,
                             const char *text)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}
