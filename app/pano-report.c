// SPDX-License-Identifier: GPL-3.0-or-later
/* panorama --report: the situation report (态势报告) as an A3 landscape PDF for the shift
 * briefing and the file: the map as --export draws it, with a scale bar and a legend, the
 * city's KPIs and the open incidents, most urgent first, from the hub as they are now. Needs no
 * display, like --export. */
#define G_LOG_DOMAIN "panorama-app"

#include "pano-report.h"
#include "pano-export.h"
#include "pano-format.h"
#include "pano-hub-snapshot.h"
#include "pano-incident-record.h"
#include "pano-kpi-panel.h"
#include "pano-live-style.h"
#include "pano-static-layer.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <pango/pangocairo.h>

#define PT_PER_MM (72 / 25.4)
#define MARGIN (12 * PT_PER_MM)
#define MAP_DENSITY 3          /* image pixels per point: 216 dpi, sharp on paper */
#define ROW_HEIGHT 17.0
#define APPROVAL_PLACEHOLDER "审图号：（待审批）"

typedef struct
{
  char *output;
  char *size;
  char *center;
  char *tiles;
  char *hub;
  char *token;
  char *ca_file;
  char **files;
  PanoExportView view;
  double page_width, page_height;   /* points */
} ReportOptions;

/* What the hub said, read before the file is created, so a failure leaves no file behind. */
typedef struct
{
  JsonObject *kpis;
  GPtrArray *incidents;   /* PanoIncidentRecord, open ones, most urgent first */
  PanoLiveStore *live;
  gint64 now_ms;
} HubState;

/* ---- options ---- */

static gboolean
read_paper (ReportOptions  *o,
            GError        **error)
{
  /* ISO 216, landscape */
  if (o->size == NULL || g_ascii_strcasecmp (o->size, "A3") == 0)
    o->page_width = 420 * PT_PER_MM, o->page_height = 297 * PT_PER_MM;
  else if (g_ascii_strcasecmp (o->size, "A4") == 0)
    o->page_width = 297 * PT_PER_MM, o->page_height = 210 * PT_PER_MM;
  else
    return g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "--size “%s” is not a paper size: A3 or A4", o->size), FALSE;
  return TRUE;
}

