"""``nodes.csv`` / ``relationships.csv`` load into a fresh Neo4j with ``neo4j-admin database
import full`` and give the same counts; the imported graph is a cluegraph graph (replay
on it finds nothing changed). Uses its own Neo4j home and port (27715)."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path
from typing import Iterator

import networkx as nx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kg.bundle import BundleSettings, ExportPolicy, export_entities, replay
from kg.datasets import load_mapped_dataset
from kg.store import GraphStore, open_store
from neo4j import GraphDatabase
from tests.bundle.conftest import CREATED, HUB, load_fixture
from tests.conftest import FINBENCH, ROOT

PORT = os.environ.get("KG_BUNDLE_TEST_IMPORT_PORT", "27715")
PASSWORD = "cluegraph-dev-password"


def neo4j_local(home: Path, *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEO4J_LOCAL_HOME": str(home), "NEO4J_LOCAL_BOLT_PORT": PORT,
           "NEO4J_LOCAL_HEAP": "512m", "NEO4J_LOCAL_PAGECACHE": "128m", "NEO4J_LOCAL_PASSWORD": PASSWORD}
    return subprocess.run([str(ROOT / "scripts" / "neo4j-local"), *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def import_home(tmp_path: Path) -> Iterator[Path]:
    home = tmp_path / "neo4j-import-home"
    yield home
    neo4j_local(home, "stop")


def unzip(path: Path, dest: Path) -> dict[str, Path]:
    dest.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path) as zf:
        zf.extractall(dest)
    return {n: dest / n for n in ("nodes.csv", "relationships.csv", "graph.graphml", "manifest.json")}


@pytest.mark.slow
def test_neo4j_admin_import_round_trip(both: dict[str, GraphStore], snapshot: Path, tmp_path: Path,
                                       key: Ed25519PrivateKey, bsettings: BundleSettings,
                                       import_home: Path) -> None:
    # bundle 1: the FinBench neighbourhood of the busiest account (500 nodes), masked ids
    fb = both["falkordb"]
    load_mapped_dataset(fb, "finbench", FINBENCH)
    hub = fb.query("MATCH (a:BankAccount)-[t:TRANSFERRED_TO]-() WITH a, count(t) AS d "
                   "RETURN a.uid AS uid, d ORDER BY d DESC, uid LIMIT 1")[0]["uid"]
    b1 = export_entities(fb, tmp_path / "fb.zip", [hub], depth=2, limit=500, key=key, settings=bsettings,
                         policy=ExportPolicy(role="analyst"), created_at=CREATED)
    # bundle 2: the fixture (Chinese text, quotes and commas, a website, dates), as stored
    nj = both["neo4j"]
    load_fixture(nj, snapshot)
    b2 = export_entities(nj, tmp_path / "fx.zip", [HUB, "web:fake-cert.example"], depth=2, key=key,
                         settings=bsettings, policy=ExportPolicy(role="admin"), created_at=CREATED)
    f1, f2 = unzip(b1.path, tmp_path / "fb"), unzip(b2.path, tmp_path / "fx")
    ids1 = {n["id"] for n in json.loads((tmp_path / "fb" / "graph.json").read_text())["nodes"]}
    ids2 = {n["id"] for n in json.loads((tmp_path / "fx" / "graph.json").read_text())["nodes"]}
    assert not ids1 & ids2  # the two imports share one id space
    c1, c2 = b1.manifest["counts"], b2.manifest["counts"]
    assert c1["nodes"] == 500

    # graphml parses with networkx and has the same counts
    for f, c in ((f1, c1), (f2, c2)):
        G = nx.read_graphml(f["graph.graphml"])
        assert (G.number_of_nodes(), G.number_of_edges()) == (c["nodes"], c["relationships"])

    res = neo4j_local(import_home, "admin", "database", "import", "full", f"--nodes={f1['nodes.csv']}",
                      f"--nodes={f2['nodes.csv']}", f"--relationships={f1['relationships.csv']}",
                      f"--relationships={f2['relationships.csv']}", "--multiline-fields=true", "neo4j")
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    assert "IMPORT DONE" in res.stdout + res.stderr
    res = neo4j_local(import_home, "start")
    assert res.returncode == 0, res.stdout + res.stderr
    url = f"bolt://127.0.0.1:{PORT}"
    with GraphDatabase.driver(url, auth=("neo4j", PASSWORD)) as drv:
        def one(q: str, **p: object) -> object:
            return drv.execute_query(q, p, database_="neo4j").records[0][0]

        assert one("MATCH (n) RETURN count(n)") == c1["nodes"] + c2["nodes"]
        assert one("MATCH ()-[r]->() RETURN count(r)") == c1["relationships"] + c2["relationships"]
        assert one("MATCH (n:Entity) RETURN count(n)") == c1["nodes"] + c2["nodes"]
        for label, n in c1["labels"].items():
            extra = c2["labels"].get(label, 0)
            assert one(f"MATCH (n:{label}) RETURN count(n)") == n + extra, label
        for rtype, n in c1["types"].items():
            assert one(f"MATCH ()-[r:{rtype}]->() RETURN count(r)") == n + c2["types"].get(rtype, 0), rtype
        # typed columns: numbers, booleans, arrays, text with quotes and commas
        assert one("MATCH (p:Person {uid: 'fb:Person:3'}) RETURN p.name") == '王五, "老王"'
        assert one("MATCH (a:BankAccount {uid: $u}) RETURN a.is_blocked", u=HUB) is False
        assert one("MATCH ()-[t:TRANSFERRED_TO {rid: 'finbench/AccountTransferAccount.csv#4'}]->() "
                   "RETURN t.amount") == 450000.75
        assert one("MATCH (a:BankAccount {uid: $u}) RETURN a._src", u=HUB) == ["finbench/Account.csv#row=1@finbench@1"]
        assert isinstance(one("MATCH (a:BankAccount) WHERE a.account_no_sha256 IS NOT NULL RETURN count(a)"), int)
    # the imported graph is a cluegraph graph: replaying the fixture bundle on it finds no change
    with open_store(url, user="neo4j", password=PASSWORD) as st:
        rep = replay(b2.path, st, settings=bsettings)
        assert rep.unchanged, rep.as_dict()
    res = neo4j_local(import_home, "stop")
    assert res.returncode == 0
