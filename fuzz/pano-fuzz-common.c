// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-fuzz"

#include "pano-fuzz.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

/* A CRITICAL is a bug whatever the input (issue 9: the hub must log none), so it aborts and
 * libFuzzer keeps the input as a crash. Warnings are what the code says about bad input:
 * dropped, or printing them would be most of the time spent. */
static GLogWriterOutput
writer (GLogLevelFlags   level,
        const GLogField *fields,
        gsize            n_fields,
        gpointer         user_data)
{
  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    {
      g_log_writer_standard_streams (level, fields, n_fields, user_data);
      abort ();
    }
  if (g_getenv ("PANO_FUZZ_VERBOSE") != NULL)
    return g_log_writer_standard_streams (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

void
pano_fuzz_init_logging (void)
{
  static gboolean done;

  if (done)
    return;
  done = TRUE;
  g_log_set_writer_func (writer, NULL, NULL);
}

/* A scratch directory, on /dev/shm when there is one: the hub's SQLite syncs every commit,
 * which on a disk would make the database, not our code, the thing being measured.
 * Returns: (transfer full): its path */
char *
pano_fuzz_make_tmpdir (const char *name)
{
  g_autofree char *template = g_strdup_printf ("pano-fuzz-%s-XXXXXX", name);
  const char *base = g_getenv ("PANO_FUZZ_TMPDIR");
  g_autofree char *path = NULL;

  if (base == NULL)
    base = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir ();
  path = g_build_filename (base, template, NULL);
  if (g_mkdtemp (path) == NULL)
    {
      fprintf (stderr, "pano-fuzz: cannot create %s\n", path);
      abort ();
    }
  return g_steal_pointer (&path);
}
