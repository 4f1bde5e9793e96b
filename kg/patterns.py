"""The pattern library: read-only Cypher files with a metadata header, run as clues.

A pattern is one file ``cypher/<family>/<name>.cypher`` (package data, read through
:mod:`importlib.resources`) that starts with a YAML header in ``//`` comments::

    // ---
    // id: generic.fan_in
    // version: 1
    // title: {zh: 多对一集中转入, en: Fan-in}
    // description: ...
    // legal_basis: [刑法 191 洗钱罪]
    // params:
    //   min_senders: {type: int, default: 5, min: 2}
    //   min_total: {type: float, default_from: thresholds.large_transfer_individual_cny}
    // returns: [account, senders, total, members]
    // backends: [neo4j, falkordb]
    // tags: [aml]
    // members: members          # column(s) holding the uids of the clue's subgraph
    // score: total              # a column, or arithmetic over columns
    // explain_zh: "账户 {account} 收到 {senders} 个账户转入"
    // ---
    MATCH ...

A backend-specific sibling ``<name>.neo4j.cypher`` (or ``.falkordb.cypher``) may hold the
same header and a dialect variant; it is used on that backend only.

Checks at load time (each failure raises :class:`kg.errors.PatternError`): the header
is valid; the declared parameters equal the ``$names`` of the query, both ways; every
label, relationship type and property the query names exists in the model; the query
has no write clause. :meth:`Pattern.check_read_only_on` adds the engine's own verdict
(Neo4j ``EXPLAIN`` query type ``'r'``; FalkorDB ``GRAPH.EXPLAIN`` without write
operations, and patterns always run through ``GRAPH.RO_QUERY``).

Dialect notes for authors: name every relationship whose multiplicity matters (FalkorDB
collapses parallel edges of an unnamed or unreferenced relationship in a pattern);
add ``r1 <> r2`` in fixed multi-hop patterns; never carry big lists through
``UNWIND``/``MATCH`` rows (FalkorDB copies them per row): put each step of a layered
traversal in a ``CALL { WITH ... }`` subquery, which Neo4j receives rewritten to
``CALL (...) { ... }`` (:func:`neo4j_scoped_calls`); sort before ``collect`` and round
sums (``round(x * 1000) / 1000.0``) so both engines return identical rows.

Thresholds (prosecution standards and similar) live in ``cypher/thresholds.yaml``, a
versioned table; a parameter refers to one with ``default_from: thresholds.<key>``.
"""

from __future__ import annotations

import ast
import hashlib
import json
import logging
import operator
import re
import string
import time
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, Callable, Iterable, Mapping, Sequence

import yaml

from kg.errors import NotFound, PatternError
from kg.jsonable import plain as _plain
from kg.model import DS, ENTITY_LABEL, NODE_ID, REL_ID, SRC, Model, encode_value, load_model
from kg.store.base import GraphStore, Node, Path, Rel

log = logging.getLogger(__name__)

PARAM_TYPES = frozenset({"int", "float", "string", "date", "datetime", "bool", "list"})
BACKENDS = frozenset({"neo4j", "falkordb"})
INTERNAL_PROPS = frozenset({NODE_ID, REL_ID, SRC, DS})
HEADER_KEYS = frozenset({"id", "version", "title", "description", "legal_basis", "params", "returns",
                         "backends", "tags", "members", "score", "explain_zh", "inferred"})
