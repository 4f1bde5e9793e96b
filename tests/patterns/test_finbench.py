"""FinBench complex reads as patterns, checked against a brute-force Python reading of the CSVs.

The FinBench example graph is loaded once per backend for this module. Seeds are
chosen from the snapshot by rank (degree, shared investments, existing cycles), since
the upstream parameter files are dummies; each TCR runs for several seeds, two time
windows and with and without truncation, and must give exactly the reference rows.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any, Iterator

import pytest

from kg.datasets import load_mapped_dataset
from kg.patterns import PatternLibrary, default_library
from kg.store import GraphStore

from ..conftest import FINBENCH, _get_store
from . import finbench_ref as ref

FULL = (ref.ms("1970-01-01 00:00:00"), ref.ms("2100-01-01 00:00:00"))
NARROW = ("2022-01-01T00:00:00", "2022-10-01T00:00:00")
WINDOWS: list[tuple[str, str] | None] = [None, NARROW]
TRUNCATIONS: list[dict[str, Any]] = [{}, {"truncationLimit": 3, "truncationOrder": "TIMESTAMP_ASCENDING"},
                                     {"truncationLimit": 5, "truncationOrder": "TIMESTAMP_DESCENDING"}]


@pytest.fixture(scope="module")
def g() -> ref.FinBench:
    return ref.load(FINBENCH)


@pytest.fixture(scope="module")
def lib() -> PatternLibrary:
    return default_library()


@pytest.fixture(scope="module", params=["falkordb", "neo4j"])
def fb(request: pytest.FixtureRequest, _stores: dict[str, GraphStore], falkordb_dir: Any) -> Iterator[GraphStore]:
    """The FinBench graph on each backend (loaded once per backend for this module)."""
    st = _get_store(request.param, request, _stores, falkordb_dir)
    st.clear()
    st.apply_schema()
    load_mapped_dataset(st, "finbench", FINBENCH)
    yield st
    st.clear()


def _window(w: tuple[str, str] | None) -> tuple[dict[str, Any], tuple[int, int]]:
    if w is None:
        return {}, FULL
    return {"startTime": w[0], "endTime": w[1]}, (ref.ms(w[0].replace("T", " ")), ref.ms(w[1].replace("T", " ")))


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=2e-3)


def _ranked(counter: Counter[str], ranks: list[int]) -> list[str]:
    order = sorted(counter, key=lambda k: (-counter[k], k))
    return [order[r] for r in ranks if r < len(order)]


def _trunc_ref(t: dict[str, Any]) -> dict[str, Any]:
    return {"limit": t.get("truncationLimit", 10**6), "order": t.get("truncationOrder", "TIMESTAMP_DESCENDING")}


def test_tcr1_blocked_medium_accounts(fb: GraphStore, g: ref.FinBench, lib: PatternLibrary) -> None:
    p = lib.get("finbench.tcr1_blocked_medium_accounts")
    seeds = _ranked(Counter({a: len(es) for a, es in g.transfer_out.items()}), [0, 3, 40, 400])
    nonempty = 0
    for seed in seeds:
        for w in WINDOWS:
            for t in TRUNCATIONS:
                params, (s, e) = _window(w)
                rows = p.rows(fb, {"id": seed, **params, **t})
                got = {(r["other"], r["accountDistance"], r["medium"], r["mediumType"]) for r in rows}
                assert len(got) == len(rows)
                assert got == ref.tcr1(g, seed, s, e, **_trunc_ref(t)), (seed, w, t)
                nonempty += bool(got)
    assert nonempty >= 3


def test_tcr2_loan_funds_gathered(fb: GraphStore, g: ref.FinBench, lib: PatternLibrary) -> None:
    p = lib.get("finbench.tcr2_loan_funds_gathered")
    indeg = Counter({pid: sum(len(g.transfer_in.get(a, [])) for a in accs) for pid, accs in g.owns.items()})
    nonempty = 0
    for seed in _ranked(indeg, [0, 7, 60]):
        for w in WINDOWS:
            for t in TRUNCATIONS:
                params, (s, e) = _window(w)
                rows = p.rows(fb, {"id": seed, **params, **t})
                want = ref.tcr2(g, seed, s, e, **_trunc_ref(t))
                got = {r["other"]: r for r in rows}
                assert set(got) == set(want) and len(got) == len(rows), (seed, w, t)
                for k, (amt, bal, n) in want.items():
                    assert _close(got[k]["sumLoanAmount"], amt) and _close(got[k]["sumLoanBalance"], bal)
                    assert got[k]["numLoans"] == n
                nonempty += bool(want)
    assert nonempty >= 3


def test_tcr3_shortest_transfer_path(fb: GraphStore, g: ref.FinBench, lib: PatternLibrary) -> None:
    p = lib.get("finbench.tcr3_shortest_transfer_path")
    no_in = sorted(a for a in g.accounts if a not in g.transfer_in)[0]
    seen = set()
    for src in _ranked(Counter({a: len(es) for a, es in g.transfer_out.items()}), [0, 30, 300]):
        dist = {src: 0}
        queue = [src]
        for node in queue:
            for e in g.transfer_out.get(node, []):
                if e.dst not in dist:
                    dist[e.dst] = dist[node] + 1
                    queue.append(e.dst)
        by_d: dict[int, str] = {}
        for acc, d in sorted(dist.items()):
            by_d.setdefault(d, acc)
        for dst in [by_d[d] for d in sorted(by_d) if d > 0][:: 2] + [no_in]:
            for w in WINDOWS:
                params, (s, e) = _window(w)
                rows = p.rows(fb, {"id1": src, "id2": dst, **params})
                want = ref.tcr3(g, src, dst, s, e)
                assert len(rows) == 1 and rows[0]["shortestPathLength"] == want, (src, dst, w)
                seen.add(want)
    assert -1 in seen and 1 in seen and max(seen) >= 6


def test_tcr4_three_account_cycle(fb: GraphStore, g: ref.FinBench, lib: PatternLibrary) -> None:
    p = lib.get("finbench.tcr4_three_account_cycle")
    pairs = []
    for src in sorted(g.transfer_out):
        for e in g.transfer_out[src]:
            if ref.tcr4(g, src, e.dst, *FULL):
                pairs.append((src, e.dst))
        if len(pairs) >= 4:
            break
    assert pairs
    pairs.append((pairs[0][1], pairs[0][0]) if (pairs[0][1], pairs[0][0]) not in pairs else pairs[0])
    nonempty = 0
    for a, b in pairs:
        for w in WINDOWS:
            params, (s, e) = _window(w)
            rows = p.rows(fb, {"id1": a, "id2": b, **params})
            want = ref.tcr4(g, a, b, s, e)
            got = {r["other"]: r for r in rows}
            assert set(got) == set(want) and len(got) == len(rows)
            for k, (n2, s2, m2, n3, s3, m3) in want.items():
                r = got[k]
                assert (r["numEdge2"], r["numEdge3"]) == (n2, n3)
                assert all(_close(x, y) for x, y in [(r["sumEdge2Amount"], s2), (r["maxEdge2Amount"], m2),
                                                     (r["sumEdge3Amount"], s3), (r["maxEdge3Amount"], m3)])
            nonempty += bool(want)
    assert nonempty >= 3


def test_tcr7_in_out_ratio(fb: GraphStore, g: ref.FinBench, lib: PatternLibrary) -> None:
    p = lib.get("finbench.tcr7_in_out_ratio")
    deg = Counter({a: len(g.transfer_in.get(a, [])) + len(g.transfer_out.get(a, [])) for a in g.accounts})
    no_out = sorted(a for a in g.transfer_in if a not in g.transfer_out)[:1]
    for seed in _ranked(deg, [0, 9, 90]) + no_out:
        for w in WINDOWS:
            for thr in (0.0, 5_000_000.0):
                for t in TRUNCATIONS[:2]:
                    params, (s, e) = _window(w)
                    rows = p.rows(fb, {"id": seed, "threshold": thr, **params, **t})
                    assert len(rows) == 1
                    n_src, n_dst, ratio = ref.tcr7(g, seed, thr, s, e, **_trunc_ref(t))
                    assert (rows[0]["numSrc"], rows[0]["numDst"]) == (n_src, n_dst), (seed, w, thr, t)
                    assert _close(rows[0]["inOutRatio"], ratio), (seed, w, thr, t)


def test_tcr10_investor_similarity(fb: GraphStore, g: ref.FinBench, lib: PatternLibrary) -> None:
    p = lib.get("finbench.tcr10_investor_similarity")
    by_company: dict[str, list[str]] = {}
    for person, inv in sorted(g.invests.items()):
        for c, _ in inv:
            by_company.setdefault(c, []).append(person)
    pairs = sorted({(ps[0], ps[1]) for ps in by_company.values() if len(set(ps)) >= 2 and ps[0] != ps[1]})[:4]
    persons = sorted(g.persons)
    pairs.append((persons[0], persons[1]))
    assert len(pairs) >= 3
    for a, b in pairs:
        for w in WINDOWS:
            params, (s, e) = _window(w)
            rows = p.rows(fb, {"pid1": a, "pid2": b, **params})
            assert len(rows) == 1 and _close(rows[0]["jaccardSimilarity"], ref.tcr10(g, a, b, s, e))


def test_tcr12_company_account_transfers(fb: GraphStore, g: ref.FinBench, lib: PatternLibrary) -> None:
    p = lib.get("finbench.tcr12_company_account_transfers")
    score = Counter({pid: len(ref.tcr12(g, pid, *FULL)) for pid in g.owns})
    nonempty = 0
    for seed in _ranked(score, [0, 5, 50]):
        for w in WINDOWS:
            for t in TRUNCATIONS:
                params, (s, e) = _window(w)
                rows = p.rows(fb, {"id": seed, **params, **t})
                want = ref.tcr12(g, seed, s, e, **_trunc_ref(t))
                got = {(r["compAccount"], r["company"]): r["sumEdge2Amount"] for r in rows}
                assert set(got) == set(want) and len(got) == len(rows), (seed, w, t)
                assert all(_close(got[k], v) for k, v in want.items())
                nonempty += bool(want)
    assert nonempty >= 3


def test_tcr5_exact_transfer_trace(fb: GraphStore, g: ref.FinBench, lib: PatternLibrary) -> None:
    p = lib.get("finbench.tcr5_exact_transfer_trace")
    outdeg = Counter({pid: sum(len(g.transfer_out.get(a, [])) for a in accs) for pid, accs in g.owns.items()})
    nonempty = 0
    for seed in _ranked(outdeg, [0, 5, 50, 300]):
        for w in WINDOWS:
            for t in TRUNCATIONS:
                params, (s, e) = _window(w)
                rows = p.rows(fb, {"id": seed, **params, **t})
                got = [tuple(r["path"]) for r in rows]
                assert all(r["pathLength"] == len(r["path"]) - 1 for r in rows)
                assert len(set(got)) == len(got)
                assert set(got) == ref.tcr5(g, seed, s, e, **_trunc_ref(t)), (seed, w, t)
                nonempty += any(len(x) == 4 for x in got)
    assert nonempty >= 3


def test_tcr6_withdrawal_after_many_to_one(fb: GraphStore, g: ref.FinBench, lib: PatternLibrary) -> None:
    p = lib.get("finbench.tcr6_withdrawal_after_many_to_one")
    seeds = _ranked(Counter({a: len(es) for a, es in g.withdraw_in.items()}), [0, 4, 40])
    nonempty = 0
    for seed in seeds:
        for w in WINDOWS:
            for thr in ((0.0, 0.0), (1_000_000.0, 100_000.0)):
                for t in TRUNCATIONS:
                    params, (s, e) = _window(w)
                    rows = p.rows(fb, {"id": seed, "threshold1": thr[0], "threshold2": thr[1], **params, **t})
                    want = ref.tcr6(g, seed, thr[0], thr[1], s, e, **_trunc_ref(t))
                    got = {r["mid"]: r for r in rows}
                    assert set(got) == set(want) and len(got) == len(rows), (seed, w, thr, t)
                    for k, (n1, s1, s2) in want.items():
                        assert got[k]["numEdge1"] == n1
                        assert _close(got[k]["sumEdge1Amount"], s1) and _close(got[k]["sumEdge2Amount"], s2)
                    nonempty += bool(want)
    assert nonempty >= 3


def test_tcr8_loan_fund_trace(fb: GraphStore, g: ref.FinBench, lib: PatternLibrary) -> None:
    p = lib.get("finbench.tcr8_loan_fund_trace")
    deposits = Counter(d.src for deps in g.deposit_in.values() for d in deps)
    nonempty = 0
    for seed in _ranked(deposits, [0, 20, 200, 2000]):
        for w in WINDOWS:
            for thr in (0.0, 0.01):
                for t in TRUNCATIONS:
                    params, (s, e) = _window(w)
                    rows = p.rows(fb, {"id": seed, "threshold": thr, **params, **t})
                    want = ref.tcr8(g, seed, thr, s, e, **_trunc_ref(t))
                    got = {r["dst"]: (r["ratio"], r["minDistanceFromLoan"]) for r in rows}
                    assert set(got) == set(want) and len(got) == len(rows), (seed, w, thr, t)
                    for k, (ratio, dist) in want.items():
                        assert got[k][1] == dist and _close(got[k][0], ratio), (seed, k, got[k], want[k])
                    nonempty += any(d == 4 for _, d in want.values())
    assert nonempty >= 3


def test_tcr9_loan_laundering_ratios(fb: GraphStore, g: ref.FinBench, lib: PatternLibrary) -> None:
    p = lib.get("finbench.tcr9_loan_laundering_ratios")
    both_ways = Counter({a: len(es) + len(g.repay_out.get(a, [])) for a, es in g.deposit_in.items()})
    for seed in _ranked(both_ways, [0, 10, 100, 1000]):
        for w in WINDOWS:
            for thr in (0.0, 100_000.0):
                for t in TRUNCATIONS[:2]:
                    params, (s, e) = _window(w)
                    rows = p.rows(fb, {"id": seed, "threshold": thr, **params, **t})
                    want = ref.tcr9(g, seed, thr, s, e, **_trunc_ref(t))
                    assert len(rows) == 1, (seed, w, thr, t)
                    got = (rows[0]["ratioRepay"], rows[0]["ratioDeposit"], rows[0]["ratioTransfer"])
                    assert all(_close(a, b) for a, b in zip(got, want, strict=True)), (seed, w, thr, t, got, want)


def test_tcr11_guarantee_chain(fb: GraphStore, g: ref.FinBench, lib: PatternLibrary) -> None:
    p = lib.get("finbench.tcr11_guarantee_chain")
    reach = Counter({pid: ref.tcr11(g, pid, *FULL)[0] for pid in g.guarantees})
    seeds = _ranked(reach, [0, 2, 20, 200]) + sorted(g.persons - set(g.guarantees))[:1]
    longest = 0
    for seed in seeds:
        for w in WINDOWS:
            params, (s, e) = _window(w)
            rows = p.rows(fb, {"id": seed, **params})
            n, amount, loans = ref.tcr11(g, seed, s, e)
            assert len(rows) == 1
            assert (rows[0]["persons"], rows[0]["numLoans"]) == (n, loans), (seed, w)
            assert _close(rows[0]["sumLoanAmount"], amount)
            longest = max(longest, n)
    assert longest >= 5


def test_finbench_patterns_are_read_only_on_the_engine(fb: GraphStore, lib: PatternLibrary) -> None:
    for p in lib:
        assert p.check_read_only_on(fb) == "r"
