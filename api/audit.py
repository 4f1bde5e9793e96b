"""The append-only, hash-chained audit stream (one JSON line per request).

Each record holds ``prev`` (the previous record's ``hash``) and ``hash`` (SHA-256 of the
record's canonical JSON without ``hash``), and a sequence number, so editing, deleting
or reordering a record breaks the chain. Values of parameters are recorded only when
they are non-personal (numbers, booleans, dates); otherwise only their names.

Several processes (``kg serve --workers N``) append to one file: each append takes an
exclusive ``flock`` on the file, and if the file grew since this process last wrote
(another worker appended), it re-reads the last record to chain to it. So the chain
stays one sequence whatever the number of workers. Records are written with one
``write`` on an ``O_APPEND`` descriptor and not fsynced per request (the page cache
keeps them across a crash of the service, not of the machine).

The descriptor stays open between appends (``open``/``close`` per request were a third
of the append's cost); if the path no longer names the open file (rotated, moved or
deleted), the next append reopens it. A line is the record's canonical JSON (sorted
keys, the bytes its hash is taken over) with ``hash`` added at the end, so each record
is serialised once.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GENESIS = "0" * 64


def _canonical(body: dict[str, Any]) -> bytes:
    """The bytes a record's hash is taken over (sorted keys, compact, UTF-8)."""
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


def _digest(record: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical({k: v for k, v in record.items() if k != "hash"})).hexdigest()


class AuditLog:
    """Append records to ``path``, chaining each to the one before.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "audit.jsonl"
    >>> log = AuditLog(p)
    >>> _ = log.append({"route": "/health", "status": 200})
    >>> verify_audit(p).ok
    True
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._prev, self._seq = GENESIS, 0
        self._at: tuple[int, int] | None = None  # (inode, size) of the file after our last append
        self._fd: int | None = None
        self._pid = os.getpid()

    @staticmethod
    def _tail(fd: int, size: int) -> tuple[str, int]:
        """(hash, seq) of the last record of the open file (GENESIS, 0 if empty)."""
        window = 65536
        while True:
            start = max(0, size - window)
            chunk = os.pread(fd, size - start, start)
            lines = [x for x in chunk.split(b"\n") if x.strip()]
            if lines and (start == 0 or len(lines) > 1):
                try:
                    rec = json.loads(lines[-1])
                    return str(rec["hash"]), int(rec["seq"])
                except (ValueError, KeyError, TypeError):
                    raise OSError("last audit record unreadable") from None  # the request gets a 503
            if start == 0:
                return GENESIS, 0
            window *= 4

    def _locked_fd(self) -> tuple[int, os.stat_result]:
        """The open descriptor, ``flock``'d, and its stat; reopened first when ``path`` no
        longer names the open file (deleted, moved or rotated)."""
        for _ in range(8):
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
            fd = self._fd
            fcntl.flock(fd, fcntl.LOCK_EX)  # other worker processes wait here
            st = os.fstat(fd)
            try:
                cur = os.stat(self.path)
                same = (cur.st_ino, cur.st_dev) == (st.st_ino, st.st_dev)
            except FileNotFoundError:
                same = False
            if same:
                return fd, st
            self._close()  # releases the flock
        raise OSError("audit file keeps changing under the service")

    def _close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.close(fd)
            except OSError:
                pass

    def append(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Append one record (``time``, ``seq``, ``prev`` and ``hash`` are added)."""
        with self._lock:
            if self._pid != os.getpid():  # forked: a shared descriptor would share the parent's flock
                self._close()
                self._pid = os.getpid()
            try:
                fd, st = self._locked_fd()
                try:
                    if self._at != (st.st_ino, st.st_size):
                        self._prev, self._seq = self._tail(fd, st.st_size)
                    rec = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
                           "seq": self._seq + 1, **fields, "prev": self._prev}
                    body = _canonical(rec)
                    rec["hash"] = hashlib.sha256(body).hexdigest()
                    line = b"%s,\"hash\":\"%s\"}\n" % (body[:-1], rec["hash"].encode())
                    if os.write(fd, line) != len(line):
                        raise OSError("short write to the audit file")
                    self._at = (st.st_ino, st.st_size + len(line))
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            except OSError:
                self._close()  # the next append starts from a fresh descriptor
                raise
            self._prev, self._seq = rec["hash"], rec["seq"]
            return rec

    def close(self) -> None:
        """Close the descriptor (the next append reopens it)."""
        with self._lock:
            self._close()

    def records(self) -> list[dict[str, Any]]:
        """Every record (for tests and tools)."""
        if not self.path.exists():
            return []
        return [json.loads(x) for x in self.path.read_text("utf-8").splitlines() if x.strip()]


@dataclass
class AuditReport:
    """Result of :func:`verify_audit`."""

    ok: bool
    records: int
    problems: list[str] = field(default_factory=list)
    head: str = GENESIS


def verify_audit(path: str | Path) -> AuditReport:
    """Check the hash chain of the audit file at ``path``.

    Reports a record whose hash does not match its content (edited), whose ``prev`` is
    not the previous record's hash or whose ``seq`` is not consecutive (deleted,
    inserted or reordered). Removing records from the end leaves a valid shorter chain:
    compare ``head``/``records`` with a copy kept elsewhere to detect that.
    """
    p = Path(path)
    problems: list[str] = []
    prev, seq, n = GENESIS, 0, 0
    if not p.exists():
        return AuditReport(False, 0, ["audit file does not exist"])
    with p.open("r", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            n += 1
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                problems.append(f"line {lineno}: not JSON")
                continue
            if not isinstance(rec, dict) or "hash" not in rec:
                problems.append(f"line {lineno}: not an audit record")
                continue
            if _digest(rec) != rec["hash"]:
                problems.append(f"line {lineno}: content does not match its hash (edited)")
            if rec.get("prev") != prev:
                problems.append(f"line {lineno}: chain broken (record missing, inserted or reordered)")
            if rec.get("seq") != seq + 1:
                problems.append(f"line {lineno}: sequence {rec.get('seq')} after {seq}")
            prev = rec["hash"]
            seq = rec.get("seq", seq + 1) if isinstance(rec.get("seq"), int) else seq + 1
    return AuditReport(not problems, n, problems, prev)
