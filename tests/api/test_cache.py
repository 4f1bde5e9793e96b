"""The read cache (api/cache.py) through the real app, on both backends: byte-identical
hits, invalidation by the app's own writes at once and by other handles' writes within
the poll interval, the TTL for writes that bypass kg, cache off, audit, roles, no
personal data in logs."""

from __future__ import annotations

import json
import logging
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import KeyStore
from kg.store import GraphStore, open_store
from tests.api.conftest import HUB, PERSON, Api, make_settings, seed
from tests.api.test_routes import BANK_CSV, wait_job

ROUTES = [
    ("/entities/" + PERSON, {}),
    (f"/entities/{HUB}/neighbourhood", {"depth": 2}),
    ("/paths", {"source": "BankAccount:s1", "target": "Company:91110105MA01ABCD1X"}),
    ("/entities", {"q": "三丰"}),
]


@contextmanager
def app_with(store: GraphStore, tmp: Path, **kw: Any) -> Iterator[Api]:
    seed(store)
    s = make_settings(tmp, **kw)
    ks = KeyStore(s.data_dir)
    keys = {r: ks.create(r) for r in ("viewer", "analyst", "admin")}
    with TestClient(create_app(store, settings=s), raise_server_exceptions=False) as client:
        yield Api(client, store, s, **keys)


def audit(api: Api) -> list[dict[str, Any]]:
    if not api.audit_path.exists():
        return []
    return [json.loads(x) for x in api.audit_path.read_text("utf-8").splitlines()]


def other_handle(store: GraphStore, request: pytest.FixtureRequest) -> GraphStore:
    """A second GraphStore on the same graph, as the CLI or another worker would open it."""
    if store.backend == "falkordb":
        return open_store(f"falkordb://{request.getfixturevalue('falkordb_dir')}")
    return open_store(request.getfixturevalue("neo4j_url"), user=os.environ.get("KG_NEO4J_USER", "neo4j"),
                      password=os.environ.get("KG_NEO4J_PASSWORD", "cluegraph-dev-password"))


def test_hit_is_byte_identical_and_audited(store: GraphStore, tmp_path: Path) -> None:
    with app_with(store, tmp_path) as api:
        h = api.h("viewer")
        for path, params in ROUTES:
            n0 = len(audit(api))
            miss = api.client.get(path, params=params, headers=h)
            hit = api.client.get(path, params=params, headers=h)
            assert miss.status_code == hit.status_code == 200, (path, miss.text)
            assert hit.content == miss.content, path
            assert hit.headers["content-type"] == miss.headers["content-type"] == "application/json"
            recs = audit(api)[n0:]
            assert [r["cache"] for r in recs] == ["miss", "hit"], path  # one record per request, hits too
            per_request = ("request_id", "ms", "cache", "time", "seq", "prev", "hash")
            assert {k: v for k, v in recs[0].items() if k not in per_request} == \
                {k: v for k, v in recs[1].items() if k not in per_request}
        assert api.client.app.state.ctx.cache.stats()["hits"] == len(ROUTES)  # type: ignore[attr-defined]
        # a 404 is not cached; auth and role gate run before the cache
        assert api.client.get("/entities/Person:nobody", headers=h).status_code == 404
        assert api.client.get("/entities/Person:nobody", headers=h).status_code == 404
        assert api.client.get("/entities/" + PERSON).status_code == 401
        assert api.client.get("/entities/" + PERSON, headers={"Authorization": "Bearer kg_x_y"}).status_code == 401
        assert [r["status"] for r in audit(api)[-4:]] == [404, 404, 401, 401]
        assert "cache" not in audit(api)[-1]


