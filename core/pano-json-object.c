// SPDX-License-Identifier: GPL-3.0-or-later
/* Typed reads of a json-glib object from the hub that never assert: a member that is missing,
 * null or of another type reads as absent, where json-glib's own getters would log a
 * CRITICAL. */
#include "pano-json-object.h"

/* Returns: (nullable): @member if it is a string; @object may be %NULL */
const char *
pano_json_object_get_string (JsonObject *object,
                             const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node)
                                                                  : NULL;
}

/* Returns: whether @member of @object is a number (integer or not), in @value */
gboolean
pano_json_object_read_number (JsonObject *object,
                              const char *member,
                              double     *value)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;
  GType type = node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : 0;

  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return FALSE;
  *value = json_node_get_double (node);
  return TRUE;
}

/* Returns: @member if it is a number (integer or not), else @fallback */
double
pano_json_object_get_number (JsonObject *object,
                             const char *member,
                             double      fallback)
{
  double value;

  return pano_json_object_read_number (object, member, &value) ? value : fallback;
}
