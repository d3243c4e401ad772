// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void pano_test_move_pointer (GtkWidget *widget,
                             double     x,
                             double     y);

G_END_DECLS
