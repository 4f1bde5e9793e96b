"""Valid (and deliberately broken) Chinese identifiers for synthetic scenarios.

Every generator here is deterministic: identifiers come from counters passed
through a bijective affine permutation, so they are unique without a global
"seen" set, and look random.  Check characters are computed here (GB 11643,
GB 32100, GB 11714, Luhn); python-stdnum is used only by the tests to verify them.
"""

from __future__ import annotations

import datetime as _dt
import random

# Beijing district codes that existed for every birth year we generate (>= 1960,
# 房山区 110111 from 1986 in python-stdnum's table, so it is only used for births >= 1986).
DISTRICTS: list[tuple[str, str, int]] = [
    ("110101", "东城区", 1960),
    ("110102", "西城区", 1960),
    ("110105", "朝阳区", 1960),
    ("110106", "丰台区", 1960),
    ("110107", "石景山区", 1960),
    ("110108", "海淀区", 1960),
    ("110109", "门头沟区", 1960),
    ("110111", "房山区", 1986),
]
# Districts used for addresses and company registration (all exist today).
ADDRESS_DISTRICTS: list[tuple[str, str]] = [
    ("110101", "东城区"),
    ("110102", "西城区"),
    ("110105", "朝阳区"),
    ("110106", "丰台区"),
    ("110107", "石景山区"),
    ("110108", "海淀区"),
    ("110109", "门头沟区"),
    ("110111", "房山区"),
    ("110112", "通州区"),
    ("110113", "顺义区"),
    ("110114", "昌平区"),
    ("110115", "大兴区"),
]
DISTRICT_SHORT = {code: name[:-1] for code, name in ADDRESS_DISTRICTS}

_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RIC_CHECK = "10X98765432"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def ric_check(body17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits of an ID number."""
    total = 0
    for ch, w in zip(body17, _RIC_WEIGHTS, strict=False):
        total += (ord(ch) - 48) * w
    return _RIC_CHECK[total % 11]


def uscc_check(body17: str) -> str:
    """Return the GB 32100 check character for the first 17 characters of a USCC."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body17, _USCC_WEIGHTS, strict=False))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check(body8: str) -> str:
    """Return the GB 11714 check character of an 8-character organisation code."""
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=False))
    c = 11 - total % 11
    return "X" if c == 10 else ("0" if c == 11 else str(c))


