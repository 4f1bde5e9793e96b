"""Result decoding: every value type comes back as the same Python value on both backends.

The FalkorDB store decodes the compact reply itself (kg.store.falkordb_compact) and the
Neo4j store collects a read query's rows into one value from its second run on
(kg.store.neo4j._collected); both must give exactly what the drivers' own readers gave.
Each query below therefore runs three times (Neo4j: first row by row, then collected)
and every run must return the same rows, equal to the expected values, on both engines.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from falkordb.edge import Edge as FEdge
from falkordb.node import Node as FNode
from falkordb.path import Path as FPath

from kg.errors import StoreError
from kg.store import GraphPath, GraphStore, Node, Rel
from kg.store.falkordb_compact import CompactDecoder
from tests.store.test_contract import seed

BIG = 2**63 - 1

# (cypher, params, expected rows): the same on both engines
SCALARS: list[tuple[str, dict[str, Any], list[dict[str, Any]]]] = [
    ("RETURN 1 AS i, -7 AS n, 0 AS z", {}, [{"i": 1, "n": -7, "z": 0}]),
    ("RETURN $a AS a, $b AS b", {"a": BIG, "b": -BIG - 1}, [{"a": BIG, "b": -BIG - 1}]),
    ("RETURN 1.5 AS f, -0.25 AS g, $x AS x, 1.0 AS one, $y AS y", {"x": 98367340.412, "y": 1e-300},
     [{"f": 1.5, "g": -0.25, "x": 98367340.412, "one": 1.0, "y": 1e-300}]),
    ("RETURN '张三 王某某' AS s, $t AS t, '' AS e", {"t": "北京某某\"房地产\"\\经纪 '有限' 公司\n第二行"},
     [{"s": "张三 王某某", "t": "北京某某\"房地产\"\\经纪 '有限' 公司\n第二行", "e": ""}]),
    ("RETURN true AS t, false AS f, null AS n", {}, [{"t": True, "f": False, "n": None}]),
    ("RETURN [1, 'a', 2.5, true, null, [2, ['深']], []] AS l", {},
     [{"l": [1, "a", 2.5, True, None, [2, ["深"]], []]}]),
    ("RETURN {a: 1, b: '乙', c: [1, {d: null}], e: {}} AS m", {},
     [{"m": {"a": 1, "b": "乙", "c": [1, {"d": None}], "e": {}}}]),
    ("RETURN $m AS m, $l AS l", {"m": {"k": ["v", 2]}, "l": [{"x": 1.25}]},
     [{"m": {"k": ["v", 2]}, "l": [{"x": 1.25}]}]),
    ("UNWIND range(1, 3) AS i RETURN i, toString(i) AS s ORDER BY i DESC", {},
     [{"i": 3, "s": "3"}, {"i": 2, "s": "2"}, {"i": 1, "s": "1"}]),
    ("UNWIND [] AS i RETURN i", {}, []),
    ("MATCH (n:Person {uid: 'nobody'}) RETURN n", {}, []),
    ("MATCH (n:Person {uid: 'nobody'}) RETURN count(n) AS c", {}, [{"c": 0}]),
]


def _thrice(store: GraphStore, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    runs = [store.query(cypher, params) for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    return runs[0]


@pytest.mark.parametrize(("cypher", "params", "expected"), SCALARS)
def test_scalars_lists_and_maps(store: GraphStore, cypher: str, params: dict[str, Any],
                                expected: list[dict[str, Any]]) -> None:
    rows = _thrice(store, cypher, params)
    assert rows == expected
    for got, want in zip(rows, expected, strict=True):  # bool is not int, float is not int
        assert [type(v) for v in got.values()] == [type(v) for v in want.values()]


def test_nodes_relationships_and_paths(both: dict[str, GraphStore]) -> None:
    queries = [
        ("MATCH (n:Person) RETURN n ORDER BY n.uid", {}),
        ("MATCH (a:Person)-[r:RELATED_TO]->(b) RETURN r, b.uid AS b ORDER BY b", {}),
        ("MATCH p = (a:Person {uid: $u})-[:RELATED_TO*2]->(c) RETURN p, length(p) AS k",
         {"u": "Person:110101199001011237"}),
        ("MATCH (a:Person)-[r]->(b) RETURN [a, r, b] AS l, {start: a, rel: r} AS m ORDER BY a.uid, type(r)", {}),
        ("MATCH (c:Company) OPTIONAL MATCH (c)-[r:RELATED_TO]->() RETURN c, r", {}),
    ]
    for st in both.values():
        seed(st)
    for cypher, params in queries:
        got = {b: _thrice(st, cypher, params) for b, st in both.items()}
        assert got["falkordb"] == got["neo4j"], cypher
    n = got["falkordb"][0]["c"]
    assert isinstance(n, Node) and n.id == "Company:91110105MA01ABCD1X" and n.labels == ("Company",)
    assert n.properties["tax_zero"] is True and n.sources == ("unit/co.csv#row=1@test@1",)
    assert got["falkordb"][0]["r"] is None
    rows = both["falkordb"].query(queries[2][0], queries[2][1])
    assert isinstance(rows[0]["p"], GraphPath) and [r.type for r in rows[0]["p"].rels] == ["RELATED_TO"] * 2
    rows = both["neo4j"].query(queries[3][0])
    assert all(isinstance(r["l"][1], Rel) and isinstance(r["m"]["start"], Node) for r in rows)


def test_relationship_alone_names_its_endpoints(both: dict[str, GraphStore]) -> None:
    for st in both.values():
        seed(st)
    got = {b: _thrice(st, "MATCH ()-[r:RELATED_TO]->() RETURN r ORDER BY r.rid", {}) for b, st in both.items()}
    assert got["falkordb"] == got["neo4j"]
    assert [(r["r"].start, r["r"].end) for r in got["neo4j"]] == [
        ("Person:110101199001011237", "Person:2"), ("Person:2", "Person:3")]


def test_many_rows_keep_their_order(both: dict[str, GraphStore]) -> None:
    q = ("UNWIND range(1, $n) AS i RETURN i, 'fb:BankAccount:' + toString(i) AS uid, [i, i * 0.5] AS l "
         "ORDER BY i DESC")
    got = {b: _thrice(st, q, {"n": 5000}) for b, st in both.items()}
    assert got["falkordb"] == got["neo4j"]
    assert [r["i"] for r in got["neo4j"]] == list(range(5000, 0, -1))
    assert got["neo4j"][0] == {"i": 5000, "uid": "fb:BankAccount:5000", "l": [5000, 2500.0]}


def test_errors_are_store_errors(store: GraphStore) -> None:
    for _ in range(2):
        with pytest.raises(StoreError):
            store.query("UNWIND [1, 0] AS x RETURN 1 / x AS y")
        with pytest.raises(StoreError):
            store.query("RETURN 1 +")


def test_unaliased_and_unwrappable_reads_still_answer(store: GraphStore) -> None:
    seed(store)
    for _ in range(2):
        assert store.query("MATCH (n:Person) RETURN n.uid ORDER BY n.uid LIMIT 1") == [
            {"n.uid": "Person:110101199001011237"}]
        assert store.query("RETURN 1 AS x, 2 AS `y z`") == [{"x": 1, "y z": 2}]
        assert store.query("MATCH (a:Person)-[:RELATED_TO]->(b) RETURN a.uid AS u UNION "
                           "MATCH (c:Company) RETURN c.uid AS u") != []


def test_neo4j_collects_a_read_from_its_second_run(both: dict[str, GraphStore]) -> None:
    st = both["neo4j"]
    q = "UNWIND range(1, 3) AS i RETURN i"
    st._shapes.pop(q, None)  # type: ignore[attr-defined]
    st.query(q)
    keys, text = st._shapes[q]  # type: ignore[attr-defined]
    assert keys == ("i",) and text.startswith("CALL () {") and "collect([`i`])" in text
    assert st.query(q) == [{"i": 1}, {"i": 2}, {"i": 3}]
    st.query("MATCH (n) RETURN n.uid LIMIT 1")
    assert st._shapes["MATCH (n) RETURN n.uid LIMIT 1"] is None  # type: ignore[attr-defined]
    for q in ("SHOW INDEXES YIELD name RETURN name", "CALL db.labels()", "RETURN 1 AS x;"):
        first = st.query(q)  # plain; then refused as a subquery, learnt, read plainly
        assert st.query(q) == first == st.query(q) and st._shapes[q] is None  # type: ignore[attr-defined]
    st.execute("CREATE (:Person {uid: 'w'}) RETURN 1 AS one")
    assert "CREATE (:Person {uid: 'w'}) RETURN 1 AS one" not in st._shapes  # type: ignore[attr-defined]


# -- FalkorDB: the compact decoder against falkordb-py's own parser ------------------

FALKOR_ONLY = [
    "RETURN point({latitude: 1.5, longitude: -2.25}) AS p",
    "RETURN date('2020-01-02') AS d, localdatetime('2020-01-02T03:04:05') AS t, localtime('03:04:05') AS h",
    "RETURN duration('P1DT2H') AS d",
    "RETURN vecf32([1.0, 2.5]) AS v",
    "RETURN {a: [1, 2.5, 'x'], b: {c: true}} AS m, [null, false] AS l",
    "MATCH (n:Person) RETURN n ORDER BY n.uid",
    "MATCH (a)-[r]->(b) RETURN r, a, b ORDER BY a.uid, type(r)",
    "MATCH p = (a:Person)-[:RELATED_TO*1..2]->(c) RETURN p ORDER BY a.uid, length(p)",
]


def _plain(v: Any) -> Any:
    """A falkordb-py value, or one of the compact decoder's, as comparable plain data."""
    if isinstance(v, (FNode,)) or type(v).__name__ == "CNode":
        return ("node", v.id, list(v.labels or []), _plain(dict(v.properties)))
    if isinstance(v, FEdge):
        return ("edge", v.id, v.relation, v.src_node, v.dest_node, _plain(dict(v.properties)))
    if type(v).__name__ == "CEdge":
        return ("edge", v.id, v.relation, v.src, v.dst, _plain(dict(v.properties)))
    if isinstance(v, FPath):
        return ("path", [_plain(n) for n in v.nodes()], [_plain(e) for e in v.edges()])
    if type(v).__name__ == "CPath":
        return ("path", [_plain(n) for n in v.nodes], [_plain(e) for e in v.edges])
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return (type(v).__name__, v)


