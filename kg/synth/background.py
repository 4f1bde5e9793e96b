"""Background population of one shard: ordinary people, firms and their records.

Everything here is legitimate activity with realistic, skewed degree distributions
(a few popular counterparties receive most transfers), plus typos, name variants,
missing values and partial fields.  Broken identifiers, duplicates and malformed rows
are added when the shard is written (see :meth:`World.end_shard`).
"""

from __future__ import annotations

import datetime as _dt
import random

from kg.synth import documents as D
from kg.synth import emit as E
from kg.synth import lexicon as lx
from kg.synth.institutions import BANKS
from kg.synth.world import Company, Person, World

P0 = _dt.date(2021, 1, 1)
P1 = _dt.date(2024, 6, 30)
DIAG_OUT = ("上呼吸道感染", "高血压", "2型糖尿病", "慢性胃炎", "腰椎间盘突出", "过敏性鼻炎", "急性支气管炎")
DIAG_IN = ("肺炎", "冠心病", "脑梗死", "阑尾炎", "骨折", "胆囊结石")
CHRONIC = ("高血压", "糖尿病", "冠心病", "慢性阻塞性肺疾病")
JOBS = (
    ("电工作业", "低压电工作业"),
    ("焊接与热切割作业", "熔化焊接与热切割作业"),
    ("高处作业", "登高架设作业"),
    ("高处作业", "高处安装、维护、拆除作业"),
    ("制冷与空调作业", "制冷与空调设备运行操作作业"),
)
HOTLINE_TOPICS = (
    ("噪音扰民", "反映{m}夜间装卸货物噪音很大，影响居民休息，希望相关部门管理。"),
    ("服务态度", "市民反映在{m}消费时店员态度恶劣，要求商家道歉。"),
    ("价格争议", "来电人称{m}商品标价与结账价格不一致，多收了钱，要求退还差价。"),
    ("占道经营", "反映{m}在门口占道摆放商品，影响行人通行。"),
    ("食品安全", "市民称在{m}购买的面包已过保质期，要求处理。"),
    ("假冒伪劣", "来电人称在{m}买到的洗发水疑似假货，包装印刷模糊。"),
)


