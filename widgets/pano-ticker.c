// SPDX-License-Identifier: GPL-3.0-or-later
/* The alert ticker along the bottom edge of the map: new alerts and incidents that just ran
 * past their deadline, as they happen. The newest is shown at once; with several, the strip
 * turns through them (newest first) every few seconds. Each shows its local time, a level
 * mark in the level's colour with the level in words, and what happened; a click opens it
 * ("activate" signal with the kind and id). At most PANO_TICKER_MAX_ITEMS are kept: older
 * ones fall off. The window feeds it (pano-window-overview.c); it knows no model. */
#define G_LOG_DOMAIN "panorama-ticker"

#include "pano-ticker.h"
#include "pano-format.h"
#include "pano-panel-style.h"

#include <glib/gi18n-lib.h>

#define DEFAULT_ROTATE_S 6

typedef struct
{
  PanoTickerKind kind;
  char *id;
  char *level;
  char *text;      /* as shown: "14:05 · 严重 · 1 号站 AQI 230" */
  gint64 at_ms;
} Item;

/* News an hour old is not news: a wall running day and night drops it. */
#define KEEP_MS (3600 * 1000)

struct _PanoTicker
{
  GtkBox parent_instance;

  GtkWidget *button;
  GtkLabel *mark;
  GtkLabel *label;
  GtkLabel *count;
  GQueue items;        /* Item, newest first */
  guint shown;
  guint rotate_s;
  guint timer_id;
};

G_DEFINE_FINAL_TYPE (PanoTicker, pano_ticker, GTK_TYPE_BOX)

enum
{
  ACTIVATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const levels[] = { "critical", "severe", "warning", "notice", "overdue" };

static void
item_free (Item *item)
{
  g_free (item->id);
  g_free (item->level);
  g_free (item->text);
  g_free (item);
}

static void
show_item (PanoTicker *self)
{
  Item *item = g_queue_peek_nth (&self->items, self->shown);
  g_autofree char *count = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      g_autofree char *css = g_strconcat ("pano-ticker-", levels[i], NULL);

      if (item != NULL && g_strcmp0 (item->level, levels[i]) == 0)
        gtk_widget_add_css_class (GTK_WIDGET (self->mark), css);
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->mark), css);
    }
  gtk_widget_set_visible (GTK_WIDGET (self), item != NULL);
  if (item == NULL)
    return;
  gtk_label_set_label (self->label, item->text);
  gtk_widget_set_tooltip_text (self->button, item->kind == PANO_TICKER_ALERT
                                             ? _("Show this alert")
                                             : _("Open this incident"));
  count = g_strdup_printf ("%u/%u", self->shown + 1, self->items.length);
  gtk_label_set_label (self->count, count);
  gtk_widget_set_visible (GTK_WIDGET (self->count), self->items.length > 1);
}

static gboolean
on_rotate (gpointer user_data)
{
  PanoTicker *self = user_data;
  gint64 now = g_get_real_time () / 1000;

  for (GList *l = self->items.head, *next; l != NULL; l = next)
    {
      next = l->next;
      if (((Item *) l->data)->at_ms < now - KEEP_MS)
        {
          item_free (l->data);
          g_queue_delete_link (&self->items, l);
        }
    }
  if (self->shown >= self->items.length)
    self->shown = 0;
  if (self->items.length <= 1)
    show_item (self);
  else
    {
      self->shown = (self->shown + 1) % self->items.length;
      show_item (self);
    }
  return G_SOURCE_CONTINUE;
}

static void
restart_timer (PanoTicker *self)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->timer_id = g_timeout_add_seconds (self->rotate_s, on_rotate, self);
}

static void
on_clicked (GtkButton  *button,
            PanoTicker *self)
{
  pano_ticker_activate_shown (self);
}

static void
pano_ticker_dispose (GObject *object)
{
  PanoTicker *self = PANO_TICKER (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_queue_clear_full (&self->items, (GDestroyNotify) item_free);
  G_OBJECT_CLASS (pano_ticker_parent_class)->dispose (object);
}

static void
pano_ticker_class_init (PanoTickerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pano_ticker_dispose;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "ticker");

  /**
   * PanoTicker::activate:
   * @kind: a PanoTickerKind
   * @id: the alert's or incident's id
   */
  signals[ACTIVATE] = g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT,
                                    G_TYPE_STRING);
}

