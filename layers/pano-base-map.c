// SPDX-License-Identifier: GPL-3.0-or-later
/* The offline base map: land, the five plan cities' districts and the synthetic Shiyan
 * streets, grid cells and roads, drawn by the project's own tile renderer, plus the
 * facility sites as a layer of their own. Everything comes from data/, nothing from the
 * network. */
#define G_LOG_DOMAIN "panorama-layers"

#include "pano-base-map.h"
#include "pano-gis-loader.h"

#include <glib/gi18n-lib.h>

#define C(r, g, b, a) { (r) / 255.0, (g) / 255.0, (b) / 255.0, (a) }

static const PanoColor sea = C (170, 211, 223, 1);

static const PanoStyle land_style = {
  /* No stroke: national borders from Natural Earth are not China's standard map (标准地图),
   * so the offline base shows only land and sea. See data/base/PROVENANCE.md. */
  .fill = C (242, 239, 233, 1), .line_width = 0,
  .max_zoom = 30,
};

static const PanoStyle district_style = {
  .fill = C (236, 232, 224, 1), .stroke = C (150, 120, 170, 1), .line_width = 1.4,
  .max_zoom = 30, .label_field = "name", .label_min_zoom = 8, .label_size = 14,
  .label_color = C (80, 60, 100, 1),
};

static const PanoStyle street_style = {
  .stroke = C (185, 168, 200, 1), .line_width = 0.8, .min_zoom = 11, .max_zoom = 30,
  .label_field = "name", .label_min_zoom = 13, .label_size = 11,
  .label_color = C (110, 90, 130, 1),
};

static const PanoStyle grid_style = {
  .stroke = C (205, 196, 215, 1), .line_width = 0.5, .min_zoom = 13, .max_zoom = 30,
  .label_field = "name", .label_min_zoom = 16, .label_size = 10,
  .label_color = C (140, 120, 150, 1),
};

static const PanoStyle road_style = {
  .stroke = C (255, 255, 255, 1), .line_width = 1, .min_zoom = 8, .max_zoom = 30,
  .label_field = "name", .label_min_zoom = 15, .label_size = 11,
  .label_color = C (60, 60, 60, 1),
  .class_field = "class", .n_classes = 3,
  .classes = {
    { "arterial", C (247, 200, 115, 1), C (212, 154, 58, 1), 4, 8 },
    { "secondary", C (255, 255, 255, 1), C (190, 182, 168, 1), 3, 11 },
    { "local", C (255, 255, 255, 1), C (214, 208, 198, 1), 1.5, 13 },
  },
};

static const PanoStyle facility_style = {
  .fill = C (214, 92, 40, 1), .stroke = C (214, 92, 40, 1), .point_radius = 4,
  .min_zoom = 11, .max_zoom = 30,
  .label_field = "name", .label_min_zoom = 16, .label_size = 11,
  .label_color = C (150, 60, 20, 1),
};

typedef struct
{
  const char *file;
  const char *layer;
  const PanoStyle *style;
} Part;

static const Part base_parts[] = {
  { "base.gpkg", "land", &land_style },
  { "cities.gpkg", "districts", &district_style },
  { "shiyan.gpkg", "grid_cells", &grid_style },
  { "shiyan.gpkg", "streets", &street_style },
  { "shiyan.gpkg", "roads", &road_style },
};

/**
 * pano_base_map_find_data_dir:
 *
 * Returns: the folder holding the demo data: $PANORAMA_DATA_DIR, the installed data, or the
 *   source tree's data/ when running from a build directory
 */
char *
pano_base_map_find_data_dir (void)
{
  const char *env = g_getenv ("PANORAMA_DATA_DIR");
  g_autofree char *installed = g_build_filename (PANO_DATADIR, "cities.gpkg", NULL);

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if (g_file_test (installed, G_FILE_TEST_EXISTS))
    return g_strdup (PANO_DATADIR);
  return g_strdup (PANO_SOURCE_DATADIR);
}

static PanoGisLayer *
find_layer (GHashTable  *files,
            const char  *data_dir,
            const char  *file,
            const char  *name,
            GCancellable *cancellable,
            GError     **error)
{
  GPtrArray *layers = g_hash_table_lookup (files, file);

  if (layers == NULL)
    {
      g_autofree char *path = g_build_filename (data_dir, file, NULL);
      g_autoptr(PanoGisLoader) loader = pano_gis_loader_new (path);

      layers = pano_gis_loader_load (loader, cancellable, error);
      if (layers == NULL)
        return NULL;
      g_hash_table_insert (files, (char *)file, layers);
    }
  for (guint i = 0; i < layers->len; i++)
    if (g_strcmp0 (pano_gis_layer_get_name (g_ptr_array_index (layers, i)), name) == 0)
      return g_ptr_array_index (layers, i);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               "The demo data file “%s” has no layer “%s”", file, name);
  return NULL;
}

/**
 * pano_base_map_load:
 *
 * Reads the demo data synchronously (safe in a worker thread).
 *
 * Returns: (transfer full) (element-type PanoStaticLayer): the base map, then the facilities
 */
GPtrArray *
pano_base_map_load (const char    *data_dir,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GHashTable) files =
    g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
  g_autoptr(PanoStaticLayer) base = pano_static_layer_new (_("Base map (offline)"));
  g_autoptr(PanoStaticLayer) facilities = pano_static_layer_new (_("Facilities (synthetic)"));
  GPtrArray *result;
  PanoGisLayer *layer;

  pano_static_layer_set_background (base, &sea);
  for (guint i = 0; i < G_N_ELEMENTS (base_parts); i++)
    {
      layer = find_layer (files, data_dir, base_parts[i].file, base_parts[i].layer,
                          cancellable, error);
      if (layer == NULL)
        return NULL;
      pano_static_layer_add (base, layer, base_parts[i].style);
    }

  layer = find_layer (files, data_dir, "shiyan.gpkg", "facilities", cancellable, error);
  if (layer == NULL)
    return NULL;
  pano_static_layer_add (facilities, layer, &facility_style);

  result = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (result, g_steal_pointer (&base));
  g_ptr_array_add (result, g_steal_pointer (&facilities));
  return result;
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *layers = pano_base_map_load (task_data, cancellable, &error);

  if (layers == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, layers, (GDestroyNotify)g_ptr_array_unref);
}

void
pano_base_map_load_async (const char          *data_dir,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, pano_base_map_load_async);
  g_task_set_task_data (task, g_strdup (data_dir), g_free);
  g_task_run_in_thread (task, load_in_thread);
}

/**
 * pano_base_map_load_finish:
 *
 * Returns: (transfer full) (element-type PanoStaticLayer):
 */
GPtrArray *
pano_base_map_load_finish (GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
