// SPDX-License-Identifier: GPL-3.0-or-later
/* Live layers drawn offscreen from fixed entities: stations in their HJ 633 AQI colours with
 * exceedances ringed and stale ones faded, a jammed road in dark red, and at city zoom
 * thirty thousand sensors drawn as a few counted bins instead of one dot each. */
#include "pano-gis-loader.h"
#include "pano-grid-choropleth.h"
#include "pano-live-classify.h"
#include "pano-live-map-layer.h"
#include "pano-test-util.h"
#include "pano-tile-source.h"

#include <string.h>

static const char * const layer_names[] = { "environment", "traffic", "resources", "incidents",
                                            NULL };

typedef struct
{
  GtkWindow *window;
  ShumateMap *map;
  PanoLiveStore *store;
  PanoLiveMapLayer *env;
  PanoLiveMapLayer *traffic;
  PanoLiveMapLayer *resources;
} Scene;

static void
apply (PanoLiveStore *store, const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PanoFeedFrame) frame = pano_feed_frame_decode (json, strlen (json), &error);

  g_assert_no_error (error);
  g_assert_true (pano_live_store_apply (store, frame, &error));
  pano_live_store_flush (store);
}

static char *
iso_time (gint64 offset_s)
{
  g_autoptr(GDateTime) t = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) s = g_date_time_add_seconds (t, offset_s);

  return g_date_time_format_iso8601 (s);
}

static Scene *
scene_new (double lat, double lon, double zoom)
{
  Scene *s = g_new0 (Scene, 1);
  g_autoptr(PanoTileRenderer) empty = pano_tile_renderer_new ();
  g_autoptr(PanoTileSource) reference = pano_tile_source_new ("reference", empty);
  ShumateViewport *viewport;

  s->store = pano_live_store_new (layer_names);
  s->window = GTK_WINDOW (gtk_window_new ());
  s->map = shumate_map_new ();
  viewport = shumate_map_get_viewport (s->map);
  shumate_viewport_set_reference_map_source (viewport, SHUMATE_MAP_SOURCE (reference));
  shumate_viewport_set_max_zoom_level (viewport, 19);
  gtk_window_set_child (s->window, GTK_WIDGET (s->map));
  gtk_window_set_default_size (s->window, 800, 600);
  s->traffic = pano_live_map_layer_new (viewport, s->store, "traffic");
  s->env = pano_live_map_layer_new (viewport, s->store, "environment");
  shumate_map_add_layer (s->map, SHUMATE_LAYER (s->traffic));
  shumate_map_add_layer (s->map, SHUMATE_LAYER (s->env));
  s->resources = pano_live_map_layer_new (viewport, s->store, "resources");
  shumate_map_add_layer (s->map, SHUMATE_LAYER (s->resources));
  shumate_map_center_on (s->map, lat, lon);
  shumate_viewport_set_zoom_level (viewport, zoom);
  gtk_window_present (s->window);
  return s;
}

static void
scene_free (Scene *s)
{
  gtk_window_destroy (s->window);
  g_object_unref (s->store);
  g_free (s);
}

static GskRenderNode *
try_snapshot (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget),
                          gtk_widget_get_height (widget));
  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

static gboolean
map_allocated (gpointer data)
{
  return gtk_widget_get_width (GTK_WIDGET (((Scene *)data)->map)) > 0;
}

typedef struct
{
  Scene *scene;
  GskRenderNode *node;
} Shot;

static gboolean
snapshot_taken (gpointer data)
{
  Shot *shot = data;

  return (shot->node = try_snapshot (GTK_WIDGET (shot->scene->map))) != NULL;
}

/* Renders the map as it is now, once the window has given it its size. The layers draw from
 * the viewport and the store when asked, so no frame needs to pass first. */
static GdkTexture *
render (Scene *s)
{
  GtkWidget *map = GTK_WIDGET (s->map);
  Shot shot = { s, NULL };
  g_autoptr(GskRenderNode) node = NULL;

  pano_test_wait_until (map_allocated, s);
  pano_test_wait_until (snapshot_taken, &shot);
  node = shot.node;
  return gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (s->window)), node,
                                      &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (map),
                                                           gtk_widget_get_height (map)));
}

