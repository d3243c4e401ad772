// SPDX-License-Identifier: GPL-3.0-or-later
/* A view tour (轮巡): saved views of the map cycled on a wall, read from a key file a person can
 * edit. The [tour] group holds the interval and the idle time after operator input, in seconds;
 * every other group is one view, in the order of the file:
 *
 *   [tour]
 *   interval=30
 *   idle=60
 *
 *   [view 1]
 *   name=张湾区
 *   latitude=32.652
 *   longitude=110.770
 *   zoom=13
 *   live-layers=traffic;incidents;
 *   user-layers=
 *   scope=420300-420303
 *
 * A value out of bounds or a key nobody reads (a typo) refuses the file, naming it, the line,
 * the group and the key. */
#define G_LOG_DOMAIN "panorama-core"

#include "pano-view-tour.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define TOUR_GROUP "tour"
#define MAX_FILE_SIZE (1024 * 1024)
#define MAX_SCOPE 64

struct _PanoViewTour
{
  GObject parent_instance;

  char *path;
  guint interval;
  guint idle;
  GPtrArray *views;   /* PanoTourView */
};

G_DEFINE_QUARK (pano-view-tour-error-quark, pano_view_tour_error)
G_DEFINE_BOXED_TYPE (PanoTourView, pano_tour_view, pano_tour_view_copy, pano_tour_view_free)
G_DEFINE_FINAL_TYPE (PanoViewTour, pano_view_tour, G_TYPE_OBJECT)

PanoTourView *
pano_tour_view_new (void)
{
  PanoTourView *view = g_new0 (PanoTourView, 1);

  view->scope = g_strdup ("");
  return view;
}

PanoTourView *
pano_tour_view_copy (const PanoTourView *view)
{
  PanoTourView *copy = g_new0 (PanoTourView, 1);

  copy->name = g_strdup (view->name);
  copy->latitude = view->latitude;
  copy->longitude = view->longitude;
  copy->zoom = view->zoom;
  copy->live_layers = g_strdupv (view->live_layers);
  copy->user_layers = g_strdupv (view->user_layers);
  copy->scope = g_strdup (view->scope);
  return copy;
}

void
pano_tour_view_free (PanoTourView *view)
{
  if (view == NULL)
    return;
  g_free (view->name);
  g_strfreev (view->live_layers);
  g_strfreev (view->user_layers);
  g_free (view->scope);
  g_free (view);
}

/* ---- where in the file ---- */

/* Returns: the 1-based line of @key in [@group] (of the group's header when @key is %NULL), or
 * 0 when the text does not have it */
static guint
find_line (const char *text,
           const char *group,
           const char *key)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *header = g_strdup_printf ("[%s]", group);
  gboolean inside = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (line[0] == '[')
        {
          inside = g_str_equal (line, header);
          if (inside && key == NULL)
            return i + 1;
        }
      else if (inside && key != NULL && g_str_has_prefix (line, key))
        {
          const char *rest = line + strlen (key);

          while (*rest == ' ' || *rest == '\t')
            rest++;
          if (*rest == '=')
            return i + 1;
        }
    }
  return 0;
}

typedef struct
{
  const char *path;
  const char *text;
  GKeyFile *file;
  const char * const *live_layers;
} Source;

/* Fails with "FILE:LINE: [GROUP] KEY: what is wrong". */
G_GNUC_PRINTF (5, 6) static gboolean
refuse (const Source *source,
        const char   *group,
        const char   *key,
        GError      **error,
        const char   *format,
        ...)
{
  g_autofree char *what = NULL;
  g_autofree char *where = NULL;
  guint line = find_line (source->text, group, key);
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  where = line > 0 ? g_strdup_printf ("%s:%u", source->path, line) : g_strdup (source->path);
  if (key != NULL)
    g_set_error (error, PANO_VIEW_TOUR_ERROR, PANO_VIEW_TOUR_ERROR_INVALID, "%s: [%s] %s: %s",
                 where, group, key, what);
  else
    g_set_error (error, PANO_VIEW_TOUR_ERROR, PANO_VIEW_TOUR_ERROR_INVALID, "%s: [%s]: %s",
                 where, group, what);
  return FALSE;
}

/* ---- values ---- */

static gboolean
read_number (const Source *source,
             const char   *group,
             const char   *key,
             double        min,
             double        max,
             double       *out,
             GError      **error)
{
  g_autofree char *value = g_key_file_get_value (source->file, group, key, NULL);
  char *end = NULL;
  double number;

  if (value == NULL)
    return refuse (source, group, NULL, error, _("the key “%s” is missing"), key);
  g_strstrip (value);
  number = g_ascii_strtod (value, &end);
  if (value[0] == '\0' || *end != '\0' || !isfinite (number) || number < min || number > max)
    return refuse (source, group, key, error, _("“%s” is not a number from %g to %g"),
                   value, min, max);
  *out = number;
  return TRUE;
}

