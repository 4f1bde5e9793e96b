"""The request path's shortcuts keep the behaviour: JSON of properties, the audit file and
rate-limit buckets kept open, the one-dependency role gate, the GC freeze while serving."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import orjson
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.audit import AuditLog, verify_audit
from api.auth import KeyStore, RateLimiter
from api.errors import RateLimited
from api.serial import FastJSON, node_json, props_json, rel_json
from kg.jsonable import plain
from kg.model import load_model
from kg.store import GraphStore
from kg.store.base import Node, Rel
from tests.api.conftest import PERSON, Api, make_settings, seed

PROPS = [
    {"name": "张三", "n": 3, "x": 1.5, "ok": True, "none": None},
    {"d": dt.date(2023, 10, 16), "t": dt.datetime(2024, 1, 1, 10, 0, 0),
     "tu": dt.datetime(2024, 1, 1, 10, 0, 0, 120000, tzinfo=dt.UTC),
     "tz": dt.datetime(2024, 1, 1, 10, 0, 0, 5, tzinfo=ZoneInfo("Asia/Shanghai"))},
    {"nan": float("nan"), "inf": float("-inf")},
    {"raw": b"\x00\x01", "l": [dt.date(2020, 1, 1), 1], "tup": (1, 2)},
    {},
]


@pytest.mark.parametrize("props", PROPS)
def test_props_render_as_plain_would(props: dict[str, object]) -> None:
    """``props_json`` may hand the dict over unchanged; the rendered JSON is the same bytes
    as rendering ``plain`` of it (dates as ISO strings, non-finite floats and bytes null)."""
    fast = FastJSON(None).render(props_json(props))
    ref = orjson.dumps(plain(dict(props)))
    assert fast == ref
    m = load_model()
    n = Node("Person:1", ("Person",), props, sources=("s",), datasets=("d",), property_sources={})
    r = Rel("r1", "OWNS", "Person:1", "Company:1", props)
    old_n = {**node_json(n, m), "properties": plain(dict(props))}
    old_r = {**rel_json(r, m), "properties": plain(dict(props))}
    assert FastJSON(None).render(node_json(n, m)) == orjson.dumps(old_n)
    assert FastJSON(None).render(rel_json(r, m)) == orjson.dumps(old_r)


def test_audit_file_deleted_or_moved_while_open(tmp_path: Path) -> None:
    """The descriptor is kept open between appends; when the path stops naming that file,
    the next append goes to the path again (a new chain there), never to a ghost file."""
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path)
    for i in range(3):
        log.append({"route": "/x", "i": i})
    path.rename(tmp_path / "audit.1.jsonl")  # rotated
    log.append({"route": "/x", "i": 3})
    assert verify_audit(tmp_path / "audit.1.jsonl").records == 3
    assert [r["i"] for r in AuditLog(path).records()] == [3]
    path.unlink()  # deleted
    log.append({"route": "/x", "i": 4})
    log.append({"route": "/x", "i": 5})
    rep = verify_audit(path)
    assert rep.ok and rep.records == 2, rep.problems
    assert os.stat(path).st_mode & 0o777 == 0o600
    log.close()


def test_audit_line_is_canonical_json_with_hash_last(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    rec = AuditLog(path).append({"route": "/x", "名": "值", "n": 1.5})
    line = path.read_text("utf-8").strip()
    assert json.loads(line) == rec
    assert list(json.loads(line))[-1] == "hash"
    assert "名" in line  # not escaped, as before
    assert verify_audit(path).ok


def test_two_audit_logs_in_one_process_keep_one_chain(tmp_path: Path) -> None:
    """Two appenders with their own open descriptors (as two apps in one process would
    have) interleave into one chain: the flock is per open file, not per process."""
    path = tmp_path / "audit.jsonl"
    a, b = AuditLog(path), AuditLog(path)
    for i in range(10):
        (a if i % 2 else b).append({"i": i})
    rep = verify_audit(path)
    assert rep.ok and rep.records == 10, rep.problems


def test_rate_limit_bucket_kept_open_is_shared_and_survives_deletion(tmp_path: Path) -> None:
    one, two = RateLimiter(1, 3, tmp_path), RateLimiter(1, 3, tmp_path)
    one.hit("k1")
    two.hit("k1")
    one.hit("k1")
    with pytest.raises(RateLimited):
        two.hit("k1")  # the bucket of 3 is shared by both limiters
    for p in tmp_path.glob("*.bucket"):
        p.unlink()  # deleted under the open descriptors: both start a new, full bucket
    one.hit("k1")
    two.hit("k1")
    one.hit("k1")
    with pytest.raises(RateLimited):
        one.hit("k1")
    one.close()
    two.close()


def test_rate_limiter_keeps_at_most_max_open_files(tmp_path: Path) -> None:
    rl = RateLimiter(60, 5, tmp_path, max_open=2)
    for k in ("a", "b", "c", "a"):
        rl.hit(k)
    assert len(rl._fds) == 2
    rl.close()


def test_openapi_still_declares_the_bearer_scheme(api: Api) -> None:
    doc = api.client.get("/openapi.json").json()
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    for path, ops in doc["paths"].items():
        for op in ops.values():
            if path in ("/health", "/ready"):
                assert "security" not in op
            else:
                assert op["security"] == [{"HTTPBearer": []}], path


def test_token_forms(api: Api) -> None:
    """Bearer (any case of the scheme), X-API-Key, and the refusals."""
    c = api.client
    assert c.get(f"/entities/{PERSON}", headers={"Authorization": f"bearer {api.viewer}"}).status_code == 200
    assert c.get(f"/entities/{PERSON}", headers={"X-API-Key": api.viewer}).status_code == 200
    assert c.get(f"/entities/{PERSON}", headers={"Authorization": f"Basic {api.viewer}"}).status_code == 401
    assert c.get(f"/entities/{PERSON}", headers={"Authorization": "Bearer "}).status_code == 401
    r = c.get(f"/entities/{PERSON}", headers={"Authorization": "Bearer kg_nope_nope"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert c.post("/cypher", json={"query": "RETURN 1"}, headers=api.h("viewer")).status_code == 403


def test_gc_freeze_while_serving(store: GraphStore, tmp_path: Path) -> None:
    seed(store)
    s = make_settings(tmp_path)
    key = KeyStore(s.data_dir).create("viewer")
    gc.unfreeze()
    with TestClient(create_app(store, settings=s)) as client:
        assert gc.get_freeze_count() > 0
        assert client.get(f"/entities/{PERSON}", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert gc.get_freeze_count() == 0
    with TestClient(create_app(store, settings=make_settings(tmp_path, gc_freeze=False))):
        assert gc.get_freeze_count() == 0
