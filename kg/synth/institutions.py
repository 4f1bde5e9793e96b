"""Institutions shared by the whole scenario: banks, appraisers, agencies, hospitals..."""

from __future__ import annotations

import datetime as _dt
import random

from kg.synth import emit as E
from kg.synth import ids as idmod
from kg.synth import lexicon as lx
from kg.synth.world import Branch, Company, World

BANKS = (
    ("中国工商银行", "ICBC"),
    ("中国建设银行", "CCB"),
    ("中国农业银行", "ABC"),
    ("中国银行", "BOC"),
    ("交通银行", "BCM"),
    ("招商银行", "CMB"),
    ("北京银行", "BOB"),
    ("中国邮政储蓄银行", "PSBC"),
)
HOSPITAL_NAMES = (
    "北京市朝阳区第二医院",
    "北京市海淀区中西医结合医院",
    "北京市丰台区南苑医院",
    "北京市西城区广外医院",
    "北京市东城区第一人民医院",
    "北京市石景山区五里坨医院",
    "北京市门头沟区龙泉医院",
    "北京市房山区良乡医院",
    "北京市通州区新华医院",
    "北京市顺义区仁和医院",
    "北京市昌平区回龙观医院",
    "北京市大兴区黄村医院",
)
D0 = _dt.date(2000, 1, 1)


def _inst_company(
    w: World,
    rng: random.Random,
    name: str,
    industry: str,
    kind: str = "有限责任公司",
    uscc_kind: str = "91",
    district: tuple[str, str] | None = None,
) -> Company:
    rep = w.new_person(rng, "institution", 1960, 1985)
    dcode, addr = lx.address(rng, district)
    return w.new_company(
        rng,
        "institution",
        rep,
        industry,
        lx.rand_date(rng, D0, _dt.date(2015, 12, 31)),
        name=name,
        address=addr,
        district=dcode,
        phone=w.ids.landline(),
        kind=kind,
        capital=float(rng.choice([500, 1000, 5000])),
        uscc_kind=uscc_kind,
    )


