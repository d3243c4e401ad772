// SPDX-License-Identifier: GPL-3.0-or-later
/* The operator panels' own stylesheet (resources/css/pano-panels.css): loaded once for the
 * default display by the first panel created, so a panel looks the same in the window, in a
 * test or in a rendered picture, whoever loads the application's stylesheet. */
#define G_LOG_DOMAIN "panorama-widgets"

#include "pano-panel-style.h"

void
pano_panel_style_ensure (void)
{
  static GdkDisplay *loaded_for;
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GtkCssProvider) provider = NULL;

  if (display == NULL || display == loaded_for)
    return;
  loaded_for = display;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/org/panorama/Panorama/css/pano-panels.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}
