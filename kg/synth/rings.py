"""Planted ring instances for every model in DOMAIN.md, and their hard negatives.

Each planter creates fresh entities (role ``ring``), emits their records and
documents, and writes one line to ``ground_truth/rings.jsonl`` with the members and
the clue a correct pattern should return.  Values sit clearly on the wrong side of
the default thresholds (appraisal >= 1.3x deal price, 销售伪劣产品 >= 5万元, ...);
hard negatives are superficially similar but clearly on the legitimate side.
"""

from __future__ import annotations

import datetime as _dt
import random
from collections.abc import Callable
from typing import Any

from kg.synth import background as B
from kg.synth import documents as D
from kg.synth import emit as E
from kg.synth import lexicon as lx
from kg.synth.institutions import BANKS, station_year
from kg.synth.world import Branch, Company, Person, World

T0 = _dt.date(2022, 1, 1)
T1 = _dt.date(2024, 3, 31)
DAY = _dt.timedelta(days=1)
THRESHOLDS = {
    "appraisal_ratio": 1.3,
    "fake_goods_sales": 50_000.0,
    "loan_fraud_loss": 500_000.0,
    "revenue_gap_ratio": 0.5,
    "capacity_ratio": 1.5,
    "disqualification_years": 5,
    "kickback_ratio": 0.01,
}

Members = list[tuple[str, str, str]]


def _p(w: World, rng: random.Random, role: str = "ring", lo: int = 1965, hi: int = 1998) -> Person:
    p = w.new_person(rng, role, lo, hi)
    w.open_account(
        rng, p, BANKS[rng.randrange(len(BANKS))][0], lx.rand_date(rng, _dt.date(2012, 1, 1), _dt.date(2021, 6, 30))
    )
    return p


def _co(
    w: World,
    rng: random.Random,
    rep: Person,
    industry: str,
    founded: _dt.date,
    role: str = "ring",
    account: bool = True,
    **kw: Any,
) -> Company:
    c = w.new_company(rng, role, rep, industry, founded, **kw)
    if account:
        w.open_account(rng, c, BANKS[rng.randrange(len(BANKS))][0], founded + DAY * 3)
    return c


def _officer(
    w: World, rng: random.Random, role: str = "ring", bank: str | None = None
) -> tuple[Branch, tuple[Person, str]]:
    """A new loan officer at a random branch (of ``bank`` when given)."""
    pool = [b for b in w.branches if b.bank == bank] or w.branches
    br = pool[rng.randrange(len(pool))]
    off = _p(w, rng, role, 1978, 1996)
    emp = f"{br.bank_code}{w.ids.counter('emp:' + br.bank_code):06d}"
    br.officers.append((off, emp))
    return br, (off, emp)


def _t(rng: random.Random, d: _dt.date, lo: int = 9, hi: int = 17) -> _dt.datetime:
    return lx.rand_time(rng, d, lo, hi)


# ====================================================================================
# loans
# ====================================================================================
def plant_broker_insider(w: World, rng: random.Random) -> None:
    """中介 + 银行客户经理: a burst of 经营贷 approved by one officer, kickbacks ~1%."""
    start = lx.rand_date(rng, T0, T1 - 60 * DAY)
    broker = _p(w, rng)
    agency = _co(w, rng, broker, "商务咨询", start - 400 * DAY)
    br, off = _officer(w, rng)
    appr = w.appraisers[rng.randrange(len(w.appraisers))]
    loans: list[dict[str, Any]] = []
    members: Members = [
        ("Company", agency.uscc, "intermediary"),
        ("Person", broker.pid, "broker"),
        ("Person", off[0].pid, "loan_officer"),
        ("Company", br.company.uscc, "branch"),
    ]
    kick_total = 0.0
    for _ in range(rng.randint(5, 8)):
        b = _p(w, rng, lo=1970, hi=1995)
        applied = start + rng.randint(0, 25) * DAY
        shell = _co(w, rng, b, "商贸", applied - rng.randint(20, 60) * DAY, capital=100.0)
        E.tax_rows(w, shell, ["2023"], 0, 0, zero=True)
        prop = E.new_property(w, rng, 2018)
        E.property_transfer(
            w,
            prop,
            b,
            _p(w, rng, "ring"),
            round(rng.uniform(3e6, 5e6), -3),
            lx.rand_date(rng, _dt.date(2017, 1, 1), _dt.date(2019, 12, 31)),
        )
        amount = float(rng.choice([1_000_000, 1_500_000, 2_000_000, 2_500_000, 3_000_000]))
        approved = applied + rng.randint(1, 4) * DAY
        E.mortgage_registration(w, prop, b, br, amount, approved + DAY)
        contract = E.loan(
            w,
            rng,
            borrower=b,
            company=shell,
            ltype="经营贷",
            amount=amount,
            purpose="补充流动资金",
            branch=br,
            officer=off,
            applied=applied,
            approved=approved,
            disbursed=approved + 2 * DAY,
            account=b.accounts[0],
            appraiser=appr,
            appraisal=round(amount / 0.7 * rng.uniform(1.0, 1.1), -3),
            prop_cert=prop["cert"],
            intermediary=agency,
            income=round(rng.uniform(20_000, 60_000), -3),
        )
        kick = round(amount * THRESHOLDS["kickback_ratio"] * rng.uniform(0.9, 1.1), 2)
        E.transfer(
            w,
            broker,
            broker.accounts[0],
            off[0],
            off[0].accounts[0],
            kick,
            _t(rng, approved + rng.randint(3, 8) * DAY, 19, 23),
            memo=rng.choice(("", "往来款", "还款")),
        )
        kick_total += kick
        loans.append({"borrower": b, "company": shell, "contract": contract, "amount": amount, "approved": approved})
        members += [
            ("Person", b.pid, "borrower"),
            ("Company", shell.uscc, "shell_borrower"),
            ("LoanAccount", contract, "loan"),
        ]
    first = min(x["approved"] for x in loans)
    last = max(x["approved"] for x in loans)
    when = last + rng.randint(200, 400) * DAY
    case_no = (
        f"京{D.PROC_ABBR[agency.district]}检刑诉〔{when.year}〕{w.ids.counter('qs:' + agency.district) * 13 + 60}号"
    )
    doc = D.indictment_loan_ring(w, rng, case_no, when, broker, agency, off[0], br.company, loans, kick_total)
    members.append(("Document", doc.id, "indictment"))
    rid = w.add_ring(
        "loans.broker_insider_ring",
        members,
        {
            "intermediary": agency.uscc,
            "broker": broker.pid,
            "loan_officer": off[0].pid,
            "officer_employee_no": off[1],
            "branch": br.company.uscc,
            "loans": [x["contract"] for x in loans],
            "loan_count": len(loans),
            "total_amount": sum(x["amount"] for x in loans),
            "first_approval": first.isoformat(),
            "last_approval": last.isoformat(),
            "window_days": (last - first).days,
            "kickback_total": round(kick_total, 2),
            "kickback_ratio": round(kick_total / sum(x["amount"] for x in loans), 4),
        },
        f"中介{agency.name}在{(last - first).days}天内介绍{len(loans)}笔经营贷，均由客户经理{off[0].name}审批，"
        f"借款企业均为新设零申报公司，中介向客户经理转账约1%好处费。",
    )
    doc.save(rid)


def hn_busy_agency(w: World, rng: random.Random) -> None:
    """A real estate agency brokering many loans across many officers and a long period."""
    agency = _co(w, rng, _p(w, rng, "hard_negative"), "房地产经纪", _dt.date(2012, 5, 1), role="hard_negative")
    members: Members = [("Company", agency.uscc, "intermediary")]
    officers = set()
    dates = []
    for j in range(rng.randint(10, 14)):
        b = _p(w, rng, "hard_negative")
        d = lx.rand_date(rng, T0, T1)
        br = w.branches[j % len(w.branches)]
        off = br.officers[rng.randrange(len(br.officers))]
        officers.add(off[1])
        dates.append(d)
        prop = E.new_property(w, rng, d.year)
        price = round(rng.uniform(3e6, 7e6), -3)
        E.property_transfer(w, prop, b, _p(w, rng, "hard_negative"), price, d)
        amt = round(price * 0.5, -3)
        E.mortgage_registration(w, prop, b, br, amt, d + 5 * DAY)
        c = E.loan(
            w,
            rng,
            borrower=b,
            company=None,
            ltype="房贷",
            amount=amt,
            purpose="购买住房",
            branch=br,
            officer=off,
            applied=d - 20 * DAY,
            approved=d - 3 * DAY,
            disbursed=d + 30 * DAY,
            account=b.accounts[0],
            appraiser=w.appraisers[rng.randrange(len(w.appraisers))],
            appraisal=round(price * rng.uniform(0.98, 1.05), -3),
            prop_cert=prop["cert"],
            intermediary=agency,
            income=round(rng.uniform(2e5, 8e5), -3),
            months=360,
        )
        members += [("Person", b.pid, "borrower"), ("LoanAccount", c, "loan")]
    w.add_hard_negative(
        "loans.broker_insider_ring",
        members,
        "intermediary brokering many loans",
        "正规房产中介：贷款分散在多名客户经理、跨越一年以上，均为真实购房房贷，中介与客户经理之间无资金往来。",
        {
            "officers": len(officers),
            "loans": len(members) - 1,
            "span_days": (max(dates) - min(dates)).days,
            "transfers_to_officers": 0,
        },
    )


