"""Fixtures of the API tests: a seeded graph on each backend and an app built around it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import KeyStore
from api.settings import ApiSettings
from kg.store import GraphStore

DS = "apitest"
HUB = "BankAccount:hub"
PERSON = "Person:11010519491231002X"


def seed(store: GraphStore) -> None:
    """A fan-in (5 senders into ``hub``), a chain a1 -> a2 -> a3, a person with a Chinese name."""
    accts = [{"uid": f"BankAccount:s{i}", "src": f"{DS}/accounts.csv#row={i}@test@1",
              "props": {"account_no": f"62220212345678{i:05d}", "bank": "中国建设银行北京朝阳支行"}} for i in range(1, 6)]
    accts.append({"uid": HUB, "src": f"{DS}/accounts.csv#row=9@test@1", "props": {"account_no": "6222021234567890128"}})
    accts += [{"uid": f"BankAccount:a{i}", "src": f"{DS}/accounts.csv#row={10 + i}@test@1",
               "props": {"account_no": f"a{i}"}} for i in range(1, 5)]
    store.upsert_nodes("BankAccount", accts, dataset=DS)
    store.upsert_nodes("Person", [{"uid": PERSON, "src": f"{DS}/people.csv#row=1@test@1",
                                   "props": {"name": "张三丰", "id_number": "11010519491231002X", "gender": "男"}}],
                       dataset=DS)
    store.upsert_nodes("Company", [{"uid": "Company:91110105MA01ABCD1X", "src": f"{DS}/co.csv#row=1@test@1",
                                    "props": {"name": "北京某某科技有限公司", "uscc": "91110105MA01ABCD1X"}}],
                       dataset=DS)
    rels = [{"start": f"BankAccount:s{i}", "end": HUB, "src": f"{DS}/tx.csv#row={i}@test@1",
             "props": {"amount": 100000.0 + i, "ts": f"2024-01-01T1{i}:00:00"}} for i in range(1, 6)]
    rels += [{"start": "BankAccount:a1", "end": "BankAccount:a2", "src": f"{DS}/tx.csv#row=20@test@1",
              "props": {"amount": 5.0, "ts": "2024-02-01T10:00:00"}},
             {"start": "BankAccount:a2", "end": "BankAccount:a3", "src": f"{DS}/tx.csv#row=21@test@1",
              "props": {"amount": 6.0, "ts": "2024-02-02T10:00:00"}}]
    store.upsert_relationships("TRANSFERRED_TO", rels, dataset=DS)
    store.upsert_relationships("OWNS", [{"start": PERSON, "end": HUB, "src": f"{DS}/own.csv#row=1@test@1",
                                         "props": {"since": "2020-05-01"}},
                                        {"start": PERSON, "end": "Company:91110105MA01ABCD1X",
                                         "src": f"{DS}/own.csv#row=2@test@1", "props": {}}], dataset=DS)


@dataclass
class Api:
    """A test client and one key per role."""

    client: TestClient
    store: GraphStore
    settings: ApiSettings
    viewer: str
    analyst: str
    admin: str

    def h(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {getattr(self, role)}"}

    @property
    def audit_path(self) -> Path:
        return self.settings.data_dir / "audit.jsonl"


def make_settings(tmp: Path, **kw: object) -> ApiSettings:
    base = {"data_dir": tmp / "apidata", "max_upload_bytes": 200_000, "rate_per_minute": 100_000, "burst": 10_000,
            "inline_wait_s": 10.0}
    base.update(kw)
    return ApiSettings(**base)  # type: ignore[arg-type]


@pytest.fixture
def api(store: GraphStore, tmp_path: Path) -> Iterator[Api]:
    seed(store)
    s = make_settings(tmp_path)
    ks = KeyStore(s.data_dir)
    keys = {r: ks.create(r) for r in ("viewer", "analyst", "admin")}
    app = create_app(store, settings=s)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(client, store, s, **keys)
