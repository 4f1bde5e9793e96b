"""Pattern latency benchmark: every pattern of the library on both backends.

Loads the LDBC FinBench example graph (14,053 nodes, ~118k relationships) into each
backend, then runs every pattern ``--repeat`` times after ``--warmup`` runs and reports
p50 / p95 latency (wall time of :meth:`kg.patterns.Pattern.rows`, i.e. the client's
round trip including result normalisation). Generic patterns run with their defaults
(the trace from the busiest account); FinBench TCRs run per seed, seeds picked from the
snapshot by rank (degree, shared investments, existing cycles), since the upstream
parameter files are dummies. The FinBench target is p95 <= 15 ms per seed.

With ``--scale demo`` or ``--scale bench`` the graph is instead the generated scenario
(:mod:`kg.synth`), ingested the way the main job does it (records and documents through
:func:`extractors.ingest.ingest`, then entity resolution): every pattern runs with its
defaults; patterns that need a seed get the busiest node of the right kind from the
graph (found by a Cypher count, reported with the run). ``--people`` replaces the
scale's number of background persons (the ``bench`` scale is 1,000,000 persons; the
figure actually used is recorded). Generation, ingest and resolution are timed too.

Results go to ``bench/results/patterns.json`` (the FinBench run at the top level, the
scale runs under ``scales``; a run replaces only its own part) and are printed as Markdown.
The load average is recorded before and after every backend's run.

    python bench/patterns.py [--backends falkordb,neo4j] [--repeat 20] [--neo4j-url bolt://127.0.0.1:17687]
    python bench/patterns.py --scale demo [--repeat 10]
    python bench/patterns.py --scale bench [--people 100000] [--repeat 5] [--timeout 300]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from kg.datasets import load_mapped_dataset
from kg.errors import KGError
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
                 warmup: int, timeout: float = 300, slow_ms: float | None = None) -> dict[str, Any]:
    """p50/p95/max latency (ms) of one pattern with one parameter set.

    With ``slow_ms``, a pattern whose first run takes longer than that is not repeated
    (``runs`` says how many runs the figures come from)."""
    p = lib.get(pid)
    got: list[dict[str, Any]] = []
    times: list[float] = []
    for i in range(warmup):
        t = time.perf_counter()
        got = p.rows(st, params, timeout=timeout)
        if i == 0 and slow_ms is not None and (time.perf_counter() - t) * 1000 > slow_ms:
            times.append((time.perf_counter() - t) * 1000)
            repeat = 0
            break
    for _ in range(repeat):
        t = time.perf_counter()
        got = p.rows(st, params, timeout=timeout)
        times.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(_pct(times, 0.95), 2),
            "max_ms": round(max(times), 2), "rows": len(got), "runs": len(times), "rows_sha": rows_digest(got)}


def rows_digest(rows: list[dict[str, Any]]) -> str:
    """A digest of a pattern's rows, order-free, to see that two backends returned the same rows."""
    lines = sorted(json.dumps(r, sort_keys=True, ensure_ascii=False, default=str) for r in rows)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def bench_backend(name: str, url: str, lib: PatternLibrary, repeat: int, warmup: int, slow_repeat: int,
                  only: str = "") -> dict[str, Any]:
    st = open_store(url)  # Neo4j credentials: KG_NEO4J_USER / KG_NEO4J_PASSWORD (kg.settings)
    try:
        st.clear()
        st.apply_schema()
        t = time.perf_counter()
        load = load_mapped_dataset(st, "finbench", FINBENCH)
        out: dict[str, Any] = {"backend": st.server_version(), "load_seconds": round(time.perf_counter() - t, 1),
                               "graph": {"nodes": load.nodes, "relationships": load.relationships},
                               "load_average_before": _load(), "patterns": {}}
        plan = seeds()
        for p in lib:
            if only and not p.id.startswith(only):
                continue
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
        out["load_average_after"] = _load()
        return out
    finally:
        st.clear()
        st.close()


