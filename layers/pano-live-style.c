// SPDX-License-Identifier: GPL-3.0-or-later
/* The colours of the live layers. Environment uses the AQI colours of HJ 633-2012; traffic
 * the four congestion colours of Chinese traffic maps (畅通 green, 缓行 yellow, 拥堵 orange,
 * 严重拥堵 dark red); resources and incidents a status scale from ready to critical. */
#define G_LOG_DOMAIN "panorama-layers"

#include "pano-live-style.h"

#include <glib/gi18n.h>

#define RGB(r, g, b) { (r) / 255.0, (g) / 255.0, (b) / 255.0, 1 }
#define GREY RGB (150, 150, 150)

static const PanoLiveStyle styles[] = {
  {
    "environment", PANO_LIVE_SYMBOL_DOT,
    { GREY, RGB (0, 228, 0), RGB (255, 255, 0), RGB (255, 126, 0), RGB (255, 0, 0),
      RGB (153, 0, 76), RGB (126, 0, 35), GREY },
    { "无数据", "优", "良", "轻度污染", "中度污染", "重度污染", "严重污染", NULL },
    3, 10, TRUE,
  },
  {
    "traffic", PANO_LIVE_SYMBOL_LINE,
    { GREY, RGB (0, 176, 80), RGB (255, 192, 0), RGB (255, 102, 0), RGB (139, 0, 0), GREY,
      GREY, GREY },
    { "无数据", "畅通", "缓行", "拥堵", "严重拥堵", NULL },
    0, 4, FALSE,
  },
  {
    "resources", PANO_LIVE_SYMBOL_RESOURCE,
    { GREY, RGB (46, 125, 50), RGB (21, 101, 192), RGB (249, 168, 37), RGB (198, 40, 40),
      RGB (117, 117, 117), GREY, GREY },
    { "未知", "待命", "已派遣/返回", "在途", "到场", "停用", NULL },
    0, 12, FALSE,
  },
  {
    "events", PANO_LIVE_SYMBOL_EVENT,
    { GREY, RGB (120, 144, 156), RGB (255, 179, 0), RGB (251, 140, 0), RGB (30, 136, 229),
      RGB (94, 53, 177), RGB (0, 137, 123), RGB (213, 0, 0) },
    { "未知", "已结案", "上报", "受理", "派遣", "处置", "核查", "超时" },
    7, 14, FALSE,
  },
  {
    /* The stage clock's colours, as in the incident queue (PanoIncidentClass). */
    "incidents", PANO_LIVE_SYMBOL_EVENT,
    { GREY, RGB (120, 144, 156), RGB (46, 125, 50), RGB (249, 168, 37), RGB (213, 0, 0), GREY,
      GREY, GREY },
    { "未知", "已结案", "正常", "即将超时", "超时", NULL },
    4, 16, FALSE,
  },
  {
    "alerts", PANO_LIVE_SYMBOL_DOT,
    { GREY, RGB (255, 193, 7), RGB (255, 152, 0), RGB (244, 67, 54), RGB (183, 28, 28),
      RGB (183, 28, 28), RGB (183, 28, 28), RGB (183, 28, 28) },
    { "未知", "已解除", "提示", "预警", "严重", NULL },
    3, 14, FALSE,
  },
};

static const PanoLiveStyle fallback = {
  NULL, PANO_LIVE_SYMBOL_DOT,
  { GREY, GREY, GREY, GREY, GREY, GREY, GREY, GREY }, { NULL }, 0, 8, FALSE,
};

const PanoLiveStyle *
pano_live_style_for_layer (const char *layer)
{
  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    if (g_strcmp0 (styles[i].layer, layer) == 0)
      return &styles[i];
  return &fallback;
}

/* Returns: the live layers the console draws, bottom first: the window's order and a printed
 * map's */
const char * const *
pano_live_style_get_layer_names (void)
{
  static const char * const names[] = {
    "traffic", "environment", "events", "resources", "incidents", "alerts", NULL
  };

  return names;
}

/* Returns: the layer's name for people, as the layer list and a legend say it */
const char *
pano_live_style_get_title (const char *layer)
{
  if (g_str_equal (layer, "traffic"))
    return _("Traffic");
  if (g_str_equal (layer, "environment"))
    return _("Environment");
  if (g_str_equal (layer, "events"))
    return _("Grid events");
  if (g_str_equal (layer, "resources"))
    return _("Emergency resources");
  if (g_str_equal (layer, "incidents"))
    return _("Incidents");
  return _("Alerts");
}
