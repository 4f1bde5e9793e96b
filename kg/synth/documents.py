"""Chinese case documents (起诉书, 判决书, 询问笔录, 银行流水) with mention spans.

A :class:`Doc` is built piece by piece; every entity mention records its character
span, so the ground truth can say exactly where a person, company, account, amount
or date appears.  A configurable share of documents is masked as real published
documents are (张某, 王某某, 李XX; 110105********1234; 6222 **** **** 1234).
"""

from __future__ import annotations

import datetime as _dt
import math
import random
from typing import TYPE_CHECKING, Any

from kg.synth import ids as idmod
from kg.synth import lexicon as lx

if TYPE_CHECKING:
    from kg.synth.world import Company, Person, World

PROCURATORATES = {
    "110101": "东城",
    "110102": "西城",
    "110105": "朝阳",
    "110106": "丰台",
    "110107": "石景山",
    "110108": "海淀",
    "110109": "门头沟",
    "110111": "房山",
    "110112": "通州",
    "110113": "顺义",
    "110114": "昌平",
    "110115": "大兴",
}
COURT_CODE = {
    "110101": "0101",
    "110102": "0102",
    "110105": "0105",
    "110106": "0106",
    "110107": "0107",
    "110108": "0108",
    "110109": "0109",
    "110111": "0111",
    "110112": "0112",
    "110113": "0113",
    "110114": "0114",
    "110115": "0115",
}


class Doc:
    """A document under construction with recorded mention spans."""

    def __init__(self, world: World, kind: str, rng: random.Random) -> None:
        world.doc_count += 1
        n = world.doc_count
        share = world.mask_share
        self.masked = math.floor(n * share) - math.floor((n - 1) * share) == 1
        if self.masked:
            world.doc_masked += 1
        self.world = world
        self.kind = kind
        self.rng = rng
        self.id = f"DOC{n:06d}"
        self.parts: list[str] = []
        self.pos = 0
        self.mentions: list[dict[str, Any]] = []
        self.masker = lx.Masker(rng) if self.masked else None
        self.mask_style = rng.randrange(2)

    # -- building blocks --------------------------------------------------------------
    def t(self, text: str) -> Doc:
        """Append plain text."""
        self.parts.append(text)
        self.pos += len(text)
        return self

    def _m(self, surface: str, label: str, eid: str, **extra: Any) -> Doc:
        start = self.pos
        self.t(surface)
        m = {"doc": self.id, "start": start, "end": self.pos, "text": surface, "label": label, "id": eid}
        m.update(extra)
        self.mentions.append(m)
        return self

    def person(self, p: Person) -> Doc:
        """Mention a person by (possibly masked) name."""
        if self.masker is not None:
            return self._m(self.masker.name(p.name), "Person", p.pid, masked=True)
        return self._m(p.name, "Person", p.pid, masked=False)

    def pid(self, p: Person) -> Doc:
        """Mention a person's ID number (masked in masked documents)."""
        if self.masked:
            return self._m(idmod.mask_ric(p.pid, self.mask_style), "Person", p.pid, masked=True, field="身份证号")
        return self._m(p.pid, "Person", p.pid, masked=False, field="身份证号")

    def company(self, c: Company, variant: bool = False) -> Doc:
        """Mention a company by name (optionally a suffix variant)."""
        name = lx.company_variant(c.name, self.rng) if variant else c.name
        if name != c.name:
            self.world.add_variant("Company", c.uscc, name)
        return self._m(name, "Company", c.uscc, masked=False)

    def org(self, name: str, label: str, eid: str) -> Doc:
        """Mention an organisation or object given by name and id."""
        return self._m(name, label, eid, masked=False)

    def account(self, acct: str) -> Doc:
        """Mention an account / card number (masked in masked documents)."""
        if self.masked:
            return self._m(idmod.mask_card(acct, self.mask_style), "BankAccount", acct, masked=True)
        return self._m(acct, "BankAccount", acct, masked=False)

    def amount(self, value: float) -> Doc:
        """Mention an amount written the Chinese way."""
        return self._m(lx.fmt_amount_zh(value, self.rng), "Amount", f"{value:.2f}", value=value)

    def date(self, d: _dt.date) -> Doc:
        """Mention a date in one of the documents' formats."""
        return self._m(lx.fmt_date_zh(d, self.rng), "Date", d.isoformat())

    def ref(self, surface: str, label: str, eid: str) -> Doc:
        """Mention an identifier-bearing object (loan contract, property, case)."""
        return self._m(surface, label, eid, masked=False)

    def pick(self, *options: str) -> str:
        """Choose one phrasing."""
        return options[self.rng.randrange(len(options))]

    def save(self, ring_id: str | None = None) -> str:
        """Write the text and its mentions; returns the document id."""
        w = self.world
        text = "".join(self.parts)
        (w.out / "documents" / f"{self.id}.txt").write_text(text, encoding="utf-8", newline="\n")
        for m in self.mentions:
            w.w_mentions.write(m)
            if m["label"] in ("Person", "Company"):
                try:
                    ident = w.identity(m["label"], m["id"])
                except KeyError:
                    continue
                ident.add(
                    {
                        "doc": self.id,
                        "start": m["start"],
                        "end": m["end"],
                        "text": m["text"],
                        "masked": m.get("masked", False),
                    }
                )
        w.w_docs.write(
            {
                "doc_id": self.id,
                "path": f"documents/{self.id}.txt",
                "type": self.kind,
                "masked": self.masked,
                "chars": len(text),
                "mentions": len(self.mentions),
                "ring_id": ring_id,
            }
        )
        return self.id


