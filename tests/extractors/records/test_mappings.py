"""The packaged record mappings: validity, detection of every generated source, extraction rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from extractors.ingest import main
from extractors.records.mapping import _parse_mapping, load_mappings, mapping_for
from extractors.records.readers import inspect_file, read_header
from kg.errors import ModelError
from kg.model import load_model
from kg.statement import Provenance

AMLSIM = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "amlsim" / "20K_cycle200"


def test_every_generated_source_has_one_mapping_by_name_and_by_header(scenario: Path,
                                                                     manifest: dict[str, Any]) -> None:
    names = set()
    for rel in manifest["files"]:
        if not rel.startswith("records/"):
            continue
        p = scenario / rel
        header = read_header(inspect_file(p))
        by_name_and_header = mapping_for(p.name, header)
        by_header_only = mapping_for("renamed_export" + p.suffix, header)
        assert by_name_and_header is not None, rel
        assert by_header_only is not None and by_header_only.name == by_name_and_header.name, rel
        names.add(by_name_and_header.name)
    assert len(names) == len([f for f in manifest["files"] if f.startswith("records/")])


def test_amlsim_files_are_detected() -> None:
    for fname, expected in (("nodes.csv", "amlsim_accounts"), ("transactions.csv", "amlsim_transactions")):
        header = read_header(inspect_file(AMLSIM / fname))
        m = mapping_for(fname, header)
        assert m is not None and m.name == expected


def test_unknown_header_has_no_mapping() -> None:
    assert mapping_for("x.csv", ["foo", "bar"]) is None


@pytest.mark.parametrize(("patch", "message"), [
    ({"entities": {"a": {"label": "Nope", "key": {"column": "x"}}}}, "unknown label"),
    ({"entities": {"a": {"label": "Person", "key": {"id": "ric", "column": "x"}, "properties": {"nope": "y"}}}},
     "unknown property"),
    ({"entities": {"a": {"label": "Person", "key": {"id": "what", "column": "x"}}}}, "unknown key id kind"),
    ({"relationships": [{"type": "OWNS", "from": "a", "to": "b"}]}, "not an entity"),
])
def test_bad_mappings_fail_fast(patch: dict[str, Any], message: str) -> None:
    doc: dict[str, Any] = {"kind": "record_mapping", "name": "t", "title": {"zh": "测试", "en": "test"},
                           "entities": {"a": {"label": "Person", "key": {"id": "ric", "column": "x"}}}}
    doc.update(patch)
    with pytest.raises(ModelError, match=message):
        _parse_mapping(doc, "t.yaml", load_model())


def test_yaml_on_key_is_not_a_boolean() -> None:
    # YAML 1.1 reads a bare `on:` as True: the mappings quote it; a bare one fails fast
    doc = yaml.safe_load('kind: record_mapping\nname: t\ntitle: {zh: 测, en: t}\nentities:\n'
                         '  a: {label: LoanAccount, key: {column: x}}\n  b: {label: Person, key: {id: employee, column: y}}\n'
                         'relationships:\n  - {type: APPROVED_BY, from: a, to: b, properties: {on: z}}\n')
    with pytest.raises(ModelError):
        _parse_mapping(doc, "t.yaml", load_model())


def _extract(mapping: str, values: dict[str, Any]) -> Any:
    m = load_mappings()[mapping]
    return m.extract(values, Provenance("t/x.csv", "row=1", m.extractor))


def test_valid_identifiers_merge_and_invalid_ones_stay_on_their_row() -> None:
    row = {"账号": "6225880934451841", "户名": "王璐怡", "证件类型": "居民身份证", "证件号码": "110105197503214268",
           "开户银行": "北京银行", "开户网点": "北京银行北京大兴支行", "开户日期": "2012年8月6日", "账户状态": "正常",
           "预留手机号": "176 6102 3137"}
    res = _extract("bank_accounts", row)
    assert res.error is None and not res.issues
    uids = {(s.label, s.uid) for s in res.statements if s.rel is None}
    assert ("Person", "Person:110105197503214268") in uids
    assert ("BankAccount", "BankAccount:6225880934451841") in uids
    assert ("Phone", "Phone:17661023137") in uids
    props = {(s.uid, s.prop): s.value for s in res.statements if s.prop}
    assert props[("BankAccount:6225880934451841", "create_time")] == "2012-08-06 00:00:00"
    assert props[("Person:110105197503214268", "id_valid")] is True

    bad = dict(row, 证件号码="110105197503214269", 账号="6225880934451844")
    res = _extract("bank_accounts", bad)
    nodes = {s.label: s.uid for s in res.statements if s.rel is None}
    assert nodes["Person"] == "Person:unverified:t/x.csv#row=1:holder"
    assert nodes["BankAccount"] == "BankAccount:unverified:t/x.csv#row=1:account"
    props = {(s.label, s.prop): s.value for s in res.statements if s.prop}
    assert props[("Person", "id_number")] == "110105197503214269"  # kept, never fixed
    assert props[("Person", "id_valid")] is False
    assert props[("BankAccount", "luhn_valid")] is False
    assert {i.rule for i in res.issues} == {"id.cn.ric", "id.luhn"}

    conflict = dict(row, 证件类型="统一社会信用代码")
    res = _extract("bank_accounts", conflict)
    person = next(s for s in res.statements if s.label == "Person" and s.rel is None)
    assert ":unverified:" in person.uid


def test_unreadable_values_are_left_out_and_required_keys_refuse_the_row() -> None:
    row = {"交易流水号": "T1", "付款账号": "6225880934451841", "付款户名": "甲", "收款账号": "6228480005369059356",
           "收款户名": "乙", "交易金额": "#VALUE!", "交易时间": "2021-01-01 19:07:15", "交易渠道": "网银", "摘要": ""}
    res = _extract("bank_transfers", row)
    assert res.error is None
    rel = [s for s in res.statements if s.rel == "TRANSFERRED_TO"]
    assert {s.rid for s in rel} == {"TRANSFERRED_TO:T1"}
    assert "amount" not in {s.prop for s in rel}
    assert [(i.column, i.rule) for i in res.issues] == [("交易金额", "value.amount")]
    res = _extract("bank_transfers", dict(row, 付款账号=""))
    assert res.error is not None and res.statements == [] and res.rule == "row.key"


def test_company_names_and_registered_capital() -> None:
    row = {"统一社会信用代码": "91110101203052564F", "企业名称": "北京华鑫供应链管理有限责任公司", "企业类型": "有限责任公司",
           "法定代表人": "刘欣英", "法定代表人证件号码": "110105197503214268", "注册资本(万元)": "500.00",
           "住所": "北京市顺义区长安街275号8层800", "联系电话": "010-69504270", "成立日期": "2001.12.31", "登记代理人": "",
           "登记代理人证件号码": "", "经营范围": "", "登记状态": "存续", "登记机关": "北京市顺义区市场监督管理局"}
    res = _extract("business_registry", row)
    props = {(s.uid, s.prop): s.value for s in res.statements if s.prop}
    c = "Company:91110101203052564F"
    assert props[(c, "name")] == "北京华鑫供应链管理有限责任公司"
    assert props[(c, "name_normalised")] == "北京华鑫供应链管理"
    assert props[(c, "registered_capital")] == 5_000_000.0
    assert props[(c, "registered_on")] == "2001-12-31"
    addr = "Address:北京市顺义区长安街275号8层800"
    assert props[(addr, "district")] == "顺义区"
    rels = {(s.rel, s.uid, s.obj_uid) for s in res.statements if s.rel and not s.prop}
    assert ("LEGAL_REPRESENTATIVE_OF", "Person:110105197503214268", c) in rels
    assert ("REGISTERED_BY", c, None) not in rels  # no agent on this row


def test_cli_lists_mappings_and_ingests(tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-mappings"]) == 0
    assert "bank_accounts" in capsys.readouterr().out
    code = main([str(scenario / "records" / "cert_registry.csv"), "--store", f"falkordb://{tmp_path / 'g'}",
                 "--dataset", "cli", "--no-progress", "--quarantine", str(tmp_path / "q.jsonl")])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["files"] == 1 and out["records_read"] > 0 and out["entities"] > 0
    assert main(["/no/such/file.csv", "--store", f"falkordb://{tmp_path / 'g'}", "--no-progress"]) == 2
