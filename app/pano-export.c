// SPDX-License-Identifier: GPL-3.0-or-later
/* panorama --export: the same map the window shows (offline base map, facilities, the given
 * GIS files on top, in that order) rendered with the same tile renderer straight into a PNG.
 * Needs no display, so scripts can run it on a server. */
#define G_LOG_DOMAIN "panorama-app"

#include "pano-export.h"
#include "pano-base-map.h"
#include "pano-gis-loader.h"
#include "pano-hub-snapshot.h"
#include "pano-live-painter.h"
#include "pano-mercator.h"
#include "pano-online-source.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <math.h>
#include <stdio.h>

#define MAX_EXPORT_SIZE 16384

typedef struct
{
  char *output;
  char *size;
  char *center;
  char *tiles;
  char *hub;
  char *token;
  char *ca_file;
  char **files;
  PanoExportView view;
} ExportOptions;

/* Returns: whether the command line asks for the headless command @option ("--export",
 * "--report"), which runs without a display */
gboolean
pano_export_requested (int         argc,
                       char      **argv,
                       const char *option)
{
  g_autofree char *with_value = g_strconcat (option, "=", NULL);

  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], option) || g_str_has_prefix (argv[i], with_value))
      return TRUE;
  return FALSE;
}

static gboolean
parse_options (ExportOptions  *o,
               int            *argc,
               char         ***argv,
               GError        **error)
{
  /* Written from the same numbers the zoom is checked against. */
  g_autofree char *zoom_help = g_strdup_printf (_("Zoom level %d–%d (default 11)"), PANO_MIN_ZOOM,
                                                PANO_MAX_ZOOM);
  const GOptionEntry entries[] = {
    { "export", 0, 0, G_OPTION_ARG_FILENAME, &o->output, N_("Write the map to this PNG"), "OUT.png" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &o->size, N_("Image size (default 1280x800)"), "WxH" },
    { "center", 0, 0, G_OPTION_ARG_STRING, &o->center,
      N_("Centre of the view (default Shiyan)"), "LAT,LON" },
    { "zoom", 0, 0, G_OPTION_ARG_DOUBLE, &o->view.zoom, zoom_help, "Z" },
    { "tiles", 't', 0, G_OPTION_ARG_STRING, &o->tiles,
      N_("“none” for no base map, or an XYZ URL template for an online one"), "URL" },
    { "hub", 0, 0, G_OPTION_ARG_STRING, &o->hub,
      N_("Draw the live layers of this panorama-hub as they are now"), "URL" },
    { "token", 0, 0, G_OPTION_ARG_STRING, &o->token,
      N_("The hub token (viewer role or higher)"), "TOKEN" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &o->ca_file,
      N_("Trust only the certificate authorities in this PEM file for an https:// hub"), "FILE" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->files, NULL, "[FILE…]" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— render the map to a PNG"));

  o->view.zoom = 11;
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;

  o->view.width = 1280, o->view.height = 800;
  o->view.tiles = o->tiles;
  o->view.files = o->files;
  if (o->size && (sscanf (o->size, "%dx%d", &o->view.width, &o->view.height) != 2 ||
                  o->view.width < 1 || o->view.height < 1 ||
                  o->view.width > MAX_EXPORT_SIZE || o->view.height > MAX_EXPORT_SIZE))
    return g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "--size “%s” is not WIDTHxHEIGHT with each between 1 and %d",
                        o->size, MAX_EXPORT_SIZE), FALSE;
  return pano_export_view_check (&o->view, o->center, error);
}

/**
 * pano_export_view_check:
 * @center: (nullable): the --center argument, LAT,LON; %NULL for the default (Shiyan)
 *
 * Reads @center into @view and checks its zoom: the same words for --export and --report.
 */
gboolean
pano_export_view_check (PanoExportView  *view,
                        const char      *center,
                        GError         **error)
{
  view->latitude = 32.629, view->longitude = 110.798;
  if (center && (sscanf (center, "%lf,%lf", &view->latitude, &view->longitude) != 2 ||
                 fabs (view->latitude) > PANO_MERCATOR_MAX_LAT || fabs (view->longitude) > 180))
    return g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "--center “%s” is not LATITUDE,LONGITUDE in degrees", center), FALSE;
  if (!(view->zoom >= PANO_MIN_ZOOM && view->zoom <= PANO_MAX_ZOOM))
    return g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "--zoom %g is outside %d–%d", view->zoom, PANO_MIN_ZOOM, PANO_MAX_ZOOM),
           FALSE;
  return TRUE;
}

