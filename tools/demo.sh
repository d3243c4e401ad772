#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's first command: build, then open the console on the offline seed city (Shiyan).
# Extra arguments go to panorama, e.g. GIS files to open on top.
set -eu
cd "$(dirname "$0")/.."
tools/build.sh
export GSETTINGS_SCHEMA_DIR="$PWD/build/data"
export PANORAMA_DATA_DIR="$PWD/data"
exec build/app/panorama "$@"
