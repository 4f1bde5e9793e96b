"""Entity extraction, one table per label: what is found, its value and validity."""

from __future__ import annotations

from typing import Any

import pytest
from spacy.language import Language

from extractors.documents import extract_text
from extractors.documents.normalize import parse_date, parse_money


def ents(nlp: Language, text: str, label: str) -> list[Any]:
    res = extract_text(text, "t", nlp=nlp)
    return [e for e in res.entities if e.label == label]


def one(nlp: Language, text: str, label: str) -> Any:
    found = ents(nlp, text, label)
    assert len(found) == 1, [(e.label, e.text) for e in extract_text(text, "t", nlp=nlp).entities]
    return found[0]


@pytest.mark.parametrize("text,mention", [
    ("被告人张某于2015年到案。", "张某"),
    ("证人王某某的证言。", "王某某"),
    ("被告人张某甲指使被告人张某乙作证。", "张某甲"),
    ("犯罪嫌疑人王某3另案处理。", "王某3"),
    ("被告人易1某骗取车辆。", "易1某"),
    ("被害人郭汉某报案。", "郭汉某"),
    ("被告人李XX到案。", "李XX"),
    ("被告人李××到案。", "李××"),
    ("被告人欧阳某某到案。", "欧阳某某"),
    ("客户经理王建国审批了该笔贷款。", "王建国"),
])
def test_person_found(nlp: Language, text: str, mention: str) -> None:
    e = ents(nlp, text, "PERSON")[0]
    assert e.text == mention and text[e.start:e.end] == mention


@pytest.mark.parametrize("text,not_person", [
    ("被告人已构成××罪。", "成××"),
    ("位于燕儿岛路XX号X户的房产。", "路XX"),
    ("借款人民币25万某。", "万某"),
    ("被害人陈述、证人证言。", "陈述"),
    ("通过投资中介公司介绍。", "公司"),
])
def test_not_a_person(nlp: Language, text: str, not_person: str) -> None:
    assert not_person not in [e.text for e in ents(nlp, text, "PERSON")]


@pytest.mark.parametrize("text,org", [
    ("向中国建设银行股份有限公司北京朝阳支行申请贷款。", "中国建设银行股份有限公司北京朝阳支行"),
    ("惠州市惠阳区人民检察院指控，", "惠州市惠阳区人民检察院"),
    ("由北京市朝阳区人民法院审理。", "北京市朝阳区人民法院"),
    ("向菏泽市公安局开发区分局报案。", "菏泽市公安局开发区分局"),
    ("以青岛君平中联盟××管理有限公司名义借款。", "青岛君平中联盟××管理有限公司"),
    ("在中石化北京朝阳加油站加油。", "中石化北京朝阳加油站"),
    ("经中国人民银行河源市中心支行鉴定。", "中国人民银行河源市中心支行"),
    ("到中国邮政储蓄银行滦南县支行司各庄储蓄所取款。", "中国邮政储蓄银行滦南县支行司各庄储蓄所"),
    ("根据公安部的通知。", "公安部"),
])
def test_org_found(nlp: Language, text: str, org: str) -> None:
    assert org in [e.text for e in ents(nlp, text, "ORG")]


@pytest.mark.parametrize("text,not_org", [
    ("该公司法定代表人。", "公司"), ("该车被租赁公司追回。", "租赁公司"), ("银行工作人员多次催收。", "银行"),
    ("向县民政局报告。", "县民政局"),
])
def test_generic_org_not_found(nlp: Language, text: str, not_org: str) -> None:
    assert not_org not in [e.text for e in ents(nlp, text, "ORG")]


def test_org_alias_expands(nlp: Language) -> None:
    text = "从山东中石大胜华油品销售有限公司（以下简称“胜华公司”）购油，后胜华公司虚开发票。"
    orgs = ents(nlp, text, "ORG")
    assert [e.text for e in orgs] == ["山东中石大胜华油品销售有限公司", "胜华公司", "胜华公司"]
    assert orgs[2].extra["alias_of"] == "山东中石大胜华油品销售有限公司"


def test_shop_after_address_is_split(nlp: Language) -> None:
    text = "在武汉市江岸区兴业路北京现代4S店门口骗取车辆。"
    assert [e.text for e in ents(nlp, text, "ORG")] == ["北京现代4S店"]
    assert [e.text for e in ents(nlp, text, "ADDRESS")] == ["武汉市江岸区兴业路"]


@pytest.mark.parametrize("text,mention,value,approx", [
    ("借款人民币300万元。", "人民币300万元", 3_000_000.0, False),
    ("造成损失2.3亿余元。", "2.3亿余元", 230_000_000.0, True),
    ("转账1,500,000元。", "1,500,000元", 1_500_000.0, False),
    ("骗取叁佰万元。", "叁佰万元", 3_000_000.0, False),
    ("首付款二十万三千零四十元。", "二十万三千零四十元", 203_040.0, False),
    ("价值人民币246，900元。", "人民币246，900元", 246_900.0, False),
    ("借款人民币5万某。", "人民币5万某", 50_000.0, False),
    ("价值人民币14.2万）", "人民币14.2万", 142_000.0, False),
    ("授信额度为15000元人民币，", "15000元人民币", 15_000.0, False),
    ("扣除利息3千元。", "3千元", 3_000.0, False),
    ("损失人民币900余万元。", "人民币900余万元", 9_000_000.0, True),
])
def test_money(nlp: Language, text: str, mention: str, value: float, approx: bool) -> None:
    e = one(nlp, text, "MONEY")
    assert (e.text, e.value, bool(e.extra.get("approximate"))) == (mention, value, approx)


