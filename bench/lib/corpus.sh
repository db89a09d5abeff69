# bench/lib/corpus.sh: the relevance corpus (CMRC 2018 + xwlb distractors) and its
# cached indexes, shared by bench/relevance and bench/query (sourced after common.sh).
#
#   REL_CORPUS        ../shared/eval/cmrc2018/corpus.jsonl (1,104 articles)
#   REL_DISTRACTORS   ../shared/corpora/xwlb.jsonl.gz (75,055 news stories), or none
#   REL_QUERIES       queries.tsv (1,000 questions), REL_QRELS qrels.tsv
#   REL_REBUILD=1     rebuild the cached indexes
# bench_relevance_index ENGINE (sou, lucene, xapian, fts5) sets REL_DB to the engine's
# index under $BENCH_DIR/relevance/, building it if it is missing: the directory's name
# carries a key of the inputs (path, size, mtime).  A new build of an engine does not
# invalidate its index (sou's indexer is rebuilt whenever any library changes, and its
# index takes minutes): pass --rebuild (REL_REBUILD=1) after changing how it indexes.

REL_EVAL=$SHARED/eval/cmrc2018
REL_CORPUS=$REL_EVAL/corpus.jsonl
REL_DISTRACTORS=${REL_DISTRACTORS:-$SHARED/corpora/xwlb.jsonl.gz}
REL_QUERIES=$REL_EVAL/queries.tsv
REL_QRELS=$REL_EVAL/qrels.tsv
REL_REBUILD=${REL_REBUILD:-0}

rel_inputs() {
    echo "$REL_CORPUS"
    [ "$REL_DISTRACTORS" = none ] || echo "$REL_DISTRACTORS"
}

bench_relevance_index() {
    local e=$1 prog key dir log inputs
    mapfile -t inputs < <(rel_inputs)
    for f in "${inputs[@]}" "$REL_QUERIES" "$REL_QRELS"; do
        [ -r "$f" ] || bench_die "$f: cannot read"
    done
    case "$e" in
        sou) prog=$BIN/indexer ;;
        lucene) prog=$BIN/lucene_cjk ;;
        xapian) prog=$BIN/xapian_cjk ;;
        fts5) prog=$BIN/fts5 ;;
        *) bench_die "unknown engine $e" ;;
    esac
    [ -x "$prog" ] || bench_die "$prog is not built"
    key=$(bench_key "${inputs[@]}")
    dir=$BENCH_DIR/relevance/$e-$key
    log=$dir.log
    REL_DB=$dir/db
    if [ "$REL_REBUILD" = 1 ] || [ ! -e "$dir/complete" ]; then
        rm -rf "$dir"
        mkdir -p "$dir"
        bench_note "$e: indexing $(printf '%s ' "${inputs[@]}")(log: $log)"
        local t0 rc=0
        t0=$(date +%s)
        case "$e" in
            sou) "$prog" --db "$REL_DB" "${inputs[@]}" >"$log" 2>&1 || rc=$? ;;
            *) "$prog" index "$REL_DB" < <(bench_cat "${inputs[@]}") >"$log" 2>&1 || rc=$? ;;
        esac
        [ "$rc" = 0 ] || bench_die "$e: indexing failed (exit $rc): $(tail -3 "$log")"
        echo "$(($(date +%s) - t0))" >"$dir/complete"
        bench_note "$e: indexed in $(cat "$dir/complete") s, $(bench_du_mb "$REL_DB") MB"
    fi
}