static gboolean
parse_options (ReportOptions  *o,
               int            *argc,
               char         ***argv,
               GError        **error)
{
  g_autofree char *zoom_help = g_strdup_printf (_("Zoom level %d–%d (default 11)"), PANO_MIN_ZOOM,
                                                PANO_MAX_ZOOM);
  const GOptionEntry entries[] = {
    { "report", 0, 0, G_OPTION_ARG_FILENAME, &o->output,
      N_("Write the situation report to this PDF"), "OUT.pdf" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &o->size, N_("Paper, landscape: A3 (default) or A4"),
      "A3" },
    { "center", 0, 0, G_OPTION_ARG_STRING, &o->center,
      N_("Centre of the view (default Shiyan)"), "LAT,LON" },
    { "zoom", 0, 0, G_OPTION_ARG_DOUBLE, &o->view.zoom, zoom_help, "Z" },
    { "tiles", 't', 0, G_OPTION_ARG_STRING, &o->tiles,
      N_("“none” for no base map, or an XYZ URL template for an online one"), "URL" },
    { "hub", 0, 0, G_OPTION_ARG_STRING, &o->hub,
      N_("Read the KPIs, the open incidents and the live layers from this panorama-hub"),
      "URL" },
    { "token", 0, 0, G_OPTION_ARG_STRING, &o->token,
      N_("The hub token (viewer role or higher)"), "TOKEN" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &o->ca_file,
      N_("Trust only the certificate authorities in this PEM file for an https:// hub"), "FILE" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->files, NULL, "[FILE…]" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— write the situation report to a PDF"));

  o->view.zoom = 11;
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;
  if (o->token != NULL && o->hub == NULL)
    return g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "--token needs --hub URL"), FALSE;
  o->view.tiles = o->tiles;
  o->view.files = o->files;
  return read_paper (o, error) && pano_export_view_check (&o->view, o->center, error);
}

/* ---- the hub, read at this moment ---- */

static int
compare_urgency (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  return pano_incident_record_compare_urgency (*(PanoIncidentRecord **) a,
                                               *(PanoIncidentRecord **) b,
                                               *(gint64 *) user_data);
}

/* The open incidents of an `incidents` snapshot, most urgent first. */
static GPtrArray *
read_open_incidents (JsonObject *snapshot,
                     gint64      now_ms)
{
  GPtrArray *incidents = g_ptr_array_new_with_free_func (g_object_unref);
  JsonNode *node = json_object_get_member (snapshot, "entities");
  JsonArray *entities = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  for (guint i = 0; entities && i < json_array_get_length (entities); i++)
    {
      JsonNode *entity = json_array_get_element (entities, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (entity) ? json_node_get_object (entity) : NULL;
      JsonNode *properties = object ? json_object_get_member (object, "properties") : NULL;
      PanoIncidentRecord *record;

      if (properties == NULL || !JSON_NODE_HOLDS_OBJECT (properties))
        continue;
      record = pano_incident_record_new_from_object (json_node_get_object (properties));
      if (pano_incident_record_get_id (record) == NULL || pano_incident_record_is_final (record))
        g_object_unref (record);
      else
        g_ptr_array_add (incidents, record);
    }
  g_ptr_array_sort_with_data (incidents, compare_urgency, &now_ms);
  return incidents;
}

static gboolean
read_hub (ReportOptions  *o,
          HubState       *state,
          GError        **error)
{
  g_autoptr(PanoHubClient) client = pano_hub_snapshot_connect (o->hub, o->token, o->ca_file,
                                                               error);
  g_autoptr(JsonObject) snapshot = NULL;

  if (client == NULL ||
      !(state->kpis = pano_hub_snapshot_get (client, "/v1/kpis?scope=", error)) ||
      !(snapshot = pano_hub_snapshot_get (client, "/v1/snapshot/incidents", error)) ||
      !(state->live = pano_hub_snapshot_read_live (client, error)))
    return FALSE;
  state->now_ms = g_get_real_time () / 1000;
  state->incidents = read_open_incidents (snapshot, state->now_ms);
  o->view.live = state->live;
  return TRUE;
}

/* ---- drawing ---- */

static PangoLayout *
new_layout (cairo_t    *cr,
            double      width,
            const char *font,
            const char *text)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) description = pango_font_description_from_string (font);

  pango_layout_set_font_description (layout, description);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

/* Returns: how tall @text is, set in @width */
static double
measure_text (cairo_t    *cr,
              double      width,
              const char *font,
              const char *text)
{
  g_autoptr(PangoLayout) layout = new_layout (cr, width, font, text);
  int w, h;

  pango_layout_get_size (layout, &w, &h);
  return (double) h / PANGO_SCALE;
}

/* Draws @text at @x, @y within @width; returns its height. */
static double
draw_text (cairo_t    *cr,
           double      x,
           double      y,
           double      width,
           const char *font,
           const char *text)
{
  g_autoptr(PangoLayout) layout = new_layout (cr, width, font, text);
  int w, h;

  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_size (layout, &w, &h);
  return (double) h / PANGO_SCALE;
}

/* One line, cut with an ellipsis when it does not fit @width. */
static void
draw_cell (cairo_t    *cr,
           double      x,
           double      y,
           double      width,
           const char *text)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) description = pango_font_description_from_string ("Sans 9");

  pango_layout_set_font_description (layout, description);
  pango_layout_set_width (layout, (int) ((width - 6) * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_text (layout, text ? text : "", -1);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

/* A bar of 1, 2 or 5 × 10ⁿ metres, about a fifth of the map wide, in its lower left corner. */
static void
draw_scale_bar (cairo_t              *cr,
                const PanoExportView *view)
{
  double metres_per_pt = 156543.03392 * cos (view->latitude * G_PI / 180) / exp2 (view->zoom);
  double wanted = metres_per_pt * view->width / 5, step = pow (10, floor (log10 (wanted)));
  double metres = wanted >= 5 * step ? 5 * step : wanted >= 2 * step ? 2 * step : step;
  double length = metres / metres_per_pt, x = 14, y = view->height - 16;
  g_autofree char *words = pano_format_distance (metres);

  cairo_save (cr);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
  cairo_rectangle (cr, x - 6, y - 20, length + 12, 28);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, 1.5);
  cairo_move_to (cr, x, y - 4);
  cairo_line_to (cr, x, y);
  cairo_line_to (cr, x + length, y);
  cairo_line_to (cr, x + length, y - 4);
  cairo_stroke (cr);
  draw_text (cr, x, y - 19, length, "Sans 8", words);
  cairo_restore (cr);
}

/* The map as --export draws it, rasterised at print density, framed, with its scale bar. */
static gboolean
draw_map (cairo_t              *cr,
          const PanoExportView *view,
          double                x,
          double                y,
          GPtrArray            *drawn,
          GError              **error)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24,
                                                       view->width * MAP_DENSITY,
                                                       view->height * MAP_DENSITY);
  cairo_t *icr = cairo_create (image);
  gboolean ok;

  cairo_set_source_rgb (icr, 1, 1, 1);
  cairo_paint (icr);
  cairo_scale (icr, MAP_DENSITY, MAP_DENSITY);
  ok = pano_export_draw_map (icr, view, drawn, error);
  cairo_destroy (icr);

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_save (cr);
  cairo_scale (cr, 1.0 / MAP_DENSITY, 1.0 / MAP_DENSITY);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_paint (cr);
  cairo_restore (cr);
  draw_scale_bar (cr, view);
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  cairo_set_line_width (cr, 0.75);
  cairo_rectangle (cr, 0, 0, view->width, view->height);
  cairo_stroke (cr);
  cairo_restore (cr);
  cairo_surface_destroy (image);
  return ok;
}

