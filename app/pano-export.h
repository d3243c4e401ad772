// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "pano-live-store.h"

G_BEGIN_DECLS

/* The zoom levels of the window and of exports: one range, so help and checks agree. */
#define PANO_MIN_ZOOM 2
#define PANO_MAX_ZOOM 19

/* What part of the map to draw, and what on it: the same for --export and --report. */
typedef struct
{
  double latitude, longitude;
  double zoom;
  int width, height;        /* map pixels */
  const char *tiles;        /* (nullable): --tiles: NULL offline, "none", or an XYZ template */
  char **files;             /* (nullable): GIS files drawn on top */
  PanoLiveStore *live;      /* (nullable): the hub's live layers, drawn over everything */
} PanoExportView;

gboolean pano_export_requested (int          argc,
                                char       **argv,
                                const char  *option);
int      pano_export_run       (int    argc,
                                char **argv);
gboolean pano_export_view_check (PanoExportView  *view,
                                 const char      *center,
                                 GError         **error);
gboolean pano_export_draw_map  (cairo_t              *cr,
                                const PanoExportView *view,
                                GPtrArray            *drawn,
                                GError              **error);

G_END_DECLS
