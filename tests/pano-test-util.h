// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char  *pano_test_make_tmpdir   (void);
void   pano_test_rm_rf         (const char   *path);
void   pano_test_write_features (const char  *path,
                                 const char  *driver,
                                 int          epsg,
                                 const char  *wkt_geometry_format,
                                 guint        n,
                                 const double *xy);
void   pano_test_cs2cs         (const char   *from,
                                const char   *to,
                                double        a,
                                double        b,
                                double       *out_a,
                                double       *out_b);
void   pano_test_wait_until    (gboolean    (*done) (gpointer),
                                gpointer      data);
double pano_test_lonlat_distance_m (double lon1,
                                    double lat1,
                                    double lon2,
                                    double lat2);

GPid        pano_test_start_display     (int                  width,
                                         int                  height);

G_END_DECLS