def plant_shell_cluster(w: World, rng: random.Random) -> None:
    """Shell borrowers sharing address, phone, registration agent and capital, zero tax."""
    loan_day = lx.rand_date(rng, T0 + 90 * DAY, T1)
    agent = _p(w, rng)
    dcode, addr = lx.address(rng)
    phone = agent.phone
    br, off = _officer(w, rng)
    appr = w.appraisers[rng.randrange(len(w.appraisers))]
    members: Members = [
        ("Person", agent.pid, "registration_agent"),
        ("Phone", phone, "shared_phone"),
        ("Address", addr, "shared_address"),
        ("Person", off[0].pid, "loan_officer"),
        ("Company", appr.uscc, "appraisal_firm"),
    ]
    comps, loans, gaps = [], [], []
    for _ in range(rng.randint(4, 6)):
        rep = _p(w, rng, lo=1975, hi=1998)
        founded = loan_day - rng.randint(15, 60) * DAY
        c = _co(w, rng, rep, "商贸", founded, address=addr, district=dcode, phone=phone, agent=agent, capital=100.0)
        E.tax_rows(w, c, ["2023", "2024Q1"], 0, 0, zero=True)
        prop = E.new_property(w, rng, 2016)
        E.property_transfer(
            w,
            prop,
            rep,
            _p(w, rng),
            round(rng.uniform(2.5e6, 4e6), -3),
            _dt.date(2016, 6, 1) + rng.randint(0, 900) * DAY,
        )
        amt = float(rng.choice([1_000_000, 1_200_000, 1_500_000]))
        ld = loan_day + rng.randint(0, 10) * DAY
        E.mortgage_registration(w, prop, rep, br, amt, ld + DAY)
        lc = E.loan(
            w,
            rng,
            borrower=rep,
            company=c,
            ltype="经营贷",
            amount=amt,
            purpose="采购货物",
            branch=br,
            officer=off,
            applied=ld,
            approved=ld + DAY,
            disbursed=ld + 3 * DAY,
            account=rep.accounts[0],
            appraiser=appr,
            appraisal=round(amt / 0.65, -3),
            prop_cert=prop["cert"],
            income=round(rng.uniform(24_000, 50_000), -3),
        )
        comps.append(c.uscc)
        loans.append(lc)
        gaps.append((ld - founded).days)
        members += [
            ("Company", c.uscc, "shell_borrower"),
            ("Person", rep.pid, "legal_representative"),
            ("LoanAccount", lc, "loan"),
        ]
    w.add_ring(
        "loans.shell_borrower_cluster",
        members,
        {
            "companies": comps,
            "shared_address": addr,
            "shared_phone": phone,
            "registration_agent": agent.pid,
            "registered_capital_wan": 100,
            "loan_officer": off[0].pid,
            "appraisal_firm": appr.uscc,
            "loans": loans,
            "max_days_registered_before_loan": max(gaps),
            "zero_tax_filings": True,
            "social_insurance_headcount": 0,
        },
        f"{len(comps)}家公司同一住所、同一电话、同一登记代理人、注册资本均为100万元，成立后{max(gaps)}天内即申请经营贷，"
        f"零申报且无社保，由同一客户经理审批、同一评估机构评估。",
    )


def hn_incubator(w: World, rng: random.Random) -> None:
    """Many genuine companies at one incubator address (众创空间), different agents, paying tax."""
    dcode, addr = lx.address(rng)
    addr = addr.split("号")[0] + "号众创空间"
    members: Members = [("Address", addr, "shared_address")]
    for j in range(rng.randint(5, 7)):
        rep = _p(w, rng, "hard_negative")
        c = _co(
            w,
            rng,
            rep,
            "信息技术",
            _dt.date(2012 + j, 3, 1) + rng.randint(0, 200) * DAY,
            role="hard_negative",
            address=addr,
            district=dcode,
            agent=_p(w, rng, "hard_negative"),
        )
        E.tax_rows(w, c, ["2022", "2023"], rng.uniform(1e6, 8e6), rng.randint(8, 60))
        members.append(("Company", c.uscc, "tenant"))
    w.add_hard_negative(
        "loans.shell_borrower_cluster",
        members,
        "companies sharing an address",
        "孵化器集中注册地址：各公司成立时间相隔多年、登记代理人不同、正常纳税并缴纳社保，且无经营贷。",
        {"companies": len(members) - 1, "zero_filings": 0},
    )


def plant_bridge_loop(w: World, rng: random.Random) -> None:
    """垫资过桥: a funder pays for the flat, the 经营贷 proceeds flow back within days."""
    d = lx.rand_date(rng, T0, T1)
    funder = _p(w, rng)
    borrower = _p(w, rng)
    seller = _p(w, rng)
    shell = _co(w, rng, borrower, "商贸", d - 200 * DAY)
    E.tax_rows(w, shell, ["2023"], 0, 0, zero=True)
    br, off = _officer(w, rng, bank=borrower.account_bank[0])
    price = round(rng.uniform(3e6, 6e6), -4)
    prop = E.new_property(w, rng, d.year)
    bridge_t = _t(rng, d - rng.randint(2, 5) * DAY)
    s1 = E.transfer(w, funder, funder.accounts[0], borrower, borrower.accounts[0], price, bridge_t, "借款")
    pay_t = bridge_t + _dt.timedelta(hours=rng.randint(1, 20))
    s2 = E.transfer(w, borrower, borrower.accounts[0], seller, seller.accounts[0], price, pay_t, "购房款")
    E.property_transfer(w, prop, borrower, seller, price, d)
    mort_d = d + rng.randint(2, 6) * DAY
    amount = round(price * rng.uniform(0.9, 1.0), -4)
    E.mortgage_registration(w, prop, borrower, br, amount, mort_d)
    disb = mort_d + rng.randint(1, 3) * DAY
    lc = E.loan(
        w,
        rng,
        borrower=borrower,
        company=shell,
        ltype="经营贷",
        amount=amount,
        purpose="经营周转",
        branch=br,
        officer=off,
        applied=d - 10 * DAY,
        approved=mort_d,
        disbursed=disb,
        account=borrower.accounts[0],
        appraiser=w.appraisers[rng.randrange(len(w.appraisers))],
        appraisal=round(price * 1.15, -3),
        prop_cert=prop["cert"],
        income=60_000.0,
    )
    back = round(amount * rng.uniform(0.97, 1.0), 2)
    back_t = _t(rng, disb + rng.randint(0, 2) * DAY, 10, 20)
    s3 = E.transfer(w, borrower, borrower.accounts[0], funder, funder.accounts[0], back, back_t, "还款")
    rows = [
        (bridge_t, price, funder, funder.accounts[0], "借款"),
        (pay_t, -price, seller, seller.accounts[0], "购房款"),
        (_t(rng, disb, 9, 10), amount, br.company, "", "贷款发放"),
        (back_t, -back, funder, funder.accounts[0], "还款"),
    ]
    doc = D.bank_statement(
        w, rng, borrower, borrower.accounts[0], borrower.account_bank[0], rows, round(rng.uniform(1000, 30000), 2)
    )
    rid = w.add_ring(
        "loans.bridge_funding_loop",
        [
            ("Person", funder.pid, "bridge_funder"),
            ("Person", borrower.pid, "borrower"),
            ("Person", seller.pid, "seller"),
            ("Company", shell.uscc, "borrower_company"),
            ("Property", prop["cert"], "property"),
            ("LoanAccount", lc, "loan"),
            ("BankAccount", funder.accounts[0], "funder_account"),
            ("BankAccount", borrower.accounts[0], "borrower_account"),
            ("Document", doc.id, "bank_statement"),
        ],
        {
            "bridge_funder": funder.pid,
            "borrower": borrower.pid,
            "property": prop["cert"],
            "loan": lc,
            "bridge_amount": price,
            "loan_amount": amount,
            "returned_amount": back,
            "days_bridge_to_mortgage": (mort_d - bridge_t.date()).days,
            "days_disbursal_to_return": (back_t.date() - disb).days,
            "transfers": [s1, s2, s3],
        },
        f"垫资方{funder.name}在抵押登记前{(mort_d - bridge_t.date()).days}天向借款人转入购房款，"
        f"经营贷放款后{(back_t.date() - disb).days}天内资金回流垫资方，经营贷实际用于购房。",
    )
    doc.save(rid)


def hn_family_lender(w: World, rng: random.Random) -> None:
    """A parent lends the down payment and is repaid monthly over a year: not a bridge loop."""
    parent = _p(w, rng, "hard_negative", 1955 + 5, 1968)
    child = _p(w, rng, "hard_negative", 1988, 1998)
    d = lx.rand_date(rng, T0, T1 - 400 * DAY)
    amount = float(rng.choice([500_000, 800_000, 1_000_000]))
    lent = d - rng.randint(120, 200) * DAY
    E.transfer(w, parent, parent.accounts[0], child, child.accounts[0], amount, _t(rng, lent), "首付款")
    prop = E.new_property(w, rng, d.year)
    price = round(amount / 0.35, -4)
    E.property_transfer(w, prop, child, _p(w, rng, "hard_negative"), price, d)
    br = w.branches[rng.randrange(len(w.branches))]
    off = br.officers[rng.randrange(len(br.officers))]
    E.mortgage_registration(w, prop, child, br, price - amount, d + 7 * DAY)
    lc = E.loan(
        w,
        rng,
        borrower=child,
        company=None,
        ltype="房贷",
        amount=price - amount,
        purpose="购买住房",
        branch=br,
        officer=off,
        applied=d - 25 * DAY,
        approved=d - 5 * DAY,
        disbursed=d + 30 * DAY,
        account=child.accounts[0],
        appraiser=w.appraisers[rng.randrange(len(w.appraisers))],
        appraisal=round(price * 1.02, -3),
        prop_cert=prop["cert"],
        income=360_000.0,
        months=360,
    )
    for m in range(12):
        E.transfer(
            w,
            child,
            child.accounts[0],
            parent,
            parent.accounts[0],
            round(amount / 100, 2),
            _t(rng, d + (30 * (m + 1)) * DAY),
            "还款",
        )
    doc = D.interview_family_lender(w, rng, child, parent, amount, lent)
    hid = w.add_hard_negative(
        "loans.bridge_funding_loop",
        [
            ("Person", parent.pid, "family_lender"),
            ("Person", child.pid, "borrower"),
            ("Property", prop["cert"], "property"),
            ("LoanAccount", lc, "loan"),
            ("Document", doc.id, "interview"),
        ],
        "family money before a mortgage",
        "家庭借款：父母在购房前数月转入首付款，贷款为正常房贷，子女按月小额还款一年，不存在放款后资金快速回流。",
        {"days_before_purchase": (d - lent).days, "monthly_repayment": round(amount / 100, 2)},
    )
    doc.save(hid)