PARAM_KEYS = frozenset({"type", "default", "default_from", "min", "max", "items", "choices", "description"})
#: procedures a pattern may CALL (read-only by construction)
READ_PROCEDURES = frozenset({"db.labels", "db.relationshiptypes", "db.propertykeys"})
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_WRITE_RE = re.compile(r"(?<![.\w])(CREATE|MERGE|SET|DELETE|REMOVE|DETACH|DROP|FOREACH)(?!\w)", re.IGNORECASE)
_LOAD_CSV_RE = re.compile(r"(?<![.\w])LOAD\s+CSV(?!\w)", re.IGNORECASE)
_CALL_RE = re.compile(r"(?<![.\w])CALL\s*(\{|[A-Za-z_][\w.]*)", re.IGNORECASE)
_PARAM_RE = re.compile(r"\$([A-Za-z_]\w*)")
_REL_RE = re.compile(r"\[\s*[A-Za-z_]?\w*\s*:\s*([A-Za-z_]\w*(?:\s*\|\s*:?\s*[A-Za-z_]\w*)*)")
_LABEL_RE = re.compile(r"(?<=[\w)\s(])\s*:\s*([A-Z]\w*)")
_PROP_RE = re.compile(r"(?<![\w.$])([A-Za-z_]\w*|\)|\])\s*\.\s*([A-Za-z_]\w*)(?!\s*\()")
_IMPORT_WITH_RE = re.compile(
    r"CALL\s*\{[ \t]*\n([ \t]*)WITH[ \t]+([A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*)[ \t]*\n"
    r"(?![ \t]*(?:WHERE|ORDER|SKIP|LIMIT)\b)", re.IGNORECASE)
_FAMILY_FILE_RE = re.compile(r"^([a-z][a-z0-9_]*)(?:\.(neo4j|falkordb))?\.cypher$")


