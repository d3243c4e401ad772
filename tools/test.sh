#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's second command: build, then run every test suite, GUI tests under Xvfb; then the
# sanitizer run: the unit and integration suites again, and a few seconds of each fuzz target,
# in build-asan (clang, -Db_sanitize=address,undefined). Any AddressSanitizer, LeakSanitizer or
# UndefinedBehaviorSanitizer report, from a test or from a hub it started, fails the run.
# Arguments go to the first `meson test` (e.g. --suite unit). PANO_SANITIZE=no skips the
# sanitizer run for a quick local check; CI and the README's command always do it.
set -eu
cd "$(dirname "$0")/.."
tools/build.sh
status=0
xvfb-run -a -s '-screen 0 1920x1080x24' meson test -C build --print-errorlogs "$@" || status=$?
logs=build/meson-logs/testlog.json

if [ "${PANO_SANITIZE:-yes}" != no ]; then
  [ -f build-asan/build.ninja ] ||
    CC=clang meson setup build-asan --buildtype=debugoptimized \
      -Db_sanitize=address,undefined -Db_lundef=false -Dfuzzing=enabled
  ninja -C build-asan
  reports=$(mktemp -d "${TMPDIR:-/tmp}/panorama-sanitizers-XXXXXX")
  # Reports go to files, so one from a hub that a test started (and stopped) is seen too.
  # G_SLICE: GLib 2.74's slice allocator would hide heap errors from ASan. The dummy proxy
  # resolver keeps libproxy (C++, loaded by GIO at run time) out: ASan cannot intercept its
  # exceptions when the program itself is C. Leak suppressions: tests/lsan.supp says what
  # and why.
  ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:log_path=$reports/asan" \
  UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan" \
  LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0" \
  G_SLICE=always-malloc GIO_USE_PROXY_RESOLVER=dummy \
    meson test -C build-asan --no-rebuild --print-errorlogs --timeout-multiplier 3 \
      --suite unit --suite integration --suite fuzz || status=$?
  if [ -n "$(ls "$reports")" ]; then
    echo "Sanitizer reports:" >&2
    cat "$reports"/* >&2
    status=1
  fi
  rm -rf "$reports"
  logs="$logs build-asan/meson-logs/testlog.json"
fi

# shellcheck disable=SC2086
python3 - $logs <<'PY'
import json, sys
results = [json.loads(line)["result"] for name in sys.argv[1:] for line in open(name)
           if line.strip()]
passed = sum(r in ("OK", "EXPECTEDFAIL") for r in results)
skipped = sum(r == "SKIP" for r in results)
print(f"{passed} passed, {len(results) - passed - skipped} failed, {skipped} skipped")
PY
exit $status
