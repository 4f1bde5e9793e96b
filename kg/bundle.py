"""Evidence bundles (证据包): freeze a clue or any subgraph into one signed zip.

A bundle is a deterministic zip holding

* ``manifest.json``: bundle id, when and by whom, tool and backend versions, what was
  selected (pattern id, version and parameters, entity ids and depth, or a saved
  read-only query), the export policy, counts, the SHA-256 of every other file of the
  bundle and of every source file the facts came from (from the ``Source`` nodes), and
  the Ed25519 public key (with its fingerprint) that signed it;
* ``manifest.sig``: the Ed25519 signature of the exact ``manifest.json`` bytes;
* ``graph.json``: the subgraph (nodes, relationships, provenance refs);
* ``nodes.csv`` / ``relationships.csv``: the subgraph in the header format of
  ``neo4j-admin database import full`` (``uid:ID``, ``:LABEL``, ``:START_ID``,
  ``:END_ID``, ``:TYPE``, typed columns, ``;`` between array items). Values are in the
  store's own form (dates and datetimes as epoch milliseconds, ``Entity`` label, ``uid``,
  ``rid``, ``_src``, ``_ds``, ``_pv__*``), so an imported bundle is a cluegraph graph the
  patterns can run on again;
* ``graph.graphml``: the same for Gephi (:func:`networkx.write_graphml`);
* ``provenance.jsonl``: one line per fact (each property of each node and relationship,
  and each element's own existence) with its source ref, source file and row or span;
* ``sources/``: the cited excerpts (CSV header + cited rows, each prefixed with its row
  number in ``_row``; document spans) or, when asked, whole source files;
* ``clues.json`` (pattern bundles): every clue of the run, the bundled one marked;
* ``view.html`` (offline pyvis view) and ``report.html`` (Chinese narrative for the case
  file), both without any remote reference.

Integrity: :func:`verify_bundle` detects a changed, missing or extra file and a wrong
signature, naming the file. :func:`replay` re-runs the recorded selection on the
current graph and reports new, gone and changed clues, elements and properties.

Privacy: an :class:`ExportPolicy` masks identifiers (identity, phone, account and
similar numbers, i.e. ``pii`` properties that are identifiers) and keeps a salted
SHA-256 of each for matching; uids containing such a value are pseudonymised the same
way everywhere in the bundle. The ``viewer`` role also drops every other ``pii``
property; ``admin`` exports everything as stored.

Settings come from :class:`BundleSettings` (prefix ``KG_BUNDLE_``).
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import json
import logging
import os
import re
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal, Mapping, Sequence

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from kg import __version__
from kg.errors import KGError, NotFound, PatternError
from kg.jsonable import plain
from kg.model import ENTITY_LABEL, PV_PREFIX, Model, PropertyType, to_epoch_ms
from kg.store.base import GraphStore, Node, Rel, Subgraph
from kg.store.base import Path as GPath

log = logging.getLogger(__name__)

FORMAT = "cluegraph-bundle/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
DEV_SALT = "cluegraph-dev-salt"
KEY_FILE = "bundle-signing-key.pem"
Role = Literal["viewer", "analyst", "admin"]
ROLES: tuple[str, ...] = ("viewer", "analyst", "admin")
_IDENT_NAME = re.compile(r"(^|_)(number|no|phone|mobile|card|account|ric|uscc|id)(_|$)")
_MIN_SUB_LEN = 6  # raw values shorter than this are not replaced inside free text


class BundleError(KGError):
    """A bundle could not be built, read or replayed."""

    code = "bundle_error"


# -- settings ---------------------------------------------------------------------------
class BundleSettings(BaseSettings):
    """Bundle settings, read from ``KG_BUNDLE_*`` (or ``.env``).

    Attributes
    ----------
    signing_key:
        Path to an Ed25519 private key (PEM, PKCS#8). When unset, a development key is
        generated into ``data_dir`` (only with ``KG_ENV`` ``dev`` or ``test``).
    data_dir:
        Where a development key is kept.
    pii_salt:
        Salt of the SHA-256 kept for masked values. The default is refused outside dev.
    author:
        Default ``created_by`` (else the login name).
    """

    model_config = SettingsConfigDict(env_prefix="KG_BUNDLE_", env_file=".env", extra="ignore")

    signing_key: Path | None = None
    data_dir: Path = Path(".cluegraph")
    pii_salt: SecretStr = SecretStr(DEV_SALT)
    author: str | None = None


def _env() -> str:
    from kg.settings import get_settings

    return get_settings().env


def bundle_settings() -> BundleSettings:
    """Fresh :class:`BundleSettings` from the environment (cheap; not cached)."""
    s = BundleSettings()
    if s.pii_salt.get_secret_value() == DEV_SALT and _env() not in ("dev", "test"):
        raise BundleError("KG_BUNDLE_PII_SALT is the development default outside dev")
    return s


# -- keys -------------------------------------------------------------------------------
def fingerprint(public_key: Ed25519PublicKey) -> str:
    """``SHA256:<hex>`` of the raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "SHA256:" + hashlib.sha256(raw).hexdigest()


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    """Read an unencrypted Ed25519 private key from a PEM file."""
    data = Path(path).read_bytes()
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise BundleError("signing key is not an Ed25519 key", path=str(path))
    return key


def load_public_key(path_or_pem: str | Path | bytes) -> Ed25519PublicKey:
    """Read an Ed25519 public key (PEM file path or PEM bytes); a private key PEM also works."""
    data = path_or_pem if isinstance(path_or_pem, bytes) else Path(path_or_pem).read_bytes()
    if b"PRIVATE KEY" in data:
        return load_private_key_bytes(data).public_key()
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise BundleError("public key is not an Ed25519 key")
    return key


def load_private_key_bytes(data: bytes) -> Ed25519PrivateKey:
    """Parse an unencrypted Ed25519 private key PEM."""
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise BundleError("signing key is not an Ed25519 key")
    return key


def public_key_pem(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """The public key as PEM text."""
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return pub.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def signing_key(settings: BundleSettings | None = None) -> tuple[Ed25519PrivateKey, Path, bool]:
    """The signing key from settings: ``(key, path, generated)``.

    With ``KG_BUNDLE_SIGNING_KEY`` unset, a development key ``data_dir/bundle-signing-key.pem``
    is used, generated (mode 0600) if absent; outside ``KG_ENV=dev|test`` a key must be set.
    """
    s = settings or bundle_settings()
    if s.signing_key is not None:
        if not s.signing_key.exists():
            raise BundleError("KG_BUNDLE_SIGNING_KEY names a missing file", path=str(s.signing_key))
        return load_private_key(s.signing_key), s.signing_key, False
    path = s.data_dir / KEY_FILE
    if path.exists():
        return load_private_key(path), path, False
    if _env() not in ("dev", "test"):
        raise BundleError("no signing key: set KG_BUNDLE_SIGNING_KEY to an Ed25519 PEM outside dev")
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    log.warning("generated a development bundle signing key at %s (set KG_BUNDLE_SIGNING_KEY in production)",
                path)
    return key, path, True


# -- export policy ------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportPolicy:
    """What a bundle may show of personal data.

    Parameters
    ----------
    role:
        ``viewer`` (identifiers masked, every other ``pii`` property dropped),
        ``analyst`` (identifiers masked, names and the like kept) or ``admin`` (as stored).
    mask_identifiers:
        Override the role's default for masking identifiers.
    drop:
        Extra property names to drop everywhere.
    full_sources:
        Put whole source files in ``sources/`` instead of excerpts (refused when
        anything is masked or dropped: a whole file would leak what the policy hides).
    """

    role: Role = "analyst"
    mask_identifiers: bool | None = None
    drop: frozenset[str] = frozenset()
    full_sources: bool = False

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise BundleError("unknown role", role=self.role, allowed=list(ROLES))

    @property
    def masks(self) -> bool:
        """Whether identifiers are masked."""
        return self.mask_identifiers if self.mask_identifiers is not None else self.role != "admin"

    @property
    def drops_pii(self) -> bool:
        """Whether non-identifier personal properties are dropped."""
        return self.role == "viewer"

    def action(self, prop: PropertyType | None, name: str) -> str:
        """``keep``, ``mask`` or ``drop`` for one property."""
        if name in self.drop:
            return "drop"
        if prop is None or not prop.pii:
            return "keep"
        if is_identifier(prop) and self.masks:
            return "mask"
        if not is_identifier(prop) and self.drops_pii:
            return "drop"
        return "keep"

    def as_dict(self) -> dict[str, Any]:
        """JSON form recorded in the manifest."""
        return {"role": self.role, "mask_identifiers": self.masks, "drop_pii": self.drops_pii,
                "drop": sorted(self.drop), "full_sources": self.full_sources}


def is_identifier(prop: PropertyType) -> bool:
    """A ``pii`` property that identifies (ID card, phone, account, card numbers...)."""
    return bool(prop.pii and (prop.identifier or _IDENT_NAME.search(prop.name)))


def mask_text(value: str) -> str:
    """Keep the first 3 and last 2 characters of ``value`` (all stars when short).

    >>> mask_text("110105199001011234")
    '110*************34'
    """
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


def salted_sha256(value: str, salt: str) -> str:
    """Hex SHA-256 of ``salt + "\\x1f" + value`` (for matching masked values across bundles)."""
    return hashlib.sha256((salt + "\x1f" + value).encode("utf-8")).hexdigest()


class _Redactor:
    """Applies an :class:`ExportPolicy` to one subgraph consistently."""

    def __init__(self, model: Model, policy: ExportPolicy, salt: str) -> None:
        self.model = model
        self.policy = policy
        self.salt = salt
        self.token: dict[str, str] = {}  # raw identifier -> pseudonym token
        self.dropped: dict[str, str] = {}  # raw dropped value -> placeholder
        self.masked_props: set[str] = set()
        self.dropped_props: set[str] = set()
        self._re: re.Pattern[str] | None = None
        self._subst: dict[str, str] = {}
        self._actions: dict[tuple[tuple[str, ...], str], str] = {}
        self._memo: dict[str, str] = {}

    def learn(self, owners: Sequence[str], props: Mapping[str, Any]) -> None:
        for name, value in props.items():
            act = self._action(owners, name)
            if act == "keep" or value is None:
                continue
            for v in (value if isinstance(value, (list, tuple)) else [value]):
                s = _scalar_text(v)
                if act == "mask" and s:
                    self.token[s] = "h:" + salted_sha256(s, self.salt)[:16]
                elif act == "drop" and len(s) >= 2:
                    self.dropped[s] = "[已删除]"

    def _action(self, owners: Sequence[str], name: str) -> str:
        key = (tuple(owners), name)
        hit = self._actions.get(key)
        if hit is None:
            acts = {self.policy.action(self.model.property_type(o, name), name) for o in owners}
            hit = "drop" if "drop" in acts else "mask" if "mask" in acts else "keep"
            self._actions[key] = hit
        return hit

    def compile(self) -> None:
        """Prepare :meth:`text`: one trie-shaped regex over every value to replace (masked
        identifiers of at least 6 characters, dropped values of at least 2)."""
        subst = {k: v for k, v in self.dropped.items() if len(k) >= 2}
        subst.update({k: v for k, v in self.token.items() if len(k) >= _MIN_SUB_LEN})
        self._subst = subst
        self._re = re.compile(_trie_regex(subst)) if subst else None
        self._memo = {}

    def text(self, s: str) -> str:
        """Replace raw identifiers (and dropped values) inside free text or ids."""
        if not s or self._re is None:
            return s
        hit = self._memo.get(s)
        if hit is not None:
            return hit
        out = self._re.sub(lambda m: self._subst[m.group(0)], s)
        self._memo[s] = out
        return out

    def cell(self, s: str) -> str:
        """Replace one CSV cell: exact matches first, then inside the text."""
        if s in self.token:
            return self.token[s]
        if s in self.dropped:
            return self.dropped[s]
        return self.text(s)

    def props(self, owners: Sequence[str], props: Mapping[str, Any], pv: Mapping[str, str]
              ) -> tuple[dict[str, Any], dict[str, str]]:
        out: dict[str, Any] = {}
        out_pv: dict[str, str] = {}
        for name in sorted(props):
            value = props[name]
            act = self._action(owners, name)
            if act == "drop":
                self.dropped_props.add(name)
                continue
            if act == "mask" and value is not None:
                self.masked_props.add(name)
                if isinstance(value, (list, tuple)):
                    out[name] = [mask_text(_scalar_text(v)) for v in value]
                    out[name + "_sha256"] = [salted_sha256(_scalar_text(v), self.salt) for v in value]
                else:
                    out[name] = mask_text(_scalar_text(value))
                    out[name + "_sha256"] = salted_sha256(_scalar_text(value), self.salt)
                if name in pv:
                    out_pv[name + "_sha256"] = pv[name]
            else:
                out[name] = value
            if name in pv:
                out_pv[name] = pv[name]
        return out, out_pv


def _trie_regex(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, longest first, factorised as a prefix trie (fast
    for thousands of literals, where a flat alternation tries each one at every position).

    >>> re.findall(_trie_regex(["6222021", "62220", "abc"]), "x6222021y62220abc")
    ['6222021', '62220', 'abc']
    """
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        end = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if end else body

    return build(trie)


def _scalar_text(v: Any) -> str:
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# -- plain values ---------------------------------------------------------------------------
def _dumps(x: Any, *, compact: bool = False) -> bytes:
    if compact:  # the C encoder: indent would fall back to the pure-Python one
        return json.dumps(x, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return json.dumps(x, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256."""
    return hashlib.sha256(data).hexdigest()


def parse_ref(ref: str) -> dict[str, str]:
    """Split ``source_id#locator@extractor[@version]`` into its parts.

    >>> parse_ref("finbench/Person.csv#row=12@finbench@1")["locator"]
    'row=12'
    """
    if "#" not in ref:
        return {"source_id": ref, "locator": "", "extractor": ""}
    source_id, rest = ref.rsplit("#", 1)
    locator, _, extractor = rest.partition("@")
    return {"source_id": source_id, "locator": locator, "extractor": extractor}


def _locator(loc: str) -> dict[str, Any]:
    m = re.fullmatch(r"row=(\d+)", loc)
    if m:
        return {"row": int(m.group(1))}
    m = re.fullmatch(r"chars=(\d+)-(\d+)", loc)
    if m:
        return {"span": [int(m.group(1)), int(m.group(2))]}
    return {}


def induced_subgraph(store: GraphStore, uids: Iterable[str], known: Subgraph | None = None) -> Subgraph:
    """The nodes ``uids`` and every relationship among them: :meth:`GraphStore.subgraph`."""
    return store.subgraph(uids, known=known)


@dataclass
class Selection:
    """What a bundle freezes: the subgraph, how it was chosen, and (for patterns) the clues."""

    subgraph: Subgraph
    subject: dict[str, Any]
    focus: tuple[str, ...] = ()
    roles: dict[str, list[str]] = field(default_factory=dict)
    clues: list[Any] = field(default_factory=list)
    focal_clue: Any = None
    pattern: Any = None


def _clue_version(clue: Any) -> int:
    v: Any = getattr(clue, "rule_version", None)
    if v is None:
        v = getattr(clue, "version", 0)
    return int(v or 0)


def _clue_members(clue: Any) -> tuple[str, ...]:
    return tuple(sorted(str(m) for m in (getattr(clue, "members", ()) or ())))


def _clue_id(rule_id: str, version: int, members: Iterable[str]) -> str:
    """The clue id formula of :mod:`kg.patterns` (used from there when it is available)."""
    try:
        from kg.patterns import clue_id
    except ImportError:  # pragma: no cover - the patterns module moved
        payload = json.dumps([rule_id, int(version), sorted(set(members))], ensure_ascii=False,
                             separators=(",", ":"))
        return "clue:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
    return clue_id(rule_id, version, members)


def _library() -> Any:
    from kg import patterns

    lib_cls = getattr(patterns, "PatternLibrary", None)
    if lib_cls is None:
        raise BundleError("kg.patterns has no PatternLibrary")
    default = getattr(patterns, "default_library", None)
    return default() if callable(default) else lib_cls.load()


def _run_pattern(store: GraphStore, pattern: Any, params: Mapping[str, Any]) -> list[Any]:
    return list(pattern.run(store, dict(params)))


def _roles_from_row(row: Mapping[str, Any]) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = {}

    def walk(col: str, v: Any) -> None:
        if isinstance(v, Node):
            roles.setdefault(v.id, []).append(col)
        elif isinstance(v, GPath):
            for n in v.nodes:
                walk(col, n)
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(col, x)
        elif isinstance(v, str) and ":" in v:
            roles.setdefault(v, []).append(col)

    for col, v in row.items():
        walk(str(col), v)
    return {k: sorted(set(v)) for k, v in roles.items()}


def select_clue(store: GraphStore, clue: Any = None, *, pattern_id: str | None = None,
                params: Mapping[str, Any] | None = None, clue_id: str | None = None,
                run_clues: Sequence[Any] | None = None, library: Any = None) -> Selection:
    """Select a clue's subgraph (its members and every relationship among them).

    Give a ``Clue`` object, or ``pattern_id`` (+ ``params``) and ``clue_id`` (the pattern
    is run and the clue looked up; without ``clue_id`` the top clue is taken). The whole
    run's clues are recorded for :func:`replay`: ``run_clues`` if given, else the pattern
    is re-run with the clue's parameters.
    """
    lib = library or _library()
    if clue is None:
        if not pattern_id:
            raise BundleError("give a clue, or a pattern id (and a clue id)")
        pattern = lib.get(pattern_id)
        run = _run_pattern(store, pattern, params or {})
        if clue_id is None:
            if not run:
                raise NotFound("the pattern found no clue", pattern=pattern_id)
            clue = run[0]
        else:
            found = [c for c in run if c.id == clue_id]
            if not found:
                raise NotFound("no clue with that id in this run", pattern=pattern_id, clue=clue_id)
            clue = found[0]
        run_clues = run
    pattern = lib.get(clue.rule_id)
    if int(pattern.version) != _clue_version(clue):
        raise BundleError("the clue was made by another version of its pattern", pattern=clue.rule_id,
                          clue_version=_clue_version(clue), library_version=pattern.version)
    if run_clues is None:
        run_clues = _run_pattern(store, pattern, getattr(clue, "params", {}) or {})
    members = _clue_members(clue)
    g = induced_subgraph(store, members)
    subject = {"kind": "clue", "pattern": {
        "id": pattern.id, "version": int(pattern.version), "title_zh": getattr(pattern, "title_zh", ""),
        "title_en": getattr(pattern, "title_en", ""), "description": getattr(pattern, "description", ""),
        "legal_basis": list(getattr(pattern, "legal_basis", ()) or ()), "source": getattr(pattern, "source", ""),
        "inferred": bool(getattr(pattern, "inferred", False))},
        "params": plain(dict(getattr(clue, "params", {}) or {}))}
    member_cols = set(getattr(pattern, "members", ()) or ())
    roles = {u: sorted({"线索成员" if c in member_cols else c for c in cols})
             for u, cols in _roles_from_row(getattr(clue, "row", {}) or {}).items()}
    for m in members:
        if "线索成员" not in roles.setdefault(m, []):
            roles[m].append("线索成员")
    return Selection(g, subject, members, roles, list(run_clues), clue, pattern)


def select_entities(store: GraphStore, uids: Sequence[str], depth: int = 1, *, max_degree: int = 200,
                    limit: int = 500) -> Selection:
    """Select the ``depth``-hop neighbourhood of ``uids`` (union), at most ``limit`` nodes.

    Relationships among the selected nodes are all included (``store.subgraph``).
    """
    if not uids:
        raise BundleError("give at least one entity id")
    ids: list[str] = []
    seen: set[str] = set()
    known = Subgraph()
    for u in uids:
        nb = store.neighbourhood(u, depth, max_degree=max_degree, limit=limit)
        known.nodes.update(nb.nodes)
        known.rels.update(nb.rels)
        for n in sorted(nb.nodes):
            if n not in seen and len(seen) < limit:
                seen.add(n)
                ids.append(n)
    g = induced_subgraph(store, ids, known)
    subject = {"kind": "entities", "entities": list(uids), "depth": depth, "max_degree": max_degree,
               "limit": limit}
    roles = {u: ["中心实体"] for u in uids}
    return Selection(g, subject, tuple(uids), roles)


def select_query(store: GraphStore, cypher: str, params: Mapping[str, Any] | None = None, *,
                 name: str = "query") -> Selection:
    """Select what a saved **read-only** query returns (nodes, relationships, paths).

    Relationship endpoints not returned as nodes are fetched. Write clauses are refused
    before the query runs (and the store runs it read-only anyway).
    """
    try:
        from kg.patterns import write_clauses
        writes = write_clauses(cypher)
    except ImportError:  # pragma: no cover - patterns module moved
        writes = []
    if writes:
        raise PatternError("saved query is not read-only", clauses=sorted(set(writes)))
    rows = store.query(cypher, dict(params or {}))
    g = Subgraph()

    def walk(v: Any) -> None:
        if isinstance(v, (Node, Rel, GPath)):
            g.add(v)
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(x)
        elif isinstance(v, Mapping):
            for x in v.values():
                walk(x)

    for r in rows:
        walk(r)
    missing = {u for r in g.rels.values() for u in (r.start, r.end)} - set(g.nodes)
    if missing:
        for n in induced_subgraph(store, missing).nodes.values():
            g.add(n)
    subject = {"kind": "query", "name": name, "query": cypher, "params": plain(dict(params or {})),
               "rows": len(rows)}
    return Selection(g, subject, tuple(sorted(g.nodes)))


def read_saved_query(text: str, name: str = "query") -> tuple[str, str, dict[str, Any]]:
    """A saved query file: ``(name, query, default parameters)``.

    A file may start with the pattern-style ``// ---`` YAML header (``id``, ``params`` with
    ``default`` values); its id becomes the name. Without a header the whole text is the query.
    """
    if not text.lstrip().startswith("// ---"):
        return name, text.strip(), {}
    import yaml

    lines = text.strip().splitlines()
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "// ---")
    except StopIteration:
        raise BundleError("saved query header is not closed with '// ---'") from None
    body = [ln.strip()[3:] if ln.strip().startswith("// ") else ln.strip()[2:] for ln in lines[1:end]]
    meta = yaml.safe_load("\n".join(body)) or {}
    defaults = {k: v.get("default") for k, v in (meta.get("params") or {}).items()
                if isinstance(v, Mapping) and v.get("default") is not None}
    return str(meta.get("id") or name), "\n".join(lines[end + 1:]).strip(), defaults


# -- building ------------------------------------------------------------------------------
@dataclass
class BundleResult:
    """What :func:`write_bundle` produced."""

    path: Path
    manifest: dict[str, Any]
    key_path: Path | None
    key_generated: bool
    seconds: float
    size: int


_CSV_TYPES = {"int": "long", "float": "double", "bool": "boolean", "date": "long", "datetime": "long",
              "string": "string", "string[]": "string[]"}


def _csv_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime) or isinstance(v, dt.date):
        return str(to_epoch_ms(v))
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (list, tuple)):
        return ";".join(_csv_value(x) for x in v)
    return str(v)


