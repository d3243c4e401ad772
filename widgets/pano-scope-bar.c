// SPDX-License-Identifier: GPL-3.0-or-later
/* The breadcrumb of the area the console is scoped to, 十堰市 › 茅箭区 › 凤凰街道 › 第1网格: each
 * crumb above the current one goes back up to it; the current one opens a list of the areas
 * one level down (filterable: a street has up to a few hundred cells). Backspace or Alt+Up
 * goes one level up. The window follows `scope` to zoom the map and scope the queue and
 * the KPIs. */
#define G_LOG_DOMAIN "panorama-widgets"

#include "pano-scope-bar.h"
#include "pano-panel-style.h"

#include <glib/gi18n-lib.h>

struct _PanoScopeBar
{
  GtkBox parent_instance;

  GtkBox *parents_box;
  GtkMenuButton *current_button;
  GtkLabel *current_label;
  GtkPopover *children_popover;
  GtkLabel *popover_title;
  GtkSearchEntry *search_entry;
  GtkListBox *children_list;

  PanoAdminTree *tree;
  char *scope;              /* "" for the whole city */
  char *listed_for;         /* the scope children_list was filled for */
};

enum {
  PROP_0,
  PROP_SCOPE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PanoScopeBar, pano_scope_bar, GTK_TYPE_BOX)

/* What the list one level below an area is called, for its title. */
static char *
children_title (PanoScopeBar *self)
{
  const char *name = pano_admin_tree_get_name (self->tree, self->scope);

  switch (pano_admin_tree_get_level (self->tree, self->scope))
    {
    case PANO_ADMIN_LEVEL_CITY:
      return g_strdup_printf (_("Districts of %s"), name);
    case PANO_ADMIN_LEVEL_DISTRICT:
      return g_strdup_printf (_("Streets and towns of %s"), name);
    default:
      return g_strdup_printf (_("Grid cells of %s"), name);
    }
}

static GtkWidget *
new_separator (void)
{
  GtkWidget *label = gtk_label_new ("›");

  gtk_widget_add_css_class (label, "dim-label");
  gtk_accessible_update_state (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  return label;
}

static GtkWidget *
new_crumb (PanoScopeBar *self,
           const char   *prefix)
{
  const char *name = pano_admin_tree_get_name (self->tree, prefix);
  GtkWidget *button = gtk_button_new_with_label (name);
  g_autofree char *tooltip = g_strdup_printf (_("Show all of %s"), name);

  gtk_label_set_ellipsize (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))),
                           PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "scope.go");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", prefix);
  return button;
}

static void
rebuild_crumbs (PanoScopeBar *self)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) children = pano_admin_tree_list_children (self->tree, self->scope);
  const char *name = pano_admin_tree_get_name (self->tree, self->scope);
  GtkWidget *child;
  char *up = pano_admin_tree_get_parent (self->tree, self->scope);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->parents_box))) != NULL)
    gtk_box_remove (self->parents_box, child);
  for (; up != NULL; up = pano_admin_tree_get_parent (self->tree, up))
    g_ptr_array_insert (chain, 0, up);
  for (guint i = 0; i < chain->len; i++)
    {
      gtk_box_append (self->parents_box, new_crumb (self, chain->pdata[i]));
      gtk_box_append (self->parents_box, new_separator ());
    }

  /* A cell has nothing below it: its crumb is a plain label. */
  gtk_menu_button_set_label (self->current_button, name);
  gtk_label_set_label (self->current_label, name);
  gtk_widget_set_visible (GTK_WIDGET (self->current_button), children->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->current_label), children->len == 0);
  if (children->len > 0)
    {
      g_autofree char *title = children_title (self);
      g_autofree char *tooltip = g_strdup_printf (_("%s — choose an area inside it"), title);

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->current_button), tooltip);
    }
}

