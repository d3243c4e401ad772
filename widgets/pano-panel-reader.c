// SPDX-License-Identifier: GPL-3.0-or-later
/* What a panel of figures reads from the hub (`GET <endpoint>?scope=<prefix>`) and when: once
 * its widget is on screen, again every refresh period while it stays there, at once when the
 * scope changes on screen, and when it comes back if the scope changed meanwhile or what it
 * shows is older than a period. A newer read drops the one still on its way. The answer or the
 * error goes back to the panel, which says it in its own words; `loading` is there for its
 * spinner. */
#define G_LOG_DOMAIN "panorama-panels"

#include "pano-panel-reader.h"

#define DEFAULT_REFRESH_S 30

struct _PanoPanelReader
{
  GObject parent_instance;

  GtkWidget *widget;        /* not owned: it owns the reader; NULL once it is gone */
  PanoPanelReaderFunc func;
  PanoHubClient *client;
  char *endpoint;
  char *scope;
  GCancellable *cancellable;
  guint timer_id;
  guint refresh_s;
  gint64 loaded_at_us;      /* monotonic, of the last answer or error; 0: never */
  gboolean stale_scope;     /* the scope changed while the widget was not on screen */
  guint n_loads;
};

enum
{
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PanoPanelReader, pano_panel_reader, G_TYPE_OBJECT)

static void
drop_read (PanoPanelReader *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

static void
on_answer (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PanoPanelReader) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = pano_hub_client_get_finish (PANO_HUB_CLIENT (source), result,
                                                             &error);

  /* Dropped for a newer read, or the widget is gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->widget == NULL)
    return;
  g_clear_object (&self->cancellable);
  self->loaded_at_us = g_get_monotonic_time ();
  self->n_loads++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  self->func (self->widget, answer, error);
}

/**
 * pano_panel_reader_read:
 *
 * Reads the scope now (a read still on its way is dropped).
 */
void
pano_panel_reader_read (PanoPanelReader *self)
{
  g_autofree char *escaped = g_uri_escape_string (self->scope, NULL, TRUE);
  g_autofree char *path = g_strdup_printf ("%s?scope=%s", self->endpoint, escaped);
  gboolean was_loading = self->cancellable != NULL;

  drop_read (self);
  self->stale_scope = FALSE;
  if (self->client == NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                                                     "Not connected to a hub");

      if (was_loading)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
      if (self->widget != NULL)
        self->func (self->widget, NULL, error);
      return;
    }
  self->cancellable = g_cancellable_new ();
  if (!was_loading)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  pano_hub_client_get_async (self->client, path, self->cancellable, on_answer,
                             g_object_ref (self));
}

static gboolean
on_timer (gpointer user_data)
{
  PanoPanelReader *self = user_data;

  if (self->cancellable == NULL)
    pano_panel_reader_read (self);
  return G_SOURCE_CONTINUE;
}

static void
start_timer (PanoPanelReader *self)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->widget != NULL && gtk_widget_get_mapped (self->widget))
    self->timer_id = g_timeout_add_seconds (self->refresh_s, on_timer, self);
}

/* On screen again: read now if what is shown is for another scope or older than a period. */
static void
on_map (PanoPanelReader *self)
{
  if (self->stale_scope || self->loaded_at_us == 0 ||
      g_get_monotonic_time () - self->loaded_at_us >= (gint64) self->refresh_s * G_USEC_PER_SEC)
    pano_panel_reader_read (self);
  start_timer (self);
}

static void
on_unmap (PanoPanelReader *self)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
}

/* The widget is disposed: nothing is read for it any more. */
static void
on_widget_gone (gpointer  data,
                GObject  *where_the_widget_was)
{
  PanoPanelReader *self = data;

  self->widget = NULL;
  drop_read (self);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_object (&self->client);
}

static void
pano_panel_reader_dispose (GObject *object)
{
  PanoPanelReader *self = PANO_PANEL_READER (object);

  if (self->widget != NULL)
    g_object_weak_unref (G_OBJECT (self->widget), on_widget_gone, self);
  self->widget = NULL;
  drop_read (self);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (pano_panel_reader_parent_class)->dispose (object);
}

