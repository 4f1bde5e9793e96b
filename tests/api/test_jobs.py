"""Jobs and uploads off the request path, state on disk; several worker processes sharing
one data dir (audit chain, rate limits, jobs, clues). Real stores, real processes."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from api.app import create_app
from api.audit import AuditLog, verify_audit
from api.auth import KeyStore, RateLimiter
from api.errors import RateLimited
from api.state import JobManager
from kg.store import GraphStore
from tests.api.conftest import Api, make_settings, seed
from tests.api.test_routes import BANK_CSV, FAN_IN

ROOT = Path(__file__).resolve().parents[2]


def test_jobs_survive_a_restart(store: GraphStore, tmp_path: Path) -> None:
    seed(store)
    s = make_settings(tmp_path)
    key = KeyStore(s.data_dir).create("analyst")
    h = {"Authorization": f"Bearer {key}"}
    with TestClient(create_app(store, settings=s)) as c:
        r = c.post("/patterns/generic.fan_in/runs", json={"params": FAN_IN}, headers=h)
        assert r.status_code == 200 and r.json()["count"] == 1
        jid = r.json()["job"]["id"]
        files = {"files": ("bank_accounts_2024.csv", BANK_CSV.encode("utf-8"), "text/csv")}
        r = c.post("/uploads", files=files, data={"dataset": "up2"}, headers=h)
        assert r.status_code == 202
        up_job = r.json()["job"]["id"]
        for _ in range(1000):
            if c.get(f"/jobs/{up_job}", headers=h).json()["job"]["state"] not in ("queued", "running"):
                break
            time.sleep(0.02)
    with TestClient(create_app(store, settings=s)) as c:  # a new app on the same data dir
        d = c.get(f"/jobs/{jid}", headers=h).json()
        assert d["job"]["state"] == "done" and d["count"] == 1 and d["clues"][0]["rule_id"] == "generic.fan_in"
        d = c.get(f"/jobs/{up_job}", headers=h).json()
        assert d["job"]["state"] == "done" and d["summary"]["records_read"] == 3 and len(d["quarantine"]) >= 2
        assert c.get("/jobs/job_0000000000000000", headers=h).status_code == 404
        assert c.get("/jobs/..%2F..%2Fkeys", headers=h).status_code == 404
    assert verify_audit(s.data_dir / "audit.jsonl").ok
    # job results hold clue rows (personal data): only the service's user may read them
    jobs = s.data_dir / "jobs"
    assert jobs.stat().st_mode & 0o077 == 0
    stored = list(jobs.glob("*.json"))
    assert stored and all(p.stat().st_mode & 0o077 == 0 for p in stored)


def test_a_job_cut_by_shutdown_is_interrupted_not_lost(api: Api, tmp_path: Path) -> None:
    s = make_settings(tmp_path, shutdown_wait_s=0.2)
    gate = threading.Event()
    with TestClient(create_app(api.store, settings=s)) as c:
        ctx = c.app.state.ctx  # type: ignore[attr-defined]
        job = ctx.jobs.submit("block", "t", lambda _jid: gate.wait(), lambda e: {})
        queued = [ctx.jobs.submit("block", "t", lambda _jid: gate.wait(), lambda e: {}) for _ in range(2)]
        for _ in range(100):
            if job.state == "running":
                break
            time.sleep(0.01)
    # the app has shut down with one job running and one queued behind the two workers
    key = KeyStore(s.data_dir).create("analyst")
    with TestClient(create_app(api.store, settings=s)) as c:
        for j in (job, *queued):
            d = c.get(f"/jobs/{j.id}", headers={"Authorization": f"Bearer {key}"}).json()
            assert d["job"]["state"] == "interrupted" and d["job"]["error"]["code"] == "interrupted"
        gate.set()
        job.future.result(timeout=10)  # type: ignore[union-attr]
        time.sleep(0.05)  # the run ended after the restart: it does not overwrite the verdict
        d = c.get(f"/jobs/{job.id}", headers={"Authorization": f"Bearer {key}"}).json()
        assert d["job"]["state"] == "interrupted"


def _hold_a_job(jobs_dir: str, out: str) -> None:
    mgr = JobManager(1, 4, Path(jobs_dir))
    job = mgr.submit("block", "t", lambda _jid: time.sleep(600), lambda e: {})
    Path(out).write_text(job.id)
    time.sleep(600)


def test_a_job_of_a_killed_process_is_interrupted(tmp_path: Path) -> None:
    out = tmp_path / "jid"
    p = mp.get_context("spawn").Process(target=_hold_a_job, args=(str(tmp_path / "jobs"), str(out)))
    p.start()
    for _ in range(500):
        if out.exists() and out.read_text():
            break
        time.sleep(0.02)
    jid = out.read_text()
    other = JobManager(1, 4, tmp_path / "jobs")  # another live worker: the job's owner is alive
    time.sleep(0.2)
    assert other.get(jid).state == "running"
    os.kill(p.pid, signal.SIGKILL)  # no shutdown code runs
    p.join(10)
    assert other.get(jid).state == "interrupted"
    assert other.get(jid).error["code"] == "interrupted"  # type: ignore[index]
    assert JobManager(1, 4, tmp_path / "jobs").get(jid).state == "interrupted"


def _append_audit(path: str, n: int, tag: int) -> None:
    log = AuditLog(Path(path))
    for i in range(n):
        log.append({"route": "/x", "status": 200, "worker": tag, "i": i})


def _take_tokens(state_dir: str, n: int, q: Any) -> None:
    rl = RateLimiter(1, 10, Path(state_dir))
    ok = 0
    for _ in range(n):
        try:
            rl.hit("k1")
            ok += 1
        except RateLimited:
            pass
    q.put(ok)


def test_audit_chain_and_rate_limit_are_shared_by_processes(tmp_path: Path) -> None:
    ctx = mp.get_context("spawn")
    path = tmp_path / "audit.jsonl"
    AuditLog(path).append({"route": "/first", "status": 200})
    procs = [ctx.Process(target=_append_audit, args=(str(path), 200, t)) for t in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    rep = verify_audit(path)
    assert rep.ok, rep.problems[:3]
    assert rep.records == 801
    recs = AuditLog(path).records()
    assert [r["seq"] for r in recs] == list(range(1, 802))
    assert sorted({r.get("worker") for r in recs[1:]}) == [0, 1, 2, 3]
    # a burst of 10 per principal is shared: 3 processes asking 10 times each get 10 in total
    q = ctx.Queue()
    procs = [ctx.Process(target=_take_tokens, args=(str(tmp_path / "rl"), 10, q)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert sum(q.get(timeout=5) for _ in procs) == 10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _store_url(store: GraphStore) -> str:
    if store.backend == "falkordb":
        return f"falkordb://{store.server.data_dir}"  # type: ignore[attr-defined]
    return os.environ.get("KG_NEO4J_TEST_URL", f"bolt://127.0.0.1:{os.environ.get('NEO4J_LOCAL_BOLT_PORT', '17687')}")


def test_serve_with_two_workers_keeps_one_audit_chain_and_shared_jobs(store: GraphStore, tmp_path: Path) -> None:
    """``kg serve --workers 2``: requests land on both processes; the audit chain stays one
    sequence, a job started on one worker is polled on any, clues are seen by both."""
    seed(store)
    data = tmp_path / "apidata"
    keys = KeyStore(data)
    analyst = keys.create("analyst")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KG_API_DATA_DIR": str(data), "KG_API_RATE_PER_MINUTE": "100000",
           "KG_API_BURST": "10000"}
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", _store_url(store), "--port",
                             str(port), "--workers", "2", "--threads", "8"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    h = {"Authorization": f"Bearer {analyst}"}
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        def hammer(n: int) -> None:
            with httpx.Client(base_url=base, headers=h, timeout=30) as c:
                for _ in range(n):
                    r = c.get("/entities/BankAccount:hub")
                    assert r.status_code == 200
        threads = [threading.Thread(target=hammer, args=(40,)) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        jobs = []
        with httpx.Client(base_url=base, headers=h, timeout=30) as c:
            for _ in range(6):  # new connections: both workers take some
                with httpx.Client(base_url=base, headers=h, timeout=30) as c1:
                    r = c1.post("/patterns/generic.fan_in/runs", json={"params": FAN_IN, "wait_s": 0})
                    assert r.status_code in (200, 202)
                    jobs.append(r.json()["job"]["id"])
            for jid in jobs:
                for _ in range(500):
                    with httpx.Client(base_url=base, headers=h, timeout=30) as c1:
                        d = c1.get(f"/jobs/{jid}").json()
                    if d["job"]["state"] == "done":
                        break
                    time.sleep(0.02)
                assert d["job"]["state"] == "done" and d["count"] == 1
            clue = d["clues"][0]["id"]
            for _ in range(6):
                with httpx.Client(base_url=base, headers=h, timeout=30) as c1:
                    assert c1.get(f"/clues/{clue}").status_code == 200
            r = c.post(f"/clues/{clue}/review", json={"decision": "confirmed", "reason": "checked"})
            assert r.status_code == 200
            for _ in range(6):
                with httpx.Client(base_url=base, headers=h, timeout=30) as c1:
                    assert c1.get(f"/clues/{clue}").json()["status"] == "confirmed"
            for _ in range(300):  # the kernel hands new connections to either worker
                if len({json.loads(x).get("pid") for x in (data / "audit.jsonl").read_text("utf-8").splitlines()}) > 1:
                    break
                httpx.get(base + "/health", timeout=30)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    rep = verify_audit(data / "audit.jsonl")
    assert rep.ok, rep.problems[:3]
    recs = [json.loads(x) for x in (data / "audit.jsonl").read_text("utf-8").splitlines()]
    assert rep.records == len(recs) >= 240 + 6 + 6 + 6 + 1 + 6
    assert [r["seq"] for r in recs] == list(range(1, len(recs) + 1))
    pids = {r.get("pid") for r in recs}
    assert len(pids) == 2, pids  # both workers served and wrote to the one chain