static char *
tile_url (const char *template,
          int         x,
          int         y,
          int         z)
{
  g_autofree char *sx = g_strdup_printf ("%d", x);
  g_autofree char *sy = g_strdup_printf ("%d", y);
  g_autofree char *sz = g_strdup_printf ("%d", z);
  g_autoptr(GString) url = g_string_new (template);

  g_string_replace (url, "{x}", sx, 0);
  g_string_replace (url, "{y}", sy, 0);
  g_string_replace (url, "{z}", sz, 0);
  return g_string_free (g_steal_pointer (&url), FALSE);
}

static cairo_surface_t *
fetch_tile (SoupSession  *session,
            const char   *url,
            GError      **error)
{
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  cairo_surface_t *surface;

  if (message == NULL)
    return g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                        "“%s” is not a valid tile address", url), NULL;
  bytes = soup_session_send_and_read (session, message, NULL, error);
  if (bytes == NULL)
    return NULL;
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
    return g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "HTTP %u %s",
                        soup_message_get_status (message),
                        soup_message_get_reason_phrase (message)), NULL;
  texture = gdk_texture_new_from_bytes (bytes, error);
  if (texture == NULL)
    return NULL;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, gdk_texture_get_width (texture),
                                        gdk_texture_get_height (texture));
  gdk_texture_download (texture, cairo_image_surface_get_data (surface),
                        cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);
  return surface;
}

/* Online base tiles at the integer zoom below, scaled to the requested zoom. */
static gboolean
draw_online_tiles (cairo_t              *cr,
                   const PanoExportView *o,
                   double                origin_x,
                   double                origin_y,
                   GError              **error)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 20, NULL);
  g_autoptr(PanoOnlineSource) source = pano_online_source_new (o->tiles);
  int z = (int)floor (o->zoom), n = 1 << z;
  double s = exp2 (o->zoom - z), x0 = origin_x / s, y0 = origin_y / s;

  for (int ty = (int)floor (y0 / 256); ty <= (int)floor ((y0 + o->height / s) / 256); ty++)
    for (int tx = (int)floor (x0 / 256); tx <= (int)floor ((x0 + o->width / s) / 256); tx++)
      {
        g_autofree char *url = NULL;
        g_autoptr(GError) local = NULL;
        cairo_surface_t *tile;

        if (ty < 0 || ty >= n)
          continue;
        url = tile_url (o->tiles, ((tx % n) + n) % n, ty, z);
        if (!(tile = fetch_tile (session, url, &local)))
          return g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                              "The tile server “%s” failed: %s", pano_online_source_get_host (source),
                              local->message), FALSE;
        cairo_save (cr);
        cairo_scale (cr, s, s);
        cairo_set_source_surface (cr, tile, tx * 256.0 - x0, ty * 256.0 - y0);
        cairo_paint (cr);
        cairo_restore (cr);
        cairo_surface_destroy (tile);
      }
  return TRUE;
}

static void
draw_static_layer (cairo_t              *cr,
                   PanoStaticLayer      *layer,
                   const PanoExportView *o,
                   double                origin_x,
                   double                origin_y,
                   GPtrArray            *drawn)
{
  if (drawn != NULL)
    g_ptr_array_add (drawn, g_object_ref (layer));
  pano_tile_renderer_draw (pano_static_layer_get_renderer (layer), cr, o->zoom,
                           origin_x, origin_y, o->width, o->height);
}

static gboolean
draw_base_map (cairo_t              *cr,
               const PanoExportView *o,
               double                origin_x,
               double                origin_y,
               GPtrArray            *drawn,
               GError              **error)
{
  g_autofree char *data_dir = pano_base_map_find_data_dir ();
  g_autoptr(GPtrArray) layers = NULL;
  g_autoptr(GError) local = NULL;
  gboolean online = o->tiles != NULL && !g_str_equal (o->tiles, "none");

  if (online && !draw_online_tiles (cr, o, origin_x, origin_y, error))
    return FALSE;

  if (!(layers = pano_base_map_load (data_dir, NULL, &local)))
    return g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                        "The offline base map could not be loaded: %s", local->message), FALSE;
  /* With any --tiles the offline base is hidden, as in the window; facilities stay. */
  for (guint i = o->tiles != NULL ? 1 : 0; i < layers->len; i++)
    draw_static_layer (cr, g_ptr_array_index (layers, i), o, origin_x, origin_y, drawn);
  return TRUE;
}

