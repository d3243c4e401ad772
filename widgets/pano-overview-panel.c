// SPDX-License-Identifier: GPL-3.0-or-later
/* 总体态势: the situation of the scope at a glance, from the hub's `GET /v1/overview`
 * (docs/overview.md). One tile per figure — the value large with its unit, its name, a 24-hour
 * sparkline and the change against the same time yesterday — turning amber or red against the
 * thresholds the hub is configured with (so every wall and desk agrees; the state is said in
 * words in the tile's tooltip too, not by colour alone); then today's most frequent categories
 * and the mix of sources as bars. Read again every 30 s while on screen and when the scope
 * changes. */
#define G_LOG_DOMAIN "panorama-overview"

#include "pano-overview-panel.h"
#include "pano-alert-row.h"
#include "pano-format.h"
#include "pano-panel-style.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#define DEFAULT_REFRESH_S 30
#define N_MIX_ROWS 8

typedef struct
{
  const char *key;
  const char *name;
  const char *unit;        /* after the figure; NULL: none */
} TileSpec;

static const TileSpec specs[] = {
  { "incidents_today", NC_("overview", "Incidents today"), NC_("unit", "incidents") },
  { "in_progress", NC_("overview", "In progress"), NC_("unit", "incidents") },
  { "overdue", NC_("overview", "Overdue"), NC_("unit", "incidents") },
  { "closure", NC_("overview", "Closure rate"), NULL },
  { "on_time_closure", NC_("overview", "Closed on time"), NULL },
  { "congestion", NC_("overview", "Congestion index"), NULL },
  { "aqi_mean", NC_("overview", "Air quality, mean"), "AQI" },
  { "aqi_worst", NC_("overview", "Air quality, worst station"), "AQI" },
  { "units_available", NC_("overview", "Units available"), NC_("unit", "vehicles") },
  { "shelter_free", NC_("overview", "Shelter places free"), NC_("unit", "places") },
  { "alerts_active", NC_("overview", "Active alerts"), NC_("unit", "alerts") },
};

typedef struct
{
  const TileSpec *spec;
  GtkWidget *box;
  GtkLabel *value;
  GtkLabel *unit;
  GtkLabel *change;
  GtkLabel *detail;
  GtkWidget *spark;
  char *value_text;
  char *change_text;
  char *detail_text;
  double *series;          /* N points, NAN where unknown */
  guint n_series;
  const char *state;       /* NULL, "amber", "red" */
} Tile;

struct _PanoOverviewPanel
{
  GtkBox parent_instance;

  GtkLabel *title_label;
  GtkLabel *period_label;
  GtkSpinner *spinner;
  GtkLabel *error_label;
  GtkFlowBox *tiles_box;
  GtkGrid *categories_grid;
  GtkGrid *sources_grid;

  PanoHubClient *client;
  Tile tiles[G_N_ELEMENTS (specs)];
  char *scope;
  char *scope_name;
  char *error;
  char *mix_text;
  GCancellable *cancellable;
  guint timer_id;
  guint refresh_s;
  gint64 loaded_at_us;
  gboolean stale_scope;
  guint n_loads;
};

G_DEFINE_FINAL_TYPE (PanoOverviewPanel, pano_overview_panel, GTK_TYPE_BOX)

/* ---- the sparkline ---- */