PROC_ABBR = {
    "110101": "东",
    "110102": "西",
    "110105": "朝",
    "110106": "丰",
    "110107": "石",
    "110108": "海",
    "110109": "门",
    "110111": "房",
    "110112": "通",
    "110113": "顺",
    "110114": "昌",
    "110115": "兴",
}


_CN = "零一二三四五六七八九"


def cn_num(n: int) -> str:
    """Small integers in Chinese numerals (3 -> 三, 12 -> 十二, 36 -> 三十六)."""
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")


def _term(months: int) -> str:
    y, m = divmod(months, 12)
    return (f"{cn_num(y)}年" if y else "") + (f"{cn_num(m)}个月" if m else "")


def _proc(district: str) -> str:
    return f"北京市{PROCURATORATES.get(district, '朝阳')}区人民检察院"


def _court(district: str) -> str:
    return f"北京市{PROCURATORATES.get(district, '朝阳')}区人民法院"


def _bio(d: Doc, p: Person, role: str = "被告人") -> None:
    """被告人张某，男，1980年1月1日出生，公民身份号码……，住……。"""
    d.t(role).person(p).t("，" + ("男" if p.male else "女") + "，")
    d.t(f"{p.birth.year}年{p.birth.month}月{p.birth.day}日出生，")
    d.t(d.pick("公民身份号码", "身份证号码", "居民身份证号码")).pid(p).t("，")
    if d.masked:
        d.t(f"住北京市{idmod.DISTRICT_SHORT[p.district]}区。")
    else:
        d.t("住" + p.address + "。")


