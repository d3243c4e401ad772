// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PANO_GIS_ERROR (pano_gis_error_quark ())

/* Why a GIS source could not be opened or drawn; messages name the source. */
typedef enum
{
  PANO_GIS_ERROR_NOT_FOUND,
  PANO_GIS_ERROR_UNREADABLE,
  PANO_GIS_ERROR_UNSUPPORTED,
  PANO_GIS_ERROR_CORRUPT,
  PANO_GIS_ERROR_EMPTY,
  PANO_GIS_ERROR_CRS,
  PANO_GIS_ERROR_CANCELLED,
} PanoGisError;

GQuark pano_gis_error_quark (void);

G_END_DECLS
