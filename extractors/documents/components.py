"""spaCy components of the document extractor (registered as factories).

The pipeline runs on ``spacy.blank("zh")`` with one-character tokens, so every
character span is also a token span. Each component adds candidate mentions to
``doc._.cg_candidates``; ``cluegraph_resolve`` picks non-overlapping mentions (identifiers
first, then the longer span), expands short names (以下简称) and repeated names, and
writes ``doc._.cg_mentions``, ``doc.spans["cluegraph"]`` and ``doc.ents``;
``cluegraph_addresses`` fills addresses into the gaps; ``cluegraph_relations`` applies
the relation templates and writes ``doc._.cg_relations``.

Rule files are JSON lines shipped as package data in ``rules/`` and read with
:mod:`importlib.resources`.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator

import jieba
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.documents import normalize as nz

log = logging.getLogger(__name__)
jieba.setLogLevel(logging.WARNING)

SENT_END = "。！？；;!?\n"
_HAN = "\u4e00-\u9fff"


@dataclass
class Mention:
    """One entity mention: a character span of the document with its label and value."""

    start: int
    end: int
    label: str
    text: str
    rule: str
    priority: int = 0
    value: Any = None
    valid: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def overlaps(self, other: Mention) -> bool:
        """True when the two spans share a character."""
        return self.start < other.end and other.start < self.end


@dataclass
class RelationMention:
    """One relation found by a template: source and target mentions and the matched span."""

    type: str
    source: Mention
    target: Mention
    start: int
    end: int
    rule: str
    props: dict[str, Any] = field(default_factory=dict)


for _name, _default in (("cg_candidates", None), ("cg_mentions", None), ("cg_relations", None),
                        ("cg_sentences", None), ("cg_aliases", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


def read_rules(name: str) -> list[dict[str, Any]]:
    """Read a JSONL rule file shipped in ``extractors/documents/rules``.

    Parameters
    ----------
    name:
        File name inside the ``rules`` package folder.

    Returns
    -------
    list of dict
        One dict per non-empty line.
    """
    text = resources.files("extractors.documents").joinpath("rules", name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip() and not line.startswith("//")]


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per document (spaCy rebuilds it from the tokens on every access)."""
    text = doc.user_data.get("cg_text")
    if text is None:
        text = doc.text
        doc.user_data["cg_text"] = text
    return text  # type: ignore[no-any-return]


def _candidates(doc: Doc) -> list[Mention]:
    if doc._.cg_candidates is None:
        doc._.cg_candidates = []
    return doc._.cg_candidates  # type: ignore[no-any-return]


def sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans at 。！？； and newlines (the punctuation stays inside)."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"[。！？；;!?\n]+[”」』]?", text):
        if m.end() > start:
            out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


# --------------------------------------------------------------------------- patterns
class PatternEntities:
    """Regex rules for identifiers, amounts and dates (``rules/entities.jsonl``)."""

    def __init__(self, rules: str) -> None:
        self.rules = []
        for r in read_rules(rules):
            self.rules.append((r, re.compile(r["pattern"]), re.compile(r["context_before"]) if r.get("context_before") else None))

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        cands = _candidates(doc)
        for rule, rx, ctx in self.rules:
            grp = int(rule.get("group", 0))
            for m in rx.finditer(text):
                s, e = m.span(grp)
                if s < 0 or s == e:
                    continue
                if ctx is not None and not ctx.search(text[max(0, s - 16):s]):
                    continue
                mention = Mention(s, e, rule["label"], text[s:e], rule["id"], int(rule.get("priority", 50)))
                if _normalise(mention, rule.get("norm")):
                    cands.append(mention)
        return doc


