// SPDX-License-Identifier: GPL-3.0-or-later
/* The pointer moved through the X server the test runs on, as a hand on a mouse would: GTK
 * sees real motion events, crossings and tooltips. */
#include "pano-test-pointer.h"

#include <gdk/x11/gdkx.h>
#include <math.h>

/* Moves the pointer onto point (@x, @y) of @widget, in its window on screen. */
void
pano_test_move_pointer (GtkWidget *widget,
                        double     x,
                        double     y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  Display *dpy = gdk_x11_display_get_xdisplay (gtk_widget_get_display (widget));
  Window xid = gdk_x11_surface_get_xid (gtk_native_get_surface (native));
  double nx, ny, wx, wy;
  int rx, ry;
  Window child;

  gtk_native_get_surface_transform (native, &nx, &ny);
  g_assert_true (gtk_widget_translate_coordinates (widget, GTK_WIDGET (native), x, y, &wx, &wy));
  XTranslateCoordinates (dpy, xid, DefaultRootWindow (dpy), (int)round (wx + nx),
                         (int)round (wy + ny), &rx, &ry, &child);
  XWarpPointer (dpy, None, DefaultRootWindow (dpy), 0, 0, 0, 0, rx, ry);
  XFlush (dpy);
}
