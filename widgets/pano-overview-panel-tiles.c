// SPDX-License-Identifier: GPL-3.0-or-later
/* The overview's tiles (pano-overview-panel.c): each figure's value and unit, its sparkline
 * drawn with cairo, its change against yesterday, its thresholds' state and its small line. */
#define G_LOG_DOMAIN "panorama-overview"

#include "pano-overview-panel-private.h"
#include "pano-alert-row.h"
#include "pano-format.h"

#include <glib/gi18n-lib.h>
#include <math.h>

typedef PanoOverviewTileSpec TileSpec;
typedef PanoOverviewTile Tile;

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

G_STATIC_ASSERT (G_N_ELEMENTS (specs) == PANO_OVERVIEW_N_TILES);

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

GtkLabel *
pano_overview_new_label (const char *css,
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
build_tile (Tile       *tile,
            GtkFlowBox *box)
{
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkLabel *name = pano_overview_new_label ("caption", NULL);

  tile->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_add_css_class (tile->box, "card");
  gtk_widget_add_css_class (tile->box, "pano-overview-tile");
  gtk_label_set_label (name, g_dpgettext2 (GETTEXT_PACKAGE, "overview", tile->spec->name));
  gtk_label_set_ellipsize (name, PANGO_ELLIPSIZE_END);
  tile->value = pano_overview_new_label ("title-2", "numeric");
  tile->unit = pano_overview_new_label ("caption", NULL);
  gtk_widget_set_valign (GTK_WIDGET (tile->unit), GTK_ALIGN_BASELINE);
  gtk_widget_set_valign (GTK_WIDGET (tile->value), GTK_ALIGN_BASELINE);
  gtk_label_set_label (tile->unit, tile->spec->unit == NULL ? NULL
                       : g_str_equal (tile->spec->unit, "AQI") ? "AQI"
                       : g_dpgettext2 (GETTEXT_PACKAGE, "unit", tile->spec->unit));
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (tile->value));
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (tile->unit));
  tile->change = pano_overview_new_label ("caption", "pano-overview-change");
  gtk_widget_set_hexpand (GTK_WIDGET (tile->change), TRUE);
  gtk_label_set_xalign (tile->change, 1);
  gtk_widget_set_valign (GTK_WIDGET (tile->change), GTK_ALIGN_BASELINE);
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (tile->change));
  tile->spark = gtk_drawing_area_new ();
  gtk_widget_add_css_class (tile->spark, "pano-overview-spark");
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (tile->spark), draw_spark, tile, NULL);
  tile->detail = pano_overview_new_label ("caption", "dim-label");
  gtk_label_set_wrap (tile->detail, TRUE);
  gtk_label_set_wrap_mode (tile->detail, PANGO_WRAP_WORD_CHAR);
  gtk_box_append (GTK_BOX (tile->box), GTK_WIDGET (name));
  gtk_box_append (GTK_BOX (tile->box), line);
  gtk_box_append (GTK_BOX (tile->box), tile->spark);
  gtk_box_append (GTK_BOX (tile->box), GTK_WIDGET (tile->detail));
  gtk_flow_box_append (box, tile->box);
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


static char *
format_value (const char *unit,
              double      value)
{
  if (g_strcmp0 (unit, "ratio") == 0)
    return g_strdup_printf ("%.1f %%", 100 * value);
  if (g_strcmp0 (unit, "index") == 0)
    return g_strdup_printf ("%.1f", value);
  /* counts grouped as the locale writes them: 128,500 个 */
  return g_strdup_printf ("%'.0f", value);
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
  if (pano_json_object_read_number (t, "red", &red) && (lower ? value <= red : value >= red))
    return "red";
  if (pano_json_object_read_number (t, "amber", &amber) &&
      (lower ? value <= amber : value >= amber))
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
      for (guint i = 0; i < G_N_ELEMENTS (level_ids); i++)
        if (pano_json_object_read_number (parts, pano_alert_level_to_name (level_ids[i]), &n) &&
            n > 0)
          g_string_append_printf (text, "%s%s %.0f", text->len ? " · " : "",
                                  level_words (level_ids[i]), n);
      return g_string_free (g_steal_pointer (&text), FALSE);
    }
  names = g_list_sort (names, (GCompareFunc) g_strcmp0);
  for (GList *l = names; l != NULL; l = l->next)
    if (pano_json_object_read_number (parts, l->data, &n))
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

  if (g_strcmp0 (unit, "ratio") == 0 && pano_json_object_read_number (t, "amber", &amber))
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
  gboolean known = t && pano_json_object_read_number (t, "value", &value);
  gboolean has_before = t && pano_json_object_read_number (t, "yesterday", &before);
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

/* ---- for the panel ---- */

/* Builds tile @index into @box, showing "—" until the first answer. */
void
pano_overview_tile_build (PanoOverviewTile *tile,
                          guint             index,
                          GtkFlowBox       *box)
{
  tile->spec = &specs[index];
  build_tile (tile, box);
  tile->value_text = g_strdup ("—");
  gtk_label_set_label (tile->value, tile->value_text);
  size_spark (tile);
}

void
pano_overview_tile_show (PanoOverviewTile *tile,
                         JsonObject       *answer)
{
  show_tile (tile, answer);
}

void
pano_overview_tile_size_spark (PanoOverviewTile *tile)
{
  size_spark (tile);
}

void
pano_overview_tile_clear (PanoOverviewTile *tile)
{
  g_clear_pointer (&tile->value_text, g_free);
  g_clear_pointer (&tile->change_text, g_free);
  g_clear_pointer (&tile->detail_text, g_free);
  g_clear_pointer (&tile->series, g_free);
}
