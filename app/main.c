// SPDX-License-Identifier: GPL-3.0-or-later
#include <glib/gi18n.h>
#include <locale.h>

#include "pano-application.h"
#include "pano-export.h"
#include "pano-report.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(PanoApplication) app = NULL;

  pano_application_setup_i18n ();

  /* Export and report never open a display, so it works on a server with no X or Wayland. */
  if (pano_export_requested (argc, argv, "--export"))
    return pano_export_run (argc, argv);
  if (pano_export_requested (argc, argv, "--report"))
    return pano_report_run (argc, argv);

  app = pano_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
