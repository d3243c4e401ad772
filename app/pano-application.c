// SPDX-License-Identifier: GPL-3.0-or-later
/* The Panorama application: one console window, GIS files from the command line or the
 * desktop, --tiles for an online base map, app-wide actions (about, quit). */
#define G_LOG_DOMAIN "panorama-app"

#include "pano-application.h"
#include "pano-renderer.h"
#include "pano-window.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

struct _PanoApplication
{
  AdwApplication parent_instance;

  char *tiles;
  char *hub;
  char *token;
  char *ca_file;
  gboolean wall;
  char *monitor;
  double scale;     /* 0 when not given: the wall-scale setting */
  char *tour;
};

G_DEFINE_FINAL_TYPE (PanoApplication, pano_application, ADW_TYPE_APPLICATION)

static const GOptionEntry options[] = {
  { "tiles", 't', 0, G_OPTION_ARG_STRING, NULL,
    N_("Online base map: an XYZ URL template with {x} {y} {z}, or “none”"), N_("URL") },
  { "hub", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Subscribe to the live layers of this panorama-hub, e.g. http://127.0.0.1:7878"),
    N_("URL") },
  { "token", 0, 0, G_OPTION_ARG_STRING, NULL, N_("The hub token (viewer role or higher)"),
    N_("TOKEN") },
  { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Trust only the certificate authorities in this PEM file for an https:// hub"),
    N_("FILE") },
  { "wall", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Wall mode: fullscreen without window chrome, dark, the pointer hidden while it rests "
       "(F11 toggles it)"), NULL },
  { "monitor", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The monitor wall mode fills, by its connector (e.g. HDMI-1); the largest by default"),
    N_("CONNECTOR") },
  { "scale", 0, 0, G_OPTION_ARG_DOUBLE, NULL,
    N_("Text, symbols and panels this much larger in wall mode, 1.0 to 3.0 (setting "
       "wall-scale)"), N_("S") },
  { "tour", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Cycle through the saved views in this tour file (轮巡); operator input pauses it"),
    N_("FILE") },
  { "export", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Render the map to a PNG without a window, then exit; takes --size WxH, "
       "--center LAT,LON and --zoom Z (see panorama --export x --help)"), N_("OUT.png") },
  { "report", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Write the situation report, an A3 PDF of the map, KPIs and open incidents, without a "
       "window, then exit; takes --hub URL --token T, --size A3|A4, --center LAT,LON and "
       "--zoom Z (see panorama --report x --help)"), N_("OUT.pdf") },
  { NULL }
};

static void
start_wall (PanoApplication *self,
            PanoWindow      *window)
{
  g_autoptr(GError) error = NULL;

  pano_window_set_wall_connector (window, self->monitor);
  if (self->scale > 0)
    pano_window_set_wall_scale (window, self->scale);
  if (self->wall && !pano_window_set_wall (window, TRUE, self->monitor, &error))
    g_printerr ("%s\n", error->message);   /* unplugged since the start */
}

/* A bad tour file is said in the window, naming the file; the console stays up without a
 * tour. */
static void
start_tour (PanoApplication *self,
            PanoWindow      *window)
{
  if (self->tour != NULL)
    pano_window_load_tour (window, self->tour, NULL);
}

static PanoWindow *
ensure_window (PanoApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      g_autoptr(GSettings) settings = g_settings_new (PANO_APP_ID);
      g_autofree char *hub = g_settings_get_string (settings, "hub-url");
      g_autofree char *token = g_settings_get_string (settings, "hub-token");
      g_autofree char *ca_file = g_settings_get_string (settings, "hub-ca-file");

      window = GTK_WINDOW (pano_window_new (GTK_APPLICATION (self)));
      if (self->tiles != NULL)
        pano_window_set_tile_url (PANO_WINDOW (window), self->tiles);
      pano_window_set_hub_ca_file (PANO_WINDOW (window), self->ca_file ? self->ca_file : ca_file);
      pano_window_set_hub (PANO_WINDOW (window), self->hub ? self->hub : hub,
                           self->token ? self->token : token);
      start_wall (self, PANO_WINDOW (window));
      start_tour (self, PANO_WINDOW (window));
    }
  return PANO_WINDOW (window);
}

static void
pano_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (ensure_window (PANO_APPLICATION (app))));
}

static void
pano_application_open (GApplication  *app,
                       GFile        **files,
                       int            n_files,
                       const char    *hint)
{
  PanoWindow *window = ensure_window (PANO_APPLICATION (app));

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);
      g_autofree char *uri = path ? NULL : g_file_get_uri (files[i]);

      pano_window_open_source (window, path ? path : uri);
    }
  gtk_window_present (GTK_WINDOW (window));
}

/* Returns: -1 to go on, or the exit status after saying what is wrong with --scale or
 * --monitor (before any window opens) */
