// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-recommend"

#include "pano-hub-recommend.h"
#include <math.h>

#include "pano-json.h"

/* Which units to send: every unit of the `resources` layer gets a road ETA from one search
 * from the incident over the reversed road graph, then the list is ranked by what a
 * dispatcher asks first — can it handle this category, is it free, how soon is it there —
 * with the units no road leads from (or that are off the network) at the end. */

typedef struct
{
  char *id;
  char *kind;
  char *station;
  char *status;
  double lonlat[2];
  const char *busy;      /* owned by the busy table */
  gboolean capable;
  gboolean snapped;
  PanoRoadSnap snap;
  PanoRoadEta eta;
  guint source;          /* index among the snapped, for the search's paths */
} Candidate;

typedef struct
{
  GArray *candidates;
  const PanoHubCapability *capability;
} Collect;

static void
candidate_clear (Candidate *c)
{
  g_free (c->id);
  g_free (c->kind);
  g_free (c->station);
  g_free (c->status);
}

static char *
member_string (PanoJsonSpan  object,
               const char   *name)
{
  PanoJsonSpan value;

  if (!pano_json_member (object, name, &value) || !pano_json_is_string (value))
    return NULL;
  return pano_json_dup_string (value);
}

static gboolean
is_capable (const PanoHubCapability *capability,
            const char              *kind)
{
  return capability != NULL && g_strv_contains ((const char * const *) capability->unit_kinds,
                                                kind);
}

/* A unit is a `resources` entity with a position and a kind; warehouses and shelters are
 * sites, not units. */
static void
collect_unit (const char   *id,
              const char   *entity_json,
              const double *bbox,
              gpointer      user_data)
{
  Collect *collect = user_data;
  PanoJsonSpan entity, properties;
  Candidate c = { 0 };

  if (bbox == NULL || !pano_json_check (entity_json, strlen (entity_json), &entity, NULL) ||
      !pano_json_member (entity, "properties", &properties))
    return;
  c.kind = member_string (properties, "kind");
  if (c.kind == NULL || g_str_equal (c.kind, "warehouse") || g_str_equal (c.kind, "shelter"))
    {
      g_free (c.kind);
      return;
    }
  c.id = g_strdup (id);
  c.station = member_string (properties, "station");
  c.status = member_string (properties, "status");
  c.lonlat[0] = (bbox[0] + bbox[2]) / 2;
  c.lonlat[1] = (bbox[1] + bbox[3]) / 2;
  c.capable = is_capable (collect->capability, c.kind);
  g_array_append_val (collect->candidates, c);
}

/* Units held by an open incident other than @self_id: unit id → incident id (the first by
 * id). Closed, cancelled and returned incidents hold no unit. */
static GHashTable *
busy_units (PanoHubIncidents *incidents,
            const char       *self_id)
{
  GHashTable *busy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GList *ids = pano_hub_incidents_list_ids (incidents);

  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *incident = pano_hub_incidents_lookup (incidents, l->data);
      const char *name = json_object_get_string_member_with_default (incident, "status", "");
      JsonArray *units;
      PanoIncidentStatus status;

      if (g_str_equal (l->data, self_id) || !pano_incident_status_from_name (name, &status) ||
          pano_incident_status_is_final (status) || status == PANO_INCIDENT_RETURNED ||
          !json_object_has_member (incident, "units"))
        continue;
      units = json_object_get_array_member (incident, "units");
      for (guint i = 0; units != NULL && i < json_array_get_length (units); i++)
        {
          const char *unit = json_object_get_string_member_with_default (
            json_array_get_object_element (units, i), "id", NULL);

          if (unit != NULL && !g_hash_table_contains (busy, unit))
            g_hash_table_insert (busy, g_strdup (unit), g_strdup (l->data));
        }
    }
  g_list_free (ids);
  return busy;
}

static gint
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *x = a, *y = b;

  if (x->eta.reachable != y->eta.reachable)
    return x->eta.reachable ? -1 : 1;
  if (x->capable != y->capable)
    return x->capable ? -1 : 1;
  if ((x->busy == NULL) != (y->busy == NULL))
    return x->busy == NULL ? -1 : 1;
  if (x->eta.reachable && x->eta.eta_s != y->eta.eta_s)
    return x->eta.eta_s < y->eta.eta_s ? -1 : 1;
  return strcmp (x->id, y->id);
}

