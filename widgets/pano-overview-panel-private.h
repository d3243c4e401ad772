// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-json-object.h"
#include "pano-overview-panel.h"

G_BEGIN_DECLS

/* Shared by pano-overview-panel.c (reading, heading, categories and sources) and
 * pano-overview-panel-tiles.c (the tiles). */

#define PANO_OVERVIEW_N_TILES 11

typedef struct
{
  const char *key;
  const char *name;
  const char *unit;        /* after the figure; NULL: none */
} PanoOverviewTileSpec;

typedef struct
{
  const PanoOverviewTileSpec *spec;
  GtkWidget *box;
  GtkLabel *value;
  GtkLabel *unit;
  GtkLabel *change;
  GtkLabel *detail;
  GtkWidget *spark;
  char *value_text;
  char *change_text;
  char *detail_text;
  double *series;          /* N points, NAN where unknown */
  guint n_series;
  const char *state;       /* NULL, "amber", "red" */
} PanoOverviewTile;

void      pano_overview_tile_build      (PanoOverviewTile *tile,
                                         guint             index,
                                         GtkFlowBox       *box);
void      pano_overview_tile_show       (PanoOverviewTile *tile,
                                         JsonObject       *answer);
void      pano_overview_tile_size_spark (PanoOverviewTile *tile);
void      pano_overview_tile_clear      (PanoOverviewTile *tile);
GtkLabel *pano_overview_new_label       (const char       *css,
                                         const char       *css2);

G_END_DECLS