def gen_shard(w: World, seed: int, k: int, n_people: int) -> int:
    """Generate the background of shard ``k`` with ``n_people`` persons; returns rows queued."""
    rng = lx.stream(seed, "shard", k)
    people: list[Person] = []
    for _ in range(n_people):
        p = w.new_person(rng, "background")
        bank = BANKS[rng.randrange(len(BANKS))][0]
        w.open_account(rng, p, bank, lx.rand_date(rng, _dt.date(2010, 1, 1), P0), noise=True)
        if rng.random() < 0.3:
            w.open_account(
                rng, p, BANKS[rng.randrange(len(BANKS))][0], lx.rand_date(rng, _dt.date(2012, 1, 1), P1), noise=True
            )
        people.append(p)
    companies: list[Company] = []
    for p in people:
        if rng.random() < 0.06:
            companies.append(_company(w, rng, p, people))
    n = len(people)
    parties: list[Person | Company] = list(people) + list(companies)
    # transfers with skewed in-degree (early parties are popular) and Pareto out-degree
    for party in parties:
        if not party.accounts:
            continue
        k_out = min(60, int(rng.paretovariate(1.8) * 2) - 1)
        for _ in range(k_out):
            q = parties[int(len(parties) * rng.random() ** 1.6)]
            if q is party or not q.accounts:
                continue
            amt = round(min(2_000_000, rng.lognormvariate(7.5, 1.4)), 2)
            src_name = None
            if isinstance(party, Person) and rng.random() < 0.01:
                src_name = lx.typo_name(party.name, rng)
                w.add_variant("Person", party.pid, src_name)
            E.transfer(
                w,
                party,
                party.accounts[rng.randrange(len(party.accounts))],
                q,
                q.accounts[rng.randrange(len(q.accounts))],
                amt,
                lx.rand_time(rng, lx.rand_date(rng, P0, P1), 0, 24),
                memo=rng.choice(("转账", "还款", "货款", "生活费", "房租", "往来款", "")),
                channel=rng.choice(("网银", "手机银行", "柜面", "ATM")),
                noise=True,
                src_name=src_name,
            )
    for p in people:
        u = rng.random()
        if u < 0.03:
            _property_purchase(w, rng, p, people[rng.randrange(n)])
        elif u < 0.07:
            br = w.branches[rng.randrange(len(w.branches))]
            off = br.officers[rng.randrange(len(br.officers))]
            d = lx.rand_date(rng, P0, P1)
            name = lx.typo_name(p.name, rng) if rng.random() < 0.03 else None
            if name:
                w.add_variant("Person", p.pid, name)
            E.loan(
                w,
                rng,
                borrower=p,
                company=None,
                ltype="消费贷",
                amount=float(rng.choice([50000, 100000, 200000, 300000])),
                purpose=rng.choice(("装修", "购车", "教育", "旅游", "日常消费")),
                branch=br,
                officer=off,
                applied=d,
                approved=d + _dt.timedelta(days=rng.randint(1, 10)),
                disbursed=d + _dt.timedelta(days=rng.randint(11, 20)),
                account=p.accounts[0],
                income=None if rng.random() < 0.2 else round(rng.uniform(60_000, 400_000), -3),
                noise=True,
                borrower_name=name,
            )
        _medical(w, rng, p)
        v = rng.random()
        if v < 0.02:
            _certificate(w, rng, p)
        elif v < 0.03:
            _fund_withdrawal(w, rng, p)
        elif v < 0.034:
            _accident(w, rng, p, people[rng.randrange(n)])
        elif v < 0.036:
            _court(w, rng, p, people[rng.randrange(n)])
        elif v < 0.0372:
            _crime(w, rng, p)
        elif v < 0.0376:
            _nonpros(w, rng, p)
    for c in companies:
        if rng.random() < 0.15:
            t = lx.rand_time(rng, lx.rand_date(rng, P0, P1))
            topic, text = HOTLINE_TOPICS[rng.randrange(len(HOTLINE_TOPICS))]
            shown = lx.company_variant(c.name, rng) if rng.random() < 0.4 else c.name
            if shown != c.name:
                w.add_variant("Company", c.uscc, shown)
            E.hotline(
                w,
                rng,
                c,
                t,
                topic,
                text.format(m=shown),
                rng.choice(("已转属地街道办理", "已联系商户整改", "经核实情况不属实")),
                noise=True,
                merchant_name=shown,
            )
        if rng.random() < 0.02:
            gv = round(rng.uniform(2000, 30000), 2)
            E.penalty(
                w,
                rng,
                party=c,
                rep=c.rep,
                vtype=rng.choice(("销售不合格产品", "未明码标价", "超范围经营")),
                facts=f"当事人{c.name}存在违法行为，货值金额{gv}元。",
                goods_value=gv,
                illegal_gain=round(gv * 0.2, 2),
                fine=round(gv * 0.5, 2),
                when=lx.rand_date(rng, P0, P1),
                transferred=False,
                district=c.district,
                noise=True,
            )
        if len(companies) > 1 and rng.random() < 0.3:
            other = companies[rng.randrange(len(companies))]
            if other is not c:
                for _ in range(rng.randint(1, 4)):
                    E.invoice(
                        w,
                        c,
                        other,
                        lx.rand_date(rng, P0, P1),
                        rng.choice(("*纺织品*工作服", "*计算机配套产品*服务器", "*办公用品*打印纸", "*钢材*螺纹钢")),
                        "件",
                        rng.randint(10, 500),
                        round(rng.uniform(20, 3000), 2),
                        noise=True,
                    )
        if c.industry in ("物流", "建筑工程") and rng.random() < 0.5:
            per = rng.choice((8000, 12000, 30000))
            cnt = rng.randint(2, 40)
            w.emit(
                "equipment_fleet",
                {
                    "单位名称": c.name,
                    "统一社会信用代码": c.uscc,
                    "设备类型": "重型货车" if per == 30000 else "工程机械",
                    "数量": cnt,
                    "单台年耗油上限(升)": per,
                    "年耗油能力(升)": cnt * per,
                    "登记来源": "交通运输部门",
                },
                [("Company", c.uscc, "单位名称"), ("Company", c.uscc, "统一社会信用代码")],
                noise=True,
            )
    # a few background documents (bounded at bench scale)
    if k < 40:
        for p in people[: max(1, min(8, n // 150))]:
            q = people[rng.randrange(n)]
            if q is not p:
                D.interview_witness(
                    w, rng, p, q, lx.rand_date(rng, P0, P1), lx.ROADS[rng.randrange(len(lx.ROADS))]
                ).save()
    return n


def _company(w: World, rng: random.Random, rep: Person, people: list[Person]) -> Company:
    ind = lx.INDUSTRIES[rng.randrange(len(lx.INDUSTRIES))]
    agent = people[rng.randrange(len(people))] if rng.random() < 0.5 else None
    founded = lx.rand_date(rng, _dt.date(2003, 1, 1), _dt.date(2022, 12, 31))
    rep_name = rep.name
    c = w.new_company(rng, "background", rep, ind, founded, agent=agent, noise=True)
    _ = rep_name
    w.open_account(rng, c, BANKS[rng.randrange(len(BANKS))][0], founded, noise=True)
    emp = max(1, int(rng.paretovariate(1.3)))
    zero = rng.random() < 0.08  # some genuinely dormant firms file zero returns
    E.tax_rows(w, c, ["2022", "2023"], rng.uniform(2e5, 5e6) * emp**0.5, min(emp, 500), zero=zero, noise=True)
    return c


def _property_purchase(w: World, rng: random.Random, buyer: Person, seller: Person) -> None:
    if buyer is seller:
        return
    d = lx.rand_date(rng, P0, P1)
    prop = E.new_property(w, rng, d.year)
    price = round(rng.uniform(2e6, 9e6), -3)
    E.property_transfer(w, prop, buyer, seller, price, d, noise=True)
    if rng.random() < 0.6:
        br = w.branches[rng.randrange(len(w.branches))]
        amt = round(price * rng.uniform(0.3, 0.65), -3)
        appr = w.appraisers[rng.randrange(len(w.appraisers))]
        E.mortgage_registration(w, prop, buyer, br, amt, d + _dt.timedelta(days=rng.randint(3, 20)), noise=True)
        agency = w.agencies[rng.randrange(len(w.agencies))] if rng.random() < 0.5 else None
        E.loan(
            w,
            rng,
            borrower=buyer,
            company=None,
            ltype="房贷",
            amount=amt,
            purpose="购买住房",
            branch=br,
            officer=br.officers[rng.randrange(len(br.officers))],
            applied=d - _dt.timedelta(days=rng.randint(10, 30)),
            approved=d - _dt.timedelta(days=3),
            disbursed=d + _dt.timedelta(days=rng.randint(21, 40)),
            account=buyer.accounts[0],
            appraiser=appr,
            appraisal=round(price * rng.uniform(0.98, 1.08), -3),
            prop_cert=prop["cert"],
            intermediary=agency,
            income=round(rng.uniform(150_000, 900_000), -3),
            months=360,
            noise=True,
        )


def _medical(w: World, rng: random.Random, p: Person) -> None:
    if rng.random() < 0.4:
        return
    for _ in range(rng.randint(1, 3)):
        d = lx.rand_date(rng, P0, P1)
        if rng.random() < 0.12:
            h = w.hospitals[rng.randrange(len(w.hospitals))]
            E.medical(
                w,
                p,
                h,
                "住院",
                d,
                d + _dt.timedelta(days=rng.randint(2, 15)),
                DIAG_IN[rng.randrange(len(DIAG_IN))],
                rng.uniform(5000, 60000),
                0.8,
                exams=rng.choice(("CT", "MRI", "X线", "")),
                noise=True,
            )
        elif rng.random() < 0.5:
            ph = w.pharmacies[int(len(w.pharmacies) * rng.random() ** 1.5)]
            E.medical(
                w,
                p,
                ph,
                "药店购药",
                d,
                None,
                DIAG_OUT[rng.randrange(len(DIAG_OUT))],
                rng.uniform(20, 400),
                0.0 if rng.random() < 0.5 else 0.5,
                noise=True,
            )
        else:
            h = w.hospitals[rng.randrange(len(w.hospitals))]
            E.medical(
                w,
                p,
                h,
                "普通门诊",
                d,
                None,
                DIAG_OUT[rng.randrange(len(DIAG_OUT))],
                rng.uniform(100, 2000),
                0.5,
                noise=True,
            )
    if rng.random() < 0.01:  # legitimate chronic eligibility, with prior inpatient history
        d0 = lx.rand_date(rng, P0, _dt.date(2022, 12, 31))
        h = w.hospitals[rng.randrange(len(w.hospitals))]
        dis = CHRONIC[rng.randrange(len(CHRONIC))]
        E.medical(
            w, p, h, "住院", d0, d0 + _dt.timedelta(days=7), dis, rng.uniform(8000, 30000), 0.85, exams="CT", noise=True
        )
        chronic_eligibility(w, p, dis, d0 + _dt.timedelta(days=rng.randint(30, 200)), h, noise=True)


def chronic_eligibility(w: World, p: Person, disease: str, when: _dt.date, inst: Company, noise: bool = False) -> str:
    """Emit a 门诊慢特病 eligibility row; returns its 认定编号."""
    no = f"MTB{when.year}{w.ids.counter('mtb'):07d}"
    w.emit(
        "chronic_eligibility",
        {
            "认定编号": no,
            "参保人姓名": p.name,
            "身份证号": p.pid,
            "病种": disease,
            "认定日期": when.isoformat(),
            "认定机构": inst.name,
            "申请材料": "门诊病历、检查报告",
        },
        [("Person", p.pid, "参保人姓名"), ("Person", p.pid, "身份证号"), ("Company", inst.uscc, "认定机构")],
        noise=noise,
    )
    return no


def _certificate(w: World, rng: random.Random, p: Person) -> None:
    job, op = JOBS[rng.randrange(len(JOBS))]
    first = lx.rand_date(rng, _dt.date(2016, 1, 1), _dt.date(2023, 12, 31))
    cert = "T" + p.pid
    valid = rng.random() < 0.9
    w.emit(
        "cert_registry",
        {
            "证书编号": cert,
            "姓名": p.name,
            "身份证号": p.pid,
            "性别": "男" if p.male else "女",
            "作业类别": job,
            "操作项目": op,
            "初领日期": first.isoformat(),
            "有效期至": first.replace(year=first.year + 6, day=min(first.day, 28)).isoformat(),
            "证书状态": "有效" if valid else "注销",
            "发证机关": "北京市应急管理局",
            "查询网址": "http://cx.mem.gov.cn/",
        },
        [("Person", p.pid, "姓名"), ("Person", p.pid, "身份证号")],
        noise=True,
    )
    if w.builders and rng.random() < 0.5:
        worksite_row(
            w, rng, p, cert, job, w.builders[rng.randrange(len(w.builders))], "http://cx.mem.gov.cn/", noise=True
        )


def worksite_row(
    w: World, rng: random.Random, p: Person, cert: str, job: str, builder: Company, url: str, noise: bool = False
) -> None:
    """Emit a work-site roster row of a certificate holder."""
    sites = builder.extra["sites"]
    w.emit(
        "worksite_rosters",
        {
            "工地名称": sites[rng.randrange(len(sites))],
            "施工单位": builder.name,
            "施工单位统一社会信用代码": builder.uscc,
            "姓名": p.name,
            "身份证号": p.pid,
            "工种": job,
            "证书编号": cert,
            "证书查询网址": url,
            "进场日期": lx.rand_date(rng, _dt.date(2023, 1, 1), P1).isoformat(),
        },
        [
            ("Company", builder.uscc, "施工单位"),
            ("Company", builder.uscc, "施工单位统一社会信用代码"),
            ("Person", p.pid, "姓名"),
            ("Person", p.pid, "身份证号"),
        ],
        noise=noise,
    )


def _fund_withdrawal(w: World, rng: random.Random, p: Person) -> None:
    if not p.fund_account:
        p.fund_account = w.ids.fund_account()
    w.emit(
        "housing_fund_withdrawals",
        {
            "提取业务编号": w.ids.serial("GJJ", 12),
            "职工姓名": p.name,
            "身份证号": p.pid,
            "个人公积金账号": p.fund_account,
            "提取原因": rng.choice(("购买住房", "租房", "离休退休", "偿还住房贷款本息")),
            "提取金额(元)": round(rng.uniform(5000, 150000), 2),
            "提取日期": lx.rand_date(rng, P0, P1).isoformat(),
            "收款人": p.name,
            "收款账号": p.accounts[0],
            "法律文书号": "",
        },
        [("Person", p.pid, "职工姓名"), ("Person", p.pid, "身份证号"), ("Person", p.pid, "收款人")],
        noise=True,
    )


def _accident(w: World, rng: random.Random, p: Person, other: Person) -> None:
    if other is p:
        return
    d = lx.rand_date(rng, P0, P1)
    accident_row(
        w,
        rng,
        p,
        other,
        d,
        rng.choice(("本人全部责任", "对方全部责任", "同等责任")),
        rng.choice(("无人员受伤", "轻微伤")),
        noise=True,
    )


def accident_row(
    w: World,
    rng: random.Random,
    p: Person,
    other: Person,
    d: _dt.date,
    liability: str,
    injury: str,
    noise: bool = False,
) -> str:
    """Emit a traffic accident report; returns the 事故编号."""
    no = f"110{d.year}{w.ids.counter('accident'):08d}"
    w.emit(
        "traffic_accidents",
        {
            "事故编号": no,
            "事故时间": f"{lx.rand_time(rng, d, 6, 22):%Y-%m-%d %H:%M}",
            "事故地点": f"北京市{lx.ROADS[rng.randrange(len(lx.ROADS))]}与{lx.ROADS[rng.randrange(len(lx.ROADS))]}交叉口",
            "当事人": p.name,
            "当事人身份证号": p.pid,
            "对方当事人": other.name,
            "对方身份证号": other.pid,
            "对方车辆号牌": f"京{rng.choice('ABCEFGHJKLMNPQ')}{rng.randint(10000, 99999)}",
            "责任认定": liability,
            "伤情": injury,
            "认定日期": (d + _dt.timedelta(days=rng.randint(3, 15))).isoformat(),
        },
        [
            ("Person", p.pid, "当事人"),
            ("Person", p.pid, "当事人身份证号"),
            ("Person", other.pid, "对方当事人"),
            ("Person", other.pid, "对方身份证号"),
        ],
        noise=noise,
    )
    return no


def _court(w: World, rng: random.Random, p: Person, q: Person) -> None:
    if q is p:
        return
    d = lx.rand_date(rng, P0, P1)
    E.court_case(
        w,
        rng,
        ctype="民事判决",
        cause=rng.choice(("民间借贷纠纷", "房屋租赁合同纠纷", "买卖合同纠纷")),
        applicant=p,
        respondent=q,
        agent=None,
        amount=round(rng.uniform(1e4, 5e5), -2),
        filed=d,
        closed=d + _dt.timedelta(days=rng.randint(60, 200)),
        how=rng.choice(("判决", "调解", "撤诉")),
        district=p.district if p.district in D.COURT_CODE else "110105",
        noise=True,
    )


def _crime(w: World, rng: random.Random, p: Person) -> None:
    d = lx.rand_date(rng, P0, P1)
    crime = rng.choice(("盗窃罪", "诈骗罪"))
    amt = round(rng.uniform(3000, 80000), -2)
    E.police_case(
        w,
        when=d - _dt.timedelta(days=200),
        name=f"{p.name}{crime[:-1]}案",
        cause=crime,
        suspect=p,
        company=None,
        amount=amt,
        source="报案",
        noise=True,
    )
    months = rng.randint(6, 36)
    case_no, _ = E.judgment_row(w, court_district="110105", defendant=p, crime=crime, when=d, months=months, noise=True)
    if rng.random() < 0.3:
        D.judgment_background(w, rng, case_no, d, p, crime, amt, "110105", months).save()


def _nonpros(w: World, rng: random.Random, p: Person) -> None:
    d = lx.rand_date(rng, P0, _dt.date(2023, 12, 31))
    nonprosecution(w, rng, p, d, rng.choice(("盗窃", "危险驾驶")), opinion=False, noise=True)


def nonprosecution(
    w: World,
    rng: random.Random,
    p: Person,
    d: _dt.date,
    cause: str,
    opinion: bool,
    agency: str = "北京市朝阳区市场监督管理局",
    noise: bool = False,
) -> tuple[str, str]:
    """Emit a 不起诉决定 row; returns (决定书文号, 检察意见书文号 or '')."""
    n = w.ids.counter(f"bqs:{d.year}")
    no = f"京朝检刑不诉〔{d.year}〕{n}号"
    op_no = f"京朝检行意〔{d.year}〕{w.ids.counter('jcyj:' + str(d.year))}号" if opinion else ""
    w.emit(
        "non_prosecutions",
        {
            "不起诉决定书文号": no,
            "被不起诉人": p.name,
            "身份证号": p.pid,
            "案由": cause,
            "不起诉类型": "相对不起诉",
            "决定日期": d.isoformat(),
            "检察意见书文号": op_no,
            "检察意见内容": "建议对被不起诉人依法给予行政处罚，并在两个月内回复处理结果" if opinion else "",
            "移送主管机关": agency if opinion else "",
        },
        [("Person", p.pid, "被不起诉人"), ("Person", p.pid, "身份证号")],
        noise=noise,
    )
    return no, op_no
