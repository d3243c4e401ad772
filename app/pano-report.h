// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

int      pano_report_run       (int    argc,
                                char **argv);
void     pano_report_write_async  (const char          *output,
                                   const char          *hub,
                                   const char          *token,
                                   const char          *ca_file,
                                   const char          *tiles,
                                   double               latitude,
                                   double               longitude,
                                   double               zoom,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
gboolean pano_report_write_finish (GAsyncResult        *result,
                                   GError             **error);

G_END_DECLS
