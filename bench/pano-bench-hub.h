// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* A real panorama-hub for the benchmarks that need one: started on 127.0.0.1 with a free port
 * in a directory of the caller's, killed if the benchmark dies, stopped with SIGTERM. */

#include <gio/gio.h>

G_BEGIN_DECLS

#define PANO_BENCH_HUB_TOKEN "bench-viewer"

GSubprocess *pano_bench_hub_start        (const char    *exe,
                                          const char    *data_dir,
                                          const char    *dir,
                                          double         simulate_speed,
                                          guint         *port,
                                          GError       **error);
void         pano_bench_hub_setup_child  (GSubprocessLauncher *launcher);
void         pano_bench_process_stop     (GSubprocess  **process);
void         pano_bench_remove_tree      (const char    *path);

G_END_DECLS
