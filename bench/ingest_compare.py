"""Old vs new ingest: same graph (canonical fingerprint) and rows/s, interleaved in one run.

Generates a scenario (``kg.synth``, default ``demo``), then on each backend ingests it
(records and documents, like the main job: :func:`extractors.ingest.ingest` on the
scenario folder) with the code of an older tree (``--old``, e.g. a ``git archive`` of
the commit before the change) and with this tree, alternately (old, new, old, new ...),
each into an empty graph, in its own process. After every ingest this tree's
:func:`extractors.ingest.graph_checksum` is taken over the whole graph (every node and
relationship with labels, keys, properties, ``_src``/``_ds`` provenance and
per-property refs): all must be equal. A second ingest of the same files into the same
graph must leave the checksum unchanged (idempotence).

Reports wall seconds, rows/s, client CPU seconds (the ingesting process and, for the
embedded FalkorDB, its server child) and Neo4j server CPU seconds, with ``uptime`` load
averages; writes ``bench/results/ingest_compare.json``.

    git archive <old-commit> | tar -x -C /tmp/old
    python bench/ingest_compare.py --old /tmp/old [--scale demo] [--people N] [--rounds 2]
        [--backends falkordb,neo4j] [--neo4j-url bolt://127.0.0.1:17687]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.procstat import proc_cpu  # noqa: E402
from extractors.ingest import graph_checksum  # noqa: E402
from kg.store import open_store  # noqa: E402

#: run in a child process with PYTHONPATH set to the tree under test
CHILD = r"""
import json, os, sys, time
sys.path.insert(0, os.path.join(os.environ["KG_TREE"], "bench"))
from procstat import tree_cpu
from extractors.ingest import ingest
from kg.store import open_store
url, scen, again = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
kw = {} if url.startswith("falkordb") else {"user": os.environ.get("KG_NEO4J_USER", "neo4j"),
      "password": os.environ.get("KG_NEO4J_PASSWORD", "cluegraph-dev-password")}
st = open_store(url, **kw)
if not again:
    st.clear()
c0, t0 = tree_cpu(os.getpid()), time.perf_counter()
s = ingest(st, [scen], dataset="demo", progress=False)
out = {"seconds": time.perf_counter() - t0, "client_cpu": tree_cpu(os.getpid()) - c0, "rows": s.records_read,
       "entities": s.entities, "relationships": s.relationships, "quarantined": s.quarantined}
st.close()
print(json.dumps(out))
"""


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _neo4j_pid() -> int | None:
    home = os.environ.get("NEO4J_LOCAL_HOME")
    p = Path(home) / "run" / "neo4j.pid" if home else None
    return int(p.read_text()) if p and p.exists() else None


def run_one(tree: Path, url: str, scen: Path, again: bool = False) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(tree), KG_TREE=str(tree))
    server = _neo4j_pid() if not url.startswith("falkordb") else None
    s0 = proc_cpu(server)
    res = subprocess.run([sys.executable, "-c", CHILD, url, str(scen), "1" if again else "0"], env=env,
                         capture_output=True, text=True, cwd=str(tree))
    if res.returncode != 0:
        raise SystemExit(f"ingest with {tree} failed:\n{res.stderr[-3000:]}")
    out: dict[str, Any] = json.loads(res.stdout.strip().splitlines()[-1])
    s1 = proc_cpu(server)
    if s0 is not None and s1 is not None:
        out["server_cpu"] = round(s1 - s0, 1)
    out["rows_per_second"] = round(out["rows"] / out["seconds"], 1)
    out["seconds"] = round(out["seconds"], 1)
    out["client_cpu"] = round(out["client_cpu"], 1)
    out["load"] = _uptime()
    return out


def checksum(url: str) -> str:
    kw = {} if url.startswith("falkordb") else {"user": os.environ.get("KG_NEO4J_USER", "neo4j"),
                                                  "password": os.environ.get("KG_NEO4J_PASSWORD",
                                                                             "cluegraph-dev-password")}
    with open_store(url, **kw) as st:
        return graph_checksum(st)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old", required=True, help="a tree with the old code (git archive of a commit)")
    ap.add_argument("--scale", default="demo")
    ap.add_argument("--people", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=2, help="old/new pairs per backend")
    ap.add_argument("--backends", default="falkordb,neo4j")
    ap.add_argument("--neo4j-url", default=os.environ.get("KG_NEO4J_TEST_URL", "bolt://127.0.0.1:17687"))
    ap.add_argument("--scenario", default="", help="an existing scenario folder (skips generation)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "ingest_compare.json"))
    args = ap.parse_args()
    from kg.synth import SCALES
    from kg.synth.generator import generate_config

    old, new = Path(args.old).resolve(), ROOT
    result: dict[str, Any] = {"scale": args.scale, "people": args.people or SCALES[args.scale].people,
                              "seed": args.seed, "when": time.strftime("%Y-%m-%d %H:%M"), "backends": {}}
    with tempfile.TemporaryDirectory(prefix="kg-ingest-compare-") as tmp:
        scen = Path(args.scenario) if args.scenario else Path(tmp) / "scenario"
        if not args.scenario:
            cfg = SCALES[args.scale]
            if args.people:
                cfg = replace(cfg, people=args.people, shard_size=min(cfg.shard_size, args.people))
            generate_config(cfg, args.seed, scen)
        for b in args.backends.split(","):
            url = f"falkordb://{tmp}/graph-{b}" if b == "falkordb" else args.neo4j_url
            runs: list[dict[str, Any]] = []
            for _ in range(args.rounds):
                for name, tree in (("old", old), ("new", new)):
                    r = run_one(tree, url, scen)
                    r["code"] = name
                    r["checksum"] = checksum(url)
                    runs.append(r)
                    print(f"{b} {name}: {r}", flush=True)
            again = run_one(new, url, scen, again=True)
            again["checksum"] = checksum(url)
            print(f"{b} new, second ingest into the same graph: {again}", flush=True)

            def med(code: str, k: str, rs: list[dict[str, Any]] = runs) -> float:
                xs = sorted(r[k] for r in rs if r["code"] == code and k in r)
                return xs[len(xs) // 2] if xs else float("nan")

            sums = {r["checksum"] for r in runs} | {again["checksum"]}
            result["backends"][b] = {
                "runs": runs, "rerun_same_graph": again, "same_graph": len(sums) == 1,
                "speedup_wall": round(med("old", "seconds") / med("new", "seconds"), 2),
                "speedup_client_cpu": round(med("old", "client_cpu") / med("new", "client_cpu"), 2),
            }
            if b != "falkordb":
                result["backends"][b]["speedup_server_cpu"] = round(
                    med("old", "server_cpu") / max(med("new", "server_cpu"), 0.1), 2)
            print(f"{b}: same graph {len(sums) == 1}; speed-up (median) wall "
                  f"{result['backends'][b]['speedup_wall']}x", flush=True)
            if b != "falkordb":
                with open_store(url, user=os.environ.get("KG_NEO4J_USER", "neo4j"),
                                password=os.environ.get("KG_NEO4J_PASSWORD", "cluegraph-dev-password")) as st:
                    st.clear()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    ok = all(v["same_graph"] for v in result["backends"].values())
    print("same graph on every backend" if ok else "GRAPHS DIFFER")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
