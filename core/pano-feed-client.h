// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "pano-live-store.h"

G_BEGIN_DECLS

typedef enum
{
  PANO_FEED_OFFLINE,        /* not started, or refused for good (bad token) */
  PANO_FEED_CONNECTING,
  PANO_FEED_CONNECTED,      /* welcomed and subscribed */
  PANO_FEED_RECONNECTING,   /* waiting to try again */
} PanoFeedState;

#define PANO_TYPE_FEED_CLIENT (pano_feed_client_get_type ())
G_DECLARE_FINAL_TYPE (PanoFeedClient, pano_feed_client, PANO, FEED_CLIENT, GObject)

PanoFeedClient *pano_feed_client_new                (const char     *url,
                                                     const char     *token,
                                                     PanoLiveStore  *store);
gboolean        pano_feed_client_set_ca_file        (PanoFeedClient *self,
                                                     const char     *ca_file,
                                                     GError        **error);
void            pano_feed_client_start              (PanoFeedClient *self);
void            pano_feed_client_stop               (PanoFeedClient *self);
PanoFeedState   pano_feed_client_get_state          (PanoFeedClient *self);
const char     *pano_feed_client_get_url            (PanoFeedClient *self);
const char     *pano_feed_client_get_last_error     (PanoFeedClient *self);
const char     *pano_feed_client_get_role           (PanoFeedClient *self);
gint64          pano_feed_client_get_retry_at       (PanoFeedClient *self);
gint64          pano_feed_client_get_offline_since  (PanoFeedClient *self);
guint           pano_feed_client_get_n_connects     (PanoFeedClient *self);
guint           pano_feed_client_get_n_attempts     (PanoFeedClient *self);
gboolean        pano_feed_client_is_retrying        (PanoFeedClient *self);
guint           pano_feed_client_get_refusal        (PanoFeedClient *self);
guint           pano_feed_client_get_n_resnapshots  (PanoFeedClient *self);
guint           pano_feed_client_get_queue_length   (PanoFeedClient *self);
gsize           pano_feed_client_get_queue_bytes    (PanoFeedClient *self);
void            pano_feed_client_set_backlog_limit  (PanoFeedClient *self,
                                                     gsize           max_bytes);
guint           pano_feed_client_get_n_fell_behind  (PanoFeedClient *self);
gint64          pano_feed_client_get_longest_apply  (PanoFeedClient *self);

G_END_DECLS
