"""Check the off-target clues of three ring patterns against the raw records, without Cypher.

A clue that hits no planted ring of its model (``kg.groundtruth.score_pattern``) is either
a background coincidence the generator does not label (the pattern's rule holds in the
source records: **rule_true**), an artefact of company names shared by several registered
companies (**name_collision**: the rule holds only when records about different companies
of one name are added up), or a pattern defect (**not_rule_true**). This script runs the
patterns once on an ingested graph (read-only), then re-derives each off-target clue's
rule from the scenario's ``records/`` in plain Python:

* ``hotline.counterfeit_hotspot``: the keyword tickets naming the merchant (NFKC name as
  the ingest keys it) are grouped by the merchant address the ticket gives; rule_true when
  one address has at least ``min_complaints`` of them and no registered company of that
  name has a counterfeit penalty decided on or after ``lookback_days`` before the first
  ticket; name_collision when only all addresses together reach ``min_complaints``.
* ``linkage.disqualified_officer_acting``: the judgment row (案号) names the person (身份证号),
  a charge with a keyword, and a release date (刑满日期, else judgment date + 刑期 months);
  the registry row (USCC) names the person as 法定代表人 with 成立日期 (the appointment
  date the ingest uses) on or before release + ``disqualification_years``.
* ``medical.eligibility_without_history``: the eligibility row (认定编号) names the person;
  no settlement row of the person of a history kind (医疗类别 住院 / 影像检查) has its 入院/就诊
  date (else 结算日期) in the ``lookback_days`` before 认定日期. A holder keyed by a mistyped
  身份证号 (a row-scoped ``Person:unverified:...`` node) is checked under the valid number the
  generator recorded for that row (``ground_truth/broken.jsonl``), and so is a settlement row
  with a mistyped number: **history_in_miskeyed_rows** when the holder has such a
  settlement only once a mistyped number is corrected (the clue exists because the
  mistyped row was not joined to its holder).

    python bench/groundtruth_audit.py --scenario /work/scale/bench-1m \\
        --graph falkordb=falkordb:///work/scale/run1m/graph

Results: ``--out`` (JSON, default bench/results/groundtruth_audit.json) and a summary on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from extractors.records.readers import inspect_file, read_rows
from kg.groundtruth import ANCHOR_ROLES, clue_keys, load_ground_truth, score_pattern
from kg.resolve.clean import normalise_text

ROOT = Path(__file__).resolve().parent.parent
PATTERNS = ("hotline.counterfeit_hotspot", "linkage.disqualified_officer_acting", "medical.eligibility_without_history")


def numbered_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Data rows of a record file (encoding detected as the ingest does; unreadable rows skipped)
    with their data-row number (1 = first row after the header, as ground_truth/broken.jsonl)."""
    for r in read_rows(inspect_file(path)):
        if r.values is not None:
            yield r.row, {k: ("" if v is None else str(v).strip()) for k, v in r.values.items()}


def rows(path: Path) -> Iterator[dict[str, Any]]:
    """:func:`numbered_rows` without the numbers."""
    return (r for _, r in numbered_rows(path))


