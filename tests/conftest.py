"""Shared fixtures: ``store`` runs each test on both real backends.

* embedded FalkorDB: one server per test session in a temporary directory;
* Neo4j: the local server started by ``scripts/neo4j-local`` (this conftest starts it if
  ``KG_NEO4J_TEST_URL`` is not set, and stops it again if it started it). Neo4j tests are
  never skipped: if the server cannot be started, they fail.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from kg.store import GraphStore, open_store

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FINBENCH = SHARED / "data" / "finbench" / "snapshot"


@pytest.fixture(scope="session")
def neo4j_url() -> Iterator[str]:
    url = os.environ.get("KG_NEO4J_TEST_URL")
    started = False
    if not url:
        res = subprocess.run([str(ROOT / "scripts" / "neo4j-local"), "start"], capture_output=True, text=True)
        if res.returncode != 0:
            pytest.fail(f"could not start the local Neo4j: {res.stdout}\n{res.stderr}")
        started = "already running" not in res.stdout
        port = os.environ.get("NEO4J_LOCAL_BOLT_PORT", "17687")
        url = f"bolt://127.0.0.1:{port}"
    yield url
    if started:
        subprocess.run([str(ROOT / "scripts" / "neo4j-local"), "stop"], capture_output=True)


@pytest.fixture(scope="session")
def falkordb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("falkordb") / "graph"


@pytest.fixture(scope="session")
def _stores(request: pytest.FixtureRequest, falkordb_dir: Path) -> Iterator[dict[str, GraphStore]]:
    opened: dict[str, GraphStore] = {}
    yield opened
    for st in opened.values():
        st.close()


def _get_store(backend: str, request: pytest.FixtureRequest, cache: dict[str, GraphStore],
               falkordb_dir: Path) -> GraphStore:
    if backend not in cache:
        if backend == "falkordb":
            cache[backend] = open_store(f"falkordb://{falkordb_dir}")
        else:
            url = request.getfixturevalue("neo4j_url")
            cache[backend] = open_store(url, user=os.environ.get("KG_NEO4J_USER", "neo4j"),
                                        password=os.environ.get("KG_NEO4J_PASSWORD", "cluegraph-dev-password"))
    return cache[backend]


@pytest.fixture(params=["falkordb", "neo4j"])
def store(request: pytest.FixtureRequest, _stores: dict[str, GraphStore], falkordb_dir: Path) -> GraphStore:
    """An empty graph with the model's schema applied, on each backend."""
    st = _get_store(request.param, request, _stores, falkordb_dir)
    st.batch_size = 5000
    st.clear()
    st.apply_schema()
    return st


@pytest.fixture
def both(request: pytest.FixtureRequest, _stores: dict[str, GraphStore], falkordb_dir: Path
         ) -> dict[str, GraphStore]:
    """Both backends at once (empty, schema applied), to compare answers directly."""
    out = {}
    for b in ("falkordb", "neo4j"):
        st = _get_store(b, request, _stores, falkordb_dir)
        st.clear()
        st.apply_schema()
        out[b] = st
    return out