static gboolean
read_seconds (const Source *source,
              const char   *key,
              guint         fallback,
              guint        *out,
              GError      **error)
{
  double seconds;

  if (!g_key_file_has_key (source->file, TOUR_GROUP, key, NULL))
    {
      *out = fallback;
      return TRUE;
    }
  if (!read_number (source, TOUR_GROUP, key, PANO_VIEW_TOUR_MIN_SECONDS,
                    PANO_VIEW_TOUR_MAX_SECONDS, &seconds, error))
    return FALSE;
  if (seconds != floor (seconds))
    return refuse (source, TOUR_GROUP, key, error, _("%g is not a whole number of seconds"),
                   seconds);
  *out = (guint)seconds;
  return TRUE;
}

static gboolean
check_keys (const Source       *source,
            const char         *group,
            const char * const *known,
            GError            **error)
{
  g_auto(GStrv) keys = g_key_file_get_keys (source->file, group, NULL, NULL);

  for (guint i = 0; keys && keys[i]; i++)
    if (!g_strv_contains (known, keys[i]))
      {
        g_autofree char *list = g_strjoinv (", ", (char **)known);

        if (g_str_equal (group, TOUR_GROUP))
          return refuse (source, group, keys[i], error, _("no such key; [tour] has: %s"), list);
        return refuse (source, group, keys[i], error, _("no such key; a view has: %s"), list);
      }
  return TRUE;
}

static gboolean
read_live_layers (const Source  *source,
                  const char    *group,
                  PanoTourView  *view,
                  GError       **error)
{
  if (!g_key_file_has_key (source->file, group, "live-layers", NULL))
    return TRUE;
  view->live_layers = g_key_file_get_string_list (source->file, group, "live-layers", NULL, NULL);
  if (view->live_layers == NULL)
    view->live_layers = g_new0 (char *, 1);
  for (guint i = 0; view->live_layers[i] != NULL; i++)
    {
      g_strstrip (view->live_layers[i]);
      if (source->live_layers != NULL && !g_strv_contains (source->live_layers,
                                                           view->live_layers[i]))
        {
          g_autofree char *list = g_strjoinv (", ", (char **)source->live_layers);

          return refuse (source, group, "live-layers", error,
                         _("there is no live layer “%s”; the live layers are: %s"),
                         view->live_layers[i], list);
        }
    }
  return TRUE;
}

static gboolean
read_scope (const Source  *source,
            const char    *group,
            PanoTourView  *view,
            GError       **error)
{
  g_autofree char *scope = g_key_file_get_string (source->file, group, "scope", NULL);

  if (scope == NULL)
    return TRUE;   /* the whole city */
  g_strstrip (scope);
  if (strlen (scope) > MAX_SCOPE || strspn (scope, "0123456789-") != strlen (scope))
    return refuse (source, group, "scope", error,
                   _("“%s” is not a grid-code prefix such as 420300-420303 (empty for the "
                     "whole city)"), scope);
  g_free (view->scope);
  view->scope = g_steal_pointer (&scope);
  return TRUE;
}

static gboolean
read_name (const Source  *source,
           const char    *group,
           PanoTourView  *view,
           GError       **error)
{
  g_autofree char *name = g_key_file_get_string (source->file, group, "name", NULL);

  if (name == NULL)
    name = g_strdup (group);
  g_strstrip (name);
  if (name[0] == '\0' || g_utf8_strlen (name, -1) > PANO_VIEW_TOUR_MAX_NAME)
    return refuse (source, group, "name", error,
                   _("a view needs a name of 1 to %d characters"), PANO_VIEW_TOUR_MAX_NAME);
  view->name = g_steal_pointer (&name);
  return TRUE;
}

