"""The pattern library: every pattern has a fixture and gives its expected clues on both
backends; loading refuses bad pattern files with a clear error."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.errors import NotFound, PatternError
from kg.model import to_epoch_ms
from kg.patterns import Pattern, PatternLibrary, clue_id, default_library, load_thresholds, write_clauses
from kg.store import GraphStore

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pattern_files() -> list[tuple[str, str]]:
    """``(family, file name)`` of every main pattern file under the ``cypher`` package."""
    out = []
    for fam in sorted(resources.files("cypher").iterdir(), key=lambda e: e.name):
        if fam.is_dir() and fam.name not in ("schema", "demo", "__pycache__"):
            for entry in sorted(fam.iterdir(), key=lambda e: e.name):
                name = entry.name
                if name.endswith(".cypher") and not name.endswith((".neo4j.cypher", ".falkordb.cypher")):
                    out.append((fam.name, name[: -len(".cypher")]))
    return out


PATTERNS = pattern_files()


def load_fixture(store: GraphStore, path: Path) -> dict[str, Any]:
    """Write a fixture graph (store upsert row format) and return the parsed fixture."""
    fx = yaml.safe_load(path.read_text(encoding="utf-8"))
    src = f"fixture/{path.parent.name}/{path.name}"
    for label, rows in (fx.get("nodes") or {}).items():
        store.upsert_nodes(label, [{"uid": r["uid"], "props": r.get("props") or {},
                                    "src": r.get("src") or f"{src}#row={i + 1}@fixture@1"}
                                   for i, r in enumerate(rows)], dataset="fixture")
    for rtype, rows in (fx.get("relationships") or {}).items():
        store.upsert_relationships(rtype, [{"rid": r.get("rid") or f"{rtype}#{i + 1}", "start": r["start"],
                                            "end": r["end"], "props": r.get("props") or {},
                                            "src": r.get("src") or f"{src}#rel={rtype}:{i + 1}@fixture@1"}
                                           for i, r in enumerate(rows)], dataset="fixture")
    return fx


def _same(expected: Any, got: Any) -> bool:
    if isinstance(expected, float) or isinstance(got, float):
        return isinstance(got, (int, float)) and abs(float(expected) - float(got)) <= 1e-6
    if isinstance(expected, list) and isinstance(got, list):
        return len(expected) == len(got) and all(_same(a, b) for a, b in zip(expected, got, strict=True))
    return bool(expected == got)


def check_cases(pattern: Pattern, store: GraphStore, fx: dict[str, Any]) -> None:
    """Run every case of a fixture and compare with its expected clues, in order."""
    assert fx.get("cases"), f"{pattern.id}: fixture has no cases"
    for i, case in enumerate(fx["cases"]):
        clues = pattern.run(store, case.get("params") or {})
        expected = case["expect"]
        got_members = [list(c.members) for c in clues]
        assert got_members == [sorted(e["members"]) for e in expected], f"{pattern.id} case {i} on {store.backend}"
        for c, e in zip(clues, expected, strict=True):
            for col, val in (e.get("row") or {}).items():
                assert _same(val, c.row[col]), f"{pattern.id} case {i} column {col}: {c.row[col]!r} != {val!r}"
            assert c.explanation_zh and "{" not in c.explanation_zh
            assert c.rule_id == pattern.id and c.rule_version == pattern.version


def test_every_pattern_file_is_in_the_library() -> None:
    lib = default_library()
    assert sorted(f"{fam}.{name}" for fam, name in PATTERNS) == lib.ids()
    assert len(lib) >= 12


@pytest.mark.parametrize("family,name", PATTERNS, ids=[f"{f}.{n}" for f, n in PATTERNS])
def test_pattern_fixture_gives_expected_clues(store: GraphStore, family: str, name: str) -> None:
    path = FIXTURES / family / f"{name}.yaml"
    assert path.exists(), f"pattern {family}.{name} has no fixture {path}"
    pattern = default_library().get(f"{family}.{name}")
    check_cases(pattern, store, load_fixture(store, path))
    assert pattern.check_read_only_on(store) == "r"


@pytest.mark.parametrize("family,name", PATTERNS, ids=[f"{f}.{n}" for f, n in PATTERNS])
def test_both_backends_give_identical_rows(both: dict[str, GraphStore], family: str, name: str) -> None:
    path = FIXTURES / family / f"{name}.yaml"
    pattern = default_library().get(f"{family}.{name}")
    out = {}
    for backend, st in both.items():
        fx = load_fixture(st, path)
        out[backend] = [json.dumps([c.as_dict() for c in pattern.run(st, case.get("params") or {})],
                                   sort_keys=True, ensure_ascii=False) for case in fx["cases"]]
    assert out["falkordb"] == out["neo4j"]


# -- refusals at load time ------------------------------------------------------------------
HEADER = """// ---
// id: test.sample
// version: 1
// title: {zh: 样例, en: Sample}
// params:
//   min_amount: {type: float, default: 0, min: 0}
// returns: [account, members]
// backends: [neo4j, falkordb]
// members: members
// score: 1
// explain_zh: "账户 {account}"
// ---
"""
GOOD = "MATCH (a:BankAccount)-[t:TRANSFERRED_TO]->(:BankAccount) WHERE t.amount >= $min_amount\n" \
       "RETURN a.uid AS account, [a.uid] AS members"


def test_a_good_sample_loads() -> None:
    p = Pattern.from_text(HEADER + GOOD)
    assert p.id == "test.sample" and set(p.params) == {"min_amount"}


@pytest.mark.parametrize("query,needle", [
    ("MATCH (a:BankAccount) WHERE a.uid <> $min_amount SET a.is_blocked = true RETURN a.uid AS account, [] AS members",
     "not read-only"),
    ("MATCH (a:BankAccount) WHERE a.uid <> $min_amount DETACH DELETE a RETURN 1 AS account, [] AS members",
     "not read-only"),
    ("MERGE (a:BankAccount {uid: 'x'}) WITH a WHERE $min_amount > 0 RETURN a.uid AS account, [] AS members",
     "not read-only"),
    ("LOAD CSV FROM 'file:///x.csv' AS r WITH r WHERE $min_amount > 0 RETURN r AS account, [] AS members",
     "not read-only"),
    ("CALL apoc.create.node(['X'], {}) YIELD node WITH node WHERE $min_amount > 0 "
     "RETURN node AS account, [] AS members", "not read-only"),
    ("MATCH (a:BankAccount) WHERE a.create_time > $since AND $min_amount >= 0 RETURN a.uid AS account, [] AS members",
     "undeclared parameter"),
    ("MATCH (a:BankAccount) RETURN a.uid AS account, [] AS members", "not used by the query"),
    ("MATCH (a:ShellCompany) WHERE $min_amount > 0 RETURN a.uid AS account, [] AS members", "label(s) not in the model"),
    ("MATCH (a:BankAccount)-[:PAID_BRIBE]->(b) WHERE $min_amount > 0 RETURN a.uid AS account, [] AS members",
     "relationship type(s) not in the model"),
    ("MATCH (a:BankAccount) WHERE a.balance_cny > $min_amount RETURN a.uid AS account, [] AS members",
     "property(ies) not in the model"),
])
def test_bad_pattern_is_refused_with_a_clear_error(query: str, needle: str) -> None:
    with pytest.raises(PatternError) as exc:
        Pattern.from_text(HEADER + query)
    assert needle in str(exc.value)


def test_words_inside_strings_and_comments_are_not_clauses_or_names() -> None:
    q = ("// CREATE (x:Nope) SET x.foo = 1\nMATCH (a:BankAccount) WHERE a.bank <> 'MERGE :Nope .foo $bar' "
         "AND a.account_no <> \"DELETE\" AND $min_amount >= 0 RETURN a.uid AS account, [a.uid] AS members")
    assert write_clauses(q) == []
    Pattern.from_text(HEADER + q)


@pytest.mark.parametrize("header_change,needle", [
    (("// version: 1\n", "// version: one\n"), "version"),
    (("// returns: [account, members]\n", "// returns: [account]\n"), "members must name returned column"),
    (("// score: 1\n", "// score: __import__('os')\n"), "score"),
    (("// explain_zh: \"账户 {account}\"\n", "// explain_zh: \"账户 {acct}\"\n"), "explain_zh"),
    (("// id: test.sample\n", "// id: Sample\n"), "pattern id"),
    (("min: 0}", "min: 0, default_from: thresholds.nope}"), "default or default_from"),
    (("{type: float, default: 0, min: 0}", "{type: money, default: 0}"), "parameter needs a type"),
    (("// backends: [neo4j, falkordb]\n", "// backends: [sqlite]\n"), "backends"),
])
def test_bad_header_is_refused(header_change: tuple[str, str], needle: str) -> None:
    old, new = header_change
    assert old in HEADER
    with pytest.raises(PatternError) as exc:
        Pattern.from_text(HEADER.replace(old, new) + GOOD)
    assert needle in str(exc.value)


def test_missing_header_is_refused() -> None:
    with pytest.raises(PatternError, match="header"):
        Pattern.from_text(GOOD)


def test_library_refuses_a_bad_file_in_a_folder(tmp_path: Path) -> None:
    fam = tmp_path / "test"
    fam.mkdir()
    (fam / "sample.cypher").write_text(HEADER + GOOD, encoding="utf-8")
    lib = PatternLibrary.load(tmp_path)  # type: ignore[arg-type]
    assert lib.ids() == ["test.sample"]
    (fam / "other.cypher").write_text(HEADER.replace("test.sample", "test.other")
                                      + GOOD.replace("$min_amount", "$limit"), encoding="utf-8")
    with pytest.raises(PatternError, match="undeclared parameter"):
        PatternLibrary.load(tmp_path)  # type: ignore[arg-type]


def test_engine_refuses_a_write_query_that_slipped_past_the_tokenizer(store: GraphStore) -> None:
    p = Pattern.from_text(HEADER + GOOD)
    assert p.check_read_only_on(store) == "r"
    p.query = "CREATE (a:Entity:BankAccount {uid: 'x'}) RETURN a.uid AS account, [a.uid] AS members"
    with pytest.raises(PatternError, match="read-only|write"):
        p.check_read_only_on(store)
    assert store.count()["nodes"] == 0


# -- parameters, thresholds, clues ---------------------------------------------------------
def test_params_are_validated_and_coerced() -> None:
    lib = default_library()
    trace = lib.get("generic.transfer_trace")
    bound = trace.bind({"account": "acc:A", "start": "2024-06-01", "max_hops": "2"})
    assert bound["start"] == to_epoch_ms(dt.datetime(2024, 6, 1))
    assert bound["max_hops"] == 2 and isinstance(bound["max_hops"], int)
    assert bound["end"] == to_epoch_ms(dt.datetime(2100, 1, 1))
    with pytest.raises(PatternError, match="above its maximum"):
        trace.bind({"account": "acc:A", "max_hops": 9})
    with pytest.raises(PatternError, match="below its minimum"):
        trace.bind({"account": "acc:A", "max_hops": 0})
    with pytest.raises(PatternError, match="does not fit type int"):
        trace.bind({"account": "acc:A", "max_hops": "three"})
    with pytest.raises(PatternError, match="does not fit type datetime"):
        trace.bind({"account": "acc:A", "start": "yesterday"})
    with pytest.raises(PatternError, match="required"):
        trace.bind({})
    with pytest.raises(PatternError, match="unknown parameter"):
        trace.bind({"account": "acc:A", "hops": 2})
    with pytest.raises(PatternError, match="choices"):
        lib.get("finbench.tcr1_blocked_medium_accounts").bind({"id": "x", "truncationOrder": "RANDOM"})
    with pytest.raises(NotFound):
        lib.get("generic.nope")


def test_thresholds_are_versioned_data_with_sources() -> None:
    version, rows = load_thresholds()
    assert version
    for key in ("loan_fraud_loss_cny", "fake_goods_sales_cny", "vat_invoice_tax_cny", "vat_invoice_loss_cny",
                "tax_evasion_cny", "tax_evasion_share"):
        assert rows[key].source and rows[key].source_date and rows[key].legal_basis
    assert rows["loan_fraud_loss_cny"].value == 500000 and rows["fake_goods_sales_cny"].value == 50000
    fan_in = default_library().get("generic.fan_in")
    assert fan_in.params["min_total"].default_from == "thresholds.large_transfer_individual_cny"
    assert fan_in.params["min_total"].default == rows["large_transfer_individual_cny"].value
    bad = HEADER.replace("{type: float, default: 0, min: 0}", "{type: float, default_from: thresholds.no_such_key}")
    with pytest.raises(PatternError, match="unknown threshold"):
        Pattern.from_text(bad + GOOD)


def test_clue_id_is_stable_and_order_free() -> None:
    a = clue_id("generic.fan_in", 1, ["acc:B", "acc:A"])
    assert a == clue_id("generic.fan_in", 1, ["acc:A", "acc:B", "acc:A"])
    assert a != clue_id("generic.fan_in", 2, ["acc:A", "acc:B"])
    assert a != clue_id("generic.fan_out", 1, ["acc:A", "acc:B"])


def test_backend_sibling_file_is_used_on_its_backend_only(tmp_path: Path) -> None:
    fam = tmp_path / "test"
    fam.mkdir()
    (fam / "sample.cypher").write_text(HEADER + GOOD, encoding="utf-8")
    variant = GOOD.replace("WHERE t.amount >= $min_amount", "WHERE t.amount >= $min_amount AND a <> b").replace(
        "->(:BankAccount)", "->(b:BankAccount)")
    (fam / "sample.neo4j.cypher").write_text(HEADER + variant, encoding="utf-8")
    p = PatternLibrary.load(tmp_path).get("test.sample")  # type: ignore[arg-type]
    assert p.query_for("neo4j") == variant and p.query_for("falkordb") == GOOD
    (fam / "sample.neo4j.cypher").write_text(HEADER.replace("version: 1", "version: 2") + variant, encoding="utf-8")
    with pytest.raises(PatternError, match="differs from its pattern in 'version'"):
        PatternLibrary.load(tmp_path)  # type: ignore[arg-type]
    (fam / "sample.neo4j.cypher").unlink()
    (fam / "orphan.falkordb.cypher").write_text(HEADER + GOOD, encoding="utf-8")
    with pytest.raises(PatternError, match="without its main pattern file"):
        PatternLibrary.load(tmp_path)  # type: ignore[arg-type]


def test_neo4j_gets_no_deprecation_warnings(both: dict[str, GraphStore]) -> None:
    st = both["neo4j"]
    driver = st._driver  # type: ignore[attr-defined]
    with driver.session(database=st.database) as s:  # type: ignore[attr-defined]
        for p in default_library():
            params = p.bind({k: "x" for k, v in p.params.items() if v.default is None})
            summary = s.run("EXPLAIN " + p.query_for("neo4j"), params).consume()
            deprecated = [o.status_description for o in summary.gql_status_objects
                          if "deprecat" in (o.status_description or "").lower()]
            assert not deprecated, (p.id, deprecated[:1])
    assert "CALL (" in default_library().get("finbench.tcr1_blocked_medium_accounts").query_for("neo4j")
    assert "CALL (" not in default_library().get("finbench.tcr1_blocked_medium_accounts").query_for("falkordb")
