"""CPU seconds of processes, read from Linux ``/proc/<pid>/stat`` (for the benchmarks).

CPU seconds are far less disturbed by a loaded machine than wall time: the ingest, API
and neighbourhood benchmarks report them beside their latencies.
"""

from __future__ import annotations

import os
from pathlib import Path

_TCK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int | str) -> tuple[int, float] | None:
    """``(parent pid, user + system CPU seconds)`` of ``pid``, or None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TCK


def proc_cpu(pid: int | None) -> float | None:
    """CPU seconds process ``pid`` has used, or None when unknown."""
    st = _stat(pid) if pid is not None else None
    return st[1] if st else None


def tree_cpu(pid: int | None) -> float:
    """CPU seconds of process ``pid`` and all its descendants (0 when ``pid`` is None)."""
    if pid is None:
        return 0.0
    procs = {int(d): st for d in os.listdir("/proc") if d.isdigit() and (st := _stat(d)) is not None}
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        if p in procs:
            total += procs[p][1]
            todo += [c for c, (pp, _) in procs.items() if pp == p]
    return total
