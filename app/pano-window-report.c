// SPDX-License-Identifier: GPL-3.0-or-later
/* The window's "Situation Report…": the PDF of `panorama --report` for the view on screen and
 * the hub the window follows, written in a worker thread, then a note saying where it is. */
#define G_LOG_DOMAIN "panorama-app"

#include "pano-window-private.h"
#include "pano-report.h"

#include <glib/gi18n.h>
#include <math.h>

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (pano_report_write_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * pano_window_save_report_async:
 *
 * Writes the situation report of what the window shows (its centre and zoom, its base map and
 * the hub it follows, read again at this moment) to @file.
 */
void
pano_window_save_report_async (PanoWindow          *self,
                               GFile               *file,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  ShumateViewport *viewport = shumate_map_get_viewport (self->map);
  g_autofree char *path = g_file_get_path (file);

  g_task_set_source_tag (task, pano_window_save_report_async);
  pano_report_write_async (path, self->hub_url, self->hub_token, self->hub_ca_file,
                           self->tile_url,
                           shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                           shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                           round (shumate_viewport_get_zoom_level (viewport)), cancellable,
                           on_written, task);
}

gboolean
pano_window_save_report_finish (PanoWindow    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  PanoWindow *self = PANO_WINDOW (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *where = user_data;
  gboolean saved = pano_window_save_report_finish (self, result, &error);

  /* The window was closed while the report was written: nobody to tell. */
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  if (saved)
    message = g_strdup_printf (_("Situation report saved to %s"), where);
  else
    message = g_strdup_printf (_("The situation report could not be written: %s"),
                               error->message);
  pano_window_notify (self, message, !saved);
}

static void
on_file_chosen (GtkNativeDialog *dialog,
                int              response,
                gpointer         user_data)
{
  PanoWindow *self = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL)
    pano_window_save_report_async (self, file, self->cancellable, on_saved,
                                   g_file_get_parse_name (file));
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

/* Asks where to save the report (GtkFileChooserNative: GtkFileDialog needs GTK 4.10). */
void
pano_window_ask_report_file (PanoWindow *self)
{
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new (_("Save the Situation Report"), GTK_WINDOW (self),
                                 GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *name = g_date_time_format (now, "situation-report-%Y%m%d-%H%M.pdf");
  GtkFileFilter *pdf = gtk_file_filter_new ();

  gtk_file_filter_set_name (pdf, _("PDF documents"));
  gtk_file_filter_add_mime_type (pdf, "application/pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), pdf);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_file_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}
