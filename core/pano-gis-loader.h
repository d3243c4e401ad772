// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PANO_TYPE_GIS_LOADER (pano_gis_loader_get_type ())
G_DECLARE_FINAL_TYPE (PanoGisLoader, pano_gis_loader, PANO, GIS_LOADER, GObject)

PanoGisLoader *pano_gis_loader_new             (const char           *source);
char          *pano_gis_loader_dup_display_name (PanoGisLoader       *self);
double         pano_gis_loader_get_progress    (PanoGisLoader        *self);
GPtrArray     *pano_gis_loader_load            (PanoGisLoader        *self,
                                                GCancellable         *cancellable,
                                                GError              **error);
void           pano_gis_loader_load_async      (PanoGisLoader        *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GPtrArray     *pano_gis_loader_load_finish     (PanoGisLoader        *self,
                                                GAsyncResult         *result,
                                                GError              **error);

char          *pano_gis_source_display_name    (const char           *source);

G_END_DECLS
