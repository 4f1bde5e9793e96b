"""The graph generation counter (kg/store/base.py): bumped by every kg write, kept in the
graph as one ``_KgMeta`` node that nothing else sees. Both backends."""

from __future__ import annotations

from extractors.ingest import graph_checksum
from kg.store import GraphStore
from kg.store.base import META_LABEL, NO_GENERATION

DS = "gen"


def _nodes(store: GraphStore, *uids: str) -> None:
    store.upsert_nodes("BankAccount", [{"uid": u, "src": f"{DS}/a.csv#row={i}@test@1", "props": {"account_no": u}}
                                       for i, u in enumerate(uids)], dataset=DS)


def test_every_write_bumps_and_reads_do_not(store: GraphStore) -> None:
    assert store.generation() == NO_GENERATION  # a cleared graph
    calls: list[int] = []
    store.on_write(lambda: calls.append(1))
    _nodes(store, "BankAccount:g1", "BankAccount:g2")
    g1 = store.generation()
    assert g1 != NO_GENERATION and len(g1) == 1 and len(calls) == 1
    store.get_node("BankAccount:g1")
    store.neighbourhood("BankAccount:g1", 2)
    store.query("MATCH (n:Entity) RETURN count(n) AS c")
    assert store.generation() == g1  # reads leave it
    store.upsert_relationships("TRANSFERRED_TO", [{"start": "BankAccount:g1", "end": "BankAccount:g2",
                                                   "src": f"{DS}/t.csv#row=1@test@1", "props": {"amount": 1.0}}],
                               dataset=DS)
    g2 = store.generation()
    store.upsert_source("s1", "file:///x.csv", "0" * 64, "records", dataset=DS)  # nested upsert: one bump
    g3 = store.generation()
    store.execute("MATCH (n:BankAccount {uid: 'BankAccount:g1'}) SET n.bank = 'x'")
    g4 = store.generation()
    store.delete_dataset(DS)
    g5 = store.generation()
    assert len({g1, g2, g3, g4, g5}) == 5
    assert g3[0][1] == g2[0][1] + 1  # upsert_source -> upsert_nodes bumped once
    assert len(calls) == 5
    store.clear()
    assert store.generation() == NO_GENERATION and len(calls) == 6
    _nodes(store, "BankAccount:g1")
    assert store.generation() not in (NO_GENERATION, g1)  # a new epoch after a clear


def test_failed_write_still_bumps(store: GraphStore) -> None:
    _nodes(store, "BankAccount:g1")
    g = store.generation()
    try:
        store.execute("MATCH (n:BankAccount) SET n.x = 1 / 0")
    except Exception:  # noqa: BLE001 - the engine's error type differs; the bump is what counts
        pass
    assert store.generation() != g


def test_meta_node_is_invisible(store: GraphStore) -> None:
    _nodes(store, "BankAccount:g1", "BankAccount:g2")
    before = (graph_checksum(store), store.count(), [x.id for x in store.export()])
    store._bump_generation()
    assert store.query(f"MATCH (m:{META_LABEL}) RETURN count(m) AS c")[0]["c"] == 1
    assert (graph_checksum(store), store.count(), [x.id for x in store.export()]) == before
    assert before[1]["nodes"] == 2
    g = store.neighbourhood("BankAccount:g1", 3)
    assert set(g.nodes) == {"BankAccount:g1"}
    assert store.query("MATCH (n:Entity) RETURN count(n) AS c")[0]["c"] == 2