def _infer_type(v: Any) -> str:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "long"
    if isinstance(v, float):
        return "double"
    if isinstance(v, (dt.date, dt.datetime)):
        return "long"
    if isinstance(v, (list, tuple)):
        return "string[]"
    return "string"


def _csv_columns(model: Model, items: Iterable[tuple[Sequence[str], Mapping[str, Any]]]) -> list[tuple[str, str]]:
    """Column names and neo4j-admin types: declared types where the value is as declared."""
    types: dict[str, set[str]] = {}
    for owners, props in items:
        for k, v in props.items():
            if v is None:
                continue
            spec = next((p for p in (model.property_type(o, k) for o in owners) if p is not None), None)
            declared = _CSV_TYPES[spec.type] if spec is not None else None
            t = _infer_type(v)
            if declared is not None and (t == declared or (declared == "long" and t == "long")
                                         or (declared == "double" and t in ("long", "double"))):
                t = declared
            types.setdefault(k, set()).add(t)
    out = []
    for k in sorted(types):
        ts = types[k]
        if len(ts) == 1:
            out.append((k, next(iter(ts))))
        elif ts <= {"long", "double"}:
            out.append((k, "double"))
        else:
            out.append((k, "string[]" if "string[]" in ts else "string"))
    return out


def _csv_bytes(header: list[str], rows: Iterable[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    return buf.getvalue().encode("utf-8")


def _source_name(source_id: str, full: bool) -> str:
    safe = re.sub(r"[^\w.\-]+", "__", source_id).strip("_") or "source"
    return f"sources/{'full/' if full else ''}{safe}"


def _unique(name: str, taken: Mapping[str, Any]) -> str:
    """``name``, or ``stem-2.ext``, ``stem-3.ext``... if two source ids sanitise alike."""
    if name not in taken:
        return name
    stem, dot, ext = name.rpartition(".")
    i = 2
    while f"{stem}-{i}{dot}{ext}" in taken:
        i += 1
    return f"{stem}-{i}{dot}{ext}"


def _sources_info(store: GraphStore, source_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    ids = sorted(set(source_ids))
    out: dict[str, dict[str, Any]] = {sid: {"source_id": sid, "uri": None, "sha256": None, "kind": None,
                                            "rows": None} for sid in ids}
    if ids:
        rows = store.query("MATCH (s:Source) WHERE s.source_id IN $ids RETURN s.source_id AS id, s.uri AS uri, "
                           "s.sha256 AS sha256, s.kind AS kind, s.rows AS rows", {"ids": ids})
        for r in rows:
            out[r["id"]].update({"uri": r["uri"], "sha256": r["sha256"], "kind": r["kind"], "rows": r["rows"]})
    return out


def _decode(data: bytes) -> str:
    """Source text as the extractors read it: UTF-8 (with or without BOM), else GB18030."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _source_records(path: Path, data: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]], str]:
    """Header, ``(row number, cells)`` and delimiter of a record source, numbered as the
    record extractors number them: CSV and XLSX rows count data rows after the header,
    blank ones skipped; JSON lines count physical lines (the cell is the line itself)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = ["" if c is None else str(c) for c in next(rows, ())]

        def xlsx() -> Iterator[tuple[int, list[str]]]:
            n = 0
            try:
                for rec in rows:
                    if all(v is None or (isinstance(v, str) and not v.strip()) for v in rec):
                        continue
                    n += 1
                    yield n, ["" if v is None else str(v) for v in rec]
            finally:
                wb.close()

        return header, xlsx(), ","
    text = _decode(data)
    if suffix in (".jsonl", ".ndjson", ".json"):
        lines = ((i, [ln.rstrip("\r")]) for i, ln in enumerate(text.split("\n"), start=1) if ln.strip())
        return ["json"], lines, "\t"
    delimiter = _guess_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])

    def delimited() -> Iterator[tuple[int, list[str]]]:
        n = 0
        for rec in reader:
            if not rec or rec == [""]:
                continue
            n += 1
            yield n, rec

    return header, delimited(), delimiter


def _excerpt_rows(path: Path, data: bytes, rows_wanted: set[int], red: _Redactor
                  ) -> tuple[bytes, dict[int, int]]:
    """Header + cited rows as UTF-8 CSV in the source's delimiter (``_row`` column first),
    whatever the source's format and encoding; returns the excerpt and row -> excerpt line."""
    out = io.StringIO()
    where: dict[int, int] = {}
    last = max(rows_wanted) if rows_wanted else 0
    header, records, delimiter = _source_records(path, data)
    w = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    w.writerow(["_row", *header])
    line_no = 2
    for n, rec in records:
        if n > last:
            break
        if n in rows_wanted:
            w.writerow([str(n), *[red.cell(c) for c in rec]])
            where[n] = line_no
            line_no += 1
    return out.getvalue().encode("utf-8"), where


def _excerpt_text(data: bytes, spans: set[tuple[int, int]], red: _Redactor) -> tuple[bytes, dict[tuple[int, int], int]]:
    text = _decode(data)
    out = []
    where: dict[tuple[int, int], int] = {}
    for i, (a, b) in enumerate(sorted(spans), start=1):
        out.append(f"[chars={a}-{b}] " + red.text(text[a:b]).replace("\n", " "))
        where[(a, b)] = i
    return ("\n".join(out) + "\n").encode("utf-8"), where


def _guess_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in ("|", ",", "\t", ";")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _iso_utc(t: dt.datetime) -> str:
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return t.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _zip_bytes(files: Mapping[str, bytes], when: dt.datetime) -> bytes:
    stamp = when.astimezone(dt.UTC) if when.tzinfo else when
    date_time = (max(1980, stamp.year), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in files:  # caller's order: manifest first
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, files[name], compresslevel=6)
    return buf.getvalue()


def build_bundle(store: GraphStore, selection: Selection, *, policy: ExportPolicy | None = None,
                 created_at: dt.datetime | None = None, created_by: str | None = None,
                 key: Ed25519PrivateKey | None = None, settings: BundleSettings | None = None,
                 html: bool = True) -> tuple[dict[str, bytes], dict[str, Any]]:
    """Build every file of a bundle in memory: ``(files in zip order, manifest)``.

    Deterministic: the same selection, ``created_at``, ``created_by``, key and salt give
    byte-identical files (Ed25519 signatures are deterministic).
    """
    from kg.bundle_report import render_report, render_view

    s = settings or bundle_settings()
    pol = policy or ExportPolicy()
    if pol.full_sources and (pol.masks or pol.drops_pii or pol.drop):
        raise BundleError("whole source files only with nothing masked or dropped (role admin)")
    if key is None:
        key, _, _ = signing_key(s)
    when = created_at or dt.datetime.now(dt.UTC)
    by = created_by or s.author or _login()
    model = store.model
    g = selection.subgraph
    red = _Redactor(model, pol, s.pii_salt.get_secret_value())
    nodes = [g.nodes[k] for k in sorted(g.nodes)]
    rels = [g.rels[k] for k in sorted(g.rels)]
    for n in nodes:
        red.learn(n.labels, n.properties)
    for r in rels:
        red.learn([r.type], r.properties)
    red.compile()
    rid = red.text

    # -- graph --------------------------------------------------------------------------
    jnodes: list[dict[str, Any]] = []
    for n in nodes:
        props, pv = red.props(n.labels, n.properties, n.property_sources)
        jnodes.append({"id": rid(n.id), "labels": list(n.labels), "properties": plain(props),
                       "sources": list(n.sources), "datasets": list(n.datasets), "property_sources": pv,
                       "_raw": props})
    jrels: list[dict[str, Any]] = []
    for r in rels:
        props, pv = red.props([r.type], r.properties, r.property_sources)
        jrels.append({"id": rid(r.id), "type": r.type, "start": rid(r.start), "end": rid(r.end),
                      "properties": plain(props), "sources": list(r.sources), "datasets": list(r.datasets),
                      "property_sources": pv, "_raw": props})
    jnodes.sort(key=lambda x: x["id"])
    jrels.sort(key=lambda x: x["id"])
    focus = sorted({rid(u) for u in selection.focus})
    roles = {rid(k): v for k, v in sorted(selection.roles.items())}
    graph_doc = {"nodes": [{k: v for k, v in n.items() if k != "_raw"} for n in jnodes],
                 "relationships": [{k: v for k, v in r.items() if k != "_raw"} for r in jrels],
                 "focus": focus, "roles": roles}

    # -- clues --------------------------------------------------------------------------
    clue_docs: list[dict[str, Any]] = []
    focal_id = None
    if selection.focal_clue is not None:
        _cid = _clue_id

        def cdoc(c: Any) -> dict[str, Any]:
            mem = sorted({rid(m) for m in _clue_members(c)})
            return {"id": _cid(c.rule_id, _clue_version(c), mem), "rule_id": c.rule_id,
                    "rule_version": _clue_version(c), "score": float(c.score),
                    "explanation_zh": red.text(str(getattr(c, "explanation_zh", ""))), "members": mem}

        focal = cdoc(selection.focal_clue)
        focal_id = focal["id"]
        seen: set[str] = set()
        for c in selection.clues:
            d = cdoc(c)
            if d["id"] not in seen:
                seen.add(d["id"])
                clue_docs.append({**d, "focal": d["id"] == focal_id})
        if focal_id not in seen:
            clue_docs.append({**focal, "focal": True})
        clue_docs.sort(key=lambda d: (-d["score"], d["members"], d["id"]))
    subject = json.loads(json.dumps(plain(selection.subject)))
    if subject["kind"] == "clue":
        subject["params"] = _redact_json(subject["params"], red)
        subject["clue"] = {"id": focal_id, "clue_scope": "run", "clues_in_run": len(clue_docs),
                           **{k: v for k, v in next(d for d in clue_docs if d["id"] == focal_id).items()
                              if k in ("score", "explanation_zh", "members")}}
    elif subject["kind"] == "entities":
        subject["entities"] = [rid(u) for u in subject["entities"]]
    elif subject["kind"] == "query":
        subject["params"] = _redact_json(subject["params"], red)

    # -- provenance and sources -----------------------------------------------------------
    cited: dict[str, set[str]] = {}
    for el in jnodes + jrels:
        for ref in list(el["sources"]) + list(el["property_sources"].values()):
            p = parse_ref(ref)
            cited.setdefault(p["source_id"], set()).add(p["locator"])
    info = _sources_info(store, cited)
    files: dict[str, bytes] = {}
    excerpt_where: dict[str, dict[Any, int]] = {}
    src_entries: list[dict[str, Any]] = []
    for sid in sorted(cited):
        meta = info[sid]
        entry: dict[str, Any] = {**meta, "cited": len(cited[sid]), "file": None, "available": False,
                                 "unchanged": None}
        uri = meta.get("uri")
        path = Path(uri) if uri else None
        if path is not None and path.is_file():
            data = path.read_bytes()
            entry["available"] = True
            actual = sha256_bytes(data)
            entry["unchanged"] = actual == meta.get("sha256")
            if not entry["unchanged"]:
                entry["sha256_now"] = actual
                log.warning("source file changed since it was loaded source=%s", sid)
            if pol.full_sources:
                name = _unique(_source_name(sid, True), files)
                files[name] = data
                entry["file"] = name
            else:
                rows_w = {lc["row"] for lc in (_locator(x) for x in cited[sid]) if "row" in lc}
                spans = {tuple(lc["span"]) for lc in (_locator(x) for x in cited[sid]) if "span" in lc}
                if rows_w:
                    ex, where = _excerpt_rows(path, data, rows_w, red)
                    name = _unique(_source_name(sid, False) + ("" if sid.endswith(".csv") else ".csv"), files)
                    files[name] = ex
                    entry["file"] = name
                    excerpt_where[sid] = dict(where)
                elif spans:
                    ex, wspan = _excerpt_text(data, spans, red)  # type: ignore[arg-type]
                    name = _unique(_source_name(sid, False) + ("" if sid.endswith(".txt") else ".txt"), files)
                    files[name] = ex
                    entry["file"] = name
                    excerpt_where[sid] = dict(wspan)
        if uri:
            entry["uri"] = Path(uri).name if pol.masks or pol.drops_pii else uri
        src_entries.append(entry)
    by_sid = {e["source_id"]: e for e in src_entries}

    prov_lines: list[bytes] = []

    ref_parts: dict[str, dict[str, Any]] = {}  # the per-ref part of a fact line, computed once

    def about(ref: str) -> dict[str, Any]:
        part = ref_parts.get(ref)
        if part is None:
            p = parse_ref(ref)
            se = by_sid.get(p["source_id"], {})
            loc = _locator(p["locator"])
            part = {"ref": ref, **p, **loc, "source_file": se.get("uri"), "source_sha256": se.get("sha256"),
                    "excerpt": se.get("file")}
            key_ = loc.get("row", tuple(loc["span"]) if "span" in loc else None)
            if key_ is not None and p["source_id"] in excerpt_where:
                part["excerpt_line"] = excerpt_where[p["source_id"]].get(key_)
            ref_parts[ref] = part
        return part

    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode

    def fact(kind: str, el: dict[str, Any], prop: str | None, ref: str) -> None:
        line: dict[str, Any] = {"element": kind, "id": el["id"],
                                ("label" if kind == "node" else "type"):
                                    (el["labels"][0] if kind == "node" and el["labels"] else el.get("type")),
                                "property": prop, **about(ref)}
        if prop is not None:
            line["value"] = el["properties"].get(prop)
        prov_lines.append(encode(line).encode("utf-8"))

    for kind, els in (("node", jnodes), ("relationship", jrels)):
        for el in els:
            for ref in el["sources"]:
                fact(kind, el, None, ref)
            for prop in sorted(el["properties"]):
                ref = el["property_sources"].get(prop) or (el["sources"][0] if el["sources"] else "")
                if ref:
                    fact(kind, el, prop, ref)

    # -- csv for neo4j-admin --------------------------------------------------------------
    def with_internal(el: dict[str, Any], kind: str) -> dict[str, Any]:
        d = dict(el["_raw"])
        d["_src"] = list(el["sources"])
        d["_ds"] = list(el["datasets"])
        for k, ref in el["property_sources"].items():
            if el["sources"] and ref != el["sources"][0]:
                d[PV_PREFIX + k] = ref
        return d

    ninternal = [with_internal(jn, "node") for jn in jnodes]
    ncols = _csv_columns(model, ((jn["labels"], d) for jn, d in zip(jnodes, ninternal, strict=True)))
    nheader = ["uid:ID", ":LABEL"] + [f"{k}:{t}" for k, t in ncols]
    nrows = [[jn["id"], ";".join([ENTITY_LABEL, *jn["labels"]])] + [_csv_value(d.get(k)) for k, _ in ncols]
             for jn, d in zip(jnodes, ninternal, strict=True)]
    rinternal = [with_internal(jr, "rel") for jr in jrels]
    rcols = _csv_columns(model, (([jr["type"]], d) for jr, d in zip(jrels, rinternal, strict=True)))
    rheader = [":START_ID", ":END_ID", ":TYPE", "rid:string"] + [f"{k}:{t}" for k, t in rcols]
    rrows = [[jr["start"], jr["end"], jr["type"], jr["id"]] + [_csv_value(d.get(k)) for k, _ in rcols]
             for jr, d in zip(jrels, rinternal, strict=True)]

    # -- assemble ---------------------------------------------------------------------------
    files["graph.json"] = _dumps(graph_doc, compact=True)
    files["nodes.csv"] = _csv_bytes(nheader, nrows)
    files["relationships.csv"] = _csv_bytes(rheader, rrows)
    files["graph.graphml"] = _graphml(model, graph_doc)
    files["provenance.jsonl"] = b"\n".join(prov_lines) + (b"\n" if prov_lines else b"")
    if clue_docs:
        files["clues.json"] = _dumps(clue_docs)
    labels: dict[str, int] = {}
    for jn in jnodes:
        lab = jn["labels"][0] if jn["labels"] else ""
        labels[lab] = labels.get(lab, 0) + 1
    types: dict[str, int] = {}
    for jr in jrels:
        types[jr["type"]] = types.get(jr["type"], 0) + 1
    counts = {"nodes": len(jnodes), "relationships": len(jrels), "labels": dict(sorted(labels.items())),
              "types": dict(sorted(types.items())), "facts": len(prov_lines), "sources": len(src_entries),
              "clues": len(clue_docs)}
    pub = key.public_key()
    header = {
        "format": FORMAT, "created_at": _iso_utc(when), "created_by": by,
        "tool": {"name": "cluegraph", "version": __version__},
        "backend": {"name": store.backend, "version": store.server_version()},
        "subject": subject, "policy": {**pol.as_dict(), "masked_properties": sorted(red.masked_props),
                                       "dropped_properties": sorted(red.dropped_props),
                                       "salt_id": salted_sha256("salt-id", s.pii_salt.get_secret_value())[:16]},
        "counts": counts, "sources": src_entries,
        "csv": {"dates": "epoch milliseconds (store form)", "array_delimiter": ";",
                "import": "neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv "
                          "--multiline-fields=true <database>"},
        "signature": {"algorithm": "Ed25519", "file": SIGNATURE, "public_key_pem": public_key_pem(pub),
                      "fingerprint": fingerprint(pub)},
    }
    header["bundle_id"] = "bundle:" + sha256_bytes(_dumps({
        "graph": sha256_bytes(files["graph.json"]), "subject": subject, "created_at": header["created_at"],
        "policy": header["policy"]}))[:24]
    if html:
        files["view.html"] = render_view(model, graph_doc, header, set(focus))
        files["report.html"] = render_report(model, graph_doc, header, clue_docs)
    manifest = {**header, "files": {name: {"sha256": sha256_bytes(files[name]), "bytes": len(files[name])}
                                    for name in sorted(files)}}
    mbytes = _dumps(manifest)
    sig = key.sign(mbytes)
    sig_doc = {"algorithm": "Ed25519", "manifest_sha256": sha256_bytes(mbytes),
               "signature": base64.b64encode(sig).decode(), "fingerprint": fingerprint(pub)}
    ordered = {MANIFEST: mbytes, SIGNATURE: _dumps(sig_doc)}
    for name in sorted(files):
        ordered[name] = files[name]
    return ordered, manifest


def _redact_json(x: Any, red: _Redactor) -> Any:
    if isinstance(x, str):
        return red.text(x) if x not in red.token else red.token[x]
    if isinstance(x, list):
        return [_redact_json(v, red) for v in x]
    if isinstance(x, dict):
        return {k: _redact_json(v, red) for k, v in x.items()}
    return x


def _login() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "unknown"


def _graphml(model: Model, graph_doc: Mapping[str, Any]) -> bytes:
    import networkx as nx

    G = nx.MultiDiGraph()

    def attrs(props: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in props.items():
            if v is None:
                continue
            if isinstance(v, list):
                out[k] = ";".join(str(x) for x in v)
            elif isinstance(v, (bool, int, float, str)):
                out[k] = v
            else:
                out[k] = str(v)
        return out

    for n in graph_doc["nodes"]:
        lab = n["labels"][0] if n["labels"] else ""
        zh = model.nodes[lab].title_zh if lab in model.nodes else lab
        G.add_node(n["id"], **{**attrs(n["properties"]), "type": lab, "type_zh": zh,
                               "label": f"{zh} {n['id'].rsplit(':', 1)[-1]}", "sources": ";".join(n["sources"])})
    for r in graph_doc["relationships"]:
        zh = model.relationships[r["type"]].title_zh if r["type"] in model.relationships else r["type"]
        G.add_edge(r["start"], r["end"], key=r["id"], **{**attrs(r["properties"]), "type": r["type"],
                                                          "type_zh": zh, "rid": r["id"],
                                                          "sources": ";".join(r["sources"])})
    buf = io.BytesIO()
    nx.write_graphml(G, buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


def write_bundle(store: GraphStore, selection: Selection, out: str | Path, **kw: Any) -> BundleResult:
    """Build a bundle (see :func:`build_bundle`) and write it to ``out`` (a ``.zip``).

    Examples
    --------
    >>> sel = select_entities(store, ["fb:BankAccount:1"], depth=2)   # doctest: +SKIP
    >>> write_bundle(store, sel, "case.zip").manifest["counts"]        # doctest: +SKIP
    """
    t0 = time.perf_counter()
    s: BundleSettings = kw.pop("settings", None) or bundle_settings()
    key = kw.pop("key", None)
    key_path: Path | None = None
    generated = False
    if key is None:
        key, key_path, generated = signing_key(s)
    files, manifest = build_bundle(store, selection, key=key, settings=s, **kw)
    when = dt.datetime.fromisoformat(manifest["created_at"].replace("Z", "+00:00"))
    data = _zip_bytes(files, when)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    dt_ = time.perf_counter() - t0
    log.info("bundle written id=%s nodes=%d rels=%d files=%d bytes=%d seconds=%.3f", manifest["bundle_id"],
             manifest["counts"]["nodes"], manifest["counts"]["relationships"], len(files), len(data), dt_)
    return BundleResult(out, manifest, key_path, generated, dt_, len(data))


def export_clue(store: GraphStore, out: str | Path, clue: Any = None, **kw: Any) -> BundleResult:
    """Bundle a clue. ``kw``: :func:`select_clue` arguments, then :func:`build_bundle` ones."""
    sel_kw = {k: kw.pop(k) for k in ("pattern_id", "params", "clue_id", "run_clues", "library") if k in kw}
    return write_bundle(store, select_clue(store, clue, **sel_kw), out, **kw)


def export_entities(store: GraphStore, out: str | Path, uids: Sequence[str], depth: int = 1, **kw: Any
                    ) -> BundleResult:
    """Bundle the neighbourhood of ``uids``. ``kw``: ``max_degree``, ``limit``, then build options."""
    sel_kw = {k: kw.pop(k) for k in ("max_degree", "limit") if k in kw}
    return write_bundle(store, select_entities(store, uids, depth, **sel_kw), out, **kw)


def export_query(store: GraphStore, out: str | Path, cypher: str, params: Mapping[str, Any] | None = None,
                 **kw: Any) -> BundleResult:
    """Bundle what a saved read-only query returns. ``kw``: ``name``, then build options."""
    sel_kw = {k: kw.pop(k) for k in ("name",) if k in kw}
    return write_bundle(store, select_query(store, cypher, params, **sel_kw), out, **kw)


# -- verification ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """One integrity problem, naming the file."""

    file: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.file}: {self.kind} ({self.detail})"


@dataclass
class VerifyReport:
    """Result of :func:`verify_bundle`: ``ok`` when no problem was found."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    bundle_id: str | None = None
    fingerprint: str | None = None
    files_checked: int = 0

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems

    def files(self) -> set[str]:
        """The files named by problems."""
        return {p.file for p in self.problems}

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"path": self.path, "ok": self.ok, "bundle_id": self.bundle_id, "fingerprint": self.fingerprint,
                "files_checked": self.files_checked,
                "problems": [{"file": p.file, "kind": p.kind, "detail": p.detail} for p in self.problems]}


def _read_members(path: str | Path, rep: VerifyReport) -> dict[str, bytes] | None:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        rep.problems.append(Problem(Path(path).name, "unreadable", f"not a readable zip: {type(exc).__name__}"))
        return None
    out: dict[str, bytes] = {}
    with zf:
        names = zf.namelist()
        for name in sorted({n for n in names if names.count(n) > 1}):
            rep.problems.append(Problem(name, "duplicate", "the zip holds this name more than once"))
        for info in zf.infolist():
            try:
                out[info.filename] = zf.read(info)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:  # CRC, deflate
                rep.problems.append(Problem(info.filename, "corrupt", f"cannot be read: {type(exc).__name__}"))
    return out


def verify_bundle(path: str | Path, trusted_public_key: Ed25519PublicKey | str | Path | bytes | None = None
                  ) -> VerifyReport:
    """Check a bundle's signature and every file against its manifest.

    Detects a changed file (hash), a missing or extra file, a manifest that is not the
    one signed, a wrong signature, and (with ``trusted_public_key``) a key other than the
    trusted one. Each problem names the file.

    Without a trusted key the embedded public key is used: that proves the bundle is
    intact as signed, not who signed it; compare :attr:`VerifyReport.fingerprint` with
    a known one or pass the key.
    """
    rep = VerifyReport(str(path))
    members = _read_members(path, rep)
    if members is None:
        return rep
    mbytes = members.get(MANIFEST)
    sbytes = members.get(SIGNATURE)
    if mbytes is None:
        rep.problems.append(Problem(MANIFEST, "missing", "the bundle has no manifest"))
    if sbytes is None:
        rep.problems.append(Problem(SIGNATURE, "missing", "the bundle has no signature"))
    manifest: dict[str, Any] | None = None
    if mbytes is not None:
        try:
            manifest = json.loads(mbytes.decode("utf-8"))
            if not isinstance(manifest, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError):
            rep.problems.append(Problem(MANIFEST, "invalid", "not valid JSON"))
            manifest = None
    sig_doc: dict[str, Any] | None = None
    if sbytes is not None:
        try:
            sig_doc = json.loads(sbytes.decode("utf-8"))
            base64.b64decode(sig_doc["signature"], validate=True)
        except (ValueError, UnicodeDecodeError, KeyError, TypeError):
            rep.problems.append(Problem(SIGNATURE, "invalid", "not a signature document"))
            sig_doc = None
    if manifest is not None:
        rep.bundle_id = manifest.get("bundle_id")
    # -- signature
    if sig_doc is not None and (sbytes != _dumps(sig_doc) or sig_doc.get("algorithm") != "Ed25519"
                                or set(sig_doc) != {"algorithm", "manifest_sha256", "signature", "fingerprint"}):
        rep.problems.append(Problem(SIGNATURE, "invalid", "the signature document is not in its canonical form"))
    if mbytes is not None and sig_doc is not None:
        pub: Ed25519PublicKey | None = None
        try:
            pem = (manifest or {}).get("signature", {}).get("public_key_pem", "")
            pub = load_public_key(pem.encode()) if pem else None
        except (ValueError, BundleError, AttributeError):
            pub = None
        if trusted_public_key is not None:
            trusted = (trusted_public_key if isinstance(trusted_public_key, Ed25519PublicKey)
                       else load_public_key(trusted_public_key))
            if pub is not None and fingerprint(pub) != fingerprint(trusted):
                rep.problems.append(Problem(MANIFEST, "untrusted_key",
                                            "the embedded public key is not the trusted key"))
            pub = trusted
        if pub is None:
            rep.problems.append(Problem(MANIFEST, "invalid", "no usable public key in the manifest"))
        else:
            rep.fingerprint = fingerprint(pub)
            try:
                pub.verify(base64.b64decode(sig_doc["signature"]), mbytes)
                sig_ok = True
            except InvalidSignature:
                sig_ok = False
            hash_ok = sig_doc.get("manifest_sha256") == sha256_bytes(mbytes)
            if sig_ok and not hash_ok:
                rep.problems.append(Problem(SIGNATURE, "changed", "its manifest_sha256 does not match the manifest"))
            elif not sig_ok and hash_ok:
                rep.problems.append(Problem(SIGNATURE, "bad_signature",
                                            "the signature does not verify with the public key"))
            elif not sig_ok:
                rep.problems.append(Problem(MANIFEST, "changed", "the manifest is not the one that was signed"))
            if sig_doc.get("fingerprint") != fingerprint(pub) and not any(
                    p.kind == "untrusted_key" for p in rep.problems):
                rep.problems.append(Problem(SIGNATURE, "changed", "its key fingerprint is not the signing key's"))
    # -- files
    if manifest is not None:
        listed = manifest.get("files") or {}
        if not isinstance(listed, dict):
            rep.problems.append(Problem(MANIFEST, "invalid", "files is not a mapping"))
            listed = {}
        for name in sorted(listed):
            spec = listed[name] or {}
            if name not in members:
                if not any(p.file == name for p in rep.problems):
                    rep.problems.append(Problem(name, "missing", "listed in the manifest, not in the bundle"))
                continue
            rep.files_checked += 1
            if sha256_bytes(members[name]) != spec.get("sha256"):
                rep.problems.append(Problem(name, "changed", "SHA-256 differs from the manifest"))
        for name in sorted(set(members) - set(listed) - {MANIFEST, SIGNATURE}):
            rep.problems.append(Problem(name, "extra", "in the bundle, not listed in the manifest"))
    log.info("bundle verified ok=%s problems=%d", rep.ok, len(rep.problems))
    return rep


# -- reading ---------------------------------------------------------------------------------
@dataclass
class Bundle:
    """A bundle read back: manifest, graph, clues and the raw files."""

    path: Path
    manifest: dict[str, Any]
    graph: dict[str, Any]
    clues: list[dict[str, Any]]
    files: dict[str, bytes]


def read_bundle(path: str | Path) -> Bundle:
    """Read a bundle (no verification: call :func:`verify_bundle` for that)."""
    try:
        with zipfile.ZipFile(path) as zf:
            files = {i.filename: zf.read(i) for i in zf.infolist()}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
        raise BundleError("cannot read bundle", reason=type(exc).__name__) from None
    if MANIFEST not in files or "graph.json" not in files:
        raise BundleError("bundle lacks manifest.json or graph.json")
    clues = json.loads(files["clues.json"]) if "clues.json" in files else []
    return Bundle(Path(path), json.loads(files[MANIFEST]), json.loads(files["graph.json"]), clues, files)


# -- replay ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PropertyChange:
    """One property that differs between the bundle and the current graph."""

    element: str
    id: str
    property: str
    before: Any
    after: Any


@dataclass
class ReplayReport:
    """What changed since a bundle was made (see :func:`replay`)."""

    bundle_id: str
    subject: str
    pattern_version_then: int | None = None
    pattern_version_now: int | None = None
    clues_new: list[dict[str, Any]] = field(default_factory=list)
    clues_gone: list[dict[str, Any]] = field(default_factory=list)
    clues_changed: list[dict[str, Any]] = field(default_factory=list)
    focal_clue_present: bool | None = None
    nodes_new: list[str] = field(default_factory=list)
    nodes_gone: list[str] = field(default_factory=list)
    rels_new: list[str] = field(default_factory=list)
    rels_gone: list[str] = field(default_factory=list)
    property_changes: list[PropertyChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        """True when the current graph gives the bundle's result again."""
        return not (self.clues_new or self.clues_gone or self.clues_changed or self.nodes_new or self.nodes_gone
                    or self.rels_new or self.rels_gone or self.property_changes
                    or self.pattern_version_then != self.pattern_version_now)

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"bundle_id": self.bundle_id, "subject": self.subject, "unchanged": self.unchanged,
                "pattern_version_then": self.pattern_version_then, "pattern_version_now": self.pattern_version_now,
                "focal_clue_present": self.focal_clue_present, "clues_new": self.clues_new,
                "clues_gone": self.clues_gone, "clues_changed": self.clues_changed, "nodes_new": self.nodes_new,
                "nodes_gone": self.nodes_gone, "rels_new": self.rels_new, "rels_gone": self.rels_gone,
                "property_changes": [pc.__dict__ for pc in self.property_changes], "notes": self.notes}


def _unredact_params(params: Any, masked: bool) -> Any:
    if masked and re.search(r"(^|[^0-9a-z])h:[0-9a-f]{16}", json.dumps(params)):
        raise BundleError("the bundle's parameters are masked: pass the original parameters to replay")
    return params


def replay(bundle: str | Path | Bundle, store: GraphStore, *, library: Any = None,
           entities: Sequence[str] | None = None, params: Mapping[str, Any] | None = None,
           settings: BundleSettings | None = None) -> ReplayReport:
    """Re-run a bundle's selection on the current graph and report the differences.

    * pattern bundles: the recorded pattern is run with the recorded parameters; clues
      are compared by id (rule, version, member set): new, gone, and changed (a gone and
      a new clue sharing members, with the members added and removed, or the same clue
      with another score);
    * entity bundles: the neighbourhood is taken again (same depth, caps);
    * query bundles: the saved query is run again;

    and in every case the bundled nodes and relationships are compared with the current
    graph: new, gone, and property changes. Masked bundles are compared in masked form
    (same salt needed); where the bundle holds only pseudonyms of ids that the selection
    needs (entity ids, id parameters), give ``entities`` / ``params``.
    """
    b = bundle if isinstance(bundle, Bundle) else read_bundle(bundle)
    s = settings or bundle_settings()
    m = b.manifest
    subj = m["subject"]
    pol_doc = m.get("policy", {})
    pol = ExportPolicy(role=pol_doc.get("role", "admin"), mask_identifiers=pol_doc.get("mask_identifiers"),
                       drop=frozenset(pol_doc.get("drop", [])))
    salt = s.pii_salt.get_secret_value()
    rep = ReplayReport(m.get("bundle_id", ""), subj["kind"])
    if pol.masks and pol_doc.get("salt_id") != salted_sha256("salt-id", salt)[:16]:
        raise BundleError("the bundle was masked with another salt: set KG_BUNDLE_PII_SALT to the bundle's")
    masked = pol.masks or pol.drops_pii
    if subj["kind"] == "clue":
        lib = library or _library()
        pid = subj["pattern"]["id"]
        pattern = lib.get(pid)
        rep.pattern_version_then = int(subj["pattern"]["version"])
        rep.pattern_version_now = int(pattern.version)
        if rep.pattern_version_now != rep.pattern_version_then:
            rep.notes.append("the pattern's version changed since the bundle was made")
        run_params = dict(params) if params is not None else _unredact_params(subj.get("params") or {}, masked)
        current = _run_pattern(store, pattern, run_params)
        raw_members = sorted({u for c in current for u in _clue_members(c)}) if masked else []
        sel = Selection(induced_subgraph(store, raw_members) if raw_members else Subgraph(), subj, (), {}, current,
                        current[0] if current else None, pattern)
    elif subj["kind"] == "entities":
        ents = list(entities) if entities is not None else _unredact_params(subj["entities"], masked)
        sel = select_entities(store, ents, int(subj["depth"]), max_degree=int(subj["max_degree"]),
                              limit=int(subj["limit"]))
    elif subj["kind"] == "query":
        qp = dict(params) if params is not None else _unredact_params(subj.get("params") or {}, masked)
        sel = select_query(store, subj["query"], qp, name=subj.get("name", "query"))
    else:
        raise BundleError("unknown bundle subject", kind=subj["kind"])

    # the current state, in the bundle's (policy-applied) form
    red = _Redactor(store.model, pol, salt)
    bundled_nodes = {n["id"]: n for n in b.graph["nodes"]}
    bundled_rels = {r["id"]: r for r in b.graph["relationships"]}
    candidates = set(sel.subgraph.nodes)
    if not masked:
        candidates |= set(bundled_nodes)  # ids are the real uids: fetch them directly
    g_all = induced_subgraph(store, candidates)
    for n in g_all.nodes.values():
        red.learn(n.labels, n.properties)
    for r in g_all.rels.values():
        red.learn([r.type], r.properties)
    red.compile()
    sel_nodes = {red.text(u) for u in sel.subgraph.nodes} if subj["kind"] != "clue" else set()
    keep = set(bundled_nodes) | sel_nodes
    now_nodes = {red.text(n.id): plain(red.props(n.labels, n.properties, {})[0]) for n in g_all.nodes.values()}
    now_nodes = {k: v for k, v in now_nodes.items() if k in keep}
    now_rels: dict[str, dict[str, Any]] = {}  # every fetched relationship, for property diffs
    among: set[str] = set()  # relationships among the bundled nodes now
    for r in list(g_all.rels.values()) + list(sel.subgraph.rels.values()):
        k = red.text(r.id)
        if k in now_rels:
            continue
        now_rels[k] = plain(red.props([r.type], r.properties, {})[0])
        if {red.text(r.start), red.text(r.end)} <= set(bundled_nodes):
            among.add(k)
    sel_rels = {red.text(r) for r in sel.subgraph.rels}
    current_rels = {"clue": among, "entities": among | sel_rels}.get(subj["kind"], sel_rels)

    if subj["kind"] == "clue":
        _cid = _clue_id
        then = {c["id"]: c for c in b.clues}
        now: dict[str, dict[str, Any]] = {}
        for c in sel.clues:
            mem = sorted({red.text(u) for u in _clue_members(c)})
            cid = _cid(c.rule_id, _clue_version(c), mem)
            now[cid] = {"id": cid, "members": mem, "score": float(c.score)}
        focal = next((c for c in b.clues if c.get("focal")), None)
        rep.focal_clue_present = focal is not None and focal["id"] in now
        gone = [then[k] for k in sorted(set(then) - set(now))]
        new = [now[k] for k in sorted(set(now) - set(then))]
        for k in sorted(set(then) & set(now)):
            if abs(then[k]["score"] - now[k]["score"]) > 1e-9 * max(1.0, abs(then[k]["score"])):
                rep.clues_changed.append({"id": k, "score_before": then[k]["score"], "score_after": now[k]["score"],
                                          "members_added": [], "members_removed": []})
        used_new: set[str] = set()
        for g_ in gone:
            gm = set(g_["members"])
            best = max((n_ for n_ in new if n_["id"] not in used_new and gm & set(n_["members"])),
                       key=lambda n_: (len(gm & set(n_["members"])), n_["id"]), default=None)
            if best is not None:
                used_new.add(best["id"])
                rep.clues_changed.append({"id": g_["id"], "now_id": best["id"], "score_before": g_["score"],
                                          "score_after": best["score"],
                                          "members_added": sorted(set(best["members"]) - gm),
                                          "members_removed": sorted(gm - set(best["members"]))})
            else:
                rep.clues_gone.append({"id": g_["id"], "members": g_["members"], "score": g_["score"]})
        rep.clues_new = [n_ for n_ in new if n_["id"] not in used_new]
        rep.nodes_gone = sorted(set(bundled_nodes) - set(now_nodes))
    else:
        rep.nodes_new = sorted(sel_nodes - set(bundled_nodes))
        rep.nodes_gone = sorted(set(bundled_nodes) - sel_nodes)
    rep.rels_new = sorted(current_rels - set(bundled_rels))
    rep.rels_gone = sorted(set(bundled_rels) - current_rels)
    for nid in sorted(set(bundled_nodes) & set(now_nodes)):
        _diff_props(rep, "node", nid, bundled_nodes[nid]["properties"], now_nodes[nid])
    for rid_ in sorted(set(bundled_rels) & set(now_rels)):
        _diff_props(rep, "relationship", rid_, bundled_rels[rid_]["properties"], now_rels[rid_])
    log.info("bundle replayed id=%s unchanged=%s props_changed=%d", rep.bundle_id, rep.unchanged,
             len(rep.property_changes))
    return rep


def _diff_props(rep: ReplayReport, kind: str, eid: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
    for k in sorted(set(before) | set(after)):
        if before.get(k) != after.get(k):
            rep.property_changes.append(PropertyChange(kind, eid, k, before.get(k), after.get(k)))


def summary(bundle: Bundle) -> dict[str, Any]:
    """A short description of a bundle (``kg bundle show``)."""
    m = bundle.manifest
    subj = m["subject"]
    what: dict[str, Any] = {"kind": subj["kind"]}
    if subj["kind"] == "clue":
        what.update({"pattern": subj["pattern"]["id"], "version": subj["pattern"]["version"],
                     "clue": subj["clue"]["id"], "params": subj.get("params")})
    elif subj["kind"] == "entities":
        what.update({"entities": subj["entities"], "depth": subj["depth"]})
    else:
        what.update({"name": subj.get("name"), "params": subj.get("params")})
    return {"bundle_id": m.get("bundle_id"), "created_at": m.get("created_at"), "created_by": m.get("created_by"),
            "tool": m.get("tool"), "backend": m.get("backend"), "subject": what, "policy": m.get("policy"),
            "counts": m.get("counts"), "fingerprint": m.get("signature", {}).get("fingerprint"),
            "files": {k: v["bytes"] for k, v in (m.get("files") or {}).items()},
            "sources": [{"source_id": s["source_id"], "sha256": s["sha256"], "file": s["file"]}
                        for s in m.get("sources", [])]}
