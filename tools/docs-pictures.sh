#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Renders the pictures of docs/operations.md into docs/images/ with the GUI test that checks
# what they show (tests/test-operations.c), so the guide's pictures stay true.
set -eu
cd "$(dirname "$0")/.."
tools/build.sh
mkdir -p docs/images
PANORAMA_DOCS_IMAGES="$PWD/docs/images" \
  xvfb-run -a -s '-screen 0 1920x1080x24' meson test -C build test-operations test-window-command \
  --print-errorlogs
ls -l docs/images/operations-*.png
