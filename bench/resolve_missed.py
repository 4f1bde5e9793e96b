"""Diagnostic for issue 5: the true Person/Company pairs entity resolution missed, by cause.

Generates (or reuses) a scenario, ingests it into an embedded FalkorDB, resolves, and
groups each missed pair (two graph nodes of one true identity left in different
clusters) by the kinds of the two nodes (strong key, row mention, unverified ID, masked
document name, document ID fragment, clean document name) and, for masked document
names, by whether the document holds an identifier attached to that name. Ground truth
is read here only, never by the resolver.

    python bench/resolve_missed.py [--scale demo] [--people N] [--examples 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def kind_of(uid: str) -> str:
    from kg.resolve.judgements import is_strong_uid
    from kg.resolve.matching import is_masked

    if is_strong_uid(uid):
        return "strong"
    parts = uid.split(":")
    if parts[1] == "doc":
        rest = ":".join(parts[3:])
        if rest.startswith("id:"):
            return "doc_id_fragment"
        if rest.startswith("of:"):
            return "doc_other"
        return "doc_masked_name" if is_masked(rest) else "doc_name"
    if parts[1] in ("mention", "unverified", "name"):
        return parts[1]
    return "other"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", default="demo")
    p.add_argument("--people", type=int, default=None)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--examples", type=int, default=3)
    p.add_argument("--work", default=None, help="keep scenario and graph here (default: a temporary folder)")
    p.add_argument("--dump", default=None, help="write every missed pair (uid, uid, cause) to this TSV file")
    a = p.parse_args(argv)
    from extractors.ingest import ingest
    from kg.resolve.resolver import _truth_index, _truth_of, load_entities, resolve
    from kg.store import open_store
    from kg.synth import SCALES, generate, generate_config

    with tempfile.TemporaryDirectory(prefix="kg-resolve-missed-") as tmp:
        work = Path(a.work or tmp)
        out = work / f"scenario_{a.scale}"
        if not out.exists():
            if a.people is None:
                generate(a.scale, a.seed, out)
            else:
                cfg = dataclasses.replace(SCALES["demo"], name=a.scale, people=a.people,
                                          shard_size=min(a.people, 20000))
                generate_config(cfg, a.seed, out)
        with open_store(f"falkordb://{work / ('graph_' + a.scale)}") as st:
            st.clear()
            ingest(st, [out], dataset=a.scale, progress=False)
            jl = work / f"judgements_{a.scale}.jsonl"
            jl.unlink(missing_ok=True)
            res = resolve(st, jl)
            canon = res.canonical
            ents = {e.uid: e for e in load_entities(st)}
            strong, idx = _truth_index(out)
            report: dict = {}
            dump: list[str] = []
            for label in ("Person", "Company"):
                truth = {}
                for row in st.query(f"MATCH (n:{label}) RETURN n"):
                    t = _truth_of(row["n"], label, strong, idx)
                    if t is not None:
                        truth[row["n"].id] = t
                groups: dict[str, list[str]] = defaultdict(list)
                for uid, t in truth.items():
                    groups[t].append(uid)
                causes: Counter[str] = Counter()
                examples: dict[str, list] = defaultdict(list)
                for uids in groups.values():
                    uids.sort()
                    for i in range(len(uids)):
                        for j in range(i + 1, len(uids)):
                            x, y = uids[i], uids[j]
                            if canon.get(x, x) == canon.get(y, y):
                                continue
                            kx, ky = sorted((kind_of(x), kind_of(y)))
                            cause = f"{kx}+{ky}"
                            causes[cause] += 1
                            dump.append(f"{x}\t{y}\t{cause}")
                            if len(examples[cause]) < a.examples:
                                ex, ey = ents.get(x), ents.get(y)
                                examples[cause].append({
                                    "a": x, "b": y,
                                    "a_facts": _facts(ex), "b_facts": _facts(ey)})
                report[label] = {"missed_pairs": sum(causes.values()), "by_cause": dict(causes.most_common()),
                                 "examples": examples}
            if a.dump:
                Path(a.dump).write_text("".join(d + "\n" for d in sorted(dump)), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


def _facts(e) -> dict:  # noqa: ANN001
    if e is None:
        return {}
    return {k: (sorted(v) if isinstance(v, frozenset) else v) for k, v in dataclasses.asdict(e).items()
            if v and k not in ("uid", "label")}


if __name__ == "__main__":
    sys.exit(main())
