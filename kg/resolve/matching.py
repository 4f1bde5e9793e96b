"""Scored matching of Person and Company nodes that share no strong key.

Pure functions, no store access (see :mod:`kg.resolve.resolver` for that):

* :class:`Entity` — what the matcher knows about one graph node (name, identifiers
  as written, birth date, phones, addresses, employers, legal representatives, the
  uids of its other neighbours as context, the document scope of a masked name);
* :func:`blocking_keys` — keys that put candidates in the same block; blocks larger
  than ``MatchSettings.max_block`` are skipped (a hub phone never makes a quadratic
  block), so comparisons grow close to linearly with the number of nodes;
* :func:`compare` — the features that fired and their weights (:class:`Feature`), the
  score, and whether the pair is a match (``score >= match_threshold`` and no veto);
* :func:`bank_branch` — a bank branch name to (canonical bank, branch key).

Rules that never bend: two different valid strong keys (身份证号 / USCC) never match;
a masked name (张某, 李XX) carries no weight across documents and a masked pair from
different documents needs other evidence on its own; names are never folded to pinyin.

>>> a = Entity("Person:110105197503214268", "Person", name="王璐怡", strong="110105197503214268",
...            birth="1975-03-21", phones=frozenset({"Phone:13800138000"}))
>>> b = Entity("Person:mention:x#row=1:p", "Person", name="王璐怡", phones=frozenset({"Phone:13800138000"}))
>>> m = compare(a, b)
>>> m.is_match, [f.name for f in m.features]
(True, ['name_exact', 'shared_phone'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Callable, Iterable, Iterator

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from kg.resolve.clean import company_name, normalise_text
from kg.resolve.clean import normalise_name as _normalise_name
from kg.resolve.identifiers import compact

normalise_name = lru_cache(maxsize=262144)(_normalise_name)

__all__ = [
    "Entity", "Feature", "annotate", "Match", "MatchSettings", "DEFAULT_SETTINGS", "WEIGHTS", "bank_branch",
    "blocking_keys", "candidate_pairs", "compare", "iter_matches", "company_core", "is_masked", "id_pattern_compatible",
    "card_pattern", "card_fits",
]

_MASK_CHARS = "某×XＸ*＊x"
_MASK_RE = re.compile(r"[某×XＸ*＊]")

#: feature name -> weight (log-odds style, hand-set; tune with bench/resolve.py)
WEIGHTS: dict[str, float] = {
    # persons
    "name_exact": 2.0,
    "name_similar": 0.5,
    "name_conflict": -4.0,
    "surname_conflict": -4.0,
    "id_equal_unverified": 3.0,
    "id_near": 2.0,
    "id_pattern_match": 2.5,
    "id_conflict": -6.0,
    "birth_equal": 1.0,
    "birth_conflict": -4.0,
    "gender_conflict": -3.0,
    "shared_phone": 2.0,
    "shared_address": 1.0,
    "shared_employer": 1.5,
    "shared_context": 1.5,
    "name_unique": 1.0,
    "id_pattern_unique": 1.0,
    "doc_id_fragment": 3.0,
    "doc_loan_broker": 3.0,
    "same_source_column": 1.5,
    "card_pattern_match": 2.5,
    "card_pattern_unique": 1.0,
    "staff_bank_account": 0.5,
    "staff_bank_unique": 0.5,
    # companies
    "company_name_core": 3.0,
    "company_name_exact": 0.5,
    "company_name_similar": 0.5,
    "company_name_conflict": -4.0,
    "region_conflict": -4.0,
    "branch_mismatch": -6.0,
    "bank_branch_equal": 3.5,
    "uscc_equal_unverified": 3.0,
    "shared_legal_rep": 1.5,
    "company_name_ambiguous": -1.5,
    "shared_registered_address": 1.5,
}


@dataclass(frozen=True)
class MatchSettings:
    """Thresholds and limits (defaults here; ``kg.settings`` may override them).

    Attributes
    ----------
    match_threshold : float
        A pair with at least this score (and no veto) is judged SAME_AS.
    review_threshold : float
        A pair scoring at least this but below ``match_threshold``, or vetoed, is kept
        as a NOT_SAME_AS judgement with its features (the near misses a reviewer may
        want to see); lower scores leave no trace.
    max_block : int
        Blocks with more members are skipped (hub phones, very common names).
    name_similarity : float
        rapidfuzz ratio (0-100) above which two different names count as similar.
    ambiguity_margin : float
        A weak node matching several strong-keyed nodes is merged with the best only when
        it beats the second best by at least this much; else with none (``ambiguous``).
    """

    match_threshold: float = 3.0
    review_threshold: float = 2.0
    max_block: int = 60
    name_similarity: float = 80.0
    ambiguity_margin: float = 1.0
    weights: dict[str, float] = field(default_factory=lambda: dict(WEIGHTS))

    @classmethod
    def from_settings(cls) -> MatchSettings:
        """The thresholds of :func:`kg.settings.get_settings` (``KG_RESOLVE_*``)."""
        from kg.settings import get_settings

        s = get_settings()
        weights = dict(WEIGHTS)
        if not s.resolve_name_unique:
            weights["name_unique"] = 0.0
        return cls(match_threshold=s.resolve_match_threshold, review_threshold=s.resolve_review_threshold,
                   max_block=s.resolve_max_block, name_similarity=s.resolve_name_similarity,
                   ambiguity_margin=s.resolve_ambiguity_margin, weights=weights)


DEFAULT_SETTINGS = MatchSettings()


@dataclass(frozen=True)
class Entity:
    """One Person or Company node as the matcher sees it.

    ``strong`` is the valid 身份证号 / USCC the uid is keyed on (``None`` for row-,
    document- or name-scoped nodes); ``id_number`` the identifier as written (maybe
    invalid or masked, ``110106XXXXXXXX6316``); ``scope`` the document of a document-scoped
    mention; ``source_column`` the file and mapping entity of a row-scoped mention.
    Neighbour sets hold uids; ``cards`` the numbers of the bank cards / accounts the node
    owns (full, or masked as a document prints them: ``6217********3382``);
    ``unique_cards`` those masked ones that fit exactly one full number in the data.
    ``staff_banks`` are the canonical banks (:func:`bank_branch`) whose loans the node
    approved as bank staff (``APPROVED_BY``, e.g. the 客户经理 of a loan file, keyed on a
    工号 and a name only); ``account_banks`` the canonical banks where the node holds an
    account (``OWNS`` an account whose opening branch names the bank);
    ``staff_bank_unique`` marks a staff record whose exact name exactly one strong-keyed
    person with an account at one of those banks holds.
    """

    uid: str
    label: str
    name: str = ""
    strong: str | None = None
    id_number: str | None = None
    birth: str | None = None
    gender: str | None = None
    scope: str | None = None
    source_column: str | None = None
    phones: frozenset[str] = frozenset()
    addresses: frozenset[str] = frozenset()
    employers: frozenset[str] = frozenset()
    reps: frozenset[str] = frozenset()
    context: frozenset[str] = frozenset()
    cards: frozenset[str] = frozenset()
    name_unique: bool = False
    id_unique: bool = False
    unique_cards: frozenset[str] = frozenset()
    staff_banks: frozenset[str] = frozenset()
    account_banks: frozenset[str] = frozenset()
    staff_bank_unique: bool = False

    @property
    def masked(self) -> bool:
        return is_masked(self.name)


@dataclass(frozen=True)
class Feature:
    """A feature that fired: name, weight, and a short non-personal detail."""

    name: str
    weight: float
    detail: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "weight": self.weight, "detail": self.detail}


@dataclass(frozen=True)
class Match:
    """The outcome of comparing two entities (``a < b`` by uid)."""

    a: str
    b: str
    score: float
    features: tuple[Feature, ...]
    veto: str = ""
    threshold: float = DEFAULT_SETTINGS.match_threshold

    @property
    def is_match(self) -> bool:
        return not self.veto and self.score >= self.threshold

    def reason(self) -> str:
        """A one-line explanation: ``name_exact(+2.0) shared_phone(+2.0) = 4.0``."""
        parts = " ".join(f"{f.name}({f.weight:+.1f})" for f in self.features)
        tail = f" veto={self.veto}" if self.veto else ""
        return f"{parts} = {self.score:.2f}{tail}".strip()


# -- names ----------------------------------------------------------------------------
def is_masked(name: str | None) -> bool:
    """A masked person name (张某, 王某某, 李XX, 赵*).

    >>> is_masked("张某"), is_masked("李XX"), is_masked("张帅")
    (True, True, False)
    """
    if not name:
        return False
    return bool(_MASK_RE.search(name[1:] if len(name) > 1 else name))


def _surname(name: str) -> str:
    return name[:1]


# -- identifiers ---------------------------------------------------------------------------
def id_pattern_compatible(pattern: str, value: str) -> bool:
    """Whether a masked ID number (``110106XXXXXXXX6316``) fits a full one.

    >>> id_pattern_compatible("110106XXXXXXXX6316", "110106199701156316")
    True
    """
    p, v = compact(pattern), compact(value)
    if len(p) != len(v):
        return False
    return all(c == d or c in "X*" for c, d in zip(p, v, strict=True)) and any(c not in "X*" for c in p)


def _id_is_pattern(value: str) -> bool:
    v = compact(value)
    return "*" in v or bool(re.search(r"X.", v))


def _birth_from_id(value: str | None) -> str | None:
    v = compact(value or "")
    if len(v) == 18 and v[6:14].isdigit():
        y, m, d = v[6:10], v[10:12], v[12:14]
        if "1880" <= y <= "2030" and "01" <= m <= "12" and "01" <= d <= "31":
            return f"{y}-{m}-{d}"
    return None


_CARD_MASK = re.compile(r"[*＊×Xx]+")


def card_pattern(value: str) -> tuple[str, str] | None:
    """(visible prefix, visible suffix) of a masked card number with at least four digits
    on each side, else ``None`` (a full number, or too little left to match on).

    >>> card_pattern("6217********3382"), card_pattern("****3382"), card_pattern("6217000408434983382")
    (('6217', '3382'), None, None)
    """
    parts = _CARD_MASK.split(value)
    if len(parts) < 2 or not parts[0].isdigit() or not parts[-1].isdigit():
        return None
    if len(parts[0]) < 4 or len(parts[-1]) < 4:
        return None
    return parts[0], parts[-1]


def card_fits(pattern: tuple[str, str], full: str) -> bool:
    """Whether a full card number fits a masked one's (prefix, suffix)."""
    pre, suf = pattern
    return full.isdigit() and len(full) > len(pre) + len(suf) and full.startswith(pre) and full.endswith(suf)


