// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PANO_TYPE_APPLICATION (pano_application_get_type ())
G_DECLARE_FINAL_TYPE (PanoApplication, pano_application, PANO, APPLICATION, AdwApplication)

PanoApplication *pano_application_new         (void);
void             pano_application_setup_i18n (void);

G_END_DECLS