static void
pano_panel_reader_finalize (GObject *object)
{
  PanoPanelReader *self = PANO_PANEL_READER (object);

  g_free (self->endpoint);
  g_free (self->scope);
  G_OBJECT_CLASS (pano_panel_reader_parent_class)->finalize (object);
}

static void
pano_panel_reader_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PanoPanelReader *self = PANO_PANEL_READER (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, pano_panel_reader_is_loading (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pano_panel_reader_class_init (PanoPanelReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pano_panel_reader_dispose;
  object_class->finalize = pano_panel_reader_finalize;
  object_class->get_property = pano_panel_reader_get_property;

  /* A read is on its way. */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pano_panel_reader_init (PanoPanelReader *self)
{
  self->scope = g_strdup ("");
  self->refresh_s = DEFAULT_REFRESH_S;
}

/**
 * pano_panel_reader_new:
 * @widget: the panel; it owns the reader and gets @func's calls
 * @endpoint: the path to read, "/v1/kpis"
 * @func: what to do with each answer or error
 *
 * Returns: (transfer full): a reader of the whole city, with no hub until
 *   pano_panel_reader_set_client(); it reads once @widget is on screen
 */
PanoPanelReader *
pano_panel_reader_new (GtkWidget           *widget,
                       const char          *endpoint,
                       PanoPanelReaderFunc  func)
{
  PanoPanelReader *self;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  g_return_val_if_fail (endpoint != NULL && func != NULL, NULL);
  self = g_object_new (PANO_TYPE_PANEL_READER, NULL);
  self->widget = widget;
  self->func = func;
  self->endpoint = g_strdup (endpoint);
  g_object_weak_ref (G_OBJECT (widget), on_widget_gone, self);
  g_signal_connect_object (widget, "map", G_CALLBACK (on_map), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (widget, "unmap", G_CALLBACK (on_unmap), self, G_CONNECT_SWAPPED);
  return self;
}

/**
 * pano_panel_reader_set_client:
 * @client: (nullable): the hub to read from; %NULL: there is none to read
 *
 * Takes effect with the next read.
 */
void
pano_panel_reader_set_client (PanoPanelReader *self,
                              PanoHubClient   *client)
{
  g_return_if_fail (PANO_IS_PANEL_READER (self));
  g_set_object (&self->client, client);
}

/**
 * pano_panel_reader_set_scope:
 * @prefix: a grid-code prefix, "" for the whole city
 *
 * Reads the area now if the widget is on screen, else when it comes back.
 */
void
pano_panel_reader_set_scope (PanoPanelReader *self,
                             const char      *prefix)
{
  gboolean changed;

  g_return_if_fail (PANO_IS_PANEL_READER (self));
  changed = g_strcmp0 (self->scope, prefix ? prefix : "") != 0;
  g_free (self->scope);
  self->scope = g_strdup (prefix ? prefix : "");
  if (!changed && self->loaded_at_us != 0)
    return;
  if (self->widget != NULL && gtk_widget_get_mapped (self->widget))
    {
      pano_panel_reader_read (self);
      start_timer (self);
    }
  else
    self->stale_scope = TRUE;
}

const char *
pano_panel_reader_get_scope (PanoPanelReader *self)
{
  return self->scope;
}

/* How often to read again while on screen; 30 s unless a test wants it sooner. */
void
pano_panel_reader_set_refresh_seconds (PanoPanelReader *self,
                                       guint            seconds)
{
  self->refresh_s = MAX (seconds, 1);
  start_timer (self);
}

/* Returns: (transfer none) (nullable): the hub read from */
PanoHubClient *
pano_panel_reader_get_client (PanoPanelReader *self)
{
  return self->client;
}

gboolean
pano_panel_reader_is_loading (PanoPanelReader *self)
{
  return self->cancellable != NULL;
}

/* Returns: how many reads have ended (with an answer or an error) */
guint
pano_panel_reader_get_n_loads (PanoPanelReader *self)
{
  return self->n_loads;
}
