"""The two HTML files of an evidence bundle: ``view.html`` (graph) and ``report.html`` (案卷报告).

Both are self-contained: no remote script, style, font or link. pyvis inlines
vis-network with ``cdn_resources="in_line"`` but still links Bootstrap from a CDN and
carries URLs in licence comments and the SVG namespace string; :func:`offline_html`
removes the remote tags and escapes every remaining ``http(s)://`` as ``http(s):\\/\\/``,
which is the same string inside JavaScript and harmless elsewhere.
"""

from __future__ import annotations

import html as _html
import json
import re
from typing import Any, Iterable, Mapping

from jinja2 import Environment

from kg.model import Model

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#bab0ac",
           "#ff9da7", "#86bcb6", "#8cd17d", "#d4a6c8", "#a0cbe8", "#ffbe7d", "#f1ce63", "#79706e")
FOCUS_BORDER = "#d62728"
_REMOTE_TAG = re.compile(r"<(link|script)\b[^>]*\b(?:href|src)\s*=\s*[\"']?(?:https?:)?//[^>]*>(?:\s*</script>)?",
                         re.IGNORECASE)
_URL = re.compile(r"(?i)\b(https?):/{2}")
_NAME_PROPS = ("name", "title", "number", "account_no", "contract_no", "medium_id", "case_no", "source_id")


def offline_html(text: str) -> str:
    r"""Strip remote ``<link>``/``<script src>`` tags and neutralise every ``http(s)://``.

    Inside ``<script>`` the slashes become ``\/`` (the same string in JavaScript);
    elsewhere ``&#47;`` (the same text once the browser decodes it). Nothing is fetched
    and the page still shows the original URL as text.

    >>> offline_html('<link href="https://cdn.x/a.css" rel="stylesheet"><p>x</p>')
    '<p>x</p>'
    >>> offline_html("<p>https://a.b</p><script>var ns='http://www.w3.org/2000/svg'</script>")
    "<p>https:&#47;&#47;a.b</p><script>var ns='http:\\/\\/www.w3.org/2000/svg'</script>"
    """
    text = _REMOTE_TAG.sub("", text)
    parts = re.split(r"(<script\b.*?</script>)", text, flags=re.IGNORECASE | re.DOTALL)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(_URL.sub(lambda m: m.group(1) + r":\/\/", part))
        else:
            out.append(_URL.sub(lambda m: m.group(1) + ":&#47;&#47;", part))
    return "".join(out)


def colours(labels: Iterable[str]) -> dict[str, str]:
    """A stable colour per label (sorted order over the palette)."""
    return {lab: PALETTE[i % len(PALETTE)] for i, lab in enumerate(sorted(set(labels)))}


def _zh(model: Model, label: str) -> str:
    if label in model.nodes:
        return model.nodes[label].title_zh
    if label in model.relationships:
        return model.relationships[label].title_zh
    return label


def display_name(node: Mapping[str, Any]) -> str:
    """A short human name for a node: a name-like property, else the tail of its id."""
    props = node.get("properties") or {}
    for k in _NAME_PROPS:
        v = props.get(k)
        if isinstance(v, str) and v:
            return v
    return str(node["id"]).rsplit(":", 1)[-1]


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.2f}"
    if isinstance(v, list):
        return "；".join(_fmt(x) for x in v)
    if isinstance(v, bool):
        return "是" if v else "否"
    return str(v)


def _prop_lines(model: Model, owner: str, props: Mapping[str, Any], pv: Mapping[str, str]) -> list[str]:
    out = []
    for k in sorted(props):
        spec = model.property_type(owner, k)
        title = spec.zh if spec is not None else k
        ref = pv.get(k)
        out.append(f"{title} ({k}): {_fmt(props[k])}" + (f"  ← {ref}" if ref else ""))
    return out


_PYVIS_ENV: Environment | None = None


