"""Tests of the scenario generator (kg.synth): determinism, ground truth, coverage, masking."""

from __future__ import annotations

import json
import math
import pathlib
import zipfile

import pytest
from stdnum import luhn
from stdnum.cn import ric, uscc

from kg.synth import MODELS, SCALES, generate
from kg.synth import ids as idmod
from kg.synth.validate import validate_output

ALL_MODELS = (
    "loans.broker_insider_ring",
    "loans.bridge_funding_loop",
    "loans.shell_borrower_cluster",
    "loans.high_appraisal",
    "loans.professional_borrower",
    "certs.fake_certificate_chain",
    "certs.fake_verification_site",
    "oiltax.revenue_gap",
    "oiltax.invoice_capacity_mismatch",
    "oiltax.circular_invoicing",
    "linkage.penalty_not_transferred",
    "linkage.nonprosecution_no_penalty",
    "linkage.disqualified_officer_acting",
    "hotline.counterfeit_hotspot",
    "housingfund.false_litigation_loop",
    "medical.eligibility_without_history",
    "medical.cardholder_pharmacy_cluster",
    "medical.accident_billed_to_insurance",
    "generic.circular_transfer",
    "generic.fan_in",
    "generic.fan_out",
    "generic.fast_in_fast_out",
    "generic.shared_identifier",
)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("tiny1")
    generate("tiny", 1, out)
    return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("demo7")
    generate("demo", 7, out)
    return out