static void
draw_spark (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  Tile *tile = user_data;
  GdkRGBA color;
  double lo = INFINITY, hi = -INFINITY, step;
  gboolean pen = FALSE;

  if (tile->n_series < 2)
    return;
  for (guint i = 0; i < tile->n_series; i++)
    if (!isnan (tile->series[i]))
      {
        lo = MIN (lo, tile->series[i]);
        hi = MAX (hi, tile->series[i]);
      }
  if (!isfinite (lo))
    return;
  if (hi - lo < 1e-9)
    {
      lo -= 1;
      hi += 1;
    }
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &color);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_set_line_width (cr, MAX (1.5, height / 16.0));
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  step = (width - 4.0) / (tile->n_series - 1);
  for (guint i = 0; i < tile->n_series; i++)
    {
      double x = 2 + i * step, y;
      gboolean alone;

      if (isnan (tile->series[i]))
        {
          pen = FALSE;
          continue;
        }
      y = 2 + (height - 4.0) * (1 - (tile->series[i] - lo) / (hi - lo));
      alone = !pen && (i + 1 == tile->n_series || isnan (tile->series[i + 1]));
      if (alone)
        {
          /* A point with no neighbour (the first samples of a new hub) is a dot. */
          cairo_new_sub_path (cr);
          cairo_arc (cr, x, y, MAX (2.0, height / 12.0), 0, 2 * G_PI);
          cairo_fill (cr);
          continue;
        }
      if (pen)
        cairo_line_to (cr, x, y);
      else
        cairo_move_to (cr, x, y);
      pen = TRUE;
    }
  cairo_stroke (cr);
}

/* As tall as two lines of the tile's text, so it grows with the wall's gtk-xft-dpi. */
static void
size_spark (Tile *tile)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (tile->spark, "0");
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (tile->spark), MAX (2 * h, 16));
}

/* ---- tiles ---- */

static GtkLabel *
new_label (const char *css,
           const char *css2)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (css)
    gtk_widget_add_css_class (label, css);
  if (css2)
    gtk_widget_add_css_class (label, css2);
  return GTK_LABEL (label);
}

static void
build_tile (PanoOverviewPanel *self,
            Tile              *tile)
{
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkLabel *name = new_label ("caption", NULL);

  tile->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_add_css_class (tile->box, "card");
  gtk_widget_add_css_class (tile->box, "pano-overview-tile");
  gtk_label_set_label (name, g_dpgettext2 (GETTEXT_PACKAGE, "overview", tile->spec->name));
  gtk_label_set_ellipsize (name, PANGO_ELLIPSIZE_END);
  tile->value = new_label ("title-2", "numeric");
  tile->unit = new_label ("caption", NULL);
  gtk_widget_set_valign (GTK_WIDGET (tile->unit), GTK_ALIGN_BASELINE);
  gtk_widget_set_valign (GTK_WIDGET (tile->value), GTK_ALIGN_BASELINE);
  gtk_label_set_label (tile->unit, tile->spec->unit == NULL ? NULL
                       : g_str_equal (tile->spec->unit, "AQI") ? "AQI"
                       : g_dpgettext2 (GETTEXT_PACKAGE, "unit", tile->spec->unit));
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (tile->value));
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (tile->unit));
  tile->change = new_label ("caption", "pano-overview-change");
  gtk_widget_set_hexpand (GTK_WIDGET (tile->change), TRUE);
  gtk_label_set_xalign (tile->change, 1);
  gtk_widget_set_valign (GTK_WIDGET (tile->change), GTK_ALIGN_BASELINE);
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (tile->change));
  tile->spark = gtk_drawing_area_new ();
  gtk_widget_add_css_class (tile->spark, "pano-overview-spark");
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (tile->spark), draw_spark, tile, NULL);
  tile->detail = new_label ("caption", "dim-label");
  gtk_label_set_wrap (tile->detail, TRUE);
  gtk_label_set_wrap_mode (tile->detail, PANGO_WRAP_WORD_CHAR);
  gtk_box_append (GTK_BOX (tile->box), GTK_WIDGET (name));
  gtk_box_append (GTK_BOX (tile->box), line);
  gtk_box_append (GTK_BOX (tile->box), tile->spark);
  gtk_box_append (GTK_BOX (tile->box), GTK_WIDGET (tile->detail));
  gtk_flow_box_append (self->tiles_box, tile->box);
}

static JsonObject *
find_tile_answer (JsonObject *answer,
                  const char *key)
{
  JsonNode *node = json_object_get_member (answer, "tiles");
  JsonArray *array = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element)
                                                            : NULL;

      if (object && g_strcmp0 (json_object_get_string_member_with_default (object, "key", ""),
                               key) == 0)
        return object;
    }
  return NULL;
}

static gboolean
number (JsonObject *object,
        const char *member,
        double     *value)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;
  GType type = node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : 0;

  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return FALSE;
  *value = json_node_get_double (node);
  return TRUE;
}

