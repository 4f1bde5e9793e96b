"""Fault test: the Neo4j server stops part way through an ingest.

A dedicated local Neo4j (its own home and port, started with ``scripts/neo4j-local``)
receives an ingest in a subprocess; after the first checkpoint the server is stopped
(SIGTERM, as an operator or a crash-restart would). The ingest fails with a clear error,
the server comes back, the ingest is re-run with the same checkpoint, and the graph must
be identical (counts and property checksum) to an uninterrupted ingest of the same files.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractors.ingest import graph_checksum, ingest
from kg.store import open_store

from ...conftest import ROOT

PASSWORD = "cluegraph-fault-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def own_neo4j(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    port = _free_port()
    env = dict(os.environ, NEO4J_LOCAL_HOME=str(tmp_path / "neo4j-home"), NEO4J_LOCAL_BOLT_PORT=str(port),
               NEO4J_LOCAL_PASSWORD=PASSWORD, NEO4J_LOCAL_HEAP="512m", NEO4J_LOCAL_PAGECACHE="256m")
    script = str(ROOT / "scripts" / "neo4j-local")
    res = subprocess.run([script, "start"], env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    try:
        yield f"bolt://127.0.0.1:{port}", env
    finally:
        subprocess.run([script, "stop"], env=env, capture_output=True, timeout=120)


def test_neo4j_stopped_mid_ingest_then_rerun_gives_the_same_graph(own_neo4j: tuple[str, dict[str, str]],
                                                                  scenario: Path, tmp_path: Path) -> None:
    url, env = own_neo4j
    script = str(ROOT / "scripts" / "neo4j-local")
    records = scenario / "records"
    ck = tmp_path / "ck"
    run_env = dict(os.environ, KG_NEO4J_PASSWORD=PASSWORD, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "extractors.ingest", str(records), "--store", url, "--dataset", "tiny",
           "--checkpoint-dir", str(ck), "--quarantine", str(tmp_path / "q1.jsonl"), "--chunk-size", "50",
           "--no-progress"]
    proc = subprocess.Popen(cmd, env=run_env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    ckfile = ck / "tiny.json"
    deadline = time.monotonic() + 180
    while not ckfile.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, f"ingest ended before its first checkpoint: {proc.stderr.read()!r}"  # type: ignore[union-attr]
    stop = subprocess.run([script, "stop"], env=env, capture_output=True, text=True, timeout=120)
    assert stop.returncode == 0, stop.stdout + stop.stderr
    rc = proc.wait(timeout=300)
    err = proc.stderr.read() if proc.stderr else ""
    assert rc != 0, "the ingest must fail when the server goes away"
    assert "store_unavailable" in err or "store_error" in err or "Neo4j" in err, err[-2000:]
    assert "Traceback" not in err, err[-2000:]  # a clear error, not a stack trace

    start = subprocess.run([script, "start"], env=env, capture_output=True, text=True, timeout=300)
    assert start.returncode == 0, start.stdout + start.stderr
    with open_store(url, password=PASSWORD) as st:
        resumed = ingest(st, [records], dataset="tiny", checkpoint_dir=ck, quarantine_file=tmp_path / "q1.jsonl",
                         progress=False, chunk_size=50)
        assert resumed.resumed_files >= 1
        k_resumed, c_resumed = graph_checksum(st), st.count()
        st.clear()
        ingest(st, [records], dataset="tiny", quarantine_file=tmp_path / "q2.jsonl", progress=False, chunk_size=50)
        assert graph_checksum(st) == k_resumed
        assert st.count() == c_resumed
