#!/usr/bin/env bash
# The README's test command: install what is missing, build, run every test.
set -euo pipefail
SOU_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$SOU_ROOT/scripts/setup.sh"
cd "$SOU_BUILD_DIR"
ctest --output-on-failure -j2 "$@"
