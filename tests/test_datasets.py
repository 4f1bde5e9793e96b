"""The FinBench example graph through its mapping, on both backends, with quarantine."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from kg.datasets import load_mapped_dataset
from kg.store import GraphStore

from .conftest import FINBENCH


def _csv_ids(name: str, col: str) -> set[str]:
    with open(FINBENCH / name, encoding="utf-8") as fh:
        return {r[col] for r in csv.DictReader(fh, delimiter="|")}


def test_finbench_loads_identically_on_both_backends(both: dict[str, GraphStore], tmp_path: Path) -> None:
    results = {}
    for name, st in both.items():
        q = tmp_path / f"{name}.jsonl"
        s = load_mapped_dataset(st, "finbench", FINBENCH, quarantine_file=q)
        again = load_mapped_dataset(st, "finbench", FINBENCH)  # idempotent
        counts = st.count()
        results[name] = (s.as_dict()["nodes"], s.as_dict()["relationships"], counts)
        assert again.nodes == s.nodes and st.count() == counts
        # every quarantined row names its file and row, and really has an endpoint missing from the data
        quarantined = [json.loads(x) for x in q.read_text().splitlines()]
        assert len(quarantined) == len(s.quarantined) > 0
        accounts = _csv_ids("Account.csv", "accountId")
        for item in quarantined:
            assert item["reason"] == "endpoint node not in the graph"
            with open(FINBENCH / item["file"], encoding="utf-8") as fh:
                row = list(csv.DictReader(fh, delimiter="|"))[item["row"] - 1]
            assert row.get("accountId") not in accounts or row.get("toId") not in accounts \
                or row.get("fromId") not in accounts
        # CSV rows = loaded + quarantined
        total_rel_rows = sum(1 for f in FINBENCH.glob("*.csv") if f.stem not in
                             ("Person", "Company", "Account", "Loan", "Medium")
                             for _ in open(f, encoding="utf-8")) - 13
        assert s.relationships + len(s.quarantined) == total_rel_rows
    assert results["falkordb"] == results["neo4j"]
    n, r, counts = results["neo4j"]
    assert n == 14053 and counts["labels"]["Person"] == 1957 and counts["labels"]["BankAccount"] == 6200
    assert counts["labels"]["Source"] == 18


def test_every_fact_traces_back_to_its_row(store: GraphStore) -> None:
    load_mapped_dataset(store, "finbench", FINBENCH)
    r = store.query("MATCH (a:BankAccount)-[t:TRANSFERRED_TO]->(b) RETURN t ORDER BY t.rid LIMIT 1")[0]["t"]
    ref = r.property_sources["amount"]
    source_id, rest = ref.split("#", 1)
    row_no = int(rest.split("@")[0].removeprefix("row="))
    src = store.query("MATCH (s:Source {source_id: $s}) RETURN s", {"s": source_id})[0]["s"]
    with open(src.properties["uri"], encoding="utf-8") as fh:
        row = list(csv.DictReader(fh, delimiter="|"))[row_no - 1]
    assert float(row["amount"]) == pytest.approx(r.properties["amount"])
    assert r.start == f"fb:BankAccount:{row['fromId']}" and r.end == f"fb:BankAccount:{row['toId']}"


def test_malformed_rows_are_quarantined_and_the_rest_load(store: GraphStore, tmp_path: Path) -> None:
    d = tmp_path / "fb"
    d.mkdir()
    (d / "Person.csv").write_text("personId|personName|isBlocked|createTime\n"
                                  "1|甲|false|2020-01-01 00:00:00.000\n"
                                  "2|乙|false\n"                                   # too few fields
                                  "3|丙|perhaps|2020-01-02 00:00:00.000\n"          # not a boolean
                                  "4|丁|true|2020-01-03 00:00:00.000\n", encoding="utf-8")
    s = load_mapped_dataset(store, "finbench", d)
    assert s.nodes == 2
    assert [(q.file, q.row) for q in s.quarantined if q.file == "Person.csv"] == [("Person.csv", 2), ("Person.csv", 3)]
    assert sum(1 for q in s.quarantined if q.reason == "file missing") == 17
    assert store.count()["labels"]["Person"] == 2
