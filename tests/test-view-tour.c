// SPDX-License-Identifier: GPL-3.0-or-later
/* The tour file (轮巡): a good file reads back view by view; each bad value is refused with the
 * file, the line, the group and the key named; saving a view appends it and keeps what a person
 * wrote. */
#include "pano-view-tour.h"
#include "pano-test-util.h"

#include <string.h>

static const char * const live_names[] = {
  "traffic", "environment", "events", "resources", "incidents", "alerts", NULL
};

static char *tmpdir;

#define GOOD \
  "# the night shift's tour\n" \
  "[tour]\n" \
  "interval=20\n" \
  "idle=90\n" \
  "\n" \
  "[view 1]\n" \
  "name=全市\n" \
  "latitude=32.629\n" \
  "longitude=110.798\n" \
  "zoom=11\n" \
  "\n" \
  "[view 2]\n" \
  "name=张湾区 交通\n" \
  "latitude=32.652\n" \
  "longitude=110.770\n" \
  "zoom=13.5\n" \
  "live-layers=traffic;incidents;\n" \
  "user-layers=roads;河流;\n" \
  "scope=420300-420303\n" \
  "\n" \
  "[view 3]\n" \
  "latitude=32.6\n" \
  "longitude=110.8\n" \
  "zoom=15\n" \
  "live-layers=\n"

static char *
write_tour (const char *name,
            const char *text)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_good (void)
{
  g_autofree char *path = write_tour ("good.tour", GOOD);
  g_autoptr(GError) error = NULL;
  g_autoptr(PanoViewTour) tour = pano_view_tour_new_from_file (path, live_names, &error);
  const PanoTourView *v;

  g_assert_no_error (error);
  g_assert_cmpuint (pano_view_tour_get_interval (tour), ==, 20);
  g_assert_cmpuint (pano_view_tour_get_idle (tour), ==, 90);
  g_assert_cmpuint (pano_view_tour_get_n_views (tour), ==, 3);

  v = pano_view_tour_get_view (tour, 0);
  g_assert_cmpstr (v->name, ==, "全市");
  g_assert_cmpfloat_with_epsilon (v->latitude, 32.629, 1e-9);
  g_assert_cmpfloat_with_epsilon (v->longitude, 110.798, 1e-9);
  g_assert_cmpfloat (v->zoom, ==, 11);
  g_assert_null (v->live_layers);     /* left as they are */
  g_assert_null (v->user_layers);
  g_assert_cmpstr (v->scope, ==, "");

  v = pano_view_tour_get_view (tour, 1);
  g_assert_cmpstr (v->name, ==, "张湾区 交通");
  g_assert_cmpfloat (v->zoom, ==, 13.5);
  g_assert_cmpuint (g_strv_length (v->live_layers), ==, 2);
  g_assert_cmpstr (v->live_layers[0], ==, "traffic");
  g_assert_cmpstr (v->live_layers[1], ==, "incidents");
  g_assert_cmpuint (g_strv_length (v->user_layers), ==, 2);
  g_assert_cmpstr (v->user_layers[1], ==, "河流");
  g_assert_cmpstr (v->scope, ==, "420300-420303");

  v = pano_view_tour_get_view (tour, 2);
  g_assert_cmpstr (v->name, ==, "view 3");            /* the group's name without a name key */
  g_assert_nonnull (v->live_layers);
  g_assert_cmpuint (g_strv_length (v->live_layers), ==, 0);   /* every live layer hidden */
}