def luhn_check(body: str) -> str:
    """Return the Luhn check digit to append to ``body``."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = ord(ch) - 48
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def _perm(n: int, modulus: int, mult: int, add: int) -> int:
    """Bijective permutation of ``range(modulus)`` for a power-of-ten modulus.

    Affine step, digit reversal, affine step: each is a bijection, and the reversal
    hides the arithmetic progression an affine map alone leaves in consecutive ids.
    """
    mult = (mult % modulus) | 1
    if mult % 5 == 0:
        mult += 2
    width = len(str(modulus)) - 1
    x = (n * mult + add) % modulus
    x = int(f"{x:0{width}d}"[::-1])
    x = (x * 4_294_967_291 + 12_345) % modulus
    x = int(f"{x:0{width}d}"[::-1])
    return (x * mult + 977) % modulus


class IdFactory:
    """Allocates unique identifiers of every kind from counters.

    One factory serves a whole generation run; the order of calls is fixed by the
    generator, so identifiers are deterministic for a given seed.
    """

    BANK_BINS: dict[str, tuple[str, int]] = {
        "中国工商银行": ("622202", 19),
        "中国建设银行": ("621700", 19),
        "中国农业银行": ("622848", 19),
        "中国银行": ("621661", 19),
        "交通银行": ("622262", 19),
        "招商银行": ("622588", 16),
        "北京银行": ("622163", 16),
        "中国邮政储蓄银行": ("621799", 19),
    }
    PHONE_PREFIXES = (
        "138",
        "139",
        "135",
        "136",
        "137",
        "150",
        "151",
        "152",
        "158",
        "159",
        "182",
        "183",
        "187",
        "188",
        "130",
        "131",
        "132",
        "155",
        "156",
        "185",
        "186",
        "133",
        "153",
        "180",
        "181",
        "189",
        "177",
        "199",
        "166",
        "176",
        "173",
        "191",
        "195",
        "198",
        "147",
        "157",
        "178",
        "134",
    )

    def __init__(self, seed: int) -> None:
        self._ric_counters: dict[tuple[str, int, int], int] = {}
        self._n: dict[str, int] = {}
        # seed-dependent offsets of the permutations
        r = random.Random(seed * 7919 + 17)
        self._off = {
            k: r.randrange(10**12) for k in ("phone", "card", "org", "prop", "loan", "inv", "misc", "fund", "sscard")
        }

    def _next(self, kind: str) -> int:
        n = self._n.get(kind, 0)
        self._n[kind] = n + 1
        return n

    # -- persons ----------------------------------------------------------------------
    def ric(
        self, rng: random.Random, min_year: int = 1960, max_year: int = 2002, male: bool | None = None
    ) -> tuple[str, _dt.date, bool]:
        """Allocate a valid, unique 18-digit ID number.

        Returns
        -------
        tuple
            (id_number, birth_date, male)
        """
        if male is None:
            male = rng.random() < 0.52
        while True:
            year = rng.randint(min_year, max_year)
            code, _name, since = DISTRICTS[rng.randrange(len(DISTRICTS))]
            if year < since:
                continue
            birth = _dt.date(year, 1, 1) + _dt.timedelta(days=rng.randrange(365))
            key = (code, birth.toordinal(), int(male))
            c = self._ric_counters.get(key, 0)
            if c >= 500:
                continue
            self._ric_counters[key] = c + 1
            # spread the order code over 000-999: a bijection of the counter per key
            half = (c * 263 + birth.toordinal() * 31 + int(code)) % 500
            seq = 2 * half + (1 if male else 0)
            body = f"{code}{birth:%Y%m%d}{seq:03d}"
            return body + ric_check(body), birth, male

    # -- companies --------------------------------------------------------------------
    def uscc(self, area: str = "110105", kind: str = "91") -> str:
        """Allocate a valid unique USCC (GB 32100) with a valid embedded org code."""
        n = _perm(self._next("org"), 10**8, 48271, self._off["org"] % 10**8)
        body8 = f"{n:08d}"
        org = body8 + org_code_check(body8)
        body = f"{kind}{area}{org}"
        return body + uscc_check(body)

    # -- accounts and phones ------------------------------------------------------------
    def card(self, bank: str) -> str:
        """Allocate a Luhn-valid card/account number of the bank's BIN and length."""
        bin6, length = self.BANK_BINS.get(bank, ("621226", 19))
        width = length - 7
        n = _perm(self._next("card"), 10**width, 2_147_483_647 % 10**width | 1, self._off["card"])
        body = f"{bin6}{n:0{width}d}"
        return body + luhn_check(body)

    def phone(self) -> str:
        """Allocate a unique mobile number matching ``1[3-9]\\d{9}``."""
        n = self._next("phone")
        pre = self.PHONE_PREFIXES[n % len(self.PHONE_PREFIXES)]
        body = _perm(n // len(self.PHONE_PREFIXES), 10**8, 69069, self._off["phone"] % 10**8)
        return f"{pre}{body:08d}"

    def landline(self) -> str:
        """Allocate a Beijing landline ``010-xxxxxxxx``."""
        n = _perm(self._next("landline"), 10**7, 16807, 1234567)
        return f"010-{6 + n % 3}{n:07d}"

    # -- registries and cases -----------------------------------------------------------
    def property_cert(self, year: int, district_code: str) -> tuple[str, str]:
        """Allocate a 不动产权证号 and 不动产单元号."""
        n = self._next("prop")
        dist = dict(ADDRESS_DISTRICTS)[district_code]
        m = _perm(n, 10**7, 1103515245 % 10**7 | 1, self._off["prop"] % 10**7)
        cert = f"京({year}){dist}不动产权第{m:07d}号"
        unit = f"{district_code}{(m // 1000) % 1000:03d}{m % 1000:03d}GB{n % 100000:05d}F{n % 10**8:08d}"
        return cert, unit

    def mortgage_cert(self, year: int, district_code: str) -> str:
        """Allocate a 不动产登记证明号 for a mortgage."""
        n = self._next("mort")
        dist = dict(ADDRESS_DISTRICTS)[district_code]
        return f"京({year}){dist}不动产证明第{_perm(n, 10**7, 7777771, 31337):07d}号"

    def loan_contract(self, bank_code: str, year: int) -> str:
        """Allocate a 贷款合同号."""
        n = _perm(self._next("loan"), 10**8, 1664525 | 1, self._off["loan"] % 10**8)
        return f"{bank_code}{year}JK{n:08d}"

    def counter(self, kind: str) -> int:
        """Next value of a named counter (1-based), e.g. for case numbers."""
        return self._next(kind) + 1

    def invoice(self, year: int) -> tuple[str, str]:
        """Allocate a VAT special invoice (发票代码 10 digits, 发票号码 8 digits)."""
        n = self._next("inv")
        code = f"1100{year % 100:02d}{3130 + (n // 10**6) % 10:04d}"
        num = _perm(n, 10**8, 40692, self._off["inv"] % 10**8)
        return code, f"{num:08d}"

    def fund_account(self) -> str:
        """Allocate a 住房公积金个人账号."""
        n = _perm(self._next("fund"), 10**11, 3141592653, self._off["fund"] % 10**11)
        return f"1{n:011d}"

    def ss_card(self) -> str:
        """Allocate a 社会保障卡号 (Beijing style, 9 chars)."""
        n = _perm(self._next("sscard"), 10**8, 2718281, self._off["sscard"] % 10**8)
        return f"B{n:08d}"

    def serial(self, prefix: str, width: int = 12) -> str:
        """Allocate a unique serial with a prefix, e.g. 交易流水号."""
        n = _perm(
            self._next("serial:" + prefix),
            10**width,
            6364136223846793005 % 10**width | 1,
            self._off["misc"] % 10**width,
        )
        return f"{prefix}{n:0{width}d}"


def looks_valid_uscc(value: str) -> bool:
    """True if ``value`` passes the GB 32100 format and check-character test."""
    return (
        len(value) == 18
        and value[:8].isdigit()
        and all(c in USCC_ALPHABET for c in value[8:])
        and uscc_check(value[:17]) == value[17]
    )


# -- deliberately broken identifiers -------------------------------------------------
def break_ric(value: str, rng: random.Random) -> tuple[str, str]:
    """Return an invalid variant of a valid ID number and the kind of damage."""
    choice = rng.randrange(3)
    if choice == 0:  # wrong check digit
        good = value[-1]
        bad = rng.choice([c for c in "0123456789X" if c != good])
        return value[:-1] + bad, "bad_checksum"
    if choice == 1:  # impossible birth date (month 13), check digit recomputed
        body = value[:10] + "13" + value[12:17]
        return body + ric_check(body), "bad_birth_date"
    return value[:-2] + value[-1], "bad_length"  # dropped a digit


def break_uscc(value: str, rng: random.Random) -> tuple[str, str]:
    """Return an invalid variant of a valid USCC and the kind of damage."""
    good = value[-1]
    if rng.random() < 0.7:
        bad = rng.choice([c for c in USCC_ALPHABET if c != good])
        return value[:-1] + bad, "bad_checksum"
    return value[:10] + "I" + value[11:], "bad_character"  # I is not in the alphabet


def break_luhn(value: str, rng: random.Random) -> tuple[str, str]:
    """Return a Luhn-invalid variant of a card number."""
    d = int(value[-1])
    return value[:-1] + str((d + 1 + rng.randrange(8)) % 10), "bad_checksum"


def mask_ric(value: str, style: int = 0) -> str:
    """Mask an ID number as documents do (110105********1234 / 110105XXXXXXXX123X)."""
    if style == 0:
        return value[:6] + "*" * 8 + value[-4:]
    if style == 1:
        return value[:6] + "XXXXXXXX" + value[-4:]
    return value[:4] + "**********" + value[-4:]


def mask_card(value: str, style: int = 0) -> str:
    """Mask a card number (6222 **** **** 1234 / 622202*********1234)."""
    if style == 0:
        return value[:4] + " **** **** " + value[-4:]
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
