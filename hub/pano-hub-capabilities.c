// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "panorama-hub-config"

#include "pano-hub-capabilities.h"

/* Which unit kinds can handle which incident category. The keys of [capabilities] are also the
 * categories a `create` command may use; without the section the plans' nine apply. */

static const char * const unit_kinds[] = {
  "fire_engine", "rescue_team", "ambulance", "police", "enforcement",
};

static const struct
{
  const char *category;
  const char *kinds;
} defaults[] = {
  { "市政设施", "enforcement" },
  { "环境卫生", "enforcement" },
  { "市容秩序", "enforcement,police" },
  { "公共安全", "police,fire_engine" },
  { "事故灾难", "fire_engine,rescue_team,ambulance,police" },
  { "自然灾害", "rescue_team,fire_engine" },
  { "公共卫生", "ambulance" },
  { "社会安全", "police" },
  { "突发事件", "fire_engine,rescue_team,ambulance,police" },
};

static void
capability_free (gpointer data)
{
  PanoHubCapability *capability = data;

  g_free (capability->category);
  g_strfreev (capability->unit_kinds);
  g_free (capability);
}

static gboolean
known_kind (const char *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (unit_kinds); i++)
    if (g_str_equal (kind, unit_kinds[i]))
      return TRUE;
  return FALSE;
}

/* Returns: (transfer full) (nullable): the kinds of "a, b,c", or %NULL if one is unknown. */
static GStrv
parse_kinds (const char  *category,
             const char  *text,
             GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *kind = g_strstrip (parts[i]);

      if (*kind == '\0')
        continue;
      if (!known_kind (kind))
        {
          g_set_error (error, PANO_HUB_CONFIG_ERROR, PANO_HUB_CONFIG_ERROR_INVALID,
                       "[capabilities] %s: '%s' is not a unit kind (fire_engine, rescue_team, "
                       "ambulance, police, enforcement)", category, kind);
          return NULL;
        }
      g_strv_builder_add (builder, kind);
      n++;
    }
  if (n == 0)
    {
      g_set_error (error, PANO_HUB_CONFIG_ERROR, PANO_HUB_CONFIG_ERROR_INVALID,
                   "[capabilities] %s needs at least one unit kind", category);
      return NULL;
    }
  return g_strv_builder_end (builder);
}

static PanoHubCapability *
capability_new (const char *category,
                GStrv       kinds)
{
  PanoHubCapability *capability = g_new0 (PanoHubCapability, 1);

  capability->category = g_strdup (category);
  capability->unit_kinds = kinds;
  return capability;
}

GPtrArray *
pano_hub_capabilities_new_default (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (capability_free);

  for (guint i = 0; i < G_N_ELEMENTS (defaults); i++)
    g_ptr_array_add (list, capability_new (defaults[i].category,
                                           parse_kinds (defaults[i].category, defaults[i].kinds,
                                                        NULL)));
  return list;
}

/* Returns: (transfer full) (nullable): the rows of [capabilities] in file order, the defaults
 * when the section is absent, or %NULL with @error naming the bad key. */
GPtrArray *
pano_hub_capabilities_read (GKeyFile  *file,
                            GError   **error)
{
  g_auto(GStrv) keys = NULL;
  g_autoptr(GPtrArray) list = NULL;

  if (!g_key_file_has_group (file, "capabilities"))
    return pano_hub_capabilities_new_default ();
  keys = g_key_file_get_keys (file, "capabilities", NULL, NULL);
  list = g_ptr_array_new_with_free_func (capability_free);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autofree char *value = g_key_file_get_string (file, "capabilities", keys[i], NULL);
      GStrv kinds = parse_kinds (keys[i], value ? value : "", error);

      if (kinds == NULL)
        return NULL;
      g_ptr_array_add (list, capability_new (keys[i], kinds));
    }
  if (list->len == 0)
    {
      g_set_error_literal (error, PANO_HUB_CONFIG_ERROR, PANO_HUB_CONFIG_ERROR_INVALID,
                           "[capabilities] is empty: list at least one CATEGORY = kind,kind "
                           "(or remove the section for the defaults)");
      return NULL;
    }
  return g_steal_pointer (&list);
}
