"""API keys (stored hashed), roles and per-principal rate limits.

A key reads ``kg_<key id>_<secret>``; the keys file (``<data_dir>/keys.json``) keeps the
key id, role, creation time and the SHA-256 of the whole key, never the key itself.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import struct
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from api.errors import Forbidden, RateLimited, Unauthenticated
from kg.errors import DataError

ROLES: dict[str, int] = {"viewer": 1, "analyst": 2, "admin": 3}
KEYS_FILE = "keys.json"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key id (the audit's principal id) and role."""

    id: str
    role: str

    def require(self, role: str) -> None:
        """Raise :class:`Forbidden` unless this principal has at least ``role``."""
        if ROLES.get(self.role, 0) < ROLES[role]:
            raise Forbidden("role does not allow this route", required_role=role)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyStore:
    """The hashed API keys in ``<data_dir>/keys.json``.

    Examples
    --------
    >>> import tempfile
    >>> ks = KeyStore(Path(tempfile.mkdtemp()))
    >>> key = ks.create("viewer")
    >>> ks.authenticate(key).role
    'viewer'
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / KEYS_FILE
        self._lock = threading.Lock()
        self._cache: dict[str, dict[str, str]] | None = None
        self._mtime = 0.0

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            return {}
        if self._cache is None or mtime != self._mtime:
            self._cache = {k["id"]: k for k in json.loads(self.path.read_text("utf-8")).get("keys", [])}
            self._mtime = mtime
        return self._cache

    def create(self, role: str, note: str = "") -> str:
        """Create a key for ``role``; return it (the only time it is shown)."""
        if role not in ROLES:
            raise DataError("unknown role", allowed=sorted(ROLES))
        kid = secrets.token_hex(6)
        key = f"kg_{kid}_{secrets.token_urlsafe(32)}"
        with self._lock:
            keys = dict(self._load())
            keys[kid] = {"id": kid, "role": role, "sha256": _hash(key), "note": note[:100],
                         "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"keys": list(keys.values())}, indent=1), "utf-8")
            os.chmod(tmp, 0o600)
            tmp.replace(self.path)
            self._cache = None
        return key

    def authenticate(self, key: str | None) -> Principal:
        """The principal of ``key``; :class:`Unauthenticated` if missing or unknown."""
        if not key:
            raise Unauthenticated("missing bearer token")
        parts = key.split("_")
        if len(parts) < 3 or parts[0] != "kg":
            raise Unauthenticated("invalid token")
        rec = self._load().get(parts[1])
        if rec is None or not hmac.compare_digest(rec["sha256"], _hash(key)):
            raise Unauthenticated("invalid token")
        return Principal(rec["id"], rec["role"])


class RateLimiter:
    """A token bucket per principal: ``rate_per_minute`` with bursts up to ``burst``.

    With ``state_dir`` the buckets live in small files there (``<principal>.bucket``:
    tokens and time, updated under an exclusive ``flock``), so every worker process of
    ``kg serve --workers N`` draws from the same bucket; without it they live in memory.
    A bucket file's descriptor stays open for the process's lifetime (one per principal,
    at most ``max_open`` kept), so a request costs ``flock``, ``pread``, ``pwrite`` and
    unlock instead of also opening and closing the file; a deleted bucket file is noticed
    (link count 0) and reopened.
    """

    _FMT = struct.Struct("<dd")

    def __init__(self, rate_per_minute: int, burst: int, state_dir: Path | None = None, max_open: int = 256) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = float(max(1, burst))
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self.state_dir = Path(state_dir) if state_dir is not None else None
        self._dir = str(self.state_dir) if self.state_dir is not None else ""
        self._fds: dict[str, int] = {}  # principal id -> open bucket file
        self._max_open = max(1, max_open)
        self._pid = os.getpid()
        if self.state_dir is not None:
            self.state_dir.mkdir(parents=True, exist_ok=True)

    def _bucket_fd(self, principal_id: str) -> int:
        """The open bucket file of ``principal_id`` (caller holds ``_lock``)."""
        if self._pid != os.getpid():  # forked: never share the parent's descriptors (and flocks)
            for inherited in self._fds.values():
                os.close(inherited)
            self._fds.clear()
            self._pid = os.getpid()
        kept = self._fds.get(principal_id)
        if kept is not None:
            if os.fstat(kept).st_nlink > 0:
                return kept
            os.close(kept)  # the file was deleted: start a new one
            del self._fds[principal_id]
        if len(self._fds) >= self._max_open:
            os.close(self._fds.pop(next(iter(self._fds))))
        safe = "".join(c for c in principal_id if c.isalnum())[:64] or "_"
        fd = os.open(os.path.join(self._dir, f"{safe}.bucket"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        self._fds[principal_id] = fd
        return fd

    def close(self) -> None:
        """Close the bucket files (they are reopened on the next hit)."""
        with self._lock:
            for fd in self._fds.values():
                os.close(fd)
            self._fds.clear()

    def _take(self, state: tuple[float, float] | None, now: float) -> tuple[tuple[float, float], float | None]:
        """(new state, retry-after seconds or None if a token was taken)."""
        tokens, last = state if state is not None else (self.burst, now)
        tokens = min(self.burst, tokens + max(0.0, now - last) * self.rate)
        if tokens < 1.0:
            return (tokens, now), max(1, int((1 - tokens) / self.rate) + 1)
        return (tokens - 1.0, now), None

    def hit(self, principal_id: str) -> None:
        """Take one token or raise :class:`RateLimited`."""
        now = time.time()
        with self._lock:
            if self.state_dir is None:
                new, retry = self._take(self._buckets.get(principal_id), now)
                self._buckets[principal_id] = new
            else:
                fd = self._bucket_fd(principal_id)
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    raw = os.pread(fd, self._FMT.size, 0)
                    old = self._FMT.unpack(raw) if len(raw) == self._FMT.size else None
                    new, retry = self._take(old, now)
                    os.pwrite(fd, self._FMT.pack(*new), 0)
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
        if retry is not None:
            raise RateLimited("rate limit exceeded", retry_after=retry)
