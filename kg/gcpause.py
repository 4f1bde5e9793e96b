"""Pause Python's cyclic garbage collector around allocation-heavy bulk work.

The ingest and entity resolution allocate millions of short-lived dicts and lists (rows,
statements, query results) while long-lived objects pile up (the identifier caches of
:mod:`extractors.records.mapping` hold up to 7 x 65,536 results; resolution holds every
entity): every automatic collection of the oldest generation walks all of them, so the
collector's share of the run grows with the size of the data. The rows are freed by
reference counting (they hold no cycles); the collector runs again as soon as the block
ends, on the counts that piled up meanwhile.

The stores (:mod:`kg.store.falkordb`, :mod:`kg.store.neo4j`) also read and decode every
query's answer inside :func:`gc_paused`: an answer of thousands of rows allocates tens of
thousands of lists and dicts, and with the rows surviving every few queries a *full*
collection walked the whole heap (tens of ms in a process holding big data: the tail of
the FinBench TCR p95, docs/benchmarks.md). Paused, an answer costs one young collection
after it is read instead of dozens.

The switch is process-wide: a process that disabled GC itself keeps it disabled; with
threads in blocks at the same time, collection may be enabled again while one is still
inside (that block just pauses less).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable automatic garbage collection inside the block (re-enabled after it, if it was on).

    >>> with gc_paused():
    ...     rows = [{"i": i} for i in range(3)]
    >>> import gc; gc.isenabled()
    True
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