#: Cypher that finds a seed in a generated graph: (pattern ids, query returning the parameters)
SCALE_SEED_QUERIES: list[tuple[tuple[str, ...], str]] = [
    (("generic.transfer_trace",),
     "MATCH (a:BankAccount)-[e:TRANSFERRED_TO]->() WITH a, count(e) AS c ORDER BY c DESC, a.uid LIMIT 1 "
     "RETURN a.uid AS account"),
    (("finbench.tcr1_blocked_medium_accounts", "finbench.tcr7_in_out_ratio", "finbench.tcr9_loan_laundering_ratios"),
     "MATCH (a:BankAccount)-[e:TRANSFERRED_TO]->() WITH a, count(e) AS c ORDER BY c DESC, a.uid LIMIT 1 "
     "RETURN a.uid AS id"),
    (("finbench.tcr2_loan_funds_gathered",),
     "MATCH (p:Person)-[:OWNS]->(:BankAccount)<-[e:TRANSFERRED_TO]-() WITH p, count(e) AS c "
     "ORDER BY c DESC, p.uid LIMIT 1 RETURN p.uid AS id"),
    (("finbench.tcr5_exact_transfer_trace", "finbench.tcr12_company_account_transfers"),
     "MATCH (p:Person)-[:OWNS]->(:BankAccount)-[e:TRANSFERRED_TO]->() WITH p, count(e) AS c "
     "ORDER BY c DESC, p.uid LIMIT 1 RETURN p.uid AS id"),
    (("finbench.tcr3_shortest_transfer_path",),
     "MATCH (a:BankAccount)-[e:TRANSFERRED_TO]->() WITH a, count(e) AS c ORDER BY c DESC, a.uid LIMIT 1 "
     "MATCH (b:BankAccount)<-[f:TRANSFERRED_TO]-() WHERE b <> a WITH a, b, count(f) AS c "
     "ORDER BY c DESC, b.uid LIMIT 1 RETURN a.uid AS id1, b.uid AS id2"),
    (("finbench.tcr4_three_account_cycle",),
     "MATCH (a:BankAccount)-[:TRANSFERRED_TO]->(b:BankAccount)-[:TRANSFERRED_TO]->(c:BankAccount)"
     "-[:TRANSFERRED_TO]->(a) WHERE a <> b AND b <> c AND a <> c RETURN a.uid AS id1, b.uid AS id2 "
     "ORDER BY id1, id2 LIMIT 1"),  # ordered: the same seed on both backends (about 10 s at 1M people)
    (("finbench.tcr6_withdrawal_after_many_to_one",),
     "MATCH (a:BankAccount)<-[e:WITHDREW_TO]-() WITH a, count(e) AS c ORDER BY c DESC, a.uid LIMIT 1 "
     "RETURN a.uid AS id"),
    (("finbench.tcr8_loan_fund_trace",),
     "MATCH (l:LoanAccount)-[d:DEPOSITED_TO]->() WITH l, count(d) AS c ORDER BY c DESC, l.uid LIMIT 1 "
     "RETURN l.uid AS id"),
    (("finbench.tcr10_investor_similarity",),
     "MATCH (p1:Person)-[:INVESTED_IN]->(c)<-[:INVESTED_IN]-(p2:Person) WHERE p1.uid < p2.uid "
     "RETURN p1.uid AS pid1, p2.uid AS pid2 LIMIT 1"),
    (("finbench.tcr11_guarantee_chain",),
     "MATCH (p:Person)-[g:GUARANTEED]->() WITH p, count(g) AS c ORDER BY c DESC, p.uid LIMIT 1 RETURN p.uid AS id"),
]


def scale_seeds(st: GraphStore, timeout: float) -> dict[str, dict[str, Any] | None]:
    """Seed parameters per pattern found in the loaded graph (``None``: the graph has no such node)."""
    out: dict[str, dict[str, Any] | None] = {}
    for pids, q in SCALE_SEED_QUERIES:
        try:
            rows = st.query(q, {}, timeout=timeout)
        except KGError:
            rows = []
        for pid in pids:
            out[pid] = dict(rows[0]) if rows else None
    return out


