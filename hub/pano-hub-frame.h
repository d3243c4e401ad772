// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-json.h"
#include "pano-protocol.h"

G_BEGIN_DECLS

/* A client → hub frame (docs/protocol.md, section 3.1), read in place and checked member by
 * member. No error message quotes the frame's text: a malformed hello must not echo its token.
 * Every string read from a frame is valid UTF-8 (a lone surrogate escape reads as U+FFFD). */
typedef struct
{
  PanoJsonSpan root;
  char *type;
  char *ref;            /* NULL when the frame has none */
} PanoHubFrame;

typedef struct
{
  gint64 protocol;
  char *token;          /* NULL when the hello has none */
  char *client;
} PanoHubHello;

typedef struct
{
  guint layers;         /* 1 << PanoLayerId */
  gboolean has_bbox;
  double bbox[4];
  char *epoch;          /* NULL when absent */
  PanoJsonSpan resume;  /* an object of checked seqs, or a span of NULL */
} PanoHubSubscribe;

gboolean  pano_hub_frame_read            (PanoHubFrame           *frame,
                                          const char             *data,
                                          gsize                   length,
                                          GError                **error);
void      pano_hub_frame_clear           (PanoHubFrame           *frame);
gboolean  pano_hub_frame_read_hello      (const PanoHubFrame     *frame,
                                          PanoHubHello           *hello,
                                          GError                **error);
void      pano_hub_hello_clear           (PanoHubHello           *hello);
gboolean  pano_hub_frame_read_subscribe  (const PanoHubFrame     *frame,
                                          PanoHubSubscribe       *subscribe,
                                          GError                **error);
gboolean  pano_hub_frame_read_layers     (const PanoHubFrame     *frame,
                                          guint                  *layers,
                                          GError                **error);
void      pano_hub_subscribe_clear       (PanoHubSubscribe       *subscribe);
gboolean  pano_hub_subscribe_resume_seq  (const PanoHubSubscribe *subscribe,
                                          PanoLayerId             layer,
                                          guint64                *seq);
char     *pano_hub_frame_echo            (const char             *text);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PanoHubFrame, pano_hub_frame_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PanoHubHello, pano_hub_hello_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PanoHubSubscribe, pano_hub_subscribe_clear)

G_END_DECLS
