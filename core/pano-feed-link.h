// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "pano-feed-frame.h"

G_BEGIN_DECLS

/* The feed client's connection to the hub, on a thread of its own (pano-feed-link.c). Private
 * to core/: only pano-feed-client.c uses it, and only on the thread that made the link. */
typedef struct _PanoFeedLink PanoFeedLink;

/* A text frame as the link thread read it, in arrival order. */
typedef struct
{
  guint generation;           /* of the connection it came on */
  PanoFeedFrame *frame;       /* NULL if it could not be decoded: then @error says why */
  GError *error;
  gsize bytes;                /* the frame's size as received, counted in the backlog */
} PanoFeedLinkDecoded;

/* What became of the connection asked for at @generation. */
typedef struct
{
  guint generation;
  gboolean connected;         /* else lost, because of @why */
  gboolean fell_behind;
  guint refused;              /* the hub's close code when it refused the console for good
                               * (4001 token, 4002 protocol), else 0 */
  char *why;
} PanoFeedLinkReport;

/* Both run on the main thread with the owner given to pano_feed_link_new (), never after it let
 * go of the link. An apply returns whether frames are left for another slice. */
typedef gboolean (*PanoFeedLinkApplyFunc)  (gpointer                  owner);
typedef void     (*PanoFeedLinkReportFunc) (const PanoFeedLinkReport *report,
                                            gpointer                  owner);

PanoFeedLink *pano_feed_link_new          (GAsyncQueue            *decoded,
                                           int                     apply_priority,
                                           int                     backlog_priority,
                                           PanoFeedLinkApplyFunc   apply,
                                           PanoFeedLinkReportFunc  report,
                                           gpointer                owner);
void          pano_feed_link_connect      (PanoFeedLink           *link,
                                           guint                   generation,
                                           const char             *url,
                                           char                   *uri,
                                           char                   *hello);
void          pano_feed_link_send         (PanoFeedLink           *link,
                                           guint                   generation,
                                           char                   *text);
void          pano_feed_link_disconnect   (PanoFeedLink           *link);
void          pano_feed_link_set_trust    (PanoFeedLink           *link,
                                           GTlsDatabase           *database);
void          pano_feed_link_set_backlog_limit (PanoFeedLink      *link,
                                           gsize                   max_bytes);
gsize         pano_feed_link_get_backlog_bytes (PanoFeedLink      *link);
guint         pano_feed_link_get_n_fell_behind (PanoFeedLink      *link);
void          pano_feed_link_release      (PanoFeedLink           *link,
                                           PanoFeedLinkDecoded    *decoded);
void          pano_feed_link_free         (PanoFeedLink           *link);
void          pano_feed_link_decoded_free (PanoFeedLinkDecoded    *decoded);

G_END_DECLS
