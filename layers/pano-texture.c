// SPDX-License-Identifier: GPL-3.0-or-later
/* Cairo images as GDK textures: tiles, sprites and bins are drawn with cairo (on workers or
 * once) and placed as textures. */
#define G_LOG_DOMAIN "panorama-layers"

#include "pano-texture.h"

/**
 * pano_texture_new_for_surface:
 * @surface: a flushed ARGB32 image surface; the texture keeps its own reference
 *
 * Returns: (transfer full): a texture sharing @surface's pixels
 */
GdkTexture *
pano_texture_new_for_surface (cairo_surface_t *surface)
{
  int stride = cairo_image_surface_get_stride (surface);
  g_autoptr(GBytes) bytes =
    g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                (gsize)stride * cairo_image_surface_get_height (surface),
                                (GDestroyNotify)cairo_surface_destroy,
                                cairo_surface_reference (surface));

  /* CAIRO_FORMAT_ARGB32 is premultiplied BGRA in memory on little-endian machines. */
  return gdk_memory_texture_new (cairo_image_surface_get_width (surface),
                                 cairo_image_surface_get_height (surface),
                                 GDK_MEMORY_DEFAULT, bytes, stride);
}
