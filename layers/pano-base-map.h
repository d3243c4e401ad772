// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "pano-static-layer.h"

G_BEGIN_DECLS

char      *pano_base_map_find_data_dir (void);
GPtrArray *pano_base_map_load          (const char     *data_dir,
                                        GCancellable   *cancellable,
                                        GError        **error);
void       pano_base_map_load_async    (const char          *data_dir,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
GPtrArray *pano_base_map_load_finish   (GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
