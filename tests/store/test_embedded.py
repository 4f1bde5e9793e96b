"""The embedded FalkorDB server's life cycle: start, reuse, lock, stop, recovery."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.store import open_store
from kg.store.embedded import EmbeddedServer, socket_path


def _row(uid: str) -> dict:
    return {"uid": uid, "props": {"name": "张某"}, "src": "t#row=1@t@1"}


def test_start_persist_and_clean_stop(tmp_path: Path) -> None:
    d = tmp_path / "g"
    st = open_store(f"falkordb://{d}")
    assert st.server.owned
    st.apply_schema()
    st.upsert_nodes("Person", [_row("Person:1")], dataset="t")
    pid = st.server.pid()
    st.close()
    assert pid is not None and st.server.pid() is None
    assert not socket_path(d.resolve()).exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    # no TCP port: the server was started with --port 0 and listens on the unix socket only
    st2 = open_store(f"falkordb://{d}")
    try:
        assert st2.get_node("Person:1").properties["name"] == "张某"  # append-only file reloaded
        cfg = st2._db.connection.config_get("port")
        assert cfg["port"] == "0"
        assert st2._db.connection.config_get("appendonly")["appendonly"] == "yes"
    finally:
        st2.close()


def test_second_store_reuses_a_live_server(tmp_path: Path) -> None:
    d = tmp_path / "g"
    a = open_store(f"falkordb://{d}")
    b = open_store(f"falkordb://{d}")
    try:
        assert a.server.owned and not b.server.owned
        a.upsert_nodes("Person", [_row("Person:shared")], dataset="t")
        assert b.get_node("Person:shared").id == "Person:shared"
        b.close()  # a non-owner does not stop the server
        assert a.get_node("Person:shared").id == "Person:shared"
    finally:
        a.close()


_STARTER = """
import sys
from kg.store.embedded import EmbeddedServer
s = EmbeddedServer(sys.argv[1])
print("started" if s.ensure() else "reused", flush=True)
"""


def test_lock_lets_only_one_of_many_processes_start_the_server(tmp_path: Path) -> None:
    d = tmp_path / "g"
    procs = [subprocess.Popen([sys.executable, "-c", _STARTER, str(d)], stdout=subprocess.PIPE, text=True)
             for _ in range(4)]
    outs = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert sorted(outs) == ["reused", "reused", "reused", "started"]
    srv = EmbeddedServer(d)
    assert srv.pid() is not None
    srv.stop()
    assert srv.pid() is None


def test_recovers_from_a_stale_socket(tmp_path: Path) -> None:
    d = (tmp_path / "g").resolve()
    d.mkdir(parents=True)
    sock = socket_path(d)
    import socket as pysock
    s = pysock.socket(pysock.AF_UNIX)
    s.bind(str(sock))  # a socket file nobody listens on
    s.close()
    (d / "falkordb.pid").write_text("999999")  # a pid that is not running
    st = open_store(f"falkordb://{d}")
    try:
        assert st.server.owned
        st.apply_schema()
        st.upsert_nodes("Person", [_row("Person:1")], dataset="t")
        assert st.count()["nodes"] == 1
    finally:
        st.close()


def test_recovers_from_a_crashed_server(tmp_path: Path) -> None:
    d = tmp_path / "g"
    st = open_store(f"falkordb://{d}")
    try:
        st.apply_schema()
        st.upsert_nodes("Person", [_row("Person:before-crash")], dataset="t")
        time.sleep(1.2)  # appendfsync everysec
        pid = st.server.pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        st.server._proc.wait()
        # the next call finds the server gone, restarts it and reloads the append-only file
        assert st.get_node("Person:before-crash").properties["name"] == "张某"
        assert st.server.pid() not in (None, pid)
    finally:
        st.close()


def test_long_data_dir_gets_a_short_socket(tmp_path: Path) -> None:
    d = tmp_path / ("x" * 120) / "g"
    p = socket_path(d)
    assert len(str(p)) <= 100 and p != d / "falkordb.sock"
    st = open_store(f"falkordb://{d}")
    try:
        assert st.count()["nodes"] == 0
    finally:
        st.close()
