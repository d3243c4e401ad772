// SPDX-License-Identifier: GPL-3.0-or-later
/* The store's `alerts` layer as a sorted list model of PanoAlertRecord (active first, worst
 * level first, newest first). It follows the store once per flush, never once per alert: the
 * layer is read again (a few hundred alerts; unchanged ones keep their record), sorted, and
 * compared with the previous order, so the views hear one items-changed covering only the
 * range that moved. */
#define G_LOG_DOMAIN "panorama-alerts"

#include "pano-alert-model.h"
#include "pano-mercator.h"

#define LAYER "alerts"

struct _PanoAlertModel
{
  GObject parent_instance;

  PanoLiveStore *store;
  GPtrArray *records;       /* PanoAlertRecord, in list order */
  GHashTable *by_id;        /* id → record (borrowed from records) */
  guint n_active;
  guint n_unacknowledged_top;
  guint n_updates;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PanoAlertModel, pano_alert_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return PANO_TYPE_ALERT_RECORD;
}

static guint
get_n_items (GListModel *model)
{
  return PANO_ALERT_MODEL (model)->records->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  PanoAlertModel *self = PANO_ALERT_MODEL (model);

  return position < self->records->len ? g_object_ref (self->records->pdata[position]) : NULL;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
pano_alert_model_dispose (GObject *object)
{
  PanoAlertModel *self = PANO_ALERT_MODEL (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (pano_alert_model_parent_class)->dispose (object);
}

static void
pano_alert_model_finalize (GObject *object)
{
  PanoAlertModel *self = PANO_ALERT_MODEL (object);

  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->records);
  G_OBJECT_CLASS (pano_alert_model_parent_class)->finalize (object);
}

static void
pano_alert_model_class_init (PanoAlertModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pano_alert_model_dispose;
  object_class->finalize = pano_alert_model_finalize;
}

static void
pano_alert_model_init (PanoAlertModel *self)
{
  self->records = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

/* The record for one entity: the previous one when nothing changed, else a new one that keeps
 * when the alert was first seen. */
static PanoAlertRecord *
record_for (PanoAlertModel *self,
            PanoLiveLayer  *layer,
            guint           slot)
{
  const char *id = pano_live_layer_get_id (layer, slot);
  const char *properties = pano_live_layer_get_properties (layer, slot);
  gint64 updated = pano_live_layer_get_updated (layer, slot);
  PanoAlertRecord *old = g_hash_table_lookup (self->by_id, id);
  PanoAlertRecord *record;
  guint n_coords = 0;
  double x = 0, y = 0;

  if (old != NULL && pano_alert_record_get_updated_ms (old) == updated &&
      g_strcmp0 (pano_alert_record_get_properties (old), properties) == 0)
    return g_object_ref (old);
  /* A point has no vertex array, only its position; no geometry at all counts 0. */
  pano_live_layer_get_coords (layer, slot, &n_coords);
  if (n_coords > 0)
    pano_live_layer_get_position (layer, slot, &x, &y);
  record = pano_alert_record_new (id, properties, updated, n_coords > 0,
                                  pano_mercator_lon_from_x (x), pano_mercator_lat_from_y (y));
  if (old != NULL)
    pano_alert_record_set_raised_ms (record, pano_alert_record_get_raised_ms (old));
  return record;
}

typedef struct
{
  PanoAlertModel *self;
  GPtrArray *records;
} Collect;

static gboolean
collect_record (PanoLiveLayer *layer,
                guint          slot,
                gpointer       user_data)
{
  Collect *collect = user_data;

  g_ptr_array_add (collect->records, record_for (collect->self, layer, slot));
  return TRUE;
}

static int
compare_records (gconstpointer a,
                 gconstpointer b)
{
  return pano_alert_record_compare (*(PanoAlertRecord **) a, *(PanoAlertRecord **) b);
}

static void
count (PanoAlertModel *self)
{
  self->n_active = self->n_unacknowledged_top = 0;
  for (guint i = 0; i < self->records->len; i++)
    {
      self->n_active += pano_alert_record_is_active (self->records->pdata[i]);
      self->n_unacknowledged_top += pano_alert_record_needs_attention (self->records->pdata[i]);
    }
}

/* Reads the layer again and tells the views what moved, in one items-changed. */
static void
update (PanoAlertModel *self)
{
  PanoLiveLayer *layer = pano_live_store_get_layer (self->store, LAYER);
  Collect collect = { self, g_ptr_array_new_with_free_func (g_object_unref) };
  g_autoptr(GPtrArray) old = NULL;
  guint head = 0, tail = 0;

  if (layer != NULL)
    pano_live_layer_foreach (layer, collect_record, &collect);
  g_ptr_array_sort (collect.records, compare_records);
  old = g_steal_pointer (&self->records);
  self->records = collect.records;
  g_hash_table_remove_all (self->by_id);
  for (guint i = 0; i < self->records->len; i++)
    g_hash_table_insert (self->by_id,
                         (gpointer) pano_alert_record_get_id (self->records->pdata[i]),
                         self->records->pdata[i]);
  count (self);

  while (head < old->len && head < self->records->len &&
         old->pdata[head] == self->records->pdata[head])
    head++;
  while (tail < old->len - head && tail < self->records->len - head &&
         old->pdata[old->len - 1 - tail] == self->records->pdata[self->records->len - 1 - tail])
    tail++;
  if (head == old->len && head == self->records->len)
    return;
  self->n_updates++;
  g_list_model_items_changed (G_LIST_MODEL (self), head, old->len - head - tail,
                              self->records->len - head - tail);
}

static void
on_store_changed (PanoLiveStore  *store,
                  const char     *layer,
                  PanoAlertModel *self)
{
  update (self);
}

/**
 * pano_alert_model_new:
 *
 * Returns: (transfer full): the alerts of @store, following its `changed::alerts`
 */
PanoAlertModel *
pano_alert_model_new (PanoLiveStore *store)
{
  PanoAlertModel *self = g_object_new (PANO_TYPE_ALERT_MODEL, NULL);

  self->store = g_object_ref (store);
  g_signal_connect (store, "changed::" LAYER, G_CALLBACK (on_store_changed), self);
  update (self);
  return self;
}

/* Returns: (transfer none) (nullable): the alert called @id */
PanoAlertRecord *
pano_alert_model_lookup (PanoAlertModel *self,
                         const char     *id)
{
  return g_hash_table_lookup (self->by_id, id);
}

/* Returns: how many alerts are active (not cleared) */
guint
pano_alert_model_get_n_active (PanoAlertModel *self)
{
  return self->n_active;
}

/* Returns: how many active alerts of the top levels nobody has acknowledged */
guint
pano_alert_model_get_n_unacknowledged_top (PanoAlertModel *self)
{
  return self->n_unacknowledged_top;
}

/* Returns: how many times the views were told of changes (once per flush that changed any) */
guint
pano_alert_model_get_n_updates (PanoAlertModel *self)
{
  return self->n_updates;
}
