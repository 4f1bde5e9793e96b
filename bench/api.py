"""API benchmark: requests/s and p95 latency on loopback, 1 and 32 concurrent clients.

Loads the LDBC FinBench snapshot into a fresh embedded store, starts ``uvicorn`` serving
:func:`api.app.create_app` in a child process (it reuses the live embedded server), and
drives three endpoints with ``httpx`` (bounded request count and time per cell):

* ``entity``  GET /entities/{uid}
* ``hop2``    GET /entities/{uid}/neighbourhood?depth=2 (hub cap 200, limit 500: the defaults)
* ``hop2_small`` the same with hub cap 50, limit 100 (an interactive view)
* ``pattern`` POST /patterns/finbench.tcr11_guarantee_chain/runs (inline answer)

uids rotate over accounts/persons of moderate degree. Every request goes through the
whole stack: token check, rate limiter (set high here), audit record, store query.
Target: p95 <= 50 ms for entity and 2-hop. Results: ``bench/results/api.json``.

    python bench/api.py [--requests 400] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
# this file is named api.py: keep bench/ off the path so ``api`` is the service package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))
FINBENCH = ROOT.parent / "shared" / "data" / "finbench" / "snapshot"
TARGET_P95_MS = 50.0

SERVER = """
import sys, anyio.to_thread, uvicorn
from api.app import create_app
from api.settings import ApiSettings
from kg.store import open_store
st = open_store(sys.argv[1])
app = create_app(st, settings=ApiSettings(data_dir=sys.argv[2], rate_per_minute=10**9, burst=10**9,
                                          inline_wait_s=30))
@app.router.on_startup.append
async def _t():
    anyio.to_thread.current_default_thread_limiter().total_tokens = 64
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[3]), log_level="warning", access_log=False)
"""


def pct(xs: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``xs`` (nearest rank)."""
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, int(round(q * len(s) + 0.5)) - 1))]


async def drive(base: str, key: str, name: str, reqs: list[tuple[str, str, Any]], conc: int, n: int,
                seconds: float) -> dict[str, Any]:
    """Send up to ``n`` requests with ``conc`` workers for at most ``seconds``."""
    lat: list[float] = []
    errors = 0
    counter = iter(range(n))
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=conc, max_keepalive_connections=conc)
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, limits=limits,
                                 timeout=30) as client:
        for m, u, body in reqs[:3]:  # warm-up
            await client.request(m, u, json=body)

        async def worker() -> None:
            nonlocal errors
            for i in counter:
                if time.perf_counter() > deadline:
                    return
                m, u, body = reqs[i % len(reqs)]
                t0 = time.perf_counter()
                r = await client.request(m, u, json=body)
                lat.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:
                    errors += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(conc)))
        wall = time.perf_counter() - t0
    return {"endpoint": name, "clients": conc, "requests": len(lat), "errors": errors,
            "rps": round(len(lat) / wall, 1), "p50_ms": round(statistics.median(lat), 2),
            "p95_ms": round(pct(lat, 0.95), 2), "max_ms": round(max(lat), 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=400, help="requests per cell at most")
    ap.add_argument("--seconds", type=float, default=20.0, help="time per cell at most")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "api.json")
    a = ap.parse_args(argv)

    from api.auth import KeyStore
    from kg.datasets import load_mapped_dataset
    from kg.store import open_store

    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-api-"))
    url = f"falkordb://{tmp / 'graph'}"
    store = open_store(url)
    t0 = time.perf_counter()
    store.clear()
    store.apply_schema()
    load_mapped_dataset(store, "finbench", FINBENCH)
    load_s = time.perf_counter() - t0
    counts = store.count()
    rows = store.query("MATCH (n:BankAccount) MATCH (n)-[r]-() WITH n, count(r) AS d WHERE d >= 3 AND d <= 40 "
                       "RETURN n.uid AS u ORDER BY u LIMIT 50", {})
    uids = [r["u"] for r in rows]
    persons = [r["u"] for r in store.query("MATCH (p:Person)-[:GUARANTEED]->() RETURN DISTINCT p.uid AS u "
                                           "ORDER BY u LIMIT 20", {})] or ["fb:Person:1049"]
    data_dir = tmp / "api"
    key = KeyStore(data_dir).create("analyst", "bench")
    if not a.port:
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            a.port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", SERVER, url, str(data_dir), str(a.port)], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{a.port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        cells: dict[str, list[tuple[str, str, Any]]] = {
            "entity": [("GET", f"/entities/{u}", None) for u in uids],
            "hop2": [("GET", f"/entities/{u}/neighbourhood?depth=2&max_degree=200&limit=500", None) for u in uids],
            "hop2_small": [("GET", f"/entities/{u}/neighbourhood?depth=2&max_degree=50&limit=100", None)
                           for u in uids],
            "pattern": [("POST", "/patterns/finbench.tcr11_guarantee_chain/runs",
                         {"params": {"id": p}, "wait_s": 30}) for p in persons],
        }
        results = []
        for name, reqs in cells.items():
            for conc in (1, 32):
                res = asyncio.run(drive(base, key, name, reqs, conc, a.requests, a.seconds))
                results.append(res)
                print(f"{name:8s} c={conc:<3d} n={res['requests']:<5d} {res['rps']:8.1f} req/s  "
                      f"p50 {res['p50_ms']:7.2f} ms  p95 {res['p95_ms']:7.2f} ms  errors {res['errors']}",
                      flush=True)
    finally:
        proc.terminate()
        proc.wait(15)
        store.close()
    out = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
           "backend": "falkordb (embedded)", "graph": {"nodes": counts["nodes"], "relationships": counts["relationships"]},
           "load_seconds": round(load_s, 1), "target_p95_ms": TARGET_P95_MS, "results": results,
           "target_met": {r["endpoint"] + f"@{r['clients']}": r["p95_ms"] <= TARGET_P95_MS
                          for r in results if r["endpoint"] in ("entity", "hop2", "hop2_small")}}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(out, indent=1, ensure_ascii=False), "utf-8")
    print("\n| endpoint | clients | requests | req/s | p50 ms | p95 ms | errors |\n|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['endpoint']} | {r['clients']} | {r['requests']} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} "
              f"| {r['errors']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
