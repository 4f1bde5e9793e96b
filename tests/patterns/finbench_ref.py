"""Independent brute-force FinBench complex reads over the CSV files (plain dicts).

Written from the spec text, not from the Cypher: the multi-hop reads enumerate
time-ordered paths explicitly (depth-first over distinct (neighbour, timestamp)
steps, which is exact for the questions asked: reached accounts and smallest distances),
with the same truncation rule as the patterns: at each step and for each account, its
edges inside the time window are sorted by (timestamp in truncationOrder, edge id) and
the first truncationLimit kept; the ascending-time condition applies after that.

Rows whose endpoints are missing from the node files are dropped, as the loader
quarantines them. Timestamps are epoch ms (naive time taken as UTC), edge ids are the
loader's rids ``finbench/<file>#<row>``.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

_EPOCH = dt.datetime(1970, 1, 1)


def ms(text: str) -> int:
    """FinBench time text -> epoch ms."""
    d = dt.datetime.fromisoformat(text.replace(" ", "T", 1)) - _EPOCH
    return d.days * 86_400_000 + d.seconds * 1000 + d.microseconds // 1000


@dataclass(frozen=True)
class Edge:
    """One relationship row."""

    rid: str
    src: str
    dst: str
    ts: int
    amount: float


@dataclass
class FinBench:
    """The snapshot as dicts keyed by uid."""

    accounts: set[str] = field(default_factory=set)
    persons: set[str] = field(default_factory=set)
    companies: set[str] = field(default_factory=set)
    loans: dict[str, tuple[float, float]] = field(default_factory=dict)
    media: dict[str, tuple[bool, str]] = field(default_factory=dict)
    transfer_out: dict[str, list[Edge]] = field(default_factory=lambda: defaultdict(list))
    transfer_in: dict[str, list[Edge]] = field(default_factory=lambda: defaultdict(list))
    signin_in: dict[str, list[Edge]] = field(default_factory=lambda: defaultdict(list))
    deposit_in: dict[str, list[Edge]] = field(default_factory=lambda: defaultdict(list))
    owns: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    owner_companies: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    invests: dict[str, list[tuple[str, int]]] = field(default_factory=lambda: defaultdict(list))
    withdraw_in: dict[str, list[Edge]] = field(default_factory=lambda: defaultdict(list))
    withdraw_out: dict[str, list[Edge]] = field(default_factory=lambda: defaultdict(list))
    repay_out: dict[str, list[Edge]] = field(default_factory=lambda: defaultdict(list))
    guarantees: dict[str, list[tuple[str, int]]] = field(default_factory=lambda: defaultdict(list))
    applied: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def _rows(folder: Path, name: str) -> Iterable[tuple[int, dict[str, str]]]:
    with open(folder / name, encoding="utf-8", newline="") as fh:
        yield from enumerate(csv.DictReader(fh, delimiter="|"), start=1)


@lru_cache(maxsize=2)
def load(folder: Path) -> FinBench:
    """Read the CSV snapshot."""
    g = FinBench()
    u = lambda lab, i: f"fb:{lab}:{i}"  # noqa: E731
    for _, r in _rows(folder, "Account.csv"):
        g.accounts.add(u("BankAccount", r["accountId"]))
    for _, r in _rows(folder, "Person.csv"):
        g.persons.add(u("Person", r["personId"]))
    for _, r in _rows(folder, "Company.csv"):
        g.companies.add(u("Company", r["companyId"]))
    for _, r in _rows(folder, "Loan.csv"):
        g.loans[u("LoanAccount", r["loanId"])] = (float(r["loanAmount"]), float(r["balance"]))
    for _, r in _rows(folder, "Medium.csv"):
        g.media[u("Medium", r["mediumId"])] = (r["isBlocked"] == "true", r["mediumType"])
    for n, r in _rows(folder, "AccountTransferAccount.csv"):
        a, b = u("BankAccount", r["fromId"]), u("BankAccount", r["toId"])
        if a in g.accounts and b in g.accounts:
            e = Edge(f"finbench/AccountTransferAccount.csv#{n}", a, b, ms(r["createTime"]), float(r["amount"]))
            g.transfer_out[a].append(e)
            g.transfer_in[b].append(e)
    for n, r in _rows(folder, "MediumSignInAccount.csv"):
        m, a = u("Medium", r["mediumId"]), u("BankAccount", r["accountId"])
        if m in g.media and a in g.accounts:
            g.signin_in[a].append(Edge(f"s#{n}", m, a, ms(r["createTime"]), 0.0))
    for n, r in _rows(folder, "LoanDepositAccount.csv"):
        lo, a = u("LoanAccount", r["loanId"]), u("BankAccount", r["accountId"])
        if lo in g.loans and a in g.accounts:
            g.deposit_in[a].append(Edge(f"finbench/LoanDepositAccount.csv#{n}", lo, a, ms(r["createTime"]),
                                        float(r["amount"])))
    for _, r in _rows(folder, "PersonOwnAccount.csv"):
        p, a = u("Person", r["personId"]), u("BankAccount", r["accountId"])
        if p in g.persons and a in g.accounts:
            g.owns[p].append(a)
    for _, r in _rows(folder, "CompanyOwnAccount.csv"):
        c, a = u("Company", r["companyId"]), u("BankAccount", r["accountId"])
        if c in g.companies and a in g.accounts:
            g.owner_companies[a].append(c)
    for _, r in _rows(folder, "PersonInvestCompany.csv"):
        p, c = u("Person", r["investorId"]), u("Company", r["companyId"])
        if p in g.persons and c in g.companies:
            g.invests[p].append((c, ms(r["createTime"])))
    for n, r in _rows(folder, "AccountWithdrawAccount.csv"):
        a, b = u("BankAccount", r["fromId"]), u("BankAccount", r["toId"])
        if a in g.accounts and b in g.accounts:
            e = Edge(f"finbench/AccountWithdrawAccount.csv#{n}", a, b, ms(r["createTime"]), float(r["amount"]))
            g.withdraw_in[b].append(e)
            g.withdraw_out[a].append(e)
    for n, r in _rows(folder, "AccountRepayLoan.csv"):
        a, lo = u("BankAccount", r["accountId"]), u("LoanAccount", r["loanId"])
        if a in g.accounts and lo in g.loans:
            g.repay_out[a].append(Edge(f"finbench/AccountRepayLoan.csv#{n}", a, lo, ms(r["createTime"]),
                                       float(r["amount"])))
    for _, r in _rows(folder, "PersonGuaranteePerson.csv"):
        a, b = u("Person", r["fromId"]), u("Person", r["toId"])
        if a in g.persons and b in g.persons:
            g.guarantees[a].append((b, ms(r["createTime"])))
    for _, r in _rows(folder, "PersonApplyLoan.csv"):
        p, lo = u("Person", r["personId"]), u("LoanAccount", r["loanId"])
        if p in g.persons and lo in g.loans:
            g.applied[p].append(lo)
    return g


def _truncate(edges: list[Edge], limit: int, order: str) -> list[Edge]:
    desc = order == "TIMESTAMP_DESCENDING"
    return sorted(edges, key=lambda e: (-e.ts if desc else e.ts, e.rid))[:limit]


def tcr1(g: FinBench, id: str, start: int, end: int, limit: int = 10**6,
         order: str = "TIMESTAMP_DESCENDING") -> set[tuple[str, int, str, str]]:
    """(other, min distance, medium, medium type) by explicit path enumeration."""
    best: dict[str, int] = {}
    seen: set[tuple[str, int, int]] = set()

    def walk(node: str, t: int, depth: int) -> None:
        if depth == 3 or (node, t, depth) in seen:
            return
        seen.add((node, t, depth))
        cand = [e for e in g.transfer_out.get(node, []) if start < e.ts < end]
        for e in [e for e in _truncate(cand, limit, order) if e.ts > t]:
            if e.dst != id:
                best[e.dst] = min(best.get(e.dst, 99), depth + 1)
            walk(e.dst, e.ts, depth + 1)

    walk(id, -(2**62), 0)
    out = set()
    for acc, d in best.items():
        for s in g.signin_in.get(acc, []):
            blocked, mtype = g.media[s.src]
            if blocked and start < s.ts < end:
                out.add((acc, d, s.src, mtype))
    return out


def tcr2(g: FinBench, id: str, start: int, end: int, limit: int = 10**6,
         order: str = "TIMESTAMP_DESCENDING") -> dict[str, tuple[float, float, int]]:
    """other -> (sum loan amount, sum loan balance, loans) by explicit upstream paths."""
    reached: set[str] = set()
    seen: set[tuple[str, int, int]] = set()

    def walk(node: str, t: int, depth: int) -> None:
        if depth == 3 or (node, t, depth) in seen:
            return
        seen.add((node, t, depth))
        cand = [e for e in g.transfer_in.get(node, []) if start < e.ts < end]
        for e in [e for e in _truncate(cand, limit, order) if e.ts < t]:
            reached.add(e.src)
            walk(e.src, e.ts, depth + 1)

    for acc in g.owns.get(id, []):
        walk(acc, end, 0)
    out = {}
    for other in reached:
        loans = {d.src for d in g.deposit_in.get(other, []) if start < d.ts < end}
        if loans:
            out[other] = (sum(g.loans[x][0] for x in loans), sum(g.loans[x][1] for x in loans), len(loans))
    return out


def tcr4(g: FinBench, src: str, dst: str, start: int, end: int) -> dict[str, tuple[Any, ...]]:
    """other -> (n2, sum2, max2, n3, sum3, max3) with edge2 other->src and edge3 dst->other."""
    if not any(e.dst == dst and start < e.ts < end for e in g.transfer_out.get(src, [])):
        return {}
    out = {}
    e3s: dict[str, list[float]] = defaultdict(list)
    for e in g.transfer_out.get(dst, []):
        if start < e.ts < end and e.dst not in (src, dst):
            e3s[e.dst].append(e.amount)
    for other, a3 in e3s.items():
        a2 = [e.amount for e in g.transfer_out.get(other, []) if e.dst == src and start < e.ts < end]
        if a2:
            out[other] = (len(a2), sum(a2), max(a2), len(a3), sum(a3), max(a3))
    return out


def tcr7(g: FinBench, id: str, threshold: float, start: int, end: int, limit: int = 10**6,
         order: str = "TIMESTAMP_DESCENDING") -> tuple[int, int, float]:
    """(distinct senders, distinct receivers, in/out ratio or -1)."""
    ins = _truncate([e for e in g.transfer_in.get(id, []) if start < e.ts < end and e.amount > threshold], limit, order)
    outs = _truncate([e for e in g.transfer_out.get(id, []) if start < e.ts < end and e.amount > threshold], limit,
                     order)
    ratio = -1.0 if not outs else round(sum(e.amount for e in ins) / sum(e.amount for e in outs), 3)
    return len({e.src for e in ins}), len({e.dst for e in outs}), ratio


def tcr10(g: FinBench, p1: str, p2: str, start: int, end: int) -> float:
    """Jaccard similarity of invested companies."""
    s1 = {c for c, t in g.invests.get(p1, []) if start < t < end}
    s2 = {c for c, t in g.invests.get(p2, []) if start < t < end}
    return 0.0 if not (s1 | s2) else round(len(s1 & s2) / len(s1 | s2), 3)


def tcr12(g: FinBench, id: str, start: int, end: int, limit: int = 10**6,
          order: str = "TIMESTAMP_DESCENDING") -> dict[tuple[str, str], float]:
    """(company account, company) -> total amount."""
    out: dict[tuple[str, str], float] = defaultdict(float)
    for acc in g.owns.get(id, []):
        cand = [e for e in g.transfer_out.get(acc, []) if start < e.ts < end]
        for e in _truncate(cand, limit, order):
            for c in g.owner_companies.get(e.dst, []):
                out[(e.dst, c)] += e.amount
    return dict(out)


def tcr6(g: FinBench, id: str, t1: float, t2: float, start: int, end: int, limit: int = 10**6,
         order: str = "TIMESTAMP_DESCENDING") -> dict[str, tuple[int, float, float]]:
    """mid -> (transfers in, their sum, withdrawals to the card)."""
    ws = _truncate([e for e in g.withdraw_in.get(id, []) if start < e.ts < end and e.amount > t2], limit, order)
    by_mid: dict[str, float] = defaultdict(float)
    for e in ws:
        by_mid[e.src] += e.amount
    out = {}
    for mid, s2 in by_mid.items():
        ins = _truncate([e for e in g.transfer_in.get(mid, []) if start < e.ts < end and e.amount > t1], limit, order)
        if len(ins) > 3:
            out[mid] = (len(ins), sum(e.amount for e in ins), s2)
    return out


def tcr9(g: FinBench, id: str, threshold: float, start: int, end: int, limit: int = 10**6,
         order: str = "TIMESTAMP_DESCENDING") -> tuple[float, float, float]:
    """(ratioRepay, ratioDeposit, ratioTransfer), -1 where the denominator has no edges."""
    def pick(edges: list[Edge]) -> list[Edge]:
        return _truncate([e for e in edges if start < e.ts < end and e.amount > threshold], limit, order)

    e1 = pick(g.deposit_in.get(id, []))
    e2 = pick(g.repay_out.get(id, []))
    e3 = pick(g.transfer_in.get(id, []))
    e4 = pick(g.transfer_out.get(id, []))
    s1, s2, s3, s4 = (sum(e.amount for e in es) for es in (e1, e2, e3, e4))
    return (-1.0 if not e2 else round(s1 / s2, 3), -1.0 if not e4 else round(s1 / s4, 3),
            -1.0 if not e4 else round(s3 / s4, 3))


def tcr11(g: FinBench, id: str, start: int, end: int) -> tuple[int, float, int]:
    """(persons on the chain, sum of their loans' amount, distinct loans), by breadth-first search."""
    seen = {id}
    frontier = [id]
    while frontier:
        nxt = []
        for p in frontier:
            for q, t in g.guarantees.get(p, []):
                if start < t < end and q not in seen:
                    seen.add(q)
                    nxt.append(q)
        frontier = nxt
    people = seen - {id}
    loans = {lo for p in people for lo in g.applied.get(p, [])}
    return len(people), sum(g.loans[lo][0] for lo in loans), len(loans)


def tcr5(g: FinBench, id: str, start: int, end: int, limit: int = 10**6,
         order: str = "TIMESTAMP_DESCENDING") -> set[tuple[str, ...]]:
    """Every trace (sequence of distinct accounts, 1-3 transfers, ascending time) from the person's accounts."""
    out: set[tuple[str, ...]] = set()
    seen: set[tuple[tuple[str, ...], int]] = set()

    def walk(path: tuple[str, ...], t: int) -> None:
        if len(path) == 4 or (path, t) in seen:
            return
        seen.add((path, t))
        cand = _truncate([e for e in g.transfer_out.get(path[-1], []) if start < e.ts < end], limit, order)
        for e in cand:
            if e.ts > t and e.dst not in path:
                out.add(path + (e.dst,))
                walk(path + (e.dst,), e.ts)

    for acc in g.owns.get(id, []):
        walk((acc,), start)
    return out


def tcr3(g: FinBench, src: str, dst: str, start: int, end: int) -> int:
    """Shortest number of transfers (inside the window) from src to dst, -1 if none; plain BFS."""
    dist = {src: 0}
    queue = [src]
    for node in queue:
        for e in g.transfer_out.get(node, []):
            if start < e.ts < end and e.dst not in dist:
                dist[e.dst] = dist[node] + 1
                if e.dst == dst:
                    return dist[e.dst]
                queue.append(e.dst)
    return -1


def tcr8(g: FinBench, id: str, threshold: float, start: int, end: int, limit: int = 10**6,
         order: str = "TIMESTAMP_DESCENDING") -> dict[str, tuple[float, int]]:
    """dst -> (ratio, min distance from the loan), following the reading in the pattern's description."""
    amount = g.loans[id][0]
    layer: dict[str, float] = defaultdict(float)
    for acc, deps in g.deposit_in.items():
        for d in deps:
            if d.src == id and start < d.ts < end:
                layer[acc] += d.amount
    best: dict[str, tuple[float, int]] = {}
    for dist in (2, 3, 4):
        nxt: dict[str, float] = defaultdict(float)
        for acc, up in layer.items():
            out = [e for e in g.transfer_out.get(acc, []) + g.withdraw_out.get(acc, []) if start < e.ts < end]
            for e in _truncate(out, limit, order):
                if e.amount > threshold * up:
                    nxt[e.dst] += e.amount
        for acc, inflow in nxt.items():
            if acc not in best:
                best[acc] = (round(inflow / amount, 3), dist)
        layer = nxt
    return best
