# bench/lib/corpus.sh: the relevance collections and their cached indexes, shared by
# bench/relevance, bench/query and bench/cluster (sourced after common.sh).
#
# rel_set NAME chooses a collection (each is indexed alone); sourcing this file chooses cmrc:
#   cmrc      ../shared/eval/cmrc2018/corpus.jsonl (1,104 Wikipedia passages) plus the
#             75,055 xwlb news stories as distractors (REL_DISTRACTORS=none: without);
#             1,000 questions, one right passage each
#   gd        ../shared/corpora/gd_gov_services.jsonl.gz (2,262 service guides);
#             ../shared/eval/gd: 40 questions, graded 2 / 1
#   laws      ../shared/corpora/laws.jsonl.gz (3,475 laws, long); ../shared/eval/laws
#   combined  gd + laws + the seed articles (../shared/seeds) in one index, where short
#             guides and long laws compete; the questions and judgments of gd and laws
#             together (written under $BENCH_DIR/relevance/sets)
# and sets REL_SET, REL_TITLE (one line naming it), REL_INPUTS (the input paths, as the
# indexer takes them), REL_QUERIES (qid<TAB>question), REL_QRELS (qid<TAB>docid<TAB>grade)
# and REL_PARTS ("name|queries|qrels" of the sets whose questions a combined set joins: its
# figures are given for each too, since the targets are the parts' own);
# REL_CORPUS stays cmrc2018's corpus (bench/query and bench/cluster name it).
#
# bench_relevance_index ENGINE (sou, lucene, bigram, xapian, fts5) sets REL_DB to the
# engine's index of the current collection under $BENCH_DIR/relevance/, building it if it is
# missing.  The directory's name carries a key of the inputs (path, size, mtime of each
# file, those under a directory included) and of the programs that build it (content hash;
# for sou also the synonym list a new index gets), so a changed indexer or input rebuilds it
# and the older index of that collection and engine is removed.  REL_REBUILD=1 (--rebuild)
# rebuilds it anyway.  The peers read JSONL; an input that is not JSONL (the seed articles)
# is given to them through sou_docs, as sou's own readers see it.

REL_REBUILD=${REL_REBUILD:-0}
REL_DISTRACTORS=${REL_DISTRACTORS:-$SHARED/corpora/xwlb.jsonl.gz}
REL_CORPUS=$SHARED/eval/cmrc2018/corpus.jsonl
REL_SETS_ALL="cmrc gd laws combined"

rel_set() {
    local eval=$SHARED/eval
    REL_SET=$1
    REL_PARTS=()
    case "$1" in
        cmrc)
            REL_INPUTS=("$REL_CORPUS")
            [ "$REL_DISTRACTORS" = none ] || REL_INPUTS+=("$REL_DISTRACTORS")
            REL_QUERIES=$eval/cmrc2018/queries.tsv
            REL_QRELS=$eval/cmrc2018/qrels.tsv
            REL_TITLE="cmrc: CMRC 2018 (1,104 passages) + $([ "$REL_DISTRACTORS" = none ] && echo "no distractors" ||
                echo "$(basename "$REL_DISTRACTORS") distractors")"
            ;;
        gd)
            REL_INPUTS=("$SHARED/corpora/gd_gov_services.jsonl.gz")
            REL_QUERIES=$eval/gd/queries.tsv
            REL_QRELS=$eval/gd/qrels.tsv
            REL_TITLE="gd: Guangdong service guides alone"
            ;;
        laws)
            REL_INPUTS=("$SHARED/corpora/laws.jsonl.gz")
            REL_QUERIES=$eval/laws/queries.tsv
            REL_QRELS=$eval/laws/qrels.tsv
            REL_TITLE="laws: laws and regulations alone"
            ;;
        combined)
            REL_INPUTS=("$SHARED/corpora/gd_gov_services.jsonl.gz" "$SHARED/corpora/laws.jsonl.gz" "$SHARED/seeds")
            local d=$BENCH_DIR/relevance/sets
            mkdir -p "$d"
            cat "$eval/gd/queries.tsv" "$eval/laws/queries.tsv" >"$d/combined.queries.tsv"
            cat "$eval/gd/qrels.tsv" "$eval/laws/qrels.tsv" >"$d/combined.qrels.tsv"
            REL_QUERIES=$d/combined.queries.tsv
            REL_QRELS=$d/combined.qrels.tsv
            REL_PARTS=("gd|$eval/gd/queries.tsv|$eval/gd/qrels.tsv" "laws|$eval/laws/queries.tsv|$eval/laws/qrels.tsv")
            REL_TITLE="combined: gd + laws + the seed articles in one index, the questions of gd and laws"
            ;;
        *) bench_die "unknown collection $1 (one of: $REL_SETS_ALL)" ;;
    esac
}
rel_set cmrc

