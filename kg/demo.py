"""The README's main job: a whole investigation on generated data, end to end.

1. generate the ``demo`` scenario (agency records, case documents, planted rings and
   ground truth) with :func:`kg.synth.generate`;
2. ingest records and documents into the store (extraction, identifier merges,
   quarantine) with :func:`extractors.ingest.ingest`, then resolve entities
   (:func:`kg.resolve.resolver.resolve`, judgements in ``judgements.jsonl``);
3. run every pattern of the library that needs no parameter without a default;
4. rank the clues per pattern and check them against the planted rings;
5. freeze the top clue as a signed evidence bundle (with its offline graph view).

Optionally (``finbench=True``) the LDBC FinBench example graph is loaded as well.
"""

from __future__ import annotations

import json
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg import __version__
from kg.errors import PatternError
from kg.groundtruth import clue_keys, load_ground_truth
from kg.jsonable import jsonable
from kg.patterns import Clue, PatternLibrary
from kg.store.base import GraphStore

Progress = Callable[[str], None]


def _ring_matches(clues: list[Clue], rings: list[Any]) -> dict[str, list[str]]:
    """Clue id -> ids of planted rings of the clue's model that share a member with it."""
    out: dict[str, list[str]] = {}
    for c in clues:
        members = clue_keys(c.members)
        out[c.id] = sorted(r.instance_id for r in rings if r.model == c.rule_id and r.uids() & members)
    return out


def run_demo(store: GraphStore, out_dir: str | Path, *, seed: int = 1, scale: str = "demo",
             finbench: bool = False, progress: Progress | None = None) -> dict[str, Any]:
    """Run the main job into ``out_dir``; return a summary (also written as ``summary.json``)."""
    from extractors.ingest import ingest
    from kg.bundle import export_clue
    from kg.synth import generate

    say = progress or (lambda _msg: None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    timings: dict[str, float] = {}

    say(f"generating the {scale} scenario (seed {seed})")
    scenario = out / "scenario"
    gen = generate(scale, seed, scenario)
    timings["generate"] = time.perf_counter() - t0

    say("ingesting records and documents")
    t = time.perf_counter()
    store.apply_schema()
    quarantine = out / "quarantine.jsonl"
    quarantine.unlink(missing_ok=True)
    summary_ingest = ingest(store, [scenario], dataset="demo", quarantine_file=quarantine,
                            checkpoint_dir=out / "checkpoints", progress=False)
    ing = jsonable(summary_ingest.as_dict())
    say("resolving entities")
    from kg.resolve.matching import MatchSettings
    from kg.resolve.resolver import resolve

    judgements = out / "judgements.jsonl"
    judgements.unlink(missing_ok=True)
    resolution = resolve(store, judgements, settings=MatchSettings.from_settings()).as_dict()
    if finbench:
        from kg.datasets import finbench_dir, load_mapped_dataset

        say("loading the FinBench example graph")
        load_mapped_dataset(store, "finbench", finbench_dir(), quarantine_file=quarantine)
    timings["ingest"] = time.perf_counter() - t

    say("running the pattern library")
    t = time.perf_counter()
    rings, _negatives = load_ground_truth(scenario)
    library = PatternLibrary.load()
    per_pattern: list[dict[str, Any]] = []
    all_clues: list[Clue] = []
    skipped: list[str] = []
    for pattern in library:
        try:
            clues = pattern.run(store)
        except PatternError:
            skipped.append(pattern.id)  # needs parameters without defaults (e.g. a FinBench seed)
            continue
        matches = _ring_matches(clues, rings)
        model_rings = sorted(r.instance_id for r in rings if r.model == pattern.id)
        found = sorted({rid for c in clues for rid in matches[c.id]})
        per_pattern.append({"pattern": pattern.id, "title_zh": pattern.title_zh, "title_en": pattern.title_en,
                            "clues": len(clues), "planted_rings": len(model_rings), "rings_found": found})
        all_clues.extend(clues)
        say(f"{pattern.id}: {len(clues)} clues")
    timings["patterns"] = time.perf_counter() - t

    matches = _ring_matches(all_clues, rings)
    with open(out / "clues.jsonl", "w", encoding="utf-8") as fh:
        for c in all_clues:
            fh.write(json.dumps({**jsonable(c.as_dict()), "ground_truth_rings": matches[c.id]},
                                ensure_ascii=False, sort_keys=True) + "\n")

    bundle_path = view_path = None
    top = _top_clue(all_clues, matches)
    if top is not None:
        say(f"bundling the top clue ({top.rule_id})")
        t = time.perf_counter()
        bundle_path = out / "top_clue_bundle.zip"
        export_clue(store, bundle_path, top, library=library, created_by="kg demo")
        view_path = out / "top_clue_view.html"
        with zipfile.ZipFile(bundle_path) as z:
            view_path.write_bytes(z.read("view.html"))
        timings["bundle"] = time.perf_counter() - t

    summary = {
        "tool": f"cluegraph {__version__}", "backend": store.server_version(), "scale": scale, "seed": seed,
        "generated": {"rings": gen.get("rings_total"), "hard_negatives": gen.get("hard_negatives"),
                      "documents": gen.get("documents")},
        "ingest": ing, "resolution": resolution, "graph": store.count(), "patterns": per_pattern, "patterns_needing_parameters": skipped,
        "clues": len(all_clues), "top_clue": jsonable(top.as_dict()) if top else None,
        "top_clue_rings": matches.get(top.id, []) if top else [],
        "outputs": {"scenario": str(scenario), "clues": str(out / "clues.jsonl"),
                    "bundle": str(bundle_path) if bundle_path else None,
                    "view": str(view_path) if view_path else None,
                    "quarantine": str(quarantine) if quarantine.exists() else None,
                    "judgements": str(judgements)},
        "seconds": {k: round(v, 2) for k, v in {**timings, "total": time.perf_counter() - t0}.items()},
    }
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True),
                                      encoding="utf-8")
    return summary


FLAGSHIP = "loans.broker_insider_ring"


def _top_clue(clues: list[Clue], matches: dict[str, list[str]]) -> Clue | None:
    """The clue to bundle. Scores are comparable only within one pattern, so: the best
    clue of the flagship model (black intermediary + bank insider) if it found one, else
    the best clue of the first supervision model (not a generic money pattern or a
    FinBench read) that matches a planted ring, else the best clue overall."""
    if not clues:
        return None

    def best(cs: list[Clue]) -> Clue:
        return max(cs, key=lambda c: (float(c.score or 0), c.id))

    flagship = [c for c in clues if c.rule_id == FLAGSHIP]
    if flagship:
        return best(flagship)
    supervision = sorted({c.rule_id for c in clues if c.rule_id.split(".", 1)[0] not in ("generic", "finbench")
                          and matches.get(c.id)})
    if supervision:
        return best([c for c in clues if c.rule_id == supervision[0]])
    return best(clues)