/* The texture's pixels (premultiplied ARGB words) and where (lat, lon) lands in them. */
static guint32 *
download_at (Scene *s, GdkTexture *texture, double lat, double lon, double *x, double *y)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  guint32 *data = g_new (guint32, (gsize)w * h);

  shumate_viewport_location_to_widget_coords (shumate_map_get_viewport (s->map),
                                              GTK_WIDGET (s->map), lat, lon, x, y);
  gdk_texture_download (texture, (guchar *)data, w * 4);
  return data;
}

/* The pixel where (lat, lon) lands, as 0xRRGGBB (opaque pixels only). */
static guint32
pixel_at (Scene *s, GdkTexture *texture, double lat, double lon, guint8 *alpha)
{
  double x, y;
  g_autofree guint32 *data = download_at (s, texture, lat, lon, &x, &y);
  guint32 v = data[(int)round (y) * gdk_texture_get_width (texture) + (int)round (x)];

  if (alpha)
    *alpha = v >> 24;
  return v & 0xffffff;
}

/* Whether @colour appears, opaque, within @radius px of where (lat, lon) lands. */
static gboolean
colour_near (Scene *s, GdkTexture *texture, double lat, double lon, int radius, guint32 colour)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  double x, y;
  g_autofree guint32 *data = download_at (s, texture, lat, lon, &x, &y);

  for (int j = MAX (0, (int)y - radius); j < MIN (h, (int)y + radius); j++)
    for (int i = MAX (0, (int)x - radius); i < MIN (w, (int)x + radius); i++)
      if (data[j * w + i] == (0xff000000u | colour))
        return TRUE;
  return FALSE;
}

#define STATION(id, lon, lat, aqi, stale) \
  "{\"id\":\"" id "\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[" lon "," lat "]}," \
  "\"properties\":{\"aqi\":" aqi "},\"stale_after\":\"%s\"}"

static void
test_environment_colours (void)
{
  Scene *s = scene_new (32.63, 110.79, 15);
  g_autofree char *future = iso_time (600);
  g_autofree char *past = iso_time (-600);
  g_autofree char *json = g_strdup_printf (
    "{\"type\":\"snapshot\",\"layer\":\"environment\",\"seq\":1,\"chunks\":1,\"entities\":["
    STATION ("good", "110.785", "32.630", "30", "") ","
    STATION ("bad", "110.790", "32.630", "180", "") ","
    STATION ("severe", "110.795", "32.630", "420", "") ","
    STATION ("old", "110.790", "32.634", "30", "") "]}", future, future, future, past);
  g_autoptr(GdkTexture) texture = NULL;
  guint8 alpha;

  apply (s->store, json);
  texture = render (s);
  g_assert_false (pano_live_map_layer_is_aggregated (s->env));
  g_assert_cmphex (pixel_at (s, texture, 32.630, 110.785, NULL), ==, 0x00e400);  /* 优 */
  g_assert_cmphex (pixel_at (s, texture, 32.630, 110.790, NULL), ==, 0xff0000);  /* 中度污染 */
  g_assert_cmphex (pixel_at (s, texture, 32.630, 110.795, NULL), ==, 0x7e0023);  /* 严重污染 */
  /* stale: the same green, faded */
  pixel_at (s, texture, 32.634, 110.790, &alpha);
  g_assert_cmpuint (alpha, <, 128);
  scene_free (s);
}

