// SPDX-License-Identifier: GPL-3.0-or-later
/* The KPI panel on the real hub with the demo city's grid: after a morning's work done through
 * real commands (closed, returned and re-dispatched, cancelled, open) it shows for a district
 * and for the city exactly what GET /v1/kpis answers, rates below the plans' targets marked;
 * it reads again by itself while on screen; a dead hub or a refused token is one line naming
 * the hub, and the last figures stay. */
#include "pano-kpi-panel.h"
#include "pano-test-gui.h"
#include "pano-test-hub.h"
#include "pano-test-util.h"

#include <adwaita.h>
#include <gdal.h>
#include <ogr_api.h>
#include <string.h>

#define MAOJIAN "420300-420302"
#define ZHANGWAN "420300-420303"

static const char *const keys[] = {
  "reported", "accepted", "in_progress", "overdue", "closed", "closure", "dispatch_accuracy",
  "on_time_closure", "on_time_handling", "rework", "mean_accept", "mean_dispatch", "mean_close",
};

/* A point inside the first grid cell of @district. */
static void
point_in (const char *district,
          double     *lon,
          double     *lat)
{
  g_autofree char *path = g_build_filename (g_getenv ("PANORAMA_DATA_DIR"), "shiyan.gpkg", NULL);
  g_autofree char *filter = g_strdup_printf ("code LIKE '%s-%%'", district);
  GDALDatasetH ds = GDALOpenEx (path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  OGRLayerH layer = GDALDatasetGetLayerByName (ds, "grid_cells");
  OGRFeatureH f;
  OGRGeometryH point;

  OGR_L_SetAttributeFilter (layer, filter);
  f = OGR_L_GetNextFeature (layer);
  g_assert_nonnull (f);
  point = OGR_G_PointOnSurface (OGR_F_GetGeometryRef (f));
  *lon = OGR_G_GetX (point, 0);
  *lat = OGR_G_GetY (point, 0);
  OGR_G_DestroyGeometry (point);
  OGR_F_Destroy (f);
  GDALClose (ds);
}

/* Sends one command as the dispatcher; returns the incident's id. */
static char *
command (PanoTestHub *hub,
         const char  *body)
{
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr(JsonNode) answer = NULL;
  guint status = pano_test_hub_rest (hub, "POST", "/v1/commands", "disp-token", key, body,
                                     &answer, NULL);
  JsonObject *incident;

  if (status >= 300)
    g_error ("%s → %u", body, status);
  incident = json_object_get_object_member (json_node_get_object (answer), "incident");
  return g_strdup (json_object_get_string_member (incident, "id"));
}

static char *
create_in (PanoTestHub *hub,
           const char  *district)
{
  double lon, lat;
  g_autofree char *body = NULL;

  point_in (district, &lon, &lat);
  body = g_strdup_printf ("{\"command\":\"create\",\"category\":\"市政设施\",\"severity\":2,"
                          "\"location\":[%.6f,%.6f]}", lon, lat);
  return command (hub, body);
}

static void
act (PanoTestHub *hub,
     const char  *incident,
     const char  *rest)
{
  g_autofree char *body = g_strdup_printf ("{\"incident\":\"%s\",%s}", incident, rest);

  g_free (command (hub, body));
}

/* The morning: in 茅箭区 one incident closed, one returned and dispatched again, one
 * cancelled; in 张湾区 one left reported. */
static void
morning (PanoTestHub *hub)
{
  g_autofree char *closed = create_in (hub, MAOJIAN);
  g_autofree char *returned = create_in (hub, MAOJIAN);
  g_autofree char *cancelled = create_in (hub, MAOJIAN);
  g_autofree char *open = create_in (hub, ZHANGWAN);
  const char *accept = "\"command\":\"transition\",\"to\":\"accepted\"";
  const char *dispatch = "\"command\":\"dispatch\",\"units\":[\"fire-1-1\"]";

  act (hub, closed, accept);
  act (hub, closed, dispatch);
  act (hub, closed, "\"command\":\"transition\",\"to\":\"handling\"");
  act (hub, closed, "\"command\":\"transition\",\"to\":\"verified\"");
  act (hub, closed, "\"command\":\"transition\",\"to\":\"closed\"");
  act (hub, returned, accept);
  act (hub, returned, dispatch);
  act (hub, returned, "\"command\":\"transition\",\"to\":\"returned\",\"reason\":\"wrong unit\"");
  act (hub, returned, dispatch);
  act (hub, cancelled, "\"command\":\"cancel\",\"reason\":\"duplicate report\"");
}

/* What the panel should say for @key, from the hub's own answer. */
static char *
expected_text (JsonObject *answer,
               const char *key)
{
  const char *sections[] = { "counts", "rates", "mean_s" };
  const char *member = g_str_has_prefix (key, "mean_") ? key + 5 : key;
  guint s = g_str_has_prefix (key, "mean_") ? 2
            : strstr ("closure dispatch_accuracy on_time_closure on_time_handling rework",
                      key) ? 1 : 0;
  JsonNode *node = json_object_get_member (json_object_get_object_member (answer, sections[s]),
                                           member);

  g_assert_nonnull (node);
  if (JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("—");
  if (s == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (s == 1)
    return pano_kpi_format_percent (json_node_get_double (node));
  return pano_kpi_format_duration (json_node_get_double (node));
}

static void
assert_shows_hub (PanoKpiPanel *panel,
                  PanoTestHub  *hub,
                  const char   *scope)
{
  g_autofree char *path = g_strdup_printf ("/v1/kpis?scope=%s", scope);
  guint status;
  g_autoptr(JsonNode) answer = pano_test_hub_request (hub, "GET", path, "view", NULL, &status);

  g_assert_cmpuint (status, ==, 200);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *expected = expected_text (json_node_get_object (answer), keys[i]);

      g_assert_cmpstr (pano_kpi_panel_get_text (panel, keys[i]), ==, expected);
    }
  g_assert_null (pano_kpi_panel_get_error (panel));
}

typedef struct
{
  PanoKpiPanel *panel;
  guint loads;
} Wait;

static gboolean
loaded (gpointer data)
{
  Wait *wait = data;

  return pano_kpi_panel_get_n_loads (wait->panel) > wait->loads;
}

static void
wait_for_load (PanoKpiPanel *panel,
               guint         loads)
{
  Wait wait = { panel, loads };

  pano_test_wait_until (loaded, &wait);
  pano_test_iterate ();
}

static gboolean
reported_four (gpointer data)
{
  return g_strcmp0 (pano_kpi_panel_get_text (data, "reported"), "4") == 0;
}

static PanoTestHub *
start_hub (void)
{
  g_autofree char *city = g_build_filename (g_getenv ("PANORAMA_DATA_DIR"), "shiyan.gpkg",
                                            NULL);
  const char *args[] = { "--city", city, NULL };
  PanoTestHub *hub = pano_test_hub_start (NULL, args);

  pano_test_hub_ingest (hub, "resources",
                        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                        "\"id\":\"fire-1-1\",\"geometry\":{\"type\":\"Point\",\"coordinates\":"
                        "[110.79,32.64]},\"properties\":{\"kind\":\"fire_engine\","
                        "\"status\":\"available\"}}]}");
  return hub;
}

/* As in the window: a 440 px wide pane that scrolls. */
static GtkWidget *
in_side_pane (GtkWidget *panel)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), panel);
  return pano_test_present (scroller, 440, 700);
}