/* Defaults: a file of views only cycles every 30 s and waits 60 s after input. */
static void
test_defaults (void)
{
  g_autofree char *path = write_tour ("defaults.tour",
                                      "[a]\nlatitude=32\nlongitude=110\nzoom=10\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(PanoViewTour) tour = pano_view_tour_new_from_file (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (pano_view_tour_get_interval (tour), ==, PANO_VIEW_TOUR_DEFAULT_INTERVAL);
  g_assert_cmpuint (pano_view_tour_get_idle (tour), ==, PANO_VIEW_TOUR_DEFAULT_IDLE);
  g_assert_cmpstr (pano_view_tour_get_view (tour, 0)->name, ==, "a");
}

typedef struct
{
  const char *replace;   /* a line of GOOD … */
  const char *with;      /* … replaced by this */
  const char *names;     /* what the message must say, '|'-separated */
} Bad;

static const Bad bad[] = {
  { "interval=20", "interval=0", "bad.tour:3:|[tour] interval|“0”" },
  { "interval=20", "interval=ten", "bad.tour:3:|[tour] interval|“ten”" },
  { "interval=20", "interval=2.5", "bad.tour:3:|[tour] interval|2.5" },
  { "idle=90", "idle=100000", "bad.tour:4:|[tour] idle|“100000”" },
  { "idle=90", "idel=90", "bad.tour:4:|[tour] idel|interval, idle" },
  { "latitude=32.652", "latitude=91", "bad.tour:14:|[view 2] latitude|“91”" },
  { "longitude=110.770", "longitude=east", "bad.tour:15:|[view 2] longitude|“east”" },
  { "longitude=110.770", "", "bad.tour:12:|[view 2]|longitude" },
  { "zoom=13.5", "zoom=nan", "bad.tour:16:|[view 2] zoom|“nan”" },
  { "zoom=13.5", "zoom=23", "bad.tour:16:|[view 2] zoom|“23”" },
  { "live-layers=traffic;incidents;", "live-layers=traffic;buses;",
    "bad.tour:17:|[view 2] live-layers|“buses”|traffic, environment" },
  { "scope=420300-420303", "scope=张湾区", "bad.tour:19:|[view 2] scope|“张湾区”" },
  { "name=张湾区 交通", "name=", "bad.tour:13:|[view 2] name" },
  { "zoom=13.5", "zoom=13.5\ncentre=32,110", "bad.tour:17:|[view 2] centre|latitude" },
  { "[view 2]", "[view 2", "bad.tour|[view 2" },
};

static void
test_bad (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GString) text = g_string_new (GOOD);
      g_autofree char *path = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(PanoViewTour) tour = NULL;
      g_auto(GStrv) names = g_strsplit (bad[i].names, "|", -1);

      g_assert_cmpuint (g_string_replace (text, bad[i].replace, bad[i].with, 1), ==, 1);
      path = write_tour ("bad.tour", text->str);
      tour = pano_view_tour_new_from_file (path, live_names, &error);
      g_assert_null (tour);
      g_assert_nonnull (error);
      g_test_message ("%s → %s", bad[i].with, error->message);
      g_assert_true (g_error_matches (error, PANO_VIEW_TOUR_ERROR, PANO_VIEW_TOUR_ERROR_INVALID) ||
                     g_error_matches (error, PANO_VIEW_TOUR_ERROR, PANO_VIEW_TOUR_ERROR_SYNTAX));
      g_assert_true (g_str_has_prefix (error->message, tmpdir));   /* the file, by its path */
      for (guint j = 0; names[j]; j++)
        if (strstr (error->message, names[j]) == NULL)
          g_error ("“%s” does not say “%s”", error->message, names[j]);
    }
}