def test_own_writes_invalidate_at_once(store: GraphStore, tmp_path: Path) -> None:
    # a long poll interval: only the app's own writes can explain a fresh body
    with app_with(store, tmp_path, cache_poll_ms=60_000) as api:
        c, h = api.client, api.h("viewer")
        q = {"q": "6222021234567890136"}
        assert c.get("/entities", params=q, headers=h).json()["items"] == []
        assert c.get("/entities", params=q, headers=h).json()["items"] == []
        assert audit(api)[-1]["cache"] == "hit"
        files = {"files": ("bank_accounts_2024.csv", BANK_CSV.encode("utf-8"), "text/csv")}
        r = c.post("/uploads", files=files, data={"dataset": "up1"}, headers=api.h("analyst"))
        assert r.status_code == 202
        assert wait_job(api, r.json()["job"]["id"])["job"]["state"] == "done"
        assert len(c.get("/entities", params=q, headers=h).json()["items"]) == 1
        assert audit(api)[-1]["cache"] == "miss"
        # a write through the app's store handle (what analytics write-back, resolution do)
        before = c.get("/entities/" + PERSON, headers=h).json()
        api.store.upsert_nodes("Person", [{"uid": PERSON, "src": "apitest/p2.csv#row=1@test@1",
                                           "props": {"name": "张三丰二"}}], dataset="apitest")
        after = c.get("/entities/" + PERSON, headers=h).json()
        assert before["properties"]["name"] != "张三丰二" and after["properties"]["name"] == "张三丰二"
        # a clue review drops the cache too
        c.get("/entities/" + PERSON, headers=h)
        assert audit(api)[-1]["cache"] == "hit"
        run = c.post("/patterns/generic.fan_in/runs", json={"params": {"min_senders": 3, "min_total": 0}},
                     headers=api.h("analyst"))
        assert run.status_code in (200, 202), run.text
        clues = c.get("/clues", headers=h).json()
        cid = (clues.get("items") or clues.get("clues"))[0]["id"]
        assert c.post(f"/clues/{cid}/review", json={"decision": "confirmed", "reason": "核实"},
                      headers=api.h("analyst")).status_code == 200
        c.get("/entities/" + PERSON, headers=h)
        assert audit(api)[-1]["cache"] == "miss"


def test_write_through_another_handle_is_seen_within_the_poll(store: GraphStore, tmp_path: Path,
                                                             request: pytest.FixtureRequest) -> None:
    with app_with(store, tmp_path, cache_poll_ms=100) as api:
        c, h = api.client, api.h("viewer")
        url = f"/entities/{HUB}/neighbourhood"
        first = c.get(url, headers=h).content
        assert c.get(url, headers=h).content == first and audit(api)[-1]["cache"] == "hit"
        other = other_handle(store, request)
        try:
            other.upsert_relationships("TRANSFERRED_TO", [{"start": "BankAccount:a3", "end": HUB,
                                                           "src": "apitest/tx.csv#row=99@test@1",
                                                           "props": {"amount": 7.0}}], dataset="apitest")
        finally:
            other.close()
        time.sleep(0.1 * 3 + 0.2)  # the poll interval, and slack for a loaded machine
        fresh = c.get(url, headers=h).json()
        assert "BankAccount:a3" in {n["id"] for n in fresh["nodes"]}


def test_ttl_bounds_writes_that_bypass_kg(store: GraphStore, tmp_path: Path) -> None:
    with app_with(store, tmp_path, cache_poll_ms=50, cache_ttl_s=0.5) as api:
        c, h = api.client, api.h("viewer")
        assert c.get("/entities/" + PERSON, headers=h).json()["properties"]["gender"] == "男"
        store._write("MATCH (n:Person {uid: $u}) SET n.gender = '女'", {"u": PERSON}, None)  # raw: no bump
        assert c.get("/entities/" + PERSON, headers=h).json()["properties"]["gender"] == "男"  # within the TTL
        time.sleep(0.6)
        assert c.get("/entities/" + PERSON, headers=h).json()["properties"]["gender"] == "女"