def _normalise(m: Mention, norm: str | None) -> bool:
    """Fill value/valid of a pattern mention; False drops it."""
    t = m.text
    if norm == "money":
        value, approx = nz.parse_money(t)
        if value is None:
            return False
        m.value, m.valid = value, True
        if approx:
            m.extra["approximate"] = True
    elif norm == "date":
        m.value, m.valid = nz.parse_date(t)
    elif norm == "ric":
        info = nz.validate_ric(t.upper())
        if not info["valid"] and nz.validate_uscc(t.upper()):
            m.label, m.value, m.valid, m.rule = "USCC", t.upper(), True, "uscc"
            return True
        m.value, m.valid = t.upper(), bool(info["valid"])
        m.extra.update({k: v for k, v in info.items() if k != "valid"})
    elif norm == "uscc":
        if t.isdigit() or (t[:-1].isdigit() and t[-1] in "Xx"):
            return False  # an ID-card shaped number: left to the ID rule
        m.value, m.valid = t, nz.validate_uscc(t)
    elif norm == "masked":
        if not nz.is_masked(t):
            return False
        m.value, m.valid = t, None
        m.extra["masked"] = True
    elif norm in ("card", "account"):
        digits = t.replace(" ", "").replace("-", "")
        m.value = digits
        if nz.is_masked(digits):
            m.valid = None
            m.extra["masked"] = True
        else:
            m.valid = nz.validate_card(digits) if norm == "card" else True
    elif norm == "phone":
        m.value = t.replace(" ", "")
        if nz.is_masked(t):
            m.valid, m.extra["masked"] = None, True
        else:
            m.valid = nz.validate_phone(t)
    else:
        m.value, m.valid = t, True
    return True


@Language.factory("cluegraph_patterns", default_config={"rules": "entities.jsonl"})
def make_patterns(nlp: Language, name: str, rules: str) -> PatternEntities:
    """Factory of :class:`PatternEntities`."""
    return PatternEntities(rules)


# --------------------------------------------------------------------------- persons
_ROLE_WORDS = ("犯罪嫌疑人", "嫌疑人", "被告人", "被害人", "受害人", "证人", "同案人", "客户经理", "信贷员", "法定代表人",
               "负责人", "中介人", "中介", "介绍人", "申请人", "借款人", "出借人", "担保人", "原告", "被告", "经理", "会计", "出纳")
ROLE_KIND = {"被告人": "defendant", "被害人": "victim", "受害人": "victim", "证人": "witness", "犯罪嫌疑人": "suspect",
             "嫌疑人": "suspect", "同案人": "accomplice", "客户经理": "bank_staff", "信贷员": "bank_staff",
             "法定代表人": "legal_representative", "中介": "intermediary", "中介人": "intermediary",
             "介绍人": "intermediary", "借款人": "borrower", "担保人": "guarantor"}


