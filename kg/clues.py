"""The clue repository: clues found by pattern runs and their reviews, kept as append-only
JSON lines (``clues.jsonl``, ``reviews.jsonl``) in a data directory that the API
(``KG_API_DATA_DIR``) and the CLI (``kg run --save``, ``kg clues``; ``KG_CLUES_DIR``)
share. Both default to ``.cluegraph/api``.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import threading
from pathlib import Path
from typing import Any

from kg.errors import DataError, NotFound


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


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
        self._lock = threading.RLock()
        self._read_to = {"c": 0, "r": 0}  # bytes of each file already read
        self._refresh()

    def _refresh(self) -> None:
        """Read lines appended since the last call (by this process, another API worker
        or the CLI), so that every process sees every clue and review."""
        with self._lock:
            for p, sink in ((self.clues_path, "c"), (self.reviews_path, "r")):
                try:
                    size = p.stat().st_size
                except FileNotFoundError:
                    continue
                if size < self._read_to[sink]:  # replaced or truncated: read again from the start
                    self._read_to[sink] = 0
                    (self.clues if sink == "c" else self.reviews).clear()
                if size == self._read_to[sink]:
                    continue
                with p.open("rb") as fh:
                    fh.seek(self._read_to[sink])
                    data = fh.read(size - self._read_to[sink])
                end = data.rfind(b"\n") + 1  # only whole lines
                for line in data[:end].decode("utf-8").splitlines():
                    if not line.strip():
                        continue
                    rec = json.loads(line)
                    if sink == "c":
                        self.clues.setdefault(rec["id"], rec)
                    else:
                        self.reviews.setdefault(rec["clue_id"], []).append(rec)
                self._read_to[sink] += end

    def _append(self, path: Path, recs: list[dict[str, Any]], keep: Any = None) -> list[dict[str, Any]]:
        """Append ``recs`` under an exclusive ``flock`` (after reading what others wrote;
        ``keep(rec)`` may drop records already there), then read them back."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, path.open("a", encoding="utf-8") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            self._refresh()
            new = [r for r in recs if keep is None or keep(r)]
            for rec in new:
                fh.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
            fh.flush()
            self._refresh()
        return new

    def add(self, clues: list[dict[str, Any]], run_id: str) -> int:
        """Record clues not seen before; return how many were new."""
        recs, seen = [], set()
        for c in clues:
            if c["id"] in seen:
                continue
            seen.add(c["id"])
            recs.append({"id": c["id"], "rule_id": c["rule_id"], "rule_version": c["rule_version"],
                         "score": c["score"], "explanation_zh": c["explanation_zh"], "members": c["members"],
                         "params": c["params"], "run_id": run_id, "found": _now()})
        with self._lock:
            self._refresh()
            if not any(r["id"] not in self.clues for r in recs):
                return 0
            return len(self._append(self.clues_path, recs, keep=lambda r: r["id"] not in self.clues))

    def status(self, cid: str) -> str:
        """``new`` or the latest review decision."""
        revs = self.reviews.get(cid)
        return revs[-1]["decision"] if revs else "new"

    def view(self, cid: str) -> dict[str, Any]:
        """The clue with its status and reviews; :class:`NotFound` if unknown."""
        self._refresh()
        rec = self.clues.get(cid)
        if rec is None:
            raise NotFound("no such clue")
        return {**rec, "status": self.status(cid), "reviews": self.reviews.get(cid, [])}

    def list(self, rule_id: str | None, status: str | None, min_score: float | None) -> list[dict[str, Any]]:
        """Clues matching the filters, best score first."""
        self._refresh()
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
        self._refresh()
        if cid not in self.clues:
            raise NotFound("no such clue")
        if decision not in REVIEW_DECISIONS:
            raise DataError("decision must be confirmed or dismissed", allowed=list(REVIEW_DECISIONS))
        rec = {"clue_id": cid, "decision": decision, "reason": reason, "principal": principal, "time": _now()}
        self._append(self.reviews_path, [rec])
        return rec
