"""kg.viz: offline HTML, Chinese type labels, highlighted members, provenance on hover."""

from __future__ import annotations

import json
import re

from kg.model import load_model
from kg.store.base import Node, Rel, Subgraph
from kg.viz import HIGHLIGHT, colour, render_clue, render_subgraph


def _graph() -> Subgraph:
    g = Subgraph()
    g.add(Node("Person:1", ("Person",), {"name": "张某"}, sources=("ds/p.csv#row=3@records.x@1",), datasets=("ds",)))
    g.add(Node("Company:1", ("Company",), {"name": "北京某公司"}))
    g.add(Rel("OWNS:1", "OWNS", "Person:1", "Company:1", {}, sources=("ds/o.csv#row=1@records.x@1",)))
    return g


def _nodes(page: str) -> list[dict]:
    m = re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", page, re.DOTALL)
    assert m
    return json.loads(m.group(1))


def test_html_is_offline() -> None:
    page = render_subgraph(_graph(), title="t")
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"<(script|link)[^>]+(src|href)=", page)
    assert "new vis.Network" in page  # vis-network is inlined


def test_nodes_coloured_and_labelled_in_chinese_with_provenance() -> None:
    m = load_model()
    page = render_subgraph(_graph(), model=m, highlight=["Person:1"])
    nodes = {n["id"]: n for n in _nodes(page)}
    assert nodes["Person:1"]["label"].startswith("自然人")
    assert nodes["Company:1"]["label"].startswith("单位")
    assert nodes["Person:1"]["color"]["border"] == HIGHLIGHT and nodes["Person:1"]["borderWidth"] == 4
    assert nodes["Company:1"]["color"]["background"] == colour("Company", m)
    assert nodes["Company:1"]["borderWidth"] == 1
    assert "ds/p.csv#row=3@records.x@1" in nodes["Person:1"]["title"]
    assert "ds/o.csv#row=1@records.x@1" in page


def test_clue_title_and_members() -> None:
    page = render_clue(_graph(), {"rule_id": "generic.x", "explanation_zh": "账户 <b>异常</b>", "members": ["Company:1"]})
    assert "generic.x" in page and "&lt;b&gt;" in page
    assert {n["id"]: n["borderWidth"] for n in _nodes(page)} == {"Company:1": 4, "Person:1": 1}
