"""Evidence bundles on both backends: contents, provenance, privacy, determinism,
offline HTML, replay, and the three ways to select what goes in."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import networkx as nx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kg import __version__
from kg.bundle import (
    BundleSettings,
    ExportPolicy,
    export_clue,
    export_entities,
    export_query,
    read_bundle,
    replay,
    salted_sha256,
    select_clue,
    verify_bundle,
    write_bundle,
)
from kg.patterns import PatternLibrary
from kg.store import GraphStore
from tests.bundle.conftest import CREATED, FAN_IN, HUB, A, load_fixture

EXPECTED_FILES = {"manifest.json", "manifest.sig", "graph.json", "nodes.csv", "relationships.csv", "graph.graphml",
                  "provenance.jsonl", "view.html", "report.html", "clues.json"}


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def top_clue(store: GraphStore):  # noqa: ANN201
    clues = PatternLibrary.load().get("generic.fan_in").run(store, FAN_IN)
    assert clues, "the fixture must give a fan-in clue"
    return clues[0], clues


def test_clue_bundle_contents(graph: GraphStore, tmp_path: Path, key: Ed25519PrivateKey,
                              bsettings: BundleSettings, snapshot: Path) -> None:
    clue, run = top_clue(graph)
    res = export_clue(graph, tmp_path / "c.zip", clue, run_clues=run, key=key, settings=bsettings,
                      policy=ExportPolicy(role="admin"), created_at=CREATED, created_by="检察官甲")
    files = members(res.path)
    assert EXPECTED_FILES <= set(files)
    assert any(n.startswith("sources/") for n in files)
    m = json.loads(files["manifest.json"])
    assert m["tool"]["version"] == __version__
    assert m["backend"] == {"name": graph.backend, "version": graph.server_version()}
    assert m["created_by"] == "检察官甲" and m["created_at"] == "2026-03-01T09:30:00Z"
    subj = m["subject"]
    assert subj["pattern"]["id"] == "generic.fan_in" and subj["pattern"]["version"] == clue.rule_version
    assert subj["params"]["min_senders"] == 3 and subj["clue"]["id"] == clue.id
    # every file but the manifest and its signature is hashed in the manifest
    assert set(m["files"]) == set(files) - {"manifest.json", "manifest.sig"}
    for name, spec in m["files"].items():
        assert hashlib.sha256(files[name]).hexdigest() == spec["sha256"]
    # source files: hash from the Source nodes, equal to the bytes on disk
    cited = {s["source_id"]: s for s in m["sources"]}
    assert set(cited) == {"finbench/Account.csv", "finbench/AccountTransferAccount.csv"}
    for s in cited.values():
        name = s["source_id"].split("/", 1)[1]
        assert s["sha256"] == hashlib.sha256((snapshot / name).read_bytes()).hexdigest()
        assert s["unchanged"] is True
    # the subgraph is the clue's members and the transfers among them
    g = json.loads(files["graph.json"])
    assert sorted(n["id"] for n in g["nodes"]) == sorted(clue.members)
    assert len(g["relationships"]) == 4 and m["counts"]["nodes"] == 5 and m["counts"]["relationships"] == 4
    assert g["focus"] == sorted(clue.members)
    # graphml parses with networkx, same counts
    G = nx.read_graphml(io.BytesIO(files["graph.graphml"]))
    assert G.number_of_nodes() == 5 and G.number_of_edges() == 4
    assert {d["type_zh"] for _, d in G.nodes(data=True)} == {"银行账户"}
    # clues.json: the run, the bundled clue marked
    clues = json.loads(files["clues.json"])
    assert [c["id"] for c in clues if c["focal"]] == [clue.id]
    assert {c["id"] for c in clues} == {c.id for c in run}
    assert verify_bundle(res.path, key.public_key()).ok


def test_provenance_covers_every_fact(graph: GraphStore, tmp_path: Path, key: Ed25519PrivateKey,
                                      bsettings: BundleSettings, snapshot: Path) -> None:
    res = export_entities(graph, tmp_path / "e.zip", [HUB], depth=2, key=key, settings=bsettings,
                          policy=ExportPolicy(role="admin"), created_at=CREATED)
    files = members(res.path)
    g = json.loads(files["graph.json"])
    facts = [json.loads(line) for line in files["provenance.jsonl"].decode().splitlines()]
    by = {(f["id"], f["property"]) for f in facts}
    for el in g["nodes"] + g["relationships"]:
        assert (el["id"], None) in by
        for prop in el["properties"]:
            assert (el["id"], prop) in by, (el["id"], prop)
    assert len(facts) == res.manifest["counts"]["facts"]
    # each row-located fact points at the cited row of its excerpt, which equals the source row
    for f in facts:
        if "row" not in f:
            continue
        excerpt = files[f["excerpt"]].decode().split("\n")
        line = excerpt[f["excerpt_line"] - 1]
        assert line.split("|", 1)[0] == str(f["row"])
        source_rows = list(csv.reader(io.StringIO((snapshot / f["source_file"]).read_text()), delimiter="|"))
        assert list(csv.reader([line], delimiter="|"))[0][1:] == source_rows[f["row"]]
        assert excerpt[0] == "_row|" + "|".join(source_rows[0])
    # a transfer's amount traces to its CSV row
    t = next(f for f in facts if f["element"] == "relationship" and f["property"] == "amount"
             and f["value"] == 450000.75)
    assert t["source_id"] == "finbench/AccountTransferAccount.csv" and t["row"] == 4
    # the website's URL traces to a character span of the tip document, with its excerpt
    w = next(f for f in facts if f["id"] == "web:fake-cert.example" and f["property"] == "url") \
        if any(f["id"] == "web:fake-cert.example" for f in facts) else None
    assert w is None  # not reachable from the hub: selected below with two seeds
    res2 = export_entities(graph, tmp_path / "w.zip", [HUB, "web:fake-cert.example"], depth=1, key=key,
                           settings=bsettings, policy=ExportPolicy(role="admin"), created_at=CREATED)
    f2 = [json.loads(x) for x in members(res2.path)["provenance.jsonl"].decode().splitlines()]
    w = next(f for f in f2 if f["id"] == "web:fake-cert.example" and f["property"] == "url")
    assert w["span"] == [14, 46] and w["source_id"] == "tips/tips.txt"
    assert b"https://fake-cert.example/verify" in members(res2.path)[w["excerpt"]]


def test_privacy_policies(graph: GraphStore, tmp_path: Path, key: Ed25519PrivateKey,
                          bsettings: BundleSettings) -> None:
    raw_accounts = [A[i].encode() for i in range(6)]
    names = ["张三", "李四", "王五"]
    salt = bsettings.pii_salt.get_secret_value()
    for role in ("viewer", "analyst", "admin"):
        res = export_entities(graph, tmp_path / f"{role}.zip", [HUB], depth=2, key=key, settings=bsettings,
                              policy=ExportPolicy(role=role), created_at=CREATED)  # type: ignore[arg-type]
        files = members(res.path)
        blob = b"".join(files.values())
        g = json.loads(files["graph.json"])
        accounts = [n for n in g["nodes"] if n["labels"] == ["BankAccount"]]
        persons = [n for n in g["nodes"] if n["labels"] == ["Person"]]
        assert len(accounts) == 6 and len(persons) == 3
        if role == "admin":
            assert all(a in blob for a in raw_accounts)
            assert {p["properties"]["name"] for p in persons} == {"张三", "李四", '王五, "老王"'}
            continue
        # no raw account number anywhere in any file (ids, CSVs, excerpts, HTML, provenance)
        for a in raw_accounts:
            assert a not in blob, role
        for acc in accounts:
            p = acc["properties"]
            assert re.fullmatch(r"622\*+\d\d", p["account_no"])
            assert p["account_no_sha256"] in {salted_sha256(A[i], salt) for i in range(7)}
            assert acc["id"].startswith("fb:BankAccount:h:")
        nm = {n: n.encode() in blob for n in names}
        if role == "viewer":
            assert not any(nm.values()), nm
            assert all("name" not in p["properties"] for p in persons)
            assert "name" in res.manifest["policy"]["dropped_properties"]
        else:
            assert all(nm.values())
        assert res.manifest["policy"]["masked_properties"] == ["account_no"]
        assert verify_bundle(res.path).ok
    with pytest.raises(Exception, match="whole source files"):
        export_entities(graph, tmp_path / "x.zip", [HUB], key=key, settings=bsettings,
                        policy=ExportPolicy(role="analyst", full_sources=True))


def test_full_sources_for_admin(graph: GraphStore, tmp_path: Path, key: Ed25519PrivateKey,
                                bsettings: BundleSettings, snapshot: Path) -> None:
    res = export_entities(graph, tmp_path / "f.zip", [HUB], depth=1, key=key, settings=bsettings,
                          policy=ExportPolicy(role="admin", full_sources=True), created_at=CREATED)
    files = members(res.path)
    full = {n: b for n, b in files.items() if n.startswith("sources/full/")}
    assert full["sources/full/finbench__AccountTransferAccount.csv"] == (
        snapshot / "AccountTransferAccount.csv").read_bytes()
    for s in res.manifest["sources"]:
        assert hashlib.sha256(files[s["file"]]).hexdigest() == s["sha256"]


def test_offline_html(graph: GraphStore, tmp_path: Path, key: Ed25519PrivateKey, bsettings: BundleSettings) -> None:
    clue, run = top_clue(graph)
    res = export_entities(graph, tmp_path / "h.zip", [HUB, "web:fake-cert.example"], depth=2, key=key,
                          settings=bsettings, created_at=CREATED)
    res2 = export_clue(graph, tmp_path / "c.zip", clue, run_clues=run, key=key, settings=bsettings,
                       created_at=CREATED)
    for path in (res.path, res2.path):
        files = members(path)
        for name in ("view.html", "report.html"):
            text = files[name].decode("utf-8")
            assert not re.search(r"(?i)https?://", text), name
            assert not re.search(r"""(?i)(src|href)\s*=\s*["']?//""", text), name
            assert "<html" in text
        view = files["view.html"].decode()
        assert "vis.Network" in view or "new vis.Network" in view or "vis.DataSet" in view
        assert "银行账户" in view and "#d62728" in view  # Chinese type titles, members highlighted
        assert "finbench/AccountTransferAccount.csv#row=" in view  # provenance in the hover text
    report = members(res2.path)["report.html"].decode()
    for text in ("多对一集中转入", "刑法 191", "涉及主体及其角色", "时间线", "线索成员", 'href="#fn1"'):
        assert text in report, text
    site = members(res.path)["report.html"].decode()
    assert "https:&#47;&#47;fake-cert.example/verify" in site


