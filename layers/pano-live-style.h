// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-live-layer.h"
#include "pano-style.h"

G_BEGIN_DECLS

typedef enum
{
  PANO_LIVE_SYMBOL_DOT,
  PANO_LIVE_SYMBOL_LINE,
  PANO_LIVE_SYMBOL_RESOURCE,   /* a shape per resource kind, carried in the entity's value */
  PANO_LIVE_SYMBOL_EVENT,      /* a dot with its category's glyph, carried in the value */
} PanoLiveSymbol;

/* How one feed layer is drawn: a colour per class (the plans' and standards' colours), the
 * classes that count as an exceedance and get a ring, and how the value is labelled. */
typedef struct
{
  const char *layer;
  PanoLiveSymbol symbol;
  PanoColor colors[PANO_LIVE_MAX_CLASSES];
  const char *class_names[PANO_LIVE_MAX_CLASSES];
  guint ring_from_class;      /* 0: never ringed */
  double size;                /* dot diameter or line width, px */
  gboolean label_value;       /* draw the value beside the dot when zoomed in */
} PanoLiveStyle;

const PanoLiveStyle *pano_live_style_for_layer      (const char *layer);
const char * const  *pano_live_style_get_layer_names (void);
const char          *pano_live_style_get_title       (const char *layer);

G_END_DECLS
