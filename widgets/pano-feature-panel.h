// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "pano-gis-layer.h"

G_BEGIN_DECLS

#define PANO_TYPE_FEATURE_PANEL (pano_feature_panel_get_type ())
G_DECLARE_FINAL_TYPE (PanoFeaturePanel, pano_feature_panel, PANO, FEATURE_PANEL, GtkWidget)

void        pano_feature_panel_show_feature (PanoFeaturePanel *self,
                                             PanoGisLayer     *layer,
                                             guint             feature);
void        pano_feature_panel_show_properties (PanoFeaturePanel *self,
                                                const char       *heading,
                                                const char       *properties);
void        pano_feature_panel_clear        (PanoFeaturePanel *self);
const char *pano_feature_panel_get_value    (PanoFeaturePanel *self,
                                             const char       *field);

G_END_DECLS
