"""Ground truth for the linkage, hotline, housing-fund and medical patterns.

The demo scenario (seed 1) is generated once, ingested once per backend, and every
pattern of these families (plus the generic ones, scored in
``test_generic_groundtruth.py``) is run there at once; the clue member sets are kept and
the stores may be cleared afterwards by other tests. Each pattern is then scored with
:func:`kg.groundtruth.score` against its own model's planted rings and hard negatives.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kg.groundtruth import ANCHOR_ROLES, Instance, load_ground_truth, score
from kg.patterns import default_library
from kg.store import open_store

#: (pattern id, parameters) run on the demo data; models equal pattern ids
RUNS: dict[str, dict[str, Any]] = {
    "linkage.penalty_not_transferred": {},
    "linkage.nonprosecution_no_penalty": {},
    "linkage.disqualified_officer_acting": {},
    "hotline.counterfeit_hotspot": {},
    "housingfund.false_litigation_loop": {},
    "medical.eligibility_without_history": {},
    "medical.cardholder_pharmacy_cluster": {},
    "medical.accident_billed_to_insurance": {},
}

#: roles whose members identify an instance (ring or hard negative), from kg.groundtruth
ANCHORS: dict[str, frozenset[str]] = {p: ANCHOR_ROLES[p] for p in RUNS}


@dataclass
class DemoRun:
    """Ground truth and clue member sets per backend and run key."""

    rings: list[Instance]
    hard_negatives: list[Instance]
    members: dict[str, dict[str, list[tuple[str, ...]]]]  # backend -> run key -> clue members


_CACHE: dict[str, DemoRun] = {}


def run_key(pattern_id: str, params: dict[str, Any]) -> str:
    """A stable key for one pattern run (id plus sorted parameters)."""
    return pattern_id + "".join(f"|{k}={params[k]}" for k in sorted(params))


def demo_run(neo4j_url: str, runs: dict[str, dict[str, dict[str, Any]]]) -> DemoRun:
    """Generate, ingest and run everything once per test session (cached).

    ``runs`` maps a run key to ``{"id": pattern id, "params": {...}}``; all keys requested
    by any module must be passed on the first call (both modules pass :func:`all_runs`).
    """
    if "demo" in _CACHE:
        return _CACHE["demo"]
    from extractors.ingest import ingest
    from kg.synth import generate

    tmp = Path(tempfile.mkdtemp(prefix="kg-gt-"))
    try:
        generate("demo", 1, tmp / "demo")
        rings, negs = load_ground_truth(tmp / "demo")
        lib = default_library()
        members: dict[str, dict[str, list[tuple[str, ...]]]] = {}
        for backend in ("falkordb", "neo4j"):
            if backend == "falkordb":
                st = open_store(f"falkordb://{tmp / 'graph'}")
            else:
                st = open_store(neo4j_url, user=os.environ.get("KG_NEO4J_USER", "neo4j"),
                                password=os.environ.get("KG_NEO4J_PASSWORD", "cluegraph-dev-password"))
            try:
                st.clear()
                st.apply_schema()
                ingest(st, [tmp / "demo"], dataset="synth", progress=False)
                members[backend] = {key: [c.members for c in lib.get(spec["id"]).run(st, spec["params"])]
                                    for key, spec in runs.items()}
                if backend == "neo4j":
                    st.clear()
            finally:
                st.close()
        _CACHE["demo"] = DemoRun(rings=rings, hard_negatives=negs, members=members)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return _CACHE["demo"]


def all_runs() -> dict[str, dict[str, Any]]:
    """Every run of both ground-truth modules (so the scenario is ingested only once)."""
    from tests.patterns.test_generic_groundtruth import GENERIC_RUNS

    out = {run_key(pid, params): {"id": pid, "params": params} for pid, params in RUNS.items()}
    for pid, params, _roles in GENERIC_RUNS:
        out[run_key(pid, params)] = {"id": pid, "params": params}
    return out


@pytest.fixture(scope="module")
def demo(neo4j_url: str) -> DemoRun:
    return demo_run(neo4j_url, all_runs())


@pytest.mark.parametrize("pattern_id", sorted(RUNS))
def test_pattern_finds_its_planted_rings(demo: DemoRun, pattern_id: str) -> None:
    key = run_key(pattern_id, RUNS[pattern_id])
    for backend in ("falkordb", "neo4j"):
        sc = score(pattern_id, demo.members[backend][key], demo.rings, demo.hard_negatives, ANCHORS[pattern_id])
        assert sc.rings >= 2, f"{pattern_id}: the scenario should plant rings for this model"
        assert sc.recall >= 0.98, (backend, sc.as_dict())
        assert sc.precision >= 0.90, (backend, sc.as_dict())
        assert sc.hard_negative_hits == [], (backend, sc.as_dict())
        assert any(h.model == pattern_id for h in demo.hard_negatives), "hard negatives exist for every model"


@pytest.mark.parametrize("pattern_id", sorted(RUNS))
def test_both_backends_give_the_same_clues_on_demo_data(demo: DemoRun, pattern_id: str) -> None:
    key = run_key(pattern_id, RUNS[pattern_id])
    assert sorted(demo.members["falkordb"][key]) == sorted(demo.members["neo4j"][key])
    assert demo.members["falkordb"][key], f"{pattern_id}: no clue at all"
