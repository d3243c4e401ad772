// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "pano-incident-card.h"

G_BEGIN_DECLS

#define PANO_TYPE_COMMAND_BOARD (pano_command_board_get_type ())
G_DECLARE_FINAL_TYPE (PanoCommandBoard, pano_command_board, PANO, COMMAND_BOARD, GtkWidget)

GtkWidget  *pano_command_board_new           (void);
void        pano_command_board_start         (PanoCommandBoard *self,
                                              PanoIncidentCard *card,
                                              const char       *incident,
                                              gint64            since_us);
void        pano_command_board_stop          (PanoCommandBoard *self);
const char *pano_command_board_get_incident  (PanoCommandBoard *self);
const char *pano_command_board_get_clock     (PanoCommandBoard *self);
const char *pano_command_board_get_state     (PanoCommandBoard *self);
guint       pano_command_board_get_n_units   (PanoCommandBoard *self);
char       *pano_command_board_dup_unit_text (PanoCommandBoard *self,
                                              guint             index);
char       *pano_command_board_format_clock  (gint64            seconds);

G_END_DECLS