static void
pano_scope_bar_dispose (GObject *object)
{
  PanoScopeBar *self = PANO_SCOPE_BAR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PANO_TYPE_SCOPE_BAR);
  g_clear_object (&self->tree);
  G_OBJECT_CLASS (pano_scope_bar_parent_class)->dispose (object);
}

static void
pano_scope_bar_finalize (GObject *object)
{
  PanoScopeBar *self = PANO_SCOPE_BAR (object);

  g_free (self->scope);
  g_free (self->listed_for);
  G_OBJECT_CLASS (pano_scope_bar_parent_class)->finalize (object);
}

static void
pano_scope_bar_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PanoScopeBar *self = PANO_SCOPE_BAR (object);

  switch (prop_id)
    {
    case PROP_SCOPE:
      g_value_set_string (value, self->scope);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pano_scope_bar_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  PanoScopeBar *self = PANO_SCOPE_BAR (object);

  switch (prop_id)
    {
    case PROP_SCOPE:
      pano_scope_bar_set_scope (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* ---- the list one level down ---- */

static GtkWidget *
new_child_row (PanoScopeBar *self,
               const char   *prefix)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (pano_admin_tree_get_name (self->tree, prefix));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  g_object_set_data_full (G_OBJECT (row), "prefix", g_strdup (prefix), g_free);
  return row;
}

/* Filled when opened, not on every scope change: a street lists a few hundred cells. */
static void
on_popover_show (PanoScopeBar *self)
{
  g_autoptr(GPtrArray) children = NULL;
  g_autofree char *title = NULL;
  GtkWidget *row;

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  if (g_strcmp0 (self->listed_for, self->scope) == 0)
    return;
  g_free (self->listed_for);
  self->listed_for = g_strdup (self->scope);
  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->children_list))) != NULL)
    gtk_list_box_remove (self->children_list, row);
  children = pano_admin_tree_list_children (self->tree, self->scope);
  for (guint i = 0; i < children->len; i++)
    gtk_list_box_append (self->children_list, new_child_row (self, children->pdata[i]));
  title = children_title (self);
  gtk_label_set_label (self->popover_title, title);
  /* Only a long list needs the filter. */
  gtk_widget_set_visible (GTK_WIDGET (self->search_entry), children->len > 12);
}

static gboolean
row_matches (GtkListBoxRow *row,
             gpointer       user_data)
{
  PanoScopeBar *self = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  GtkLabel *label = GTK_LABEL (gtk_list_box_row_get_child (row));
  g_autofree char *needle = NULL;
  g_autofree char *name = NULL;

  if (text == NULL || text[0] == '\0')
    return TRUE;
  needle = g_utf8_casefold (text, -1);
  name = g_utf8_casefold (gtk_label_get_label (label), -1);
  return strstr (name, needle) != NULL;
}

static void
on_search_changed (PanoScopeBar *self)
{
  gtk_list_box_invalidate_filter (self->children_list);
}

static void
on_row_activated (PanoScopeBar  *self,
                  GtkListBoxRow *row)
{
  g_autofree char *prefix = g_strdup (g_object_get_data (G_OBJECT (row), "prefix"));

  gtk_popover_popdown (self->children_popover);
  pano_scope_bar_set_scope (self, prefix);
}

/* Enter in the filter takes the first area that matches. */
static void
on_search_activate (PanoScopeBar *self)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->children_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && row_matches (GTK_LIST_BOX_ROW (row), self))
      {
        on_row_activated (self, GTK_LIST_BOX_ROW (row));
        return;
      }
}

/* ---- actions ---- */

static void
go_action (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  pano_scope_bar_set_scope (PANO_SCOPE_BAR (widget), g_variant_get_string (parameter, NULL));
}

static void
up_action (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  pano_scope_bar_go_up (PANO_SCOPE_BAR (widget));
}

