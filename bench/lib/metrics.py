#!/usr/bin/env python3
"""Relevance and latency figures from the engines' answers, side by side.

usage: metrics.py score --scorer GRADED.PY [--title TEXT] [--json OUT] QUERIES QRELS NAME=ANSWERS...
       metrics.py summary FIGURES.json...

score: QUERIES is "QID<TAB>QUESTION", QRELS "QID<TAB>DOCID<TAB>GRADE" (2 answers it, 1 partly;
a set with one grade counts it as answering).  Each ANSWERS file has one line a question,
"QID<TAB>MICROSECONDS<TAB>ID ID ..." best first (bench/peers/peer_io.h; "-" for
MICROSECONDS when the client did not time it).  The relevance
figures are those of the project's scorer, ../shared/eval/graded.py (GRADED.PY), run on each
engine's answers as its "tsv" run: s1, s3, s10 (a grade-2 document first, in the top 3, in
the top 10), MRR@10 (of the first grade-2 document), nDCG@10 (gains 2^grade - 1) and the
questions with no hit; so the benchmark and the judge cannot disagree.  Latency of one
question (p50, p99, over the questions of QUERIES) is as the answering program measured it.  Prints one table, with each
engine's difference to the first engine (the reference: sou) in s1, MRR@10 and nDCG@10, and
the ratio of the reference's MRR@10 to the engine's; --json writes the figures for summary.
A question missing from an answers file counts as one without a hit, and is reported.

summary: one table of s1 / MRR@10 / nDCG@10, a row a collection, a column an engine, from
the --json files of score runs.
"""
import json
import os
import subprocess
import sys
import tempfile

FIELDS = ("s1", "s3", "s10", "mrr10", "ndcg10", "any1", "nohit")


def load_answers(path):
    """{qid: (microseconds, [ids])} in the file's order."""
    ans = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                sys.exit(f"{path}:{n}: expected QID<TAB>MICROSECONDS<TAB>IDS")
            ids = parts[2].split() if len(parts) > 2 else []
            try:
                us = None if parts[1] == "-" else float(parts[1])
            except ValueError:
                sys.exit(f"{path}:{n}: {parts[1]}: not a number of microseconds (or -)")
            ans[parts[0]] = (us, ids)
    return ans


def graded(scorer, ans, queries, qrels):
    """The figures graded.py gives these answers, as {field: number}."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".tsv", delete=False) as run:
        for qid, (_, ids) in ans.items():
            for rank, d in enumerate(ids[:10], 1):
                run.write(f"{qid}\t{rank}\t{d}\n")
    try:
        out = subprocess.run([sys.executable, scorer, "tsv", run.name, queries, qrels],
                             capture_output=True, text=True)
    finally:
        os.unlink(run.name)
    if out.returncode != 0:
        sys.exit(f"{scorer}: exit {out.returncode}: {out.stderr.strip()}")
    figs = dict(kv.split("=", 1) for kv in out.stdout.split() if "=" in kv)
    try:
        return {k: float(figs[k]) for k in FIELDS + ("n",)}
    except (KeyError, ValueError):
        sys.exit(f"{scorer}: unexpected output: {out.stdout.strip()}")


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(p * (len(sorted_values) - 1) + 0.5))]


def ms(v):
    return "-" if v != v else f"{v:.2f}"  # NaN: not timed


def question_ids(path):
    with open(path, encoding="utf-8") as f:
        return [line.split("\t", 1)[0] for line in f if "\t" in line]


def score(argv):
    scorer = title = out = None
    while argv and argv[0].startswith("--"):
        opt = argv.pop(0)
        if not argv:
            sys.exit(f"{opt} needs a value\n{__doc__}")
        if opt == "--scorer":
            scorer = argv.pop(0)
        elif opt == "--title":
            title = argv.pop(0)
        elif opt == "--json":
            out = argv.pop(0)
        else:
            sys.exit(f"unknown option {opt}\n{__doc__}")
    if not scorer or len(argv) < 3 or any("=" not in a for a in argv[2:]):
        sys.exit(__doc__)
    queries, qrels = argv[0], argv[1]
    qids = question_ids(queries)
    rows = []
    for arg in argv[2:]:
        name, path = arg.split("=", 1)
        ans = load_answers(path)
        f = graded(scorer, ans, queries, qrels)
        lat = sorted(ans[q][0] / 1000.0 for q in qids if q in ans and ans[q][0] is not None)
        f.update(name=name, p50=percentile(lat, 0.5), p99=percentile(lat, 0.99),
                 missing=sum(q not in ans for q in qids))
        rows.append(f)
    ref = rows[0]
    if title:
        print(title)
    print(f"{'engine':<18} {'s1':>6} {'s3':>6} {'s10':>6} {'MRR@10':>7} {'nDCG@10':>7} {'no hit':>6} "
          f"{'p50 ms':>7} {'p99 ms':>7} {'d s1':>7} {'d MRR':>7} {'d nDCG':>7} {'MRR x':>6}")
    for f in rows:
        if f is ref:
            diff = f"{'':>7} {'':>7} {'':>7} {'':>6}"
        else:
            ratio = f"{ref['mrr10'] / f['mrr10']:.2f}" if f["mrr10"] > 0 else "inf"
            diff = (f"{ref['s1'] - f['s1']:>+7.3f} {ref['mrr10'] - f['mrr10']:>+7.3f} "
                    f"{ref['ndcg10'] - f['ndcg10']:>+7.3f} {ratio:>6}")
        print(f"{f['name']:<18} {f['s1']:>6.3f} {f['s3']:>6.3f} {f['s10']:>6.3f} {f['mrr10']:>7.3f} "
              f"{f['ndcg10']:>7.3f} {f['nohit']:>6.0f} {ms(f['p50']):>7} {ms(f['p99']):>7} {diff}".rstrip())
        if f["missing"]:
            print(f"  {f['name']}: {f['missing']} of {len(qids)} questions have no answer line")
    print(f"(d: {ref['name']} minus the engine; MRR x: {ref['name']}'s MRR@10 / the engine's)")
    if out:
        with open(out, "w", encoding="utf-8") as fo:
            json.dump({"title": title or queries, "rows": rows}, fo, ensure_ascii=False)


def summary(paths):
    sets = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            sets.append(json.load(f))
    names = []
    for s in sets:
        names += [r["name"] for r in s["rows"] if r["name"] not in names]
    width = 20
    print(f"{'s1 / MRR@10 / nDCG@10':<24}" + "".join(f"{n[:width]:>{width + 2}}" for n in names))
    for s in sets:
        by = {r["name"]: r for r in s["rows"]}
        cells = [f"{by[n]['s1']:.3f}/{by[n]['mrr10']:.3f}/{by[n]['ndcg10']:.3f}" if n in by else "-"
                 for n in names]
        label = s["title"].split(":", 1)[0]
        print(f"{label[:24]:<24}" + "".join(f"{c:>{width + 2}}" for c in cells))


def main(argv):
    if len(argv) >= 2 and argv[1] == "score":
        score(argv[2:])
    elif len(argv) >= 3 and argv[1] == "summary":
        summary(argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