def test_deterministic(graph: GraphStore, tmp_path: Path, key: Ed25519PrivateKey, bsettings: BundleSettings) -> None:
    kw = dict(key=key, settings=bsettings, created_at=CREATED, created_by="a")
    a = export_entities(graph, tmp_path / "a.zip", [HUB], depth=2, **kw)
    b = export_entities(graph, tmp_path / "b.zip", [HUB], depth=2, **kw)
    assert a.manifest["files"] == b.manifest["files"]
    assert a.path.read_bytes() == b.path.read_bytes()
    other = Ed25519PrivateKey.generate()
    c = export_entities(graph, tmp_path / "c.zip", [HUB], depth=2, **{**kw, "key": other})
    assert c.manifest["files"]["graph.json"] == a.manifest["files"]["graph.json"]
    assert c.path.read_bytes() != a.path.read_bytes()


def test_query_bundle(graph: GraphStore, tmp_path: Path, key: Ed25519PrivateKey, bsettings: BundleSettings) -> None:
    q = "MATCH (a:BankAccount)-[t:TRANSFERRED_TO]->(b:BankAccount) WHERE t.amount >= $min RETURN t"
    res = export_query(graph, tmp_path / "q.zip", q, {"min": 300000}, name="大额转账", key=key,
                       settings=bsettings, policy=ExportPolicy(role="admin"), created_at=CREATED)
    g = json.loads(members(res.path)["graph.json"])
    assert len(g["relationships"]) == 3  # 340000, 450000.75, 1100000
    assert len(g["nodes"]) == 4  # endpoints fetched although the query returned only relationships
    assert res.manifest["subject"]["query"] == q
    with pytest.raises(Exception, match="read-only"):
        export_query(graph, tmp_path / "w.zip", "MATCH (n) DETACH DELETE n", key=key, settings=bsettings)
    assert graph.count()["nodes"] > 0
    rep = replay(res.path, graph, settings=bsettings)
    assert rep.unchanged, rep.as_dict()
    graph.execute("MATCH ()-[t:TRANSFERRED_TO]->() WHERE t.amount = 120000.5 SET t.amount = 350000.0")
    rep = replay(res.path, graph, settings=bsettings)
    assert len(rep.rels_new) == 1 and len(rep.nodes_new) == 1 and not rep.rels_gone


