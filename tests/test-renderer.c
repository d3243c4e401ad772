// SPDX-License-Identifier: GPL-3.0-or-later
/* Without a GPU the console's windows are drawn by the cairo renderer, which repaints only what
 * changed (GL on a software rasteriser repaints the whole window for every frame); a
 * GSK_RENDERER set by the user stands. Runs under Xvfb, whose GL is always software. */
#include "pano-renderer.h"
#include "pano-test-util.h"

#include <gtk/gtk.h>

static void
test_software_names (void)
{
  g_assert_true (pano_renderer_is_software_gl ("llvmpipe (LLVM 15.0.6, 256 bits)"));
  g_assert_true (pano_renderer_is_software_gl ("softpipe"));
  g_assert_true (pano_renderer_is_software_gl ("Software Rasterizer"));
  g_assert_false (pano_renderer_is_software_gl ("Mesa Intel(R) UHD Graphics 620 (KBL GT2)"));
  g_assert_false (pano_renderer_is_software_gl ("NVIDIA GeForce GTX 1050/PCIe/SSE2"));
  g_assert_false (pano_renderer_is_software_gl (NULL));
}

static void
test_user_choice_stands (void)
{
  g_setenv ("GSK_RENDERER", "gl", TRUE);
  g_assert_null (pano_renderer_choose (gdk_display_get_default ()));
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "gl");
}

static gboolean
is_realized (gpointer data)
{
  return gtk_widget_get_realized (data);
}

static void
test_cairo_without_gpu (void)
{
  GtkWidget *window;

  g_unsetenv ("GSK_RENDERER");
  pano_renderer_choose (gdk_display_get_default ());
  window = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (window));
  pano_test_wait_until (is_realized, window);
  /* chosen here because GL is llvmpipe, or by GTK itself if Xvfb offers no GL at all */
  g_assert_cmpstr (G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))), ==,
                   "GskCairoRenderer");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/renderer/software-names", test_software_names);
  g_test_add_func ("/renderer/user-choice-stands", test_user_choice_stands);
  g_test_add_func ("/renderer/cairo-without-gpu", test_cairo_without_gpu);
  return g_test_run ();
}