def test_cache_off(store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_API_CACHE", "0")
    with app_with(store, tmp_path) as api:
        assert api.settings.cache is False
        c, h = api.client, api.h("viewer")
        a = c.get(f"/entities/{HUB}/neighbourhood", headers=h)
        b = c.get(f"/entities/{HUB}/neighbourhood", headers=h)
        assert a.content == b.content and a.status_code == 200
        store._write("MATCH (n:Person {uid: $u}) SET n.gender = '女'", {"u": PERSON}, None)
        assert c.get("/entities/" + PERSON, headers=h).json()["properties"]["gender"] == "女"
        assert [r["cache"] for r in audit(api)[-3:]] == ["off", "off", "off"]
        assert c.app.state.ctx.cache.stats()["entries"] == 0  # type: ignore[attr-defined]


def test_roles_do_not_share_entries(store: GraphStore, tmp_path: Path) -> None:
    with app_with(store, tmp_path) as api:
        c = api.client
        for role in ("viewer", "admin", "viewer", "admin"):
            assert c.get("/entities/" + PERSON, headers=api.h(role)).status_code == 200
        assert [(r["role"], r["cache"]) for r in audit(api)[-4:]] == \
            [("viewer", "miss"), ("admin", "miss"), ("viewer", "hit"), ("admin", "hit")]


def test_no_personal_data_in_logs(store: GraphStore, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # every logger at INFO (what a deployment runs), the service's own at DEBUG; a driver's
    # DEBUG wire trace (parameters included) is the deployer's explicit choice, not the API's
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="api")
    caplog.set_level(logging.DEBUG, logger="kg")
    with app_with(store, tmp_path) as api:
        caplog.clear()  # the test's own seeding is not the service
        for _ in range(2):
            for path, params in ROUTES:
                assert api.client.get(path, params=params, headers=api.h("viewer")).status_code == 200
        # every record but the test client's own (httpx logs the URLs it requests)
        text = api.audit_path.read_text("utf-8") + "\n".join(r.getMessage() for r in caplog.records
                                                             if r.name != "httpx")
    for secret in ("张三丰", "11010519491231002X", "三丰", "6222021234567890128", "BankAccount:s1"):
        assert secret not in text


def test_openapi_document_is_unchanged(api: Api) -> None:
    """The cache and the pre-encoded bodies leave the API contract as it was
    (tests/api/openapi_v1.json: the document before the cache; regenerate only on purpose)."""
    want = json.loads((Path(__file__).parent / "openapi_v1.json").read_text("utf-8"))
    assert json.loads(json.dumps(api.client.app.openapi(), sort_keys=True)) == want  # type: ignore[attr-defined]


def test_cache_bounds_drop_epoch_and_bypass(store: GraphStore) -> None:
    """The ReadCache on its own, over a real store: LRU by entries and by bytes, a body
    computed across a drop is not kept, and nothing is served until the generation was read."""
    from api.cache import ReadCache

    seed(store)
    c = ReadCache(store, max_entries=3, max_bytes=800, poll_ms=50)
    try:
        assert c.get("a") == (None, None)  # not started: bypassed
        c.start()
        for k in "abcd":
            _, tok = c.get(k)
            c.put(k, b"x" * 10, {"results": 1}, tok)
        assert c.stats()["entries"] == 3 and c.get("a")[0] is None  # "a" went first
        assert c.get("b")[0] is not None
        _, tok = c.get("big")
        c.put("big", b"y" * 500, {}, tok)  # 500 > 800 // 8: too big to keep
        assert c.get("big")[0] is None
        for k in ("p", "q"):
            _, tok = c.get(k)
            c.put(k, b"z" * 90, {}, tok)
        assert c.stats()["bytes"] <= 800
        _, tok = c.get("late")
        store.upsert_nodes("Person", [{"uid": PERSON, "src": "apitest/p3.csv#row=1@test@1",
                                       "props": {"gender": "女"}}], dataset="apitest")  # own write: drop
        assert c.stats()["entries"] == 0
        c.put("late", b"old", {}, tok)  # computed before the drop: not kept
        assert c.get("late")[0] is None
        gen = store.generation()
        c.poll()
        assert c._gen == gen
    finally:
        c.stop()
    assert not c.active and c.get("b") == (None, None)
