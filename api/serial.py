"""JSON shapes of graph results (nodes with provenance and Chinese titles)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Mapping

from kg.model import Model
from kg.store.base import Node, Path, Rel, Subgraph


def plain(x: Any) -> Any:
    """A JSON-friendly copy of a result value."""
    if isinstance(x, Node):
        return {"id": x.id, "labels": list(x.labels), "properties": plain(dict(x.properties))}
    if isinstance(x, Rel):
        return {"id": x.id, "type": x.type, "start": x.start, "end": x.end, "properties": plain(dict(x.properties))}
    if isinstance(x, Path):
        return {"nodes": [plain(n) for n in x.nodes], "rels": [plain(r) for r in x.rels]}
    if isinstance(x, Mapping):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, set, frozenset)):
        return [plain(v) for v in x]
    if isinstance(x, (dt.date, dt.datetime)):
        return x.isoformat()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, bytes):
        return None
    return x


def node_json(n: Node, model: Model, provenance: bool = True) -> dict[str, Any]:
    """A node with its type's Chinese title and (optionally) its provenance."""
    nt = model.nodes.get(n.label)
    out: dict[str, Any] = {"id": n.id, "labels": list(n.labels), "label": n.label,
                           "label_zh": nt.title_zh if nt else n.label, "properties": plain(dict(n.properties))}
    if provenance:
        out["provenance"] = {"sources": list(n.sources), "datasets": list(n.datasets),
                             "property_sources": dict(n.property_sources)}
    return out


def rel_json(r: Rel, model: Model, provenance: bool = True) -> dict[str, Any]:
    """A relationship with its type's Chinese title and (optionally) its provenance."""
    rt = model.relationships.get(r.type)
    out: dict[str, Any] = {"id": r.id, "type": r.type, "type_zh": rt.title_zh if rt else r.type,
                           "start": r.start, "end": r.end, "properties": plain(dict(r.properties))}
    if provenance:
        out["provenance"] = {"sources": list(r.sources), "datasets": list(r.datasets),
                             "property_sources": dict(r.property_sources)}
    return out


def subgraph_json(g: Subgraph, model: Model) -> dict[str, Any]:
    """Nodes and relationships in stable id order."""
    return {"nodes": [node_json(g.nodes[k], model) for k in sorted(g.nodes)],
            "relationships": [rel_json(g.rels[k], model) for k in sorted(g.rels)],
            "counts": {"nodes": len(g.nodes), "relationships": len(g.rels)}}