/* Snaps every unit, then one search from the incident ranks them all. */
static void
search (PanoHubRouter *router,
        const double  *location,
        GArray        *candidates)
{
  PanoRoadGraph *graph = pano_hub_router_get_graph (router);
  g_autoptr(GArray) sources = g_array_new (FALSE, FALSE, sizeof (PanoRoadSnap));
  g_autofree PanoRoadEta *etas = NULL;
  PanoRoadSnap target;

  if (!pano_road_graph_snap (graph, location[0], location[1], PANO_HUB_ROUTER_MAX_SNAP_M,
                             &target))
    return;
  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *c = &g_array_index (candidates, Candidate, i);

      c->snapped = pano_road_graph_snap (graph, c->lonlat[0], c->lonlat[1],
                                         PANO_HUB_ROUTER_MAX_SNAP_M, &c->snap);
      if (!c->snapped)
        continue;
      c->source = sources->len;
      g_array_append_val (sources, c->snap);
    }
  etas = g_new (PanoRoadEta, MAX (sources->len, 1));
  pano_road_search_rank (pano_hub_router_get_search (router), &target,
                         (const PanoRoadSnap *) sources->data, sources->len,
                         g_get_real_time (), etas);
  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *c = &g_array_index (candidates, Candidate, i);

      if (c->snapped)
        c->eta = etas[c->source];
    }
}

/* A coordinate with six decimals (0.1 m) written digit by digit: a route of 200 units has
 * tens of thousands of them, and printf would be most of the answer's cost. */
static void
append_coordinate (GString *body,
                   double   value)
{
  gint64 micro = (gint64) llround (fabs (value) * 1e6);
  gint64 whole = micro / 1000000, fraction = micro % 1000000;
  char digits[32];
  int n = 0;

  for (int i = 0; i < 6; i++, fraction /= 10)
    digits[n++] = '0' + fraction % 10;
  digits[n++] = '.';
  do
    digits[n++] = '0' + whole % 10;
  while ((whole /= 10) > 0);
  if (value < 0 && micro != 0)
    digits[n++] = '-';
  while (n > 0)
    g_string_append_c (body, digits[--n]);
}

static void
append_route (GString       *body,
              PanoHubRouter *router,
              Candidate     *c,
              const double  *location)
{
  g_auto(PanoRoadPath) path = { 0 };
  const double *p;

  pano_road_search_path (pano_hub_router_get_search (router), c->source, &path);
  g_array_prepend_vals (path.points, c->lonlat, 2);
  g_array_append_vals (path.points, location, 2);
  g_string_append_printf (body, ",\"distance_m\":%.1f,\"route\":{\"type\":\"LineString\","
                          "\"coordinates\":[", path.distance_m);
  p = (const double *) path.points->data;
  for (guint i = 0; i < path.points->len / 2; i++)
    {
      g_string_append (body, i ? ",[" : "[");
      append_coordinate (body, p[2 * i]);
      g_string_append_c (body, ',');
      append_coordinate (body, p[2 * i + 1]);
      g_string_append_c (body, ']');
    }
  g_string_append (body, "]}");
}

static void
append_nullable (GString    *body,
                 const char *text)
{
  if (text != NULL)
    pano_protocol_append_quoted (body, text);
  else
    g_string_append (body, "null");
}

static void
append_unit (GString       *body,
             PanoHubRouter *router,
             Candidate     *c,
             const double  *location)
{
  g_string_append (body, "{\"id\":");
  pano_protocol_append_quoted (body, c->id);
  g_string_append (body, ",\"kind\":");
  pano_protocol_append_quoted (body, c->kind);
  g_string_append (body, ",\"station\":");
  append_nullable (body, c->station);
  g_string_append (body, ",\"status\":");
  append_nullable (body, c->status);
  g_string_append_printf (body, ",\"capable\":%s,\"available\":%s,\"busy_incident\":",
                          c->capable ? "true" : "false", c->busy ? "false" : "true");
  append_nullable (body, c->busy);
  if (!c->eta.reachable)
    {
      g_string_append (body, ",\"reachable\":false,\"eta_s\":null,\"distance_m\":null,"
                       "\"route\":null}");
      return;
    }
  g_string_append_printf (body, ",\"reachable\":true,\"eta_s\":%.1f", c->eta.eta_s);
  append_route (body, router, c, location);
  g_string_append_c (body, '}');
}

