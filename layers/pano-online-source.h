// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

#define PANO_TYPE_ONLINE_SOURCE (pano_online_source_get_type ())
G_DECLARE_FINAL_TYPE (PanoOnlineSource, pano_online_source, PANO, ONLINE_SOURCE, ShumateDataSource)

PanoOnlineSource *pano_online_source_new      (const char       *url_template);
const char       *pano_online_source_get_host (PanoOnlineSource *self);
gboolean          pano_online_source_is_failing (PanoOnlineSource *self);
void              pano_online_source_set_recovery (PanoOnlineSource *self,
                                                   guint             probe_ms,
                                                   guint             quiet_ms);

G_END_DECLS