@pytest.mark.parametrize("cypher", FALKOR_ONLY)
def test_falkordb_decoder_equals_falkordb_py(both: dict[str, GraphStore], cypher: str) -> None:
    st = both["falkordb"]
    seed(st)
    reference = st._g.ro_query(cypher)  # type: ignore[attr-defined]
    ref_rows = [_plain(dict(zip([h[1] for h in reference.header], row, strict=True)))
                for row in reference.result_set]
    reply = st._conn.execute_command("GRAPH.RO_QUERY", st.graph_name, cypher, "--compact")  # type: ignore[attr-defined]
    rows, graph = st._decoder.decode(reply)  # type: ignore[attr-defined]
    assert [_plain(r) for r in rows] == ref_rows
    assert graph == ("MATCH" in cypher)
    assert st.query(cypher) == st.query(cypher)


def test_falkordb_store_values_of_other_types(both: dict[str, GraphStore]) -> None:
    st = both["falkordb"]
    # the engine writes doubles with 15 significant digits (falkordb-py reads the same text)
    assert st.query("RETURN $x AS x", {"x": 1 / 3}) == [{"x": 0.333333333333333}]
    assert both["neo4j"].query("RETURN $x AS x", {"x": 1 / 3}) == [{"x": 1 / 3}]
    assert st.query(FALKOR_ONLY[0]) == [{"p": {"latitude": 1.5, "longitude": -2.25}}]
    rows = st.query(FALKOR_ONLY[1])
    assert rows == [{"d": dt.date(2020, 1, 2), "t": dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
                     "h": dt.time(3, 4, 5)}]
    assert st.query(FALKOR_ONLY[3]) == [{"v": [1.0, 2.5]}]


