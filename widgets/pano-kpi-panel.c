// SPDX-License-Identifier: GPL-3.0-or-later
/* 绩效: the KPIs of the area the console is scoped to, from the hub's durable history
 * (`GET /v1/kpis`, docs/kpis.md): counts of the period's incidents, the rates the plans score
 * against their targets (结案率 95 %, 派遣准确率 98 %; a rate below target is marked with an icon
 * and words, not colour alone), and mean times from report. Read again when the scope changes
 * and every 30 s while on screen; while reading a spinner turns; when the hub cannot be read,
 * a line says so, naming it, and the last figures stay. */
#define G_LOG_DOMAIN "panorama-kpis"

#include "pano-kpi-panel.h"
#include "pano-json-object.h"
#include "pano-panel-reader.h"
#include "pano-panel-style.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#define DAY_MS (24 * 3600 * 1000)

typedef enum
{
  KPI_COUNT,
  KPI_RATE,
  KPI_MEAN,
} KpiKind;

typedef struct
{
  const char *key;
  KpiKind kind;
  const char *member;       /* in counts, rates or mean_s */
  const char *name;
  const char *part;         /* the rate's numerator and denominator in counts */
  const char *whole;
  const char *detail;       /* how to say part and whole: "%s of %s due" */
} KpiSpec;

static const KpiSpec specs[] = {
  { "reported", KPI_COUNT, "reported", NC_("kpi", "Reported"), NULL, NULL, NULL },
  { "accepted", KPI_COUNT, "accepted", NC_("kpi", "Accepted"), NULL, NULL, NULL },
  { "in_progress", KPI_COUNT, "in_progress", NC_("kpi", "In progress"), NULL, NULL, NULL },
  { "overdue", KPI_COUNT, "overdue", NC_("kpi", "Overdue"), NULL, NULL, NULL },
  { "closed", KPI_COUNT, "closed", NC_("kpi", "Closed"), NULL, NULL, NULL },
  { "closure", KPI_RATE, "closure", NC_("kpi", "Closure rate"), "closed", "due",
    N_("%s closed of %s due") },
  { "dispatch_accuracy", KPI_RATE, "dispatch_accuracy", NC_("kpi", "Dispatch accuracy"), "returned",
    "dispatched", N_("%s returned of %s dispatched") },
  { "on_time_closure", KPI_RATE, "on_time_closure", NC_("kpi", "Closed on time"),
    "closed_on_time", "due", N_("%s of %s due") },
  { "on_time_handling", KPI_RATE, "on_time_handling", NC_("kpi", "Handled on time"),
    "handled_on_time", "handled", N_("%s of %s handled") },
  { "rework", KPI_RATE, "rework", NC_("kpi", "Rework rate"), "rework", "due",
    N_("%s reworked of %s due") },
  { "mean_accept", KPI_MEAN, "accept", NC_("kpi", "To accept"), NULL, NULL, NULL },
  { "mean_dispatch", KPI_MEAN, "dispatch", NC_("kpi", "To dispatch"), NULL, NULL, NULL },
  { "mean_close", KPI_MEAN, "close", NC_("kpi", "To close"), NULL, NULL, NULL },
};

typedef struct
{
  const KpiSpec *spec;
  GtkWidget *box;
  GtkLabel *value;
  GtkLabel *detail;
  GtkWidget *mark;
  GtkImage *mark_icon;
  GtkLabel *mark_label;
  char *text;
  gboolean below;
} Tile;

struct _PanoKpiPanel
{
  GtkBox parent_instance;

  GtkLabel *title_label;
  GtkLabel *period_label;
  GtkSpinner *spinner;
  GtkWidget *error_box;
  GtkLabel *error_label;
  GtkGrid *counts_grid;
  GtkGrid *rates_grid;
  GtkGrid *times_grid;

  PanoPanelReader *reader;
  Tile tiles[G_N_ELEMENTS (specs)];
  char *scope_name;
  char *error;
};

G_DEFINE_FINAL_TYPE (PanoKpiPanel, pano_kpi_panel, GTK_TYPE_BOX)

/* ---- numbers for people ---- */

/**
 * pano_kpi_format_duration:
 *
 * Returns: (transfer full): "42 s", "12 min", "1 h 05 min", "2 d 03 h"
 */