# The current collection's inputs, one a line (bench/cluster reads them so).
rel_inputs() { printf '%s\n' "${REL_INPUTS[@]}"; }

# Streams the current collection's documents as JSONL, for the peers' "index" mode.
rel_docs() {
    local f
    for f in "${REL_INPUTS[@]}"; do
        case "$f" in
            *.jsonl|*.jsonl.gz) bench_cat "$f" ;;
            *) "$BIN/sou_docs" "$f" ;;
        esac
    done
}

# Whether the current collection has an input the peers read through sou_docs.
rel_needs_sou_docs() {
    local f
    for f in "${REL_INPUTS[@]}"; do
        case "$f" in *.jsonl|*.jsonl.gz) ;; *) return 0 ;; esac
    done
    return 1
}

bench_relevance_index() {
    local e=$1 prog key dir log f keyed
    for f in "${REL_INPUTS[@]}" "$REL_QUERIES" "$REL_QRELS"; do
        [ -r "$f" ] || bench_die "$f: cannot read"
    done
    case "$e" in
        sou) prog=$BIN/indexer ;;
        lucene) prog=$BIN/lucene_cjk ;;
        bigram) prog=$BIN/xapian_bigram ;;
        xapian) prog=$BIN/xapian_cjk ;;
        fts5) prog=$BIN/fts5 ;;
        *) bench_die "unknown engine $e" ;;
    esac
    [ -x "$prog" ] || bench_die "$prog is not built"
    keyed=("${REL_INPUTS[@]}" "$prog")
    if [ "$e" = sou ]; then
        keyed+=("$SOU_ROOT/indexer/synonyms.txt")
    elif rel_needs_sou_docs; then
        [ -x "$BIN/sou_docs" ] || bench_die "$BIN/sou_docs is not built (the peers read the seed articles through it)"
        keyed+=("$BIN/sou_docs")
    fi
    key=$(bench_key "${keyed[@]}")
    dir=$BENCH_DIR/relevance/$REL_SET-$e-$key
    log=$dir.log
    REL_DB=$dir/db
    if [ "$REL_REBUILD" = 1 ] || [ ! -e "$dir/complete" ]; then
        rm -rf "$BENCH_DIR/relevance/$REL_SET-$e-"*
        mkdir -p "$dir"
        : >"$log"
        bench_note "$e: indexing $REL_SET: $(printf '%s ' "${REL_INPUTS[@]}")(log: $log)"
        local t0 rc=0
        t0=$(date +%s)
        case "$e" in
            sou) "$prog" --db "$REL_DB" "${REL_INPUTS[@]}" >"$log" 2>&1 || rc=$? ;;
            *) "$prog" index "$REL_DB" < <(rel_docs 2>>"$log") >>"$log" 2>&1 || rc=$? ;;
        esac
        [ "$rc" = 0 ] || bench_die "$e: indexing $REL_SET failed (exit $rc): $(tail -3 "$log")"
        echo "$(($(date +%s) - t0))" >"$dir/complete"
        bench_note "$e: indexed $REL_SET in $(cat "$dir/complete") s, $(bench_du_mb "$REL_DB") MB"
    fi
}
