"""A tight decoder of FalkorDB's compact result set (``GRAPH.QUERY ... --compact``).

falkordb-py parses the compact reply cell by cell through a dispatch table, wraps every
row in its ``QueryResult`` and the store then walked the rows once more to see whether
they held graph values. For answers of thousands of rows that Python work was most of
the client's time (the engine needs a fraction of it). This module reads the same reply
(as ``redis``/``hiredis`` hand it over: nested lists of ``[type, value]`` cells) in one
pass, builds the row dicts directly and reports whether any node, relationship or path
was met, so that plain answers (strings, numbers, lists and maps of them) need no
further walk.

Values equal what falkordb-py's parser returns, except that maps are plain ``dict``
(the store normalised them to that anyway) and nodes, edges and paths are the light
:class:`CNode`, :class:`CEdge`, :class:`CPath` below (the store converts them to
:class:`~kg.store.base.Node` etc. through its result adapter). Label, relationship type
and property-key ids are resolved through lists cached per graph and re-read (by the
``refresh`` callback) when an id is not yet known, as falkordb-py does.

Wire format (FalkorDB 4.x, ``--compact``): the reply is ``[header, rows, stats]`` (or
``[stats]`` for a query without a result set); ``header`` is ``[[column type, name], ...]``;
each row is a list of cells ``[type, value]`` with type ids 1 null, 2 string, 3 integer,
4 boolean (``"true"``/``"false"``), 5 double (as a string), 6 array (of cells), 7 edge
``[id, type id, src id, dst id, props]``, 8 node ``[id, [label ids], props]``, 9 path
``[array cell of nodes, array cell of edges]``, 10 map (flat ``[key, cell, key, cell, ...]``),
11 point ``[lat, lon]`` (strings), 12 vecf32 (strings), 13 datetime, 14 date, 15 time
(epoch seconds), 16 duration (seconds); ``props`` is ``[[key id, type, value], ...]``.
"""

from __future__ import annotations

import sys
import threading
from datetime import UTC, datetime
from typing import Any, Callable

from redis.exceptions import ResponseError

# the type ids of compact cells
_NULL, _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _ARRAY, _EDGE, _NODE, _PATH, _MAP, _POINT, _VECF32 = range(1, 13)
_DATETIME, _DATE, _TIME, _DURATION = 13, 14, 15, 16


class CNode:
    """A node as read from the reply: engine id, label names, properties."""

    __slots__ = ("id", "labels", "properties")

    def __init__(self, node_id: int, labels: list[str], properties: dict[str, Any]) -> None:
        self.id = node_id
        self.labels = labels
        self.properties = properties

    def __repr__(self) -> str:
        return f"CNode({self.id}, {self.labels})"


class CEdge:
    """A relationship as read from the reply: endpoints are bare engine ids."""

    __slots__ = ("id", "relation", "src", "dst", "properties")

    def __init__(self, edge_id: int, relation: str, src: int, dst: int, properties: dict[str, Any]) -> None:
        self.id = edge_id
        self.relation = relation
        self.src = src
        self.dst = dst
        self.properties = properties

    def __repr__(self) -> str:
        return f"CEdge({self.id}, {self.relation}, {self.src}->{self.dst})"


class CPath:
    """A path: its nodes and edges in order."""

    __slots__ = ("nodes", "edges")

    def __init__(self, nodes: list[CNode], edges: list[CEdge]) -> None:
        self.nodes = nodes
        self.edges = edges


def _duration(v: int) -> Any:
    from dateutil.relativedelta import relativedelta  # as falkordb-py returns durations
    return relativedelta(datetime.fromtimestamp(v, tz=UTC), datetime(1970, 1, 1, tzinfo=UTC))


