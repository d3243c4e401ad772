// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>
#include <math.h>

G_BEGIN_DECLS

/* Web Mercator in "world units": x and y in [0, 1), y growing south, as slippy-map tiles.
 * A pixel at zoom z with 256-px tiles is world * 256 * 2^z. */

#define PANO_MERCATOR_MAX_LAT 85.05112877980659
#define PANO_TILE_SIZE 256

static inline double
pano_mercator_x_from_lon (double lon)
{
  return (lon + 180.0) / 360.0;
}

static inline double
pano_mercator_y_from_lat (double lat)
{
  double s;

  lat = CLAMP (lat, -PANO_MERCATOR_MAX_LAT, PANO_MERCATOR_MAX_LAT);
  s = sin (lat * G_PI / 180.0);
  return 0.5 - log ((1.0 + s) / (1.0 - s)) / (4.0 * G_PI);
}

static inline double
pano_mercator_lon_from_x (double x)
{
  return x * 360.0 - 180.0;
}

static inline double
pano_mercator_lat_from_y (double y)
{
  double n = G_PI - 2.0 * G_PI * y;

  return 180.0 / G_PI * atan (0.5 * (exp (n) - exp (-n)));
}

/* Size of the world in pixels at a (possibly fractional) zoom level. */
static inline double
pano_mercator_world_size (double zoom)
{
  return PANO_TILE_SIZE * exp2 (zoom);
}

G_END_DECLS
