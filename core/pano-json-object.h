// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

const char *pano_json_object_get_string (JsonObject *object,
                                         const char *member);
gboolean    pano_json_object_read_number (JsonObject *object,
                                          const char *member,
                                          double     *value);
double      pano_json_object_get_number (JsonObject *object,
                                         const char *member,
                                         double      fallback);

G_END_DECLS
