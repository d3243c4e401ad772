// SPDX-License-Identifier: GPL-3.0-or-later
/* One incident in a queue: its stage clock as a coloured pill (green, yellow from 80 %, red
 * with the overdue factor), number and title, and category · street · stage · severity. A
 * newly reported incident is flagged for a few seconds. */
#define G_LOG_DOMAIN "panorama-widgets"

#include "pano-incident-row.h"
#include "pano-format.h"

#include <glib/gi18n-lib.h>

#define NEW_FOR_MS (10 * 1000)

struct _PanoIncidentRow
{
  GtkBox parent_instance;

  PanoIncidentRecord *record;
  GtkLabel *clock;
  GtkLabel *title;
  GtkLabel *details;
  const char *clock_css;
};

G_DEFINE_FINAL_TYPE (PanoIncidentRow, pano_incident_row, GTK_TYPE_BOX)

static void
pano_incident_row_dispose (GObject *object)
{
  PanoIncidentRow *self = PANO_INCIDENT_ROW (object);

  g_clear_object (&self->record);
  G_OBJECT_CLASS (pano_incident_row_parent_class)->dispose (object);
}

static void
pano_incident_row_class_init (PanoIncidentRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pano_incident_row_dispose;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "incidentrow");
}

static GtkLabel *
add_label (GtkBox     *box,
           const char *css)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (css != NULL)
    gtk_widget_add_css_class (label, css);
  gtk_box_append (box, label);
  return GTK_LABEL (label);
}

static void
pano_incident_row_init (PanoIncidentRow *self)
{
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  gtk_box_set_spacing (GTK_BOX (self), 10);
  self->clock = add_label (GTK_BOX (self), "clock");
  gtk_label_set_ellipsize (self->clock, PANGO_ELLIPSIZE_NONE);
  gtk_label_set_width_chars (self->clock, 9);
  gtk_label_set_xalign (self->clock, 0.5);
  gtk_widget_set_valign (GTK_WIDGET (self->clock), GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (self), text);
  self->title = add_label (GTK_BOX (text), "heading");
  self->details = add_label (GTK_BOX (text), "dim-label");
  self->clock_css = "clock-none";
}

GtkWidget *
pano_incident_row_new (void)
{
  return g_object_new (PANO_TYPE_INCIDENT_ROW, "orientation", GTK_ORIENTATION_HORIZONTAL, NULL);
}

static char *
describe (PanoIncidentRecord *r)
{
  const char *street = pano_incident_record_get_grid_name (r, PANO_GRID_STREET);
  g_autofree char *severity = pano_format_severity (pano_incident_record_get_severity (r));

  return g_strdup_printf ("%s · %s · %s · %s",
                          pano_incident_record_get_category (r)
                          ? pano_incident_record_get_category (r) : _("No category"),
                          street ? street : _("outside the grid"),
                          pano_format_status (pano_incident_record_get_status (r)), severity);
}

/* Shows @record; the clock is read at the next refresh. */
void
pano_incident_row_set_record (PanoIncidentRow    *self,
                              PanoIncidentRecord *record)
{
  g_autofree char *title = NULL;
  g_autofree char *details = NULL;

  if (!g_set_object (&self->record, record) || record == NULL)
    return;
  title = g_strdup_printf ("%s  %s", pano_incident_record_get_id (record),
                           pano_incident_record_get_title (record));
  details = describe (record);
  gtk_label_set_label (self->title, title);
  gtk_label_set_label (self->details, details);
  pano_incident_row_refresh (self, g_get_real_time () / 1000);
}

PanoIncidentRecord *
pano_incident_row_get_record (PanoIncidentRow *self)
{
  return self->record;
}

/* Reads the stage clock again at @now_ms: the text and its colour. */
void
pano_incident_row_refresh (PanoIncidentRow *self,
                           gint64           now_ms)
{
  PanoStageClock clock;
  g_autofree char *text = NULL;
  const char *css;

  if (self->record == NULL)
    return;
  pano_incident_record_get_clock (self->record, now_ms, &clock);
  text = pano_incident_record_is_final (self->record)
         ? g_strdup (pano_format_status (pano_incident_record_get_status (self->record)))
         : pano_format_stage_clock (&clock);
  gtk_label_set_label (self->clock, text);
  css = pano_format_clock_css (clock.state);
  if (css != self->clock_css)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->clock), self->clock_css);
      gtk_widget_add_css_class (GTK_WIDGET (self->clock), css);
      self->clock_css = css;
    }
  if (now_ms - pano_incident_record_get_reported_ms (self->record) < NEW_FOR_MS &&
      !pano_incident_record_is_final (self->record))
    gtk_widget_add_css_class (GTK_WIDGET (self), "new");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "new");
}

const char *
pano_incident_row_get_clock_text (PanoIncidentRow *self)
{
  return gtk_label_get_label (self->clock);
}