def test_falkordb_decoder_learns_new_names_and_forgets_them_on_clear(both: dict[str, GraphStore]) -> None:
    st = both["falkordb"]
    seed(st)
    assert st.get_node("Person:2").properties["name"] == "王某某"
    st.upsert_nodes("Person", [{"uid": "Person:9", "props": {"name": "赵", "gender": "男"},
                                "src": "unit/p.csv#row=9@test@1"}], dataset="t")
    dec = st._decoder  # type: ignore[attr-defined]
    dec.prop_keys, dec.labels = dec.prop_keys[:1], []  # as if those names were made after the last read
    n = st.get_node("Person:9")
    assert n.properties["gender"] == "男" and n.labels == ("Person",) and "gender" in dec.prop_keys
    st.clear()
    assert st._decoder.prop_keys == []  # type: ignore[attr-defined]
    st.upsert_nodes("Person", [{"uid": "Person:1", "props": {"gender": "女", "name": "钱"},
                                "src": "unit/p.csv#row=1@test@1"}], dataset="t")
    assert st.get_node("Person:1").properties == {"gender": "女", "name": "钱"}


def test_compact_decoder_reads_replies_without_a_result_set() -> None:
    dec = CompactDecoder(lambda kind: [])
    assert dec.decode([["Nodes created: 1"]]) == ([], False)
    assert dec.decode([[[1, "x"]], [], ["Cached execution: 0"]]) == ([], False)
    assert dec.decode([[[1, "x"], [1, "y"]], [[[3, 1], [5, "2.5"]], [[1, None], [4, "false"]]], []]) == (
        [{"x": 1, "y": 2.5}, {"x": None, "y": False}], False)


