"""The API's routes through TestClient against real stores (both backends)."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import HUB, PERSON, Api

FAN_IN = {"min_senders": 3, "min_total": 0}


def test_health_needs_no_token_and_ready_checks_the_store(api: Api) -> None:
    assert api.client.get("/health").json() == {"status": "ok"}
    r = api.client.get("/ready")
    assert r.status_code == 200 and r.json()["backend"] == api.store.backend


def test_search_by_chinese_name_identifier_and_label(api: Api) -> None:
    c, h = api.client, api.h("viewer")
    r = c.get("/entities", params={"q": "三丰"}, headers=h)
    assert r.status_code == 200
    assert [n["id"] for n in r.json()["items"]] == [PERSON]
    assert r.json()["items"][0]["label_zh"] == "自然人"
    r = c.get("/entities", params={"q": "11010519491231002X"}, headers=h)
    assert [n["id"] for n in r.json()["items"]] == [PERSON]
    r = c.get("/entities", params={"q": "科技", "label": "Company"}, headers=h)
    assert len(r.json()["items"]) == 1
    r = c.get("/entities", params={"q": "科技", "label": "Person"}, headers=h)
    assert r.json()["items"] == []
    labels = c.get("/labels", headers=h).json()
    assert {"label": "Person", "zh": "自然人", "en": labels["nodes"][[x["label"] for x in labels["nodes"]].index("Person")]["en"]} in labels["nodes"]
    r = c.get("/entities", params={"q": HUB, "label": "BankAccount"}, headers=h)
    assert [n["id"] for n in r.json()["items"]] == [HUB]


def test_search_pages(api: Api) -> None:
    c, h = api.client, api.h("viewer")
    api.store.upsert_nodes("Person", [{"uid": f"Person:m{i}", "src": f"apitest/m.csv#row={i}@test@1",
                                       "props": {"name": f"王某{i}"}} for i in range(1, 6)], dataset="apitest")
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None:
        d = c.get("/entities", params={"q": "王某", "limit": 2, "offset": offset}, headers=h).json()
        assert len(d["items"]) <= 2
        seen += [n["id"] for n in d["items"]]
        offset = d["next_offset"]
    assert seen == [f"Person:m{i}" for i in range(1, 6)]
    assert c.get("/entities", params={"q": "x", "limit": 5000}, headers=h).status_code == 422


def test_labels_come_only_from_the_model(api: Api) -> None:
    c, h = api.client, api.h("viewer")
    before = api.store.count()
    for bad in ("Person) DETACH DELETE n //", "Person`) MATCH (m) DETACH DELETE m //", "NoSuchLabel"):
        r = c.get("/entities", params={"q": "x", "label": bad}, headers=h)
        assert r.status_code == 400, bad
        assert "DELETE" not in r.text
    r = c.get("/entities", params={"q": "') MATCH (m) DETACH DELETE m //"}, headers=h)
    assert r.status_code == 200 and r.json()["items"] == []
    assert api.store.count() == before


def test_entity_with_provenance_and_404(api: Api) -> None:
    c, h = api.client, api.h("viewer")
    d = c.get(f"/entities/{PERSON}", headers=h).json()
    assert d["properties"]["name"] == "张三丰"
    assert d["provenance"]["sources"] == ["apitest/people.csv#row=1@test@1"]
    assert d["provenance"]["datasets"] == ["apitest"]
    r = c.get("/entities/Person:nobody", headers=h)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_neighbourhood_and_hub_cap(api: Api) -> None:
    c, h = api.client, api.h("viewer")
    d = c.get(f"/entities/{PERSON}/neighbourhood", params={"depth": 2}, headers=h).json()
    ids = {n["id"] for n in d["nodes"]}
    assert {PERSON, HUB, "BankAccount:s1"} <= ids
    assert all("provenance" in r for r in d["relationships"])
    d = c.get(f"/entities/{PERSON}/neighbourhood", params={"depth": 2, "max_degree": 3}, headers=h).json()
    assert "BankAccount:s1" not in {n["id"] for n in d["nodes"]}  # the hub (degree 6) is not expanded
    assert c.get(f"/entities/{PERSON}/neighbourhood", params={"depth": 9}, headers=h).status_code == 422


def test_shortest_path_is_bounded(api: Api) -> None:
    c, h = api.client, api.h("viewer")
    d = c.get("/paths", params={"source": "BankAccount:a1", "target": "BankAccount:a3"}, headers=h).json()
    assert d["found"] and d["length"] == 2
    assert [n["id"] for n in d["nodes"]] == ["BankAccount:a1", "BankAccount:a2", "BankAccount:a3"]
    d = c.get("/paths", params={"source": "BankAccount:s1", "target": "Company:91110105MA01ABCD1X"}, headers=h).json()
    assert d["found"] and d["length"] == 3
    d = c.get("/paths", params={"source": "BankAccount:a1", "target": "BankAccount:a3", "max_length": 1},
              headers=h).json()
    assert d == {"found": False, "length": None, "nodes": [], "relationships": []}
    d = c.get("/paths", params={"source": "BankAccount:a1", "target": "BankAccount:a4"}, headers=h).json()
    assert d["found"] is False
    assert c.get("/paths", params={"source": "BankAccount:a1", "target": "X:none"}, headers=h).status_code == 404
    assert c.get("/paths", params={"source": "a", "target": "b", "max_length": 50}, headers=h).status_code == 422


def test_patterns_list_describe_run_inline(api: Api) -> None:
    c = api.client
    d = c.get("/patterns", headers=api.h("viewer")).json()
    assert "generic.fan_in" in {p["id"] for p in d["items"]}
    d = c.get("/patterns/generic.fan_in", headers=api.h("viewer")).json()
    assert d["params"]["min_senders"]["type"] == "int"
    assert c.get("/patterns/no.such", headers=api.h("viewer")).status_code == 404
    r = c.post("/patterns/generic.fan_in/runs", json={"params": FAN_IN}, headers=api.h("analyst"))
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["count"] == 1 and d["job"]["state"] == "done"
    clue = d["clues"][0]
    assert set(clue["members"]) >= {HUB, "BankAccount:s1"}
    r = c.post("/patterns/generic.fan_in/runs", json={"params": {"min_senders": "many"}}, headers=api.h("analyst"))
    assert r.status_code == 400 and r.json()["error"]["details"]["param"] == "min_senders"
    r = c.post("/patterns/generic.fan_in/runs", json={"params": {"nope": 1}}, headers=api.h("analyst"))
    assert r.status_code == 400


def test_pattern_job_poll_and_cancel(api: Api) -> None:
    c, h = api.client, api.h("analyst")
    r = c.post("/patterns/generic.fan_in/runs", json={"params": FAN_IN, "wait_s": 0}, headers=h)
    assert r.status_code in (200, 202)
    jid = r.json()["job"]["id"]
    for _ in range(500):
        d = c.get(f"/jobs/{jid}", headers=h).json()
        if d["job"]["state"] not in ("queued", "running"):
            break
        time.sleep(0.02)
    assert d["job"]["state"] == "done" and d["count"] == 1
    assert c.delete(f"/jobs/{jid}", headers=h).status_code == 409  # finished jobs cannot be cancelled
    # a queued job is cancelled before it starts: fill both workers first
    ctx = c.app.state.ctx  # type: ignore[attr-defined]
    import threading
    gate = threading.Event()
    blockers = [ctx.jobs.submit("block", "t", lambda _jid: gate.wait(), lambda e: {}) for _ in range(2)]
    r = c.post("/patterns/generic.fan_in/runs", json={"params": FAN_IN, "wait_s": 0}, headers=h)
    assert r.status_code == 202
    jid = r.json()["job"]["id"]
    d = c.delete(f"/jobs/{jid}", headers=h).json()
    assert d["job"]["state"] == "cancelled"
    gate.set()
    for b in blockers:
        b.future.result(timeout=10)
    time.sleep(0.1)
    assert c.get(f"/jobs/{jid}", headers=h).json()["job"]["state"] == "cancelled"
    assert c.get("/jobs/job_nope", headers=h).status_code == 404


def test_clues_list_filter_review_and_bundle(api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_BUNDLE_DATA_DIR", str(tmp_path / "bundlekeys"))
    c = api.client
    c.post("/patterns/generic.fan_in/runs", json={"params": FAN_IN}, headers=api.h("analyst"))
    d = c.get("/clues", params={"pattern": "generic.fan_in"}, headers=api.h("viewer")).json()
    assert d["total"] == 1
    cid = d["items"][0]["id"]
    assert d["items"][0]["status"] == "new"
    r = c.post(f"/clues/{cid}/review", json={"decision": "confirmed", "reason": "核实"}, headers=api.h("viewer"))
    assert r.status_code == 403
    r = c.post(f"/clues/{cid}/review", json={"decision": "confirmed", "reason": "核实资金来源"},
               headers=api.h("analyst"))
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    r = c.post(f"/clues/{cid}/review", json={"decision": "maybe", "reason": "x"}, headers=api.h("analyst"))
    assert r.status_code == 422
    r = c.post(f"/clues/{cid}/review", json={"decision": "dismissed", "reason": ""}, headers=api.h("analyst"))
    assert r.status_code == 422
    assert c.get("/clues", params={"status": "confirmed"}, headers=api.h("viewer")).json()["total"] == 1
    assert c.get("/clues", params={"status": "new"}, headers=api.h("viewer")).json()["total"] == 0
    one = c.get(f"/clues/{cid}", headers=api.h("viewer")).json()
    assert one["reviews"][0]["reason"] == "核实资金来源"
    lines = (api.settings.data_dir / "reviews.jsonl").read_text("utf-8").splitlines()
    assert json.loads(lines[-1])["decision"] == "confirmed"
    # the bundle of the clue
    r = c.post(f"/clues/{cid}/bundle", headers=api.h("analyst"))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert any("manifest" in n for n in names)
    assert c.post("/clues/clue:none/bundle", headers=api.h("analyst")).status_code == 404
    # views
    page = c.get(f"/views/clues/{cid}", headers=api.h("viewer")).text
    assert "http://" not in page and "https://" not in page and "银行账户" in page


def test_entity_view_is_offline_html(api: Api) -> None:
    r = api.client.get(f"/views/entities/{PERSON}", params={"depth": 2}, headers=api.h("viewer"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "http://" not in r.text and "https://" not in r.text
    assert "自然人" in r.text and "apitest/people.csv#row=1@test@1" in r.text
    page = api.client.get("/ui/").text
    assert "http://" not in page and "https://" not in page


BANK_CSV = ("账号,户名,证件类型,证件号码,开户网点,开户日期,账户状态,预留手机号\n"
            "6222021234567890136,李四,居民身份证,11010519491231002X,建行朝阳支行,2021-03-04,正常,13800138000\n"
            ",王五,居民身份证,11010519491231002X,建行朝阳支行,2021-03-04,正常,13800138001\n"
            "6222021234567890128,赵六,居民身份证,11010519491231002X,建行朝阳支行,0000-00-00,正常,13800138002\n")


def wait_job(api: Api, jid: str, role: str = "analyst") -> dict[str, Any]:
    """Poll ``/jobs/{jid}`` until the job has ended."""
    for _ in range(1000):
        r = api.client.get(f"/jobs/{jid}", headers=api.h(role))
        assert r.status_code == 200, r.text
        d: dict[str, Any] = r.json()
        if d["job"]["state"] not in ("queued", "running"):
            return d
        time.sleep(0.02)
    raise AssertionError("job did not end")


def test_upload_ingests_and_reports_quarantine(api: Api) -> None:
    files = {"files": ("../../bank_accounts_2024.csv", BANK_CSV.encode("utf-8"), "text/csv")}
    r = api.client.post("/uploads", files=files, data={"dataset": "up1"}, headers=api.h("analyst"))
    assert r.status_code == 202, r.text  # stored and queued: the ingest runs off the request path
    d = r.json()
    assert d["files"] == ["bank_accounts_2024.csv"] and d["job"]["kind"] == "upload"
    assert (api.settings.data_dir / "uploads" / d["upload"] / "files" / "bank_accounts_2024.csv").exists()
    up = d["upload"]
    d = wait_job(api, d["job"]["id"])
    assert d["job"]["state"] == "done" and d["upload"] == up and d["dataset"] == "up1"
    assert d["summary"]["records_read"] == 3
    assert d["summary"]["quarantined"] >= 2
    assert len(d["quarantine"]) >= 2 and all("reason" in q for q in d["quarantine"])
    r = api.client.get("/entities", params={"q": "6222021234567890136"}, headers=api.h("viewer"))
    assert len(r.json()["items"]) == 1
    assert api.client.post("/uploads", files=files, headers=api.h("viewer")).status_code == 403


def test_uploads_are_type_checked_and_size_limited(api: Api) -> None:
    c, h = api.client, api.h("analyst")
    r = c.post("/uploads", files={"files": ("x.exe", b"MZ\x90\x00", "application/octet-stream")}, headers=h)
    assert r.status_code == 415
    r = c.post("/uploads", files={"files": ("x.csv", b"a,b\n\x00\x01\x02", "text/csv")}, headers=h)
    assert r.status_code == 415
    r = c.post("/uploads", files={"files": ("x.xlsx", b"not a zip", "application/vnd.ms-excel")}, headers=h)
    assert r.status_code == 415
    big = b"a,b\n" + b"1,2\n" * 100_000  # 400 kB > 200 kB limit
    r = c.post("/uploads", files={"files": ("big.csv", big, "text/csv")}, headers=h)
    assert r.status_code == 413
    r = c.post("/uploads", files={"files": ("ok.csv", b"a,b\n1,2\n", "text/csv")}, data={"dataset": "../etc"},
               headers=h)
    assert r.status_code == 400
    r = c.post("/cypher", content=b"{" + b" " * 2_000_000 + b"}", headers={**api.h("admin"),
                                                                         "Content-Type": "application/json"})
    assert r.status_code == 413
    recs = [json.loads(x) for x in api.audit_path.read_text("utf-8").splitlines()]
    assert [x["status"] for x in recs if x["route"] in ("/uploads", "/cypher", "(unmatched)")][-6:] == \
        [415, 415, 415, 413, 400, 413]


def test_adhoc_cypher_reads_for_admin(api: Api) -> None:
    c = api.client
    r = c.post("/cypher", json={"query": "MATCH (n:Person) WHERE n.name = $name RETURN n.uid AS uid",
                                "params": {"name": "张三丰"}}, headers=api.h("admin"))
    assert r.status_code == 200 and r.json()["rows"] == [{"uid": PERSON}]
    r = c.post("/cypher", json={"query": "MATCH (n:Person) RETURN n"}, headers=api.h("analyst"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = c.post("/cypher", json={"query": "MATCH (n RETURN"}, headers=api.h("admin"))
    assert r.status_code in (400, 403) and "MATCH" not in r.text