static void
test_traffic_colours (void)
{
  Scene *s = scene_new (32.63, 110.79, 15);
  g_autoptr(GdkTexture) texture = NULL;
  guint pictures;

  apply (s->store, "{\"type\":\"snapshot\",\"layer\":\"traffic\",\"seq\":1,\"chunks\":1,"
                   "\"entities\":[{\"id\":\"road-1\",\"geometry\":{\"type\":\"LineString\","
                   "\"coordinates\":[[110.780,32.628],[110.800,32.628]]},"
                   "\"properties\":{\"congestion\":4,\"speed_kmh\":5}},"
                   "{\"id\":\"road-2\",\"geometry\":{\"type\":\"LineString\","
                   "\"coordinates\":[[110.780,32.632],[110.800,32.632]]},"
                   "\"properties\":{\"congestion\":\"畅通\",\"speed_kmh\":55}}]}");
  texture = render (s);
  g_assert_cmphex (pixel_at (s, texture, 32.628, 110.79, NULL), ==, 0x8b0000);   /* 严重拥堵 */
  g_assert_cmphex (pixel_at (s, texture, 32.632, 110.79, NULL), ==, 0x00b050);   /* 畅通 */
  g_clear_object (&texture);
  pictures = pano_live_map_layer_get_n_line_pictures (s->traffic);

  /* A pan within the picture's margin moves the picture: nothing is drawn again, and the roads
   * are still where they belong. */
  shumate_map_center_on (s->map, 32.6302, 110.7905);
  texture = render (s);
  g_assert_cmpuint (pano_live_map_layer_get_n_line_pictures (s->traffic), ==, pictures);
  g_assert_cmphex (pixel_at (s, texture, 32.628, 110.79, NULL), ==, 0x8b0000);
  g_assert_cmphex (pixel_at (s, texture, 32.632, 110.79, NULL), ==, 0x00b050);
  g_clear_object (&texture);

  /* The picture is kept while panning, but a change, a pan off its edge or a filter redraws. */
  apply (s->store, "{\"type\":\"delta\",\"layer\":\"traffic\",\"from_seq\":2,\"seq\":2,"
                   "\"changes\":[{\"op\":\"upsert\",\"entity\":{\"id\":\"road-2\","
                   "\"geometry\":{\"type\":\"LineString\","
                   "\"coordinates\":[[110.780,32.632],[110.800,32.632]]},"
                   "\"properties\":{\"congestion\":\"拥堵\"}}}]}");
  shumate_map_center_on (s->map, 32.63, 110.795);
  texture = render (s);
  g_assert_cmpuint (pano_live_map_layer_get_n_line_pictures (s->traffic), ==, pictures + 1);
  g_assert_cmphex (pixel_at (s, texture, 32.628, 110.79, NULL), ==, 0x8b0000);
  g_assert_cmphex (pixel_at (s, texture, 32.632, 110.79, NULL), ==, 0xff6600);   /* 拥堵 */
  g_clear_object (&texture);

  shumate_map_center_on (s->map, 32.63, 110.81);   /* 350 px east: past the margin */
  texture = render (s);
  g_assert_cmphex (pixel_at (s, texture, 32.628, 110.799, NULL), ==, 0x8b0000);
  g_clear_object (&texture);

  pano_live_map_layer_set_class_mask (s->traffic, ~(1u << PANO_CONGESTION_JAMMED));
  texture = render (s);
  g_assert_cmphex (pixel_at (s, texture, 32.628, 110.799, NULL), !=, 0x8b0000);
  g_assert_cmphex (pixel_at (s, texture, 32.632, 110.799, NULL), ==, 0xff6600);
  scene_free (s);
}

static void
test_resource_status (void)
{
  Scene *s = scene_new (32.63, 110.79, 16);
  g_autoptr(GdkTexture) texture = NULL;

  apply (s->store, "{\"type\":\"snapshot\",\"layer\":\"resources\",\"seq\":1,\"chunks\":1,"
                   "\"entities\":[{\"id\":\"fire-1\",\"geometry\":{\"type\":\"Point\","
                   "\"coordinates\":[110.788,32.630]},\"properties\":{\"kind\":\"fire_engine\","
                   "\"status\":\"available\"}},{\"id\":\"amb-1\",\"geometry\":{\"type\":"
                   "\"Point\",\"coordinates\":[110.792,32.630]},\"properties\":{\"kind\":"
                   "\"ambulance\",\"status\":\"on_scene\"}}]}");
  texture = render (s);
  g_assert_cmphex (pixel_at (s, texture, 32.630, 110.788, NULL), ==, 0x2e7d32);   /* 待命 */
  g_assert_cmphex (pixel_at (s, texture, 32.630, 110.792, NULL), ==, 0xc62828);   /* 到场 */
  scene_free (s);
}

static guint
count_colour_near (Scene *s, GdkTexture *texture, double lat, double lon, int radius,
                   guint32 colour)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  double x, y;
  g_autofree guint32 *data = download_at (s, texture, lat, lon, &x, &y);
  guint n = 0;

  for (int j = MAX (0, (int)y - radius); j < MIN (h, (int)y + radius); j++)
    for (int i = MAX (0, (int)x - radius); i < MIN (w, (int)x + radius); i++)
      n += data[j * w + i] == (0xff000000u | colour);
  return n;
}

