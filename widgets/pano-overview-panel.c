// SPDX-License-Identifier: GPL-3.0-or-later
/* 总体态势: the situation of the scope at a glance, from the hub's `GET /v1/overview`
 * (docs/overview.md). One tile per figure — the value large with its unit, its name, a 24-hour
 * sparkline and the change against the same time yesterday — turning amber or red against the
 * thresholds the hub is configured with (so every wall and desk agrees; the state is said in
 * words in the tile's tooltip too, not by colour alone); then today's most frequent categories
 * and the mix of sources as bars. Read again every 30 s while on screen and when the scope
 * changes. */
#define G_LOG_DOMAIN "panorama-overview"

#include "pano-overview-panel-private.h"
#include "pano-format.h"
#include "pano-panel-reader.h"
#include "pano-panel-style.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#define N_MIX_ROWS 8

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

  PanoPanelReader *reader;
  PanoOverviewTile tiles[PANO_OVERVIEW_N_TILES];
  char *scope_name;
  char *error;
  char *mix_text;
};

G_DEFINE_FINAL_TYPE (PanoOverviewPanel, pano_overview_panel, GTK_TYPE_BOX)

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
  GtkLabel *label = pano_overview_new_label (NULL, NULL);
  GtkLabel *figure = pano_overview_new_label ("numeric", NULL);
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
  if (pano_json_object_read_number (answer, others, &count))
    total += count;
  for (guint i = 0; i < n; i++)
    if (pano_json_object_read_number (json_array_get_object_element (array, i), "count", &count))
      total += count;
  if (n == 0)
    {
      GtkLabel *none = pano_overview_new_label ("dim-label", NULL);

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
      pano_json_object_read_number (row, "count", &count);
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
    pano_overview_tile_show (&self->tiles[i], answer);
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

/* ---- reading ---- */

static void
on_overview (GtkWidget    *widget,
             JsonObject   *answer,
             const GError *error)
{
  PanoOverviewPanel *self = PANO_OVERVIEW_PANEL (widget);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED))
    {
      set_error (self, _("Not connected to a hub: no overview to show."));
      return;
    }
  if (answer == NULL)
    {
      PanoHubClient *client = pano_panel_reader_get_client (self->reader);
      g_autofree char *words = g_strdup_printf (_("The overview could not be read from the hub "
                                                  "at %s: %s. The figures shown are the last "
                                                  "ones read."),
                                                pano_hub_client_get_url (client),
                                                error->message);

      g_debug ("overview for '%s': %s", pano_panel_reader_get_scope (self->reader),
               error->message);
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
  pano_panel_reader_read (self->reader);
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
    pano_overview_tile_size_spark (&self->tiles[i]);
}

/* ---- the object ---- */

static void
pano_overview_panel_dispose (GObject *object)
{
  PanoOverviewPanel *self = PANO_OVERVIEW_PANEL (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PANO_TYPE_OVERVIEW_PANEL);
  G_OBJECT_CLASS (pano_overview_panel_parent_class)->dispose (object);
}

static void
pano_overview_panel_finalize (GObject *object)
{
  PanoOverviewPanel *self = PANO_OVERVIEW_PANEL (object);

  for (guint i = 0; i < G_N_ELEMENTS (self->tiles); i++)
    pano_overview_tile_clear (&self->tiles[i]);
  /* Kept to the end for the getters; it stopped reading when the panel was disposed. */
  g_clear_object (&self->reader);
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
  self->reader = pano_panel_reader_new (GTK_WIDGET (self), "/v1/overview", on_overview);
  g_object_bind_property (self->reader, "loading", self->spinner, "visible", G_BINDING_DEFAULT);
  g_object_bind_property (self->reader, "loading", self->spinner, "spinning", G_BINDING_DEFAULT);
  for (guint i = 0; i < G_N_ELEMENTS (self->tiles); i++)
    pano_overview_tile_build (&self->tiles[i], i, self->tiles_box);
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

  pano_panel_reader_set_client (self->reader, client);
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
  g_return_if_fail (PANO_IS_OVERVIEW_PANEL (self));
  g_free (self->scope_name);
  self->scope_name = g_strdup (name);
  show_title (self);
  pano_panel_reader_set_scope (self->reader, prefix);
}

void
pano_overview_panel_set_refresh_seconds (PanoOverviewPanel *self,
                                         guint              seconds)
{
  pano_panel_reader_set_refresh_seconds (self->reader, seconds);
}

static PanoOverviewTile *
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
  PanoOverviewTile *tile = find_tile (self, key);

  return tile ? tile->value_text : NULL;
}

/* Returns: (nullable): "▲ 12 %", "▼ 5 %", "" when there is nothing to compare with */
const char *
pano_overview_panel_get_change_text (PanoOverviewPanel *self,
                                     const char        *key)
{
  PanoOverviewTile *tile = find_tile (self, key);

  return tile ? tile->change_text : NULL;
}

/* Returns: (nullable): the tile's small line: the target, or the breakdown by kind or level */
const char *
pano_overview_panel_get_detail_text (PanoOverviewPanel *self,
                                     const char        *key)
{
  PanoOverviewTile *tile = find_tile (self, key);

  return tile ? tile->detail_text : NULL;
}

/* Returns: (transfer none): the tile's widget (its CSS classes carry amber and red) */
GtkWidget *
pano_overview_panel_get_tile (PanoOverviewPanel *self,
                              const char        *key)
{
  PanoOverviewTile *tile = find_tile (self, key);

  return tile ? tile->box : NULL;
}

/* Returns: how many of the sparkline's points are known */
guint
pano_overview_panel_get_n_points (PanoOverviewPanel *self,
                                  const char        *key)
{
  PanoOverviewTile *tile = find_tile (self, key);
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
  return pano_panel_reader_get_n_loads (self->reader);
}
