"""``kg patterns list|show`` and ``kg run`` through Typer's CliRunner, on both backends."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kg.cli_patterns import register
from kg.store import GraphStore

from .test_library import FIXTURES, load_fixture

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test root."""

    register(app)
    return app


@pytest.fixture
def store_url(store: GraphStore, request: pytest.FixtureRequest, falkordb_dir: Path) -> str:
    if store.backend == "falkordb":
        return f"falkordb://{falkordb_dir}"
    return str(request.getfixturevalue("neo4j_url"))


def test_patterns_list_and_show() -> None:
    app = _app()
    res = runner.invoke(app, ["patterns", "list", "--format", "json"])
    assert res.exit_code == 0, res.output
    ids = [p["id"] for p in json.loads(res.output)]
    assert "generic.fan_in" in ids and "finbench.tcr1_blocked_medium_accounts" in ids
    res = runner.invoke(app, ["patterns", "list", "--family", "generic", "--format", "json"])
    assert res.exit_code == 0
    fam = [p["id"] for p in json.loads(res.output)]
    assert "generic.circular_transfer" in fam and all(i.startswith("generic.") for i in fam)
    res = runner.invoke(app, ["patterns", "list"])
    assert res.exit_code == 0 and f"{len(ids)} patterns" in res.output
    res = runner.invoke(app, ["patterns", "show", "generic.fan_in"])
    assert res.exit_code == 0, res.output
    assert "thresholds.large_transfer_individual_cny" in res.output and "MATCH" in res.output
    res = runner.invoke(app, ["patterns", "show", "generic.nope"])
    assert res.exit_code == 2


def test_run_prints_clues_in_three_formats(store: GraphStore, store_url: str) -> None:
    load_fixture(store, FIXTURES / "generic" / "transfer_trace.yaml")
    app = _app()
    base = ["run", "generic.transfer_trace", "--store", store_url, "-p", "account=acc:A", "--param", "max_hops=4"]
    res = runner.invoke(app, base + ["--format", "json"])
    assert res.exit_code == 0, res.output
    clues = json.loads(res.output)
    assert [c["row"]["target"] for c in clues] == ["acc:B", "acc:F", "acc:C", "acc:D", "acc:E"]
    assert clues[0]["params"]["max_hops"] == 4 and clues[0]["rule_id"] == "generic.transfer_trace"
    res = runner.invoke(app, base + ["--format", "csv", "--limit", "2"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.output)))
    assert [r["target"] for r in rows] == ["acc:B", "acc:F"] and rows[0]["clue_members"] == "acc:A;acc:B"
    res = runner.invoke(app, base + ["--format", "table"])
    assert res.exit_code == 0 and "5 clues" in res.output


def test_run_refuses_bad_parameters(store: GraphStore, store_url: str) -> None:
    app = _app()
    res = runner.invoke(app, ["run", "generic.transfer_trace", "--store", store_url, "-p", "account=acc:A",
                              "-p", "max_hops=9"])
    assert res.exit_code == 2 and "above its maximum" in res.output
    res = runner.invoke(app, ["run", "generic.transfer_trace", "--store", store_url, "-p", "max_hops"])
    assert res.exit_code != 0
    res = runner.invoke(app, ["run", "generic.transfer_trace", "--store", store_url])
    assert res.exit_code == 2 and "required" in res.output


def test_run_save_and_clues_list_with_review_status(store: GraphStore, store_url: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.clues import ClueRepo
    from kg.settings import get_settings

    load_fixture(store, FIXTURES / "generic" / "transfer_trace.yaml")
    monkeypatch.setenv("KG_CLUES_DIR", str(tmp_path / "clues"))
    get_settings.cache_clear()
    try:
        app = _app()
        args = ["run", "generic.transfer_trace", "--store", store_url, "-p", "account=acc:A", "--format", "json",
                "--save"]
        res = runner.invoke(app, args)
        assert res.exit_code == 0, res.output
        ran = json.loads(res.stdout)
        assert ran
        again = runner.invoke(app, args)  # the same clues are not stored twice
        assert again.exit_code == 0 and "saved 0 new" in again.stderr
        repo = ClueRepo(tmp_path / "clues")
        first = ran[0]["id"]
        repo.review(first, "confirmed", "资金链路核实", "tester")
        listed = runner.invoke(app, ["clues", "--format", "json"])
        rows = json.loads(listed.stdout)
        assert {r["id"] for r in rows} == {c["id"] for c in ran}
        assert {r["id"]: r["status"] for r in rows}[first] == "confirmed"
        only = json.loads(runner.invoke(app, ["clues", "--status", "confirmed", "--format", "json"]).stdout)
        assert [r["id"] for r in only] == [first]
    finally:
        get_settings.cache_clear()