# -- 起诉书: broker + insider loan ring -------------------------------------------------
def indictment_loan_ring(
    world: World,
    rng: random.Random,
    case_no: str,
    when: _dt.date,
    broker: Person,
    agency: Company,
    officer: Person,
    bank_branch: Company,
    loans: list[dict[str, Any]],
    kickback_total: float,
) -> Doc:
    """An indictment for 骗取贷款 / 违法发放贷款 by an intermediary and a loan officer."""
    d = Doc(world, "起诉书", rng)
    proc = _proc(agency.district)
    d.t(f"{proc}\n起 诉 书\n").ref(case_no, "CriminalCase", case_no).t("\n\n")
    _bio(d, broker)
    d.t("系").company(agency, variant=rng.random() < 0.4).t("实际控制人。\n")
    _bio(d, officer)
    d.t("案发前系").company(bank_branch).t(d.pick("客户经理。\n", "个人金融部客户经理。\n"))
    d.t(d.pick("本案由北京市公安局经济犯罪侦查总队侦查终结，以被告人", "本案由公安机关侦查终结，以被告人"))
    d.person(broker).t("涉嫌骗取贷款罪、被告人").person(officer).t(
        "涉嫌违法发放贷款罪、非国家工作人员受贿罪，移送本院审查起诉。\n"
    )
    d.t("经依法审查查明：\n")
    first = min(x["approved"] for x in loans)
    last = max(x["approved"] for x in loans)
    d.date(first).t("至").date(last).t("期间，被告人").person(broker)
    d.t(d.pick("以", "通过")).company(agency).t(
        d.pick(
            "名义，招揽无实际经营的人员，为其注册空壳公司、伪造经营流水和购销合同，",
            "对外宣传“低息经营贷”，组织他人以新设公司名义申请经营贷款，",
        )
    )
    d.t("并与被告人").person(officer).t(d.pick("事先通谋，", "相互勾结，"))
    d.t("由").person(officer).t("在明知借款企业无真实经营的情况下违规审批放款。具体如下：\n")
    for i, x in enumerate(sorted(loans, key=lambda x: x["approved"]), 1):
        d.t(f"{i}. ").date(x["approved"]).t("，借款人").person(x["borrower"]).t("以")
        d.company(x["company"], variant=rng.random() < 0.3).t("名义申请经营贷款，贷款合同号")
        d.ref(x["contract"], "LoanAccount", x["contract"]).t("，获批放款").amount(x["amount"]).t("。\n")
    total = sum(x["amount"] for x in loans)
    d.t("上述贷款共计").amount(total).t(d.pick("，", "。其中")).t("被告人").person(officer)
    d.t(d.pick("先后收受", "非法收受")).person(broker).t("给予的“好处费”共计").amount(kickback_total)
    d.t("。\n")
    d.t(
        d.pick(
            "认定上述事实的证据如下：借款合同、银行流水、证人证言、被告人供述和辩解等。\n",
            "上述事实，有书证、证人证言、被告人的供述与辩解、电子数据等证据证实，足以认定。\n",
        )
    )
    d.t("本院认为，被告人").person(broker).t(
        "以欺骗手段取得银行贷款，给银行造成重大损失，其行为触犯了《中华人民共和国刑法》第一百七十五条之一；被告人"
    ).person(officer)
    d.t(
        "违反国家规定发放贷款，数额巨大，并利用职务便利非法收受他人财物，其行为触犯了《中华人民共和国刑法》"
        "第一百八十六条、第一百六十三条，犯罪事实清楚，证据确实、充分，应当以骗取贷款罪、违法发放贷款罪、"
        "非国家工作人员受贿罪追究其刑事责任。根据《中华人民共和国刑事诉讼法》第一百七十六条的规定，"
        "提起公诉，请依法判处。\n\n此致\n"
    )
    d.t(_court(agency.district) + "\n\n检察官 " + d.pick("刘某", "陈某", "赵某") + "\n").date(when).t("\n")
    return d


# -- 判决书 ------------------------------------------------------------------------------
def judgment_conviction(
    world: World,
    rng: random.Random,
    case_no: str,
    when: _dt.date,
    defendant: Person,
    victim: Company,
    crime: str,
    amount: float,
    months: int,
    district: str,
) -> Doc:
    """A criminal judgment (e.g. 职务侵占罪) for a person who later acts as legal representative."""
    d = Doc(world, "判决书", rng)
    d.t(_court(district) + "\n刑 事 判 决 书\n").ref(case_no, "CriminalCase", case_no).t("\n\n")
    d.t(f"公诉机关{_proc(district)}。\n\n")
    _bio(d, defendant)
    d.t("\n" + _proc(district) + "以京" + PROC_ABBR.get(district, "朝") + "检刑诉")
    d.t(f"〔{when.year}〕{rng.randint(100, 999)}号起诉书指控被告人").person(defendant)
    d.t(f"犯{crime}，向本院提起公诉。本院依法适用简易程序，公开开庭审理了本案。现已审理终结。\n")
    role = d.pick("财务主管", "出纳", "销售经理")
    if d.rng.random() < 0.5:
        d.t("经审理查明：被告人").person(defendant).t("在担任").company(victim).t(f"{role}期间，利用职务便利，")
    else:
        d.t("经审理查明：被告人").person(defendant).t("利用其担任").company(victim).t(f"{role}的职务便利，")
    d.t("多次将本单位资金转入其个人控制的银行账户，共计")
    d.amount(amount).t(d.pick("，用于个人消费及偿还债务。", "，案发后退赔部分款项。"))
    d.t("被告人于").date(when - _dt.timedelta(days=rng.randint(60, 200))).t("被公安机关抓获。\n")
    d.t("本院认为，被告人").person(defendant).t(
        f"利用职务上的便利，将本单位财物非法占为己有，数额较大，"
        f"其行为已构成{crime}。据此，依照《中华人民共和国刑法》"
        "第二百七十一条第一款、第六十七条第三款之规定，判决如下：\n"
    )
    d.t("被告人").person(defendant).t(f"犯{crime}，判处有期徒刑{_term(months)}。\n")
    d.t(
        "如不服本判决，可在接到判决书的第二日起十日内，通过本院或者直接向北京市第"
        + d.pick("二", "三")
        + "中级人民法院提出上诉。\n\n审判员 "
        + d.pick("王某", "孙某")
        + "\n"
    )
    d.date(when).t("\n书记员 " + d.pick("李某某", "周某") + "\n")
    return d