/* On a wall at 2.0, a fire engine is drawn twice as wide (four times the green), where it was,
 * and reached as far as it is drawn. */
static void
test_symbol_scale (void)
{
  Scene *s = scene_new (32.63, 110.79, 16);
  g_autoptr(GdkTexture) one = NULL;
  g_autoptr(GdkTexture) two = NULL;
  GdkRectangle area1, area2;
  guint n1, n2;

  apply (s->store, "{\"type\":\"snapshot\",\"layer\":\"resources\",\"seq\":1,\"chunks\":1,"
                   "\"entities\":[{\"id\":\"fire-1\",\"geometry\":{\"type\":\"Point\","
                   "\"coordinates\":[110.788,32.630]},\"properties\":{\"kind\":\"fire_engine\","
                   "\"status\":\"available\"}}]}");
  one = render (s);
  n1 = count_colour_near (s, one, 32.630, 110.788, 60, 0x2e7d32);
  g_assert_true (pano_live_map_layer_get_symbol_area (s->resources, 0, &area1));
  pano_live_map_layer_set_scale (s->resources, 2.0);
  two = render (s);
  n2 = count_colour_near (s, two, 32.630, 110.788, 60, 0x2e7d32);
  g_assert_true (pano_live_map_layer_get_symbol_area (s->resources, 0, &area2));
  g_test_message ("%u green pixels at 1.0, %u at 2.0", n1, n2);
  g_assert_cmpuint (n1, >, 20);
  g_assert_cmpuint (n2, >=, 3 * n1);
  g_assert_cmpuint (n2, <=, 5 * n1);
  g_assert_cmphex (pixel_at (s, two, 32.630, 110.788, NULL), ==, 0x2e7d32);
  g_assert_cmpint (area2.width, >=, 2 * area1.width - 1);
  g_assert_cmpint (area2.x + area2.width / 2, ==, area1.x + area1.width / 2);
  scene_free (s);
}

/* Whether a pixel near where (lat, lon) lands (within @radius px along the row) is the red of an
 * overdue cell's outline: opaque enough, red, neither green nor blue. */
static gboolean
outline_near (Scene *s, GdkTexture *texture, double lat, double lon, int radius)
{
  int w = gdk_texture_get_width (texture);
  double x, y;
  g_autofree guint32 *data = download_at (s, texture, lat, lon, &x, &y);

  for (int i = MAX (0, (int)x - radius); i <= MIN (w - 1, (int)x + radius); i++)
    {
      guint32 v = data[(int)round (y) * w + i];

      if (v >> 24 >= 0xc0 && ((v >> 16) & 0xff) >= 0x90 && ((v >> 8) & 0xff) <= 0x30 &&
          (v & 0xff) <= 0x30)
        return TRUE;
    }
  return FALSE;
}

/* Two open incidents in one grid cell, one overdue: the cell is shaded and outlined in red. A
 * cell with an open incident that is not overdue is shaded, not outlined. */
