// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-frame"

#include <math.h>

#include "pano-hub-frame.h"

/* Client frames are read with the same in-place reader as ingest bodies rather than json-glib:
 * its errors name a byte, never the text around it, and every member's type is checked here
 * before anything uses it, so no input reaches a GLib assertion. */

#define ECHO_CHARS 64

static gboolean
fail (GError            **error,
      PanoProtocolError   code,
      const char         *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError            **error,
      PanoProtocolError   code,
      const char         *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (PANO_PROTOCOL_ERROR, code, format, args));
  va_end (args);
  return FALSE;
}

/* The last of repeated members counts, as json-glib read them. */
static gboolean
member (PanoJsonSpan  object,
        const char   *name,
        PanoJsonSpan *value)
{
  PanoJsonIter iter;
  PanoJsonSpan key, each;
  gboolean found = FALSE;

  pano_json_iter_init (&iter, object);
  while (pano_json_iter_next (&iter, &key, &each))
    if (pano_json_string_equals (key, name))
      {
        *value = each;
        found = TRUE;
      }
  return found;
}

/* Absent and null are the same: "not given". */
static gboolean
given (PanoJsonSpan  object,
       const char   *name,
       PanoJsonSpan *value)
{
  return member (object, name, value) && *value->start != 'n';
}

/* Reads an optional string member: %TRUE with *@text %NULL when it is not given. */
static gboolean
optional_string (PanoJsonSpan   object,
                 const char    *name,
                 char         **text,
                 GError       **error)
{
  PanoJsonSpan value;

  *text = NULL;
  if (!given (object, name, &value))
    return TRUE;
  if (!pano_json_is_string (value))
    return fail (error, PANO_PROTOCOL_ERROR_BAD_FRAME, "'%s' must be a string", name);
  *text = pano_json_dup_string (value);
  return TRUE;
}

/**
 * pano_hub_frame_echo:
 *
 * Returns: (transfer full): @text cut to a length fit to quote in a message or a log line
 */
char *
pano_hub_frame_echo (const char *text)
{
  g_autofree char *start = NULL;

  if (g_utf8_strlen (text, -1) <= ECHO_CHARS)
    return g_strdup (text);
  start = g_utf8_substring (text, 0, ECHO_CHARS);
  return g_strconcat (start, "…", NULL);
}

/**
 * pano_hub_frame_read:
 *
 * Checks the envelope every frame shares: a JSON object with a string `type` and, if any, a
 * string `ref`. On a %PANO_PROTOCOL_ERROR_BAD_FRAME error @frame->ref is still set when the
 * frame had a readable one, so the error can carry it.
 */
gboolean
pano_hub_frame_read (PanoHubFrame  *frame,
                     const char    *data,
                     gsize          length,
                     GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  PanoJsonSpan value;

  memset (frame, 0, sizeof *frame);
  if (!pano_json_check (data, length, &frame->root, &local_error))
    return fail (error, PANO_PROTOCOL_ERROR_BAD_JSON, "The frame is not valid JSON: %s",
                 local_error->message);
  if (!pano_json_is_object (frame->root))
    return fail (error, PANO_PROTOCOL_ERROR_BAD_JSON, "The frame must be a JSON object");
  if (!optional_string (frame->root, "ref", &frame->ref, error))
    return FALSE;
  if (!member (frame->root, "type", &value) || !pano_json_is_string (value))
    return fail (error, PANO_PROTOCOL_ERROR_BAD_FRAME, "The frame has no string member 'type'");
  frame->type = pano_json_dup_string (value);
  return TRUE;
}

void
pano_hub_frame_clear (PanoHubFrame *frame)
{
  g_clear_pointer (&frame->type, g_free);
  g_clear_pointer (&frame->ref, g_free);
}

/**
 * pano_hub_frame_read_hello:
 *
 * `protocol` must be an integer (whether it is 1 is the caller's to say), `token` and `client`
 * strings when given. A missing token is not an error here: it is refused as unauthorized.
 */
gboolean
pano_hub_frame_read_hello (const PanoHubFrame  *frame,
                           PanoHubHello        *hello,
                           GError             **error)
{
  PanoJsonSpan value;
  g_autofree char *client = NULL;

  memset (hello, 0, sizeof *hello);
  if (!member (frame->root, "protocol", &value) || !pano_json_int (value, &hello->protocol))
    return fail (error, PANO_PROTOCOL_ERROR_BAD_FRAME,
                 "'hello' needs 'protocol', an integer (this hub speaks %d)",
                 PANO_PROTOCOL_VERSION);
  if (!optional_string (frame->root, "token", &hello->token, error) ||
      !optional_string (frame->root, "client", &client, error))
    return FALSE;
  hello->client = pano_hub_frame_echo (client ? client : "unnamed client");
  return TRUE;
}

