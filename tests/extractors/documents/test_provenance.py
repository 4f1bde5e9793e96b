"""Provenance, uids, statements and the JSON-lines interface."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from spacy.language import Language

from extractors.documents import EXTRACTOR, extract_file, extract_text, jsonl_lines
from extractors.documents.__main__ import main
from kg.model import load_model
from kg.statement import fold

from .conftest import CAIL

TEXT = ("2016年5月31日，被告人王某某（身份证号：11010519491231002X）将42635元转至张某账户。"
        "被告人王某某担任北京某某商贸有限公司法定代表人，该公司统一社会信用代码91110000600037341L。")


@pytest.mark.parametrize("doc", ["d004", "d015", "d016", "d075", "d098", "d106", "d123", "d135"])
def test_spans_point_at_their_text(nlp: Language, doc: str) -> None:
    res = extract_file(CAIL / f"{doc}.txt", nlp=nlp)
    text = (CAIL / f"{doc}.txt").read_text(encoding="utf-8")
    assert res.entities
    for e in res.entities:
        assert text[e.start:e.end] == e.text
        assert e.sentence[0] <= e.start < e.end <= e.sentence[1]
    for r in res.relations:
        assert 0 <= r.start < r.end <= len(text)
        assert text[slice(*r.source_span)] == r.source and text[slice(*r.target_span)] == r.target
    assert res.sha256 == hashlib.sha256((CAIL / f"{doc}.txt").read_bytes()).hexdigest()
    assert res.source.sha256 == res.sha256 and res.source.source_id == doc


def test_statements_carry_provenance(nlp: Language) -> None:
    res = extract_text(TEXT, "docA", nlp=nlp)
    sts = res.statements()
    assert sts
    for st in sts:
        assert st.prov.source_id == "docA" and st.prov.extractor == EXTRACTOR
        assert st.prov.locator.startswith("chars=")
        a, b = (int(x) for x in st.prov.locator[6:].split("-"))
        assert 0 <= a < b <= len(TEXT)
        assert st.prov.ref == f"docA#{st.prov.locator}@{EXTRACTOR}"
    mention = next(st for st in sts if st.rel == "MENTIONS" and st.prop == "text")
    a, b = (int(x) for x in mention.prov.locator[6:].split("-"))
    assert TEXT[a:b] == mention.value


def test_uids(nlp: Language) -> None:
    res = extract_text(TEXT, "docA", nlp=nlp)
    uids = {st.uid for st in res.statements()} | {st.obj_uid for st in res.statements() if st.obj_uid}
    assert "Person:11010519491231002X" in uids        # ID in the same sentence
    assert "Person:doc:docA:张某" in uids             # masked name, doc-scoped
    assert "Company:91110000600037341L" in uids        # USCC in the same sentence
    assert "Document:docA" in uids
    rels = {(st.rel, st.uid, st.obj_uid) for st in res.statements() if st.rel and st.prop is None}
    # the ID tied to 王某某 in the first sentence identifies every 王某某 of the document
    assert ("LEGAL_REPRESENTATIVE_OF", "Person:11010519491231002X", "Company:91110000600037341L") in rels
    assert any(r == "TRANSFERRED_TO" for r, _, _ in rels)


def test_masked_company_without_code_is_doc_scoped(nlp: Language) -> None:
    res = extract_text("被告人王某担任北京某某商贸有限公司法定代表人。", "docC", nlp=nlp)
    assert "Company:doc:docC:北京某某商贸有限公司" in {st.uid for st in res.statements()}
    res = extract_text("向中国建设银行股份有限公司北京朝阳支行申请贷款。", "docD", nlp=nlp)
    assert "Company:name:中国建设银行股份有限公司北京朝阳支行" in {st.uid for st in res.statements()}


def test_masked_names_scoped_to_their_document(nlp: Language) -> None:
    a = extract_text("被告人张某到案。", "doc1", nlp=nlp)
    b = extract_text("被告人张某到案。", "doc2", nlp=nlp)
    ua = {st.uid for st in a.statements() if st.label == "Person"}
    ub = {st.uid for st in b.statements() if st.label == "Person"}
    assert ua == {"Person:doc:doc1:张某"} and ub == {"Person:doc:doc2:张某"}
    assert ua.isdisjoint(ub)


def test_statements_fit_the_model(nlp: Language) -> None:
    model = load_model()
    text = ("借款人王某某经中介李某介绍，向中国建设银行股份有限公司北京朝阳支行申请贷款，客户经理赵某审批。"
            "被告人王某某将款转至李某账户。被告人刘某持有证号：T110105194912310021的证书。" + TEXT)
    rows = fold(extract_text(text, "docM", nlp=nlp).statements())
    for label, nodes in rows.nodes.items():
        for row in nodes:
            model.encode_properties(label, row["props"])
    for rel_type, items in rows.rels.items():
        rt = model.rel(rel_type)
        for row in items:
            model.encode_properties(rel_type, row["props"])
            start_label = row["start"].split(":", 1)[0]
            end_label = row["end"].split(":", 1)[0]
            assert start_label in rt.from_labels and end_label in rt.to_labels, (rel_type, start_label, end_label)


def test_jsonl_lines(nlp: Language) -> None:
    res = extract_text(TEXT, "docJ", nlp=nlp)
    objs = [json.loads(line) for line in jsonl_lines(res)]
    ents = [o for o in objs if o["kind"] == "entity"]
    rels = [o for o in objs if o["kind"] == "relation"]
    assert len(ents) == len(res.entities) and len(rels) == len(res.relations)
    for o in ents:
        assert {"doc", "label", "text", "value", "start", "end", "valid", "rule"} <= set(o)
        assert TEXT[o["start"]:o["end"]] == o["text"]
    for o in rels:
        assert {"doc", "type", "source", "target", "start", "end", "rule"} <= set(o)


def test_cli_main(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "a.txt"
    good.write_text("被告人张某于2023年10月16日向北京某某商贸有限公司借款人民币300万元。", encoding="utf-8")
    bad = tmp_path / "b.txt"
    bad.write_bytes(b"")
    assert main([str(good), "--jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert {json.loads(x)["label"] for x in lines if json.loads(x)["kind"] == "entity"} == {"PERSON", "DATE", "ORG", "MONEY"}
    assert main([str(good), str(bad), "--jsonl"]) == 1
    captured = capsys.readouterr()
    assert "[extraction_error] b: empty" in captured.err
    assert all(json.loads(x)["doc"] == "a" for x in captured.out.splitlines())


def test_no_personal_data_logged_at_info(nlp: Language, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    with caplog.at_level(logging.INFO):
        extract_text(TEXT, "docL", nlp=nlp)
        list(extract_file(CAIL / "d004.txt", nlp=nlp).statements())
    for rec in caplog.records:
        msg = rec.getMessage()
        assert "王某某" not in msg and "张某" not in msg and "詹某甲" not in msg
