"""Ground truth for the generic patterns (cypher/generic) on the demo scenario (seed 1).

Nothing in cypher/generic is tuned here. Findings at default parameters (both backends):

* ``generic.circular_transfer``: the planted cycles have 5 and 6 accounts; the pattern
  only enumerates 3- and 4-account cycles, so no parameter makes it find them (recall 0,
  no clue at all). Asserted as measured; ``generic.long_circular_transfer`` is the 5-6
  hop variant.
* ``generic.long_circular_transfer`` (scored against the ``generic.circular_transfer``
  rings, anchor role ``cycle_account``): recall 1, precision 1 at default parameters on
  both backends: exactly two clues, each exactly one planted ring's 5 or 6 cycle
  accounts. The scenario plants no hard negative for this model, so the hard-negative
  check is vacuous here (the fixture covers the look-alikes: out-of-order timestamps,
  too slow for the window, a 4-cycle).
* ``generic.fan_in`` / ``generic.fan_out``: recall 1, precision 1, the payroll look-alike
  of fan-out (hard negative) untouched, at default parameters.
* ``generic.fast_in_fast_out`` (v2): recall 1, precision 1 at default parameters. v1
  reported every single quick forward (precision 8/11: the 5- and 6-account cycles pass
  money on within two hours too); v2 reports accounts that forward at least twice
  (``min_pairs``), the out-flow between 0.9 and 1 times the in-flow.
* ``generic.shared_identifier`` (v2): recall 1, precision 1 at default parameters. v1
  reported every phone/address of 3+ parties (precision 2/10: agents' phones and
  addresses of shell clusters and circular invoicing rings, two incubator addresses);
  v2 requires three natural persons on the identifier (``min_persons``).
"""

from __future__ import annotations

from typing import Any

import pytest

from kg.groundtruth import ANCHOR_ROLES, SCORED_AS, score
from tests.patterns.test_models_linkage_medical import DemoRun, all_runs, demo_run, run_key

#: (pattern id, parameters, anchor roles from kg.groundtruth); a pattern may be run with several settings
GENERIC_RUNS: list[tuple[str, dict[str, Any], list[str]]] = [
    (p, {}, sorted(ANCHOR_ROLES[p]))
    for p in ("generic.circular_transfer", "generic.long_circular_transfer", "generic.fan_in", "generic.fan_out",
              "generic.fast_in_fast_out", "generic.shared_identifier")
]

#: (recall, precision) floors per run; the issue's targets (0.98, 0.90) where reachable
FLOORS: dict[str, tuple[float, float]] = {
    run_key("generic.circular_transfer", {}): (0.0, 0.0),  # 5-6 account cycles: out of the pattern's reach
    run_key("generic.long_circular_transfer", {}): (0.98, 0.90),
    run_key("generic.fan_in", {}): (0.98, 0.90),
    run_key("generic.fan_out", {}): (0.98, 0.90),
    run_key("generic.fast_in_fast_out", {}): (0.98, 0.90),
    run_key("generic.shared_identifier", {}): (0.98, 0.90),
}

#: the ring model a pattern is scored against, where it is not the pattern's own id
MODEL: dict[str, str] = SCORED_AS


@pytest.fixture(scope="module")
def demo(neo4j_url: str) -> DemoRun:
    return demo_run(neo4j_url, all_runs())


@pytest.mark.parametrize("pattern_id,params,roles", GENERIC_RUNS,
                         ids=[run_key(p, q) for p, q, _ in GENERIC_RUNS])
def test_generic_pattern_against_ground_truth(demo: DemoRun, pattern_id: str, params: dict[str, Any],
                                              roles: list[str]) -> None:
    key = run_key(pattern_id, params)
    min_recall, min_precision = FLOORS[key]
    for backend in ("falkordb", "neo4j"):
        sc = score(MODEL.get(pattern_id, pattern_id), demo.members[backend][key], demo.rings, demo.hard_negatives,
                   roles)
        assert sc.rings == 2
        assert sc.recall >= min_recall, (backend, sc.as_dict())
        assert sc.precision >= min_precision, (backend, sc.as_dict())
        assert sc.hard_negative_hits == [], (backend, sc.as_dict())
    assert sorted(demo.members["falkordb"][key]) == sorted(demo.members["neo4j"][key])


def test_circular_transfer_misses_the_long_planted_cycles(demo: DemoRun) -> None:
    """Documents the gap: the planted cycles are longer than the pattern's 3-4 hops."""
    cycles = [r for r in demo.rings if r.model == "generic.circular_transfer"]
    assert all(len(r.uids(["cycle_account"])) >= 5 for r in cycles)
    key = run_key("generic.circular_transfer", {})
    sc = score("generic.circular_transfer", demo.members["falkordb"][key], demo.rings, demo.hard_negatives,
               ["cycle_account"])
    assert sc.recall == 0.0 and sc.clues == 0


def test_long_circular_transfer_finds_exactly_the_planted_cycles(demo: DemoRun) -> None:
    """Each clue of the 5-6 hop variant is one planted cycle's accounts, nothing more."""
    cycles = sorted(sorted(r.uids(["cycle_account"])) for r in demo.rings if r.model == "generic.circular_transfer")
    key = run_key("generic.long_circular_transfer", {})
    for backend in ("falkordb", "neo4j"):
        assert sorted(sorted(m) for m in demo.members[backend][key]) == cycles, backend
