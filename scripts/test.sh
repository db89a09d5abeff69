#!/usr/bin/env bash
# The README's test command: install what is missing, build, run every test.
set -euo pipefail
SOU_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The browser test (tests/browser) needs Debian's Chromium, a CJK font for
# readable screenshots, Node.js and npm (only when node is missing: a newer
# node may already be installed from elsewhere), and playwright-core from npm.
SOU_EXTRA_PACKAGES="${SOU_EXTRA_PACKAGES:-} chromium fonts-wqy-microhei"
# tests/package builds the Debian package (dpkg-shlibdeps from dpkg-dev, file)
# and renders the man pages (groff); tests/lint runs cppcheck.
SOU_EXTRA_PACKAGES="$SOU_EXTRA_PACKAGES dpkg-dev file groff-base cppcheck"
# The tests' build fails on any compiler warning.
SOU_CMAKE_FLAGS="${SOU_CMAKE_FLAGS:-} -DSOU_WERROR=ON"
# tests/check_cluster runs Xapian's own servers: xapian-tcpsrv, xapian-replicate(-server), xapian-delve.
SOU_EXTRA_PACKAGES="$SOU_EXTRA_PACKAGES xapian-tools"
command -v node >/dev/null 2>&1 || SOU_EXTRA_PACKAGES="$SOU_EXTRA_PACKAGES nodejs npm"
source "$SOU_ROOT/scripts/setup.sh"
if [ ! -d "$SOU_ROOT/tests/browser/node_modules/playwright-core" ]; then
    echo "test: installing playwright-core (npm ci in tests/browser)" >&2
    (cd "$SOU_ROOT/tests/browser" && npm ci --no-audit --no-fund --loglevel=error)
fi
cd "$SOU_BUILD_DIR"
ctest --output-on-failure -j2 "$@"
