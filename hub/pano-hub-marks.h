// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-hub-db.h"
#include "pano-hub-store.h"

G_BEGIN_DECLS

#define PANO_TYPE_HUB_MARKS (pano_hub_marks_get_type ())
G_DECLARE_FINAL_TYPE (PanoHubMarks, pano_hub_marks, PANO, HUB_MARKS, GObject)

PanoHubMarks *pano_hub_marks_new    (PanoHubDb     *db,
                                     PanoHubStore  *store,
                                     PanoLayerId    layer,
                                     GError       **error);
JsonObject   *pano_hub_marks_lookup (PanoHubMarks  *self,
                                     const char    *id);
gboolean      pano_hub_marks_write  (PanoHubMarks  *self,
                                     const char    *id,
                                     JsonObject    *members,
                                     GError       **error);
void          pano_hub_marks_apply  (PanoHubMarks  *self,
                                     const char    *id,
                                     JsonObject    *members);

G_END_DECLS