def plant_high_appraisal(w: World, rng: random.Random) -> None:
    """高评高贷: appraisal >= 1.5x the deal price, loan above the price."""
    d = lx.rand_date(rng, T0, T1)
    buyer = _p(w, rng)
    seller = _p(w, rng)
    c = _co(w, rng, buyer, "贸易", d - rng.randint(100, 400) * DAY)
    prop = E.new_property(w, rng, d.year)
    price = round(rng.uniform(2e6, 4e6), -4)
    E.property_transfer(w, prop, buyer, seller, price, d)
    ratio = rng.uniform(1.5, 2.0)
    appraisal = round(price * ratio, -3)
    amount = round(appraisal * 0.7, -4)
    br, off = _officer(w, rng)
    appr = w.appraisers[rng.randrange(len(w.appraisers))]
    E.mortgage_registration(w, prop, buyer, br, amount, d + 20 * DAY)
    lc = E.loan(
        w,
        rng,
        borrower=buyer,
        company=c,
        ltype="经营贷",
        amount=amount,
        purpose="补充流动资金",
        branch=br,
        officer=off,
        applied=d + 10 * DAY,
        approved=d + 18 * DAY,
        disbursed=d + 22 * DAY,
        account=buyer.accounts[0],
        appraiser=appr,
        appraisal=appraisal,
        prop_cert=prop["cert"],
        income=120_000.0,
    )
    w.add_ring(
        "loans.high_appraisal",
        [
            ("Property", prop["cert"], "property"),
            ("LoanAccount", lc, "loan"),
            ("Person", buyer.pid, "borrower"),
            ("Company", c.uscc, "borrower_company"),
            ("Company", appr.uscc, "appraisal_firm"),
            ("Person", off[0].pid, "loan_officer"),
        ],
        {
            "property": prop["cert"],
            "loan": lc,
            "deal_price": price,
            "appraisal_value": appraisal,
            "appraisal_ratio": round(appraisal / price, 3),
            "loan_amount": amount,
            "loan_to_price": round(amount / price, 3),
            "appraisal_firm": appr.uscc,
            "threshold": THRESHOLDS["appraisal_ratio"],
        },
        f"不动产成交价{price:.0f}元，评估价{appraisal:.0f}元，为成交价的{appraisal / price:.2f}倍，贷款金额超过成交价。",
    )


def hn_fair_appraisal(w: World, rng: random.Random) -> None:
    """A 经营贷 with an appraisal close to the deal price."""
    d = lx.rand_date(rng, T0, T1)
    buyer = _p(w, rng, "hard_negative")
    c = _co(w, rng, buyer, "贸易", _dt.date(2015, 1, 1), role="hard_negative")
    E.tax_rows(w, c, ["2022", "2023"], 3e6, 25)
    prop = E.new_property(w, rng, d.year)
    price = round(rng.uniform(3e6, 5e6), -4)
    E.property_transfer(w, prop, buyer, _p(w, rng, "hard_negative"), price, d)
    appraisal = round(price * rng.uniform(1.02, 1.12), -3)
    br = w.branches[rng.randrange(len(w.branches))]
    off = br.officers[rng.randrange(len(br.officers))]
    amount = round(appraisal * 0.6, -4)
    E.mortgage_registration(w, prop, buyer, br, amount, d + 30 * DAY)
    lc = E.loan(
        w,
        rng,
        borrower=buyer,
        company=c,
        ltype="经营贷",
        amount=amount,
        purpose="补充流动资金",
        branch=br,
        officer=off,
        applied=d + 20 * DAY,
        approved=d + 28 * DAY,
        disbursed=d + 32 * DAY,
        account=buyer.accounts[0],
        appraiser=w.appraisers[rng.randrange(len(w.appraisers))],
        appraisal=appraisal,
        prop_cert=prop["cert"],
        income=800_000.0,
    )
    w.add_hard_negative(
        "loans.high_appraisal",
        [("Property", prop["cert"], "property"), ("LoanAccount", lc, "loan"), ("Company", c.uscc, "borrower_company")],
        "business loan secured on a recent purchase",
        "评估价与成交价接近（低于1.3倍），贷款金额低于成交价，借款企业正常经营纳税。",
        {"appraisal_ratio": round(appraisal / price, 3)},
    )


def plant_professional_borrower(w: World, rng: random.Random) -> None:
    """职业背债人: many loans at different banks in months, low income, shell companies."""
    p = _p(w, rng, lo=1975, hi=1995)
    inter = _p(w, rng)
    start = lx.rand_date(rng, T0, T1 - 300 * DAY)
    shells = [_co(w, rng, p, "商贸", start - rng.randint(10, 90) * DAY) for _ in range(2)]
    for s in shells:
        E.tax_rows(w, s, ["2023"], 0, 0, zero=True)
    loans: list[dict[str, Any]] = []
    members: Members = [("Person", p.pid, "professional_borrower"), ("Person", inter.pid, "intermediary")]
    branches = rng.sample(w.branches, k=min(len(w.branches), rng.randint(5, 7)))
    for j, br in enumerate(branches):
        d = start + rng.randint(0, 280) * DAY
        off = br.officers[rng.randrange(len(br.officers))]
        amt = float(rng.choice([200_000, 300_000, 500_000, 800_000, 1_000_000]))
        lt = "经营贷" if j % 2 == 0 else "消费贷"
        lc = E.loan(
            w,
            rng,
            borrower=p,
            company=shells[j % 2] if lt == "经营贷" else None,
            ltype=lt,
            amount=amt,
            purpose="经营周转" if lt == "经营贷" else "装修",
            branch=br,
            officer=off,
            applied=d,
            approved=d + 3 * DAY,
            disbursed=d + 5 * DAY,
            account=p.accounts[0],
            intermediary=inter,
            income=float(rng.choice([0, 24_000, 36_000])),
        )
        E.transfer(w, p, p.accounts[0], inter, inter.accounts[0], amt * 0.97, _t(rng, d + 5 * DAY, 15, 20), "")
        loans.append(
            {
                "contract": lc,
                "amount": amt,
                "approved": d + 3 * DAY,
                "bank": br.company.name,
                "bank_id": br.company.uscc,
            }
        )
        members.append(("LoanAccount", lc, "loan"))
    members += [("Company", s.uscc, "shell_company") for s in shells]
    doc = D.interview_professional_borrower(w, rng, p, inter, sorted(loans, key=lambda x: x["approved"]))
    members.append(("Document", doc.id, "interview"))
    ds = [x["approved"] for x in loans]
    rid = w.add_ring(
        "loans.professional_borrower",
        members,
        {
            "borrower": p.pid,
            "loans": [x["contract"] for x in loans],
            "loan_count": len(loans),
            "banks": len({x["bank"].split("股份")[0] for x in loans}),
            "total_amount": sum(x["amount"] for x in loans),
            "window_days": (max(ds) - min(ds)).days,
            "declared_income_max": 36_000,
            "social_insurance": False,
        },
        f"{p.name}在{(max(ds) - min(ds)).days}天内于{len(loans)}家银行网点取得贷款，申报年收入极低，名下为零申报空壳公司，"
        f"放款后资金转给介绍人。",
    )
    doc.save(rid)


def hn_business_owner(w: World, rng: random.Random) -> None:
    """A real business owner with a few loans over years, high income, tax paid."""
    p = _p(w, rng, "hard_negative", 1965, 1980)
    c = _co(w, rng, p, "机械设备", _dt.date(2010, 4, 1), role="hard_negative")
    E.tax_rows(w, c, ["2021", "2022", "2023"], 1.2e7, 45)
    members: Members = [("Person", p.pid, "borrower"), ("Company", c.uscc, "company")]
    for j in range(3):
        br = w.branches[rng.randrange(len(w.branches))]
        d = _dt.date(2020 + j * 2 - 1, 3, 1) + rng.randint(0, 200) * DAY
        lc = E.loan(
            w,
            rng,
            borrower=p,
            company=c,
            ltype="经营贷",
            amount=2_000_000.0,
            purpose="采购原材料",
            branch=br,
            officer=br.officers[0],
            applied=d,
            approved=d + 15 * DAY,
            disbursed=d + 20 * DAY,
            account=p.accounts[0],
            income=1_200_000.0,
            months=36,
        )
        members.append(("LoanAccount", lc, "loan"))
    w.add_hard_negative(
        "loans.professional_borrower",
        members,
        "person with several loans",
        "真实经营者：数年内仅3笔经营贷，年收入高，企业正常纳税并有数十名参保职工。",
        {"loans": 3, "income": 1_200_000},
    )


# ====================================================================================
# certificates
# ====================================================================================
JOBS = B.JOBS


def _fake_domain(w: World, rng: random.Random) -> str:
    stem = rng.choice(("tzzy", "aqsc", "tzcz", "zyzg", "czzcx", "mem-cx"))
    return f"www.{stem}{w.ids.counter('domain'):03d}{rng.choice(('.com', '.cn', '.net', '.com.cn'))}"


def _fake_buyers(w: World, rng: random.Random, domain: str, n: int, when: _dt.date) -> list[tuple[Person, str]]:
    out = []
    for _ in range(n):
        b = _p(w, rng, lo=1970, hi=2000)
        job, op = JOBS[rng.randrange(len(JOBS))]
        cert = "T" + b.pid
        url = f"http://{domain}/cx.asp?zjh={cert}"
        w.emit(
            "fake_site_buyers",
            {
                "网站域名": domain,
                "页面地址": url,
                "证书编号": cert,
                "姓名": b.name,
                "身份证号": b.pid,
                "作业类别": job,
                "操作项目": op,
                "有效期至": (when.replace(day=1) + 6 * 365 * DAY).isoformat(),
                "抓取时间": f"{T1 + rng.randint(10, 200) * DAY:%Y-%m-%d} 02:{rng.randint(10, 59)}:00",
            },
            [("Person", b.pid, "姓名"), ("Person", b.pid, "身份证号")],
        )
        builder = w.builders[rng.randrange(len(w.builders))]
        B.worksite_row(w, rng, b, cert, job, builder, url)
        out.append((b, cert))
    return out


