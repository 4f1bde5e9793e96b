"""Identifiers attached to the person they belong to (ID numbers, cards, accounts, phones).

One row per construction: the text, and the expected (person name, identifier label,
identifier text) attachments — exactly those, so a row also says what stays unattached.
"""

from __future__ import annotations

import pytest
from spacy.language import Language

from extractors.documents import extract_text
from extractors.documents.result import ExtractionResult

ID_A = "110105197503214268"
ID_B = "110108199001065424"


def held(res: ExtractionResult) -> set[tuple[str, str, str]]:
    by_span = {(e.start, e.end): e for e in res.entities}
    return {(p.text, by_span[s].label, by_span[s].text) for s, p in res.holders().items()}


@pytest.mark.parametrize("text,expected", [
    # masked name + masked ID number in a parenthesis
    ("被告人张某（身份证号110105********4268）于2023年到案。", {("张某", "ID_CARD", "110105********4268")}),
    # the ID after sex and birth date in the same sentence; 公民身份号码 also introduces a masked number
    ("被告人孙某某，男，1969年2月21日出生，公民身份号码110105XXXXXXXX8499，住北京市丰台区。",
     {("孙某某", "ID_CARD", "110105XXXXXXXX8499")}),
    # a card after 名下 (a bank between the name and the card does not break it)
    ("经查，张某名下中国建设银行银行卡（卡号6217********3382）于案发当日收到该款。",
     {("张某", "BANK_CARD", "6217********3382")}),
    ("张某使用的手机（号码138****1234）与被害人联系。", {("张某", "PHONE", "138****1234")}),
    ("被告人张某的中国农业银行账户（账号6228********2176）收到该款。", {("张某", "ACCOUNT", "6228********2176")}),
    # 的 of another noun: the account the other side sent is not the name's
    ("后对方加了马某某的微信并发了一个银行帐号6228XXXXXXXXXXX2176，马某某通过该账户付款。", set()),
    # a card in a parenthesis right after the name
    ("被害人李某某（银行卡号6222 **** **** 1234）报案称被骗。", {("李某某", "BANK_CARD", "6222 **** **** 1234")}),
    # two persons in one sentence: each keeps its own number
    (f"被告人张某（身份证号{ID_A}）伙同王某（身份证号{ID_B}）实施诈骗。",
     {("张某", "ID_CARD", ID_A), ("王某", "ID_CARD", ID_B)}),
    ("张某名下银行卡（卡号6217********3382）与李某名下银行卡（卡号6216********7296）均用于收款。",
     {("张某", "BANK_CARD", "6217********3382"), ("李某", "BANK_CARD", "6216********7296")}),
    # a form: the name is a field value, the numbers are fields of the next lines
    ("户名：崔某    账号：6217 **** **** 3382\n证件号码：110108********0014\n查询期间：2024年",
     {("崔某", "ACCOUNT", "6217 **** **** 3382"), ("崔某", "ID_CARD", "110108********0014")}),
    ("询问人：王某、陈某\n记录人：李某\n被询问人：曹某某  性别：女\n身份证号：110108********7400\n联系电话：139****9824\n",
     {("曹某某", "ID_CARD", "110108********7400"), ("曹某某", "PHONE", "139****9824")}),
    # a table row: the card in the cell after the name
    ("2024-03-23 10:09:16 | 5,200,000.00 | 林某 | 6216 **** **** 7296 | 借款\n",
     {("林某", "BANK_CARD", "6216 **** **** 7296")}),
    # an identifier far from any name (another sentence) stays unattached
    ("被告人张某于2023年到案。经查，涉案银行卡号6217********3382系他人所有。", set()),
    ("被告人张某于2023年10月16日在北京市朝阳区某小区内多次使用他人提供的作案工具并伙同他人在网络上大量发布虚假信息，"
     "后经查实卡号6217********3382。", set()),
    # a company between the name and the account: the account is the company's, not the person's
    ("被告人张某向北京华鑫商贸有限公司账户（账号110060224018010001234）转账。", set()),
    # a card before any name is nobody's
    ("卡号6217********3382的持卡人为张某。", set()),
])
def test_attachments(nlp: Language, text: str, expected: set[tuple[str, str, str]]) -> None:
    assert held(extract_text(text, "t", nlp=nlp)) == expected


def test_masked_id_becomes_the_persons_id_number(nlp: Language) -> None:
    res = extract_text("被告人张某（身份证号110105********4268）于2023年到案。张某供述如下。", "D1", nlp=nlp)
    ids = [e for e in res.entities if e.label == "ID_CARD"]
    # the masked number names the same doc-scoped node as the masked name (no separate fragment node)
    assert {res.uid(e) for e in res.entities if e.label in ("PERSON", "ID_CARD")} == {("Person", "Person:doc:D1:张某")}
    props = {(s.prop, s.value) for s in res.statements() if s.uid == "Person:doc:D1:张某" and s.prop and not s.rel}
    assert ("id_number", "110105********4268") in props and ("doc_scope", "D1") in props
    assert ids and all(s.prov.source_id == "D1" for s in res.statements())


def test_full_id_gives_the_strong_key(nlp: Language) -> None:
    res = extract_text(f"被询问人：张某  性别：男\n身份证号：{ID_A}\n", "D2", nlp=nlp)
    assert {res.uid(e)[1] for e in res.entities if e.label in ("PERSON", "ID_CARD")} == {f"Person:{ID_A}"}


def test_unattached_masked_id_stays_its_own_node(nlp: Language) -> None:
    res = extract_text("经查，身份证号110105********4268的持有人未到案。被告人张某到案。", "D3", nlp=nlp)
    ids = [e for e in res.entities if e.label == "ID_CARD"]
    assert [res.uid(e) for e in ids] == [("Person", "Person:doc:D3:id:110105********4268")]


def test_owns_and_has_phone_statements(nlp: Language) -> None:
    text = "户名：崔某    账号：6217 **** **** 3382\n证件号码：110108********0014\n联系电话：139****9824\n"
    res = extract_text(text, "D4", nlp=nlp)
    rels = {(s.uid, s.rel, s.obj_uid) for s in res.statements() if s.rel in ("OWNS", "HAS_PHONE")}
    assert rels == {("Person:doc:D4:崔某", "OWNS", "BankAccount:doc:D4:6217********3382"),
                    ("Person:doc:D4:崔某", "HAS_PHONE", "Phone:doc:D4:139****9824")}
    for s in res.statements():
        if s.rel in ("OWNS", "HAS_PHONE"):
            assert s.prov.source_id == "D4" and s.prov.locator.startswith("chars=")