def _pyvis_env(fresh: Environment) -> Environment:
    """pyvis builds a new jinja Environment (and recompiles its template) per network;
    keep the first one so the compiled template is cached."""
    global _PYVIS_ENV
    if _PYVIS_ENV is None:
        _PYVIS_ENV = fresh
    return _PYVIS_ENV


def render_view(model: Model, graph: Mapping[str, Any], manifest: Mapping[str, Any], focus: set[str]) -> bytes:
    """``view.html``: the subgraph in pyvis, coloured and labelled by type (Chinese
    titles), clue members / centre entities highlighted, provenance in the hover text."""
    from pyvis.network import Network

    net = Network(height="780px", width="100%", directed=True, cdn_resources="in_line", notebook=False)
    net.templateEnv = _pyvis_env(net.templateEnv)  # compile pyvis's template once per process
    cols = colours(n["labels"][0] if n["labels"] else "" for n in graph["nodes"])
    for n in graph["nodes"]:
        lab = n["labels"][0] if n["labels"] else ""
        zh = _zh(model, lab)
        title = "\n".join([f"{zh} {n['id']}", *_prop_lines(model, lab, n["properties"], n["property_sources"]),
                           "来源: " + "；".join(n["sources"])])
        is_focus = n["id"] in focus
        net.add_node(n["id"], label=f"{zh}\n{display_name(n)}", title=title, group=lab,
                     color={"background": cols[lab], "border": FOCUS_BORDER if is_focus else cols[lab]},
                     borderWidth=4 if is_focus else 1, size=28 if is_focus else 16, shape="dot")
    for r in graph["relationships"]:
        zh = _zh(model, r["type"])
        title = "\n".join([f"{zh} {r['id']}", *_prop_lines(model, r["type"], r["properties"], r["property_sources"]),
                           "来源: " + "；".join(r["sources"])])
        net.add_edge(r["start"], r["end"], title=title, label=zh, arrows="to")
    net.set_options(json.dumps({"physics": {"stabilization": {"iterations": 200}},
                                "edges": {"font": {"size": 9}, "smooth": False},
                                "nodes": {"font": {"size": 12}},
                                "interaction": {"hover": True, "tooltipDelay": 100}}))
    page = net.generate_html()
    legend = "".join(f'<span style="display:inline-block;margin-right:12px"><span style="display:inline-block;'
                     f'width:12px;height:12px;border-radius:6px;background:{c}"></span> '
                     f'{_html.escape(_zh(model, lab))}</span>' for lab, c in cols.items())
    subj = manifest.get("subject", {})
    head = (f'<div style="font-family:sans-serif;padding:6px 10px"><b>证据包 {_html.escape(str(manifest.get("bundle_id")))}'
            f'</b> · {_html.escape(_subject_zh(subj))} · 节点 {len(graph["nodes"])} · 关系 {len(graph["relationships"])}'
            f' · <span style="color:{FOCUS_BORDER}">红框 = 线索成员 / 中心实体</span><br>{legend}</div>')
    page = page.replace("<body>", "<body>\n" + head, 1)
    page = page.replace("</head>", "<style>div.vis-tooltip{white-space:pre-wrap;max-width:520px;"
                        "font-size:12px}</style>\n</head>", 1)
    page = page.replace("<html>", '<html lang="zh-CN">', 1)
    if "<meta charset" not in page:
        page = page.replace("<head>", '<head>\n<meta charset="utf-8">', 1)
    return offline_html(page).encode("utf-8")


def _subject_zh(subj: Mapping[str, Any]) -> str:
    kind = subj.get("kind")
    if kind == "clue":
        p = subj.get("pattern", {})
        return f"规则 {p.get('title_zh') or p.get('id')}（{p.get('id')} v{p.get('version')}）线索"
    if kind == "entities":
        return f"以 {len(subj.get('entities', []))} 个实体为中心的 {subj.get('depth')} 跳关系网络"
    return f"查询「{subj.get('name')}」的结果"


