"""Security: tokens, roles, read-only Cypher, rate limits, error hygiene, audit chain, CORS."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.audit import AuditLog, verify_audit
from api.auth import KeyStore
from kg.cli_api import register
from kg.store import GraphStore
from tests.api.conftest import PERSON, Api, make_settings, seed


def audit(api: Api) -> list[dict]:
    if not api.audit_path.exists():
        return []
    return [json.loads(x) for x in api.audit_path.read_text("utf-8").splitlines()]


@pytest.mark.parametrize("route", ["/entities?q=x", f"/entities/{PERSON}", "/patterns", "/clues", "/jobs/j",
                                   f"/views/entities/{PERSON}"])
def test_every_route_but_health_needs_a_token(api: Api, route: str) -> None:
    r = api.client.get(route)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
    assert r.headers["www-authenticate"] == "Bearer"
    r = api.client.get(route, headers={"Authorization": "Bearer kg_abc_def"})
    assert r.status_code == 401
    forged = api.viewer[:-4] + "AAAA"
    assert api.client.get(route, headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    last = audit(api)[-1]
    assert last["status"] == 401 and last["principal"] is None


def test_roles_gate_routes(api: Api) -> None:
    c = api.client
    cases = [("post", "/patterns/generic.fan_in/runs", "viewer", {"json": {}}),
             ("post", "/cypher", "viewer", {"json": {"query": "RETURN 1"}}),
             ("post", "/cypher", "analyst", {"json": {"query": "RETURN 1"}}),
             ("post", "/uploads", "viewer", {"files": {"files": ("a.csv", b"a\n1\n", "text/csv")}})]
    for method, route, role, kw in cases:
        r = getattr(c, method)(route, headers=api.h(role), **kw)
        assert r.status_code == 403, (route, role)
        rec = audit(api)[-1]
        assert rec["status"] == 403 and rec["role"] == role and rec["outcome"] == "forbidden"
    assert c.post("/cypher", json={"query": "RETURN 1 AS x"}, headers=api.h("admin")).json()["rows"] == [{"x": 1}]


WRITES = [
    "CREATE (n:Person {uid: 'x'})",
    "MERGE (n:Person {uid: 'x'}) RETURN n",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n:Person) SET n.name = 'x' RETURN n",
    "MATCH (n:Person) REMOVE n.name RETURN n",
    "match (n) detach delete n",
    "MATCH (n) WITH n /* hide */ DELETE n",
    "MATCH (n) FOREACH (x IN [1] | SET n.k = x)",
    "CALL db.createLabel('X')",
    "CALL dbms.security.createUser('u', 'p', false)",
    "CALL apoc.create.node(['X'], {})",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "MATCH (n) CALL { WITH n DELETE n } RETURN 1",
    "MATCH (n) RETURN n UNION MATCH (m) DETACH DELETE m RETURN m",
    "CREATE INDEX FOR (n:Person) ON (n.name)",
    "DROP CONSTRAINT foo",
]


@pytest.mark.parametrize("query", WRITES)
def test_cypher_writes_are_refused(api: Api, query: str) -> None:
    before = api.store.count()
    r = api.client.post("/cypher", json={"query": query}, headers=api.h("admin"))
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "query_refused"
    assert query not in r.text and "Traceback" not in r.text
    rec = audit(api)[-1]
    assert rec["status"] == 403 and rec["route"] == "/cypher" and "query" not in json.dumps(rec).lower().replace(
        "query_refused", "")
    assert api.store.count() == before


def test_injection_through_parameters_is_just_data(api: Api) -> None:
    before = api.store.count()
    evil = "x'}) DETACH DELETE n //"
    r = api.client.post("/cypher", json={"query": "MATCH (n:Person) WHERE n.name = $v RETURN n.uid AS u",
                                         "params": {"v": evil}}, headers=api.h("admin"))
    assert r.status_code == 200 and r.json()["rows"] == []
    r = api.client.get(f"/entities/{evil}", headers=api.h("viewer"))
    assert r.status_code == 404
    r = api.client.post("/patterns/generic.fan_in/runs", json={"params": {"min_senders": evil}},
                        headers=api.h("analyst"))
    assert r.status_code == 400 and evil not in r.text
    assert api.store.count() == before


def test_rate_limit_per_token(store: GraphStore, tmp_path: Path) -> None:
    s = make_settings(tmp_path, rate_per_minute=1, burst=3)
    ks = KeyStore(s.data_dir)
    k1, k2 = ks.create("viewer"), ks.create("viewer")
    with TestClient(create_app(store, settings=s), raise_server_exceptions=False) as c:
        codes = [c.get("/patterns", headers={"Authorization": f"Bearer {k1}"}).status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]
        r = c.get("/patterns", headers={"Authorization": f"Bearer {k1}"})
        assert r.headers["retry-after"] and r.json()["error"]["code"] == "rate_limited"
        assert c.get("/patterns", headers={"Authorization": f"Bearer {k2}"}).status_code == 200
        assert c.get("/health").status_code == 200
    recs = AuditLog(s.data_dir / "audit.jsonl").records()
    assert sum(1 for x in recs if x["status"] == 429) == 3


def test_errors_do_not_leak(api: Api) -> None:
    c = api.client
    r = c.post("/cypher", json={"query": "MATCH (n:Person) WHERE n.name = '张三丰' RETURN n.nope.x.y("},
               headers=api.h("admin"))
    assert r.status_code in (400, 403)
    assert "张三丰" not in r.text and "Traceback" not in r.text
    r = c.get("/entities", params={"q": "张三丰", "limit": "lots"}, headers=api.h("viewer"))
    assert r.status_code == 422 and "lots" not in r.text
    r = c.post("/clues/x/review", content=b"{not json", headers={**api.h("analyst"), "Content-Type": "application/json"})
    assert r.status_code == 422 and "not json" not in r.text
    assert "张三丰" not in api.audit_path.read_text("utf-8")


def test_cors_is_off_by_default(api: Api) -> None:
    r = api.client.options("/entities", headers={"Origin": "https://evil.example",
                                                 "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in {k.lower() for k in r.headers}
    r = api.client.get("/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in {k.lower() for k in r.headers}


def test_audit_records_every_request_and_names_not_values(api: Api) -> None:
    c = api.client
    n0 = len(audit(api))
    c.get("/health")
    c.get("/entities", params={"q": "张三丰"}, headers=api.h("viewer"))
    c.post("/patterns/generic.fan_in/runs", json={"params": {"min_senders": 3, "min_total": 0}},
           headers=api.h("analyst"))
    recs = audit(api)[n0:]
    assert [r["route"] for r in recs] == ["/health", "/entities", "/patterns/{pattern_id}/runs"]
    assert recs[1]["param_names"] == ["q", "label", "limit", "offset"] and recs[1]["results"] == 1
    assert "张三丰" not in json.dumps(recs, ensure_ascii=False)
    run = recs[2]
    assert run["pattern"] == "generic.fan_in" and run["param_names"] == ["min_senders", "min_total"]
    assert run["param_values"] == {"min_senders": 3, "min_total": 0} and run["results"] == 1
    assert all(r["prev"] == p["hash"] for p, r in zip(recs, recs[1:], strict=False))
    assert verify_audit(api.audit_path).ok


def test_audit_chain_detects_tampering(api: Api, tmp_path: Path) -> None:
    for _ in range(4):
        api.client.get("/health")
    path = api.audit_path
    lines = path.read_text("utf-8").splitlines()
    assert verify_audit(path).ok and verify_audit(path).records == len(lines)

    edited = tmp_path / "edited.jsonl"
    rec = json.loads(lines[1])
    rec["status"] = 200 if rec["status"] != 200 else 500
    edited.write_text("\n".join([lines[0], json.dumps(rec), *lines[2:]]) + "\n", "utf-8")
    rep = verify_audit(edited)
    assert not rep.ok and "edited" in rep.problems[0]

    deleted = tmp_path / "deleted.jsonl"
    deleted.write_text("\n".join([lines[0], *lines[2:]]) + "\n", "utf-8")
    assert not verify_audit(deleted).ok

    swapped = tmp_path / "swapped.jsonl"
    swapped.write_text("\n".join([lines[1], lines[0], *lines[2:]]) + "\n", "utf-8")
    assert not verify_audit(swapped).ok

    # rehashing an edited record does not help: the next record's prev no longer matches
    from api.audit import _digest
    rec = json.loads(lines[1])
    rec["principal"] = "someone-else"
    rec["hash"] = _digest(rec)
    forged = tmp_path / "forged.jsonl"
    forged.write_text("\n".join([lines[0], json.dumps(rec), *lines[2:]]) + "\n", "utf-8")
    assert not verify_audit(forged).ok

    runner = CliRunner()
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)
    assert runner.invoke(app, ["audit", "verify", str(path)]).exit_code == 0
    res = runner.invoke(app, ["audit", "verify", str(edited)])
    assert res.exit_code == 1 and "BROKEN" in res.output


def test_create_key_cli_prints_once_and_stores_a_hash(tmp_path: Path) -> None:
    runner = CliRunner()
    app = typer.Typer()
    register(app)
    res = runner.invoke(app, ["api", "create-key", "--role", "analyst", "--data-dir", str(tmp_path)])
    assert res.exit_code == 0, res.output
    key = res.output.strip()
    assert key.startswith("kg_")
    stored = (tmp_path / "keys.json").read_text("utf-8")
    assert key not in stored and key.split("_", 2)[2] not in stored
    assert KeyStore(tmp_path).authenticate(key).role == "analyst"
    assert runner.invoke(app, ["api", "create-key", "--role", "root", "--data-dir", str(tmp_path)]).exit_code != 0


def test_app_builds_around_a_given_store_and_restarts_the_audit_chain(store: GraphStore, tmp_path: Path) -> None:
    seed(store)
    s = make_settings(tmp_path)
    for _ in range(2):  # a second app continues the same chain
        with TestClient(create_app(store, settings=s)) as c:
            c.get("/health")
    rep = verify_audit(s.data_dir / "audit.jsonl")
    assert rep.ok and rep.records == 2


@pytest.mark.parametrize("query", ["CREATE (n:Person {uid: 'x'})", "MERGE (n:Person {uid: 'x'}) RETURN n",
                                   "MATCH (n) DETACH DELETE n", "MATCH (n:Person) SET n.name = 'x' RETURN n"])
def test_engine_verdict_is_the_second_lock(api: Api, query: str) -> None:
    """The server-side plan check the /cypher route runs after the clause scan flags writes on its own."""
    assert api.store.write_operations(query, {}) != []
    assert api.store.write_operations("MATCH (n:Person) RETURN n.name AS name", {}) == []
