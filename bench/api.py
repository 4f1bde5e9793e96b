"""API benchmark: requests/s and p95 latency on loopback, 1 and 32 concurrent clients.

Builds a fresh graph (or, with ``--reuse``, keeps the one in the store), serves it with
``kg serve`` (uvicorn, ``--workers N`` processes) in a child process and drives endpoints
with ``wrk`` (C, one thread, N connections, ``--seconds`` per cell; Debian package
``wrk``; a Lua script sets the token, rotates the request list and prints wrk's own
percentiles as JSON) or ``httpx`` (``--driver httpx``; bounded request count and time
per cell). The default is wrk when it is installed. The CPU the load generator used is
recorded beside the service's (``loadgen_cpu_ms_per_req``). Graphs:

* ``demo`` (default): the ``demo`` scale of :mod:`kg.synth` (what ``kg demo`` generates)
  ingested with :func:`extractors.ingest.ingest` -- about 8.6k nodes, 13k relationships;
* ``finbench``: the LDBC FinBench snapshot (14k nodes, 118k relationships).

Backends: the embedded FalkorDB (a fresh data dir) and/or Neo4j (``--neo4j-url``, default
``KG_NEO4J_TEST_URL``; the database is CLEARED first). Cells:

* ``entity``     GET /entities/{uid}
* ``hop2``       GET /entities/{uid}/neighbourhood?depth=2 (hub cap 200, limit 500: the defaults)
* ``hop2_small`` the same with hub cap 50, limit 100 (an interactive view)
* ``pattern``    POST /patterns/{id}/runs, answered inline (demo: ``generic.fan_in``;
  FinBench: ``finbench.tcr11_guarantee_chain``)

* ``entity_many`` / ``hop2_many``: the same over MANY entities (``--many``, default 2,000
  of moderate degree), so the read cache meets a cold working set

uids rotate over 50 entities of moderate degree (3..40), in uid order. Every cell first
runs a warm-up (``--warmup`` seconds of the same load, not counted: query plans, the
read cache and the OS are warm when the measurement starts). The service's read cache
is ON by default; ``--cache on --cache off`` serves each variant both ways
(``KG_API_CACHE``), and every cell reports its hit ratio, counted from the audit records
(``cache: hit|miss``) written during the measured part. Every request goes
through the whole stack: token check, rate limiter (set high here), audit record, store
query. Target: p95 <= 50 ms for entity and 2-hop. Results: ``bench/results/api.json``
(with ``uptime`` load before each cell: the machine is shared).

    python bench/api.py [--graph demo] [--backend falkordb --backend neo4j] [--workers 1 --workers 2]
                        [--driver wrk --driver httpx] [--code OLD_CHECKOUT --rounds 2]
                        [--requests 400] [--seconds 20] [--warmup 3] [--cache on --cache off]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parent.parent
# this file is named api.py: keep bench/ off the path so ``api`` is the service package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))
from bench.procstat import tree_cpu  # noqa: E402

FINBENCH = ROOT.parent / "shared" / "data" / "finbench" / "snapshot"
TARGET_P95_MS = 50.0
PATTERNS = {"demo": "generic.fan_in", "finbench": "finbench.tcr11_guarantee_chain"}


def load() -> str:
    """The 1-minute load average (``uptime``)."""
    return f"{os.getloadavg()[0]:.2f}"


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

        t0, c0 = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(conc)))
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"endpoint": name, "clients": conc, "driver": "httpx", "requests": len(lat), "errors": errors,
            "rps": round(len(lat) / wall, 1), "p50_ms": round(statistics.median(lat), 2),
            "p95_ms": round(pct(lat, 0.95), 2), "p99_ms": round(pct(lat, 0.99), 2), "max_ms": round(max(lat), 2),
            "loadgen_cpu_ms_per_req": round(cpu * 1000 / max(1, len(lat)), 3)}


WRK_LUA = """
-- rotates the bench's request list, sets the bearer token, prints a JSON summary
local reqs = {%(reqs)s}
local i = 0
request = function()
  i = i + 1
  local r = reqs[(i %% #reqs) + 1]
  return wrk.format(r[1], r[2], {["Authorization"] = "Bearer %(key)s", ["Content-Type"] = "application/json"}, r[3])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%%d,"duration_us":%%d,"p50_us":%%d,"p95_us":%%d,"p99_us":%%d,"max_us":%%d,'
    .. '"connect":%%d,"read":%%d,"write":%%d,"status":%%d,"timeout":%%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def _lua_str(x: str) -> str:
    return '"' + x.replace("\\", "\\\\").replace('"', '\\"') + '"'


def drive_wrk(base: str, key: str, name: str, reqs: list[tuple[str, str, Any]], conc: int,
              seconds: float, warm: bool = True) -> dict[str, Any]:
    """Drive ``reqs`` with ``wrk`` (C, one thread, ``conc`` connections) for ``seconds``.

    Latency percentiles come from wrk's own histogram (printed as JSON by the Lua
    ``done`` hook); the CPU wrk used is measured from its rusage (``loadgen_cpu_ms_per_req``).
    Errors are wrk's socket errors and answers with status >= 400 (no Lua ``response``
    hook: it would make wrk parse every answer)."""
    if warm:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
            for m, u, body in reqs[:3]:  # warm-up, as the httpx driver does
                client.request(m, u, json=body)
    items = ", ".join("{" + ", ".join((_lua_str(m), _lua_str(u), _lua_str(json.dumps(b)) if b is not None else "nil"))
                      + "}" for m, u, b in reqs)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(WRK_LUA % {"reqs": items, "key": key})
        script = fh.name
    try:
        proc = subprocess.Popen(["wrk", "-t1", f"-c{conc}", f"-d{max(1, int(round(seconds)))}s", "--timeout", "30s",
                                 "-s", script, base], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _, status, ru = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out = proc.stdout.read().decode() if proc.stdout else ""
        err = proc.stderr.read().decode() if proc.stderr else ""
    finally:
        os.unlink(script)
    line = next((x for x in out.splitlines() if x.startswith("WRK_JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({proc.returncode}): {err.strip()[:300]}")
    w = json.loads(line[len("WRK_JSON "):])
    errs = w["connect"] + w["read"] + w["write"] + w["status"] + w["timeout"]
    n = w["requests"]
    return {"endpoint": name, "clients": conc, "driver": "wrk", "requests": n, "errors": errs,
            "rps": round(n / (w["duration_us"] / 1e6), 1), "p50_ms": round(w["p50_us"] / 1000, 2),
            "p95_ms": round(w["p95_us"] / 1000, 2), "p99_ms": round(w["p99_us"] / 1000, 2),
            "max_ms": round(w["max_us"] / 1000, 2),
            "loadgen_cpu_ms_per_req": round((ru.ru_utime + ru.ru_stime) * 1000 / max(1, n), 3)}


def build_graph(store: Any, graph: str, tmp: Path) -> float:
    """Clear ``store`` and load ``graph`` into it; return the seconds it took."""
    t0 = time.perf_counter()
    store.clear()
    store.apply_schema()
    if graph == "finbench":
        from kg.datasets import load_mapped_dataset

        load_mapped_dataset(store, "finbench", FINBENCH)
    else:
        from extractors.ingest import ingest
        from kg.synth import generate

        generate("demo", 1, tmp / "scenario")
        ingest(store, [tmp / "scenario"], dataset="demo", quarantine_file=tmp / "quarantine.jsonl", progress=False)
    return time.perf_counter() - t0


def pick_many(store: Any, n: int) -> list[str]:
    """Up to ``n`` entity uids of moderate degree (3..40), spread over the labels, in uid order."""
    rows = store.query("MATCH (n:Entity) MATCH (n)-[r]-() WITH n, count(r) AS d WHERE d >= 3 AND d <= 40 "
                       "RETURN n.uid AS u ORDER BY u", {})
    uids = [r["u"] for r in rows]
    step = max(1, len(uids) // max(1, n))
    return uids[::step][:n]


def pick(store: Any, graph: str) -> tuple[list[str], list[dict[str, Any]]]:
    """(entity uids of moderate degree, pattern-run bodies)."""
    if graph == "finbench":
        rows = store.query("MATCH (n:BankAccount) MATCH (n)-[r]-() WITH n, count(r) AS d WHERE d >= 3 AND d <= 40 "
                           "RETURN n.uid AS u ORDER BY u LIMIT 50", {})
        persons = [r["u"] for r in store.query("MATCH (p:Person)-[:GUARANTEED]->() RETURN DISTINCT p.uid AS u "
                                               "ORDER BY u LIMIT 20", {})] or ["fb:Person:1049"]
        return [r["u"] for r in rows], [{"params": {"id": p}, "wait_s": 30} for p in persons]
    uids: list[str] = []
    for label in ("Person", "BankAccount", "Company"):
        rows = store.query(f"MATCH (n:{label}) MATCH (n)-[r]-() WITH n, count(r) AS d WHERE d >= 3 AND d <= 40 "
                           "RETURN n.uid AS u ORDER BY u LIMIT 17", {})
        uids += [r["u"] for r in rows]
    return uids[:50], [{"params": {}, "wait_s": 30, "limit": 20}]


#: serves an older checkout (``--code``) that may not have ``kg serve --workers``: one process
OLD_SERVER = """
import sys, anyio.to_thread, uvicorn
from api.app import create_app
from api.settings import ApiSettings
from kg.store import open_store
app = create_app(open_store(sys.argv[1]), settings=ApiSettings())
@app.router.on_startup.append
async def _t():
    anyio.to_thread.current_default_thread_limiter().total_tokens = int(sys.argv[3])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def serve(url: str, data_dir: Path, port: int, workers: int, threads: int, code: Path | None = None,
          cache: str = "on") -> subprocess.Popen[bytes]:
    """Start ``kg serve`` on loopback (or, for ``code``, that checkout's app in one process)
    and wait until /ready answers."""
    env = {**os.environ, "PYTHONPATH": str(code or ROOT), "KG_API_DATA_DIR": str(data_dir),
           "KG_API_RATE_PER_MINUTE": str(10**9), "KG_API_BURST": str(10**9), "KG_API_INLINE_WAIT_S": "30",
           "KG_API_CACHE": "1" if cache == "on" else "0"}
    if code is None:
        cmd = [sys.executable, "-m", "kg.cli", "serve", "--store", url, "--port", str(port),
               "--workers", str(workers), "--threads", str(threads)]
    else:
        cmd = [sys.executable, "-c", OLD_SERVER, url, str(port), str(threads)]
    proc = subprocess.Popen(cmd, env=env, cwd=code or ROOT, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(base + "/ready", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.terminate()
    raise SystemExit("server did not become ready")


def audit_lines(path: Path) -> int:
    """How many audit records ``path`` holds now."""
    try:
        with path.open("rb") as fh:
            return sum(1 for _ in fh)
    except FileNotFoundError:
        return 0


def cache_counts(path: Path, skip: int) -> dict[str, Any]:
    """Cache hits and misses among the audit records after the first ``skip`` ones."""
    hits = misses = 0
    with path.open("rb") as fh:
        for i, line in enumerate(fh):
            if i < skip:
                continue
            c = json.loads(line).get("cache")
            hits += c == "hit"
            misses += c == "miss"
    return {"cache_hits": hits, "cache_misses": misses,
            "hit_ratio": round(hits / (hits + misses), 3) if hits + misses else None}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--graph", choices=("demo", "finbench"), default="demo")
    ap.add_argument("--backend", action="append", choices=("falkordb", "neo4j"),
                    help="repeat for both (default: falkordb)")
    ap.add_argument("--neo4j-url", default=os.environ.get("KG_NEO4J_TEST_URL"))
    ap.add_argument("--neo4j-pid", type=int, default=None,
                    help="the Neo4j server's pid (scripts/neo4j-local status), to count its CPU per request too")
    ap.add_argument("--reuse", action="store_true",
                    help="keep the graph already in the store when it has nodes (FalkorDB: under --falkordb-dir)")
    ap.add_argument("--falkordb-dir", type=Path, help="FalkorDB data dir (default: a fresh temporary one)")
    ap.add_argument("--workers", action="append", type=int, help="uvicorn worker processes; repeat (default 1)")
    ap.add_argument("--threads", type=int, default=8, help="handler threads per worker process")
    ap.add_argument("--code", action="append", type=Path,
                    help="also serve this checkout (e.g. `git archive` of an older commit, one process) in the "
                         "same run, for before/after ratios; repeatable")
    ap.add_argument("--rounds", type=int, default=1,
                    help="repeat every variant (--code checkouts, worker counts) this many times, alternating, "
                         "so that old and new see the same machine load")
    ap.add_argument("--clients", action="append", type=int, help="concurrent clients; repeat (default 1 and 32)")
    ap.add_argument("--driver", action="append", choices=("wrk", "httpx"),
                    help="load generator; repeat for both (default: wrk if installed, else httpx). wrk runs "
                         "for --seconds; httpx stops at --requests or --seconds")
    ap.add_argument("--cells", default="entity,hop2,hop2_small,pattern")
    ap.add_argument("--requests", type=int, default=400, help="requests per cell at most")
    ap.add_argument("--seconds", type=float, default=20.0, help="time per cell at most")
    ap.add_argument("--warmup", type=float, default=3.0,
                    help="seconds of uncounted load (same cell, same clients) before each cell")
    ap.add_argument("--cache", action="append", choices=("on", "off"),
                    help="serve with the read cache on and/or off (KG_API_CACHE); repeat (default: on)")
    ap.add_argument("--many", type=int, default=2000, help="entities the *_many cells rotate over")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "api.json")
    a = ap.parse_args(argv)
    backends = a.backend or ["falkordb"]
    worker_counts = a.workers or [1]
    caches = a.cache or ["on"]
    clients = a.clients or [1, 32]
    wanted = a.cells.split(",")
    drivers = a.driver or (["wrk"] if shutil.which("wrk") else ["httpx"])
    if "wrk" in drivers and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk), or use --driver httpx")

    from api.auth import KeyStore
    from kg.store import open_store

    runs: list[dict[str, Any]] = []
    graphs: dict[str, Any] = {}
    for backend in backends:
        tmp = Path(tempfile.mkdtemp(prefix="kg-bench-api-"))
        if backend == "falkordb":
            url = f"falkordb://{a.falkordb_dir or tmp / 'graph'}"
        else:
            if not a.neo4j_url:
                raise SystemExit("--neo4j-url (or KG_NEO4J_TEST_URL) is needed for the neo4j backend")
            url = a.neo4j_url
        store = open_store(url)
        try:
            counts = store.count()
            load_s = 0.0
            if not (a.reuse and counts["nodes"]):
                load_s = build_graph(store, a.graph, tmp)
                counts = store.count()
            graphs[backend] = {"nodes": counts["nodes"], "relationships": counts["relationships"],
                               "load_seconds": round(load_s, 1), "server": store.server_version()}
            print(f"{backend}: {counts['nodes']} nodes, {counts['relationships']} relationships, "
                  f"loaded in {load_s:.1f} s", flush=True)
            uids, bodies = pick(store, a.graph)
            many = pick_many(store, a.many) if any(c.endswith("_many") for c in wanted) else []
            db_pid = store.server.pid() if backend == "falkordb" else a.neo4j_pid  # type: ignore[attr-defined]
            pattern = PATTERNS[a.graph]
            cells: dict[str, list[tuple[str, str, Any]]] = {
                "entity": [("GET", f"/entities/{quote(u, safe=':')}", None) for u in uids],
                "hop2": [("GET", f"/entities/{quote(u, safe=':')}/neighbourhood?depth=2&max_degree=200&limit=500", None)
                         for u in uids],
                "hop2_small": [("GET", f"/entities/{quote(u, safe=':')}/neighbourhood?depth=2&max_degree=50&limit=100", None)
                               for u in uids],
                "pattern": [("POST", f"/patterns/{pattern}/runs", b) for b in bodies],
                "entity_many": [("GET", f"/entities/{quote(u, safe=':')}", None) for u in many],
                "hop2_many": [("GET", f"/entities/{quote(u, safe=':')}/neighbourhood?depth=2&max_degree=200&limit=500", None)
                              for u in many],
            }
            variants: list[tuple[Path | None, int, str]] = [(None, w, c) for w in worker_counts for c in caches]
            variants = [(c, 1, "off") for c in (a.code or [])] + variants
            for rnd, (code, workers, cache) in ((r, v) for r in range(a.rounds) for v in variants):
                data_dir = tmp / f"api-w{workers}-{len(runs)}"
                key = KeyStore(data_dir).create("analyst", "bench")
                port = free_port()
                proc = serve(url, data_dir, port, workers, a.threads, code, cache)
                results = []
                audit_path = data_dir / "audit.jsonl"
                try:
                    for name, conc, driver in ((x, c, d) for x in wanted for c in clients for d in drivers):
                        base = f"http://127.0.0.1:{port}"
                        if a.warmup > 0:  # not counted: plans, cache and OS warm
                            if driver == "wrk":
                                drive_wrk(base, key, name, cells[name], conc, a.warmup)
                            else:
                                asyncio.run(drive(base, key, name, cells[name], conc, a.requests, a.warmup))
                        seen = audit_lines(audit_path)
                        up = load()
                        c0, d0 = tree_cpu(proc.pid), tree_cpu(db_pid)
                        if driver == "wrk":
                            res = drive_wrk(base, key, name, cells[name], conc, a.seconds, warm=a.warmup <= 0)
                        else:
                            res = asyncio.run(drive(base, key, name, cells[name], conc, a.requests, a.seconds))
                        n = max(1, res["requests"] + (3 if a.warmup <= 0 else 0))  # + the warm-up requests
                        res["app_cpu_ms_per_req"] = round((tree_cpu(proc.pid) - c0) * 1000 / n, 2)
                        if db_pid is not None:
                            res["db_cpu_ms_per_req"] = round((tree_cpu(db_pid) - d0) * 1000 / n, 2)
                        res["load_before"], res["load_after"] = up, load()
                        res["cache"] = cache
                        res["entities"] = len({u for _, u, _ in cells[name]})
                        res.update(cache_counts(audit_path, seen))
                        results.append(res)
                        print(f"{backend:8s} {'old ' if code else ''}w={workers} cache={cache:3s} {name:11s} c={conc:<3d} "
                              f"{driver:5s} n={res['requests']:<6d} {res['rps']:8.1f} req/s  p50 {res['p50_ms']:7.2f}"
                              f" ms  p95 {res['p95_ms']:7.2f} ms  errors {res['errors']}  cpu app "
                              f"{res['app_cpu_ms_per_req']} db {res.get('db_cpu_ms_per_req', '-')} loadgen "
                              f"{res['loadgen_cpu_ms_per_req']} ms/req  hit ratio {res.get('hit_ratio')}  load {up}",
                              flush=True)
                finally:
                    proc.terminate()
                    proc.wait(30)
                from api.audit import verify_audit

                audit = verify_audit(data_dir / "audit.jsonl")
                runs.append({"backend": backend, "round": rnd, "code": str(code) if code else "this checkout",
                             "workers": workers, "cache": cache, "threads": a.threads, "pattern": pattern, "results": results,
                             "audit_chain_ok": audit.ok, "audit_records": audit.records,
                             "target_met": {f"{r['endpoint']}@{r['clients']}/{r['driver']}": r["p95_ms"] <= TARGET_P95_MS
                                            for r in results if r["endpoint"] in ("entity", "hop2", "hop2_small", "entity_many",
                                                                       "hop2_many")}})
                print(f"audit chain ok={audit.ok} records={audit.records} (round {rnd})", flush=True)
        finally:
            store.close()
            shutil.rmtree(tmp, ignore_errors=True)
    out = {"drivers": drivers, "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
           "graph": a.graph, "graphs": graphs, "rounds": a.rounds, "target_p95_ms": TARGET_P95_MS, "requests_per_cell": a.requests,
           "seconds_per_cell": a.seconds, "warmup_seconds_per_cell": a.warmup, "runs": runs}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(out, indent=1, ensure_ascii=False), "utf-8")
    print("\n| backend | workers | cache | endpoint | clients | driver | requests | req/s | p50 ms | p95 ms | "
          "hit ratio | app + db CPU ms/req | load-gen CPU ms/req | load |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for run in runs:
        for r in run["results"]:
            print(f"| {run['backend']}{' (' + Path(run['code']).name + ')' if run['code'] != 'this checkout' else ''} "
                  f"| {run['workers']} | {run.get('cache', 'on')} | {r['endpoint']} | {r['clients']} | {r['driver']} | "
                  f"{r['requests']} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | {r.get('hit_ratio')} | "
                  f"{r['app_cpu_ms_per_req']} + "
                  f"{r.get('db_cpu_ms_per_req', '-')} | {r['loadgen_cpu_ms_per_req']} | {r['load_before']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
