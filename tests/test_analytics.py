"""kg.analytics on both backends: subgraph -> networkx, rings, communities, centrality,
paths with hub limits, PageRank fallback when GDS is absent, score write-back."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from kg import analytics
from kg.errors import DataError, ModelError
from kg.store import GraphStore

# Ring 1: per:A and per:B share phone ph:1, per:B and co:C share address ad:1.
# Ring 2: per:D and per:E share phone ph:2. per:F uses ph:HUB like A, B, D, E (a hub).
# Money: acc:A -> acc:B -> acc:C -> acc:A (twice A -> B), acc:D -> acc:A.
PARTIES = {"Person": ["per:A", "per:B", "per:D", "per:E", "per:F"], "Company": ["co:C"]}
IDS = {"Phone": ["ph:1", "ph:2", "ph:HUB"], "Address": ["ad:1"]}
ACCOUNTS = ["acc:A", "acc:B", "acc:C", "acc:D"]
LINKS = [("HAS_PHONE", "per:A", "ph:1"), ("HAS_PHONE", "per:B", "ph:1"), ("LOCATED_AT", "per:B", "ad:1"),
         ("LOCATED_AT", "co:C", "ad:1"), ("HAS_PHONE", "per:D", "ph:2"), ("HAS_PHONE", "per:E", "ph:2")] + [
    ("HAS_PHONE", p, "ph:HUB") for p in ("per:A", "per:B", "per:D", "per:E", "per:F")]
TRANSFERS = [("acc:A", "acc:B", 100.0), ("acc:A", "acc:B", 50.0), ("acc:B", "acc:C", 140.0),
             ("acc:C", "acc:A", 130.0), ("acc:D", "acc:A", 10.0)]


def _load(store: GraphStore) -> None:
    src = "fixture/analytics#row=1@fixture@1"
    for label, uids in {**PARTIES, **IDS}.items():
        store.upsert_nodes(label, [{"uid": u, "props": {}, "src": src} for u in uids], dataset="fx")
    store.upsert_nodes("BankAccount", [{"uid": u, "props": {"init_balance": 1.0}, "src": src} for u in ACCOUNTS],
                       dataset="fx")
    by_type: dict[str, list[dict[str, Any]]] = {}
    for i, (t, a, b) in enumerate(LINKS):
        by_type.setdefault(t, []).append({"rid": f"{t}#{i}", "start": a, "end": b, "props": {}, "src": src})
    for t, rows in by_type.items():
        store.upsert_relationships(t, rows, dataset="fx")
    store.upsert_relationships("TRANSFERRED_TO", [
        {"rid": f"T#{i}", "start": a, "end": b, "props": {"amount": v, "ts": "2024-01-01T10:00:00"}, "src": src}
        for i, (a, b, v) in enumerate(TRANSFERS)], dataset="fx")


ALL = [u for v in PARTIES.values() for u in v] + [u for v in IDS.values() for u in v] + ACCOUNTS


def test_subgraph_into_networkx(store: GraphStore) -> None:
    _load(store)
    g = analytics.load_subgraph(store, ALL)
    assert isinstance(g, nx.MultiDiGraph)
    assert sorted(g.nodes) == sorted(ALL)
    assert g.nodes["acc:A"]["label"] == "BankAccount" and g.nodes["acc:A"]["init_balance"] == 1.0
    assert g.number_of_edges("acc:A", "acc:B") == 2  # parallel transfers kept
    assert {d["type"] for _, _, d in g.edges(data=True)} == {"HAS_PHONE", "LOCATED_AT", "TRANSFERRED_TO"}
    nb = analytics.load_subgraph(store, center="acc:A", depth=1)
    assert sorted(nb.nodes) == ["acc:A", "acc:B", "acc:C", "acc:D"]
    q = analytics.load_subgraph(store, query="MATCH p = (:BankAccount {uid: 'acc:B'})-[:TRANSFERRED_TO]->() RETURN p")
    assert sorted(q.nodes) == ["acc:B", "acc:C"] and q.number_of_edges() == 1
    with pytest.raises(DataError):
        analytics.load_subgraph(store, ALL, center="acc:A")


def test_rings_are_components_over_shared_identifiers(store: GraphStore) -> None:
    _load(store)
    g = analytics.load_subgraph(store, ALL)
    rings = analytics.rings(g, max_degree=4)  # ph:HUB (5 parties) is a hub
    assert rings == [["ad:1", "co:C", "per:A", "per:B", "ph:1"], ["per:D", "per:E", "ph:2"]]
    assert analytics.rings(g, max_degree=4, include_identifiers=False)[0] == ["co:C", "per:A", "per:B"]
    merged = analytics.rings(g, max_degree=10)  # without the hub cap everything but F's ring joins
    assert len(merged) == 1 and "per:F" in merged[0]
    assert analytics.rings(g, max_degree=4, min_parties=3) == [["ad:1", "co:C", "per:A", "per:B", "ph:1"]]


def test_communities_are_reproducible(store: GraphStore) -> None:
    _load(store)
    g = analytics.load_subgraph(store, ALL)
    a = analytics.communities(g, seed=7)
    assert a == analytics.communities(g, seed=7)
    assert sorted(u for c in a for u in c) == sorted(ALL)
    assert all(c == sorted(c) for c in a)


def test_centrality_and_networkx_pagerank_fallback(store: GraphStore) -> None:
    _load(store)
    g = analytics.load_subgraph(store, ACCOUNTS)
    c = analytics.centrality(g)
    assert c["degree"]["acc:A"] == 4.0 and c["degree"]["acc:D"] == 1.0
    assert abs(sum(c["pagerank"].values()) - 1.0) < 1e-9
    assert max(c["pagerank"], key=c["pagerank"].get) == "acc:A"
    assert c["betweenness"]["acc:A"] > c["betweenness"]["acc:D"] == 0.0
    assert analytics.gds_available(store) is False  # not installed here: networkx is used
    pr = analytics.pagerank(store, ACCOUNTS)
    assert pr.keys() == c["pagerank"].keys()
    assert all(abs(pr[u] - c["pagerank"][u]) < 1e-9 for u in pr)
    with pytest.raises(DataError):
        analytics.centrality(g, ["eigen"])


def test_paths_and_k_hop_respect_hub_limits(store: GraphStore) -> None:
    _load(store)
    g = analytics.load_subgraph(store, ALL)
    assert analytics.shortest_path(g, "per:A", "per:F") == ["per:A", "ph:HUB", "per:F"]
    assert analytics.shortest_path(g, "per:A", "per:F", max_degree=4) is None  # only via the hub
    assert analytics.shortest_path(g, "per:A", "co:C", max_degree=4) == ["per:A", "ph:1", "per:B", "ad:1", "co:C"]
    assert analytics.shortest_path(g, "acc:B", "acc:A", directed=True) == ["acc:B", "acc:C", "acc:A"]
    assert analytics.shortest_path(g, "per:A", "nope") is None
    hop = analytics.k_hop(g, "per:A", 2, max_degree=4)  # ph:HUB (degree 5) reached, not expanded
    assert hop == {"per:A": 0, "per:B": 2, "ph:1": 1, "ph:HUB": 1}
    assert analytics.k_hop(g, "per:A", 2) == {"per:A": 0, "per:B": 2, "per:D": 2, "per:E": 2, "per:F": 2,
                                              "ph:1": 1, "ph:HUB": 1}
    assert analytics.k_hop(g, "acc:A", 1, directed=True) == {"acc:A": 0, "acc:B": 1}


def test_scores_are_written_back_only_into_declared_number_properties(store: GraphStore) -> None:
    _load(store)
    pr = analytics.pagerank(store, ACCOUNTS)
    with pytest.raises(ModelError):
        analytics.write_scores(store, pr, "pagerank")  # not in the model: refused, nothing written
    with pytest.raises(ModelError):
        analytics.write_scores(store, pr, "bank")  # declared, but a string
    with pytest.raises(ModelError):
        analytics.write_scores(store, {"per:A": 1.0}, "init_balance")  # not a BankAccount property
    with pytest.raises(ModelError):
        analytics.write_scores(store, pr, "x} SET n.y = 1 //")
    with pytest.raises(DataError):
        analytics.write_scores(store, {"acc:nope": 1.0}, "init_balance")
    assert store.query("MATCH (n:BankAccount) WHERE n.pagerank IS NOT NULL RETURN count(n) AS c")[0]["c"] == 0
    assert analytics.write_scores(store, pr, "risk_score") == 4
    rows = store.query("MATCH (n:BankAccount) RETURN n.uid AS uid, n.risk_score AS v ORDER BY uid")
    assert {r["uid"]: r["v"] for r in rows} == pytest.approx(pr)
