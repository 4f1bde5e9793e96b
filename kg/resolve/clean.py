"""Cleaning of names, amounts, dates and addresses as agencies write them.

Every function keeps the original text available to the caller and returns a value
normalised for matching or for storage:

* :func:`normalise_name` — person names (full-width, spaces, middle dots);
* :func:`company_name` — 有限公司 / 有限责任公司 / 股份有限公司 / 分公司 / 支行 ... taken off
  for a matching key, original kept;
* :func:`parse_amount` — 人民币300万元, 2.3亿余元, 1,500,000元, 叁佰万元 -> numbers
  (cn2an for Chinese numerals, jionlp as a fallback when it is installed);
* :func:`parse_date` / :func:`parse_datetime` — 2023年10月16日, 2023.10.16, 2023/10/16,
  20231016 -> ISO;
* :func:`split_address` — province / city / district split of a Chinese address.

Fast paths are regular expressions; jionlp (offline, but slow to load and to run) is
only called for text the fast paths cannot read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = [
    "Amount", "CompanyName", "AddressParts", "company_name", "normalise_name", "normalise_text",
    "parse_amount", "parse_date", "parse_datetime", "split_address", "jionlp_available",
]


def normalise_text(value: object) -> str:
    """NFKC (full-width to half-width), collapsed whitespace, stripped.

    >>> normalise_text("  北京　ABC（中国）  ")
    '北京 ABC(中国)'
    """
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return re.sub(r"\s+", " ", text).strip()


def normalise_name(value: object) -> str:
    """A person's name for matching: NFKC, no spaces, one kind of middle dot.

    >>> normalise_name(" 王 璐怡 "), normalise_name("阿卜杜拉·买买提")
    ('王璐怡', '阿卜杜拉·买买提')
    """
    text = normalise_text(value)
    text = re.sub(r"[\u00b7\u2022\u2027\u30fb\uff65.．]", "·", text)
    return re.sub(r"\s+", "", text)


# longest first, so 股份有限公司 wins over 有限公司
_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "股份公司", "合伙企业(有限合伙)",
                "(有限合伙)", "(普通合伙)", "个体工商户", "集团公司", "公司")
_BRANCH_SUFFIXES = ("分公司", "营业部", "分理处", "支行", "分行", "分店", "门店")


@dataclass(frozen=True)
class CompanyName:
    """A company name split for matching.

    Attributes
    ----------
    original : str
        As written.
    normalised : str
        The matching key: NFKC, brackets unified, legal forms and branch suffixes removed
        (``中国建设银行股份有限公司北京朝阳支行`` -> ``中国建设银行北京朝阳``).
    legal_form : str
        The first legal form found (``有限公司``...), or ``""``.
    branch : str
        The branch suffix (``支行``, ``分公司``...), or ``""``.
    """

    original: str
    normalised: str
    legal_form: str
    branch: str


def company_name(value: object) -> CompanyName:
    """Split a company name into a matching key, its legal form and its branch suffix.

    Examples
    --------
    >>> company_name("北京华鑫供应链管理有限责任公司").normalised
    '北京华鑫供应链管理'
    >>> c = company_name("中国建设银行股份有限公司北京朝阳支行")
    >>> c.normalised, c.legal_form, c.branch
    ('中国建设银行北京朝阳', '股份有限公司', '支行')
    """
    original = "" if value is None else str(value)
    text = re.sub(r"\s+", "", normalise_text(original))
    branch = ""
    for suf in _BRANCH_SUFFIXES:
        if text.endswith(suf) and len(text) > len(suf):
            branch = suf
            text = text[: -len(suf)]
            break
    legal = ""
    for form in _LEGAL_FORMS:
        idx = text.find(form)
        if idx > 0:
            legal = legal or form
            text = text[:idx] + text[idx + len(form):]
    return CompanyName(original, text, legal, branch)


# -- amounts ------------------------------------------------------------------------
@dataclass(frozen=True)
class Amount:
    """A money amount read from text.

    ``value`` is in 元 (``None`` when the text is not an amount); ``approx`` is true for
    余 / 多 / 约 (the lower bound is returned); ``original`` is the text as written.
    """

    original: str
    value: float | None
    approx: bool = False


_UNITS = {"亿": 1e8, "万": 1e4, "千": 1e3, "百": 1e2}
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億点"
# only text made of these goes to the (slow) jionlp fallback: "#VALUE!" never does
_MONEY_CHARS = re.compile(r"^[0-9零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億点.,，余多约元圆块整左右人民币美港]+$")
_AMOUNT_RE = re.compile(
    r"^(?P<num>[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?)\s*(?P<unit>亿|万|千|百)?\s*(?P<approx>余|多)?\s*(?P<ccy>元|圆|块)?$")


def _cn_number(text: str) -> float | None:
    import cn2an

    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def parse_amount(value: Any, unit: float = 1.0) -> Amount:
    """Read an amount in 元 from text such as agencies and judgments write it.

    Parameters
    ----------
    value : Any
        The cell: a number, or text like ``人民币300万元``, ``2.3亿余元``,
        ``1,500,000元``, ``叁佰万元``, ``¥1,000.00``.
    unit : float
        Multiplier for bare numbers of a column in another unit (``10000`` for a
        ``(万元)`` column). Ignored when the text names its own unit.

    Examples
    --------
    >>> parse_amount("人民币300万元").value, parse_amount("2.3亿余元")
    (3000000.0, Amount(original='2.3亿余元', value=230000000.0, approx=True))
    >>> parse_amount("1,500,000元").value, parse_amount("叁佰万元").value
    (1500000.0, 3000000.0)
    >>> parse_amount("#VALUE!").value is None
    True
    """
    if isinstance(value, bool):
        return Amount(str(value), None)
    if isinstance(value, (int, float)):
        return Amount(str(value), float(value) * unit)
    original = "" if value is None else str(value)
    text = normalise_text(original).replace(" ", "")
    text = re.sub(r"^(人民币|RMB|CNY|¥|￥)", "", text, flags=re.I)
    text = re.sub(r"(整|正)$", "", text)
    text = re.sub(r"^约", "", text)
    if not text:
        return Amount(original, None)
    m = _AMOUNT_RE.match(text)
    if m:
        num = float(m.group("num").replace(",", ""))
        scale = _UNITS[m.group("unit")] if m.group("unit") else (1.0 if m.group("ccy") else unit)
        return Amount(original, round(num * scale, 2), bool(m.group("approx")))
    approx = "余" in text or "多" in text
    core = re.sub(r"(余|多)", "", text)
    core = re.sub(r"(元|圆|块)$", "", core)
    if core and all(ch in _CN_DIGITS or ch.isdigit() or ch == "." for ch in core):
        n = _cn_number(core)
        if n is not None:
            return Amount(original, round(n, 2), approx)
    parsed = _jionlp_money(original) if _MONEY_CHARS.match(text) else None
    if parsed is not None:
        return Amount(original, parsed[0], parsed[1] or approx)
    return Amount(original, None)


# -- dates --------------------------------------------------------------------------
_DATE_RE = re.compile(
    r"^(?P<y>\d{4})\s*(?:年|-|/|\.)\s*(?P<m>\d{1,2})\s*(?:月|-|/|\.)\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]?(?P<H>\d{1,2})(?::|时)(?P<M>\d{1,2})(?:(?::|分)(?P<S>\d{1,2})(?:\.\d+)?秒?)?)?\s*$")
_COMPACT_DATE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")


def _match_date(text: str) -> re.Match[str] | None:
    return _DATE_RE.match(text) or _COMPACT_DATE.match(text)


def parse_datetime(value: Any) -> dt.datetime | None:
    """Read a date or date-time; ``None`` when it is not a real one (``0000-00-00``).

    >>> parse_datetime("2023年10月16日 14:05")
    datetime.datetime(2023, 10, 16, 14, 5)
    >>> parse_datetime("2023-02-30") is None
    True
    """
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    text = normalise_text(value)
    if not text:
        return None
    m = _match_date(text)
    if m is None:
        jt = _jionlp_time(text)
        return jt
    g = m.groupdict()
    try:
        return dt.datetime(int(g["y"]), int(g["m"]), int(g["d"]), int(g.get("H") or 0), int(g.get("M") or 0),
                           int(g.get("S") or 0))
    except ValueError:
        return None


def parse_date(value: Any) -> str | None:
    """ISO date (``YYYY-MM-DD``) of 2023年10月16日, 2023.10.16, 2023/10/16, 20231016...

    Examples
    --------
    >>> [parse_date(s) for s in ("2023年10月16日", "2023.10.16", "2023/10/16", "2023-1-6")]
    ['2023-10-16', '2023-10-16', '2023-10-16', '2023-01-06']
    >>> parse_date("0000-00-00") is None
    True
    """
    d = parse_datetime(value)
    return d.date().isoformat() if d is not None else None


# -- addresses ----------------------------------------------------------------------
_MUNICIPALITIES = ("北京", "上海", "天津", "重庆")
_ADDR_RE = re.compile(
    r"^(?P<province>(?:[^省市]{2,7}?(?:省|自治区|特别行政区))|(?:北京|上海|天津|重庆)市?)?"
    r"(?P<city>[^省区县]{1,12}?(?:自治州|地区|盟|市))?"
    r"(?P<district>[^省市]{1,10}?(?:自治县|区|县|旗|市))?"
    r"(?P<detail>.*)$")


@dataclass(frozen=True)
class AddressParts:
    """An address split into province / city / district and the rest."""

    text: str
    normalised: str
    province: str | None
    city: str | None
    district: str | None
    detail: str


def split_address(value: object) -> AddressParts:
    """Split a Chinese address; municipalities (北京/上海/天津/重庆) are province and city.

    ``normalised`` (the Address node key) is NFKC text without spaces, with the
    municipality written out (``朝阳区...`` stays as written: no district is guessed).

    Examples
    --------
    >>> a = split_address("北京市朝阳区广安路292号院16号楼2单元1904室")
    >>> a.province, a.city, a.district, a.detail
    ('北京市', '北京市', '朝阳区', '广安路292号院16号楼2单元1904室')
    >>> split_address("浙江省杭州市西湖区文三路1号").city
    '杭州市'
    """
    text = "" if value is None else str(value)
    norm = re.sub(r"\s+", "", normalise_text(text))
    province = city = district = None
    rest = norm
    muni = next((m for m in _MUNICIPALITIES if norm.startswith(m)), None)
    if muni:
        province = city = f"{muni}市"
        rest = norm[len(muni):]
        if rest.startswith("市"):
            rest = rest[1:]
        m = re.match(r"^(?P<d>[^区县]{1,8}?(?:区|县))(?P<rest>.*)$", rest)
        if m:
            district, rest = m.group("d"), m.group("rest")
    else:
        m = _ADDR_RE.match(norm)
        if m and (m.group("province") or m.group("city")):
            province, city, district = m.group("province"), m.group("city"), m.group("district")
            rest = m.group("detail")
        elif norm:
            loc = _jionlp_location(norm)
            if loc:
                province, city, district = loc.get("province"), loc.get("city"), loc.get("county")
                rest = loc.get("detail") or rest
    return AddressParts(text, norm, province or None, city or None, district or None, rest)


# -- optional jionlp fallbacks --------------------------------------------------------
@lru_cache(maxsize=1)
def _jionlp() -> Any:
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # jionlp prints a banner on import
            import jionlp
    except Exception:  # pragma: no cover - optional dependency absent or broken
        return None
    return jionlp


def jionlp_available() -> bool:
    """Whether jionlp imports (it runs offline: its dictionaries ship in the wheel)."""
    return _jionlp() is not None


def _jionlp_money(text: str) -> tuple[float, bool] | None:
    jio = _jionlp()
    if jio is None:
        return None
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            res = jio.parse_money(text)
    except Exception:
        return None
    if not isinstance(res, dict) or res.get("case") not in ("元", None):
        return None
    num = res.get("num")
    if isinstance(num, list):
        return float(num[0]), True
    if num is None:
        return None
    try:
        return float(num), res.get("definition") == "blur"
    except (TypeError, ValueError):
        return None


def _jionlp_time(text: str) -> dt.datetime | None:
    if not re.search(r"\d|[〇零一二三四五六七八九十]", text):
        return None
    jio = _jionlp()
    if jio is None:
        return None
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            res = jio.parse_time(text, time_base=dt.datetime(2000, 1, 1))
    except Exception:
        return None
    if isinstance(res, dict) and res.get("type") == "time_point" and res.get("definition") == "accurate":
        try:
            return dt.datetime.fromisoformat(res["time"][0])
        except (KeyError, ValueError, TypeError):
            return None
    return None


def _jionlp_location(text: str) -> dict[str, Any] | None:
    jio = _jionlp()
    if jio is None:
        return None
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            res = jio.parse_location(text)
    except Exception:
        return None
    return res if isinstance(res, dict) else None