def test_replay_clue(graph: GraphStore, tmp_path: Path, key: Ed25519PrivateKey, bsettings: BundleSettings) -> None:
    clue, run = top_clue(graph)
    res = export_clue(graph, tmp_path / "c.zip", clue, run_clues=run, key=key, settings=bsettings,
                      created_at=CREATED)
    rep = replay(res.path, graph, settings=bsettings)
    assert rep.unchanged and rep.focal_clue_present, rep.as_dict()
    # change the graph: a new sender joins the ring, a bundled account is blocked, a transfer changes
    graph.upsert_relationships("TRANSFERRED_TO", [{"start": f"fb:BankAccount:{A[6]}", "end": HUB,
                                                   "rid": "test#new", "src": "test/new.csv#row=1@test@1",
                                                   "props": {"amount": 10.0, "ts": "2020-06-01T11:00:00"}}],
                               dataset="test")
    graph.execute("MATCH (a:BankAccount {uid: $u}) SET a.is_blocked = true", {"u": f"fb:BankAccount:{A[1]}"})
    graph.execute("MATCH ()-[t:TRANSFERRED_TO {rid: $r}]->() SET t.amount = 1.5",
                  {"r": "finbench/AccountTransferAccount.csv#2"})
    rep = replay(res.path, graph, settings=bsettings)
    assert not rep.unchanged and not rep.focal_clue_present
    assert len(rep.clues_changed) == 1 and not rep.clues_gone and not rep.clues_new, rep.as_dict()
    ch = rep.clues_changed[0]
    assert ch["id"] == json.loads(members(res.path)["clues.json"])[0]["id"]
    assert len(ch["members_added"]) == 1 and ch["members_removed"] == []
    assert ch["members_added"][0].startswith("fb:BankAccount:h:")  # masked like the bundle
    changes = {(c.element, c.property): (c.before, c.after) for c in rep.property_changes}
    assert changes[("node", "is_blocked")] == (False, True)
    assert changes[("relationship", "amount")] == (230000.25, 1.5)
    # the new transfer's sender is outside the bundled subgraph: not a relationship among its nodes
    assert rep.rels_new == [] and rep.rels_gone == [] and rep.nodes_gone == []


