"""Table-driven tests of cleaning (kg.resolve.clean): names, amounts, dates, addresses."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.resolve.clean import (
    company_name,
    jionlp_available,
    normalise_name,
    parse_amount,
    parse_date,
    parse_datetime,
    split_address,
)


@pytest.mark.parametrize(("text", "value", "approx"), [
    ("人民币300万元", 3_000_000.0, False),
    ("2.3亿余元", 230_000_000.0, True),
    ("1,500,000元", 1_500_000.0, False),
    ("叁佰万元", 3_000_000.0, False),
    ("三百万元", 3_000_000.0, False),
    ("300万余元", 3_000_000.0, True),
    ("¥1,000.50", 1000.5, False),
    ("人民币 12,345.60 元", 12345.6, False),
    ("1320.73", 1320.73, False),
    ("伍万元整", 50_000.0, False),
    (1500000, 1_500_000.0, False),
    (2.5, 2.5, False),
])
def test_parse_amount(text: object, value: float, approx: bool) -> None:
    a = parse_amount(text)
    assert a.value == pytest.approx(value)
    assert a.approx is approx
    assert a.original == str(text)


@pytest.mark.parametrize("text", ["#VALUE!", "1245O.99元整", "", "不详", "N/A"])
def test_parse_amount_unreadable(text: str) -> None:
    assert parse_amount(text).value is None


def test_parse_amount_unit_for_bare_numbers() -> None:
    assert parse_amount("500.00", unit=10_000).value == 5_000_000.0   # a (万元) column
    assert parse_amount("300万元", unit=10_000).value == 3_000_000.0  # the text names its unit


@pytest.mark.parametrize(("text", "iso"), [
    ("2023年10月16日", "2023-10-16"),
    ("2023.10.16", "2023-10-16"),
    ("2023/10/16", "2023-10-16"),
    ("2023-10-16", "2023-10-16"),
    ("2023-1-6", "2023-01-06"),
    ("20231016", "2023-10-16"),
    ("2023年1月6日", "2023-01-06"),
    ("2023-10-16 14:05:09", "2023-10-16"),
    (dt.date(2023, 10, 16), "2023-10-16"),
    ("0000-00-00", None),
    ("2023-02-30", None),
    ("", None),
    ("未知", None),
])
def test_parse_date(text: object, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_parse_datetime_keeps_time() -> None:
    assert parse_datetime("2021-01-01 19:07:15") == dt.datetime(2021, 1, 1, 19, 7, 15)
    assert parse_datetime("2023年10月16日 8时5分") == dt.datetime(2023, 10, 16, 8, 5)


@pytest.mark.parametrize(("name", "normalised", "legal", "branch"), [
    ("北京华鑫供应链管理有限公司", "北京华鑫供应链管理", "有限公司", ""),
    ("北京华鑫供应链管理有限责任公司", "北京华鑫供应链管理", "有限责任公司", ""),
    ("中国建设银行股份有限公司北京朝阳支行", "中国建设银行北京朝阳", "股份有限公司", "支行"),
    ("北京众合物流有限公司朝阳分公司", "北京众合物流朝阳", "有限公司", "分公司"),
    ("北京博睿金商行", "北京博睿金商行", "", ""),
    ("北京（中关村）科技有限公司", "北京(中关村)科技", "有限公司", ""),
])
def test_company_name(name: str, normalised: str, legal: str, branch: str) -> None:
    c = company_name(name)
    assert (c.normalised, c.legal_form, c.branch) == (normalised, legal, branch)
    assert c.original == name


def test_company_name_variants_share_a_key() -> None:
    assert company_name("北京华鑫供应链管理有限公司").normalised == company_name("北京华鑫供应链管理有限责任公司").normalised


@pytest.mark.parametrize(("name", "out"), [(" 王 璐怡 ", "王璐怡"), ("阿卜杜拉•买买提", "阿卜杜拉·买买提"), ("ＡＢＣ", "ABC")])
def test_normalise_name(name: str, out: str) -> None:
    assert normalise_name(name) == out


@pytest.mark.parametrize(("text", "province", "city", "district", "detail"), [
    ("北京市朝阳区广安路292号院16号楼2单元1904室", "北京市", "北京市", "朝阳区", "广安路292号院16号楼2单元1904室"),
    ("北京朝阳区广安路1号", "北京市", "北京市", "朝阳区", "广安路1号"),
    ("上海市浦东新区世纪大道100号", "上海市", "上海市", "浦东新区", "世纪大道100号"),
    ("浙江省杭州市西湖区文三路1号", "浙江省", "杭州市", "西湖区", "文三路1号"),
    ("广东省深圳市南山区科技园", "广东省", "深圳市", "南山区", "科技园"),
])
def test_split_address(text: str, province: str, city: str, district: str, detail: str) -> None:
    a = split_address(text)
    assert (a.province, a.city, a.district, a.detail) == (province, city, district, detail)
    assert a.text == text


def test_jionlp_runs_offline_when_installed() -> None:
    # jionlp ships its dictionaries in the wheel; the fallback must work with no network
    if jionlp_available():
        assert parse_amount("两千三百万余元").value == pytest.approx(23_000_000.0)
