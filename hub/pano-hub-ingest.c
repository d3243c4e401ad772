// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-ingest"

#include "pano-hub-ingest.h"
#include "pano-json.h"
#include "pano-protocol.h"

/* The body of POST /v1/ingest/{layer}, read in place: it is checked once, then each feature's
 * geometry and properties are passed on as the text they came as. At 20 000 updates/s building
 * a json-glib tree per request and printing every feature back to text took most of a core on
 * a machine the console shares. */

static gboolean
is_null (PanoJsonSpan value)
{
  return *value.start == 'n';
}

static void
extend_bbox (double       *bbox,
             gboolean     *found,
             const double *position)
{
  bbox[0] = *found ? MIN (bbox[0], position[0]) : position[0];
  bbox[1] = *found ? MIN (bbox[1], position[1]) : position[1];
  bbox[2] = *found ? MAX (bbox[2], position[0]) : position[0];
  bbox[3] = *found ? MAX (bbox[3], position[1]) : position[1];
  *found = TRUE;
}

/* Extends @bbox by the positions of GeoJSON `coordinates`, nested at any depth. A position is
 * an array of numbers; one with fewer than two says nothing about where the entity is.
 * Returns: FALSE when something in @coordinates is neither a number nor such an array */
static gboolean
add_coordinates (PanoJsonSpan  coordinates,
                 double       *bbox,
                 gboolean     *found)
{
  PanoJsonIter iter;
  PanoJsonSpan element;
  double position[2], ignored;
  guint numbers = 0, arrays = 0;

  if (!pano_json_is_array (coordinates))
    return FALSE;
  pano_json_iter_init (&iter, coordinates);
  while (pano_json_iter_next (&iter, NULL, &element))
    {
      if (pano_json_is_array (element))
        {
          arrays++;
          if (numbers > 0 || !add_coordinates (element, bbox, found))
            return FALSE;
        }
      else if (arrays > 0 || !pano_json_number (element, numbers < 2 ? &position[numbers]
                                                                     : &ignored))
        return FALSE;
      else
        numbers++;
    }
  if (numbers >= 2)
    extend_bbox (bbox, found, position);
  return TRUE;
}

/* Bounds of a GeoJSON geometry, through its coordinates and the members of a collection.
 * Returns: FALSE when a coordinate is not a number */
static gboolean
add_geometry (PanoJsonSpan  geometry,
              double       *bbox,
              gboolean     *found)
{
  PanoJsonIter iter, parts;
  PanoJsonSpan key, value, part;

  pano_json_iter_init (&iter, geometry);
  while (pano_json_iter_next (&iter, &key, &value))
    {
      if (pano_json_string_equals (key, "coordinates"))
        {
          if (!is_null (value) && !add_coordinates (value, bbox, found))
            return FALSE;
        }
      else if (pano_json_string_equals (key, "geometries"))
        {
          pano_json_iter_init (&parts, value);
          while (pano_json_iter_next (&parts, NULL, &part))
            if (pano_json_is_object (part) && !add_geometry (part, bbox, found))
              return FALSE;
        }
    }
  return TRUE;
}

/* Returns: (nullable): a string id decoded, or a number's text as it was written: ids are
 * names, never computed with, so 1e3 and 1000 are two ids, and 20 digits keep all 20. */
static char *
read_id (PanoJsonSpan id)
{
  double number;

  if (pano_json_is_string (id))
    return pano_json_dup_string (id);
  if (pano_json_number (id, &number))
    return pano_json_dup_text (id);
  return NULL;
}

/* `stale_after_s`: seconds from 0 (never stale) to a year; fractions allowed.
 * Returns: FALSE for anything else, which is refused rather than guessed at */
static gboolean
read_stale (PanoJsonSpan  value,
            gint64       *stale_us)
{
  double seconds;

  if (!pano_json_number (value, &seconds) || seconds < 0 || seconds > PANO_HUB_INGEST_MAX_STALE_S)
    return FALSE;
  /* Any time at all, however short, is not "never". */
  *stale_us = seconds > 0 ? MAX ((gint64) (seconds * G_USEC_PER_SEC), 1) : 0;
  return TRUE;
}

/* The properties' text without the control members, which are not stored. */
static char *
dup_properties (PanoJsonSpan properties,
                guint        n_control)
{
  PanoJsonIter iter;
  PanoJsonSpan key, value;
  GString *text;

  if (n_control == 0)
    return pano_json_dup_text (properties);
  text = g_string_sized_new (properties.end - properties.start);
  g_string_append_c (text, '{');
  pano_json_iter_init (&iter, properties);
  while (pano_json_iter_next (&iter, &key, &value))
    {
      if (pano_json_string_equals (key, "_remove") ||
          pano_json_string_equals (key, "stale_after_s"))
        continue;
      if (text->len > 1)
        g_string_append_c (text, ',');
      g_string_append_len (text, key.start, value.end - key.start);
    }
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}

/* Reads the control members and the properties' text into @item; @id gets properties.id, or
 * a span of %NULL. */