static void
test_empty_and_missing (void)
{
  g_autofree char *empty = write_tour ("empty.tour", "[tour]\ninterval=10\n");
  g_autofree char *missing = g_build_filename (tmpdir, "missing.tour", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_null (pano_view_tour_new_from_file (empty, NULL, &error));
  g_assert_error (error, PANO_VIEW_TOUR_ERROR, PANO_VIEW_TOUR_ERROR_EMPTY);
  g_assert_nonnull (strstr (error->message, empty));
  g_clear_error (&error);
  g_assert_null (pano_view_tour_new_from_file (missing, NULL, &error));
  g_assert_error (error, PANO_VIEW_TOUR_ERROR, PANO_VIEW_TOUR_ERROR_UNREADABLE);
  g_assert_nonnull (strstr (error->message, missing));
}

static PanoTourView *
make_view (const char *name)
{
  PanoTourView *view = pano_tour_view_new ();
  const char *live[] = { "alerts", NULL };
  const char *user[] = { "roads;bridges", NULL };   /* a separator in a title survives */

  view->name = g_strdup (name);
  view->latitude = 32.6123456;
  view->longitude = 110.7654321;
  view->zoom = 14.25;
  view->live_layers = g_strdupv ((char **)live);
  view->user_layers = g_strdupv ((char **)user);
  g_free (view->scope);
  view->scope = g_strdup ("420300-420302");
  return view;
}

/* Saving starts a new file, appends to one a person wrote (comments kept), and leaves a file
 * that is not a good tour as it was. */
static void
test_append (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "saved.tour", NULL);
  g_autofree char *edited = write_tour ("edited.tour", GOOD);
  g_autofree char *broken = write_tour ("broken.tour", "[tour]\ninterval=soon\n");
  g_autoptr(PanoTourView) view = make_view ("茅箭区");
  g_autoptr(PanoViewTour) tour = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const PanoTourView *v;

  g_assert_true (pano_view_tour_append_to_file (path, view, live_names, &error));
  g_assert_no_error (error);
  g_assert_true (pano_view_tour_append_to_file (path, view, live_names, &error));
  tour = pano_view_tour_new_from_file (path, live_names, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pano_view_tour_get_n_views (tour), ==, 2);
  g_assert_cmpuint (pano_view_tour_get_interval (tour), ==, PANO_VIEW_TOUR_DEFAULT_INTERVAL);
  v = pano_view_tour_get_view (tour, 1);
  g_assert_cmpstr (v->name, ==, "茅箭区");
  g_assert_cmpfloat_with_epsilon (v->latitude, 32.612346, 1e-9);
  g_assert_cmpfloat_with_epsilon (v->longitude, 110.765432, 1e-9);
  g_assert_cmpfloat (v->zoom, ==, 14.25);
  g_assert_cmpstr (v->live_layers[0], ==, "alerts");
  g_assert_cmpstr (v->user_layers[0], ==, "roads;bridges");
  g_assert_null (v->user_layers[1]);
  g_assert_cmpstr (v->scope, ==, "420300-420302");
  g_clear_object (&tour);

  g_assert_true (pano_view_tour_append_to_file (edited, view, live_names, &error));
  g_assert_no_error (error);
  g_file_get_contents (edited, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "# the night shift's tour"));
  g_assert_nonnull (strstr (text, "[view 4]"));
  tour = pano_view_tour_new_from_file (edited, live_names, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pano_view_tour_get_n_views (tour), ==, 4);
  g_assert_cmpuint (pano_view_tour_get_interval (tour), ==, 20);
  g_assert_cmpstr (pano_view_tour_get_view (tour, 3)->name, ==, "茅箭区");
  g_clear_pointer (&text, g_free);

  g_assert_false (pano_view_tour_append_to_file (broken, view, live_names, &error));
  g_assert_error (error, PANO_VIEW_TOUR_ERROR, PANO_VIEW_TOUR_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "[tour] interval"));
  g_file_get_contents (broken, &text, NULL, NULL);
  g_assert_cmpstr (text, ==, "[tour]\ninterval=soon\n");
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = pano_test_make_tmpdir ();
  g_test_add_func ("/view-tour/good", test_good);
  g_test_add_func ("/view-tour/defaults", test_defaults);
  g_test_add_func ("/view-tour/bad", test_bad);
  g_test_add_func ("/view-tour/empty-and-missing", test_empty_and_missing);
  g_test_add_func ("/view-tour/append", test_append);
  status = g_test_run ();
  pano_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
