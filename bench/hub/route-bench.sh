#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Units ranked by road ETA: Panorama's road graph (build/hub/pano-bench-route) next to
# pgRouting's pgr_dijkstra one-to-many on the same graph and the same queries, in one run:
# the demo city, then a generated grid city of PANO_ROUTE_EDGES segments (default 1 000 000).
# PostgreSQL runs on a temporary cluster (initdb, pg_ctl) in a temporary directory, on a Unix
# socket only, and is stopped at the end. Usage: bench/hub/route-bench.sh [BUILD_DIR]
#   PANO_ROUTE_QUERIES       queries timed per graph on Panorama's side (default 50)
#   PANO_ROUTE_PG_QUERIES    the same on pgRouting's side, demo city (default 50)
#   PANO_ROUTE_PG_QUERIES_GRID  pgRouting on the grid city (default 10: each reads 1 M edges)
# Then the whole endpoint, GET /v1/incidents/{id}/recommendations?limit=200 on a real
# panorama-hub on 127.0.0.1 (the demo city; the grid city as a GeoPackage given as --roads),
# with query 1's 200 units ingested, timed by curl.
# Prints Markdown tables; exits non-zero if an ETA differs by more than 0.1 s.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build}
edges=${PANO_ROUTE_EDGES:-1000000}
queries=${PANO_ROUTE_QUERIES:-50}

sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
missing=""
for p in $(grep -v '^#' "$src/bench/hub/route-bench-packages.txt"); do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "Installing:$missing" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >&2
fi
ninja -C "$build" hub/pano-bench-route hub/panorama-hub >&2

pgbin=$(ls -d /usr/lib/postgresql/15/bin)
work=$(mktemp -d /tmp/pano-route-bench-XXXXXX)
chmod 755 "$work"
# PostgreSQL refuses to run as root: the cluster belongs to the postgres user then.
as_pg () {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" -eq 0 ] && chown postgres "$work"
cleanup () {
  as_pg "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
as_pg "$pgbin/initdb" -D "$work/pg" -A trust -U postgres >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-c listen_addresses='' -k $work -c fsync=off -c shared_buffers=512MB -c work_mem=256MB" \
  start >/dev/null
psql () {
  as_pg "$pgbin/psql" -h "$work" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 "$@"
}
psql -c "CREATE EXTENSION pgrouting CASCADE" >&2
echo "pgRouting $(psql -At -c 'SELECT pgr_version()'), PostgreSQL $(psql -At -c 'SHOW server_version')" >&2

# Same queries on the reversed graph (source and target swapped): from the incident to every
# unit there is from every unit to the incident. Query 0 warms up and is not counted.
run_pg () {
  dir=$1 n=$2
  psql <<SQL
DROP TABLE IF EXISTS edges, q, res, times;
CREATE TABLE edges (id bigint, source bigint, target bigint, cost float8, reverse_cost float8);
\copy edges FROM '$dir/edges.csv' CSV
CREATE TABLE q (query int, incident bigint, units bigint[]);
\copy q FROM '$dir/queries.csv' CSV
ANALYZE edges;
CREATE TABLE res (query int, node bigint, eta float8);
CREATE TABLE times (query int, ms float8);
DO \$\$
DECLARE r record; t0 timestamptz;
BEGIN
  FOR r IN SELECT * FROM q WHERE query <= $n ORDER BY query LOOP
    t0 := clock_timestamp();
    INSERT INTO res SELECT r.query, end_vid, agg_cost
      FROM pgr_dijkstra('SELECT id, target AS source, source AS target, cost, reverse_cost FROM edges',
                        r.incident, r.units, directed => true)
      WHERE node = end_vid;
    IF r.query > 0 THEN
      INSERT INTO times VALUES (r.query, extract(epoch FROM clock_timestamp() - t0) * 1000);
    END IF;
  END LOOP;
END \$\$;
\copy (SELECT query, node, eta FROM res WHERE query > 0) TO '$dir/pg.csv' CSV
\copy (SELECT ms FROM times ORDER BY query) TO '$dir/pg-times.txt'
SQL
}

# The endpoint on a real hub: start it, ingest the units, create the incident, time the GETs.
run_hub () {
  dir=$1 roads=$2
  printf '[hub]\nlisten=127.0.0.1:0\ndatabase=%s\n%s\n[tokens]\nbench=admin:bench-token\n' \
    "$dir/hub.db" "$roads" > "$dir/hub.conf"
  "$build/hub/panorama-hub" --config "$dir/hub.conf" --port-file "$dir/port" \
    >/dev/null 2>"$dir/hub.log" &
  hub=$!
  i=0
  while [ ! -s "$dir/port" ] && [ $i -lt 600 ]; do sleep 0.5; i=$((i + 1)); done
  url="http://127.0.0.1:$(cat "$dir/port")"
  auth="Authorization: Bearer bench-token"
  curl -sf -H "$auth" --data-binary @"$dir/hub-units.json" "$url/v1/ingest/resources" >/dev/null
  id=$(curl -sf -H "$auth" -H "Idempotency-Key: bench-$$" --data-binary @"$dir/hub-create.json" \
         "$url/v1/commands" | sed -n 's/.*"id":"\(INC-[0-9]*\)".*/\1/p')
  for q in $(seq 0 "$queries"); do
    curl -sf -o "$dir/answer.json" -w '%{time_total} %{size_download}\n' -H "$auth" \
      "$url/v1/incidents/$id/recommendations?limit=200"
  done | tail -n +2 > "$dir/hub-times.txt"
  kill "$hub"
  wait "$hub" || true
  sort -n "$dir/hub-times.txt" | awk -v g="$3" '{ t[NR] = $1 * 1000; b = $2 }
    END { printf "| %s | %d | %.1f / %.1f | %d |\n", g, NR, t[int(NR * 0.5 + 0.5)],
          t[int(NR * 0.95 + 0.5)], b }'
}

status=0
echo "| graph | queries (Panorama / pgRouting) | Panorama p50 / p95 ms | pgRouting p50 / p95 ms | pgRouting ÷ Panorama | ETAs |"
echo "|---|---|---|---|---|---|"
for graph in demo grid; do
  dir="$work/$graph"
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  if [ "$graph" = demo ]; then
    "$build/hub/pano-bench-route" --graph demo --city "$src/data/shiyan.gpkg" --out "$dir" \
      --queries "$queries" >&2
    run_pg "$dir" "${PANO_ROUTE_PG_QUERIES:-50}" >&2
  else
    "$build/hub/pano-bench-route" --graph grid --edges "$edges" --out "$dir" \
      --queries "$queries" --gpkg >&2
    run_pg "$dir" "${PANO_ROUTE_PG_QUERIES_GRID:-10}" >&2
  fi
  "$build/hub/pano-bench-route" --compare "$dir" | sed "s|$work/||" || status=$?
done
echo
echo "| graph | GETs | hub p50 / p95 ms (curl, 200 units with routes) | answer bytes |"
echo "|---|---|---|---|"
run_hub "$work/demo" "city=$src/data/shiyan.gpkg" demo
run_hub "$work/grid" "roads=$work/grid/roads.gpkg" grid
exit $status
