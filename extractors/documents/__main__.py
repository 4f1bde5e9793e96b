"""``python -m extractors.documents PATH... --jsonl`` (to be wired as ``kg extract``).

Exit status: 0 when every document was extracted, 1 when some were quarantined (their
errors go to stderr as ``[extraction_error] doc: reason``), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from extractors.documents.pipeline import extract_many
from extractors.documents.result import jsonl_lines
from kg.errors import ExtractionError


def _paths(items: Sequence[str]) -> list[Path]:
    out: list[Path] = []
    for it in items:
        p = Path(it)
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*.txt") if q.is_file()))
        else:
            out.append(p)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Extract entities and relations from documents.

    Parameters
    ----------
    argv:
        ``PATH... [--jsonl]``; a directory stands for its ``*.txt`` files.

    Returns
    -------
    int
        Process exit status.
    """
    ap = argparse.ArgumentParser(prog="kg extract", description="Extract entities and relations from case documents.")
    ap.add_argument("paths", nargs="+", help="document files or directories")
    ap.add_argument("--jsonl", action="store_true", help="one JSON object per mention and relation (default)")
    ap.add_argument("--summary", action="store_true", help="print counts per document instead of JSON lines")
    args = ap.parse_args(argv)
    try:
        return _run(args.paths, args.summary)
    except BrokenPipeError:  # output closed early (| head): not an error of ours
        sys.stderr.close()
        return 0


def _run(paths: Sequence[str], summary: bool) -> int:
    failed = 0
    out = sys.stdout
    for res in extract_many(_paths(paths)):
        if isinstance(res, ExtractionError):
            failed += 1
            print(f"[{res.code}] {res.details.get('doc')}: {res.details.get('reason')}", file=sys.stderr)
            continue
        if summary:
            out.write(f"{res.doc_id}\t{len(res.entities)} entities\t{len(res.relations)} relations\n")
        else:
            for line in jsonl_lines(res):
                out.write(line + "\n")
    out.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