static char *
format_value (const char *unit,
              double      value)
{
  if (g_strcmp0 (unit, "ratio") == 0)
    return g_strdup_printf ("%.1f %%", 100 * value);
  if (g_strcmp0 (unit, "index") == 0)
    return g_strdup_printf ("%.1f", value);
  return g_strdup_printf ("%.0f", value);
}

/* "▲ 12 %", "▼ 5 %", "= 0 %" against yesterday; "—" with nothing to compare with. */
static char *
format_change (double value,
               double before,
               gboolean known)
{
  double percent;

  if (!known || isnan (value) || before == 0)
    return g_strdup ("");
  percent = 100 * (value - before) / fabs (before);
  if (fabs (percent) < 0.5)
    return g_strdup (_("= yesterday"));
  return g_strdup_printf ("%s %.0f %%", percent > 0 ? "▲" : "▼", fabs (percent));
}

/* Returns: (nullable): "amber" or "red" as the value stands against the tile's thresholds */
static const char *
threshold_state (JsonObject *t,
                 double      value)
{
  gboolean lower = g_strcmp0 (json_object_get_string_member_with_default (t, "worse", ""),
                              "lower") == 0;
  double amber, red;

  if (isnan (value))
    return NULL;
  if (number (t, "red", &red) && (lower ? value <= red : value >= red))
    return "red";
  if (number (t, "amber", &amber) && (lower ? value <= amber : value >= amber))
    return "amber";
  return NULL;
}

static void
set_state (Tile       *tile,
           const char *state)
{
  tile->state = state;
  gtk_widget_remove_css_class (tile->box, "pano-overview-amber");
  gtk_widget_remove_css_class (tile->box, "pano-overview-red");
  if (g_strcmp0 (state, "amber") == 0)
    gtk_widget_add_css_class (tile->box, "pano-overview-amber");
  else if (g_strcmp0 (state, "red") == 0)
    gtk_widget_add_css_class (tile->box, "pano-overview-red");
}

static void
read_series (Tile       *tile,
             JsonObject *t)
{
  JsonNode *node = json_object_get_member (t, "series");
  JsonArray *array = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  guint n = array ? MIN (json_array_get_length (array), 1000) : 0;

  g_free (tile->series);
  tile->series = g_new (double, MAX (n, 1));
  tile->n_series = n;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (array, i);
      GType type = JSON_NODE_HOLDS_VALUE (e) ? json_node_get_value_type (e) : 0;

      tile->series[i] = type == G_TYPE_INT64 || type == G_TYPE_DOUBLE ? json_node_get_double (e)
                                                                      : NAN;
    }
}

static const char *
level_words (guint level)
{
  return pano_alert_format_level (level);
}

/* "消防车 3 · 救护车 2", the largest first; levels in their order of gravity. */
static char *
parts_text (const char *key,
            JsonObject *t)
{
  static const char *const levels[] = { "critical", "severe", "warning", "notice", "unknown" };
  static const PanoAlertLevel level_ids[] = { PANO_ALERT_LEVEL_CRITICAL, PANO_ALERT_LEVEL_SEVERE,
                                              PANO_ALERT_LEVEL_WARNING, PANO_ALERT_LEVEL_NOTICE,
                                              PANO_ALERT_LEVEL_UNKNOWN };
  JsonNode *node = json_object_get_member (t, "parts");
  JsonObject *parts = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GList) names = parts ? json_object_get_members (parts) : NULL;
  double n;

  if (parts == NULL)
    return NULL;
  if (g_str_equal (key, "alerts_active"))
    {
      for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
        if (number (parts, levels[i], &n) && n > 0)
          g_string_append_printf (text, "%s%s %.0f", text->len ? " · " : "",
                                  level_words (level_ids[i]), n);
      return g_string_free (g_steal_pointer (&text), FALSE);
    }
  names = g_list_sort (names, (GCompareFunc) g_strcmp0);
  for (GList *l = names; l != NULL; l = l->next)
    if (number (parts, l->data, &n))
      g_string_append_printf (text, "%s%s %.0f", text->len ? " · " : "",
                              pano_format_unit_kind (l->data), n);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