char *
pano_kpi_format_duration (double seconds)
{
  gint64 s = (gint64) round (MAX (seconds, 0));
  gint64 minutes = (s + 30) / 60;

  if (s < 60)
    return g_strdup_printf (_("%d s"), (int) s);
  if (minutes < 60)
    return g_strdup_printf (_("%d min"), (int) minutes);
  if (minutes < 24 * 60)
    return g_strdup_printf (_("%d h %02d min"), (int) (minutes / 60), (int) (minutes % 60));
  return g_strdup_printf (_("%d d %02d h"), (int) (minutes / 1440),
                          (int) ((minutes % 1440 + 30) / 60));
}

/* Returns: (transfer full): "69.0 %" */
char *
pano_kpi_format_percent (double ratio)
{
  return g_strdup_printf ("%.1f %%", 100.0 * ratio);
}

/* ---- tiles ---- */

static GtkLabel *
new_label (const char *css,
           const char *css2)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css)
    gtk_widget_add_css_class (label, css);
  if (css2)
    gtk_widget_add_css_class (label, css2);
  return GTK_LABEL (label);
}

static void
build_tile (PanoKpiPanel *self,
            Tile         *tile,
            guint         index_in_kind)
{
  static const guint columns[] = { [KPI_COUNT] = 3, [KPI_RATE] = 2, [KPI_MEAN] = 3 };
  GtkGrid *grid = tile->spec->kind == KPI_COUNT ? self->counts_grid
                  : tile->spec->kind == KPI_RATE ? self->rates_grid : self->times_grid;
  GtkLabel *name = new_label ("caption", NULL);

  tile->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_add_css_class (tile->box, "card");
  gtk_widget_add_css_class (tile->box, "pano-kpi-tile");
  tile->value = new_label (tile->spec->kind == KPI_RATE ? "title-2" : "title-3", "numeric");
  /* A figure never breaks over two lines. */
  gtk_label_set_wrap (tile->value, FALSE);
  /* The names in context "kpi": 上报数 rather than the stage name 上报. */
  gtk_label_set_label (name, g_dpgettext2 (GETTEXT_PACKAGE, "kpi", tile->spec->name));
  gtk_box_append (GTK_BOX (tile->box), GTK_WIDGET (tile->value));
  gtk_box_append (GTK_BOX (tile->box), GTK_WIDGET (name));
  if (tile->spec->kind == KPI_RATE)
    {
      tile->mark = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      tile->mark_icon = GTK_IMAGE (gtk_image_new ());
      tile->mark_label = new_label ("caption", NULL);
      gtk_box_append (GTK_BOX (tile->mark), GTK_WIDGET (tile->mark_icon));
      gtk_box_append (GTK_BOX (tile->mark), GTK_WIDGET (tile->mark_label));
      gtk_widget_add_css_class (tile->mark, "pano-kpi-mark");
      gtk_box_append (GTK_BOX (tile->box), tile->mark);
      tile->detail = new_label ("caption", "dim-label");
      gtk_box_append (GTK_BOX (tile->box), GTK_WIDGET (tile->detail));
    }
  gtk_grid_attach (grid, tile->box, index_in_kind % columns[tile->spec->kind],
                   index_in_kind / columns[tile->spec->kind], 1, 1);
}

static JsonObject *
section (JsonObject *answer,
         const char *name)
{
  JsonNode *node = json_object_get_member (answer, name);

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Returns: (transfer full): the figure of @spec in @answer as the tile shows it, "—" when the
 * hub has none (a rate or mean with nothing to compute it from) */
static char *
figure_text (const KpiSpec *spec,
             JsonObject    *answer)
{
  static const char *sections[] = { [KPI_COUNT] = "counts", [KPI_RATE] = "rates",
                                    [KPI_MEAN] = "mean_s" };
  double value = 0;

  if (!pano_json_object_read_number (section (answer, sections[spec->kind]), spec->member,
                                     &value))
    return g_strdup ("—");
  switch (spec->kind)
    {
    case KPI_COUNT:
      return g_strdup_printf ("%.0f", value);
    case KPI_MEAN:
      return pano_kpi_format_duration (value);
    case KPI_RATE:
    default:
      return pano_kpi_format_percent (value);
    }
}

/* The figures of the panel, in its order, for other views of the same answer (the situation
 * report): pano_kpi_get_figure_name() and pano_kpi_format_figure() for 0 … n − 1. */
guint
pano_kpi_get_n_figures (void)
{
  return G_N_ELEMENTS (specs);
}

/* Returns: the figure's name for people, 上报数, 结案率 … */
const char *
pano_kpi_get_figure_name (guint index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (specs), NULL);
  return g_dpgettext2 (GETTEXT_PACKAGE, "kpi", specs[index].name);
}

