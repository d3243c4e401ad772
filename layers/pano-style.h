// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double red, green, blue, alpha;
} PanoColor;

#define PANO_STYLE_MAX_CLASSES 8

/* A line style chosen by the value of a class field, e.g. road class "arterial". */
typedef struct
{
  const char *value;
  PanoColor stroke;
  PanoColor casing;
  double width;
  guint min_zoom;
} PanoStyleClass;

/* How one GIS layer is drawn. Plain data: copied into a tile renderer, which is then immutable
 * and shared by the tile workers. Strings are static or owned by whoever built the style. */
typedef struct
{
  PanoColor fill;
  PanoColor stroke;
  double line_width;
  double point_radius;
  guint min_zoom;
  guint max_zoom;

  const char *label_field;
  guint label_min_zoom;
  double label_size;
  PanoColor label_color;

  const char *class_field;
  PanoStyleClass classes[PANO_STYLE_MAX_CLASSES];
  guint n_classes;
} PanoStyle;

void pano_style_init_for_color (PanoStyle       *style,
                                const PanoColor *color);
void pano_style_palette_color  (guint            index,
                                PanoColor       *color);

G_END_DECLS
