// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The real panorama-hub process for tests: 127.0.0.1, a free port, a database in a temporary
 * (or given) directory, and these tokens:
 *
 *   viewer      "view"     and "view-token"
 *   dispatcher  "dispatch" and "disp-token"
 *   admin       "admin"    and "admin-token"
 *
 * The hub's stderr and stdout are read line by line by a thread and copied to the test's stderr as
 * "# hub: …". A CRITICAL, an ERROR, a WARNING the test did not announce with
 * pano_test_hub_expect_log(), a sanitizer report, or the hub dying without being told to,
 * fails the test there and then, with the hub's log so far. */
typedef struct
{
  char *dir;
  char *config;
  char *url;              /* http://127.0.0.1:PORT, https:// with TLS configured */
  guint port;
  SoupSession *session;   /* for REST requests; trusts the CA given to set_ca_file() */

  /*< private >*/
  char *extra_config;
  GStrv args;
  GStrv env;
  gboolean own_dir;
  gboolean tls;
  GSubprocess *process;
  GThread *reader;
  GMutex lock;
  GPtrArray *log;         /* every line the hub wrote, all runs */
  GPtrArray *expected;    /* fragments of WARNING lines the test provokes on purpose */
  gboolean stopping;
} PanoTestHub;

/* Building and running */
PanoTestHub *pano_test_hub_new          (const char         *dir);
void         pano_test_hub_set_config   (PanoTestHub        *hub,
                                         const char         *extra_config);
void         pano_test_hub_set_args     (PanoTestHub        *hub,
                                         const char * const *args);
void         pano_test_hub_setenv       (PanoTestHub        *hub,
                                         const char         *name,
                                         const char         *value);
void         pano_test_hub_set_ca_file  (PanoTestHub        *hub,
                                         const char         *ca_file);
void         pano_test_hub_expect_log   (PanoTestHub        *hub,
                                         const char         *fragment);
void         pano_test_hub_spawn        (PanoTestHub        *hub);
PanoTestHub *pano_test_hub_start        (const char         *dir,
                                         const char * const *extra_args);
void         pano_test_hub_kill         (PanoTestHub        *hub);
void         pano_test_hub_pause        (PanoTestHub        *hub,
                                         gboolean            paused);
void         pano_test_hub_terminate    (PanoTestHub        *hub);
void         pano_test_hub_free         (PanoTestHub        *hub);

/* What it logged */
char        *pano_test_hub_dup_log      (PanoTestHub        *hub);
gboolean     pano_test_hub_log_contains (PanoTestHub        *hub,
                                         const char         *fragment);

/* REST */
char        *pano_test_hub_db_path      (PanoTestHub        *hub);
guint        pano_test_hub_rest         (PanoTestHub        *hub,
                                         const char         *method,
                                         const char         *path,
                                         const char         *token,
                                         const char         *idempotency_key,
                                         const char         *body,
                                         JsonNode          **response,
                                         gboolean           *replayed);
JsonNode    *pano_test_hub_request      (PanoTestHub        *hub,
                                         const char         *method,
                                         const char         *path,
                                         const char         *token,
                                         const char         *body,
                                         guint              *status);
void         pano_test_hub_ingest       (PanoTestHub        *hub,
                                         const char         *layer,
                                         const char         *feature_collection);
char        *pano_test_hub_metrics      (PanoTestHub        *hub);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PanoTestHub, pano_test_hub_free)

G_END_DECLS