static PanoTourView *
read_view (const Source  *source,
           const char    *group,
           GError       **error)
{
  static const char * const keys[] = {
    "name", "latitude", "longitude", "zoom", "live-layers", "user-layers", "scope", NULL
  };
  g_autoptr(PanoTourView) view = pano_tour_view_new ();

  if (!check_keys (source, group, keys, error) ||
      !read_name (source, group, view, error) ||
      !read_number (source, group, "latitude", -85, 85, &view->latitude, error) ||
      !read_number (source, group, "longitude", -180, 180, &view->longitude, error) ||
      !read_number (source, group, "zoom", 0, PANO_VIEW_TOUR_MAX_ZOOM, &view->zoom, error) ||
      !read_live_layers (source, group, view, error) ||
      !read_scope (source, group, view, error))
    return NULL;
  if (g_key_file_has_key (source->file, group, "user-layers", NULL))
    {
      view->user_layers = g_key_file_get_string_list (source->file, group, "user-layers", NULL,
                                                      NULL);
      if (view->user_layers == NULL)
        view->user_layers = g_new0 (char *, 1);
    }
  return g_steal_pointer (&view);
}

static gboolean
parse (PanoViewTour        *self,
       const char          *path,
       const char          *text,
       const char * const  *live_layers,
       GError             **error)
{
  static const char * const tour_keys[] = { "interval", "idle", NULL };
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) groups = NULL;
  Source source = { path, text, file, live_layers };

  if (!g_key_file_load_from_data (file, text, -1, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, PANO_VIEW_TOUR_ERROR, PANO_VIEW_TOUR_ERROR_SYNTAX, "%s: %s", path,
                   local->message);
      return FALSE;
    }
  if (g_key_file_has_group (file, TOUR_GROUP) &&
      (!check_keys (&source, TOUR_GROUP, tour_keys, error) ||
       !read_seconds (&source, "interval", PANO_VIEW_TOUR_DEFAULT_INTERVAL, &self->interval,
                      error) ||
       !read_seconds (&source, "idle", PANO_VIEW_TOUR_DEFAULT_IDLE, &self->idle, error)))
    return FALSE;
  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      PanoTourView *view;

      if (g_str_equal (groups[i], TOUR_GROUP))
        continue;
      if (self->views->len == PANO_VIEW_TOUR_MAX_VIEWS)
        return refuse (&source, groups[i], NULL, error, _("a tour has at most %d views"),
                       PANO_VIEW_TOUR_MAX_VIEWS);
      if ((view = read_view (&source, groups[i], error)) == NULL)
        return FALSE;
      g_ptr_array_add (self->views, view);
    }
  return TRUE;
}

static char *
read_text (const char  *path,
           GError     **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *text = NULL;
  gsize length;

  if (!g_file_get_contents (path, &text, &length, &local))
    {
      g_set_error (error, PANO_VIEW_TOUR_ERROR, PANO_VIEW_TOUR_ERROR_UNREADABLE,
                   _("The tour file %s could not be read: %s"), path, local->message);
      return NULL;
    }
  if (length > MAX_FILE_SIZE || strlen (text) != length)
    {
      g_set_error (error, PANO_VIEW_TOUR_ERROR, PANO_VIEW_TOUR_ERROR_UNREADABLE,
                   _("%s is not a tour file: it is binary or larger than 1 MB"), path);
      return NULL;
    }
  return g_steal_pointer (&text);
}

static void
pano_view_tour_finalize (GObject *object)
{
  PanoViewTour *self = (PanoViewTour *)object;

  g_free (self->path);
  g_ptr_array_unref (self->views);

  G_OBJECT_CLASS (pano_view_tour_parent_class)->finalize (object);
}

static void
pano_view_tour_class_init (PanoViewTourClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pano_view_tour_finalize;
}

static void
pano_view_tour_init (PanoViewTour *self)
{
  self->interval = PANO_VIEW_TOUR_DEFAULT_INTERVAL;
  self->idle = PANO_VIEW_TOUR_DEFAULT_IDLE;
  self->views = g_ptr_array_new_with_free_func ((GDestroyNotify)pano_tour_view_free);
}

/**
 * pano_view_tour_new_from_file:
 * @live_layers: (nullable): the names a view's live-layers may list, %NULL for any
 *
 * Returns: (transfer full) (nullable): the tour, or %NULL with @error naming the file, the line,
 *   the group and the key that is wrong; a file without views is refused too
 */
PanoViewTour *
pano_view_tour_new_from_file (const char          *path,
                              const char * const  *live_layers,
                              GError             **error)
{
  g_autoptr(PanoViewTour) self = g_object_new (PANO_TYPE_VIEW_TOUR, NULL);
  g_autofree char *text = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if ((text = read_text (path, error)) == NULL ||
      !parse (self, path, text, live_layers, error))
    return NULL;
  if (self->views->len == 0)
    {
      g_set_error (error, PANO_VIEW_TOUR_ERROR, PANO_VIEW_TOUR_ERROR_EMPTY,
                   _("%s has no views: save one from the window (Save View to Tour…) or add a "
                     "[view 1] group with latitude, longitude and zoom"), path);
      return NULL;
    }
  self->path = g_strdup (path);
  return g_steal_pointer (&self);
}

