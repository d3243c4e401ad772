// SPDX-License-Identifier: GPL-3.0-or-later
/* A real XYZ tile server on 127.0.0.1 for the tests, told to serve, fail, or fail every third
 * tile. It serves one colour, so a test can tell its tiles from the offline map. */
#include "pano-test-tiles.h"
#include "pano-sanitizer.h"

#include <cairo.h>

static void
on_request (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           data)
{
  PanoTestTiles *t = data;
  gboolean fail = t->mode == PANO_TEST_TILES_FAIL ||
                  (t->mode == PANO_TEST_TILES_FLAKY && t->n_requests % 3 == 2);

  t->n_requests++;
  if (fail)
    {
      soup_server_message_set_status (message, 500, NULL);
      return;
    }
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "image/png", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (t->png, NULL), g_bytes_get_size (t->png));
}

/* libsoup 3.2 never frees an accepted connection's GSocket: not the tests' leak
 * (hub/pano-hub-server.c says more). */
static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *message,
                    gpointer           user_data)
{
  pano_sanitizer_ignore_leak (soup_server_message_get_socket (message));
}

static cairo_status_t
append_png (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* @rgb: the colour of every tile, 0xRRGGBB */
PanoTestTiles *
pano_test_tiles_new (guint32 rgb)
{
  PanoTestTiles *t = g_new0 (PanoTestTiles, 1);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 256, 256);
  cairo_t *cr = cairo_create (surface);
  GByteArray *png = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketAddress) address = NULL;
  GSList *listeners;
  g_autofree char *base = NULL;

  cairo_set_source_rgb (cr, (rgb >> 16) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_write_to_png_stream (surface, append_png, png);
  cairo_surface_destroy (surface);
  t->png = g_byte_array_free_to_bytes (png);
  t->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (t->server, "/tiles", on_request, t, NULL);
  g_signal_connect (t->server, "request-started", G_CALLBACK (on_request_started), NULL);
  /* Not soup_server_listen_local() nor soup_server_get_uris(): both leak in libsoup 3.2. */
  soup_server_listen (t->server, any, 0, &error);
  g_assert_no_error (error);
  listeners = soup_server_get_listeners (t->server);
  address = g_socket_get_local_address (listeners->data, &error);
  g_slist_free (listeners);
  g_assert_no_error (error);
  base = g_strdup_printf ("http://127.0.0.1:%u/", g_inet_socket_address_get_port (
                            G_INET_SOCKET_ADDRESS (address)));
  /* a fresh path each run: the tile downloader's cache must not answer for the server */
  t->url = g_strdup_printf ("%stiles/%u/{z}/{x}/{y}.png", base, g_random_int ());
  return t;
}

void
pano_test_tiles_free (PanoTestTiles *t)
{
  soup_server_disconnect (t->server);
  g_object_unref (t->server);
  g_bytes_unref (t->png);
  g_free (t->url);
  g_free (t);
}
