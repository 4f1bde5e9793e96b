"""Ingest + entity resolution scaling curve, with the store's calls counted.

Ingests a generated scenario (``kg.synth`` folder, e.g. written by ``python -m kg.synth``
or :func:`kg.synth.generator.generate_config`) into an empty graph like the main job
(:func:`extractors.ingest.ingest` on the folder, then :func:`kg.resolve.resolver.resolve`)
and records, per phase, wall seconds, process CPU seconds (the ingesting process and, for
the embedded FalkorDB or Neo4j server process apart), rows/s,
and every store round trip grouped by query shape (calls, rows sent, seconds), plus the
rows/s of each ingest chunk over time (does the rate fall as the graph grows?).

Each size runs in its own child process with ``PYTHONPATH`` set to the tree under test
(``--tree``, default this one), so an older tree (``git archive <commit> | tar -x -C DIR``)
can be measured in the same run, interleaved with this one.

    python bench/ingest_scale.py --scenario /tmp/s10k --scenario /tmp/s30k \
        [--tree /tmp/old --tree .] [--backends falkordb,neo4j] [--neo4j-url bolt://...] \
        [--no-resolve] [--out bench/results/ingest_scale_s4.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, re, sys, time, resource
from collections import defaultdict
sys.path.insert(0, os.path.join(os.environ["KG_BENCH_DIR"]))
from procstat import tree_cpu, proc_cpu
from kg.store import open_store
from kg.store.base import GraphStore
import extractors.ingest as ing
from kg.resolve.matching import MatchSettings
from kg.resolve import resolver

url, scen, work, do_resolve, server_pid = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1", sys.argv[5]
server_pid = int(server_pid) if server_pid != "0" else None
kw = {} if url.startswith("falkordb") else {"user": os.environ.get("KG_NEO4J_USER", "neo4j"),
      "password": os.environ.get("KG_NEO4J_PASSWORD", "cluegraph-dev-password")}
st = open_store(url, **kw)
st.clear()
if server_pid is None and hasattr(st, "server"):  # the embedded FalkorDB server: its CPU apart
    server_pid = st.server.pid()

calls = defaultdict(lambda: [0, 0, 0.0])   # shape -> calls, rows sent, seconds

def shape(cypher):
    s = re.sub(r"\s+", " ", cypher)
    s = re.sub(r"CYPHER .*?(?= UNWIND| MATCH| RETURN)", "", s)[:110]
    return s

def wrap(name):
    orig = getattr(st, name)
    def f(cypher, params, timeout):
        t = time.perf_counter()
        try:
            return orig(cypher, params, timeout)
        finally:
            c = calls[name[1:] + ": " + shape(cypher)]
            c[0] += 1
            v = params.get("rows", params.get("uids", params.get("rids")))
            c[1] += len(v) if isinstance(v, list) else 1
            c[2] += time.perf_counter() - t
    setattr(st, name, f)

wrap("_read"); wrap("_write")

chunks = []
orig_chunk = ing._chunk
t_start = time.perf_counter()
def chunk(store, mapping, ch, *a, **k):
    t = time.perf_counter()
    c0, s0 = proc_cpu(os.getpid()), proc_cpu(server_pid) if server_pid else 0.0
    orig_chunk(store, mapping, ch, *a, **k)
    dt = time.perf_counter() - t
    chunks.append({"mapping": mapping.name, "rows": len(ch), "t": round(t - t_start, 2), "seconds": round(dt, 3),
                   "client_cpu": round(proc_cpu(os.getpid()) - c0, 3),
                   "server_cpu": round((proc_cpu(server_pid) if server_pid else 0.0) - s0, 3),
                   "rows_per_s": round(len(ch) / dt, 1)})
ing._chunk = chunk

def snap():
    return time.perf_counter(), proc_cpu(os.getpid()), proc_cpu(server_pid) if server_pid else 0.0

def since(s0):
    s1 = snap()
    return {"seconds": round(s1[0] - s0[0], 2), "client_cpu": round(s1[1] - s0[1], 2),
            "server_cpu": round(s1[2] - s0[2], 2) if server_pid else None}

def take_calls():
    out = sorted(([k, v[0], v[1], round(v[2], 3)] for k, v in calls.items()), key=lambda x: -x[3])
    calls.clear()
    return out

out = {"load_before": os.getloadavg()}
s0 = snap()
summ = ing.ingest(st, [scen], dataset="demo", progress=False)
out["ingest"] = since(s0)
out["ingest"].update(rows=summ.records_read, entities=summ.entities, relationships=summ.relationships,
                     quarantined=summ.quarantined, documents=summ.documents)
out["ingest"]["rows_per_s"] = round(summ.records_read / out["ingest"]["seconds"], 1)
out["ingest"]["calls"] = take_calls()
out["chunks"] = chunks
out["load_after_ingest"] = os.getloadavg()
if os.environ.get("KG_SCALE_CHECKSUM"):  # the ingested graph, before resolution adds its judgements
    from extractors.ingest import graph_checksum
    out["checksum"] = graph_checksum(st)
    take_calls()  # the export's reads are not the resolution's
if do_resolve:
    tl = {}
    orig_load = resolver.load_entities
    def load_entities(store, labels=("Person", "Company")):
        s = snap()
        r = orig_load(store, labels)
        tl.update(since(s))
        return r
    resolver.load_entities = load_entities
    s0 = snap()
    res = resolver.resolve(st, os.path.join(work, "judgements.jsonl"), settings=MatchSettings.from_settings())
    out["resolve"] = since(s0)
    out["resolve"].update(entities=res.entities, comparisons=res.comparisons, same_as=res.same_as,
                          not_same_as=res.not_same_as, phases={k: round(v, 2) for k, v in res.seconds.items()},
                          load=tl)
    out["resolve"]["calls"] = take_calls()
    out["load_after_resolve"] = os.getloadavg()
    pairs = sorted((j["kind"], j["a"], j["b"]) for j in map(json.loads, open(os.path.join(work, "judgements.jsonl"))))
    import hashlib
    out["resolve"]["judgement_pairs_sha256"] = hashlib.sha256(json.dumps(pairs).encode()).hexdigest()
    out["resolve"]["judgement_pairs"] = len(pairs)
out["graph"] = {k: v for k, v in st.count().items() if k in ("nodes", "relationships")}
st.close()
print("RESULT " + json.dumps(out))
"""


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _neo4j_pid() -> int:
    home = os.environ.get("NEO4J_LOCAL_HOME")
    p = Path(home) / "run" / "neo4j.pid" if home else None
    return int(p.read_text()) if p and p.exists() else 0