@pytest.mark.parametrize("text,mention,iso,valid", [
    ("于2023年10月16日到案。", "2023年10月16日", "2023-10-16", True),
    ("于2023.10.16到案。", "2023.10.16", "2023-10-16", True),
    ("于2023-10-16到案。", "2023-10-16", "2023-10-16", True),
    ("于二〇二三年十月十六日到案。", "二〇二三年十月十六日", "2023-10-16", True),
    ("自2015年6月开始。", "2015年6月", "2015-06", True),
    ("于2023年2月30日到案。", "2023年2月30日", None, False),
])
def test_date(nlp: Language, text: str, mention: str, iso: str | None, valid: bool) -> None:
    e = one(nlp, text, "DATE")
    assert (e.text, e.value, e.valid) == (mention, iso, valid)


@pytest.mark.parametrize("text", ["同年11月16日", "2011年至2014年", "6月1日"])
def test_no_date_without_year_and_month(nlp: Language, text: str) -> None:
    assert ents(nlp, f"于{text}发生。", "DATE") == []


@pytest.mark.parametrize("number,valid,why", [
    ("11010519491231002X", True, "valid"),
    ("11011220000101001X", True, "valid, 通州区 code in use in 2000"),
    ("110105194912310022", False, "bad check digit"),
    ("110112197001010015", False, "area code 110112 did not exist in 1970"),
    ("110105202302300016", False, "no 30 February"),
    ("999999198001010011", False, "unknown area code"),
])
def test_id_card(nlp: Language, number: str, valid: bool, why: str) -> None:
    e = one(nlp, f"张某（身份证号：{number}）", "ID_CARD")
    assert e.text == number and e.valid is valid, why


def test_masked_id_card_kept(nlp: Language) -> None:
    e = one(nlp, "张某，身份证号码110105********002X，", "ID_CARD")
    assert e.valid is None and e.masked


@pytest.mark.parametrize("code,valid", [("91110000600037341L", True), ("91110000600037341A", False)])
def test_uscc(nlp: Language, code: str, valid: bool) -> None:
    e = one(nlp, f"统一社会信用代码{code}。", "USCC")
    assert e.valid is valid


@pytest.mark.parametrize("text,label,number,valid,masked", [
    ("银行卡号：6222021234567890128，", "BANK_CARD", "6222021234567890128", True, False),
    ("银行卡号：6222021234567890129，", "BANK_CARD", "6222021234567890129", False, False),
    ("转入6222****1234账户", "BANK_CARD", "6222****1234", None, True),
    ("卡号：62×××86）", "BANK_CARD", "62×××86", None, True),
    ("办理了卡号为×××3917信用卡", "BANK_CARD", "×××3917", None, True),
    ("账号：62×××86，", "ACCOUNT", "62×××86", None, True),
    ("账号：1100 1234 5678 9012，", "ACCOUNT", "1100123456789012", True, False),
])
def test_cards_and_accounts(nlp: Language, text: str, label: str, number: str, valid: bool | None, masked: bool) -> None:
    e = one(nlp, text, label)
    assert (e.value, e.valid, e.masked) == (number, valid, masked)


@pytest.mark.parametrize("text,number,valid", [
    ("联系电话13812345678。", "13812345678", True),
    ("电话010-12345678。", "010-12345678", True),
    ("手机138****5678。", "138****5678", None),
])
def test_phone(nlp: Language, text: str, number: str, valid: bool | None) -> None:
    e = one(nlp, text, "PHONE")
    assert (e.value, e.valid) == (number, valid)


@pytest.mark.parametrize("text,label,mention", [
    ("本院作出（2023）京0105刑初123号刑事判决。", "CASE_NO", "（2023）京0105刑初123号"),
    ("京朝检刑诉〔2023〕123号起诉书。", "CASE_NO", "京朝检刑诉〔2023〕123号"),
    ("作出（2012）宜民初字第3765号民事判决。", "CASE_NO", "（2012）宜民初字第3765号"),
    ("房产登记为京(2021)朝阳区不动产权第0012345号。", "PROPERTY_NO", "京(2021)朝阳区不动产权第0012345号"),
    ("其特种作业操作证证号：T110105194912310021。", "CERT_NO", "T110105194912310021"),
])
def test_numbers(nlp: Language, text: str, label: str, mention: str) -> None:
    assert one(nlp, text, label).text == mention


@pytest.mark.parametrize("text,address", [
    ("在深圳市宝安区西乡福中福花园10栋607号抓获被告人。", "深圳市宝安区西乡福中福花园10栋607号"),
    ("将不属于自己的陕坝镇金叶阳光二期13号楼2单元6楼东户卖给他人。", "陕坝镇金叶阳光二期13号楼2单元6楼"),
    ("隐瞒其位于昆山市巴城镇正仪新城小区X号楼XXX室房产已出售的真相。", "昆山市巴城镇正仪新城小区X号楼XXX室"),
    ("到增城石滩镇沙园路99号中国银行柜员机取款。", "增城石滩镇沙园路99号"),
])
def test_address(nlp: Language, text: str, address: str) -> None:
    assert [e.text for e in ents(nlp, text, "ADDRESS")] == [address]


@pytest.mark.parametrize("text,value", [("人民币300万元", 3e6), ("2.3亿余元", 2.3e8), ("叁佰万元", 3e6), ("1,500,000元", 1.5e6),
                                        ("25万某", 2.5e5), ("三万元", 3e4), ("1.0637万某", 10637.0)])
def test_parse_money_direct(text: str, value: float) -> None:
    assert parse_money(text)[0] == pytest.approx(value)


def test_parse_date_direct() -> None:
    assert parse_date("二〇二三年十月十六日") == ("2023-10-16", True)
    assert parse_date("2023年13月") == (None, False)