def test_replay_entities(graph: GraphStore, tmp_path: Path, key: Ed25519PrivateKey,
                         bsettings: BundleSettings) -> None:
    res = export_entities(graph, tmp_path / "e.zip", [HUB], depth=1, key=key, settings=bsettings,
                          policy=ExportPolicy(role="admin"), created_at=CREATED)
    assert replay(res.path, graph, settings=bsettings).unchanged
    graph.execute("MATCH ()-[t:TRANSFERRED_TO {rid: $r}]->() DELETE t", {"r": "finbench/AccountTransferAccount.csv#1"})
    graph.upsert_relationships("TRANSFERRED_TO", [{"start": f"fb:BankAccount:{A[6]}", "end": HUB, "rid": "t#9",
                                                   "src": "test/new.csv#row=1@test@1", "props": {"amount": 5.0}}],
                               dataset="test")
    rep = replay(res.path, graph, settings=bsettings)
    assert rep.rels_gone == ["finbench/AccountTransferAccount.csv#1"]
    assert f"fb:BankAccount:{A[6]}" in rep.nodes_new and "t#9" in rep.rels_new
    assert f"fb:BankAccount:{A[1]}" in rep.nodes_gone  # its only link to the hub is gone
    # a masked entity bundle needs the original ids to replay
    res2 = export_entities(graph, tmp_path / "m.zip", [HUB], depth=1, key=key, settings=bsettings,
                           created_at=CREATED)
    with pytest.raises(Exception, match="original"):
        replay(res2.path, graph, settings=bsettings)
    assert replay(res2.path, graph, settings=bsettings, entities=[HUB]).unchanged