class PersonFinder:
    """Masked names (张某, 王某某, 张某甲, 王某3, 易1某, 郭汉某, 李XX, 李××) and names after role words."""

    def __init__(self, surnames: str, min_real: int = 2) -> None:
        single, compound, ambiguous = "", [], ""
        for r in read_rules(surnames):
            if r["kind"] == "single":
                single = r["chars"]
            elif r["kind"] == "compound":
                compound = list(r["items"])
            elif r["kind"] == "ambiguous_lead":
                ambiguous = r["chars"]
        self.single = set(single)
        self.compound = set(compound)
        self.ambiguous = set(ambiguous)
        sur = "(?:" + "|".join(compound) + f"|[{single}])"
        self.rx_masked = re.compile(
            rf"(?<![\d.])(?P<n>{sur}(?:某某|某[甲乙丙丁戊己庚辛壬癸]|某\d{{1,2}}(?!\d)|某(?![\d])|\d{{1,2}}某|[{_HAN}]某(?:某)?|[X×Ｘ]{{2,3}}(?![X×Ｘ\d])))"
        )
        roles = "|".join(sorted(_ROLE_WORDS, key=len, reverse=True))
        self.rx_role = re.compile(rf"(?P<role>{roles})[：:]?(?P<n>{sur}[{_HAN}]{{1,2}})")
        self.min_real = min_real
        self.role_words = _ROLE_WORDS

    def _masked(self, text: str) -> Iterator[tuple[int, int]]:
        pos = 0
        while True:
            m = self.rx_masked.search(text, pos)
            if not m:
                return
            s, e = m.span("n")
            name = m.group("n")
            # surname + ordinary char + 某: the middle char must not itself be a surname, the
            # lead must not be a function word; otherwise retry one character later
            sl = 2 if name[:2] in self.compound else 1
            if len(name) > sl + 1 and name[sl] != "某" and not name[sl].isdigit() and name[sl] not in "X×Ｘ":
                if name[sl] in self.single or (sl == 1 and name[0] in self.ambiguous):
                    pos = s + 1
                    continue
            if name[-1] in "X×Ｘ" and not self._mask_context(text, s, e):
                pos = s + 1
                continue
            yield s, e
            pos = e

    def _mask_context(self, text: str, s: int, e: int) -> bool:
        """李XX / 李××: only after a role word or a list separator, and not before 罪 (a masked charge)."""
        if text[e:e + 1] in ("罪", "之", "的", "规", "条", "款", "项"):
            return False
        if s == 0 or text[s - 1] in "、，,：:（(与和及；;。 \n":
            return True
        return any(text[max(0, s - len(r)):s] == r for r in self.role_words)

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        cands = _candidates(doc)
        for s, e in self._masked(text):
            cands.append(Mention(s, e, "PERSON", text[s:e], "person.masked", 45, value=text[s:e], valid=True,
                                 extra={"masked": True}))
        for m in self.rx_role.finditer(text):
            s = m.start("n")
            window = text[s:s + 4]
            tok = jieba.lcut(window, HMM=True)[0] if window else ""
            if "某" in window[:3] or not (2 <= len(tok) <= 3) or not all("\u4e00" <= c <= "\u9fff" for c in tok):
                continue
            tag = _pos_table().get(tok)
            if (tag is not None and not tag.startswith("nr")) or jieba.dt.FREQ.get(tok, 0) > 100:
                continue  # an ordinary word (公司, 陈述, 钱款), not a name
            cands.append(Mention(s, s + len(tok), "PERSON", tok, "person.role", 44, value=tok, valid=True,
                                 extra={"masked": False}))
        return doc


@Language.factory("cluegraph_persons", default_config={"surnames": "surnames.jsonl", "min_real": 2})
def make_persons(nlp: Language, name: str, surnames: str, min_real: int) -> PersonFinder:
    """Factory of :class:`PersonFinder`."""
    return PersonFinder(surnames, min_real)


# --------------------------------------------------------------------------- organisations
_ADDR_MARK = re.compile(r"(?:街道|大道|大街|[路街巷弄镇乡号]|(?<!农)村)")
_HOUSE_NO = re.compile(r"[0-9X×Ｘ]+号(?:楼|院)?")
_STOP_CHARS = set("在到至向从给与和及由以为对被经将把让于是系的了等即其该本此并且又再也都均已曾共后称欠")
_BRANCH_KINDS = {"branch", "bank", "agency", "procuratorate", "court"}


_FUNCTION_TAGS = ("v", "p", "c", "d", "r", "u", "m", "q", "t", "f", "y", "e", "o", "ad", "vd")


@lru_cache(maxsize=1)
def _pos_table() -> dict[str, str]:
    """jieba's dictionary part-of-speech tags (shipped in the wheel; loaded once)."""
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab  # type: ignore[no-any-return]


def _is_function_word(tok: str, stop: set[str], tags: tuple[str, ...] = _FUNCTION_TAGS) -> bool:
    """A verb, preposition, pronoun, numeral, time word... that cannot start a name or an address."""
    if tok in stop or any(c.isdigit() for c in tok):
        return True
    if any(c in "某×ＸXx" for c in tok):
        return False  # a masked part of a name (某集团有限公司)
    tag = _pos_table().get(tok)
    return tag is not None and tag.startswith(tags) and not tag.startswith(("vn", "nr", "ns", "nt", "nz"))


def _last_match(rx: re.Pattern[str], s: str) -> re.Match[str] | None:
    """The last non-overlapping match of ``rx`` in ``s``."""
    last = None
    for last in rx.finditer(s):  # noqa: B007
        pass
    return last