def judgment_fake_certs(
    world: World,
    rng: random.Random,
    case_no: str,
    when: _dt.date,
    forger: Person,
    seller: Person,
    buyers: list[Person],
    domain: str,
    fee_total: float,
    district: str,
    months: tuple[int, int] = (48, 24),
) -> Doc:
    """A judgment for 伪造、买卖国家机关证件罪 (fake special-operation certificates)."""
    d = Doc(world, "判决书", rng)
    d.t(_court(district) + "\n刑 事 判 决 书\n").ref(case_no, "CriminalCase", case_no).t("\n\n")
    d.t(f"公诉机关{_proc(district)}。\n\n")
    _bio(d, forger)
    _bio(d, seller)
    d.t("\n经审理查明：").date(when - _dt.timedelta(days=rng.randint(300, 500))).t("以来，被告人")
    d.person(forger).t(
        d.pick("在互联网上搭建仿冒应急管理部“特种作业操作证查询”的网站", "租用境外服务器制作虚假证书查询网站")
    )
    d.t("（域名").ref(domain, "Website", domain).t("），伪造特种作业操作证，并通过被告人").person(seller)
    d.t(d.pick("在网络上招揽买家", "以“免考拿证”为名对外销售")).t("。经查，")
    for i, b in enumerate(buyers):
        d.t("、" if i else "").person(b)
    d.t(f"等{len(buyers)}人先后向被告人").person(seller).t("支付费用共计").amount(fee_total)
    d.t("购买伪造的特种作业操作证，所购证件均可在上述网站查询到“有效”信息，而在应急管理部官方平台无记录。\n")
    d.t("本院认为，被告人").person(forger).t("、").person(seller)
    d.t(
        "伪造、买卖国家机关证件，情节严重，其行为均已构成伪造、买卖国家机关证件罪。依照《中华人民共和国"
        "刑法》第二百八十条第一款之规定，判决如下：\n一、被告人"
    ).person(forger)
    d.t(f"犯伪造国家机关证件罪，判处有期徒刑{_term(months[0])}，并处罚金").amount(
        float(rng.choice([20000, 30000, 50000]))
    )
    d.t("；\n二、被告人").person(seller).t(f"犯买卖国家机关证件罪，判处有期徒刑{_term(months[1])}。\n")
    d.t("\n审判长 " + d.pick("王某", "吴某") + "\n").date(when).t("\n")
    return d


# -- 询问笔录 ----------------------------------------------------------------------------
def _interview_head(d: Doc, p: Person, when: _dt.datetime, place: str) -> None:
    d.t("询 问 笔 录\n\n时间：").date(when.date()).t(
        f" {when:%H}时{when:%M}分至{(when.hour + 1) % 24}时{when:%M}分\n地点：{place}\n"
    )
    d.t(
        "询问人："
        + d.pick("刘某、张某", "王某、陈某", "赵某、孙某")
        + "\n记录人："
        + d.pick("李某", "周某")
        + "\n被询问人："
    ).person(p).t("  性别：" + ("男" if p.male else "女") + "\n身份证号：").pid(p)
    d.t("\n联系电话：" + (p.phone[:3] + "****" + p.phone[-4:] if d.masked else p.phone) + "\n")
    if "检察院" in place:
        who = "我们是" + place + "的检察官"
    elif "银行" in place:
        who = "我们是" + place.split("（")[0] + "的工作人员，协助公安机关调查"
    else:
        who = "我们是北京市公安局的民警"
    d.t(
        f"问：{who}，现依法向你询问有关情况，你应当如实回答，对与本案无关的问题有拒绝回答的权利，你听清楚了吗？\n答：听清楚了。\n"
    )