/**
 * pano_kpi_format_figure:
 * @answer: a `GET /v1/kpis` answer
 *
 * Returns: (transfer full): the figure as the panel shows it: "12", "69.0 %", "1 h 05 min", "—"
 */
char *
pano_kpi_format_figure (JsonObject *answer,
                        guint       index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (specs), NULL);
  return figure_text (&specs[index], answer);
}

static void
set_tile_text (Tile       *tile,
               char       *text,
               const char *tooltip)
{
  g_free (tile->text);
  tile->text = text;
  gtk_label_set_label (tile->value, text);
  gtk_widget_set_tooltip_text (tile->box, tooltip);
}

static void
show_mark (Tile   *tile,
           double  rate,
           double  target,
           gboolean known)
{
  g_autofree char *goal = NULL;
  g_autofree char *words = NULL;

  tile->below = known && target > 0 && rate < target;
  gtk_widget_set_visible (tile->mark, known && target > 0);
  if (tile->below)
    gtk_widget_add_css_class (tile->box, "pano-kpi-below");
  else
    gtk_widget_remove_css_class (tile->box, "pano-kpi-below");
  if (!known || target <= 0)
    return;
  goal = g_strdup_printf ("%.0f %%", 100 * target);
  words = g_strdup_printf (tile->below ? _("Below the %s target") : _("Meets the %s target"),
                           goal);
  gtk_image_set_from_icon_name (tile->mark_icon, tile->below ? "dialog-warning-symbolic"
                                                             : "object-select-symbolic");
  gtk_label_set_label (tile->mark_label, words);
}

static void
show_rate (Tile       *tile,
           JsonObject *answer)
{
  JsonObject *counts = section (answer, "counts");
  double rate = 0, target = 0, part = 0, whole = 0;
  gboolean known = pano_json_object_read_number (section (answer, "rates"), tile->spec->member,
                                                 &rate);
  gboolean has_target = pano_json_object_read_number (section (answer, "targets"),
                                                      tile->spec->member, &target);

  set_tile_text (tile, figure_text (tile->spec, answer),
                 known ? NULL : _("No incidents in the period to compute this from"));
  show_mark (tile, rate, has_target ? target : 0, known);
  if (pano_json_object_read_number (counts, tile->spec->part, &part) &&
      pano_json_object_read_number (counts, tile->spec->whole, &whole))
    {
      g_autofree char *p = g_strdup_printf ("%.0f", part);
      g_autofree char *w = g_strdup_printf ("%.0f", whole);
      g_autofree char *detail = g_strdup_printf (_(tile->spec->detail), p, w);

      gtk_label_set_label (tile->detail, detail);
    }
  else
    gtk_label_set_label (tile->detail, NULL);
}

static void
show_tile (Tile       *tile,
           JsonObject *answer)
{
  double value = 0;

  switch (tile->spec->kind)
    {
    case KPI_COUNT:
      set_tile_text (tile, figure_text (tile->spec, answer), NULL);
      break;
    case KPI_MEAN:
      set_tile_text (tile, figure_text (tile->spec, answer),
                     pano_json_object_read_number (section (answer, "mean_s"),
                                                   tile->spec->member, &value)
                     ? NULL : _("No incidents in the period to compute this from"));
      break;
    case KPI_RATE:
    default:
      show_rate (tile, answer);
    }
}

/* ---- heading ---- */

static gint64
time_ms (JsonObject *answer,
         const char *member)
{
  const char *text = json_object_get_string_member_with_default (answer, member, "");
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (text, NULL);

  return time ? g_date_time_to_unix (time) * 1000 + g_date_time_get_microsecond (time) / 1000
              : 0;
}

static char *
local_time (gint64      unix_ms,
            const char *format)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_ms / 1000);

  return g_date_time_format (time, format);
}

static void
show_period (PanoKpiPanel *self,
             JsonObject   *answer)
{
  gint64 from = answer ? time_ms (answer, "from") : 0, to = answer ? time_ms (answer, "to") : 0;
  gint64 now = g_get_real_time () / 1000;
  g_autofree char *period = NULL;
  g_autofree char *as_of = local_time (now, "%H:%M");
  g_autofree char *text = NULL;

  if (answer == NULL)
    period = g_strdup (_("Last 24 h"));
  else if (to - from == DAY_MS && llabs (now - to) < 5 * 60 * 1000)
    period = g_strdup (_("Last 24 h"));
  else
    {
      g_autofree char *a = local_time (from, "%m-%d %H:%M");
      g_autofree char *b = local_time (to, "%m-%d %H:%M");

      period = g_strdup_printf ("%s – %s", a, b);
    }
  text = g_strdup_printf (_("%s · as of %s"), period, as_of);
  gtk_label_set_label (self->period_label, text);
}