static char *
error_body (const char *code,
            const char *message)
{
  g_autoptr(GString) body = g_string_new ("{\"error\":");

  pano_protocol_append_quoted (body, code);
  g_string_append (body, ",\"message\":");
  pano_protocol_append_quoted (body, message);
  g_string_append_c (body, '}');
  return g_string_free (g_steal_pointer (&body), FALSE);
}

static void
append_head (GString                 *body,
             const char              *id,
             const char              *category,
             const PanoHubCapability *capability,
             gboolean                 live)
{
  g_string_append (body, "{\"incident\":");
  pano_protocol_append_quoted (body, id);
  g_string_append (body, ",\"category\":");
  pano_protocol_append_quoted (body, category);
  g_string_append (body, ",\"unit_kinds\":[");
  for (guint k = 0; capability != NULL && capability->unit_kinds[k] != NULL; k++)
    {
      if (k > 0)
        g_string_append_c (body, ',');
      pano_protocol_append_quoted (body, capability->unit_kinds[k]);
    }
  g_string_append_printf (body, "],\"speeds\":\"%s\",\"units\":[", live ? "live" : "limits");
}

static gboolean
location_of (JsonObject *incident,
             double     *at)
{
  JsonArray *location = json_object_has_member (incident, "location") ?
                        json_object_get_array_member (incident, "location") : NULL;

  if (location == NULL || json_array_get_length (location) != 2)
    return FALSE;
  at[0] = json_array_get_double_element (location, 0);
  at[1] = json_array_get_double_element (location, 1);
  return TRUE;
}

/**
 * pano_hub_recommend:
 * @router: (nullable): the road graph, or %NULL when the hub has none (every unit is then
 *   unreachable)
 * @status: (out): the HTTP status of the answer
 *
 * Returns: (transfer full): the JSON answer, or an error body
 */
char *
pano_hub_recommend (PanoHubRouter         *router,
                    PanoHubIncidents      *incidents,
                    PanoHubStore          *store,
                    const PanoHubSettings *settings,
                    const char            *incident_id,
                    guint                  limit,
                    guint                 *status)
{
  JsonObject *incident = pano_hub_incidents_lookup (incidents, incident_id);
  g_autoptr(GArray) candidates = g_array_new (FALSE, TRUE, sizeof (Candidate));
  g_autoptr(GHashTable) busy = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  const char *category;
  double at[2] = { 0, 0 };
  Collect collect;

  if (incident == NULL)
    {
      g_autofree char *message = g_strdup_printf ("Incident '%s' does not exist", incident_id);

      *status = 404;
      return error_body ("unknown_incident", message);
    }
  g_array_set_clear_func (candidates, (GDestroyNotify) candidate_clear);
  category = json_object_get_string_member_with_default (incident, "category", "");
  collect = (Collect) { candidates, pano_hub_settings_find_capability (settings, category) };
  pano_hub_store_foreach (store, PANO_LAYER_RESOURCES, collect_unit, &collect);
  if (location_of (incident, at) && router != NULL)
    search (router, at, candidates);
  busy = busy_units (incidents, incident_id);
  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *c = &g_array_index (candidates, Candidate, i);

      c->busy = g_hash_table_lookup (busy, c->id);
    }
  g_array_sort (candidates, compare_candidates);
  append_head (body, incident_id, category, collect.capability,
               router && pano_road_graph_has_live_speeds (pano_hub_router_get_graph (router),
                                                          g_get_real_time ()));
  for (guint i = 0; i < MIN (limit, candidates->len); i++)
    {
      if (i > 0)
        g_string_append_c (body, ',');
      append_unit (body, router, &g_array_index (candidates, Candidate, i), at);
    }
  g_string_append (body, "]}");
  *status = 200;
  return g_string_free (g_steal_pointer (&body), FALSE);
}
