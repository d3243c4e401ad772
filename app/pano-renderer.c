// SPDX-License-Identifier: GPL-3.0-or-later
/* Which GSK renderer draws the console's windows. A wall PC runs 7×24, often without a GPU.
 * There, GTK's GL renderer runs on Mesa's software rasteriser (llvmpipe), and on X11 it gets
 * no buffer age, so every frame repaints the whole window: each batch of traffic changes, each
 * clock that ticks a second, costs a full-window rasterisation (a quarter to a third of a core
 * for the live demo city at 1920×1080). The cairo renderer repaints only the region that the
 * difference between the last frame's render nodes and this one's marks as damaged, so a
 * changed road or label costs its own pixels. With a GPU, GL stays: it pans faster.
 *
 * GSK_RENDERER set by the user always wins; GSK_RENDERER=gl brings GL back without a GPU
 * (faster panning, several times the CPU while nothing moves). docs/benchmarks.md has the
 * figures. */
#define G_LOG_DOMAIN "panorama-app"

#include "pano-renderer.h"

#include <epoxy/gl.h>
#include <string.h>

/* Returns: whether @gl_renderer (GL_RENDERER) names a software rasteriser */
gboolean
pano_renderer_is_software_gl (const char *gl_renderer)
{
  static const char *software[] = { "llvmpipe", "softpipe", "swrast", "Software Rasterizer",
                                    "SwiftShader" };

  if (gl_renderer == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (software); i++)
    if (strstr (gl_renderer, software[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* Returns: (nullable): the GL_RENDERER string of a context on @display, NULL without GL */
static char *
query_gl_renderer (GdkDisplay *display)
{
  g_autoptr(GdkGLContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  char *result;

  if (!(context = gdk_display_create_gl_context (display, &error)) ||
      !gdk_gl_context_realize (context, &error))
    {
      g_debug ("No GL context: %s", error->message);
      return NULL;
    }
  gdk_gl_context_make_current (context);
  name = (const char *) glGetString (GL_RENDERER);
  result = g_strdup (name);
  gdk_gl_context_clear_current ();
  return result;
}

/**
 * pano_renderer_choose:
 * @display: where the windows will open, before any of them is realized
 *
 * Picks the cairo renderer when GL would be a software rasteriser, by setting GSK_RENDERER for
 * the windows this process opens; leaves a GSK_RENDERER set by the user alone.
 *
 * Returns: (nullable): the renderer chosen, or NULL when GTK's own choice stands
 */
const char *
pano_renderer_choose (GdkDisplay *display)
{
  g_autofree char *gl_renderer = NULL;

  if (display == NULL || g_getenv ("GSK_RENDERER") != NULL)
    return NULL;
  gl_renderer = query_gl_renderer (display);
  if (!pano_renderer_is_software_gl (gl_renderer))
    return NULL;
  g_debug ("GL is software (%s): the cairo renderer repaints only what changed", gl_renderer);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  return "cairo";
}
