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
    env = dict(os.environ, KG_STORE_URL=f"falkordb://{tmp_path / 'graph'}", KG_BUNDLE_DATA_DIR=str(tmp_path / "keys"))
    res = subprocess.run([sys.executable, "-m", "kg.cli", "demo", "--out", str(tmp_path / "out")],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "top clue:" in res.stdout and "done in" in res.stdout
    out = tmp_path / "out"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["graph"]["nodes"] > 1000 and summary["clues"] > 0
    # the ranked clues name real planted rings of the ground truth
    found = {rid for p in summary["patterns"] for rid in p["rings_found"]}
    rings = [json.loads(x) for x in (out / "scenario" / "ground_truth" / "rings.jsonl").read_text().splitlines()]
    assert found and found <= {r["ring_id"] for r in rings}
    assert summary["top_clue_rings"], "the bundled top clue matches a planted ring"
    clues = [json.loads(x) for x in (out / "clues.jsonl").read_text().splitlines()]
    assert len(clues) == summary["clues"] and all(c["members"] and c["rule_id"] for c in clues)
    # the evidence bundle verifies and its view is offline
    from kg.bundle import verify_bundle

    assert verify_bundle(out / "top_clue_bundle.zip").ok
    import zipfile

    with zipfile.ZipFile(out / "top_clue_bundle.zip") as z:
        excerpts = {n: z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("sources/")}
    # cited rows of XLSX, GBK CSV and JSON-lines sources come out as readable UTF-8 excerpts
    assert any(".xlsx" in n for n in excerpts)
    for name, text in excerpts.items():
        lines = text.splitlines()
        assert lines[0].startswith("_row") or name.endswith(".txt"), name
        assert len(lines) >= 2 and "\ufffd" not in text, name
    html = (out / "top_clue_view.html").read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html
    # the server the job started was stopped at the end
    assert not (tmp_path / "graph" / "falkordb.pid").exists()


def test_ddl_files_are_generated_from_the_model() -> None:
    for backend in ("neo4j", "falkordb"):
        text = (ROOT / "cypher" / "schema" / f"{backend}.cypher").read_text(encoding="utf-8")
        body = [ln.rstrip(";") for ln in text.splitlines() if ln and not ln.startswith("//")]
        assert body == ddl_for(backend), f"cypher/schema/{backend}.cypher is stale: regenerate with kg schema ddl"
        # the command prints exactly that file (plain text: `[r:TYPE]` must not be read as markup)
        out = subprocess.run([sys.executable, "-m", "kg.cli", "schema", "ddl", "--backend", backend],
                             capture_output=True, text=True, check=True, cwd=ROOT).stdout
        assert out == text


def test_read_only_query_command_refuses_writes(tmp_path: Path) -> None:
    env = dict(os.environ, KG_STORE_URL=f"falkordb://{tmp_path / 'graph'}")
    res = subprocess.run([sys.executable, "-m", "kg.cli", "query", "CREATE (n:Person {uid: 'x'})"],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert res.returncode == 2 and "data_error" in res.stderr


def test_patterns_reference_is_generated_from_the_headers() -> None:
    from kg.patterns import PatternLibrary
    from kg.patterns_doc import render

    committed = (ROOT / "docs" / "patterns.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/patterns.md is stale: run `kg patterns doc --out docs/patterns.md`"
    for p in PatternLibrary.load():
        assert f"### `{p.id}` (v{p.version})" in committed


def test_store_copy_command_moves_a_graph_and_verifies_it(both, neo4j_url: str, tmp_path: Path) -> None:  # noqa: ANN001
    from kg.store.base import Node

    src = both["neo4j"]
    src.upsert_nodes("Person", [{"uid": f"Person:copy{i}", "props": {"name": f"张某{i}"}, "src": "cli-test#1@t"}
                                for i in range(30)], dataset="cli")
    src.upsert_nodes("Phone", [{"uid": "Phone:13800000000", "props": {"number": "13800000000"}, "src": "t#3@t"}],
                     dataset="cli")
    src.upsert_relationships("HAS_PHONE", [{"start": "Person:copy1", "end": "Phone:13800000000", "props": {},
                                            "src": "cli-test#4@t"}], dataset="cli")
    target = f"falkordb://{tmp_path / 'copy'}"
    env = dict(os.environ, KG_STORE_URL=neo4j_url)
    cmd = [sys.executable, "-m", "kg.cli", "store", "copy", "--to", target, "--verify", "--no-progress"]
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    out = json.loads(res.stdout)
    assert (out["nodes"], out["relationships"], out["checksum_equal"]) == (31, 1, True)
    assert out["labels"] == {"Person": 30, "Phone": 1} and out["types"] == {"HAS_PHONE": 1}
    # into a store that holds a graph: refused, exit status 2, a clear reason
    again = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert again.returncode == 2 and "already holds a graph" in again.stderr
    assert isinstance(src.get_node("Person:copy1"), Node)