static void
test_scopes (void)
{
  g_autoptr(PanoTestHub) hub = start_hub ();
  g_autoptr(PanoHubClient) client = pano_hub_client_new (hub->url, "view");
  GtkWidget *panel = pano_kpi_panel_new (client);
  GtkWidget *window;
  guint loads;

  morning (hub);
  pano_kpi_panel_set_scope (PANO_KPI_PANEL (panel), MAOJIAN, "茅箭区");
  window = in_side_pane (panel);
  wait_for_load (PANO_KPI_PANEL (panel), 0);

  /* the district: what the hub says, the two scored rates below target and marked */
  assert_shows_hub (PANO_KPI_PANEL (panel), hub, MAOJIAN);
  g_assert_cmpstr (pano_kpi_panel_get_text (PANO_KPI_PANEL (panel), "reported"), ==, "3");
  g_assert_cmpstr (pano_kpi_panel_get_text (PANO_KPI_PANEL (panel), "closure"), ==, "50.0 %");
  g_assert_cmpstr (pano_kpi_panel_get_text (PANO_KPI_PANEL (panel), "dispatch_accuracy"), ==,
                   "66.7 %");
  g_assert_true (pano_kpi_panel_is_below_target (PANO_KPI_PANEL (panel), "closure"));
  g_assert_true (pano_kpi_panel_is_below_target (PANO_KPI_PANEL (panel), "dispatch_accuracy"));
  g_assert_false (pano_kpi_panel_is_below_target (PANO_KPI_PANEL (panel), "on_time_handling"));
  g_assert_true (pano_test_shows_text (panel, "KPIs · 茅箭区"));
  g_assert_true (pano_test_shows_text (panel, "Last 24 h"));
  g_assert_true (pano_test_shows_text (panel, "Below the 95 % target"));
  g_assert_true (pano_test_shows_text (panel, "Below the 98 % target"));
  g_assert_true (pano_test_shows_text (panel, "1 returned of 3 dispatched"));
  g_free (pano_test_save_png (panel, "kpi-panel.png"));

  /* the whole city: read at once, with a spinner meanwhile */
  loads = pano_kpi_panel_get_n_loads (PANO_KPI_PANEL (panel));
  pano_kpi_panel_set_scope (PANO_KPI_PANEL (panel), "", "十堰市");
  g_assert_true (pano_kpi_panel_is_loading (PANO_KPI_PANEL (panel)));
  g_assert_nonnull (pano_test_find_widget (panel, GTK_TYPE_SPINNER, NULL));
  wait_for_load (PANO_KPI_PANEL (panel), loads);
  g_assert_false (pano_kpi_panel_is_loading (PANO_KPI_PANEL (panel)));
  g_assert_null (pano_test_find_widget (panel, GTK_TYPE_SPINNER, NULL));
  assert_shows_hub (PANO_KPI_PANEL (panel), hub, "");
  g_assert_cmpstr (pano_kpi_panel_get_text (PANO_KPI_PANEL (panel), "in_progress"), ==, "2");
  g_assert_cmpstr (pano_kpi_panel_get_text (PANO_KPI_PANEL (panel), "closure"), ==, "33.3 %");

  /* on screen it reads again by itself (every second here, 30 s by default) */
  pano_kpi_panel_set_scope (PANO_KPI_PANEL (panel), MAOJIAN, "茅箭区");
  pano_kpi_panel_set_refresh_seconds (PANO_KPI_PANEL (panel), 1);
  g_free (create_in (hub, MAOJIAN));
  pano_test_wait_until (reported_four, panel);

  /* the hub dies: one line naming it, the last figures stay */
  loads = pano_kpi_panel_get_n_loads (PANO_KPI_PANEL (panel));
  pano_test_hub_kill (hub);
  pano_kpi_panel_refresh (PANO_KPI_PANEL (panel));
  wait_for_load (PANO_KPI_PANEL (panel), loads);
  g_assert_nonnull (pano_kpi_panel_get_error (PANO_KPI_PANEL (panel)));
  g_assert_nonnull (strstr (pano_kpi_panel_get_error (PANO_KPI_PANEL (panel)), hub->url));
  g_assert_nonnull (strstr (pano_kpi_panel_get_error (PANO_KPI_PANEL (panel)),
                            "does not answer"));
  g_assert_true (pano_test_shows_text (panel, pano_kpi_panel_get_error (PANO_KPI_PANEL (panel))));
  g_assert_cmpstr (pano_kpi_panel_get_text (PANO_KPI_PANEL (panel), "reported"), ==, "4");
  g_free (pano_test_save_png (panel, "kpi-panel-error.png"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_refused_token (void)
{
  g_autoptr(PanoTestHub) hub = start_hub ();
  g_autoptr(PanoHubClient) client = pano_hub_client_new (hub->url, "no-such-token");
  GtkWidget *panel = pano_kpi_panel_new (client);
  g_autofree char *expected = g_strdup_printf ("The hub at %s does not accept this console’s "
                                               "token.", hub->url);
  GtkWidget *window;

  pano_kpi_panel_set_scope (PANO_KPI_PANEL (panel), "", "十堰市");
  window = in_side_pane (panel);
  wait_for_load (PANO_KPI_PANEL (panel), 0);
  g_assert_cmpstr (pano_kpi_panel_get_error (PANO_KPI_PANEL (panel)), ==, expected);
  g_assert_cmpstr (pano_kpi_panel_get_text (PANO_KPI_PANEL (panel), "closure"), ==, "—");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_durations (void)
{
  static const struct { double s; const char *text; } cases[] = {
    { 0, "0 s" }, { 42.4, "42 s" }, { 95, "2 min" }, { 725, "12 min" }, { 3599, "1 h 00 min" },
    { 3900, "1 h 05 min" }, { 86399, "1 d 00 h" }, { 97200, "1 d 03 h" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = pano_kpi_format_duration (cases[i].s);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  GDALAllRegister ();
  g_test_add_func ("/kpi-panel/durations", test_durations);
  g_test_add_func ("/kpi-panel/scopes", test_scopes);
  g_test_add_func ("/kpi-panel/refused-token", test_refused_token);
  return g_test_run ();
}