def plant_fake_cert_chain(w: World, rng: random.Random) -> None:
    """Forger -> seller -> buyers -> work sites; certificates absent from the registry."""
    when = lx.rand_date(rng, T0, T1 - 200 * DAY)
    forger, seller = _p(w, rng), _p(w, rng)
    domain = _fake_domain(w, rng)
    buyers = _fake_buyers(w, rng, domain, rng.randint(4, 7), when)
    total = 0.0
    for b, _ in buyers:
        fee = float(rng.choice([1200, 1500, 1800, 2000, 2500]))
        total += fee
        E.transfer(
            w,
            b,
            b.accounts[0],
            seller,
            seller.accounts[0],
            fee,
            _t(rng, when + rng.randint(0, 90) * DAY),
            rng.choice(("", "办证", "考证费")),
            channel="手机银行",
        )
    E.transfer(
        w, seller, seller.accounts[0], forger, forger.accounts[0], round(total * 0.6, 2), _t(rng, when + 100 * DAY), ""
    )
    jd = when + rng.randint(300, 500) * DAY
    m_forger, m_seller = 12 * rng.randint(3, 5), rng.randint(12, 36)
    case_no, _ = E.judgment_row(
        w, court_district="110105", defendant=forger, crime="伪造国家机关证件罪", when=jd, months=m_forger
    )
    E.judgment_row(w, court_district="110105", defendant=seller, crime="买卖国家机关证件罪", when=jd, months=m_seller)
    doc = D.judgment_fake_certs(
        w, rng, case_no, jd, forger, seller, [b for b, _ in buyers], domain, total, "110105", (m_forger, m_seller)
    )
    members: Members = [
        ("Person", forger.pid, "forger"),
        ("Person", seller.pid, "seller"),
        ("Website", domain, "fake_site"),
        ("CriminalCase", case_no, "judgment"),
        ("Document", doc.id, "judgment"),
    ]
    for b, cert in buyers:
        members += [("Person", b.pid, "buyer"), ("Certificate", cert, "fake_certificate")]
    rid = w.add_ring(
        "certs.fake_certificate_chain",
        members,
        {
            "forger": forger.pid,
            "seller": seller.pid,
            "website": domain,
            "buyers": [b.pid for b, _ in buyers],
            "certificates": [c for _, c in buyers],
            "in_official_registry": False,
            "buyer_payments_total": total,
        },
        f"{len(buyers)}人出现在伪造网站{domain}的购买名单，其证书在应急管理部官方库中无记录，均向{seller.name}付款，"
        f"{seller.name}再向{forger.name}转账。",
    )
    doc.save(rid)


def plant_fake_site(w: World, rng: random.Random) -> None:
    """A fake verification site whose certificates appear on work-site rosters."""
    when = lx.rand_date(rng, T0, T1)
    domain = _fake_domain(w, rng)
    buyers = _fake_buyers(w, rng, domain, rng.randint(5, 9), when)
    members: Members = [("Website", domain, "fake_site")]
    for b, cert in buyers:
        members += [("Certificate", cert, "fake_certificate"), ("Person", b.pid, "holder")]
    w.add_ring(
        "certs.fake_verification_site",
        members,
        {
            "website": domain,
            "official_domain": "cx.mem.gov.cn",
            "certificates": [c for _, c in buyers],
            "certificate_count": len(buyers),
        },
        f"施工现场{len(buyers)}张特种作业操作证的查询网址指向非政府域名{domain}，且证书不在官方库中。",
    )


def hn_genuine_cert(w: World, rng: random.Random) -> None:
    """A valid official certificate with the government URL (same job types as fakes)."""
    p = _p(w, rng, "hard_negative")
    job, op = JOBS[rng.randrange(len(JOBS))]
    cert = "T" + p.pid
    first = lx.rand_date(rng, _dt.date(2019, 1, 1), _dt.date(2023, 1, 1))
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
            "有效期至": (first + 6 * 365 * DAY).isoformat(),
            "证书状态": "有效",
            "发证机关": "北京市应急管理局",
            "查询网址": "http://cx.mem.gov.cn/",
        },
        [("Person", p.pid, "姓名"), ("Person", p.pid, "身份证号")],
    )
    B.worksite_row(w, rng, p, cert, job, w.builders[rng.randrange(len(w.builders))], "http://cx.mem.gov.cn/")
    for model in ("certs.fake_certificate_chain", "certs.fake_verification_site"):
        w.add_hard_negative(
            model,
            [("Person", p.pid, "holder"), ("Certificate", cert, "certificate")],
            "certificate on a work-site roster",
            "证书在应急管理部官方库中有效，查询网址为政府域名，不在任何伪造网站名单中。",
            {"status": "有效"},
        )


# ====================================================================================
# refined-oil tax
# ====================================================================================
def _station(w: World, rng: random.Random, role: str) -> Company:
    rep = _p(w, rng, role)
    st = _co(
        w,
        rng,
        rep,
        "加油站",
        _dt.date(2014, 1, 1) + rng.randint(0, 1500) * DAY,
        role=role,
        name=lx.company_name(rng, "加油站"),
    )
    st.extra["licence"] = f"油零售证书第{st.district}{w.ids.counter('oil-licence'):04d}号"
    st.extra["pumps"] = rng.randint(6, 12)
    return st


def plant_revenue_gap(w: World, rng: random.Random) -> None:
    """A station declaring far less revenue than its purchases imply."""
    st = _station(w, rng, "ring")
    tot = station_year(w, rng, st, ratio=rng.uniform(0.2, 0.4))
    w.add_ring(
        "oiltax.revenue_gap",
        [("Company", st.uscc, "gas_station"), ("License", st.extra["licence"], "retail_licence")],
        {
            "station": st.uscc,
            "period": "2023",
            "purchased_liters": tot["liters"],
            "estimated_revenue": tot["estimated_revenue"],
            "declared_revenue": tot["declared_revenue"],
            "declared_to_estimated": round(tot["declared_revenue"] / tot["estimated_revenue"], 3),
            "threshold": THRESHOLDS["revenue_gap_ratio"],
        },
        f"加油站{st.name}2023年购进成品油推算销售额{tot['estimated_revenue']:.0f}元，申报仅{tot['declared_revenue']:.0f}元。",
    )


def hn_honest_station(w: World, rng: random.Random) -> None:
    """A station whose declarations match its purchases."""
    st = _station(w, rng, "hard_negative")
    tot = station_year(w, rng, st, ratio=rng.uniform(0.96, 1.04))
    w.add_hard_negative(
        "oiltax.revenue_gap",
        [("Company", st.uscc, "gas_station")],
        "gas station",
        "申报销售额与购进量推算销售额基本一致。",
        {"declared_to_estimated": round(tot["declared_revenue"] / tot["estimated_revenue"], 3)},
    )


def plant_capacity_mismatch(w: World, rng: random.Random) -> None:
    """复合柴油 invoices to buyers whose fleets cannot burn that much."""
    sup = _co(
        w,
        rng,
        _p(w, rng),
        "石油化工",
        _dt.date(2021, 6, 1) + rng.randint(0, 300) * DAY,
        name=lx.company_name(rng, "石油化工"),
    )
    members: Members = [("Company", sup.uscc, "supplier")]
    detail = []
    for _ in range(rng.randint(2, 3)):
        buyer = _co(w, rng, _p(w, rng), "物流", _dt.date(2018, 1, 1) + rng.randint(0, 900) * DAY)
        cnt = rng.randint(2, 5)
        cap = cnt * 30000
        w.emit(
            "equipment_fleet",
            {
                "单位名称": buyer.name,
                "统一社会信用代码": buyer.uscc,
                "设备类型": "重型货车",
                "数量": cnt,
                "单台年耗油上限(升)": 30000,
                "年耗油能力(升)": cap,
                "登记来源": "交通运输部门",
            },
            [("Company", buyer.uscc, "单位名称"), ("Company", buyer.uscc, "统一社会信用代码")],
        )
        liters = 0.0
        invs = []
        for _ in range(rng.randint(4, 7)):
            q = round(rng.uniform(60_000, 120_000), 0)
            liters += q
            invs.append(
                E.invoice(
                    w,
                    sup,
                    buyer,
                    lx.rand_date(rng, _dt.date(2023, 1, 1), _dt.date(2023, 12, 31)),
                    "*化工产品*复合柴油",
                    "升",
                    q,
                    5.2,
                )
            )
        detail.append(
            {
                "buyer": buyer.uscc,
                "invoiced_liters": liters,
                "capacity_liters": cap,
                "ratio": round(liters / cap, 2),
                "invoices": invs,
            }
        )
        members += [("Company", buyer.uscc, "buyer")] + [("Invoice", i, "invoice") for i in invs]
    w.add_ring(
        "oiltax.invoice_capacity_mismatch",
        members,
        {
            "supplier": sup.uscc,
            "product": "复合柴油",
            "period": "2023",
            "buyers": detail,
            "threshold": THRESHOLDS["capacity_ratio"],
        },
        "供应商开具“复合柴油”发票，受票企业全年受票量远超其车辆年耗油能力。",
    )


def hn_big_fleet(w: World, rng: random.Random) -> None:
    """A large logistics fleet buying much diesel, below its capacity."""
    buyer = _co(w, rng, _p(w, rng, "hard_negative"), "物流", _dt.date(2008, 1, 1), role="hard_negative")
    cnt = rng.randint(60, 90)
    w.emit(
        "equipment_fleet",
        {
            "单位名称": buyer.name,
            "统一社会信用代码": buyer.uscc,
            "设备类型": "重型货车",
            "数量": cnt,
            "单台年耗油上限(升)": 30000,
            "年耗油能力(升)": cnt * 30000,
            "登记来源": "交通运输部门",
        },
        [("Company", buyer.uscc, "单位名称"), ("Company", buyer.uscc, "统一社会信用代码")],
    )
    liters = 0.0
    for _ in range(8):
        q = round(rng.uniform(100_000, 150_000), 0)
        liters += q
        E.invoice(
            w,
            w.suppliers[rng.randrange(len(w.suppliers))],
            buyer,
            lx.rand_date(rng, _dt.date(2023, 1, 1), _dt.date(2023, 12, 31)),
            "*柴油*0号柴油",
            "升",
            q,
            6.5,
        )
    w.add_hard_negative(
        "oiltax.invoice_capacity_mismatch",
        [("Company", buyer.uscc, "buyer")],
        "big diesel buyer",
        "大型物流车队，受票量低于车辆年耗油能力，且为成品油柴油。",
        {"ratio": round(liters / (cnt * 30000), 2)},
    )


