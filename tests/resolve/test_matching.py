"""Feature and scoring cases of :mod:`kg.resolve.matching` (no store)."""

from __future__ import annotations

import pytest

from kg.resolve.judgements import Judgement, canonical_map, is_strong_uid
from kg.resolve.matching import (
    DEFAULT_SETTINGS,
    Entity,
    annotate,
    bank_branch,
    blocking_keys,
    candidate_pairs,
    card_fits,
    card_pattern,
    company_core,
    compare,
    id_pattern_compatible,
    is_masked,
)

ID_A = "110105197503214268"
ID_B = "110106199701156316"
P = frozenset({"Phone:13800138000"})
CARD = "6217000408434983382"


def person(uid: str, name: str = "", **kw) -> Entity:
    strong = uid.split(":", 1)[1] if is_strong_uid(uid) else None
    return Entity(uid, "Person", name=name, strong=strong, **kw)


def company(uid: str, name: str, **kw) -> Entity:
    strong = uid.split(":", 1)[1] if is_strong_uid(uid) else None
    return Entity(uid, "Company", name=name, strong=strong, **kw)


CASES = [
    # (a, b, expected features without annotate() (set), is_match after annotate())
    # the name alone: only the "one strong holder of this name" heuristic (annotate) carries it
    (person(f"Person:{ID_A}", "王璐怡"), person("Person:mention:f#row=1:x", "王璐怡"),
     {"name_exact"}, True),
    (person(f"Person:{ID_A}", "王璐怡", phones=P), person("Person:mention:f#row=1:x", "王璐怡", phones=P),
     {"name_exact", "shared_phone"}, True),
    (person(f"Person:{ID_A}", "王璐怡", phones=P), person("Person:mention:f#row=1:x", "王璐", phones=P),
     {"name_similar", "shared_phone"}, False),
    (person(f"Person:{ID_A}", "王璐怡", phones=P), person("Person:mention:f#row=1:x", "李强", phones=P),
     {"name_conflict", "shared_phone"}, False),
    # a dropped digit in the ID number plus the name
    (person(f"Person:{ID_A}", "王璐怡"), person("Person:unverified:f#row=2:h", "王璐怡", id_number=ID_A[:-2] + ID_A[-1:]),
     {"name_exact", "id_near"}, True),
    # the same invalid number written twice
    (person("Person:unverified:f#row=2:h", "沈文伟", id_number="11010919790117115"),
     person("Person:unverified:g#row=9:h", "沈文伟", id_number="11010919790117115"),
     {"name_exact", "id_equal_unverified"}, True),
    # a different birth date vetoes a same-name pair
    (person(f"Person:{ID_A}", "王璐怡", phones=P), person("Person:unverified:f#row=2:h", "王璐怡", phones=P,
                                                         birth="1980-01-01"),
     {"name_exact", "shared_phone", "birth_conflict"}, False),
    # masked ID number fits
    (person(f"Person:{ID_B}", "曾辉磊"), person("Person:doc:D9:id:110106XXXXXXXX6316", "", scope="D9", id_number="110106XXXXXXXX6316"),
     {"id_pattern_match"}, True),  # annotate(): the only strong-keyed person that fits
    (person(f"Person:{ID_B}", "曾辉磊"), person("Person:doc:D9:id:110106XXXXXXXX6317", "", scope="D9", id_number="110106XXXXXXXX6317"),
     {"id_conflict"}, False),
    # a masked name carrying the masked ID number the document wrote after it (张某，…，公民身份号码110106XXXXXXXX6316)
    (person(f"Person:{ID_B}", "曾辉磊"), person("Person:doc:D9:曾某", "曾某", scope="D9", id_number="110106XXXXXXXX6316"),
     {"id_pattern_match"}, True),
    (person(f"Person:{ID_B}", "曾辉磊"), person("Person:doc:D9:李某", "李某", scope="D9", id_number="110106XXXXXXXX6316"),
     {"surname_conflict", "id_pattern_match"}, False),
    # a masked name owning a masked card that fits the full card of a strong-keyed person
    (person(f"Person:{ID_B}", "曾辉磊", cards=frozenset({CARD})),
     person("Person:doc:D9:曾某", "曾某", scope="D9", cards=frozenset({"6217********3382"})),
     {"card_pattern_match"}, True),  # annotate(): the only full number that fits
    (person(f"Person:{ID_B}", "曾辉磊", cards=frozenset({CARD})),
     person("Person:doc:D9:曾某", "曾某", scope="D9", cards=frozenset({"6217********3383"})),
     set(), False),
    # only the last four digits: too little to match on
    (person(f"Person:{ID_B}", "曾辉磊", cards=frozenset({CARD})),
     person("Person:doc:D9:曾某", "曾某", scope="D9", cards=frozenset({"***************3382"})),
     set(), False),
    # companies
    (company("Company:91110101203052564F", "北京华鑫供应链管理有限公司"), company("Company:name:北京华鑫供应链管理有限责任公司",
                                                                        "北京华鑫供应链管理有限责任公司"),
     {"company_name_core", "company_name_exact"}, True),
    (company("Company:91110101203052564F", "九州隆房地产经纪(北京)有限公司"), company("Company:name:北京九州隆房地产经纪有限公司",
                                                                          "北京九州隆房地产经纪有限公司"),
     {"company_name_core"}, True),
    (company("Company:91110101203052564F", "北京华鑫供应链管理有限公司"), company("Company:name:北京华鑫供应链管理有限公司朝阳分公司",
                                                                        "北京华鑫供应链管理有限公司朝阳分公司"),
     {"branch_mismatch", "company_name_conflict"}, False),
    (company("Company:name:北京佳业商贸有限公司", "北京佳业商贸有限公司"), company("Company:name:北京佳业丰商贸有限公司",
                                                                       "北京佳业丰商贸有限公司"),
     {"company_name_conflict"}, False),
    (company("Company:name:上海华鑫供应链管理有限公司", "上海华鑫供应链管理有限公司"),
     company("Company:name:北京华鑫供应链管理有限公司", "北京华鑫供应链管理有限公司"),
     {"region_conflict", "company_name_core"}, False),
    (company("Company:911101084888568728", "中国建设银行股份有限公司北京朝阳支行"), company("Company:name:建行北京朝阳支行",
                                                                             "建行北京朝阳支行"),
     {"bank_branch_equal"}, True),
    (company("Company:name:中国建设银行股份有限公司北京朝阳支行", "中国建设银行股份有限公司北京朝阳支行"),
     company("Company:name:中国建设银行股份有限公司北京海淀支行", "中国建设银行股份有限公司北京海淀支行"),
     {"branch_mismatch"}, False),
]


