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

With ``--decode REV`` the pattern text is the current one on both sides and what differs
is the store's result-reading code: the store classes of commit ``REV`` (loaded by
``bench/oldstore.py``) against the current ones, on the same graph and server,
alternately; wall time and client CPU time (``time.process_time``) of each call, and
the floor through both. Results go to ``bench/results/patterns_decode.json``.

    python bench/patterns_compare.py [--rev 7c7184d] [--backends falkordb,neo4j] [--repeat 15]
    python bench/patterns_compare.py --decode e0f8700 [--repeat 15]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
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


def _timed(fn: Any) -> tuple[float, float, Any]:
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    return (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000, out


@contextlib.contextmanager
def _finbench_store(url: str, **kw: Any) -> Iterator[tuple[Any, dict[str, Any]]]:
    """A store holding the FinBench example graph and the result record of one backend's
    run (load average before; after, on leaving); the graph is cleared on the way out."""
    st = open_store(url, **kw)
    try:
        st.clear()
        st.apply_schema()
        load_mapped_dataset(st, "finbench", FINBENCH)
        out: dict[str, Any] = {"backend": st.server_version(),
                               "load_average_before": [round(x, 2) for x in os.getloadavg()], "patterns": {}}
        yield st, out
        out["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        st.clear()
        st.close()


def decode_backend(url: str, pids: list[str], rev: str, repeat: int, **kw: Any) -> dict[str, Any]:
    """Same pattern text, the store of ``rev`` against the current store, interleaved."""
    from oldstore import old_store

    lib = PatternLibrary.load()
    plan = seeds()
    with _finbench_store(url, **kw) as (st, out):
        old = old_store(rev, url, **kw)
        for pid in pids:
            pat = lib.get(pid)
            runs = []
            for params in plan[pid]:
                rows_new = pat.rows(st, params, timeout=300)
                rows_old = pat.rows(old, params, timeout=300)
                same = rows_new == rows_old
                fl_q, fl_p = _floor_query(rows_new)
                acc: dict[str, dict[str, list[float]]] = {
                    k: {"wall": [], "cpu": []} for k in ("old", "new", "floor_old", "floor_new")}
                for _ in range(repeat):
                    for name, fn in (("old", lambda p=pat, a=params: p.rows(old, a, timeout=300)),
                                     ("new", lambda p=pat, a=params: p.rows(st, a, timeout=300)),
                                     ("floor_old", lambda q=fl_q, a=fl_p: old.query(q, a) if q else []),
                                     ("floor_new", lambda q=fl_q, a=fl_p: st.query(q, a) if q else [])):
                        w, c, _ = _timed(fn)
                        acc[name]["wall"].append(w)
                        acc[name]["cpu"].append(c)
                r: dict[str, Any] = {"params": params, "rows": len(rows_new), "same_rows": same,
                                     "load_average": [round(x, 2) for x in os.getloadavg()]}
                for name, v in acc.items():
                    r[name] = {**_stats(v["wall"]), "cpu_p50_ms": round(statistics.median(v["cpu"]), 2)}
                r["ratio_p50"] = round(r["old"]["p50_ms"] / max(r["new"]["p50_ms"], 1e-6), 2)
                r["cpu_ratio_p50"] = round(r["old"]["cpu_p50_ms"] / max(r["new"]["cpu_p50_ms"], 1e-6), 2)
                runs.append(r)
                print(f"  {st.backend} {pid} {list(params.values())} rows {r['rows']}: "
                      f"old p50/p95 {r['old']['p50_ms']}/{r['old']['p95_ms']} ms cpu {r['old']['cpu_p50_ms']}, "
                      f"new p50/p95 {r['new']['p50_ms']}/{r['new']['p95_ms']} ms cpu {r['new']['cpu_p50_ms']}; "
                      f"floor old/new p50 {r['floor_old']['p50_ms']}/{r['floor_new']['p50_ms']} ms "
                      f"(cpu {r['floor_old']['cpu_p50_ms']}/{r['floor_new']['cpu_p50_ms']}); same rows: {same}; "
                      f"load {r['load_average']}", flush=True)
            out["patterns"][pid] = runs
        old.close()
    return out


def _floor_query(rows: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    if not rows:
        return "", {}
    q = "UNWIND range(1, $n) AS i RETURN " + ", ".join(f"$row.{c} AS {c}" for c in rows[0])
    return q, {"n": len(rows), "row": rows[0]}


def markdown_decode(res: dict[str, Any]) -> str:
    lines = ["| pattern | seed | backend | rows | old p50 / p95 ms (cpu) | new p50 / p95 ms (cpu) | old/new p50 "
             "(cpu) | floor old → new p50 ms (cpu) | same rows | load |", "|---|---|---|---|---|---|---|---|---|---|"]
    for b, v in res["backends"].items():
        for pid, runs in v["patterns"].items():
            for i, r in enumerate(runs):
                o, n, fo, fn = r["old"], r["new"], r["floor_old"], r["floor_new"]
                lines.append(f"| {pid.split('.')[1]} | {i} | {b} | {r['rows']} | {o['p50_ms']} / {o['p95_ms']} "
                             f"({o['cpu_p50_ms']}) | {n['p50_ms']} / {n['p95_ms']} ({n['cpu_p50_ms']}) | "
                             f"{r['ratio_p50']} ({r['cpu_ratio_p50']}) | {fo['p50_ms']} ({fo['cpu_p50_ms']}) → "
                             f"{fn['p50_ms']} ({fn['cpu_p50_ms']}) | {r['same_rows']} | {r['load_average'][0]} |")
    return "\n".join(lines)


def compare_backend(url: str, pids: list[str], rev: str, repeat: int, **kw: Any) -> dict[str, Any]:
    lib = PatternLibrary.load()
    plan = seeds()
    with _finbench_store(url, **kw) as (st, out):
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
    return out


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
    ap.add_argument("--decode", metavar="REV", help="compare the store's result decoding at REV with the current")
    ap.add_argument("--neo4j-url", default=os.environ.get("KG_BENCH_NEO4J_URL", "bolt://127.0.0.1:17687"))
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    if args.out is None:
        args.out = str(ROOT / "bench" / "results" / ("patterns_decode.json" if args.decode else
                                                     "patterns_compare.json"))
    pids = args.patterns.split(",")
    res: dict[str, Any] = {"rev": args.decode or args.rev, "mode": "decode" if args.decode else "text", "repeat": args.repeat, "when": time.strftime("%Y-%m-%d %H:%M"),
                           "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                       "platform": platform.platform()}, "backends": {}}
    out_path = Path(args.out)
    if out_path.exists():  # a run for one backend keeps the other's figures
        res["backends"] = json.loads(out_path.read_text(encoding="utf-8")).get("backends", {})
    with tempfile.TemporaryDirectory(prefix="kg-bench-compare-") as tmp:
        for b in args.backends.split(","):
            fn, rev = (decode_backend, args.decode) if args.decode else (compare_backend, args.rev)
            print(f"{b}: FinBench, {len(pids)} patterns, old ({rev}) vs new "
                  f"({'store decoding' if args.decode else 'pattern text'})", flush=True)
            if b == "falkordb":
                res["backends"][b] = fn(f"falkordb://{tmp}/graph", pids, rev, args.repeat)
            else:
                res["backends"][b] = fn(
                    args.neo4j_url, pids, rev, args.repeat, user=os.environ.get("KG_NEO4J_USER", "neo4j"),
                    password=os.environ.get("KG_NEO4J_PASSWORD", "cluegraph-dev-password"))
    out_path.write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    print()
    print(markdown_decode(res) if args.decode else markdown(res))


if __name__ == "__main__":
    main()