const char *
pano_view_tour_get_path (PanoViewTour *self)
{
  return self->path;
}

/* Returns: the seconds each view is shown */
guint
pano_view_tour_get_interval (PanoViewTour *self)
{
  return self->interval;
}

/* Returns: the seconds without operator input after which a paused tour goes on */
guint
pano_view_tour_get_idle (PanoViewTour *self)
{
  return self->idle;
}

guint
pano_view_tour_get_n_views (PanoViewTour *self)
{
  return self->views->len;
}

const PanoTourView *
pano_view_tour_get_view (PanoViewTour *self,
                         guint         index)
{
  g_return_val_if_fail (index < self->views->len, NULL);

  return g_ptr_array_index (self->views, index);
}

/* ---- saving ---- */

static void
set_number (GKeyFile   *file,
            const char *group,
            const char *key,
            const char *format,
            double      value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_key_file_set_value (file, group, key, g_ascii_formatd (buffer, sizeof buffer, format, value));
}

static char *
next_group (GKeyFile *file)
{
  for (guint n = 1;; n++)
    {
      g_autofree char *group = g_strdup_printf ("view %u", n);

      if (!g_key_file_has_group (file, group))
        return g_steal_pointer (&group);
    }
}

static void
add_view (GKeyFile           *file,
          const PanoTourView *view)
{
  g_autofree char *group = next_group (file);

  g_key_file_set_string (file, group, "name", view->name);
  set_number (file, group, "latitude", "%.6f", view->latitude);
  set_number (file, group, "longitude", "%.6f", view->longitude);
  set_number (file, group, "zoom", "%.2f", view->zoom);
  if (view->live_layers != NULL)
    g_key_file_set_string_list (file, group, "live-layers", (const char * const *)view->live_layers,
                                g_strv_length (view->live_layers));
  if (view->user_layers != NULL)
    g_key_file_set_string_list (file, group, "user-layers", (const char * const *)view->user_layers,
                                g_strv_length (view->user_layers));
  g_key_file_set_string (file, group, "scope", view->scope ? view->scope : "");
}

/**
 * pano_view_tour_append_to_file:
 * @live_layers: (nullable): the names a view's live-layers may list, %NULL for any
 *
 * Adds @view at the end of the tour in @path, keeping what a person wrote there (comments
 * too); a file that does not exist yet is started with the default interval and idle time.
 * A file that is not a good tour is left as it is.
 *
 * Returns: %FALSE with @error naming the file and what is wrong
 */
gboolean
pano_view_tour_append_to_file (const char          *path,
                               const PanoTourView  *view,
                               const char * const  *live_layers,
                               GError             **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(PanoViewTour) check = g_object_new (PANO_TYPE_VIEW_TOUR, NULL);
  g_autoptr(GError) local = NULL;
  g_autofree char *text = NULL;
  g_autofree char *written = NULL;

  g_return_val_if_fail (path != NULL && view != NULL, FALSE);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if ((text = read_text (path, error)) == NULL ||
          !parse (check, path, text, live_layers, error))
        return FALSE;
      g_key_file_load_from_data (file, text, -1, G_KEY_FILE_KEEP_COMMENTS, NULL);
    }
  else
    {
      g_key_file_set_integer (file, TOUR_GROUP, "interval", PANO_VIEW_TOUR_DEFAULT_INTERVAL);
      g_key_file_set_integer (file, TOUR_GROUP, "idle", PANO_VIEW_TOUR_DEFAULT_IDLE);
      g_key_file_set_comment (file, TOUR_GROUP, NULL,
                              " A view tour of Panorama (panorama --tour FILE): each view is "
                              "shown for interval\n seconds; operator input pauses the tour for "
                              "idle seconds.", NULL);
    }
  add_view (file, view);
  written = g_key_file_to_data (file, NULL, NULL);
  /* What is written must read back: a bad value is refused here, not at the next start. */
  g_clear_object (&check);
  check = g_object_new (PANO_TYPE_VIEW_TOUR, NULL);
  if (!parse (check, path, written, live_layers, error))
    return FALSE;
  if (!g_file_set_contents (path, written, -1, &local))
    {
      g_set_error (error, PANO_VIEW_TOUR_ERROR, PANO_VIEW_TOUR_ERROR_UNREADABLE,
                   _("The tour file %s could not be written: %s"), path, local->message);
      return FALSE;
    }
  return TRUE;
}
