"""Run entity resolution on a graph store; review; canonical ids; ground-truth metrics.

Deterministic keys are applied by the ingest (a valid 身份证号 keys ``Person:<id>``, a
valid USCC ``Company:<uscc>``, a Luhn-valid card ``BankAccount:<no>``; invalid or
conflicting keys are row-scoped). :func:`resolve` adds scored matching on top:

1. :func:`load_entities` reads Person and Company nodes with their phones, addresses,
   employers, legal representatives and other neighbours (context);
2. :func:`kg.resolve.matching.candidate_pairs` blocks, :func:`kg.resolve.matching.compare`
   scores with explanations;
3. matches become SAME_AS judgements, vetoed or contradicted near misses NOT_SAME_AS
   judgements; all go to the append-only log and to the graph (relationships with
   provenance ``resolve#judgement=<id>@resolve@1``, dataset ``resolve``);
4. :func:`canonical_ids` (from the graph) or :func:`kg.resolve.judgements.canonical_map`
   (from the log) give uid -> canonical uid.

:func:`review` records a reviewer's decision (``NOT_SAME_AS`` overturns a merge: the
SAME_AS relationship is removed, the NOT_SAME_AS one added, canonical ids recomputed)
without re-running the ingest. :func:`replay` rebuilds the graph's judgement
relationships from a log.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from kg.gcpause import gc_paused
from kg.model import decode_temporal
from kg.resolve.judgements import (
    AUTO_AUTHOR,
    NOT_SAME_AS,
    SAME_AS,
    Judgement,
    JudgementLog,
    canonical_map,
    effective,
    is_strong_uid,
)
from kg.resolve.matching import (
    DEFAULT_SETTINGS,
    Entity,
    MatchSettings,
    annotate,
    bank_branch,
    candidate_pairs,
    compare,
    is_masked,
)
from kg.store.base import GraphStore, Node, _temporal_kinds

log = logging.getLogger(__name__)

__all__ = ["ResolveResult", "resolve", "review", "replay", "canonical_ids", "load_entities", "graph_judgements",
           "evaluate", "RULE_VERSION", "DATASET"]

RULE_VERSION = 1
DATASET = "resolve"
_CONTEXT_SKIP = {"Phone", "Address", "Source"}
_MAX_CONTEXT_DEGREE = 50


@dataclass
class ResolveResult:
    """What :func:`resolve` did."""

    entities: int = 0
    comparisons: int = 0
    blocks: int = 0
    blocks_skipped: int = 0
    same_as: int = 0
    not_same_as: int = 0
    new_judgements: int = 0
    skipped_reviewed: int = 0
    ambiguous: int = 0
    merged_nodes: int = 0
    clusters: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    canonical: dict[str, str] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "canonical"}
        d["seconds"] = {k: round(v, 3) for k, v in self.seconds.items()}
        return d


# -- loading ----------------------------------------------------------------------------------
_SCOPED = re.compile(r"^(Person|Company):(?:unverified|mention):(?P<src>.+)#(?P<loc>[^:#]+):(?P<ent>[^:]+)$")
_DOC = re.compile(r"^(Person|Company):doc:(?P<doc>[^:]+):(?P<rest>.+)$")
_CARD_NO = re.compile(r"^\d[\d*＊×Xx]{7,}\d$")


def _source_column(uid: str) -> str | None:
    m = _SCOPED.match(uid)
    if not m:
        return None
    src = m.group("src").split("/", 1)[-1]
    return f"{src}:{m.group('ent')}"


def load_entities(store: GraphStore, labels: Iterable[str] = ("Person", "Company")) -> list[Entity]:
    """Person / Company nodes with the neighbourhood facts the matcher uses, sorted by uid."""
    out: list[Entity] = []
    for label in labels:
        # only the properties the matcher reads, not whole nodes (their provenance arrays
        # and every other property would travel and be decoded for nothing)
        idp = "id_number" if label == "Person" else "uscc"
        nodes = store.query(f"MATCH (n:{label}) RETURN n.uid AS uid, n.name AS name, n.{idp} AS idn, "
                            "n.doc_scope AS scope, n.birth_date AS birth, n.gender AS gender")
        birth_kind = _temporal_kinds([label], store.model).get("birth_date")
        edges = store.query(
            f"MATCH (n:{label})-[r]-(m) WHERE type(r) <> 'SAME_AS' AND type(r) <> 'NOT_SAME_AS' "
            "RETURN n.uid AS a, type(r) AS t, labels(m) AS l, m.uid AS b")
        degree: Counter[str] = Counter(e["b"] for e in edges)
        nb: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for e in edges:
            mlabels = [x for x in (e["l"] or []) if x != "Entity"]
            ml = mlabels[0] if mlabels else ""
            a, b, t = e["a"], e["b"], e["t"]
            if ml == "BankAccount" and t == "OWNS":
                num = b.rsplit(":", 1)[-1]
                if _CARD_NO.match(num):
                    nb[a]["cards"].add(num)
            if ml == "Phone":
                nb[a]["phones"].add(b)
            elif ml == "Address":
                nb[a]["addresses"].add(b)
            elif t == "EMPLOYED_BY" and ml == "Company":
                nb[a]["employers"].add(b)
            elif t == "LEGAL_REPRESENTATIVE_OF" and ml == "Person":
                nb[a]["reps"].add(b)
            elif ml not in _CONTEXT_SKIP and degree[b] <= _MAX_CONTEXT_DEGREE:
                nb[a]["context"].add(b)
        if label == "Person":
            _bank_facts(store, nb)
        for p in nodes:
            uid = p["uid"]
            name = p["name"] or ""
            strong = uid.split(":", 1)[1] if is_strong_uid(uid) else None
            idn = p["idn"]
            scope = p["scope"]
            dm = _DOC.match(uid)
            if dm:
                scope = scope or dm.group("doc")
                rest = dm.group("rest")
                if rest.startswith("id:"):
                    idn = idn or rest[3:]
            birth = p["birth"]
            if birth_kind is not None and isinstance(birth, (int, float)):
                birth = decode_temporal(birth_kind, birth)  # as a whole node's properties read
            if isinstance(birth, (dt.date, dt.datetime)):
                birth = birth.isoformat()[:10]
            f = nb.get(uid, {})
            out.append(Entity(uid, label, name=str(name), strong=strong, id_number=idn or None,
                              birth=birth or None, gender=p["gender"], scope=scope,
                              source_column=_source_column(uid),
                              phones=frozenset(f.get("phones", ())), addresses=frozenset(f.get("addresses", ())),
                              employers=frozenset(f.get("employers", ())), reps=frozenset(f.get("reps", ())),
                              context=frozenset(f.get("context", ())), cards=frozenset(f.get("cards", ())),
                              staff_banks=frozenset(f.get("staff_banks", ())),
                              account_banks=frozenset(f.get("account_banks", ()))))
    out.sort(key=lambda e: e.uid)
    return out


def _bank_facts(store: GraphStore, nb: dict[str, dict[str, set[str]]]) -> None:
    """Canonical banks a person approved loans for as staff (loan -APPROVED_BY-> person,
    loan -ISSUED_BY-> bank branch) and banks where a person holds an account (the
    account's opening branch, ``bank``)."""
    for row in store.query("MATCH (l:LoanAccount)-[:APPROVED_BY]->(p:Person) MATCH (l)-[:ISSUED_BY]->(c:Company) "
                           "RETURN DISTINCT p.uid AS u, c.name AS b"):
        bb = bank_branch(row["b"]) if row["b"] else None
        if bb:
            nb[row["u"]]["staff_banks"].add(bb[0])
    for row in store.query("MATCH (p:Person)-[:OWNS]->(a:BankAccount) WHERE a.bank IS NOT NULL "
                           "RETURN DISTINCT p.uid AS u, a.bank AS b"):
        bb = bank_branch(str(row["b"]))
        if bb:
            nb[row["u"]]["account_banks"].add(bb[0])


# -- graph sync -------------------------------------------------------------------------------------
def _rel_row(j: Judgement) -> dict[str, Any]:
    at = dt.datetime.fromisoformat(j.at).astimezone(dt.UTC).replace(tzinfo=None) if j.at else None
    props: dict[str, Any] = {"rule": j.rule, "author": j.author, "reason": j.reason[:2000]}
    if j.score is not None:
        props["score"] = float(j.score)
    if at is not None:
        props["at"] = at
    return {"rid": f"{j.kind}:{j.a}->{j.b}", "start": j.a, "end": j.b, "props": props, "src": j.src}


def _sync(store: GraphStore, judgements: Iterable[Judgement]) -> None:
    """Make the graph's judgement relationships for these pairs match their effective judgement."""
    eff = effective(judgements)
    drop: dict[str, list[dict[str, str]]] = {SAME_AS: [], NOT_SAME_AS: []}
    rows: dict[str, list[dict[str, Any]]] = {SAME_AS: [], NOT_SAME_AS: []}
    for (a, b), j in sorted(eff.items()):
        other = NOT_SAME_AS if j.kind == SAME_AS else SAME_AS
        drop[other].append({"a": a, "b": b})
        rows[j.kind].append(_rel_row(j))
    for kind, pairs in drop.items():
        for i in range(0, len(pairs), 5000):
            store.execute(f"UNWIND $rows AS row MATCH (a:Entity {{uid: row.a}})-[r:{kind}]-(b:Entity {{uid: row.b}}) "
                          "DELETE r", {"rows": pairs[i:i + 5000]})
    for kind, rs in rows.items():
        if rs:
            store.upsert_relationships(kind, rs, dataset=DATASET, on_error="skip")


# -- the run -----------------------------------------------------------------------------------------
def resolve(store: GraphStore, log_path: str | Path, *, settings: MatchSettings = DEFAULT_SETTINGS,
            labels: Iterable[str] = ("Person", "Company"), write: bool = True,
            entities: list[Entity] | None = None, certificates: bool = True) -> ResolveResult:
    """Scored matching over the store's Person and Company nodes.

    Parameters
    ----------
    store : GraphStore
    log_path : path
        The append-only judgement log (created if missing; reviewer judgements in it are
        respected: a pair a reviewer decided is never re-judged automatically).
    settings : MatchSettings
        Thresholds, block limit, weights.
    write : bool
        Write judgements to the log and the graph (``False``: dry run).
    entities : list of Entity, optional
        Pre-loaded entities (benchmarks); else :func:`load_entities`.
    certificates : bool
        Also join certificate numbers read from documents to the registry's certificate
        records (:func:`_certificate_pass`).
    """
    with gc_paused():  # millions of short-lived rows and sets beside every entity (see kg.gcpause)
        return _resolve(store, log_path, settings, labels, write, entities, certificates)


def _resolve(store: GraphStore, log_path: str | Path, settings: MatchSettings, labels: Iterable[str], write: bool,
             entities: list[Entity] | None, certificates: bool) -> ResolveResult:
    res = ResolveResult()
    t0 = time.perf_counter()
    ents = annotate(entities if entities is not None else load_entities(store, labels))
    res.entities = len(ents)
    t1 = time.perf_counter()
    res.seconds["load"] = t1 - t0
    jlog = JudgementLog(log_path)
    prior = list(jlog)
    reviewed = {(j.a, j.b) for j in prior if j.is_review}
    pairs, stats = candidate_pairs(ents, settings.max_block)
    res.blocks, res.blocks_skipped, res.comparisons = stats["blocks"], stats["blocks_skipped"], len(pairs)
    t2 = time.perf_counter()
    res.seconds["block"] = t2 - t1
    at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    new: list[Judgement] = []
    scored = []
    best: dict[str, list[float]] = defaultdict(list)
    for i, j in pairs:
        m = compare(ents[i], ents[j], settings)
        if not (m.is_match or m.veto or any(f.weight < 0 for f in m.features)):
            continue  # not enough evidence either way: no judgement
        scored.append((i, j, m))
        if m.is_match and bool(ents[i].strong) != bool(ents[j].strong):
            weak = ents[i].uid if not ents[i].strong else ents[j].uid
            best[weak].append(m.score)
    # a weak node that matches several strong-keyed nodes about equally well is ambiguous
    ambiguous = {w for w, sc in best.items()
                 if len(sc) > 1 and sorted(sc)[-1] - sorted(sc)[-2] < settings.ambiguity_margin}
    res.ambiguous = len(ambiguous)
    for i, j, m in scored:
        if (m.a, m.b) in reviewed:
            res.skipped_reviewed += 1
            continue
        if m.is_match and bool(ents[i].strong) != bool(ents[j].strong) and (
                ents[i].uid in ambiguous or ents[j].uid in ambiguous):
            continue
        feats = [f.as_dict() for f in m.features]
        rule = f"resolve.{ents[i].label.lower()}@{RULE_VERSION}"
        if m.is_match:
            new.append(Judgement.make(SAME_AS, m.a, m.b, m.score, rule, reason=m.reason(), features=feats, at=at))
        elif (m.veto or any(f.weight < 0 for f in m.features)) and m.score + _neg(m) >= settings.review_threshold:
            # positive evidence contradicted (veto or a conflicting feature): a NOT_SAME_AS
            new.append(Judgement.make(NOT_SAME_AS, m.a, m.b, m.score, rule, reason=m.reason(), features=feats,
                                      at=at))
    new.extend(_doc_fragment_pass(ents, new, reviewed, at))
    if "Person" in set(labels):
        new.extend(_doc_broker_pass(store, ents, prior + new, reviewed, at))
    if certificates:
        new.extend(_certificate_pass(store, reviewed, at))
    res.same_as = sum(1 for j in new if j.kind == SAME_AS)
    res.not_same_as = len(new) - res.same_as
    t3 = time.perf_counter()
    res.seconds["compare"] = t3 - t2
    if write:
        written = jlog.append(new)
        res.new_judgements = len(written)
        _sync(store, new)
        # reviewer judgements stay effective in the graph
        _sync(store, [j for j in prior if j.is_review])
    res.seconds["write"] = time.perf_counter() - t3
    res.canonical = canonical_map(prior + new)
    res.merged_nodes = len(res.canonical)
    res.clusters = len(set(res.canonical.values()))
    res.seconds["total"] = time.perf_counter() - t0
    log.info("resolve entities=%d comparisons=%d same_as=%d not_same_as=%d clusters=%d", res.entities,
             res.comparisons, res.same_as, res.not_same_as, res.clusters)
    return res


def _doc_fragment_pass(ents: list[Entity], found: list[Judgement], reviewed: set[tuple[str, str]],
                       at: str) -> list[Judgement]:
    """A masked name (张某) in a document is joined to the masked ID number of the same
    document (``110106XXXXXXXX6316``) when that number was matched to exactly one person
    whose surname is the masked name's, and the name is the only masked name of that
    surname in the document (the ID fragment is the other evidence the rule asks for)."""
    from kg.resolve.matching import WEIGHTS, Feature

    by_uid = {e.uid: e for e in ents}
    frag_to_person: dict[str, set[str]] = defaultdict(set)
    for j in found:
        if j.kind != SAME_AS:
            continue
        for x, y in ((j.a, j.b), (j.b, j.a)):
            ex, ey = by_uid.get(x), by_uid.get(y)
            if ex and ey and ex.label == "Person" and ex.scope and not ex.name and ey.strong and ey.name:
                frag_to_person[x].add(ey.name)
    masked_by_doc: dict[tuple[str, str], list[Entity]] = defaultdict(list)
    for e in ents:
        if e.label == "Person" and e.scope and e.masked:
            masked_by_doc[(e.scope, e.name[:1])].append(e)
    frags_by_doc: dict[tuple[str, str], list[str]] = defaultdict(list)
    for frag, names in frag_to_person.items():
        if len(names) == 1:
            frags_by_doc[(by_uid[frag].scope or "", next(iter(names))[:1])].append(frag)
    out = []
    for key, frags in sorted(frags_by_doc.items()):
        masked = masked_by_doc.get(key, [])
        if len(frags) != 1 or len(masked) != 1:
            continue
        a, b = sorted((frags[0], masked[0].uid))
        if (a, b) in reviewed:
            continue
        f = Feature("doc_id_fragment", WEIGHTS["doc_id_fragment"],
                    "only masked name of this surname beside a matched ID fragment in the document")
        out.append(Judgement.make(SAME_AS, a, b, f.weight, f"resolve.person@{RULE_VERSION}",
                                  reason=f"doc_id_fragment({f.weight:+.1f}) = {f.weight:.2f}",
                                  features=[f.as_dict()], at=at))
    return out


def _doc_broker_pass(store: GraphStore, ents: list[Entity], judgements: list[Judgement],
                     reviewed: set[tuple[str, str]], at: str) -> list[Judgement]:
    """A masked name (杜某某) with nothing beside it in a document that also names a borrower
    already joined (through their own identifier) to a strong-keyed person, and the bank
    branches of that borrower's loans, is joined to the one intermediary of those loans
    (loan -BROKERED- person, at a branch the document names) whose surname is the masked
    name's, when the masked name is the only one of that surname in the document and
    only one person (cluster) of that surname brokered those loans. Anything else in the
    borrower's neighbourhood (transfer counterparties, loan officers) is not used: in the
    generated data it would join police officers and witnesses to namesakes."""
    from kg.resolve.matching import WEIGHTS, Feature

    cm = canonical_map(judgements)
    masked_by_doc: dict[str, list[Entity]] = defaultdict(list)
    docs_of: dict[str, set[str]] = defaultdict(set)  # cluster -> documents that name it
    for e in ents:
        if e.label != "Person" or not e.scope:
            continue
        if e.masked and e.uid not in cm:
            masked_by_doc[e.scope].append(e)
        if e.uid in cm and is_strong_uid(cm[e.uid]):
            docs_of[cm[e.uid]].add(e.scope)
    if not masked_by_doc or not docs_of:
        return []
    mentioned: dict[str, set[str]] = defaultdict(set)
    for r in store.query("MATCH (d:Document)-[:MENTIONS]->(c:Company) RETURN DISTINCT d.doc_id AS d, c.uid AS c"):
        mentioned[r["d"]].add(r["c"])
    # (document, surname) -> clusters of that surname who brokered a loan of a borrower the
    # document names, at a branch the document names
    brokers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in store.query("MATCH (s:Person)-[:APPLIED_FOR]->(l:LoanAccount)<-[:BROKERED]-(x:Person) "
                         "MATCH (l)-[:ISSUED_BY]->(c:Company) RETURN DISTINCT s.uid AS s, x.uid AS x, x.name AS n, "
                         "c.uid AS c"):
        name = r["n"] or ""
        if not name or is_masked(name):
            continue
        for doc in docs_of.get(cm.get(r["s"], r["s"]), ()):
            if r["c"] in mentioned.get(doc, ()):
                brokers[(doc, name[:1])].add(cm.get(r["x"], r["x"]))
    out = []
    for doc, masked in sorted(masked_by_doc.items()):
        by_surname: dict[str, list[Entity]] = defaultdict(list)
        for e in masked:
            by_surname[e.name[:1]].append(e)
        for sn, es in sorted(by_surname.items()):
            cands = brokers.get((doc, sn), set())
            if len(es) != 1 or len(cands) != 1:
                continue
            a, b = sorted((es[0].uid, next(iter(cands))))
            if (a, b) in reviewed:
                continue
            f = Feature("doc_loan_broker", WEIGHTS["doc_loan_broker"],
                        "only masked name of this surname in a document naming a joined borrower and the branches "
                        "of their loans; the only broker of this surname of those loans")
            out.append(Judgement.make(SAME_AS, a, b, f.weight, f"resolve.person@{RULE_VERSION}",
                                      reason=f"doc_loan_broker({f.weight:+.1f}) = {f.weight:.2f}",
                                      features=[f.as_dict()], at=at))
    return out


def _certificate_pass(store: GraphStore, reviewed: set[tuple[str, str]], at: str) -> list[Judgement]:
    """A certificate number read from a document (``Certificate:<证书编号>``: the text names
    no 作业类别) is joined to the certificate record of the same number
    (``Certificate:<证书编号>|<作业类别>``, from a registry, roster or buyer list) when exactly
    one record carries that number. A number recorded for two job types is left alone
    (the document does not say which one it means: a reviewer decides)."""
    out = []
    rows = store.query("MATCH (d:Certificate) WHERE d.job_type IS NULL AND d.cert_no IS NOT NULL "
                       "MATCH (r:Certificate {cert_no: d.cert_no}) WHERE r.job_type IS NOT NULL "
                       "RETURN d.uid AS d, collect(DISTINCT r.uid) AS rs")
    for row in sorted(rows, key=lambda r: r["d"]):
        if len(row["rs"]) != 1:
            continue
        a, b = sorted((row["d"], row["rs"][0]))
        if (a, b) in reviewed:
            continue
        feat = {"name": "cert_no_exact_unique", "weight": 3.0,
                "detail": "证书编号完全一致，且登记记录中只有一个作业类别"}
        out.append(Judgement.make(SAME_AS, a, b, 3.0, f"resolve.certificate@{RULE_VERSION}",
                                  reason="cert_no_exact_unique(+3.0) = 3.00", features=[feat], at=at))
    return out


def _neg(m: Any) -> float:
    """The weight of the contradicting features (added back: the positive evidence)."""
    return -sum(f.weight for f in m.features if f.weight < 0)


def review(store: GraphStore, log_path: str | Path, a: str, b: str, *, reject: bool = True, reason: str,
           author: str = "reviewer", score: float | None = None) -> dict[str, str]:
    """A reviewer's judgement on ``a`` and ``b``: ``reject=True`` records NOT_SAME_AS
    (overturning a merge), ``False`` SAME_AS. Updates log and graph; returns the new
    canonical ids (from the graph)."""
    if not reason:
        raise ValueError("a review needs a reason")
    if author == AUTO_AUTHOR:
        raise ValueError("the reviewer must not be the automatic resolver")
    missing = store.missing_nodes([a, b])
    if missing:
        from kg.errors import DataError
        raise DataError("no such node", uids=len(missing))
    j = Judgement.make(NOT_SAME_AS if reject else SAME_AS, a, b, score, "review", author=author, reason=reason)
    JudgementLog(log_path).append([j])
    _sync(store, [j])
    return canonical_ids(store)


def graph_judgements(store: GraphStore) -> list[Judgement]:
    """The judgements held in the graph (one per pair and kind), oldest first."""
    out = []
    for kind in (SAME_AS, NOT_SAME_AS):
        rows = store.query(f"MATCH (a:Entity)-[r:{kind}]->(b:Entity) RETURN a.uid AS a, b.uid AS b, r AS r")
        for row in rows:
            r = row["r"]
            p = r.properties
            at = p.get("at")
            at_s = at.replace(tzinfo=dt.UTC).isoformat() if isinstance(at, dt.datetime) else str(at or "")
            src = r.sources[0] if r.sources else ""
            m = re.search(r"judgement=([0-9a-f]+)", src)
            a, b = sorted((row["a"], row["b"]))
            out.append(Judgement(m.group(1) if m else "", kind, a, b, p.get("score"),
                                 p.get("rule", ""), p.get("author", AUTO_AUTHOR), at_s, p.get("reason", "")))
    out.sort(key=lambda j: (j.at, j.is_review, j.a, j.b))
    return out


def canonical_ids(store: GraphStore) -> dict[str, str]:
    """uid -> canonical uid for every node joined by SAME_AS in the graph (nodes not listed
    are their own canonical id). NOT_SAME_AS relationships override."""
    return canonical_map(graph_judgements(store))


def replay(store: GraphStore, log_path: str | Path) -> dict[str, str]:
    """Rebuild the graph's SAME_AS / NOT_SAME_AS relationships from the log (pairs whose
    nodes exist); returns the canonical ids."""
    judgements = list(JudgementLog(log_path))
    _sync(store, judgements)
    return canonical_map(judgements)


# -- ground-truth metrics ---------------------------------------------------------------------------------
def _truth_index(scenario: Path) -> tuple[dict[str, str], dict[tuple, list[tuple[str, str, str]]]]:
    """(strong id -> identity id, (file,row)|(doc,text) -> [(identity, label, name)])."""
    strong: dict[str, str] = {}
    idx: dict[tuple, list[tuple[str, str, str]]] = defaultdict(list)
    with open(scenario / "ground_truth" / "identities.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            ident = f"{d['label']}:{d['id']}"
            strong[ident] = ident
            seen = set()
            for r in d.get("refs", ()):
                key = ("f", r["file"], r["row"]) if "file" in r else ("d", r["doc"], r.get("text"))
                if key not in seen:
                    seen.add(key)
                    idx[key].append((ident, d["label"], d.get("name") or ""))
    return strong, idx


def _same_name(label: str, truth_name: str, name: str) -> bool:
    if truth_name == name:
        return True
    if label == "Company" and truth_name and name:
        from kg.resolve.matching import bank_branch, company_core

        bb = bank_branch(name)
        if bb is not None:
            return bb == bank_branch(truth_name)
        return company_core(truth_name)[0] == company_core(name)[0]
    return False


def _truth_of(node: Node, label: str, strong: dict[str, str], idx: dict[tuple, list[tuple[str, str, str]]]
              ) -> str | None:
    if node.id in strong:
        return node.id
    name = node.properties.get("name") or ""
    votes: Counter[str] = Counter()
    dm = _DOC.match(node.id)
    if dm:
        rest = dm.group("rest")
        text = rest[3:] if rest.startswith("id:") else rest
        cands = [c for c in idx.get(("d", dm.group("doc"), text), []) if c[1] == label]
        if len({c[0] for c in cands}) == 1:
            return cands[0][0]
        return None
    for ref in node.sources:
        src, _, rest = ref.partition("#")
        loc = rest.split("@", 1)[0]
        if not loc.startswith("row="):
            continue
        file = src.split("/", 1)[-1]
        cands = [c for c in idx.get(("f", file, int(loc[4:])), []) if c[1] == label]
        if name:
            pick = [c for c in cands if _same_name(label, c[2], name)]
        else:
            pick = cands if len({c[0] for c in cands}) == 1 else []
        if len({c[0] for c in pick}) == 1:
            votes[pick[0][0]] += 1
    if votes:
        return votes.most_common(1)[0][0]
    return None


def evaluate(store: GraphStore, scenario: str | Path, canonical: dict[str, str] | None = None,
             labels: Iterable[str] = ("Person", "Company")) -> dict[str, Any]:
    """Pairwise precision / recall / F1 per label against ``ground_truth/identities.jsonl``,
    and wrong merges (clusters holding two true identities; those joining two planted
    rings or a ring and a hard negative). Pairs are pairs of graph nodes that map to the
    same true identity (nodes that map to none are left out)."""
    scenario = Path(scenario)
    canonical = canonical_ids(store) if canonical is None else canonical
    strong, idx = _truth_index(scenario)
    group_of: dict[str, str] = {}
    for fname, key in (("rings.jsonl", "ring_id"), ("hard_negatives.jsonl", "hn_id")):
        p = scenario / "ground_truth" / fname
        if p.exists():
            for line in p.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    d = json.loads(line)
                    for mem in d.get("members", ()):
                        group_of.setdefault(f"{mem['label']}:{mem['id']}", d[key])
    out: dict[str, Any] = {}
    ring_merges: list[dict[str, Any]] = []
    for label in labels:
        truth: dict[str, str] = {}
        for row in store.query(f"MATCH (n:{label}) RETURN n"):
            n = row["n"]
            t = _truth_of(n, label, strong, idx)
            if t is not None:
                truth[n.id] = t
        by_truth: Counter[str] = Counter(truth.values())
        by_cluster: Counter[str] = Counter()
        by_both: Counter[tuple[str, str]] = Counter()
        cluster_truths: dict[str, set[str]] = defaultdict(set)
        for uid, t in truth.items():
            c = canonical.get(uid, uid)
            by_cluster[c] += 1
            by_both[(c, t)] += 1
            cluster_truths[c].add(t)
        pairs = lambda n: n * (n - 1) // 2  # noqa: E731
        tp = sum(pairs(v) for v in by_both.values())
        pred = sum(pairs(v) for v in by_cluster.values())
        true = sum(pairs(v) for v in by_truth.values())
        prec = tp / pred if pred else 1.0
        rec = tp / true if true else 1.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        wrong = {c: sorted(ts) for c, ts in cluster_truths.items() if len(ts) > 1}
        for c, ts in wrong.items():
            groups = {group_of[t] for t in ts if t in group_of}
            if len(groups) > 1:
                ring_merges.append({"cluster": c, "groups": sorted(groups)})
        out[label] = {"nodes": len(truth), "true_pairs": true, "predicted_pairs": pred, "tp": tp,
                      "precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4),
                      "wrong_clusters": len(wrong)}
        # the same without masked document mentions (张某), which need evidence the graph may lack
        um = {u: t for u, t in truth.items() if not (_DOC.match(u) and is_masked(u.rsplit(":", 1)[-1]))}
        ut: Counter[str] = Counter(um.values())
        ub: Counter[tuple[str, str]] = Counter((canonical.get(u, u), t) for u, t in um.items())
        utrue = sum(pairs(v) for v in ut.values())
        out[label]["recall_without_masked_mentions"] = round(sum(pairs(v) for v in ub.values()) / utrue, 4) if utrue else 1.0
    out["ring_joining_merges"] = len(ring_merges)
    out["ring_joining_detail"] = ring_merges[:20]
    return out
