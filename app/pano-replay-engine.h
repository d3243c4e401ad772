// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "pano-live-store.h"

G_BEGIN_DECLS

/* Replay (复盘): a live store that holds the city as the hub's history says it was at a time,
 * and moves that time forward from changes fetched ahead in a worker thread. */

#define PANO_TYPE_REPLAY_ENGINE (pano_replay_engine_get_type ())
G_DECLARE_FINAL_TYPE (PanoReplayEngine, pano_replay_engine, PANO, REPLAY_ENGINE, GObject)

PanoReplayEngine *pano_replay_engine_new             (const char          *url,
                                                      const char          *token,
                                                      const char          *ca_file);
PanoLiveStore    *pano_replay_engine_get_store       (PanoReplayEngine    *self);
void              pano_replay_engine_load_range_async (PanoReplayEngine   *self,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
gboolean          pano_replay_engine_load_range_finish (PanoReplayEngine  *self,
                                                        GAsyncResult      *result,
                                                        GError           **error);
gint64            pano_replay_engine_get_start       (PanoReplayEngine    *self);
gint64            pano_replay_engine_get_end         (PanoReplayEngine    *self);
void              pano_replay_engine_seek_async      (PanoReplayEngine    *self,
                                                      gint64               at_ms,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean          pano_replay_engine_seek_finish     (PanoReplayEngine    *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
gboolean          pano_replay_engine_is_seeking      (PanoReplayEngine    *self);
const char       *pano_replay_engine_get_error       (PanoReplayEngine    *self);
gint64            pano_replay_engine_get_position    (PanoReplayEngine    *self);
gint64            pano_replay_engine_advance         (PanoReplayEngine    *self,
                                                      gint64               to_ms);

G_END_DECLS
