// SPDX-License-Identifier: GPL-3.0-or-later
/* Bringing data into the window: GIS sources loaded off the main thread with a progress row
 * and a cancel button each, and the optional online base map with its failure banner. */
#define G_LOG_DOMAIN "panorama-app"

#include "pano-window-private.h"

#include <glib/gi18n.h>

typedef struct
{
  PanoWindow *self;
  PanoGisLoader *loader;
  GCancellable *cancellable;
  GtkWidget *row;
  GtkProgressBar *bar;
  char *name;
} Load;

static void
load_free (Load *load)
{
  g_clear_object (&load->loader);
  g_clear_object (&load->cancellable);
  g_clear_object (&load->self);
  g_free (load->name);
  g_free (load);
}

static void
on_progress (PanoGisLoader *loader,
             GParamSpec    *pspec,
             Load          *load)
{
  double progress = pano_gis_loader_get_progress (loader);

  if (progress < 0)
    gtk_progress_bar_pulse (load->bar);
  else
    gtk_progress_bar_set_fraction (load->bar, progress);
}

static void
remove_load_row (Load *load)
{
  PanoWindow *self = load->self;

  gtk_box_remove (self->loads_box, load->row);
  self->n_loading--;
  gtk_widget_set_visible (GTK_WIDGET (self->loads_box), self->n_loading > 0);
}

static void
report_layers (PanoWindow *self,
               Load       *load,
               GPtrArray  *layers)
{
  g_autofree char *message = NULL;
  guint n = 0;

  for (guint i = 0; i < layers->len; i++)
    {
      PanoGisLayer *layer = g_ptr_array_index (layers, i);
      const char *warning = pano_gis_layer_get_warning (layer);

      n += pano_gis_layer_get_n_features (layer);
      if (warning != NULL)
        {
          g_autofree char *text = g_strdup_printf ("“%s”: %s", load->name, warning);
          pano_window_notify (self, text, TRUE);
        }
    }
  message = g_strdup_printf (g_dngettext (NULL, "Added “%s”: %u feature",
                                          "Added “%s”: %u features", n), load->name, n);
  pano_window_notify (self, message, FALSE);
}

static void
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Load *load = user_data;
  PanoWindow *self = load->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) layers = pano_gis_loader_load_finish (load->loader, result, &error);

  if (self->stack == NULL)   /* the window closed while the source was loading */
    {
      load_free (load);
      return;
    }
  remove_load_row (load);
  if (layers == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        pano_window_notify (self, error->message, TRUE);
      else
        {
          g_autofree char *text = g_strdup_printf (_("Stopped loading “%s”"), load->name);
          pano_window_notify (self, text, FALSE);
        }
      load_free (load);
      return;
    }

  for (guint i = 0; i < layers->len; i++)
    pano_window_add_gis_layer (self, g_ptr_array_index (layers, i));
  if (layers->len > 0)
    {
      g_autoptr(PanoStaticLayer) top =
        g_list_model_get_item (pano_layer_stack_get_model (self->stack), 0);
      pano_layer_stack_zoom_to (self->stack, top);
    }
  report_layers (self, load, layers);
  load_free (load);
}

static GtkWidget *
create_load_row (Load *load)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  g_autofree char *text = g_strdup_printf (_("Loading “%s”…"), load->name);
  GtkWidget *label = gtk_label_new (text);
  GtkWidget *cancel = gtk_button_new_from_icon_name ("process-stop-symbolic");

  load->bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_size_request (GTK_WIDGET (load->bar), 200, -1);
  gtk_widget_set_valign (GTK_WIDGET (load->bar), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (cancel, _("Stop loading"));
  gtk_widget_add_css_class (cancel, "flat");
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (g_cancellable_cancel),
                            load->cancellable);
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (load->bar));
  gtk_box_append (GTK_BOX (row), cancel);
  return row;
}

