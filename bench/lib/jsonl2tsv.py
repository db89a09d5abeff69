#!/usr/bin/env python3
"""JSONL (id, title, body) on stdin -> Sphinx tsvpipe rows on stdout.

Each row is "N<TAB>TITLE<TAB>BODY" where N is the line's ordinal (Sphinx needs a
positive integer document id); tabs, newlines and other whitespace runs inside
fields become one space, since tsvpipe has no escapes.  A second file, given as
the only argument, receives "N<TAB>ID" to map Sphinx ids back.  A bad line is
reported as "stdin:LINE: ..." on stderr and skipped; the exit status is then 1.
"""
import json
import sys


def main():
    idmap = open(sys.argv[1], "w", encoding="utf-8") if len(sys.argv) > 1 else None
    out = sys.stdout
    bad = 0
    n = 0
    for lineno, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            doc_id, title, body = d["id"], d.get("title", ""), d["body"]
        except (ValueError, KeyError, TypeError) as e:
            print(f"stdin:{lineno}: {e}", file=sys.stderr)
            bad += 1
            continue
        n += 1
        out.write(f"{n}\t{' '.join(str(title).split())}\t{' '.join(str(body).split())}\n")
        if idmap:
            idmap.write(f"{n}\t{doc_id}\n")
    if idmap:
        idmap.close()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
