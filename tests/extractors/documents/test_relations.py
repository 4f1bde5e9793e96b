"""Relation templates: one row per template, with the expected (type, source, target)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from extractors.documents import extract_text


def rels(nlp: Language, text: str) -> set[tuple[str, str, str]]:
    return {(r.type, r.source, r.target) for r in extract_text(text, "t", nlp=nlp).relations}


@pytest.mark.parametrize("text,expected", [
    ("借款人王某某经中介李某介绍，向中国建设银行股份有限公司北京朝阳支行申请经营贷款。",
     {("BROKERED", "李某", "王某某"), ("APPLIED_FOR", "王某某", "中国建设银行股份有限公司北京朝阳支行")}),
    ("被告人翟某某在宁夏银行阅海支行申领了一张信用卡。", {("APPLIED_FOR", "翟某某", "宁夏银行阅海支行")}),
    ("被告人杨某于2011年1月冒用其弟杨某某的名义，向中国农业银行股份有限公司本溪新华支行申请办理了一张贷记卡。",
     {("APPLIED_FOR", "杨某", "中国农业银行股份有限公司本溪新华支行")}),
    ("被告人张某担任北京某某商贸有限公司法定代表人。", {("LEGAL_REPRESENTATIVE_OF", "张某", "北京某某商贸有限公司")}),
    ("2003年，被告人陶某出资成立芜湖县海丰航运有限公司，被告人陶某任公司法人代表。",
     {("LEGAL_REPRESENTATIVE_OF", "陶某", "芜湖县海丰航运有限公司")}),
    ("北京某某商贸有限公司法定代表人刘某某签订合同。", {("LEGAL_REPRESENTATIVE_OF", "刘某某", "北京某某商贸有限公司")}),
    ("被告人詹某甲通过物流快递的方式将150份假发票卖给刘某。", {("SUPPLIED_TO", "詹某甲", "刘某")}),
    ("被告人李某将房屋谎称是自己的，并卖给赵某某、王某某。",
     {("SUPPLIED_TO", "李某", "赵某某"), ("SUPPLIED_TO", "李某", "王某某")}),
    ("被告人王某从陈某处购买特种作业操作证一本。", {("SUPPLIED_TO", "陈某", "王某")}),
    ("被告人王某某将款转至李某账户。", {("TRANSFERRED_TO", "王某某", "李某")}),
    ("该款项由青岛君平中联盟××管理有限公司账户汇入青岛爱购惠商贸有限公司账户。",
     {("TRANSFERRED_TO", "青岛君平中联盟××管理有限公司", "青岛爱购惠商贸有限公司")}),
    ("被告人张某某为王某某支付购房款人民币300万元，购买京(2021)朝阳区不动产权第0012345号房产。",
     {("PAID_FOR", "张某某", "京(2021)朝阳区不动产权第0012345号")}),
    ("借款人王某向中国建设银行股份有限公司北京朝阳支行申请贷款，客户经理李某审批通过。",
     {("APPLIED_FOR", "王某", "中国建设银行股份有限公司北京朝阳支行"), ("APPROVED_BY", "王某", "李某")}),
    ("中国建设银行股份有限公司北京朝阳支行客户经理李某为王某办理贷款。",
     {("EMPLOYED_BY", "李某", "中国建设银行股份有限公司北京朝阳支行")}),
    ("被告人王某持有证号：T110105194912310021的特种作业操作证。", {("HOLDS", "王某", "T110105194912310021")}),
    ("从山东中石大胜华油品销售有限公司（以下简称“胜华公司”）给东营京泰化工有限责任公司累计虚开增值税专用发票。",
     {("INVOICED", "山东中石大胜华油品销售有限公司", "东营京泰化工有限责任公司")}),
    ("由“阜新某有色金属材料有限公司”为其虚开了受票单位为“某集团有限公司盘锦市销售分公司”的增值税专用发票。",
     {("INVOICED", "阜新某有色金属材料有限公司", "某集团有限公司盘锦市销售分公司")}),
])
def test_template(nlp: Language, text: str, expected: set[tuple[str, str, str]]) -> None:
    assert rels(nlp, text) == expected


@pytest.mark.parametrize("text", [
    "被害人郭某乙将银行卡交给被告人冯某。",
    "货款由买家转入被告人何某某的支付宝账户。",
    "被告人王某在银行工作。",
])
def test_no_relation(nlp: Language, text: str) -> None:
    assert rels(nlp, text) == set()


def test_relation_keeps_amount_and_date(nlp: Language) -> None:
    r = extract_text("2016年5月31日，被告人王某某将42635元转至李某账户。", "t", nlp=nlp).relations[0]
    assert r.props["amount"] == 42635.0 and r.props["on"] == "2016-05-31"
