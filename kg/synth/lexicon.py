"""Chinese names, company names, addresses, amounts and dates for synthetic data."""

from __future__ import annotations

import datetime as _dt
import hashlib
import random

from kg.synth.ids import ADDRESS_DISTRICTS

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# weights decay so that 王/李/张 dominate as in real populations
_SURNAME_WEIGHTS = [1.0 / (i + 3) ** 0.9 for i in range(len(SURNAMES))]
GIVEN_M = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建国志峰东海亮成文博"
GIVEN_F = "芳娜敏静丽艳娟霞秀玲桂英燕萍红月琳丹洁雪莉慧婷倩颖晶欣怡佳琪雅婧璐楠梅兰凤"
# homophone / look-alike typos seen in hand-keyed records
TYPO = {
    "伟": "玮",
    "强": "墙",
    "磊": "垒",
    "军": "君",
    "杰": "洁",
    "涛": "滔",
    "斌": "彬",
    "明": "铭",
    "华": "化",
    "飞": "菲",
    "波": "博",
    "浩": "皓",
    "俊": "骏",
    "林": "琳",
    "阳": "扬",
    "峰": "锋",
    "芳": "方",
    "娜": "那",
    "敏": "民",
    "静": "靖",
    "丽": "利",
    "艳": "燕",
    "娟": "鹃",
    "玲": "铃",
    "英": "瑛",
    "红": "虹",
    "琳": "林",
    "丹": "单",
    "洁": "杰",
    "雪": "学",
    "慧": "惠",
    "婷": "亭",
    "张": "章",
    "王": "汪",
    "李": "季",
    "刘": "柳",
    "陈": "程",
    "杨": "扬",
    "黄": "王",
    "徐": "许",
}

ROADS = (
    "建国路",
    "朝阳路",
    "光华路",
    "幸福大街",
    "和平街",
    "团结路",
    "长安街",
    "永安路",
    "新华大街",
    "育新街",
    "文化路",
    "学院路",
    "科技园路",
    "民主路",
    "胜利街",
    "平安里大街",
    "友谊路",
    "振兴路",
    "复兴路",
    "广安路",
    "安定路",
    "康庄路",
    "前进路",
    "迎宾路",
    "景泰路",
    "兴华大街",
    "花园路",
)
TRADE_WORDS = (
    "华鑫",
    "恒通",
    "盛达",
    "金汇",
    "鼎盛",
    "宏远",
    "博睿",
    "瑞丰",
    "嘉禾",
    "天成",
    "中泰",
    "东方",
    "安泰",
    "信诚",
    "汇丰源",
    "永利",
    "佳业",
    "新锐",
    "德润",
    "众合",
    "广源",
    "聚宝",
    "锦程",
    "隆兴",
    "亿达",
    "腾跃",
    "华夏",
    "睿思",
    "京华",
    "卓越",
    "顺祥",
    "同创",
    "泰和",
    "百川",
    "长青",
    "明德",
    "开元",
    "云帆",
    "启航",
    "融通",
    "丰瑞",
    "利民",
    "海纳",
    "九州",
    "兴业达",
    "正元",
    "晟世",
    "思远",
    "弘毅",
    "凯盛",
)
INDUSTRIES = (
    "科技",
    "商贸",
    "建筑工程",
    "物流",
    "餐饮管理",
    "文化传媒",
    "信息技术",
    "贸易",
    "装饰工程",
    "咨询",
    "电子商务",
    "供应链管理",
    "机械设备",
    "医药",
    "环保科技",
)


def sub_seed(seed: int, *parts: object) -> int:
    """Derive a deterministic 64-bit sub-seed from a seed and labels (never ``hash()``)."""
    h = hashlib.sha256((f"{seed}|" + "|".join(str(p) for p in parts)).encode("utf-8"))
    return int.from_bytes(h.digest()[:8], "big")


def stream(seed: int, *parts: object) -> random.Random:
    """Return an independent ``random.Random`` for one generator stream."""
    return random.Random(sub_seed(seed, *parts))


