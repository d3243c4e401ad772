// SPDX-License-Identifier: GPL-3.0-or-later
/* The city's four-level grid, 市 › 区 › 街道 › 网格, read from the grid-cell layer (one feature
 * per cell with `code` 420300-420302-001-0001, `city`, `district`, `street` and `name`). Each
 * level is named by its code prefix: "" (or the city's own code) the city, 420300-420302 a
 * district, 420300-420302-001 a street, the full code a cell; the same prefixes the hub's
 * KPIs and the incident queue scope by. Built once; read-only afterwards. */
#define G_LOG_DOMAIN "panorama-core"

#include "pano-admin-tree.h"
#include "pano-mercator.h"

typedef struct _Node Node;

struct _Node
{
  char *prefix;
  char *name;
  char *sort_key;
  guint level;
  double min_x, min_y, max_x, max_y;    /* world units */
  GPtrArray *children;                  /* Node, borrowed; sorted once built */
};

struct _PanoAdminTree
{
  GObject parent_instance;

  PanoGisLayer *cells;
  GHashTable *nodes;        /* prefix → Node (owned) */
  Node *root;
  char *city_code;          /* the first part of every code, another name of the root */
  GPtrArray *cell_codes;    /* per feature of @cells, NULL when it has no usable code */
  guint n_cells;
};

G_DEFINE_FINAL_TYPE (PanoAdminTree, pano_admin_tree, G_TYPE_OBJECT)

static void
node_free (Node *node)
{
  g_free (node->prefix);
  g_free (node->name);
  g_free (node->sort_key);
  g_ptr_array_unref (node->children);
  g_free (node);
}

static Node *
node_new (const char *prefix,
          guint       level)
{
  Node *node = g_new0 (Node, 1);

  node->prefix = g_strdup (prefix);
  node->level = level;
  node->min_x = node->min_y = G_MAXDOUBLE;
  node->max_x = node->max_y = -G_MAXDOUBLE;
  node->children = g_ptr_array_new ();
  return node;
}

static void
pano_admin_tree_finalize (GObject *object)
{
  PanoAdminTree *self = PANO_ADMIN_TREE (object);

  g_clear_object (&self->cells);
  g_hash_table_unref (self->nodes);
  g_free (self->city_code);
  g_ptr_array_unref (self->cell_codes);
  G_OBJECT_CLASS (pano_admin_tree_parent_class)->finalize (object);
}

static void
pano_admin_tree_class_init (PanoAdminTreeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pano_admin_tree_finalize;
}

static void
pano_admin_tree_init (PanoAdminTree *self)
{
  self->nodes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) node_free);
  self->root = node_new ("", PANO_ADMIN_LEVEL_CITY);
  g_hash_table_insert (self->nodes, self->root->prefix, self->root);
  self->cell_codes = g_ptr_array_new_with_free_func (g_free);
}

static void
node_extend (Node               *node,
             const PanoGeometry *geometry)
{
  /* Part offsets index the layer's shared coordinate array. */
  guint end = geometry->part_starts[geometry->n_parts];

  for (guint i = geometry->part_starts[0]; i < end; i++)
    {
      node->min_x = MIN (node->min_x, geometry->coords[2 * i]);
      node->max_x = MAX (node->max_x, geometry->coords[2 * i]);
      node->min_y = MIN (node->min_y, geometry->coords[2 * i + 1]);
      node->max_y = MAX (node->max_y, geometry->coords[2 * i + 1]);
    }
}

/* The node for the first @level + 1 parts of @parts, created under @parent if new. */
static Node *
ensure_node (PanoAdminTree *self,
             Node          *parent,
             char         **parts,
             guint          level,
             const char    *name)
{
  g_autofree char *prefix = NULL;
  char *saved = parts[level + 1];
  Node *node;

  parts[level + 1] = NULL;
  prefix = g_strjoinv ("-", parts);
  parts[level + 1] = saved;
  if ((node = g_hash_table_lookup (self->nodes, prefix)) != NULL)
    return node;
  node = node_new (prefix, level);
  node->name = g_strdup (name != NULL && name[0] != '\0' ? name : prefix);
  g_hash_table_insert (self->nodes, node->prefix, node);
  g_ptr_array_add (parent->children, node);
  return node;
}

