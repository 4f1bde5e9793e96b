"""Constraint and index statements per backend, generated from the model.

``cypher/schema/<backend>.cypher`` holds the same statements for DBAs (regenerate with
``kg schema ddl --backend B``; a test fails when they are stale).
"""

from __future__ import annotations

from kg.model import ENTITY_LABEL, Model, NodeType, load_model

#: non-key properties that patterns and search look up by value
LOOKUP_PROPERTIES = ("name", "name_normalised", "employee_no")


def _indexed(nt: NodeType) -> list[str]:
    return list(nt.key) + [p for p in LOOKUP_PROPERTIES if p in nt.properties and p not in nt.key]


def neo4j_ddl(model: Model) -> list[str]:
    """Uniqueness on ``Entity.uid`` and on each relationship type's ``rid``; range indexes on keys and names."""
    out = [f"CREATE CONSTRAINT entity_uid IF NOT EXISTS FOR (n:{ENTITY_LABEL}) REQUIRE n.uid IS UNIQUE"]
    for label, nt in sorted(model.nodes.items()):
        for k in _indexed(nt):
            out.append(f"CREATE INDEX {label.lower()}_{k} IF NOT EXISTS FOR (n:{label}) ON (n.{k})")
    for rt in sorted(model.relationships):
        out.append(f"CREATE CONSTRAINT {rt.lower()}_rid IF NOT EXISTS FOR ()-[r:{rt}]-() REQUIRE r.rid IS UNIQUE")
    return out


def falkordb_ddl(model: Model) -> list[str]:
    """Exact-match indexes (uid, keys, rid) and unique constraints (``{g}`` = graph name)."""
    out = [f"CREATE INDEX FOR (n:{ENTITY_LABEL}) ON (n.uid)"]
    for label, nt in sorted(model.nodes.items()):
        for k in _indexed(nt):
            out.append(f"CREATE INDEX FOR (n:{label}) ON (n.{k})")
    for rt in sorted(model.relationships):
        out.append(f"CREATE INDEX FOR ()-[r:{rt}]-() ON (r.rid)")
    out.append(f"GRAPH.CONSTRAINT CREATE {{g}} UNIQUE NODE {ENTITY_LABEL} PROPERTIES 1 uid")
    for rt in sorted(model.relationships):
        out.append(f"GRAPH.CONSTRAINT CREATE {{g}} UNIQUE RELATIONSHIP {rt} PROPERTIES 1 rid")
    return out


def ddl_for(backend: str, model: Model | None = None) -> list[str]:
    """DDL of ``backend`` (``neo4j`` or ``falkordb``)."""
    m = model or load_model()
    if backend == "neo4j":
        return neo4j_ddl(m)
    if backend == "falkordb":
        return falkordb_ddl(m)
    raise ValueError(f"unknown backend {backend!r}")
