"""Ingest benchmark: relationships per second into each backend, batched vs per row.

Loads the LDBC FinBench example graph (14,053 nodes, 118,005 edge rows) through the
``finbench`` mapping. For each backend: nodes first, then

* **per row**: the first ``--per-row`` transfer rows, one transaction each (baseline);
* **batched**: every relationship file with ``UNWIND $rows ... MERGE`` in batches of
  ``--batch`` rows (the store's normal path, validation and endpoint checks included).

Both numbers come from the same run on the same machine, so read them as a ratio.

CPU accounting, which a loaded machine disturbs far less than wall time: the client's
CPU seconds (this process, all threads) and the server's (the FalkorDB ``redis-server``
or the Neo4j JVM, read from ``/proc/<pid>/stat``) spent in the batched phase, as
microseconds per relationship. And the **server-only ceiling**: the server creates
50,000 relationships carrying the same provenance properties as the store writes
(``rid``, ``_src`` list, ``_ds`` list, amount, timestamp) from ``UNWIND range(...)``,
with no client work and no parameters at all; its relationships per server CPU-second
bound what one writing transaction can reach on this machine whatever the client does.
Figures go to ``bench/results/ingest.json`` and are printed as a Markdown table.

    python bench/ingest.py [--backends falkordb,neo4j] [--batch 10000] [--per-row 2000]
                           [--neo4j-pid-file .neo4j-local/run/neo4j.pid]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

from kg.model import load_model
from kg.statement import Provenance
from kg.store import open_store

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.procstat import proc_cpu  # noqa: E402

FINBENCH = Path(os.environ.get("KG_FINBENCH_DIR", ROOT.parent / "shared" / "data" / "finbench" / "snapshot"))


def rows_of(fname: str, spec: dict, is_rel: bool) -> list[dict]:
    out = []
    with open(FINBENCH / fname, encoding="utf-8") as fh:
        for n, rec in enumerate(csv.DictReader(fh, delimiter="|"), start=1):
            ref = Provenance(f"finbench/{fname}", f"row={n}", "finbench@1").ref
            props = {p: rec[c] for c, p in (spec.get("properties") or {}).items() if rec.get(c)}
            if is_rel:
                out.append({"rid": f"finbench/{fname}#{n}", "start": f"fb:{spec['from']['label']}:{rec[spec['from']['column']]}",
                            "end": f"fb:{spec['to']['label']}:{rec[spec['to']['column']]}", "props": props, "src": ref})
            else:
                out.append({"uid": f"fb:{spec['label']}:{rec[spec['id']]}", "props": props, "src": ref})
    return out


def client_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


SERVER_ONLY_N = 50_000
#: the store's provenance-carrying relationship, made by the server alone
SERVER_ONLY = ("MATCH (n:Entity) WITH n LIMIT 10000 WITH collect(n) AS ns UNWIND range(0, $n - 1) AS i "
               "WITH ns[i % size(ns)] AS a, ns[(i * 7 + 3) % size(ns)] AS b, i "
               "CREATE (a)-[:BENCH_SRV {rid: 'finbench/AccountTransferAccount.csv#' + toString(i), "
               "_src: ['finbench/AccountTransferAccount.csv#row=' + toString(i) + '@finbench@1'], "
               "_ds: ['bench'], amount: toFloat(i), ts: 1593398026538 + i}]->(b)")


def server_only_ceiling(st, pid: int | None, repeat: int = 3) -> dict:
    """Best of ``repeat`` server-side creations of SERVER_ONLY_N relationships."""
    best_wall, best_cpu = 0.0, 0.0
    for _ in range(repeat):
        c0, t0 = proc_cpu(pid), time.perf_counter()
        st.execute(SERVER_ONLY, {"n": SERVER_ONLY_N})
        wall = time.perf_counter() - t0
        c1 = proc_cpu(pid)
        st.execute("MATCH ()-[r:BENCH_SRV]->() DELETE r")
        best_wall = max(best_wall, SERVER_ONLY_N / wall)
        if c0 is not None and c1 is not None and c1 > c0:
            best_cpu = max(best_cpu, SERVER_ONLY_N / (c1 - c0))
    return {"server_only_rels_per_s": round(best_wall),
            "server_only_rels_per_server_cpu_s": round(best_cpu) if best_cpu else None}


def bench_backend(url: str, batch: int, per_row: int, pid_of=lambda st: None, **kw: object) -> dict:
    mapping = load_model().mappings["finbench"]
    st = open_store(url, batch_size=batch, **kw)
    try:
        st.clear()
        st.apply_schema()
        node_rows = {f: rows_of(f, s, False) for f, s in mapping["nodes"].items()}
        rel_rows = {f: rows_of(f, s, True) for f, s in mapping["relationships"].items()}
        t = time.perf_counter()
        n_nodes = 0
        for f, s in mapping["nodes"].items():
            n_nodes += st.upsert_nodes(s["label"], node_rows[f], dataset="bench").written
        node_s = time.perf_counter() - t
        # per-row baseline on a sample of transfers (distinct rids so it never collides)
        sample = [dict(r, rid="perrow:" + r["rid"]) for r in rel_rows["AccountTransferAccount.csv"][:per_row]]
        t = time.perf_counter()
        res = st.upsert_relationships("TRANSFERRED_TO", sample, dataset="perrow", on_error="skip", per_row=True)
        per_row_s = time.perf_counter() - t
        st.delete_dataset("perrow")
        # batched: everything
        pid = pid_of(st)
        c_client, c_server = client_cpu(), proc_cpu(pid)
        t = time.perf_counter()
        n_rels = 0
        for f, s in mapping["relationships"].items():
            n_rels += st.upsert_relationships(s["type"], rel_rows[f], dataset="bench", on_error="skip").written
        rel_s = time.perf_counter() - t
        client_us = (client_cpu() - c_client) / n_rels * 1e6
        c_server_end = proc_cpu(pid)
        server_us = (c_server_end - c_server) / n_rels * 1e6 if c_server is not None and c_server_end else None
        # re-run: idempotent MERGE over existing data
        t = time.perf_counter()
        for f, s in mapping["relationships"].items():
            st.upsert_relationships(s["type"], rel_rows[f], dataset="bench", on_error="skip")
        rerun_s = time.perf_counter() - t
        # ceiling: the same transfers+withdrawals as bare CREATEs (two properties, no provenance,
        # no uniqueness index, no validation) through the same driver: what the engine and
        # client manage on this machine at all
        bare = [{"s": r["start"], "e": r["end"], "a": float(r["props"].get("amount", 0)), "t": 0}
                for f in ("AccountTransferAccount.csv", "AccountWithdrawAccount.csv") for r in rel_rows[f]]
        qb = ("UNWIND $rows AS row MATCH (a:Entity {uid: row.s}) MATCH (b:Entity {uid: row.e}) "
              "CREATE (a)-[:BENCH_BARE {amount: row.a, ts: row.t}]->(b)")
        t = time.perf_counter()
        for i in range(0, len(bare), batch):
            st.execute(qb, {"rows": bare[i:i + batch]})
        bare_s = time.perf_counter() - t
        st.execute("MATCH ()-[r:BENCH_BARE]->() DELETE r")
        ceiling = server_only_ceiling(st, pid)
        return {"client_cpu_us_per_rel": round(client_us, 1),
                "server_cpu_us_per_rel": round(server_us, 1) if server_us is not None else None,
                "load_avg_1m": round(os.getloadavg()[0], 2), **ceiling, "backend": st.server_version(), "bare_create_rels_per_s": round(len(bare) / bare_s), "batch": batch, "nodes": n_nodes, "node_seconds": round(node_s, 3),
                "nodes_per_s": round(n_nodes / node_s), "relationships": n_rels, "rel_seconds": round(rel_s, 3),
                "rels_per_s_batched": round(n_rels / rel_s), "rerun_rels_per_s": round(n_rels / rerun_s),
                "per_row_sample": res.written, "rels_per_s_per_row": round(res.written / per_row_s),
                "batched_over_per_row": round((n_rels / rel_s) / (res.written / per_row_s), 1)}
    finally:
        st.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--backends", default="falkordb,neo4j")
    ap.add_argument("--batch", type=int, default=10000)
    ap.add_argument("--per-row", type=int, default=2000)
    ap.add_argument("--neo4j-url", default=os.environ.get("KG_NEO4J_TEST_URL", "bolt://127.0.0.1:17687"))
    ap.add_argument("--neo4j-pid-file", default=str(ROOT / ".neo4j-local" / "run" / "neo4j.pid"),
                    help="pid file of the local Neo4j (for its CPU seconds); ignored when missing")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "ingest.json"))
    args = ap.parse_args()
    results = []
    for b in args.backends.split(","):
        if b == "falkordb":
            with tempfile.TemporaryDirectory() as d:
                results.append(bench_backend(f"falkordb://{d}/g", args.batch, args.per_row,
                                             pid_of=lambda st: st.server.pid()))
        else:
            pid_file = Path(args.neo4j_pid_file)
            pid = int(pid_file.read_text().strip()) if pid_file.is_file() else None
            results.append(bench_backend(args.neo4j_url, args.batch, args.per_row, pid_of=lambda st, pid=pid: pid,
                                         password=os.environ.get("KG_NEO4J_PASSWORD", "cluegraph-dev-password")))
        print(json.dumps(results[-1]), flush=True)
    doc = {"bench": "ingest", "dataset": "LDBC FinBench example graph", "when": time.strftime("%Y-%m-%d %H:%M:%S"),
           "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
           "results": results}
    Path(args.out).write_text(json.dumps(doc, indent=1))
    print("\n| backend | batch | nodes/s | rels/s batched | rels/s re-run (MERGE existing) | rels/s one tx per row "
          "| batched / per row | bare CREATE ceiling rels/s | client CPU µs/rel | server CPU µs/rel "
          "| server-only rels/s | server-only rels per server CPU-s | load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['backend']} | {r['batch']} | {r['nodes_per_s']:,} | {r['rels_per_s_batched']:,} | "
              f"{r['rerun_rels_per_s']:,} | {r['rels_per_s_per_row']:,} | {r['batched_over_per_row']}x | "
              f"{r['bare_create_rels_per_s']:,} | {r['client_cpu_us_per_rel']} | {r['server_cpu_us_per_rel']} | "
              f"{r['server_only_rels_per_s']:,} | {r['server_only_rels_per_server_cpu_s']} | {r['load_avg_1m']} |")


if __name__ == "__main__":
    main()
