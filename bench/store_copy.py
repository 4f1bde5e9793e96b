"""``kg store copy`` benchmark: the demo graph from the embedded FalkorDB into Neo4j.

Ingests the ``demo`` scenario (seed 1) into a fresh embedded store, then copies it into
the Neo4j at ``--neo4j-url`` (its database is CLEARED first) ``--rounds`` times, and
records per round the wall time, elements per second, whether the graph checksums are
equal (first round) and the load average. Results: ``bench/results/store_copy.json``.

    python bench/store_copy.py [--neo4j-url bolt://127.0.0.1:17687] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from extractors.ingest import graph_checksum, ingest
from kg.store import open_store
from kg.store.copy import copy_graph
from kg.synth.generator import generate

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--neo4j-url", default=os.environ.get("KG_NEO4J_TEST_URL", "bolt://127.0.0.1:17687"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "store_copy.json")
    args = ap.parse_args()
    out: dict = {"graph": "demo", "rounds": []}
    with tempfile.TemporaryDirectory() as tmp:
        generate("demo", 1, Path(tmp) / "scenario")
        with open_store(f"falkordb://{tmp}/graph") as src, open_store(
                args.neo4j_url, user=os.environ.get("KG_NEO4J_USER", "neo4j"),
                password=os.environ.get("KG_NEO4J_PASSWORD", "cluegraph-dev-password")) as dst:
            ingest(src, [Path(tmp) / "scenario"], dataset="demo", quarantine_file=Path(tmp) / "q.jsonl",
                   progress=False)
            for i in range(args.rounds):
                dst.clear()
                load = os.getloadavg()[0]
                t = time.perf_counter()
                s = copy_graph(src, dst)
                wall = time.perf_counter() - t
                r = {"round": i, "nodes": s.nodes, "relationships": s.relationships, "seconds": round(wall, 2),
                     "elements_per_s": round((s.nodes + s.relationships) / wall), "load_before": round(load, 2)}
                if i == 0:
                    r["checksum_equal"] = graph_checksum(src) == graph_checksum(dst)
                out["rounds"].append(r)
                print(json.dumps(r), flush=True)
    out["when"] = time.strftime("%Y-%m-%d %H:%M")
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
