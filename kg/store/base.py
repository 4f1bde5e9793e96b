"""The one graph-store interface and the result shapes every backend returns.

Backends implement four primitives (:meth:`GraphStore._read`, :meth:`_write`,
:meth:`_apply_ddl`, :meth:`close`) and a value normaliser; everything else (validated,
idempotent batched upserts with provenance, look-ups, neighbourhoods, subgraphs,
dataset deletion, export) is written once here in the Cypher both engines accept, so
the two backends give the same answer by construction and by test.
"""

from __future__ import annotations

import gc
import logging
import time
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Container, Iterable, Iterator, Mapping, Sequence

from kg.errors import ConstraintViolation, DataError, NotFound
from kg.model import DS, ENTITY_LABEL, NODE_ID, PV_PREFIX, REL_ID, SRC, Model, decode_temporal, load_model

log = logging.getLogger(__name__)

INTERNAL_PROPS = (NODE_ID, REL_ID, SRC, DS)


@dataclass(frozen=True)
class Node:
    """A node as every caller sees it, whatever the backend.

    ``id`` is the canonical ``uid``; ``labels`` leaves out the ``Entity`` marker label;
    ``properties`` holds Python values (dates as :class:`datetime.date`); provenance is
    kept apart in ``sources`` (refs), ``datasets`` and ``property_sources``.
    """

    id: str
    labels: tuple[str, ...]
    properties: Mapping[str, Any]
    sources: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    property_sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The type label (first non-marker label)."""
        return self.labels[0] if self.labels else ""


@dataclass(frozen=True)
class Rel:
    """A relationship: stable ``id`` (the ``rid``), type, endpoint uids, properties."""

    id: str
    type: str
    start: str
    end: str
    properties: Mapping[str, Any]
    sources: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    property_sources: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Path:
    """An alternating walk: ``len(nodes) == len(rels) + 1``."""

    nodes: tuple[Node, ...]
    rels: tuple[Rel, ...]


@dataclass
class Subgraph:
    """Nodes and relationships, keyed by their stable ids."""

    nodes: dict[str, Node] = field(default_factory=dict)
    rels: dict[str, Rel] = field(default_factory=dict)

    def add(self, item: Any) -> None:
        """Add a :class:`Node`, :class:`Rel` or :class:`Path` (others are ignored)."""
        if isinstance(item, Node):
            self.nodes[item.id] = item
        elif isinstance(item, Rel):
            self.rels[item.id] = item
        elif isinstance(item, Path):
            for n in item.nodes:
                self.nodes[n.id] = n
            for r in item.rels:
                self.rels[r.id] = r


@dataclass(frozen=True)
class Rejection:
    """A row refused by validation: its index in the call and the reason."""

    index: int
    reason: str


@dataclass(frozen=True)
class UpsertResult:
    """What an upsert call did."""

    written: int
    rejected: tuple[Rejection, ...] = ()
    seconds: float = 0.0


def split_props(owners: Sequence[str], raw: Mapping[str, Any], model: Model
                ) -> tuple[dict[str, Any], tuple[str, ...], tuple[str, ...], dict[str, str]]:
    """Separate user properties from provenance bookkeeping and decode types
    (what :meth:`Model.decode_properties` does, with the owners' temporal properties
    looked up once per model and owners: this runs for every node and relationship read)."""
    props: dict[str, Any] = {}
    pv: dict[str, str] = {}
    for k, v in raw.items():
        if k in _INTERNAL:
            continue
        if k.startswith(PV_PREFIX):
            pv[k[_PV_LEN:]] = v
        else:
            props[k] = v
    src = tuple(raw.get(SRC) or ())
    if src:  # a property without its own ref was set by the element's first source
        first = src[0]
        pv = {k: pv.get(k, first) for k in props}
    kinds = _temporal_kinds(owners, model)
    if kinds:
        for name, v in props.items():
            kind = kinds.get(name)
            if kind is not None and isinstance(v, (int, float)):
                props[name] = decode_temporal(kind, v)
    return props, src, tuple(raw.get(DS) or ()), pv


_INTERNAL = frozenset(INTERNAL_PROPS)
_PV_LEN = len(PV_PREFIX)
_TEMPORAL: dict[tuple[int, tuple[str, ...]], tuple[Model, dict[str, str]]] = {}


def _temporal_kinds(owners: Sequence[str], model: Model) -> dict[str, str]:
    """``{property: "date" | "datetime"}`` of the temporal properties declared on ``owners``
    (a later owner's declaration wins, as in :meth:`Model.decode_properties`)."""
    key = (id(model), tuple(owners))
    hit = _TEMPORAL.get(key)
    if hit is not None and hit[0] is model:
        return hit[1]
    kinds: dict[str, str] = {}
    for owner in owners:
        spec = model.nodes[owner].properties if owner in model.nodes else (
            model.relationships[owner].properties if owner in model.relationships else {})
        for name, p in spec.items():
            if p.type in ("date", "datetime"):
                kinds[name] = p.type
    if len(_TEMPORAL) > 4096:
        _TEMPORAL.clear()
    _TEMPORAL[key] = (model, kinds)
    return kinds


_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})