@pytest.mark.parametrize("a,b,features,is_match", CASES)
def test_features_and_scores(a: Entity, b: Entity, features: set[str], is_match: bool) -> None:
    m = compare(a, b)
    # unique names only come from annotate(); mark them explicitly here
    names = {f.name for f in m.features} - {"name_unique", "company_name_ambiguous"}
    assert names == features, m.reason()
    m2 = compare(*annotate([a, b]))
    assert m2.is_match == is_match, m2.reason()
    assert m2.score == pytest.approx(sum(f.weight for f in m2.features))
    # symmetric
    assert compare(b, a).score == m.score


def test_two_strong_keys_never_match() -> None:
    m = compare(person(f"Person:{ID_A}", "王璐怡", phones=P), person(f"Person:{ID_B}", "王璐怡", phones=P))
    assert m.veto == "strong_key_conflict" and not m.is_match


def test_masked_names_scoped_to_their_document() -> None:
    a = person("Person:doc:D1:张某", "张某", scope="D1")
    b = person("Person:doc:D2:张某", "张某", scope="D2")
    c = person(f"Person:{ID_A}", "张帅")
    assert compare(a, b).veto == "masked_cross_document"
    assert compare(a, c).veto == "masked_cross_document"
    # and they do not even share a block across documents
    assert not (blocking_keys(a) & blocking_keys(b))
    # other evidence (a phone) lifts the veto but the name adds nothing
    a2 = person("Person:doc:D1:张某", "张某", scope="D1", phones=P)
    c2 = person(f"Person:{ID_A}", "张帅", phones=P)
    m = compare(a2, c2)
    assert not m.veto and {f.name for f in m.features} == {"shared_phone"} and not m.is_match
    # a different surname is a conflict
    assert "surname_conflict" in {f.name for f in compare(person("Person:doc:D1:李某", "李某", scope="D1"), c).features}


def test_no_pinyin_folding() -> None:
    m = compare(person(f"Person:{ID_A}", "张伟", phones=P), person("Person:mention:f#row=1:x", "章伟", phones=P))
    assert "name_exact" not in {f.name for f in m.features}