def run_one(tree: Path, backend: str, url: str, scen: Path, resolve: bool, checksum: bool,
            keep: str = "") -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(tree), KG_BENCH_DIR=str(ROOT / "bench"))
    if checksum:
        env["KG_SCALE_CHECKSUM"] = "1"
    with tempfile.TemporaryDirectory(prefix="kg-ingest-scale-") as tmp:
        if backend == "falkordb":
            url = f"falkordb://{keep or tmp}/graph"
        server = _neo4j_pid() if backend == "neo4j" else 0
        up0 = _uptime()
        res = subprocess.run([sys.executable, "-c", CHILD, url, str(scen), tmp, "1" if resolve else "0",
                              str(server)], env=env, capture_output=True, text=True, cwd=str(tree))
    if res.returncode != 0:
        raise SystemExit(f"child failed ({tree}, {backend}, {scen}):\n{res.stderr[-4000:]}")
    line = [x for x in res.stdout.splitlines() if x.startswith("RESULT ")][-1]
    out = json.loads(line[7:])
    out.update(tree=str(tree), backend=backend, scenario=str(scen), uptime_before=up0, uptime_after=_uptime())
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", action="append", required=True, help="scenario folder (repeat for sizes)")
    ap.add_argument("--tree", action="append", default=[], help="code tree to run (repeat: interleaved)")
    ap.add_argument("--backends", default="falkordb")
    ap.add_argument("--neo4j-url", default=os.environ.get("KG_NEO4J_TEST_URL", "bolt://127.0.0.1:17687"))
    ap.add_argument("--no-resolve", action="store_true")
    ap.add_argument("--checksum", action="store_true", help="graph checksum after each ingest (slow at scale)")
    ap.add_argument("--keep", default="", help="FalkorDB: keep the graph in this folder (one run only)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "ingest_scale_s4.json"))
    ap.add_argument("--tag", default="", help="key under which to store this run in --out (default: time)")
    args = ap.parse_args()
    trees = [Path(t).resolve() for t in (args.tree or [str(ROOT)])]
    runs = []
    for scen in args.scenario:
        man = json.loads((Path(scen) / "manifest.json").read_text(encoding="utf-8"))
        for backend in args.backends.split(","):
            for tree in trees:
                print(f"{backend} {scen} ({man.get('people_background')} people) tree {tree}: {_uptime()}",
                      flush=True)
                r = run_one(tree, backend, args.neo4j_url, Path(scen), not args.no_resolve, args.checksum,
                            args.keep)
                r["people"] = man.get("people_background")
                ing = r["ingest"]
                msg = (f"  ingest {ing['seconds']} s, {ing['rows_per_s']} rows/s, cpu {ing['client_cpu']}"
                       f" (+server {ing['server_cpu']})")
                if "resolve" in r:
                    msg += f"; resolve {r['resolve']['seconds']} s (load {r['resolve']['load'].get('seconds')} s)"
                print(msg + f"; {r['uptime_after']}", flush=True)
                runs.append(r)
    out_path = Path(args.out)
    data = json.loads(out_path.read_text(encoding="utf-8")) if out_path.exists() else {}
    data[args.tag or time.strftime("%Y-%m-%d %H:%M")] = {"command": " ".join(sys.argv), "runs": runs}
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {out_path}")


if __name__ == "__main__":
    main()