def _plain(v: Any) -> bool:
    t = type(v)
    if t in _PLAIN_TYPES:
        return True
    if t is dict:
        v = v.values()
    elif t is not list and t is not tuple:
        return False
    for x in v:
        if type(x) not in _PLAIN_TYPES and not _plain(x):
            return False
    return True


def plain_rows(rows: Sequence[Mapping[str, Any]]) -> bool:
    """True when every value of ``rows`` is a string, number, bool, null or a list/map of
    those: normalisation would return such rows unchanged, so the stores skip it (a
    pattern returning thousands of uid lists spends no time walking them three times)."""
    for row in rows:
        for v in row.values():
            if type(v) not in _PLAIN_TYPES and not _plain(v):
                return False
    return True


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a query's answer is read and decoded.

    An answer of thousands of rows allocates tens of thousands of lists and dicts (the
    wire reply, then the rows); each 700 allocations trigger a young collection, every
    tenth of those an older one, and with the rows surviving every few queries a *full*
    collection walks the whole heap (tens of ms in a process holding big data: the tail of
    the FinBench TCR p95, see docs/benchmarks.md). Paused, the answer costs one young
    collection after it is read instead of dozens. Nothing cyclic is made while reading,
    so nothing is left for later. A process that disabled GC itself keeps it disabled;
    with threads reading at the same time it may be enabled again while one still reads
    (that read just pauses less), and it is enabled once all are done."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def source_uid(source_id: str) -> str:
    """The uid of the ``Source`` node of a file (see :meth:`GraphStore.upsert_source`)."""
    return f"Source:{source_id}"