# -- text helpers ---------------------------------------------------------------------
def strip_cypher(text: str) -> str:
    """Blank out string literals and comments (keeping offsets), unquote backticks.

    >>> strip_cypher("MATCH (n) // CREATE\\nWHERE n.name = 'SET x' RETURN n")
    "MATCH (n)          \\nWHERE n.name = '     ' RETURN n"
    """
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in ("'", '"'):
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + (c if j < n else ""))
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "`":
            j = text.find("`", i + 1)
            j = n if j < 0 else j
            out.append(" " + text[i + 1:j] + " ")
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_header(text: str, where: str = "pattern") -> tuple[dict[str, Any], str]:
    """Split a pattern file into its YAML header (the ``// ---`` block) and the query."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "// ---":
        raise PatternError("pattern file must start with a '// ---' header line", file=where)
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "// ---")
    except StopIteration:
        raise PatternError("pattern header is not closed with '// ---'", file=where) from None
    body = []
    for ln in lines[1:end]:
        s = ln.strip()
        if not s.startswith("//"):
            raise PatternError("every header line must start with '//'", file=where)
        body.append(s[3:] if s.startswith("// ") else s[2:])
    try:
        meta = yaml.safe_load("\n".join(body)) or {}
    except yaml.YAMLError as exc:
        raise PatternError(f"pattern header is not valid YAML: {exc}", file=where) from None
    if not isinstance(meta, dict):
        raise PatternError("pattern header must be a YAML mapping", file=where)
    query = "\n".join(lines[end + 1:]).strip()
    if not query:
        raise PatternError("pattern file has no query after its header", file=where)
    return meta, query


def write_clauses(query: str) -> list[str]:
    """The write clauses (or non-allow-listed procedure calls) found in ``query``.

    >>> write_clauses("MATCH (n) RETURN n.created AS created")
    []
    >>> write_clauses("MATCH (n) DETACH DELETE n")
    ['DETACH', 'DELETE']
    """
    s = strip_cypher(query)
    found = [m.group(1).upper() for m in _WRITE_RE.finditer(s)]
    found += ["LOAD CSV" for _ in _LOAD_CSV_RE.finditer(s)]
    for m in _CALL_RE.finditer(s):
        target = m.group(1)
        if target != "{" and target.lower() not in READ_PROCEDURES:
            found.append(f"CALL {target}")
    return found


def names_used(query: str) -> tuple[set[str], set[str], set[str], set[str]]:
    """``(params, labels, relationship types, properties)`` named by ``query``."""
    s = strip_cypher(query)
    params = set(_PARAM_RE.findall(s))
    rel_types: set[str] = set()
    spans: list[tuple[int, int]] = []
    for m in _REL_RE.finditer(s):
        spans.append(m.span(1))
        rel_types.update(t.strip().lstrip(":").strip() for t in m.group(1).split("|"))
    labels: set[str] = set()
    for m in _LABEL_RE.finditer(s):
        if any(a <= m.start(1) < b for a, b in spans):
            continue
        labels.add(m.group(1))
    props = {m.group(2) for m in _PROP_RE.finditer(s) if not m.group(1)[0].isdigit()}
    return params, labels, rel_types, props


def neo4j_scoped_calls(query: str) -> str:
    """Rewrite ``CALL {\\n  WITH a, b\\n ...}`` into Neo4j 5's ``CALL (a, b) { ... }``.

    FalkorDB only knows the importing-``WITH`` form, which Neo4j 5.23+ reports as
    deprecated on every run; the two forms mean the same. Only an importing ``WITH``
    that is a bare variable list on its own line is rewritten.

    >>> neo4j_scoped_calls("MATCH (a)\\nCALL {\\n  WITH a\\n  MATCH (a)-->(b) RETURN count(b) AS n\\n}\\nRETURN n")
    'MATCH (a)\\nCALL (a) {\\n  MATCH (a)-->(b) RETURN count(b) AS n\\n}\\nRETURN n'
    """
    return _IMPORT_WITH_RE.sub(lambda m: f"CALL ({m.group(2)}) {{\n", query)


# -- thresholds -----------------------------------------------------------------------
@dataclass(frozen=True)
class Threshold:
    """One row of the thresholds table."""

    key: str
    value: float | int
    unit: str
    title_zh: str
    legal_basis: str
    source: str
    source_date: str
    note: str = ""


@lru_cache(maxsize=1)
def load_thresholds() -> tuple[str, dict[str, Threshold]]:
    """Read ``cypher/thresholds.yaml``: ``(version, {key: Threshold})``.

    >>> version, rows = load_thresholds()
    >>> rows["loan_fraud_loss_cny"].value
    500000
    """
    entry = resources.files("cypher") / "thresholds.yaml"
    doc = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
    version = doc.get("version")
    if not version:
        raise PatternError("thresholds.yaml needs a version")
    rows: dict[str, Threshold] = {}
    for key, row in (doc.get("thresholds") or {}).items():
        missing = [k for k in ("value", "unit", "title_zh", "legal_basis", "source", "source_date") if k not in row]
        if missing:
            raise PatternError("threshold row is incomplete", key=key, missing=missing)
        if isinstance(row["value"], bool) or not isinstance(row["value"], (int, float)):
            raise PatternError("threshold value must be a number", key=key)
        rows[key] = Threshold(key=key, value=row["value"], unit=str(row["unit"]), title_zh=str(row["title_zh"]),
                              legal_basis=str(row["legal_basis"]), source=str(row["source"]),
                              source_date=str(row["source_date"]), note=str(row.get("note", "")))
    return str(version), rows


# -- parameters -----------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    """A declared pattern parameter."""

    name: str
    type: str
    default: Any = None
    default_from: str | None = None
    min: float | None = None
    max: float | None = None
    items: str | None = None
    choices: tuple[Any, ...] | None = None
    description: str = ""

    @property
    def required(self) -> bool:
        """True when the parameter has no default and must be given."""
        return self.default is None

    def coerce(self, value: Any) -> Any:
        """Validate and convert ``value`` to what the query receives.

        ``date``/``datetime`` values (ISO strings, :class:`datetime.date`, epoch ms)
        become epoch milliseconds, as the store encodes dates. Errors name the
        parameter, never the value.
        """
        try:
            if self.type == "list":
                if isinstance(value, str):
                    value = [v for v in (x.strip() for x in value.split(",")) if v]
                if not isinstance(value, (list, tuple)):
                    raise TypeError("not a list")
                kind = self.items or "string"
                out: Any = [encode_value(kind, v) for v in value]
            elif self.type == "bool":
                out = encode_value("bool", value)
            elif self.type == "int" and isinstance(value, str):
                out = int(value.strip())
            else:
                out = encode_value(self.type, value)
        except (TypeError, ValueError) as exc:
            raise PatternError(f"parameter does not fit type {self.type}", param=self.name,
                               reason=type(exc).__name__) from None
        if self.type in ("int", "float", "date", "datetime"):
            lo = self._bound(self.min)
            hi = self._bound(self.max)
            if lo is not None and out < lo:
                raise PatternError("parameter below its minimum", param=self.name, min=self.min)
            if hi is not None and out > hi:
                raise PatternError("parameter above its maximum", param=self.name, max=self.max)
        if self.choices is not None and out not in self.choices:
            raise PatternError("parameter not one of its choices", param=self.name, choices=list(self.choices))
        return out

    def _bound(self, b: Any) -> Any:
        if b is None:
            return None
        return encode_value(self.type, b) if self.type in ("date", "datetime") else b


def _parse_param(pid: str, name: str, spec: Any) -> Param:
    if not isinstance(spec, Mapping):
        raise PatternError("parameter spec must be a mapping", pattern=pid, param=name)
    unknown = set(spec) - PARAM_KEYS
    if unknown:
        raise PatternError("unknown keys in parameter spec", pattern=pid, param=name, keys=sorted(unknown))
    ptype = spec.get("type")
    if ptype not in PARAM_TYPES:
        raise PatternError("parameter needs a type", pattern=pid, param=name, allowed=sorted(PARAM_TYPES))
    default = spec.get("default")
    dfrom = spec.get("default_from")
    if dfrom is not None:
        if default is not None:
            raise PatternError("give default or default_from, not both", pattern=pid, param=name)
        if not isinstance(dfrom, str) or not dfrom.startswith("thresholds."):
            raise PatternError("default_from must be thresholds.<key>", pattern=pid, param=name)
        _, rows = load_thresholds()
        key = dfrom.split(".", 1)[1]
        if key not in rows:
            raise PatternError("default_from names an unknown threshold", pattern=pid, param=name, key=key)
        default = rows[key].value
    for b in ("min", "max"):
        if spec.get(b) is not None and ptype not in ("int", "float", "date", "datetime"):
            raise PatternError(f"{b} only applies to numbers and dates", pattern=pid, param=name)
    choices = spec.get("choices")
    p = Param(name=name, type=ptype, default=None, default_from=dfrom, min=spec.get("min"), max=spec.get("max"),
              items=spec.get("items"), choices=tuple(choices) if choices is not None else None,
              description=str(spec.get("description", "")))
    if p.items is not None and (ptype != "list" or p.items not in PARAM_TYPES - {"list"}):
        raise PatternError("items applies to list parameters and names a scalar type", pattern=pid, param=name)
    if default is not None:
        p.coerce(default)  # the default must itself be valid
    return Param(**{**p.__dict__, "default": default})


# -- score expressions ------------------------------------------------------------------
_OPS: dict[type, Callable[..., Any]] = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
                                        ast.Div: operator.truediv, ast.USub: operator.neg, ast.UAdd: operator.pos}


def _check_score_expr(pid: str, expr: str, columns: Sequence[str]) -> ast.Expression:
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        raise PatternError("score is not a column or an arithmetic expression", pattern=pid) from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in columns:
                raise PatternError("score names a column the pattern does not return", pattern=pid, column=node.id)
        elif not isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Load,
                                   *_OPS.keys())):
            raise PatternError("score may use columns, numbers and + - * / only", pattern=pid)
    return tree


def _eval_score(node: ast.AST, row: Mapping[str, Any]) -> float:
    if isinstance(node, ast.Expression):
        return _eval_score(node.body, row)
    if isinstance(node, ast.Constant):
        return float(node.value) if isinstance(node.value, (int, float)) else 0.0
    if isinstance(node, ast.Name):
        v = row.get(node.id)
        return float(v) if v is not None else 0.0
    if isinstance(node, ast.UnaryOp):
        return float(_OPS[type(node.op)](_eval_score(node.operand, row)))
    if isinstance(node, ast.BinOp):
        a, b = _eval_score(node.left, row), _eval_score(node.right, row)
        if isinstance(node.op, ast.Div) and b == 0:
            return 0.0
        return float(_OPS[type(node.op)](a, b))
    raise PatternError("unsupported score expression")


# -- clues ----------------------------------------------------------------------------
def clue_id(rule_id: str, version: int, members: Iterable[str]) -> str:
    """Stable id of a clue: hash of rule id, version and the sorted member uids.

    >>> clue_id("generic.fan_in", 1, ["b", "a"]) == clue_id("generic.fan_in", 1, ["a", "b"])
    True
    """
    payload = json.dumps([rule_id, int(version), sorted(set(members))], ensure_ascii=False, separators=(",", ":"))
    return "clue:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class Clue:
    """One ranked hit of a pattern: a reviewable, reproducible lead (线索).

    Attributes
    ----------
    rule_id, rule_version:
        The pattern that produced it.
    score:
        Rank score (higher first).
    explanation_zh:
        Plain-language Chinese explanation built from the row.
    members:
        Sorted uids of the entities making up the clue's subgraph.
    params:
        The parameter values used (after defaults and coercion).
    row:
        The raw result row (normalised values).
    """

    rule_id: str
    rule_version: int
    score: float
    explanation_zh: str
    members: tuple[str, ...]
    params: Mapping[str, Any]
    row: Mapping[str, Any]

    @property
    def id(self) -> str:
        """Stable hash of (rule id, version, sorted members)."""
        return clue_id(self.rule_id, self.rule_version, self.members)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict of the clue."""
        return {"id": self.id, "rule_id": self.rule_id, "rule_version": self.rule_version, "score": self.score,
                "explanation_zh": self.explanation_zh, "members": list(self.members),
                "params": _plain(dict(self.params)), "row": _plain(dict(self.row))}