def interview_professional_borrower(
    world: World, rng: random.Random, p: Person, intermediary: Person, loans: list[dict[str, Any]]
) -> Doc:
    """An interview record with a professional borrower (职业背债人)."""
    d = Doc(world, "询问笔录", rng)
    when = lx.rand_time(rng, max(x["approved"] for x in loans) + _dt.timedelta(days=rng.randint(90, 300)))
    _interview_head(d, p, when, d.pick("北京市公安局朝阳分局经侦大队", "北京市公安局海淀分局执法办案中心"))
    d.t(
        "问：你目前从事什么工作？收入情况如何？\n答："
        + d.pick("没有固定工作，偶尔打零工，一个月两三千块钱。", "我在老家种地，没有什么收入，来北京是朋友介绍的。")
        + "\n"
    )
    d.t("问：你名下有几笔银行贷款？\n答：")
    d.t(d.pick("我记得有", "大概有")).t(f"{len(loans)}笔，都是").person(intermediary)
    d.t(d.pick("带我去办的。", "让我签的字，具体的我不太清楚。") + "\n")
    d.t("问：请你具体说一下。\n答：")
    for x in loans:
        d.date(x["approved"]).t("在").org(x["bank"], "Company", x["bank_id"]).t("贷了").amount(x["amount"])
        d.t("，")
    d.t(d.pick("钱到账后当天就被转走了，卡也在", "放款以后钱都打到了指定的账户，银行卡和U盾一直在"))
    d.person(intermediary).t("手里。每办一笔给我").amount(float(rng.choice([5000, 8000, 10000, 20000])))
    d.t(d.pick("好处费。\n", "“辛苦费”。\n"))
    d.t("问：你是否知道这些贷款的用途？\n答：不知道，" + d.pick("他们说是做生意周转用的。", "我只管签字。") + "\n")
    d.t("问：以上所说是否属实？\n答：属实。\n\n被询问人签字：").person(p).t("\n")
    return d


def interview_fund_debtor(
    world: World,
    rng: random.Random,
    debtor: Person,
    creditor: Person,
    agent: Person,
    amount: float,
    confirm: _dt.date,
    paid: _dt.date,
) -> Doc:
    """An interview record with a debtor in a false-litigation housing-fund loop."""
    d = Doc(world, "询问笔录", rng)
    when = lx.rand_time(rng, paid + _dt.timedelta(days=rng.randint(60, 200)))
    _interview_head(d, debtor, when, d.pick("北京市人民检察院第三分院", "北京市西城区人民检察院"))
    d.t("问：你与").person(creditor).t("是什么关系？你是否欠其钱款？\n答：")
    d.t(d.pick("我不认识他，是", "以前不认识，是")).person(agent).t(
        d.pick("介绍的，他说可以帮我把公积金取出来。", "找到我的，说能“快速提取公积金”。") + "\n"
    )
    d.t("问：具体是如何操作的？\n答：").person(agent).t("让我写了一张").amount(amount)
    d.t("的借条，然后去法院做了调解，").date(confirm).t(d.pick("法院出了司法确认的裁定，", "法院确认了调解协议，"))
    d.t("后来法院执行了我的公积金。").date(paid).t("公积金打到").person(creditor)
    d.t("的账户，当天他就把钱转回给我，扣了" + d.pick("百分之十", "一成左右") + "的手续费。\n")
    d.t("问：你是否真实欠款？\n答：没有，借条是假的。\n问：以上所说是否属实？\n答：属实。\n\n被询问人签字：").person(
        debtor
    ).t("\n")
    return d


def interview_family_lender(
    world: World, rng: random.Random, child: Person, parent: Person, amount: float, lent: _dt.date
) -> Doc:
    """An interview record of a family that genuinely lends money (hard negative)."""
    d = Doc(world, "询问笔录", rng)
    when = lx.rand_time(rng, lent + _dt.timedelta(days=rng.randint(200, 400)))
    _interview_head(d, child, when, "北京市公安局朝阳分局经侦大队")
    d.t("问：").date(lent).t("转入你账户的").amount(amount).t("是什么款项？\n答：是我").t(
        "父亲" if parent.male else "母亲"
    ).person(parent).t(d.pick("借给我交首付的钱，我每个月按时还。", "给我买房的首付，说好了按月还给家里。") + "\n")
    d.t(
        "问：是否有人为你垫资或者介绍贷款？\n答：没有，房贷是我自己在银行办的。\n问：以上所说是否属实？\n"
        "答：属实。\n\n被询问人签字："
    ).person(child).t("\n")
    return d


