// SPDX-License-Identifier: GPL-3.0-or-later
/* The incidents of the live store as a list model of PanoIncidentRecord: the one model the
 * queue, the card and the map's clock colours read. It follows the store's `incidents` layer
 * entity by entity (the store keeps the ids that changed), so one changed incident among ten
 * thousand costs one record and one items-changed, not a rebuild. */
#define G_LOG_DOMAIN "panorama-incident"

#include "pano-incident-model.h"
#include "pano-live-classify.h"

#define LAYER "incidents"
/* Past this many changes in one flush a single reset is cheaper for every view. */
#define RESET_ABOVE 64

struct _PanoIncidentModel
{
  GObject parent_instance;

  PanoLiveStore *store;
  GPtrArray *records;       /* PanoIncidentRecord, in arrival order */
  GHashTable *by_id;        /* id → record (borrowed from records) */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PanoIncidentModel, pano_incident_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return PANO_TYPE_INCIDENT_RECORD;
}

static guint
get_n_items (GListModel *model)
{
  return PANO_INCIDENT_MODEL (model)->records->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  PanoIncidentModel *self = PANO_INCIDENT_MODEL (model);

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
pano_incident_model_dispose (GObject *object)
{
  PanoIncidentModel *self = PANO_INCIDENT_MODEL (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (pano_incident_model_parent_class)->dispose (object);
}

static void
pano_incident_model_finalize (GObject *object)
{
  PanoIncidentModel *self = PANO_INCIDENT_MODEL (object);

  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->records);
  G_OBJECT_CLASS (pano_incident_model_parent_class)->finalize (object);
}

static void
pano_incident_model_class_init (PanoIncidentModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pano_incident_model_dispose;
  object_class->finalize = pano_incident_model_finalize;
}

static void
pano_incident_model_init (PanoIncidentModel *self)
{
  self->records = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

static PanoIncidentRecord *
read_record (const char *properties)
{
  g_autoptr(GError) error = NULL;
  PanoIncidentRecord *record;

  if (properties == NULL)
    return NULL;
  if ((record = pano_incident_record_new (properties, &error)) == NULL)
    g_warning ("An incident from the hub is unreadable and left out: %s", error->message);
  return record;
}

static gboolean
add_current (PanoLiveLayer *layer,
             guint          slot,
             gpointer       user_data)
{
  PanoIncidentModel *self = user_data;
  const char *properties = pano_live_layer_get_properties (layer, slot);
  PanoIncidentRecord *old = g_hash_table_lookup (self->by_id, pano_live_layer_get_id (layer,
                                                                                       slot));
  PanoIncidentRecord *record;

  /* Keeping the old record when nothing changed keeps the card's and the rows' state. */
  if (old != NULL && g_strcmp0 (pano_incident_record_get_properties (old), properties) == 0)
    record = g_object_ref (old);
  else if ((record = read_record (properties)) == NULL)
    return TRUE;
  g_ptr_array_add (self->records, record);
  return TRUE;
}

/* Rebuilds from the layer as it is, with one items-changed for every view. */
static void
reset (PanoIncidentModel *self)
{
  g_autoptr(GPtrArray) old = g_steal_pointer (&self->records);
  guint removed = old->len;

  self->records = g_ptr_array_new_with_free_func (g_object_unref);
  pano_live_layer_foreach (pano_live_store_get_layer (self->store, LAYER), add_current, self);
  g_hash_table_remove_all (self->by_id);
  for (guint i = 0; i < self->records->len; i++)
    g_hash_table_insert (self->by_id,
                         (gpointer) pano_incident_record_get_id (self->records->pdata[i]),
                         self->records->pdata[i]);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->records->len);
}

static guint
position_of (PanoIncidentModel  *self,
             PanoIncidentRecord *record)
{
  guint position = 0;

  g_ptr_array_find (self->records, record, &position);
  return position;
}

static void
update_one (PanoIncidentModel *self,
            const char        *id)
{
  PanoLiveLayer *layer = pano_live_store_get_layer (self->store, LAYER);
  int slot = pano_live_layer_lookup (layer, id);
  PanoIncidentRecord *old = g_hash_table_lookup (self->by_id, id);
  PanoIncidentRecord *record = slot >= 0 ? read_record (pano_live_layer_get_properties (layer,
                                                                                        slot))
                                         : NULL;
  guint position;

  if (old != NULL)
    {
      position = position_of (self, old);
      g_hash_table_remove (self->by_id, id);
      if (record != NULL)
        {
          g_hash_table_insert (self->by_id, (gpointer) pano_incident_record_get_id (record),
                               record);
          g_ptr_array_index (self->records, position) = record;
          g_object_unref (old);
          g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
        }
      else
        {
          g_ptr_array_remove_index (self->records, position);
          g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
        }
    }
  else if (record != NULL)
    {
      g_hash_table_insert (self->by_id, (gpointer) pano_incident_record_get_id (record), record);
      g_ptr_array_add (self->records, record);
      g_list_model_items_changed (G_LIST_MODEL (self), self->records->len - 1, 0, 1);
    }
}

static void
on_store_changed (PanoLiveStore     *store,
                  const char        *layer,
                  PanoIncidentModel *self)
{
  gboolean replaced = FALSE;
  g_autoptr(GPtrArray) ids = pano_live_store_take_changes (store, LAYER, &replaced);

  if (replaced || ids->len > RESET_ABOVE)
    reset (self);
  else
    for (guint i = 0; i < ids->len; i++)
      update_one (self, ids->pdata[i]);
}

PanoIncidentModel *
pano_incident_model_new (PanoLiveStore *store)
{
  PanoIncidentModel *self = g_object_new (PANO_TYPE_INCIDENT_MODEL, NULL);

  self->store = g_object_ref (store);
  pano_live_store_track_changes (store, LAYER);
  g_signal_connect (store, "changed::" LAYER, G_CALLBACK (on_store_changed), self);
  reset (self);
  return self;
}

/* Returns: (transfer none) (nullable): the current record of incident @id */
PanoIncidentRecord *
pano_incident_model_lookup (PanoIncidentModel *self,
                            const char        *id)
{
  return id ? g_hash_table_lookup (self->by_id, id) : NULL;
}

/**
 * pano_incident_model_tick:
 *
 * Re-reads every stage clock at @now_ms and moves the map symbols of incidents whose clock
 * changed colour (yellow at 80 %, red past the deadline) without waiting for the hub: the
 * store announces them at its next flush, once.
 *
 * Returns: how many incidents changed colour
 */
guint
pano_incident_model_tick (PanoIncidentModel *self,
                          gint64             now_ms)
{
  PanoLiveLayer *layer = pano_live_store_get_layer (self->store, LAYER);
  guint moved = 0;

  for (guint i = 0; i < self->records->len; i++)
    {
      PanoIncidentRecord *record = self->records->pdata[i];
      int slot = pano_live_layer_lookup (layer, pano_incident_record_get_id (record));
      PanoStageClock clock;
      guint klass;

      if (slot < 0)
        continue;
      pano_incident_record_get_clock (record, now_ms, &clock);
      klass = pano_incident_class_for_clock (clock.state, pano_incident_record_is_final (record));
      if (klass == pano_live_layer_get_class (layer, slot))
        continue;
      pano_live_store_set_class (self->store, LAYER, slot, klass);
      moved++;
    }
  if (moved > 0)
    pano_live_store_flush (self->store);
  return moved;
}
