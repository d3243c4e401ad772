#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's first command: build, start panorama-hub simulating the seed city (Shiyan) on a
# free port of 127.0.0.1, and open the console on it. Closing the console stops the hub.
# Extra arguments go to panorama, e.g. GIS files to open on top.
set -eu
cd "$(dirname "$0")/.."
tools/build.sh

run=$(mktemp -d "${TMPDIR:-/tmp}/panorama-demo-XXXXXX")
token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
cat > "$run/hub.conf" <<CONF
[hub]
listen = 127.0.0.1:0
[tokens]
operator = admin:$token
CONF

build/hub/panorama-hub --config "$run/hub.conf" --database "$run/hub.sqlite" \
  --port-file "$run/port" --simulate 2> "$run/hub.log" &
hub=$!
trap 'kill $hub 2>/dev/null; rm -rf "$run"' EXIT INT TERM

tries=0
until [ -s "$run/port" ]; do
  tries=$((tries + 1))
  if [ $tries -gt 200 ] || ! kill -0 $hub 2>/dev/null; then
    echo "panorama-hub did not start:" >&2
    cat "$run/hub.log" >&2
    exit 1
  fi
  sleep 0.1
done

export GSETTINGS_SCHEMA_DIR="$PWD/build/data"
export PANORAMA_DATA_DIR="$PWD/data"
build/app/panorama --hub "http://127.0.0.1:$(cat "$run/port")" --token "$token" "$@"
