#!/usr/bin/env bash
# Vendors the dashboard page's chart library (server/static/dashboard/vendor/) from the npm
# registry: `npm pack` of one exact version into a temporary folder, then a byte-for-byte copy
# of the UMD build and the licence. The page loads nothing from a CDN, so it works offline.
# Usage (from anywhere): tools/vendor_dashboard.sh [version]   -- default: the pinned one.
# After a version change, update server/static/dashboard/vendor/README.md (version, sha256)
# and CHART_JS_VERSION in server/dashboard_page.py; tests/browser/test_dashboard_assets.py
# checks that the three agree.
set -euo pipefail
VERSION="${1:-4.5.1}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/server/static/dashboard/vendor"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
TARBALL="$(npm pack --silent "chart.js@$VERSION")"
tar -xzf "$TARBALL"
grep -q "\"version\": \"$VERSION\"" package/package.json
mkdir -p "$DEST"
cp package/dist/chart.umd.min.js "$DEST/chart.umd.min.js"
cp package/LICENSE.md "$DEST/chart.js.LICENSE.md"
echo "chart.js@$VERSION -> $DEST"
echo "tarball sha1 (npm shasum): $(sha1sum "$TARBALL" | cut -d' ' -f1)"
echo "chart.umd.min.js sha256:   $(sha256sum "$DEST/chart.umd.min.js" | cut -d' ' -f1)"