_REPORT = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>证据包报告 {{ m.bundle_id }}</title>
<style>
body{font-family:"Noto Serif CJK SC","Songti SC",SimSun,serif;max-width:960px;margin:24px auto;line-height:1.7;color:#222}
h1{font-size:22px;text-align:center} h2{font-size:18px;border-bottom:1px solid #999;margin-top:28px}
table{border-collapse:collapse;width:100%;font-size:13px} td,th{border:1px solid #bbb;padding:3px 6px;vertical-align:top}
th{background:#f0f0f0} sup a{text-decoration:none} .meta td:first-child{width:160px;color:#555}
.fn{font-size:12px;color:#333;word-break:break-all} .focus{color:#b00;font-weight:bold} code{font-size:12px}
</style></head><body>
<h1>证据包报告</h1>
<table class="meta">
<tr><td>证据包编号</td><td><code>{{ m.bundle_id }}</code></td></tr>
<tr><td>生成时间 (UTC)</td><td>{{ m.created_at }}</td></tr>
<tr><td>生成人</td><td>{{ m.created_by }}</td></tr>
<tr><td>工具版本</td><td>cluegraph {{ m.tool.version }}</td></tr>
<tr><td>图数据库</td><td>{{ m.backend.version }}</td></tr>
<tr><td>导出策略</td><td>角色 {{ m.policy.role }}；{% if m.policy.mask_identifiers %}证件号、电话、账号等标识已脱敏（保留加盐 SHA-256 以便比对）{% else %}标识未脱敏{% endif %}{% if m.policy.drop_pii %}；其他个人信息字段已删除{% endif %}</td></tr>
<tr><td>签名公钥指纹</td><td><code>{{ m.signature.fingerprint }}</code></td></tr>
</table>

<h2>一、线索概述与规则依据</h2>
{% if subj.kind == "clue" %}
<p>本证据包固定的是规则<b>「{{ subj.pattern.title_zh }}」</b>（编号 <code>{{ subj.pattern.id }}</code>，版本 {{ subj.pattern.version }}{% if subj.pattern.inferred %}，规则系根据公开案例推断{% endif %}）命中的一条线索。</p>
{% if subj.pattern.description %}<p>规则所查找的情形：{{ subj.pattern.description }}</p>{% endif %}
<p>法律依据：{% if subj.pattern.legal_basis %}{{ subj.pattern.legal_basis | join("；") }}{% else %}（规则未载明）{% endif %}。</p>
<p>运行参数：{% for k, v in subj.params | dictsort %}<code>{{ k }}</code> = {{ v }}{% if not loop.last %}；{% endif %}{% endfor %}。</p>
<p>规则文件：<code>cypher/{{ subj.pattern.source }}</code>（版本 {{ subj.pattern.version }}，同一规则与参数可用 <code>kg bundle replay</code> 在当前数据上复现）。</p>
<p>线索说明：{{ subj.clue.explanation_zh }}（评分 {{ "%.2f" | format(subj.clue.score) }}，线索编号 <code>{{ subj.clue.id }}</code>；同次运行共 {{ subj.clue.clues_in_run }} 条线索）。</p>
{% elif subj.kind == "entities" %}
<p>本证据包固定的是以下实体的 {{ subj.depth }} 跳关系网络（每个实体至多 {{ subj.limit }} 个节点，关系数超过 {{ subj.max_degree }} 的枢纽节点不再展开）：{% for e in subj.entities %}<code>{{ e }}</code>{% if not loop.last %}、{% endif %}{% endfor %}。本证据包不对应具体筛查规则。</p>
{% else %}
<p>本证据包固定的是只读查询「{{ subj.name }}」的结果（{{ subj.rows }} 行）。查询语句：</p><pre><code>{{ subj.query }}</code></pre>
<p>参数：{% for k, v in subj.params | dictsort %}<code>{{ k }}</code> = {{ v }}{% if not loop.last %}；{% endif %}{% else %}无{% endfor %}。</p>
{% endif %}
<p>子图共 {{ m.counts.nodes }} 个实体、{{ m.counts.relationships }} 条关系、{{ m.counts.facts }} 项事实，来自 {{ m.counts.sources }} 个数据来源文件。</p>

<h2>二、涉及主体及其角色</h2>
<table><tr><th>#</th><th>主体</th><th>类型</th><th>角色</th><th>关系数</th><th>主要属性</th></tr>
{% for e in entities %}<tr><td>{{ loop.index }}</td><td{% if e.focus %} class="focus"{% endif %}>{{ e.name }}<br><code>{{ e.id }}</code></td><td>{{ e.type_zh }}</td><td>{{ e.roles }}</td><td>{{ e.degree }}</td><td>{{ e.props }}{% for n in e.fns %}<sup><a href="#fn{{ n }}">[{{ n }}]</a></sup>{% endfor %}</td></tr>
{% endfor %}</table>
{% if entities_omitted %}<p>（另有 {{ entities_omitted }} 个关联主体未列出，见 graph.json。）</p>{% endif %}

<h2>三、交易与事件时间线</h2>
{% if timeline %}<table><tr><th>时间</th><th>事件</th><th>金额（元）</th></tr>
{% for t in timeline %}<tr><td>{{ t.when }}</td><td>{{ t.text }}<sup><a href="#fn{{ t.fn }}">[{{ t.fn }}]</a></sup></td><td style="text-align:right">{{ t.amount }}</td></tr>
{% endfor %}</table>
{% if timeline_omitted %}<p>（另有 {{ timeline_omitted }} 条事件未列出，见 graph.json 与 provenance.jsonl。）</p>{% endif %}
{% else %}<p>子图中没有带时间的交易或事件。</p>{% endif %}

<h2>四、数据来源</h2>
<table><tr><th>来源</th><th>文件 SHA-256</th><th>引用条数</th><th>摘录</th></tr>
{% for s in m.sources %}<tr><td>{{ s.source_id }}</td><td><code>{{ s.sha256 }}</code>{% if s.unchanged == false %}<br><b>注意：文件自入库后已变化</b>{% endif %}</td><td>{{ s.cited }}</td><td>{{ s.file or "（源文件不可用）" }}</td></tr>
{% endfor %}</table>

<h2>注释</h2>
<ol class="fn">{% for f in footnotes %}<li id="fn{{ loop.index }}"><code>{{ f.ref }}</code>：来源 {{ f.source_id }}{% if f.where %}，{{ f.where }}{% endif %}；提取程序 {{ f.extractor }}{% if f.file %}；摘录见 {{ f.file }}{% endif %}</li>
{% endfor %}</ol>
<p class="fn">本报告由 cluegraph 自动生成。证据包内每个文件的 SHA-256 记录在 manifest.json 中，manifest.json 以 Ed25519 签名（manifest.sig），可用 <code>kg bundle verify</code> 校验。</p>
</body></html>
"""

_ENV = Environment(autoescape=True, keep_trailing_newline=True)
_TEMPLATE = _ENV.from_string(_REPORT)
MAX_ENTITIES = 300
MAX_EVENTS = 400


def render_report(model: Model, graph: Mapping[str, Any], manifest: Mapping[str, Any],
                  clues: list[dict[str, Any]]) -> bytes:
    """``report.html``: a Chinese narrative for the case file, each statement footnoted."""
    from kg.bundle import parse_ref

    src_file = {s["source_id"]: s.get("file") for s in manifest.get("sources", [])}
    fn_index: dict[str, int] = {}
    footnotes: list[dict[str, Any]] = []

    def fn(ref: str) -> int:
        if ref not in fn_index:
            p = parse_ref(ref)
            where = ""
            m = re.fullmatch(r"row=(\d+)", p["locator"])
            if m:
                where = f"第 {m.group(1)} 行（数据行）"
            m = re.fullmatch(r"chars=(\d+)-(\d+)", p["locator"])
            if m:
                where = f"字符 {m.group(1)}–{m.group(2)}"
            footnotes.append({"ref": ref, **p, "where": where or p["locator"], "file": src_file.get(p["source_id"])})
            fn_index[ref] = len(footnotes)
        return fn_index[ref]

    nodes = {n["id"]: n for n in graph["nodes"]}
    degree: dict[str, int] = {}
    for r in graph["relationships"]:
        degree[r["start"]] = degree.get(r["start"], 0) + 1
        degree[r["end"]] = degree.get(r["end"], 0) + 1
    focus = set(graph.get("focus", []))
    roles = graph.get("roles", {})
    order = sorted(nodes, key=lambda u: (u not in focus, -degree.get(u, 0), u))
    entities = []
    for u in order[:MAX_ENTITIES]:
        n = nodes[u]
        lab = n["labels"][0] if n["labels"] else ""
        role_list = list(roles.get(u, []))
        if u in focus and not role_list:
            role_list = ["线索成员"]
        props = "；".join(f"{_prop_zh(model, lab, k)}：{_fmt(v)}"
                         for k, v in sorted(n["properties"].items()) if not k.endswith("_sha256"))
        entities.append({"id": u, "name": display_name(n), "type_zh": _zh(model, lab), "focus": u in focus,
                         "roles": "、".join(role_list) if role_list else "关联方", "degree": degree.get(u, 0),
                         "props": props, "fns": [fn(ref) for ref in n["sources"][:2]]})
    events = []
    for r in graph["relationships"]:
        when = _when(model, r["type"], r["properties"])
        if when is None:
            continue
        a, b = nodes.get(r["start"]), nodes.get(r["end"])
        an = f"{_zh(model, a['labels'][0]) if a and a['labels'] else ''} {display_name(a) if a else r['start']}"
        bn = f"{_zh(model, b['labels'][0]) if b and b['labels'] else ''} {display_name(b) if b else r['end']}"
        amount = r["properties"].get("amount")
        ref = r["property_sources"].get("amount") or (r["sources"][0] if r["sources"] else "")
        events.append({"when": when, "text": f"{an} —{_zh(model, r['type'])}→ {bn}",
                       "amount": _fmt(amount) if isinstance(amount, (int, float)) else "", "ref": ref,
                       "key": (when, r["id"])})
    for n in graph["nodes"]:
        lab = n["labels"][0] if n["labels"] else ""
        when = _when(model, lab, n["properties"])
        if when is None:
            continue
        ref = n["sources"][0] if n["sources"] else ""
        events.append({"when": when, "text": f"{_zh(model, lab)} {display_name(n)} 设立/登记", "amount": "",
                       "ref": ref, "key": (when, n["id"])})
    events.sort(key=lambda e: e["key"])
    shown = events[:MAX_EVENTS]
    timeline = [{**e, "fn": fn(str(e["ref"])) if e["ref"] else 0} for e in shown]
    page = _TEMPLATE.render(m=manifest, subj=manifest.get("subject", {}), entities=entities,
                            entities_omitted=max(0, len(order) - MAX_ENTITIES), timeline=timeline,
                            timeline_omitted=max(0, len(events) - MAX_EVENTS), footnotes=footnotes)
    return offline_html(page).encode("utf-8")


def _prop_zh(model: Model, owner: str, name: str) -> str:
    spec = model.property_type(owner, name)
    return spec.zh if spec is not None else name


def _when(model: Model, owner: str, props: Mapping[str, Any]) -> str | None:
    """The element's time as an ISO-ish string (``ts`` first, then any date property)."""
    names = ["ts"] + sorted(k for k in props if k != "ts")
    for k in names:
        spec = model.property_type(owner, k)
        v = props.get(k)
        if spec is not None and spec.type in ("date", "datetime") and isinstance(v, str):
            return v.replace("T", " ")[:19]
    return None