static void
test_grid_choropleth (void)
{
  Scene *s = scene_new (32.63, 110.79, 14);
  g_autofree char *dir = pano_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "cells.geojson", NULL);
  const char *cells =
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"420300-420302-001-0001\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[110.78,32.62],[110.80,32.62],"
    "[110.80,32.64],[110.78,32.64],[110.78,32.62]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"420300-420302-001-0002\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[110.80,32.62],[110.82,32.62],"
    "[110.82,32.64],[110.80,32.64],[110.80,32.62]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"420300-420302-001-0003\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[110.82,32.62],[110.84,32.62],"
    "[110.84,32.64],[110.82,32.64],[110.82,32.62]]]}}]}";
  g_autoptr(PanoGisLoader) loader = NULL;
  g_autoptr(GPtrArray) layers = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  PanoGridChoropleth *choropleth;
  guint open, overdue;
  guint8 alpha;

  g_assert_true (g_file_set_contents (path, cells, -1, NULL));
  loader = pano_gis_loader_new (path);
  layers = pano_gis_loader_load (loader, NULL, &error);
  g_assert_no_error (error);
  choropleth = pano_grid_choropleth_new (shumate_map_get_viewport (s->map),
                                         g_ptr_array_index (layers, 0), s->store);
  shumate_map_insert_layer_behind (s->map, SHUMATE_LAYER (choropleth), SHUMATE_LAYER (s->traffic));
  apply (s->store, "{\"type\":\"snapshot\",\"layer\":\"incidents\",\"seq\":1,\"chunks\":1,"
                   "\"entities\":["
                   "{\"id\":\"INC-1\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[110.785,32.625]},"
                   "\"properties\":{\"status\":\"handling\",\"overdue\":true,"
                   "\"grid\":{\"code\":\"420300-420302-001-0001\"}}},"
                   "{\"id\":\"INC-2\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[110.786,32.626]},"
                   "\"properties\":{\"status\":\"reported\",\"overdue\":false,"
                   "\"grid\":{\"code\":\"420300-420302-001-0001\"}}},"
                   "{\"id\":\"INC-3\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[110.81,32.63]},"
                   "\"properties\":{\"status\":\"closed\",\"grid\":{\"code\":\"420300-420302-001-0002\"}}},"
                   "{\"id\":\"INC-4\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[110.83,32.63]},"
                   "\"properties\":{\"status\":\"accepted\",\"overdue\":false,"
                   "\"grid\":{\"code\":\"420300-420302-001-0003\"}}}]}");
  pano_grid_choropleth_get_counts (choropleth, "420300-420302-001-0001", &open, &overdue);
  g_assert_cmpuint (open, ==, 2);
  g_assert_cmpuint (overdue, ==, 1);
  pano_grid_choropleth_get_counts (choropleth, "420300-420302-001-0002", &open, &overdue);
  g_assert_cmpuint (open, ==, 0);   /* a closed incident is not work piling up */

  texture = render (s);
  pixel_at (s, texture, 32.635, 110.795, &alpha);
  g_assert_cmpuint (alpha, >, 0);                       /* shaded */
  pixel_at (s, texture, 32.635, 110.815, &alpha);
  g_assert_cmpuint (alpha, ==, 0);                      /* nothing open: clear */
  pixel_at (s, texture, 32.635, 110.822, &alpha);
  g_assert_cmpuint (alpha, >, 0);                       /* open, not overdue: shaded */
  /* the overdue cell's edges are red, at its left and at its right */
  g_assert_true (outline_near (s, texture, 32.63, 110.78, 3));
  g_assert_true (outline_near (s, texture, 32.63, 110.80, 3));
  g_assert_false (outline_near (s, texture, 32.63, 110.79, 20));   /* inside: fill only */
  g_assert_false (outline_near (s, texture, 32.63, 110.82, 3));    /* not overdue: none */
  pano_test_rm_rf (dir);
  scene_free (s);
}

static void
test_aggregation (void)
{
  Scene *s = scene_new (32.63, 110.79, 10);
  GString *json = g_string_new ("{\"type\":\"snapshot\",\"layer\":\"environment\",\"seq\":1,"
                                "\"chunks\":1,\"entities\":[");
  g_autoptr(GdkTexture) texture = NULL;

  for (guint i = 0; i < 30000; i++)
    g_string_append_printf (json, "%s{\"id\":\"s%u\",\"geometry\":{\"type\":\"Point\","
                            "\"coordinates\":[%.5f,%.5f]},\"properties\":{\"aqi\":%u}}",
                            i ? "," : "", i, 110.78 + (i % 100) * 0.0002,
                            32.62 + (i / 100) * 0.00007, i == 777 ? 250 : 40);
  g_string_append (json, "]}");
  apply (s->store, json->str);
  g_string_free (json, TRUE);

  texture = render (s);
  g_assert_true (pano_live_map_layer_is_aggregated (s->env));
  /* a handful of counted bins for the cluster, one coloured by its worst station (重度污染) */
  g_assert_cmpuint (pano_live_map_layer_get_n_drawn (s->env), <=, 4);
  g_assert_true (colour_near (s, texture, 32.6305, 110.79, 40, 0x99004c));
  g_assert_false (colour_near (s, texture, 32.6305, 110.79, 40, 0x00e400) &&
                  pano_live_map_layer_get_n_drawn (s->env) == 1);
  g_clear_object (&texture);

  /* zoomed in, individuals again */
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (s->map), 18);
  texture = render (s);
  g_assert_false (pano_live_map_layer_is_aggregated (s->env));
  g_assert_cmpuint (pano_live_map_layer_get_n_drawn (s->env), >, 4);
  scene_free (s);
}

