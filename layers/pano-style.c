// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-layers"

#include "pano-style.h"

#include <string.h>

/* A user layer in one colour: a translucent fill of it, a solid outline, dots with a white
 * rim so they stay visible over any base map. */
void
pano_style_init_for_color (PanoStyle       *style,
                           const PanoColor *color)
{
  memset (style, 0, sizeof *style);
  style->stroke = *color;
  style->fill = *color;
  style->fill.alpha = color->alpha * 0.35;
  style->line_width = 2.0;
  style->point_radius = 4.0;
  style->min_zoom = 0;
  style->max_zoom = 30;
}

/* Distinct colours for user layers, handed out in order as files are opened, so the window
 * and --export give the n-th file the same colour. */
static const PanoColor palette[] = {
  { 0.878, 0.106, 0.141, 1 },  /* red */
  { 0.110, 0.443, 0.847, 1 },  /* blue */
  { 0.149, 0.635, 0.412, 1 },  /* green */
  { 0.569, 0.255, 0.675, 1 },  /* purple */
  { 0.902, 0.380, 0.000, 1 },  /* orange */
  { 0.596, 0.416, 0.267, 1 },  /* brown */
  { 0.753, 0.380, 0.796, 1 },  /* pink */
  { 0.000, 0.600, 0.650, 1 },  /* teal */
};

void
pano_style_palette_color (guint      index,
                          PanoColor *color)
{
  *color = palette[index % G_N_ELEMENTS (palette)];
}