def day(s: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(s[:10])
    except ValueError:
        return None


def _after(uid: str, prefix: str) -> str:
    return uid[len(prefix):] if uid.startswith(prefix) else ""


# -- hotline.counterfeit_hotspot ----------------------------------------------------------------
def audit_hotline(clues: list[dict[str, Any]], rec: Path, params: dict[str, Any]) -> list[dict[str, Any]]:
    kws = list(params["keywords"])
    tickets: dict[str, list[tuple[str, str, dt.date | None]]] = defaultdict(list)
    for t in rows(rec / "hotline_12345.jsonl"):
        if any(k in t.get("诉求内容", "") or k in t.get("诉求类型", "") for k in kws):
            tickets[normalise_text(t.get("被反映商户", ""))].append(
                (t.get("工单编号", ""), normalise_text(t.get("商户地址", "")), day(t.get("来电时间", ""))))
    wanted = {normalise_text(c["row"].get("merchant_name") or "") for c in clues}
    registered: dict[str, set[str]] = defaultdict(set)
    for r in rows(rec / "business_registry.csv"):
        n = normalise_text(r.get("企业名称", ""))
        if n in wanted:
            registered[n].add(r.get("统一社会信用代码", ""))
    penalties: dict[str, list[tuple[str, dt.date | None]]] = defaultdict(list)
    for r in rows(rec / "admin_penalties.xlsx"):
        if r.get("违法行为类型", "") in params["penalty_offences"]:
            penalties[r.get("当事人证件号码", "")].append((r.get("违法行为类型", ""), day(r.get("处罚决定日期", ""))))
    out = []
    for c in clues:
        name = normalise_text(c["row"].get("merchant_name") or "")
        ts = tickets.get(name, [])
        by_addr = Counter(a for _, a, _ in ts)
        first = min((d for _, _, d in ts if d), default=None)
        since = first - dt.timedelta(days=int(params["lookback_days"])) if first else None
        pen = [p for u in registered.get(name, ()) for p in penalties.get(u, [])
               if since is None or (p[1] is not None and p[1] >= since)]
        best = max(by_addr.values(), default=0)
        if pen:
            verdict = "not_rule_true"  # a counterfeit penalty the pattern should have seen
        elif best >= params["min_complaints"]:
            verdict = "rule_true"
        elif len(ts) >= params["min_complaints"]:
            verdict = "name_collision"
        else:
            verdict = "not_rule_true"
        out.append({"clue": c["id"], "merchant": c["row"].get("merchant"), "merchant_name": name,
                    "keyword_tickets": len(ts), "addresses": len(by_addr), "most_at_one_address": best,
                    "registered_namesakes": len(registered.get(name, ())), "penalties": len(pen),
                    "verdict": verdict})
    return out


# -- linkage.disqualified_officer_acting --------------------------------------------------------
def audit_disqualified(clues: list[dict[str, Any]], rec: Path, params: dict[str, Any]) -> list[dict[str, Any]]:
    kws = list(params["charge_keywords"])
    cases = {c["row"]["conviction"]: c for c in clues}
    judg: dict[str, dict[str, Any]] = {}
    for r in rows(rec / "criminal_judgments.csv"):
        if f"CriminalCase:{r.get('案号', '')}" in cases:
            judg[r["案号"]] = r
    companies = {_after(c["row"]["company"], "Company:") for c in clues}
    reg: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows(rec / "business_registry.csv"):
        if r.get("统一社会信用代码", "") in companies:
            reg[r["统一社会信用代码"]].append(r)
    years = float(params["disqualification_years"])
    out = []
    for c in clues:
        row = c["row"]
        case_no, ric = _after(row["conviction"], "CriminalCase:"), _after(row["person"], "Person:")
        uscc = _after(row["company"], "Company:")
        j = judg.get(case_no)
        why: list[str] = []
        if j is None:
            why.append("conviction not in criminal_judgments.csv")
        else:
            if j.get("被告人身份证号", "").upper() != ric.upper():
                why.append("judgment names another defendant")
            if not any(k in j.get("罪名", "") for k in kws):
                why.append("charge has no keyword")
        regs = [r for r in reg.get(uscc, []) if r.get("法定代表人证件号码", "").upper() == ric.upper()]
        if not regs:
            why.append("registry does not name the person legal representative")
        if j is not None and regs:
            judged = day(j.get("判决日期", ""))
            released = day(j.get("刑满日期", ""))
            if released is None and judged is not None:
                try:
                    months = int(float(j.get("刑期(月)", "") or 0)) if j.get("主刑", "") == "有期徒刑" else 0
                except ValueError:
                    months = 0
                released = judged + dt.timedelta(days=round(months * 30.436875))
            appointed = min((d for d in (day(r.get("成立日期", "")) for r in regs) if d), default=judged)
            if released is None or appointed is None:
                why.append("dates missing")
            elif appointed > released + dt.timedelta(days=round(years * 365.25)):
                why.append("appointed after the disqualification period")
        out.append({"clue": c["id"], "person": row["person"], "conviction": row["conviction"],
                    "charge": j.get("罪名") if j else None, "company": row["company"],
                    "verdict": "rule_true" if not why else "not_rule_true", "why_not": why})
    return out


# -- medical.eligibility_without_history --------------------------------------------------------
def audit_eligibility(clues: list[dict[str, Any]], rec: Path, params: dict[str, Any]) -> list[dict[str, Any]]:
    elig: dict[str, dict[str, Any]] = {}
    wanted = {_after(c["row"]["eligibility"], "License:") for c in clues}
    for r in rows(rec / "chronic_eligibility.csv"):
        if r.get("认定编号", "") in wanted:
            elig[r["认定编号"]] = r
    # a row-scoped person (mistyped 身份证号: Person:unverified:<file>#row=N:person) is checked
    # under the valid number the generator recorded for that row (ground_truth/broken.jsonl)
    # and a settlement row with a mistyped number counts for the valid number's holder
    valid: dict[int, str] = {}
    valid_settlement: dict[int, str] = {}
    broken = rec.parent / "ground_truth" / "broken.jsonl"
    if broken.exists():
        for line in broken.read_text(encoding="utf-8").splitlines():
            b = json.loads(line)
            if b.get("column") != "身份证号" or not b.get("valid_value"):
                continue
            if b.get("file", "").endswith("chronic_eligibility.csv"):
                valid[int(b["row"])] = str(b["valid_value"]).upper()
            elif b.get("file", "").endswith("medical_settlements.csv"):
                valid_settlement[int(b["row"])] = str(b["valid_value"]).upper()

    def ric_of(uid: str) -> tuple[str, bool]:
        m = re.search(r"^Person:unverified:.*chronic_eligibility\.csv#row=(\d+):", uid)
        if m:
            return valid.get(int(m.group(1)), ""), True
        return _after(uid, "Person:").upper(), False

    people = {ric_of(c["row"]["person"])[0] for c in clues}
    hist: dict[str, list[tuple[str, dt.date | None, bool]]] = defaultdict(list)
    kinds = set(params["history_kinds"])
    for n, r in numbered_rows(rec / "medical_settlements.csv"):  # streamed; only the clues' persons are kept
        ric = r.get("身份证号", "").upper()
        miskeyed = n in valid_settlement
        ric = valid_settlement.get(n, ric)
        if ric in people and r.get("医疗类别", "") in kinds:
            hist[ric].append((r.get("结算单号", ""), day(r.get("入院/就诊日期", "")) or day(r.get("结算日期", "")),
                              miskeyed))
    out = []
    for c in clues:
        row = c["row"]
        no = _after(row["eligibility"], "License:")
        ric, unverified = ric_of(row["person"])
        e = elig.get(no)
        why: list[str] = []
        prior: list[str] = []
        miskeyed_prior = False
        if e is None:
            why.append("eligibility not in chronic_eligibility.csv")
        elif unverified and not ric:
            why.append("mistyped 身份证号 with no valid number in ground_truth/broken.jsonl")
        elif not unverified and e.get("身份证号", "").upper() != ric:
            why.append("eligibility names another person")
        else:
            issued = day(e.get("认定日期", ""))
            if issued is None:
                why.append("no 认定日期")
            else:
                lo = issued - dt.timedelta(days=int(params["lookback_days"]))
                found = [(s, m) for s, d, m in hist.get(ric, []) if d is not None and lo <= d < issued]
                prior = [s for s, _ in found]
                miskeyed_prior = all(m for _, m in found)
                if prior:
                    why.append(f"{len(prior)} history settlement(s) in the look-back window")
        verdict = "rule_true" if not why else "not_rule_true"
        if prior and (unverified or miskeyed_prior):
            # the history is there once a mistyped 身份证号 (eligibility or settlement row) is corrected
            verdict = "history_in_miskeyed_rows"
        out.append({"clue": c["id"], "person": row["person"], "valid_id": ric if unverified else None,
                    "eligibility": row["eligibility"], "history_settlements_any_time": len(hist.get(ric, [])),
                    "prior": prior[:5], "verdict": verdict, "why_not": why})
    return out


AUDITS = {"hotline.counterfeit_hotspot": audit_hotline, "linkage.disqualified_officer_acting": audit_disqualified,
          "medical.eligibility_without_history": audit_eligibility}


def run_patterns(url: str, pids: Iterable[str], timeout: float, cypher: Path | None = None
                 ) -> dict[str, dict[str, Any]]:
    """Run the patterns (of the ``cypher`` folder given, else the installed library) on a graph
    ingested before (read-only) and return their clues and default parameters."""
    from kg.patterns import PatternLibrary
    from kg.store import open_store

    lib = PatternLibrary.load(cypher)
    st = open_store(url)  # Neo4j credentials: KG_NEO4J_USER / KG_NEO4J_PASSWORD (kg.settings)
    out: dict[str, dict[str, Any]] = {}
    try:
        for pid in pids:
            p = lib.get(pid)
            t = time.perf_counter()
            clues = p.run(st, timeout=timeout)
            out[pid] = {"seconds": round(time.perf_counter() - t, 2), "version": p.version,
                        "params": p.bind({}),
                        "clues": [{"id": c.id, "members": list(c.members), "row": c.row} for c in clues]}
    finally:
        st.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", required=True, help="the generated scenario folder the graph was ingested from")
    ap.add_argument("--graph", required=True, metavar="BACKEND=URL", help="falkordb=falkordb:///DIR or neo4j=bolt://...")
    ap.add_argument("--pattern", action="append", choices=PATTERNS, help="default: all three")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--cypher", type=Path, help="a pattern folder to audit instead of the library's (e.g. an "
                    "older version: git archive REV cypher | tar -x -C DIR)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "groundtruth_audit.json"))
    a = ap.parse_args()
    scenario = Path(a.scenario)
    rings, negatives = load_ground_truth(scenario)
    backend, _, url = a.graph.partition("=")
    pids = a.pattern or list(PATTERNS)
    load_before = [round(x, 2) for x in os.getloadavg()]
    found = run_patterns(url, pids, a.timeout, a.cypher)
    res: dict[str, Any] = {"scenario": str(scenario), "graph": a.graph, "when": time.strftime("%Y-%m-%d %H:%M"),
                           "cypher": str(a.cypher) if a.cypher else "library",
                           "versions": {pid: found[pid]["version"] for pid in pids},
                           "load_average_before": load_before, "patterns": {}}
    for pid in pids:
        f = found[pid]
        clues = f["clues"]
        s = score_pattern(pid, [c["members"] for c in clues], rings, negatives)
        model_rings = [r for r in rings if r.model == pid]
        anchors = set().union(*(r.uids(ANCHOR_ROLES[pid]) for r in model_rings)) if model_rings else set()
        off = [c for c in clues if not (clue_keys(c["members"]) & anchors)]
        t = time.perf_counter()
        checked = AUDITS[pid](off, scenario / "records", f["params"])
        verdicts = Counter(x["verdict"] for x in checked)
        res["patterns"][pid] = {**s.as_dict(), "pattern_seconds": f["seconds"], "off_target": len(off),
                                "verdicts": dict(sorted(verdicts.items())),
                                "audit_seconds": round(time.perf_counter() - t, 1), "clues": checked}
        print(f"{pid} v{f['version']}: {len(clues)} clues, precision {s.precision:.3f}, off-target {len(off)}: "
              + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())), flush=True)
    res["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
