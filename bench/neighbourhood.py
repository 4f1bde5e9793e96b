"""Neighbourhood query shapes: the store's ``neighbourhood`` against the shape it replaced.

Builds the ``demo`` scenario (what ``kg demo`` generates) in a fresh embedded FalkorDB
and/or Neo4j (``--neo4j-url``, default ``KG_NEO4J_TEST_URL``; that database is CLEARED),
then for 50 persons, accounts and companies of degree 3..40 (as ``bench/api.py``) runs
the current :meth:`GraphStore.neighbourhood` and :func:`old_neighbourhood` (the shape of
commit 7c7184d: a degree query and an expansion query per layer, then the kept nodes,
then one fetch per relationship type, each followed by FalkorDB's endpoint-uid look-up),
alternating, and checks that both return the same nodes and relationships. Records wall
time, client CPU and (FalkorDB) server CPU per call. Results:
``bench/results/neighbourhood.json``.

With ``--decode REV`` both sides run the current :meth:`GraphStore.neighbourhood`; "old" is
the store classes of commit ``REV`` (their result decoding, loaded by ``bench/oldstore.py``)
on the same graph and server, "new" the current ones. Results:
``bench/results/neighbourhood_decode.json``.

    python bench/neighbourhood.py [--backend falkordb --backend neo4j] [--rounds 3] [--decode REV]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.procstat import proc_cpu  # noqa: E402
from kg.errors import NotFound  # noqa: E402
from kg.model import ENTITY_LABEL  # noqa: E402
from kg.store.base import GraphStore, Subgraph, chunked, keep_layer  # noqa: E402

SETTINGS = ({"depth": 2, "max_degree": 200, "limit": 500}, {"depth": 2, "max_degree": 50, "limit": 100},
            {"depth": 1, "max_degree": 200, "limit": 500}, {"depth": 3, "max_degree": 200, "limit": 500})


def _neighbourhood_of(old: GraphStore) -> Callable[..., Subgraph]:
    """``old_neighbourhood``'s call shape, answered by another store (an older revision's)."""
    return lambda _st, u, **kw: old.neighbourhood(u, **kw)


def old_neighbourhood(self: GraphStore, uid: str, depth: int = 1, *, max_degree: int = 200,
                      limit: int = 2000) -> Subgraph:
    """The neighbourhood as commit 7c7184d read it (kept for comparison)."""
    try:
        start = self.get_node(uid)
    except NotFound:
        raise
    kept_nodes: set[str] = {uid}
    kept_rels: dict[str, set[str]] = {}
    frontier = [uid]
    for _ in range(depth):
        deg = self.degree(frontier)
        expand = sorted(u for u in frontier if deg.get(u, 0) <= max_degree or u == uid)
        if not expand:
            break
        rows = self._read(
            f"UNWIND $uids AS u MATCH (a:{ENTITY_LABEL} {{uid: u}})-[r]-(b:{ENTITY_LABEL}) "
            "RETURN type(r) AS t, r.rid AS rid, b.uid AS b ORDER BY b, t, rid LIMIT $cap",
            {"uids": expand, "cap": limit * 4}, None)
        frontier = keep_layer(rows, kept_nodes, kept_rels, limit, self.model.relationships)
        if not frontier:
            break
    g = Subgraph()
    g.add(start)
    for batch in chunked(sorted(kept_nodes - {uid}), 5000):
        for row in self._read(f"UNWIND $uids AS u MATCH (n:{ENTITY_LABEL} {{uid: u}}) RETURN n",
                              {"uids": list(batch)}, None):
            g.add(row["n"])
    for rtype in sorted(kept_rels):
        for row in self._read(f"UNWIND $rids AS x MATCH ()-[r:{rtype} {{rid: x}}]->() RETURN r",
                              {"rids": sorted(kept_rels[rtype])}, None):
            r = row["r"]
            if r.start in g.nodes and r.end in g.nodes:
                g.add(r)
    return g


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--backend", action="append", choices=("falkordb", "neo4j"))
    ap.add_argument("--neo4j-url", default=os.environ.get("KG_NEO4J_TEST_URL"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--decode", metavar="REV", help="old = the store classes of REV, same neighbourhood code")
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args(argv)
    if a.out is None:
        a.out = ROOT / "bench" / "results" / ("neighbourhood_decode.json" if a.decode else "neighbourhood.json")
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
    from bench.api import build_graph, load, pick  # the same graph and uids as the API bench
    from kg.store import open_store

    out: dict[str, Any] = {"decode_rev": a.decode, "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                       "platform": platform.platform()}, "backends": {}}
    for backend in a.backend or ["falkordb"]:
        tmp = Path(tempfile.mkdtemp(prefix="kg-bench-nb-"))
        url = f"falkordb://{tmp / 'graph'}" if backend == "falkordb" else a.neo4j_url
        if not url:
            raise SystemExit("--neo4j-url (or KG_NEO4J_TEST_URL) is needed for the neo4j backend")
        store = open_store(url)
        try:
            build_graph(store, "demo", tmp)
            uids, _ = pick(store, "demo")
            db_pid = store.server.pid() if backend == "falkordb" else None  # type: ignore[attr-defined]
            run_old: Callable[..., Subgraph]
            if a.decode:
                from bench.oldstore import old_store
                kw_old = {} if backend == "falkordb" else {
                    "user": os.environ.get("KG_NEO4J_USER", "neo4j"),
                    "password": os.environ.get("KG_NEO4J_PASSWORD", "cluegraph-dev-password")}
                run_old = _neighbourhood_of(old_store(a.decode, url, **kw_old))
            else:
                run_old = old_neighbourhood
            diffs = 0
            for kw in SETTINGS:
                for u in uids:
                    new = store.neighbourhood(u, **kw)
                    old = run_old(store, u, **kw)
                    diffs += int(new.nodes != old.nodes or new.rels != old.rels)
            cells = []
            for kw in SETTINGS[:2]:
                acc = {"old": [0.0, 0.0, 0.0, 0], "new": [0.0, 0.0, 0.0, 0]}
                up = load()
                for _ in range(a.rounds):
                    for name, fn in (("old", lambda u, kw=kw, st=store, ro=run_old: ro(st, u, **kw)),
                                     ("new", lambda u, kw=kw, st=store: st.neighbourhood(u, **kw))):
                        c0, s0, t0 = time.process_time(), (proc_cpu(db_pid) or 0.0), time.perf_counter()
                        for u in uids:
                            fn(u)
                        x = acc[name]
                        x[0] += time.perf_counter() - t0
                        x[1] += time.process_time() - c0
                        x[2] += (proc_cpu(db_pid) or 0.0) - s0
                        x[3] += len(uids)
                cell = {"settings": kw, "load_before": up}
                for name, (wall, ccpu, scpu, n) in acc.items():
                    cell[name] = {"wall_ms": round(wall / n * 1000, 2), "client_cpu_ms": round(ccpu / n * 1000, 2),
                                  "db_cpu_ms": round(scpu / n * 1000, 2) if db_pid else None}
                cells.append(cell)
                print(f"{backend:8s} {kw}  old {cell['old']}  new {cell['new']}  load {up}", flush=True)
            out["backends"][backend] = {"uids": len(uids), "settings_checked": len(SETTINGS),
                                        "calls_with_different_rows": diffs, "cells": cells}
            print(f"{backend}: calls with different rows: {diffs}", flush=True)
        finally:
            store.close()
            shutil.rmtree(tmp, ignore_errors=True)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(out, indent=1, ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
