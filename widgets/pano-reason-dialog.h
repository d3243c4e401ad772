// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Asks the operator for the words an action needs (a reason to return, cancel or extend, a
 * note) and, for an extension, how many minutes. @func runs only when they confirm. */
typedef void (*PanoReasonFunc) (const char *text,
                                int         minutes,
                                gpointer    user_data);

typedef enum
{
  PANO_REASON_TEXT = 0,
  PANO_REASON_MINUTES = 1 << 0,     /* also ask for a duration in minutes */
  PANO_REASON_DESTRUCTIVE = 1 << 1, /* the confirm button is red (cancel, return) */
} PanoReasonFlags;

AdwMessageDialog *pano_reason_dialog_ask (GtkWidget      *parent,
                                          const char     *heading,
                                          const char     *body,
                                          const char     *confirm_label,
                                          PanoReasonFlags flags,
                                          PanoReasonFunc  func,
                                          gpointer        user_data,
                                          GDestroyNotify  destroy);

G_END_DECLS
