"""``kg bundle export | verify | replay | show`` through the typer app (wired with ``register``)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kg.bundle import BundleSettings, load_public_key, public_key_pem, signing_key
from kg.cli_bundle import register
from kg.store import GraphStore
from tests.bundle.conftest import HUB, load_fixture


@pytest.fixture
def app() -> typer.Typer:
    a = typer.Typer()

    @a.command()
    def version() -> None:  # a second command so that "bundle" stays a sub-command
        """Print nothing."""

    register(a)
    return a


def test_cli_export_verify_show_replay(app: typer.Typer, both: dict[str, GraphStore], snapshot: Path,
                                       tmp_path: Path, request: pytest.FixtureRequest,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    url = request.getfixturevalue("neo4j_url")
    load_fixture(both["neo4j"], snapshot)
    monkeypatch.setenv("KG_BUNDLE_DATA_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("KG_BUNDLE_PII_SALT", "cli-salt")
    runner = CliRunner()
    out = tmp_path / "e.zip"
    r = runner.invoke(app, ["bundle", "export", str(out), "--entity", HUB, "--depth", "2", "--store", url,
                            "--by", "检察官乙", "--at", "2026-03-01T09:30:00Z"])
    assert r.exit_code == 0, r.output
    assert "generated a development signing key" in r.output and "10 nodes" in r.output
    r = runner.invoke(app, ["bundle", "verify", str(out)])
    assert r.exit_code == 0 and "OK bundle:" in r.output, r.output
    key, _, _ = signing_key(BundleSettings())
    pem = tmp_path / "pub.pem"
    pem.write_text(public_key_pem(key))
    assert load_public_key(pem) is not None
    assert runner.invoke(app, ["bundle", "verify", str(out), "--key", str(pem)]).exit_code == 0
    r = runner.invoke(app, ["bundle", "show", str(out)])
    assert r.exit_code == 0
    shown = json.loads(r.stdout)
    assert shown["created_by"] == "检察官乙" and shown["counts"]["nodes"] == 10
    # tampering: exit 1, the file named
    with zipfile.ZipFile(out) as zf:
        files = {i.filename: zf.read(i) for i in zf.infolist()}
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        for k, v in files.items():
            zf.writestr(k, v.replace(b"TRANSFERRED_TO", b"TRANSFERRED_XX") if k == "relationships.csv" else v)
    r = runner.invoke(app, ["bundle", "verify", str(bad)])
    assert r.exit_code == 1 and "relationships.csv" in r.output
    r = runner.invoke(app, ["bundle", "verify", str(bad), "--json"])
    assert r.exit_code == 1 and json.loads(r.stdout)["problems"][0]["file"] == "relationships.csv"
    # replay: the bundle holds pseudonyms (analyst), so the original entity id is given
    r = runner.invoke(app, ["bundle", "replay", str(out), "--store", url, "--entity", HUB, "--fail-on-change"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["unchanged"] is True
    r = runner.invoke(app, ["bundle", "replay", str(out), "--store", url])
    assert r.exit_code == 2 and "original" in r.output
    # a clue bundle from a pattern run
    clue_zip = tmp_path / "c.zip"
    r = runner.invoke(app, ["bundle", "export", str(clue_zip), "--pattern", "generic.fan_in", "-p", "min_senders=3",
                            "-p", "min_total=0", "--store", url, "--role", "viewer"])
    assert r.exit_code == 0, r.output
    assert runner.invoke(app, ["bundle", "verify", str(clue_zip)]).exit_code == 0
    assert json.loads(runner.invoke(app, ["bundle", "show", str(clue_zip)]).stdout)["subject"]["pattern"] == \
        "generic.fan_in"
    # a saved query file with a header (its defaults used, overridable with -p)
    qf = tmp_path / "big.cypher"
    qf.write_text("// ---\n// id: saved.big\n// params:\n//   min: {type: float, default: 400000}\n// ---\n"
                  "MATCH (a:BankAccount)-[t:TRANSFERRED_TO]->(b:BankAccount) WHERE t.amount >= $min RETURN t\n")
    q_zip = tmp_path / "q.zip"
    r = runner.invoke(app, ["bundle", "export", str(q_zip), "--query-file", str(qf), "-p", "min=300000",
                            "--store", url, "--role", "admin"])
    assert r.exit_code == 0 and "3 relationships" in r.output, r.output
    shown = json.loads(runner.invoke(app, ["bundle", "show", str(q_zip)]).stdout)
    assert shown["subject"] == {"kind": "query", "name": "saved.big", "params": {"min": 300000}}
    # usage errors
    assert runner.invoke(app, ["bundle", "export", str(tmp_path / "x.zip"), "--store", url]).exit_code != 0
    r = runner.invoke(app, ["bundle", "export", str(tmp_path / "y.zip"), "--pattern", "generic.nope", "--store", url])
    assert r.exit_code == 2 and "not_found" in r.output