class OrgFinder:
    """Organisation names: a known suffix, and jieba to find where the name starts."""

    def __init__(self, suffixes: str, gazetteer: str, stop: str, generic: str, window: int) -> None:
        self.kinds = {r["suffix"]: r["kind"] for r in read_rules(suffixes)}
        alts = "|".join(re.escape(s) for s in sorted(self.kinds, key=len, reverse=True))
        self.rx_suffix = re.compile(rf"(?:{alts})")
        self.gaz = {r["name"]: r["kind"] for r in read_rules(gazetteer)}
        self.rx_gaz = re.compile("|".join(re.escape(s) for s in sorted(self.gaz, key=len, reverse=True)))
        self.stop = {r["token"] for r in read_rules(stop)}
        self.generic = {r["name"] for r in read_rules(generic)}
        self.window = window
        self.rx_boundary = re.compile(rf"[^{_HAN}0-9A-Za-z×Ｘ＊*]")

    def _left(self, text: str, s: int, blocked: list[tuple[int, int]]) -> int:
        lo = max(0, s - self.window)
        for b0, b1 in blocked:
            if b0 < s and b1 > lo and b1 <= s:
                lo = max(lo, b1)
        win = text[lo:s]
        last = _last_match(self.rx_boundary, win)
        if last is not None:
            win = win[last.end():]
            lo = s - len(win)
        if not win:
            return s
        toks = jieba.lcut(win, HMM=False)
        kept: list[str] = []
        for tok in reversed(toks):
            if tok in self.stop or tok[-1] in _STOP_CHARS or any(c.isdigit() for c in tok):
                break
            kept.append(tok)
        kept.reverse()
        while kept and _is_function_word(kept[0], self.stop):
            kept.pop(0)
        return s - sum(len(t) for t in kept)

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        cands = _candidates(doc)
        blocked = sorted((c.start, c.end) for c in cands if c.label in ("PERSON", "MONEY", "DATE") or c.priority >= 70)
        for m in self.rx_gaz.finditer(text):
            cands.append(Mention(m.start(), m.end(), "ORG", m.group(), "org.gazetteer", 50, value=m.group(), valid=True,
                                 extra={"kind": self.gaz[m.group()]}))
        for m in self.rx_suffix.finditer(text):
            s, e = m.span()
            suffix = m.group()
            nxt = text[e:e + 2]
            if suffix == "银行" and nxt[:1] in ("卡", "账", "帐", "流", "交", "工", "贷", "存", "转"):
                continue
            if suffix in ("中心", "局", "店", "厂", "大队", "支队") and nxt[:1] in ("长", "主", "员"):
                continue
            start = self._left(text, s, blocked)
            name = text[start:s]
            if len(name) < 2 or name in self.generic or all(ch in "某×ＸXx" for ch in name):
                continue
            if all(t in self.generic for t in jieba.lcut(name, HMM=False)):
                continue  # 养殖公司, 会计师事务所: a kind of business, not a name
            if suffix in ("店", "厂", "局", "中心", "分局") and len(name) < 2:
                continue
            kind = self.kinds[suffix]
            # a house number in front of any name (沙园路99号中国银行): keep only the name
            num = _last_match(_HOUSE_NO, name)
            if num is not None and len(name) - num.end() >= 2:
                start += num.end()
                name = text[start:s]
            # an address in front of a shop or factory name: keep only the name
            if kind not in _BRANCH_KINDS:
                last = _last_match(_ADDR_MARK, name)
                if last is not None and len(name) - last.end() >= 2:
                    start += last.end()
                    name = text[start:s]
                    if name in self.generic:
                        continue
            cands.append(Mention(start, e, "ORG", text[start:e], "org.suffix", 50, value=text[start:e], valid=True,
                                 extra={"kind": kind}))
        return doc


@Language.factory("cluegraph_orgs", default_config={"suffixes": "org_suffixes.jsonl", "gazetteer": "org_gazetteer.jsonl",
                                                    "stop": "org_stop.jsonl", "generic": "org_generic.jsonl", "window": 26})
def make_orgs(nlp: Language, name: str, suffixes: str, gazetteer: str, stop: str, generic: str, window: int) -> OrgFinder:
    """Factory of :class:`OrgFinder`."""
    return OrgFinder(suffixes, gazetteer, stop, generic, window)