detail_text (const Tile *tile,
             JsonObject *t,
             const char *unit)
{
  double amber;

  if (g_strcmp0 (unit, "ratio") == 0 && number (t, "amber", &amber))
    {
      g_autofree char *goal = g_strdup_printf ("%.0f %%", 100 * amber);

      return g_strdup_printf (_("Target %s"), goal);
    }
  if (g_str_equal (tile->spec->key, "congestion"))
    return g_strdup (_("0 all roads free · 10 all jammed"));
  if (g_str_equal (tile->spec->key, "aqi_worst"))
    return g_strdup (json_object_get_string_member_with_default (t, "station", NULL));
  return parts_text (tile->spec->key, t);
}

static void
show_tile (Tile       *tile,
           JsonObject *answer)
{
  JsonObject *t = find_tile_answer (answer, tile->spec->key);
  const char *unit = t ? json_object_get_string_member_with_default (t, "unit", "") : "";
  double value = NAN, before = NAN;
  gboolean known = t && number (t, "value", &value);
  gboolean has_before = t && number (t, "yesterday", &before);
  g_autofree char *tooltip = NULL;
  g_autofree char *before_text = has_before ? format_value (unit, before) : NULL;
  const char *state;

  g_free (tile->value_text);
  tile->value_text = known ? format_value (unit, value) : g_strdup ("—");
  g_free (tile->change_text);
  tile->change_text = format_change (value, before, known && has_before);
  g_free (tile->detail_text);
  tile->detail_text = t ? detail_text (tile, t, unit) : NULL;
  gtk_label_set_label (tile->value, tile->value_text);
  gtk_label_set_label (tile->change, tile->change_text);
  gtk_label_set_label (tile->detail, tile->detail_text);
  if (t != NULL)
    read_series (tile, t);
  state = t ? threshold_state (t, value) : NULL;
  set_state (tile, state);
  tooltip = g_strdup_printf ("%s%s%s",
                             before_text ? _("Same time yesterday: ") : _("Nothing to compare "
                                                                           "with yesterday"),
                             before_text ? before_text : "",
                             g_strcmp0 (state, "red") == 0 ? _(" · past the red threshold")
                             : g_strcmp0 (state, "amber") == 0 ? _(" · past the amber threshold")
                             : "");
  gtk_widget_set_tooltip_text (tile->box, tooltip);
  size_spark (tile);
  gtk_widget_queue_draw (tile->spark);
}

/* ---- categories and sources ---- */

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

/* One bar: the name, its share of the day as a bar, and its figure. */
static void
attach_mix_row (GtkGrid    *grid,
                guint       row,
                const char *name,
                const char *figure_text,
                double      share)
{
  GtkLabel *label = new_label (NULL, NULL);
  GtkLabel *figure = new_label ("numeric", NULL);
  GtkWidget *bar = gtk_level_bar_new_for_interval (0, 1);

  gtk_label_set_label (label, name);
  gtk_label_set_ellipsize (label, PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (label, 8);
  gtk_label_set_label (figure, figure_text);
  gtk_label_set_xalign (figure, 1);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), share);
  gtk_widget_set_hexpand (bar, TRUE);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_grid_attach (grid, GTK_WIDGET (label), 0, row, 1, 1);
  gtk_grid_attach (grid, bar, 1, row, 1, 1);
  gtk_grid_attach (grid, GTK_WIDGET (figure), 2, row, 1, 1);
}

/* Today's categories (counts) or sources (shares); bars are shares of all of today's
 * incidents, those not listed (`*_others`) included. */
