#!/usr/bin/env bash
# Installs what sou needs on Debian 12 (only the packages that are missing)
# and builds it into build/.  Sourced by scripts/run.sh and scripts/test.sh.
# libjemalloc2: the indexer links it when present (about 14 % less CPU).
# help2man: the man pages are made from each program's --help.
#   SOU_EXTRA_PACKAGES  more Debian packages to install (the tests add theirs)
#   SOU_BUILD_DIR       build directory (default: build)
set -euo pipefail

SOU_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SOU_BUILD_DIR=${SOU_BUILD_DIR:-$SOU_ROOT/build}

packages=(gcc g++ make cmake pkg-config libxapian-dev libevent-dev libjansson-dev check zlib1g-dev libjemalloc2 help2man python3-jieba ${SOU_EXTRA_PACKAGES:-})
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "setup: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S "$SOU_ROOT" -B "$SOU_BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${SOU_CMAKE_FLAGS:-} >/dev/null
cmake --build "$SOU_BUILD_DIR" -j"$(nproc)" -- --no-print-directory >/dev/null
