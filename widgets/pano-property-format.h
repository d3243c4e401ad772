// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

const char *pano_property_label  (const char *key);
char       *pano_property_format (const char *key,
                                  JsonNode   *value);
char       *pano_format_number   (double      value,
                                  int         decimals);

G_END_DECLS
