#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's second command: build, then run every test suite, GUI tests under Xvfb.
set -eu
cd "$(dirname "$0")/.."
tools/build.sh
status=0
xvfb-run -a -s '-screen 0 1920x1080x24' meson test -C build --print-errorlogs "$@" || status=$?
python3 - build/meson-logs/testlog.json <<'PY'
import json, sys
results = [json.loads(line)["result"] for line in open(sys.argv[1]) if line.strip()]
passed = sum(r in ("OK", "EXPECTEDFAIL") for r in results)
skipped = sum(r == "SKIP" for r in results)
print(f"{passed} passed, {len(results) - passed - skipped} failed, {skipped} skipped")
PY
exit $status
