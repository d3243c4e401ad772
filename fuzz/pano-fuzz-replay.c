// SPDX-License-Identifier: GPL-3.0-or-later
/* The harnesses' main() where libFuzzer is not linked (a gcc build): runs every file named,
 * or every file in each directory named, through LLVMFuzzerTestOneInput once. The seed
 * corpora and any crash kept as a regression input are replayed by `meson test --suite fuzz`
 * this way, so a harness that no longer builds or an input that crashes again shows in every
 * build, not only in the clang one. */
#include "pano-fuzz.h"

#include <stdio.h>

static guint
replay_file (const char *path)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  if (!g_file_get_contents (path, &data, &length, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 0;
    }
  LLVMFuzzerTestOneInput ((const uint8_t *) data, length);
  return 1;
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static guint
replay (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  guint n = 0;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    return replay_file (path);
  if ((dir = g_dir_open (path, 0, NULL)) == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_paths);
  for (guint i = 0; i < names->len; i++)
    n += replay_file (names->pdata[i]);
  return n;
}

int
main (int   argc,
      char *argv[])
{
  guint n = 0;

  LLVMFuzzerInitialize (&argc, &argv);
  for (int i = 1; i < argc; i++)
    if (argv[i][0] != '-')
      n += replay (argv[i]);
  printf ("%u inputs replayed\n", n);
  return n > 0 ? 0 : 1;
}
