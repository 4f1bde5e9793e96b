"""Row builders shared by background generation and ring planting."""

from __future__ import annotations

import datetime as _dt
import random
from typing import Any

from kg.synth import ids as idmod
from kg.synth import lexicon as lx
from kg.synth.world import Branch, Company, Person, World

Party = Person | Company


def who(x: Party) -> tuple[str, str, str]:
    """(label, id, name) of a person or company."""
    if isinstance(x, Person):
        return "Person", x.pid, x.name
    return "Company", x.uscc, x.name


def transfer(
    w: World,
    src: Party,
    src_acct: str,
    dst: Party,
    dst_acct: str,
    amount: float,
    when: _dt.datetime,
    memo: str = "转账",
    channel: str = "网银",
    noise: bool = False,
    src_name: str | None = None,
) -> str:
    """Emit one bank transfer; returns its 交易流水号."""
    sl, sid, sname = who(src)
    dl, did, dname = who(dst)
    serial = w.ids.serial("T", 14)
    w.emit(
        "bank_transfers",
        {
            "交易流水号": serial,
            "付款账号": src_acct,
            "付款户名": src_name or sname,
            "收款账号": dst_acct,
            "收款户名": dname,
            "交易金额": f"{amount:.2f}",
            "交易时间": f"{when:%Y-%m-%d %H:%M:%S}",
            "交易渠道": channel,
            "摘要": memo,
        },
        [(sl, sid, "付款户名"), (dl, did, "收款户名")],
        noise=noise,
    )
    return serial


def new_property(w: World, rng: random.Random, year: int) -> dict[str, Any]:
    """A flat with its certificate number, unit number, location and area."""
    dcode, addr = lx.address(rng)
    cert, unit = w.ids.property_cert(year, dcode)
    return {"cert": cert, "unit": unit, "location": addr, "district": dcode, "area": round(rng.uniform(45, 160), 2)}


def property_transfer(
    w: World, prop: dict[str, Any], buyer: Party, seller: Party, price: float, when: _dt.date, noise: bool = False
) -> str:
    """Emit a 转移登记 row (a sale); returns the 业务编号."""
    bl, bid, bname = who(buyer)
    sl, sid, sname = who(seller)
    biz = w.ids.serial("BDC", 12)
    w.emit(
        "property_registry",
        {
            "业务编号": biz,
            "登记类型": "转移登记",
            "不动产权证号": prop["cert"],
            "不动产单元号": prop["unit"],
            "坐落": prop["location"],
            "建筑面积(平方米)": prop["area"],
            "权利人": bname,
            "权利人证件号码": bid,
            "义务人": sname,
            "义务人证件号码": sid,
            "成交价格(元)": round(price, 2),
            "登记日期": when.isoformat(),
        },
        [(bl, bid, "权利人"), (bl, bid, "权利人证件号码"), (sl, sid, "义务人"), (sl, sid, "义务人证件号码")],
        noise=noise,
    )
    return biz


def mortgage_registration(
    w: World, prop: dict[str, Any], owner: Party, branch: Branch, amount: float, when: _dt.date, noise: bool = False
) -> str:
    """Emit a 抵押权首次登记 row; returns the 不动产登记证明号."""
    ol, oid, oname = who(owner)
    mcert = w.ids.mortgage_cert(when.year, prop["district"])
    w.emit(
        "property_registry",
        {
            "业务编号": w.ids.serial("BDC", 12),
            "登记类型": "抵押权首次登记",
            "不动产权证号": prop["cert"],
            "不动产单元号": prop["unit"],
            "坐落": prop["location"],
            "建筑面积(平方米)": prop["area"],
            "权利人": branch.company.name,
            "权利人证件号码": branch.company.uscc,
            "义务人": oname,
            "义务人证件号码": oid,
            "抵押权人": branch.company.name,
            "被担保主债权数额(元)": round(amount, 2),
            "不动产登记证明号": mcert,
            "登记日期": when.isoformat(),
        },
        [
            ("Company", branch.company.uscc, "权利人"),
            ("Company", branch.company.uscc, "权利人证件号码"),
            ("Company", branch.company.uscc, "抵押权人"),
            (ol, oid, "义务人"),
            (ol, oid, "义务人证件号码"),
        ],
        noise=noise,
    )
    return mcert


