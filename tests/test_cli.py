"""The CLI: the README's main job on the embedded default, and generated DDL files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kg.store.ddl import ddl_for

from .conftest import ROOT


def test_main_job_runs_on_the_embedded_default(tmp_path: Path) -> None:
    env = dict(os.environ, KG_STORE_URL=f"falkordb://{tmp_path / 'graph'}")
    res = subprocess.run([sys.executable, "-m", "kg.cli", "demo", "--out", str(tmp_path / "out")],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert res.returncode == 0, res.stderr
    assert "demo.transfer_cycle" in res.stdout and "done in" in res.stdout
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["graph"]["relationships"] == summary["load"]["relationships"] > 100_000
    assert all(n > 0 for n in summary["clues_by_rule"].values())
    clues = [json.loads(x) for x in (tmp_path / "out" / "clues.jsonl").read_text().splitlines()]
    cyc = [c for c in clues if c["rule"] == "demo.transfer_cycle"][0]
    assert len(cyc["members"]) == 3
    export = json.loads((tmp_path / "out" / "top_clue_subgraph.json").read_text())
    assert {n["id"] for n in export["nodes"]} == set(clues[0]["members"])
    assert all(n["sources"] for n in export["nodes"]) and all(export["source_sha256"].values())
    # the server the job started was stopped at the end
    assert not (tmp_path / "graph" / "falkordb.pid").exists()


def test_ddl_files_are_generated_from_the_model() -> None:
    for backend in ("neo4j", "falkordb"):
        text = (ROOT / "cypher" / "schema" / f"{backend}.cypher").read_text(encoding="utf-8")
        body = [ln.rstrip(";") for ln in text.splitlines() if ln and not ln.startswith("//")]
        assert body == ddl_for(backend), f"cypher/schema/{backend}.cypher is stale: regenerate with kg schema ddl"


def test_read_only_query_command_refuses_writes(tmp_path: Path) -> None:
    env = dict(os.environ, KG_STORE_URL=f"falkordb://{tmp_path / 'graph'}")
    res = subprocess.run([sys.executable, "-m", "kg.cli", "query", "CREATE (n:Person {uid: 'x'})"],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert res.returncode == 2 and "data_error" in res.stderr
