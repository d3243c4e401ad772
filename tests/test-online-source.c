// SPDX-License-Identifier: GPL-3.0-or-later
/* An online tile server as the console meets it, served by a real HTTP server on 127.0.0.1:
 * when it fails, the source says so once; when it is back it says so by itself, without the map
 * asking for anything; and a server that fails some tiles and serves others does not make it
 * flip between the two (the banner and the base map would flicker). */
#include "pano-online-source.h"
#include "pano-test-tiles.h"
#include "pano-test-util.h"

typedef struct
{
  PanoOnlineSource *source;
  guint n_failed;
  guint n_recovered;
  guint n_asked;
  guint n_done;
} Watch;

static void
on_failed (PanoOnlineSource *source, const char *reason, Watch *w)
{
  g_test_message ("failed: %s", reason);
  w->n_failed++;
}

static void
on_recovered (PanoOnlineSource *source, Watch *w)
{
  w->n_recovered++;
}

static void
on_tile (GObject *object, GAsyncResult *result, gpointer data)
{
  Watch *w = data;
  g_autoptr(GBytes) bytes = shumate_data_source_get_tile_data_finish (SHUMATE_DATA_SOURCE (object),
                                                                      result, NULL);

  w->n_done++;
}

static gboolean
all_done (gpointer data)
{
  Watch *w = data;

  return w->n_done == w->n_asked;
}

/* Asks for @n tiles of zoom 12 from @first on, as the map would, and waits for them. */
static void
ask_tiles (Watch *w, guint first, guint n)
{
  for (guint i = first; i < first + n; i++)
    shumate_data_source_get_tile_data_async (SHUMATE_DATA_SOURCE (w->source), 3300 + i % 64,
                                             1650 + i / 64, 12, NULL, on_tile, w);
  w->n_asked += n;
  pano_test_wait_until (all_done, w);
}

static Watch *
watch_new (PanoTestTiles *t)
{
  Watch *w = g_new0 (Watch, 1);

  w->source = pano_online_source_new (t->url);
  pano_online_source_set_recovery (w->source, 100, 1000);
  g_signal_connect (w->source, "failed", G_CALLBACK (on_failed), w);
  g_signal_connect (w->source, "recovered", G_CALLBACK (on_recovered), w);
  return w;
}

static void
watch_free (Watch *w)
{
  /* a recovery probe still in flight holds the source and reports after this */
  g_signal_handlers_disconnect_by_data (w->source, w);
  g_object_unref (w->source);
  g_free (w);
}

static gboolean
recovered (gpointer data)
{
  return ((Watch *)data)->n_recovered > 0;
}

/* Down, then back: one "failed", then one "recovered" with nobody asking for a tile. */
static void
test_fails_then_recovers (void)
{
  PanoTestTiles *t = pano_test_tiles_new (0x3366cc);
  Watch *w = watch_new (t);
  guint requests;

  t->mode = PANO_TEST_TILES_FAIL;
  ask_tiles (w, 0, 6);
  g_assert_cmpuint (w->n_failed, ==, 1);
  g_assert_true (pano_online_source_is_failing (w->source));
  ask_tiles (w, 6, 6);
  g_assert_cmpuint (w->n_failed, ==, 1);

  t->mode = PANO_TEST_TILES_OK;
  requests = t->n_requests;
  pano_test_wait_until (recovered, w);
  g_assert_cmpuint (w->n_recovered, ==, 1);
  g_assert_cmpuint (w->n_failed, ==, 1);
  g_assert_false (pano_online_source_is_failing (w->source));
  g_assert_cmpuint (t->n_requests, >, requests);   /* it asked the server itself */

  watch_free (w);
  pano_test_tiles_free (t);
}

/* Every third tile fails: the source says "failing" once and stays so. */
static void
test_partly_failing_is_steady (void)
{
  PanoTestTiles *t = pano_test_tiles_new (0x3366cc);
  Watch *w = watch_new (t);

  t->mode = PANO_TEST_TILES_FLAKY;
  for (guint i = 0; i < 30; i++)
    ask_tiles (w, i * 8, 8);
  g_test_message ("%u requests, %u failed, %u recovered", t->n_requests, w->n_failed,
                  w->n_recovered);
  g_assert_cmpuint (w->n_failed, ==, 1);
  g_assert_cmpuint (w->n_recovered, ==, 0);
  g_assert_true (pano_online_source_is_failing (w->source));

  watch_free (w);
  pano_test_tiles_free (t);
}

int
main (int argc, char **argv)
{
  g_autofree char *cache = pano_test_make_tmpdir ();
  int status;

  /* before anything reads it: the downloader's cache goes here */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/online-source/fails-then-recovers", test_fails_then_recovers);
  g_test_add_func ("/online-source/partly-failing-is-steady", test_partly_failing_is_steady);
  status = g_test_run ();
  pano_test_rm_rf (cache);
  return status;
}
