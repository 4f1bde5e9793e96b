"""Old against new pattern text, in one run: FinBench complex reads at an earlier commit vs now.

Loads the LDBC FinBench example graph into each backend once, then for every seed of
the chosen patterns (the seeds of ``bench/patterns.py``) runs the text of the pattern
at ``--rev`` (read with ``git show``) and the current library's text (its backend
variant if there is one) alternately, ``--repeat`` times each after one warm-up run.
Both must return the same rows; the ratio is old p50 / new p50 of the wall time of
:meth:`kg.patterns.Pattern.rows` (client round trip included). ``floor`` is the time of
a query that returns as many copies of the first row and touches no graph: what
transferring and decoding the answer costs by itself. The load average is
recorded before and after each backend, since the machine is shared.

Results go to ``bench/results/patterns_compare.json`` and are printed as Markdown.

    python bench/patterns_compare.py [--rev 7c7184d] [--backends falkordb,neo4j] [--repeat 15]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from patterns import FINBENCH, _pct, seeds  # noqa: E402

from kg.datasets import load_mapped_dataset  # noqa: E402
from kg.patterns import Pattern, PatternLibrary  # noqa: E402
from kg.store import open_store  # noqa: E402

DEFAULT = ["finbench.tcr1_blocked_medium_accounts", "finbench.tcr2_loan_funds_gathered",
           "finbench.tcr3_shortest_transfer_path", "finbench.tcr5_exact_transfer_trace",
           "finbench.tcr8_loan_fund_trace"]


def old_pattern(rev: str, pid: str) -> Pattern:
    name = pid.split(".", 1)[1]
    path = f"cypher/finbench/{name}.cypher"
    text = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout
    return Pattern.from_text(text, source=f"{rev}:{path}")


def _key(rows: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)


def _stats(ts: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(ts), 2), "p95_ms": round(_pct(ts, 0.95), 2),
            "min_ms": round(min(ts), 2)}


def floor(st: Any, rows: list[dict[str, Any]], repeat: int) -> list[float]:
    """Wall time of a query that only sends back as many copies of the pattern's first row
    as the pattern returned: what the round trip and the client's decoding cost, with no
    graph work at all (the floor no rewrite of the pattern can go under)."""
    if not rows:
        return [0.0]
    cols = list(rows[0])
    q = "UNWIND range(1, $n) AS i RETURN " + ", ".join(f"$row.{c} AS {c}" for c in cols)
    params = {"n": len(rows), "row": rows[0]}
    st.query(q, params)
    out: list[float] = []
    for _ in range(repeat):
        t = time.perf_counter()
        st.query(q, params)
        out.append((time.perf_counter() - t) * 1000)
    return out


def compare_backend(url: str, pids: list[str], rev: str, repeat: int, **kw: Any) -> dict[str, Any]:
    lib = PatternLibrary.load()
    plan = seeds()
    st = open_store(url, **kw)
    try:
        st.clear()
        st.apply_schema()
        load_mapped_dataset(st, "finbench", FINBENCH)
        out: dict[str, Any] = {"backend": st.server_version(), "load_average_before": [round(x, 2) for x in
                                                                                      os.getloadavg()],
                               "patterns": {}}
        for pid in pids:
            old, new = old_pattern(rev, pid), lib.get(pid)
            runs = []
            for params in plan[pid]:
                same = _key(old.rows(st, params, timeout=300)) == _key(new.rows(st, params, timeout=300))
                t_old: list[float] = []
                t_new: list[float] = []
                rows = 0
                for _ in range(repeat):
                    for p, ts in ((old, t_old), (new, t_new)):
                        t = time.perf_counter()
                        rows = len(p.rows(st, params, timeout=300))
                        ts.append((time.perf_counter() - t) * 1000)
                r: dict[str, Any] = {"params": params, "rows": rows, "same_rows": same, "old": _stats(t_old), "new": _stats(t_new),
                     "ratio_p50": round(statistics.median(t_old) / statistics.median(t_new), 2),
                     "floor": _stats(floor(st, new.rows(st, params, timeout=300), repeat))}
                runs.append(r)
                print(f"  {st.backend} {pid} {list(params.values())}: old p50 {r['old']['p50_ms']} ms, "
                      f"new p50 {r['new']['p50_ms']} ms (x{r['ratio_p50']}), floor p50 {r['floor']['p50_ms']} ms, "
                      f"same rows: {same}", flush=True)
            out["patterns"][pid] = runs
        out["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        return out
    finally:
        st.clear()
        st.close()


def markdown(res: dict[str, Any]) -> str:
    lines = ["| pattern | seed | backend | rows | old p50 / p95 ms | new p50 / p95 ms | old/new p50 | "
             "floor p50 ms | same rows |", "|---|---|---|---|---|---|---|---|---|"]
    for b, v in res["backends"].items():
        for pid, runs in v["patterns"].items():
            for i, r in enumerate(runs):
                lines.append(f"| {pid.split('.')[1]} | {i} | {b} | {r['rows']} | {r['old']['p50_ms']} / "
                             f"{r['old']['p95_ms']} | {r['new']['p50_ms']} / {r['new']['p95_ms']} | {r['ratio_p50']} | "
                             f"{r['floor']['p50_ms']} | {r['same_rows']} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rev", default="7c7184d", help="git revision holding the old pattern texts")
    ap.add_argument("--patterns", default=",".join(DEFAULT))
    ap.add_argument("--backends", default="falkordb,neo4j")
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--neo4j-url", default=os.environ.get("KG_BENCH_NEO4J_URL", "bolt://127.0.0.1:17687"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "patterns_compare.json"))
    args = ap.parse_args()
    pids = args.patterns.split(",")
    res: dict[str, Any] = {"rev": args.rev, "repeat": args.repeat, "when": time.strftime("%Y-%m-%d %H:%M"),
                           "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                       "platform": platform.platform()}, "backends": {}}
    out_path = Path(args.out)
    if out_path.exists():  # a run for one backend keeps the other's figures
        res["backends"] = json.loads(out_path.read_text(encoding="utf-8")).get("backends", {})
    with tempfile.TemporaryDirectory(prefix="kg-bench-compare-") as tmp:
        for b in args.backends.split(","):
            print(f"{b}: FinBench, {len(pids)} patterns, old ({args.rev}) vs new", flush=True)
            if b == "falkordb":
                res["backends"][b] = compare_backend(f"falkordb://{tmp}/graph", pids, args.rev, args.repeat)
            else:
                res["backends"][b] = compare_backend(
                    args.neo4j_url, pids, args.rev, args.repeat, user=os.environ.get("KG_NEO4J_USER", "neo4j"),
                    password=os.environ.get("KG_NEO4J_PASSWORD", "cluegraph-dev-password"))
    out_path.write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    print()
    print(markdown(res))


if __name__ == "__main__":
    main()
