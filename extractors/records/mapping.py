"""Declarative record mappings (one YAML file per source type) and the row extractor.

A mapping, in the spirit of FollowTheMoney mappings, says which columns of a source make
which entities (label, key, properties) and which relationships join them::

    kind: record_mapping
    name: bank_accounts
    version: 1
    title: {zh: 各商业银行 开户信息, en: Bank account openings}
    match: {files: ["bank_accounts*"], headers: [账号, 户名, 证件号码]}
    entities:
      account:
        label: BankAccount
        required: true
        key: {id: card, column: 账号}
        properties: {bank: 开户银行, create_time: {column: 开户日期, clean: datetime}}
      holder:
        label: party                      # Person or Company, decided by the identifier
        key: {id: party, column: 证件号码, type_column: 证件类型}
        name: 户名
    relationships:
      - {type: OWNS, from: holder, to: account, properties: {since: {column: 开户日期, clean: date}}}

Keys (``key.id``) decide the canonical uid and therefore the deterministic merges:

================  ==========================================================================
``ric``           Person by 居民身份证号: ``Person:<id>`` when valid, else row-scoped
``uscc``          Company by 统一社会信用代码: ``Company:<uscc>`` when valid, else row-scoped
``party``         either of the two, told apart by the value (and ``type_column``)
``card``          BankAccount by card number: ``BankAccount:<no>`` when Luhn-valid, else row-scoped
``account``       BankAccount by an account number without a check digit (namespaced)
``phone``         Phone by normalised number; ``address``: Address by normalised text
``domain``        Website by host name (from a URL or a domain column)
``name``          Company by its exact (whitespace-normalised) name: ``Company:name:<name>``
``party_name``    a name only: a company name keys as ``name``; a person's name is row-scoped
``mention``       row-scoped (a name with no identifier never merges on its own)
``employee``      Person by employee number (``Person:employee:<no>``)
``record``        any other record by its key columns: ``<Label>:<v1>|<v2>``
================  ==========================================================================

``reference: true`` marks an entity that a row only points at (the accounts of a
transfer, the hospital of a settlement): it is asserted once per chunk, not once per row.

An invalid or conflicting identifier is kept on the node and flagged (``id_valid`` /
``uscc_valid`` / ``luhn_valid = false``) but keys the node to its own source row, so it
never merges on its own. Values that cannot be read (a date ``0000-00-00``, an amount
``#VALUE!``) are dropped from the statement and reported as value issues.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

import yaml

from kg.errors import DataError, ModelError
from kg.model import Model, load_model
from kg.resolve import clean as _cl
from kg.resolve import identifiers as _ids
from kg.resolve.clean import normalise_name, normalise_text, parse_amount, parse_datetime
from kg.resolve.identifiers import compact
from kg.statement import Provenance, Statement, fold

__all__ = ["RecordMapping", "RowResult", "ValueIssue", "load_mappings", "mapping_for", "EXTRACTOR"]

EXTRACTOR = "records"
_ID_KINDS = frozenset({"ric", "uscc", "party", "card", "account", "phone", "address", "domain", "name", "party_name",
                       "mention", "employee", "record"})
_CLEANS = frozenset({"text", "name", "date", "datetime", "amount", "int", "float", "bool", "domain", "nonempty",
                     "step_datetime", "upper"})
_COMPANY_HINT = re.compile(r"(公司|银行|支行|分行|局|院|所|店|中心|行|厂|部|社|会|站|馆|医院|药房|委员会|集团|企业)$")
_TEMPLATE = re.compile(r"\{([^{}]+)\}")

# identifiers and addresses repeat across rows (the same person in many records):
# the checks are pure functions of the text, so they are cached
_CACHE = 1 << 16
check_ric = lru_cache(maxsize=_CACHE)(_ids.check_ric)
check_uscc = lru_cache(maxsize=_CACHE)(_ids.check_uscc)
check_card = lru_cache(maxsize=_CACHE)(_ids.check_card)
check_phone = lru_cache(maxsize=_CACHE)(_ids.check_phone)
classify_party = lru_cache(maxsize=_CACHE)(_ids.classify_party)
split_address = lru_cache(maxsize=_CACHE)(_cl.split_address)
company_name = lru_cache(maxsize=_CACHE)(_cl.company_name)


@dataclass(frozen=True)
class FieldSpec:
    """How one property value is read: a column, a template over columns, or a constant."""

    column: str | None = None
    template: str | None = None
    value: Any = None
    clean: str | None = None
    unit: float = 1.0
    map: Mapping[str, Any] | None = None
    anchor: str | None = None

    @staticmethod
    def parse(raw: Any, where: str) -> FieldSpec:
        if isinstance(raw, str):
            return FieldSpec(column=raw)
        if not isinstance(raw, Mapping):
            raise ModelError("field spec must be a column name or a mapping", where=where)
        clean = raw.get("clean")
        if clean is not None and clean not in _CLEANS:
            raise ModelError("unknown clean function", where=where, clean=clean)
        if not any(k in raw for k in ("column", "template", "value")):
            raise ModelError("field spec needs column, template or value", where=where)
        return FieldSpec(column=raw.get("column"), template=raw.get("template"), value=raw.get("value"),
                         clean=clean, unit=float(raw.get("unit", 1.0)), map=raw.get("map"),
                         anchor=raw.get("anchor"))

    def columns(self) -> list[str]:
        cols = [self.column] if self.column else []
        if self.template:
            cols += _TEMPLATE.findall(self.template)
        return cols


@dataclass(frozen=True)
class Condition:
    """A row condition: ``column`` equals / is in / is not empty."""

    column: str
    equals: Any = None
    one_of: tuple[Any, ...] | None = None
    nonempty: bool = False

    @staticmethod
    def parse(raw: Any, where: str) -> Condition | None:
        if raw is None:
            return None
        if not isinstance(raw, Mapping) or "column" not in raw:
            raise ModelError("condition needs a column", where=where)
        one_of = raw.get("in")
        return Condition(raw["column"], raw.get("equals"), tuple(one_of) if one_of else None,
                         bool(raw.get("nonempty", False)))

    def holds(self, row: Mapping[str, Any]) -> bool:
        v = _text(row.get(self.column))
        if self.equals is not None:
            return v == str(self.equals)
        if self.one_of is not None:
            return v in {str(x) for x in self.one_of}
        return bool(v)


@dataclass(frozen=True)
class EntitySpec:
    """One entity a row yields."""

    name: str
    label: str  # a node label, or "party" (Person or Company by identifier)
    id: str
    key: tuple[FieldSpec, ...]
    type_column: str | None
    name_column: str | None
    properties: Mapping[str, FieldSpec]
    required: bool
    when: Condition | None
    reference: bool = False


@dataclass(frozen=True)
class RelSpec:
    """One relationship a row yields between two of its entities."""

    type: str
    start: str
    end: str
    properties: Mapping[str, FieldSpec]
    rid: str | None
    when: Condition | None


@dataclass(frozen=True)
class ValueIssue:
    """A value that could not be read and was left out (not a row failure)."""

    column: str
    reason: str
    rule: str


@dataclass
class RowResult:
    """What one source row gave: statements (nothing if the row failed), issues, failure."""

    statements: list[Statement] = field(default_factory=list)
    issues: list[ValueIssue] = field(default_factory=list)
    error: str | None = None
    rule: str | None = None


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    return str(v).strip()


def _domain(v: str) -> str:
    v = v.strip()
    host = urlsplit(v if "//" in v else f"//{v}").hostname or ""
    return host.lower().rstrip(".")


@dataclass(frozen=True)
class RecordMapping:
    """A validated mapping of one source type. Build with :func:`load_mappings`."""

    name: str
    version: str
    title_zh: str
    title_en: str
    files: tuple[str, ...]
    headers: tuple[str, ...]
    entities: Mapping[str, EntitySpec]
    relationships: tuple[RelSpec, ...]
    namespace: str
    delimiter: str | None = None
    encoding: str | None = None

    @property
    def extractor(self) -> str:
        """``records.<name>@<version>`` — the extractor part of provenance refs."""
        return f"{EXTRACTOR}.{self.name}@{self.version}"

    def matches_file(self, file_name: str) -> bool:
        """Whether the file name matches one of the mapping's patterns."""
        return any(fnmatch.fnmatch(file_name, pat) for pat in self.files)

    def matches_header(self, header: Iterable[str]) -> bool:
        """Whether every column the mapping requires for detection is in ``header``."""
        cols = set(header)
        return bool(self.headers) and all(h in cols for h in self.headers)

    # -- extraction -------------------------------------------------------------------
    def extract(self, values: Mapping[str, Any], prov: Provenance, model: Model | None = None,
                seen: set[str] | None = None) -> RowResult:
        """Statements of one row; a failure (missing required key, a value that does not
        fit the model) comes back in :attr:`RowResult.error` with no statements.

        ``seen`` (one set per chunk) holds the uids of *reference* entities (declared
        ``reference: true``: an endpoint named only by its key, like the accounts of a
        transfer) already asserted in the chunk; they are asserted once per chunk, so a
        hub account does not collect one provenance ref per transfer.
        """
        m = model or load_model()
        res = RowResult()
        uids: dict[str, tuple[str, str]] = {}
        stmts: list[Statement] = []
        for ent in self.entities.values():
            if ent.when is not None and not ent.when.holds(values):
                continue
            got = self._entity(ent, values, prov, res)
            if got is None:
                if ent.required:
                    res.error = f"required key missing for entity '{ent.name}'"
                    res.rule = "row.key"
                    return res
                continue
            label, uid, props = got
            try:
                m.encode_properties(label, props)
            except DataError as exc:
                res.error = str(exc)
                res.rule = "row.type"
                return res
            uids[ent.name] = (label, uid)
            if ent.reference and seen is not None:
                if uid in seen:
                    continue
                seen.add(uid)
            stmts.append(Statement(label, uid, prov))
            for k, v in props.items():
                if v is not None:
                    stmts.append(Statement(label, uid, prov, prop=k, value=v))
        for rel in self.relationships:
            if rel.start not in uids or rel.end not in uids:
                continue
            if rel.when is not None and not rel.when.holds(values):
                continue
            (sl, su), (el, eu) = uids[rel.start], uids[rel.end]
            rt = m.rel(rel.type)
            if sl not in rt.from_labels or el not in rt.to_labels:
                continue  # e.g. a party that turned out to be a company where only persons fit
            props = {k: self._value(f, values, res, k) for k, f in rel.properties.items()}
            props = {k: v for k, v in props.items() if v is not None}
            try:
                m.encode_properties(rel.type, props)
            except DataError as exc:
                res.error = str(exc)
                res.rule = "row.type"
                return res
            rid = (self._render(rel.rid, values, {"from": su, "to": eu, "row": prov.locator,
                                                  "source": prov.source_id})
                   if rel.rid else f"{rel.type}:{su}->{eu}")
            stmts.append(Statement(sl, su, prov, rel=rel.type, obj_label=el, obj_uid=eu, rid=rid))
            for k, v in props.items():
                stmts.append(Statement(sl, su, prov, rel=rel.type, obj_label=el, obj_uid=eu, rid=rid, prop=k, value=v))
        res.statements = stmts
        return res

    @staticmethod
    def _render(template: str, values: Mapping[str, Any], extra: Mapping[str, str]) -> str:
        def sub(mo: re.Match[str]) -> str:
            k = mo.group(1)
            return extra[k] if k in extra else _text(values.get(k))

        return _TEMPLATE.sub(sub, template)

    def _value(self, f: FieldSpec, values: Mapping[str, Any], res: RowResult, prop: str) -> Any:
        if f.value is not None and f.column is None and f.template is None:
            return f.value
        if f.template is not None:
            if not all(_text(values.get(c)) for c in _TEMPLATE.findall(f.template)):
                return None
            raw: Any = self._render(f.template, values, {})
        else:
            raw = values.get(f.column) if f.column else None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if f.map is not None:
            t = _text(raw)
            if t in f.map:
                return f.map[t]
        out = _clean(f, raw)
        col = f.column or prop
        if out is None and f.clean not in (None, "text", "nonempty") and all(i.column != col for i in res.issues):
            res.issues.append(ValueIssue(f.column or prop, f"unreadable {f.clean}", f"value.{f.clean}"))
        return out

    def _entity(self, ent: EntitySpec, values: Mapping[str, Any], prov: Provenance, res: RowResult
                ) -> tuple[str, str, dict[str, Any]] | None:
        key_vals = [_text(self._value(k, values, res, "key")) if (k.template or k.clean) else
                    _text(values.get(k.column or "")) for k in ent.key]
        if not all(key_vals):
            return None
        raw = key_vals[0]
        scoped = f"{prov.source_id}#{prov.locator}:{ent.name}"
        props: dict[str, Any] = {}
        label = ent.label
        kind = ent.id
        name_raw = _text(values.get(ent.name_column)) if ent.name_column else ""
        if kind == "party_name":
            name = normalise_text(name_raw or raw)
            if _COMPANY_HINT.search(name):
                label, kind = "Company", "name"
            else:
                label, kind = "Person", "mention"
        if kind in ("ric", "uscc", "party"):
            if kind == "party":
                pc = classify_party(raw, values.get(ent.type_column) if ent.type_column else None)
                if pc.label is None:
                    res.issues.append(ValueIssue(ent.key[0].column or ent.name, "identifier of unknown kind",
                                                 "id.party"))
                    pc = classify_party(raw, "居民身份证")
                label = pc.label or "Person"
                chk, conflict = pc.check, pc.conflict
            else:
                chk, conflict = (check_ric(raw) if kind == "ric" else check_uscc(raw)), False
                label = "Person" if kind == "ric" else "Company"
            if label == "Person":
                props["id_number"] = chk.value
                props["id_valid"] = chk.valid and not conflict
                if chk.valid:
                    props["birth_date"] = chk.birth_date.isoformat() if chk.birth_date else None
                    props["gender"] = chk.gender
            else:
                props["uscc"] = chk.value
                props["uscc_valid"] = chk.valid and not conflict
            if not chk.valid or conflict:
                res.issues.append(ValueIssue(ent.key[0].column or ent.name,
                                             "conflicting identifier type" if conflict else f"invalid {chk.scheme}: {chk.reason}",
                                             f"id.{chk.scheme}"))
            uid = f"{label}:{chk.value}" if (chk.valid and not conflict) else f"{label}:unverified:{scoped}"
        elif kind == "card":
            chk = check_card(raw)
            props["account_no"] = chk.value
            props["luhn_valid"] = chk.valid
            if not chk.valid:
                res.issues.append(ValueIssue(ent.key[0].column or ent.name, f"invalid luhn: {chk.reason}", "id.luhn"))
            uid = f"BankAccount:{chk.value}" if chk.valid else f"BankAccount:unverified:{scoped}"
        elif kind == "account":
            no = compact(raw)
            props["account_no"] = no
            uid = f"BankAccount:{self.namespace}:{no}"
        elif kind == "phone":
            ph = check_phone(raw)
            props.update(number=ph.number, kind=ph.kind, valid=ph.valid)
            uid = f"Phone:{ph.number}"
        elif kind == "address":
            a = split_address(raw)
            if not a.normalised:
                return None
            props.update(text=normalise_text(raw), normalised=a.normalised, province=a.province, city=a.city,
                         district=a.district)
            uid = f"Address:{a.normalised}"
        elif kind == "domain":
            host = _domain(raw)
            if not host:
                return None
            props.update(domain=host, is_government=host.endswith(".gov.cn") or host.endswith(".gov"))
            uid = f"Website:{host}"
        elif kind == "name":
            name = normalise_text(name_raw or raw)
            uid = f"{label}:name:{name}"
        elif kind == "mention":
            uid = f"{label}:mention:{scoped}"
        elif kind == "employee":
            no = compact(raw)
            props["employee_no"] = no
            uid = f"{label}:employee:{no}"
        else:  # record
            uid = f"{label}:" + "|".join(key_vals)
        name_src = name_raw or (raw if kind in ("name", "mention") else "")
        if name_src:
            if label == "Company":
                props["name"] = normalise_text(name_src)
                props["name_normalised"] = company_name(name_src).normalised
            elif label == "Person":
                props["name"] = normalise_name(name_src)
        for pname, f in ent.properties.items():
            v = self._value(f, values, res, pname)
            if v is not None:
                props[pname] = v
        return label, uid, props