# --------------------------------------------------------------------------- resolution
_ALIAS = re.compile(r"[（(]\s*(?:以下|下)?(?:简称|称)[为:：]?\s*[“\"「‘']?(?P<a>[^”\"」’'）)]{2,20}?)[”\"」’']?\s*[）)]")


def _select(cands: list[Mention], taken: list[Mention] | None = None) -> list[Mention]:
    """Greedy choice of non-overlapping mentions: higher priority first, then longer, then earlier."""
    chosen: list[Mention] = list(taken or [])
    occupied = bytearray()
    def free(m: Mention) -> bool:
        return not any(occupied[m.start:m.end])
    hi = max([m.end for m in cands] + [m.end for m in chosen] + [0])
    occupied = bytearray(hi + 1)
    for m in chosen:
        occupied[m.start:m.end] = b"\x01" * (m.end - m.start)
    for m in sorted(cands, key=lambda c: (-c.priority, -(c.end - c.start), c.start)):
        if free(m):
            chosen.append(m)
            occupied[m.start:m.end] = b"\x01" * (m.end - m.start)
    chosen.sort(key=lambda c: (c.start, c.end))
    return chosen


class Resolver:
    """Pick mentions, expand aliases and repeated names, and write spans and ents."""

    def __init__(self, propagate: list[str], min_propagate: int) -> None:
        self.propagate = set(propagate)
        self.min_propagate = min_propagate

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        chosen = _select(_candidates(doc))
        aliases: dict[str, Mention] = {}
        for m in _ALIAS.finditer(text):
            owner = next((c for c in reversed(chosen) if c.end == m.start() and c.label in ("ORG", "PERSON")), None)
            if owner is not None:
                aliases[m.group("a")] = owner
        extra: list[Mention] = []
        names = {(c.text, c.label): c for c in chosen if c.label in self.propagate and len(c.text) >= self.min_propagate}
        for alias, owner in aliases.items():
            names[(alias, owner.label)] = owner
        for (name, label), src in names.items():
            for m in re.finditer(re.escape(name), text):
                canonical = aliases.get(name, None)
                extra.append(Mention(m.start(), m.end(), label, name, "alias" if canonical else src.rule, 41,
                                     value=name, valid=True,
                                     extra={**src.extra, **({"alias_of": canonical.text} if canonical else {})}))
        chosen = _select(extra, chosen) if extra else chosen
        for c in chosen:
            if c.text in aliases and c.label == aliases[c.text].label:
                c.extra["alias_of"] = aliases[c.text].text
        doc._.cg_aliases = {a: o.text for a, o in aliases.items()}
        doc._.cg_mentions = chosen
        doc._.cg_sentences = sentences(text)
        return doc


@Language.factory("cluegraph_resolve", default_config={"propagate": ["ORG", "PERSON"], "min_propagate": 2})
def make_resolve(nlp: Language, name: str, propagate: list[str], min_propagate: int) -> Resolver:
    """Factory of :class:`Resolver`."""
    return Resolver(propagate, min_propagate)


# --------------------------------------------------------------------------- addresses
_ADDR_CH = rf"{_HAN}0-9A-Za-zX×Ｘ＊*\-"
_ADDR_NOT = "的了在将把被从向于和与及是为其该此到至"
_ADMIN = rf"(?:(?:(?![{_ADDR_NOT}])[{_HAN}]){{1,7}}?(?:省|自治区|市|自治州|地区|盟|县|区|旗))"
_NAMED = rf"(?:(?:(?![{_ADDR_NOT}])[{_HAN}0-9X×Ｘ]){{0,10}}?(?:街道|大道|大街|小区|花园|社区|公寓|大厦|广场|新城|家园|[一二三四五六七八九]期|(?<![公道马铁线思出销网电通水进退去来走需要])路|(?<![乡城村集])镇|(?<![城下村])乡|[街巷弄苑]|(?<![农乡])村))"
_NUMBERED = r"(?:[0-9X×Ｘ＊*\-]{1,6}(?:号楼|号院|号|栋|幢|单元|室|层|户|楼))"
_ADDR_CHAR = re.compile(rf"[{_ADDR_CH}]")
_ADDR_HINT = re.compile(r"[省市区县镇乡村路街巷弄号栋幢室楼户苑]")
_ADDR_SKIP_TAGS = ("p", "c", "d", "r", "u", "m", "q", "t", "f", "y", "e", "o")
_ADDR_STRONG = re.compile(r"(?:街道|大道|大街|小区|花园|社区|[路街巷弄村镇乡苑号栋幢室楼户])")
_ADDR_WEAK = re.compile(rf"{_ADMIN}*[{_HAN}]{{0,4}}[镇乡村]")
_ADDRESS = re.compile(rf"(?:{_ADMIN}){{0,4}}(?:{_NAMED}|{_NUMBERED})+")


