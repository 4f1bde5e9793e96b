"""The store contract: the same assertions on the embedded FalkorDB and on Neo4j."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kg.errors import ConstraintViolation, DataError, ModelError, NotFound, QueryTimeout
from kg.store import GraphPath, GraphStore, Node, Rel

DS = "test"


def person(uid: str, name: str, row: int, **props: object) -> dict:
    return {"uid": uid, "props": {"name": name, **props}, "src": f"unit/people.csv#row={row}@test@1"}


def seed(store: GraphStore) -> None:
    store.upsert_nodes("Person", [
        person("Person:110101199001011237", "张三", 1, birth_date="1990-01-01", roles=["borrower"], income=120000.5),
        person("Person:2", "王某某", 2, masked=True, doc_scope="doc-7"),
        person("Person:3", "李XX", 3, create_time="2020-06-29 02:33:46.538"),
    ], dataset=DS)
    store.upsert_nodes("Company", [{"uid": "Company:91110105MA01ABCD1X", "src": "unit/co.csv#row=1@test@1",
                                    "props": {"name": "北京某某房地产经纪有限公司", "kind": "agency",
                                              "registered_capital": 1_000_000, "tax_zero": True}}], dataset=DS)
    store.upsert_relationships("LEGAL_REPRESENTATIVE_OF", [
        {"start": "Person:110101199001011237", "end": "Company:91110105MA01ABCD1X", "props": {"since": "2023-01-05"},
         "src": "unit/co.csv#row=1@test@1"}], dataset=DS)
    store.upsert_relationships("RELATED_TO", [
        {"start": "Person:110101199001011237", "end": "Person:2", "props": {"kind": "配偶"},
         "src": "unit/rel.csv#row=1@test@1"},
        {"start": "Person:2", "end": "Person:3", "props": {"kind": "朋友"}, "src": "unit/rel.csv#row=2@test@1"}],
        dataset=DS)


def test_upsert_is_idempotent(store: GraphStore) -> None:
    seed(store)
    first = [repr(x) for x in store.export()]
    counts = store.count()
    seed(store)
    assert [repr(x) for x in store.export()] == first
    assert store.count() == counts
    assert counts["nodes"] == 4 and counts["relationships"] == 3


def test_provenance_is_kept_per_element_and_property(store: GraphStore) -> None:
    seed(store)
    store.upsert_nodes("Person", [{"uid": "Person:2", "props": {"gender": "女"}, "src": "unit/other.csv#row=9@test@1"}],
                       dataset="second")
    n = store.get_node("Person:2")
    assert n.sources == ("unit/people.csv#row=2@test@1", "unit/other.csv#row=9@test@1")
    assert n.datasets == (DS, "second")
    assert n.property_sources["name"] == "unit/people.csv#row=2@test@1"
    assert n.property_sources["gender"] == "unit/other.csv#row=9@test@1"
    r = store.get_rel("RELATED_TO:Person:2->Person:3", "RELATED_TO")
    assert r.sources == ("unit/rel.csv#row=2@test@1",)
    assert r.property_sources == {"kind": "unit/rel.csv#row=2@test@1"}


def test_uniqueness_constraints_are_enforced(store: GraphStore) -> None:
    seed(store)
    with pytest.raises(ConstraintViolation):
        store.execute("CREATE (:Entity:Person {uid: $u})", {"u": "Person:2"})
    with pytest.raises(ConstraintViolation):
        store.execute("MATCH (a:Entity {uid: 'Person:2'}), (b:Entity {uid: 'Person:3'}) "
                      "CREATE (a)-[:RELATED_TO {rid: 'RELATED_TO:Person:2->Person:3'}]->(b)")
    assert store.count()["nodes"] == 4


@pytest.mark.parametrize("text", ["张某某（曾用名：张XX）", "O'Brien \"引号\" \\ 反斜杠", "多行\n文本\t制表", "𠮷野家 😀",
                                  "中国建设银行股份有限公司北京朝阳支行"])
def test_chinese_and_awkward_text_round_trips(store: GraphStore, text: str) -> None:
    store.upsert_nodes("Person", [person("Person:x", text, 1)], dataset=DS)
    assert store.get_node("Person:x").properties["name"] == text
    rows = store.query("MATCH (n:Person) WHERE n.name = $t RETURN n.name AS name", {"t": text})
    assert rows == [{"name": text}]


def test_dates_and_numbers_are_normalised(store: GraphStore) -> None:
    seed(store)
    p = store.get_node("Person:110101199001011237").properties
    assert p["birth_date"] == dt.date(1990, 1, 1) and isinstance(p["birth_date"], dt.date)
    assert p["income"] == 120000.5 and p["roles"] == ["borrower"]
    assert store.get_node("Person:3").properties["create_time"] == dt.datetime(2020, 6, 29, 2, 33, 46, 538000)
    c = store.get_node("Company:91110105MA01ABCD1X").properties
    assert c["registered_capital"] == 1_000_000.0 and isinstance(c["registered_capital"], float)
    assert c["tax_zero"] is True
    rows = store.query("MATCH (n:Person) WHERE n.birth_date < $d RETURN count(n) AS c",
                       {"d": 700_000_000_000})
    assert rows == [{"c": 1}]


def test_path_results_have_stable_ids_in_order(store: GraphStore) -> None:
    seed(store)
    rows = store.query("MATCH p = (a:Person {uid: $u})-[:RELATED_TO*2]->(c) RETURN p",
                       {"u": "Person:110101199001011237"})
    assert len(rows) == 1
    path = rows[0]["p"]
    assert isinstance(path, GraphPath)
    assert [n.id for n in path.nodes] == ["Person:110101199001011237", "Person:2", "Person:3"]
    assert [(r.start, r.end, r.properties["kind"]) for r in path.rels] == [
        ("Person:110101199001011237", "Person:2", "配偶"), ("Person:2", "Person:3", "朋友")]
    rel = store.query("MATCH ()-[r:LEGAL_REPRESENTATIVE_OF]->() RETURN r")[0]["r"]
    assert isinstance(rel, Rel) and rel.start == "Person:110101199001011237"
    assert rel.properties["since"] == dt.date(2023, 1, 5)


def test_bad_rows_are_rejected_and_nothing_is_half_written(store: GraphStore) -> None:
    seed(store)
    before = store.count()
    rows = [person("Person:10", "好", 10), person("Person:11", "坏", 11, birth_date="not a date"),
            {"uid": "", "props": {}, "src": "unit/x#row=1@t@1"}, {"uid": "Person:12", "props": {"name": "无来源"}},
            person("Person:13", "多", 13, shoe_size=42)]
    with pytest.raises(DataError) as exc:
        store.upsert_nodes("Person", rows, dataset=DS)
    msg = str(exc.value)
    assert "4 of 5" in msg and "row 1" in msg and "birth_date" in msg and "not a date" not in msg
    assert store.count() == before
    res = store.upsert_nodes("Person", rows, dataset=DS, on_error="skip")
    assert res.written == 1 and [r.index for r in res.rejected] == [1, 2, 3, 4]
    with pytest.raises(DataError):
        store.upsert_relationships("RELATED_TO", [
            {"start": "Person:2", "end": "Person:10", "props": {}, "src": "u#row=1@t@1"},
            {"start": "Person:2", "end": "Person:nobody", "props": {}, "src": "u#row=2@t@1"}], dataset=DS)
    assert store.count()["relationships"] == before["relationships"]
    with pytest.raises(ModelError):
        store.upsert_nodes("NoSuchLabel", [person("X:1", "x", 1)], dataset=DS)


def test_read_queries_refuse_writes(store: GraphStore) -> None:
    with pytest.raises(DataError):
        store.query("CREATE (:Entity:Person {uid: 'Person:evil'})")
    with pytest.raises(NotFound):
        store.get_node("Person:evil")


def test_neighbourhood_caps_hubs_and_subgraph(store: GraphStore) -> None:
    seed(store)
    store.upsert_nodes("Phone", [{"uid": "Phone:hub", "props": {"number": "13900000000"}, "src": "u#row=0@t@1"}],
                       dataset=DS)
    store.upsert_nodes("Person", [person(f"Person:h{i}", f"甲{i}", i) for i in range(30)], dataset=DS)
    store.upsert_relationships("HAS_PHONE", [{"start": f"Person:h{i}", "end": "Phone:hub", "props": {},
                                              "src": f"u#row={i}@t@1"} for i in range(30)]
                               + [{"start": "Person:3", "end": "Phone:hub", "props": {}, "src": "u#row=99@t@1"}],
                               dataset=DS)
    g = store.neighbourhood("Person:110101199001011237", depth=3, max_degree=10)
    # depth 1: Person:2, company; depth 2: Person:3; depth 3: the hub phone; the hub is not expanded
    assert set(g.nodes) == {"Person:110101199001011237", "Person:2", "Company:91110105MA01ABCD1X", "Person:3",
                            "Phone:hub"}
    assert len(g.rels) == 4
    g2 = store.neighbourhood("Phone:hub", depth=1, max_degree=10, limit=11)
    assert len(g2.nodes) == 11  # the start node is always expanded; limit caps the answer
    sub = store.subgraph(["Person:2", "Person:3", "Person:110101199001011237"])
    assert len(sub.nodes) == 3 and len(sub.rels) == 2


def test_delete_dataset_keeps_shared_elements(store: GraphStore) -> None:
    seed(store)
    store.upsert_nodes("Person", [person("Person:2", "王某某", 2)], dataset="other")
    store.upsert_nodes("Person", [person("Person:only-other", "赵某", 5)], dataset="other")
    res = store.delete_dataset(DS)
    assert res == {"nodes": 3, "relationships": 3}
    left = store.count()
    assert left["nodes"] == 2 and left["relationships"] == 0
    assert store.get_node("Person:2").datasets == ("other",)


def test_large_batch_of_100k_relationships(store: GraphStore) -> None:
    store.batch_size = 10000
    n_acc = 2000
    store.upsert_nodes("BankAccount", [{"uid": f"A:{i}", "props": {"account_no": str(i)}, "src": f"big#row={i}@t@1"}
                                       for i in range(n_acc)], dataset="big")
    rows = [{"rid": f"t{i}", "start": f"A:{i % n_acc}", "end": f"A:{(i * 7 + 1) % n_acc}",
             "props": {"amount": float(i), "ts": 1_600_000_000_000 + i}, "src": f"big#row={i}@t@1"}
            for i in range(100_000)]
    res = store.upsert_relationships("TRANSFERRED_TO", rows, dataset="big")
    assert res.written == 100_000
    assert store.count()["types"] == {"TRANSFERRED_TO": 100_000}
    total = store.query("MATCH ()-[t:TRANSFERRED_TO]->() RETURN sum(t.amount) AS s")[0]["s"]
    assert total == pytest.approx(sum(range(100_000)))


def test_server_version_names_the_backend(store: GraphStore) -> None:
    v = store.server_version()
    assert v.startswith(store.backend) and any(ch.isdigit() for ch in v)


def test_export_is_identical_on_both_backends(both: dict[str, GraphStore]) -> None:
    dumps = {}
    for name, st in both.items():
        seed(st)
        dumps[name] = sorted((type(x).__name__, x.id, repr(sorted(x.properties.items())), x.sources, x.datasets,
                              repr(sorted(x.property_sources.items())))
                             for x in st.export())
    assert dumps["falkordb"] == dumps["neo4j"]
    assert len(dumps["neo4j"]) == 7
    assert all(isinstance(n, Node) for n in both["neo4j"].export() if n.id.startswith("Person"))


def test_queries_time_out(store: GraphStore) -> None:
    with pytest.raises(QueryTimeout):
        store.query("UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y RETURN count(*) AS c", timeout=0.2)
    assert store.query("RETURN 1 AS one", timeout=5) == [{"one": 1}]  # the store is still usable


def test_rows_of_one_key_in_one_call_apply_in_order(store: GraphStore) -> None:
    rows = [{"uid": "Person:k", "props": {"name": f"名{i}"}, "src": f"unit/k.csv#row={i}@test@1"} for i in (1, 3, 4)]
    for _ in range(2):  # a re-run changes nothing
        store.upsert_nodes("Person", rows, dataset=DS)
        n = store.get_node("Person:k")
        assert n.sources == ("unit/k.csv#row=1@test@1", "unit/k.csv#row=3@test@1", "unit/k.csv#row=4@test@1")
        assert n.properties["name"] == "名4" and n.property_sources["name"] == "unit/k.csv#row=4@test@1"
    store.upsert_nodes("Person", [person("Person:j", "甲", 1)], dataset=DS)
    rels = [{"rid": "r1", "start": "Person:k", "end": "Person:j", "props": {"kind": f"k{i}"},
             "src": f"unit/r.csv#row={i}@test@1"} for i in (1, 2, 3)]
    store.upsert_relationships("RELATED_TO", rels, dataset=DS)
    r = store.get_rel("r1", "RELATED_TO")
    assert r.properties["kind"] == "k3" and r.sources == tuple(x["src"] for x in rels)


def test_existing_keys_beyond_the_first_batch_are_merged_not_duplicated(store: GraphStore) -> None:
    """Existing keys mixed into later batches of a call, and a key repeated within the call,
    are merged in order, never duplicated (batches of 3 rows)."""
    store.upsert_nodes("Person", [person("Person:old", "旧", 1)], dataset=DS)
    store.upsert_nodes("Person", [person("Person:j", "甲", 1)], dataset=DS)
    store.upsert_relationships("RELATED_TO", [{"rid": "r-old", "start": "Person:old", "end": "Person:j",
                                               "props": {"kind": "旧"}, "src": "unit/r.csv#row=1@test@1"}],
                               dataset=DS)
    store.batch_size = 3
    try:
        people = [person(f"Person:n{i}", f"新{i}", 10 + i) for i in range(7)]
        people.insert(5, person("Person:old", "旧改", 2))  # in the second batch: the probe misses it
        people.append(person("Person:n0", "新0改", 30))     # and a key repeated within the call
        store.upsert_nodes("Person", people, dataset="second")
        rels = [{"rid": f"r{i}", "start": "Person:j", "end": f"Person:n{i}", "props": {"kind": "新"},
                 "src": f"unit/r.csv#row={10 + i}@test@1"} for i in range(7)]
        rels.insert(4, {"rid": "r-old", "start": "Person:old", "end": "Person:j", "props": {"kind": "改"},
                        "src": "unit/r.csv#row=2@test@1"})
        store.upsert_relationships("RELATED_TO", rels, dataset="second")
    finally:
        store.batch_size = 5000
    counts = store.count()
    assert counts["labels"]["Person"] == 9 and counts["types"]["RELATED_TO"] == 8
    old = store.get_node("Person:old")
    assert old.properties["name"] == "旧改" and old.datasets == (DS, "second")
    assert old.sources == ("unit/people.csv#row=1@test@1", "unit/people.csv#row=2@test@1")
    assert store.get_node("Person:n0").properties["name"] == "新0改"
    r = store.get_rel("r-old", "RELATED_TO")
    assert r.properties["kind"] == "改" and r.sources == ("unit/r.csv#row=1@test@1", "unit/r.csv#row=2@test@1")


@pytest.mark.parametrize("cypher, writes", [
    ("MATCH (n:Person) RETURN n.name AS name", False),
    ("MATCH (n:Person) WHERE n.uid = $u RETURN n", False),
    ("CREATE (:Entity:Person {uid: 'x'})", True),
    ("MATCH (n:Person) SET n.name = 'y'", True),
    ("MERGE (n:Entity:Person {uid: 'x'})", True),
    ("MATCH (n:Person) DETACH DELETE n", True),
])
def test_engine_reports_write_operations_without_running(store: GraphStore, cypher: str, writes: bool) -> None:
    seed(store)
    before = [repr(x) for x in store.export()]
    ops = store.write_operations(cypher, {"u": "Person:2"})
    assert bool(ops) is writes
    assert [repr(x) for x in store.export()] == before  # planning wrote nothing


def _dump(st: GraphStore) -> list[tuple[Any, ...]]:
    return sorted((type(x).__name__, x.id, repr(sorted(x.properties.items())), x.sources, x.datasets,
                   repr(sorted(x.property_sources.items()))) for x in st.export())


def test_rows_of_one_element_folded_in_one_call_equal_one_call_per_row(store: GraphStore) -> None:
    """The store folds the rows of one element given in one call into one write; the graph
    is the one that one call per row gives: properties (later rows win), refs in order,
    each once, and per-property refs (the last setter's, none where it is the first ref),
    for new and existing elements."""
    a, b, c = (f"unit/f.csv#row={i}@test@1" for i in (1, 2, 3))
    node_rows = [
        {"uid": "Person:f1", "props": {"name": "甲", "gender": "男"}, "src": a},
        {"uid": "Person:f2", "props": {"name": "乙"}, "src": b},
        {"uid": "Person:f1", "props": {"name": "甲改"}, "src": b},
        {"uid": "Person:f1", "props": {}, "src": c},
        {"uid": "Person:f2", "props": {"gender": "女"}, "src": b},
        {"uid": "Person:f3", "props": {"name": "丙"}, "src": c},
        {"uid": "Person:f3", "props": {"name": "丙二"}, "src": a},
        {"uid": "Person:f3", "props": {"name": "丙三"}, "src": c},
        {"uid": "Person:f1", "props": {"gender": "女"}, "src": a},
    ]
    rel_rows = [
        {"rid": "fr1", "start": "Person:f1", "end": "Person:f2", "props": {"kind": "一"}, "src": a},
        {"rid": "fr1", "start": "Person:f1", "end": "Person:f2", "props": {"kind": "二"}, "src": b},
        {"rid": "fr1", "start": "Person:f1", "end": "Person:f2", "props": {}, "src": a},
        {"rid": None, "start": "Person:f2", "end": "Person:f3", "props": {"kind": "三"}, "src": c},
        {"rid": None, "start": "Person:f2", "end": "Person:f3", "props": {"kind": "四"}, "src": c},
    ]
    dumps = []
    for one_by_one in (True, False):
        store.clear()
        # an existing element whose first ref is c: later rows compare their refs with it
        store.upsert_nodes("Person", [{"uid": "Person:f3", "props": {"name": "旧"}, "src": c}], dataset=DS)
        for _ in range(2):  # a second run changes nothing
            if one_by_one:
                for r in node_rows:
                    store.upsert_nodes("Person", [r], dataset=DS)
                for r in rel_rows:
                    store.upsert_relationships("RELATED_TO", [r], dataset=DS)
            else:
                store.upsert_nodes("Person", node_rows, dataset=DS)
                store.upsert_relationships("RELATED_TO", rel_rows, dataset=DS)
        dumps.append(_dump(store))
    assert dumps[0] == dumps[1]
    n = store.get_node("Person:f1")
    assert n.properties["name"] == "甲改" and n.properties["gender"] == "女"
    assert n.sources == (a, b, c) and n.property_sources == {"name": b, "gender": a}
    m = store.get_node("Person:f3")
    assert m.properties["name"] == "丙三" and m.sources == (c, a) and m.property_sources == {"name": c}
    assert store.get_rel("fr1", "RELATED_TO").property_sources == {"kind": b}


def test_present_endpoints_are_not_looked_up_and_the_others_still_are(store: GraphStore) -> None:
    seed(store)
    calls: list[list[str]] = []
    orig = store.missing_nodes

    def counting(uids: Any) -> set[str]:
        calls.append(sorted(set(uids)))
        return orig(calls[-1])

    store.missing_nodes = counting  # type: ignore[method-assign]
    try:
        res = store.upsert_relationships("RELATED_TO", [
            {"start": "Person:2", "end": "Person:110101199001011237", "props": {}, "src": "u#row=1@t@1"},
            {"start": "Person:3", "end": "Person:nobody", "props": {}, "src": "u#row=2@t@1"}],
            dataset=DS, on_error="skip", present={"Person:2", "Person:3"})
    finally:
        del store.missing_nodes
    assert calls == [["Person:110101199001011237", "Person:nobody"]]  # the present ones were not asked for
    assert res.written == 1 and [(r.index, r.reason) for r in res.rejected] == [(1, "endpoint node not in the graph")]
    got = store.query("MATCH (a)-[r:RELATED_TO]->(b) WHERE a.uid = 'Person:2' RETURN b.uid AS b ORDER BY b")
    assert [r["b"] for r in got] == ["Person:110101199001011237", "Person:3"]
