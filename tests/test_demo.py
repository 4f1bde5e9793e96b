"""The main job gives the same answer on both backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.demo import run_demo
from kg.store import GraphStore


def test_main_job_gives_the_same_clues_on_both_backends(both: dict[str, GraphStore], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_BUNDLE_DATA_DIR", str(tmp_path / "keys"))
    results = {}
    for name, st in both.items():
        summary = run_demo(st, tmp_path / name, scale="tiny", seed=3)
        clues = [json.loads(x) for x in (tmp_path / name / "clues.jsonl").read_text().splitlines()]
        results[name] = (summary, sorted((c["rule_id"], c["id"], tuple(c["members"])) for c in clues))
    (fk, fk_clues), (n4, n4_clues) = results["falkordb"], results["neo4j"]
    assert fk_clues == n4_clues and fk_clues
    assert [(p["pattern"], p["clues"], p["rings_found"]) for p in fk["patterns"]] == \
        [(p["pattern"], p["clues"], p["rings_found"]) for p in n4["patterns"]]
    assert fk["graph"] == n4["graph"]
    assert fk["top_clue"]["id"] == n4["top_clue"]["id"] and fk["top_clue_rings"]
