"""Streaming readers: encodings, delimiters, XLSX, JSON lines, and whole-file refusals."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from extractors.records.readers import detect_encoding, inspect_file, read_header, read_rows
from kg.errors import ExtractionError


def test_gbk_file_of_the_scenario_is_detected(scenario: Path, manifest: dict[str, Any]) -> None:
    gbk = [f for f, m in manifest["files"].items() if m.get("encoding", "").lower() in ("gbk", "gb18030")]
    assert gbk, "the generator writes one GBK file"
    for rel in gbk:
        info = inspect_file(scenario / rel)
        assert info.encoding == "gb18030"
        assert read_header(info) == manifest["files"][rel]["columns"]
        rows = list(read_rows(info))
        assert len(rows) == manifest["files"][rel]["rows"]


def test_every_scenario_file_reads_with_manifest_row_counts(scenario: Path, manifest: dict[str, Any]) -> None:
    for rel, meta in manifest["files"].items():
        if not rel.startswith("records/"):
            continue
        info = inspect_file(scenario / rel)
        assert read_header(info) == meta["columns"], rel
        rows = list(read_rows(info))
        assert [r.row for r in rows] == list(range(1, meta["rows"] + 1)), rel


@pytest.mark.parametrize(("delim", "suffix"), [(",", ".csv"), ("\t", ".tsv"), ("|", ".csv"), (";", ".csv")])
def test_csv_delimiters(tmp_path: Path, delim: str, suffix: str) -> None:
    p = tmp_path / f"x{suffix}"
    p.write_text(delim.join(["账号", "户名"]) + "\n" + delim.join(["6225880934451841", "王璐怡"]) + "\n",
                 encoding="utf-8")
    info = inspect_file(p)
    assert info.delimiter == delim
    assert [r.values for r in read_rows(info)] == [{"账号": "6225880934451841", "户名": "王璐怡"}]


def test_utf8_bom_and_gb18030_rare_characters(tmp_path: Path) -> None:
    p = tmp_path / "bom.csv"
    p.write_bytes("\ufeff姓名,身份证号\n李四,110105197503214268\n".encode())
    info = inspect_file(p)
    assert read_header(info) == ["姓名", "身份证号"]
    q = tmp_path / "gb.csv"
    q.write_bytes(("姓名,备注\n" + "\n".join(f"王䶮{i},北京市朝阳区" for i in range(50)) + "\n").encode("gb18030"))
    info = inspect_file(q)
    assert info.encoding == "gb18030"
    assert next(iter(read_rows(info))).values == {"姓名": "王䶮0", "备注": "北京市朝阳区"}


def test_detect_encoding_utf8_cut_inside_a_character() -> None:
    data = "统一社会信用代码".encode()
    assert detect_encoding(data[:-1]) == "utf-8"


def test_malformed_rows_come_back_with_reasons(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text("a,b,c\n1,2,3\n1,2\n4,5,6\n", encoding="utf-8")
    rows = list(read_rows(inspect_file(p)))
    assert [(r.row, r.values is None) for r in rows] == [(1, False), (2, True), (3, False)]
    assert "expected 3 fields" in rows[1].reason
    j = tmp_path / "bad.jsonl"
    j.write_text('{"a": 1}\n{"a": \n[1, 2]\n{"a": 3}\n', encoding="utf-8")
    rows = list(read_rows(inspect_file(j)))
    assert [(r.row, r.values) for r in rows] == [(1, {"a": 1}), (2, None), (3, None), (4, {"a": 3})]
    assert rows[1].offset == len('{"a": 1}\n')


@pytest.mark.parametrize(("name", "content", "rule"), [
    ("empty.csv", b"", "empty"),
    ("binary.csv", b"PK\x03\x04\x00\x00\x08\x00garbage\x00\x01\x02", "binary"),
    ("binary.jsonl", b"\x00\x01\x02\x03" * 100, "binary"),
])
def test_whole_file_refusals(tmp_path: Path, name: str, content: bytes, rule: str) -> None:
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(ExtractionError) as exc:
        inspect_file(p)
    assert exc.value.details["rule"] == rule


def test_undecodable_after_the_sample_reports_the_offset(tmp_path: Path) -> None:
    p = tmp_path / "gbk.csv"
    body = ("姓名,住所\n" + "".join(f"张三{i},北京市朝阳区广安路{i}号\n" for i in range(4000))).encode("gbk")
    assert len(body) > 1 << 16
    p.write_bytes(body + b"\xff\xfe,\xff\n")
    with pytest.raises(ExtractionError) as exc:
        inspect_file(p)
    assert exc.value.details["rule"] == "decode"
    assert exc.value.details["offset"] == len(body)


def test_truncated_xlsx_is_refused(scenario: Path, tmp_path: Path) -> None:
    src = scenario / "records" / "bank_loans.xlsx"
    data = src.read_bytes()
    p = tmp_path / "bank_loans.xlsx"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(ExtractionError) as exc:
        inspect_file(p)
    assert exc.value.details["rule"] == "xlsx"
    ok = tmp_path / "ok.xlsx"
    shutil.copy(src, ok)
    assert inspect_file(ok).fmt == "xlsx"