def plant_circular_invoicing(w: World, rng: random.Random) -> None:
    """A -> B -> C (-> D) -> A invoices of similar amounts between related firms."""
    boss = _p(w, rng)
    n = rng.randint(3, 4)
    comps = []
    for j in range(n):
        rep = boss if j % 2 == 0 else _p(w, rng)
        comps.append(_co(w, rng, rep, "供应链管理", _dt.date(2021, 1, 1) + rng.randint(0, 500) * DAY, phone=boss.phone))
    d = lx.rand_date(rng, _dt.date(2023, 1, 1), _dt.date(2023, 11, 30))
    base = round(rng.uniform(2e6, 8e6), -3)
    invs = []
    for j in range(n):
        a, b = comps[j], comps[(j + 1) % n]
        invs.append(
            E.invoice(
                w,
                a,
                b,
                d + (j * rng.randint(2, 6)) * DAY,
                "*钢材*热轧卷板",
                "吨",
                round(base / 4200 * (1 + 0.02 * j), 2),
                4200.0,
            )
        )
    members: Members = [("Company", c.uscc, "cycle_member") for c in comps]
    members += [("Invoice", i, "invoice") for i in invs] + [
        ("Person", boss.pid, "common_controller"),
        ("Phone", boss.phone, "shared_phone"),
    ]
    w.add_ring(
        "oiltax.circular_invoicing",
        members,
        {
            "cycle": [c.uscc for c in comps],
            "invoices": invs,
            "base_amount": base,
            "max_days": 30,
            "common_controller": boss.pid,
        },
        f"{n}家关联企业（同一实际控制人、同一电话）之间在一个月内循环开具金额相近的钢材发票。",
    )


# ====================================================================================
# administrative-criminal linkage
# ====================================================================================
def plant_penalty_not_transferred(w: World, rng: random.Random) -> None:
    """销售伪劣产品 penalty with 货值 >= 5万元 and no transfer or police filing."""
    rep = _p(w, rng)
    c = _co(w, rng, rep, "商贸", _dt.date(2016, 1, 1) + rng.randint(0, 1500) * DAY)
    gv = round(rng.uniform(80_000, 400_000), 2)
    d = lx.rand_date(rng, T0, T1)
    no = E.penalty(
        w,
        rng,
        party=c,
        rep=rep,
        vtype="销售伪劣产品",
        facts=f"当事人销售以假充真的“某品牌”白酒，货值金额{gv:.2f}元。",
        goods_value=gv,
        illegal_gain=round(gv * 0.3, 2),
        fine=round(gv * 1.5, 2),
        when=d,
        transferred=False,
        district=c.district,
    )
    w.add_ring(
        "linkage.penalty_not_transferred",
        [("AdminPenalty", no, "penalty"), ("Company", c.uscc, "party"), ("Person", rep.pid, "legal_representative")],
        {
            "penalty": no,
            "party": c.uscc,
            "violation": "销售伪劣产品",
            "goods_value": gv,
            "threshold": THRESHOLDS["fake_goods_sales"],
            "transferred": False,
            "police_filing": None,
        },
        f"行政处罚认定货值金额{gv:.2f}元，已达销售伪劣产品罪立案追诉标准（5万元），未移送公安机关。",
    )


def hn_penalty_ok(w: World, rng: random.Random) -> None:
    """Penalties below the threshold, and one above it that was transferred and filed."""
    rep = _p(w, rng, "hard_negative")
    c = _co(w, rng, rep, "商贸", _dt.date(2015, 1, 1), role="hard_negative")
    d = lx.rand_date(rng, T0, T1)
    gv = round(rng.uniform(5_000, 30_000), 2)
    n1 = E.penalty(
        w,
        rng,
        party=c,
        rep=rep,
        vtype="销售伪劣产品",
        facts=f"当事人销售不合格产品，货值金额{gv:.2f}元。",
        goods_value=gv,
        illegal_gain=gv * 0.2,
        fine=gv,
        when=d,
        transferred=False,
        district=c.district,
    )
    rep2 = _p(w, rng, "hard_negative")
    c2 = _co(w, rng, rep2, "商贸", _dt.date(2014, 1, 1), role="hard_negative")
    gv2 = round(rng.uniform(100_000, 300_000), 2)
    n2 = E.penalty(
        w,
        rng,
        party=c2,
        rep=rep2,
        vtype="销售伪劣产品",
        facts=f"当事人销售假冒产品，货值金额{gv2:.2f}元。",
        goods_value=gv2,
        illegal_gain=gv2 * 0.3,
        fine=gv2,
        when=d,
        transferred=True,
        district=c2.district,
    )
    pc = E.police_case(
        w,
        when=d + 20 * DAY,
        name=f"{c2.name}涉嫌销售伪劣产品案",
        cause="销售伪劣产品罪",
        suspect=rep2,
        company=c2,
        amount=gv2,
        source="行政执法机关移送",
        ref_no=n2,
    )
    w.add_hard_negative(
        "linkage.penalty_not_transferred",
        [("AdminPenalty", n1, "penalty"), ("Company", c.uscc, "party")],
        "fake-goods penalty",
        "货值金额低于5万元追诉标准。",
        {"goods_value": gv},
    )
    w.add_hard_negative(
        "linkage.penalty_not_transferred",
        [("AdminPenalty", n2, "penalty"), ("Company", c2.uscc, "party"), ("CriminalCase", pc, "police_filing")],
        "fake-goods penalty over threshold",
        "已移送公安机关并立案。",
        {"goods_value": gv2},
    )


def plant_nonpros_no_penalty(w: World, rng: random.Random) -> None:
    """A non-prosecution with a 检察意见 recommending a penalty that never came."""
    p = _p(w, rng)
    d = lx.rand_date(rng, T0, _dt.date(2023, 12, 31))
    no, op = B.nonprosecution(
        w, rng, p, d, rng.choice(("销售伪劣产品", "非法经营", "生产、销售不符合安全标准的食品")), opinion=True
    )
    w.add_ring(
        "linkage.nonprosecution_no_penalty",
        [("NonProsecution", no, "decision"), ("Person", p.pid, "person")],
        {
            "decision": no,
            "person": p.pid,
            "decision_date": d.isoformat(),
            "opinion": op,
            "reply_deadline": (d + 61 * DAY).isoformat(),
            "later_penalty": None,
        },
        f"{p.name}被相对不起诉并制发检察意见建议行政处罚，至今无行政处罚记录。",
    )


def hn_nonpros_penalised(w: World, rng: random.Random) -> None:
    """A non-prosecution followed by the recommended penalty."""
    p = _p(w, rng, "hard_negative")
    d = lx.rand_date(rng, T0, _dt.date(2023, 12, 31))
    no, _ = B.nonprosecution(w, rng, p, d, "销售伪劣产品", opinion=True)
    pen = E.penalty(
        w,
        rng,
        party=p,
        rep=None,
        vtype="销售伪劣产品",
        facts="根据检察意见依法给予行政处罚。",
        goods_value=30_000.0,
        illegal_gain=5000.0,
        fine=20_000.0,
        when=d + 40 * DAY,
        transferred=False,
    )
    w.add_hard_negative(
        "linkage.nonprosecution_no_penalty",
        [("NonProsecution", no, "decision"), ("Person", p.pid, "person"), ("AdminPenalty", pen, "penalty")],
        "non-prosecution",
        "不起诉后40日内已给予行政处罚。",
        {"days_to_penalty": 40},
    )


def plant_disqualified_officer(w: World, rng: random.Random) -> None:
    """A convict (职务侵占) acting as legal representative within 5 years of release."""
    p = _p(w, rng, lo=1965, hi=1985)
    victim = _co(w, rng, _p(w, rng), "贸易", _dt.date(2010, 1, 1))
    jd = lx.rand_date(rng, _dt.date(2019, 1, 1), _dt.date(2020, 12, 31))
    months = rng.randint(18, 36)
    case_no, release = E.judgment_row(
        w, court_district="110105", defendant=p, crime="职务侵占罪", when=jd, months=months
    )
    founded = release + rng.randint(120, 700) * DAY
    c = _co(w, rng, p, "咨询", founded)
    amount = round(rng.uniform(3e5, 2e6), -2)
    doc = D.judgment_conviction(w, rng, case_no, jd, p, victim, "职务侵占罪", amount, months, "110105")
    rid = w.add_ring(
        "linkage.disqualified_officer_acting",
        [
            ("Person", p.pid, "disqualified_person"),
            ("CriminalCase", case_no, "conviction"),
            ("Company", c.uscc, "company_acting_for"),
            ("Document", doc.id, "judgment"),
        ],
        {
            "person": p.pid,
            "conviction": case_no,
            "crime": "职务侵占罪",
            "release_date": release.isoformat(),
            "company": c.uscc,
            "appointed": founded.isoformat(),
            "years_since_release": round((founded - release).days / 365.25, 2),
            "disqualification_years": THRESHOLDS["disqualification_years"],
        },
        f"{p.name}因职务侵占罪被判刑，刑满释放未逾五年即担任{c.name}法定代表人（公司法第一百七十八条）。",
    )
    doc.save(rid)


def hn_old_conviction(w: World, rng: random.Random) -> None:
    """A convict acting as legal representative long after the 5-year bar."""
    p = _p(w, rng, "hard_negative", 1960, 1975)
    case_no, release = E.judgment_row(
        w,
        court_district="110105",
        defendant=p,
        crime="职务侵占罪",
        when=_dt.date(2007, 5, 10) + rng.randint(0, 300) * DAY,
        months=24,
    )
    c = _co(w, rng, p, "咨询", _dt.date(2022, 3, 1) + rng.randint(0, 300) * DAY, role="hard_negative")
    w.add_hard_negative(
        "linkage.disqualified_officer_acting",
        [("Person", p.pid, "person"), ("CriminalCase", case_no, "conviction"), ("Company", c.uscc, "company")],
        "convict as legal representative",
        "刑满释放已超过五年，任职不受限制。",
        {"years_since_release": round((c.founded - release).days / 365.25, 1)},
    )


