// SPDX-License-Identifier: GPL-3.0-or-later
/* The scope breadcrumb on the demo city, used as an operator would: the city's crumb lists
 * its districts; choosing one moves the crumbs and the scope (announced once); a street's
 * long list of cells filters by name and Enter takes the match; a cell has nothing below it;
 * an upper crumb or Backspace goes back up; areas the grid does not know change nothing. */
#include "pano-gis-loader.h"
#include "pano-scope-bar.h"
#include "pano-test-gui.h"

#include <adwaita.h>
#include <string.h>

static PanoAdminTree *tree;

static void
load_tree (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("PANORAMA_DATA_DIR"), "shiyan.gpkg",
                                            NULL);
  g_autoptr(PanoGisLoader) loader = pano_gis_loader_new (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) layers = pano_gis_loader_load (loader, NULL, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < layers->len; i++)
    if (g_str_equal (pano_gis_layer_get_name (layers->pdata[i]), "grid_cells"))
      tree = pano_admin_tree_new (layers->pdata[i]);
  g_assert_nonnull (tree);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* The crumbs as a user reads them, "十堰市 › 茅箭区 › 凤凰街道". */
static char *
crumbs (GtkWidget *bar)
{
  g_autofree char *text = pano_test_dup_text (bar);
  g_auto(GStrv) lines = g_strsplit (g_strstrip (text), "\n", -1);

  return g_strjoinv (" ", lines);
}

static GtkWidget *
open_children (GtkWidget *bar)
{
  GtkWidget *menu = pano_test_find_widget (bar, GTK_TYPE_MENU_BUTTON, NULL);
  GtkWidget *popover;

  g_assert_nonnull (menu);
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu)));
  /* The GUI tests share one X server: another test's window taking the focus would close an
   * autohiding popover halfway through this one. Choosing a row still closes it. */
  gtk_popover_set_autohide (GTK_POPOVER (popover), FALSE);
  gtk_menu_button_popup (GTK_MENU_BUTTON (menu));
  pano_test_iterate ();
  g_assert_true (gtk_widget_get_visible (popover));
  return popover;
}

/* The names listed one level down, as shown (filtered rows left out). */
static GPtrArray *
listed (GtkWidget *popover)
{
  g_autoptr(GPtrArray) rows = pano_test_find_all (popover, GTK_TYPE_LIST_BOX_ROW);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (names, pano_test_dup_text (rows->pdata[i]));
  for (guint i = 0; i < names->len; i++)
    g_strstrip (names->pdata[i]);
  return names;
}

static void
choose (GtkWidget  *popover,
        const char *name)
{
  GtkWidget *row = pano_test_find_widget (popover, GTK_TYPE_LIST_BOX_ROW, name);

  g_assert_nonnull (row);
  g_signal_emit_by_name (gtk_widget_get_parent (row), "row-activated", row);
  pano_test_iterate ();
  g_assert_false (gtk_widget_get_visible (popover));
}