/* A cluster cut by the view's top-left corner: its bins left of and above the view have negative
 * numbers, which must still be counted and drawn (and without undefined arithmetic on them). */
static void
test_aggregation_at_the_edge (void)
{
  Scene *s = scene_new (32.63, 110.79, 10);
  GString *json = g_string_new ("{\"type\":\"snapshot\",\"layer\":\"environment\",\"seq\":1,"
                                "\"chunks\":1,\"entities\":[");
  g_autoptr(GdkTexture) texture = NULL;
  double x, y;

  for (guint i = 0; i < 30000; i++)
    g_string_append_printf (json, "%s{\"id\":\"s%u\",\"geometry\":{\"type\":\"Point\","
                            "\"coordinates\":[%.5f,%.5f]},\"properties\":{\"aqi\":250}}",
                            i ? "," : "", i, 110.70 + (i % 100) * 0.002,
                            32.55 + (i / 100) * 0.0005);
  g_string_append (json, "]}");
  apply (s->store, json->str);
  g_string_free (json, TRUE);
  texture = render (s);
  /* move the view so that the cluster's middle is its top-left corner */
  shumate_viewport_widget_coords_to_location (shumate_map_get_viewport (s->map),
                                              GTK_WIDGET (s->map), 0, 0, &y, &x);
  shumate_map_center_on (s->map, 32.625 + (32.63 - y), 110.80 + (110.79 - x));
  g_clear_object (&texture);
  texture = render (s);
  g_assert_true (pano_live_map_layer_is_aggregated (s->env));
  g_assert_cmpuint (pano_live_map_layer_get_n_drawn (s->env), >=, 1);
  /* 重度污染 bins at the corner */
  g_assert_true (colour_near (s, texture, 32.625, 110.80, 60, 0x99004c));
  scene_free (s);
}

/* The centre of the pixels of colour @rgb, in widget pixels; FALSE when there are none. */
static gboolean
find_colour (GdkTexture *texture, guint32 rgb, double *x, double *y)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guint32 *data = g_new (guint32, (gsize)w * h);
  double sx = 0, sy = 0;
  guint n = 0;

  gdk_texture_download (texture, (guchar *)data, w * 4);
  for (int j = 0; j < h; j++)
    for (int i = 0; i < w; i++)
      if (data[j * w + i] == (0xff000000u | rgb))
        sx += i, sy += j, n++;
  if (n == 0)
    return FALSE;
  *x = sx / n, *y = sy / n;
  return TRUE;
}

#define VEHICLE(lon) \
  "{\"id\":\"amb-9\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[" lon ",32.630]}," \
  "\"properties\":{\"kind\":\"ambulance\",\"status\":\"available\"}}"

/* A vehicle glides from where it was drawn to where it was reported: it is hit where the
 * operator sees it, not at the report it has not reached yet. */
static void
test_vehicle_hit_where_drawn (void)
{
  Scene *s = scene_new (32.63, 110.79, 16);
  g_autoptr(GdkTexture) texture = NULL;
  PanoLiveLayer *layer;
  double x = 0, y = 0, bx, by;
  int slot;

  apply (s->store, "{\"type\":\"snapshot\",\"layer\":\"resources\",\"seq\":1,\"chunks\":1,"
                   "\"entities\":[" VEHICLE ("110.784") "]}");
  texture = render (s);
  g_clear_object (&texture);

  /* reported 560 px east; the next frame draws it still where it was, starting to move */
  apply (s->store, "{\"type\":\"delta\",\"layer\":\"resources\",\"from_seq\":2,\"seq\":2,"
                   "\"changes\":[{\"op\":\"upsert\",\"entity\":" VEHICLE ("110.796") "}]}");
  texture = render (s);
  layer = pano_live_store_get_layer (s->store, "resources");
  slot = pano_live_layer_lookup (layer, "amb-9");
  g_assert_true (find_colour (texture, 0x2e7d32, &x, &y));   /* 待命 green */
  shumate_viewport_location_to_widget_coords (shumate_map_get_viewport (s->map),
                                              GTK_WIDGET (s->map), 32.630, 110.796, &bx, &by);
  g_test_message ("drawn at %.0f,%.0f; reported at %.0f,%.0f", x, y, bx, by);
  g_assert_cmpfloat (bx - x, >, 100);
  g_assert_cmpint (pano_live_map_layer_hit_test (s->resources, x, y), ==, slot);
  g_assert_cmpint (pano_live_map_layer_hit_test (s->resources, bx, by), ==, -1);
  scene_free (s);
}