def _clean(f: FieldSpec, raw: Any) -> Any:
    c = f.clean
    if c is None or c == "text":
        return normalise_text(raw) if isinstance(raw, str) else raw
    if c == "upper":
        return compact(raw)
    if c == "name":
        return normalise_name(raw)
    if c == "nonempty":
        return bool(_text(raw))
    if c == "domain":
        return _domain(_text(raw)) or None
    if c == "date":
        d = parse_datetime(raw)
        return d.date().isoformat() if d else None
    if c == "datetime":
        d = parse_datetime(raw)
        return d.isoformat(sep=" ") if d else None
    if c == "amount":
        return parse_amount(raw, f.unit).value
    if c in ("int", "float"):
        a = parse_amount(raw, f.unit).value
        if a is None:
            return None
        return (int(a) if float(a).is_integer() else None) if c == "int" else float(a)
    if c == "bool":
        t = _text(raw).lower()
        if t in ("1", "true", "是", "yes", "y"):
            return True
        if t in ("0", "false", "否", "no", "n"):
            return False
        return None
    if c == "step_datetime":
        try:
            step = int(float(_text(raw)))
        except ValueError:
            return None
        base = dt.datetime.fromisoformat(f.anchor or "1970-01-01")
        return (base + dt.timedelta(days=step)).isoformat(sep=" ")
    raise ModelError("unknown clean function", clean=c)  # pragma: no cover - validated at load


