"""The investigation model: node and relationship types loaded from ``kg/schema``.

The YAML files under ``kg/schema/nodes`` and ``kg/schema/relationships`` are the model
(one type per file, each with a rationale). :func:`load_model` reads them through
``importlib.resources`` and fails fast on any inconsistency.

Conventions every element follows, whatever its type:

* nodes carry the label ``Entity`` besides their type and a canonical ``uid`` (unique),
  ``_src`` (provenance refs, see :mod:`kg.statement`), ``_ds`` (datasets) and one
  ``_pv__<property>`` ref per property (which source set that property);
* relationships carry a stable ``rid`` (unique per type) and the same ``_src``, ``_ds``
  and ``_pv__*`` properties;
* ``date`` and ``datetime`` values are stored as integer epoch milliseconds (naive
  local time encoded as if UTC), so that windows are arithmetic on both backends and
  FinBench timestamps fit as they are. Reads turn them back into Python values.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping

import yaml

from kg.errors import DataError, ModelError

ENTITY_LABEL = "Entity"
NODE_ID = "uid"
REL_ID = "rid"
SRC = "_src"
DS = "_ds"
PV_PREFIX = "_pv__"
RESERVED = frozenset({NODE_ID, REL_ID, SRC, DS, ENTITY_LABEL})
TYPES = frozenset({"string", "int", "float", "bool", "date", "datetime", "string[]"})
_EPOCH = dt.datetime(1970, 1, 1)
_MS_PER_DAY = 86_400_000


@dataclass(frozen=True)
class PropertyType:
    """One declared property: its type and its Chinese title."""

    name: str
    type: str
    zh: str
    pii: bool = False
    identifier: str | None = None


@dataclass(frozen=True)
class NodeType:
    """A node type (label) of the model."""

    label: str
    title_zh: str
    title_en: str
    rationale: str
    key: tuple[str, ...]
    properties: Mapping[str, PropertyType]


@dataclass(frozen=True)
class RelType:
    """A relationship type of the model, with the labels it may join."""

    type: str
    title_zh: str
    title_en: str
    rationale: str
    from_labels: tuple[str, ...]
    to_labels: tuple[str, ...]
    properties: Mapping[str, PropertyType]


@dataclass(frozen=True)
class Model:
    """The whole investigation model. Build it with :func:`load_model`."""

    nodes: Mapping[str, NodeType]
    relationships: Mapping[str, RelType]
    mappings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    # -- look-ups -----------------------------------------------------------------
    def node(self, label: str) -> NodeType:
        """Return the node type ``label`` or raise :class:`ModelError`."""
        try:
            return self.nodes[label]
        except KeyError:
            raise ModelError("unknown node label", label=label) from None

    def rel(self, rel_type: str) -> RelType:
        """Return the relationship type or raise :class:`ModelError`."""
        try:
            return self.relationships[rel_type]
        except KeyError:
            raise ModelError("unknown relationship type", type=rel_type) from None

    def all_property_names(self) -> frozenset[str]:
        """Every property name declared anywhere, plus the reserved ones."""
        names: set[str] = {NODE_ID, REL_ID, SRC, DS}
        for n in self.nodes.values():
            names.update(n.properties)
        for r in self.relationships.values():
            names.update(r.properties)
        return frozenset(names)

    def property_type(self, owner: str, name: str) -> PropertyType | None:
        """The declared type of ``name`` on label or relationship type ``owner``."""
        if owner in self.nodes:
            return self.nodes[owner].properties.get(name)
        if owner in self.relationships:
            return self.relationships[owner].properties.get(name)
        return None

    # -- values -------------------------------------------------------------------
    def encode_properties(self, owner: str, props: Mapping[str, Any]) -> dict[str, Any]:
        """Check ``props`` against the declared types of ``owner`` and encode them for storage.

        ``None`` values are left out (absent in this record). Raises :class:`DataError`
        naming the property (never its value) when a value does not fit.

        >>> m = load_model()
        >>> m.encode_properties("LoanAccount", {"amount": "3000000", "applied_on": "2023-10-16"})
        {'amount': 3000000.0, 'applied_on': 1697414400000}
        """
        spec = self.nodes[owner].properties if owner in self.nodes else self.rel(owner).properties
        out: dict[str, Any] = {}
        for name, value in props.items():
            if value is None:
                continue
            p = spec.get(name)
            if p is None:
                raise DataError("property not in the model", owner=owner, property=name)
            try:
                out[name] = encode_value(p.type, value)
            except (TypeError, ValueError) as exc:
                raise DataError(
                    f"value does not fit type {p.type}", owner=owner, property=name, reason=type(exc).__name__
                ) from None
        return out

    def decode_properties(self, owners: Iterable[str], props: Mapping[str, Any]) -> dict[str, Any]:
        """Turn stored values back into Python values using the types declared on ``owners``."""
        out = dict(props)
        for owner in owners:
            spec = self.nodes[owner].properties if owner in self.nodes else (
                self.relationships[owner].properties if owner in self.relationships else {}
            )
            for name, value in props.items():
                p = spec.get(name)
                if p is not None and p.type in ("date", "datetime") and isinstance(value, (int, float)):
                    out[name] = decode_temporal(p.type, value)
        return out


def to_epoch_ms(value: dt.date | dt.datetime) -> int:
    """Encode a date or naive datetime as epoch milliseconds (naive time taken as UTC)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        delta = value - _EPOCH
        return delta.days * _MS_PER_DAY + delta.seconds * 1000 + delta.microseconds // 1000
    return (value - _EPOCH.date()).days * _MS_PER_DAY


