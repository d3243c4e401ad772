// SPDX-License-Identifier: GPL-3.0-or-later
/* The live entity table agrees with a plain reference model through a long random run of
 * inserts, moves, re-classifications and removals: lookups, positions, properties, searches
 * and the per-cell counts that aggregated drawing shows. */
#include "pano-live-layer.h"

#include <string.h>

#define N_IDS 3000
#define N_STEPS 60000

typedef struct
{
  gboolean live;
  double x, y;
  guint klass;
  char props[48];
} Reference;

static gboolean
collect (PanoLiveLayer *layer, guint slot, gpointer data)
{
  g_hash_table_add (data, g_strdup (pano_live_layer_get_id (layer, slot)));
  return TRUE;
}

static void
sum_cells (const PanoLiveCell *cell, gpointer data)
{
  guint *totals = data;

  totals[0] += cell->count;
  for (guint i = 0; i < PANO_LIVE_MAX_CLASSES; i++)
    totals[1 + i] += cell->class_counts[i];
}

static void
check_against (PanoLiveLayer *layer, Reference *ref, GRand *rand)
{
  guint live = 0, totals[1 + PANO_LIVE_MAX_CLASSES] = { 0 }, expected[PANO_LIVE_MAX_CLASSES] = { 0 };
  double bx = g_rand_double_range (rand, 0.80, 0.81), by = g_rand_double_range (rand, 0.40, 0.41);
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  pano_live_layer_search (layer, bx, by, bx + 0.002, by + 0.002, collect, found);
  for (guint i = 0; i < N_IDS; i++)
    {
      g_autofree char *id = g_strdup_printf ("node-%u", i);
      int slot = pano_live_layer_lookup (layer, id);
      gboolean in_box;

      g_assert_cmpint (slot >= 0, ==, ref[i].live);
      if (!ref[i].live)
        continue;
      live++;
      expected[ref[i].klass]++;
      in_box = ref[i].x >= bx && ref[i].x <= bx + 0.002 && ref[i].y >= by && ref[i].y <= by + 0.002;
      g_assert_cmpint (g_hash_table_contains (found, id), ==, in_box);
      g_assert_cmpstr (pano_live_layer_get_properties (layer, slot), ==, ref[i].props);
      g_assert_cmpuint (pano_live_layer_get_class (layer, slot), ==, ref[i].klass);
    }
  g_assert_cmpuint (pano_live_layer_get_n_entities (layer), ==, live);
  pano_live_layer_foreach_cell (layer, 0, 0, 1, 1, sum_cells, totals);
  g_assert_cmpuint (totals[0], ==, live);
  for (guint c = 0; c < PANO_LIVE_MAX_CLASSES; c++)
    g_assert_cmpuint (totals[1 + c], ==, expected[c]);
}

static void
test_random_run (void)
{
  g_autoptr(PanoLiveLayer) layer = pano_live_layer_new ("environment");
  g_autofree Reference *ref = g_new0 (Reference, N_IDS);
  GRand *rand = g_rand_new_with_seed (42);

  for (guint step = 0; step < N_STEPS; step++)
    {
      guint i = g_rand_int_range (rand, 0, N_IDS);
      g_autofree char *id = g_strdup_printf ("node-%u", i);

      if (ref[i].live && g_rand_int_range (rand, 0, 10) == 0)
        {
          g_assert_true (pano_live_layer_remove (layer, id));
          ref[i].live = FALSE;
        }
      else
        {
          double xy[2] = { g_rand_double_range (rand, 0.80, 0.812),
                           g_rand_double_range (rand, 0.40, 0.412) };
          PanoLiveEntity e = { id, xy, 1, ref[i].props, 0, 0, g_rand_int_range (rand, 0, 8),
                               step };

          g_snprintf (ref[i].props, sizeof ref[i].props, "{\"aqi\":%u}", step);
          ref[i].live = TRUE;
          ref[i].x = xy[0], ref[i].y = xy[1], ref[i].klass = e.klass;
          pano_live_layer_upsert (layer, &e);
        }
      if (step % 10000 == 9999)
        check_against (layer, ref, rand);
    }
  g_assert_false (pano_live_layer_remove (layer, "no-such-node"));
  g_rand_free (rand);
}

