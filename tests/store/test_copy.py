"""``kg store copy``: a whole graph moves between the backends with every fact and its provenance."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.ingest import graph_checksum, ingest
from kg.errors import StoreError
from kg.store import GraphStore
from kg.store.copy import _name, copy_graph
from kg.synth.generator import generate


@pytest.fixture(scope="module")
def tiny_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("copy") / "scenario"
    generate("tiny", 5, out)
    return out


@pytest.mark.parametrize("direction", [("falkordb", "neo4j"), ("neo4j", "falkordb")])
def test_copy_gives_the_same_graph_on_the_other_backend(both: dict[str, GraphStore], tiny_scenario: Path,
                                                        tmp_path: Path, direction: tuple[str, str]) -> None:
    src, dst = both[direction[0]], both[direction[1]]
    ingest(src, [tiny_scenario], dataset="demo", quarantine_file=tmp_path / "q.jsonl", progress=False)
    # a relationship with no Entity endpoint is not part of the graph and is not copied
    src.execute("CREATE (:Bookkeeping {k: 1})")
    before = src.count()
    seen: list[tuple[str, int]] = []
    gen = dst.generation()
    summary = copy_graph(src, dst, page=700, batch=900, progress=lambda k, n: seen.append((k, n)))
    assert summary.nodes == before["nodes"] > 500
    assert summary.relationships == before["relationships"] > 500
    assert summary.labels == before["labels"] and summary.types == before["types"]
    assert dst.count() == before
    assert graph_checksum(dst) == graph_checksum(src)
    assert seen[-1] == ("relationships", summary.relationships) and ("nodes", summary.nodes) in seen
    assert not dst.query("MATCH (n:Bookkeeping) RETURN n.k AS k")
    assert dst.generation() != gen
    # the copy answers like the source: a node with its provenance, a neighbourhood
    uid = src.query("MATCH (n:Person) RETURN n.uid AS u ORDER BY u LIMIT 1")[0]["u"]
    a, b = src.get_node(uid), dst.get_node(uid)
    assert (a.labels, a.properties, a.sources, a.datasets, a.property_sources) == \
        (b.labels, b.properties, b.sources, b.datasets, b.property_sources)
    # a second copy into the now non-empty target is refused and writes nothing
    with pytest.raises(StoreError, match="already holds a graph"):
        copy_graph(src, dst)
    assert dst.count() == before


def test_copy_of_an_empty_graph_writes_nothing(both: dict[str, GraphStore]) -> None:
    s = copy_graph(both["falkordb"], both["neo4j"])
    assert (s.nodes, s.relationships) == (0, 0)
    assert both["neo4j"].count()["nodes"] == 0


@pytest.mark.parametrize("bad", ["", "Person) DETACH DELETE (x", "A-B", "1abc", "人"])
def test_label_names_from_the_source_are_checked_before_they_reach_query_text(bad: str) -> None:
    with pytest.raises(StoreError, match="refusing"):
        _name(bad)
