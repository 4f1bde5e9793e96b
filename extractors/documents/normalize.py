"""Normalisers and validators for the values the document extractor finds.

Money goes through jionlp's ``parse_money`` (offline, rule based) with a small
cn2an-based fallback; dates become ISO strings; identifiers are checked with
python-stdnum (``cn.ric``, ``cn.uscc``, ``luhn``).

Examples
--------
>>> parse_money("人民币300万元")
(3000000.0, False)
>>> parse_money("2.3亿余元")
(230000000.0, True)
>>> parse_date("二〇二三年十月十六日")
('2023-10-16', True)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import re
from functools import lru_cache
from typing import Any

import cn2an
from stdnum import luhn

from kg.resolve.identifiers import check_ric, check_uscc

log = logging.getLogger(__name__)

_CN_DIGITS = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖拾佰仟十百千万亿"
_UNIT = {"亿": 100_000_000, "万": 10_000, "千": 1_000, "仟": 1_000, "百": 100, "佰": 100}
_MASK = "某"


@lru_cache(maxsize=1)
def _jionlp() -> Any:
    """Import jionlp once, swallowing the banner it prints on import."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            import jionlp  # type: ignore[import-untyped]
    except Exception:  # pragma: no cover - jionlp is a soft dependency
        log.warning("jionlp unavailable; using the built-in money parser")
        return None
    return jionlp


def _clean_money(text: str) -> tuple[str, bool]:
    """Strip currency words and masking artefacts; report whether 余 (approximate) occurs."""
    t = text.replace("人民币", "").replace("，", ",").replace(" ", "").strip()
    approx = "余" in t or "多" in t
    # masking artefact of the source: 万元 -> 万某
    t = re.sub(r"(?<=[万亿千仟])某$", "元", t)
    if not t.endswith("元") and not t.endswith("块"):
        t += "元"
    return t, approx


def _own_money(t: str) -> float:
    """Built-in parser for ``t`` (cleaned, ending in 元): digits, Chinese numerals, units."""
    core = t.rstrip("元块").replace("余", "").replace("多", "").replace(",", "")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([万亿千仟百佰]*)", core)
    if m:
        value = float(m.group(1))
        for ch in m.group(2):
            value *= _UNIT[ch]
        return value
    if core and all(c in _CN_DIGITS for c in core):
        return float(cn2an.cn2an(core.replace("〇", "零"), "smart"))
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([\u4e00-\u9fff]+)", core)
    if m and all(c in _CN_DIGITS for c in m.group(2)):
        return float(cn2an.cn2an(core, "smart"))
    raise ValueError("unparsable amount")


def parse_money(text: str) -> tuple[float | None, bool]:
    """Normalise a money mention to yuan.

    Parameters
    ----------
    text:
        The mention as written (``人民币300万元``, ``2.3亿余元``, ``1,500,000元``,
        ``叁佰万元``, ``25万某``).

    Returns
    -------
    tuple
        ``(value, approximate)``; ``value`` is ``None`` when the text cannot be read,
        ``approximate`` is true for 余/多 (the value is then the lower bound).

    Examples
    --------
    >>> parse_money("1,500,000元")
    (1500000.0, False)
    >>> parse_money("叁佰万元")
    (3000000.0, False)
    """
    t, approx = _clean_money(text)
    jio = _jionlp()
    if jio is not None:
        try:
            res = jio.parse_money(t)
            num = res["num"]
            if isinstance(num, list):
                return float(num[0]), True
            return float(num), approx
        except Exception:
            log.debug("jionlp could not parse an amount; falling back")
    try:
        return _own_money(t), approx
    except (ValueError, TypeError):
        return None, approx


_CN_YEAR = str.maketrans("〇零一二三四五六七八九", "00123456789")


def _cn_small(s: str) -> int:
    """Read a Chinese month/day numeral (一..三十一)."""
    if s.isdigit():
        return int(s)
    return int(cn2an.cn2an(s, "smart"))


def parse_date(text: str) -> tuple[str | None, bool]:
    """Normalise a date mention to ISO (``YYYY-MM-DD``, or ``YYYY-MM`` without a day).

    Parameters
    ----------
    text:
        ``2023年10月16日``, ``2023.10.16``, ``2023-10-16``, ``二〇二三年十月十六日``, ``2015年6月``.

    Returns
    -------
    tuple
        ``(iso, valid)``; ``valid`` is false for impossible dates (2023年2月30日), in which
        case ``iso`` is ``None``.

    Examples
    --------
    >>> parse_date("2023.10.16")
    ('2023-10-16', True)
    >>> parse_date("2015年6月")
    ('2015-06', True)
    """
    m = re.fullmatch(r"(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]?\s*(?:(\d{1,2})\s*[日号]?)?", text)
    try:
        if m:
            y, mo, d = int(m.group(1)), int(m.group(2)), m.group(3)
            day = int(d) if d else None
        else:
            m2 = re.fullmatch(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月(?:([一二三四五六七八九十]{1,3})[日号])?", text)
            if not m2:
                return None, False
            y = int(m2.group(1).translate(_CN_YEAR))
            mo = _cn_small(m2.group(2))
            day = _cn_small(m2.group(3)) if m2.group(3) else None
        if day is None:
            if not 1 <= mo <= 12:
                return None, False
            return f"{y:04d}-{mo:02d}", True
        return dt.date(y, mo, day).isoformat(), True
    except (ValueError, TypeError):
        return None, False


_MASK_CHARS = set("*＊×XxＸ")


def is_masked(number: str) -> bool:
    """True when an identifier is partly replaced by ``*``, ``×`` or ``X`` (beyond an ID check char)."""
    body = number[:-1] if len(number) == 18 and number[-1] in "Xx" and number[:-1].isdigit() else number
    return any(c in _MASK_CHARS for c in body)


def validate_ric(number: str) -> dict[str, Any]:
    """Validate an 18-character resident ID number (GB 11643: check digit, real birth
    date, area code existing at the birth date) with :func:`kg.resolve.identifiers.check_ric`,
    the one implementation the record extractors use too.

    Returns a dict with ``valid`` and, when valid, ``birth_date`` (ISO) and ``gender``
    (``M``/``F``); ``reason`` names the failed check (never the number itself).

    Examples
    --------
    >>> validate_ric("11010519491231002X")["valid"]
    True
    """
    chk = check_ric(number)
    if not chk.valid:
        return {"valid": False, "reason": chk.reason}
    assert chk.birth_date is not None
    return {"valid": True, "birth_date": chk.birth_date.isoformat(), "gender": "M" if chk.gender == "男" else "F"}


def validate_uscc(number: str) -> bool:
    """Check a unified social credit code (GB 32100): :func:`kg.resolve.identifiers.check_uscc`."""
    return check_uscc(number).valid


def validate_card(number: str) -> bool:
    """Luhn check of a 12-19 digit card number (``stdnum.luhn``); masked numbers are not valid."""
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return False
    return luhn.is_valid(number)


def validate_phone(number: str) -> bool:
    """Mobile ``1[3-9]\\d{9}`` or landline ``0\\d{2,3}-?\\d{7,8}``."""
    n = number.replace(" ", "")
    return bool(re.fullmatch(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}", n))