# ====================================================================================
# 12345 hotline
# ====================================================================================
FAKE_TEXTS = (
    "市民反映在{m}购买的{g}是假货，与正品对比包装明显不同，要求查处。",
    "来电人称{m}长期销售假冒{g}，价格远低于市场价，怀疑是假冒伪劣商品。",
    "反映{m}出售的{g}疑似山寨仿冒产品，使用后出现过敏，要求相关部门查处。",
    "市民称{m}销售的{g}标签与官网查询不符，怀疑售假，请市场监管部门核查。",
)
GOODS = ("茅台酒", "五粮液", "耐克运动鞋", "化妆品", "名牌手表", "奶粉", "香烟", "蓝牙耳机")


def plant_counterfeit_hotspot(w: World, rng: random.Random) -> None:
    """Several merchants in one area with repeated fake-goods complaints and no penalty."""
    dcode, _ = lx.address(rng)
    from kg.synth.ids import ADDRESS_DISTRICTS

    dname = dict(ADDRESS_DISTRICTS)[dcode]
    road = lx.ROADS[rng.randrange(len(lx.ROADS))]
    members: Members = []
    merchants, tickets = [], []
    for _ in range(rng.randint(2, 3)):
        addr = f"北京市{dname}{road}{rng.randint(1, 200)}号{rng.randint(1, 3)}层{rng.randint(101, 399)}"
        m = _co(
            w,
            rng,
            _p(w, rng),
            "商贸",
            _dt.date(2018, 1, 1) + rng.randint(0, 1000) * DAY,
            address=addr,
            district=dcode,
            name=lx.company_name(rng, "商贸").replace("商贸有限公司", "商行"),
            account=False,
        )
        m.extra["street"] = road
        merchants.append(m.uscc)
        members.append(("Company", m.uscc, "merchant"))
        for _ in range(rng.randint(4, 8)):
            t = lx.rand_time(rng, lx.rand_date(rng, T0, T1))
            g = GOODS[rng.randrange(len(GOODS))]
            no = E.hotline(
                w,
                rng,
                m,
                t,
                "假冒伪劣",
                FAKE_TEXTS[rng.randrange(len(FAKE_TEXTS))].format(m=m.name, g=g),
                rng.choice(("已转属地市场监管所", "已转办")),
            )
            tickets.append(no)
            members.append(("Complaint", no, "complaint"))
    w.add_ring(
        "hotline.counterfeit_hotspot",
        members,
        {
            "area": f"{dname}{road}",
            "merchants": merchants,
            "tickets": tickets,
            "ticket_count": len(tickets),
            "penalties": 0,
        },
        f"{dname}{road}一带{len(merchants)}家商户被12345工单反复反映售假（共{len(tickets)}件），均无行政处罚记录。",
    )


def hn_noisy_merchant(w: World, rng: random.Random) -> None:
    """A merchant with many complaints, none about fakes; and one penalised for fakes."""
    m = _co(w, rng, _p(w, rng, "hard_negative"), "餐饮管理", _dt.date(2017, 1, 1), role="hard_negative", account=False)
    for _ in range(rng.randint(6, 9)):
        topic, text = B.HOTLINE_TOPICS[rng.randrange(4)]
        E.hotline(
            w, rng, m, lx.rand_time(rng, lx.rand_date(rng, T0, T1)), topic, text.format(m=m.name), "已转属地街道办理"
        )
    m2 = _co(w, rng, _p(w, rng, "hard_negative"), "商贸", _dt.date(2016, 1, 1), role="hard_negative", account=False)
    for _ in range(4):
        E.hotline(
            w,
            rng,
            m2,
            lx.rand_time(rng, lx.rand_date(rng, T0, _dt.date(2023, 6, 30))),
            "假冒伪劣",
            FAKE_TEXTS[0].format(m=m2.name, g="化妆品"),
            "已转属地市场监管所",
        )
    pen = E.penalty(
        w,
        rng,
        party=m2,
        rep=m2.rep,
        vtype="销售假冒注册商标的商品",
        facts="经查实销售假冒化妆品，已处罚。",
        goods_value=30_000.0,
        illegal_gain=6000.0,
        fine=90_000.0,
        when=_dt.date(2023, 8, 1),
        transferred=False,
        district=m2.district,
    )
    w.add_hard_negative(
        "hotline.counterfeit_hotspot",
        [("Company", m.uscc, "merchant")],
        "merchant with many complaints",
        "投诉均为噪音、服务态度等，与售假无关。",
        {"fake_goods_tickets": 0},
    )
    w.add_hard_negative(
        "hotline.counterfeit_hotspot",
        [("Company", m2.uscc, "merchant"), ("AdminPenalty", pen, "penalty")],
        "merchant with fake-goods complaints",
        "售假投诉已查处并给予行政处罚。",
        {"penalties": 1},
    )


# ====================================================================================
# housing fund false litigation
# ====================================================================================
def plant_fund_loop(w: World, rng: random.Random) -> None:
    """Mediation -> confirmation next day -> enforcement -> fund paid to creditor -> returned."""
    creditor, agent = _p(w, rng), _p(w, rng)
    members: Members = [("Person", creditor.pid, "creditor"), ("Person", agent.pid, "agent")]
    clue_cases = []
    doc = None
    for j in range(rng.randint(3, 5)):
        debtor = _p(w, rng)
        debtor.fund_account = w.ids.fund_account()
        amount = round(rng.uniform(6e4, 2.5e5), -2)
        d = lx.rand_date(rng, T0, T1 - 60 * DAY)
        c1 = E.court_case(
            w,
            rng,
            ctype="诉前调解",
            cause="民间借贷纠纷",
            applicant=creditor,
            respondent=debtor,
            agent=agent,
            amount=amount,
            filed=d,
            closed=d,
            how="调解",
        )
        c2 = E.court_case(
            w,
            rng,
            ctype="司法确认",
            cause="申请司法确认调解协议",
            applicant=creditor,
            respondent=debtor,
            agent=agent,
            amount=amount,
            filed=d + DAY,
            closed=d + DAY,
            how="裁定确认",
            related=c1,
        )
        ed = d + rng.randint(10, 20) * DAY
        c3 = E.court_case(
            w,
            rng,
            ctype="执行",
            cause="民间借贷纠纷",
            applicant=creditor,
            respondent=debtor,
            agent=agent,
            amount=amount,
            filed=ed,
            closed=ed + 20 * DAY,
            how="执行完毕",
            related=c2,
        )
        pay = ed + rng.randint(10, 18) * DAY
        wid = w.ids.serial("GJJ", 12)
        w.emit(
            "housing_fund_withdrawals",
            {
                "提取业务编号": wid,
                "职工姓名": debtor.name,
                "身份证号": debtor.pid,
                "个人公积金账号": debtor.fund_account,
                "提取原因": "人民法院强制执行",
                "提取金额(元)": amount,
                "提取日期": pay.isoformat(),
                "收款人": creditor.name,
                "收款账号": creditor.accounts[0],
                "法律文书号": c3,
            },
            [
                ("Person", debtor.pid, "职工姓名"),
                ("Person", debtor.pid, "身份证号"),
                ("Person", creditor.pid, "收款人"),
            ],
        )
        back = round(amount * rng.uniform(0.88, 0.92), 2)
        tr = E.transfer(
            w,
            creditor,
            creditor.accounts[0],
            debtor,
            debtor.accounts[0],
            back,
            _t(rng, pay, 14, 20),
            rng.choice(("", "转账", "还款")),
        )
        clue_cases.append(
            {
                "debtor": debtor.pid,
                "mediation": c1,
                "confirmation": c2,
                "enforcement": c3,
                "withdrawal": wid,
                "amount": amount,
                "returned": back,
                "return_transfer": tr,
                "same_day_return": True,
            }
        )
        members += [
            ("Person", debtor.pid, "debtor"),
            ("CourtCase", c1, "mediation"),
            ("CourtCase", c2, "confirmation"),
            ("CourtCase", c3, "enforcement"),
            ("HousingFundWithdrawal", wid, "withdrawal"),
        ]
        if j == 0:
            doc = D.interview_fund_debtor(w, rng, debtor, creditor, agent, amount, d + DAY, pay)
            members.append(("Document", doc.id, "interview"))
    rid = w.add_ring(
        "housingfund.false_litigation_loop",
        members,
        {"creditor": creditor.pid, "agent": agent.pid, "cases": clue_cases, "case_count": len(clue_cases)},
        f"同一债权人{creditor.name}及代理人{agent.name}在{len(clue_cases)}起调解—次日司法确认—执行案件中提取债务人公积金，"
        f"当日即将约九成款项转回债务人。",
    )
    assert doc is not None
    doc.save(rid)


def hn_genuine_creditor(w: World, rng: random.Random) -> None:
    """Genuine enforcement against a debtor's fund; no money goes back."""
    creditor = _p(w, rng, "hard_negative")
    debtor = _p(w, rng, "hard_negative")
    debtor.fund_account = w.ids.fund_account()
    d = lx.rand_date(rng, T0, T1 - 200 * DAY)
    amount = round(rng.uniform(5e4, 2e5), -2)
    c1 = E.court_case(
        w,
        rng,
        ctype="民事判决",
        cause="民间借贷纠纷",
        applicant=creditor,
        respondent=debtor,
        agent=None,
        amount=amount,
        filed=d,
        closed=d + 95 * DAY,
        how="判决",
    )
    c3 = E.court_case(
        w,
        rng,
        ctype="执行",
        cause="民间借贷纠纷",
        applicant=creditor,
        respondent=debtor,
        agent=None,
        amount=amount,
        filed=d + 140 * DAY,
        closed=d + 190 * DAY,
        how="执行完毕",
        related=c1,
    )
    wid = w.ids.serial("GJJ", 12)
    w.emit(
        "housing_fund_withdrawals",
        {
            "提取业务编号": wid,
            "职工姓名": debtor.name,
            "身份证号": debtor.pid,
            "个人公积金账号": debtor.fund_account,
            "提取原因": "人民法院强制执行",
            "提取金额(元)": amount,
            "提取日期": (d + 170 * DAY).isoformat(),
            "收款人": creditor.name,
            "收款账号": creditor.accounts[0],
            "法律文书号": c3,
        },
        [("Person", debtor.pid, "职工姓名"), ("Person", debtor.pid, "身份证号"), ("Person", creditor.pid, "收款人")],
    )
    w.add_hard_negative(
        "housingfund.false_litigation_loop",
        [
            ("Person", creditor.pid, "creditor"),
            ("Person", debtor.pid, "debtor"),
            ("CourtCase", c3, "enforcement"),
            ("HousingFundWithdrawal", wid, "withdrawal"),
        ],
        "enforcement against a housing fund",
        "经诉讼判决后依法执行，债权人未将款项转回债务人。",
        {"returned": 0},
    )