def _card_key(pre: str, suf: str) -> str:
    return f"{pre[:4]}:{suf[-4:]}"


# -- companies ------------------------------------------------------------------------------
_REGIONS = ("北京", "上海", "天津", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽",
            "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西",
            "甘肃", "青海", "内蒙古", "广西", "西藏", "宁夏", "新疆", "深圳", "广州", "杭州", "南京", "武汉")
_REGION_RE = re.compile(r"^(" + "|".join(_REGIONS) + r")(市|省|自治区)?")
_BRACKET_REGION_RE = re.compile(r"\((" + "|".join(_REGIONS) + r")(市|省)?\)")

#: bank aliases -> canonical bank name (longest alias first when matching)
BANKS: dict[str, str] = {
    "中国工商银行": "中国工商银行", "工商银行": "中国工商银行", "工行": "中国工商银行",
    "中国建设银行": "中国建设银行", "建设银行": "中国建设银行", "建行": "中国建设银行",
    "中国农业银行": "中国农业银行", "农业银行": "中国农业银行", "农行": "中国农业银行",
    "中国银行": "中国银行", "中行": "中国银行",
    "交通银行": "交通银行", "交行": "交通银行",
    "招商银行": "招商银行", "招行": "招商银行",
    "中国邮政储蓄银行": "中国邮政储蓄银行", "邮政储蓄银行": "中国邮政储蓄银行", "邮储银行": "中国邮政储蓄银行",
    "北京银行": "北京银行", "中信银行": "中信银行", "中国民生银行": "中国民生银行", "民生银行": "中国民生银行",
    "兴业银行": "兴业银行", "浦发银行": "上海浦东发展银行", "上海浦东发展银行": "上海浦东发展银行",
    "中国光大银行": "中国光大银行", "光大银行": "中国光大银行", "华夏银行": "华夏银行", "平安银行": "平安银行",
    "广发银行": "广发银行",
}
_BANK_ALIASES = sorted(BANKS, key=len, reverse=True)