static gboolean
draw_files (cairo_t              *cr,
            const PanoExportView *o,
            double                origin_x,
            double                origin_y,
            GPtrArray            *drawn,
            GError              **error)
{
  guint n_layers = 0;

  for (guint f = 0; o->files && o->files[f]; f++)
    {
      g_autoptr(PanoGisLoader) loader = pano_gis_loader_new (o->files[f]);
      g_autoptr(GPtrArray) layers = pano_gis_loader_load (loader, NULL, error);

      if (layers == NULL)
        return FALSE;
      for (guint i = 0; i < layers->len; i++)
        {
          PanoGisLayer *gis = g_ptr_array_index (layers, i);
          g_autoptr(PanoStaticLayer) layer = NULL;
          PanoColor c;

          if (pano_gis_layer_get_warning (gis))
            g_printerr ("panorama: “%s”: %s\n", pano_gis_layer_get_title (gis),
                        pano_gis_layer_get_warning (gis));
          pano_style_palette_color (n_layers++, &c);
          layer = pano_static_layer_new_for_gis_layer (gis, &(GdkRGBA) { c.red, c.green,
                                                                          c.blue, c.alpha });
          draw_static_layer (cr, layer, o, origin_x, origin_y, drawn);
        }
    }
  return TRUE;
}

/* The hub's live layers over the map, in the window's order and styles. */
static void
draw_live_layers (cairo_t              *cr,
                  const PanoExportView *o,
                  double                origin_x,
                  double                origin_y)
{
  PanoLiveView v = { o->zoom, pano_mercator_world_size (o->zoom), origin_x, origin_y,
                     o->width, o->height, g_get_real_time () / 1000, 1.0 };

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, o->width, o->height);
  cairo_clip (cr);
  for (const char * const *name = pano_live_style_get_layer_names (); *name; name++)
    {
      guint n = pano_live_painter_paint_layer (cr, pano_live_store_get_layer (o->live, *name),
                                               pano_live_style_for_layer (*name), &v);

      g_debug ("live layer %s: %u drawn", *name, n);
    }
  cairo_restore (cr);
}

/**
 * pano_export_draw_map:
 * @cr: drawn on from (0, 0) to (@view->width, @view->height), one unit a map pixel
 * @drawn: (nullable) (element-type PanoStaticLayer): gets the layers drawn, bottom first, for
 *   a legend
 *
 * Draws what the window shows: the base map (offline, online or none as @view->tiles says),
 * its facilities, then @view->files in the layer palette's colours.
 */
gboolean
pano_export_draw_map (cairo_t               *cr,
                      const PanoExportView  *view,
                      GPtrArray             *drawn,
                      GError               **error)
{
  double world = pano_mercator_world_size (view->zoom);
  double origin_x = pano_mercator_x_from_lon (view->longitude) * world - view->width / 2.0;
  double origin_y = pano_mercator_y_from_lat (view->latitude) * world - view->height / 2.0;

  if (!(g_strcmp0 (view->tiles, "none") == 0 ||
        draw_base_map (cr, view, origin_x, origin_y, drawn, error)) ||
      !draw_files (cr, view, origin_x, origin_y, drawn, error))
    return FALSE;
  if (view->live != NULL)
    draw_live_layers (cr, view, origin_x, origin_y);
  return TRUE;
}

static gboolean
export_map (const ExportOptions  *o,
            GError              **error)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, o->view.width,
                                                         o->view.height);
  cairo_t *cr = cairo_create (surface);
  cairo_status_t status;
  gboolean ok;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  ok = pano_export_draw_map (cr, &o->view, NULL, error);
  cairo_destroy (cr);

  if (ok && (status = cairo_surface_write_to_png (surface, o->output)) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot write “%s”: %s", o->output,
                   cairo_status_to_string (status));
      ok = FALSE;
    }
  cairo_surface_destroy (surface);
  return ok;
}

static gboolean
read_live (ExportOptions  *o,
           GError        **error)
{
  g_autoptr(PanoHubClient) client = pano_hub_snapshot_connect (o->hub, o->token, o->ca_file,
                                                               error);

  return client != NULL && (o->view.live = pano_hub_snapshot_read_live (client, error)) != NULL;
}

/* Returns: the process exit status */
int
pano_export_run (int    argc,
                 char **argv)
{
  ExportOptions o = { 0 };
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!parse_options (&o, &argc, &argv, &error) ||
      (o.hub != NULL && !read_live (&o, &error)) ||
      !export_map (&o, &error))
    {
      g_printerr ("panorama: %s\n", error->message);
      status = 1;
    }
  else
    g_print ("%s: %d×%d at %.6f,%.6f zoom %g\n", o.output, o.view.width, o.view.height,
             o.view.latitude, o.view.longitude, o.view.zoom);

  g_free (o.output);
  g_free (o.size);
  g_free (o.center);
  g_free (o.tiles);
  g_free (o.hub);
  g_free (o.token);
  g_free (o.ca_file);
  g_strfreev (o.files);
  g_clear_object (&o.view.live);
  return status;
}
