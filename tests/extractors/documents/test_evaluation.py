"""Gold-set scores must stay at or above the levels reached (a regression fails here)."""

from __future__ import annotations

import hashlib
import json

import pytest

from extractors.documents.evaluate import load_gold, report

from .conftest import CAIL, GOLD

# Levels reached by extractors.documents 0.1.0 (see tests/fixtures/gold/README.md), floored.
FLOORS = {
    "all": {"overall_p": 0.98, "overall_r": 0.98, "ORG_r": 0.95, "PERSON_f1": 0.99, "rel_f1": 0.97},
    "tune": {"overall_p": 1.0, "overall_r": 1.0, "ORG_r": 1.0, "PERSON_f1": 1.0, "rel_f1": 1.0},
    "heldout": {"overall_p": 0.975, "overall_r": 0.975, "ORG_r": 0.93, "PERSON_f1": 0.985, "rel_f1": 0.95},
}


@pytest.fixture(scope="module")
def rep() -> dict:
    return report(load_gold(GOLD), CAIL)


def test_gold_is_frozen_and_consistent() -> None:
    rows = load_gold(GOLD)
    assert len(rows) >= 25
    assert sum(r["split"] == "tune" for r in rows) == 8
    for r in rows:
        raw = (CAIL / f"{r['doc']}.txt").read_bytes()
        assert hashlib.sha256(raw).hexdigest() == r["sha256"]
        text = raw.decode("utf-8")
        for e in r["entities"]:
            assert text[e["start"]:e["end"]] == e["text"]


@pytest.mark.parametrize("split", ["all", "tune", "heldout"])
def test_scores_do_not_regress(rep: dict, split: str) -> None:
    s, f = rep[split], FLOORS[split]
    got = {"overall_p": s["overall"]["precision"], "overall_r": s["overall"]["recall"],
           "ORG_r": s["labels"]["ORG"]["recall"], "PERSON_f1": s["labels"]["PERSON"]["f1"],
           "rel_f1": s["relations"]["f1"]}
    low = {k: (got[k], v) for k, v in f.items() if got[k] < v}
    assert not low, json.dumps(low)


def test_targets_met_on_all(rep: dict) -> None:
    s = rep["all"]
    assert s["overall"]["precision"] >= 0.92 and s["overall"]["recall"] >= 0.90
    assert s["labels"]["ORG"]["recall"] >= 0.85 and s["labels"]["PERSON"]["f1"] >= 0.95
