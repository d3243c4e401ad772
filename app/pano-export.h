// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The zoom levels of the window and of exports: one range, so help and checks agree. */
#define PANO_MIN_ZOOM 2
#define PANO_MAX_ZOOM 19

gboolean pano_export_requested (int    argc,
                                char **argv);
int      pano_export_run       (int    argc,
                                char **argv);

G_END_DECLS
