"""The production backend: a Neo4j 5 server through the official driver."""

from __future__ import annotations

import logging
import re
from typing import Any, Iterator, Mapping

from neo4j.graph import Node as NNode
from neo4j.graph import Path as NPath
from neo4j.graph import Relationship as NRel

import neo4j
from kg import __version__
from kg.errors import ConstraintViolation, DataError, QueryTimeout, StoreError, StoreUnavailable
from kg.gcpause import gc_paused
from kg.model import ENTITY_LABEL, Model
from kg.store.base import GraphStore, Node, Rel, split_props
from kg.store.ddl import neo4j_ddl
from kg.store.normalise import NODE, PATH, REL, ResultAdapter, normalise_rows
from neo4j import GraphDatabase, unit_of_work
from neo4j import exceptions as nx

log = logging.getLogger(__name__)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_MAX_SHAPES = 2048
_KINDS: dict[type, str | None] = {}  # value type -> NODE / REL / PATH / None (see _Neo4jAdapter.kind_of)


def _collected(cypher: str, keys: tuple[str, ...]) -> str | None:
    """``cypher`` as a subquery whose rows come back as one list (None if it cannot be).

    The driver reads every record as its own Bolt message (two socket reads and a few
    dozen Python calls each), so an answer of thousands of rows cost ~20 us a row in the
    client; collected into one value it is one message, unpacked by the driver's Rust
    extension. Needs plain column names (a subquery's RETURN items are variables)."""
    if not keys or len(set(keys)) != len(keys) or not all(_NAME.match(k) for k in keys):
        return None
    cols = ", ".join(f"`{k}`" for k in keys)
    return f"CALL () {{\n{cypher}\n}}\nRETURN collect([{cols}]) AS `__kg_rows`"


class _Neo4jAdapter(ResultAdapter):
    """How the driver's Node, Relationship and Path read (endpoints may lack properties)."""

    def __init__(self, model: Model) -> None:
        self.model = model

    def kind_of(self, v: Any) -> str | None:
        t = type(v)
        try:
            return _KINDS[t]
        except KeyError:  # the driver makes a Relationship subclass per type: learn each once
            kind = NODE if isinstance(v, NNode) else REL if isinstance(v, NRel) else PATH if isinstance(v, NPath) else None
            _KINDS[t] = kind
            return kind

    def node_ref(self, n: NNode) -> tuple[str, str | None]:
        return n.element_id, n.get("uid")

    def rel_ends(self, r: NRel) -> Iterator[tuple[str, NNode | None]]:
        for end in (r.start_node, r.end_node):
            if end is not None:
                yield end.element_id, end

    def path_parts(self, p: NPath) -> tuple[tuple[NNode, ...], tuple[NRel, ...]]:
        return p.nodes, p.relationships

    def to_node(self, n: NNode) -> Node:
        labels = tuple(sorted(lab for lab in n.labels if lab != ENTITY_LABEL))
        raw = dict(n.items())
        props, src, ds, pv = split_props(labels, raw, self.model)
        return Node(str(raw.get("uid", f"_internal:{n.element_id}")), labels, props, src, ds, pv)

    def to_rel(self, r: NRel, uid_of: Mapping[Any, str]) -> Rel:
        raw = dict(r.items())
        props, src, ds, pv = split_props([r.type], raw, self.model)
        s = uid_of.get(r.start_node.element_id, "") if r.start_node is not None else ""
        e = uid_of.get(r.end_node.element_id, "") if r.end_node is not None else ""
        return Rel(str(raw.get("rid", f"_internal:{r.element_id}")), r.type, s, e, props, src, ds, pv)

    def to_scalar(self, v: Any) -> Any:
        return v.to_native() if hasattr(v, "to_native") else v