class _Fmt(dict):  # type: ignore[type-arg]
    """Row values for ``str.format_map``: nodes show their id, floats are rounded."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fmt_value(v: Any) -> Any:
    if isinstance(v, (Node, Rel)):
        return v.id
    if isinstance(v, float):
        return round(v, 2) if not v.is_integer() else int(v)
    if isinstance(v, (list, tuple)):
        return "、".join(str(_fmt_value(x)) for x in v)
    return v


# -- patterns -------------------------------------------------------------------------
@dataclass
class Pattern:
    """A validated, read-only pattern. Build with :meth:`from_text` or :class:`PatternLibrary`."""

    id: str
    version: int
    title_zh: str
    title_en: str
    description: str
    legal_basis: tuple[str, ...]
    params: dict[str, Param]
    returns: tuple[str, ...]
    backends: tuple[str, ...]
    tags: tuple[str, ...]
    members: tuple[str, ...]
    score: str
    explain_zh: str
    query: str
    source: str
    variants: dict[str, str] = field(default_factory=dict)
    inferred: bool = False
    _score_tree: ast.Expression | None = None

    # -- construction ----------------------------------------------------------------
    @classmethod
    def from_text(cls, text: str, *, source: str = "<text>", model: Model | None = None,
                  family: str | None = None) -> Pattern:
        """Parse and check a pattern file's text; raise :class:`PatternError` on any problem."""
        meta, query = split_header(text, source)
        unknown = set(meta) - HEADER_KEYS
        if unknown:
            raise PatternError("unknown keys in pattern header", file=source, keys=sorted(unknown))
        for key in ("id", "version", "title", "params", "returns", "backends", "members", "score", "explain_zh"):
            if key not in meta:
                raise PatternError(f"pattern header lacks '{key}'", file=source)
        pid = meta["id"]
        if not isinstance(pid, str) or not _ID_RE.match(pid):
            raise PatternError("pattern id must be '<family>.<name>' in lower case", file=source)
        if family is not None and pid.split(".", 1)[0] != family:
            raise PatternError("pattern id does not start with its folder (family)", file=source, id=pid)
        version = meta["version"]
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise PatternError("version must be a positive integer", pattern=pid)
        title = meta["title"]
        if not isinstance(title, Mapping) or not title.get("zh") or not title.get("en"):
            raise PatternError("title needs zh and en", pattern=pid)
        legal = meta.get("legal_basis") or []
        if not isinstance(legal, list) or not all(isinstance(x, str) for x in legal):
            raise PatternError("legal_basis must be a list of strings", pattern=pid)
        raw_params = meta["params"] or {}
        if not isinstance(raw_params, Mapping):
            raise PatternError("params must be a mapping", pattern=pid)
        params = {str(k): _parse_param(pid, str(k), v) for k, v in raw_params.items()}
        returns = meta["returns"]
        if not isinstance(returns, list) or not returns or not all(isinstance(c, str) for c in returns):
            raise PatternError("returns must be a non-empty list of column names", pattern=pid)
        backends = meta["backends"]
        if not isinstance(backends, list) or not backends or not set(backends) <= BACKENDS:
            raise PatternError("backends must list neo4j and/or falkordb", pattern=pid)
        tags = meta.get("tags") or []
        members = meta["members"]
        members_t = tuple([members] if isinstance(members, str) else members or [])
        if not members_t or any(m not in returns for m in members_t):
            raise PatternError("members must name returned column(s)", pattern=pid)
        score = meta["score"]
        if not isinstance(score, (str, int, float)) or isinstance(score, bool):
            raise PatternError("score must be a column or an expression", pattern=pid)
        score_s = str(score)
        tree = None if score_s in returns else _check_score_expr(pid, score_s, returns)
        explain = meta["explain_zh"]
        if not isinstance(explain, str) or not explain.strip():
            raise PatternError("explain_zh must be a format string", pattern=pid)
        for _, fname, _, _ in string.Formatter().parse(explain):
            if fname is not None and fname.split(".")[0].split("[")[0] not in returns:
                raise PatternError("explain_zh names a column the pattern does not return", pattern=pid,
                                   column=fname)
        p = cls(id=pid, version=version, title_zh=str(title["zh"]), title_en=str(title["en"]),
                description=str(meta.get("description", "")).strip(), legal_basis=tuple(legal), params=params,
                returns=tuple(returns), backends=tuple(backends), tags=tuple(str(t) for t in tags),
                members=members_t, score=score_s, explain_zh=explain, query=query, source=source,
                inferred=bool(meta.get("inferred", False)), _score_tree=tree)
        p.check_query(query, model or load_model())
        return p

    def add_variant(self, backend: str, text: str, source: str, model: Model | None = None) -> None:
        """Attach a backend-specific query (a ``name.<backend>.cypher`` sibling).

        The sibling's header must match the main file's (same id, version, params, returns).
        """
        other = Pattern.from_text(text, source=source, model=model)
        for attr in ("id", "version", "returns", "members", "score"):
            if getattr(other, attr) != getattr(self, attr):
                raise PatternError(f"backend variant differs from its pattern in '{attr}'", file=source)
        if set(other.params) != set(self.params):
            raise PatternError("backend variant declares other parameters", file=source)
        if backend not in self.backends:
            raise PatternError("variant for a backend the pattern does not list", file=source, backend=backend)
        self.variants[backend] = other.query

    # -- checks ----------------------------------------------------------------------
    def check_query(self, query: str, model: Model) -> None:
        """Check parameters, model names and read-only-ness of ``query``."""
        writes = write_clauses(query)
        if writes:
            raise PatternError("pattern is not read-only: write clause found", pattern=self.id,
                               clauses=sorted(set(writes)))
        used, labels, rel_types, props = names_used(query)
        declared = set(self.params)
        if used - declared:
            raise PatternError("query uses undeclared parameter(s)", pattern=self.id, params=sorted(used - declared))
        if declared - used:
            raise PatternError("declared parameter(s) not used by the query", pattern=self.id,
                               params=sorted(declared - used))
        bad_labels = sorted(lab for lab in labels if lab not in model.nodes and lab != ENTITY_LABEL)
        if bad_labels:
            raise PatternError("query names label(s) not in the model", pattern=self.id, labels=bad_labels)
        bad_types = sorted(t for t in rel_types if t not in model.relationships)
        if bad_types:
            raise PatternError("query names relationship type(s) not in the model", pattern=self.id,
                               types=bad_types)
        known = model.all_property_names() | INTERNAL_PROPS
        bad_props = sorted(p for p in props if p not in known)
        if bad_props:
            raise PatternError("query names property(ies) not in the model", pattern=self.id, properties=bad_props)

    def query_for(self, backend: str) -> str:
        """The query text to run on ``backend``: a sibling variant if there is one; on
        Neo4j, importing-``WITH`` subqueries are written in the scoped form
        (:func:`neo4j_scoped_calls`)."""
        if backend not in self.backends:
            raise PatternError("pattern does not support this backend", pattern=self.id, backend=backend)
        if backend in self.variants:
            return self.variants[backend]
        return neo4j_scoped_calls(self.query) if backend == "neo4j" else self.query

    def check_read_only_on(self, store: GraphStore, timeout: float | None = 30.0) -> str:
        """Ask the engine whether the pattern is read-only; return its verdict (``"r"``).

        Uses :meth:`GraphStore.write_operations`: Neo4j ``EXPLAIN`` must report query
        type ``r``; FalkorDB's ``GRAPH.EXPLAIN`` plan must have no write step. Nothing runs.
        """
        q = self.query_for(store.backend)
        params = self.bind({k: p.default for k, p in self.params.items() if p.default is not None}, partial=True)
        ops = store.write_operations(q, params)
        if ops:
            raise PatternError("the engine plans writes for this pattern", pattern=self.id, operations=ops)
        return "r"

    # -- running ---------------------------------------------------------------------
    def bind(self, given: Mapping[str, Any] | None = None, *, partial: bool = False) -> dict[str, Any]:
        """Defaults plus ``given`` values, validated and coerced; unknown names refused."""
        given = dict(given or {})
        unknown = set(given) - set(self.params)
        if unknown:
            raise PatternError("unknown parameter(s)", pattern=self.id, params=sorted(unknown),
                               allowed=sorted(self.params))
        out: dict[str, Any] = {}
        for name, p in self.params.items():
            value = given.get(name, p.default)
            if value is None:
                if partial:
                    out[name] = None
                    continue
                raise PatternError("parameter is required", pattern=self.id, param=name)
            out[name] = p.coerce(value)
        return out

    def rows(self, store: GraphStore, params: Mapping[str, Any] | None = None, *,
             timeout: float | None = None) -> list[dict[str, Any]]:
        """Run the query and return its raw rows (parameters validated)."""
        bound = self.bind(params)
        t0 = time.perf_counter()
        rows = store.query(self.query_for(store.backend), bound, timeout=timeout)
        log.info("pattern ran id=%s version=%d backend=%s rows=%d params=%s seconds=%.4f", self.id, self.version,
                 store.backend, len(rows), sorted(bound), time.perf_counter() - t0)
        for r in rows[:1]:
            missing = [c for c in self.returns if c not in r]
            if missing:
                raise PatternError("query did not return the declared columns", pattern=self.id, missing=missing)
        return rows

    def run(self, store: GraphStore, params: Mapping[str, Any] | None = None, *,
            timeout: float | None = None) -> list[Clue]:
        """Run the pattern on ``store`` and turn its rows into sorted :class:`Clue` s.

        Sorted by score descending, then by members, then by the row's JSON form, so
        the order is deterministic on both backends.
        """
        bound = self.bind(params)
        clues = [self.to_clue(r, bound) for r in self.rows(store, bound, timeout=timeout)]
        clues.sort(key=lambda c: (-c.score, c.members, json.dumps(_plain(dict(c.row)), sort_keys=True,
                                                                  ensure_ascii=False)))
        return clues

    def to_clue(self, row: Mapping[str, Any], params: Mapping[str, Any]) -> Clue:
        """Build a :class:`Clue` from one result row."""
        members: set[str] = set()
        for col in self.members:
            members.update(_uids(row.get(col)))
        if self._score_tree is None:
            v = row.get(self.score)
            score = float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else 0.0
        else:
            score = _eval_score(self._score_tree, row)
        fmt = _Fmt({k: _fmt_value(v) for k, v in row.items()})
        try:
            text = self.explain_zh.format_map(fmt)
        except (ValueError, KeyError, IndexError, AttributeError):
            text = self.explain_zh
        return Clue(rule_id=self.id, rule_version=self.version, score=score, explanation_zh=text,
                    members=tuple(sorted(members)), params=dict(params), row=dict(row))

    def describe(self) -> dict[str, Any]:
        """Metadata for listings (``kg patterns show``, the API)."""
        return {"id": self.id, "version": self.version, "title": {"zh": self.title_zh, "en": self.title_en},
                "description": self.description, "legal_basis": list(self.legal_basis),
                "params": {k: {"type": p.type, "default": p.default, "default_from": p.default_from,
                               "min": p.min, "max": p.max, "description": p.description}
                           for k, p in self.params.items()},
                "returns": list(self.returns), "backends": list(self.backends), "tags": list(self.tags),
                "members": list(self.members), "score": self.score, "inferred": self.inferred,
                "variants": sorted(self.variants), "source": self.source}