void
pano_hub_hello_clear (PanoHubHello *hello)
{
  if (hello->token != NULL)
    memset (hello->token, 0, strlen (hello->token));
  g_clear_pointer (&hello->token, g_free);
  g_clear_pointer (&hello->client, g_free);
}

/**
 * pano_hub_frame_read_layers:
 *
 * `layers`: an array of layer names, as a mask of #PanoLayerId bits.
 */
gboolean
pano_hub_frame_read_layers (const PanoHubFrame  *frame,
                            guint               *layers,
                            GError             **error)
{
  PanoJsonSpan array, element;
  PanoJsonIter iter;

  *layers = 0;
  if (!member (frame->root, "layers", &array) || !pano_json_is_array (array))
    return fail (error, PANO_PROTOCOL_ERROR_BAD_FRAME, "'layers' must be an array of names");
  pano_json_iter_init (&iter, array);
  while (pano_json_iter_next (&iter, NULL, &element))
    {
      g_autofree char *name = pano_json_dup_string (element);
      PanoLayerId layer;

      if (name == NULL)
        return fail (error, PANO_PROTOCOL_ERROR_BAD_FRAME,
                     "'layers' must be an array of names (strings)");
      if (!pano_layer_from_name (name, &layer))
        {
          g_autofree char *echo = pano_hub_frame_echo (name);

          return fail (error, PANO_PROTOCOL_ERROR_UNKNOWN_LAYER, "Layer '%s' does not exist",
                       echo);
        }
      *layers |= 1u << layer;
    }
  return TRUE;
}

static gboolean
read_bbox (PanoJsonSpan   value,
           double        *bbox,
           GError       **error)
{
  PanoJsonIter iter;
  PanoJsonSpan element;
  guint n = 0;

  pano_json_iter_init (&iter, value);
  while (pano_json_iter_next (&iter, NULL, &element))
    if (n >= 4 || !pano_json_number (element, &bbox[n++]) || !isfinite (bbox[n - 1]))
      n = 5;
  if (!pano_json_is_array (value) || n != 4 || bbox[0] > bbox[2] || bbox[1] > bbox[3])
    return fail (error, PANO_PROTOCOL_ERROR_BAD_FRAME,
                 "'bbox' must be [min_lon, min_lat, max_lon, max_lat]: four numbers, "
                 "each minimum at most its maximum");
  return TRUE;
}

static gboolean
read_resume (PanoJsonSpan   value,
             GError       **error)
{
  PanoJsonIter iter;
  PanoJsonSpan key, seq;
  gint64 number;

  if (!pano_json_is_object (value))
    return fail (error, PANO_PROTOCOL_ERROR_BAD_FRAME,
                 "'resume' must be an object of layer names and seq numbers");
  pano_json_iter_init (&iter, value);
  while (pano_json_iter_next (&iter, &key, &seq))
    if (!pano_json_int (seq, &number) || number < 0)
      return fail (error, PANO_PROTOCOL_ERROR_BAD_FRAME,
                   "'resume' must give each layer a seq number (an integer, 0 or more)");
  return TRUE;
}

/**
 * pano_hub_frame_read_subscribe:
 *
 * Reads all of a subscribe before anything is applied: on an error, nothing is subscribed.
 */
gboolean
pano_hub_frame_read_subscribe (const PanoHubFrame  *frame,
                               PanoHubSubscribe    *subscribe,
                               GError             **error)
{
  PanoJsonSpan value;

  memset (subscribe, 0, sizeof *subscribe);
  if (!pano_hub_frame_read_layers (frame, &subscribe->layers, error))
    return FALSE;
  if (given (frame->root, "bbox", &value))
    {
      if (!read_bbox (value, subscribe->bbox, error))
        return FALSE;
      subscribe->has_bbox = TRUE;
    }
  if (!optional_string (frame->root, "epoch", &subscribe->epoch, error))
    return FALSE;
  if (given (frame->root, "resume", &value))
    {
      if (!read_resume (value, error))
        return FALSE;
      subscribe->resume = value;
    }
  return TRUE;
}

void
pano_hub_subscribe_clear (PanoHubSubscribe *subscribe)
{
  g_clear_pointer (&subscribe->epoch, g_free);
}

/* Returns: whether the subscribe asked to resume @layer, after *@seq */
gboolean
pano_hub_subscribe_resume_seq (const PanoHubSubscribe *subscribe,
                               PanoLayerId             layer,
                               guint64                *seq)
{
  PanoJsonSpan value;
  gint64 number;

  if (subscribe->resume.start == NULL ||
      !member (subscribe->resume, pano_layer_name (layer), &value) ||
      !pano_json_int (value, &number))
    return FALSE;
  *seq = (guint64) number;
  return TRUE;
}