class AddressFinder:
    """Addresses: optional administrative prefix + road/village/building/number parts, after a trigger."""

    def __init__(self, triggers: list[str], min_len: int, stop: str = "org_stop.jsonl") -> None:
        self.stop = {r["token"] for r in read_rules(stop)}
        self.rx_trigger = re.compile("|".join(re.escape(t) for t in sorted(triggers, key=len, reverse=True)))
        self.min_len = min_len

    def _place_start(self, text: str, s: int, limit: int) -> int:
        """Skip leading words that cannot begin an address (verbs, numerals, pronouns...)."""
        if not _ADDR_HINT.search(text, s, limit):
            return s
        pos = s
        for tok in jieba.lcut(text[s:limit], HMM=False):
            if _is_function_word(tok, self.stop, _ADDR_SKIP_TAGS):
                pos += len(tok)
                continue
            break
        return pos

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        mentions: list[Mention] = doc._.cg_mentions or []
        occupied = bytearray(len(text) + 1)
        for mm in mentions:
            occupied[mm.start:mm.end] = b"\x01" * (mm.end - mm.start)
        starts = {0}
        starts.update(t.end() for t in self.rx_trigger.finditer(text))
        starts.update(mm.end for mm in mentions if mm.label != "PERSON")
        starts.update(i + 1 for i, ch in enumerate(text) if ch in "，,。；：:、（(“\"")
        best: dict[int, Mention] = {}
        for s in sorted(starts):
            if s >= len(text) or occupied[s] or text[s].isdigit():
                continue
            limit = s
            while limit < len(text) and limit - s < 40 and not occupied[limit] and _ADDR_CHAR.match(text[limit]):
                limit += 1
            s = self._place_start(text, s, limit)
            m = _ADDRESS.match(text, s, limit)
            if not m or m.end() - s < self.min_len:
                continue
            body = m.group()
            if not _ADDR_STRONG.search(body):
                continue
            if _ADDR_WEAK.fullmatch(body) and len(body) < 5:
                continue
            # of the candidates ending at the same place, the one starting last (after the last trigger) wins
            best[m.end()] = Mention(s, m.end(), "ADDRESS", body, "address.pattern", 40, value=body, valid=True,
                                    extra={"masked": any(c in "X×Ｘ＊*" for c in body)})
        found = _select(list(best.values()))
        if found:
            doc._.cg_mentions = _select(found, mentions)
        return doc


@Language.factory("cluegraph_addresses", default_config={
    "triggers": ["在", "到", "至", "于", "从", "以", "了", "将", "住", "位于", "地址", "住址", "住所", "的", "为", "往", "赴", "即",
                 "给", "卖给", "向"],
    "min_len": 4, "stop": "org_stop.jsonl"})
def make_addresses(nlp: Language, name: str, triggers: list[str], min_len: int, stop: str) -> AddressFinder:
    """Factory of :class:`AddressFinder`."""
    return AddressFinder(triggers, min_len, stop)


# --------------------------------------------------------------------------- relations
_CODE = {"PERSON": "P", "ORG": "O", "MONEY": "M", "DATE": "D", "ADDRESS": "A", "BANK_CARD": "C", "ACCOUNT": "C",
         "PROPERTY_NO": "R", "CERT_NO": "T", "ID_CARD": "I", "USCC": "U", "PHONE": "H", "CASE_NO": "K"}
