"""Score the document extractor against the hand-labelled gold set.

Entities match on exact span and label (every mention counts); relations are compared
as sets of (type, source text, target text) facts per document.
Precision, recall and F1 are given per label and overall (micro), for all passages and
for the tuning and held-out splits separately.

Usage::

    python -m extractors.documents.evaluate [--gold tests/fixtures/gold/cail_gold.jsonl]
        [--data ../shared/data/cail2018-dev] [--json out.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from extractors.documents.pipeline import extract_text, get_nlp

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_GOLD = ROOT / "tests" / "fixtures" / "gold" / "cail_gold.jsonl"
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "cail2018-dev"
#: Relation types the gold set annotates (tests/fixtures/gold/README.md); others are not scored.
SCORED_RELATIONS = frozenset({"SUPPLIED_TO", "APPLIED_FOR", "TRANSFERRED_TO", "INVOICED", "LEGAL_REPRESENTATIVE_OF"})


@dataclass
class Score:
    """Counts and derived precision, recall and F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        """Counts and rounded scores."""
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def load_gold(path: Path = DEFAULT_GOLD) -> list[dict[str, Any]]:
    """Read the gold JSON lines."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def score(gold: Iterable[dict[str, Any]], data: Path = DEFAULT_DATA, split: str | None = None
          ) -> dict[str, Any]:
    """Run the extractor on the gold passages and score it.

    Parameters
    ----------
    gold:
        Gold rows (``doc``, ``sha256``, ``split``, ``entities``, ``relations``).
    data:
        Folder with the passages (``<doc>.txt``).
    split:
        ``"tune"``, ``"heldout"`` or ``None`` for all passages.

    Returns
    -------
    dict
        ``labels`` (per-label scores), ``overall``, ``relations``, ``docs`` (count) and
        ``errors`` (false positives and negatives, for inspection).

    Raises
    ------
    ValueError
        When a passage no longer has the SHA-256 recorded in the gold set.
    """
    per: dict[str, Score] = {}
    rel = Score()
    errors: list[dict[str, Any]] = []
    n = 0
    unscored = 0
    nlp = get_nlp()
    for row in gold:
        if split and row.get("split") != split:
            continue
        raw = (data / f"{row['doc']}.txt").read_bytes()
        if hashlib.sha256(raw).hexdigest() != row["sha256"]:
            raise ValueError(f"passage {row['doc']} changed since the gold set was made")
        text = raw.decode("utf-8")
        res = extract_text(text, row["doc"], nlp=nlp)
        n += 1
        g = {(e["label"], e["start"], e["end"]) for e in row["entities"]}
        p = {(e.label, e.start, e.end) for e in res.entities}
        for lab in {x[0] for x in g | p}:
            s = per.setdefault(lab, Score())
            gl = {x for x in g if x[0] == lab}
            pl = {x for x in p if x[0] == lab}
            s.tp += len(gl & pl)
            s.fp += len(pl - gl)
            s.fn += len(gl - pl)
            for x in sorted(pl - gl, key=lambda t: t[1]):
                errors.append({"doc": row["doc"], "kind": "fp", "label": lab, "text": text[x[1]:x[2]], "start": x[1]})
            for x in sorted(gl - pl, key=lambda t: t[1]):
                errors.append({"doc": row["doc"], "kind": "fn", "label": lab, "text": text[x[1]:x[2]], "start": x[1]})
        # relations are facts of the document (the gold names no spans): compared as sets
        gr = {(r["type"], r["source"], r["target"]) for r in row["relations"]}
        pr = {(r.type, r.source, r.target) for r in res.relations if r.type in SCORED_RELATIONS}
        unscored += sum(1 for r in res.relations if r.type not in SCORED_RELATIONS)
        rel.tp += len(gr & pr)
        rel.fp += len(pr - gr)
        rel.fn += len(gr - pr)
        for rx in (pr - gr):
            errors.append({"doc": row["doc"], "kind": "fp", "label": "REL", "text": " ".join(rx)})
        for rx in (gr - pr):
            errors.append({"doc": row["doc"], "kind": "fn", "label": "REL", "text": " ".join(rx)})
    overall = Score(sum(s.tp for s in per.values()), sum(s.fp for s in per.values()), sum(s.fn for s in per.values()))
    return {"docs": n, "labels": {k: v.as_dict() for k, v in sorted(per.items())}, "overall": overall.as_dict(),
            "relations": rel.as_dict(), "unscored_relations": unscored, "errors": errors}


def report(gold: list[dict[str, Any]], data: Path = DEFAULT_DATA) -> dict[str, Any]:
    """Scores for all passages and for the tuning and held-out splits."""
    return {name: score(gold, data, split) for name, split in (("all", None), ("tune", "tune"), ("heldout", "heldout"))}


def _table(name: str, s: dict[str, Any]) -> str:
    lines = [f"== {name} ({s['docs']} passages)", f"{'label':12} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for lab, v in list(s["labels"].items()) + [("OVERALL", s["overall"]), ("RELATIONS", s["relations"])]:
        lines.append(f"{lab:12} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} {v['tp']:5d} {v['fp']:5d} {v['fn']:5d}")
    lines.append(f"(relations of types not in the gold set, not scored: {s['unscored_relations']})")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the score tables (and optionally write them as JSON)."""
    ap = argparse.ArgumentParser(prog="python -m extractors.documents.evaluate")
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--json", type=Path, default=None, help="write the scores here")
    ap.add_argument("--errors", choices=["tune", "heldout", "all"], default=None, help="list the errors of a split")
    args = ap.parse_args(argv)
    rep = report(load_gold(args.gold), args.data)
    for name, s in rep.items():
        print(_table(name, s))
    if args.errors:
        for e in rep[args.errors]["errors"]:
            print(json.dumps(e, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps({k: {kk: vv for kk, vv in v.items() if kk != "errors"} for k, v in rep.items()},
                                        ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
