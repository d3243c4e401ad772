// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "pano-alert-record.h"
#include "pano-live-store.h"

G_BEGIN_DECLS

#define PANO_TYPE_ALERT_MODEL (pano_alert_model_get_type ())
G_DECLARE_FINAL_TYPE (PanoAlertModel, pano_alert_model, PANO, ALERT_MODEL, GObject)

PanoAlertModel  *pano_alert_model_new        (PanoLiveStore  *store);
PanoAlertRecord *pano_alert_model_lookup     (PanoAlertModel *self,
                                              const char     *id);
guint            pano_alert_model_get_n_active (PanoAlertModel *self);
guint            pano_alert_model_get_n_unacknowledged_top (PanoAlertModel *self);
guint            pano_alert_model_get_n_updates (PanoAlertModel *self);

G_END_DECLS