class CompactDecoder:
    """Decode compact replies of one graph; holds that graph's id -> name lists.

    ``refresh(kind)`` must return the current names of ``"labels"``,
    ``"relationshipTypes"`` or ``"propertyKeys"`` in id order (``CALL db.labels()``
    etc.); it is called only when a reply holds an id the cached list does not have.
    """

    def __init__(self, refresh: Callable[[str], list[str]]) -> None:
        self._refresh = refresh
        self._local = threading.local()  # per thread (the store may be shared): met a graph value?
        self.labels: list[str] = []
        self.rel_types: list[str] = []
        self.prop_keys: list[str] = []

    def reset(self) -> None:
        """Forget the cached names (the graph was deleted and may reuse ids)."""
        self.labels, self.rel_types, self.prop_keys = [], [], []

    # -- id resolution (cold path) ---------------------------------------------------
    def _name(self, kind: str, idx: int) -> str:
        cache = {"labels": self.labels, "relationshipTypes": self.rel_types, "propertyKeys": self.prop_keys}[kind]
        if idx >= len(cache):
            names = self._refresh(kind)
            if kind == "labels":
                self.labels = cache = names
            elif kind == "relationshipTypes":
                self.rel_types = cache = names
            else:
                self.prop_keys = cache = names
        return cache[idx]

    def _props(self, props: list[list[Any]]) -> dict[str, Any]:
        keys = self.prop_keys
        out: dict[str, Any] = {}
        cell = self._cell
        for p in props:
            k = p[0]
            name = keys[k] if k < len(keys) else self._name("propertyKeys", k)
            keys = self.prop_keys
            t = p[1]
            out[name] = p[2] if t == _STRING or t == _INTEGER else cell((t, p[2]))
        return out

    def _node(self, v: list[Any]) -> CNode:
        labels = self.labels
        names = [labels[i] if i < len(labels) else self._name("labels", i) for i in v[1]]
        return CNode(v[0], [n for n in names if n], self._props(v[2]))

    def _edge(self, v: list[Any]) -> CEdge:
        types = self.rel_types
        t = v[1]
        rel = types[t] if t < len(types) else self._name("relationshipTypes", t)
        return CEdge(v[0], rel, v[2], v[3], self._props(v[4]))

    # -- values ----------------------------------------------------------------------
    def _cell(self, c: Any) -> Any:
        """One ``[type, value]`` cell (notes, per thread, when it is or holds a graph value)."""
        t, v = c
        if t == _STRING or t == _INTEGER:
            return v
        if t == _NULL:
            return None
        if t == _ARRAY:
            cell = self._cell
            return [x[1] if x[0] == _STRING or x[0] == _INTEGER else cell(x) for x in v]
        if t == _DOUBLE:
            return float(v)
        if t == _BOOLEAN:
            return v == "true"
        if t == _NODE:
            self._local.graph = True
            return self._node(v)
        if t == _EDGE:
            self._local.graph = True
            return self._edge(v)
        if t == _MAP:
            cell = self._cell
            return {v[i]: cell(v[i + 1]) for i in range(0, len(v), 2)}
        if t == _PATH:
            self._local.graph = True
            return CPath(self._cell(v[0]), self._cell(v[1]))
        if t == _POINT:
            return {"latitude": float(v[0]), "longitude": float(v[1])}
        if t == _VECF32:
            return [float(x) for x in v]
        if t == _DATETIME:
            return datetime.fromtimestamp(v, tz=UTC)
        if t == _DATE:
            return datetime.fromtimestamp(v, tz=UTC).date()
        if t == _TIME:
            return datetime.fromtimestamp(v, tz=UTC).time()
        if t == _DURATION:
            return _duration(v)
        sys.stderr.write("Unknown type\n")  # what falkordb-py does with type 0
        return None

    def decode(self, reply: list[Any]) -> tuple[list[dict[str, Any]], bool]:
        """The rows of ``reply`` as dicts, and whether any value is or holds a graph value.

        Raises the server's error when the reply carries one (a run-time error)."""
        if reply and isinstance(reply[-1], ResponseError):
            raise reply[-1]
        if len(reply) < 3 or not reply[0]:
            return [], False
        names = [h[1] for h in reply[0]]
        self._local.graph = False
        cell = self._cell
        rows: list[dict[str, Any]] = []
        append = rows.append
        if len(names) == 1:
            (k,) = names
            for row in reply[1]:
                (c,) = row
                t = c[0]
                append({k: c[1] if t == _STRING or t == _INTEGER else cell(c)})
        else:
            for row in reply[1]:
                append({k: c[1] if c[0] == _STRING or c[0] == _INTEGER else cell(c)
                        for k, c in zip(names, row, strict=True)})
        return rows, self._local.graph


__all__ = ["CEdge", "CNode", "CPath", "CompactDecoder"]
