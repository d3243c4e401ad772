// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean pano_report_requested (int    argc,
                                char **argv);
int      pano_report_run       (int    argc,
                                char **argv);

G_END_DECLS