@lru_cache(maxsize=262144)
def company_core(name: str) -> tuple[str, str, str]:
    """(core, region, branch): the matching key without legal form, branch suffix and region.

    >>> company_core("九州隆房地产经纪(北京)有限公司")
    ('九州隆房地产经纪', '北京', '')
    >>> company_core("北京九州隆房地产经纪有限公司")
    ('九州隆房地产经纪', '北京', '')
    """
    cn = company_name(name)
    text = cn.normalised.replace("（", "(").replace("）", ")")
    region = ""
    m = _BRACKET_REGION_RE.search(text)
    if m:
        region = m.group(1)
        text = text[: m.start()] + text[m.end():]
    m = _REGION_RE.match(text)
    if m and len(text) > len(m.group(0)) + 1:
        region = region or m.group(1)
        text = text[m.end():]
    return text, region, cn.branch


@lru_cache(maxsize=262144)
def bank_branch(name: str) -> tuple[str, str] | None:
    """(canonical bank, branch key) for a bank branch name, else ``None``.

    >>> bank_branch("中国建设银行股份有限公司北京朝阳支行")
    ('中国建设银行', '朝阳支行')
    >>> bank_branch("建行北京朝阳支行")
    ('中国建设银行', '朝阳支行')
    """
    text = re.sub(r"\s+", "", normalise_text(name)).replace("股份有限公司", "").replace("有限责任公司", "")
    text = text.replace("有限公司", "")
    bank = next((a for a in _BANK_ALIASES if text.startswith(a)), None)
    if bank is None:
        return None
    rest = text[len(bank):]
    m = _REGION_RE.match(rest)
    if m:
        rest = rest[m.end():]
    rest = rest.replace("分行营业部", "营业部")
    if not rest:
        rest = "总行"
    return BANKS[bank], rest


