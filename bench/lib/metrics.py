#!/usr/bin/env python3
"""Relevance and latency figures from the engines' answers, side by side.

usage: metrics.py QRELS NAME=ANSWERS [NAME=ANSWERS ...]

QRELS is "QID<TAB>DOCID<TAB>GRADE" (grade > 0 is relevant).  Each ANSWERS file has one
line a question, "QID<TAB>MICROSECONDS<TAB>ID ID ..." best first (bench/peers/peer_io.h).
Prints, per engine: questions answered, success@1, success@10, MRR@10, questions with no
hit, and the latency of one question (p50, p99, mean) as the answering program measured
it.  A question of the qrels missing from an answers file counts as a miss with no hit,
and is reported.  The first engine is the reference for the ratio columns.
"""
import sys


def load_qrels(path):
    rel = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                sys.exit(f"{path}:{n}: expected QID<TAB>DOCID[<TAB>GRADE]")
            grade = int(parts[2]) if len(parts) > 2 and parts[2] else 1
            if grade > 0:
                rel.setdefault(parts[0], set()).add(parts[1])
    return rel


def load_answers(path):
    ans = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                sys.exit(f"{path}:{n}: expected QID<TAB>MICROSECONDS<TAB>IDS")
            ids = parts[2].split() if len(parts) > 2 else []
            ans[parts[0]] = (float(parts[1]), ids)
    return ans


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(p * (len(sorted_values) - 1) + 0.5))]


def figures(rel, ans):
    s1 = s10 = mrr = 0.0
    nohit = missing = 0
    for qid, good in rel.items():
        if qid not in ans:
            missing += 1
            nohit += 1
            continue
        ids = ans[qid][1][:10]
        if not ids:
            nohit += 1
        for rank, d in enumerate(ids, 1):
            if d in good:
                s1 += rank == 1
                s10 += 1
                mrr += 1.0 / rank
                break
    n = len(rel)
    lat = sorted(us / 1000.0 for us, _ in ans.values())
    return {
        "n": n, "answered": len(ans), "missing": missing, "s1": s1 / n, "s10": s10 / n,
        "mrr": mrr / n, "nohit": nohit, "p50": percentile(lat, 0.5), "p99": percentile(lat, 0.99),
        "mean": sum(lat) / len(lat) if lat else float("nan"),
    }


def main(argv):
    if len(argv) < 3 or any("=" not in a for a in argv[2:]):
        sys.exit(__doc__)
    rel = load_qrels(argv[1])
    rows = []
    for arg in argv[2:]:
        name, path = arg.split("=", 1)
        rows.append((name, figures(rel, load_answers(path))))
    ref = rows[0][1]
    print(f"{'engine':<16} {'questions':>9} {'success@1':>9} {'success@10':>10} {'MRR@10':>7} "
          f"{'no hit':>6} {'p50 ms':>7} {'p99 ms':>7} {'mean ms':>7}  {rows[0][0]}/engine MRR")
    for name, f in rows:
        ratio = ref["mrr"] / f["mrr"] if f["mrr"] > 0 else float("inf")
        print(f"{name:<16} {f['answered']:>9} {f['s1']:>9.3f} {f['s10']:>10.3f} {f['mrr']:>7.3f} "
              f"{f['nohit']:>6} {f['p50']:>7.2f} {f['p99']:>7.2f} {f['mean']:>7.2f}  {ratio:.2f}")
        if f["missing"]:
            print(f"  {name}: {f['missing']} of {f['n']} questions have no answer line")


if __name__ == "__main__":
    main(sys.argv)