/* Returns: the height used */
static double
draw_kpis (cairo_t        *cr,
           const HubState *hub,
           double          x,
           double          y,
           double          width)
{
  g_autofree char *kpis = g_strdup_printf (_("KPIs · %s"), _("whole city"));
  g_autofree char *heading = g_strconcat (kpis, " · ", _("Last 24 h"), NULL);
  double top = y;

  y += draw_text (cr, x, y, width, "Sans Bold 12", heading) + 6;
  for (guint i = 0; i < pano_kpi_get_n_figures (); i++)
    {
      g_autofree char *value = pano_kpi_format_figure (hub->kpis, i);

      draw_text (cr, x, y, width * 0.62, "Sans 10", pano_kpi_get_figure_name (i));
      y += draw_text (cr, x + width * 0.62, y, width * 0.38, "Sans Bold 10", value) + 3;
    }
  return y - top;
}

/* One live layer: its name, then a swatch and a word for each class, as its style says. */
static double
draw_live_legend (cairo_t    *cr,
                  const char *layer,
                  double      x,
                  double      y,
                  double      width)
{
  const PanoLiveStyle *style = pano_live_style_for_layer (layer);
  double top = y, cx = x + 22;

  cairo_set_source_rgb (cr, 0, 0, 0);
  y += draw_text (cr, x, y, width, "Sans 10", pano_live_style_get_title (layer)) + 1;
  for (guint k = 0; k < PANO_LIVE_MAX_CLASSES && style->class_names[k]; k++)
    {
      const PanoColor *c = &style->colors[k];
      double step = 12 + 7 * g_utf8_strlen (style->class_names[k], -1) + 8;

      if (cx + step > x + width)
        cx = x + 22, y += 13;
      cairo_set_source_rgb (cr, c->red, c->green, c->blue);
      cairo_arc (cr, cx + 4, y + 6, 4, 0, 2 * G_PI);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      draw_text (cr, cx + 10, y, step, "Sans 7", style->class_names[k]);
      cx += step;
    }
  return y + 16 - top;
}

static double
draw_legend (cairo_t       *cr,
             GPtrArray     *drawn,
             PanoLiveStore *live,
             double         x,
             double         y,
             double         width)
{
  double top = y;

  y += draw_text (cr, x, y, width, "Sans Bold 12", _("Legend")) + 6;
  for (guint i = 0; i < drawn->len; i++)
    {
      PanoStaticLayer *layer = g_ptr_array_index (drawn, i);
      GdkRGBA color;

      /* The base map has a style of its own, not one colour: a swatch of its land. */
      if (pano_static_layer_get_recolorable (layer))
        pano_static_layer_get_color (layer, &color);
      else
        color = (GdkRGBA) { 0.92, 0.90, 0.86, 1 };
      cairo_set_source_rgba (cr, color.red, color.green, color.blue, 1);
      cairo_rectangle (cr, x, y + 2, 14, 10);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
      cairo_set_line_width (cr, 0.5);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      y += draw_text (cr, x + 22, y, width - 22, "Sans 10",
                      pano_static_layer_get_title (layer)) + 3;
    }
  for (const char * const *name = pano_live_style_get_layer_names ();
       live != NULL && *name != NULL; name++)
    y += draw_live_legend (cr, *name, x, y, width);
  return y - top;
}

