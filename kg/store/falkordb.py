"""The embedded default backend: FalkorDB in a server this package starts and owns."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Iterator, Mapping

import redis
from falkordb import FalkorDB
from falkordb.helpers import stringify_param_value

from kg.errors import ConstraintViolation, DataError, QueryTimeout, StoreError, StoreUnavailable
from kg.gcpause import gc_paused
from kg.model import ENTITY_LABEL, Model
from kg.store.base import GraphStore, Node, Rel, split_props
from kg.store.ddl import falkordb_ddl
from kg.store.embedded import EmbeddedServer
from kg.store.falkordb_compact import CEdge, CNode, CompactDecoder, CPath
from kg.store.normalise import NODE, PATH, REL, ResultAdapter, normalise_rows

log = logging.getLogger(__name__)
_WRITE_OPS = re.compile(r"\b(Create|Merge|Update|Delete)\b")


class _FalkorAdapter(ResultAdapter):
    """How the compact decoder's nodes, edges and paths read (edge endpoints are bare ids)."""

    def __init__(self, model: Model) -> None:
        self.model = model

    def kind_of(self, v: Any) -> str | None:
        t = type(v)
        return NODE if t is CNode else REL if t is CEdge else PATH if t is CPath else None

    def node_ref(self, n: CNode) -> tuple[int, str | None]:
        return n.id, n.properties.get("uid")

    def rel_ends(self, r: CEdge) -> Iterator[tuple[int, None]]:
        yield r.src, None
        yield r.dst, None

    def path_parts(self, p: CPath) -> tuple[list[CNode], list[CEdge]]:
        return p.nodes, p.edges

    def to_node(self, n: CNode) -> Node:
        labels = tuple(lab for lab in n.labels if lab != ENTITY_LABEL)
        props, src, ds, pv = split_props(labels, n.properties, self.model)
        return Node(str(n.properties.get("uid", f"_internal:{n.id}")), labels, props, src, ds, pv)

    def to_rel(self, e: CEdge, uid_of: Mapping[Any, str]) -> Rel:
        props, src, ds, pv = split_props([e.relation], e.properties, self.model)
        return Rel(str(e.properties.get("rid", f"_internal:{e.id}")), e.relation,
                   uid_of.get(e.src, f"_internal:{e.src}"), uid_of.get(e.dst, f"_internal:{e.dst}"),
                   props, src, ds, pv)


def _params_header(params: Mapping[str, Any]) -> str:
    """The ``CYPHER name=value ...`` prefix carrying the parameters (falkordb-py's quoting)."""
    if not params:
        return ""
    parts = ["CYPHER"]
    for k, v in params.items():
        if not k or "`" in k:
            raise DataError("invalid query parameter name", name=str(k)[:40])
        parts.append(f"`{k}`={stringify_param_value(v)}")
    return " ".join(parts) + " "


