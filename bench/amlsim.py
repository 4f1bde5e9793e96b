"""AMLSim node-level benchmark of the generic cycle and fan-in patterns.

Loads the AMLSim samples through the record mappings (``amlsim_accounts`` /
``amlsim_transactions``: ``BankAccount.is_fraud`` from ``isFraud``; each transaction a
``TRANSFERRED_TO`` whose ``ts`` is 2017-01-01 + ``step`` days, so one step is one day
and transfers of the same step share a timestamp) into the embedded FalkorDB store,
then runs

* ``generic.circular_transfer`` on ``20K_cycle200`` (200 planted cycles),
* ``generic.fan_in`` on ``20K_fanin200`` (200 planted fan-ins),

with a few parameter settings each (windows in days of simulation steps; the fan-in
total threshold set to 0 since AMLSim amounts are small); the first setting of each is
the named ``amlsim`` parameter set (:data:`PARAM_SETS`), which is AMLSim-specific. A node is *predicted* when it
is a member of some clue; precision and recall are node-level against ``isFraud``.
Anchors to beat (published node-level figures for the samples): cycles P 0.22 / R 0.59,
fan-in P 0.145 / R 0.77.

Results go to ``bench/results/amlsim.json`` and are printed as a Markdown table.

    python bench/amlsim.py [--data /work/shared/data/amlsim] [--store-dir DIR] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from extractors.ingest import ingest
from kg.patterns import default_library
from kg.store import GraphStore, open_store

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("KG_AMLSIM_DIR", ROOT.parent / "shared" / "data" / "amlsim"))
DAY_MS = 86_400_000
ANCHORS = {"generic.circular_transfer": {"precision": 0.22, "recall": 0.59},
           "generic.fan_in": {"precision": 0.145, "recall": 0.77}}

#: Named AMLSim parameter sets (AMLSim-specific, not the patterns' defaults; also named in
#: the patterns' headers). AMLSim schedules each hop of a cycle and each sender of a
#: fan-in at a random step of the whole run (150 steps = days), splits laundering payments
#: into several transfers between the same pair, and moves tiny amounts.
PARAM_SETS: dict[str, dict[str, dict[str, Any]]] = {
    "amlsim": {
        "generic.circular_transfer": {"any_order": True, "min_split_hops": 1, "window_ms": 150 * DAY_MS},
        "generic.fan_in": {"window_ms": 150 * DAY_MS, "min_senders": 5, "min_split_senders": 1, "min_total": 0},
    },
}

#: (sample, pattern, list of parameter settings); the first setting is the headline one
RUNS: list[tuple[str, str, list[dict[str, Any]]]] = [
    ("20K_cycle200", "generic.circular_transfer", [
        PARAM_SETS["amlsim"]["generic.circular_transfer"],
        {"any_order": True, "min_split_hops": 2, "window_ms": 150 * DAY_MS},
        {"window_ms": 149 * DAY_MS},
        {"window_ms": 30 * DAY_MS},
    ]),
    ("20K_fanin200", "generic.fan_in", [
        PARAM_SETS["amlsim"]["generic.fan_in"],
        {"window_ms": 150 * DAY_MS, "min_senders": 5, "min_split_senders": 2, "min_total": 0},
        {"window_ms": 20 * DAY_MS, "min_senders": 5, "min_total": 0},
        {"window_ms": 30 * DAY_MS, "min_senders": 5, "min_total": 0},
    ]),
]


def load(store: GraphStore, sample: Path) -> dict[str, Any]:
    """Ingest one AMLSim sample (nodes.csv and transactions.csv) into an empty store."""
    t0 = time.perf_counter()
    store.clear()
    store.apply_schema()
    ingest(store, [sample / "nodes.csv", sample / "transactions.csv"], dataset=f"amlsim-{sample.name}",
           progress=False)
    counts = store.count()
    return {"seconds": round(time.perf_counter() - t0, 1), "nodes": counts["nodes"],
            "relationships": counts["relationships"]}


def fraud_uids(store: GraphStore) -> tuple[set[str], int]:
    """Uids of the accounts flagged isFraud, and the number of accounts."""
    rows = store.query("MATCH (a:BankAccount) RETURN a.uid AS uid, a.is_fraud AS f")
    return {r["uid"] for r in rows if r["f"]}, len(rows)


def evaluate(store: GraphStore, pattern_id: str, params: dict[str, Any], fraud: set[str]) -> dict[str, Any]:
    """Run one pattern and score the union of its clue members against ``fraud``."""
    pattern = default_library().get(pattern_id)
    t0 = time.perf_counter()
    clues = pattern.run(store, params, timeout=1800)
    seconds = time.perf_counter() - t0
    predicted = {m for c in clues for m in c.members}
    tp = len(predicted & fraud)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(fraud) if fraud else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"params": params, "clues": len(clues), "predicted": len(predicted), "true_positives": tp,
            "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "seconds": round(seconds, 2)}


def markdown(results: list[dict[str, Any]]) -> str:
    """One table row per run."""
    lines = ["| sample | pattern | params | clues | predicted | P | R | F1 | anchor P / R | beats anchor | s |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        a = ANCHORS[r["pattern"]]
        p = {k: (f"{v // DAY_MS}d" if k.endswith("_ms") else v) for k, v in r["params"].items()}
        lines.append(f"| {r['sample']} | {r['pattern']} | {p} | {r['clues']} | {r['predicted']} | "
                     f"{r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {a['precision']} / {a['recall']} | "
                     f"{'P' if r['precision'] > a['precision'] else '-'}{'R' if r['recall'] > a['recall'] else '-'} | "
                     f"{r['seconds']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--store-dir", default=None, help="FalkorDB directory (default: a temporary one)")
    ap.add_argument("--quick", action="store_true", help="headline parameter setting only")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "amlsim.json"))
    args = ap.parse_args(argv)
    tmp = None
    if args.store_dir is None:
        tmp = Path(tempfile.mkdtemp(prefix="kg-amlsim-"))
    base = Path(args.store_dir) if args.store_dir else tmp
    assert base is not None
    results: list[dict[str, Any]] = []
    loads: dict[str, Any] = {}
    try:
        for sample, pattern_id, settings in RUNS:
            store = open_store(f"falkordb://{base / sample}")
            try:
                loads[sample] = load(store, Path(args.data) / sample)
                fraud, accounts = fraud_uids(store)
                loads[sample].update({"accounts": accounts, "fraud_accounts": len(fraud)})
                for params in settings[:1] if args.quick else settings:
                    r = evaluate(store, pattern_id, params, fraud)
                    r.update({"sample": sample, "pattern": pattern_id})
                    results.append(r)
                    print(f"{sample} {pattern_id} {r['params']} P={r['precision']} R={r['recall']} "
                          f"({r['seconds']} s)", flush=True)
            finally:
                store.close()
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    doc = {"benchmark": "amlsim node-level precision/recall", "backend": "falkordb (embedded)",
           "data": {k: {**v, "path": str(Path(args.data) / k)} for k, v in loads.items()},
           "anchors": ANCHORS, "results": results,
           "machine": {"python": platform.python_version(), "platform": platform.platform(),
                       "cpus": os.cpu_count()},
           "time_model": "ts = 2017-01-01 + step days (amlsim_transactions mapping, clean step_datetime)"}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(markdown(results))
    return doc


if __name__ == "__main__":
    main()