static void
draw_footer (cairo_t             *cr,
             const ReportOptions *o,
             guint                page,
             guint                n_pages)
{
  double y = o->page_height - MARGIN - 12, width = o->page_width - 2 * MARGIN;
  g_autoptr(GString) sources = g_string_new (NULL);
  g_autofree char *page_words = g_strdup_printf (_("Page %u of %u"), page, n_pages);

  g_string_append (sources, o->tiles == NULL ? _("Sources: offline base map (Panorama demo data)")
                                            : _("Sources: base map from the given tiles"));
  if (o->hub != NULL)
    g_string_append_printf (sources, _(" · live data from the hub at %s"), o->hub);
  for (guint i = 0; o->files && o->files[i]; i++)
    {
      g_autofree char *name = g_filename_display_basename (o->files[i]);

      g_string_append_printf (sources, " · %s", name);
    }
  g_string_prepend (sources, APPROVAL_PLACEHOLDER "    ");
  cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
  draw_text (cr, MARGIN, y, width * 0.82, "Sans 8", sources->str);
  draw_text (cr, MARGIN + width * 0.88, y, width * 0.12, "Sans 8", page_words);
}

/* Returns: the height used */
static double
draw_heading (cairo_t             *cr,
              const ReportOptions *o,
              const char          *when)
{
  g_autofree char *title = g_strconcat (_("Situation report"), " · ", _("whole city"), NULL);
  g_autofree char *subtitle = g_strdup_printf (_("Generated %s"), when);
  double width = o->page_width - 2 * MARGIN, y = MARGIN;

  cairo_set_source_rgb (cr, 0, 0, 0);
  y += draw_text (cr, MARGIN, y, width, "Sans Bold 22", title) + 2;
  y += draw_text (cr, MARGIN, y, width, "Sans 11", subtitle);
  return y - MARGIN + 10;
}

/* The incidents of one page of the table, from @first; returns the next one to draw. */
static guint
draw_incident_table (cairo_t             *cr,
                     const ReportOptions *o,
                     const HubState      *hub,
                     guint                first,
                     double               y)
{
  const char *headings[] = { _("Incident"), _("Category"), _("Title"), _("Status"),
                             _("Stage clock"), _("Grid") };
  const double share[] = { 0.1, 0.1, 0.26, 0.08, 0.18, 0.28 };
  double width = o->page_width - 2 * MARGIN, bottom = o->page_height - MARGIN - 24;
  guint i = first;
  double x = MARGIN;

  cairo_set_source_rgb (cr, 0, 0, 0);
  for (guint c = 0; c < G_N_ELEMENTS (headings); x += share[c++] * width)
    draw_text (cr, x, y, share[c] * width, "Sans Bold 9", headings[c]);
  y += ROW_HEIGHT;
  for (; i < hub->incidents->len && y + ROW_HEIGHT < bottom; i++, y += ROW_HEIGHT)
    {
      PanoIncidentRecord *r = g_ptr_array_index (hub->incidents, i);
      PanoStageClock clock;
      g_autofree char *clock_words = NULL;
      g_autoptr(GString) grid = g_string_new (NULL);
      const char *cells[G_N_ELEMENTS (headings)];
      double x = MARGIN;

      pano_incident_record_get_clock (r, hub->now_ms, &clock);
      clock_words = pano_format_stage_clock (&clock);
      for (int level = PANO_GRID_CITY; level < PANO_GRID_N_LEVELS; level++)
        if (pano_incident_record_get_grid_name (r, level) != NULL)
          g_string_append_printf (grid, "%s%s", grid->len ? " › " : "",
                                  pano_incident_record_get_grid_name (r, level));
      cells[0] = pano_incident_record_get_id (r);
      cells[1] = pano_incident_record_get_category (r);
      cells[2] = pano_incident_record_get_title (r);
      cells[3] = pano_format_status (pano_incident_record_get_status (r));
      cells[4] = clock_words;
      cells[5] = grid->str;
      cairo_set_source_rgb (cr, i % 2 ? 1 : 0.94, i % 2 ? 1 : 0.95, i % 2 ? 1 : 0.96);
      cairo_rectangle (cr, MARGIN, y - 2, width, ROW_HEIGHT);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, clock.state == PANO_CLOCK_OVERDUE ? 0.75 : 0, 0, 0);
      for (guint c = 0; c < G_N_ELEMENTS (cells); x += share[c++] * width)
        draw_cell (cr, x, y, share[c] * width, cells[c]);
    }
  return i;
}