static gboolean
read_properties (PanoJsonSpan        properties,
                 guint               index,
                 PanoHubIngestItem  *item,
                 PanoJsonSpan       *id,
                 GError            **error)
{
  PanoJsonSpan key, value;
  PanoJsonIter iter;
  guint n_control = 0;
  double number;

  *id = (PanoJsonSpan) { NULL, NULL };
  item->stale_us = PANO_HUB_INGEST_DEFAULT_STALE_S * G_USEC_PER_SEC;
  if (properties.start == NULL || !pano_json_is_object (properties))
    return TRUE;
  pano_json_iter_init (&iter, properties);
  while (pano_json_iter_next (&iter, &key, &value))
    {
      if (pano_json_string_equals (key, "id"))
        *id = value;
      else if (pano_json_string_equals (key, "_remove"))
        {
          item->remove = pano_json_is_true (value) ||
                         (pano_json_number (value, &number) && number != 0);
          n_control++;
        }
      else if (pano_json_string_equals (key, "stale_after_s"))
        {
          if (!read_stale (value, &item->stale_us))
            return g_set_error (error, PANO_PROTOCOL_ERROR, PANO_PROTOCOL_ERROR_BAD_FRAME,
                                "features[%u].properties.stale_after_s must be a number of "
                                "seconds from 0 (never stale) to %d (a year)", index,
                                PANO_HUB_INGEST_MAX_STALE_S), FALSE;
          n_control++;
        }
    }
  item->properties = dup_properties (properties, n_control);
  return TRUE;
}

static gboolean
read_feature (PanoJsonSpan        feature,
              guint               index,
              PanoHubIngestItem  *item,
              GError            **error)
{
  PanoJsonSpan id = { NULL, NULL }, geometry = { NULL, NULL }, properties = { NULL, NULL };
  PanoJsonSpan key, value, properties_id;
  PanoJsonIter iter;

  if (!pano_json_is_object (feature))
    return g_set_error (error, PANO_PROTOCOL_ERROR, PANO_PROTOCOL_ERROR_BAD_FRAME,
                        "features[%u] is not an object", index), FALSE;
  /* The last of repeated members counts, as it did when json-glib read the body. */
  pano_json_iter_init (&iter, feature);
  while (pano_json_iter_next (&iter, &key, &value))
    {
      if (pano_json_string_equals (key, "id"))
        id = value;
      else if (pano_json_string_equals (key, "geometry"))
        geometry = value;
      else if (pano_json_string_equals (key, "properties"))
        properties = value;
    }
  if (!read_properties (properties, index, item, &properties_id, error))
    return FALSE;
  if (id.start == NULL)
    id = properties_id;
  if (id.start != NULL)
    item->id = read_id (id);
  if (item->id == NULL || *item->id == '\0')
    return g_set_error (error, PANO_PROTOCOL_ERROR, PANO_PROTOCOL_ERROR_BAD_FRAME,
                        "features[%u] has no id (feature 'id' or properties.id)", index), FALSE;
  if (geometry.start == NULL || is_null (geometry))
    return TRUE;
  if (!pano_json_is_object (geometry))
    return g_set_error (error, PANO_PROTOCOL_ERROR, PANO_PROTOCOL_ERROR_BAD_FRAME,
                        "features[%u].geometry is not a GeoJSON geometry", index), FALSE;
  if (!add_geometry (geometry, item->bbox, &item->has_bbox))
    return g_set_error (error, PANO_PROTOCOL_ERROR, PANO_PROTOCOL_ERROR_BAD_FRAME,
                        "features[%u].geometry has a coordinate that is not a number", index),
           FALSE;
  item->geometry = pano_json_dup_text (geometry);
  return TRUE;
}

static void
clear_item (PanoHubIngestItem *item)
{
  g_free (item->id);
  g_free (item->geometry);
  g_free (item->properties);
}

/* Returns: the `features` of a FeatureCollection, or a span of %NULL */
static PanoJsonSpan
find_features (PanoJsonSpan root)
{
  PanoJsonSpan features = { NULL, NULL }, type = { NULL, NULL }, key, value;
  PanoJsonIter iter;

  if (!pano_json_is_object (root))
    return features;
  pano_json_iter_init (&iter, root);
  while (pano_json_iter_next (&iter, &key, &value))
    {
      if (pano_json_string_equals (key, "type"))
        type = value;
      else if (pano_json_string_equals (key, "features"))
        features = value;
    }
  if (!pano_json_string_equals (type, "FeatureCollection") || !pano_json_is_array (features))
    return (PanoJsonSpan) { NULL, NULL };
  return features;
}

/**
 * pano_hub_ingest_read:
 *
 * Reads a GeoJSON FeatureCollection; every feature must be valid, or nothing is applied.
 *
 * Returns: (transfer full) (element-type PanoHubIngestItem): the features in order, or %NULL
 *   with a %PANO_PROTOCOL_ERROR naming the byte, feature or field at fault
 */
GArray *
pano_hub_ingest_read (const char  *body,
                      gsize        length,
                      GError     **error)
{
  g_autoptr(GArray) items = g_array_sized_new (FALSE, TRUE, sizeof (PanoHubIngestItem), 256);
  g_autoptr(GError) local_error = NULL;
  PanoJsonSpan root, features, feature;
  PanoJsonIter iter;

  g_array_set_clear_func (items, (GDestroyNotify) clear_item);
  if (length == 0)
    return g_set_error_literal (error, PANO_PROTOCOL_ERROR, PANO_PROTOCOL_ERROR_BAD_JSON,
                                "The body is empty"), NULL;
  if (!pano_json_check (body, length, &root, &local_error))
    return g_set_error (error, PANO_PROTOCOL_ERROR, PANO_PROTOCOL_ERROR_BAD_JSON,
                        "The body is not valid JSON: %s", local_error->message), NULL;
  features = find_features (root);
  if (features.start == NULL)
    return g_set_error_literal (error, PANO_PROTOCOL_ERROR, PANO_PROTOCOL_ERROR_BAD_FRAME,
                                "The body must be a GeoJSON FeatureCollection with 'features'"),
           NULL;
  pano_json_iter_init (&iter, features);
  while (pano_json_iter_next (&iter, NULL, &feature))
    {
      g_array_set_size (items, items->len + 1);
      if (!read_feature (feature, items->len - 1,
                         &g_array_index (items, PanoHubIngestItem, items->len - 1), error))
        return NULL;
    }
  return g_steal_pointer (&items);
}