def _company_key(name: str) -> str:
    bb = bank_branch(name)
    if bb:
        return "bank:" + ":".join(bb)
    core, _, branch = company_core(name)
    return f"c:{core}:{branch}"


def annotate(entities: list[Entity]) -> list[Entity]:
    """Mark strong-keyed persons whose name no other strong-keyed person holds
    (``name_unique``): a weak mention of that exact name then gets a little weight.
    A population-level heuristic (weight ``name_unique``; set it to 0 to switch off).

    Also mark a weak person's masked ID number (``id_unique``) and masked cards
    (``unique_cards``) that fit exactly one full number in the data, counting only
    holders whose surname is the weak person's (a masked name 张某 keeps the surname).

    And a weak bank-staff record (``staff_banks``: it approved loans of those banks) whose
    exact name exactly one strong-keyed person holding an account at one of those banks
    bears (``staff_bank_unique``): two such namesakes, or none, leave it unmarked."""
    from dataclasses import replace

    counts: dict[str, int] = {}
    for e in entities:
        if e.label == "Person" and e.strong and e.name and not e.masked:
            counts[e.name] = counts.get(e.name, 0) + 1
    ckeys: dict[str, int] = {}
    for e in entities:
        if e.label == "Company" and e.strong and e.name:
            k = _company_key(e.name)
            ckeys[k] = ckeys.get(k, 0) + 1
    by_frag: dict[str, list[tuple[str, str]]] = {}
    for e in entities:
        if e.label == "Person" and e.strong:
            by_frag.setdefault(e.strong[:6] + e.strong[-4:], []).append((e.strong, _surname(e.name)))
    full_cards: dict[str, set[tuple[str, str]]] = {}
    for e in entities:
        for c in e.cards:
            if c.isdigit() and len(c) >= 9:
                full_cards.setdefault(_card_key(c, c), set()).add((c, "" if e.masked else _surname(e.name)))

    bank_holders: dict[tuple[str, str], set[str]] = {}
    for e in entities:
        if e.label == "Person" and e.strong and e.name and not e.masked:
            for bank in e.account_banks:
                bank_holders.setdefault((e.name, bank), set()).add(e.strong)

    def one_fit(holders: Iterable[tuple[str, str]], fits: Callable[[str], bool], surname: str) -> bool:
        # a masked name keeps the surname: only holders of that surname (or of no known name) count
        return len({n for n, sn in holders if fits(n) and (not surname or not sn or sn == surname)}) == 1

    out = []
    for e in entities:
        if e.label == "Person" and e.strong and counts.get(e.name) == 1:
            e = replace(e, name_unique=True)
        elif e.label == "Company" and e.strong and e.name and ckeys.get(_company_key(e.name)) == 1:
            e = replace(e, name_unique=True)
        elif e.label == "Person" and not e.strong and e.id_number and _id_is_pattern(e.id_number):
            c = compact(e.id_number)
            if one_fit(by_frag.get(c[:6] + c[-4:], ()), partial(id_pattern_compatible, c), _surname(e.name)):
                e = replace(e, id_unique=True)
        if e.label == "Person" and not e.strong and e.cards:
            uniq = set()
            for c in e.cards:
                pat = card_pattern(c)
                if pat and one_fit(full_cards.get(_card_key(*pat), ()), partial(card_fits, pat), _surname(e.name)):
                    uniq.add(c)
            if uniq:
                e = replace(e, unique_cards=frozenset(uniq))
        if e.label == "Person" and not e.strong and e.staff_banks and e.name and not e.masked:
            holders = set().union(*(bank_holders.get((e.name, bk), set()) for bk in e.staff_banks))
            if len(holders) == 1:
                e = replace(e, staff_bank_unique=True)
        out.append(e)
    return out


