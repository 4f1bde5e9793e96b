"""Table-driven tests of identifier validation (kg.resolve.identifiers)."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.resolve.identifiers import check_card, check_phone, check_ric, check_uscc, classify_party, compact


@pytest.mark.parametrize(("value", "valid", "reason"), [
    ("110105197503214268", True, ""),
    ("  110105197503214268 ", True, ""),                 # spaces around
    ("１１０１０５１９７５０３２１４２６８", True, ""),      # full-width digits
    ("11010520300101001x", False, "birth_date"),         # lower-case x, born in the future
    ("110112199801010012", True, ""),                    # 通州区 code after 1997: fine
    ("110105197503214269", False, "checksum"),
    ("11010519750321426", False, "length"),
    ("1101051975032142688", False, "length"),
    ("11010519750321426A", False, "format"),
    ("110105199902300015", False, "birth_date"),         # 30 February
    ("110112197001010015", False, "area_code"),          # 通州区 did not exist in 1970
    ("999999198001010011", False, "area_code"),          # no such area
    ("", False, "empty"),
    (None, False, "empty"),
])
def test_check_ric(value: object, valid: bool, reason: str) -> None:
    chk = check_ric(value)
    assert chk.valid is valid
    assert chk.reason == reason
    assert chk.original == ("" if value is None else value)  # kept as written, never fixed


def test_ric_birth_date_and_gender() -> None:
    chk = check_ric("110105197503214268")
    assert chk.birth_date == dt.date(1975, 3, 21)
    assert chk.gender == "女"


@pytest.mark.parametrize(("value", "valid", "reason"), [
    ("91110101203052564F", True, ""),
    ("91110101203052564f", True, ""),
    ("91110101203052564E", False, "checksum"),
    ("9111010120305256", False, "length"),
    ("9111010120305256IF", False, "format"),   # I is not in the GB 32100 charset
    ("", False, "empty"),
])
def test_check_uscc(value: str, valid: bool, reason: str) -> None:
    chk = check_uscc(value)
    assert (chk.valid, chk.reason) == (valid, reason)


@pytest.mark.parametrize(("value", "valid", "reason"), [
    ("6225880934451841", True, ""),
    ("6225 8809 3445 1841", True, ""),
    ("6225880934451844", False, "checksum"),
    ("6228480005369059356", True, ""),
    ("622588093445184", False, "length"),
    ("62258809344518411234", False, "length"),
    ("6225X80934451841", False, "format"),
])
def test_check_card(value: str, valid: bool, reason: str) -> None:
    chk = check_card(value)
    assert (chk.valid, chk.reason) == (valid, reason)


@pytest.mark.parametrize(("value", "declared", "label", "valid", "conflict"), [
    ("110105197503214268", None, "Person", True, False),
    ("91110101203052564F", None, "Company", True, False),
    ("110105197503214268", "居民身份证", "Person", True, False),
    ("110105197503214268", "统一社会信用代码", "Person", True, True),   # declared type contradicts the value
    ("91110101203052564F", "居民身份证", "Company", True, True),
    ("11010519750321426", None, "Person", False, False),               # truncated ID: still a person
    ("91110101203052564E", None, "Company", False, False),
    ("91110101203052564E", "统一社会信用代码", "Company", False, False),
    ("abc", None, None, False, False),
])
def test_classify_party(value: str, declared: str | None, label: str | None, valid: bool, conflict: bool) -> None:
    pc = classify_party(value, declared)
    assert pc.label == label
    assert pc.check.valid is valid
    assert pc.conflict is conflict


@pytest.mark.parametrize(("value", "number", "kind", "valid"), [
    ("17661023137", "17661023137", "mobile", True),
    ("+86 176 6102 3137", "17661023137", "mobile", True),
    ("0086-17661023137", "17661023137", "mobile", True),
    ("010-69504270", "010-69504270", "landline", True),
    ("01069504270", "010-69504270", "landline", True),
    ("0571-8888888", "0571-8888888", "landline", True),
    ("12345", "12345", "unknown", False),
    ("1206102313", "1206102313", "unknown", False),
])
def test_check_phone(value: str, number: str, kind: str, valid: bool) -> None:
    ph = check_phone(value)
    assert (ph.number, ph.kind, ph.valid) == (number, kind, valid)


def test_compact() -> None:
    assert compact(" ９１１１ 0101-203052564f ") == "91110101203052564F"
