"""Benchmark: characters per second per core of the document pipeline over the CAIL passages.

Runs the full pipeline (tokenizer, entity components, relations, result building and
statements) over every passage of ``../shared/data/cail2018-dev`` in one process (one
core), a few rounds after a warm-up, and reports the best and median rounds. Writes
``bench/results/extract.json``.

Usage::

    python bench/extract.py [--rounds 3] [--target 60000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.documents import EXTRACTOR, extract_text, get_nlp  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "cail2018-dev"
OUT = ROOT / "bench" / "results" / "extract.json"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the results file."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--target", type=float, default=60_000.0)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(args.data.glob("d*.txt"))]
    chars = sum(len(t) for _, t in texts)
    t0 = time.perf_counter()
    nlp = get_nlp()
    build_s = time.perf_counter() - t0
    for doc_id, text in texts[:10]:  # warm-up (lazy imports, regex caches)
        extract_text(text, doc_id, nlp=nlp).statements()
    rounds: list[float] = []
    n_ents = n_rels = n_stmts = 0
    for _ in range(args.rounds):
        c0 = time.process_time()
        w0 = time.perf_counter()
        n_ents = n_rels = n_stmts = 0
        for doc_id, text in texts:
            res = extract_text(text, doc_id, nlp=nlp)
            n_ents += len(res.entities)
            n_rels += len(res.relations)
            n_stmts += len(res.statements())
        cpu = time.process_time() - c0
        wall = time.perf_counter() - w0
        rounds.append(chars / max(cpu, 1e-9))
        del wall
    best, median = max(rounds), statistics.median(rounds)
    result = {
        "benchmark": "document extraction, characters per second per core (CPU time of one process)",
        "extractor": EXTRACTOR,
        "passages": len(texts),
        "chars": chars,
        "rounds": args.rounds,
        "chars_per_sec_per_core_best": round(best),
        "chars_per_sec_per_core_median": round(median),
        "target": args.target,
        "meets_target": median >= args.target,
        "pipeline_build_s": round(build_s, 2),
        "entities": n_ents,
        "relations": n_rels,
        "statements": n_stmts,
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{len(texts)} passages, {chars} chars: median {median:,.0f} chars/s/core (best {best:,.0f}); "
          f"target {args.target:,.0f}: {'met' if result['meets_target'] else 'NOT met'}")
    print(f"entities {n_ents}, relations {n_rels}, statements {n_stmts}; pipeline built in {build_s:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