static void
show_mix (PanoOverviewPanel *self,
          GtkGrid           *grid,
          JsonObject        *answer,
          const char        *member,
          gboolean           sources,
          GString           *words)
{
  JsonNode *node = json_object_get_member (answer, member);
  JsonArray *array = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  guint n = array ? MIN (json_array_get_length (array), N_MIX_ROWS) : 0;
  g_autofree char *others = g_strconcat (member, "_others", NULL);
  double total = 0, count;

  clear_grid (grid);
  if (number (answer, others, &count))
    total += count;
  for (guint i = 0; i < n; i++)
    if (number (json_array_get_object_element (array, i), "count", &count))
      total += count;
  if (n == 0)
    {
      GtkLabel *none = new_label ("dim-label", NULL);

      gtk_label_set_label (none, _("No incidents reported today"));
      gtk_grid_attach (grid, GTK_WIDGET (none), 0, 0, 3, 1);
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      JsonObject *row = json_array_get_object_element (array, i);
      const char *name = json_object_get_string_member_with_default (row, "name", "");
      g_autofree char *text = NULL;

      count = 0;
      number (row, "count", &count);
      if (*name == '\0')
        name = _("Not given");
      else if (sources)
        name = pano_format_source (name);
      text = sources ? g_strdup_printf ("%.0f %%", total ? 100 * count / total : 0)
                     : g_strdup_printf (C_("count of incidents", "%.0f"), count);
      attach_mix_row (grid, i, name, text, total ? count / total : 0);
      g_string_append_printf (words, "%s %s\n", name, text);
    }
}

/* ---- heading ---- */

static void
show_title (PanoOverviewPanel *self)
{
  g_autofree char *title = g_strdup_printf (_("Overview · %s"),
                                            self->scope_name ? self->scope_name
                                                             : _("whole city"));

  gtk_label_set_label (self->title_label, title);
}

static void
show_period (PanoOverviewPanel *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *as_of = g_date_time_format (now, "%H:%M");
  g_autofree char *text = g_strdup_printf (_("Last 24 h, change against the same time "
                                             "yesterday · as of %s"), as_of);

  gtk_label_set_label (self->period_label, text);
}

static void
show_answer (PanoOverviewPanel *self,
             JsonObject        *answer)
{
  g_autoptr(GString) words = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (self->tiles); i++)
    show_tile (&self->tiles[i], answer);
  show_mix (self, self->categories_grid, answer, "categories", FALSE, words);
  show_mix (self, self->sources_grid, answer, "sources", TRUE, words);
  g_free (self->mix_text);
  self->mix_text = g_string_free (g_steal_pointer (&words), FALSE);
  show_period (self);
}

static void
set_error (PanoOverviewPanel *self,
           const char        *error)
{
  g_free (self->error);
  self->error = g_strdup (error);
  gtk_label_set_label (self->error_label, error);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
  if (error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self), "pano-kpi-stale");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "pano-kpi-stale");
}

static void
set_loading (PanoOverviewPanel *self,
             gboolean           loading)
{
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading);
  gtk_spinner_set_spinning (self->spinner, loading);
}

/* ---- reading ---- */

static void
on_overview (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PanoOverviewPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = pano_hub_client_get_finish (PANO_HUB_CLIENT (source), result,
                                                             &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->client == NULL)
    return;
  g_clear_object (&self->cancellable);
  self->loaded_at_us = g_get_monotonic_time ();
  self->n_loads++;
  set_loading (self, FALSE);
  if (answer == NULL)
    {
      g_autofree char *words = g_strdup_printf (_("The overview could not be read from the hub "
                                                  "at %s: %s. The figures shown are the last "
                                                  "ones read."),
                                                pano_hub_client_get_url (self->client),
                                                error->message);

      g_debug ("overview for '%s': %s", self->scope, error->message);
      set_error (self, words);
      return;
    }
  set_error (self, NULL);
  show_answer (self, answer);
}

/**
 * pano_overview_panel_refresh:
 *
 * Reads the overview of the scope now (a read still on its way is dropped).
 */
void
pano_overview_panel_refresh (PanoOverviewPanel *self)
{
  g_autofree char *escaped = g_uri_escape_string (self->scope, NULL, TRUE);
  g_autofree char *path = g_strdup_printf ("/v1/overview?scope=%s", escaped);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->stale_scope = FALSE;
  if (self->client == NULL)
    {
      set_error (self, _("Not connected to a hub: no overview to show."));
      return;
    }
  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  pano_hub_client_get_async (self->client, path, self->cancellable, on_overview,
                             g_object_ref (self));
}