def bench_scale_backend(name: str, url: str, lib: PatternLibrary, scenario: Path, work: Path, repeat: int,
                        warmup: int, timeout: float, slow_ms: float) -> dict[str, Any]:
    """Ingest ``scenario`` like the main job (records, documents, resolution), then time every pattern."""
    from extractors.ingest import ingest
    from kg.resolve.matching import MatchSettings
    from kg.resolve.resolver import resolve

    st = open_store(url)
    try:
        st.clear()
        out: dict[str, Any] = {"backend": st.server_version(), "load_average_before": _load()}
        t = time.perf_counter()
        st.apply_schema()
        quarantine = work / f"quarantine-{name}.jsonl"
        ing = ingest(st, [scenario], dataset="demo", quarantine_file=quarantine, progress=False)
        out["ingest_seconds"] = round(time.perf_counter() - t, 1)
        out["ingest_rows"] = ing.records_read
        print(f"  {name}: ingest {out['ingest_seconds']} s ({ing.records_read} rows), load {_load()}", flush=True)
        t = time.perf_counter()
        resolve(st, work / f"judgements-{name}.jsonl", settings=MatchSettings.from_settings())
        out["resolve_seconds"] = round(time.perf_counter() - t, 1)
        out["graph"] = st.count()
        print(f"  {name}: resolution {out['resolve_seconds']} s, graph {out['graph']}", flush=True)
        out.update(time_scale_patterns(name, st, lib, repeat, warmup, timeout, slow_ms))
        return out
    finally:
        st.clear()
        st.close()


def bench_graph_backend(name: str, url: str, lib: PatternLibrary, repeat: int, warmup: int, timeout: float,
                        slow_ms: float) -> dict[str, Any]:
    """Time every pattern on a graph ingested and resolved before (``--graph``); the graph is
    neither cleared nor changed."""
    st = open_store(url)
    try:
        out: dict[str, Any] = {"backend": st.server_version(), "load_average_before": _load(),
                               "existing_graph": True, "graph": st.count()}
        print(f"  {name}: existing graph {out['graph']}", flush=True)
        out.update(time_scale_patterns(name, st, lib, repeat, warmup, timeout, slow_ms))
        return out
    finally:
        st.close()


def time_scale_patterns(name: str, st: GraphStore, lib: PatternLibrary, repeat: int, warmup: int,
                        timeout: float, slow_ms: float) -> dict[str, Any]:
    """Every pattern of ``name``'s backend with its defaults (seeded ones from the graph)."""
    out: dict[str, Any] = {}
    seeds_found = scale_seeds(st, timeout)
    out["patterns"] = {}
    for p in lib:
        if not p.backends or name not in p.backends:
            continue
        needs = [k for k, v in p.params.items() if v.default is None]
        params: dict[str, Any] = {}
        if needs:
            found = seeds_found.get(p.id)
            if not found:
                out["patterns"][p.id] = [{"skipped": "no seed of the right kind in this graph"}]
                print(f"  {name} {p.id}: skipped (no seed)", flush=True)
                continue
            params = found
        try:
            r = time_pattern(lib, st, p.id, params, repeat, warmup, timeout=timeout, slow_ms=slow_ms)
        except KGError as exc:
            r = {"error": f"{type(exc).__name__}: {exc}"[:200]}
        r["params"] = params
        out["patterns"][p.id] = [r]
        print(f"  {name} {p.id} {params or 'defaults'}: "
              + (f"p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, {r['rows']} rows, {r['runs']} runs"
                 if "p50_ms" in r else r["error"]), flush=True)
    out["load_average_after"] = _load()
    return out


