// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-test-hub-tls"

/* The hub on https/wss with a certificate of a throwaway authority made here with openssl (in
 * tools/debian-packages.txt: never skipped), and the console's feed client trusting that
 * authority through --ca-file — and refusing, in words naming the host, a hub whose
 * certificate another authority signed or that was issued for another host. */

#include <glib/gstdio.h>

#include "pano-feed-client.h"
#include "pano-test-hub.h"
#include "pano-test-util.h"

static char *pki;   /* the directory of the keys and certificates made for this run */

static void
openssl (const char * const *args)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  gint status = 0;

  g_strv_builder_add (builder, "openssl");
  g_strv_builder_addv (builder, (const char **) args);
  argv = g_strv_builder_end (builder);
  g_assert_true (g_spawn_sync (pki, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("openssl %s failed: %s", args[0], err);
}

/* A certificate authority NAME.crt / NAME.key. */
static void
make_ca (const char *name)
{
  g_autofree char *key = g_strconcat (name, ".key", NULL);
  g_autofree char *crt = g_strconcat (name, ".crt", NULL);
  g_autofree char *subject = g_strdup_printf ("/CN=Panorama test %s", name);
  const char *args[] = { "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                         "-out", crt, "-days", "2", "-subj", subject,
                         "-addext", "basicConstraints=critical,CA:TRUE",
                         "-addext", "keyUsage=critical,keyCertSign,cRLSign", NULL };

  openssl (args);
}

/* A server certificate NAME.crt / NAME.key for @san, signed by authority @ca. */
static void
make_server (const char *name,
             const char *ca,
             const char *san)
{
  g_autofree char *key = g_strconcat (name, ".key", NULL);
  g_autofree char *csr = g_strconcat (name, ".csr", NULL);
  g_autofree char *crt = g_strconcat (name, ".crt", NULL);
  g_autofree char *ext = g_strconcat (name, ".ext", NULL);
  g_autofree char *ext_path = g_build_filename (pki, ext, NULL);
  g_autofree char *ext_text = g_strdup_printf ("subjectAltName=%s\nbasicConstraints=CA:FALSE\n"
                                               "extendedKeyUsage=serverAuth\n", san);
  g_autofree char *ca_crt = g_strconcat (ca, ".crt", NULL);
  g_autofree char *ca_key = g_strconcat (ca, ".key", NULL);
  const char *request[] = { "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
                            "-subj", "/CN=panorama-hub", NULL };
  const char *sign[] = { "x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key,
                         "-CAcreateserial", "-out", crt, "-days", "2", "-extfile", ext, NULL };

  g_assert_true (g_file_set_contents (ext_path, ext_text, -1, NULL));
  openssl (request);
  openssl (sign);
}

static char *
pki_file (const char *name)
{
  return g_build_filename (pki, name, NULL);
}

/* A hub serving https/wss with certificate NAME.crt. */
static PanoTestHub *
start_tls_hub (const char *name)
{
  g_autofree char *crt = g_strdup_printf ("%s/%s.crt", pki, name);
  g_autofree char *key = g_strdup_printf ("%s/%s.key", pki, name);
  g_autofree char *config = g_strdup_printf ("tls-certificate=%s\ntls-key=%s\n", crt, key);
  g_autofree char *ca = pki_file ("ca.crt");
  PanoTestHub *hub = pano_test_hub_new (NULL);

  pano_test_hub_set_config (hub, config);
  pano_test_hub_set_ca_file (hub, ca);
  pano_test_hub_spawn (hub);
  g_assert_true (g_str_has_prefix (hub->url, "https://"));
  return hub;
}

/* REST over https trusting the test authority; plain http to the same port, and https trusting
 * only the system's authorities, get no answer. */
static void
test_rest (void)
{
  PanoTestHub *hub = start_tls_hub ("hub");
  g_autofree char *plain = g_strdup_printf ("http://127.0.0.1:%u/v1/health", hub->port);
  g_autofree char *https = g_strdup_printf ("%s/v1/health", hub->url);
  g_autoptr(SoupSession) system_trust = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (pano_test_hub_rest (hub, "GET", "/v1/layers", "view-token", NULL, NULL, NULL,
                                        NULL), ==, 200);
  msg = soup_message_new ("GET", plain);
  reply = soup_session_send_and_read (system_trust, msg, NULL, &error);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_clear_object (&msg);
  g_clear_pointer (&reply, g_bytes_unref);
  msg = soup_message_new ("GET", https);
  reply = soup_session_send_and_read (system_trust, msg, NULL, &error);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_true (soup_message_get_tls_peer_certificate_errors (msg) &
                 G_TLS_CERTIFICATE_UNKNOWN_CA);
  pano_test_hub_free (hub);
}

static gboolean
has_stations (gpointer data)
{
  PanoLiveStore *store = data;

  return pano_live_layer_get_n_entities (pano_live_store_get_layer (store, "environment")) == 3;
}

static gboolean
has_error (gpointer data)
{
  return pano_feed_client_get_last_error (data) != NULL;
}

/* A feed client on @hub trusting @ca, started; the caller waits for what it expects. */
static PanoFeedClient *
follow (PanoTestHub   *hub,
        const char    *ca,
        PanoLiveStore *store)
{
  g_autofree char *ca_file = pki_file (ca);
  PanoFeedClient *client = pano_feed_client_new (hub->url, "view", store);
  g_autoptr(GError) error = NULL;

  g_assert_true (pano_feed_client_set_ca_file (client, ca_file, &error));
  g_assert_no_error (error);
  pano_feed_client_start (client);
  return client;
}

/* The console's feed client with --ca-file: live over wss from a hub its authority signed;
 * a hub signed by another authority, or with a certificate for another host, is refused in
 * words naming the host and the reason; a CA file that cannot be read keeps the feed offline
 * and says which file. */
static void
test_feed_client (void)
{
  static const char * const layers[] = { "environment", NULL };
  PanoTestHub *hub = start_tls_hub ("hub");
  PanoTestHub *elsewhere = start_tls_hub ("other-host");
  g_autoptr(PanoLiveStore) store = pano_live_store_new (layers);
  g_autoptr(PanoLiveStore) wrong_store = pano_live_store_new (layers);
  g_autoptr(PanoLiveStore) host_store = pano_live_store_new (layers);
  g_autoptr(PanoFeedClient) trusting = NULL;
  g_autoptr(PanoFeedClient) wrong = NULL;
  g_autoptr(PanoFeedClient) other_host = NULL;
  g_autoptr(PanoFeedClient) unreadable = pano_feed_client_new (hub->url, "view", store);
  g_autoptr(GError) error = NULL;
  g_autofree char *where = g_strdup_printf ("127.0.0.1:%u", hub->port);
  g_autofree char *elsewhere_at = g_strdup_printf ("127.0.0.1:%u", elsewhere->port);

  pano_test_hub_ingest (hub, "environment",
                        "{\"type\":\"FeatureCollection\",\"features\":["
                        "{\"id\":\"env-1\",\"geometry\":{\"type\":\"Point\",\"coordinates\":"
                        "[110.7,32.6]},\"properties\":{\"aqi\":40}},"
                        "{\"id\":\"env-2\",\"geometry\":{\"type\":\"Point\",\"coordinates\":"
                        "[110.8,32.6]},\"properties\":{\"aqi\":80}},"
                        "{\"id\":\"env-3\",\"geometry\":{\"type\":\"Point\",\"coordinates\":"
                        "[110.9,32.6]},\"properties\":{\"aqi\":160}}]}");
  trusting = follow (hub, "ca.crt", store);
  pano_test_wait_until (has_stations, store);
  g_assert_cmpint (pano_feed_client_get_state (trusting), ==, PANO_FEED_CONNECTED);

  wrong = follow (hub, "other-ca.crt", wrong_store);
  pano_test_wait_until (has_error, wrong);
  g_test_message ("%s", pano_feed_client_get_last_error (wrong));
  g_assert_nonnull (strstr (pano_feed_client_get_last_error (wrong), where));
  g_assert_nonnull (strstr (pano_feed_client_get_last_error (wrong), "certificate"));
  g_assert_nonnull (strstr (pano_feed_client_get_last_error (wrong), "not signed by a trusted"));
  g_assert_cmpint (pano_feed_client_get_state (wrong), !=, PANO_FEED_CONNECTED);
  g_assert_cmpuint (pano_live_layer_get_n_entities (pano_live_store_get_layer (wrong_store,
                                                                                "environment")),
                    ==, 0);

  other_host = follow (elsewhere, "ca.crt", host_store);
  pano_test_wait_until (has_error, other_host);
  g_test_message ("%s", pano_feed_client_get_last_error (other_host));
  g_assert_nonnull (strstr (pano_feed_client_get_last_error (other_host), elsewhere_at));
  g_assert_nonnull (strstr (pano_feed_client_get_last_error (other_host), "another host"));
  g_assert_cmpint (pano_feed_client_get_state (other_host), !=, PANO_FEED_CONNECTED);

  g_assert_false (pano_feed_client_set_ca_file (unreadable, "/nonexistent/ca.pem", &error));
  g_assert_nonnull (strstr (error->message, "/nonexistent/ca.pem"));
  pano_feed_client_start (unreadable);
  g_assert_cmpint (pano_feed_client_get_state (unreadable), ==, PANO_FEED_OFFLINE);
  g_assert_nonnull (strstr (pano_feed_client_get_last_error (unreadable), "/nonexistent/ca.pem"));

  pano_feed_client_stop (trusting);
  pano_feed_client_stop (wrong);
  pano_feed_client_stop (other_host);
  pano_test_hub_free (elsewhere);
  pano_test_hub_free (hub);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  pki = g_dir_make_tmp ("pano-hub-pki-XXXXXX", NULL);
  g_assert_nonnull (pki);
  make_ca ("ca");
  make_ca ("other-ca");
  make_server ("hub", "ca", "IP:127.0.0.1");
  make_server ("other-host", "ca", "DNS:hub.example.org");
  g_test_add_func ("/hub/tls/rest", test_rest);
  g_test_add_func ("/hub/tls/feed-client", test_feed_client);
  status = g_test_run ();
  pano_test_rm_rf (pki);
  g_free (pki);
  return status;
}