static const char *
field (PanoAdminTree *self,
       guint          feature,
       int            index)
{
  return index >= 0 ? pano_gis_layer_get_value (self->cells, feature, index) : NULL;
}

/* Adds one cell and the district and street above it; FALSE when its code is not 市-区-街道-网格. */
static gboolean
add_cell (PanoAdminTree *self,
          guint          feature,
          const int     *fields)
{
  const char *code = field (self, feature, fields[0]);
  g_auto(GStrv) parts = code ? g_strsplit (code, "-", -1) : NULL;
  Node *node = self->root;
  PanoGeometry geometry;

  if (parts == NULL || g_strv_length (parts) != 4)
    return FALSE;
  if (self->city_code == NULL)
    {
      const char *city = field (self, feature, fields[1]);

      self->city_code = g_strdup (parts[0]);
      self->root->name = g_strdup (city != NULL && city[0] != '\0' ? city : parts[0]);
    }
  else if (!g_str_equal (self->city_code, parts[0]))
    return FALSE;
  pano_gis_layer_get_geometry (self->cells, feature, &geometry);
  node_extend (self->root, &geometry);
  for (guint level = PANO_ADMIN_LEVEL_DISTRICT; level <= PANO_ADMIN_LEVEL_CELL; level++)
    {
      node = ensure_node (self, node, parts, level, field (self, feature, fields[level + 1]));
      node_extend (node, &geometry);
    }
  return TRUE;
}

static int
compare_nodes (gconstpointer a,
               gconstpointer b)
{
  const Node *x = *(Node **) a, *y = *(Node **) b;
  int order = strcmp (x->sort_key, y->sort_key);

  return order != 0 ? order : strcmp (x->prefix, y->prefix);
}

static void
sort_children (PanoAdminTree *self)
{
  GHashTableIter iter;
  Node *node;

  /* Names for people: 第2网格 before 第10网格. */
  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    node->sort_key = g_utf8_collate_key_for_filename (node->name ? node->name : "", -1);
  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    g_ptr_array_sort (node->children, compare_nodes);
}

/**
 * pano_admin_tree_new:
 * @cells: the grid-cell layer (`grid_cells` of data/shiyan.gpkg)
 *
 * Cells whose code is not four dash-separated parts of one city are left out (with a
 * warning); a layer without them gives a tree of the city alone.
 *
 * Returns: (transfer full): the tree
 */
PanoAdminTree *
pano_admin_tree_new (PanoGisLayer *cells)
{
  static const char *const names[] = { "code", "city", "district", "street", "name" };
  PanoAdminTree *self;
  int fields[G_N_ELEMENTS (names)];
  guint n, skipped = 0;

  g_return_val_if_fail (PANO_IS_GIS_LAYER (cells), NULL);
  self = g_object_new (PANO_TYPE_ADMIN_TREE, NULL);
  self->cells = g_object_ref (cells);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    fields[i] = pano_gis_layer_find_field (cells, names[i]);
  n = pano_gis_layer_get_n_features (cells);
  for (guint i = 0; i < n; i++)
    {
      gboolean added = add_cell (self, i, fields);

      g_ptr_array_add (self->cell_codes, added ? g_strdup (field (self, i, fields[0])) : NULL);
      added ? self->n_cells++ : skipped++;
    }
  if (skipped > 0)
    g_warning ("%s: %u of %u grid cells have no code of the form 市-区-街道-网格 and are left "
               "out of the grid tree", pano_gis_layer_get_title (cells), skipped, n);
  if (self->root->name == NULL)
    self->root->name = g_strdup (pano_gis_layer_get_title (cells));
  sort_children (self);
  return self;
}

static Node *
lookup (PanoAdminTree *self,
        const char    *prefix)
{
  if (prefix == NULL || prefix[0] == '\0' || g_strcmp0 (prefix, self->city_code) == 0)
    return self->root;
  return g_hash_table_lookup (self->nodes, prefix);
}

/**
 * pano_admin_tree_get_name:
 * @prefix: (nullable): a code prefix; "" or %NULL for the whole city
 *
 * Returns: (nullable): the area's name (十堰市, 茅箭区, 凤凰街道, 凤凰街道第1网格), %NULL when
 *   the tree does not know @prefix
 */
