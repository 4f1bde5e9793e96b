"""Service state shared by the routers: jobs (pattern runs, upload ingests) and the clue/review repository.

Jobs are kept on disk under ``<data_dir>/jobs`` so that every worker process sees them and
a restart loses none: ``<id>.json`` holds the state (rewritten atomically on every
transition, under an exclusive ``flock`` on ``jobs/.lock``), ``<id>.result.json`` the
result once done. Each :class:`JobManager` holds a ``flock`` on its own owner file for its
lifetime; a queued or running job whose owner's lock is free (the process died or the
app shut down) is reported ``interrupted``, never lost.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from api.errors import Conflict
from kg.clues import REVIEW_DECISIONS, ClueRepo  # noqa: F401 - re-exported: the repository is core
from kg.errors import NotFound
from kg.jsonable import jsonable

log = logging.getLogger(__name__)

JOB_ID = re.compile(r"^job_[0-9a-f]{16}$")
ACTIVE = ("queued", "running")
INTERRUPTED = {"code": "interrupted", "message": "the service stopped while the job was queued or running; "
                                                "run it again", "details": {}, "status": 503}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.{threading.get_ident()}.tmp")
    # job results hold clue rows (personal data): readable by the service's user only
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(data, ensure_ascii=False, default=str))
    os.replace(tmp, path)


@dataclass
class Job:
    """A background job as stored in ``jobs/<id>.json`` (``result`` is loaded on demand)."""

    id: str
    pattern: str | None
    principal: str
    created: float
    kind: str = "pattern"  # pattern | upload
    state: str = "queued"  # queued | running | done | failed | cancelled | interrupted
    error: dict[str, Any] | None = None
    finished: float | None = None
    owner: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    future: Future[Any] | None = None
    _result: Any = None
    _result_path: Path | None = None

    @property
    def result(self) -> Any:
        """The job's result (clues of a pattern run, ingest report of an upload) once done."""
        if self._result is None and self.state == "done" and self._result_path is not None:
            try:
                self._result = json.loads(self._result_path.read_text("utf-8"))
            except (OSError, ValueError):
                return None
        return self._result

    def view(self) -> dict[str, Any]:
        """Public status of the job (no results)."""
        return {"id": self.id, "kind": self.kind, "pattern": self.pattern, "state": self.state,
                "seconds": round((self.finished or time.time()) - self.created, 3), "error": self.error}

    def record(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "pattern": self.pattern, "principal": self.principal,
                "created": self.created, "state": self.state, "error": self.error, "finished": self.finished,
                "owner": self.owner, "meta": self.meta}


