"""One walk over a driver's result rows, turning its graph values into ours.

Both backends return their own node, relationship and path objects, and neither
always carries the endpoint nodes of a relationship (FalkorDB gives bare ids; Neo4j
gives endpoints without properties when only the relationship was returned). The walk
is the same for both: collect the ``uid`` of every node the rows already hold, look up
in one query the uids of relationship endpoints still unknown, then convert every value
(:class:`~kg.store.base.Node`, :class:`~kg.store.base.Rel`, :class:`~kg.store.base.Path`,
lists and maps inside out, driver scalars to Python). A backend says only how to read
its objects, through the hooks of :class:`ResultAdapter`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Callable, Hashable, Iterable, Iterator, Mapping

from kg.store.base import Node, Path, Rel, plain_rows

#: what a hook reports of a value: a node, a relationship, a path or neither
NODE, REL, PATH = "node", "rel", "path"


class ResultAdapter(ABC):
    """How one driver's graph values are read (implemented by each store)."""

    @abstractmethod
    def kind_of(self, v: Any) -> str | None:
        """:data:`NODE`, :data:`REL`, :data:`PATH`, or None for anything else."""

    @abstractmethod
    def node_ref(self, n: Any) -> tuple[Hashable, str | None]:
        """The node's engine id and its ``uid`` when the object carries it."""

    @abstractmethod
    def rel_ends(self, r: Any) -> Iterator[tuple[Hashable, Any | None]]:
        """Engine id of each endpoint, with the endpoint node object when the result holds one."""

    @abstractmethod
    def path_parts(self, p: Any) -> tuple[Iterable[Any], Iterable[Any]]:
        """The path's nodes and relationships, in order."""

    @abstractmethod
    def to_node(self, n: Any) -> Node:
        """Convert a node."""

    @abstractmethod
    def to_rel(self, r: Any, uid_of: Mapping[Hashable, str]) -> Rel:
        """Convert a relationship, naming its endpoints by ``uid_of``."""

    def to_scalar(self, v: Any) -> Any:
        """Convert any other value (driver temporal types and the like)."""
        return v


def normalise_rows(adapter: ResultAdapter, rows: list[dict[str, Any]],
                   lookup_uids: Callable[[list[Any]], Iterable[tuple[Any, str]]], *,
                   check_plain: bool = True) -> list[dict[str, Any]]:
    """Rows with every graph value converted; ``lookup_uids`` answers ``(engine id, uid)``
    pairs for the endpoint ids no row carried (called at most once, only when needed).
    ``check_plain=False`` skips the walk that returns plain rows unchanged, for a caller
    that already knows the rows hold graph values."""
    if check_plain and plain_rows(rows):
        return rows  # nothing to convert: no graph values, no driver types
    uid_of: dict[Hashable, str] = {}
    ends: list[Hashable] = []

    def collect(v: Any) -> None:
        kind = adapter.kind_of(v)
        if kind == NODE:
            key, uid = adapter.node_ref(v)
            if uid is not None:
                uid_of[key] = uid
        elif kind == REL:
            for key, end in adapter.rel_ends(v):
                if end is not None:
                    collect(end)
                ends.append(key)
        elif kind == PATH:
            nodes, rels = adapter.path_parts(v)
            for x in nodes:
                collect(x)
            for x in rels:
                collect(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                collect(x)
        elif isinstance(v, dict):
            for x in v.values():
                collect(x)

    for row in rows:
        collect(list(row.values()))
    missing = sorted({k for k in ends if k not in uid_of}, key=str)
    if missing:
        for key, uid in lookup_uids(missing):
            uid_of[key] = uid

    def convert(v: Any) -> Any:
        kind = adapter.kind_of(v)
        if kind == NODE:
            return adapter.to_node(v)
        if kind == REL:
            return adapter.to_rel(v, uid_of)
        if kind == PATH:
            nodes, rels = adapter.path_parts(v)
            return Path(tuple(adapter.to_node(n) for n in nodes), tuple(adapter.to_rel(r, uid_of) for r in rels))
        if isinstance(v, list):
            return [convert(x) for x in v]
        if isinstance(v, dict):
            return {k: convert(x) for k, x in v.items()}
        return adapter.to_scalar(v)

    return [{k: convert(v) for k, v in row.items()} for row in rows]
