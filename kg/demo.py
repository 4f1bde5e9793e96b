"""The README's main job (foundation stage): load the FinBench example graph into the
store, run the demo queries under ``cypher/demo``, write clues and a subgraph export.

Later issues grow this into the full investigation (synthetic scenario, extraction,
resolution, the pattern library, signed evidence bundles).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any, Callable

import yaml

from kg import __version__
from kg.datasets import finbench_dir, load_mapped_dataset
from kg.errors import PatternError
from kg.store.base import GraphStore, Node, Rel


def read_query_file(text: str) -> tuple[dict[str, Any], str]:
    """Split a ``.cypher`` file into its YAML header (``// ---`` block) and the query."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "// ---":
        raise PatternError("query file must start with a '// ---' header")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "// ---")
    except StopIteration:
        raise PatternError("query header is not closed with '// ---'") from None
    meta = yaml.safe_load("\n".join(ln.strip()[3:] if ln.strip().startswith("// ") else ln.strip()[2:]
                                    for ln in lines[1:end])) or {}
    return meta, "\n".join(lines[end + 1:]).strip()


def demo_queries() -> list[tuple[dict[str, Any], str]]:
    """The packaged demo queries, in file-name order."""
    folder = resources.files("cypher") / "demo"
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".cypher"):
            out.append(read_query_file(entry.read_text(encoding="utf-8")))
    return out


def _jsonable(x: Any) -> Any:
    if isinstance(x, (Node, Rel)):
        return _jsonable(asdict(x))
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if hasattr(x, "isoformat"):
        return x.isoformat()
    return x


def run_demo(store: GraphStore, out_dir: str | Path, *, data_dir: str | Path | None = None,
             progress: Callable[[str, int], None] | None = None) -> dict[str, Any]:
    """Load FinBench, run the demo queries, write ``clues.jsonl``, a subgraph export and a summary."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    store.apply_schema()
    load = load_mapped_dataset(store, "finbench", data_dir or finbench_dir(),
                               quarantine_file=out / "quarantine.jsonl", progress=progress)
    clues: list[dict[str, Any]] = []
    for meta, cypher in demo_queries():
        params = {k: v["default"] for k, v in (meta.get("params") or {}).items()}
        rows = store.query(cypher, params)
        for rank, row in enumerate(rows, start=1):
            clues.append({"rule": meta["id"], "title": meta["title"], "rank": rank, "params": params,
                          "row": _jsonable(row), "members": row.get("members", [])})
        if progress:
            progress(meta["id"], len(rows))
    with open(out / "clues.jsonl", "w", encoding="utf-8") as fh:
        for c in clues:
            fh.write(json.dumps(c, ensure_ascii=False, sort_keys=True) + "\n")
    export_path = None
    if clues:
        top = clues[0]
        g = store.subgraph(top["members"])
        sources = sorted({ref.split("#", 1)[0] for n in g.nodes.values() for ref in n.sources}
                         | {ref.split("#", 1)[0] for r in g.rels.values() for ref in r.sources})
        src_hashes = {}
        for sid in sources:
            rows = store.query("MATCH (s:Source {source_id: $sid}) RETURN s.sha256 AS h", {"sid": sid})
            src_hashes[sid] = rows[0]["h"] if rows else None
        body = {"rule": top["rule"], "params": top["params"], "backend": store.server_version(),
                "tool": f"cluegraph {__version__}",
                "nodes": [_jsonable(n) for n in sorted(g.nodes.values(), key=lambda n: n.id)],
                "relationships": [_jsonable(r) for r in sorted(g.rels.values(), key=lambda r: r.id)],
                "source_sha256": src_hashes}
        data = json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
        export_path = out / "top_clue_subgraph.json"
        export_path.write_bytes(data)
        (out / "top_clue_subgraph.json.sha256").write_text(hashlib.sha256(data).hexdigest() + "\n")
    summary = {"load": load.as_dict(), "clues": len(clues),
               "clues_by_rule": {m["id"]: sum(1 for c in clues if c["rule"] == m["id"]) for m, _ in demo_queries()},
               "graph": store.count(), "backend": store.server_version(),
               "outputs": {"clues": str(out / "clues.jsonl"), "subgraph": str(export_path) if export_path else None,
                           "quarantine": str(out / "quarantine.jsonl") if load.quarantined else None},
               "seconds": round(time.perf_counter() - t0, 2)}
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True),
                                      encoding="utf-8")
    return summary