# -- blocking ---------------------------------------------------------------------------------
def blocking_keys(e: Entity) -> set[str]:
    """Keys that put ``e`` in a block with its candidates.

    Masked names block only inside their document; other keys: exact name, invalid or
    masked ID number (area code + last four), phone, masked card number (first and last
    four digits; a strong-keyed person's full cards give the same key), company core name,
    bank branch, legal representative.
    """
    keys: set[str] = set()
    if e.label == "Person":
        if e.name:
            if e.masked:
                if e.scope:
                    keys.add(f"m:{e.scope}:{e.name}")
            else:
                keys.add(f"n:{e.name}")
        ids = [x for x in (e.strong, e.id_number) if x]
        for v in ids:
            c = compact(v)
            if len(c) == 18:
                keys.add(f"idf:{c[:6]}{c[-4:]}")
                b = _birth_from_id(c)
                if b and e.name and not e.masked:
                    keys.add(f"sb:{_surname(e.name)}:{b}")
            elif c:
                keys.add(f"id:{c}")
        for p in e.phones:
            keys.add(f"p:{p}")
        for c in e.cards:
            pat = card_pattern(c)
            if pat:
                keys.add("cp:" + _card_key(*pat))
            elif e.strong and c.isdigit() and len(c) >= 9:
                keys.add("cp:" + _card_key(c, c))
    else:
        if e.name:
            bb = bank_branch(e.name)
            if bb:
                keys.add(f"bank:{bb[0]}:{bb[1]}")
            else:
                core, _, branch = company_core(e.name)
                if core:
                    keys.add(f"c:{core}:{branch}")
        if e.id_number and not e.strong:
            keys.add(f"u:{compact(e.id_number)}")
        elif e.strong:
            keys.add(f"u:{e.strong}")
        for p in e.phones:
            keys.add(f"p:{p}")
        for r in e.reps:
            keys.add(f"r:{r}")
    return keys


def candidate_pairs(entities: Iterable[Entity], max_block: int = DEFAULT_SETTINGS.max_block
                    ) -> tuple[list[tuple[int, int]], dict[str, int]]:
    """Index pairs (i < j) sharing at least one block, and blocking statistics.

    Two entities that both hold a (different) strong key are never paired. Blocks larger
    than ``max_block`` are skipped and counted in ``stats["blocks_skipped"]``.
    """
    ents = list(entities)
    blocks: dict[str, list[int]] = {}
    for i, e in enumerate(ents):
        for k in blocking_keys(e):
            blocks.setdefault(f"{e.label}|{k}", []).append(i)
    pairs: set[tuple[int, int]] = set()
    skipped = 0
    for members in blocks.values():
        if len(members) < 2:
            continue
        if len(members) > max_block:
            skipped += 1
            continue
        for x in range(len(members)):
            i = members[x]
            for y in range(x + 1, len(members)):
                j = members[y]
                if ents[i].strong and ents[j].strong:
                    continue
                pairs.add((i, j) if i < j else (j, i))
    return sorted(pairs), {"blocks": len(blocks), "blocks_skipped": skipped, "pairs": len(pairs)}


