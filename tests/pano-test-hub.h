// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A real panorama-hub process on 127.0.0.1 with a free port, a temp database and tokens
 * "view" (viewer) and "admin" (admin). */
typedef struct
{
  char *dir;
  char *url;
  GPid pid;
} PanoTestHub;

PanoTestHub *pano_test_hub_start    (const char  *dir,
                                     const char * const *extra_args);
void         pano_test_hub_kill     (PanoTestHub *hub);
void         pano_test_hub_free     (PanoTestHub *hub);
JsonNode    *pano_test_hub_request  (PanoTestHub *hub,
                                     const char  *method,
                                     const char  *path,
                                     const char  *token,
                                     const char  *body,
                                     guint       *status);
void         pano_test_hub_ingest   (PanoTestHub *hub,
                                     const char  *layer,
                                     const char  *feature_collection);

G_END_DECLS