def test_one_store_decodes_in_several_threads(both: dict[str, GraphStore]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    for st in both.values():
        seed(st)
    plain = ("UNWIND range(1, 300) AS i RETURN i, [toString(i)] AS l", {})
    graph = ("MATCH (n:Person) RETURN n ORDER BY n.uid", {})
    for st in both.values():
        want = [st.query(*plain), st.query(*graph)]
        with ThreadPoolExecutor(4) as ex:
            got = list(ex.map(lambda k, s=st: s.query(*(plain, graph)[k % 2]), range(40)))
        assert all(g == want[k % 2] for k, g in enumerate(got))
        assert all(isinstance(r["n"], Node) for r in got[1])


def test_split_props_equals_the_model_decoding_for_every_type() -> None:
    from kg.model import PV_PREFIX, load_model
    from kg.store.base import INTERNAL_PROPS, split_props

    model = load_model()
    owners = [[label] for label in model.nodes] + [[t] for t in model.relationships] + [
        [label for label in list(model.nodes)[:3]]]
    for own in owners:
        names = sorted({n for o in own for n in (model.nodes[o] if o in model.nodes else model.relationships[o]
                                                  ).properties})
        raw: dict[str, Any] = {n: (1_600_000_000_123 if i % 3 else f"v{i}") for i, n in enumerate(names)}
        raw.update({"uid": "U", "rid": "R", "_src": ["s1", "s2"], "_ds": ["d"]})
        if names:
            raw[PV_PREFIX + names[0]] = "s2"
        props = {k: v for k, v in raw.items() if not k.startswith(PV_PREFIX) and k not in INTERNAL_PROPS}
        want = (model.decode_properties(own, props), ("s1", "s2"), ("d",),
                {k: ("s2" if k == names[0] else "s1") for k in props})
        assert split_props(own, raw, model) == want
        assert split_props(own, raw, model) == want  # from the cache


def test_gc_paused_restores_the_collector_state() -> None:
    """The pause re-enables the collector it disabled (also on error) and leaves a
    collector the process disabled itself disabled."""
    import gc

    from kg.gcpause import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_big_answer_read_without_collections(store: GraphStore) -> None:
    """A read of thousands of rows (lists and maps) runs no GC pass while the store reads
    it (kg.gcpause.gc_paused): a few young collections around the call at most (without
    the pause: 143 on FalkorDB, some of them full collections), gives the same rows as before, and leaves GC enabled."""
    import gc

    events: list[int] = []

    def cb(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            events.append(info["generation"])

    q = "UNWIND range(1, 5000) AS i RETURN i, [i, toString(i), [i]] AS l, {k: i, s: [toString(i)]} AS m"
    want = [{"i": i, "l": [i, str(i), [i]], "m": {"k": i, "s": [str(i)]}} for i in range(1, 5001)]
    for _ in range(2):  # Neo4j: row by row, then collected
        gc.collect()
        gc.callbacks.append(cb)
        try:
            rows = store.query(q)
        finally:
            gc.callbacks.remove(cb)
        assert rows == want
        assert len(events) <= 3 and set(events) <= {0}, events
        assert gc.isenabled()