/* Returns: how many rows of the table fit between @y (its heading row) and the footer, by the
 * rule draw_incident_table() follows */
static guint
rows_per_page (const ReportOptions *o,
               double               y)
{
  double bottom = o->page_height - MARGIN - 24;
  guint n = 0;

  for (y += ROW_HEIGHT; y + ROW_HEIGHT < bottom; y += ROW_HEIGHT)
    n++;
  return MAX (n, 1);
}

static void
draw_first_page_side (cairo_t             *cr,
                      const ReportOptions *o,
                      const HubState      *hub,
                      GPtrArray           *drawn,
                      double               x,
                      double               y)
{
  /* Laid out for A3; on smaller paper the column shrinks with the page, so it still ends above
   * the footer. */
  double scale = MIN (1, o->page_height / (297 * PT_PER_MM));
  double width = (o->page_width - MARGIN - x) / scale;

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, scale, scale);
  x = y = 0;
  cairo_set_source_rgb (cr, 0, 0, 0);
  if (hub->kpis != NULL)
    y += draw_kpis (cr, hub, x, y, width) + 18;
  else
    y += draw_text (cr, x, y, width, "Sans Italic 10",
                    _("No hub was given (--hub URL --token T): the report has no KPIs, "
                      "incidents or live layers.")) + 18;
  draw_legend (cr, drawn, hub->live, x, y, width);
  cairo_restore (cr);
}

static char *
table_heading (const HubState *hub)
{
  return g_strdup_printf (_("Open incidents, most urgent first: %u"), hub->incidents->len);
}

/* Returns: how many pages the table takes (at least one, to say there is nothing); @y: where
 * its heading row goes on each */
static guint
count_table_pages (cairo_t             *cr,
                   const ReportOptions *o,
                   const HubState      *hub,
                   double               heading_height,
                   double              *y)
{
  g_autofree char *heading = table_heading (hub);
  guint rows;

  *y = MARGIN + heading_height +
       measure_text (cr, o->page_width - 2 * MARGIN, "Sans Bold 13", heading) + 6;
  rows = rows_per_page (o, *y);
  return MAX (1, (hub->incidents->len + rows - 1) / rows);
}

/* The table's pages: the same heading as the first page, then as many rows as fit. */
static void
draw_table_pages (cairo_t             *cr,
                  const ReportOptions *o,
                  const HubState      *hub,
                  const char          *when,
                  double               heading_height)
{
  g_autofree char *heading = table_heading (hub);
  double width = o->page_width - 2 * MARGIN, y;
  guint n_pages = 1 + count_table_pages (cr, o, hub, heading_height, &y), next = 0;

  for (guint page = 2; page <= n_pages; page++)
    {
      cairo_show_page (cr);
      draw_heading (cr, o, when);
      draw_text (cr, MARGIN, MARGIN + heading_height, width, "Sans Bold 13", heading);
      if (hub->incidents->len == 0)
        draw_text (cr, MARGIN, y + ROW_HEIGHT, width, "Sans 10", _("No open incidents."));
      next = draw_incident_table (cr, o, hub, next, y);
      draw_footer (cr, o, page, n_pages);
    }
}

static gboolean
draw_report (cairo_t              *cr,
             ReportOptions        *o,
             const HubState       *hub,
             GError              **error)
{
  g_autoptr(GPtrArray) drawn = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = g_date_time_format (now, "%Y-%m-%d %H:%M:%S %Z");
  double heading_height = draw_heading (cr, o, when), top = MARGIN + heading_height, y;
  double side = 90 * PT_PER_MM;
  guint n_pages = 1 + (hub->incidents ? count_table_pages (cr, o, hub, heading_height, &y) : 0);

  o->view.width = (int) (o->page_width - 2 * MARGIN - side - 14);
  o->view.height = (int) (o->page_height - top - MARGIN - 24);
  if (!draw_map (cr, &o->view, MARGIN, top, drawn, error))
    return FALSE;
  draw_first_page_side (cr, o, hub, drawn, o->page_width - MARGIN - side, top);
  draw_footer (cr, o, 1, n_pages);
  if (hub->incidents != NULL)
    draw_table_pages (cr, o, hub, when, heading_height);
  return TRUE;
}

