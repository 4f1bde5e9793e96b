"""JSON shapes of graph results (nodes with provenance and Chinese titles)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import orjson
from fastapi.responses import JSONResponse

from kg.jsonable import plain  # noqa: F401 - re-exported for the routers
from kg.model import Model
from kg.store.base import Node, Rel, Subgraph

#: property values that :class:`FastJSON` renders exactly as :func:`plain` would convert them
#: (orjson writes non-finite floats as ``null``, as ``plain`` does, and dates and datetimes
#: as their ``isoformat()``; tests/api/test_routes.py checks both)
_AS_IS = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime})


def props_json(props: Mapping[str, Any]) -> dict[str, Any]:
    """``plain(dict(props))``, without the copy and the walk when every value is a scalar
    (the common case): the 2-hop neighbourhood spent about a fifth of its service CPU in
    ``plain`` over node and relationship properties."""
    if type(props) is dict and all(type(v) in _AS_IS for v in props.values()):
        return props
    out: dict[str, Any] = plain(dict(props))
    return out


def node_json(n: Node, model: Model, provenance: bool = True) -> dict[str, Any]:
    """A node with its type's Chinese title and (optionally) its provenance."""
    nt = model.nodes.get(n.label)
    out: dict[str, Any] = {"id": n.id, "labels": list(n.labels), "label": n.label,
                           "label_zh": nt.title_zh if nt else n.label, "properties": props_json(n.properties)}
    if provenance:
        out["provenance"] = {"sources": list(n.sources), "datasets": list(n.datasets),
                             "property_sources": dict(n.property_sources)}
    return out


def rel_json(r: Rel, model: Model, provenance: bool = True) -> dict[str, Any]:
    """A relationship with its type's Chinese title and (optionally) its provenance."""
    rt = model.relationships.get(r.type)
    out: dict[str, Any] = {"id": r.id, "type": r.type, "type_zh": rt.title_zh if rt else r.type,
                           "start": r.start, "end": r.end, "properties": props_json(r.properties)}
    if provenance:
        out["provenance"] = {"sources": list(r.sources), "datasets": list(r.datasets),
                             "property_sources": dict(r.property_sources)}
    return out


def subgraph_json(g: Subgraph, model: Model) -> dict[str, Any]:
    """Nodes and relationships in stable id order."""
    return {"nodes": [node_json(g.nodes[k], model) for k in sorted(g.nodes)],
            "relationships": [rel_json(g.rels[k], model) for k in sorted(g.rels)],
            "counts": {"nodes": len(g.nodes), "relationships": len(g.rels)}}


class FastJSON(JSONResponse):
    """JSON rendered by orjson, returned directly by the hot routes.

    Returning a response object skips FastAPI's generic encoding of a returned dict
    (``jsonable_encoder`` / response-model validation), which took about 3.8 ms of a
    25-node neighbourhood; orjson renders it in about 0.1 ms. Callers pass JSON-ready
    values (``plain``/``node_json`` output); non-finite floats become ``null``. Given
    ``bytes``, it sends them as they are (an encoded body from the read cache).
    """

    def render(self, content: Any) -> bytes:
        if type(content) is bytes:  # already encoded (a cached body, see api.cache)
            return content
        return encode(content)


def encode(content: Any) -> bytes:
    """The bytes :class:`FastJSON` sends for ``content``."""
    return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
