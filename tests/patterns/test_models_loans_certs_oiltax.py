"""Ground truth for the loans / certs / oiltax pattern families (issue 6).

The demo scenario (seed 1) is generated once per module; its records are ingested once
per backend, every pattern of these families runs at its default parameters, and its
clues are scored against the planted rings of its model (``kg.groundtruth.score``). The
issue's targets: recall >= 0.98, precision >= 0.90, no hard-negative hit, and the same
clue member sets on both backends.

Anchor roles are the members that identify an instance. Roles that only hard negatives
carry (``tenant``, ``company``, ``holder``, ``certificate``, ...) are included so that a
clue touching a look-alike counts as a hard-negative hit.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from kg.groundtruth import ALSO_TRUE, ANCHOR_ROLES, clue_keys, load_ground_truth, member_uid, score, score_pattern
from kg.patterns import Pattern
from kg.store import GraphStore

RECALL, PRECISION = 0.98, 0.90

#: pattern id -> anchor roles (ring roles plus the hard negatives' roles), from kg.groundtruth
FAMILIES = ("loans.", "certs.", "oiltax.")
ANCHORS: dict[str, frozenset[str]] = {p: r for p, r in ANCHOR_ROLES.items() if p.startswith(FAMILIES)}
PATTERN_IDS = sorted(ANCHORS)

_RESULTS: dict[str, dict[str, list[tuple[str, ...]]]] = {}
_UIDS: dict[str, set[str]] = {}


def _pattern(pid: str) -> Pattern:
    fam, name = pid.split(".", 1)
    entry = resources.files("cypher") / fam / f"{name}.cypher"
    return Pattern.from_text(entry.read_text(encoding="utf-8"), source=f"{fam}/{name}.cypher")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kg.synth import generate

    out = tmp_path_factory.mktemp("demo_s1") / "demo"
    generate("demo", 1, out)
    return out


def _results(st: GraphStore, scenario: Path) -> dict[str, list[tuple[str, ...]]]:
    """Ingest the scenario's records into ``st`` (once per backend) and run every pattern."""
    if st.backend not in _RESULTS:
        from extractors.ingest import ingest

        st.clear()
        st.apply_schema()
        ingest(st, [scenario / "records"], dataset="synth", progress=False)
        _RESULTS[st.backend] = {pid: [c.members for c in _pattern(pid).run(st)] for pid in PATTERN_IDS}
        _UIDS[st.backend] = {r["uid"] for r in st.query("MATCH (n:Entity) RETURN n.uid AS uid")}
    return _RESULTS[st.backend]


@pytest.mark.slow
@pytest.mark.parametrize("pid", PATTERN_IDS)
def test_pattern_finds_its_planted_rings(store: GraphStore, scenario: Path, pid: str) -> None:
    clues = _results(store, scenario)[pid]
    rings, negatives = load_ground_truth(scenario)
    s = score_pattern(pid, clues, rings, negatives)
    report: dict[str, Any] = s.as_dict()
    assert s.rings >= 2, report
    assert s.recall >= RECALL, report
    assert s.precision >= PRECISION, report
    assert not s.hard_negative_hits, report
    if pid in ALSO_TRUE:
        # scored against its own model's rings only, half of the fake sites found belong
        # to the chain rings: that is the level reached without the relabelling.
        strict = score(pid, clues, rings, negatives, ANCHORS[pid])
        assert strict.recall >= RECALL and strict.precision >= 0.5 and not strict.hard_negative_hits, strict.as_dict()


@pytest.mark.slow
def test_every_ground_truth_member_names_a_node_of_the_graph(store: GraphStore, scenario: Path) -> None:
    """The scorer's uids meet the ingest's: a member the graph names differently can never be hit."""
    _results(store, scenario)
    keys = clue_keys(_UIDS[store.backend])
    rings, negatives = load_ground_truth(scenario)
    members = [(i.instance_id, lab, ident) for i in rings + negatives for lab, ident, _ in i.members
               if lab != "Document"]  # documents are not ingested here (records only)
    labels = {lab for _, lab, _ in members}
    assert {"Certificate", "Invoice", "Person", "Company"} <= labels
    missing = [m for m in members if member_uid(m[1], m[2]) not in keys]
    assert not missing, missing[:10]


@pytest.mark.slow
@pytest.mark.parametrize("pid", PATTERN_IDS)
def test_both_backends_give_the_same_clues(both: dict[str, GraphStore], scenario: Path, pid: str) -> None:
    got = {b: sorted(_results(st, scenario)[pid]) for b, st in both.items()}
    assert got["falkordb"] == got["neo4j"]
    assert got["falkordb"], f"{pid} found nothing"
