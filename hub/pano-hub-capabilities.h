// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-hub-config.h"

G_BEGIN_DECLS

/* The [capabilities] section, read by pano-hub-config.c. */
GPtrArray *pano_hub_capabilities_new_default (void);
GPtrArray *pano_hub_capabilities_read        (GKeyFile  *file,
                                              GError   **error);

G_END_DECLS
