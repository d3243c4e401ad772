// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PANO_VIEW_TOUR_ERROR (pano_view_tour_error_quark ())

/* Why a tour file was refused; messages name the file, the line, the group and the key. */
typedef enum
{
  PANO_VIEW_TOUR_ERROR_UNREADABLE,
  PANO_VIEW_TOUR_ERROR_SYNTAX,
  PANO_VIEW_TOUR_ERROR_INVALID,
  PANO_VIEW_TOUR_ERROR_EMPTY,
} PanoViewTourError;

GQuark pano_view_tour_error_quark (void);

/* Bounds of the values a tour file may hold. */
#define PANO_VIEW_TOUR_MIN_SECONDS 1
#define PANO_VIEW_TOUR_MAX_SECONDS 86400
#define PANO_VIEW_TOUR_MAX_VIEWS 100
#define PANO_VIEW_TOUR_MAX_NAME 100
#define PANO_VIEW_TOUR_MAX_ZOOM 22.0
#define PANO_VIEW_TOUR_DEFAULT_INTERVAL 30
#define PANO_VIEW_TOUR_DEFAULT_IDLE 60

/* One saved view: where the map looks, what it shows, the scope of the panels. */
typedef struct
{
  char *name;
  double latitude;
  double longitude;
  double zoom;
  GStrv live_layers;   /* the live layers shown (the others hidden); NULL leaves them as they are */
  GStrv user_layers;   /* the GIS layers shown, by title; NULL leaves them as they are */
  char *scope;         /* grid-code prefix; "" for the whole city */
} PanoTourView;

#define PANO_TYPE_TOUR_VIEW (pano_tour_view_get_type ())
GType         pano_tour_view_get_type (void) G_GNUC_CONST;
PanoTourView *pano_tour_view_new      (void);
PanoTourView *pano_tour_view_copy     (const PanoTourView *view);
void          pano_tour_view_free     (PanoTourView       *view);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PanoTourView, pano_tour_view_free)

#define PANO_TYPE_VIEW_TOUR (pano_view_tour_get_type ())
G_DECLARE_FINAL_TYPE (PanoViewTour, pano_view_tour, PANO, VIEW_TOUR, GObject)

PanoViewTour       *pano_view_tour_new_from_file   (const char          *path,
                                                    const char * const  *live_layers,
                                                    GError             **error);
const char         *pano_view_tour_get_path        (PanoViewTour        *self);
guint               pano_view_tour_get_interval    (PanoViewTour        *self);
guint               pano_view_tour_get_idle        (PanoViewTour        *self);
guint               pano_view_tour_get_n_views     (PanoViewTour        *self);
const PanoTourView *pano_view_tour_get_view        (PanoViewTour        *self,
                                                    guint                index);
gboolean            pano_view_tour_append_to_file  (const char          *path,
                                                    const PanoTourView  *view,
                                                    const char * const  *live_layers,
                                                    GError             **error);

G_END_DECLS