def decode_temporal(kind: str, ms: int | float) -> dt.date | dt.datetime:
    """Inverse of :func:`to_epoch_ms` for a declared ``date`` or ``datetime``."""
    value = _EPOCH + dt.timedelta(milliseconds=int(ms))
    return value.date() if kind == "date" else value


def _parse_temporal(kind: str, value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError("bool is not a date")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValueError("not finite")
        return int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return to_epoch_ms(value)
    if isinstance(value, str):
        text = value.strip().replace("/", "-").replace(".", "-", 2) if kind == "date" else value.strip()
        if kind == "date":
            return to_epoch_ms(dt.date.fromisoformat(text[:10]))
        return to_epoch_ms(dt.datetime.fromisoformat(text.replace(" ", "T", 1)))
    raise TypeError(type(value).__name__)


def encode_value(kind: str, value: Any) -> Any:
    """Coerce one value to the storage form of type ``kind``."""
    if kind == "string":
        if isinstance(value, (dict, list, tuple, set)):
            raise TypeError("not a scalar")
        return str(value)
    if kind == "int":
        if isinstance(value, bool):
            raise TypeError("bool is not int")
        if isinstance(value, float) and not value.is_integer():
            raise ValueError("not integral")
        return int(value)
    if kind == "float":
        if isinstance(value, bool):
            raise TypeError("bool is not float")
        f = float(value)
        if not math.isfinite(f):
            raise ValueError("not finite")
        return f
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", "是", "否"):
            return value.strip().lower() in ("true", "1", "是")
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise ValueError("not a boolean")
    if kind in ("date", "datetime"):
        return _parse_temporal(kind, value)
    if kind == "string[]":
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value]
    raise ModelError("unknown property type", type=kind)


# -- loading ------------------------------------------------------------------------
def _props(owner: str, raw: Mapping[str, Any] | None) -> dict[str, PropertyType]:
    out: dict[str, PropertyType] = {}
    for name, spec in (raw or {}).items():
        if name in RESERVED or name.startswith("_"):
            raise ModelError("property name is reserved", owner=owner, property=name)
        if not isinstance(spec, Mapping) or spec.get("type") not in TYPES:
            raise ModelError("property needs a type", owner=owner, property=name, allowed=sorted(TYPES))
        if not spec.get("zh"):
            raise ModelError("property needs a Chinese title (zh)", owner=owner, property=name)
        out[name] = PropertyType(
            name=name, type=spec["type"], zh=spec["zh"], pii=bool(spec.get("pii", False)),
            identifier=spec.get("identifier"),
        )
    return out


def _title(owner: str, raw: Any) -> tuple[str, str]:
    if not isinstance(raw, Mapping) or not raw.get("zh") or not raw.get("en"):
        raise ModelError("type needs title.zh and title.en", owner=owner)
    return str(raw["zh"]), str(raw["en"])


