// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* What both benchmarks share: synthetic GeoPackages written with GDAL, so the loader and the
 * tile renderer read the same kind of file a user opens, a clock and a few statistics. */

#include <gio/gio.h>

G_BEGIN_DECLS

/* Shiyan's urban area, where the synthetic features are scattered. */
#define PANO_BENCH_MIN_LON 110.2
#define PANO_BENCH_MAX_LON 111.3
#define PANO_BENCH_MIN_LAT 32.3
#define PANO_BENCH_MAX_LAT 33.0

#define PANO_BENCH_SEED 20240601

char    *pano_bench_ensure_points  (const char  *dir,
                                    guint        n_points,
                                    GError     **error);
char    *pano_bench_ensure_lines   (const char  *dir,
                                    guint        n_lines,
                                    guint        n_vertices,
                                    GError     **error);
void     pano_bench_random_lonlat  (GRand       *rand,
                                    double      *lon,
                                    double      *lat);

double   pano_bench_seconds_since  (gint64       start);
double   pano_bench_percentile     (GArray      *samples,
                                    double       fraction);
char    *pano_bench_make_data_dir  (const char  *requested,
                                    gboolean    *is_temporary,
                                    GError     **error);
void     pano_bench_remove_data_dir (const char *dir);

G_END_DECLS
