"""Graph views: a subgraph or a clue rendered to one self-contained HTML page with pyvis.

The only module importing pyvis. Pages are fully offline: vis-network is inlined
(``cdn_resources="in_line"``), the Bootstrap ``<link>``/``<script src>`` pyvis adds are
removed, and the ``http(s)://`` strings left inside the inlined library (licence
comments, the SVG namespace literal) are written with escaped slashes (``http:\\/\\/``),
which JavaScript reads as the same string, so the page names no remote resource.

Nodes are coloured by type and labelled with the type's Chinese title; clue members are
highlighted (larger, red border); hovering shows properties and provenance refs.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any, Iterable

from kg.model import Model, load_model
from kg.store.base import Node, Rel, Subgraph

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#bab0ac", "#86bcb6", "#8cd17d", "#f1ce63", "#499894", "#d37295", "#a0cbe8", "#ffbe7d")
HIGHLIGHT = "#d62728"

_REMOTE_TAG = re.compile(r"<(?:link|script)\b[^>]*\b(?:href|src)\s*=\s*[\"']https?://[^>]*>(?:\s*</script>)?",
                         re.IGNORECASE | re.DOTALL)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def colour(label: str, model: Model) -> str:
    """A stable colour per node label (model order)."""
    labels = sorted(model.nodes)
    i = labels.index(label) if label in labels else len(labels)
    return PALETTE[i % len(PALETTE)]


def _short(v: Any, n: int = 80) -> str:
    s = str(v)
    return s if len(s) <= n else s[: n - 1] + "…"


def _node_title(n: Node, model: Model) -> str:
    nt = model.nodes.get(n.label)
    lines = [f"{nt.title_zh if nt else n.label} ({n.label})", f"uid: {n.id}"]
    for k in sorted(n.properties):
        pt = model.property_type(n.label, k)
        lines.append(f"{pt.zh if pt else k}: {_short(n.properties[k])}")
    if n.sources:
        lines.append("来源 (provenance):")
        lines += [f"  {_short(s, 120)}" for s in n.sources[:8]]
        if len(n.sources) > 8:
            lines.append(f"  … +{len(n.sources) - 8}")
    if n.datasets:
        lines.append("数据集: " + ", ".join(n.datasets))
    return "\n".join(lines)


def _rel_title(r: Rel, model: Model) -> str:
    rt = model.relationships.get(r.type)
    lines = [f"{rt.title_zh if rt else r.type} ({r.type})"]
    lines += [f"{k}: {_short(v)}" for k, v in sorted(r.properties.items())]
    if r.sources:
        lines.append("来源 (provenance):")
        lines += [f"  {_short(s, 120)}" for s in r.sources[:5]]
    return "\n".join(lines)


def _display_name(n: Node) -> str:
    for k in ("name", "title", "account_no", "number", "contract_no", "case_no", "domain"):
        if n.properties.get(k):
            return _short(n.properties[k], 24)
    return _short(n.id.rsplit(":", 1)[-1], 24)


def offline_html(page: str) -> str:
    """Remove remote tags and neutralise ``http(s)://`` literals in a pyvis page."""
    page = _HTML_COMMENT.sub("", page)
    page = _REMOTE_TAG.sub("", page)
    return page.replace("https://", "https:\\/\\/").replace("http://", "http:\\/\\/")


def render_subgraph(g: Subgraph, *, model: Model | None = None, highlight: Iterable[str] = (),
                    title: str = "", height: str = "720px") -> str:
    """Render ``g`` to a self-contained HTML page (no remote references).

    Parameters
    ----------
    g:
        The subgraph to draw.
    model:
        The investigation model (Chinese titles); loaded if not given.
    highlight:
        Node uids drawn emphasised (a clue's members).
    title:
        Page heading (escaped).
    height:
        Canvas height (CSS).

    Examples
    --------
    >>> from kg.store.base import Node, Subgraph
    >>> g = Subgraph(); g.add(Node("p1", ("Person",), {"name": "张某"}))
    >>> "http://" in render_subgraph(g) or "https://" in render_subgraph(g)
    False
    """
    from pyvis.network import Network

    m = model or load_model()
    hl = set(highlight)
    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line", heading="")
    net.set_options(json.dumps({
        "physics": {"stabilization": {"iterations": 200}, "barnesHut": {"springLength": 140}},
        "interaction": {"hover": True, "tooltipDelay": 150},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.6}}, "font": {"size": 10},
                  "color": {"inherit": False, "color": "#999999"}},
    }))
    for uid in sorted(g.nodes):
        n = g.nodes[uid]
        nt = m.nodes.get(n.label)
        zh = nt.title_zh if nt else n.label
        is_hl = uid in hl
        net.add_node(uid, label=f"{zh}\n{_display_name(n)}", title=_node_title(n, m), group=n.label,
                     borderWidth=4 if is_hl else 1, size=28 if is_hl else 16, shape="dot",
                     font={"size": 14 if is_hl else 12})
        # pyvis keeps only string colours: set the vis-network colour object directly
        bg, border = colour(n.label, m), HIGHLIGHT if is_hl else "#333333"
        net.nodes[-1]["color"] = {"background": bg, "border": border,
                                  "highlight": {"background": bg, "border": HIGHLIGHT},
                                  "hover": {"background": bg, "border": HIGHLIGHT}}
    for rid in sorted(g.rels):
        r = g.rels[rid]
        if r.start in g.nodes and r.end in g.nodes:
            rt = m.relationships.get(r.type)
            net.add_edge(r.start, r.end, label=rt.title_zh if rt else r.type, title=_rel_title(r, m),
                         width=3 if (r.start in hl and r.end in hl) else 1)
    page = net.generate_html(notebook=False)
    legend = "".join(
        f'<span style="display:inline-block;margin:2px 8px"><span style="display:inline-block;width:12px;'
        f'height:12px;border-radius:6px;background:{colour(lab, m)}"></span> {html.escape(m.nodes[lab].title_zh)}'
        f"</span>" for lab in sorted({n.label for n in g.nodes.values() if n.label in m.nodes}))
    head = (f'<div style="font-family:sans-serif;padding:4px"><b>{html.escape(title)}</b> '
            f"<small>{len(g.nodes)} 节点 / {len(g.rels)} 关系</small><br>{legend}</div>")
    page = page.replace("<body>", "<body>" + head, 1)
    page = page.replace("<head>", '<head><meta charset="utf-8">', 1)
    return offline_html(page)


def render_clue(g: Subgraph, clue: Any, *, model: Model | None = None) -> str:
    """Render a clue's subgraph with its members highlighted and its explanation as title.

    ``clue`` is a :class:`kg.patterns.Clue` or its ``as_dict()`` form.
    """
    get = clue.get if isinstance(clue, dict) else lambda k, d=None: getattr(clue, k, d)
    members = get("members", ()) or ()
    title = f"[{get('rule_id', '')}] {get('explanation_zh', '')}"
    return render_subgraph(g, model=model, highlight=members, title=title)
