"""The clue repository: clues found by pattern runs and their reviews, kept as append-only
JSON lines (``clues.jsonl``, ``reviews.jsonl``) in a data directory that the API
(``KG_API_DATA_DIR``) and the CLI (``kg run --save``, ``kg clues``; ``KG_CLUES_DIR``)
share. Both default to ``.cluegraph/api``.
"""

from __future__ import annotations

import datetime as dt
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