static gboolean
write_report (ReportOptions   *o,
              const HubState  *hub,
              GError         **error)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (o->output, o->page_width, o->page_height);
  cairo_status_t status = cairo_surface_status (surface);
  cairo_t *cr;
  gboolean ok;

  if (status != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot write “%s”: %s",
                          o->output, cairo_status_to_string (status)), FALSE;
    }
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, _("Situation report"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Panorama " PANO_VERSION);
  cr = cairo_create (surface);
  ok = draw_report (cr, o, hub, error);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (ok && status != CAIRO_STATUS_SUCCESS)
    ok = (g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot write “%s”: %s",
                       o->output, cairo_status_to_string (status)), FALSE);
  /* No half report left behind for someone to print. */
  if (!ok)
    g_unlink (o->output);
  return ok;
}

static void
report_options_clear (ReportOptions *o)
{
  g_free (o->output);
  g_free (o->size);
  g_free (o->center);
  g_free (o->tiles);
  g_free (o->hub);
  g_free (o->token);
  g_free (o->ca_file);
  g_strfreev (o->files);
}

static void
write_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ReportOptions *o = task_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  HubState hub = { 0 };
  GError *error = NULL;
  gboolean ok;

  /* The hub client's session and its answers belong to this thread's own context. */
  g_main_context_push_thread_default (context);
  ok = (o->hub == NULL || read_hub (o, &hub, &error)) && write_report (o, &hub, &error);
  g_main_context_pop_thread_default (context);
  g_clear_pointer (&hub.kpis, json_object_unref);
  g_clear_pointer (&hub.incidents, g_ptr_array_unref);
  g_clear_object (&hub.live);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
report_options_free (ReportOptions *o)
{
  report_options_clear (o);
  g_free (o);
}

/**
 * pano_report_write_async:
 * @hub: (nullable): the hub to read the KPIs, incidents and live layers from
 * @tiles: (nullable): as --tiles
 *
 * Writes the situation report of the view at @latitude, @longitude, @zoom to @output (A3) in a
 * worker thread, as `panorama --report` does: the window's menu entry.
 */
void
pano_report_write_async (const char          *output,
                         const char          *hub,
                         const char          *token,
                         const char          *ca_file,
                         const char          *tiles,
                         double               latitude,
                         double               longitude,
                         double               zoom,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ReportOptions *o = g_new0 (ReportOptions, 1);

  g_task_set_source_tag (task, pano_report_write_async);
  o->output = g_strdup (output);
  o->hub = g_strdup (hub);
  o->token = g_strdup (token);
  o->ca_file = g_strdup (ca_file);
  o->tiles = g_strdup (tiles);
  o->view.tiles = o->tiles;
  o->view.latitude = latitude;
  o->view.longitude = longitude;
  o->view.zoom = CLAMP (zoom, PANO_MIN_ZOOM, PANO_MAX_ZOOM);
  read_paper (o, NULL);
  g_task_set_task_data (task, o, (GDestroyNotify) report_options_free);
  g_task_run_in_thread (task, write_in_thread);
}

gboolean
pano_report_write_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Returns: the process exit status */
int
pano_report_run (int    argc,
                 char **argv)
{
  ReportOptions o = { 0 };
  HubState hub = { 0 };
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!parse_options (&o, &argc, &argv, &error) ||
      (o.hub != NULL && !read_hub (&o, &hub, &error)) ||
      !write_report (&o, &hub, &error))
    {
      g_printerr ("panorama: %s\n", error->message);
      status = 1;
    }
  else
    g_print ("%s: situation report, %u open incidents\n", o.output,
             hub.incidents ? hub.incidents->len : 0);

  g_clear_pointer (&hub.kpis, json_object_unref);
  g_clear_pointer (&hub.incidents, g_ptr_array_unref);
  g_clear_object (&hub.live);
  report_options_clear (&o);
  return status;
}
