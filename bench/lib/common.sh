# bench/lib/common.sh: shared by bench/index, bench/relevance and bench/query (sourced).
#
# Environment:
#   SOU_BENCH_DIR    scratch directory for indexes and answers (default /tmp/sou-bench);
#                    indexes are cached there, keyed by their input and by the program
#                    that built them, until --rebuild
#   SOU_BENCH_BUILD  build directory (default <repo>/build-bench, configured with
#                    -DSOU_BUILD_BENCH=ON)
#   SOU_BENCH_PORT   searchd listens on 127.0.0.1 at this port (HTTP) and the next (line
#                    protocol); default: free ports the kernel picks
# Nothing is ever written under /work/shared or the repository's source files.

SOU_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR=${SOU_BENCH_DIR:-/tmp/sou-bench}
BENCH_BUILD=${SOU_BENCH_BUILD:-$SOU_ROOT/build-bench}
BIN=$BENCH_BUILD/bin
SHARED=$(realpath -m "${SOU_SHARED_DIR:-$SOU_ROOT/../shared}")
BENCH_PACKAGES="liblucene++-dev libboost-dev libsqlite3-dev sphinxsearch xapian-tools wrk python3 time"
BENCH_PIDS=()

bench_die() { echo "$(basename "$0"): $*" >&2; exit 1; }
bench_note() { echo "# $*" >&2; }

case "$(realpath -m "$BENCH_DIR")/" in
    "$(realpath -m "$SHARED")"/*) bench_die "SOU_BENCH_DIR must not be under $SHARED" ;;
esac
mkdir -p "$BENCH_DIR" || bench_die "cannot create $BENCH_DIR"

# Stops the processes this script started (by pid) when it exits.
bench_cleanup() {
    local p
    for p in "${BENCH_PIDS[@]}"; do
        kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true
    done
    BENCH_PIDS=()
    return 0
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# Installs the peers' packages and builds sou and the peers.  If sou itself does
# not build (it is young), the peers are built alone and sou's rows say so.
bench_build() {
    local log=$BENCH_DIR/build.log
    bench_note "building sou and the peers into $BENCH_BUILD (log: $log)"
    if ! SOU_EXTRA_PACKAGES="$BENCH_PACKAGES" SOU_BUILD_DIR="$BENCH_BUILD" \
         SOU_CMAKE_FLAGS="-DSOU_BUILD_BENCH=ON" bash "$SOU_ROOT/scripts/setup.sh" >"$log" 2>&1; then
        bench_note "the full build failed (see $log); building the peers alone"
        cmake --build "$BENCH_BUILD" -j"$(nproc)" --target xapian_cjk lucene_cjk fts5 lineclient \
            >>"$log" 2>&1 || bench_die "the peers do not build: see $log"
        # These two link sou's own libraries (tokenizer, readers): they may fail with it.
        cmake --build "$BENCH_BUILD" -j"$(nproc)" --target xapian_bigram sou_docs >>"$log" 2>&1 || true
    fi
    for p in xapian_cjk lucene_cjk fts5 lineclient; do
        [ -x "$BIN/$p" ] || bench_die "$BIN/$p was not built: see $log"
    done
}

have_sou_indexer() { [ -x "$BIN/indexer" ]; }
have_sou_searchd() { [ -x "$BIN/searchd" ]; }

# Prints a short key naming the inputs given (path, size, mtime; for a directory, of
# every file under it) and the programs given (content hash), so a cached index is
# reused only for the same of both.
bench_key() {
    local f
    for f in "$@"; do
        if [ -x "$f" ] && [ -f "$f" ]; then
            sha1sum "$f" | cut -c1-12
        elif [ -d "$f" ]; then
            find -L "$f" -type f -printf '%p %s %T@\n' | LC_ALL=C sort
        else
            stat -L -c '%n %s %Y' "$f"
        fi
    done | sha1sum | cut -c1-12
}

# Uncompressed size in bytes of JSONL inputs (.gz or plain), cached by key.
bench_json_bytes() {
    local key cache
    key=$(bench_key "$@")
    cache=$BENCH_DIR/bytes-$key
    if [ ! -s "$cache" ]; then
        local f
        for f in "$@"; do
            case "$f" in *.gz) zcat "$f" ;; *) cat "$f" ;; esac
        done | wc -c >"$cache"
    fi
    cat "$cache"
}

# Streams JSONL inputs (.gz or plain) to stdout.
bench_cat() {
    local f
    for f in "$@"; do
        case "$f" in *.gz) zcat "$f" ;; *) cat "$f" ;; esac
    done
}

# bench_measure TIMEFILE CMD...: runs CMD under GNU time; sets MEASURED_SECONDS (wall),
# MEASURED_CPU (user + system seconds of CMD and its children: unlike wall time, not
# inflated by other work on the machine) and MEASURED_RSS_MB (peak RSS of CMD, MB) and
# returns CMD's status.
bench_measure() {
    local tf=$1 t0 t1 rc=0
    shift
    t0=$(date +%s.%N)
    /usr/bin/time -v -o "$tf" "$@" || rc=$?
    t1=$(date +%s.%N)
    MEASURED_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
    MEASURED_CPU=$(awk -F': ' '/User time|System time/ {t += $2} END {printf "%.1f", t}' "$tf")
    MEASURED_RSS_MB=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 * 1024 / 1e6}' "$tf")
    return $rc
}

# Size of a file or directory in MB (10^6 bytes, as every MB in the benchmarks).
bench_du_mb() { du -sb "$1" | awk '{printf "%.1f", $1 / 1e6}'; }

# bench_start_searchd DB: starts searchd on loopback (ports SOU_BENCH_PORT and the next
# one if set, else free ones); sets SEARCHD_PID, SEARCHD_HTTP and SEARCHD_LINE (host:port).
bench_start_searchd() {
    local db=$1 out=$BENCH_DIR/searchd.out i http=0 line=0
    if [ -n "${SOU_BENCH_PORT:-}" ]; then
        http=$SOU_BENCH_PORT
        line=$((SOU_BENCH_PORT + 1))
    fi
    : >"$out"
    "$BIN/searchd" --db "$db" --http "127.0.0.1:$http" --line "127.0.0.1:$line" >"$out" 2>"$BENCH_DIR/searchd.err" &
    SEARCHD_PID=$!
    BENCH_PIDS+=("$SEARCHD_PID")
    for i in $(seq 1 300); do
        if grep -q '^searchd: http ' "$out"; then
            SEARCHD_HTTP=$(awk '/^searchd: http / {print $3; exit}' "$out")
            SEARCHD_LINE=$(awk '/^searchd: http / {print $5; exit}' "$out")
            return 0
        fi
        kill -0 "$SEARCHD_PID" 2>/dev/null || break
        sleep 0.1
    done
    bench_die "searchd did not start (see $BENCH_DIR/searchd.err): $(tail -3 "$BENCH_DIR/searchd.err")"
}

bench_stop_searchd() {
    [ -n "${SEARCHD_PID:-}" ] || return 0
    kill "$SEARCHD_PID" 2>/dev/null
    wait "$SEARCHD_PID" 2>/dev/null || true
    local keep=() p
    for p in "${BENCH_PIDS[@]}"; do
        [ "$p" = "$SEARCHD_PID" ] || keep+=("$p")
    done
    BENCH_PIDS=("${keep[@]}")
    SEARCHD_PID=
}

# One line naming the date, the machine and its load (other work on the cores skews figures).
bench_machine() {
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(free -g | awk '/Mem:/ {print $2}') GB RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
