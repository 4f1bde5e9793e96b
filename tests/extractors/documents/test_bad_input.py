"""Bad documents raise ExtractionError with a reason (the caller quarantines them)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from spacy.language import Language

from extractors.documents import extract_file, extract_text
from kg.errors import ExtractionError


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"   \n\t  \n", "empty"),
    ("\ufeff".encode("utf-8") + b"\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)), "binary"),
    (os.urandom(0) + bytes([0x80, 0x81, 0xFE, 0xFF, 0x90, 0x91]) * 50, "undecodable"),
    (b"\x01\x02\x03\x04\x05\x06\x07\x08abc\x0e\x0f\x10\x11\x12\x13\x14", "binary"),
])
def test_bad_file(tmp_path: Path, nlp: Language, data: bytes, reason: str) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(data)
    with pytest.raises(ExtractionError) as exc:
        extract_file(p, nlp=nlp)
    assert exc.value.details["reason"] == reason
    assert exc.value.details["doc"] == "bad"
    assert exc.value.code == "extraction_error"


@pytest.mark.parametrize("text,reason", [("", "empty"), ("  \n ", "empty"), ("abc\x00def", "binary")])
def test_bad_text(nlp: Language, text: str, reason: str) -> None:
    with pytest.raises(ExtractionError) as exc:
        extract_text(text, "t", nlp=nlp)
    assert exc.value.details["reason"] == reason


def test_missing_file(tmp_path: Path, nlp: Language) -> None:
    with pytest.raises(ExtractionError) as exc:
        extract_file(tmp_path / "nope.txt", nlp=nlp)
    assert exc.value.details["reason"] == "unreadable"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_other_encodings_decode(tmp_path: Path, nlp: Language, encoding: str) -> None:
    text = "惠州市惠阳区人民检察院指控，被告人詹某甲于2015年7月22日将150份假发票卖给刘某，获利人民币3000元。"
    p = tmp_path / "gb.txt"
    p.write_bytes(text.encode(encoding))
    res = extract_file(p, nlp=nlp)
    assert res.text == text
    assert ("SUPPLIED_TO", "詹某甲", "刘某") in {(r.type, r.source, r.target) for r in res.relations}
