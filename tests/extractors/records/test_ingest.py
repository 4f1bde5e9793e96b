"""Record ingest end to end, on both backends: ground truth, provenance, bad input,
idempotence, resume after SIGKILL, AMLSim."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from extractors.ingest import graph_checksum, ingest, parse_ref
from extractors.records.readers import inspect_file, read_rows
from kg.resolve.clean import normalise_name, normalise_text, parse_amount, parse_datetime
from kg.resolve.identifiers import check_ric, check_uscc, compact
from kg.store import GraphStore

from .conftest import read_jsonl

ROOT = Path(__file__).resolve().parents[3]
AMLSIM = ROOT.parent / "shared" / "data" / "amlsim" / "20K_cycle200"


def _ingest(store: GraphStore, paths: list[Path], tmp: Path, **kw: Any) -> Any:
    return ingest(store, paths, dataset="tiny", quarantine_file=tmp / "quarantine.jsonl", progress=False, **kw)


def _valid_identity_ids(scenario: Path, manifest: dict[str, Any], label: str) -> set[str]:
    """IDs of true identities that some record row carries in an identifier column."""
    id_cols = {f: set(m.get("identifier_columns", {})) for f, m in manifest["files"].items()}
    check = check_ric if label == "Person" else check_uscc
    broken = read_jsonl(scenario / "ground_truth" / "broken.jsonl")
    bad_cells = {(b["file"], b["row"], b.get("column")) for b in broken}
    bad_rows = {(b["file"], b["row"]) for b in broken if b["kind"] == "truncated_row"}
    out: set[str] = set()
    for ident in read_jsonl(scenario / "ground_truth" / "identities.jsonl"):
        if ident["label"] != label or not check(ident["id"]).valid:
            continue
        if any("file" in r and r["field"] in id_cols.get(r["file"], ())
               and (r["file"], r["row"], r["field"]) not in bad_cells and (r["file"], r["row"]) not in bad_rows
               for r in ident["refs"]):
            out.add(ident["id"])
    return out


def test_tiny_scenario_matches_ground_truth(store: GraphStore, scenario: Path, manifest: dict[str, Any],
                                            tmp_path: Path) -> None:
    summary = _ingest(store, [scenario / "records"], tmp_path)
    record_files = [f for f in manifest["files"] if f.startswith("records/")]
    assert summary.files == len(record_files)
    assert summary.records_read == sum(manifest["files"][f]["rows"] for f in record_files)
    assert summary.files_quarantined == 0
    assert summary.entities > 0 and summary.relationships > 0

    # every true Person / Company with a valid identifier in a record is exactly one node
    for label, prop, flag in (("Person", "id_number", "id_valid"), ("Company", "uscc", "uscc_valid")):
        ids = _valid_identity_ids(scenario, manifest, label)
        assert ids
        rows = store.query(f"MATCH (n:{label}) WHERE n.{flag} = true RETURN n.{prop} AS k, n.uid AS u")
        by_key: dict[str, list[str]] = {}
        for r in rows:
            by_key.setdefault(r["k"], []).append(r["u"])
        missing = ids - set(by_key)
        assert not missing, f"{len(missing)} {label} identities have no node"
        assert all(len(by_key[i]) == 1 and by_key[i][0] == f"{label}:{i}" for i in ids)

    # deliberately broken identifiers are kept, flagged, and never merged with the true node
    broken = [b for b in read_jsonl(scenario / "ground_truth" / "broken.jsonl")
              if b["kind"] in ("bad_checksum", "bad_length", "bad_birth_date")]
    assert broken
    for b in broken:
        src = f"tiny/{Path(b['file']).name}#row={b['row']}"
        rows = store.query("MATCH (n:Entity) WHERE any(s IN n._src WHERE s STARTS WITH $p) "
                           "AND (n.id_number = $v OR n.uscc = $v OR n.account_no = $v) "
                           "RETURN n.uid AS u, n.id_valid AS a, n.uscc_valid AS b, n.luhn_valid AS c",
                           {"p": src + "@", "v": compact(b["value"])})
        assert len(rows) == 1, b
        assert False in (rows[0]["a"], rows[0]["b"], rows[0]["c"])
        assert ":unverified:" in rows[0]["u"]

    # a ring's loan officer approved the ring's loans
    rings = [r for r in read_jsonl(scenario / "ground_truth" / "rings.jsonl")
             if "officer_employee_no" in r.get("expected_clue", {})]
    assert rings
    for ring in rings:
        clue = ring["expected_clue"]
        loans = [m["id"] for m in ring["members"] if m["label"] == "LoanAccount"]
        assert loans
        got = store.query("UNWIND $loans AS c MATCH (l:LoanAccount {contract_no: c})-[:APPROVED_BY]->(p:Person) "
                          "RETURN c, p.employee_no AS e", {"loans": loans})
        assert sorted(r["c"] for r in got) == sorted(loans)
        assert {r["e"] for r in got} == {clue["officer_employee_no"]}


_SKIP_PROPS = {"name_normalised", "filing_no", "decision_no", "sentence", "kind", "role", "stage", "account_type",
               "birth_date", "gender", "is_government", "in_official_registry", "valid", "normalised"}


def _matches(value: Any, cells: list[Any]) -> bool:
    if isinstance(value, bool):
        return True
    texts = [normalise_text(c) for c in cells if c not in (None, "")]
    if isinstance(value, (int, float)):
        nums = [parse_amount(c).value for c in cells if c not in (None, "")]
        return any(n is not None and min(abs(n - float(value)), abs(n * 10_000 - float(value))) < 0.01  # (万元)
                   for n in nums)
    if hasattr(value, "isoformat"):
        iso = value.isoformat()
        return any(d is not None and (d.isoformat().startswith(iso) or iso.startswith(d.date().isoformat()))
                   for d in (parse_datetime(c) for c in cells if c not in (None, "")))
    v = str(value)
    return any(v == t or v == compact(t) or v == normalise_name(t) or v in t or v in t.replace(" ", "")
               or v.replace("-", "") == t.replace("-", "") for t in texts)


def test_every_fact_traces_back_to_its_row(store: GraphStore, scenario: Path, tmp_path: Path) -> None:
    _ingest(store, [scenario / "records"], tmp_path)
    sources = {r["n"].properties["source_id"]: r["n"].properties for r in store.query("MATCH (n:Source) RETURN n")}
    cache: dict[str, dict[int, dict[str, Any]]] = {}

    def row_of(source_id: str, row: int) -> dict[str, Any]:
        if source_id not in cache:
            info = inspect_file(sources[source_id]["uri"])
            assert info.sha256 == sources[source_id]["sha256"]
            cache[source_id] = {r.row: r.values for r in read_rows(info) if r.values is not None}
        return cache[source_id][row]

    checked = 0
    elements = list(store.export())
    for el in elements[::7]:  # a spread sample of every label and type
        if getattr(el, "label", "") == "Source":
            continue
        for prop, ref in el.property_sources.items():
            if prop in _SKIP_PROPS:
                continue
            pv = parse_ref(ref)
            assert pv.extractor.startswith("records.") and "@" in pv.extractor
            assert pv.locator.startswith("row=")
            cells = list(row_of(pv.source_id, int(pv.locator[4:])).values())
            assert _matches(el.properties[prop], cells), (el.id, prop, ref)
            checked += 1
    assert checked > 500


def test_rerun_is_idempotent(store: GraphStore, scenario: Path, tmp_path: Path) -> None:
    ck = tmp_path / "ck"
    first = _ingest(store, [scenario / "records"], tmp_path, checkpoint_dir=ck)
    c1, k1 = store.count(), graph_checksum(store)
    second = _ingest(store, [scenario / "records"], tmp_path)  # no checkpoint: everything is written again
    assert (store.count(), graph_checksum(store)) == (c1, k1)
    assert (second.entities, second.relationships, second.statements) == (first.entities, first.relationships,
                                                                            first.statements)
    again = _ingest(store, [scenario / "records"], tmp_path, checkpoint_dir=ck)  # every file already done
    assert graph_checksum(store) == k1
    assert again.resumed_files == again.files and again.records_read == first.records_read


def test_checkpoint_of_a_cleared_graph_is_not_trusted(store: GraphStore, scenario: Path, tmp_path: Path) -> None:
    """Clearing the graph (or deleting the dataset) after an ingest makes its checkpoint
    stale: the next run with that checkpoint writes every file again (no empty graph)."""
    ck = tmp_path / "ck"
    first = _ingest(store, [scenario / "records"], tmp_path, checkpoint_dir=ck)
    c1, k1 = store.count(), graph_checksum(store)
    store.clear()
    again = _ingest(store, [scenario / "records"], tmp_path, checkpoint_dir=ck)
    assert (store.count(), graph_checksum(store)) == (c1, k1)
    assert again.resumed_files == 0 and again.records_read == first.records_read
    store.delete_dataset("tiny")
    assert store.count()["nodes"] == 0
    third = _ingest(store, [scenario / "records"], tmp_path, checkpoint_dir=ck)
    assert graph_checksum(store) == k1 and third.resumed_files == 0


def test_both_backends_hold_the_same_graph(both: dict[str, GraphStore], scenario: Path, tmp_path: Path) -> None:
    files = [scenario / "records" / f for f in ("bank_loans.xlsx", "business_registry.csv", "court_records.csv",
                                                 "fake_site_buyers.jsonl", "property_registry.xlsx")]
    sums = {}
    for name, st in both.items():
        ingest(st, files, dataset="tiny", progress=False)
        sums[name] = (graph_checksum(st), st.count())
    assert sums["falkordb"] == sums["neo4j"]


def _bad_folder(scenario: Path, tmp: Path) -> Path:
    d = tmp / "bad"
    d.mkdir()
    (d / "empty.csv").write_bytes(b"")
    (d / "bank_accounts_binary.csv").write_bytes(b"\x00\x01\x02\x03binary\x00" * 50)
    gbk = scenario / "records" / "business_registry.csv"
    (d / "business_registry_broken.csv").write_bytes(gbk.read_bytes() + b"\xff\xff\xff,\xff\n")
    loans = (scenario / "records" / "bank_loans.xlsx").read_bytes()
    (d / "bank_loans_truncated.xlsx").write_bytes(loans[: len(loans) * 2 // 3])
    good = (scenario / "records" / "cert_registry.csv").read_text(encoding="utf-8").splitlines()
    good.insert(2, "T1,只有两列")  # malformed row 2
    (d / "cert_registry.csv").write_text("\n".join(good) + "\n", encoding="utf-8")
    lines = (scenario / "records" / "traffic_accidents.jsonl").read_text(encoding="utf-8").splitlines()
    lines.insert(1, '{"事故编号": "1102023', )  # broken JSON at row 2
    (d / "traffic_accidents.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (d / "unknown_source.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    return d


def test_bad_input_is_quarantined_and_the_run_goes_on(store: GraphStore, scenario: Path, tmp_path: Path) -> None:
    d = _bad_folder(scenario, tmp_path)
    q = tmp_path / "q.jsonl"
    s = ingest(store, [d], dataset="bad", quarantine_file=q, progress=False)
    recs = read_jsonl(q)
    by_file = {(r["file"], r["rule"]) for r in recs}
    assert ("bad/empty.csv", "file.empty") in by_file
    assert ("bad/bank_accounts_binary.csv", "file.binary") in by_file
    assert ("bad/business_registry_broken.csv", "file.decode") in by_file
    assert ("bad/bank_loans_truncated.xlsx", "file.xlsx") in by_file
    assert ("bad/unknown_source.csv", "file.detect") in by_file
    assert {(r["file"], r["row"]) for r in recs if r["level"] == "row"} == {
        ("bad/cert_registry.csv", 2), ("bad/traffic_accidents.jsonl", 2)}
    dec = next(r for r in recs if r["rule"] == "file.decode")
    assert dec["offset"] == (scenario / "records" / "business_registry.csv").stat().st_size
    assert all({"file", "reason", "rule"} <= set(r) for r in recs)
    assert s.files_quarantined == 5
    assert s.quarantined_rows == 2
    assert s.quarantined == len(recs)
    # the good rows of the two files with a bad row loaded; nothing from a refused file
    n_cert = len((scenario / "records" / "cert_registry.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert store.query("MATCH (c:Certificate) RETURN count(c) AS n")[0]["n"] == n_cert
    assert store.query("MATCH (a:AccidentReport) RETURN count(a) AS n")[0]["n"] > 0
    for bad in ("business_registry_broken.csv", "bank_loans_truncated.xlsx", "bank_accounts_binary.csv"):
        rows = store.query("MATCH (n:Entity) WHERE any(s IN n._src WHERE s STARTS WITH $p) RETURN count(n) AS n",
                           {"p": f"bad/{bad}#"})
        assert rows[0]["n"] == 0


def _store_url(store: GraphStore, request: pytest.FixtureRequest) -> str:
    if store.backend == "falkordb":
        return f"falkordb://{request.getfixturevalue('falkordb_dir')}"
    return request.getfixturevalue("neo4j_url")


def test_resume_after_sigkill_gives_the_same_graph(store: GraphStore, scenario: Path, tmp_path: Path,
                                                   request: pytest.FixtureRequest) -> None:
    records = scenario / "records"
    ck = tmp_path / "ck"
    env = dict(os.environ, KG_NEO4J_PASSWORD=os.environ.get("KG_NEO4J_PASSWORD", "cluegraph-dev-password"),
               PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "extractors.ingest", str(records), "--store", _store_url(store, request),
           "--dataset", "tiny", "--checkpoint-dir", str(ck), "--quarantine", str(tmp_path / "q1.jsonl"),
           "--chunk-size", "50", "--no-progress"]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ckfile = ck / "tiny.json"
    deadline = time.monotonic() + 120
    while not ckfile.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, f"ingest ended before its first checkpoint: {proc.stderr.read()!r}"  # type: ignore[union-attr]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    state = json.loads(ckfile.read_text(encoding="utf-8"))
    assert not all(f["done"] for f in state["files"].values()) or len(state["files"]) < 23
    resumed = ingest(store, [records], dataset="tiny", checkpoint_dir=ck, quarantine_file=tmp_path / "q1.jsonl",
                     progress=False, chunk_size=50)
    assert resumed.resumed_files >= 1
    k_resumed, c_resumed = graph_checksum(store), store.count()

    store.clear()
    full = ingest(store, [records], dataset="tiny", quarantine_file=tmp_path / "q2.jsonl", progress=False,
                  chunk_size=50)
    assert graph_checksum(store) == k_resumed
    assert store.count() == c_resumed
    assert (resumed.records_read, resumed.statements) == (full.records_read, full.statements)


def test_amlsim_sample_counts(store: GraphStore, tmp_path: Path) -> None:
    # a prefix of the 20K_cycle200 sample keeps the test fast on both backends
    d = tmp_path / "amlsim"
    d.mkdir()
    for name, n in (("nodes.csv", 3000), ("transactions.csv", 6000)):
        with open(AMLSIM / name, encoding="utf-8") as fh, open(d / name, "w", encoding="utf-8") as out:
            for i, line in enumerate(fh):
                if i > n:
                    break
                out.write(line)
    with open(d / "nodes.csv", encoding="utf-8") as fh:
        nodes = list(csv.DictReader(fh))
    with open(d / "transactions.csv", encoding="utf-8") as fh:
        txns = list(csv.DictReader(fh))
    ids = {r["nodeid"] for r in nodes} | {r["sourceNodeId"] for r in txns} | {r["targetNodeId"] for r in txns}
    s = ingest(store, [d], dataset="amlsim", progress=False)
    assert s.by_mapping == {"amlsim_accounts": len(nodes), "amlsim_transactions": len(txns)}
    assert s.quarantined == 0
    c = store.count()
    assert c["labels"]["BankAccount"] == len(ids)
    assert c["types"]["TRANSFERRED_TO"] == len(txns)
    r = store.query("MATCH (a:BankAccount {uid: $u})-[t:TRANSFERRED_TO]->(b) RETURN t LIMIT 1",
                    {"u": f"BankAccount:amlsim:{txns[0]['sourceNodeId']}"})
    assert r and r[0]["t"].properties["ts"].year == 2017


def test_full_demo_scale_once_on_the_embedded_store(tmp_path: Path) -> None:
    # demo scale once, on its own embedded store (the tiny tests cover both backends)
    from kg.store import open_store
    from kg.synth import generate

    out = tmp_path / "demo"
    generate("demo", 3, out)
    with open_store(f"falkordb://{tmp_path / 'graph'}") as store:
        s = ingest(store, [out / "records"], dataset="demo", progress=False)
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert s.entities > 0
    assert s.records_read == sum(v["rows"] for k, v in m["files"].items() if k.startswith("records/"))
    assert s.files_quarantined == 0
    shutil.rmtree(out)


def test_finbench_folder_goes_through_its_dataset_mapping(store: GraphStore, tmp_path: Path) -> None:
    # FinBench reuses kg/schema/mappings/finbench.yaml through kg.datasets (a prefix of each file)
    src = ROOT.parent / "shared" / "data" / "finbench" / "snapshot"
    d = tmp_path / "finbench"
    d.mkdir()
    rows = 0
    for f in sorted(src.glob("*.csv")):
        with open(f, encoding="utf-8") as fh, open(d / f.name, "w", encoding="utf-8") as out:
            for i, line in enumerate(fh):
                if i > 40:
                    break
                out.write(line)
                rows += i > 0
    s = ingest(store, [d], dataset="fb", progress=False, quarantine_file=tmp_path / "q.jsonl")
    assert s.by_mapping == {"finbench": rows}
    assert s.records_read == rows
    assert store.query("MATCH (p:Person) RETURN count(p) AS n")[0]["n"] == 40
    with open(src / "Person.csv", encoding="utf-8") as fh:
        first = next(csv.DictReader(fh, delimiter="|"))
    assert store.get_node(f"fb:Person:{first['personId']}").properties["name"] == first["personName"]