/**
 * pano_window_open_source:
 * @source: a file path, a PG: connection string, or an OAPIF/WFS address
 *
 * Loads every layer of @source in the background and adds it on top of the map.
 * Failures become a toast that names the source; other layers are untouched.
 */
void
pano_window_open_source (PanoWindow *self,
                         const char *source)
{
  Load *load = g_new0 (Load, 1);

  load->self = g_object_ref (self);
  load->loader = pano_gis_loader_new (source);
  load->cancellable = g_cancellable_new ();
  load->name = pano_gis_loader_dup_display_name (load->loader);
  load->row = create_load_row (load);

  g_signal_connect (load->loader, "notify::progress", G_CALLBACK (on_progress), load);
  gtk_box_append (self->loads_box, load->row);
  gtk_widget_set_visible (GTK_WIDGET (self->loads_box), TRUE);
  self->n_loading++;
  pano_gis_loader_load_async (load->loader, load->cancellable, on_loaded, load);
}

static void
on_tiles_failed (PanoOnlineSource *source,
                 const char       *reason,
                 PanoWindow       *self)
{
  g_autofree char *message =
    g_strdup_printf (_("The tile server “%s” is failing (%s). Showing the offline base map "
                       "instead until it answers again."),
                     pano_online_source_get_host (source), reason);

  pano_window_set_banner (self, PANO_BANNER_TILES, message);
  self->tiles_failing = TRUE;
  pano_window_update_base_map (self);
}

/* The online map as the layer under every static one. A new layer asks for every tile in view
 * again: the ones that failed would otherwise stay holes once the offline map is gone. */
static void
set_online_backdrop (PanoWindow *self)
{
  ShumateViewport *viewport = shumate_map_get_viewport (self->map);
  const char *host = pano_online_source_get_host (self->online);
  g_autoptr(ShumateRasterRenderer) renderer =
    shumate_raster_renderer_new_full ("online", host, NULL, NULL, 0, 19, 256,
                                      SHUMATE_MAP_PROJECTION_MERCATOR,
                                      SHUMATE_DATA_SOURCE (self->online));

  pano_layer_stack_set_backdrop (self->stack, SHUMATE_LAYER (shumate_map_layer_new (
                                   SHUMATE_MAP_SOURCE (renderer), viewport)));
}

static void
on_tiles_recovered (PanoOnlineSource *source,
                    PanoWindow       *self)
{
  pano_window_set_banner (self, PANO_BANNER_TILES, NULL);
  self->tiles_failing = FALSE;
  set_online_backdrop (self);
  pano_window_update_base_map (self);
}

/**
 * pano_window_set_tile_url:
 * @url: (nullable): an XYZ template with {x} {y} {z}; "none" for no base map at all;
 *   %NULL or "" for the offline base map only
 */
void
pano_window_set_tile_url (PanoWindow *self,
                          const char *url)
{
  gboolean online = url != NULL && url[0] != '\0' && !g_str_equal (url, "none");

  g_free (self->tile_url);
  self->tile_url = url != NULL && url[0] != '\0' ? g_strdup (url) : NULL;
  g_clear_object (&self->online);
  pano_window_set_banner (self, PANO_BANNER_TILES, NULL);
  self->tiles_failing = FALSE;
  self->hide_base_map = url != NULL && url[0] != '\0';
  pano_window_update_base_map (self);

  if (online)
    {
      self->online = pano_online_source_new (url);
      g_signal_connect_object (self->online, "failed", G_CALLBACK (on_tiles_failed), self, 0);
      g_signal_connect_object (self->online, "recovered", G_CALLBACK (on_tiles_recovered),
                               self, 0);
      set_online_backdrop (self);
    }
  else
    pano_layer_stack_set_backdrop (self->stack, NULL);
}

/* Returns: (nullable) (transfer none): the online tile source while --tiles names one */
PanoOnlineSource *
pano_window_get_online_source (PanoWindow *self)
{
  return self->online;
}
