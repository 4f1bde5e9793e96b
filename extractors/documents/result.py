"""The extractor's result: entity and relation mentions, statements, JSON lines.

Uids: a person with a full ID number attached (see :meth:`ExtractionResult.holders`) is
``Person:<id number>``; every other person is scoped to its document,
``Person:doc:<doc_id>:<name>``, so two documents' 张某 never merge. A masked ID number
attached to a person (张某, 公民身份号码110105XXXXXXXX8499) becomes that person's
``id_number`` and names the same node; an unattached one stays a node of its own
(``Person:doc:<doc_id>:id:<number>``). Bank cards / accounts and phones attached to a
person give ``OWNS`` / ``HAS_PHONE`` relationships (the entity resolver matches a masked
card or ID number against full ones: a strong key, never the masked name alone).
Companies with a USCC attached are ``Company:<uscc>``, other clean names
``Company:name:<name>``, masked names (某, ×, X) ``Company:doc:<doc_id>:<name>``.
Masked identifiers are doc-scoped too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from spacy.tokens import Doc

from kg.statement import Provenance, Source, Statement

__version__ = "0.1.0"
EXTRACTOR = f"extractors.documents@{__version__}"

_MASKS = set("某×XＸ*＊")
#: identifiers that belong to a person when written next to their name
_HELD = ("ID_CARD", "BANK_CARD", "ACCOUNT", "PHONE")
#: a line of a form: a short key and a full-width or ASCII colon (户名：, 身份证号：, 被询问人：)
_FIELD_LINE = re.compile(r"^[ \t\u3000]*[\u4e00-\u9fff]{1,8}[：:]")
#: what may stand between a name and its card / account / phone (banks left out): 名下银行卡（卡号 /
#: 的账户，账号为 / 使用的手机（号码 — a possessive, at most four other characters, the kind of number
_POSSESSIVE = re.compile(
    r"(?:名下|的|持有的?|使用的?|开立的?|开户的?|办理的?|申领的?)的?[\u4e00-\u9fff]{0,4}?"
    r"(?:银行卡|信用卡|借记卡|储蓄卡|贷记卡|卡|银行账户|账户|帐户|手机|电话)?[（(]?"
    r"(?:卡号|账号|帐号|号码|手机号码?|电话号码?|联系电话)?码?(?:[:：为是]|尾号)?[ \t\u3000]*")
#: the most characters between a name and its identifier (an ID number in the same sentence may be
#: further, after sex, birth date, ethnicity, education: 被告人张某，男，……，公民身份号码…)
_MAX_GAP = 40
_MAX_GAP_ID = 100


@dataclass(frozen=True)
class Entity:
    """One entity mention.

    ``value`` is the normalised value (yuan for MONEY, ISO for DATE, the number for
    identifiers, the name for PERSON/ORG); ``valid`` is the identifier check (``None`` when
    not applicable or masked); ``rule`` is the rule id that found it.
    """

    doc: str
    label: str
    text: str
    value: Any
    start: int
    end: int
    valid: bool | None
    rule: str
    sentence: tuple[int, int]
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def masked(self) -> bool:
        """True for masked names and partly hidden identifiers."""
        if self.label in ("PERSON", "ORG", "ADDRESS"):
            return bool(self.extra.get("masked")) or any(c in _MASKS for c in self.text)
        return bool(self.extra.get("masked"))


@dataclass(frozen=True)
class Relation:
    """One relation mention found by a template (``rule``) over ``start``-``end``."""

    doc: str
    type: str
    source: str
    target: str
    start: int
    end: int
    rule: str
    source_label: str
    target_label: str
    source_span: tuple[int, int]
    target_span: tuple[int, int]
    sentence: tuple[int, int]
    props: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass
class ExtractionResult:
    """Entities and relations of one document with its source description."""

    doc_id: str
    sha256: str
    text: str
    source: Source
    entities: list[Entity]
    relations: list[Relation]
    extractor: str = EXTRACTOR
    _person_ids: dict[str, Entity] | None = field(default=None, init=False, repr=False, compare=False)
    _holders: dict[tuple[int, int], Entity] | None = field(default=None, init=False, repr=False, compare=False)

    def prov(self, start: int, end: int) -> Provenance:
        """Provenance of a fact at ``start``-``end`` of this document."""
        return Provenance(self.doc_id, f"chars={start}-{end}", self.extractor)

    # ------------------------------------------------------------------ uids
    def _attached(self, e: Entity, label: str, partner: str) -> Entity | None:
        """An identifier (``label``) following ``e`` in its sentence with no other ``partner`` mention between."""
        for x in self.entities:
            if x.start < e.end or x.sentence != e.sentence:
                continue
            if x.label == partner and x.start >= e.end:
                return None
            if x.label == label and not x.masked:
                return x
        return None

    def _line(self, pos: int) -> tuple[int, int]:
        s = self.text.rfind("\n", 0, pos) + 1
        e = self.text.find("\n", pos)
        return s, (len(self.text) if e < 0 else e)

    def _belongs(self, p: Entity, x: Entity, orgs: list[Entity]) -> bool:
        """Whether identifier ``x`` (after person ``p``, no other person between) is ``p``'s.

        * an ID number in the same sentence (a company holds no 身份证号);
        * a card, account or phone in the same sentence in a parenthesis right after the
          name (张某（卡号…）), or after 名下 / 的 / 持有 / 使用 and at most four other
          characters besides bank names (张某名下中国银行银行卡（卡号…）, 张某使用的手机（号码…）),
          with no organisation other than a bank between;
        * any of them in a form: the name is the value of a field (户名：张某, 被询问人：张某)
          and the identifier a field of the same or one of the next two lines, all of them
          short field lines (证件号码：…, 联系电话：…);
        * any of them in the next cell of a table row (张某 | 6222 **** **** 1234).
        """
        gap = self.text[p.end:x.start]
        if p.sentence == x.sentence and len(gap) <= (_MAX_GAP_ID if x.label == "ID_CARD" else _MAX_GAP):
            if x.label == "ID_CARD":
                return True
            if not any("银行" not in (o.extra.get("alias_of") or o.text) for o in orgs):
                if gap[:1] in ("（", "(") and not any(c in gap for c in "）)"):
                    return True
                bare = gap
                for o in sorted(orgs, key=lambda o: -o.start):
                    bare = bare[:o.start - p.end] + bare[o.end - p.end:]
                if _POSSESSIVE.fullmatch(bare):
                    return True
        if re.fullmatch(r"[ \t\u3000]*[|｜][ \t\u3000]*", gap):
            return True
        ls, _ = self._line(p.start)
        if not re.search(r"[：:][ \t\u3000]*$", self.text[ls:p.start]):
            return False
        lines = self.text[ls:self._line(x.start)[1]].split("\n")
        return len(lines) <= 3 and all(_FIELD_LINE.match(ln) and len(ln) <= 60 for ln in lines)

    def holders(self) -> dict[tuple[int, int], Entity]:
        """Identifier mention span -> the PERSON mention it belongs to (see :meth:`_belongs`);
        always the nearest preceding name, so two persons in one sentence never swap."""
        if self._holders is not None:
            return self._holders
        out: dict[tuple[int, int], Entity] = {}
        last: Entity | None = None
        orgs: list[Entity] = []
        for x in sorted(self.entities, key=lambda m: (m.start, m.end)):
            if x.label == "PERSON":
                last, orgs = x, []
            elif x.label == "ORG":
                orgs.append(x)
            elif x.label in _HELD and last is not None and self._belongs(last, x, orgs):
                out[(x.start, x.end)] = last
        self._holders = out
        return out

    def person_ids(self) -> dict[str, Entity]:
        """Names tied to exactly one ID number (full or masked) in the document (name -> ID mention).

        A masked name is already scoped to its document, so every mention of that name in
        the document is the same person; a name seen with two different ID numbers is
        left without one.
        """
        if self._person_ids is not None:
            return self._person_ids
        seen: dict[str, set[str]] = {}
        first: dict[str, Entity] = {}
        for x in self.entities:
            p = self.holders().get((x.start, x.end))
            if p is not None and x.label == "ID_CARD":
                seen.setdefault(p.text, set()).add(str(x.value))
                first.setdefault(p.text, x)
        out = {name: first[name] for name, ids in seen.items() if len(ids) == 1}
        self._person_ids = out
        return out

    def _id_owner(self, e: Entity) -> str | None:
        """The name a masked ID number belongs to (the only name it is attached to)."""
        names = {n for n, idc in self.person_ids().items() if idc.value == e.value}
        return next(iter(names)) if len(names) == 1 else None

    def _person_uid(self, name: str) -> str:
        idc = self.person_ids().get(name)
        if idc is not None and not idc.masked:
            return f"Person:{idc.value}"
        return f"Person:doc:{self.doc_id}:{name}"

    def uid(self, e: Entity) -> tuple[str, str] | None:
        """``(model label, uid)`` of the entity a mention names, or ``None`` for MONEY/DATE."""
        d = self.doc_id
        if e.label == "PERSON":
            return "Person", self._person_uid(e.text)
        if e.label == "ORG":
            name = e.extra.get("alias_of", e.text)
            code = self._attached(e, "USCC", "ORG")
            if code is not None:
                return "Company", f"Company:{code.value}"
            if any(c in _MASKS for c in name):
                return "Company", f"Company:doc:{d}:{name}"
            return "Company", f"Company:name:{name}"
        if e.label == "ID_CARD":
            if not e.masked:
                return "Person", f"Person:{e.value}"
            owner = self._id_owner(e)
            return "Person", (self._person_uid(owner) if owner is not None else f"Person:doc:{d}:id:{e.text}")
        if e.label == "USCC":
            return "Company", f"Company:{e.value}"
        if e.label in ("BANK_CARD", "ACCOUNT"):
            return "BankAccount", (f"BankAccount:doc:{d}:{e.value}" if e.masked else f"BankAccount:{e.value}")
        if e.label == "PHONE":
            return "Phone", (f"Phone:doc:{d}:{e.value}" if e.masked else f"Phone:{e.value}")
        if e.label == "CASE_NO":
            lab = "CriminalCase" if ("刑" in e.text or "检" in e.text) else "CourtCase"
            return lab, f"{lab}:{e.text}"
        if e.label == "PROPERTY_NO":
            return "Property", f"Property:{e.text}"
        if e.label == "CERT_NO":
            return "Certificate", f"Certificate:{e.value}"
        if e.label == "ADDRESS":
            return "Address", (f"Address:doc:{d}:{e.text}" if e.masked else f"Address:{e.text}")
        return None

    # ------------------------------------------------------------------ statements
    def _entity_props(self, e: Entity) -> dict[str, Any]:
        if e.label == "PERSON":
            idc = self.person_ids().get(e.text)
            props: dict[str, Any] = {"name": e.text, "masked": e.masked}
            if idc is not None and not idc.masked:
                props.update({"id_number": idc.value, "id_valid": bool(idc.valid)})
                if idc.extra.get("birth_date"):
                    props["birth_date"] = idc.extra["birth_date"]
            else:
                props["doc_scope"] = self.doc_id
                if idc is not None:
                    props["id_number"] = idc.value
            return props
        if e.label == "ORG":
            props = {"name": e.extra.get("alias_of", e.text)}
            if e.extra.get("kind"):
                props["kind"] = e.extra["kind"]
            code = self._attached(e, "USCC", "ORG")
            if code is not None:
                props.update({"uscc": code.value, "uscc_valid": bool(code.valid)})
            return props
        if e.label == "ID_CARD":
            props = {"id_number": e.value}
            if e.valid is not None:
                props["id_valid"] = e.valid
            return props
        if e.label == "USCC":
            return {"uscc": e.value, "uscc_valid": bool(e.valid)}
        if e.label in ("BANK_CARD", "ACCOUNT"):
            props = {"account_no": e.value, "account_type": "card" if e.label == "BANK_CARD" else "account"}
            if e.valid is not None and e.label == "BANK_CARD":
                props["luhn_valid"] = e.valid
            return props
        if e.label == "PHONE":
            props = {"number": e.value, "kind": "mobile" if e.value.startswith("1") else "landline"}
            if e.valid is not None:
                props["valid"] = e.valid
            return props
        if e.label == "CASE_NO":
            return {"case_no": e.text}
        if e.label == "PROPERTY_NO":
            return {"cert_no": e.text}
        if e.label == "CERT_NO":
            return {"cert_no": e.value}
        if e.label == "ADDRESS":
            return {"text": e.text, "normalised": e.text}
        return {}

    def statements(self) -> list[Statement]:
        """The result as :class:`kg.statement.Statement` objects, each with provenance.

        Every entity mention gives its entity's properties and a ``MENTIONS`` edge from the
        ``Document`` node; every relation mention gives the model's relationship(s) (loans,
        invoices and transfer accounts named in a document become doc-scoped nodes).
        """
        out: list[Statement] = []
        d = self.doc_id
        doc_uid = f"Document:{d}"
        whole = Provenance(d, f"chars=0-{len(self.text)}", self.extractor)
        for k, v in {"doc_id": d, "kind": "case_document", "sha256": self.sha256, "chars": len(self.text)}.items():
            out.append(Statement("Document", doc_uid, whole, prop=k, value=v))
        for e in self.entities:
            ref = self.uid(e)
            if ref is None:
                continue
            label, uid = ref
            pv = self.prov(e.start, e.end)
            props = self._entity_props(e)
            out.append(Statement(label, uid, pv))
            for k, v in props.items():
                out.append(Statement(label, uid, pv, prop=k, value=v))
            rid = f"MENTIONS:{d}:{e.start}-{e.end}"
            for k, v in (("start", e.start), ("end", e.end), ("text", e.text)):
                out.append(Statement("Document", doc_uid, pv, prop=k, value=v, rel="MENTIONS", obj_label=label,
                                     obj_uid=uid, rid=rid))
        out.extend(self._holder_statements())
        by_span = {(e.start, e.end): e for e in self.entities}
        for r in self.relations:
            src, tgt = by_span.get(r.source_span), by_span.get(r.target_span)
            if src is None or tgt is None:
                continue
            out.extend(self._relation_statements(r, src, tgt))
        return out

    def _holder_statements(self) -> Iterator[Statement]:
        """``OWNS`` (cards, accounts) and ``HAS_PHONE`` (phones) for identifiers attached to a
        person, one relationship per (person, identifier) with the first attachment's span."""
        done: set[tuple[str, str]] = set()
        by_span = {(e.start, e.end): e for e in self.entities}
        for span, p in sorted(self.holders().items()):
            x = by_span[span]
            if x.label == "ID_CARD":
                continue
            a, b = self.uid(p), self.uid(x)
            if a is None or b is None or (a[1], b[1]) in done:
                continue
            done.add((a[1], b[1]))
            typ = "HAS_PHONE" if x.label == "PHONE" else "OWNS"
            pv = self.prov(p.start, x.end)
            yield Statement(a[0], a[1], pv, rel=typ, obj_label=b[0], obj_uid=b[1],
                            rid=f"{typ}:{self.doc_id}:{a[1]}->{b[1]}")

    def _relation_statements(self, r: Relation, src: Entity, tgt: Entity) -> Iterator[Statement]:
        a, b = self.uid(src), self.uid(tgt)
        if a is None or b is None:
            return
        pv = self.prov(r.start, r.end)
        d = self.doc_id
        base = f"{d}:{r.start}-{r.end}"

        def rel(s: tuple[str, str], typ: str, o: tuple[str, str], props: dict[str, Any] | None = None) -> Iterator[Statement]:
            rid = f"{typ}:{base}:{s[1]}->{o[1]}"
            yield Statement(s[0], s[1], pv, rel=typ, obj_label=o[0], obj_uid=o[1], rid=rid)
            for k, v in (props or {}).items():
                yield Statement(s[0], s[1], pv, prop=k, value=v, rel=typ, obj_label=o[0], obj_uid=o[1], rid=rid)

        def node(label: str, uid: str, props: dict[str, Any]) -> Iterator[Statement]:
            yield Statement(label, uid, pv)
            for k, v in props.items():
                yield Statement(label, uid, pv, prop=k, value=v)

        on = {"on": r.props["on"]} if "on" in r.props else {}
        amount = {"amount": r.props["amount"]} if "amount" in r.props else {}
        if r.type in ("SUPPLIED_TO",) and a[0] in ("Person", "Company") and b[0] in ("Person", "Company"):
            yield from rel(a, "SUPPLIED_TO", b, {**amount, **on})
        elif r.type in ("LEGAL_REPRESENTATIVE_OF", "EMPLOYED_BY") and a[0] == "Person" and b[0] == "Company":
            yield from rel(a, r.type, b)
        elif r.type == "APPLIED_FOR" and a[0] in ("Person", "Company") and b[0] == "Company":
            loan = ("LoanAccount", f"LoanAccount:doc:{d}:{a[1]}->{b[1]}")
            yield from node(*loan, {"contract_no": f"doc:{d}:{r.start}", **({"amount": r.props["amount"]} if amount else {})})
            yield from rel(a, "APPLIED_FOR", loan, on)
            yield from rel(loan, "ISSUED_BY", b, on)
        elif r.type == "BROKERED" and a[0] in ("Person", "Company") and b[0] in ("Person", "Company"):
            loan = ("LoanAccount", f"LoanAccount:doc:{d}:{b[1]}")
            yield from node(*loan, {"contract_no": f"doc:{d}:{b[1]}"})
            yield from rel(a, "BROKERED", loan, on)
            yield from rel(b, "APPLIED_FOR", loan, on)
        elif r.type == "APPROVED_BY" and b[0] == "Person":
            loan = ("LoanAccount", f"LoanAccount:doc:{d}:{a[1]}")
            yield from node(*loan, {"contract_no": f"doc:{d}:{a[1]}"})
            yield from rel(loan, "APPROVED_BY", b, {**on, "role": r.props.get("role", "审批人")})
        elif r.type == "TRANSFERRED_TO" and a[0] in ("Person", "Company") and b[0] in ("Person", "Company"):
            acc_a = ("BankAccount", f"BankAccount:doc:{d}:of:{a[1]}")
            acc_b = ("BankAccount", f"BankAccount:doc:{d}:of:{b[1]}")
            yield from node(*acc_a, {"account_no": f"doc:{d}:of:{a[1]}"})
            yield from node(*acc_b, {"account_no": f"doc:{d}:of:{b[1]}"})
            yield from rel(a, "OWNS", acc_a)
            yield from rel(b, "OWNS", acc_b)
            yield from rel(acc_a, "TRANSFERRED_TO", acc_b, amount)
        elif r.type == "PAID_FOR" and a[0] in ("Person", "Company", "BankAccount"):
            prop = b if b[0] == "Property" else ("Property", f"Property:doc:{d}:{tgt.text}")
            if b[0] != "Property":
                yield from node(*prop, {"cert_no": f"doc:{d}:{tgt.text}"})
            yield from rel(a, "PAID_FOR", prop, {**amount, **on})
        elif r.type == "HOLDS" and a[0] in ("Person", "Company") and b[0] == "Certificate":
            yield from rel(a, "HOLDS", b)
        elif r.type == "INVOICED" and a[0] == "Company" and b[0] == "Company":
            inv = ("Invoice", f"Invoice:doc:{d}:{r.start}-{r.end}:{b[1]}")
            yield from node(*inv, {})
            yield from rel(a, "INVOICED", inv)
            yield from rel(inv, "BILLED_TO", b)


