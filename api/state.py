"""Service state shared by the routers: jobs (pattern runs) and the clue/review repository."""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from api.errors import Conflict
from kg.errors import DataError, NotFound

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


REVIEW_DECISIONS = ("confirmed", "dismissed")


class ClueRepo:
    """Clues found by pattern runs and their reviews, as JSON lines in the data dir.

    ``clues.jsonl`` holds one line per clue first seen (id, rule, version, score,
    explanation, members, parameters, run id, time); ``reviews.jsonl`` one line per
    review (clue id, decision, reason, principal id, time). The latest review is the
    clue's status. Both files are append-only.
    """

    def __init__(self, data_dir: Path) -> None:
        self.clues_path = Path(data_dir) / "clues.jsonl"
        self.reviews_path = Path(data_dir) / "reviews.jsonl"
        self.clues: dict[str, dict[str, Any]] = {}
        self.reviews: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        for p, sink in ((self.clues_path, "c"), (self.reviews_path, "r")):
            if p.exists():
                for line in p.read_text("utf-8").splitlines():
                    if not line.strip():
                        continue
                    rec = json.loads(line)
                    if sink == "c":
                        self.clues.setdefault(rec["id"], rec)
                    else:
                        self.reviews.setdefault(rec["clue_id"], []).append(rec)

    def add(self, clues: list[dict[str, Any]], run_id: str) -> int:
        """Record clues not seen before; return how many were new."""
        new = []
        with self._lock:
            for c in clues:
                if c["id"] in self.clues:
                    continue
                rec = {"id": c["id"], "rule_id": c["rule_id"], "rule_version": c["rule_version"],
                       "score": c["score"], "explanation_zh": c["explanation_zh"], "members": c["members"],
                       "params": c["params"], "run_id": run_id, "found": _now()}
                self.clues[c["id"]] = rec
                new.append(rec)
            if new:
                self.clues_path.parent.mkdir(parents=True, exist_ok=True)
                with self.clues_path.open("a", encoding="utf-8") as fh:
                    for rec in new:
                        fh.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
        return len(new)

    def status(self, cid: str) -> str:
        """``new`` or the latest review decision."""
        revs = self.reviews.get(cid)
        return revs[-1]["decision"] if revs else "new"

    def view(self, cid: str) -> dict[str, Any]:
        """The clue with its status and reviews; :class:`NotFound` if unknown."""
        rec = self.clues.get(cid)
        if rec is None:
            raise NotFound("no such clue")
        return {**rec, "status": self.status(cid), "reviews": self.reviews.get(cid, [])}

    def list(self, rule_id: str | None, status: str | None, min_score: float | None) -> list[dict[str, Any]]:
        """Clues matching the filters, best score first."""
        out = []
        for cid, rec in self.clues.items():
            st = self.status(cid)
            if rule_id and rec["rule_id"] != rule_id:
                continue
            if status and st != status:
                continue
            if min_score is not None and rec["score"] < min_score:
                continue
            out.append({**rec, "status": st})
        out.sort(key=lambda r: (-r["score"], r["id"]))
        return out

    def review(self, cid: str, decision: str, reason: str, principal: str) -> dict[str, Any]:
        """Append a review (confirm/dismiss with a reason)."""
        if cid not in self.clues:
            raise NotFound("no such clue")
        if decision not in REVIEW_DECISIONS:
            raise DataError("decision must be confirmed or dismissed", allowed=list(REVIEW_DECISIONS))
        rec = {"clue_id": cid, "decision": decision, "reason": reason, "principal": principal, "time": _now()}
        with self._lock:
            self.reviews.setdefault(cid, []).append(rec)
            self.reviews_path.parent.mkdir(parents=True, exist_ok=True)
            with self.reviews_path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return rec
