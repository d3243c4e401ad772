// SPDX-License-Identifier: GPL-3.0-or-later
/* A data source by address: an OGC API – Features service (a real HTTP server on 127.0.0.1
 * serving the standard's JSON documents) loads through GDAL's OAPIF driver with its
 * features and attributes; a service that answers with errors gives a message naming it. */
#include "pano-gis-loader.h"
#include "pano-gis-layer.h"
#include "pano-error.h"
#include "pano-mercator.h"
#include "pano-sanitizer.h"

#include <libsoup/soup.h>
#include <string.h>

static char *base_uri;

static const char *items =
  "{\"type\":\"FeatureCollection\",\"numberReturned\":3,\"features\":["
  "{\"type\":\"Feature\",\"id\":1,\"geometry\":{\"type\":\"Point\",\"coordinates\":[110.78,32.62]},"
  "\"properties\":{\"name\":\"消火栓 001\",\"pressure\":0.35}},"
  "{\"type\":\"Feature\",\"id\":2,\"geometry\":{\"type\":\"Point\",\"coordinates\":[110.79,32.63]},"
  "\"properties\":{\"name\":\"消火栓 002\",\"pressure\":0.31}},"
  "{\"type\":\"Feature\",\"id\":3,\"geometry\":{\"type\":\"Point\",\"coordinates\":[110.80,32.64]},"
  "\"properties\":{\"name\":\"消火栓 003\",\"pressure\":0.12}}],"
  "\"links\":[]}";

static char *
document_for (const char *path)
{
  if (g_str_equal (path, "/") || g_str_equal (path, ""))
    return g_strdup_printf ("{\"links\":[{\"href\":\"%scollections\",\"rel\":\"data\","
                            "\"type\":\"application/json\"},{\"href\":\"%sconformance\","
                            "\"rel\":\"conformance\",\"type\":\"application/json\"}]}",
                            base_uri, base_uri);
  if (g_str_equal (path, "/conformance"))
    return g_strdup ("{\"conformsTo\":["
                     "\"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core\","
                     "\"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson\"]}");
  if (g_str_equal (path, "/collections"))
    return g_strdup_printf ("{\"collections\":[{\"id\":\"hydrants\",\"title\":\"Hydrants\","
                            "\"links\":[{\"href\":\"%scollections/hydrants/items\","
                            "\"rel\":\"items\",\"type\":\"application/geo+json\"}]}],"
                            "\"links\":[]}", base_uri);
  if (g_str_equal (path, "/collections/hydrants"))
    return g_strdup_printf ("{\"id\":\"hydrants\",\"title\":\"Hydrants\",\"links\":[{\"href\":"
                            "\"%scollections/hydrants/items\",\"rel\":\"items\","
                            "\"type\":\"application/geo+json\"}]}", base_uri);
  if (g_str_equal (path, "/collections/hydrants/items"))
    return g_strdup (items);
  return NULL;
}

static void
handle (SoupServer        *server,
        SoupServerMessage *message,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  gboolean broken = GPOINTER_TO_INT (user_data);
  g_autofree char *body = broken ? NULL : document_for (path);

  /* libsoup 3.2 leaks a keep-alive connection that the client closes (hub/pano-hub-server.c
   * says more); GDAL keeps them, so close each one here as the hub does. */
  soup_message_headers_replace (soup_server_message_get_response_headers (message), "Connection",
                                "close");
  if (body == NULL)
    {
      soup_server_message_set_status (message, broken ? 503 : 404, NULL);
      return;
    }
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, g_str_has_suffix (path, "/items")
                                    ? "application/geo+json" : "application/json",
                                    SOUP_MEMORY_COPY, body, strlen (body));
}

/* libsoup 3.2 never frees an accepted connection's GSocket: not this test's leak. */
static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *message,
                    gpointer           user_data)
{
  pano_sanitizer_ignore_leak (soup_server_message_get_socket (message));
}

static SoupServer *
start_server (gboolean broken)
{
  SoupServer *server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  GSList *listeners;

  soup_server_add_handler (server, NULL, handle, GINT_TO_POINTER (broken), NULL);
  g_signal_connect (server, "request-started", G_CALLBACK (on_request_started), NULL);
  /* soup_server_listen_local() leaks the address it looked up in libsoup 3.2. */
  soup_server_listen (server, any, 0, &error);
  g_assert_no_error (error);
  /* From the listening socket: soup_server_get_uris() leaks an address in libsoup 3.2. */
  listeners = soup_server_get_listeners (server);
  address = g_socket_get_local_address (listeners->data, &error);
  g_slist_free (listeners);
  g_assert_no_error (error);
  g_free (base_uri);
  base_uri = g_strdup_printf ("http://127.0.0.1:%u/", g_inet_socket_address_get_port (
                                G_INET_SOCKET_ADDRESS (address)));
  return server;
}

typedef struct
{
  GPtrArray *layers;
  GError *error;
  gboolean done;
} Result;

static void
on_loaded (GObject *object, GAsyncResult *res, gpointer user_data)
{
  Result *result = user_data;

  result->layers = pano_gis_loader_load_finish (PANO_GIS_LOADER (object), res, &result->error);
  result->done = TRUE;
}

/* The loader blocks its worker thread on HTTP; the server answers from this main loop. */
static Result
load (const char *source)
{
  g_autoptr(PanoGisLoader) loader = pano_gis_loader_new (source);
  Result result = { 0 };

  pano_gis_loader_load_async (loader, NULL, on_loaded, &result);
  while (!result.done)
    g_main_context_iteration (NULL, TRUE);
  return result;
}

static void
test_ogc_api_features (void)
{
  g_autoptr(SoupServer) server = start_server (FALSE);
  g_autofree char *source = g_strdup_printf ("OAPIF:%s", base_uri);
  Result result = load (source);
  PanoGisLayer *layer;
  int name;

  g_assert_no_error (result.error);
  g_assert_cmpuint (result.layers->len, ==, 1);
  layer = g_ptr_array_index (result.layers, 0);
  g_assert_cmpuint (pano_gis_layer_get_n_features (layer), ==, 3);
  name = pano_gis_layer_find_field (layer, "name");
  g_assert_cmpint (name, >=, 0);
  g_assert_cmpstr (pano_gis_layer_get_value (layer, 2, name), ==, "消火栓 003");
  g_ptr_array_unref (result.layers);
}

static void
test_broken_service (void)
{
  g_autoptr(SoupServer) server = start_server (TRUE);
  g_autofree char *source = g_strdup_printf ("OAPIF:%s", base_uri);
  g_autoptr(GUri) uri = g_uri_parse (base_uri, G_URI_FLAGS_NONE, NULL);
  Result result = load (source);

  g_assert_null (result.layers);
  g_assert_error (result.error, PANO_GIS_ERROR, PANO_GIS_ERROR_UNREADABLE);
  g_test_message ("%s", result.error->message);
  g_assert_nonnull (strstr (result.error->message, g_uri_get_host (uri)));
  g_clear_error (&result.error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* GDAL must not go through any proxy to reach 127.0.0.1 */
  g_setenv ("NO_PROXY", "127.0.0.1", TRUE);
  g_setenv ("no_proxy", "127.0.0.1", TRUE);
  g_test_add_func ("/loader-remote/ogc-api-features", test_ogc_api_features);
  g_test_add_func ("/loader-remote/broken-service", test_broken_service);
  return g_test_run ();
}