const char *
pano_admin_tree_get_name (PanoAdminTree *self,
                          const char    *prefix)
{
  Node *node = lookup (self, prefix);

  return node ? node->name : NULL;
}

/* Returns: the level of @prefix (PANO_ADMIN_LEVEL_CITY … _CELL), or PANO_ADMIN_LEVEL_NONE */
guint
pano_admin_tree_get_level (PanoAdminTree *self,
                           const char    *prefix)
{
  Node *node = lookup (self, prefix);

  return node ? node->level : PANO_ADMIN_LEVEL_NONE;
}

/**
 * pano_admin_tree_get_bounds:
 *
 * The bounding box of the area's cells, in degrees.
 *
 * Returns: %FALSE when @prefix is unknown or has no cells
 */
gboolean
pano_admin_tree_get_bounds (PanoAdminTree *self,
                            const char    *prefix,
                            double        *min_lon,
                            double        *min_lat,
                            double        *max_lon,
                            double        *max_lat)
{
  Node *node = lookup (self, prefix);

  if (node == NULL || node->min_x > node->max_x)
    return FALSE;
  *min_lon = pano_mercator_lon_from_x (node->min_x);
  *max_lon = pano_mercator_lon_from_x (node->max_x);
  /* World y grows south. */
  *min_lat = pano_mercator_lat_from_y (node->max_y);
  *max_lat = pano_mercator_lat_from_y (node->min_y);
  return TRUE;
}

/**
 * pano_admin_tree_list_children:
 *
 * Returns: (transfer full) (element-type utf8): the prefixes one level below @prefix, sorted
 *   by name (numbers in names in numeric order); empty for a cell or an unknown prefix
 */
GPtrArray *
pano_admin_tree_list_children (PanoAdminTree *self,
                               const char    *prefix)
{
  Node *node = lookup (self, prefix);
  GPtrArray *children = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; node != NULL && i < node->children->len; i++)
    g_ptr_array_add (children, g_strdup (((Node *) node->children->pdata[i])->prefix));
  return children;
}

/**
 * pano_admin_tree_get_parent:
 *
 * Returns: (transfer full) (nullable): the prefix one level up ("" for a district), %NULL for
 *   the city or an unknown prefix
 */
char *
pano_admin_tree_get_parent (PanoAdminTree *self,
                            const char    *prefix)
{
  Node *node = lookup (self, prefix);
  const char *dash;

  if (node == NULL || node == self->root)
    return NULL;
  if (node->level == PANO_ADMIN_LEVEL_DISTRICT)
    return g_strdup ("");
  dash = strrchr (node->prefix, '-');
  return g_strndup (node->prefix, dash - node->prefix);
}

/* The first @level + 1 parts of @code; "" for the city. */
static char *
code_prefix (const char *code,
             guint       level)
{
  const char *end = code;

  if (level == PANO_ADMIN_LEVEL_CITY)
    return g_strdup ("");
  for (guint parts = 0; *end != '\0'; end++)
    if (*end == '-' && parts++ == level)
      break;
  return g_strndup (code, end - code);
}

/**
 * pano_admin_tree_locate:
 * @level: PANO_ADMIN_LEVEL_CITY … PANO_ADMIN_LEVEL_CELL
 *
 * Returns: (transfer full) (nullable): the prefix at @level of the cell containing the point
 *   ("" at the city level), %NULL when no cell contains it
 */
char *
pano_admin_tree_locate (PanoAdminTree *self,
                        double         lon,
                        double         lat,
                        guint          level)
{
  int feature;
  const char *code;

  g_return_val_if_fail (level <= PANO_ADMIN_LEVEL_CELL, NULL);
  feature = pano_gis_layer_hit_test (self->cells, pano_mercator_x_from_lon (lon),
                                     pano_mercator_y_from_lat (lat), 0);
  if (feature < 0 || (code = self->cell_codes->pdata[feature]) == NULL)
    return NULL;
  return code_prefix (code, level);
}

/* Returns: how many cells the tree holds */
guint
pano_admin_tree_get_n_cells (PanoAdminTree *self)
{
  return self->n_cells;
}
