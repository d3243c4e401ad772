// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

#include "pano-gis-layer.h"

G_BEGIN_DECLS

/* The four levels of the grid, 市 › 区 › 街道 › 网格: 0 the city, 1 a district, 2 a street, 3 a
 * cell (the values of PanoGridLevel). */
#define PANO_ADMIN_LEVEL_CITY 0
#define PANO_ADMIN_LEVEL_DISTRICT 1
#define PANO_ADMIN_LEVEL_STREET 2
#define PANO_ADMIN_LEVEL_CELL 3
/* What pano_admin_tree_get_level() says of a prefix the tree does not know. */
#define PANO_ADMIN_LEVEL_NONE G_MAXUINT

#define PANO_TYPE_ADMIN_TREE (pano_admin_tree_get_type ())
G_DECLARE_FINAL_TYPE (PanoAdminTree, pano_admin_tree, PANO, ADMIN_TREE, GObject)

PanoAdminTree *pano_admin_tree_new           (PanoGisLayer  *cells);
const char    *pano_admin_tree_get_name      (PanoAdminTree *self,
                                              const char    *prefix);
guint          pano_admin_tree_get_level     (PanoAdminTree *self,
                                              const char    *prefix);
gboolean       pano_admin_tree_get_bounds    (PanoAdminTree *self,
                                              const char    *prefix,
                                              double        *min_lon,
                                              double        *min_lat,
                                              double        *max_lon,
                                              double        *max_lat);
GPtrArray     *pano_admin_tree_list_children (PanoAdminTree *self,
                                              const char    *prefix);
char          *pano_admin_tree_get_parent    (PanoAdminTree *self,
                                              const char    *prefix);
char          *pano_admin_tree_locate        (PanoAdminTree *self,
                                              double         lon,
                                              double         lat,
                                              guint          level);
guint          pano_admin_tree_get_n_cells   (PanoAdminTree *self);

G_END_DECLS
