"""Pattern latency benchmark: every pattern of the library on both backends.

Loads the LDBC FinBench example graph (14,053 nodes, ~118k relationships) into each
backend, then runs every pattern ``--repeat`` times after ``--warmup`` runs and reports
p50 / p95 latency (wall time of :meth:`kg.patterns.Pattern.rows`, i.e. the client's
round trip including result normalisation). Generic patterns run with their defaults
(the trace from the busiest account); FinBench TCRs run per seed, seeds picked from the
snapshot by rank (degree, shared investments, existing cycles), since the upstream
parameter files are dummies. The FinBench target is p95 <= 15 ms per seed.

Results go to ``bench/results/patterns.json`` and are printed as Markdown.

    python bench/patterns.py [--backends falkordb,neo4j] [--repeat 20] [--neo4j-url bolt://127.0.0.1:17687]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from kg.datasets import load_mapped_dataset
from kg.patterns import PatternLibrary
from kg.store import GraphStore, open_store

ROOT = Path(__file__).resolve().parent.parent
FINBENCH = Path(os.environ.get("KG_FINBENCH_DIR", ROOT.parent / "shared" / "data" / "finbench" / "snapshot"))
TARGET_MS = 15.0


def _csv(name: str) -> list[dict[str, str]]:
    with open(FINBENCH / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="|"))


def _ranked(c: Counter[str], ranks: list[int]) -> list[str]:
    order = sorted(c, key=lambda k: (-c[k], k))
    return [order[r] for r in ranks if r < len(order)]


def seeds() -> dict[str, list[dict[str, Any]]]:
    """Parameters per pattern: one dict per seed (FinBench TCRs) or the defaults."""
    acc = lambda i: f"fb:BankAccount:{i}"  # noqa: E731
    per = lambda i: f"fb:Person:{i}"  # noqa: E731
    transfers = _csv("AccountTransferAccount.csv")
    out_deg = Counter(r["fromId"] for r in transfers)
    in_deg = Counter(r["toId"] for r in transfers)
    deg = out_deg + in_deg
    owns = defaultdict(list)
    for r in _csv("PersonOwnAccount.csv"):
        owns[r["personId"]].append(r["accountId"])
    person_in = Counter({p: sum(in_deg[a] for a in accs) for p, accs in owns.items()})
    person_out = Counter({p: sum(out_deg[a] for a in accs) for p, accs in owns.items()})
    edges = {(r["fromId"], r["toId"]) for r in transfers}
    succ = defaultdict(set)
    for a, b in edges:
        succ[a].add(b)
    cycle_pairs = sorted((a, b) for a, b in edges if any((o, a) in edges for o in succ[b] if o not in (a, b)))[:4]
    inv = defaultdict(set)
    for r in _csv("PersonInvestCompany.csv"):
        inv[r["companyId"]].add(r["investorId"])
    inv_pairs = sorted({tuple(sorted(ps)[:2]) for ps in inv.values() if len(ps) >= 2})[:4]
    busiest = _ranked(out_deg, [0])[0]
    far_pairs = []
    for src in _ranked(out_deg, [0, 30, 300, 1000]):
        dist = {src: 0}
        queue = [src]
        for node in queue:
            for nxt in sorted(succ[node]):
                if nxt not in dist:
                    dist[nxt] = dist[node] + 1
                    queue.append(nxt)
        far_pairs.append((src, max(sorted(dist), key=lambda k: dist[k])))
    withdraw_in = Counter(r["toId"] for r in _csv("AccountWithdrawAccount.csv"))
    loan_acc = Counter(r["accountId"] for r in _csv("LoanDepositAccount.csv"))
    loan_dep = Counter(r["loanId"] for r in _csv("LoanDepositAccount.csv"))
    loan_acc.update(r["accountId"] for r in _csv("AccountRepayLoan.csv"))
    guar = Counter(r["fromId"] for r in _csv("PersonGuaranteePerson.csv"))
    return {
        "generic.transfer_trace": [{"account": acc(busiest)}],
        "finbench.tcr1_blocked_medium_accounts": [{"id": acc(a)} for a in _ranked(out_deg, [0, 3, 40, 400])],
        "finbench.tcr2_loan_funds_gathered": [{"id": per(p)} for p in _ranked(person_in, [0, 7, 60, 300])],
        "finbench.tcr3_shortest_transfer_path": [{"id1": acc(a), "id2": acc(b)} for a, b in far_pairs],
        "finbench.tcr4_three_account_cycle": [{"id1": acc(a), "id2": acc(b)} for a, b in cycle_pairs],
        "finbench.tcr5_exact_transfer_trace": [{"id": per(p)} for p in _ranked(person_out, [0, 5, 50, 300])],
        "finbench.tcr6_withdrawal_after_many_to_one": [{"id": acc(a)} for a in _ranked(withdraw_in, [0, 4, 40, 400])],
        "finbench.tcr8_loan_fund_trace": [{"id": f"fb:LoanAccount:{x}"} for x in _ranked(loan_dep, [0, 20, 200, 2000])],
        "finbench.tcr9_loan_laundering_ratios": [{"id": acc(a)} for a in _ranked(loan_acc, [0, 10, 100, 1000])],
        "finbench.tcr11_guarantee_chain": [{"id": per(p)} for p in _ranked(guar, [0, 2, 20, 200])],
        "finbench.tcr7_in_out_ratio": [{"id": acc(a)} for a in _ranked(deg, [0, 9, 90, 900])],
        "finbench.tcr10_investor_similarity": [{"pid1": per(a), "pid2": per(b)} for a, b in inv_pairs],
        "finbench.tcr12_company_account_transfers": [{"id": per(p)} for p in _ranked(person_out, [0, 5, 50, 500])],
    }


def _pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, int(round(q * (len(s) - 1)))))]


def time_pattern(lib: PatternLibrary, st: GraphStore, pid: str, params: dict[str, Any], repeat: int,
                 warmup: int) -> dict[str, Any]:
    """p50/p95/max latency (ms) of one pattern with one parameter set."""
    p = lib.get(pid)
    rows = 0
    for _ in range(warmup):
        rows = len(p.rows(st, params, timeout=300))
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        rows = len(p.rows(st, params, timeout=300))
        times.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(_pct(times, 0.95), 2),
            "max_ms": round(max(times), 2), "rows": rows, "runs": repeat}


def bench_backend(name: str, url: str, lib: PatternLibrary, repeat: int, warmup: int, slow_repeat: int,
                  **kw: Any) -> dict[str, Any]:
    st = open_store(url, **kw)
    try:
        st.clear()
        st.apply_schema()
        t = time.perf_counter()
        load = load_mapped_dataset(st, "finbench", FINBENCH)
        out: dict[str, Any] = {"backend": st.server_version(), "load_seconds": round(time.perf_counter() - t, 1),
                               "graph": {"nodes": load.nodes, "relationships": load.relationships}, "patterns": {}}
        plan = seeds()
        for p in lib:
            runs = []
            for params in plan.get(p.id, [{}]):
                # whole-graph scans are slow by nature: fewer repeats keep the run short
                n = repeat if p.id.startswith("finbench.") or params else slow_repeat
                r = time_pattern(lib, st, p.id, params, n, warmup if n == repeat else 1)
                r["params"] = params
                runs.append(r)
                print(f"  {name} {p.id} {params or 'defaults'}: p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, "
                      f"{r['rows']} rows", flush=True)
            out["patterns"][p.id] = runs
        return out
    finally:
        st.clear()
        st.close()


def markdown(results: dict[str, Any]) -> str:
    names = list(results["backends"])
    lines = ["| pattern | seed | " + " | ".join(f"{b} p50 / p95 ms" for b in names) + " | rows |",
             "|---|---|" + "---|" * len(names) + "---|"]
    first = results["backends"][names[0]]["patterns"]
    for pid, runs in first.items():
        for i, r in enumerate(runs):
            seed = ", ".join(f"{k}={v}" for k, v in r["params"].items()) or "defaults"
            cells = []
            for b in names:
                rb = results["backends"][b]["patterns"][pid][i]
                flag = " ⚠" if pid.startswith("finbench.") and rb["p95_ms"] > TARGET_MS else ""
                cells.append(f"{rb['p50_ms']} / {rb['p95_ms']}{flag}")
            lines.append(f"| {pid} | {seed} | " + " | ".join(cells) + f" | {r['rows']} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backends", default="falkordb,neo4j")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--slow-repeat", type=int, default=5, help="repeats for whole-graph generic scans")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--neo4j-url", default=os.environ.get("KG_BENCH_NEO4J_URL", "bolt://127.0.0.1:17687"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "patterns.json"))
    args = ap.parse_args()
    lib = PatternLibrary.load()
    results: dict[str, Any] = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                           "platform": platform.platform()},
                               "repeat": args.repeat, "slow_repeat": args.slow_repeat, "target_p95_ms": TARGET_MS,
                               "backends": {}}
    with tempfile.TemporaryDirectory(prefix="kg-bench-patterns-") as tmp:
        for b in args.backends.split(","):
            print(f"{b}: loading FinBench and running {len(lib)} patterns", flush=True)
            if b == "falkordb":
                results["backends"][b] = bench_backend(b, f"falkordb://{tmp}/graph", lib, args.repeat, args.warmup,
                                                       args.slow_repeat)
            else:
                results["backends"][b] = bench_backend(
                    b, args.neo4j_url, lib, args.repeat, args.warmup, args.slow_repeat,
                    user=os.environ.get("KG_NEO4J_USER", "neo4j"),
                    password=os.environ.get("KG_NEO4J_PASSWORD", "cluegraph-dev-password"))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print()
    print(markdown(results))


if __name__ == "__main__":
    main()
