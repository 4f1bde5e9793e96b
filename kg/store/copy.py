"""Copy a whole graph from one store to another (``kg store copy``).

The use: an investigation built on the embedded default moves to the production Neo4j
(or a Neo4j graph is taken offline into the embedded store), and a large generated graph
is ingested once and loaded into the other backend for benchmarks. The copy is
*raw*: every node's labels and stored properties (``uid``, provenance ``_src``/``_ds``,
per-property refs ``_pv_*``, temporal values in their storage form) and every
relationship's type, endpoints and stored properties are written as they are, so the
copy holds the same facts with the same provenance; :func:`extractors.ingest.graph_checksum`
of the two stores is equal (tested on both directions).

Rules:

* The target must hold no :data:`~kg.model.ENTITY_LABEL` node (a copy never merges into
  an existing graph: use ``kg ingest`` for that); its schema (constraints, indexes) is
  applied first.
* Only the graph's elements are copied (nodes labelled ``Entity`` and the relationships
  between them); bookkeeping nodes of other labels stay behind.
* The source is read in pages the engine can seek: internal id ranges on FalkorDB
  (``Node By Label and ID Scan``; relationships by the id range of their start node),
  index-ordered ``uid`` pages on Neo4j. Nothing is sorted per page, so the copy is linear
  in the graph.
* Writes go in ``UNWIND`` batches, nodes grouped by label set, relationships by type;
  a failed batch stops the copy with the error (the target then holds a partial copy:
  clear it and copy again; the source is never written).
* The target's graph generation (:meth:`GraphStore.generation`) is bumped once at the end.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kg.errors import StoreError
from kg.model import ENTITY_LABEL, NODE_ID
from kg.store.base import GraphStore

log = logging.getLogger(__name__)

_NAME_OK = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


@dataclass
class CopySummary:
    """What a copy did."""

    nodes: int = 0
    relationships: int = 0
    seconds: float = 0.0
    labels: dict[str, int] = field(default_factory=dict)
    types: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"nodes": self.nodes, "relationships": self.relationships, "seconds": round(self.seconds, 3),
                "labels": dict(sorted(self.labels.items())), "types": dict(sorted(self.types.items()))}


def _name(s: str) -> str:
    """A label or type name checked before it goes into query text (names come from the
    source graph, which is data: never interpolate anything else)."""
    if not s or not set(s) <= _NAME_OK or s[0].isdigit():
        raise StoreError(f"refusing to copy an element with the label/type name {s!r}")
    return s


def _pages(src: GraphStore, page: int, body: str) -> Iterator[list[dict[str, Any]]]:
    """The rows of ``body`` (a query continuing from ``a``, the Entity nodes of one page)
    page by page: FalkorDB pages by internal id range (``Node By Label and ID Scan``),
    Neo4j by index-ordered ``uid`` (``n.uid > $last ORDER BY n.uid LIMIT``, no sort)."""
    if src.backend == "falkordb":
        res = src._read(f"MATCH (n:{ENTITY_LABEL}) RETURN max(id(n)) AS m", {}, None)
        top = res[0]["m"] if res and res[0]["m"] is not None else -1
        for lo in range(0, top + 1, page):
            rows = src._read(f"MATCH (a:{ENTITY_LABEL}) WHERE id(a) >= $lo AND id(a) < $hi " + body,
                             {"lo": lo, "hi": lo + page}, None)
            if rows:
                yield rows
        return
    last = ""
    while True:
        starts = src._read(f"MATCH (n:{ENTITY_LABEL}) WHERE n.{NODE_ID} > $last "
                           f"RETURN n.{NODE_ID} AS uid ORDER BY n.{NODE_ID} LIMIT $page",
                           {"last": last, "page": page}, None)
        if not starts:
            return
        uids = [r["uid"] for r in starts]
        rows = src._read(f"UNWIND $uids AS u MATCH (a:{ENTITY_LABEL} {{{NODE_ID}: u}}) " + body,
                         {"uids": uids}, None)
        if rows:
            yield rows
        if len(starts) < page:
            return
        last = uids[-1]


def _node_pages(src: GraphStore, page: int) -> Iterator[list[dict[str, Any]]]:
    """Pages of ``{"labels": [...], "props": {...}}`` of every Entity node of ``src``."""
    return _pages(src, page, "RETURN labels(a) AS labels, properties(a) AS props")


def _rel_pages(src: GraphStore, page: int) -> Iterator[list[dict[str, Any]]]:
    """Pages of ``{"type", "start", "end", "props"}``: the outgoing relationships of a page
    of start nodes (relationships to or from non-Entity nodes are not part of the graph)."""
    return _pages(src, page, f"MATCH (a)-[r]->(b:{ENTITY_LABEL}) RETURN type(r) AS type, a.{NODE_ID} AS start, "
                             f"b.{NODE_ID} AS end, properties(r) AS props")


def _flush_nodes(dst: GraphStore, groups: dict[tuple[str, ...], list[dict[str, Any]]], s: CopySummary) -> None:
    for labels, rows in groups.items():
        lab = "".join(f":{_name(x)}" for x in labels)
        dst._write(f"UNWIND $rows AS row CREATE (x{lab}) SET x = row", {"rows": rows}, None)
        s.nodes += len(rows)
        for x in labels:
            if x != ENTITY_LABEL:
                s.labels[x] = s.labels.get(x, 0) + len(rows)
    groups.clear()


def _flush_rels(dst: GraphStore, groups: dict[str, list[dict[str, Any]]], s: CopySummary) -> None:
    for rtype, rows in groups.items():
        res = dst._write(f"UNWIND $rows AS row MATCH (a:{ENTITY_LABEL} {{{NODE_ID}: row.s}}) "
                         f"MATCH (b:{ENTITY_LABEL} {{{NODE_ID}: row.e}}) "
                         f"CREATE (a)-[x:{_name(rtype)}]->(b) SET x = row.p RETURN count(x) AS c",
                         {"rows": rows}, None)
        made = int(res[0]["c"]) if res else 0
        if made != len(rows):
            raise StoreError(f"copy: {len(rows) - made} of {len(rows)} {rtype} relationships lost an endpoint")
        s.relationships += made
        s.types[rtype] = s.types.get(rtype, 0) + made
    groups.clear()


def _pump(pages: Iterator[list[dict[str, Any]]], group: Callable[[dict[str, Any]], tuple[Any, Any]],
          flush: Callable[[dict[Any, list[Any]]], None], batch: int, tick: Callable[[], Any]) -> None:
    """Group the rows of ``pages`` by ``group(row) -> (key, value)``; ``flush`` a group as soon
    as it holds ``batch`` rows (one full ``UNWIND`` per query, whatever the mix of labels
    or types in a page) and every group at the end, calling ``tick`` after each flush."""
    groups: dict[Any, list[Any]] = defaultdict(list)
    for rows in pages:
        for r in rows:
            k, v = group(r)
            groups[k].append(v)
            if len(groups[k]) >= batch:
                flush({k: groups.pop(k)})
                tick()
    flush(groups)
    tick()


def copy_graph(src: GraphStore, dst: GraphStore, *, page: int = 5000, batch: int = 5000,
               progress: Callable[[str, int], None] | None = None) -> CopySummary:
    """Copy every Entity node and the relationships between them from ``src`` to the
    empty store ``dst``; returns what was written. ``progress(kind, n)`` is called after
    every written batch with the running count of ``"nodes"`` or ``"relationships"``.

    Raises :class:`~kg.errors.StoreError` when ``dst`` already holds a graph.
    """
    t0 = time.perf_counter()
    held = dst._read(f"MATCH (n:{ENTITY_LABEL}) RETURN n.{NODE_ID} AS uid LIMIT 1", {}, None)
    if held:
        raise StoreError("the target store already holds a graph; copy only into an empty store "
                         "(clear it first, or load into it with `kg ingest`)")
    dst.apply_schema()
    s = CopySummary()
    _pump(_node_pages(src, page), lambda r: (tuple(sorted(r["labels"])), r["props"]),
          lambda g: _flush_nodes(dst, g, s), batch, lambda: progress and progress("nodes", s.nodes))
    _pump(_rel_pages(src, page), lambda r: (r["type"], {"s": r["start"], "e": r["end"], "p": r["props"]}),
          lambda g: _flush_rels(dst, g, s), batch,
          lambda: progress and progress("relationships", s.relationships))
    dst._bump_generation()  # readers that cache (the API) see a new graph
    s.seconds = time.perf_counter() - t0
    log.info("copied graph nodes=%d rels=%d seconds=%.1f", s.nodes, s.relationships, s.seconds)
    return s
