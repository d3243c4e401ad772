// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-marks"

#include "pano-hub-marks.h"

/* Members the hub itself owns on the entities of one live layer — an alert's
 * `acknowledged_by`/`acknowledged_at`, the `incident` that escalates it — while a producer
 * (the simulator, an ingest client) keeps sending the entity without them. They are durable
 * (the `marks` table, written in the command's transaction) and merged into every later upsert
 * of the entity by the store's per-layer decorator, so no producer needs to know of them. */

struct _PanoHubMarks
{
  GObject parent_instance;
  PanoHubDb *db;
  PanoHubStore *store;
  PanoLayerId layer;
  GHashTable *marks;   /* id → JsonObject */
};

G_DEFINE_FINAL_TYPE (PanoHubMarks, pano_hub_marks, G_TYPE_OBJECT)

static void
pano_hub_marks_dispose (GObject *object)
{
  PanoHubMarks *self = PANO_HUB_MARKS (object);

  if (self->store != NULL)
    pano_hub_store_set_decorator (self->store, self->layer, NULL, NULL);
  g_clear_object (&self->store);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (pano_hub_marks_parent_class)->dispose (object);
}

static void
pano_hub_marks_finalize (GObject *object)
{
  g_hash_table_unref (PANO_HUB_MARKS (object)->marks);
  G_OBJECT_CLASS (pano_hub_marks_parent_class)->finalize (object);
}

static void
pano_hub_marks_class_init (PanoHubMarksClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pano_hub_marks_dispose;
  G_OBJECT_CLASS (klass)->finalize = pano_hub_marks_finalize;
}

static void
pano_hub_marks_init (PanoHubMarks *self)
{
  self->marks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) json_object_unref);
}

static void
merge (JsonObject *into,
       JsonObject *members)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, members);
  while (json_object_iter_next (&iter, &name, &value))
    json_object_set_member (into, name, json_node_copy (value));
}

static char *
decorate (const char *id,
          const char *properties_json,
          gpointer    user_data)
{
  PanoHubMarks *self = user_data;
  JsonObject *members = g_hash_table_lookup (self->marks, id);
  g_autoptr(JsonNode) node = NULL;

  if (members == NULL)
    return NULL;
  node = json_from_string (properties_json ? properties_json : "{}", NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_clear_pointer (&node, json_node_unref);
      /* take: json_node_init_object() would add a reference and leak the object */
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, json_object_new ());
    }
  merge (json_node_get_object (node), members);
  return pano_protocol_to_string (node);
}

static void
load_one (const char *id,
          const char *json,
          gpointer    user_data)
{
  PanoHubMarks *self = user_data;
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_warning ("Marks of %s in the database are unreadable; ignored", id);
      return;
    }
  g_hash_table_replace (self->marks, g_strdup (id), json_node_dup_object (node));
}

PanoHubMarks *
pano_hub_marks_new (PanoHubDb     *db,
                    PanoHubStore  *store,
                    PanoLayerId    layer,
                    GError       **error)
{
  g_autoptr(PanoHubMarks) self = g_object_new (PANO_TYPE_HUB_MARKS, NULL);

  self->db = g_object_ref (db);
  self->layer = layer;
  if (!pano_hub_db_foreach_mark (db, pano_layer_name (layer), load_one, self, error))
    return NULL;
  self->store = g_object_ref (store);
  pano_hub_store_set_decorator (store, layer, decorate, self);
  return g_steal_pointer (&self);
}

/* Returns: (nullable) (transfer none): the members kept on @id */
JsonObject *
pano_hub_marks_lookup (PanoHubMarks *self,
                       const char   *id)
{
  return g_hash_table_lookup (self->marks, id);
}

/* Stores @members (merged over what @id already has) inside the caller's transaction;
 * nothing changes in memory until pano_hub_marks_apply() after the commit. */
gboolean
pano_hub_marks_write (PanoHubMarks  *self,
                      const char    *id,
                      JsonObject    *members,
                      GError       **error)
{
  JsonObject *known = g_hash_table_lookup (self->marks, id);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *json = NULL;

  /* take: json_node_init_object() would add a reference and leak the object */
  json_node_take_object (node, json_object_new ());
  if (known != NULL)
    merge (json_node_get_object (node), known);
  merge (json_node_get_object (node), members);
  json = pano_protocol_to_string (node);
  return pano_hub_db_put_mark (self->db, pano_layer_name (self->layer), id, json, error);
}

/* Makes committed @members live: kept from now on and published on the entity at once. */
void
pano_hub_marks_apply (PanoHubMarks *self,
                      const char   *id,
                      JsonObject   *members)
{
  JsonObject *known = g_hash_table_lookup (self->marks, id);

  if (known == NULL)
    {
      known = json_object_new ();
      g_hash_table_replace (self->marks, g_strdup (id), known);
    }
  merge (known, members);
  pano_hub_store_redecorate (self->store, self->layer, id);
}