def loan(
    w: World,
    rng: random.Random,
    *,
    borrower: Person,
    company: Company | None,
    ltype: str,
    amount: float,
    purpose: str,
    branch: Branch,
    officer: tuple[Person, str],
    applied: _dt.date,
    approved: _dt.date,
    disbursed: _dt.date,
    account: str,
    appraiser: Company | None = None,
    appraisal: float | None = None,
    prop_cert: str = "",
    intermediary: Company | Person | None = None,
    income: float | None = None,
    months: int = 36,
    noise: bool = False,
    borrower_name: str | None = None,
) -> str:
    """Emit one loan file row; returns the 贷款合同号."""
    contract = w.ids.loan_contract(branch.bank_code, applied.year)
    refs: list[tuple[str, str, str]] = [
        ("Person", borrower.pid, "借款人"),
        ("Person", borrower.pid, "借款人证件号码"),
        ("Company", branch.company.uscc, "经办网点"),
        ("Person", officer[0].pid, "客户经理"),
    ]
    if company is not None:
        refs += [("Company", company.uscc, "借款企业"), ("Company", company.uscc, "借款企业统一社会信用代码")]
    if appraiser is not None:
        refs.append(("Company", appraiser.uscc, "评估机构"))
    inter_name = ""
    if intermediary is not None:
        il, iid, inter_name = who(intermediary)
        if isinstance(intermediary, Company) and rng.random() < 0.3:
            inter_name = lx.company_variant(inter_name, rng)
            w.add_variant("Company", iid, inter_name)
        refs.append((il, iid, "介绍人/中介"))
    w.emit(
        "bank_loans",
        {
            "贷款合同号": contract,
            "贷款类型": ltype,
            "借款人": borrower_name or borrower.name,
            "借款人证件号码": borrower.pid,
            "借款企业": company.name if company else "",
            "借款企业统一社会信用代码": company.uscc if company else "",
            "贷款金额(元)": round(amount, 2),
            "贷款期限(月)": months,
            "贷款用途": purpose,
            "贷款银行": branch.bank,
            "经办网点": branch.company.name,
            "客户经理": officer[0].name,
            "客户经理工号": officer[1],
            "评估机构": appraiser.name if appraiser else "",
            "评估价值(元)": round(appraisal, 2) if appraisal else None,
            "抵押物不动产权证号": prop_cert,
            "申请日期": applied.isoformat(),
            "审批日期": approved.isoformat(),
            "放款日期": disbursed.isoformat(),
            "放款账号": account,
            "介绍人/中介": inter_name,
            "借款人年收入(元)": round(income, 2) if income is not None else None,
        },
        refs,
        noise=noise,
    )
    return contract


def tax_rows(
    w: World, c: Company, periods: list[str], income: float, employees: int, zero: bool = False, noise: bool = False
) -> None:
    """Emit tax and social-insurance status rows for a company."""
    for per in periods:
        inc = 0.0 if zero else round(income, 2)
        w.emit(
            "tax_social_insurance",
            {
                "纳税人识别号": c.uscc,
                "纳税人名称": c.name,
                "所属期": per,
                "申报收入(元)": inc,
                "应纳税额(元)": round(inc * 0.03, 2),
                "是否零申报": "是" if zero else "否",
                "社保缴费人数": 0 if zero else employees,
                "社保缴费基数合计(元)": 0 if zero else employees * 6326 * 12,
            },
            [("Company", c.uscc, "纳税人识别号"), ("Company", c.uscc, "纳税人名称")],
            noise=noise,
        )


def medical(
    w: World,
    p: Person,
    inst: Company,
    kind: str,
    admit: _dt.date,
    discharge: _dt.date | None,
    diagnosis: str,
    total: float,
    fund_ratio: float,
    exams: str = "",
    noise: bool = False,
) -> str:
    """Emit a medical-insurance settlement; returns the 结算单号."""
    if not p.ss_card:
        p.ss_card = w.ids.ss_card()
    no = w.ids.serial("JS", 14)
    fund = round(total * fund_ratio, 2)
    settle = discharge or admit
    w.emit(
        "medical_settlements",
        {
            "结算单号": no,
            "参保人姓名": p.name,
            "身份证号": p.pid,
            "社会保障卡号": p.ss_card,
            "定点机构名称": inst.name,
            "定点机构编码": inst.extra.get("code", ""),
            "医疗类别": kind,
            "入院/就诊日期": admit.isoformat(),
            "出院日期": discharge.isoformat() if discharge else "",
            "结算日期": settle.isoformat(),
            "主要诊断": diagnosis,
            "医疗总费用(元)": round(total, 2),
            "统筹基金支付(元)": fund,
            "个人自付(元)": round(total - fund, 2),
            "检查项目": exams,
        },
        [("Person", p.pid, "参保人姓名"), ("Person", p.pid, "身份证号"), ("Company", inst.uscc, "定点机构名称")],
        noise=noise,
    )
    return no


