#!/usr/bin/env bash
# Fuzz sou's parsers and text routines (tests/fuzz, one libFuzzer harness
# each) under AddressSanitizer and UndefinedBehaviorSanitizer:
#   scripts/fuzz.sh [SECONDS] [HARNESS...]
# builds the harnesses with clang into build-asan/ (SOU_FUZZ_BUILD_DIR
# overrides), then runs each for SECONDS (default 60) on one core, starting
# from its committed seeds (tests/fuzz/corpus/<harness>/, never written to;
# what it finds on the way is kept in build-asan/fuzz-corpus/).  Exit status
# 1 when any harness found a crash, a leak, undefined behaviour or a broken
# promise: the input is saved as build-asan/fuzz-findings/<harness>/crash-*;
# copy it into tests/fuzz/corpus/<harness>/ when fixing, so it replays in
# every test run.  scripts/test.sh runs this with a short budget.
set -euo pipefail
SOU_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-60}
[ $# -gt 0 ] && shift
case "$seconds" in ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [HARNESS...]" >&2; exit 2;; esac
build=${SOU_FUZZ_BUILD_DIR:-$SOU_ROOT/build-asan}

# clang and its runtimes (libFuzzer, ASan, UBSan) from Debian, then sou's
# own packages; SOU_BUILD_DIR makes setup.sh configure and build this tree.
export SOU_EXTRA_PACKAGES="${SOU_EXTRA_PACKAGES:-} clang libclang-rt-14-dev"
export CC=clang CXX=clang++
export SOU_BUILD_DIR=$build
export SOU_CMAKE_FLAGS="-DSOU_SANITIZE=ON -DSOU_FUZZ=ON -DSOU_MAN=OFF"
source "$SOU_ROOT/scripts/setup.sh"

read -r -a all < "$build/tests/fuzz/harnesses.txt"
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=("${all[@]}")
# halt_on_error: the first report is a finding; detect_leaks: so is a leak.
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
failed=()
for h in "${harnesses[@]}"; do
    seeds=$SOU_ROOT/tests/fuzz/corpus/$h
    work=$build/fuzz-corpus/$h
    findings=$build/fuzz-findings/$h
    [ -x "$build/bin/$h" ] || { echo "fuzz: no harness $h (have: ${all[*]})" >&2; exit 2; }
    mkdir -p "$work" "$findings"
    log=$build/fuzz-findings/$h.log
    # -max_len: the seeds' size or 4 KiB; -timeout: one input over 10 s is a hang;
    # -rss_limit_mb: one input over 2 GB is unbounded memory.
    if nice "$build/bin/$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
            -print_final_stats=1 -artifact_prefix="$findings/" "$work" "$seeds" >"$log" 2>&1; then
        stats=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
        cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
        echo "fuzz: $h: ok, ${stats:-?} inputs in ${seconds} s, ${cov:-cov: ?}"
    else
        echo "fuzz: $h: FAILED; the input is in $findings/, the report:" >&2
        grep -E 'FUZZ_CHECK|ERROR:|runtime error|SUMMARY|^ +#[0-9]+ ' "$log" |
            grep -vE 'fuzzer::|libc|_start|__sanitizer|in abort|raise' | head -20 >&2 || true
        failed+=("$h")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: ${#failed[@]} of ${#harnesses[@]} harnesses found something: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: ${#harnesses[@]} harnesses, ${seconds} s each, nothing found"