class JobManager:
    """Thread pools for pattern runs (``workers`` threads) and upload ingests (one thread,
    and one ingest at a time across processes); job state on disk under ``jobs_dir``."""

    def __init__(self, workers: int, max_jobs: int, jobs_dir: Path) -> None:
        self.pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="kg-job")
        self.ingest_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-ingest")
        self.max_jobs = max_jobs
        self.dir = Path(jobs_dir)
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        (self.dir / "owners").mkdir(mode=0o700, exist_ok=True)
        self.jobs: dict[str, Job] = {}  # the jobs this process runs (with their futures)
        self._lock = threading.Lock()
        self.owner = f"{os.getpid()}-{secrets.token_hex(4)}"
        # lock a temporary file, then give it its name: no other process ever sees the
        # owner file unlocked while this manager lives (it would read our jobs as dead)
        tmp = self.dir / "owners" / f".{self.owner}.tmp"
        self._owner_fd: int | None = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        fcntl.flock(self._owner_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.replace(tmp, self.dir / "owners" / f"{self.owner}.lock")
        self.interrupted = self.recover()

    # -- disk -----------------------------------------------------------------------
    @contextmanager
    def _locked(self, name: str = ".lock") -> Iterator[None]:
        fd = os.open(self.dir / name, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _path(self, jid: str) -> Path:
        return self.dir / f"{jid}.json"

    def _load(self, jid: str) -> Job | None:
        try:
            rec = json.loads(self._path(jid).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return Job(rec["id"], rec.get("pattern"), rec.get("principal", ""), float(rec["created"]),
                   kind=rec.get("kind", "pattern"), state=rec["state"], error=rec.get("error"),
                   finished=rec.get("finished"), owner=rec.get("owner", ""), meta=rec.get("meta") or {},
                   _result_path=self.dir / f"{jid}.result.json")

    def _save(self, job: Job) -> None:
        _write_json(self._path(job.id), job.record())

    def _owner_alive(self, owner: str) -> bool:
        if owner == self.owner:
            return self._owner_fd is not None
        path = self.dir / "owners" / f"{owner}.lock"
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True  # the owner still holds its lock
        finally:
            os.close(fd)
        return False

    def _transition(self, jid: str, update: Callable[[Job], bool]) -> Job | None:
        """Re-read the job under the jobs lock, apply ``update`` (returns whether to save)."""
        with self._locked():
            job = self._load(jid)
            if job is not None and update(job):
                self._save(job)
            return job

    def recover(self) -> int:
        """Mark queued/running jobs of owners that are gone as ``interrupted``; drop their
        owner files. Returns how many jobs were marked."""
        n = 0
        with self._locked():
            for p in self.dir.glob("job_*.json"):
                if p.name.endswith(".result.json"):
                    continue
                job = self._load(p.stem)
                if job is not None and job.state in ACTIVE and not self._owner_alive(job.owner):
                    job.state, job.error, job.finished = "interrupted", dict(INTERRUPTED), time.time()
                    self._save(job)
                    n += 1
            for lock in (self.dir / "owners").glob("*.lock"):
                if lock.stem != self.owner and not self._owner_alive(lock.stem):
                    lock.unlink(missing_ok=True)
        if n:
            log.warning("jobs interrupted by a restart: %d", n)
        return n

    def _prune(self) -> None:
        """Keep at most ``max_jobs * 16`` finished jobs on disk (oldest go first)."""
        files = sorted(p for p in self.dir.glob("job_*.json") if not p.name.endswith(".result.json"))
        if len(files) <= self.max_jobs * 16:
            return
        done = []
        for p in files:
            job = self._load(p.stem)
            if job is not None and job.state not in ACTIVE:
                done.append((job.created, p.stem))
        for _, jid in sorted(done)[: len(files) - self.max_jobs * 8]:
            self._path(jid).unlink(missing_ok=True)
            (self.dir / f"{jid}.result.json").unlink(missing_ok=True)

    # -- jobs -----------------------------------------------------------------------
    def submit(self, pattern: str | None, principal: str, fn: Callable[[str], Any],
               on_error: Callable[[BaseException], dict[str, Any]], *, kind: str = "pattern",
               meta: dict[str, Any] | None = None) -> Job:
        """Queue ``fn(job_id)``; the job records its result or a safe error body."""
        with self._lock:
            active = [j for j in self.jobs.values() if j.state in ACTIVE]
            if len(active) >= self.max_jobs:
                raise Conflict("too many jobs in flight", limit=self.max_jobs)
            for old in [j for j in self.jobs.values() if j.state not in ACTIVE]:
                self.jobs.pop(old.id, None)  # finished jobs are read from disk
            jid = "job_" + secrets.token_hex(8)
            job = Job(jid, pattern, principal, time.time(), kind=kind, owner=self.owner, meta=meta or {},
                      _result_path=self.dir / f"{jid}.result.json")
            with self._locked():
                self._save(job)
                self._prune()
            self.jobs[jid] = job
            pool = self.ingest_pool if kind == "upload" else self.pool
            job.future = pool.submit(self._run, job, fn, on_error)
            return job

    def _run(self, job: Job, fn: Callable[[str], Any], on_error: Callable[[BaseException], dict[str, Any]]) -> Any:
        def start(j: Job) -> bool:
            if j.state != "queued" or j.owner != self.owner:
                return False
            j.state = "running"
            return True

        disk = self._transition(job.id, start)
        if disk is None or disk.state != "running" or self._owner_fd is None:
            job.state = disk.state if disk is not None else "cancelled"
            return None
        job.state = "running"
        res: Any = None
        err: dict[str, Any] | None = None
        try:
            if job.kind == "upload":
                with self._locked(".ingest.lock"):  # one ingest at a time, across processes
                    res = fn(job.id)
            else:
                res = fn(job.id)
            res = jsonable(res)
            _write_json(self.dir / f"{job.id}.result.json", res)
        except BaseException as exc:  # noqa: BLE001 - recorded as a safe error body
            err = on_error(exc)

        def finish(j: Job) -> bool:
            if j.state != "running" or j.owner != self.owner:
                return False  # cancelled, or marked interrupted after this app shut down
            j.state, j.error, j.finished = ("failed", err, time.time()) if err is not None else \
                ("done", None, time.time())
            return True

        disk = self._transition(job.id, finish)
        final = disk.state if disk is not None else "cancelled"
        if final == "done":
            job._result = res
        job.error, job.finished, job.state = (disk.error, disk.finished, final) if disk is not None else \
            (None, time.time(), final)
        return res

    def get(self, jid: str) -> Job:
        """The job ``jid`` (from disk, so any worker process answers) or :class:`NotFound`.

        A queued or running job whose owner is gone is marked ``interrupted`` here."""
        if not JOB_ID.match(jid):
            raise NotFound("no such job")
        job = self._load(jid)
        if job is None:
            raise NotFound("no such job")
        if job.state in ACTIVE and not self._owner_alive(job.owner):
            def mark(j: Job) -> bool:
                if j.state not in ACTIVE or self._owner_alive(j.owner):
                    return False
                j.state, j.error, j.finished = "interrupted", dict(INTERRUPTED), time.time()
                return True

            job = self._transition(jid, mark) or job
        return job

    def cancel(self, jid: str) -> Job:
        """Cancel a queued or running job (a running query finishes; its result is dropped)."""
        self.get(jid)
        state: dict[str, str] = {}

        def do(j: Job) -> bool:
            state["was"] = j.state
            if j.state not in ACTIVE:
                return False
            j.state, j.finished = "cancelled", time.time()
            return True

        job = self._transition(jid, do)
        if job is None:
            raise NotFound("no such job")
        if state["was"] not in ACTIVE:
            raise Conflict("job already finished", status=state["was"])
        mine = self.jobs.get(jid)
        if mine is not None:
            if mine.future is not None:
                mine.future.cancel()
            mine.state, mine.finished = "cancelled", job.finished
        return job

    def shutdown(self, wait_s: float = 0.0) -> None:
        """Stop the pools: queued work is dropped, running work gets up to ``wait_s`` seconds
        to finish. Then release the owner lock, so that this manager's unfinished jobs read
        as ``interrupted`` from now on (a run that ends later cannot overwrite that)."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.ingest_pool.shutdown(wait=False, cancel_futures=True)
        running = [j.future for j in list(self.jobs.values()) if j.future is not None and j.state == "running"]
        if running and wait_s > 0:
            wait(running, timeout=wait_s)
        if self._owner_fd is not None:
            fd, self._owner_fd = self._owner_fd, None
            os.close(fd)
            (self.dir / "owners" / f"{self.owner}.lock").unlink(missing_ok=True)
        self.recover()