def _files(root: pathlib.Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _jsonl(path: pathlib.Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- determinism ------------------------------------------------------------------------
def test_same_seed_same_bytes(tiny: pathlib.Path, tmp_path: pathlib.Path) -> None:
    again = tmp_path / "again"
    generate("tiny", 1, again)
    a, b = _files(tiny), _files(again)
    assert sorted(a) == sorted(b)
    assert any(k.endswith(".xlsx") for k in a)
    for name in a:
        assert a[name] == b[name], f"{name} differs between two runs with the same seed"


def test_different_seed_differs(tiny: pathlib.Path, tmp_path: pathlib.Path) -> None:
    other = tmp_path / "seed2"
    generate("tiny", 2, other)
    a, b = _files(tiny), _files(other)
    for name in ("records/bank_transfers.csv", "records/bank_loans.xlsx", "ground_truth/rings.jsonl"):
        assert a[name] != b[name]


def test_xlsx_zip_entries_have_fixed_times(tiny: pathlib.Path) -> None:
    for p in (tiny / "records").glob("*.xlsx"):
        with zipfile.ZipFile(p) as z:
            assert {i.date_time for i in z.infolist()} == {(2024, 1, 1, 0, 0, 0)}
            core = z.read("docProps/core.xml").decode()
            assert "2024-01-01T00:00:00Z" in core


def test_demo_deterministic(demo: pathlib.Path, tmp_path: pathlib.Path) -> None:
    again = tmp_path / "demo7b"
    generate("demo", 7, again)
    assert _files(demo) == _files(again)


# -- ground truth -----------------------------------------------------------------------
@pytest.mark.parametrize("which", ["tiny", "demo"])
def test_validator_passes(which: str, request: pytest.FixtureRequest) -> None:
    out = request.getfixturevalue(which)
    assert validate_output(out) == []


def test_quick_validator_streams(tiny: pathlib.Path) -> None:
    assert validate_output(tiny, full=False) == []


def test_validator_catches_damage(tiny: pathlib.Path, tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "bad"
    generate("tiny", 1, bad)
    rings = (bad / "ground_truth" / "rings.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(rings[0])
    first["members"].append({"label": "LoanAccount", "id": "NO-SUCH-LOAN", "role": "loan"})
    rings[0] = json.dumps(first, ensure_ascii=False)
    (bad / "ground_truth" / "rings.jsonl").write_text("\n".join(rings) + "\n", encoding="utf-8")
    errors = validate_output(bad)
    assert any("NO-SUCH-LOAN" in e for e in errors)


def test_broken_identifiers_listed_and_invalid(tiny: pathlib.Path) -> None:
    broken = _jsonl(tiny / "ground_truth" / "broken.jsonl")
    kinds = {b["kind"] for b in broken}
    assert {"duplicate"} & kinds and any(k.startswith("bad_") for k in kinds)
    checks = {"cn.ric": ric.is_valid, "cn.uscc": uscc.is_valid, "luhn": luhn.is_valid}
    manifest = json.loads((tiny / "manifest.json").read_text(encoding="utf-8"))
    n_bad = 0
    for b in broken:
        if not b["kind"].startswith("bad_") or b["kind"] == "bad_json":
            continue
        n_bad += 1
        kind = manifest["files"][b["file"]]["identifier_columns"][b["column"]]
        assert not any(checks[k](b["value"]) for k in kind.split("|")), b
        assert any(checks[k](b["valid_value"]) for k in kind.split("|")), b
    assert n_bad > 0


def test_every_model_planted(tiny: pathlib.Path, demo: pathlib.Path) -> None:
    assert set(MODELS) == set(ALL_MODELS)
    for out, want in ((tiny, SCALES["tiny"].rings_per_model), (demo, SCALES["demo"].rings_per_model)):
        rings = _jsonl(out / "ground_truth" / "rings.jsonl")
        counts: dict[str, int] = {}
        for r in rings:
            counts[r["model"]] = counts.get(r["model"], 0) + 1
            assert set(r) == {"ring_id", "model", "members", "expected_clue", "explanation_zh"}
            assert r["members"] and r["expected_clue"] and r["explanation_zh"]
        for m in ALL_MODELS:
            assert counts.get(m, 0) >= max(1, want), m


def test_hard_negatives_for_loans_and_medical(tiny: pathlib.Path, demo: pathlib.Path) -> None:
    for out in (tiny, demo):
        hn = _jsonl(out / "ground_truth" / "hard_negatives.jsonl")
        models = {h["model"] for h in hn}
        assert all(h["hard_negative"] is True for h in hn)
        for m in ALL_MODELS:
            if m.startswith(("loans.", "medical.")):
                assert m in models, m
        ring_people = {
            m["id"]
            for r in _jsonl(out / "ground_truth" / "rings.jsonl")
            for m in r["members"]
            if m["label"] == "Person"
        }
        hn_people = {m["id"] for h in hn for m in h["members"] if m["label"] == "Person"}
        assert not ring_people & hn_people


def test_thresholds_on_the_right_side(demo: pathlib.Path) -> None:
    rings = _jsonl(demo / "ground_truth" / "rings.jsonl")
    hn = _jsonl(demo / "ground_truth" / "hard_negatives.jsonl")
    for r in rings:
        c = r["expected_clue"]
        if r["model"] == "loans.high_appraisal":
            assert c["appraisal_ratio"] >= 1.45
        if r["model"] == "linkage.penalty_not_transferred":
            assert c["goods_value"] >= 50_000
        if r["model"] == "oiltax.revenue_gap":
            assert c["declared_to_estimated"] <= 0.45
        if r["model"] == "loans.broker_insider_ring":
            assert c["loan_count"] >= 5 and c["window_days"] <= 30
            assert 0.008 <= c["kickback_ratio"] <= 0.012
    for h in hn:
        if h["model"] == "loans.high_appraisal":
            assert h["facts"]["appraisal_ratio"] < 1.2


def test_identifiers_in_ground_truth_valid(tiny: pathlib.Path) -> None:
    idents = _jsonl(tiny / "ground_truth" / "identities.jsonl")
    persons = [i for i in idents if i["label"] == "Person"]
    companies = [i for i in idents if i["label"] == "Company"]
    assert len(persons) > 300 and len(companies) > 30
    assert all(ric.is_valid(p["id"]) for p in persons)
    assert all(uscc.is_valid(c["id"]) for c in companies)
    assert len({p["id"] for p in persons}) == len(persons)
    # some identities are referenced from several sources and from documents
    assert any(len({r.get("file", "doc") for r in p["refs"]}) >= 3 for p in persons)
    assert any(any("doc" in r for r in p["refs"]) for p in persons)


# -- files and documents ----------------------------------------------------------------
def test_gbk_registry(tiny: pathlib.Path) -> None:
    manifest = json.loads((tiny / "manifest.json").read_text(encoding="utf-8"))
    meta = manifest["files"]["records/business_registry.csv"]
    assert meta["encoding"] == "gbk"
    raw = (tiny / "records" / "business_registry.csv").read_bytes()
    text = raw.decode("gbk")
    assert text.startswith("统一社会信用代码,企业名称")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert b"\r\n" not in raw


def test_masking_share(demo: pathlib.Path) -> None:
    manifest = json.loads((demo / "manifest.json").read_text(encoding="utf-8"))
    share = manifest["mask_share"]
    docs = _jsonl(demo / "ground_truth" / "documents.jsonl")
    masked = sum(d["masked"] for d in docs)
    assert masked == math.floor(len(docs) * share)
    mentions = _jsonl(demo / "ground_truth" / "mentions.jsonl")
    by_doc = {d["doc_id"]: d["masked"] for d in docs}
    names = {i["id"]: i["name"] for i in _jsonl(demo / "ground_truth" / "identities.jsonl") if i["label"] == "Person"}
    seen_masked = 0
    for m in mentions:
        if m["label"] != "Person":
            continue
        if by_doc[m["doc"]]:
            assert m["masked"] and m["text"] != names[m["id"]]
            assert ("某" in m["text"]) or ("X" in m["text"]) or ("*" in m["text"])
            seen_masked += 1
        else:
            assert m["text"] in (names[m["id"]], m["id"])
    assert seen_masked > 0


def test_documents_mention_record_entities(demo: pathlib.Path) -> None:
    docs = _jsonl(demo / "ground_truth" / "documents.jsonl")
    types = {d["type"] for d in docs}
    assert {"起诉书", "判决书", "询问笔录", "银行流水"} <= types
    loans = set()
    for r in _jsonl(demo / "ground_truth" / "rings.jsonl"):
        loans |= {m["id"] for m in r["members"] if m["label"] == "LoanAccount"}
    mentions = _jsonl(demo / "ground_truth" / "mentions.jsonl")
    assert any(m["label"] == "LoanAccount" and m["id"] in loans for m in mentions)
    text = (demo / "documents" / f"{docs[0]['doc_id']}.txt").read_text(encoding="utf-8")
    assert "\r" not in text


def test_identifier_helpers() -> None:
    import random

    f = idmod.IdFactory(3)
    r = random.Random(3)
    for _ in range(200):
        pid, birth, _male = f.ric(r)
        assert ric.is_valid(pid) and birth.year >= 1960
        assert uscc.is_valid(f.uscc())
        card = f.card("招商银行")
        assert luhn.is_valid(card) and len(card) in (16, 19)
        assert not ric.is_valid(idmod.break_ric(pid, r)[0])
    assert len({f.phone() for _ in range(1000)}) == 1000


def test_scales_declared() -> None:
    assert set(SCALES) == {"tiny", "demo", "bench"}
    assert SCALES["bench"].people == 1_000_000


def test_module_cli(tmp_path: pathlib.Path) -> None:
    from kg.synth.__main__ import main

    assert main(["--scale", "tiny", "--seed", "5", "--out", str(tmp_path / "cli")]) == 0
    assert (tmp_path / "cli" / "manifest.json").exists()


def test_broken_party_ids_fail_both_checks(tmp_path: pathlib.Path) -> None:
    """A damaged ID in a person-or-company column must not pass as a USCC by chance (1 in 31)."""
    import random

    from kg.synth.sources import SOURCE_BY_NAME
    from kg.synth.world import World

    for sub in ("records", "ground_truth", "documents"):
        (tmp_path / sub).mkdir()
    w = World(1, tmp_path, 1, 0.5, {"bad_identifier": 0.0, "duplicate": 0.0, "malformed": 0.0})
    src = SOURCE_BY_NAME["bank_accounts"]
    col = src.columns.index("证件号码")
    f = idmod.IdFactory(9)
    r = random.Random(9)
    for _ in range(3000):
        good = f.ric(r)[0] if r.random() < 0.7 else f.uscc()
        values: list = [""] * len(src.columns)
        values[col] = good
        w._break_identifier(src, values, col, "证件号码", [], r, 1)
        assert not ric.is_valid(values[col]) and not uscc.is_valid(values[col]), (good, values[col])
    w.close()


def test_company_names_unique_within_a_scenario(tmp_path: pathlib.Path) -> None:
    """Names registered in one city are unique: no two USCCs share a name, nor a name core
    (the name without 北京 / （北京） and the 有限公司 suffix, what the records' variants keep).
    At 10,000 people the vocabulary alone gave 55 shared names; the demo scale had none,
    so its bytes did not change."""
    import csv

    from kg.synth.config import ScaleConfig
    from kg.synth.generator import generate_config
    from kg.synth.lexicon import company_name_core, unique_company_name

    generate_config(ScaleConfig("t10k", people=10_000, shard_size=10_000, rings_per_model=1, negatives_per_kind=1),
                    1, tmp_path)
    with (tmp_path / "records" / "business_registry.csv").open(encoding="gb18030", newline="") as fh:
        rows = list(csv.DictReader(fh))
    cores: dict[str, set[str]] = {}
    for r in rows:  # duplicate-row noise repeats a company's row: same USCC, not a clash
        cores.setdefault(company_name_core(r["企业名称"]), set()).add(r["统一社会信用代码"])
    assert len(rows) > 600
    assert [c for c, us in cores.items() if len(us) > 1] == []
    taken: set[str] = set()
    names = [unique_company_name("北京海纳大药房有限公司", taken) for _ in range(60)]
    assert len({company_name_core(n) for n in names}) == 60 and names[0] == "北京海纳大药房有限公司"
    assert names == [unique_company_name("北京海纳大药房有限公司", t) for t in [set()] for _ in range(60)]
