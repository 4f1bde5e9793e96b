"""Where a FinBench TCR's time goes, per backend, old query text against new (interleaved).

Loads the FinBench example graph into each backend once, then for every TCR seed of
:func:`bench.patterns.seeds` (or the ``--only`` prefix) runs each library given (the
current ``cypher/`` and, with ``--old DIR``, the pattern files of an older checkout)
in turn, ``--repeat`` rounds, so that old and new meet the same machine load. Per run it
records the client's wall and CPU time of :meth:`Pattern.rows`, Python GC collections
that happened inside the run (count and pause per generation, via ``gc.callbacks``) and:

* FalkorDB: the server's "internal execution time" from the reply's statistics and the
  client's decode time (:meth:`CompactDecoder.decode`), both taken from the store's own
  calls (the store's methods are wrapped, nothing else changes);
* Neo4j: the server's ``result_available_after + result_consumed_after`` of the same
  (collected) query text run once more per round through the driver, and once per seed
  the PROFILE's total db hits.

The variant ``old`` (and ``nopause`` of ``--gc-compare``) reads answers without the
store's GC pause (:func:`kg.gcpause.gc_paused`), as the code before it did, so that
``--old`` compares the old queries as they ran then with the current ones.

Rows are compared between the libraries (same rows, order aside). Results go to
``bench/results/tcr_profile.json`` (``--out``); ``uptime``'s load average is recorded
before and after each backend.

    python bench/tcr_profile.py --old /tmp/tcr-old/cypher [--only finbench.tcr5] [--repeat 20]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from patterns import FINBENCH, _load, _pct, seeds  # noqa: E402

from kg.datasets import load_mapped_dataset  # noqa: E402
from kg.patterns import PatternLibrary  # noqa: E402
from kg.store import open_store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
_EXEC = re.compile(r"internal execution time: ([0-9.]+) milliseconds")


class GcWatch:
    """Count GC collections and their pause per generation while ``on``."""

    def __init__(self) -> None:
        self.on = False
        self._t = 0.0
        self.events: list[tuple[int, float]] = []
        gc.callbacks.append(self._cb)

    def _cb(self, phase: str, info: dict[str, Any]) -> None:
        if not self.on:
            return
        if phase == "start":
            self._t = time.perf_counter()
        else:
            self.events.append((info["generation"], (time.perf_counter() - self._t) * 1000))


def _canon(rows: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)


def _summ(xs: list[float]) -> dict[str, float]:
    if not xs:
        return {}
    return {"p50": round(statistics.median(xs), 2), "p95": round(_pct(xs, 0.95), 2), "max": round(max(xs), 2)}


def profile_backend(name: str, url: str, libs: dict[str, PatternLibrary], only: str, repeat: int, warmup: int,
                    **kw: Any) -> dict[str, Any]:
    st = open_store(url, **kw)
    watch = GcWatch()
    last: dict[str, float] = {}
    if name == "falkordb":
        conn = st._conn  # type: ignore[attr-defined]
        dec = st._decoder  # type: ignore[attr-defined]
        orig_exec, orig_decode = conn.execute_command, dec.decode

        def exec_cmd(*a: Any, **k: Any) -> Any:
            reply = orig_exec(*a, **k)
            if a and a[0] in ("GRAPH.RO_QUERY", "GRAPH.QUERY") and isinstance(reply, list) and reply:
                for s in reply[-1] if isinstance(reply[-1], list) else []:
                    m = _EXEC.search(str(s))
                    if m:
                        last["server_ms"] = float(m.group(1))
            return reply

        def decode(reply: Any) -> Any:
            t = time.perf_counter()
            out = orig_decode(reply)
            last["decode_ms"] = (time.perf_counter() - t) * 1000
            return out

        conn.execute_command = exec_cmd
        dec.decode = decode
    try:
        st.clear()
        st.apply_schema()
        load_mapped_dataset(st, "finbench", FINBENCH)
        out: dict[str, Any] = {"backend": st.server_version(), "load_average_before": _load(), "runs": {},
                               "python_objects": len(gc.get_objects())}
        plan = seeds()
        for pid, params_list in plan.items():
            if not pid.startswith(tuple(only.split(","))):
                continue
            for si, params in enumerate(params_list):
                key = f"{pid}#{si}"
                per: dict[str, dict[str, list[Any]]] = {
                    v: {"wall": [], "cpu": [], "server": [], "decode": [], "gc2": [], "gc_ms": []} for v in libs}
                answers: dict[str, list[str]] = {}
                hits: dict[str, Any] = {}
                pats = {v: lib.get(pid) for v, lib in libs.items()}
                for v, p in pats.items():
                    for _ in range(warmup):
                        answers[v] = _canon(p.rows(st, params))
                    if name == "neo4j":
                        hits[v] = _neo4j_hits(st, p, params)
                for _ in range(repeat):
                    for v, p in pats.items():
                        _gc_mode(v)
                        last.clear()
                        watch.events.clear()
                        watch.on = True
                        c0, t0 = time.process_time(), time.perf_counter()
                        p.rows(st, params)
                        wall = (time.perf_counter() - t0) * 1000
                        cpu = (time.process_time() - c0) * 1000
                        watch.on = False
                        r = per[v]
                        r["wall"].append(wall)
                        r["cpu"].append(cpu)
                        r["gc2"].append(sum(1 for g, _ in watch.events if g == 2))
                        r["gc_ms"].append(sum(ms for _, ms in watch.events))
                        if name == "falkordb":
                            r["server"].append(last.get("server_ms", float("nan")))
                            r["decode"].append(last.get("decode_ms", float("nan")))
                        else:
                            r["server"].append(_neo4j_server_ms(st, p, params))
                res: dict[str, Any] = {"params": params, "rows": len(next(iter(answers.values()))),
                                       "same_rows": len({tuple(a) for a in answers.values()}) == 1}
                for v, r in per.items():
                    res[v] = {"wall_ms": _summ(r["wall"]), "cpu_ms": _summ(r["cpu"]),
                              "server_ms": _summ(r["server"]), "decode_ms": _summ(r["decode"]),
                              "gc_ms": _summ(r["gc_ms"]), "gen2_collections": sum(r["gc2"]),
                              "runs_with_gc": sum(1 for x in r["gc_ms"] if x > 0)}
                    if v in hits:
                        res[v]["db_hits"] = hits[v]
                out["runs"][key] = res
                line = " | ".join(
                    f"{v}: wall {res[v]['wall_ms']['p50']}/{res[v]['wall_ms']['p95']} cpu {res[v]['cpu_ms']['p50']} "
                    f"srv {res[v]['server_ms'].get('p50')}/{res[v]['server_ms'].get('p95')}"
                    + (f" dec {res[v]['decode_ms'].get('p50')}" if res[v]["decode_ms"] else "")
                    + f" gc {res[v]['runs_with_gc']}r/{res[v]['gen2_collections']}g2/{res[v]['gc_ms'].get('max')}ms"
                    + (f" hits {res[v]['db_hits']}" if "db_hits" in res[v] else "")
                    for v in per)
                print(f"{name} {key} rows {res['rows']} same {res['same_rows']} :: {line}", flush=True)
        out["load_average_after"] = _load()
        return out
    finally:
        watch.on = False
        st.clear()
        st.close()


def _gc_mode(variant: str) -> None:
    """Variant ``nopause``: the store reads answers without :func:`kg.gcpause.gc_paused`."""
    import contextlib

    import kg.store.falkordb as kf
    import kg.store.neo4j as kn
    from kg.gcpause import gc_paused

    f = contextlib.nullcontext if variant in ("nopause", "old") else gc_paused
    kf.gc_paused = kn.gc_paused = f  # type: ignore[attr-defined,assignment]


def _neo4j_text(st: Any, p: Any, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    q = p.query_for("neo4j")
    shape = st._shapes.get(q)
    return (shape[1] if shape else q), p.bind(params)


def _neo4j_server_ms(st: Any, p: Any, params: dict[str, Any]) -> float:
    text, bound = _neo4j_text(st, p, params)
    with st._driver.session(database=st.database) as s:
        summ = s.run(text, bound).consume()
    return float((summ.result_available_after or 0) + (summ.result_consumed_after or 0))


def _neo4j_hits(st: Any, p: Any, params: dict[str, Any]) -> int:
    text, bound = _neo4j_text(st, p, params)
    with st._driver.session(database=st.database) as s:
        summ = s.run("PROFILE " + text, bound).consume()

    def total(op: Any) -> int:
        return int(op.get("dbHits", 0)) + sum(total(c) for c in op.get("children", []))

    return total(summ.profile) if summ.profile else -1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old", default="", help="a cypher/ folder of an older checkout (run as 'old')")
    ap.add_argument("--only", default="finbench.tcr", help="pattern id prefix(es), comma-separated")
    ap.add_argument("--gc-compare", action="store_true",
                    help="run the current queries read with (pause) and without (nopause) the store's GC pause")
    ap.add_argument("--backends", default="falkordb,neo4j")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--neo4j-url", default=os.environ.get("KG_BENCH_NEO4J_URL", "bolt://127.0.0.1:17687"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "tcr_profile.json"))
    args = ap.parse_args()
    libs: dict[str, PatternLibrary] = {}
    if args.old:
        from importlib.resources.readers import MultiplexedPath  # noqa: F401 - a plain Path works as Traversable
        libs["old"] = PatternLibrary.load(Path(args.old))  # type: ignore[arg-type]
    libs["new"] = PatternLibrary.load()
    if args.gc_compare:  # the same queries read with and without the GC pause, interleaved
        libs = {"nopause": libs["new"], "pause": libs["new"]}
    res: dict[str, Any] = {"when": time.strftime("%Y-%m-%d %H:%M"), "repeat": args.repeat, "only": args.only,
                           "old": args.old, "backends": {}}
    with tempfile.TemporaryDirectory(prefix="kg-tcr-profile-") as tmp:
        for b in args.backends.split(","):
            if b == "falkordb":
                res["backends"][b] = profile_backend(b, f"falkordb://{tmp}/graph", libs, args.only, args.repeat,
                                                     args.warmup)
            else:
                res["backends"][b] = profile_backend(
                    b, args.neo4j_url, libs, args.only, args.repeat, args.warmup,
                    user=os.environ.get("KG_NEO4J_USER", "neo4j"),
                    password=os.environ.get("KG_NEO4J_PASSWORD", "cluegraph-dev-password"))
    Path(args.out).write_text(json.dumps(res, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
