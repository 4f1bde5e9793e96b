"""Pause Python's cyclic garbage collector around allocation-heavy bulk work.

The ingest and entity resolution allocate millions of short-lived dicts and lists (rows,
statements, query results) while long-lived objects pile up (the identifier caches of
:mod:`extractors.records.mapping` hold up to 7 x 65,536 results; resolution holds every
entity): every automatic collection of the oldest generation walks all of them, so the
collector's share of the run grows with the size of the data. The rows are freed by
reference counting (they hold no cycles); the collector runs again as soon as the block
ends, on the counts that piled up meanwhile.
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