def invoice(
    w: World,
    seller: Company,
    buyer: Company,
    when: _dt.date,
    goods: str,
    unit: str,
    qty: float,
    price: float,
    noise: bool = False,
) -> str:
    """Emit a VAT special invoice; returns '代码-号码'."""
    code, num = w.ids.invoice(when.year)
    amount = round(qty * price, 2)
    tax = round(amount * 0.13, 2)
    w.emit(
        "vat_invoices",
        {
            "发票代码": code,
            "发票号码": num,
            "开票日期": when.isoformat(),
            "销售方名称": seller.name,
            "销售方纳税人识别号": seller.uscc,
            "购买方名称": buyer.name,
            "购买方纳税人识别号": buyer.uscc,
            "货物或应税劳务名称": goods,
            "单位": unit,
            "数量": round(qty, 2),
            "单价": round(price, 4),
            "金额": f"{amount:.2f}",
            "税率": "13%",
            "税额": f"{tax:.2f}",
            "价税合计": f"{amount + tax:.2f}",
        },
        [
            ("Company", seller.uscc, "销售方名称"),
            ("Company", seller.uscc, "销售方纳税人识别号"),
            ("Company", buyer.uscc, "购买方名称"),
            ("Company", buyer.uscc, "购买方纳税人识别号"),
        ],
        noise=noise,
    )
    return f"{code}-{num}"


def court_case(
    w: World,
    rng: random.Random,
    *,
    ctype: str,
    cause: str,
    applicant: Party,
    respondent: Party,
    agent: Person | None,
    amount: float,
    filed: _dt.date,
    closed: _dt.date,
    how: str,
    related: str = "",
    district: str = "110105",
    noise: bool = False,
) -> str:
    """Emit a court record (调解/司法确认/执行/民事判决); returns the 案号."""
    cc = {"诉前调解": "民诉前调", "司法确认": "民特", "执行": "执", "民事判决": "民初"}[ctype]
    from kg.synth.documents import COURT_CODE

    n = w.ids.counter(f"court:{district}:{filed.year}:{cc}") * 7 + 1000
    case_no = f"（{filed.year}）京{COURT_CODE[district]}{cc}{n}号"
    al, aid, aname = who(applicant)
    rl, rid, rname = who(respondent)
    refs = [
        (al, aid, "申请人/原告"),
        (al, aid, "申请人证件号码"),
        (rl, rid, "被申请人/被告"),
        (rl, rid, "被申请人证件号码"),
    ]
    if agent is not None:
        refs.append(("Person", agent.pid, "委托代理人"))
    w.emit(
        "court_records",
        {
            "案号": case_no,
            "案件类型": ctype,
            "案由": cause,
            "申请人/原告": aname,
            "申请人证件号码": aid,
            "被申请人/被告": rname,
            "被申请人证件号码": rid,
            "委托代理人": agent.name if agent else "",
            "标的金额(元)": round(amount, 2),
            "立案日期": filed.isoformat(),
            "结案日期": closed.isoformat(),
            "结案方式": how,
            "关联案号": related,
        },
        refs,
        noise=noise,
    )
    return case_no


def hotline(
    w: World,
    rng: random.Random,
    merchant: Company,
    when: _dt.datetime,
    topic: str,
    text: str,
    result: str,
    caller_refs: list[tuple[str, str, str]] | None = None,
    noise: bool = False,
    merchant_name: str | None = None,
) -> str:
    """Emit a 12345 hotline ticket; returns the 工单编号."""
    no = f"{when:%Y%m%d}{w.ids.counter('hotline:' + when.strftime('%Y%m%d')):06d}"
    dist = idmod.DISTRICT_SHORT[merchant.district] + "区"
    street = merchant.extra.get("street", merchant.address.replace("北京市", "")[len(dist) : len(dist) + 4])
    w.emit(
        "hotline_12345",
        {
            "工单编号": no,
            "来电时间": f"{when:%Y-%m-%d %H:%M:%S}",
            "诉求类型": topic,
            "诉求内容": text,
            "被反映商户": merchant_name or merchant.name,
            "商户地址": merchant.address,
            "所属区": dist,
            "所属街道": street,
            "办理结果": result,
        },
        [("Company", merchant.uscc, "被反映商户")] + (caller_refs or []),
        noise=noise,
    )
    return no


