// SPDX-License-Identifier: GPL-3.0-or-later
/* hub/pano-hub-config.c: a configuration file as an administrator might write it. Whatever
 * the file holds, the hub either refuses it naming what is wrong or starts with settings it
 * can run on. */
#define G_LOG_DOMAIN "panorama-fuzz"

#include "pano-fuzz.h"
#include "pano-hub-config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

static char *path;

static void
remove_file (void)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

static void
check_settings (PanoHubConfig *config)
{
  const PanoHubSettings *s = pano_hub_config_get (config);

  g_assert_nonnull (s->host);
  g_assert_nonnull (s->database);
  g_assert_cmpuint (s->port, <=, 65535);
  g_assert_cmpuint (s->heartbeat_interval_ms, >=, 10);
  g_assert_cmpuint (s->max_frame_out, >=, 16384);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autofree char *dir = pano_fuzz_make_tmpdir ("config");

  pano_fuzz_init_logging ();
  path = g_build_filename (dir, "hub.conf", NULL);
  atexit (remove_file);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(PanoHubConfig) config = pano_hub_config_new ();
  g_autoptr(GError) error = NULL;

  /* The parser reads a file: the input is written to one, as the hub's would be. */
  if (!g_file_set_contents_full (path, (const char *) data, size, G_FILE_SET_CONTENTS_NONE,
                                 0600, &error))
    g_error ("%s", error->message);
  if (pano_hub_config_load_file (config, path, &error))
    check_settings (config);
  else
    g_assert_nonnull (error->message);
  return 0;
}