class FalkorDBStore(GraphStore):
    """Graph store on the embedded FalkorDB server of ``data_dir``.

    Parameters
    ----------
    data_dir:
        Where the server keeps its append-only file, socket, pid and lock.
    graph:
        The graph (key) name inside the server.
    keep_server:
        Leave a server this store started running after :meth:`close` (``kg store start``).
    """

    backend = "falkordb"
    create_parallelism = 2

    def __init__(self, data_dir: str | Path, graph: str = "cluegraph", *, model: Model | None = None,
                 batch_size: int = 5000, keep_server: bool = False, start_timeout: float = 20.0,
                 query_timeout_s: float = 60.0) -> None:
        super().__init__(model, batch_size)
        self.server = EmbeddedServer(data_dir, start_timeout=start_timeout)
        self.graph_name = graph
        self.keep_server = keep_server
        self.query_timeout_s = query_timeout_s
        self._connect()

    def _connect(self) -> None:
        self.server.ensure()
        self._db = FalkorDB(unix_socket_path=str(self.server.sock))
        self._g = self._db.select_graph(self.graph_name)
        self._conn = self._db.connection
        self._decoder = CompactDecoder(self._schema_names)
        if not self._graph_exists():
            # a graph key exists only once written to; create it (with the model's schema)
            # so that read-only queries are checked as such even on a new store
            self.apply_schema()

    # -- primitives -----------------------------------------------------------------
    def _run(self, cypher: str, params: Mapping[str, Any], timeout: float | None, read_only: bool
             ) -> list[dict[str, Any]]:
        ms = int(1000 * (timeout if timeout is not None else self.query_timeout_s))
        for attempt in (1, 2):
            try:
                rows, graph = self._query(cypher, params, ms, read_only)
                break
            except (redis.ConnectionError, ConnectionError, OSError) as exc:
                if attempt == 2:
                    raise StoreUnavailable("embedded FalkorDB did not answer", reason=type(exc).__name__) from exc
                log.warning("embedded FalkorDB connection lost; recovering")
                self._connect()
            except redis.ResponseError as exc:
                msg = str(exc)
                if read_only and "empty key" in msg:
                    return []  # the graph does not exist yet: an empty graph answers nothing
                if "timed out" in msg.lower():
                    raise QueryTimeout("query ran past its timeout", timeout_ms=ms) from None
                if "unique constraint" in msg.lower():
                    raise ConstraintViolation("write breaks a uniqueness constraint") from None
                if read_only and ("is to be executed only on read-only" in msg or "graph.RO_QUERY" in msg
                                  or "read-only" in msg.lower()):
                    raise DataError("write refused in a read-only query") from None
                raise StoreError("FalkorDB refused the query", reason=msg[:200]) from None
        if not graph:
            return rows
        with gc_paused():
            return self._normalise(rows)

    def _query(self, cypher: str, params: Mapping[str, Any], timeout_ms: int, read_only: bool
               ) -> tuple[list[dict[str, Any]], bool]:
        """Send one query in the compact format and decode the reply (see
        :mod:`kg.store.falkordb_compact`): the rows, and whether they hold graph values."""
        with gc_paused():  # the reply and its rows are thousands of containers: no GC pass while reading them
            reply = self._conn.execute_command("GRAPH.RO_QUERY" if read_only else "GRAPH.QUERY", self.graph_name,
                                               _params_header(params) + cypher, "--compact", "timeout", timeout_ms)
            return self._decoder.decode(reply)

    def _schema_names(self, kind: str) -> list[str]:
        """Label, relationship-type or property-key names in id order (for the decoder)."""
        field = {"labels": "label", "relationshipTypes": "relationshipType", "propertyKeys": "propertyKey"}[kind]
        reply = self._conn.execute_command("GRAPH.RO_QUERY", self.graph_name,
                                           f"CALL db.{kind}() YIELD {field} RETURN {field}", "--compact")
        return [r[0][1] for r in reply[1]] if len(reply) >= 3 else []

    def _read(self, cypher: str, params: Mapping[str, Any], timeout: float | None) -> list[dict[str, Any]]:
        return self._run(cypher, params, timeout, read_only=True)

    def _write(self, cypher: str, params: Mapping[str, Any], timeout: float | None) -> list[dict[str, Any]]:
        return self._run(cypher, params, timeout, read_only=False)

    # -- normalisation ----------------------------------------------------------------
    def _normalise(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        def lookup(ids: list[Any]) -> list[tuple[int, str]]:
            res, _ = self._query("UNWIND $ids AS i MATCH (n) WHERE id(n) = i RETURN i, n.uid AS u", {"ids": ids},
                                 int(1000 * self.query_timeout_s), True)
            return [(r["i"], r["u"]) for r in res]

        return normalise_rows(_FalkorAdapter(self.model), rows, lookup, check_plain=False)

    # -- schema ---------------------------------------------------------------------
    def ddl(self) -> list[str]:
        """See :func:`kg.store.ddl.falkordb_ddl`."""
        return falkordb_ddl(self.model)

    def _existing_schema(self) -> set[str]:
        have: set[str] = set()
        for label, props, etype in self._g.ro_query(
                "CALL db.indexes() YIELD label, properties, entitytype RETURN label, properties, entitytype"
        ).result_set:
            for prop in props:
                have.add(f"index {etype} {label} {prop}")
        for _type, label, props, etype in self._g.ro_query(
                "CALL db.constraints() YIELD type, label, properties, entitytype "
                "RETURN type, label, properties, entitytype").result_set:
            have.add(f"constraint {etype} {label} {' '.join(props)}")
        return have

    @staticmethod
    def _schema_key(st: str) -> str:
        """Identify a DDL statement the way ``db.indexes()``/``db.constraints()`` report it."""
        words = st.split()
        if st.startswith("GRAPH.CONSTRAINT"):
            return f"constraint {words[4]} {words[5]} {words[-1]}"
        m = re.search(r"FOR \(\w+:(\w+)\) ON \(\w+\.(\w+)\)", st)
        if m:
            return f"index NODE {m.group(1)} {m.group(2)}"
        m = re.search(r"\[\w+:(\w+)\]-\(\) ON \(\w+\.(\w+)\)", st)
        if not m:
            raise StoreError("unrecognised DDL statement", statement=st)
        return f"index RELATIONSHIP {m.group(1)} {m.group(2)}"

    def _apply_ddl(self, statements: list[str]) -> None:
        conn = self._db.connection
        have = self._existing_schema() if self._graph_exists() else set()
        for st in statements:
            if self._schema_key(st) in have:
                continue
            try:
                if st.startswith("GRAPH.CONSTRAINT"):
                    conn.execute_command(*st.replace("{g}", self.graph_name).split())
                else:
                    self._g.query(st)
            except redis.ResponseError as exc:
                if "already" not in str(exc).lower():
                    raise StoreError("FalkorDB refused DDL", statement=st, reason=str(exc)[:200]) from None
        self._wait_constraints()

    def _graph_exists(self) -> bool:
        return self.graph_name in self._db.list_graphs()

    def _wait_constraints(self) -> None:
        import time
        for _ in range(600):
            res = self._g.ro_query("CALL db.constraints() YIELD status RETURN status")
            if all(r[0] == "OPERATIONAL" for r in res.result_set):
                return
            if any(r[0] == "FAILED" for r in res.result_set):
                raise ConstraintViolation("a uniqueness constraint failed on existing data")
            time.sleep(0.05)
        raise StoreError("constraints did not become operational")

    def write_operations(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[str]:
        """The write steps (Create, Merge, Update, Delete) in FalkorDB's ``GRAPH.EXPLAIN`` plan."""
        try:
            plan = str(self._g.explain(cypher, dict(params or {})))
        except redis.ResponseError as exc:
            raise StoreError("FalkorDB could not plan the query", reason=str(exc)[:200]) from None
        return sorted(set(_WRITE_OPS.findall(plan)))

    def server_version(self) -> str:
        mods = self._db.connection.execute_command("MODULE", "LIST")
        ver = "?"
        for m in mods:
            d = dict(zip(m[::2], m[1::2], strict=True))
            name = d.get(b"name", d.get("name"))
            if name in (b"graph", "graph"):
                v = int(d.get(b"ver", d.get("ver")) or 0)
                ver = f"{v // 10000}.{v // 100 % 100}.{v % 100}"
        return f"falkordb {ver}"

    def clear(self) -> None:
        """Delete every node and relationship; constraints and indexes are re-created."""
        try:
            self._g.delete()
        except redis.ResponseError:
            pass  # graph did not exist
        self._g = self._db.select_graph(self.graph_name)
        self._decoder.reset()  # ids of labels, types and property keys start again
        self.apply_schema()
        self._notify_write()  # the meta node went with the graph

    def close(self) -> None:
        try:
            self._db.connection.close()
        except Exception:  # noqa: BLE001 - closing best effort
            pass
        if self.server.owned and not self.keep_server:
            self.server.stop()
