// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "pano-admin-tree.h"

G_BEGIN_DECLS

#define PANO_TYPE_SCOPE_BAR (pano_scope_bar_get_type ())
G_DECLARE_FINAL_TYPE (PanoScopeBar, pano_scope_bar, PANO, SCOPE_BAR, GtkBox)

GtkWidget     *pano_scope_bar_new        (PanoAdminTree *tree);
PanoAdminTree *pano_scope_bar_get_tree   (PanoScopeBar  *self);
void           pano_scope_bar_set_scope  (PanoScopeBar  *self,
                                          const char    *prefix);
const char    *pano_scope_bar_get_scope  (PanoScopeBar  *self);
gboolean       pano_scope_bar_go_up      (PanoScopeBar  *self);

G_END_DECLS