# -- loading --------------------------------------------------------------------------
def _parse_mapping(doc: Mapping[str, Any], fname: str, model: Model) -> RecordMapping:
    if doc.get("kind") != "record_mapping":
        raise ModelError("mapping file needs kind: record_mapping", file=fname)
    name = doc.get("name")
    if not isinstance(name, str) or not name:
        raise ModelError("mapping needs a name", file=fname)
    title = doc.get("title") or {}
    if not title.get("zh") or not title.get("en"):
        raise ModelError("mapping needs title.zh and title.en", file=fname)
    entities: dict[str, EntitySpec] = {}
    for ename, raw in (doc.get("entities") or {}).items():
        where = f"{fname}:{ename}"
        label = raw.get("label")
        key = raw.get("key") or {}
        kind = key.get("id", "record")
        if kind not in _ID_KINDS:
            raise ModelError("unknown key id kind", where=where, id=kind)
        if label == "party" or kind in ("party", "party_name"):
            labels = ["Person", "Company"]
        else:
            if label not in model.nodes:
                raise ModelError("mapping names an unknown label", where=where, label=label)
            labels = [label]
        if "columns" in key:
            key_specs = tuple(FieldSpec(column=c) for c in key["columns"])
        elif "template" in key:
            key_specs = (FieldSpec(template=key["template"]),)
        elif "column" in key:
            key_specs = (FieldSpec(column=key["column"], clean=key.get("clean")),)
        else:
            raise ModelError("key needs column, columns or template", where=where)
        props = {p: FieldSpec.parse(v, f"{where}.{p}") for p, v in (raw.get("properties") or {}).items()}
        for p in props:
            if not any(p in model.nodes[lab].properties for lab in labels):
                raise ModelError("mapping targets an unknown property", where=where, property=p)
        entities[ename] = EntitySpec(ename, str(label), kind, key_specs, key.get("type_column"), raw.get("name"),
                                     props, bool(raw.get("required", False)), Condition.parse(raw.get("when"), where),
                                     bool(raw.get("reference", False)))
    rels: list[RelSpec] = []
    for i, raw in enumerate(doc.get("relationships") or []):
        where = f"{fname}:relationships[{i}]"
        rt = model.relationships.get(raw.get("type"))
        if rt is None:
            raise ModelError("mapping names an unknown relationship type", where=where, type=raw.get("type"))
        for side in ("from", "to"):
            if raw.get(side) not in entities:
                raise ModelError(f"relationship '{side}' is not an entity of the mapping", where=where)
        props = {p: FieldSpec.parse(v, f"{where}.{p}") for p, v in (raw.get("properties") or {}).items()}
        for p in props:
            if p not in rt.properties:
                raise ModelError("mapping targets an unknown relationship property", where=where, property=p)
        rels.append(RelSpec(rt.type, raw["from"], raw["to"], props, raw.get("rid"), Condition.parse(raw.get("when"), where)))
    match = doc.get("match") or {}
    return RecordMapping(
        name=name, version=str(doc.get("version", 1)), title_zh=str(title["zh"]), title_en=str(title["en"]),
        files=tuple(match.get("files") or ()), headers=tuple(match.get("headers") or ()),
        entities=entities, relationships=tuple(rels), namespace=str(doc.get("namespace", name)),
        delimiter=doc.get("delimiter"), encoding=doc.get("encoding"))


