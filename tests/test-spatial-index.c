// SPDX-License-Identifier: GPL-3.0-or-later
/* The packed R-tree finds exactly the boxes a brute-force scan finds. */
#include "pano-spatial-index.h"

static gboolean
collect (guint item, gpointer user_data)
{
  g_array_append_val ((GArray *)user_data, item);
  return TRUE;
}

static int
compare_uint (gconstpointer a, gconstpointer b)
{
  return (int)*(const guint *)a - (int)*(const guint *)b;
}

static void
check_size (guint n)
{
  g_autoptr(PanoSpatialIndex) index = pano_spatial_index_new (n);
  g_autofree double *boxes = g_new (double, 4 * (gsize)MAX (n, 1));
  GRand *rand = g_rand_new_with_seed (n);

  for (guint i = 0; i < n; i++)
    {
      double x = g_rand_double (rand), y = g_rand_double (rand);
      double w = g_rand_double_range (rand, 0, 0.01), h = g_rand_double_range (rand, 0, 0.01);

      boxes[4 * i] = x, boxes[4 * i + 1] = y, boxes[4 * i + 2] = x + w, boxes[4 * i + 3] = y + h;
      pano_spatial_index_add (index, x, y, x + w, y + h);
    }
  pano_spatial_index_finish (index);
  g_assert_cmpuint (pano_spatial_index_get_size (index), ==, n);

  for (int q = 0; q < 50; q++)
    {
      double x = g_rand_double (rand), y = g_rand_double (rand), s = g_rand_double (rand) * 0.2;
      g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (guint));

      pano_spatial_index_search (index, x, y, x + s, y + s, collect, found);
      for (guint i = 0; i < n; i++)
        if (!(boxes[4 * i + 2] < x || boxes[4 * i + 3] < y ||
              boxes[4 * i] > x + s || boxes[4 * i + 1] > y + s))
          g_array_append_val (expected, i);
      g_array_sort (found, compare_uint);
      g_assert_cmpuint (found->len, ==, expected->len);
      for (guint i = 0; i < found->len; i++)
        g_assert_cmpuint (g_array_index (found, guint, i), ==, g_array_index (expected, guint, i));
    }
  g_rand_free (rand);
}

static void
test_sizes (void)
{
  static const guint sizes[] = { 0, 1, 2, 15, 16, 17, 255, 256, 257, 5000, 70000 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    check_size (sizes[i]);
}

static gboolean
stop_at_first (guint item, gpointer user_data)
{
  (*(guint *)user_data)++;
  return FALSE;
}

static void
test_stop (void)
{
  g_autoptr(PanoSpatialIndex) index = pano_spatial_index_new (100);
  guint visits = 0;

  for (guint i = 0; i < 100; i++)
    pano_spatial_index_add (index, 0, 0, 1, 1);
  pano_spatial_index_finish (index);
  pano_spatial_index_search (index, 0, 0, 1, 1, stop_at_first, &visits);
  g_assert_cmpuint (visits, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/spatial-index/matches-brute-force", test_sizes);
  g_test_add_func ("/spatial-index/visitor-stops", test_stop);
  return g_test_run ();
}
