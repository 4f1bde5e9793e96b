"""Benchmark: rows per second of the record mappings (demo scenario) into the embedded store.

Run ``python bench/ingest_records.py [--scale demo] [--seed 7]``; prints the result and
writes ``bench/results/ingest_records.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.ingest import graph_checksum, ingest  # noqa: E402
from kg.store import open_store  # noqa: E402
from kg.synth import generate  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Generate a scenario, ingest its records into a fresh embedded store, report rows/s."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", default="demo")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--chunk-size", type=int, default=5000)
    ap.add_argument("--amlsim", default=str(ROOT.parent / "shared" / "data" / "amlsim" / "20K_cycle200"),
                    help="AMLSim sample folder measured as well ('' to skip)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "ingest_records.json"))
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kg-bench-ingest-") as tmp:
        scen = Path(tmp) / "scenario"
        generate(args.scale, args.seed, scen)
        store = open_store(f"falkordb://{Path(tmp) / 'graph'}")
        try:
            store.clear()
            t0 = time.perf_counter()
            s = ingest(store, [scen / "records"], dataset="bench", progress=False, chunk_size=args.chunk_size)
            first = time.perf_counter() - t0
            t1 = time.perf_counter()
            ingest(store, [scen / "records"], dataset="bench", progress=False, chunk_size=args.chunk_size)
            rerun = time.perf_counter() - t1
            checksum = graph_checksum(store)
            aml: dict[str, object] | None = None
            if args.amlsim and Path(args.amlsim).is_dir():
                t2 = time.perf_counter()
                a = ingest(store, [args.amlsim], dataset="amlsim", progress=False, chunk_size=args.chunk_size)
                sec = time.perf_counter() - t2
                aml = {"folder": Path(args.amlsim).name, "rows": a.records_read, "seconds": round(sec, 3),
                       "rows_per_second": round(a.records_read / sec, 1), "entities": a.entities,
                       "relationships": a.relationships}
        finally:
            store.close()
    result = {
        "benchmark": "ingest_records",
        "scale": args.scale,
        "seed": args.seed,
        "store": "falkordb (embedded)",
        "rows": s.records_read,
        "statements": s.statements,
        "entities": s.entities,
        "relationships": s.relationships,
        "quarantined": s.quarantined,
        "seconds_first_load": round(first, 3),
        "rows_per_second_first_load": round(s.records_read / first, 1),
        "statements_per_second_first_load": round(s.statements / first, 1),
        "seconds_rerun": round(rerun, 3),
        "rows_per_second_rerun": round(s.records_read / rerun, 1),
        "per_mapping_rows": s.by_mapping,
        "amlsim": aml,
        "graph_checksum": checksum,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus_note": "2 cores shared with other jobs",
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