def test_helpers() -> None:
    assert is_masked("王某某") and is_masked("李XX") and not is_masked("王璐怡")
    assert id_pattern_compatible("110106XXXXXXXX6316", ID_B)
    assert not id_pattern_compatible("XXXXXXXXXXXXXXXXXX", ID_B)
    assert bank_branch("中国工商银行股份有限公司北京石景山学院支行") == ("中国工商银行", "石景山学院支行")
    assert bank_branch("北京华鑫供应链管理有限公司") is None
    assert company_core("北京华鑫供应链管理有限责任公司") == ("华鑫供应链管理", "北京", "")


def test_blocking_is_linear_and_skips_hubs() -> None:
    hub = frozenset({"Phone:01000000000"})
    ents = [person(f"Person:mention:f#row={i}:x", f"人{i:04d}", phones=hub) for i in range(500)]
    pairs, stats = candidate_pairs(ents, max_block=DEFAULT_SETTINGS.max_block)
    assert pairs == [] and stats["blocks_skipped"] == 1


def test_name_unique_annotation() -> None:
    a = person(f"Person:{ID_A}", "杨欢")
    b = person("Person:employee:CCB000005", "杨欢")
    assert not compare(a, b).is_match
    a2, b2 = annotate([a, b])
    assert compare(a2, b2).is_match
    # two strong holders of the name: no uniqueness
    c = person(f"Person:{ID_B}", "杨欢")
    a3, b3, _ = annotate([a, b, c])
    assert not compare(a3, b3).is_match


def test_canonical_map_rules() -> None:
    s1, s2 = f"Person:{ID_A}", f"Person:{ID_B}"
    w = "Person:mention:f#row=1:x"
    j1 = Judgement.make("SAME_AS", s1, w, 4.0, "r", at="2024-01-01T00:00:00+00:00")
    j2 = Judgement.make("SAME_AS", s2, w, 3.5, "r", at="2024-01-01T00:00:00+00:00")
    # a weak node never bridges two strong keys: the higher score wins
    m = canonical_map([j1, j2])
    assert m[w] == s1 and s2 not in m
    # a reviewer's NOT_SAME_AS beats the automatic SAME_AS whatever the order
    r = Judgement.make("NOT_SAME_AS", s1, w, None, "review", author="li", reason="no",
                       at="2023-01-01T00:00:00+00:00")
    m2 = canonical_map([r, j1, j2])
    assert m2[w] == s2
    # order of the log does not matter for automatic judgements
    assert canonical_map([j2, j1]) == m
    # ids are deterministic for automatic judgements
    assert Judgement.make("SAME_AS", w, s1, 4.0, "r").id == j1.id


def test_masked_card_and_id_need_a_unique_fit() -> None:
    """A masked card / ID number links a masked name only when exactly one full number of
    a holder with that surname fits; never by the masked name alone."""
    masked = person("Person:doc:D1:曾某", "曾某", scope="D1", cards=frozenset({"6217********3382"}))
    holder = person(f"Person:{ID_B}", "曾辉磊", cards=frozenset({CARD}))
    # another full card that fits, held by a person of the same surname: ambiguous, no match
    other = person(f"Person:{ID_A}", "曾强", cards=frozenset({"6217999999999993382"}))
    m, h, _ = annotate([masked, holder, other])
    assert not m.unique_cards and not compare(m, h).is_match
    # ... held by a person of another surname: it does not count
    other2 = person(f"Person:{ID_A}", "王强", cards=frozenset({"6217999999999993382"}))
    m, h, o = annotate([masked, holder, other2])
    assert m.unique_cards == {"6217********3382"}
    assert compare(m, h).is_match and not compare(m, o).is_match
    # they share a block; two documents' masked names with the same masked card never match on it
    assert blocking_keys(m) & blocking_keys(h)
    twin = person("Person:doc:D2:曾某", "曾某", scope="D2", cards=frozenset({"6217********3382"}))
    mm = compare(*annotate([masked, twin]))
    assert mm.veto == "masked_cross_document" and not mm.is_match
    # the same for a masked ID number
    mid = person("Person:doc:D1:曾某", "曾某", scope="D1", id_number="110106XXXXXXXX6316")
    twin_id = person("Person:110106196001066316", "曾伟")  # fits the pattern too
    a, b, c = annotate([mid, person(f"Person:{ID_B}", "曾辉磊"), twin_id])
    assert not a.id_unique and not compare(a, b).is_match
    a, b, c = annotate([mid, person(f"Person:{ID_B}", "曾辉磊"), person("Person:110106196001066316", "王伟")])
    assert a.id_unique and compare(a, b).is_match and not compare(a, c).is_match