def test_select_clue_by_id(graph: GraphStore, tmp_path: Path, key: Ed25519PrivateKey,
                           bsettings: BundleSettings) -> None:
    clue, _ = top_clue(graph)
    sel = select_clue(graph, pattern_id="generic.fan_in", params=FAN_IN, clue_id=clue.id)
    assert sel.focal_clue.id == clue.id and set(sel.subgraph.nodes) == set(clue.members)
    res = write_bundle(graph, sel, tmp_path / "c.zip", key=key, settings=bsettings, created_at=CREATED)
    b = read_bundle(res.path)
    assert b.manifest["subject"]["clue"]["members"] == [c["members"] for c in b.clues if c["focal"]][0]
    with pytest.raises(Exception, match="no clue"):
        select_clue(graph, pattern_id="generic.fan_in", params=FAN_IN, clue_id="clue:000")


def test_same_bundle_on_both_backends(both: dict[str, GraphStore], snapshot: Path, tmp_path: Path,
                                      key: Ed25519PrivateKey, bsettings: BundleSettings) -> None:
    out = {}
    for name, st in both.items():
        load_fixture(st, snapshot)
        res = export_entities(st, tmp_path / f"{name}.zip", [HUB], depth=2, key=key, settings=bsettings,
                              created_at=CREATED)
        out[name] = res.manifest["files"]
    for f in ("graph.json", "nodes.csv", "relationships.csv", "graph.graphml", "provenance.jsonl"):
        assert out["falkordb"][f] == out["neo4j"][f], f


def test_changed_and_missing_source_files(store: GraphStore, snapshot: Path, tmp_path: Path,
                                          key: Ed25519PrivateKey, bsettings: BundleSettings) -> None:
    import shutil

    snap = tmp_path / "snap"
    shutil.copytree(snapshot, snap)
    load_fixture(store, snap)
    with open(snap / "Account.csv", "a", encoding="utf-8") as fh:  # edited after loading
        fh.write("9|2020-01-09 08:00:00.000|false|x\n")
    (snap / "AccountTransferAccount.csv").unlink()  # gone
    res = export_entities(store, tmp_path / "s.zip", [HUB], depth=1, key=key, settings=bsettings,
                          policy=ExportPolicy(role="admin"), created_at=CREATED)
    src = {s["source_id"]: s for s in res.manifest["sources"]}
    acc, tr = src["finbench/Account.csv"], src["finbench/AccountTransferAccount.csv"]
    assert acc["available"] and acc["unchanged"] is False and acc["sha256_now"] != acc["sha256"]
    assert not tr["available"] and tr["file"] is None and len(tr["sha256"]) == 64
    assert "文件自入库后已变化" in members(res.path)["report.html"].decode()
    assert verify_bundle(res.path).ok


def test_saved_query_file(graph: GraphStore, tmp_path: Path, key: Ed25519PrivateKey,
                          bsettings: BundleSettings) -> None:
    from kg.bundle import read_saved_query, select_query

    text = ("// ---\n// id: saved.big_transfers\n// params:\n//   min: {type: float, default: 400000}\n// ---\n"
            "MATCH (a:BankAccount)-[t:TRANSFERRED_TO]->(b:BankAccount) WHERE t.amount >= $min RETURN a, t, b\n")
    name, query, defaults = read_saved_query(text)
    assert name == "saved.big_transfers" and defaults == {"min": 400000} and query.startswith("MATCH")
    sel = select_query(graph, query, defaults, name=name)
    assert len(sel.subgraph.rels) == 2 and len(sel.subgraph.nodes) == 3
    assert read_saved_query("MATCH (n) RETURN n", "x") == ("x", "MATCH (n) RETURN n", {})
