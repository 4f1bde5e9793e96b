"""The production backend: a Neo4j 5 server through the official driver."""

from __future__ import annotations

import logging
from typing import Any, Mapping

from neo4j.graph import Node as NNode
from neo4j.graph import Path as NPath
from neo4j.graph import Relationship as NRel

import neo4j
from kg import __version__
from kg.errors import ConstraintViolation, DataError, QueryTimeout, StoreError, StoreUnavailable
from kg.model import ENTITY_LABEL, Model
from kg.store.base import GraphStore, Node, Rel, plain_rows, split_props
from kg.store.base import Path as KPath
from kg.store.ddl import neo4j_ddl
from neo4j import GraphDatabase, unit_of_work
from neo4j import exceptions as nx

log = logging.getLogger(__name__)


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
        self._driver = GraphDatabase.driver(uri, auth=(user, password), max_transaction_retry_time=30.0,
                                            connection_acquisition_timeout=30.0)
        try:
            self._driver.verify_connectivity()
        except (nx.ServiceUnavailable, nx.AuthError, OSError) as exc:
            self._driver.close()
            raise StoreUnavailable("Neo4j is not reachable", uri=uri, reason=type(exc).__name__) from None

    def _run(self, cypher: str, params: Mapping[str, Any], timeout: float | None, write: bool
             ) -> list[dict[str, Any]]:
        @unit_of_work(timeout=timeout if timeout is not None else self.query_timeout_s,
                      metadata={"app": "cluegraph", "version": __version__, "op": "write" if write else "read"})
        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            res = tx.run(cypher, dict(params))
            rows = [dict(rec.items()) for rec in res]
            return self._normalise(tx, rows)

        try:
            with self._driver.session(database=self.database) as s:
                return s.execute_write(work) if write else s.execute_read(work)
        except nx.ConstraintError:
            raise ConstraintViolation("write breaks a uniqueness constraint") from None
        except nx.ClientError as exc:
            code = exc.code or ""
            if "TransactionTimedOut" in code:
                raise QueryTimeout("query ran past its timeout") from None
            if "ForbiddenDueToTransactionType" in code or "AccessMode" in code or "WriteOnReadOnly" in code:
                raise DataError("write refused in a read-only query") from None
            raise StoreError("Neo4j refused the query", code=code) from None
        except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
            raise StoreUnavailable("Neo4j did not answer", reason=type(exc).__name__) from None
        except nx.DatabaseError as exc:
            raise StoreError("Neo4j failed the query", code=exc.code or "") from None

    def _read(self, cypher: str, params: Mapping[str, Any], timeout: float | None) -> list[dict[str, Any]]:
        return self._run(cypher, params, timeout, write=False)

    def _write(self, cypher: str, params: Mapping[str, Any], timeout: float | None) -> list[dict[str, Any]]:
        return self._run(cypher, params, timeout, write=True)

    # -- normalisation ----------------------------------------------------------------
    def _normalise(self, tx: neo4j.ManagedTransaction, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if plain_rows(rows):
            return rows
        uid_of: dict[str, str] = {}
        missing: set[str] = set()

        def walk(v: Any) -> None:
            if isinstance(v, NNode):
                if "uid" in v:
                    uid_of[v.element_id] = v["uid"]
            elif isinstance(v, NRel):
                for end in (v.start_node, v.end_node):
                    if end is not None and "uid" in end:
                        uid_of[end.element_id] = end["uid"]
            elif isinstance(v, NPath):
                for n in v.nodes:
                    walk(n)
            elif isinstance(v, (list, tuple)):
                for x in v:
                    walk(x)
            elif isinstance(v, dict):
                for x in v.values():
                    walk(x)

        def need(v: Any) -> None:
            if isinstance(v, NRel):
                for end in (v.start_node, v.end_node):
                    if end is not None and end.element_id not in uid_of:
                        missing.add(end.element_id)
            elif isinstance(v, (list, tuple)):
                for x in v:
                    need(x)
            elif isinstance(v, dict):
                for x in v.values():
                    need(x)

        for row in rows:
            walk(list(row.values()))
        for row in rows:
            need(list(row.values()))
        if missing:
            res = tx.run("UNWIND $ids AS i MATCH (n) WHERE elementId(n) = i RETURN i, n.uid AS u",
                         {"ids": sorted(missing)})
            for rec in res:
                uid_of[rec["i"]] = rec["u"]
        return [{k: self._value(v, uid_of) for k, v in row.items()} for row in rows]

    def _node(self, n: NNode) -> Node:
        labels = tuple(sorted(lab for lab in n.labels if lab != ENTITY_LABEL))
        raw = dict(n.items())
        props, src, ds, pv = split_props(labels, raw, self.model)
        return Node(str(raw.get("uid", f"_internal:{n.element_id}")), labels, props, src, ds, pv)

    def _rel(self, r: NRel, uid_of: Mapping[str, str]) -> Rel:
        raw = dict(r.items())
        props, src, ds, pv = split_props([r.type], raw, self.model)
        s = uid_of.get(r.start_node.element_id, "") if r.start_node is not None else ""
        e = uid_of.get(r.end_node.element_id, "") if r.end_node is not None else ""
        return Rel(str(raw.get("rid", f"_internal:{r.element_id}")), r.type, s, e, props, src, ds, pv)

    def _value(self, v: Any, uid_of: Mapping[str, str]) -> Any:
        if isinstance(v, NNode):
            return self._node(v)
        if isinstance(v, NRel):
            return self._rel(v, uid_of)
        if isinstance(v, NPath):
            return KPath(tuple(self._node(n) for n in v.nodes), tuple(self._rel(r, uid_of) for r in v.relationships))
        if isinstance(v, list):
            return [self._value(x, uid_of) for x in v]
        if isinstance(v, dict):
            return {k: self._value(x, uid_of) for k, x in v.items()}
        if hasattr(v, "to_native"):
            return v.to_native()
        return v

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

    def close(self) -> None:
        self._driver.close()
