"""A per-worker read cache of encoded response bodies, valid by graph generation.

Hot read routes (entity, neighbourhood, paths, search) look their body up here AFTER
authentication, the role gate and the rate limit have run, and every request, hit or
miss, still writes its audit record (with ``cache: hit|miss|off``).

* Key: route + role + normalised parameters. Value: the encoded body and the audit
  fields of the request that computed it. Bounded by entries and bytes, least recently
  used first out; an entry older than ``ttl_s`` is not served.
* Validity: the graph's generation (:meth:`kg.store.base.GraphStore.generation`, bumped
  in the graph by every kg write from any process) is read by one background thread per
  worker every ``poll_ms``; when it changed the cache is dropped. Writes through this
  worker's own store handle drop it at once (:meth:`GraphStore.on_write`). A body
  computed while the cache was dropped is not stored (the drop epoch is checked), so
  a stale body can be served at most ``poll_ms`` (+ one poll query) after a kg write
  from elsewhere, and at most ``ttl_s`` after a raw write that bypasses kg.
* If the poller has not succeeded for ``max(1 s, 5 * poll_ms)`` (store down, thread
  stopped, app not started) the cache is bypassed: nothing is served from it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Hashable

from kg.store.base import GraphStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    """A cached response: its encoded body and the audit fields of the miss that made it."""

    body: bytes
    note: dict[str, Any]
    stored: float


class ReadCache:
    """LRU of encoded bodies, dropped when the graph generation changes (see module doc)."""

    def __init__(self, store: GraphStore, *, enabled: bool = True, max_entries: int = 10_000,
                 max_bytes: int = 64_000_000, ttl_s: float = 30.0, poll_ms: float = 200.0) -> None:
        self.store = store
        self.enabled = enabled
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.ttl_s = ttl_s
        self.poll_s = poll_ms / 1000.0
        self.stale_after_s = max(1.0, 5 * self.poll_s)
        self._data: OrderedDict[Hashable, Entry] = OrderedDict()
        self._bytes = 0
        self._epoch = 0  # +1 on every drop: a body computed across a drop is not stored
        self._lock = threading.Lock()
        self._gen: Any = None
        self._polled = float("-inf")  # monotonic time of the last successful poll
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._unsubscribe = store.on_write(self.clear) if enabled else None
        self.hits = self.misses = 0

    # -- validity -------------------------------------------------------------------
    def poll(self) -> None:
        """Read the graph generation once; drop everything if it changed."""
        try:
            gen = self.store.generation()
        except Exception as exc:  # noqa: BLE001 - the cache goes to bypass; requests report the outage
            log.warning("cache generation poll failed: %s", type(exc).__name__)
            self.clear()
            self._gen = None
            return
        if gen != self._gen:
            self.clear()
            self._gen = gen
        self._polled = time.monotonic()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.poll()
            self._stop.wait(self.poll_s)

    def start(self) -> None:
        """Start the poller thread (the app's lifespan does; without it nothing is cached)."""
        if self.enabled and self._thread is None:
            self._stop.clear()
            self.poll()
            self._thread = threading.Thread(target=self._run, name="kg-cache-poll", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the poller, drop everything and stop listening to the store."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._polled = float("-inf")
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.clear()

    @property
    def active(self) -> bool:
        """Whether lookups may be served: enabled and the generation was read recently."""
        return self.enabled and time.monotonic() - self._polled <= self.stale_after_s

    def clear(self) -> None:
        """Drop every entry (a write happened, or the generation changed)."""
        with self._lock:
            self._epoch += 1
            self._data.clear()
            self._bytes = 0

    # -- entries --------------------------------------------------------------------
    def get(self, key: Hashable) -> tuple[Entry | None, int | None]:
        """``(entry, None)`` on a hit; ``(None, token)`` on a miss, ``token`` to pass to
        :meth:`put`; ``(None, None)`` when the cache is off or bypassed."""
        if not self.active:
            return None, None
        now = time.monotonic()
        with self._lock:
            e = self._data.get(key)
            if e is not None:
                if now - e.stored <= self.ttl_s:
                    self._data.move_to_end(key)
                    self.hits += 1
                    return e, None
                self._bytes -= len(e.body)
                del self._data[key]
            self.misses += 1
            return None, self._epoch

    def put(self, key: Hashable, body: bytes, note: dict[str, Any], token: int | None) -> None:
        """Store ``body`` unless the cache was dropped since ``token`` was handed out."""
        if token is None or len(body) > self.max_bytes // 8:
            return
        with self._lock:
            if token != self._epoch:
                return
            old = self._data.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._data[key] = Entry(body, dict(note), time.monotonic())
            self._bytes += len(body)
            while self._data and (len(self._data) > self.max_entries or self._bytes > self.max_bytes):
                _, e = self._data.popitem(last=False)
                self._bytes -= len(e.body)

    def stats(self) -> dict[str, int]:
        """Entries, bytes, hits and misses of this worker (no keys: they hold parameters)."""
        with self._lock:
            return {"entries": len(self._data), "bytes": self._bytes, "hits": self.hits, "misses": self.misses}