static void
test_lines_and_hit (void)
{
  g_autoptr(PanoLiveLayer) layer = pano_live_layer_new ("traffic");
  double road[] = { 0.80, 0.40, 0.8001, 0.40, 0.8002, 0.4001 };
  double moved[] = { 0.81, 0.41, 0.8101, 0.41 };
  PanoLiveEntity e = { "road-1", road, 3, "{\"congestion\":2}", 1, 0, 2, 20.5 };
  guint n;
  int slot;

  slot = pano_live_layer_upsert (layer, &e);
  g_assert_cmpint (pano_live_layer_hit_test (layer, 0.80005, 0.400001, 1e-5), ==, slot);
  g_assert_cmpint (pano_live_layer_hit_test (layer, 0.80005, 0.4002, 1e-5), ==, -1);
  e.coords = moved, e.n_coords = 2;
  g_assert_cmpint (pano_live_layer_upsert (layer, &e), ==, slot);
  g_assert_nonnull (pano_live_layer_get_coords (layer, slot, &n));
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (pano_live_layer_hit_test (layer, 0.81005, 0.41, 1e-6), ==, slot);
  g_assert_cmpfloat (pano_live_layer_get_value (layer, slot), ==, 20.5f);
  pano_live_layer_clear (layer);
  g_assert_cmpuint (pano_live_layer_get_n_entities (layer), ==, 0);
  g_assert_cmpint (pano_live_layer_lookup (layer, "road-1"), ==, -1);
}

static void
test_stale (void)
{
  g_autoptr(PanoLiveLayer) layer = pano_live_layer_new ("resources");
  double p[] = { 0.8, 0.4 };
  gint64 now = G_GINT64_CONSTANT (1795000000000);   /* 2026-11-18, in ms */
  PanoLiveEntity e = { "fire-1", p, 1, NULL, now, now + 5000, 1, 0 };
  guint slot = pano_live_layer_upsert (layer, &e);

  g_assert_cmpint (pano_live_layer_get_updated (layer, slot), ==, now);
  g_assert_false (pano_live_layer_is_stale (layer, slot, now + 4000));
  g_assert_true (pano_live_layer_is_stale (layer, slot, now + 6000));
  g_assert_null (pano_live_layer_get_properties (layer, slot));
}

static void
count_cells (const PanoLiveCell *cell, gpointer data)
{
  *(guint *)data += cell->count;
}

/* Vehicles and short-lived sensors churn: ids come and go all over the city. Memory follows
 * the entities alive, not every id ever seen: it stays bounded however long the churn runs,
 * and what is alive reads back right after every compaction. */
