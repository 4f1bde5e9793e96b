"""The append-only, hash-chained audit stream (one JSON line per request).

Each record holds ``prev`` (the previous record's ``hash``) and ``hash`` (SHA-256 of the
record's canonical JSON without ``hash``), and a sequence number, so editing, deleting
or reordering a record breaks the chain. Values of parameters are recorded only when
they are non-personal (numbers, booleans, dates); otherwise only their names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GENESIS = "0" * 64


def _digest(record: dict[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "hash"}
    data = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


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
        if self.path.exists():
            last = b""
            with self.path.open("rb") as fh:
                for line in fh:
                    if line.strip():
                        last = line
            if last:
                rec = json.loads(last)
                self._prev, self._seq = rec["hash"], int(rec["seq"])

    def append(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Append one record (``time``, ``seq``, ``prev`` and ``hash`` are added)."""
        with self._lock:
            rec = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
                   "seq": self._seq + 1, **fields, "prev": self._prev}
            rec["hash"] = _digest(rec)
            line = json.dumps(rec, ensure_ascii=False, separators=(",", ":"), default=str) + "\n"
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)
            self._prev, self._seq = rec["hash"], rec["seq"]
            return rec

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