_MACROS = {
    "PERSON": "\ue000\\d{4}P\ue001",
    "ORG": "\ue000\\d{4}[OB]\ue001",
    "BANK": "\ue000\\d{4}B\ue001",
    "PARTY": "\ue000\\d{4}[POB]\ue001",
    "ANY": "\ue000\\d{4}[A-Z]\ue001",
    "Q": "[“”\"「」]?",
    "ROLE": "(?:犯罪嫌疑人|被告人|被害人|证人|同案人|中介人|中介|介绍人|客户经理|信贷员)?",
}
_GAP = "(?:(?!\ue000\\d{{4}}[POB])[^。；，,！？\ue001]|\ue001){{0,{n}}}?"
_PLACEHOLDER = re.compile("\ue000(\\d{4})([A-Z])\ue001")
_BANK_KINDS = {"bank", "branch"}


def _expand(pattern: str) -> str:
    pattern = re.sub(r"\{GAP:(\d+)\}", lambda m: _GAP.format(n=m.group(1)), pattern)
    for k, v in _MACROS.items():
        pattern = pattern.replace("{" + k + "}", v)
    return pattern


class RelationFinder:
    """Relation templates (``rules/relations.jsonl``) over sentences whose mentions are placeholders."""

    def __init__(self, templates: str) -> None:
        self.templates = [(t, re.compile(_expand(t["pattern"]))) for t in read_rules(templates)]

    @staticmethod
    def _encode(text: str, s0: int, s1: int, mentions: list[Mention], skip: list[tuple[int, int]]
                ) -> tuple[str, list[int], dict[int, Mention]]:
        out: list[str] = []
        pos: list[int] = []
        index: dict[int, Mention] = {}
        i = s0
        inside = [(m_i, m) for m_i, m in enumerate(mentions) if m.start >= s0 and m.end <= s1]
        k = 0
        while i < s1:
            sk = next((b for a, b in skip if a == i), None)
            if sk is not None:
                i = sk
                continue
            if k < len(inside) and inside[k][1].start == i:
                m_i, m = inside[k]
                code = _CODE.get(m.label, "Z")
                if m.label == "ORG" and m.extra.get("kind") in _BANK_KINDS:
                    code = "B"
                ph = f"\ue000{m_i:04d}{code}\ue001"
                out.append(ph)
                pos.extend([m.start] * (len(ph) - 1) + [m.end - 1])
                index[m_i] = m
                i = m.end
                k += 1
                continue
            while k < len(inside) and inside[k][1].start < i:
                k += 1
            out.append(text[i])
            pos.append(i)
            i += 1
        return "".join(out), pos, index

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        mentions: list[Mention] = doc._.cg_mentions or []
        sents = doc._.cg_sentences or sentences(text)
        skip = [(m.start(), m.end()) for m in _ALIAS.finditer(text)]
        rels: list[RelationMention] = []
        seen: set[tuple[str, int, int]] = set()
        defendants = [m for m in mentions if m.label == "PERSON" and text[max(0, m.start - 3):m.start] == "被告人"]
        for s0, s1 in sents:
            enc, pos, index = self._encode(text, s0, s1, mentions, skip)
            if "\ue000" not in enc:
                continue
            for tpl, rx in self.templates:
                for m in rx.finditer(enc):
                    groups = m.groupdict()
                    tgt = self._mention(groups.get("tgt"), index)
                    src = self._mention(groups.get("src"), index)
                    if src is not None and "名义" in enc[m.end("src"):m.end("src") + 4]:
                        src = None  # a name only lent (以X的名义): the actor is the subject
                    trig = m.start()
                    if tgt is None:
                        if tpl.get("tgt_fallback") == "previous_org":
                            tgt = next((x for x in reversed(mentions) if x.label == "ORG" and x.end <= pos[trig]), None)
                        elif tpl.get("tgt_fallback") == "sentence_property":
                            tgt = next((x for x in mentions if x.label in ("PROPERTY_NO", "ADDRESS") and s0 <= x.start < s1), None)
                    if tgt is None:
                        continue
                    if src is None:
                        src = self._subject(enc, trig, index, defendants, pos, exclude=tgt, sent=(s0, s1), mentions=mentions)
                    if src is None:
                        continue
                    targets = [tgt] + self._coordinated(enc, groups.get("tgt"), m, index)
                    start = min(pos[m.start()], tgt.start, src.start if src.start >= s0 else s1)
                    end = max(pos[m.end() - 1] + 1, tgt.end, src.end if src.start >= s0 else 0)
                    for t in targets:
                        a, b = (t, src) if tpl.get("swap") else (src, t)
                        if a is b or a.text == b.text:
                            continue
                        key = (tpl["type"], a.start, b.start)
                        if key in seen:
                            continue
                        seen.add(key)
                        props = dict(tpl.get("props", {}))
                        money = next((x for x in mentions if x.label == "MONEY" and start <= x.start < end), None)
                        if money is not None and money.value is not None:
                            props["amount"] = money.value
                        date = next((x for x in reversed(mentions) if x.label == "DATE" and s0 <= x.start < end and x.valid), None)
                        if date is not None and date.value and len(date.value) == 10:
                            props["on"] = date.value
                        rels.append(RelationMention(tpl["type"], a, b, start, end, tpl["id"], props))
        doc._.cg_relations = rels
        mentions_sorted = sorted(mentions, key=lambda c: (c.start, c.end))
        doc._.cg_mentions = mentions_sorted
        group: list[Span] = []
        for c in mentions_sorted:
            sp = doc.char_span(c.start, c.end, label=c.label, alignment_mode="expand")
            if sp is not None:
                group.append(sp)
        doc.spans["cluegraph"] = group
        doc.ents = group
        return doc

    @staticmethod
    def _mention(ph: str | None, index: dict[int, Mention]) -> Mention | None:
        if not ph:
            return None
        m = _PLACEHOLDER.search(ph)
        return index.get(int(m.group(1))) if m else None

    @staticmethod
    def _coordinated(enc: str, ph: str | None, m: re.Match[str], index: dict[int, Mention]) -> list[Mention]:
        if not ph:
            return []
        code = _PLACEHOLDER.search(ph).group(2)  # type: ignore[union-attr]
        out: list[Mention] = []
        rest = enc[m.end("tgt"):]
        rx = re.compile("^(?:、|和|及|与|以及)[“”\"]?(\ue000(\\d{4})" + ("[OB]" if code in "OB" else code) + "\ue001)[“”\"]?")
        while True:
            c = rx.match(rest)
            if not c:
                return out
            x = index.get(int(c.group(2)))
            if x is not None:
                out.append(x)
            rest = rest[c.end():]

    @staticmethod
    def _subject(enc: str, trig: int, index: dict[int, Mention], defendants: list[Mention], pos: list[int],
                 exclude: Mention, sent: tuple[int, int], mentions: list[Mention]) -> Mention | None:
        # 1) the first party of the clause before the trigger (not one lent only as 名义)
        clause_start = max(enc.rfind(ch, 0, trig) for ch in "，,：:") + 1
        for c in _PLACEHOLDER.finditer(enc, clause_start, trig):
            if c.group(2) not in "POB":
                continue
            x = index.get(int(c.group(1)))
            if x is None or x is exclude:
                continue
            after = enc[c.end():c.end() + 4]
            before = enc[max(clause_start, c.start() - 2):c.start()]
            if "名义" in after or before.endswith("冒用") or before.endswith("受"):
                continue
            return x
        # 2) the nearest defendant named before the trigger
        at = pos[trig] if trig < len(pos) else sent[1]
        prev = [d for d in defendants if d.end <= at and d is not exclude and d.text != exclude.text]
        if prev:
            return prev[-1]
        # 3) the first person of the sentence
        return next((x for x in mentions if x.label == "PERSON" and sent[0] <= x.start < at and x.text != exclude.text), None)


@Language.factory("cluegraph_relations", default_config={"templates": "relations.jsonl"})
def make_relations(nlp: Language, name: str, templates: str) -> RelationFinder:
    """Factory of :class:`RelationFinder`."""
    return RelationFinder(templates)


@lru_cache(maxsize=1)
def _warm_jieba() -> None:
    jieba.initialize()
    _pos_table()