def interview_witness(world: World, rng: random.Random, p: Person, other: Person, when_d: _dt.date, place: str) -> Doc:
    """A background interview record (traffic accident witness)."""
    d = Doc(world, "询问笔录", rng)
    _interview_head(
        d,
        p,
        lx.rand_time(rng, when_d + _dt.timedelta(days=1)),
        "北京市公安局公安交通管理局" + d.pick("朝阳", "海淀", "丰台") + "交通支队",
    )
    d.t("问：请你讲一下事故经过。\n答：").date(when_d).t(d.pick("下午", "上午", "晚上") + "，我在" + place)
    d.t(d.pick("附近等红灯，", "骑电动车经过，") + "看见").person(other)
    d.t(d.pick("驾驶的小客车变道时与前车发生剐蹭。", "驾驶的车辆闯红灯，与行人发生碰撞。") + "\n")
    d.t("问：以上所说是否属实？\n答：属实。\n\n被询问人签字：").person(p).t("\n")
    return d


def judgment_background(
    world: World,
    rng: random.Random,
    case_no: str,
    when: _dt.date,
    p: Person,
    crime: str,
    amount: float,
    district: str,
    months: int = 12,
) -> Doc:
    """A background criminal judgment (theft or fraud), unrelated to planted rings."""
    d = Doc(world, "判决书", rng)
    d.t(_court(district) + "\n刑 事 判 决 书\n").ref(case_no, "CriminalCase", case_no).t("\n\n")
    _bio(d, p)
    d.t("\n经审理查明：").date(when - _dt.timedelta(days=rng.randint(90, 400))).t("，被告人").person(p)
    if crime == "盗窃罪":
        d.t(d.pick("在北京市某小区地下车库内，", "在某超市内，") + "窃取他人财物，价值").amount(amount)
    else:
        d.t(d.pick("冒充客服人员，", "以投资理财为名，") + "骗取被害人钱款").amount(amount)
    d.t("。\n本院认为，被告人").person(p).t(f"的行为已构成{crime}。判决如下：被告人").person(p)
    d.t(f"犯{crime}，判处有期徒刑{_term(months)}，并处罚金").amount(float(rng.choice([2000, 5000, 10000])))
    d.t("。\n").date(when).t("\n")
    return d


# -- 银行流水 ----------------------------------------------------------------------------
def bank_statement(
    world: World,
    rng: random.Random,
    holder: Person,
    acct: str,
    bank: str,
    rows: list[tuple[_dt.datetime, float, Any, str, str]],
    balance0: float,
) -> Doc:
    """A plain-text bank statement.  rows: (time, signed amount, counterparty, account, memo).

    The counterparty is a Person or Company (mentioned, so masking applies) or a string.
    """
    from kg.synth.world import Company, Person

    d = Doc(world, "银行流水", rng)
    d.t(f"{bank}个人账户交易明细\n户名：").person(holder).t("    账号：").account(acct).t("\n")
    d.t("证件号码：").pid(holder).t("\n")
    start = min(r[0] for r in rows).date()
    end = max(r[0] for r in rows).date()
    d.t("查询期间：").date(start).t(" 至 ").date(end).t("    币种：人民币\n")
    d.t("交易时间            | 收入          | 支出          | 余额          | 对方户名 | 对方账号 | 摘要\n")
    bal = balance0
    for when, amt, cp, cp_acct, memo in sorted(rows, key=lambda r: r[0]):
        bal += amt
        d.t(f"{when:%Y-%m-%d %H:%M:%S} | ")
        if amt >= 0:
            d.ref(f"{amt:,.2f}", "Amount", f"{amt:.2f}").t(" | " + " " * 13 + " | ")
        else:
            d.t(" " * 13 + " | ").ref(f"{-amt:,.2f}", "Amount", f"{-amt:.2f}").t(" | ")
        d.t(f"{bal:,.2f} | ")
        if isinstance(cp, Person):
            d.person(cp)
        elif isinstance(cp, Company):
            d.company(cp)
        else:
            d.t(str(cp))
        d.t(" | ")
        if cp_acct:
            d.account(cp_acct)
        else:
            d.t("-")
        d.t(f" | {memo}\n")
    d.t("（本流水仅供协助调查使用，加盖业务专用章有效）\n")
    return d