static int
check_wall_options (PanoApplication *self)
{
  g_autoptr(GdkMonitor) monitor = NULL;
  g_autoptr(GError) error = NULL;

  if (self->scale != 0 && (self->scale < 1.0 || self->scale > 3.0))
    {
      g_printerr (_("--scale must be from 1.0 to 3.0, not %g\n"), self->scale);
      return 1;
    }
  if (self->monitor == NULL)
    return -1;
  if (!gtk_init_check ())
    {
      g_printerr (_("--monitor needs a display, and none could be opened\n"));
      return 1;
    }
  monitor = pano_window_find_monitor (gdk_display_get_default (), self->monitor, &error);
  if (monitor == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  return -1;
}

static int
pano_application_handle_local_options (GApplication *app,
                                       GVariantDict *options)
{
  PanoApplication *self = PANO_APPLICATION (app);

  g_variant_dict_lookup (options, "tiles", "s", &self->tiles);
  g_variant_dict_lookup (options, "hub", "s", &self->hub);
  g_variant_dict_lookup (options, "token", "s", &self->token);
  g_variant_dict_lookup (options, "ca-file", "^ay", &self->ca_file);
  g_variant_dict_lookup (options, "wall", "b", &self->wall);
  g_variant_dict_lookup (options, "monitor", "s", &self->monitor);
  g_variant_dict_lookup (options, "scale", "d", &self->scale);
  g_variant_dict_lookup (options, "tour", "^ay", &self->tour);
  return check_wall_options (self);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (user_data);
  static const char *developers[] = { "The Panorama developers", NULL };

  adw_show_about_window (window,
                         "application-name", _("Panorama"),
                         "application-icon", PANO_APP_ID,
                         "version", PANO_VERSION,
                         "comments", _("The whole city on one screen: a situation-awareness "
                                       "console for city command centres"),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (user_data);
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "quit", quit_action },
};

static void
pano_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Primary>q", NULL };

  G_APPLICATION_CLASS (pano_application_parent_class)->startup (app);
  /* before any window is realized: without a GPU, repaint only what changed */
  pano_renderer_choose (gdk_display_get_default ());

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static void
pano_application_finalize (GObject *object)
{
  PanoApplication *self = (PanoApplication *)object;

  g_clear_pointer (&self->tiles, g_free);
  g_clear_pointer (&self->hub, g_free);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->ca_file, g_free);
  g_clear_pointer (&self->monitor, g_free);
  g_clear_pointer (&self->tour, g_free);

  G_OBJECT_CLASS (pano_application_parent_class)->finalize (object);
}

static void
pano_application_class_init (PanoApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = pano_application_finalize;
  app_class->activate = pano_application_activate;
  app_class->open = pano_application_open;
  app_class->startup = pano_application_startup;
  app_class->handle_local_options = pano_application_handle_local_options;
}

static void
pano_application_init (PanoApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[FILE…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Open GIS files over the offline city map."));
}

/* Returns: (nullable): the build tree's compiled catalogues when this program runs from the
 * build tree (the README's demo, the tests), where the installed ones may be missing or old */
static char *
find_build_tree_catalogues (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = g_build_filename (PANO_BUILD_ROOT, "po", NULL);

  if (exe == NULL || !g_str_has_prefix (exe, PANO_BUILD_ROOT G_DIR_SEPARATOR_S) ||
      !g_file_test (dir, G_FILE_TEST_IS_DIR))
    return NULL;
  return g_steal_pointer (&dir);
}

/* The language the environment asks for (LC_ALL, LC_MESSAGES, LANG), without its codeset. */
static char *
requested_language (void)
{
  const char *names[] = { "LC_ALL", "LC_MESSAGES", "LANG" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *value = g_getenv (names[i]);

      if (value != NULL && value[0] != '\0')
        return g_strndup (value, strcspn (value, ".@"));
    }
  return NULL;
}

/**
 * pano_application_setup_i18n:
 *
 * Sets the locale and binds the text domain, before any text is shown. A language whose locale
 * is not installed (zh_CN on many a fresh Debian) still gets its translations: the C.UTF-8
 * locale keeps text UTF-8, and gettext is told the language through LANGUAGE. Run from the build
 * tree, the catalogues compiled there are used.
 */
void
pano_application_setup_i18n (void)
{
  g_autofree char *catalogues = find_build_tree_catalogues ();

  if (setlocale (LC_ALL, "") == NULL)
    {
      g_autofree char *language = requested_language ();

      setlocale (LC_ALL, "C.UTF-8");
      if (language != NULL && g_getenv ("LANGUAGE") == NULL && !g_str_equal (language, "C"))
        g_setenv ("LANGUAGE", language, TRUE);
      /* GTK would try the missing locale again and warn that it falls back to C. */
      if (!gtk_is_initialized ())
        gtk_disable_setlocale ();
    }
  bindtextdomain (GETTEXT_PACKAGE, catalogues ? catalogues : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

PanoApplication *
pano_application_new (void)
{
  return g_object_new (PANO_TYPE_APPLICATION,
                       "application-id", PANO_APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/org/panorama/Panorama",
                       NULL);
}