def penalty(
    w: World,
    rng: random.Random,
    *,
    party: Party,
    rep: Person | None,
    vtype: str,
    facts: str,
    goods_value: float,
    illegal_gain: float,
    fine: float,
    when: _dt.date,
    transferred: bool,
    agency: str = "市场监督管理局",
    district: str = "110105",
    noise: bool = False,
) -> str:
    """Emit an administrative penalty decision; returns its 文号."""
    short = idmod.DISTRICT_SHORT[district]
    n = w.ids.counter(f"penalty:{district}:{when.year}")
    no = (
        f"京{short[:1]}市监罚〔{when.year}〕{n}号"
        if agency == "市场监督管理局"
        else f"京{short[:1]}{agency[:2]}罚〔{when.year}〕{n}号"
    )
    pl, pid, pname = who(party)
    refs = [(pl, pid, "当事人名称"), (pl, pid, "当事人证件号码")]
    if rep is not None:
        refs.append(("Person", rep.pid, "法定代表人"))
    w.emit(
        "admin_penalties",
        {
            "行政处罚决定书文号": no,
            "当事人名称": pname,
            "当事人证件号码": pid,
            "法定代表人": rep.name if rep else "",
            "违法行为类型": vtype,
            "违法事实": facts,
            "货值金额(元)": round(goods_value, 2),
            "违法所得(元)": round(illegal_gain, 2),
            "罚款金额(元)": round(fine, 2),
            "处罚机关": f"北京市{short}区{agency}",
            "处罚决定日期": when.isoformat(),
            "是否移送司法机关": "是" if transferred else "否",
        },
        refs,
        noise=noise,
    )
    return no


def police_case(
    w: World,
    *,
    when: _dt.date,
    name: str,
    cause: str,
    suspect: Person | None,
    company: Company | None,
    amount: float,
    source: str,
    ref_no: str = "",
    district: str = "110105",
    noise: bool = False,
) -> str:
    """Emit a police filing (刑事立案); returns the 案件编号."""
    short = idmod.DISTRICT_SHORT[district]
    no = f"A1101{district[-2:]}{when.year}{w.ids.counter('police:' + str(when.year)):07d}"
    refs: list[tuple[str, str, str]] = []
    if suspect is not None:
        refs += [("Person", suspect.pid, "犯罪嫌疑人"), ("Person", suspect.pid, "嫌疑人身份证号")]
    if company is not None:
        refs += [("Company", company.uscc, "涉案单位"), ("Company", company.uscc, "涉案单位统一社会信用代码")]
    w.emit(
        "police_cases",
        {
            "案件编号": no,
            "立案日期": when.isoformat(),
            "案件名称": name,
            "案由": cause,
            "犯罪嫌疑人": suspect.name if suspect else "",
            "嫌疑人身份证号": suspect.pid if suspect else "",
            "涉案单位": company.name if company else "",
            "涉案单位统一社会信用代码": company.uscc if company else "",
            "涉案金额(元)": round(amount, 2),
            "案件来源": source,
            "移送文书号": ref_no,
        },
        refs,
        noise=noise,
    )
    _ = short
    return no


def judgment_row(
    w: World,
    *,
    court_district: str,
    defendant: Person,
    crime: str,
    when: _dt.date,
    months: int,
    extra: str = "",
    noise: bool = False,
) -> tuple[str, _dt.date]:
    """Emit a criminal judgment row; returns (案号, 刑满日期)."""
    from kg.synth.documents import COURT_CODE, PROCURATORATES

    n = w.ids.counter(f"xingchu:{court_district}:{when.year}") * 3 + 100
    case_no = f"（{when.year}）京{COURT_CODE[court_district]}刑初{n}号"
    release = when + _dt.timedelta(days=round(months * 30.44))
    w.emit(
        "criminal_judgments",
        {
            "案号": case_no,
            "审判法院": f"北京市{PROCURATORATES[court_district]}区人民法院",
            "被告人": defendant.name,
            "被告人身份证号": defendant.pid,
            "罪名": crime,
            "判决日期": when.isoformat(),
            "主刑": "有期徒刑" if months else "拘役",
            "刑期(月)": months,
            "刑满日期": release.isoformat(),
            "附加刑/禁止令": extra,
        },
        [("Person", defendant.pid, "被告人"), ("Person", defendant.pid, "被告人身份证号")],
        noise=noise,
    )
    return case_no, release