def build_model(documents: Iterable[tuple[str, Mapping[str, Any]]]) -> Model:
    """Validate parsed schema documents (``(file name, content)``) into a :class:`Model`."""
    nodes: dict[str, NodeType] = {}
    rels: dict[str, RelType] = {}
    mappings: dict[str, Mapping[str, Any]] = {}
    pending_rels: list[tuple[str, Mapping[str, Any]]] = []
    for fname, doc in documents:
        kind = doc.get("kind") if isinstance(doc, Mapping) else None
        if kind == "node":
            label = doc.get("label")
            if not isinstance(label, str) or not label[:1].isupper() or label in nodes or label in RESERVED:
                raise ModelError("bad or duplicate node label", file=fname, label=label)
            zh, en = _title(label, doc.get("title"))
            if not doc.get("rationale"):
                raise ModelError("node type needs a rationale", file=fname)
            props = _props(label, doc.get("properties"))
            key = tuple(doc.get("key") or ())
            for k in key:
                if k not in props:
                    raise ModelError("key property is not declared", file=fname, key=k)
            nodes[label] = NodeType(label, zh, en, str(doc["rationale"]).strip(), key, props)
        elif kind == "relationship":
            pending_rels.append((fname, doc))
        elif kind == "mapping":
            mappings[str(doc.get("name"))] = doc
        else:
            raise ModelError("schema file needs kind: node, relationship or mapping", file=fname)
    for fname, doc in pending_rels:
        rtype = doc.get("type")
        if not isinstance(rtype, str) or not rtype.isupper() or rtype in rels:
            raise ModelError("bad or duplicate relationship type", file=fname, type=rtype)
        zh, en = _title(rtype, doc.get("title"))
        if not doc.get("rationale"):
            raise ModelError("relationship type needs a rationale", file=fname)
        ends = []
        for side in ("from", "to"):
            labels = tuple(doc.get(side) or ())
            if not labels:
                raise ModelError(f"relationship needs '{side}' labels", file=fname)
            for lab in labels:
                if lab not in nodes:
                    raise ModelError("relationship names an unknown label", file=fname, label=lab)
            ends.append(labels)
        rels[rtype] = RelType(rtype, zh, en, str(doc["rationale"]).strip(), ends[0], ends[1],
                              _props(rtype, doc.get("properties")))
    for name, mp in mappings.items():
        _check_mapping(name, mp, nodes, rels)
    if not nodes:
        raise ModelError("the model has no node types")
    return Model(nodes=nodes, relationships=rels, mappings=mappings)


def _check_mapping(name: str, mp: Mapping[str, Any], nodes: Mapping[str, NodeType],
                   rels: Mapping[str, RelType]) -> None:
    for src, spec in (mp.get("nodes") or {}).items():
        if spec.get("label") not in nodes:
            raise ModelError("mapping targets an unknown label", mapping=name, source=src)
        for prop in (spec.get("properties") or {}).values():
            if prop not in nodes[spec["label"]].properties:
                raise ModelError("mapping targets an unknown property", mapping=name, source=src, property=prop)
    for src, spec in (mp.get("relationships") or {}).items():
        rt = rels.get(spec.get("type"))
        if rt is None:
            raise ModelError("mapping targets an unknown relationship type", mapping=name, source=src)
        for side in ("from", "to"):
            if spec.get(side, {}).get("label") not in getattr(rt, f"{side}_labels"):
                raise ModelError("mapping joins labels the type does not allow", mapping=name, source=src)
        for prop in (spec.get("properties") or {}).values():
            if prop not in rt.properties:
                raise ModelError("mapping targets an unknown property", mapping=name, source=src, property=prop)


def _schema_documents() -> Iterable[tuple[str, Mapping[str, Any]]]:
    root = resources.files("kg") / "schema"
    for sub in ("nodes", "relationships", "mappings"):
        folder = root / sub
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".yaml"):
                yield f"{sub}/{entry.name}", yaml.safe_load(entry.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def load_model() -> Model:
    """Load and validate the packaged investigation model (cached).

    >>> load_model().node("Person").title_zh
    '自然人'
    """
    return build_model(_schema_documents())
