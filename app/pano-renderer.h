// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

const char *pano_renderer_choose (GdkDisplay *display);
gboolean    pano_renderer_is_software_gl (const char *gl_renderer);

G_END_DECLS
