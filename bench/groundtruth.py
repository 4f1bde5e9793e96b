"""Recall and precision of the ring patterns against a generated scenario's ground truth,
on graphs ingested before (any scale; the tests do the same at demo scale).

Every pattern of :data:`kg.groundtruth.ANCHOR_ROLES` runs once with its default
parameters on each ``--graph``; its clues are scored with
:func:`kg.groundtruth.score_pattern` against ``--scenario``'s ``ground_truth/`` (recall: the
share of the model's planted rings some clue hits; precision: the share of clues that hit
one; hard-negative hits must be zero). With two graphs the clue member sets are compared
(a digest of each backend's sorted member sets). Results: ``--out`` (JSON) and a Markdown
table on stdout.

    python bench/groundtruth.py --scenario /work/scale/bench-1m \\
        --graph falkordb=falkordb:///work/scale/run1m/graph --graph neo4j=bolt://127.0.0.1:27688
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

from kg.groundtruth import ANCHOR_ROLES, load_ground_truth, score_pattern
from kg.patterns import PatternLibrary
from kg.store import open_store

ROOT = Path(__file__).resolve().parent.parent


def _digest(member_sets: list[tuple[str, ...]]) -> str:
    lines = sorted("\x1f".join(sorted(m)) for m in member_sets)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def score_graph(name: str, url: str, lib: PatternLibrary, scenario: Path, timeout: float) -> dict[str, Any]:
    rings, negatives = load_ground_truth(scenario)
    st = open_store(url)  # Neo4j credentials: KG_NEO4J_USER / KG_NEO4J_PASSWORD (kg.settings)
    out: dict[str, Any] = {"backend": st.server_version(), "load_average_before": [round(x, 2) for x in os.getloadavg()],
                           "patterns": {}}
    try:
        for pid in sorted(ANCHOR_ROLES):
            p = lib.get(pid)
            if p.backends and name not in p.backends:
                continue
            t = time.perf_counter()
            clues = p.run(st, timeout=timeout)
            seconds = time.perf_counter() - t
            members = [tuple(c.members) for c in clues]
            s = score_pattern(pid, members, rings, negatives)
            out["patterns"][pid] = {**s.as_dict(), "seconds": round(seconds, 2), "members_sha": _digest(members)}
            print(f"  {name} {pid}: {s.clues} clues, recall {s.recall:.3f} ({len(s.rings_hit)}/{s.rings}), "
                  f"precision {s.precision:.3f}, hard negatives {len(s.hard_negative_hits)}, {seconds:.1f} s",
                  flush=True)
    finally:
        st.close()
    out["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return out


def markdown(res: dict[str, Any]) -> str:
    names = list(res["backends"])
    lines = ["| pattern | rings | clues | recall | precision | hard-negative hits | "
             + " | ".join(f"{b} s" for b in names) + " | same clues |",
             "|---|---|---|---|---|---|" + "---|" * len(names) + "---|"]
    first = res["backends"][names[0]]["patterns"]
    for pid, r in first.items():
        secs = [str(res["backends"][b]["patterns"].get(pid, {}).get("seconds", "-")) for b in names]
        digests = {res["backends"][b]["patterns"].get(pid, {}).get("members_sha") for b in names}
        same = "-" if len(names) < 2 else ("yes" if len(digests) == 1 else "**no**")
        lines.append(f"| {pid} | {r['rings']} | {r['clues']} | {r['recall']} | {r['precision']} | "
                     f"{len(r['hard_negative_hits'])} | " + " | ".join(secs) + f" | {same} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", required=True, help="the generated scenario folder the graphs were ingested from")
    ap.add_argument("--graph", action="append", required=True, metavar="BACKEND=URL",
                    help="falkordb=falkordb:///DIR or neo4j=bolt://HOST:PORT (repeatable)")
    ap.add_argument("--timeout", type=float, default=600, help="per pattern, seconds")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "groundtruth.json"))
    a = ap.parse_args()
    lib = PatternLibrary.load()
    scenario = Path(a.scenario)
    manifest = json.loads((scenario / "manifest.json").read_text(encoding="utf-8"))
    res: dict[str, Any] = {"scenario": str(scenario), "people": manifest.get("people_background"),
                           "seed": manifest.get("seed"), "when": time.strftime("%Y-%m-%d %H:%M"),
                           "machine": {"python": platform.python_version(), "cpus": os.cpu_count()}, "backends": {}}
    for spec in a.graph:
        name, _, url = spec.partition("=")
        if name not in ("falkordb", "neo4j") or not url:
            raise SystemExit(f"--graph wants falkordb=URL or neo4j=URL, not {spec!r}")
        print(f"{name}: scoring {len(ANCHOR_ROLES)} patterns on {url}", flush=True)
        res["backends"][name] = score_graph(name, url, lib, scenario, a.timeout)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    print()
    print(markdown(res))


if __name__ == "__main__":
    main()
