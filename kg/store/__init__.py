"""Graph stores: one interface (:class:`GraphStore`), two backends, chosen by URL.

>>> from kg.store import parse_store_url
>>> parse_store_url("falkordb://./.cluegraph/graph")
('falkordb', './.cluegraph/graph')
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg.errors import ModelError
from kg.store.base import GraphStore, Node, Rejection, Rel, Subgraph, UpsertResult
from kg.store.base import Path as GraphPath

__all__ = ["GraphStore", "Node", "Rel", "GraphPath", "Subgraph", "Rejection", "UpsertResult",
           "open_store", "parse_store_url"]


def parse_store_url(url: str) -> tuple[str, str]:
    """Split a store URL into ``(backend, location)``.

    ``falkordb://PATH`` (``falkordb:///abs/path`` or ``falkordb://./rel/path``) is the
    embedded store in directory PATH; ``neo4j://``, ``neo4j+s://``, ``bolt://`` and
    ``bolt+s://`` URLs go to Neo4j unchanged.
    """
    if url.startswith("falkordb://"):
        loc = url[len("falkordb://"):]
        if not loc:
            raise ModelError("falkordb:// URL needs a directory")
        return "falkordb", loc
    if url.split("://", 1)[0] in ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"):
        return "neo4j", url
    raise ModelError("unknown store URL scheme (use falkordb://DIR, neo4j:// or bolt://)")


def open_store(url: str | None = None, **kwargs: Any) -> GraphStore:
    """Open the store named by ``url`` (default: ``KG_STORE_URL``).

    Keyword arguments go to the backend (``keep_server`` for FalkorDB, ``user``,
    ``password``, ``database`` for Neo4j); the rest come from :func:`kg.settings.get_settings`.
    """
    from kg.settings import get_settings

    s = get_settings()
    backend, loc = parse_store_url(url or s.store_url)
    batch = kwargs.pop("batch_size", s.batch_size)
    if backend == "falkordb":
        from kg.store.falkordb import FalkorDBStore

        return FalkorDBStore(Path(loc), graph=kwargs.pop("graph", s.falkordb_graph), batch_size=batch,
                             start_timeout=s.falkordb_start_timeout_s, query_timeout_s=s.query_timeout_s,
                             **kwargs)
    from kg.store.neo4j import Neo4jStore

    return Neo4jStore(loc, kwargs.pop("user", s.neo4j_user),
                      kwargs.pop("password", s.neo4j_password.get_secret_value()),
                      kwargs.pop("database", s.neo4j_database), batch_size=batch,
                      query_timeout_s=s.query_timeout_s, **kwargs)
