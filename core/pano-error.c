// SPDX-License-Identifier: GPL-3.0-or-later
#include "pano-error.h"

G_DEFINE_QUARK (pano-gis-error-quark, pano_gis_error)
