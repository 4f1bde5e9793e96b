"""bench/groundtruth_audit.py: its record checks on the demo scenario's planted rings (rule
true) and on clues made wrong on purpose (not rule true). No graph is needed: the checks
read the records only."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kg.patterns import default_library

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("groundtruth_audit", ROOT / "bench" / "groundtruth_audit.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kg.synth import generate

    out = tmp_path_factory.mktemp("audit_demo")
    generate("demo", 1, out)
    return out


def _rings(demo: Path, model: str) -> list[dict[str, Any]]:
    lines = (demo / "ground_truth" / "rings.jsonl").read_text(encoding="utf-8").splitlines()
    return [d for d in map(json.loads, lines) if d["model"] == model]


def _params(pid: str) -> dict[str, Any]:
    return default_library().get(pid).bind({})


def test_disqualified_officer_rings_are_rule_true_and_a_wrong_company_is_not(audit: ModuleType, demo: Path) -> None:
    pid = "linkage.disqualified_officer_acting"
    rings = _rings(demo, pid)
    clues = [{"id": r["ring_id"], "row": {"person": f"Person:{r['expected_clue']['person']}",
                                         "conviction": f"CriminalCase:{r['expected_clue']['conviction']}",
                                         "company": f"Company:{r['expected_clue']['company']}"}} for r in rings]
    wrong = {"id": "wrong", "row": {**clues[0]["row"], "company": f"Company:{rings[1]['expected_clue']['company']}"}}
    out = audit.audit_disqualified(clues + [wrong], demo / "records", _params(pid))
    assert [o["verdict"] for o in out] == ["rule_true"] * len(rings) + ["not_rule_true"]
    assert out[-1]["why_not"] == ["registry does not name the person legal representative"]


def test_eligibility_rings_are_rule_true_and_a_holder_with_history_is_not(audit: ModuleType, demo: Path) -> None:
    pid = "medical.eligibility_without_history"
    rings = _rings(demo, pid)
    clues = [{"id": r["ring_id"], "row": {"person": f"Person:{r['expected_clue']['person']}",
                                         "eligibility": f"License:{r['expected_clue']['eligibility']}"}} for r in rings]
    out = audit.audit_eligibility(clues, demo / "records", _params(pid))
    assert [o["verdict"] for o in out] == ["rule_true"] * len(rings)
    # with every settlement kind counted as history the ring's own settlements still do not
    # count: they are after the eligibility date
    wide = {**_params(pid), "history_kinds": ["住院", "影像检查", "门诊慢特病", "普通门诊", "药店购药"]}
    assert all(o["verdict"] == "rule_true" for o in audit.audit_eligibility(clues, demo / "records", wide))
    bad = [{"id": "bad", "row": {**clues[0]["row"], "person": clues[1]["row"]["person"]}}]
    assert audit.audit_eligibility(bad, demo / "records", _params(pid))[0]["why_not"] == [
        "eligibility names another person"]


def test_hotline_rings_are_rule_true_at_one_address(audit: ModuleType, demo: Path) -> None:
    pid = "hotline.counterfeit_hotspot"
    rings = _rings(demo, pid)
    lines = (demo / "records" / "hotline_12345.jsonl").read_text(encoding="utf-8").splitlines()
    tickets = {}
    for line in lines:
        try:
            t = json.loads(line)
        except json.JSONDecodeError:  # the generator's malformed-row noise
            continue
        tickets[t.get("工单编号")] = t
    clues = []
    for r in rings:
        names = Counter(tickets[t]["被反映商户"] for t in r["expected_clue"]["tickets"] if t in tickets)
        clues.append({"id": r["ring_id"], "row": {"merchant": "", "merchant_name": names.most_common(1)[0][0]}})
    out = audit.audit_hotline(clues, demo / "records", _params(pid))
    assert [o["verdict"] for o in out] == ["rule_true"] * len(rings), out
    assert all(o["most_at_one_address"] >= 3 and o["registered_namesakes"] <= 1 for o in out)
    none = audit.audit_hotline([{"id": "x", "row": {"merchant": "", "merchant_name": "北京不存在商贸有限公司"}}],
                               demo / "records", _params(pid))
    assert none[0]["verdict"] == "not_rule_true" and none[0]["keyword_tickets"] == 0