class Neo4jStore(GraphStore):
    """Graph store on a Neo4j server (5.26 LTS), managed transactions throughout.

    Every transaction names the database, carries metadata (``app``, ``version``,
    ``op``) and a timeout; the driver's managed transactions retry transient errors.
    """

    backend = "neo4j"

    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j", *,
                 model: Model | None = None, batch_size: int = 5000, query_timeout_s: float = 60.0) -> None:
        super().__init__(model, batch_size)
        self.database = database
        self.query_timeout_s = query_timeout_s
        #: read query text -> (columns, the text collecting its rows), None when it cannot be;
        #: learnt on a query's first run (see :func:`_collected`)
        self._shapes: dict[str, tuple[tuple[str, ...], str] | None] = {}
        self._driver = GraphDatabase.driver(uri, auth=(user, password), max_transaction_retry_time=30.0,
                                            connection_acquisition_timeout=30.0)
        try:
            self._driver.verify_connectivity()
        except (nx.ServiceUnavailable, nx.AuthError, OSError) as exc:
            self._driver.close()
            raise StoreUnavailable("Neo4j is not reachable", uri=uri, reason=type(exc).__name__) from None

    def _run(self, cypher: str, params: Mapping[str, Any], timeout: float | None, write: bool
             ) -> list[dict[str, Any]]:
        shape = None if write else self._shapes.get(cypher)

        @unit_of_work(timeout=timeout if timeout is not None else self.query_timeout_s,
                      metadata={"app": "cluegraph", "version": __version__, "op": "write" if write else "read"})
        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            with gc_paused():  # see gc_paused: the answer's rows are thousands of containers
                return read(tx)

        def read(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            if shape is not None:
                keys, text = shape
                rec = tx.run(text, dict(params)).single(strict=True)
                rows = [dict(zip(keys, v, strict=True)) for v in rec[0]]
            else:
                res = tx.run(cypher, dict(params))
                keys = tuple(res.keys())
                rows = [dict(zip(keys, rec, strict=True)) for rec in res]
                if not write:
                    self._learn(cypher, keys)
            return self._normalise(tx, rows)

        try:
            with self._driver.session(database=self.database) as s:
                return s.execute_write(work) if write else s.execute_read(work)
        except nx.ConstraintError:
            raise ConstraintViolation("write breaks a uniqueness constraint") from None
        except nx.ClientError as exc:
            code = exc.code or ""
            if shape is not None and "SyntaxError" in code:
                # the text ran plain but not as a subquery: read it plainly from now on
                log.warning("read query cannot be collected as a subquery (%s); reading it row by row", code)
                self._shapes[cypher] = None
                return self._run(cypher, params, timeout, write)
            if "TransactionTimedOut" in code:
                raise QueryTimeout("query ran past its timeout") from None
            if "ForbiddenDueToTransactionType" in code or "AccessMode" in code or "WriteOnReadOnly" in code:
                raise DataError("write refused in a read-only query") from None
            raise StoreError("Neo4j refused the query", code=code) from None
        except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
            raise StoreUnavailable("Neo4j did not answer", reason=type(exc).__name__) from None
        except nx.DatabaseError as exc:
            raise StoreError("Neo4j failed the query", code=exc.code or "") from None

    def _learn(self, cypher: str, keys: tuple[str, ...]) -> None:
        """Remember the columns of a read query that ran, to collect its rows next time."""
        if cypher in self._shapes:
            return
        if len(self._shapes) >= _MAX_SHAPES:
            self._shapes.clear()
        text = _collected(cypher, keys)
        self._shapes[cypher] = (keys, text) if text else None

    def _read(self, cypher: str, params: Mapping[str, Any], timeout: float | None) -> list[dict[str, Any]]:
        return self._run(cypher, params, timeout, write=False)

    def _write(self, cypher: str, params: Mapping[str, Any], timeout: float | None) -> list[dict[str, Any]]:
        return self._run(cypher, params, timeout, write=True)

    # -- normalisation ----------------------------------------------------------------
    def _normalise(self, tx: neo4j.ManagedTransaction, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        def lookup(ids: list[Any]) -> list[tuple[str, str]]:
            res = tx.run("UNWIND $ids AS i MATCH (n) WHERE elementId(n) = i RETURN i, n.uid AS u", {"ids": ids})
            return [(rec["i"], rec["u"]) for rec in res]

        return normalise_rows(_Neo4jAdapter(self.model), rows, lookup)

    # -- schema ---------------------------------------------------------------------
    def ddl(self) -> list[str]:
        """See :func:`kg.store.ddl.neo4j_ddl`."""
        return neo4j_ddl(self.model)

    def _apply_ddl(self, statements: list[str]) -> None:
        with self._driver.session(database=self.database) as s:
            for st in statements:
                s.run(st).consume()
            s.run("CALL db.awaitIndexes(300)").consume()

    def write_operations(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[str]:
        """Neo4j's ``EXPLAIN`` verdict: ``[]`` for query type ``r``, else the type (``w``, ``rw``, ``s``)."""
        try:
            with self._driver.session(database=self.database) as s:
                summary = s.run("EXPLAIN " + cypher, dict(params or {})).consume()
        except nx.ClientError as exc:
            raise StoreError("Neo4j could not plan the query", code=exc.code or "") from None
        return [] if summary.query_type == "r" else [str(summary.query_type)]

    def server_version(self) -> str:
        recs, _, _ = self._driver.execute_query(
            "CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS v, edition",
            database_=self.database, routing_=neo4j.RoutingControl.READ)
        r = recs[0]
        return f"neo4j {r['v']} {r['edition']}"

    def clear(self) -> None:
        """Delete every node and relationship in batches; constraints and indexes stay."""
        with self._driver.session(database=self.database) as s:
            s.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS").consume()
            s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        self._notify_write()  # the meta node went too (see GraphStore.clear)

    def close(self) -> None:
        self._driver.close()