def test_card_pattern_helpers() -> None:
    assert card_pattern("6217********3382") == ("6217", "3382")
    assert card_pattern("622202*********7440") == ("622202", "7440")
    assert card_pattern(CARD) is None and card_pattern("****3382") is None
    assert card_fits(("6217", "3382"), CARD) and not card_fits(("6217", "3383"), CARD)
    assert not card_fits(("6217", "3382"), "62173382")


ID_C = "110101198904171616"
CCB = frozenset({"中国建设银行"})
ICBC = frozenset({"中国工商银行"})
STAFF = "Person:employee:CCB000005"

STAFF_CASES = [
    # (strong-keyed holders of the name (uid, name, account banks), staff record (name, staff banks),
    #  expected {holder uid: is_match} after annotate(), features fired against the first holder)
    # the one holder of the name with an account at the staff record's bank, among namesakes banking elsewhere
    ([(f"Person:{ID_A}", "杨欢", CCB), (f"Person:{ID_B}", "杨欢", ICBC)], ("杨欢", CCB),
     {f"Person:{ID_A}": True, f"Person:{ID_B}": False},
     {"name_exact", "staff_bank_account", "staff_bank_unique"}),
    # ... and among namesakes with no account at all
    ([(f"Person:{ID_A}", "杨欢", CCB), (f"Person:{ID_B}", "杨欢", frozenset()), (f"Person:{ID_C}", "杨欢", frozenset())],
     ("杨欢", CCB), {f"Person:{ID_A}": True, f"Person:{ID_B}": False, f"Person:{ID_C}": False},
     {"name_exact", "staff_bank_account", "staff_bank_unique"}),
    # namesakes with the same employer bank: nobody is singled out, no merge
    ([(f"Person:{ID_A}", "杨欢", CCB), (f"Person:{ID_B}", "杨欢", CCB)], ("杨欢", CCB),
     {f"Person:{ID_A}": False, f"Person:{ID_B}": False}, {"name_exact", "staff_bank_account"}),
    # nobody of the name banks there: the name alone is not enough (two holders, no name_unique)
    ([(f"Person:{ID_A}", "杨欢", ICBC), (f"Person:{ID_B}", "杨欢", ICBC)], ("杨欢", CCB),
     {f"Person:{ID_A}": False, f"Person:{ID_B}": False}, {"name_exact"}),
    # a different name at the bank: the bank says nothing about the name
    ([(f"Person:{ID_A}", "杨欣", CCB), (f"Person:{ID_B}", "杨欢", ICBC), (f"Person:{ID_C}", "杨欢", ICBC)],
     ("杨欢", CCB), {f"Person:{ID_A}": False, f"Person:{ID_B}": False, f"Person:{ID_C}": False},
     {"name_conflict", "staff_bank_account"}),
    # a masked staff name (杨某) never matches on the bank
    ([(f"Person:{ID_A}", "杨欢", CCB), (f"Person:{ID_B}", "杨欣", ICBC)], ("杨某", CCB),
     {f"Person:{ID_A}": False, f"Person:{ID_B}": False}, {"staff_bank_account"}),
]


@pytest.mark.parametrize("holders,staff,expected,features", STAFF_CASES)
def test_staff_record_links_through_employer_bank(holders, staff, expected, features) -> None:  # noqa: ANN001
    """A bank-staff record (工号 + name) joins the ID holder of that name only when that
    holder is the one strong-keyed namesake holding an account at the bank whose loans
    the record approved; namesakes at the same bank, or a masked name, never merge."""
    ents = [person(u, n, account_banks=b) for u, n, b in holders]
    s = person(STAFF, staff[0], staff_banks=staff[1])
    *ann, s2 = annotate([*ents, s])
    for h in ann:
        m = compare(h, s2)
        assert m.is_match == expected[h.uid], m.reason()
        assert compare(s2, h).score == m.score
    first = compare(ann[0], s2)
    assert {f.name for f in first.features} - {"name_unique"} == features, first.reason()
    if staff[0] == "杨某":
        assert first.veto == "masked_cross_document"


def test_two_staff_records_of_one_name_at_one_bank_stay_apart() -> None:
    """Two 工号 of the same name at the same bank share a block but only the name: no merge."""
    a = person("Person:employee:CCB000005", "杨欢", staff_banks=CCB)
    b = person("Person:employee:CCB000009", "杨欢", staff_banks=CCB)
    m = compare(*annotate([a, b]))
    assert not m.is_match and {f.name for f in m.features} == {"name_exact"}