static void
show_title (PanoKpiPanel *self)
{
  g_autofree char *title = g_strdup_printf (_("KPIs · %s"), self->scope_name ? self->scope_name
                                                                              : _("whole city"));

  gtk_label_set_label (self->title_label, title);
}

static void
show_answer (PanoKpiPanel *self,
             JsonObject   *answer)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->tiles); i++)
    show_tile (&self->tiles[i], answer);
  show_period (self, answer);
}

static void
set_error (PanoKpiPanel *self,
           const char   *error)
{
  g_free (self->error);
  self->error = g_strdup (error);
  gtk_label_set_label (self->error_label, error);
  gtk_widget_set_visible (self->error_box, error != NULL);
  /* The figures left on screen are the last good ones, not the current state. */
  if (error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self), "pano-kpi-stale");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "pano-kpi-stale");
}

/* ---- reading ---- */

static char *
error_words (PanoKpiPanel *self,
             const GError *error)
{
  const char *hub = pano_hub_client_get_url (pano_panel_reader_get_client (self->reader));
  const char *why = error->message;

  /* The client's words start with the address; it is said once here. */
  if (g_str_has_prefix (why, hub) && g_str_has_prefix (why + strlen (hub), ": "))
    why += strlen (hub) + 2;
  if (g_error_matches (error, PANO_HUB_CLIENT_ERROR, PANO_HUB_CLIENT_ERROR_UNAUTHORIZED))
    return g_strdup_printf (_("The hub at %s does not accept this console’s token."), hub);
  if (g_error_matches (error, PANO_HUB_CLIENT_ERROR, PANO_HUB_CLIENT_ERROR_FORBIDDEN))
    return g_strdup_printf (_("This console’s token may not read the KPIs from the hub at %s."),
                            hub);
  if (g_error_matches (error, PANO_HUB_CLIENT_ERROR, PANO_HUB_CLIENT_ERROR_UNREACHABLE))
    return g_strdup_printf (_("The KPIs could not be read: the hub at %s does not answer (%s). "
                              "The figures shown are the last ones read."), hub, why);
  return g_strdup_printf (_("The KPIs could not be read from the hub at %s: %s"), hub, why);
}

static void
on_kpis (GtkWidget    *widget,
         JsonObject   *answer,
         const GError *error)
{
  PanoKpiPanel *self = PANO_KPI_PANEL (widget);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED))
    {
      set_error (self, _("Not connected to a hub: no KPIs to show."));
      return;
    }
  if (answer == NULL)
    {
      g_autofree char *words = error_words (self, error);

      g_debug ("KPIs for '%s': %s", pano_panel_reader_get_scope (self->reader), error->message);
      set_error (self, words);
      return;
    }
  set_error (self, NULL);
  show_answer (self, answer);
}

/**
 * pano_kpi_panel_refresh:
 *
 * Reads the KPIs of the scope now (a read still on its way is dropped).
 */
void
pano_kpi_panel_refresh (PanoKpiPanel *self)
{
  pano_panel_reader_read (self->reader);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  pano_kpi_panel_refresh (PANO_KPI_PANEL (widget));
}

/* ---- the object ---- */

static void
pano_kpi_panel_dispose (GObject *object)
{
  PanoKpiPanel *self = PANO_KPI_PANEL (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PANO_TYPE_KPI_PANEL);
  G_OBJECT_CLASS (pano_kpi_panel_parent_class)->dispose (object);
}

static void
pano_kpi_panel_finalize (GObject *object)
{
  PanoKpiPanel *self = PANO_KPI_PANEL (object);

  for (guint i = 0; i < G_N_ELEMENTS (self->tiles); i++)
    g_free (self->tiles[i].text);
  /* Kept to the end for the getters; it stopped reading when the panel was disposed. */
  g_clear_object (&self->reader);
  g_free (self->scope_name);
  g_free (self->error);
  G_OBJECT_CLASS (pano_kpi_panel_parent_class)->finalize (object);
}