def person_name(rng: random.Random, male: bool) -> str:
    """A plausible Chinese full name (1-char surname, 1-2 char given name)."""
    sur = rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    pool = GIVEN_M if male else GIVEN_F
    if rng.random() < 0.3:
        return sur + pool[rng.randrange(len(pool))]
    return sur + pool[rng.randrange(len(pool))] + pool[rng.randrange(len(pool))]


def typo_name(name: str, rng: random.Random) -> str:
    """Return a variant with one homophone / look-alike character swapped, if possible."""
    idx = [i for i, ch in enumerate(name) if ch in TYPO]
    if not idx:
        return name
    i = idx[rng.randrange(len(idx))]
    return name[:i] + TYPO[name[i]] + name[i + 1 :]


def company_name(rng: random.Random, industry: str | None = None, suffix: str = "有限公司") -> str:
    """A Beijing company name, e.g. 北京华鑫科技有限公司."""
    ind = industry or INDUSTRIES[rng.randrange(len(INDUSTRIES))]
    word = TRADE_WORDS[rng.randrange(len(TRADE_WORDS))]
    word2 = TRADE_WORDS[rng.randrange(len(TRADE_WORDS))][:1] if rng.random() < 0.5 else ""
    return f"北京{word}{word2}{ind}{suffix}"


_CORE_SUFFIXES = ("有限责任公司", "股份有限公司", "有限公司", "公司")


def company_name_core(name: str) -> str:
    """The part of a company name that identifies it, as :func:`company_variant` keeps it:
    without the 北京 / （北京） region and the 有限公司-type suffix.

    >>> company_name_core("九州商务咨询（北京）有限公司") == company_name_core("北京九州商务咨询有限责任公司")
    True
    """
    core = name.replace("（北京）", "").replace("(北京)", "")
    if core.startswith("北京") and not core.startswith("北京市"):
        core = core[2:]
    for suf in _CORE_SUFFIXES:
        if core.endswith(suf):
            return core[: -len(suf)]
    return core


def unique_company_name(name: str, taken: set[str]) -> str:
    """``name``, or a deterministic variant of it whose :func:`company_name_core` is not in
    ``taken`` (which it is then added to). Names registered in one city are unique in
    reality; the vocabulary of :func:`company_name` repeats at tens of thousands of
    companies. A generated ``北京<字号><行业>有限公司`` gets one or two more 字号
    characters after 北京 (their order drawn from the name's hash, not from a generator
    stream, so the other rows of a scenario do not change); other names (hospitals, bank
    branches) get 第二, 第三 ... before their last two characters.

    >>> taken: set[str] = set()
    >>> unique_company_name("北京海纳大药房有限公司", taken)
    '北京海纳大药房有限公司'
    >>> unique_company_name("海纳大药房（北京）有限公司", taken) != "海纳大药房（北京）有限公司"
    True
    """
    if company_name_core(name) not in taken:
        taken.add(company_name_core(name))
        return name
    if name.startswith("北京") and not name.startswith(("北京市", "北京银行")):
        chars = sorted({w[0] for w in TRADE_WORDS}, key=lambda ch: sub_seed(0, name, ch))
        cands = [f"北京{a}{name[2:]}" for a in chars] + [f"北京{a}{b}{name[2:]}" for a in chars for b in chars]
    else:
        nums = "二三四五六七八九十"
        cands = [f"{name[:-2]}第{n}{name[-2:]}" for n in nums] + [
            f"{name[:-2]}第{a}十{b}{name[-2:]}" for a in nums[:-1] for b in nums[:-1]]
    for cand in cands:
        core = company_name_core(cand)
        if core not in taken:
            taken.add(core)
            return cand
    raise ValueError(f"no unique variant left for company name {name!r}")


def company_variant(name: str, rng: random.Random) -> str:
    """A suffix/ordering variant of a company name as other agencies write it."""
    c = rng.randrange(4)
    if c == 0 and name.endswith("有限公司") and not name.endswith("有限责任公司"):
        return name[:-4] + "有限责任公司"
    if c == 1 and name.startswith("北京"):
        return name[2:]
    if c == 2 and name.startswith("北京") and name.endswith("有限公司"):
        core = name[2:-4]
        return f"{core}（北京）有限公司"
    if name.endswith("有限责任公司"):
        return name[:-6] + "有限公司"
    return name.replace("有限公司", "公司") if rng.random() < 0.5 else name