static void
pano_scope_bar_class_init (PanoScopeBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pano_scope_bar_dispose;
  object_class->finalize = pano_scope_bar_finalize;
  object_class->get_property = pano_scope_bar_get_property;
  object_class->set_property = pano_scope_bar_set_property;

  /**
   * PanoScopeBar:scope:
   *
   * The code prefix of the area shown: "" for the whole city, 420300-420302 for a district,
   * and so on down to a cell's full code. Notified only when it changes.
   */
  properties[PROP_SCOPE] =
    g_param_spec_string ("scope", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/panorama/Panorama/ui/pano-scope-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, PanoScopeBar, parents_box);
  gtk_widget_class_bind_template_child (widget_class, PanoScopeBar, current_button);
  gtk_widget_class_bind_template_child (widget_class, PanoScopeBar, current_label);
  gtk_widget_class_bind_template_child (widget_class, PanoScopeBar, children_popover);
  gtk_widget_class_bind_template_child (widget_class, PanoScopeBar, popover_title);
  gtk_widget_class_bind_template_child (widget_class, PanoScopeBar, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PanoScopeBar, children_list);
  gtk_widget_class_bind_template_callback (widget_class, on_popover_show);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);

  gtk_widget_class_install_action (widget_class, "scope.go", "s", go_action);
  gtk_widget_class_install_action (widget_class, "scope.up", NULL, up_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "scope.up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "scope.up", NULL);
}

static void
pano_scope_bar_init (PanoScopeBar *self)
{
  pano_panel_style_ensure ();
  self->scope = g_strdup ("");
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_box_set_filter_func (self->children_list, row_matches, self, NULL);
  gtk_search_entry_set_key_capture_widget (self->search_entry,
                                           GTK_WIDGET (self->children_popover));
}

/**
 * pano_scope_bar_new:
 * @tree: the city's grid tree
 *
 * Returns: (transfer floating): a breadcrumb scoped to the whole city
 */
GtkWidget *
pano_scope_bar_new (PanoAdminTree *tree)
{
  PanoScopeBar *self;

  g_return_val_if_fail (PANO_IS_ADMIN_TREE (tree), NULL);
  self = g_object_new (PANO_TYPE_SCOPE_BAR, NULL);
  self->tree = g_object_ref (tree);
  rebuild_crumbs (self);
  return GTK_WIDGET (self);
}

/* Returns: (transfer none): the tree the crumbs come from */
PanoAdminTree *
pano_scope_bar_get_tree (PanoScopeBar *self)
{
  return self->tree;
}

/**
 * pano_scope_bar_set_scope:
 * @prefix: (nullable): a code prefix; "" or %NULL (or the city's code) for the whole city
 *
 * A prefix the tree does not know (an incident from another grid) leaves the scope as it is.
 */
void
pano_scope_bar_set_scope (PanoScopeBar *self,
                          const char   *prefix)
{
  guint level;

  g_return_if_fail (PANO_IS_SCOPE_BAR (self));
  if (self->tree == NULL)
    return;
  level = pano_admin_tree_get_level (self->tree, prefix);
  if (level == PANO_ADMIN_LEVEL_NONE)
    {
      g_debug ("No area %s in the grid; the scope stays %s", prefix, self->scope);
      return;
    }
  if (level == PANO_ADMIN_LEVEL_CITY)
    prefix = "";
  if (g_str_equal (prefix, self->scope))
    return;
  g_free (self->scope);
  self->scope = g_strdup (prefix);
  rebuild_crumbs (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCOPE]);
}

/* Returns: the scope's code prefix, "" for the whole city */
const char *
pano_scope_bar_get_scope (PanoScopeBar *self)
{
  return self->scope;
}

/* Goes one level up. Returns: %FALSE when already at the whole city */
gboolean
pano_scope_bar_go_up (PanoScopeBar *self)
{
  g_autofree char *up = pano_admin_tree_get_parent (self->tree, self->scope);

  if (up == NULL)
    return FALSE;
  pano_scope_bar_set_scope (self, up);
  return TRUE;
}