static gboolean
on_timer (gpointer user_data)
{
  PanoOverviewPanel *self = user_data;

  if (self->cancellable == NULL)
    pano_overview_panel_refresh (self);
  return G_SOURCE_CONTINUE;
}

static void
start_timer (PanoOverviewPanel *self)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->timer_id = g_timeout_add_seconds (self->refresh_s, on_timer, self);
}

static void
pano_overview_panel_map (GtkWidget *widget)
{
  PanoOverviewPanel *self = PANO_OVERVIEW_PANEL (widget);

  GTK_WIDGET_CLASS (pano_overview_panel_parent_class)->map (widget);
  if (self->stale_scope || self->loaded_at_us == 0 ||
      g_get_monotonic_time () - self->loaded_at_us >= (gint64) self->refresh_s * G_USEC_PER_SEC)
    pano_overview_panel_refresh (self);
  start_timer (self);
}

static void
pano_overview_panel_unmap (GtkWidget *widget)
{
  PanoOverviewPanel *self = PANO_OVERVIEW_PANEL (widget);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  GTK_WIDGET_CLASS (pano_overview_panel_parent_class)->unmap (widget);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  pano_overview_panel_refresh (PANO_OVERVIEW_PANEL (widget));
}

/* The wall changes gtk-xft-dpi: the sparklines follow the text. */
static void
on_dpi (GtkSettings       *settings,
        GParamSpec        *pspec,
        PanoOverviewPanel *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->tiles); i++)
    size_spark (&self->tiles[i]);
}

/* ---- the object ---- */

static void
pano_overview_panel_dispose (GObject *object)
{
  PanoOverviewPanel *self = PANO_OVERVIEW_PANEL (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), PANO_TYPE_OVERVIEW_PANEL);
  G_OBJECT_CLASS (pano_overview_panel_parent_class)->dispose (object);
}

static void
pano_overview_panel_finalize (GObject *object)
{
  PanoOverviewPanel *self = PANO_OVERVIEW_PANEL (object);

  for (guint i = 0; i < G_N_ELEMENTS (self->tiles); i++)
    {
      g_free (self->tiles[i].value_text);
      g_free (self->tiles[i].change_text);
      g_free (self->tiles[i].detail_text);
      g_free (self->tiles[i].series);
    }
  g_free (self->scope);
  g_free (self->scope_name);
  g_free (self->error);
  g_free (self->mix_text);
  G_OBJECT_CLASS (pano_overview_panel_parent_class)->finalize (object);
}

static void
pano_overview_panel_class_init (PanoOverviewPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pano_overview_panel_dispose;
  object_class->finalize = pano_overview_panel_finalize;
  widget_class->map = pano_overview_panel_map;
  widget_class->unmap = pano_overview_panel_unmap;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/panorama/Panorama/ui/"
                                               "pano-overview-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, PanoOverviewPanel, title_label);
  gtk_widget_class_bind_template_child (widget_class, PanoOverviewPanel, period_label);
  gtk_widget_class_bind_template_child (widget_class, PanoOverviewPanel, spinner);
  gtk_widget_class_bind_template_child (widget_class, PanoOverviewPanel, error_label);
  gtk_widget_class_bind_template_child (widget_class, PanoOverviewPanel, tiles_box);
  gtk_widget_class_bind_template_child (widget_class, PanoOverviewPanel, categories_grid);
  gtk_widget_class_bind_template_child (widget_class, PanoOverviewPanel, sources_grid);
  gtk_widget_class_install_action (widget_class, "overview.refresh", NULL, refresh_action);
}

static void
pano_overview_panel_init (PanoOverviewPanel *self)
{
  pano_panel_style_ensure ();
  gtk_widget_init_template (GTK_WIDGET (self));
  self->scope = g_strdup ("");
  self->refresh_s = DEFAULT_REFRESH_S;
  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      Tile *tile = &self->tiles[i];

      tile->spec = &specs[i];
      build_tile (self, tile);
      tile->value_text = g_strdup ("—");
      gtk_label_set_label (tile->value, tile->value_text);
      size_spark (tile);
    }
  g_signal_connect_object (gtk_widget_get_settings (GTK_WIDGET (self)), "notify::gtk-xft-dpi",
                           G_CALLBACK (on_dpi), self, 0);
  show_title (self);
  show_period (self);
}