def build_result(doc: Doc, doc_id: str, sha256: str, uri: str) -> ExtractionResult:
    """Turn a processed spaCy ``Doc`` into an :class:`ExtractionResult`."""
    sents: list[tuple[int, int]] = doc._.cg_sentences or [(0, len(doc.text))]

    def sentence_of(pos: int) -> tuple[int, int]:
        for s in sents:
            if s[0] <= pos < s[1]:
                return s
        return sents[-1]

    ents = [Entity(doc_id, m.label, m.text, m.value, m.start, m.end, m.valid, m.rule, sentence_of(m.start), dict(m.extra))
            for m in (doc._.cg_mentions or [])]
    rels = [Relation(doc_id, r.type, r.source.text, r.target.text, r.start, r.end, r.rule, r.source.label,
                     r.target.label, (r.source.start, r.source.end), (r.target.start, r.target.end),
                     sentence_of(r.start), dict(r.props))
            for r in (doc._.cg_relations or [])]
    source = Source(source_id=doc_id, uri=uri, sha256=sha256, kind="document")
    return ExtractionResult(doc_id, sha256, doc.text, source, ents, rels)


def jsonl_lines(result: ExtractionResult) -> Iterator[str]:
    """The stable JSON-lines interface of ``kg extract PATH... --jsonl``.

    One object per entity mention (``kind`` = ``entity``: doc, label, text, value, start,
    end, valid, rule) and one per relation (``kind`` = ``relation``: doc, type, source,
    target, start, end, rule); every object also carries ``sha256`` and ``extractor``.

    Examples
    --------
    >>> from extractors.documents import extract_text
    >>> next(jsonl_lines(extract_text("被告人张某于2023年10月16日到案。", "ex")))  # doctest: +ELLIPSIS
    '{"kind": "entity", "doc": "ex", "label": "PERSON", "text": "张某", "value": "张某", "start": 3, "end": 5, "valid": true, "rule": "person.masked", "sha256": "...", "extractor": "extractors.documents@0.1.0"}'
    """
    for e in result.entities:
        yield json.dumps({"kind": "entity", "doc": e.doc, "label": e.label, "text": e.text, "value": e.value,
                          "start": e.start, "end": e.end, "valid": e.valid, "rule": e.rule,
                          "sha256": result.sha256, "extractor": result.extractor}, ensure_ascii=False)
    for r in result.relations:
        yield json.dumps({"kind": "relation", "doc": r.doc, "type": r.type, "source": r.source, "target": r.target,
                          "start": r.start, "end": r.end, "rule": r.rule, "sha256": result.sha256,
                          "extractor": result.extractor}, ensure_ascii=False)
