// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The text of one JSON value inside a larger buffer: nothing is copied or built. */
typedef struct
{
  const char *start;
  const char *end;     /* one past the value's last byte */
} PanoJsonSpan;

/* Walks the members of an object or the elements of an array of checked text. */
typedef struct
{
  const char *p;
  const char *end;
  gboolean object;
} PanoJsonIter;

#define PANO_JSON_MAX_DEPTH 64

gboolean  pano_json_check          (const char         *text,
                                    gsize               length,
                                    PanoJsonSpan       *value,
                                    GError            **error);

gboolean  pano_json_is_object      (PanoJsonSpan        value);
gboolean  pano_json_is_array       (PanoJsonSpan        value);
gboolean  pano_json_is_string      (PanoJsonSpan        value);
gboolean  pano_json_is_true        (PanoJsonSpan        value);

void      pano_json_iter_init      (PanoJsonIter       *iter,
                                    PanoJsonSpan        container);
gboolean  pano_json_iter_next      (PanoJsonIter       *iter,
                                    PanoJsonSpan       *key,
                                    PanoJsonSpan       *value);
gboolean  pano_json_member         (PanoJsonSpan        object,
                                    const char         *name,
                                    PanoJsonSpan       *value);

gboolean  pano_json_string_equals  (PanoJsonSpan        value,
                                    const char         *text);
char     *pano_json_dup_string     (PanoJsonSpan        value);
gboolean  pano_json_number         (PanoJsonSpan        value,
                                    double             *number);
gboolean  pano_json_int            (PanoJsonSpan        value,
                                    gint64             *number);
char     *pano_json_dup_text       (PanoJsonSpan        value);

G_END_DECLS
