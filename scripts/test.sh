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
# The in-process suites also run under valgrind (step 3 below).
SOU_EXTRA_PACKAGES="$SOU_EXTRA_PACKAGES valgrind"
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
build=$SOU_BUILD_DIR

# 1. Every test, in the ordinary build.
(cd "$build" && ctest --output-on-failure -j2 "$@")

# 2. The Check suites and the fuzz corpora again under AddressSanitizer and
#    UndefinedBehaviorSanitizer (a leak, an overflow or undefined behaviour
#    fails the test, in the test programs and in the searchd and indexer they
#    start): clang, in build-asan/, the tree that also holds the libFuzzer
#    harnesses; then each harness fuzzed for SOU_FUZZ_SECONDS (default 10).
#    A small quarantine (ASan keeps freed memory from reuse for a while)
#    so that check_faults' memory bounds measure searchd, not ASan.  The
#    sanitizers make everything 2-3 times slower: the suites' timeouts
#    (which only stop a hung test) are tripled (Check's multiplier).
asan=${SOU_ASAN_BUILD_DIR:-$SOU_ROOT/build-asan}
SOU_FUZZ_BUILD_DIR=$asan "$SOU_ROOT/scripts/fuzz.sh" "${SOU_FUZZ_SECONDS:-10}"
(cd "$asan" && CK_TIMEOUT_MULTIPLIER=3 ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:quarantine_size_mb=8 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ctest --output-on-failure -j2 -L 'check|fuzz')

# 3. The suites that test code in their own process under valgrind's
#    memcheck (uninitialised reads, which ASan does not see; definite leaks).
#    The ones that drive a searchd (check_server, check_operations,
#    check_faults) test another process and are covered by step 2.
valgrind_suites=(check_tokenize check_json_line check_hostport check_readers check_index check_query
                 check_highlight check_search check_shim check_client check_web_assets)
vg_failed=()
for t in "${valgrind_suites[@]}"; do
    log=$build/valgrind-$t.log
    if CK_FORK=no SOU_SOURCE_DIR=$SOU_ROOT SOU_BIN_DIR=$build/bin \
            valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
            "$build/bin/$t" >"$log" 2>&1; then
        echo "valgrind: $t: $(grep -E "^[0-9]+%: Checks" "$log" | tail -1)"
    else
        echo "valgrind: $t: FAILED (log: $log)" >&2
        tail -40 "$log" >&2
        vg_failed+=("$t")
    fi
done
if [ ${#vg_failed[@]} -gt 0 ]; then
    echo "valgrind: ${#vg_failed[@]} of ${#valgrind_suites[@]} suites failed: ${vg_failed[*]}" >&2
    exit 1
fi
echo "test: all passed (ctest, ASan+UBSan, fuzzing, valgrind)"
