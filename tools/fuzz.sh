#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Fuzzes one harness of fuzz/ with libFuzzer (docs/fuzzing.md):
#
#   tools/fuzz.sh TARGET SECONDS [libFuzzer options...]
#   tools/fuzz.sh json 600                   # ten minutes
#   tools/fuzz.sh commands 0 -runs=10000000  # ten million inputs, however long it takes
#   tools/fuzz.sh all 60                     # each target for a minute, one after another
#
# TARGET: json, feed-frame, ingest, commands, config, or all. It builds build-asan (clang,
# -fsanitize=fuzzer,address,undefined: the same directory as tools/test.sh's sanitizer run) if
# needed, starts from the committed seeds in fuzz/corpus/TARGET and keeps what it finds in
# build-asan/fuzz/corpus-TARGET; a crash is written to build-asan/fuzz/crash-TARGET-*.
# Two cores are shared: run long ones under `nice`.
set -eu
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n 3,15p "$0" >&2; exit 2; }
target=$1 seconds=$2
shift 2
targets="json feed-frame ingest commands config"
if [ "$target" = all ]; then
  for t in $targets; do "$0" "$t" "$seconds" "$@"; done
  exit 0
fi
case " $targets " in *" $target "*) ;; *) echo "unknown target $target ($targets)" >&2; exit 2;; esac

tools/install-deps.sh
[ -f build-asan/build.ninja ] ||
  CC=clang meson setup build-asan --buildtype=debugoptimized \
    -Db_sanitize=address,undefined -Db_lundef=false -Dfuzzing=enabled
ninja -C build-asan "fuzz/fuzz-$target"

case $target in
  commands) dict=fuzz/commands.dict
            # The hub's state lives on from input to input, as it does in the hub: memory it
            # keeps is not a leak of that input. Leaks are still checked when the run ends.
            set -- -detect_leaks=0 "$@";;
  config) dict=fuzz/config.dict;;
  *) dict=fuzz/json.dict;;
esac
[ "$seconds" -gt 0 ] && set -- -max_total_time="$seconds" "$@"
mkdir -p "build-asan/fuzz/corpus-$target"
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}" \
G_SLICE=always-malloc \
  exec "build-asan/fuzz/fuzz-$target" -dict="$dict" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="build-asan/fuzz/crash-$target-" "$@" \
    "build-asan/fuzz/corpus-$target" "fuzz/corpus/$target"
