"""Statements: the unit extractors emit and the store loads, each with provenance.

A :class:`Statement` says one thing about one entity: a property value, or a relation
to another entity. Its :class:`Provenance` names the source (a :class:`Source`, i.e. a
file or document with its hash), the locator inside it (``row=12`` or
``chars=120-135``), and the extractor with its version. :func:`fold` groups statements
into the node and relationship rows that :meth:`kg.store.GraphStore.upsert_nodes` and
:meth:`~kg.store.GraphStore.upsert_relationships` take; every element and every property
keeps the ref of the source that asserted it, so nothing enters the graph untraced.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from kg.errors import DataError


@dataclass(frozen=True)
class Source:
    """One ingested file or document."""

    source_id: str
    uri: str
    sha256: str
    kind: str = "records"
    rows: int | None = None

    @classmethod
    def from_file(cls, source_id: str, path: str | Path, kind: str = "records") -> Source:
        """Describe ``path`` with its SHA-256 (streamed, so large files are fine)."""
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return cls(source_id=source_id, uri=str(path), sha256=h.hexdigest(), kind=kind)


@dataclass(frozen=True)
class Provenance:
    """Where a fact came from: source, locator in it, extractor name@version."""

    source_id: str
    locator: str
    extractor: str

    @property
    def ref(self) -> str:
        """Compact reference stored on graph elements: ``source_id#locator@extractor``."""
        return f"{self.source_id}#{self.locator}@{self.extractor}"

    @staticmethod
    def parse(ref: str) -> Provenance:
        """Inverse of :attr:`ref` (the extractor may itself hold ``@``, as in ``name@version``).

        >>> Provenance.parse("finbench/Person.csv#row=2@finbench@1")
        Provenance(source_id='finbench/Person.csv', locator='row=2', extractor='finbench@1')
        """
        source_id, sep, rest = ref.partition("#")
        locator, sep2, extractor = rest.partition("@")
        if not (source_id and sep and locator and sep2 and extractor):
            raise DataError("malformed provenance ref")
        return Provenance(source_id, locator, extractor)


@dataclass(frozen=True)
class Statement:
    """One fact. ``prop`` set: a property of the subject; ``rel`` set: a relation to ``obj``.

    A statement with neither (only the subject) asserts that the entity exists.
    """

    label: str
    uid: str
    prov: Provenance
    prop: str | None = None
    value: Any = None
    rel: str | None = None
    obj_label: str | None = None
    obj_uid: str | None = None
    rid: str | None = None


@dataclass
class Rows:
    """Statements folded into upsert rows, grouped by label and by relationship type."""

    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    rels: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))


def fold(statements: Iterable[Statement]) -> Rows:
    """Group statements into node rows and relationship rows, keeping per-property refs.

    Statements of one entity from one source locator become one row; the same entity
    from two locators gives two rows (both refs are kept on the node when loaded).
    """
    node_rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    rel_rows: dict[tuple[str, str], dict[str, Any]] = {}
    out = Rows()
    for st in statements:
        ref = st.prov.ref
        if st.rel is None:
            key = (st.label, st.uid, ref)
            row = node_rows.get(key)
            if row is None:
                row = {"uid": st.uid, "props": {}, "src": ref}
                node_rows[key] = row
                out.nodes[st.label].append(row)
            if st.prop is not None and st.value is not None:
                row["props"][st.prop] = st.value
        else:
            if st.obj_uid is None:
                raise DataError("relation statement without object", rel=st.rel)
            rid = st.rid or f"{st.rel}:{st.uid}->{st.obj_uid}"
            rkey = (st.rel, rid)
            row = rel_rows.get(rkey)
            if row is None:
                row = {"rid": rid, "start": st.uid, "end": st.obj_uid, "props": {}, "src": ref}
                rel_rows[rkey] = row
                out.rels[st.rel].append(row)
            if st.prop is not None and st.value is not None:
                row["props"][st.prop] = st.value
    return out