# ====================================================================================
# medical insurance
# ====================================================================================
def plant_eligibility_no_history(w: World, rng: random.Random) -> None:
    """Chronic-disease eligibility with no prior inpatient stay or imaging."""
    p = _p(w, rng, lo=1955 + 5, hi=1980)
    h = w.hospitals[rng.randrange(len(w.hospitals))]
    d = lx.rand_date(rng, T0, T1 - 120 * DAY)
    dis = rng.choice(("恶性肿瘤门诊治疗", "尿毒症透析", "器官移植术后抗排异治疗"))
    no = B.chronic_eligibility(w, p, dis, d, h)
    sets = []
    for j in range(rng.randint(6, 10)):
        sd = d + (15 * (j + 1)) * DAY
        sets.append(E.medical(w, p, h, "门诊慢特病", sd, None, dis, rng.uniform(6000, 15000), 0.85))
    members: Members = [("Person", p.pid, "insured"), ("Company", h.uscc, "hospital")]
    members += [("MedicalSettlement", s, "settlement") for s in sets]
    w.add_ring(
        "medical.eligibility_without_history",
        members,
        {
            "person": p.pid,
            "eligibility": no,
            "disease": dis,
            "eligibility_date": d.isoformat(),
            "prior_inpatient_or_imaging": 0,
            "settlements_after": sets,
        },
        f"{p.name}于{d.isoformat()}认定“{dis}”门诊慢特病资格，此前无任何住院或影像检查记录，认定后频繁结算。",
    )


def hn_eligibility_with_history(w: World, rng: random.Random) -> None:
    """Eligibility after an inpatient stay with CT."""
    p = _p(w, rng, "hard_negative", 1955 + 5, 1975)
    h = w.hospitals[rng.randrange(len(w.hospitals))]
    d = lx.rand_date(rng, T0 + 60 * DAY, T1)
    s0 = E.medical(w, p, h, "住院", d - 40 * DAY, d - 30 * DAY, "恶性肿瘤", 48000.0, 0.85, exams="CT、MRI")
    no = B.chronic_eligibility(w, p, "恶性肿瘤门诊治疗", d, h)
    for j in range(4):
        E.medical(w, p, h, "门诊慢特病", d + (20 * (j + 1)) * DAY, None, "恶性肿瘤门诊治疗", 9000.0, 0.85)
    w.add_hard_negative(
        "medical.eligibility_without_history",
        [("Person", p.pid, "insured"), ("MedicalSettlement", s0, "prior_inpatient")],
        "chronic eligibility",
        "认定前有住院及影像检查记录。",
        {"eligibility": no, "prior_inpatient_or_imaging": 1},
    )


def _watch(w: World, p: Person, d: _dt.date) -> None:
    if not p.ss_card:
        p.ss_card = w.ids.ss_card()
    w.emit(
        "medical_watchlist",
        {
            "序号": w.ids.counter("watch"),
            "姓名": p.name,
            "身份证号": p.pid,
            "社会保障卡号": p.ss_card,
            "查处日期": d.isoformat(),
            "查处机关": "北京市医疗保障局",
            "违规类型": "空刷医保卡",
        },
        [("Person", p.pid, "姓名"), ("Person", p.pid, "身份证号")],
    )


def plant_pharmacy_cluster(w: World, rng: random.Random) -> None:
    """Known 空刷 card holders -> their pharmacy -> other holders with frequent round-sum buys."""
    ph = _co(
        w,
        rng,
        _p(w, rng),
        "医药零售",
        _dt.date(2017, 1, 1) + rng.randint(0, 900) * DAY,
        name=lx.company_name(rng, "大药房"),
    )
    ph.extra["code"] = f"P{ph.district}{w.ids.counter('medcode'):05d}"
    seeds = [_p(w, rng, lo=1950 + 10, hi=1970) for _ in range(2)]
    others = [_p(w, rng, lo=1950 + 10, hi=1975) for _ in range(rng.randint(5, 8))]
    count = 0
    total = 0.0
    for holder in seeds + others:
        for _ in range(rng.randint(8, 14)):
            amt = float(rng.choice([498, 499, 500, 998, 1000]))
            E.medical(
                w,
                holder,
                ph,
                "药店购药",
                lx.rand_date(rng, _dt.date(2023, 1, 1), _dt.date(2023, 12, 31)),
                None,
                rng.choice(("高血压", "糖尿病")),
                amt,
                0.9,
            )
            count += 1
            total += amt
    wd = _dt.date(2024, 1, 15) + rng.randint(0, 60) * DAY
    for s in seeds:
        _watch(w, s, wd)
    members: Members = [("Company", ph.uscc, "pharmacy")]
    members += [("Person", s.pid, "known_fraud_holder") for s in seeds]
    members += [("Person", o.pid, "suspected_holder") for o in others]
    w.add_ring(
        "medical.cardholder_pharmacy_cluster",
        members,
        {
            "pharmacy": ph.uscc,
            "seed_holders": [s.pid for s in seeds],
            "other_holders": [o.pid for o in others],
            "settlements": count,
            "total": round(total, 2),
            "pattern": "frequent round-sum purchases",
        },
        f"已查处空刷人员均在{ph.name}刷卡，该药店另有{len(others)}名参保人高频整数金额购药。",
    )


def hn_busy_pharmacy(w: World, rng: random.Random) -> None:
    """A busy honest pharmacy: many holders, occasional varied purchases, no watch-listed holder."""
    ph = _co(
        w,
        rng,
        _p(w, rng, "hard_negative"),
        "医药零售",
        _dt.date(2012, 1, 1),
        role="hard_negative",
        name=lx.company_name(rng, "大药房"),
    )
    ph.extra["code"] = f"P{ph.district}{w.ids.counter('medcode'):05d}"
    holders = [w.new_person(rng, "hard_negative", 1950 + 10, 2000) for _ in range(rng.randint(30, 40))]
    for h in holders:
        for _ in range(rng.randint(1, 2)):
            E.medical(
                w,
                h,
                ph,
                "药店购药",
                lx.rand_date(rng, _dt.date(2023, 1, 1), _dt.date(2023, 12, 31)),
                None,
                B.DIAG_OUT[rng.randrange(len(B.DIAG_OUT))],
                round(rng.uniform(15, 380), 2),
                0.5,
            )
    w.add_hard_negative(
        "medical.cardholder_pharmacy_cluster",
        [("Company", ph.uscc, "pharmacy")] + [("Person", h.pid, "customer") for h in holders[:5]],
        "busy pharmacy",
        "客流量大但每人购药次数少、金额分散，且无已查处人员在此刷卡。",
        {"holders": len(holders), "watchlisted": 0},
    )


def plant_accident_billed(w: World, rng: random.Random) -> None:
    """Admission on the day of an accident caused by a third party, paid by the fund and by tort."""
    p = _p(w, rng)
    other = _p(w, rng)
    d = lx.rand_date(rng, T0, T1 - 100 * DAY)
    acc = B.accident_row(w, rng, p, other, d, "对方全部责任", "受伤住院")
    h = w.hospitals[rng.randrange(len(w.hospitals))]
    total = round(rng.uniform(2e4, 9e4), 2)
    st = E.medical(
        w,
        p,
        h,
        "住院",
        d,
        d + rng.randint(7, 20) * DAY,
        rng.choice(("胫骨骨折", "颅脑外伤", "肋骨骨折")),
        total,
        0.8,
        exams="CT",
    )
    cc = E.court_case(
        w,
        rng,
        ctype="民事判决",
        cause="机动车交通事故责任纠纷",
        applicant=p,
        respondent=other,
        agent=None,
        amount=round(total * 1.6, 2),
        filed=d + 60 * DAY,
        closed=d + 150 * DAY,
        how="判决",
    )
    w.add_ring(
        "medical.accident_billed_to_insurance",
        [
            ("Person", p.pid, "insured"),
            ("Person", other.pid, "liable_party"),
            ("AccidentReport", acc, "accident"),
            ("MedicalSettlement", st, "settlement"),
            ("CourtCase", cc, "tort_case"),
        ],
        {
            "person": p.pid,
            "accident": acc,
            "accident_date": d.isoformat(),
            "settlement": st,
            "admission_date": d.isoformat(),
            "fund_paid": round(total * 0.8, 2),
            "tort_case": cc,
            "liability": "对方全部责任",
        },
        f"{p.name}入院日期与交通事故日期相同，事故由第三方全责，医保统筹基金仍支付{total * 0.8:.2f}元，另获侵权赔偿。",
    )


def hn_own_fault_accident(w: World, rng: random.Random) -> None:
    """Admission on an accident day where the insured was at fault: the fund may pay."""
    p = _p(w, rng, "hard_negative")
    other = _p(w, rng, "hard_negative")
    d = lx.rand_date(rng, T0, T1)
    acc = B.accident_row(w, rng, p, other, d, "本人全部责任", "受伤住院")
    st = E.medical(
        w,
        p,
        w.hospitals[rng.randrange(len(w.hospitals))],
        "住院",
        d,
        d + 8 * DAY,
        "桡骨骨折",
        25000.0,
        0.8,
        exams="X线",
    )
    w.add_hard_negative(
        "medical.accident_billed_to_insurance",
        [("Person", p.pid, "insured"), ("AccidentReport", acc, "accident"), ("MedicalSettlement", st, "settlement")],
        "admission on an accident day",
        "本人负全部责任，无第三方赔偿义务，医保支付合规。",
        {"liability": "本人全部责任"},
    )


