// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef enum
{
  PANO_TEST_TILES_OK,
  PANO_TEST_TILES_FAIL,
  PANO_TEST_TILES_FLAKY,     /* every third request fails */
} PanoTestTilesMode;

typedef struct
{
  SoupServer *server;
  char *url;                 /* an XYZ template */
  PanoTestTilesMode mode;
  guint n_requests;
  GBytes *png;
} PanoTestTiles;

PanoTestTiles *pano_test_tiles_new  (guint32        rgb);
void           pano_test_tiles_free (PanoTestTiles *tiles);

G_END_DECLS
