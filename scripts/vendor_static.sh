#!/usr/bin/env bash
# Re-fetch the vendored front-end assets in static/vendor/ from the npm registry.
#
# Documentation-as-code for maintainers: NOT run by the build, tests or deploy. The pinned
# versions below are the ones recorded in static/vendor/VERSIONS.md; to upgrade, change a version
# here, run this script, check the diff, and update VERSIONS.md.
#
# Needs: npm (only `npm pack` is used; nothing is installed), tar.
# Usage: scripts/vendor_static.sh
set -euo pipefail

BOOTSTRAP_VERSION="5.3.9"
HTMX_VERSION="2.0.11"          # must stay 2.x: htmx.org "latest" is 4.x with a different API
ECHARTS_VERSION="6.1.0"
BOOTSTRAP_ICONS_VERSION="1.13.2"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/static/vendor"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

fetch() {  # fetch <npm-name> <version> -> prints the extracted package dir
    local name="$1" version="$2" tgz dir
    tgz="$(cd "$WORK" && npm pack --silent "${name}@${version}" | tail -n 1)"
    dir="$WORK/${name}-${version}"
    mkdir -p "$dir"
    tar -xzf "$WORK/$tgz" -C "$dir"
    echo "$dir/package"
}

put() {  # put <src-file> <dest-dir>
    mkdir -p "$2"
    cp "$1" "$2/"
}

# --- bootstrap -------------------------------------------------------------------------------
src="$(fetch bootstrap "$BOOTSTRAP_VERSION")"
d="$DEST/bootstrap"
rm -rf "$d"
put "$src/dist/css/bootstrap.min.css" "$d"
put "$src/dist/css/bootstrap.min.css.map" "$d"
put "$src/dist/js/bootstrap.bundle.min.js" "$d"
put "$src/dist/js/bootstrap.bundle.min.js.map" "$d"
put "$src/LICENSE" "$d"

# --- htmx ------------------------------------------------------------------------------------
src="$(fetch htmx.org "$HTMX_VERSION")"
d="$DEST/htmx"
rm -rf "$d"
put "$src/dist/htmx.min.js" "$d"
put "$src/LICENSE" "$d"

# --- echarts ---------------------------------------------------------------------------------
src="$(fetch echarts "$ECHARTS_VERSION")"
d="$DEST/echarts"
rm -rf "$d"
put "$src/dist/echarts.min.js" "$d"
put "$src/LICENSE" "$d"
[[ -f "$src/NOTICE" ]] && put "$src/NOTICE" "$d"
# LICENSE points at /licenses/LICENSE-d3 for the bundled d3 code; keep it alongside.
[[ -f "$src/licenses/LICENSE-d3" ]] && put "$src/licenses/LICENSE-d3" "$d/licenses"

# --- bootstrap-icons -------------------------------------------------------------------------
# The css refers to url("fonts/bootstrap-icons.woff2?...") relative to itself.
src="$(fetch bootstrap-icons "$BOOTSTRAP_ICONS_VERSION")"
d="$DEST/bootstrap-icons"
rm -rf "$d"
put "$src/font/bootstrap-icons.min.css" "$d"
put "$src/font/fonts/bootstrap-icons.woff" "$d/fonts"
put "$src/font/fonts/bootstrap-icons.woff2" "$d/fonts"
put "$src/LICENSE" "$d"

# --- checks ----------------------------------------------------------------------------------
# Every sourceMappingURL in a vendored css/js must name a file we copied (whitenoise's
# CompressedManifestStaticFilesStorage fails collectstatic otherwise), and every non-data
# url(...) in the css must resolve.
fail=0
while IFS= read -r -d '' f; do
    dir="$(dirname "$f")"
    while IFS= read -r ref; do
        [[ -z "$ref" ]] && continue
        if [[ ! -f "$dir/$ref" ]]; then
            echo "missing source map: $f -> $ref" >&2
            fail=1
        fi
    done < <(grep -o 'sourceMappingURL=[^ *]*' "$f" | sed 's/^sourceMappingURL=//' || true)
done < <(find "$DEST" \( -name '*.css' -o -name '*.js' \) -print0)

while IFS= read -r -d '' f; do
    dir="$(dirname "$f")"
    while IFS= read -r ref; do
        [[ -z "$ref" || "$ref" == data:* ]] && continue
        path="${ref%%[?#]*}"
        if [[ ! -f "$dir/$path" ]]; then
            echo "unresolved url(): $f -> $ref" >&2
            fail=1
        fi
    done < <(grep -o 'url([^)]*)' "$f" | sed -E 's/^url\(["'\'']?//; s/["'\'']?\)$//' || true)
done < <(find "$DEST" -name '*.css' -print0)

if (( fail )); then
    echo "vendor_static.sh: checks failed" >&2
    exit 1
fi

echo "Vendored into $DEST:"
(cd "$DEST" && find . -type f ! -name VERSIONS.md | sort)
