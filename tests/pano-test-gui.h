// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Finding what a user sees in a widget tree, and pictures of it, for the GUI tests. */

GtkWidget *pano_test_find_widget     (GtkWidget   *root,
                                      GType        type,
                                      const char  *text);
GPtrArray *pano_test_find_all        (GtkWidget   *root,
                                      GType        type);
char      *pano_test_dup_text        (GtkWidget   *root);
gboolean   pano_test_shows_text      (GtkWidget   *root,
                                      const char  *text);
void       pano_test_click           (GtkWidget   *button);
GtkWidget *pano_test_present         (GtkWidget   *child,
                                      int          width,
                                      int          height);
void       pano_test_iterate         (void);
void       pano_test_wait_for_frame  (GtkWidget   *widget);
char      *pano_test_save_png        (GtkWidget   *widget,
                                      const char  *name);

G_END_DECLS
