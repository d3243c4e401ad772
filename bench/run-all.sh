#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds the benchmarks if needed and runs both under Xvfb, the way docs/benchmarks.md was
# produced. Usage: bench/run-all.sh [BUILD_DIR] [-- pano-bench-pan options]
#   PANO_BENCH_SUITES     which to run (default "load pan live-pan live-latency queue wall-pan
#                         cpu")
#   PANO_BENCH_RENDERERS  GSK renderers to pan with, in order (default "cairo gl")
#   PANO_BENCH_LIVE_RENDERERS  the same for the live benchmarks (default "gl cairo"), whose
#                         figures are in docs/benchmarks-live.md
#   PANO_BENCH_DATA       keep the generated GeoPackages here between runs (default: temporary)
#   PANO_BENCH_BASELINE   a console binary (another build tree's app/panorama) that the cpu suite
#                         measures side by side with this build's; unset: this build alone
# Prints Markdown tables on stdout; progress and warnings on stderr. Never fails on a time.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-/tmp/pano-bench-build}
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$src" >&2
fi
ninja -C "$build" bench/pano-bench-load bench/pano-bench-pan bench/pano-bench-live-pan \
  bench/pano-bench-live-latency bench/pano-bench-queue bench/pano-bench-cpu \
  bench/pano-bench-wall-pan app/panorama hub/panorama-hub >&2
suites=${PANO_BENCH_SUITES:-load pan live-pan live-latency queue wall-pan cpu}
wants () {
  case " $suites " in *" $1 "*) return 0 ;; esac
  return 1
}

# A fresh cache and in-memory settings: nothing from a previous run or the desktop leaks in.
XDG_CACHE_HOME=$(mktemp -d)
data=${PANO_BENCH_DATA:-$(mktemp -d)}
cleanup () {
  rm -rf "$XDG_CACHE_HOME"
  [ -n "${PANO_BENCH_DATA:-}" ] || rm -rf "$data"
}
trap cleanup EXIT
export XDG_CACHE_HOME GTK_A11Y=none GSETTINGS_BACKEND=memory

xvfb () {
  xvfb-run -a -s '-screen 0 1920x1080x24' "$@"
}

if wants load; then
  echo "## Load: $(nproc) cores, $(date -u +%Y-%m-%d)"
  echo
  GSK_RENDERER=cairo xvfb "$build/bench/pano-bench-load" --data-dir "$data"
fi

if wants pan; then
  for renderer in ${PANO_BENCH_RENDERERS:-cairo gl}; do
    echo
    echo "## Pan: GSK_RENDERER=$renderer"
    GSK_RENDERER=$renderer xvfb "$build/bench/pano-bench-pan" --data-dir "$data" "$@"
  done
fi

# The live benchmarks (issue 4). The latency one starts its own panorama-hub on 127.0.0.1 for
# each rate and kills it afterwards.
for renderer in ${PANO_BENCH_LIVE_RENDERERS:-gl cairo}; do
  if wants live-pan; then
    echo
    echo "## Live pan: GSK_RENDERER=$renderer"
    GSK_RENDERER=$renderer xvfb "$build/bench/pano-bench-live-pan"
  fi
  if wants live-latency; then
    echo
    echo "## Live latency: GSK_RENDERER=$renderer"
    GSK_RENDERER=$renderer PANORAMA_HUB_EXE="$build/hub/panorama-hub" \
      xvfb "$build/bench/pano-bench-live-latency"
  fi
done

# The incident queue (10 000 open incidents against 100): one change, until it is on screen.
if wants queue; then
  echo
  echo "## Incident queue: GSK_RENDERER=cairo"
  GSK_RENDERER=cairo xvfb "$build/bench/pano-bench-queue"
fi

# The wall (issue 10): the console in wall mode at scale 2.0 panning the live demo city on a 4K
# screen against the renderer's floor; then its CPU over a minute, live and idle, on X servers of
# its own, beside the baseline console if PANO_BENCH_BASELINE names one.
if wants wall-pan; then
  for renderer in ${PANO_BENCH_LIVE_RENDERERS:-gl cairo}; do
    echo
    echo "## Wall pan, 3840x2160: GSK_RENDERER=$renderer"
    GSK_RENDERER=$renderer GSETTINGS_SCHEMA_DIR="$build/data" PANORAMA_DATA_DIR="$src/data" \
      xvfb-run -a -s '-screen 0 3840x2160x24' "$build/bench/pano-bench-wall-pan"
  done
fi
if wants cpu; then
  echo
  echo "## Console CPU over 60 s"
  "$build/bench/pano-bench-cpu" ${PANO_BENCH_BASELINE:+--baseline "$PANO_BENCH_BASELINE"}
fi
