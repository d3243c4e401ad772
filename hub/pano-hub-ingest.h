// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PANO_HUB_INGEST_DEFAULT_STALE_S 300
#define PANO_HUB_INGEST_MAX_STALE_S     31536000

/* One feature of a POST /v1/ingest body, as the store takes it. */
typedef struct
{
  char *id;
  char *geometry;      /* GeoJSON text as posted, or NULL */
  gboolean has_bbox;
  double bbox[4];      /* lon/lat bounds of the geometry */
  char *properties;    /* a JSON object's text without the control members, or NULL */
  gboolean remove;
  gint64 stale_us;      /* 0: never stale */
} PanoHubIngestItem;

GArray *pano_hub_ingest_read (const char  *body,
                              gsize        length,
                              GError     **error);

G_END_DECLS
