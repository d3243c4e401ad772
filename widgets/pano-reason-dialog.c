// SPDX-License-Identifier: GPL-3.0-or-later
/* The one dialog every "with a reason" action goes through: confirm stays disabled until
 * there are words, Enter confirms, Escape cancels. */
#define G_LOG_DOMAIN "panorama-widgets"

#include "pano-reason-dialog.h"

#include <glib/gi18n-lib.h>

#define DEFAULT_MINUTES 30

typedef struct
{
  PanoReasonFunc func;
  gpointer user_data;
  GDestroyNotify destroy;
  GtkEntry *entry;
  GtkSpinButton *minutes;
} Ask;

static void
ask_free (gpointer  data,
          GClosure *closure)
{
  Ask *ask = data;

  if (ask->destroy)
    ask->destroy (ask->user_data);
  g_free (ask);
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             Ask              *ask)
{
  g_autofree char *text = NULL;

  if (g_strcmp0 (response, "confirm") != 0)
    return;
  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (ask->entry))));
  if (*text == '\0')
    return;
  ask->func (text, ask->minutes ? gtk_spin_button_get_value_as_int (ask->minutes) : 0,
             ask->user_data);
}

static void
on_text_changed (GtkEditable      *entry,
                 AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "confirm", *text != '\0');
}

static void
on_activate (GtkEntry         *entry,
             AdwMessageDialog *dialog)
{
  if (adw_message_dialog_get_response_enabled (dialog, "confirm"))
    {
      adw_message_dialog_response (dialog, "confirm");
      gtk_window_close (GTK_WINDOW (dialog));
    }
}

static GtkWidget *
build_fields (Ask             *ask,
              PanoReasonFlags  flags)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  if (flags & PANO_REASON_MINUTES)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

      ask->minutes = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 7 * 24 * 60, 5));
      gtk_spin_button_set_value (ask->minutes, DEFAULT_MINUTES);
      gtk_box_append (GTK_BOX (row), GTK_WIDGET (ask->minutes));
      gtk_box_append (GTK_BOX (row), gtk_label_new (_("more minutes")));
      gtk_box_append (GTK_BOX (box), row);
    }
  ask->entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (ask->entry, _("Reason (required)"));
  gtk_entry_set_activates_default (ask->entry, FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (ask->entry));
  return box;
}

/**
 * pano_reason_dialog_ask:
 * @parent: any widget of the window the dialog belongs to
 *
 * Returns: (transfer none): the dialog, already presented; its entry is its "entry" data
 */
AdwMessageDialog *
pano_reason_dialog_ask (GtkWidget      *parent,
                        const char     *heading,
                        const char     *body,
                        const char     *confirm_label,
                        PanoReasonFlags flags,
                        PanoReasonFunc  func,
                        gpointer        user_data,
                        GDestroyNotify  destroy)
{
  GtkRoot *root = parent ? gtk_widget_get_root (parent) : NULL;
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
    adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body));
  Ask *ask = g_new0 (Ask, 1);

  ask->func = func;
  ask->user_data = user_data;
  ask->destroy = destroy;
  adw_message_dialog_set_extra_child (dialog, build_fields (ask, flags));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "confirm", confirm_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "confirm",
                                              flags & PANO_REASON_DESTRUCTIVE
                                              ? ADW_RESPONSE_DESTRUCTIVE
                                              : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "confirm", FALSE);
  adw_message_dialog_set_default_response (dialog, "confirm");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (ask->entry, "changed", G_CALLBACK (on_text_changed), dialog);
  g_signal_connect (ask->entry, "activate", G_CALLBACK (on_activate), dialog);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_response), ask,
                         ask_free, 0);
  g_object_set_data (G_OBJECT (dialog), "entry", ask->entry);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (GTK_WIDGET (ask->entry));
  return dialog;
}
