"""Service CPU per request, in process: the API's own cost without sockets or a load generator.

Each round starts one child process per code version (this checkout, and each ``--code``
checkout, e.g. a ``git archive`` of an older commit), alternating, so old and new see
the same machine load. A child builds the app around an existing store (``--store``,
e.g. the FalkorDB dir ``bench/api.py --falkordb-dir D --reuse`` left behind), then
calls it through ASGI directly (the full middleware stack, token check, rate limiter,
audit record, thread hop of sync routes, store query and JSON rendering; no HTTP
parsing) one request after the other, and reports process CPU (user + system) and wall
time per request, and the time spent in full (generation 2) garbage collections while
serving. The embedded server's CPU is not in these figures.

    python bench/api_cpu.py --store falkordb:///tmp/kg-api-graph --code /tmp/api-old --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import asyncio, gc, json, os, sys, tempfile, time
from pathlib import Path
GC = {}  # generation -> [collections, seconds, longest]
_t0 = [0.0]


def _gc_cb(phase, info):
    if phase == "start":
        _t0[0] = time.perf_counter()
        return
    d = time.perf_counter() - _t0[0]
    g = GC.setdefault(info["generation"], [0, 0.0, 0.0])
    g[0] += 1
    g[1] += d
    g[2] = max(g[2], d)
spec = json.loads(sys.argv[1])
os.environ["KG_API_DATA_DIR"] = tempfile.mkdtemp(prefix="kg-api-cpu-")
os.environ["KG_API_RATE_PER_MINUTE"] = os.environ["KG_API_BURST"] = str(10**9)
from api.app import create_app
from api.auth import KeyStore
from api.settings import ApiSettings
from kg.store import open_store

store = open_store(spec["store"])
s = ApiSettings()
key = KeyStore(s.data_dir).create("analyst", "bench")
app = create_app(store, settings=s)
auth = [(b"authorization", f"Bearer {key}".encode()), (b"host", b"127.0.0.1")]


async def call(path: str) -> int:
    p, _, q = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": p, "raw_path": p.encode(), "query_string": q.encode(), "headers": auth, "root_path": "",
             "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000)}
    status = 0

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(msg):
        nonlocal status
        if msg["type"] == "http.response.start":
            status = msg["status"]

    await app(scope, receive, send)
    return status


async def main():
    out = {}
    async with app.router.lifespan_context(app):
        for name, paths in spec["cells"].items():
            for p in paths[:5]:
                await call(p)
            n = spec["n"]
            bad = 0
            GC.clear()
            if _gc_cb not in gc.callbacks:
                gc.callbacks.append(_gc_cb)
            c0, t0 = time.process_time(), time.perf_counter()
            for i in range(n):
                if await call(paths[i % len(paths)]) != 200:
                    bad += 1
            c1, t1 = time.process_time(), time.perf_counter()
            full = GC.get(2, [0, 0.0, 0.0])
            out[name] = {"cpu_ms": round((c1 - c0) * 1000 / n, 3), "wall_ms": round((t1 - t0) * 1000 / n, 3),
                         "errors": bad, "n": n, "gc_full": full[0], "gc_full_ms_total": round(full[1] * 1000, 1),
                         "gc_full_ms_max": round(full[2] * 1000, 1),
                         "gc_young_ms_total": round(sum(v[1] for k, v in GC.items() if k < 2) * 1000, 1)}
    print("RESULT " + json.dumps(out))

asyncio.run(main())
store.close()
"""


def uids(store_url: str, n: int = 50) -> list[str]:
    sys.path.insert(0, str(ROOT))
    from kg.store import open_store

    st = open_store(store_url)
    try:
        out: list[str] = []
        for label in ("Person", "BankAccount", "Company"):
            rows = st.query(f"MATCH (n:{label}) MATCH (n)-[r]-() WITH n, count(r) AS d WHERE d >= 3 AND d <= 40 "
                            "RETURN n.uid AS u ORDER BY u LIMIT 17", {})
            out += [r["u"] for r in rows]
        return out[:n]
    finally:
        st.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--store", required=True, help="store URL holding a graph (not modified)")
    ap.add_argument("--code", action="append", type=Path, default=[], help="another checkout to compare; repeatable")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--n", type=int, default=1500, help="requests per cell per round")
    ap.add_argument("--cells", default="entity,hop2")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "api_cpu.json")
    a = ap.parse_args(argv)
    us = uids(a.store)
    all_cells = {"entity": [f"/entities/{u}" for u in us],
                 "hop2": [f"/entities/{u}/neighbourhood?depth=2&max_degree=200&limit=500" for u in us],
                 "hop2_small": [f"/entities/{u}/neighbourhood?depth=2&max_degree=50&limit=100" for u in us]}
    cells = {c: all_cells[c] for c in a.cells.split(",")}
    versions: list[tuple[str, Path]] = [(str(c), c) for c in a.code] + [("this checkout", ROOT)]
    rounds: list[dict[str, Any]] = []
    for r in range(a.rounds):
        for label, code in versions:
            spec = {"store": a.store, "cells": cells, "n": a.n}
            load = f"{os.getloadavg()[0]:.2f}"
            res = subprocess.run([sys.executable, "-c", CHILD, json.dumps(spec)], cwd=code, capture_output=True,
                                 text=True, env={**os.environ, "PYTHONPATH": str(code)})
            line = next((x for x in res.stdout.splitlines() if x.startswith("RESULT ")), None)
            if line is None:
                raise SystemExit(f"child failed: {res.stderr[-2000:]}")
            got = json.loads(line[7:])
            rounds.append({"round": r, "code": label, "load_before": load, "cells": got})
            print(f"round {r} {label:20s} " + "  ".join(f"{k}: cpu {v['cpu_ms']} wall {v['wall_ms']} ms/req"
                                                        f" err {v['errors']} full GCs {v['gc_full']} "
                                                        f"({v['gc_full_ms_total']} ms, max {v['gc_full_ms_max']})"
                                                        for k, v in got.items())
                  + f"  load {load}", flush=True)
    summary: dict[str, dict[str, float]] = {}
    for label, _ in versions:
        for c in cells:
            xs = sorted(x["cells"][c]["cpu_ms"] for x in rounds if x["code"] == label)
            summary.setdefault(label, {})[c] = xs[len(xs) // 2]
    print("median CPU ms/request:", json.dumps(summary))
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps({"store": a.store.split("://")[0], "n_per_cell": a.n, "rounds": rounds,
                                 "median_cpu_ms": summary, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
                                indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