/**
 * pano_overview_panel_new:
 * @client: (nullable): the hub to read from
 *
 * Returns: (transfer floating): a panel for the whole city; it reads once it is on screen
 */
GtkWidget *
pano_overview_panel_new (PanoHubClient *client)
{
  PanoOverviewPanel *self = g_object_new (PANO_TYPE_OVERVIEW_PANEL, NULL);

  self->client = client ? g_object_ref (client) : NULL;
  return GTK_WIDGET (self);
}

/**
 * pano_overview_panel_set_scope:
 * @prefix: a grid-code prefix, "" for the whole city
 * @name: (nullable): the area's name for the heading
 */
void
pano_overview_panel_set_scope (PanoOverviewPanel *self,
                               const char        *prefix,
                               const char        *name)
{
  gboolean changed;

  g_return_if_fail (PANO_IS_OVERVIEW_PANEL (self));
  changed = g_strcmp0 (self->scope, prefix ? prefix : "") != 0;
  g_free (self->scope);
  self->scope = g_strdup (prefix ? prefix : "");
  g_free (self->scope_name);
  self->scope_name = g_strdup (name);
  show_title (self);
  if (!changed && self->loaded_at_us != 0)
    return;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      pano_overview_panel_refresh (self);
      start_timer (self);
    }
  else
    self->stale_scope = TRUE;
}

void
pano_overview_panel_set_refresh_seconds (PanoOverviewPanel *self,
                                         guint              seconds)
{
  self->refresh_s = MAX (seconds, 1);
  start_timer (self);
}

static Tile *
find_tile (PanoOverviewPanel *self,
           const char        *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->tiles); i++)
    if (g_str_equal (self->tiles[i].spec->key, key))
      return &self->tiles[i];
  g_return_val_if_reached (NULL);
}

/* Returns: the tile's figure as shown ("12", "96.0 %", "1.42", "—") */
const char *
pano_overview_panel_get_value_text (PanoOverviewPanel *self,
                                    const char        *key)
{
  Tile *tile = find_tile (self, key);

  return tile ? tile->value_text : NULL;
}

/* Returns: (nullable): "▲ 12 %", "▼ 5 %", "" when there is nothing to compare with */
const char *
pano_overview_panel_get_change_text (PanoOverviewPanel *self,
                                     const char        *key)
{
  Tile *tile = find_tile (self, key);

  return tile ? tile->change_text : NULL;
}

/* Returns: (nullable): the tile's small line: the target, or the breakdown by kind or level */
const char *
pano_overview_panel_get_detail_text (PanoOverviewPanel *self,
                                     const char        *key)
{
  Tile *tile = find_tile (self, key);

  return tile ? tile->detail_text : NULL;
}

/* Returns: (transfer none): the tile's widget (its CSS classes carry amber and red) */
GtkWidget *
pano_overview_panel_get_tile (PanoOverviewPanel *self,
                              const char        *key)
{
  Tile *tile = find_tile (self, key);

  return tile ? tile->box : NULL;
}

/* Returns: how many of the sparkline's points are known */
guint
pano_overview_panel_get_n_points (PanoOverviewPanel *self,
                                  const char        *key)
{
  Tile *tile = find_tile (self, key);
  guint n = 0;

  for (guint i = 0; tile != NULL && i < tile->n_series; i++)
    n += !isnan (tile->series[i]);
  return n;
}

/* Returns: (transfer full): the categories and sources as shown, one "name figure" a line */
char *
pano_overview_panel_dup_mix_text (PanoOverviewPanel *self)
{
  return g_strdup (self->mix_text ? self->mix_text : "");
}

const char *
pano_overview_panel_get_error (PanoOverviewPanel *self)
{
  return self->error;
}

guint
pano_overview_panel_get_n_loads (PanoOverviewPanel *self)
{
  return self->n_loads;
}
