#!/usr/bin/env bash
# The static check every change must pass (scripts/test.sh runs it as the
# ctest "lint"): cppcheck over all of sou's C and C++ sources, warnings,
# performance and portability findings, exit status 1 on any.
#   scripts/lint.sh [FILE|DIR]...     (default: everything)
# Suppressed everywhere, with the reason:
#   varFuncNullUB  a NULL sentinel to a variadic function is undefined only
#                  where NULL is a plain 0; glibc's NULL is ((void *)0).
# A finding that is wrong in one place gets an inline comment
# "cppcheck-suppress ID ; why" on the line before.
set -euo pipefail
SOU_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$SOU_ROOT"
command -v cppcheck >/dev/null || { echo "lint: cppcheck not found (apt-get install cppcheck)" >&2; exit 2; }
[ $# -gt 0 ] || set -- indexer searchd shim tests bench/sou_eval.c bench/stress.c bench/peers
includes=()
for d in $(find indexer searchd shim tests/support -name '*.h' -printf '%h\n' | sort -u); do includes+=(-I "$d"); done
if cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability --std=c11 --inline-suppr \
        --suppress=varFuncNullUB -D_GNU_SOURCE -DSOU_VERSION='"lint"' "${includes[@]}" \
        --template='{file}:{line}: {severity}: {message} [{id}]' "$@"; then
    echo "lint: 1 passed, 0 failed"
else
    echo "lint: 0 passed, 1 failed"
    exit 1
fi