# -- comparison ---------------------------------------------------------------------------------
def compare(a: Entity, b: Entity, settings: MatchSettings = DEFAULT_SETTINGS) -> Match:
    """Compare two entities of the same label; features, score and veto.

    A veto (``strong_key_conflict``, ``masked_cross_document``, ``label``) makes the
    pair a non-match whatever its score.
    """
    if b.uid < a.uid:
        a, b = b, a
    w = settings.weights
    feats: list[Feature] = []

    def fire(name: str, detail: str = "") -> None:
        feats.append(Feature(name, w[name], detail))

    veto = ""
    if a.label != b.label:
        veto = "label"
    elif a.strong and b.strong and a.strong != b.strong:
        veto = "strong_key_conflict"
    elif a.label == "Person":
        veto = _compare_person(a, b, fire, feats, settings)
    else:
        veto = _compare_company(a, b, fire, settings)
    score = round(sum(f.weight for f in feats), 4)
    return Match(a.uid, b.uid, score, tuple(feats), veto, settings.match_threshold)


def _shared(x: frozenset[str], y: frozenset[str]) -> int:
    return len(x & y)


def _compare_person(a: Entity, b: Entity, fire, feats: list[Feature], settings: MatchSettings) -> str:  # noqa: ANN001
    veto = ""
    na, nb = normalise_name(a.name), normalise_name(b.name)
    if na and nb:
        if a.masked or b.masked:
            if _surname(na) != _surname(nb):
                fire("surname_conflict")
            elif a.masked and b.masked and na == nb and a.scope and a.scope == b.scope:
                fire("name_exact", "same document")
            # a masked name carries no weight across documents
        elif na == nb:
            fire("name_exact")
            if (a.name_unique or b.name_unique) and bool(a.strong) != bool(b.strong):
                fire("name_unique", "one strong-keyed holder of this name")
        else:
            r = fuzz.ratio(na, nb)
            if r >= settings.name_similarity and _surname(na) == _surname(nb):
                fire("name_similar", f"ratio={r:.0f}")
            else:
                fire("name_conflict", f"ratio={r:.0f}")
    ida = a.strong or a.id_number
    idb = b.strong or b.id_number
    if ida and idb:
        ca, cb = compact(ida), compact(idb)
        pa, pb = _id_is_pattern(ca), _id_is_pattern(cb)
        if ca == cb and not pa:
            fire("id_equal_unverified")
        elif pa or pb:
            if id_pattern_compatible(ca, cb) if pa else id_pattern_compatible(cb, ca):
                fire("id_pattern_match")
                if (a.id_unique if pa else b.id_unique) and not (pa and pb):
                    fire("id_pattern_unique", "one strong-keyed person of this surname fits the masked number")
            else:
                fire("id_conflict", "masked pattern")
        elif 15 <= len(ca) <= 19 and 15 <= len(cb) <= 19 and Levenshtein.distance(ca, cb) <= 2:
            fire("id_near", f"edits={Levenshtein.distance(ca, cb)}")
        elif len(ca) == len(cb) == 18 and ca[:10] == cb[:10] and ca[14:17] == cb[14:17]:
            # area code, birth year and sequence number agree; month/day or check digit garbled
            fire("id_near", "area+year+sequence")
        else:
            fire("id_conflict")
    ba = a.birth or _birth_from_id(a.strong or a.id_number)
    bb = b.birth or _birth_from_id(b.strong or b.id_number)
    if ba and bb:
        if ba == bb:
            fire("birth_equal")
        else:
            fire("birth_conflict")
    if a.gender and b.gender and a.gender != b.gender:
        fire("gender_conflict")
    if _shared(a.phones, b.phones):
        fire("shared_phone")
    if _shared(a.addresses, b.addresses):
        fire("shared_address")
    if _shared(a.employers, b.employers):
        fire("shared_employer")
    if _shared(a.context, b.context):
        fire("shared_context")
    if a.source_column and a.source_column == b.source_column and na == nb and not a.masked:
        fire("same_source_column")
    _card_features(a, b, fire)
    _staff_bank_features(a, b, fire)
    if (a.masked or b.masked) and not (a.scope and a.scope == b.scope):
        # other evidence must carry the match on its own: an identifier or a phone
        strong_other = {"id_pattern_match", "id_equal_unverified", "shared_phone", "card_pattern_match"}
        if not {f.name for f in feats} & strong_other:
            veto = "masked_cross_document"
    return veto


