// SPDX-License-Identifier: GPL-3.0-or-later
/* Helpers for the widget tests: look a widget up by what it says (the way a user finds a
 * button), read every word a panel shows, and render a widget to a PNG in the build directory
 * so a person can look at it. */
#include "pano-test-gui.h"

#include <string.h>

/* The words a widget shows itself: a label's text, a button's or menu button's label. */
static const char *
own_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  if (GTK_IS_MENU_BUTTON (widget))
    return gtk_menu_button_get_label (GTK_MENU_BUTTON (widget));
  if (GTK_IS_BUTTON (widget))
    return gtk_button_get_label (GTK_BUTTON (widget));
  if (GTK_IS_EDITABLE (widget))
    return gtk_editable_get_text (GTK_EDITABLE (widget));
  return NULL;
}

static gboolean
shown (GtkWidget *widget,
       GtkWidget *root)
{
  for (; widget != NULL && widget != root; widget = gtk_widget_get_parent (widget))
    if (!gtk_widget_get_visible (widget))
      return FALSE;
  return widget == NULL || gtk_widget_get_visible (widget);
}

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *found)
{
  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
    return;
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, type, found);
}

/**
 * pano_test_find_all:
 *
 * Returns: (transfer container): the visible widgets of @type under @root, in tree order
 */
GPtrArray *
pano_test_find_all (GtkWidget *root,
                    GType      type)
{
  GPtrArray *found = g_ptr_array_new ();

  collect (root, type, found);
  return found;
}

/**
 * pano_test_find_widget:
 * @text: (nullable): what it says (its label or, for a container, a label inside it)
 *
 * Returns: (transfer none) (nullable): the first visible widget of @type under @root that
 *   says @text
 */
GtkWidget *
pano_test_find_widget (GtkWidget  *root,
                       GType       type,
                       const char *text)
{
  g_autoptr(GPtrArray) all = pano_test_find_all (root, type);

  for (guint i = 0; i < all->len; i++)
    {
      g_autofree char *words = NULL;

      if (text == NULL || g_strcmp0 (own_text (all->pdata[i]), text) == 0)
        return all->pdata[i];
      words = pano_test_dup_text (all->pdata[i]);
      if (strstr (words, text) != NULL && !GTK_IS_LABEL (all->pdata[i]))
        return all->pdata[i];
    }
  return NULL;
}

static void
append_text (GtkWidget *widget,
             GString   *text)
{
  const char *own;

  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
    return;
  /* Buttons show their words through a label inside; entries through a GtkText. */
  own = GTK_IS_LABEL (widget) || GTK_IS_TEXT (widget) ? own_text (widget) : NULL;
  if (own != NULL && own[0] != '\0')
    g_string_append_printf (text, "%s\n", own);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    append_text (child, text);
}

/* Returns: (transfer full): every visible word under @root, one widget a line */
char *
pano_test_dup_text (GtkWidget *root)
{
  GString *text = g_string_new (NULL);

  append_text (root, text);
  return g_string_free (text, FALSE);
}

gboolean
pano_test_shows_text (GtkWidget  *root,
                      const char *text)
{
  g_autofree char *all = pano_test_dup_text (root);

  return shown (root, NULL) && strstr (all, text) != NULL;
}

/* Clicks @button as a user would: only when it is sensitive. (gtk_widget_activate would
 * click a quarter of a second later.) */
void
pano_test_click (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  pano_test_iterate ();
}

/* Returns: (transfer none): a window of @width × @height showing @child */
GtkWidget *
pano_test_present (GtkWidget *child,
                   int        width,
                   int        height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  pano_test_iterate ();
  return window;
}

/* Lets the main loop run what is pending: layout, drawing, idle handlers. */
void
pano_test_iterate (void)
{
  for (int i = 0; i < 20; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
on_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @widget's frame clock has ticked once more (a frame is drawn),
 * or a second has passed. */
void
pano_test_wait_for_frame (GtkWidget *widget)
{
  gboolean ticked = FALSE, timed_out = FALSE;
  guint timeout = g_timeout_add (1000, on_timeout, &timed_out);
  guint tick = gtk_widget_add_tick_callback (widget, on_tick, &ticked, NULL);

  gtk_widget_queue_draw (widget);
  while (!ticked && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!ticked)
    gtk_widget_remove_tick_callback (widget, tick);
  if (!timed_out)
    g_source_remove (timeout);
  pano_test_iterate ();
}

/**
 * pano_test_save_png:
 * @name: the file's name, without directory
 *
 * Renders @widget offscreen (as it is drawn on screen now) into @name in the test's working
 * directory (the build tree under meson).
 *
 * Returns: (transfer full): the path written
 */
char *
pano_test_save_png (GtkWidget  *widget,
                    const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int width = 0, height = 0;
  g_autofree char *dir = g_get_current_dir ();
  char *path = g_build_filename (dir, name, NULL);

  /* The node is NULL until the widget has a size and has drawn once (a popover just opened
   * has neither); a loaded machine may take a while. */
  for (gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC; node == NULL;)
    {
      GtkSnapshot *snapshot;

      g_assert_cmpint (g_get_monotonic_time (), <, end);
      pano_test_wait_for_frame (widget);
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      if (width == 0 || height == 0)
        continue;
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("rendered %s", path);
  return path;
}
