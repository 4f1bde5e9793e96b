"""Service state shared by the routers: jobs (pattern runs) and the clue/review repository."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

from api.errors import Conflict
from kg.clues import REVIEW_DECISIONS, ClueRepo  # noqa: F401 - re-exported: the repository is core
from kg.errors import NotFound

log = logging.getLogger(__name__)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class Job:
    """A pattern run in the background."""

    id: str
    pattern: str
    principal: str
    created: float
    future: Future[Any]
    state: str = "queued"  # queued | running | done | failed | cancelled
    result: Any = None
    error: dict[str, Any] | None = None
    finished: float | None = None

    def view(self) -> dict[str, Any]:
        """Public status of the job (no results)."""
        return {"id": self.id, "pattern": self.pattern, "state": self.state,
                "seconds": round((self.finished or time.time()) - self.created, 3),
                "error": self.error}


class JobManager:
    """A small thread pool for pattern runs; jobs are kept in memory (bounded)."""

    def __init__(self, workers: int, max_jobs: int) -> None:
        self.pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="kg-job")
        self.max_jobs = max_jobs
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def submit(self, pattern: str, principal: str, fn: Callable[[str], Any],
               on_error: Callable[[BaseException], dict[str, Any]]) -> Job:
        """Queue ``fn(job_id)``; the job records its result or a safe error body."""
        with self._lock:
            active = [j for j in self.jobs.values() if j.state in ("queued", "running")]
            if len(active) >= self.max_jobs:
                raise Conflict("too many jobs in flight", limit=self.max_jobs)
            if len(self.jobs) >= self.max_jobs * 4:  # forget the oldest finished jobs
                for old in sorted((j for j in self.jobs.values() if j.state not in ("queued", "running")),
                                  key=lambda j: j.created)[: len(self.jobs) // 2]:
                    self.jobs.pop(old.id, None)
            jid = "job_" + secrets.token_hex(8)
            holder: dict[str, Job] = {}

            def run() -> Any:
                job = holder["job"]
                if job.state == "cancelled":
                    return None
                job.state = "running"
                try:
                    res = fn(job.id)
                except BaseException as exc:  # noqa: BLE001 - recorded as a safe error body
                    if job.state != "cancelled":
                        job.state, job.error = "failed", on_error(exc)
                    job.finished = time.time()
                    return None
                if job.state != "cancelled":
                    job.result, job.state = res, "done"
                job.finished = time.time()
                return res

            job = Job(jid, pattern, principal, time.time(), Future())
            holder["job"] = job
            job.future = self.pool.submit(run)
            self.jobs[jid] = job
            return job

    def get(self, jid: str) -> Job:
        """The job ``jid`` or :class:`NotFound`."""
        job = self.jobs.get(jid)
        if job is None:
            raise NotFound("no such job")
        return job

    def cancel(self, jid: str) -> Job:
        """Cancel a queued or running job (a running query finishes; its result is dropped)."""
        job = self.get(jid)
        if job.state in ("done", "failed"):
            raise Conflict("job already finished", status=job.state)
        job.future.cancel()
        job.state, job.finished = "cancelled", time.time()
        return job

    def shutdown(self) -> None:
        """Stop the pool without waiting for running queries."""
        self.pool.shutdown(wait=False, cancel_futures=True)


