"""Fixtures for the bundle tests: a tiny FinBench-format snapshot with a fan-in ring,
Chinese and awkward text, plus a website node cited from a text document."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import SecretStr

from kg.bundle import BundleSettings
from kg.datasets import load_mapped_dataset
from kg.statement import Source
from kg.store import GraphStore

A = {i: f"62220210{i:011d}" for i in range(7)}  # 19-digit account numbers (personal data)
HUB = f"fb:BankAccount:{A[0]}"
WEBSITE_TEXT = "群众举报：假冒证书查询网站 https://fake-cert.example/verify 自称应急管理部官方查询平台。\n"
CREATED = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)

FILES = {
    "Person.csv": ["personId|personName|isBlocked|createTime",
                   "1|张三|false|2020-01-01 10:00:00.000",
                   "2|李四|true|2020-01-02 11:00:00.000",
                   '3|"王五, ""老王"""|false|2020-01-03 12:00:00.000'],
    "Company.csv": ["companyId|companyName|isBlocked|createTime",
                    "1|北京某某商贸有限公司|false|2019-05-01 09:00:00.000"],
    "Account.csv": ["accountId|createTime|isBlocked|accoutType"]
                   + [f"{A[i]}|2020-01-0{i + 1} 08:00:00.000|{'true' if i == 3 else 'false'}|个人结算户"
                      for i in range(7)],
    "AccountTransferAccount.csv": ["fromId|toId|amount|createTime",
                                   f"{A[1]}|{A[0]}|120000.5|2020-06-01 10:00:00.000",
                                   f"{A[2]}|{A[0]}|230000.25|2020-06-01 12:00:00.000",
                                   f"{A[3]}|{A[0]}|340000.0|2020-06-01 15:00:00.000",
                                   f"{A[4]}|{A[0]}|450000.75|2020-06-01 18:00:00.000",
                                   f"{A[0]}|{A[5]}|1100000.0|2020-06-02 09:00:00.000"],
    "PersonOwnAccount.csv": ["personId|accountId|createTime",
                             f"1|{A[0]}|2020-01-01 08:00:00.000",
                             f"2|{A[1]}|2020-01-02 08:00:00.000",
                             f"3|{A[2]}|2020-01-03 08:00:00.000"],
    "CompanyOwnAccount.csv": ["companyId|accountId|createTime",
                              f"1|{A[5]}|2020-01-06 08:00:00.000"],
}


@pytest.fixture(scope="session")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("snapshot")
    for name, lines in FILES.items():
        (d / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    (d / "tips.txt").write_text(WEBSITE_TEXT, encoding="utf-8")
    return d


def load_fixture(store: GraphStore, snapshot: Path) -> None:
    """Load the snapshot and a Website node whose provenance is a character span."""
    load_mapped_dataset(store, "finbench", snapshot)
    src = Source.from_file("tips/tips.txt", snapshot / "tips.txt", kind="document")
    store.upsert_source(src.source_id, src.uri, src.sha256, src.kind, dataset="tips")
    start = WEBSITE_TEXT.index("https://")
    end = start + len("https://fake-cert.example/verify")
    store.upsert_nodes("Website", [{"uid": "web:fake-cert.example", "src": f"tips/tips.txt#chars={start}-{end}@test@1",
                                    "props": {"domain": "fake-cert.example",
                                              "url": "https://fake-cert.example/verify",
                                              "is_government": False, "first_seen": "2023-10-16"}}],
                       dataset="tips")


@pytest.fixture
def graph(store: GraphStore, snapshot: Path) -> GraphStore:
    """The store (each backend) holding the fixture graph."""
    load_fixture(store, snapshot)
    return store


@pytest.fixture(scope="session")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def bsettings(tmp_path: Path) -> BundleSettings:
    return BundleSettings(data_dir=tmp_path / "keys", pii_salt=SecretStr("test-salt-7f3a"))


FAN_IN = {"min_senders": 3, "min_total": 0}
