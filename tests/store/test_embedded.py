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


_SECOND = """
import sys
from kg.store.embedded import EmbeddedServer
s = EmbeddedServer(sys.argv[1], probe_timeout=0.01)
first = s._probe()
print(first, "started" if s.ensure() else "reused", flush=True)
"""


def test_a_server_loading_a_large_graph_is_waited_for_not_killed(tmp_path: Path) -> None:
    """Reopening a big graph takes longer than the start timeout (a 1M-person graph: minutes,
    and one graph key can keep the server from answering for more than 5 s). The starter
    waits while the server loads; a second process reuses it instead of killing it."""
    import threading

    d = tmp_path / "g"
    st = open_store(f"falkordb://{d}")
    st.apply_schema()
    for i in range(2000):  # 2,000 write queries in the append-only file, replayed on start
        st.upsert_nodes("Person", [{"uid": f"Person:{i}-{j}", "props": {"name": "张某"}, "src": "t#row=1@t@1"}
                                   for j in range(50)], dataset="t")
    time.sleep(1.2)  # appendfsync everysec
    pid = st.server.pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)  # no clean stop: the AOF is not compacted, so loading replays it
    st.server._proc.wait()

    a = EmbeddedServer(d, start_timeout=0.3, probe_timeout=0.01)
    result: dict = {}

    def start() -> None:
        t0 = time.monotonic()
        try:
            result["started"] = a.ensure()
        except Exception as exc:  # noqa: BLE001 - reported below
            result["error"] = exc
        result["seconds"] = time.monotonic() - t0

    t = threading.Thread(target=start)
    t.start()
    deadline = time.monotonic() + 30
    while not socket_path(d.resolve()).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    second = subprocess.run([sys.executable, "-c", _SECOND, str(d)], capture_output=True, text=True,
                            timeout=120)
    t.join(timeout=120)
    try:
        assert "error" not in result, result
        assert result["started"] is True
        assert result["seconds"] > 0.3  # loading outlasted the start timeout and was waited for
        first, how = second.stdout.split()
        assert first in ("loading", "busy"), second.stdout  # it came while the server loaded
        assert how == "reused"
        server_pid = a.pid()
        assert server_pid is not None
        st2 = open_store(f"falkordb://{d}")
        try:
            assert st2.count()["nodes"] == 100_000
            assert a.pid() == server_pid  # nobody killed or replaced the loading server
        finally:
            st2.close()
    finally:
        a.stop()