def run_existing(args: argparse.Namespace, lib: PatternLibrary) -> dict[str, Any]:
    """Time the patterns on graphs ingested before (``--graph BACKEND=URL``)."""
    res: dict[str, Any] = {"scale": args.scale, "people": args.people or None, "seed": args.seed,
                           "repeat": args.repeat, "timeout_s": args.timeout, "slow_ms": args.slow_ms,
                           "when": time.strftime("%Y-%m-%d %H:%M"), "backends": {}}
    for spec in args.graph:
        name, _, url = spec.partition("=")
        if name not in ("falkordb", "neo4j") or not url:
            raise SystemExit(f"--graph wants falkordb=URL or neo4j=URL, not {spec!r}")
        print(f"{name}: running {len(lib)} patterns on the graph at {url}", flush=True)
        res["backends"][name] = bench_graph_backend(name, url, lib, args.repeat, args.warmup, args.timeout,
                                                    args.slow_ms)
    return res


def run_scale(args: argparse.Namespace, lib: PatternLibrary) -> dict[str, Any]:
    """Generate the ``args.scale`` scenario once, then ingest and time it on every backend."""
    from kg.synth import SCALES
    from kg.synth.generator import generate_config

    cfg = SCALES[args.scale]
    if args.people:
        cfg = replace(cfg, people=args.people, shard_size=min(cfg.shard_size, args.people))
    res: dict[str, Any] = {"scale": args.scale, "people": cfg.people, "seed": args.seed, "repeat": args.repeat,
                           "timeout_s": args.timeout, "slow_ms": args.slow_ms, "when": time.strftime("%Y-%m-%d %H:%M"),
                           "backends": {}}
    with tempfile.TemporaryDirectory(prefix="kg-bench-patterns-scale-") as tmp:
        work = Path(tmp)
        scenario = work / "scenario"
        if args.scenario:
            # a scenario generated before with the same scale, people and seed (its manifest says so)
            scenario = Path(args.scenario)
            man = json.loads((scenario / "manifest.json").read_text(encoding="utf-8"))
            if man.get("people_background") != cfg.people or man.get("seed") != args.seed:
                raise SystemExit(f"{scenario} was generated with other people/seed: {man.get('people_background')}")
            gen = {"rows": {k: v["rows"] for k, v in man["files"].items()}, "documents": man["documents"]["count"]}
            res["generate_seconds"] = None
            print(f"using the scenario in {scenario}", flush=True)
        else:
            print(f"generating scale {args.scale} with {cfg.people} people (seed {args.seed})", flush=True)
            t = time.perf_counter()
            gen = generate_config(cfg, args.seed, scenario)
            res["generate_seconds"] = round(time.perf_counter() - t, 1)
        res["record_rows"] = sum(v for k, v in gen["rows"].items() if not k.startswith("ground_truth"))
        res["documents"] = gen.get("documents")
        print(f"  {res['record_rows']} record rows", flush=True)
        for b in args.backends.split(","):
            print(f"{b}: ingesting the {args.scale} scenario and running {len(lib)} patterns", flush=True)
            if b == "falkordb":
                res["backends"][b] = bench_scale_backend(b, f"falkordb://{tmp}/graph", lib, scenario, work,
                                                         args.repeat, args.warmup, args.timeout, args.slow_ms)
            else:
                res["backends"][b] = bench_scale_backend(
                    b, args.neo4j_url, lib, scenario, work, args.repeat, args.warmup, args.timeout,
                    args.slow_ms)
    return res