def _uids(v: Any) -> Iterable[str]:
    if v is None:
        return []
    if isinstance(v, str):
        return [v]
    if isinstance(v, Node):
        return [v.id]
    if isinstance(v, Rel):
        return [v.start, v.end]
    if isinstance(v, Path):
        return [n.id for n in v.nodes]
    if isinstance(v, (list, tuple)):
        return [u for x in v for u in _uids(x)]
    return [str(v)]


class PatternLibrary:
    """Every pattern under the ``cypher`` package (``<family>/<name>.cypher``), checked at load.

    >>> lib = PatternLibrary.load()
    >>> lib.get("generic.fan_in").version >= 1
    True
    """

    def __init__(self, patterns: Mapping[str, Pattern]) -> None:
        self.patterns = dict(sorted(patterns.items()))

    @classmethod
    def load(cls, root: Traversable | None = None, *, model: Model | None = None) -> PatternLibrary:
        """Load and check every pattern file under ``root`` (default: the ``cypher`` package)."""
        m = model or load_model()
        base = root if root is not None else resources.files("cypher")
        found: dict[str, Pattern] = {}
        variants: list[tuple[str, str, str, str]] = []
        for fam in sorted(base.iterdir(), key=lambda e: e.name):
            if not fam.is_dir() or fam.name in ("schema", "demo", "__pycache__"):
                continue
            for entry in sorted(fam.iterdir(), key=lambda e: e.name):
                mt = _FAMILY_FILE_RE.match(entry.name)
                if not entry.name.endswith(".cypher"):
                    continue
                where = f"{fam.name}/{entry.name}"
                if not mt:
                    raise PatternError("pattern file name must be <name>.cypher or <name>.<backend>.cypher",
                                       file=where)
                text = entry.read_text(encoding="utf-8")
                if mt.group(2):
                    variants.append((mt.group(1), mt.group(2), text, where))
                    continue
                p = Pattern.from_text(text, source=where, model=m, family=fam.name)
                if p.id.split(".", 1)[1] != mt.group(1):
                    raise PatternError("pattern id does not match its file name", file=where, id=p.id)
                if p.id in found:
                    raise PatternError("duplicate pattern id", id=p.id, file=where)
                found[p.id] = p
        for name, backend, text, where in variants:
            family = where.split("/", 1)[0]
            main = found.get(f"{family}.{name}")
            if main is None:
                raise PatternError("backend variant without its main pattern file", file=where)
            main.add_variant(backend, text, where, m)
        log.info("pattern library loaded patterns=%d", len(found))
        return cls(found)

    def __iter__(self) -> Any:
        return iter(self.patterns.values())

    def __len__(self) -> int:
        return len(self.patterns)

    def ids(self) -> list[str]:
        """Pattern ids in sorted order."""
        return list(self.patterns)

    def get(self, pattern_id: str) -> Pattern:
        """The pattern ``pattern_id``; :class:`NotFound` if there is none."""
        try:
            return self.patterns[pattern_id]
        except KeyError:
            raise NotFound("no such pattern", id=pattern_id) from None

    def run(self, store: GraphStore, pattern_id: str, params: Mapping[str, Any] | None = None) -> list[Clue]:
        """Run one pattern by id."""
        return self.get(pattern_id).run(store, params)


@lru_cache(maxsize=1)
def default_library() -> PatternLibrary:
    """The packaged library, loaded once."""
    return PatternLibrary.load()