def _card_features(a: Entity, b: Entity, fire) -> None:  # noqa: ANN001
    """A masked card one node owns fits a full card the other owns (``card_pattern_match``;
    ``card_pattern_unique`` when no other full number in the data fits it). Two masked
    cards, or cards that do not fit, say nothing: a person may hold many cards."""
    for x, y in ((a, b), (b, a)):
        for c in sorted(x.cards):
            pat = card_pattern(c)
            if pat and any(card_fits(pat, f) for f in y.cards):
                fire("card_pattern_match")
                if c in x.unique_cards:
                    fire("card_pattern_unique", "one full card number of a holder of this surname fits the masked one")
                return


def _staff_bank_features(a: Entity, b: Entity, fire) -> None:  # noqa: ANN001
    """One node approved loans as staff of a bank (a 客户经理 record: 工号 and name) and the
    other holds an account at that bank (``staff_bank_account``, weak: many customers
    hold one); ``staff_bank_unique`` when the staff record's exact name is borne by only
    one strong-keyed account holder of that bank. Namesakes who both hold an account
    there single out nobody, so the name plus the bank never carries them."""
    for x, y in ((a, b), (b, a)):
        common = x.staff_banks & y.account_banks
        if common:
            fire("staff_bank_account", "staff of a bank where the other holds an account")
            if x.staff_bank_unique and y.strong and x.name == y.name:
                fire("staff_bank_unique", "the only strong-keyed holder of this name with an account at that bank")
            return


def _compare_company(a: Entity, b: Entity, fire, settings: MatchSettings) -> str:  # noqa: ANN001
    veto = ""
    bba, bbb = bank_branch(a.name) if a.name else None, bank_branch(b.name) if b.name else None
    if bba or bbb:
        if bba and bbb and bba == bbb:
            fire("bank_branch_equal", bba[0])
            if bool(a.strong) != bool(b.strong) and not (a.name_unique or b.name_unique):
                fire("company_name_ambiguous", "several strong-keyed branches hold this name")
        elif bba and bbb:
            fire("branch_mismatch", "bank branch")
        else:
            fire("company_name_conflict", "bank vs non-bank")
    elif a.name and b.name:
        ca, ra, fa = company_core(a.name)
        cb, rb, fb = company_core(b.name)
        if fa != fb:
            fire("branch_mismatch", f"{fa or '-'}/{fb or '-'}")
        if ra and rb and ra != rb:
            fire("region_conflict")
        if ca and ca == cb:
            fire("company_name_core")
            if bool(a.strong) != bool(b.strong) and not (a.name_unique or b.name_unique):
                fire("company_name_ambiguous", "several strong-keyed companies hold this name")
            if company_name(a.name).normalised == company_name(b.name).normalised:
                fire("company_name_exact")
        else:
            r = fuzz.ratio(ca, cb)
            if r >= 90:
                fire("company_name_similar", f"ratio={r:.0f}")
            else:
                fire("company_name_conflict", f"ratio={r:.0f}")
    if a.id_number and b.id_number and not (a.strong and b.strong):
        if compact(a.id_number) == compact(b.id_number):
            fire("uscc_equal_unverified")
    if _shared(a.reps, b.reps):
        fire("shared_legal_rep")
    if _shared(a.addresses, b.addresses):
        fire("shared_registered_address")
    if _shared(a.phones, b.phones):
        fire("shared_phone")
    return veto


def iter_matches(entities: list[Entity], settings: MatchSettings = DEFAULT_SETTINGS
                 ) -> Iterator[Match]:
    """Compare every candidate pair; yield each :class:`Match` (matches and non-matches)."""
    pairs, _ = candidate_pairs(entities, settings.max_block)
    for i, j in pairs:
        yield compare(entities[i], entities[j], settings)
