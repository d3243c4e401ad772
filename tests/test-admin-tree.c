// SPDX-License-Identifier: GPL-3.0-or-later
/* The grid tree 市 › 区 › 街道 › 网格 of the demo city, checked against what SQL over the same
 * GeoPackage says: the names and counts at each level, the bounds of each street, numbered
 * cells in numeric order, and every cell found again from a point inside it. */
#include "pano-admin-tree.h"
#include "pano-gis-loader.h"
#include "pano-mercator.h"

#include <gdal.h>
#include <ogr_api.h>
#include <string.h>

static PanoGisLayer *cells;
static GDALDatasetH dataset;

static char *
gpkg_path (void)
{
  return g_build_filename (g_getenv ("PANORAMA_DATA_DIR"), "shiyan.gpkg", NULL);
}

static void
load_cells (void)
{
  g_autofree char *path = gpkg_path ();
  g_autoptr(PanoGisLoader) loader = pano_gis_loader_new (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) layers = pano_gis_loader_load (loader, NULL, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < layers->len; i++)
    if (g_str_equal (pano_gis_layer_get_name (layers->pdata[i]), "grid_cells"))
      cells = g_object_ref (layers->pdata[i]);
  g_assert_nonnull (cells);
  dataset = GDALOpenEx (path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  g_assert_nonnull (dataset);
}

/* Rows of an SQL query on the GeoPackage, each a GStrv of its fields as text. */
static GPtrArray *
query (const char *sql)
{
  OGRLayerH result = GDALDatasetExecuteSQL (dataset, sql, NULL, NULL);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  OGRFeatureH f;

  g_assert_nonnull (result);
  while ((f = OGR_L_GetNextFeature (result)) != NULL)
    {
      int n = OGR_F_GetFieldCount (f);
      char **row = g_new0 (char *, n + 1);

      for (int i = 0; i < n; i++)
        row[i] = g_strdup (OGR_F_GetFieldAsString (f, i));
      g_ptr_array_add (rows, row);
      OGR_F_Destroy (f);
    }
  GDALDatasetReleaseResultSet (dataset, result);
  return rows;
}

static void
test_levels (void)
{
  g_autoptr(PanoAdminTree) tree = pano_admin_tree_new (cells);
  g_autoptr(GPtrArray) districts = query ("SELECT substr(code, 1, 13), district, count(*) "
                                          "FROM grid_cells GROUP BY 1 ORDER BY 1");
  g_autoptr(GPtrArray) children = pano_admin_tree_list_children (tree, "");

  g_assert_cmpstr (pano_admin_tree_get_name (tree, ""), ==, "十堰市");
  g_assert_cmpstr (pano_admin_tree_get_name (tree, NULL), ==, "十堰市");
  g_assert_cmpstr (pano_admin_tree_get_name (tree, "420300"), ==, "十堰市");
  g_assert_cmpuint (pano_admin_tree_get_level (tree, ""), ==, PANO_ADMIN_LEVEL_CITY);
  g_assert_cmpuint (pano_admin_tree_get_n_cells (tree), ==, pano_gis_layer_get_n_features (cells));

  g_assert_cmpuint (children->len, ==, districts->len);
  g_assert_cmpuint (districts->len, ==, 2);
  for (guint i = 0; i < districts->len; i++)
    {
      char **row = districts->pdata[i];
      g_autoptr(GPtrArray) streets = pano_admin_tree_list_children (tree, row[0]);
      g_autofree char *sql = g_strdup_printf ("SELECT count(DISTINCT substr(code, 1, 17)) "
                                              "FROM grid_cells WHERE code LIKE '%s-%%'", row[0]);
      g_autoptr(GPtrArray) n_streets = query (sql);
      g_autofree char *parent = pano_admin_tree_get_parent (tree, row[0]);

      g_assert_true (g_ptr_array_find_with_equal_func (children, row[0], g_str_equal, NULL));
      g_assert_cmpstr (pano_admin_tree_get_name (tree, row[0]), ==, row[1]);
      g_assert_cmpuint (pano_admin_tree_get_level (tree, row[0]), ==, PANO_ADMIN_LEVEL_DISTRICT);
      g_assert_cmpstr (parent, ==, "");
      g_assert_cmpuint (streets->len, ==, atoi (((char **) n_streets->pdata[0])[0]));
    }
  g_assert_null (pano_admin_tree_get_name (tree, "420300-999999"));
  g_assert_cmpuint (pano_admin_tree_get_level (tree, "nonsense"), ==, PANO_ADMIN_LEVEL_NONE);
  g_assert_null (pano_admin_tree_get_parent (tree, ""));
}

static void
test_streets (void)
{
  g_autoptr(PanoAdminTree) tree = pano_admin_tree_new (cells);
  g_autoptr(GPtrArray) streets = query (
    "SELECT substr(code, 1, 17), street, count(*), min(ST_MinX(geom)), min(ST_MinY(geom)), "
    "max(ST_MaxX(geom)), max(ST_MaxY(geom)) FROM grid_cells GROUP BY 1");

  g_assert_cmpuint (streets->len, ==, 12);
  for (guint i = 0; i < streets->len; i++)
    {
      char **row = streets->pdata[i];
      g_autoptr(GPtrArray) children = pano_admin_tree_list_children (tree, row[0]);
      g_autofree char *parent = pano_admin_tree_get_parent (tree, row[0]);
      double b[4];

      g_assert_cmpstr (pano_admin_tree_get_name (tree, row[0]), ==, row[1]);
      g_assert_cmpuint (pano_admin_tree_get_level (tree, row[0]), ==, PANO_ADMIN_LEVEL_STREET);
      g_assert_true (strncmp (parent, row[0], 13) == 0 && strlen (parent) == 13);
      g_assert_cmpuint (children->len, ==, atoi (row[2]));
      g_assert_true (pano_admin_tree_get_bounds (tree, row[0], &b[0], &b[1], &b[2], &b[3]));
      for (guint k = 0; k < 4; k++)
        g_assert_cmpfloat_with_epsilon (b[k], g_ascii_strtod (row[3 + k], NULL), 1e-9);
      for (guint k = 0; k < children->len; k++)
        g_assert_cmpuint (pano_admin_tree_get_level (tree, children->pdata[k]), ==,
                          PANO_ADMIN_LEVEL_CELL);
    }
}

/* The number in 凤凰街道第12网格. */
static int
cell_number (const char *name)
{
  const char *di = strstr (name, "第");

  g_assert_nonnull (di);
  return atoi (di + strlen ("第"));
}

static void
test_cells_in_numeric_order (void)
{
  g_autoptr(PanoAdminTree) tree = pano_admin_tree_new (cells);
  g_autoptr(GPtrArray) districts = pano_admin_tree_list_children (tree, "");
  g_autoptr(GPtrArray) streets = pano_admin_tree_list_children (tree, districts->pdata[0]);
  guint checked = 0;

  for (guint s = 0; s < streets->len; s++)
    {
      g_autoptr(GPtrArray) children = pano_admin_tree_list_children (tree, streets->pdata[s]);

      for (guint i = 1; i < children->len; i++)
        {
          g_assert_cmpint (cell_number (pano_admin_tree_get_name (tree, children->pdata[i - 1])),
                           <, cell_number (pano_admin_tree_get_name (tree, children->pdata[i])));
          checked++;
        }
    }
  g_assert_cmpuint (checked, >, 100);
}

/* Every cell found again from a point inside it (GDAL's point on surface). */
static void
test_locate (void)
{
  g_autoptr(PanoAdminTree) tree = pano_admin_tree_new (cells);
  OGRLayerH layer = GDALDatasetGetLayerByName (dataset, "grid_cells");
  OGRFeatureH f;
  guint n = 0;

  OGR_L_ResetReading (layer);
  while ((f = OGR_L_GetNextFeature (layer)) != NULL)
    {
      const char *code = OGR_F_GetFieldAsString (f, OGR_F_GetFieldIndex (f, "code"));
      OGRGeometryH point = OGR_G_PointOnSurface (OGR_F_GetGeometryRef (f));
      g_autofree char *cell = pano_admin_tree_locate (tree, OGR_G_GetX (point, 0),
                                                      OGR_G_GetY (point, 0), PANO_ADMIN_LEVEL_CELL);
      g_autofree char *street = pano_admin_tree_locate (tree, OGR_G_GetX (point, 0),
                                                        OGR_G_GetY (point, 0),
                                                        PANO_ADMIN_LEVEL_STREET);
      g_autofree char *city = pano_admin_tree_locate (tree, OGR_G_GetX (point, 0),
                                                      OGR_G_GetY (point, 0), PANO_ADMIN_LEVEL_CITY);

      g_assert_cmpstr (cell, ==, code);
      g_assert_true (strlen (street) == 17 && strncmp (street, code, 17) == 0);
      g_assert_cmpstr (city, ==, "");
      OGR_G_DestroyGeometry (point);
      OGR_F_Destroy (f);
      n++;
    }
  g_assert_cmpuint (n, ==, 1530);
  /* Beijing is in no cell of Shiyan. */
  g_assert_null (pano_admin_tree_locate (tree, 116.39, 39.91, PANO_ADMIN_LEVEL_DISTRICT));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  GDALAllRegister ();
  load_cells ();
  g_test_add_func ("/admin-tree/levels", test_levels);
  g_test_add_func ("/admin-tree/streets", test_streets);
  g_test_add_func ("/admin-tree/cells-in-numeric-order", test_cells_in_numeric_order);
  g_test_add_func ("/admin-tree/locate", test_locate);
  status = g_test_run ();
  GDALClose (dataset);
  g_object_unref (cells);
  return status;
}
