// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pano-protocol.h"

G_BEGIN_DECLS

/* One change of one layer, serialised once and shared by every subscriber's queue. */
typedef struct
{
  gatomicrefcount ref;
  PanoLayerId layer;
  guint64 seq;
  char *id;
  char *change;      /* {"op":"upsert","entity":{...}} or {"op":"remove","id":...} */
  gboolean has_bbox;
  double bbox[4];    /* lon/lat bounds of the new state */
  gboolean had_bbox;
  double old_bbox[4];
  gint64 stale_after_us;  /* of the new state; 0 for never or a remove */
} PanoHubDelta;

PanoHubDelta *pano_hub_delta_ref    (PanoHubDelta *delta);
void          pano_hub_delta_unref  (PanoHubDelta *delta);
gboolean      pano_hub_delta_in_bbox (const PanoHubDelta *delta,
                                      const double       *bbox);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PanoHubDelta, pano_hub_delta_unref)

/* Rewrites the properties of an upsert before the store keeps and sends it: how the hub keeps
 * members it owns (an alert's acknowledgement) on entities that producers keep updating.
 * Returns: (transfer full) (nullable): new properties JSON, or %NULL to keep them as they are */
typedef char *(*PanoHubStoreDecorator) (const char *id,
                                        const char *properties_json,
                                        gpointer    user_data);

#define PANO_TYPE_HUB_STORE (pano_hub_store_get_type ())
G_DECLARE_FINAL_TYPE (PanoHubStore, pano_hub_store, PANO, HUB_STORE, GObject)

PanoHubStore *pano_hub_store_new              (guint         window);
const char   *pano_hub_store_get_epoch        (PanoHubStore *self);
guint64       pano_hub_store_get_seq          (PanoHubStore *self,
                                               PanoLayerId   layer);
guint64       pano_hub_store_get_window_start (PanoHubStore *self,
                                               PanoLayerId   layer);
guint         pano_hub_store_get_n_entities   (PanoHubStore *self,
                                               PanoLayerId   layer);
guint64       pano_hub_store_get_published    (PanoHubStore *self,
                                               PanoLayerId   layer);
gboolean      pano_hub_store_has_entity       (PanoHubStore *self,
                                               PanoLayerId   layer,
                                               const char   *id);

/* @bbox is NULL for an entity without geometry. */
typedef void (*PanoHubStoreFunc) (const char   *id,
                                  const char   *entity_json,
                                  const double *bbox,
                                  gpointer      user_data);

void          pano_hub_store_foreach          (PanoHubStore *self,
                                               PanoLayerId   layer,
                                               PanoHubStoreFunc func,
                                               gpointer      user_data);
char         *pano_hub_store_dup_entity       (PanoHubStore *self,
                                               PanoLayerId   layer,
                                               const char   *id);
void          pano_hub_store_set_decorator    (PanoHubStore          *self,
                                               PanoLayerId            layer,
                                               PanoHubStoreDecorator  decorator,
                                               gpointer               user_data);
gboolean      pano_hub_store_redecorate       (PanoHubStore *self,
                                               PanoLayerId   layer,
                                               const char   *id);

void          pano_hub_store_begin_batch      (PanoHubStore *self);
void          pano_hub_store_end_batch        (PanoHubStore *self);

guint64       pano_hub_store_upsert_raw       (PanoHubStore *self,
                                               PanoLayerId   layer,
                                               const char   *id,
                                               const char   *geometry_json,
                                               const double *bbox,
                                               const char   *properties_json,
                                               gint64        stale_after_us);
guint64       pano_hub_store_remove           (PanoHubStore *self,
                                               PanoLayerId   layer,
                                               const char   *id);

GPtrArray    *pano_hub_store_snapshot         (PanoHubStore *self,
                                               PanoLayerId   layer,
                                               const double *bbox,
                                               gsize         max_frame,
                                               guint64      *seq);
GPtrArray    *pano_hub_store_deltas_after     (PanoHubStore *self,
                                               PanoLayerId   layer,
                                               guint64       after,
                                               guint64       upto);

G_END_DECLS