def chunked(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """Yield consecutive slices of at most ``size`` rows."""
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _merge_tail(prop_keys: Iterable[str]) -> str:
    """SET clauses after a MERGE of folded rows (see :func:`_fold`): properties,
    per-property refs, ``_src`` and ``_ds``.

    A folded row stands for several given rows of one element, applied in order:
    ``row.props`` is their properties merged (a later row wins), ``row.srcs`` their refs
    (each once, in order), ``row.last`` the last ref and ``row.pv`` the ref that last set
    each property whose setter was not ``row.last``. ``_pv__<p>`` is stored only where
    the property was last set by a source other than the element's first one
    (``_src[0]``), so a re-run of the first load writes nothing new. Separate SET
    clauses run in order on both engines.
    """
    pv = ", ".join(
        f"x.{PV_PREFIX}{k} = CASE WHEN row.props.{k} IS NULL THEN x.{PV_PREFIX}{k} "
        f"WHEN coalesce(row.pv.{k}, row.last) = x._src[0] THEN null ELSE coalesce(row.pv.{k}, row.last) END"
        for k in sorted(prop_keys))
    return ("ON CREATE SET x._src = [row.srcs[0]], x._ds = [$ds] "
            "SET x += row.props "
            + (f"SET {pv} " if pv else "")
            + "SET x._src = x._src + [s IN row.srcs WHERE NOT s IN x._src], "
            "x._ds = CASE WHEN $ds IN x._ds THEN x._ds ELSE x._ds + [$ds] END")


def _fold(rows: list[dict[str, Any]], key: Any) -> list[dict[str, Any]]:
    """Fold the rows of one element (same ``key(row)``) into one row, in first-seen order.

    Applying the folded row gives the element the same properties, refs and per-property
    refs as applying its rows one after another (see :func:`_merge_tail`): properties
    are merged with later rows winning (values are never null: ``encode_properties``
    leaves nulls out), ``srcs`` keeps each ref once in order, and ``pv`` records, for a
    property last set by a row other than the last one, that row's ref. One MERGE per
    element instead of one per given row: a busy account named by thousands of
    transfers in a chunk is written once, not in thousands of waves.
    """
    groups: dict[Any, list[dict[str, Any]]] = {}
    for r in rows:
        k = key(r)
        g = groups.get(k)
        if g is None:
            groups[k] = [r]
        else:
            g.append(r)
    folded: list[dict[str, Any]] = []
    for g in groups.values():
        first = g[0]
        f = {k: v for k, v in first.items() if k != "src"}
        if len(g) == 1:  # the common case: nothing to merge
            f["srcs"] = [first["src"]]
            f["last"] = first["src"]
            f["pv"] = {}
            folded.append(f)
            continue
        props: dict[str, Any] = {}
        setter: dict[str, str] = {}
        srcs: list[str] = []
        seen: set[str] = set()
        for r in g:
            src = r["src"]
            props.update(r["props"])
            if src not in seen:
                seen.add(src)
                srcs.append(src)
            for p in r["props"]:
                setter[p] = src
        last = g[-1]["src"]
        f.update(props=props, srcs=srcs, last=last, pv={p: s for p, s in setter.items() if s != last})
        folded.append(f)
    return folded


def _created(row: dict[str, Any]) -> dict[str, Any]:
    """The ``CREATE`` form of a folded row: properties with the per-property refs that
    differ from the element's first ref (``srcs[0]``) already filled in."""
    out = {k: v for k, v in row.items() if k not in ("pv", "last")}
    first = row["srcs"][0]
    if row["last"] == first and not row["pv"]:
        return out  # every property was set by the first ref: no per-property refs
    props = dict(row["props"])
    for p in row["props"]:
        s = row["pv"].get(p, row["last"])
        if s != first:
            props[PV_PREFIX + p] = s
    out["props"] = props
    return out


def _split_new(rows: list[dict[str, Any]], key: str, existing: set[str]
               ) -> tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]:
    """Split rows into those to CREATE and ordered waves to MERGE.

    The first row of a key not yet in the graph is created; every other row goes to a
    MERGE wave, the k-th row of a key into the k-th wave, so that one ``UNWIND`` never
    holds two rows of the same key (FalkorDB does not apply such rows in list order)
    and rows of one key land in the order they were given.
    """
    create: list[dict[str, Any]] = []
    waves: list[list[dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for r in rows:
        k = r[key]
        n = seen.get(k, 0)
        seen[k] = n + 1
        if k not in existing and n == 0:
            create.append(r)
            continue
        wave = n if k in existing else n - 1
        while len(waves) <= wave:
            waves.append([])
        waves[wave].append(r)
    return create, waves


def keep_layer(rows: Iterable[Mapping[str, Any]], kept_nodes: set[str], kept_rels: dict[str, set[str]],
               limit: int, rel_types: Container[str]) -> list[str]:
    """Keep one breadth-first layer of a neighbourhood (rows ``t``, ``rid``, ``b`` in order).

    A new neighbour ``b`` joins ``kept_nodes`` while fewer than ``limit`` are kept; the
    relationship's ``rid`` joins ``kept_rels`` under its type when the type is one of
    ``rel_types``. Returns the neighbours new in this layer (the next frontier)."""
    nxt: list[str] = []
    for row in rows:
        b = row["b"]
        if b not in kept_nodes:
            if len(kept_nodes) >= limit:
                continue
            kept_nodes.add(b)
            nxt.append(b)
        if row["rid"] is not None and row["t"] in rel_types:
            kept_rels.setdefault(row["t"], set()).add(row["rid"])
    return nxt


class GraphStore(ABC):
    """One interface over Neo4j and the embedded FalkorDB. Use :func:`kg.store.open_store`."""

    backend: str = "abstract"

    def __init__(self, model: Model | None = None, batch_size: int = 5000) -> None:
        self.model = model or load_model()
        self.batch_size = batch_size

    # -- primitives each backend implements ----------------------------------------
    @abstractmethod
    def _read(self, cypher: str, params: Mapping[str, Any], timeout: float | None) -> list[dict[str, Any]]:
        """Run a read-only query; return rows of normalised values."""

    @abstractmethod
    def _write(self, cypher: str, params: Mapping[str, Any], timeout: float | None) -> list[dict[str, Any]]:
        """Run a write query in one transaction; return rows of normalised values."""

    @abstractmethod
    def ddl(self) -> list[str]:
        """The backend's statements that create constraints and indexes for the model."""

    @abstractmethod
    def _apply_ddl(self, statements: list[str]) -> None:
        """Apply DDL statements idempotently."""

    @abstractmethod
    def write_operations(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[str]:
        """Ask the engine, without running the query, which write operations its plan has.

        An empty list means the engine plans it as read-only (Neo4j ``EXPLAIN`` query
        type ``r``; FalkorDB ``GRAPH.EXPLAIN`` with no Create/Merge/Update/Delete step).
        """

    @abstractmethod
    def server_version(self) -> str:
        """Backend name and version, e.g. ``neo4j 5.26.16``."""

    @abstractmethod
    def close(self) -> None:
        """Release connections (and stop an owned embedded server)."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------
    def apply_schema(self) -> int:
        """Create the model's constraints and indexes (idempotent). Returns how many."""
        stmts = self.ddl()
        self._apply_ddl(stmts)
        return len(stmts)

    # -- queries --------------------------------------------------------------------
    def query(self, cypher: str, params: Mapping[str, Any] | None = None, *,
              timeout: float | None = None) -> list[dict[str, Any]]:
        """Run a parameterised **read-only** query; rows of :class:`Node`/:class:`Rel`/
        :class:`Path` and Python scalars. Writes are refused by the backend."""
        return self._read(cypher, dict(params or {}), timeout)

    def execute(self, cypher: str, params: Mapping[str, Any] | None = None, *,
                timeout: float | None = None) -> list[dict[str, Any]]:
        """Run a parameterised write query in one transaction (library use only)."""
        return self._write(cypher, dict(params or {}), timeout)

    # -- validation -----------------------------------------------------------------
    def _prepare_nodes(self, label: str, rows: Sequence[Mapping[str, Any]]
                       ) -> tuple[list[dict[str, Any]], list[Rejection]]:
        self.model.node(label)
        good: list[dict[str, Any]] = []
        bad: list[Rejection] = []
        for i, row in enumerate(rows):
            try:
                uid = row.get("uid")
                if not isinstance(uid, str) or not uid.strip():
                    raise DataError("row has no uid")
                src = row.get("src")
                if not isinstance(src, str) or "#" not in src:
                    raise DataError("row has no provenance ref (src)")
                props = self.model.encode_properties(label, row.get("props") or {})
                good.append({"uid": uid, "props": props, "src": src})
            except DataError as exc:
                bad.append(Rejection(i, str(exc)))
        return good, bad

    def _prepare_rels(self, rel_type: str, rows: Sequence[Mapping[str, Any]]
                      ) -> tuple[list[dict[str, Any]], list[Rejection]]:
        self.model.rel(rel_type)
        good: list[dict[str, Any]] = []
        bad: list[Rejection] = []
        for i, row in enumerate(rows):
            try:
                start, end = row.get("start"), row.get("end")
                if not isinstance(start, str) or not isinstance(end, str) or not start or not end:
                    raise DataError("row needs start and end uids")
                src = row.get("src")
                if not isinstance(src, str) or "#" not in src:
                    raise DataError("row has no provenance ref (src)")
                rid = row.get("rid") or f"{rel_type}:{start}->{end}"
                props = self.model.encode_properties(rel_type, row.get("props") or {})
                good.append({"rid": str(rid), "start": start, "end": end, "props": props, "src": src,
                             "_i": i})
            except DataError as exc:
                bad.append(Rejection(i, str(exc)))
        return good, bad

    @staticmethod
    def _finish(bad: list[Rejection], on_error: str, what: str, n: int) -> None:
        if bad and on_error == "raise":
            first = "; ".join(f"row {r.index}: {r.reason}" for r in bad[:5])
            raise DataError(f"{len(bad)} of {n} {what} rows rejected, nothing written: {first}",
                            rejected=len(bad))

    # -- upserts --------------------------------------------------------------------
    def upsert_nodes(self, label: str, rows: Sequence[Mapping[str, Any]], *, dataset: str,
                     on_error: str = "raise") -> UpsertResult:
        """Idempotently upsert nodes of ``label`` on ``uid``, in batches of ``UNWIND $rows``.

        Uids not yet in the graph are written with ``CREATE`` (about twice as fast as
        ``MERGE`` on FalkorDB), the others with ``MERGE``; the result is the same graph.

        Each row is ``{"uid": str, "props": {...}, "src": "source#locator@extractor"}``.
        Every row is validated before anything is written: with ``on_error="raise"`` one
        bad row refuses the whole call (nothing half-written); with ``"skip"`` bad rows
        are returned in :attr:`UpsertResult.rejected` for quarantine and the rest load.
        """
        t0 = time.perf_counter()
        good, bad = self._prepare_nodes(label, rows)
        self._finish(bad, on_error, label, len(rows))
        folded = _fold(good, lambda r: r["uid"])
        existing = set(r["uid"] for r in folded) - self.missing_nodes(r["uid"] for r in folded)
        create, waves = _split_new(folded, "uid", existing)
        qc = (f"UNWIND $rows AS row CREATE (x:{ENTITY_LABEL}:{label}) "
              "SET x = row.props, x.uid = row.uid, x._src = row.srcs, x._ds = [$ds]")
        qm = (f"UNWIND $rows AS row MERGE (x:{ENTITY_LABEL}:{label} {{uid: row.uid}}) "
              + _merge_tail({k for r in good for k in r["props"]}))
        self._create_batches(qc, qm, create, self.batch_size, dataset)
        for wave in waves:
            for batch in chunked(wave, self.batch_size):
                self._write(qm, {"rows": list(batch), "ds": dataset}, None)
        dt_ = time.perf_counter() - t0
        log.info("upserted nodes label=%s rows=%d rejected=%d seconds=%.3f", label, len(good), len(bad), dt_)
        return UpsertResult(len(good), tuple(bad), dt_)

    def missing_nodes(self, uids: Iterable[str]) -> set[str]:
        """The uids among ``uids`` that are not in the graph (only those travel back)."""
        wanted = sorted(set(uids))
        missing: set[str] = set()
        for batch in chunked(wanted, 20000):
            rows = self._read(f"UNWIND $uids AS u OPTIONAL MATCH (n:{ENTITY_LABEL} {{uid: u}}) "
                              "WITH u, n WHERE n IS NULL RETURN u", {"uids": list(batch)}, None)
            missing.update(r["u"] for r in rows)
        return missing

    #: how many CREATE batches may be in flight at once (the backend overlaps the
    #: client's encoding of one batch with the server's execution of another)
    create_parallelism = 1

    def _create_batches(self, qc: str, qm: str, rows: list[dict[str, Any]], size: int, dataset: str) -> None:
        """Write new elements with ``qc`` (CREATE); on a uniqueness clash (a concurrent
        writer got there first) the batch is written with ``qm`` (MERGE) instead."""

        def one(batch: Sequence[dict[str, Any]]) -> None:
            try:
                self._write(qc, {"rows": [_created(r) for r in batch], "ds": dataset}, None)
            except ConstraintViolation:
                self._write(qm, {"rows": list(batch), "ds": dataset}, None)

        batches = list(chunked(rows, size))
        if self.create_parallelism > 1 and len(batches) > 1:
            with ThreadPoolExecutor(self.create_parallelism) as pool:
                for _ in pool.map(one, batches):
                    pass
        else:
            for b in batches:
                one(b)

    def existing_rels(self, rel_type: str, rids: Iterable[str]) -> set[str]:
        """The rids among ``rids`` that already exist for ``rel_type``."""
        wanted = sorted(set(rids))
        found: set[str] = set()
        for batch in chunked(wanted, 20000):
            rows = self._read(f"UNWIND $rids AS r MATCH ()-[x:{rel_type} {{rid: r}}]->() RETURN x.rid AS rid",
                              {"rids": list(batch)}, None)
            found.update(r["rid"] for r in rows)
        return found

    def upsert_relationships(self, rel_type: str, rows: Sequence[Mapping[str, Any]], *, dataset: str,
                             on_error: str = "raise", per_row: bool = False) -> UpsertResult:
        """Idempotently MERGE relationships of ``rel_type`` on ``rid`` between existing nodes.

        Each row is ``{"rid": str | None, "start": uid, "end": uid, "props": {...}, "src": ref}``;
        ``rid`` defaults to ``TYPE:start->end``. Rows whose endpoints are not in the
        graph are rejected like malformed rows (before anything is written).
        ``per_row=True`` sends one transaction per row (benchmark baseline only).
        """
        t0 = time.perf_counter()
        good, bad = self._prepare_rels(rel_type, rows)
        missing = self.missing_nodes([r["start"] for r in good] + [r["end"] for r in good])
        if missing:
            kept = []
            for r in good:
                if r["start"] in missing or r["end"] in missing:
                    bad.append(Rejection(r["_i"], "endpoint node not in the graph"))
                else:
                    kept.append(r)
            good = kept
        bad.sort(key=lambda r: r.index)
        self._finish(bad, on_error, rel_type, len(rows))
        for r in good:
            del r["_i"]
        # rows of one rid are folded only when their endpoints agree too (a rid given
        # twice with other endpoints stays two MERGEs, as before)
        folded = _fold(good, lambda r: (r["rid"], r["start"], r["end"]))
        match = (f"UNWIND $rows AS row MATCH (a:{ENTITY_LABEL} {{uid: row.start}}) "
                 f"MATCH (b:{ENTITY_LABEL} {{uid: row.end}}) ")
        size = 1 if per_row else self.batch_size
        existing = self.existing_rels(rel_type, [r["rid"] for r in folded])
        create, waves = _split_new(folded, "rid", existing)
        qc = match + (f"CREATE (a)-[x:{rel_type}]->(b) "
                      "SET x = row.props, x.rid = row.rid, x._src = row.srcs, x._ds = [$ds]")
        qm = match + f"MERGE (a)-[x:{rel_type} {{rid: row.rid}}]->(b) " + _merge_tail(
            {k for r in good for k in r["props"]})
        self._create_batches(qc, qm, create, size, dataset)
        for wave in waves:
            for batch in chunked(wave, size):
                self._write(qm, {"rows": list(batch), "ds": dataset}, None)
        dt_ = time.perf_counter() - t0
        log.info("upserted rels type=%s rows=%d rejected=%d seconds=%.3f", rel_type, len(good), len(bad), dt_)
        return UpsertResult(len(good), tuple(bad), dt_)

    def upsert_source(self, source_id: str, uri: str, sha256: str, kind: str, *, dataset: str,
                      rows: int | None = None) -> None:
        """Record a :class:`kg.statement.Source` as a ``Source`` node (the provenance anchor)."""
        self.upsert_nodes("Source", [{
            "uid": source_uid(source_id), "src": f"{source_id}#file@kg",
            "props": {"source_id": source_id, "uri": uri, "sha256": sha256, "kind": kind, "rows": rows},
        }], dataset=dataset)

    # -- reads ----------------------------------------------------------------------
    def get_node(self, uid: str) -> Node:
        """The node with canonical id ``uid``; :class:`NotFound` if absent."""
        rows = self._read(f"MATCH (n:{ENTITY_LABEL} {{uid: $uid}}) RETURN n", {"uid": uid}, None)
        if not rows:
            raise NotFound("no node with that id")
        return rows[0]["n"]

    def get_rel(self, rid: str, rel_type: str) -> Rel:
        """The relationship of ``rel_type`` with stable id ``rid``."""
        self.model.rel(rel_type)
        rows = self._read(f"MATCH ()-[r:{rel_type} {{rid: $rid}}]->() RETURN r", {"rid": rid}, None)
        if not rows:
            raise NotFound("no relationship with that id")
        return rows[0]["r"]

    def degree(self, uids: Iterable[str]) -> dict[str, int]:
        """Number of relationships (both directions) of each node."""
        rows = self._read(f"UNWIND $uids AS u MATCH (n:{ENTITY_LABEL} {{uid: u}}) "
                          "OPTIONAL MATCH (n)-[r]-() RETURN u, count(r) AS d", {"uids": list(uids)}, None)
        return {r["u"]: int(r["d"]) for r in rows}

    def neighbourhood(self, uid: str, depth: int = 1, *, max_degree: int = 200,
                      limit: int = 2000) -> Subgraph:
        """The ``depth``-hop neighbourhood of ``uid``, breadth first.

        Hubs (nodes with more than ``max_degree`` relationships) are included but not
        expanded further; at most ``limit`` nodes are returned. Deterministic: neighbours
        are taken in uid order. Each layer is one query that counts the frontier's
        degrees and reads light rows (type, rid, far uid) of the nodes it expands; the kept
        nodes and relationships are then fetched whole in one ``UNION ALL`` query (nodes
        first, so the backends learn every endpoint's uid from the same result). Depth 2
        is three round trips whatever the number of relationship types.
        """
        kept_nodes: set[str] = {uid}
        kept_rels: dict[str, set[str]] = {}
        frontier = [uid]
        for _ in range(depth):
            rows = self._read(
                f"UNWIND $uids AS u MATCH (a:{ENTITY_LABEL} {{uid: u}}) "
                "OPTIONAL MATCH (a)-[r0]-() WITH a, u, count(r0) AS d WHERE d <= $max_degree OR u = $root "
                f"MATCH (a)-[r]-(b:{ENTITY_LABEL}) "
                "RETURN type(r) AS t, r.rid AS rid, b.uid AS b ORDER BY b, t, rid LIMIT $cap",
                {"uids": sorted(frontier), "max_degree": max_degree, "root": uid, "cap": limit * 4}, None)
            frontier = keep_layer(rows, kept_nodes, kept_rels, limit, self.model.relationships)
            if not frontier:
                break
        parts = [f"UNWIND $uids AS u MATCH (n:{ENTITY_LABEL} {{uid: u}}) RETURN n AS x"]
        params: dict[str, Any] = {"uids": sorted(kept_nodes)}
        for i, rtype in enumerate(sorted(kept_rels)):
            parts.append(f"UNWIND $r{i} AS k MATCH ()-[r:{rtype} {{rid: k}}]->() RETURN r AS x")
            params[f"r{i}"] = sorted(kept_rels[rtype])
        rows = self._read(" UNION ALL ".join(parts), params, None)
        g = Subgraph()
        for row in rows:
            if isinstance(row["x"], Node):
                g.add(row["x"])
        if uid not in g.nodes:
            raise NotFound("no node with that id")
        for row in rows:
            r = row["x"]
            if isinstance(r, Rel) and r.start in g.nodes and r.end in g.nodes:
                g.add(r)
        return g

    def subgraph(self, uids: Iterable[str], *, known: Subgraph | None = None) -> Subgraph:
        """The nodes ``uids`` and every relationship among them.

        Relationships are found per start node as light rows (type, rid, far end) and
        filtered here, then fetched by their indexed ``rid``: a list-membership test
        inside the query is slow on FalkorDB for hundreds of ids. Elements already in
        ``known`` (e.g. a neighbourhood just read) are not fetched again.
        """
        ids = sorted(set(uids))
        g = Subgraph()
        if not ids:
            return g
        have = known or Subgraph()
        for u in ids:
            if u in have.nodes:
                g.add(have.nodes[u])
        missing = [u for u in ids if u not in have.nodes]
        if missing:
            for row in self._read(f"UNWIND $uids AS u MATCH (n:{ENTITY_LABEL} {{uid: u}}) RETURN n",
                                  {"uids": missing}, None):
                g.add(row["n"])
        wanted = set(g.nodes)
        known_rels = {(r.type, r.id): r for r in have.rels.values()}
        light = self._read(f"UNWIND $uids AS u MATCH (a:{ENTITY_LABEL} {{uid: u}})-[r]->(b:{ENTITY_LABEL}) "
                           "RETURN type(r) AS t, r.rid AS rid, b.uid AS b", {"uids": sorted(wanted)}, None)
        by_type: dict[str, set[str]] = {}
        for row in light:
            if row["b"] in wanted and row["rid"] is not None:
                kr = known_rels.get((row["t"], row["rid"]))
                if kr is not None:
                    g.add(kr)
                elif row["t"] in self.model.relationships:
                    by_type.setdefault(row["t"], set()).add(row["rid"])
        for rtype in sorted(by_type):
            for row in self._read(f"UNWIND $rids AS x MATCH ()-[r:{rtype} {{rid: x}}]->() RETURN r",
                                  {"rids": sorted(by_type[rtype])}, None):
                r = row["r"]
                if r.start in wanted and r.end in wanted:
                    g.add(r)
        return g

    def count(self) -> dict[str, Any]:
        """Node and relationship counts, in total and by label / type."""
        by_label: dict[str, int] = {}
        for label in self.model.nodes:
            res = self._read(f"MATCH (n:{label}) RETURN count(n) AS c", {}, None)
            n = res[0]["c"] if res else 0
            if n:
                by_label[label] = int(n)
        by_type: dict[str, int] = {}
        for rt in self.model.relationships:
            res = self._read(f"MATCH ()-[r:{rt}]->() RETURN count(r) AS c", {}, None)
            n = res[0]["c"] if res else 0
            if n:
                by_type[rt] = int(n)
        return {"nodes": sum(by_label.values()), "relationships": sum(by_type.values()),
                "labels": by_label, "types": by_type}

    def delete_dataset(self, dataset: str) -> dict[str, int]:
        """Remove ``dataset`` from every element; delete elements left with no dataset.

        Returns how many relationships and nodes were deleted outright.
        """
        rels = 0
        for rt in sorted(self.model.relationships):
            res = self._write(f"MATCH ()-[r:{rt}]->() WHERE $ds IN r._ds AND size(r._ds) = 1 "
                              "DELETE r RETURN count(*) AS c", {"ds": dataset}, None)
            rels += int(res[0]["c"]) if res else 0
            self._write(f"MATCH ()-[r:{rt}]->() WHERE $ds IN r._ds "
                        "SET r._ds = [d IN r._ds WHERE d <> $ds]", {"ds": dataset}, None)
        res = self._write(f"MATCH (n:{ENTITY_LABEL}) WHERE $ds IN n._ds AND size(n._ds) = 1 "
                          "DETACH DELETE n RETURN count(*) AS c", {"ds": dataset}, None)
        nodes = int(res[0]["c"]) if res else 0
        self._write(f"MATCH (n:{ENTITY_LABEL}) WHERE $ds IN n._ds SET n._ds = [d IN n._ds WHERE d <> $ds]",
                    {"ds": dataset}, None)
        log.info("deleted dataset nodes=%d rels=%d", nodes, rels)
        return {"nodes": nodes, "relationships": rels}

    def clear(self) -> None:
        """Delete every node and relationship (tests and re-initialisation)."""
        while True:
            res = self._write("MATCH (n) WITH n LIMIT 50000 DETACH DELETE n RETURN count(*) AS c", {}, None)
            if not res or int(res[0]["c"]) == 0:
                break

    def export(self, page: int = 10000) -> Iterator[Node | Rel]:
        """Stream every node, then every relationship, in stable id order."""
        last = ""
        while True:
            rows = self._read(f"MATCH (n:{ENTITY_LABEL}) WHERE n.uid > $last RETURN n ORDER BY n.uid LIMIT $page",
                              {"last": last, "page": page}, None)
            for row in rows:
                yield row["n"]
            if len(rows) < page:
                break
            last = rows[-1]["n"].id
        for rt in sorted(self.model.relationships):
            last = ""
            while True:
                rows = self._read(f"MATCH ()-[r:{rt}]->() WHERE r.rid > $last RETURN r ORDER BY r.rid LIMIT $page",
                                  {"last": last, "page": page}, None)
                for row in rows:
                    yield row["r"]
                if len(rows) < page:
                    break
                last = rows[-1]["r"].id
