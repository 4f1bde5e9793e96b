"""Validation of the identifiers that decide deterministic merges.

* 居民身份证号 (GB 11643) through :mod:`stdnum.cn.ric`: length, check character,
  a real birth date, and an area code that existed at the birth date.
* 统一社会信用代码 (GB 32100) through :mod:`stdnum.cn.uscc`.
* Bank card numbers through :mod:`stdnum.luhn` (16 to 19 digits).
* Phone numbers: mainland mobiles ``1[3-9]\\d{9}`` and landlines ``0\\d{2,3}-?\\d{7,8}``.

An invalid identifier is never fixed or dropped: every check returns the value as
written, its normalised form and ``valid`` with a reason, so the extractor can keep it
and flag it (``id_valid`` / ``uscc_valid`` / ``luhn_valid = false``).

Nothing here logs values (they are personal data).

>>> check_ric("110105197503214268").valid
True
>>> check_ric("110105197503214269").reason
'checksum'
>>> check_uscc("91110101203052564F").valid
True
>>> classify_party("91110101203052564F").label
'Company'
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from stdnum import luhn
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

__all__ = [
    "IdCheck", "PartyCheck", "PhoneCheck", "check_card", "check_ric", "check_uscc", "check_phone",
    "classify_party", "compact", "RIC_TYPES", "USCC_TYPES",
]

#: values of a 证件类型 column that announce a 居民身份证号 / a 统一社会信用代码
RIC_TYPES = frozenset({"居民身份证", "身份证", "居民身份证号", "身份证号", "ric", "id_card"})
USCC_TYPES = frozenset({"统一社会信用代码", "营业执照", "uscc"})

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def compact(value: object) -> str:
    """Full-width to half-width (NFKC), no spaces or dashes inside, upper case.

    >>> compact(" １１０１０５ 1975-0321 426x ")
    '11010519750321426X'
    """
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return re.sub(r"[\s\-]+", "", text).upper()


@dataclass(frozen=True)
class IdCheck:
    """The outcome of one identifier check.

    Attributes
    ----------
    original : str
        The value as written in the source.
    value : str
        The normalised value (see :func:`compact`); the merge key when ``valid``.
    valid : bool
        Whether the value passes every check of its scheme.
    reason : str
        ``""`` when valid, else ``length``, ``format``, ``checksum``, ``birth_date``,
        ``area_code`` or ``empty``.
    scheme : str
        ``cn.ric``, ``cn.uscc`` or ``luhn``.
    """

    original: str
    value: str
    valid: bool
    reason: str
    scheme: str
    birth_date: dt.date | None = None
    gender: str | None = None


def _reason(exc: ValidationError) -> str:
    if isinstance(exc, InvalidLength):
        return "length"
    if isinstance(exc, InvalidChecksum):
        return "checksum"
    if isinstance(exc, InvalidComponent):
        return "component"
    if isinstance(exc, InvalidFormat):
        return "format"
    return "invalid"


def check_ric(value: object) -> IdCheck:
    """Check a 居民身份证号 (18 characters, GB 11643) with :mod:`stdnum.cn.ric`.

    The birth date must be a real date and the area code must have existed at it
    (``110112`` 通州区 dates from 1997). Reasons: ``empty``, ``length``, ``format``,
    ``checksum``, ``birth_date``, ``area_code``.

    Examples
    --------
    >>> check_ric("110105197503214268").birth_date
    datetime.date(1975, 3, 21)
    >>> check_ric("11010519750321426").reason
    'length'
    """
    original = "" if value is None else str(value)
    v = compact(original)
    if not v:
        return IdCheck(original, v, False, "empty", "cn.ric")
    if len(v) != 18:
        return IdCheck(original, v, False, "length", "cn.ric")
    if not re.fullmatch(r"\d{17}[\dX]", v):
        return IdCheck(original, v, False, "format", "cn.ric")
    try:
        birth = ric.get_birth_date(v)
    except ValidationError:
        return IdCheck(original, v, False, "birth_date", "cn.ric")
    if birth > dt.date.today() or birth.year < 1880:
        return IdCheck(original, v, False, "birth_date", "cn.ric", birth)
    try:
        ric.validate(v)
    except InvalidChecksum:
        return IdCheck(original, v, False, "checksum", "cn.ric", birth)
    except InvalidComponent:
        # stdnum raises InvalidComponent for a birth date in the future and for an
        # area code unknown at the birth date
        reason = "birth_date" if birth > dt.date.today() else "area_code"
        return IdCheck(original, v, False, reason, "cn.ric", birth)
    except ValidationError as exc:
        return IdCheck(original, v, False, _reason(exc), "cn.ric", birth)
    gender = "男" if int(v[16]) % 2 == 1 else "女"
    return IdCheck(original, v, True, "", "cn.ric", birth, gender)


def check_uscc(value: object) -> IdCheck:
    """Check a 统一社会信用代码 (GB 32100) with :mod:`stdnum.cn.uscc`.

    >>> check_uscc("91110101203052564E").reason
    'checksum'
    """
    original = "" if value is None else str(value)
    v = compact(original)
    if not v:
        return IdCheck(original, v, False, "empty", "cn.uscc")
    try:
        uscc.validate(v)
    except ValidationError as exc:
        return IdCheck(original, v, False, _reason(exc), "cn.uscc")
    return IdCheck(original, v, True, "", "cn.uscc")


def check_card(value: object) -> IdCheck:
    """Check a bank card number: 16 to 19 digits passing the Luhn check.

    >>> check_card("6225880934451841").valid, check_card("6225880934451844").reason
    (True, 'checksum')
    """
    original = "" if value is None else str(value)
    v = compact(original)
    if not v:
        return IdCheck(original, v, False, "empty", "luhn")
    if not v.isdigit():
        return IdCheck(original, v, False, "format", "luhn")
    if not 16 <= len(v) <= 19:
        return IdCheck(original, v, False, "length", "luhn")
    if not luhn.is_valid(v):
        return IdCheck(original, v, False, "checksum", "luhn")
    return IdCheck(original, v, True, "", "luhn")


@dataclass(frozen=True)
class PartyCheck:
    """A party identifier that may be a person's or a company's.

    ``label`` is ``Person`` or ``Company`` when the value (or the declared type) says
    which, else ``None``. ``conflict`` is true when a declared type contradicts a
    value that is valid under the other scheme: such a key never merges on its own.
    """

    label: str | None
    check: IdCheck
    conflict: bool = False


def classify_party(value: object, declared_type: object = None) -> PartyCheck:
    """Decide whether a 证件号码 names a person (身份证) or a company (USCC) and check it.

    Parameters
    ----------
    value : object
        The identifier as written.
    declared_type : object, optional
        The 证件类型 column, when the source has one.

    Examples
    --------
    >>> classify_party("110105197503214268").label
    'Person'
    >>> classify_party("110105197503214268", "统一社会信用代码").conflict
    True
    """
    declared = compact(declared_type) if declared_type not in (None, "") else ""
    declared_label = ("Person" if declared in {compact(t) for t in RIC_TYPES}
                      else "Company" if declared in {compact(t) for t in USCC_TYPES} else None)
    r = check_ric(value)
    if r.valid:
        return PartyCheck("Person", r, declared_label == "Company")
    u = check_uscc(value)
    if u.valid:
        return PartyCheck("Company", u, declared_label == "Person")
    if declared_label == "Person":
        return PartyCheck("Person", r)
    if declared_label == "Company":
        return PartyCheck("Company", u)
    v = r.value
    # invalid under both: guess by shape (digits with an X check char = ID card)
    if re.fullmatch(r"\d{15,18}X?", v) and not re.search(r"[A-WYZ]", v):
        return PartyCheck("Person", r)
    if re.fullmatch(r"[0-9A-Z]{17,19}", v):
        return PartyCheck("Company", u)
    return PartyCheck(None, r)


@dataclass(frozen=True)
class PhoneCheck:
    """A phone number: normalised digits, ``mobile`` / ``landline`` / ``unknown``."""

    original: str
    number: str
    kind: str
    valid: bool


def check_phone(value: object) -> PhoneCheck:
    """Normalise and classify a phone number (``+86``/``0086`` prefixes are dropped).

    >>> check_phone("+86 176-6102-3137")
    PhoneCheck(original='+86 176-6102-3137', number='17661023137', kind='mobile', valid=True)
    >>> check_phone("010-69504270").kind
    'landline'
    """
    original = "" if value is None else str(value)
    text = unicodedata.normalize("NFKC", original).strip()
    text = re.sub(r"[\s()（）]", "", text)
    text = re.sub(r"^(\+86|0086)-?", "", text)
    digits = text.replace("-", "")
    if _MOBILE.match(digits):
        return PhoneCheck(original, digits, "mobile", True)
    if _LANDLINE.match(text) or _LANDLINE.match(digits):
        # keep the area code apart: 010-69504270
        m = re.match(r"^(010|02\d|0\d{3})-?(\d{7,8})$", text) or re.match(r"^(010|02\d|0\d{3})(\d{7,8})$", digits)
        number = f"{m.group(1)}-{m.group(2)}" if m else digits
        return PhoneCheck(original, number, "landline", True)
    return PhoneCheck(original, digits, "unknown", False)
