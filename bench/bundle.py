"""Benchmark: time and size of an evidence bundle of a 500-node FinBench subgraph.

Loads the FinBench snapshot into a fresh embedded FalkorDB store, takes the
neighbourhood of the busiest account (node limit 500), and builds a signed bundle
several times; prints the result and writes ``bench/results/bundle.json``.

Run: ``python3 bench/bundle.py [--repeat 5] [--data DIR]``. Target: under 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg import __version__  # noqa: E402
from kg.bundle import BundleSettings, ExportPolicy, select_entities, verify_bundle, write_bundle  # noqa: E402
from kg.datasets import finbench_dir, load_mapped_dataset  # noqa: E402
from kg.store import open_store  # noqa: E402


def busiest_account(store) -> str:  # noqa: ANN001
    """The BankAccount with most transfers (in + out), ties by uid."""
    rows = store.query("MATCH (a:BankAccount)-[t:TRANSFERRED_TO]-() WITH a, count(t) AS d "
                       "RETURN a.uid AS uid, d ORDER BY d DESC, uid LIMIT 1")
    return rows[0]["uid"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--limit", type=int, default=500)
    ap.add_argument("--depth", type=int, default=2, help="2 already reaches the 500-node limit on FinBench")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "bundle.json")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmpp = Path(tmp)
        settings = BundleSettings(data_dir=tmpp / "keys")
        key = Ed25519PrivateKey.generate()
        with open_store(f"falkordb://{tmpp / 'graph'}") as store:
            store.apply_schema()
            t0 = time.perf_counter()
            load_mapped_dataset(store, "finbench", args.data or finbench_dir())
            load_s = time.perf_counter() - t0
            uid = busiest_account(store)
            t0 = time.perf_counter()
            sel = select_entities(store, [uid], depth=args.depth, limit=args.limit)
            select_s = time.perf_counter() - t0
            builds = []
            totals = []
            t0 = time.perf_counter()  # cold: first build in the process (imports pyvis, jinja, networkx)
            write_bundle(store, sel, tmpp / "cold.zip", key=key, settings=settings,
                         created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), created_by="bench")
            cold_s = time.perf_counter() - t0
            res = None
            for i in range(args.repeat):
                t0 = time.perf_counter()
                sel = select_entities(store, [uid], depth=args.depth, limit=args.limit)
                t1 = time.perf_counter()
                res = write_bundle(store, sel, tmpp / f"b{i}.zip", key=key, settings=settings,
                                   policy=ExportPolicy(role="analyst"),
                                   created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), created_by="bench")
                t2 = time.perf_counter()
                builds.append(t2 - t1)
                totals.append(t2 - t0)
            assert res is not None
            t0 = time.perf_counter()
            rep = verify_bundle(res.path)
            verify_s = time.perf_counter() - t0
            with zipfile.ZipFile(res.path) as zf:
                sizes = {i.filename: {"bytes": i.file_size, "compressed": i.compress_size} for i in zf.infolist()}
            backend = store.server_version()
    result = {
        "what": f"evidence bundle of the neighbourhood (depth {args.depth}, node limit {args.limit}) of the busiest FinBench account",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "tool": __version__, "backend": backend,
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "nodes": res.manifest["counts"]["nodes"], "relationships": res.manifest["counts"]["relationships"],
        "facts": res.manifest["counts"]["facts"], "sources": res.manifest["counts"]["sources"],
        "load_seconds": round(load_s, 2), "select_seconds_first": round(select_s, 4),
        "build_seconds": {"median": round(statistics.median(builds), 4), "min": round(min(builds), 4),
                          "max": round(max(builds), 4), "runs": len(builds)},
        "select_plus_build_seconds_median": round(statistics.median(totals), 4),
        "first_build_seconds_cold": round(cold_s, 4),
        "load_average_1min": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
        "verify_seconds": round(verify_s, 4), "verify_ok": rep.ok,
        "zip_bytes": res.size, "files": sizes, "target_seconds": 1.0,
        "meets_target": {"build": statistics.median(builds) < 1.0,
                         "select_plus_build": statistics.median(totals) < 1.0},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "files"}, ensure_ascii=False, indent=1))
    print("bundle files (bytes / compressed):")
    for name, sz in sorted(sizes.items(), key=lambda kv: -kv[1]["bytes"]):
        print(f"  {name:48s} {sz['bytes']:>9d} {sz['compressed']:>9d}")


if __name__ == "__main__":
    main()