static void
pano_kpi_panel_class_init (PanoKpiPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pano_kpi_panel_dispose;
  object_class->finalize = pano_kpi_panel_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/panorama/Panorama/ui/pano-kpi-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, PanoKpiPanel, title_label);
  gtk_widget_class_bind_template_child (widget_class, PanoKpiPanel, period_label);
  gtk_widget_class_bind_template_child (widget_class, PanoKpiPanel, spinner);
  gtk_widget_class_bind_template_child (widget_class, PanoKpiPanel, error_box);
  gtk_widget_class_bind_template_child (widget_class, PanoKpiPanel, error_label);
  gtk_widget_class_bind_template_child (widget_class, PanoKpiPanel, counts_grid);
  gtk_widget_class_bind_template_child (widget_class, PanoKpiPanel, rates_grid);
  gtk_widget_class_bind_template_child (widget_class, PanoKpiPanel, times_grid);
  gtk_widget_class_install_action (widget_class, "kpi.refresh", NULL, refresh_action);
}

static void
pano_kpi_panel_init (PanoKpiPanel *self)
{
  guint in_kind[3] = { 0 };

  pano_panel_style_ensure ();
  gtk_widget_init_template (GTK_WIDGET (self));
  self->reader = pano_panel_reader_new (GTK_WIDGET (self), "/v1/kpis", on_kpis);
  g_object_bind_property (self->reader, "loading", self->spinner, "visible", G_BINDING_DEFAULT);
  g_object_bind_property (self->reader, "loading", self->spinner, "spinning", G_BINDING_DEFAULT);
  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      self->tiles[i].spec = &specs[i];
      build_tile (self, &self->tiles[i], in_kind[specs[i].kind]++);
      set_tile_text (&self->tiles[i], g_strdup ("—"), NULL);
      if (self->tiles[i].mark != NULL)
        gtk_widget_set_visible (self->tiles[i].mark, FALSE);
    }
  show_title (self);
  show_period (self, NULL);
}

/**
 * pano_kpi_panel_new:
 * @client: (nullable): the hub to read from
 *
 * Returns: (transfer floating): a panel for the whole city; it reads once it is on screen
 */
GtkWidget *
pano_kpi_panel_new (PanoHubClient *client)
{
  PanoKpiPanel *self = g_object_new (PANO_TYPE_KPI_PANEL, NULL);

  pano_panel_reader_set_client (self->reader, client);
  return GTK_WIDGET (self);
}

/**
 * pano_kpi_panel_set_scope:
 * @prefix: a grid-code prefix, "" for the whole city
 * @name: (nullable): the area's name for the heading (十堰市, 茅箭区, …)
 *
 * Reads the area's KPIs now if the panel is on screen, else when it comes back.
 */
void
pano_kpi_panel_set_scope (PanoKpiPanel *self,
                          const char   *prefix,
                          const char   *name)
{
  g_return_if_fail (PANO_IS_KPI_PANEL (self));
  g_free (self->scope_name);
  self->scope_name = g_strdup (name);
  show_title (self);
  pano_panel_reader_set_scope (self->reader, prefix);
}

const char *
pano_kpi_panel_get_scope (PanoKpiPanel *self)
{
  return pano_panel_reader_get_scope (self->reader);
}

/* How often the panel reads again while on screen; 30 s unless a test wants it sooner. */
void
pano_kpi_panel_set_refresh_seconds (PanoKpiPanel *self,
                                    guint         seconds)
{
  pano_panel_reader_set_refresh_seconds (self->reader, seconds);
}

static Tile *
find_tile (PanoKpiPanel *self,
           const char   *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->tiles); i++)
    if (g_str_equal (self->tiles[i].spec->key, key))
      return &self->tiles[i];
  g_return_val_if_reached (NULL);
}

/* Returns: (nullable): what the tile @key shows as its figure ("69.0 %", "12 min", "—") */
const char *
pano_kpi_panel_get_text (PanoKpiPanel *self,
                         const char   *key)
{
  Tile *tile = find_tile (self, key);

  return tile ? tile->text : NULL;
}

/* Returns: whether the tile @key is marked below its target */
gboolean
pano_kpi_panel_is_below_target (PanoKpiPanel *self,
                                const char   *key)
{
  Tile *tile = find_tile (self, key);

  return tile != NULL && tile->below;
}

/* Returns: (nullable): the error line, %NULL when the last read worked */
const char *
pano_kpi_panel_get_error (PanoKpiPanel *self)
{
  return self->error;
}

gboolean
pano_kpi_panel_is_loading (PanoKpiPanel *self)
{
  return pano_panel_reader_is_loading (self->reader);
}

/* Returns: how many reads have ended (with figures or an error) */
guint
pano_kpi_panel_get_n_loads (PanoKpiPanel *self)
{
  return pano_panel_reader_get_n_loads (self->reader);
}