@lru_cache(maxsize=1)
def load_mappings() -> dict[str, RecordMapping]:
    """Every packaged mapping (``extractors/records/mappings/*.yaml``), validated against the model.

    >>> sorted(load_mappings())[:2]
    ['admin_penalties', 'amlsim_accounts']
    """
    model = load_model()
    out: dict[str, RecordMapping] = {}
    folder = resources.files("extractors.records") / "mappings"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        doc = yaml.safe_load(entry.read_text(encoding="utf-8"))
        mp = _parse_mapping(doc, entry.name, model)
        if mp.name in out:
            raise ModelError("duplicate mapping name", name=mp.name)
        out[mp.name] = mp
    return out


def mapping_for(file_name: str, header: Iterable[str] | None = None, source_type: str | None = None
                ) -> RecordMapping | None:
    """The mapping of a file: ``source_type`` if given, else by file-name pattern (confirmed
    by the header when one is given), else by header alone (exactly one must match)."""
    maps = load_mappings()
    if source_type:
        if source_type not in maps:
            raise DataError("no such record mapping", source_type=source_type)
        return maps[source_type]
    hdr = list(header) if header is not None else None
    by_name = [m for m in maps.values() if m.matches_file(file_name)]
    if hdr is not None:
        both = [m for m in by_name if m.matches_header(hdr)]
        if len(both) == 1:
            return both[0]
        by_header = [m for m in maps.values() if m.matches_header(hdr)]
        if len(by_header) == 1:
            return by_header[0]
        if len(by_header) > 1:
            # the mapping that requires the most columns is the most specific
            by_header.sort(key=lambda m: (-len(m.headers), m.name))
            if len(by_header[0].headers) > len(by_header[1].headers):
                return by_header[0]
        return None
    return by_name[0] if len(by_name) == 1 else None


def fold_row(statements: list[Statement]) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """Fold the statements of one row into node and relationship upsert rows."""
    rows = fold(statements)
    return rows.nodes, rows.rels