static void
test_churn_memory_bounded (void)
{
  g_autoptr(PanoLiveLayer) layer = pano_live_layer_new ("resources");
  GRand *rand = g_rand_new_with_seed (7);
  const guint live = 1000, rounds = 400;
  gsize warm = 0, peak = 0;

  for (guint round = 0; round < rounds; round++)
    {
      guint in_cells = 0;

      for (guint i = 0; i < live; i++)
        {
          g_autofree char *id = g_strdup_printf ("vehicle-%u-%u", round, i);
          g_autofree char *props = g_strdup_printf ("{\"round\":%u,\"i\":%u}", round, i);
          double xy[2] = { g_rand_double (rand), g_rand_double (rand) };
          PanoLiveEntity e = { id, xy, 1, props, 0, 0, i % 8, 0 };

          pano_live_layer_upsert (layer, &e);
        }
      for (guint i = 0; round > 0 && i < live; i++)
        {
          g_autofree char *id = g_strdup_printf ("vehicle-%u-%u", round - 1, i);

          g_assert_true (pano_live_layer_remove (layer, id));
        }
      g_assert_cmpuint (pano_live_layer_get_n_entities (layer), ==, live);
      if (round == 10)
        warm = pano_live_layer_get_memory_size (layer);
      peak = MAX (peak, pano_live_layer_get_memory_size (layer));

      if (round % 50 == 49)
        {
          for (guint i = 0; i < live; i += 97)
            {
              g_autofree char *id = g_strdup_printf ("vehicle-%u-%u", round, i);
              g_autofree char *gone = g_strdup_printf ("vehicle-%u-%u", round - 1, i);
              g_autofree char *props = g_strdup_printf ("{\"round\":%u,\"i\":%u}", round, i);
              int slot = pano_live_layer_lookup (layer, id);

              g_assert_cmpint (slot, >=, 0);
              g_assert_cmpstr (pano_live_layer_get_id (layer, slot), ==, id);
              g_assert_cmpstr (pano_live_layer_get_properties (layer, slot), ==, props);
              g_assert_cmpint (pano_live_layer_lookup (layer, gone), ==, -1);
            }
          pano_live_layer_foreach_cell (layer, 0, 0, 1, 1, count_cells, &in_cells);
          g_assert_cmpuint (in_cells, ==, live);
        }
    }
  g_test_message ("%u distinct ids, %u alive: %" G_GSIZE_FORMAT " bytes after 10 rounds, "
                  "%" G_GSIZE_FORMAT " at most", live * rounds, live, warm, peak);
  g_assert_cmpuint (peak, <=, 2 * warm);
  g_rand_free (rand);
}

/* A line of more vertices than a 16-bit count holds is kept whole, not cut at 65 535. */
static void
test_long_line (void)
{
  g_autoptr(PanoLiveLayer) layer = pano_live_layer_new ("traffic");
  const guint n = 70000;
  g_autofree double *line = g_new (double, 2 * n);
  double short_line[] = { 0.5, 0.5, 0.5001, 0.5 };
  PanoLiveEntity e = { "river-1", line, n, NULL, 0, 0, 1, 0 };
  const double *c;
  guint got;
  int slot;

  for (guint i = 0; i < n; i++)
    line[2 * i] = 0.80 + i * 1e-7, line[2 * i + 1] = 0.40;
  slot = pano_live_layer_upsert (layer, &e);
  c = pano_live_layer_get_coords (layer, slot, &got);
  g_assert_cmpuint (got, ==, n);
  g_assert_cmpfloat (c[2 * (n - 1)], ==, line[2 * (n - 1)]);
  /* the far end, beyond vertex 65 535, is hit */
  g_assert_cmpint (pano_live_layer_hit_test (layer, 0.80 + (n - 10) * 1e-7, 0.40, 1e-8), ==, slot);

  /* shortened, then removed, it leaves nothing of its length behind */
  e.coords = short_line, e.n_coords = 2;
  g_assert_cmpint (pano_live_layer_upsert (layer, &e), ==, slot);
  pano_live_layer_get_coords (layer, slot, &got);
  g_assert_cmpuint (got, ==, 2);
  e.coords = line, e.n_coords = n;
  pano_live_layer_upsert (layer, &e);
  g_assert_true (pano_live_layer_remove (layer, "river-1"));
  e.id = "road-2", e.coords = short_line, e.n_coords = 2;
  slot = pano_live_layer_upsert (layer, &e);
  pano_live_layer_get_coords (layer, slot, &got);
  g_assert_cmpuint (got, ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/live-layer/random-run-matches-reference", test_random_run);
  g_test_add_func ("/live-layer/lines-and-hit-test", test_lines_and_hit);
  g_test_add_func ("/live-layer/stale", test_stale);
  g_test_add_func ("/live-layer/churn-memory-bounded", test_churn_memory_bounded);
  g_test_add_func ("/live-layer/long-line", test_long_line);
  return g_test_run ();
}
