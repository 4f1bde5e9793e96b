"""Judgements (SAME_AS / NOT_SAME_AS), the append-only judgement log, canonical ids.

A :class:`Judgement` is one decision about a pair of node uids: ``kind`` (``SAME_AS`` or
``NOT_SAME_AS``), ``score``, ``rule`` (``resolve.person@1``...) or the reviewer in
``author``, ``at``, ``reason`` and the ``features`` that fired. Judgements are appended
to a JSON-lines log (:class:`JudgementLog`) and mirrored in the graph as relationships.

:func:`canonical_map` rebuilds canonical ids from judgements alone:

1. per pair only the *effective* judgement counts: a reviewer's (author not
   ``resolve``) beats an automatic one; among equals the later one wins;
2. SAME_AS edges are applied by descending score (ties by uid pair) with union-find,
   refusing a union that would join two nodes under a NOT_SAME_AS or two different
   strong keys of one label (``Person:<身份证号>`` / ``Company:<USCC>``);
3. the canonical id of a component is its smallest uid holding a strong key, else its
   smallest uid. So the same judgements always give the same canonical ids.

>>> j1 = Judgement.make("SAME_AS", "Person:110105197503214268", "Person:doc:D1:王璐怡", 4.0, "resolve.person@1")
>>> canonical_map([j1])["Person:doc:D1:王璐怡"]
'Person:110105197503214268'
>>> j2 = Judgement.make("NOT_SAME_AS", j1.a, j1.b, None, "review", author="reviewer:li", reason="different people")
>>> canonical_map([j1, j2]).get("Person:doc:D1:王璐怡", "Person:doc:D1:王璐怡")
'Person:doc:D1:王璐怡'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

__all__ = ["Judgement", "JudgementLog", "canonical_map", "effective", "is_strong_uid", "AUTO_AUTHOR",
           "SAME_AS", "NOT_SAME_AS"]

SAME_AS = "SAME_AS"
NOT_SAME_AS = "NOT_SAME_AS"
AUTO_AUTHOR = "resolve"
_STRONG = re.compile(r"^(Person:\d{17}[\dX]|Company:[0-9A-HJ-NPQRTUWXY]{18})$")


def is_strong_uid(uid: str) -> bool:
    """A uid keyed on a valid strong identifier (the ingest only gives these to valid keys).

    >>> is_strong_uid("Person:110105197503214268"), is_strong_uid("Person:doc:D1:张某")
    (True, False)
    """
    return bool(_STRONG.match(uid))


@dataclass(frozen=True)
class Judgement:
    """One decision about the pair ``a < b``."""

    id: str
    kind: str
    a: str
    b: str
    score: float | None
    rule: str
    author: str
    at: str
    reason: str = ""
    features: tuple[dict[str, Any], ...] = ()

    @staticmethod
    def make(kind: str, a: str, b: str, score: float | None, rule: str, *, author: str = AUTO_AUTHOR,
             reason: str = "", features: Iterable[dict[str, Any]] = (), at: str | None = None) -> Judgement:
        """Build a judgement; the id is a hash of kind, pair, rule and author (and the time
        for a reviewer's judgement), so an automatic run gives the same ids every time."""
        if kind not in (SAME_AS, NOT_SAME_AS):
            raise ValueError("kind must be SAME_AS or NOT_SAME_AS")
        if a == b:
            raise ValueError("a judgement needs two different uids")
        a, b = sorted((a, b))
        at = at or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        basis = [kind, a, b, rule, author] + ([at, reason] if author != AUTO_AUTHOR else [])
        jid = hashlib.sha1("\x1f".join(basis).encode("utf-8")).hexdigest()[:16]
        return Judgement(jid, kind, a, b, None if score is None else float(score), rule, author, at, reason,
                         tuple(features))

    @property
    def is_review(self) -> bool:
        return self.author != AUTO_AUTHOR

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["features"] = list(self.features)
        return d

    @staticmethod
    def from_dict(d: dict[str, Any]) -> Judgement:
        return Judgement(d["id"], d["kind"], d["a"], d["b"], d.get("score"), d.get("rule", ""),
                         d.get("author", AUTO_AUTHOR), d.get("at", ""), d.get("reason", ""),
                         tuple(d.get("features") or ()))

    @property
    def src(self) -> str:
        """The provenance ref stored on the relationship."""
        return f"resolve#judgement={self.id}@resolve@1"


class JudgementLog:
    """Append-only JSON-lines file of judgements (one object per line, fsync'd)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __iter__(self) -> Iterator[Judgement]:
        if not self.path.exists():
            return
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if line:
                    yield Judgement.from_dict(json.loads(line))

    def ids(self) -> set[str]:
        return {j.id for j in self}

    def append(self, judgements: Iterable[Judgement], *, skip_known: bool = True) -> list[Judgement]:
        """Append judgements (those whose id is already in the log are skipped); returns
        the ones written."""
        known = self.ids() if skip_known else set()
        new = []
        for j in judgements:
            if j.id in known:
                continue
            known.add(j.id)
            new.append(j)
        if new:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as fh:
                for j in new:
                    fh.write(json.dumps(j.as_dict(), ensure_ascii=False, sort_keys=True) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        return new


def effective(judgements: Iterable[Judgement]) -> dict[tuple[str, str], Judgement]:
    """The judgement that counts for each pair: reviewers over automatic, later over earlier."""
    out: dict[tuple[str, str], Judgement] = {}
    for j in judgements:
        key = (j.a, j.b)
        cur = out.get(key)
        if cur is None or j.is_review or not cur.is_review:
            out[key] = j
    return out


class _UF:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.members: dict[str, set[str]] = {}
        self.cannot: dict[str, set[str]] = {}
        self.strong: dict[str, dict[str, str]] = {}

    def add(self, x: str) -> None:
        if x not in self.parent:
            self.parent[x] = x
            self.members[x] = {x}
            self.cannot[x] = set()
            self.strong[x] = {x.split(":", 1)[0]: x} if is_strong_uid(x) else {}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.cannot[ra] & self.members[rb]:
            return False
        for label, uid in self.strong[ra].items():
            if self.strong[rb].get(label, uid) != uid:
                return False
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)
        self.cannot[ra] |= self.cannot.pop(rb)
        for label, uid in self.strong.pop(rb).items():
            self.strong[ra].setdefault(label, uid)
        return True


def canonical_map(judgements: Iterable[Judgement]) -> dict[str, str]:
    """uid -> canonical uid for every uid named in an effective SAME_AS judgement that
    joined a component (uids alone are their own canonical id and are left out)."""
    eff = effective(judgements)
    uf = _UF()
    nots = [j for j in eff.values() if j.kind == NOT_SAME_AS]
    for j in nots:
        uf.add(j.a)
        uf.add(j.b)
        uf.cannot[j.a].add(j.b)
        uf.cannot[j.b].add(j.a)
    sames = sorted((j for j in eff.values() if j.kind == SAME_AS),
                   key=lambda j: (not j.is_review, -(j.score or 0.0), j.a, j.b))
    for j in sames:
        uf.add(j.a)
        uf.add(j.b)
        uf.union(j.a, j.b)
    out: dict[str, str] = {}
    for members in uf.members.values():
        if len(members) < 2:
            continue
        strong = sorted(m for m in members if is_strong_uid(m))
        canon = strong[0] if strong else min(members)
        for m in members:
            out[m] = canon
    return out


def components(mapping: dict[str, str]) -> dict[str, list[str]]:
    """canonical uid -> sorted member uids."""
    out: dict[str, list[str]] = {}
    for uid, canon in mapping.items():
        out.setdefault(canon, []).append(uid)
    return {k: sorted(v) for k, v in sorted(out.items())}