def build(w: World, seed: int, n_people: int) -> None:
    """Create banks and branches with loan officers, appraisal firms, agencies, hospitals,
    pharmacies, gas stations with their oil suppliers, and construction companies."""
    rng = lx.stream(seed, "institutions")
    branches_per_bank = 2 if n_people < 5000 else min(12, 2 + n_people // 100_000)
    for bank, code in BANKS:
        for _ in range(branches_per_bank):
            dcode, dname = idmod.ADDRESS_DISTRICTS[rng.randrange(len(idmod.ADDRESS_DISTRICTS))]
            road = lx.ROADS[rng.randrange(len(lx.ROADS))]
            name = f"{bank}股份有限公司北京{dname[:-1]}{road[:2]}支行"
            if any(b.company.name == name for b in w.branches):
                name = name[:-2] + "第二支行"
            c = _inst_company(w, rng, name, "银行", kind="股份有限公司分公司", district=(dcode, dname))
            br = Branch(bank, code, c)
            for _ in range(rng.randint(3, 5)):
                off = w.new_person(rng, "institution", 1975, 1998)
                br.officers.append((off, f"{code}{w.ids.counter('emp:' + code):06d}"))
                w.open_account(rng, off, bank, lx.rand_date(rng, _dt.date(2015, 1, 1), _dt.date(2020, 12, 31)))
            w.branches.append(br)
    for _ in range(max(4, min(40, n_people // 20000))):
        w.appraisers.append(_inst_company(w, rng, lx.company_name(rng, "房地产土地评估"), "房地产评估"))
    for _ in range(max(3, min(60, n_people // 10000))):
        a = _inst_company(w, rng, lx.company_name(rng, "房地产经纪"), "房地产经纪")
        w.open_account(rng, a, "中国建设银行", a.founded)
        w.agencies.append(a)
    for name in HOSPITAL_NAMES[: max(3, min(len(HOSPITAL_NAMES), n_people // 50000 + 3))]:
        h = _inst_company(w, rng, name, "医疗", kind="事业单位", uscc_kind="12")
        h.extra["code"] = f"H{h.district}{w.ids.counter('medcode'):05d}"
        w.hospitals.append(h)
    for _ in range(max(4, min(400, n_people // 3000))):
        ph = _inst_company(
            w,
            rng,
            lx.company_name(rng, "大药房", "有限公司").replace("大药房有限公司", "大药房连锁有限公司")
            if rng.random() < 0.3
            else lx.company_name(rng, "大药房"),
            "医药零售",
        )
        ph.extra["code"] = f"P{ph.district}{w.ids.counter('medcode'):05d}"
        w.pharmacies.append(ph)
    for _ in range(max(2, min(10, n_people // 100000 + 2))):
        s = _inst_company(w, rng, lx.company_name(rng, "石油化工"), "成品油批发")
        w.open_account(rng, s, "中国工商银行", s.founded)
        w.suppliers.append(s)
    for _ in range(max(3, min(300, n_people // 5000))):
        w.stations.append(_station(w, rng))
    for _ in range(max(3, min(100, n_people // 10000))):
        b = _inst_company(w, rng, lx.company_name(rng, "建筑工程"), "建筑工程")
        w.builders.append(b)
        b.extra["sites"] = [
            f"{lx.ROADS[rng.randrange(len(lx.ROADS))][:2]}"
            f"{rng.choice(['安置房', '商业综合体', '产业园', '学校', '住宅'])}项目"
            f"{rng.randint(1, 9)}号地块"
            for _ in range(2)
        ]
    # legitimate station purchases and declarations
    for st in w.stations:
        station_year(w, rng, st, ratio=rng.uniform(0.93, 1.05))


def _station(w: World, rng: random.Random) -> Company:
    name = lx.company_name(rng, "加油站")
    st = _inst_company(w, rng, name, "成品油零售")
    st.extra["licence"] = f"油零售证书第{st.district}{w.ids.counter('oil-licence'):04d}号"
    st.extra["pumps"] = rng.randint(4, 12)
    return st


def station_year(w: World, rng: random.Random, st: Company, ratio: float, year: int = 2023) -> dict[str, float]:
    """Purchase invoices for a station's year and its quarterly declarations at ``ratio`` of
    the revenue the purchases imply.  Returns the totals."""
    sup = w.suppliers[rng.randrange(len(w.suppliers))]
    retail = {"92号汽油": 7.9, "95号汽油": 8.4, "0号柴油": 7.6}
    liters_total = 0.0
    revenue_est = 0.0
    declared_total = 0.0
    for q in range(4):
        q_liters = 0.0
        q_est = 0.0
        for _ in range(3):
            goods = rng.choice(list(retail))
            liters = round(rng.uniform(80_000, 220_000), 0)
            E.invoice(
                w,
                sup,
                st,
                _dt.date(year, 3 * q + 1, 1) + _dt.timedelta(days=rng.randrange(80)),
                f"*汽油*{goods}" if "汽油" in goods else f"*柴油*{goods}",
                "升",
                liters,
                round(retail[goods] * 0.86, 4),
            )
            q_liters += liters
            q_est += liters * retail[goods]
        declared = round(q_est * ratio, 2)
        w.emit(
            "station_declarations",
            {
                "纳税人识别号": st.uscc,
                "加油站名称": st.name,
                "成品油零售经营批准证书编号": st.extra["licence"],
                "所属期": f"{year}Q{q + 1}",
                "申报销售收入(元)": declared,
                "申报销售数量(升)": round(q_liters * ratio, 0),
                "加油机数量": st.extra["pumps"],
                "储罐容量(立方米)": st.extra["pumps"] * 15,
            },
            [("Company", st.uscc, "纳税人识别号"), ("Company", st.uscc, "加油站名称")],
        )
        liters_total += q_liters
        revenue_est += q_est
        declared_total += declared
    return {
        "liters": liters_total,
        "estimated_revenue": round(revenue_est, 2),
        "declared_revenue": round(declared_total, 2),
    }