def markdown_scale(res: dict[str, Any]) -> str:
    names = list(res["backends"])
    lines = [f"Scale {res['scale']}, {res['people']} people: "
             + "; ".join(f"{b} ingest {v['ingest_seconds']} s + resolution {v['resolve_seconds']} s"
                         if "ingest_seconds" in v else f"{b} graph ingested before: {v['graph']}"
                         for b, v in res["backends"].items()),
             "",
             "| pattern | " + " | ".join(f"{b} p50 / p95 ms (runs)" for b in names) + " | rows | same rows |",
             "|---|" + "---|" * len(names) + "---|---|"]
    pids = sorted({pid for b in names for pid in res["backends"][b]["patterns"]})
    for pid in pids:
        cells, rows, digests = [], "", set()
        for b in names:
            r = res["backends"][b]["patterns"].get(pid, [{}])[0]
            if "p50_ms" in r:
                cells.append(f"{r['p50_ms']} / {r['p95_ms']} ({r['runs']})")
                rows = rows or str(r["rows"])
                digests.add(r.get("rows_sha"))
            else:
                cells.append(r.get("skipped") or r.get("error") or "-")
        same = "-" if len(names) < 2 or len(digests) == 0 else ("yes" if len(digests) == 1 else "**no**")
        lines.append(f"| {pid} | " + " | ".join(cells) + f" | {rows} | {same} |")
    return "\n".join(lines)


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
    ap.add_argument("--scale", default="finbench", choices=["finbench", "demo", "bench"],
                    help="finbench: the FinBench example graph with seeds; demo/bench: the generated scenario")
    ap.add_argument("--people", type=int, default=0, help="background persons (overrides the scale's)")
    ap.add_argument("--scenario", default="", help="demo/bench: ingest this generated scenario folder instead of "
                    "generating one (generated with the same scale, --people and --seed)")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (demo/bench)")
    ap.add_argument("--backends", default="falkordb,neo4j")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--slow-repeat", type=int, default=5, help="repeats for whole-graph generic scans")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=300, help="per query, seconds (demo/bench)")
    ap.add_argument("--slow-ms", type=float, default=10000,
                    help="demo/bench: a pattern whose first run takes longer is run once")
    ap.add_argument("--neo4j-url", default=os.environ.get("KG_BENCH_NEO4J_URL", "bolt://127.0.0.1:17687"))
    ap.add_argument("--only", default="", metavar="PREFIX",
                    help="finbench: run only the patterns whose id starts with PREFIX (e.g. finbench.tcr)")
    ap.add_argument("--graph", action="append", default=[], metavar="BACKEND=URL",
                    help="demo/bench: time the patterns on a graph ingested and resolved before (e.g. "
                    "falkordb=falkordb:///work/scale/run1m/graph, neo4j=bolt://127.0.0.1:27687); "
                    "no generation, ingest or clearing")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "patterns.json"))
    args = ap.parse_args()
    lib = PatternLibrary.load()
    out_path = Path(args.out)
    previous: dict[str, Any] = {}
    if out_path.exists():
        previous = json.loads(out_path.read_text(encoding="utf-8"))
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}
    if args.scale != "finbench":
        res = run_existing(args, lib) if args.graph else run_scale(args, lib)
        res["machine"] = machine
        results = previous
        results.setdefault("scales", {})[args.scale] = res
        report = markdown_scale(res)
    else:
        results = {"machine": machine, "repeat": args.repeat, "slow_repeat": args.slow_repeat,
                   "target_p95_ms": TARGET_MS, "when": time.strftime("%Y-%m-%d %H:%M"), "backends": {}}
        if "scales" in previous:
            results["scales"] = previous["scales"]
        results["backends"] = previous.get("backends", {})  # a run for one backend keeps the other's
        with tempfile.TemporaryDirectory(prefix="kg-bench-patterns-") as tmp:
            for b in args.backends.split(","):
                print(f"{b}: loading FinBench and running {len(lib)} patterns", flush=True)
                if b == "falkordb":
                    results["backends"][b] = bench_backend(b, f"falkordb://{tmp}/graph", lib, args.repeat,
                                                           args.warmup, args.slow_repeat, args.only)
                else:
                    results["backends"][b] = bench_backend(
                        b, args.neo4j_url, lib, args.repeat, args.warmup, args.slow_repeat, args.only)
        report = markdown(results)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print()
    print(report)


if __name__ == "__main__":
    main()