static void
test_drill_down (void)
{
  GtkWidget *bar = pano_scope_bar_new (tree);
  GtkWidget *window = pano_test_present (bar, 440, 48);
  g_autoptr(GPtrArray) districts = pano_admin_tree_list_children (tree, "");
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *text = NULL;
  GtkWidget *popover;
  guint notified = 0;

  g_signal_connect (bar, "notify::scope", G_CALLBACK (count_notify), &notified);
  g_assert_cmpstr (pano_scope_bar_get_scope (PANO_SCOPE_BAR (bar)), ==, "");
  text = crumbs (bar);
  g_assert_cmpstr (text, ==, "十堰市");

  /* the city lists its two districts, by name */
  popover = open_children (bar);
  names = listed (popover);
  g_assert_cmpuint (names->len, ==, districts->len);
  for (guint i = 0; i < names->len; i++)
    g_assert_cmpstr (names->pdata[i], ==, pano_admin_tree_get_name (tree, districts->pdata[i]));
  g_assert_true (pano_test_shows_text (popover, "Districts of 十堰市"));
  choose (popover, "茅箭区");
  g_assert_cmpstr (pano_scope_bar_get_scope (PANO_SCOPE_BAR (bar)), ==, "420300-420302");
  g_assert_cmpuint (notified, ==, 1);
  g_clear_pointer (&text, g_free);
  text = crumbs (bar);
  g_assert_cmpstr (text, ==, "十堰市 › 茅箭区");

  /* the same scope again is no change */
  pano_scope_bar_set_scope (PANO_SCOPE_BAR (bar), "420300-420302");
  g_assert_cmpuint (notified, ==, 1);

  /* a street: its cells are many, a filter finds one and Enter takes it */
  pano_scope_bar_set_scope (PANO_SCOPE_BAR (bar), "420300-420302-004");
  g_assert_cmpuint (notified, ==, 2);
  popover = open_children (bar);
  g_clear_pointer (&names, g_ptr_array_unref);
  names = listed (popover);
  g_assert_cmpuint (names->len, ==, 173);
  g_assert_cmpstr (names->pdata[1], ==, "西城街道第2网格");
  g_assert_cmpstr (names->pdata[9], ==, "西城街道第10网格");
  g_free (pano_test_save_png (popover, "scope-bar-children.png"));
  {
    GtkWidget *entry = pano_test_find_widget (popover, GTK_TYPE_SEARCH_ENTRY, NULL);

    g_assert_nonnull (entry);
    gtk_editable_set_text (GTK_EDITABLE (entry), "第17");
    /* the entry's search-changed comes after a short delay */
    g_signal_emit_by_name (entry, "search-changed");
    pano_test_iterate ();
    g_clear_pointer (&names, g_ptr_array_unref);
    names = listed (popover);
    g_assert_cmpuint (names->len, ==, 5);    /* 第17网格, 第170 … 第173网格 */
    g_assert_cmpstr (names->pdata[4], ==, "西城街道第173网格");
    g_signal_emit_by_name (entry, "activate");
    pano_test_iterate ();
  }
  g_assert_cmpstr (pano_admin_tree_get_name (tree, pano_scope_bar_get_scope (PANO_SCOPE_BAR (bar))),
                   ==, "西城街道第17网格");
  g_assert_cmpuint (notified, ==, 3);

  /* a cell: the whole path, and nothing to open below it */
  g_clear_pointer (&text, g_free);
  text = crumbs (bar);
  g_assert_cmpstr (text, ==, "十堰市 › 茅箭区 › 西城街道 › 西城街道第17网格");
  g_assert_null (pano_test_find_widget (bar, GTK_TYPE_MENU_BUTTON, NULL));
  g_free (pano_test_save_png (bar, "scope-bar.png"));

  /* Backspace's action goes up one level; the district's crumb goes back to the district */
  gtk_widget_activate_action (bar, "scope.up", NULL);
  g_assert_cmpstr (pano_scope_bar_get_scope (PANO_SCOPE_BAR (bar)), ==, "420300-420302-004");
  pano_test_iterate ();
  pano_test_click (pano_test_find_widget (bar, GTK_TYPE_BUTTON, "十堰市"));
  g_assert_cmpstr (pano_scope_bar_get_scope (PANO_SCOPE_BAR (bar)), ==, "");
  g_assert_cmpuint (notified, ==, 5);
  g_assert_false (pano_scope_bar_go_up (PANO_SCOPE_BAR (bar)));

  /* an area the grid does not know, or the city by its code, change nothing */
  pano_scope_bar_set_scope (PANO_SCOPE_BAR (bar), "420300-420399");
  pano_scope_bar_set_scope (PANO_SCOPE_BAR (bar), "420300");
  g_assert_cmpstr (pano_scope_bar_get_scope (PANO_SCOPE_BAR (bar)), ==, "");
  g_assert_cmpuint (notified, ==, 5);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The keys are bound on the bar: Backspace and Alt+Up, as the shortcuts window says. */
static void
test_keys (void)
{
  GtkWidget *bar = pano_scope_bar_new (tree);
  GtkWidget *window = pano_test_present (bar, 440, 48);
  GListModel *shortcuts = gtk_widget_observe_controllers (bar);
  g_autoptr(GString) triggers = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (shortcuts); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (shortcuts, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (
            gtk_shortcut_get_trigger (shortcut));

          g_string_append_printf (triggers, "%s ", trigger);
        }
    }
  g_object_unref (shortcuts);
  g_assert_nonnull (strstr (triggers->str, "BackSpace"));
  g_assert_nonnull (strstr (triggers->str, "<Alt>Up"));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  load_tree ();
  g_test_add_func ("/scope-bar/drill-down", test_drill_down);
  g_test_add_func ("/scope-bar/keys", test_keys);
  status = g_test_run ();
  g_object_unref (tree);
  return status;
}