#define ROAD(id, lon0, lon1, lat, congestion) \
  "{\"id\":\"" id "\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[" lon0 "," \
  lat "],[" lon1 "," lat "]]},\"properties\":{\"congestion\":" congestion "}}"

/* A batch from the hub draws again only the line tiles whose roads look different: a speed
 * that keeps the congestion class draws nothing, a jam draws the tiles of that road alone,
 * and the map shows the new colour there and the old one elsewhere. */
static void
test_traffic_redraws_what_changed (void)
{
  Scene *s = scene_new (32.63, 110.79, 15);
  g_autoptr(GdkTexture) texture = NULL;
  guint drawn;

  apply (s->store, "{\"type\":\"snapshot\",\"layer\":\"traffic\",\"seq\":1,\"chunks\":1,"
                   "\"entities\":[" ROAD ("west", "110.775", "110.777", "32.628", "1") ","
                   ROAD ("east", "110.803", "110.805", "32.632", "1") "]}");
  texture = render (s);
  g_assert_cmphex (pixel_at (s, texture, 32.628, 110.776, NULL), ==, 0x00b050);   /* 畅通 */
  g_assert_cmphex (pixel_at (s, texture, 32.632, 110.804, NULL), ==, 0x00b050);
  g_clear_object (&texture);
  drawn = pano_live_map_layer_get_n_line_tiles_drawn (s->traffic);
  g_assert_cmpuint (drawn, >=, 2);   /* the roads are 650 px apart: two tiles at least */

  /* faster, but still 畅通: every road looks the same, no tile is drawn */
  apply (s->store, "{\"type\":\"delta\",\"layer\":\"traffic\",\"from_seq\":2,\"seq\":2,"
                   "\"changes\":[{\"op\":\"upsert\",\"entity\":"
                   ROAD ("east", "110.803", "110.805", "32.632", "1") "}]}");
  texture = render (s);
  g_assert_cmpuint (pano_live_map_layer_get_n_line_tiles_drawn (s->traffic), ==, drawn);
  g_assert_cmphex (pixel_at (s, texture, 32.632, 110.804, NULL), ==, 0x00b050);
  g_clear_object (&texture);

  /* the east road jams: its tiles only (a short road touches four at most) */
  apply (s->store, "{\"type\":\"delta\",\"layer\":\"traffic\",\"from_seq\":3,\"seq\":3,"
                   "\"changes\":[{\"op\":\"upsert\",\"entity\":"
                   ROAD ("east", "110.803", "110.805", "32.632", "4") "}]}");
  texture = render (s);
  g_assert_cmpuint (pano_live_map_layer_get_n_line_tiles_drawn (s->traffic), >, drawn);
  g_assert_cmpuint (pano_live_map_layer_get_n_line_tiles_drawn (s->traffic), <=, drawn + 4);
  g_assert_cmphex (pixel_at (s, texture, 32.632, 110.804, NULL), ==, 0x8b0000);   /* 严重拥堵 */
  g_assert_cmphex (pixel_at (s, texture, 32.628, 110.776, NULL), ==, 0x00b050);
  scene_free (s);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/live-map-layer/environment-colours", test_environment_colours);
  g_test_add_func ("/live-map-layer/traffic-colours", test_traffic_colours);
  g_test_add_func ("/live-map-layer/traffic-redraws-what-changed",
                   test_traffic_redraws_what_changed);
  g_test_add_func ("/live-map-layer/resource-status", test_resource_status);
  g_test_add_func ("/live-map-layer/grid-choropleth", test_grid_choropleth);
  g_test_add_func ("/live-map-layer/aggregation", test_aggregation);
  g_test_add_func ("/live-map-layer/aggregation-at-the-edge", test_aggregation_at_the_edge);
  g_test_add_func ("/live-map-layer/vehicle-hit-where-drawn", test_vehicle_hit_where_drawn);
  g_test_add_func ("/live-map-layer/symbol-scale", test_symbol_scale);
  return g_test_run ();
}