def address(rng: random.Random, district: tuple[str, str] | None = None) -> tuple[str, str]:
    """A Beijing street address; returns (district_code, address)."""
    code, dist = district or ADDRESS_DISTRICTS[rng.randrange(len(ADDRESS_DISTRICTS))]
    road = ROADS[rng.randrange(len(ROADS))]
    if rng.random() < 0.6:
        return code, (
            f"北京市{dist}{road}{rng.randint(1, 399)}号院{rng.randint(1, 30)}号楼"
            f"{rng.randint(1, 6)}单元{rng.randint(1, 28)}{rng.randint(1, 4):02d}室"
        )
    return code, f"北京市{dist}{road}{rng.randint(1, 399)}号{rng.randint(1, 20)}层{rng.randint(101, 2399)}"


# -- amounts ------------------------------------------------------------------------
def fmt_amount_zh(amount: float, rng: random.Random) -> str:
    """Write an amount the ways Chinese documents do (人民币300万元, 1,500,000元, 2.3亿余元)."""
    a = round(amount, 2)
    c = rng.randrange(5)
    if c == 0 and a >= 10000:
        wan = a / 10000
        if abs(wan - round(wan)) < 1e-9:
            return f"人民币{int(round(wan))}万元"
        return f"人民币{wan:.2f}".rstrip("0").rstrip(".") + "万元"
    if c == 1:
        if a == int(a):
            return f"{int(a):,}元"
        return f"{a:,.2f}元"
    if c == 2 and a >= 10000:
        return f"{int(a // 10000)}万余元" if a % 10000 else f"{int(a // 10000)}万元"
    if c == 3:
        return f"人民币{a:.2f}元"
    return f"{int(a)}元" if a == int(a) else f"{a:.2f}元"


def fmt_date_zh(d: _dt.date, rng: random.Random) -> str:
    """Write a date as documents do: 2023年10月16日 / 2023.10.16 / 2023-10-16."""
    c = rng.randrange(6)
    if c <= 2:
        return f"{d.year}年{d.month}月{d.day}日"
    if c == 3:
        return f"{d.year}.{d.month:02d}.{d.day:02d}"
    if c == 4:
        return d.isoformat()
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def rand_date(rng: random.Random, start: _dt.date, end: _dt.date) -> _dt.date:
    """A uniform date in [start, end]."""
    return start + _dt.timedelta(days=rng.randrange((end - start).days + 1))


def rand_time(rng: random.Random, d: _dt.date, lo_h: int = 8, hi_h: int = 21) -> _dt.datetime:
    """A datetime on day ``d`` between ``lo_h`` and ``hi_h`` o'clock."""
    return _dt.datetime(d.year, d.month, d.day) + _dt.timedelta(seconds=rng.randrange(lo_h * 3600, hi_h * 3600))


class Masker:
    """Per-document masking of personal names (张某, 王某某, 李XX, 何2某) kept consistent."""

    def __init__(self, rng: random.Random) -> None:
        self.style = rng.randrange(3)
        self._map: dict[str, str] = {}
        self._used: set[str] = set()

    def name(self, real: str) -> str:
        """Return the masked form of ``real`` in this document."""
        if real in self._map:
            return self._map[real]
        sur = real[0]
        if self.style == 0:
            cands = [sur + "某", sur + "某某"] + [f"{sur}{i}某" for i in range(1, 20)]
        elif self.style == 1:
            cands = [sur + "某某", sur + "某"] + [f"{sur}某{i}" for i in range(1, 20)]
        else:
            cands = [sur + "XX", sur + "X"] + [f"{sur}X{i}" for i in range(1, 20)]
        for c in cands:
            if c not in self._used:
                self._used.add(c)
                self._map[real] = c
                return c
        raise RuntimeError("too many masked names with one surname")
