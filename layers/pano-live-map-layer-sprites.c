// SPDX-License-Identifier: GPL-3.0-or-later
/* The live layer's symbols: every symbol (kind, class, ring, fade, selection, glyph) and every
 * counted bin is drawn once with cairo into a texture just big enough for it and kept, then
 * placed per entity; value labels are text nodes kept per value. On llvmpipe every texel and
 * every distinct texture placed costs each frame. */
#define G_LOG_DOMAIN "panorama-layers"

#include "pano-live-map-layer-private.h"
#include "pano-live-classify.h"
#include "pano-texture.h"

#include <math.h>

#define MAX_BIN_SPRITES 4096
#define MAX_LABELS 4096

static guint
sprite_key (const PanoLiveSprite *s)
{
  return s->shape | s->klass << 4 | s->stale << 7 | s->ring << 8 | s->selected << 9 |
         s->glyph << 10 | s->bin << 14 | (guint)round (s->radius * 2) << 16;
}

/* Just big enough for what the symbol carries: on llvmpipe every texel placed is paid for
 * every frame, and thousands of symbols with room for rings they do not have cost a screenful
 * of fill. */
int
pano_live_sprite_size (const PanoLiveSprite *s)
{
  double reach = s->radius * (s->shape ? 1.2 : 1) + 1.5;   /* the outline, antialiased */

  if (s->ring)
    reach = MAX (reach, s->radius + 5.5);
  if (s->selected)
    reach = MAX (reach, s->radius + 9.5);
  if (s->glyph)
    reach = MAX (reach, 7);
  return 2 * (int)ceil (reach);
}

/* The sprite's side on screen: its size at 1.0, times the layer's scale. */
int
pano_live_map_layer_sprite_px (PanoLiveMapLayer     *self,
                               const PanoLiveSprite *s)
{
  return (int)ceil (pano_live_sprite_size (s) * self->scale);
}

/* A surface for the sprite, its drawing scaled: the symbol is painted in 1.0 units. */
static cairo_t *
create_sprite_cairo (PanoLiveMapLayer     *self,
                     const PanoLiveSprite *s)
{
  int px = pano_live_map_layer_sprite_px (self, s);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, px, px);
  cairo_t *cr = cairo_create (surface);

  cairo_surface_destroy (surface);
  cairo_scale (cr, px / (double)pano_live_sprite_size (s), px / (double)pano_live_sprite_size (s));
  return cr;
}

static GdkTexture *
finish_sprite_cairo (cairo_t *cr)
{
  cairo_surface_t *surface = cairo_get_target (cr);
  GdkTexture *texture;

  cairo_surface_flush (surface);
  texture = pano_texture_new_for_surface (surface);
  cairo_destroy (cr);
  return texture;
}

/* Returns: (transfer none): the symbol's texture, drawn on first use and kept */
static GdkTexture *
get_sprite (PanoLiveMapLayer *self,
            const PanoLiveSprite     *s)
{
  guint key = sprite_key (s);
  GdkTexture *texture = g_hash_table_lookup (self->sprites, GUINT_TO_POINTER (key));
  cairo_t *cr;

  if (texture != NULL)
    return texture;
  cr = create_sprite_cairo (self, s);
  pano_live_painter_paint_symbol (cr, self->style, s, pano_live_sprite_size (s) / 2.0,
                                  pano_live_sprite_size (s) / 2.0);
  texture = finish_sprite_cairo (cr);
  g_hash_table_insert (self->sprites, GUINT_TO_POINTER (key), texture);
  return texture;
}

/* Places the sprite centred on the whole pixel (x, y). */
void
pano_live_map_layer_place_sprite (PanoLiveMapLayer *self,
                                  GtkSnapshot      *snapshot,
                                  const PanoLiveSprite     *s,
                                  double            x,
                                  double            y)
{
  int size = pano_live_map_layer_sprite_px (self, s);

  gtk_snapshot_append_texture (snapshot, get_sprite (self, s),
                               &GRAPHENE_RECT_INIT (x - size / 2, y - size / 2, size, size));
}

/* A value label, its text node made once per text and kept: shaping a few hundred labels
 * with Pango on every frame of a pan cost more than drawing them. */
void
pano_live_map_layer_place_label (PanoLiveMapLayer *self,
                                 GtkSnapshot      *snapshot,
                                 PangoLayout      *layout,
                                 double            value,
                                 gboolean          stale,
                                 double            x,
                                 double            y)
{
  g_autofree char *key = g_strdup_printf ("%.0f%s", value, stale ? "/stale" : "");
  GskRenderNode *node = g_hash_table_lookup (self->labels, key);

  if (node == NULL)
    {
      g_autoptr(GtkSnapshot) label = gtk_snapshot_new ();
      g_autofree char *text = g_strdup_printf ("%.0f", value);

      pango_layout_set_text (layout, text, -1);
      gtk_snapshot_append_layout (label, layout,
                                  &(GdkRGBA) { 0.1, 0.1, 0.1, stale ? PANO_LIVE_STALE_ALPHA : 1 });
      node = gtk_snapshot_free_to_node (g_steal_pointer (&label));
      if (node == NULL)
        return;
      if (g_hash_table_size (self->labels) > MAX_LABELS)
        g_hash_table_remove_all (self->labels);
      g_hash_table_insert (self->labels, g_steal_pointer (&key), node);
    }
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (round (x), round (y)));
  gtk_snapshot_append_node (snapshot, node);
  gtk_snapshot_restore (snapshot);
}

/* ---- aggregated ---- */

/* A bin with its count, drawn once into a texture kept by (class, radius, count text): panning
 * over unchanged data reuses them, and one texture node per bin is far cheaper to composite
 * than a circle and two text nodes on llvmpipe. */
GdkTexture *
pano_live_map_layer_get_bin_sprite (PanoLiveMapLayer *self,
                                    const PanoLiveSprite     *s,
                                    const char       *text)
{
  g_autofree char *key = g_strdup_printf ("%u/%.0f/%s", s->klass, s->radius, text ? text : "");
  GdkTexture *texture = g_hash_table_lookup (self->bin_sprites, key);
  int size = pano_live_sprite_size (s);
  cairo_t *cr;

  if (texture != NULL)
    return texture;
  if (g_hash_table_size (self->bin_sprites) > MAX_BIN_SPRITES)
    g_hash_table_remove_all (self->bin_sprites);

  cr = create_sprite_cairo (self, s);
  pano_live_painter_paint_symbol (cr, self->style, s, size / 2.0, size / 2.0);
  if (text != NULL)
    {
      g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
      PangoFontDescription *font = pango_font_description_from_string ("Sans Bold 9");
      int tw, th;

      pango_layout_set_font_description (layout, font);
      pango_font_description_free (font);
      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      cairo_move_to (cr, round ((size - tw) / 2.0), round ((size - th) / 2.0));
      pango_cairo_layout_path (cr, layout);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
      cairo_set_line_width (cr, 2.5);
      cairo_stroke (cr);
      cairo_move_to (cr, round ((size - tw) / 2.0), round ((size - th) / 2.0));
      cairo_set_source_rgb (cr, 1, 1, 1);
      pango_cairo_show_layout (cr, layout);
    }
  texture = finish_sprite_cairo (cr);
  g_hash_table_insert (self->bin_sprites, g_steal_pointer (&key), texture);
  return texture;
}
