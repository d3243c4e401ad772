// SPDX-License-Identifier: GPL-3.0-or-later
/* The console speaks Chinese under LANG=zh_CN when run from the build tree, as the README's demo
 * runs it, whether or not the zh_CN locale is installed on the machine: the window's widgets
 * read in Chinese, and so does the real program's --help. */
#include "pano-application.h"
#include "pano-test-util.h"
#include "pano-window.h"

#include <string.h>

static gboolean
has_han (const char *text)
{
  for (const char *p = text; p && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0x4e00 && c <= 0x9fff)
        return TRUE;
    }
  return FALSE;
}

/* Returns: (nullable): the text of the first label under @widget with a Han character */
static const char *
find_chinese_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      has_han (gtk_label_get_label (GTK_LABEL (widget))))
    return gtk_label_get_label (GTK_LABEL (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *found = find_chinese_label (child);

      if (found)
        return found;
    }
  return NULL;
}

static gboolean
shows_chinese (gpointer data)
{
  return find_chinese_label (data) != NULL;
}

static void
set_language (const char *lang)
{
  g_unsetenv ("LC_ALL");
  g_unsetenv ("LC_MESSAGES");
  g_unsetenv ("LANGUAGE");
  g_setenv ("LANG", lang, TRUE);
}

static void
test_window_in_chinese (void)
{
  PanoWindow *window;
  PanoFeaturePanel *panel;
  GtkWidget *heading;

  set_language ("zh_CN.UTF-8");
  pano_application_setup_i18n ();
  window = pano_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  pano_test_wait_until (shows_chinese, window);
  g_test_message ("%s", find_chinese_label (GTK_WIDGET (window)));
  /* the side panel's prompt, set in code rather than in the template */
  panel = pano_window_get_feature_panel (window);
  pano_window_show_attributes (window);
  heading = GTK_WIDGET (panel);
  pano_test_wait_until (shows_chinese, heading);
  g_assert_nonnull (find_chinese_label (heading));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The program itself, from the build tree, with LANG=zh_CN (no codeset, as people type it). */
static void
test_program_in_chinese (void)
{
  const char *argv[] = { g_getenv ("PANORAMA_EXE"), "--help", NULL };
  g_auto(GStrv) env = g_get_environ ();
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  env = g_environ_unsetenv (env, "LC_ALL");
  env = g_environ_unsetenv (env, "LANGUAGE");
  env = g_environ_setenv (env, "LANG", "zh_CN", TRUE);
  g_spawn_sync (NULL, (char **)argv, env, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_test_message ("%s", out);
  g_assert_true (has_han (out));
  g_assert_nonnull (strstr (out, "--hub"));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/i18n/window-in-chinese", test_window_in_chinese);
  g_test_add_func ("/i18n/program-in-chinese", test_program_in_chinese);
  return g_test_run ();
}