# ====================================================================================
# generic money patterns
# ====================================================================================
def plant_circular_transfer(w: World, rng: random.Random) -> None:
    """A -> B -> ... -> A with ascending timestamps and slowly shrinking amounts."""
    ps = [_p(w, rng) for _ in range(rng.randint(4, 6))]
    t = _t(rng, lx.rand_date(rng, T0, T1), 9, 12)
    amt = round(rng.uniform(3e5, 1.5e6), -2)
    serials, amts = [], []
    for j, p in enumerate(ps):
        q = ps[(j + 1) % len(ps)]
        serials.append(E.transfer(w, p, p.accounts[0], q, q.accounts[0], amt, t, rng.choice(("往来款", "借款", ""))))
        amts.append(amt)
        t += _dt.timedelta(minutes=rng.randint(20, 600))
        amt = round(amt * rng.uniform(0.99, 0.998), 2)
    w.add_ring(
        "generic.circular_transfer",
        [("BankAccount", p.accounts[0], "cycle_account") for p in ps] + [("Person", p.pid, "holder") for p in ps],
        {"accounts": [p.accounts[0] for p in ps], "transfers": serials, "amounts": amts, "hops": len(ps)},
        f"{len(ps)}个账户之间资金按时间顺序闭环流转，金额逐级小幅递减。",
    )


def plant_fan(w: World, rng: random.Random, direction: str) -> None:
    """Many accounts -> one hub (fan-in) or one hub -> many accounts (fan-out) within 48 hours."""
    hub = _p(w, rng)
    leaves = [_p(w, rng) for _ in range(rng.randint(12, 18))]
    t0 = _t(rng, lx.rand_date(rng, T0, T1), 0, 12)
    total = 0.0
    serials = []
    for leaf in leaves:
        amt = round(rng.uniform(4e4, 9.5e4), 2)
        total += amt
        t = t0 + _dt.timedelta(minutes=rng.randint(0, 2800))
        if direction == "in":
            serials.append(E.transfer(w, leaf, leaf.accounts[0], hub, hub.accounts[0], amt, t, ""))
        else:
            serials.append(E.transfer(w, hub, hub.accounts[0], leaf, leaf.accounts[0], amt, t, ""))
    model = "generic.fan_in" if direction == "in" else "generic.fan_out"
    w.add_ring(
        model,
        [("BankAccount", hub.accounts[0], "hub"), ("Person", hub.pid, "hub_holder")]
        + [("BankAccount", x.accounts[0], "counterparty") for x in leaves],
        {
            "hub": hub.accounts[0],
            "counterparties": len(leaves),
            "total": round(total, 2),
            "window_hours": 48,
            "transfers": serials,
        },
        f"48小时内{len(leaves)}个账户{'向同一账户集中转入' if direction == 'in' else '从同一账户分散转出'}，合计{total:.2f}元。",
    )


def hn_payroll(w: World, rng: random.Random) -> None:
    """A company paying salaries to many employees the same day each month (fan-out look-alike)."""
    c = _co(w, rng, _p(w, rng, "hard_negative"), "信息技术", _dt.date(2012, 1, 1), role="hard_negative")
    emps = [_p(w, rng, "hard_negative") for _ in range(15)]
    for m in range(1, 4):
        for e in emps:
            E.transfer(
                w,
                c,
                c.accounts[0],
                e,
                e.accounts[0],
                round(rng.uniform(8000, 20000), 2),
                _dt.datetime(2023, m, 10, 9, rng.randint(0, 59)),
                "代发工资",
                channel="批量代发",
            )
    w.add_hard_negative(
        "generic.fan_out",
        [("BankAccount", c.accounts[0], "payroll_account"), ("Company", c.uscc, "employer")],
        "one account paying many",
        "每月固定日期代发工资，摘要为代发工资，收款人为参保职工。",
        {"employees": 15},
    )


def plant_fast_in_out(w: World, rng: random.Random) -> None:
    """Money passes through an account within minutes, repeatedly (过账)."""
    mid = _p(w, rng)
    doc_rows = []
    pairs = []
    for _ in range(rng.randint(3, 5)):
        src, dst = _p(w, rng), _p(w, rng)
        amt = round(rng.uniform(1e5, 6e5), 2)
        t = _t(rng, lx.rand_date(rng, T0, T1), 9, 20)
        s1 = E.transfer(w, src, src.accounts[0], mid, mid.accounts[0], amt, t, "")
        out = round(amt * rng.uniform(0.95, 0.99), 2)
        t2 = t + _dt.timedelta(minutes=rng.randint(2, 40))
        s2 = E.transfer(w, mid, mid.accounts[0], dst, dst.accounts[0], out, t2, "")
        pairs.append(
            {"in": s1, "out": s2, "in_amount": amt, "out_amount": out, "minutes": int((t2 - t).total_seconds() // 60)}
        )
        doc_rows += [(t, amt, src, src.accounts[0], "转入"), (t2, -out, dst, dst.accounts[0], "转出")]
    doc = D.bank_statement(w, rng, mid, mid.accounts[0], mid.account_bank[0], doc_rows, 126.5)
    rid = w.add_ring(
        "generic.fast_in_fast_out",
        [
            ("BankAccount", mid.accounts[0], "pass_through"),
            ("Person", mid.pid, "holder"),
            ("Document", doc.id, "bank_statement"),
        ],
        {"account": mid.accounts[0], "pairs": pairs, "max_minutes": 40, "min_out_ratio": 0.95},
        f"账户{mid.accounts[0]}多次在收到大额资金后40分钟内转出95%以上，余额长期接近零。",
    )
    doc.save(rid)


def plant_shared_identifier(w: World, rng: random.Random) -> None:
    """One phone used by many unrelated parties (companies' contact phone and persons' reserved phone)."""
    owner = _p(w, rng)
    phone = owner.phone
    members: Members = [("Phone", phone, "shared_phone"), ("Person", owner.pid, "phone_owner")]
    for _ in range(rng.randint(3, 5)):
        c = _co(w, rng, _p(w, rng), "咨询", lx.rand_date(rng, T0, T1), phone=phone)
        members.append(("Company", c.uscc, "party"))
    for _ in range(rng.randint(3, 4)):
        p = w.new_person(rng, "ring")
        p.phone = phone
        w.open_account(rng, p, BANKS[rng.randrange(len(BANKS))][0], lx.rand_date(rng, T0, T1))
        members.append(("Person", p.pid, "party"))
    w.add_ring(
        "generic.shared_identifier",
        members,
        {"identifier": phone, "kind": "Phone", "parties": len(members) - 2 + 1},
        f"同一手机号{phone}被{len(members) - 1}个不同主体用作联系电话或预留手机号。",
    )


# ====================================================================================
PLANTERS: list[tuple[str, Callable[[World, random.Random], None]]] = [
    ("loans.broker_insider_ring", plant_broker_insider),
    ("loans.bridge_funding_loop", plant_bridge_loop),
    ("loans.shell_borrower_cluster", plant_shell_cluster),
    ("loans.high_appraisal", plant_high_appraisal),
    ("loans.professional_borrower", plant_professional_borrower),
    ("certs.fake_certificate_chain", plant_fake_cert_chain),
    ("certs.fake_verification_site", plant_fake_site),
    ("oiltax.revenue_gap", plant_revenue_gap),
    ("oiltax.invoice_capacity_mismatch", plant_capacity_mismatch),
    ("oiltax.circular_invoicing", plant_circular_invoicing),
    ("linkage.penalty_not_transferred", plant_penalty_not_transferred),
    ("linkage.nonprosecution_no_penalty", plant_nonpros_no_penalty),
    ("linkage.disqualified_officer_acting", plant_disqualified_officer),
    ("hotline.counterfeit_hotspot", plant_counterfeit_hotspot),
    ("housingfund.false_litigation_loop", plant_fund_loop),
    ("medical.eligibility_without_history", plant_eligibility_no_history),
    ("medical.cardholder_pharmacy_cluster", plant_pharmacy_cluster),
    ("medical.accident_billed_to_insurance", plant_accident_billed),
    ("generic.circular_transfer", plant_circular_transfer),
    ("generic.fan_in", lambda w, r: plant_fan(w, r, "in")),
    ("generic.fan_out", lambda w, r: plant_fan(w, r, "out")),
    ("generic.fast_in_fast_out", plant_fast_in_out),
    ("generic.shared_identifier", plant_shared_identifier),
]
MODELS: tuple[str, ...] = tuple(m for m, _ in PLANTERS)

HARD_NEGATIVES: list[tuple[str, Callable[[World, random.Random], None]]] = [
    ("busy_agency", hn_busy_agency),
    ("incubator", hn_incubator),
    ("family_lender", hn_family_lender),
    ("fair_appraisal", hn_fair_appraisal),
    ("business_owner", hn_business_owner),
    ("genuine_cert", hn_genuine_cert),
    ("honest_station", hn_honest_station),
    ("big_fleet", hn_big_fleet),
    ("penalty_ok", hn_penalty_ok),
    ("nonpros_penalised", hn_nonpros_penalised),
    ("old_conviction", hn_old_conviction),
    ("noisy_merchant", hn_noisy_merchant),
    ("genuine_creditor", hn_genuine_creditor),
    ("eligibility_with_history", hn_eligibility_with_history),
    ("busy_pharmacy", hn_busy_pharmacy),
    ("own_fault_accident", hn_own_fault_accident),
    ("payroll", hn_payroll),
]


def plant_all(w: World, seed: int, rings_per_model: int, negatives_per_kind: int) -> None:
    """Plant every model ``rings_per_model`` times and every hard negative kind."""
    for i in range(rings_per_model):
        for model, fn in PLANTERS:
            fn(w, lx.stream(seed, "ring", model, i))
    for i in range(negatives_per_kind):
        for kind, fn in HARD_NEGATIVES:
            fn(w, lx.stream(seed, "hn", kind, i))