static void
pano_ticker_init (PanoTicker *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  pano_panel_style_ensure ();
  g_queue_init (&self->items);
  self->rotate_s = DEFAULT_ROTATE_S;
  gtk_widget_add_css_class (GTK_WIDGET (self), "pano-ticker");
  self->button = gtk_button_new ();
  gtk_widget_add_css_class (self->button, "flat");
  gtk_widget_set_hexpand (self->button, TRUE);
  self->mark = GTK_LABEL (gtk_label_new ("●"));
  gtk_widget_add_css_class (GTK_WIDGET (self->mark), "pano-ticker-mark");
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->label, 0);
  gtk_label_set_ellipsize (self->label, PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (GTK_WIDGET (self->label), TRUE);
  self->count = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->count), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->count), "numeric");
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->mark));
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->label));
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->count));
  gtk_button_set_child (GTK_BUTTON (self->button), row);
  gtk_box_append (GTK_BOX (self), self->button);
  g_signal_connect (self->button, "clicked", G_CALLBACK (on_clicked), self);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
pano_ticker_new (void)
{
  return g_object_new (PANO_TYPE_TICKER, NULL);
}

/**
 * pano_ticker_push:
 * @level: critical, severe, warning, notice (an alert's) or overdue
 * @text: what happened, for people
 * @at_ms: when, shown in local time
 *
 * Shows the item at once, in front of the others; an item of the same kind and id already
 * there is replaced.
 */
void
pano_ticker_push (PanoTicker     *self,
                  PanoTickerKind  kind,
                  const char     *id,
                  const char     *level,
                  const char     *text,
                  gint64          at_ms)
{
  g_autofree char *clock = NULL;
  Item *item;

  g_return_if_fail (PANO_IS_TICKER (self));
  clock = pano_format_clock_time (at_ms);
  item = g_new0 (Item, 1);
  for (GList *l = self->items.head; l != NULL; l = l->next)
    {
      Item *old = l->data;

      if (old->kind == kind && g_str_equal (old->id, id))
        {
          item_free (old);
          g_queue_delete_link (&self->items, l);
          break;
        }
    }
  item->kind = kind;
  item->id = g_strdup (id);
  item->level = g_strdup (level);
  item->text = g_strdup_printf ("%s · %s", clock, text);
  item->at_ms = at_ms;
  g_queue_push_head (&self->items, item);
  while (self->items.length > PANO_TICKER_MAX_ITEMS)
    item_free (g_queue_pop_tail (&self->items));
  self->shown = 0;
  show_item (self);
  restart_timer (self);
}

/* How long each item stays before the next; 6 s unless a test wants otherwise. */
void
pano_ticker_set_rotate_seconds (PanoTicker *self,
                                guint       seconds)
{
  self->rotate_s = MAX (seconds, 1);
  if (self->timer_id != 0)
    restart_timer (self);
}

guint
pano_ticker_get_n_items (PanoTicker *self)
{
  return self->items.length;
}

/* Returns: (nullable): the item's line, 0 the newest */
const char *
pano_ticker_get_item_text (PanoTicker *self,
                           guint       index)
{
  Item *item = g_queue_peek_nth (&self->items, index);

  return item ? item->text : NULL;
}

const char *
pano_ticker_get_item_id (PanoTicker *self,
                         guint       index)
{
  Item *item = g_queue_peek_nth (&self->items, index);

  return item ? item->id : NULL;
}

/* Returns: (nullable): the line on screen now */
const char *
pano_ticker_get_shown_text (PanoTicker *self)
{
  return self->items.length ? gtk_label_get_label (self->label) : NULL;
}

/* Opens what is shown, as a click does. */
void
pano_ticker_activate_shown (PanoTicker *self)
{
  Item *item = g_queue_peek_nth (&self->items, self->shown);
  g_autofree char *id = NULL;

  if (item == NULL)
    return;
  id = g_strdup (item->id);
  g_signal_emit (self, signals[ACTIVATE], 0, (int) item->kind, id);
}
