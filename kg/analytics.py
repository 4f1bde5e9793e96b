"""Graph analytics over a store's subgraph with networkx (GDS on Neo4j when installed).

Investigators pull a subgraph (a clue's members, a neighbourhood, or a query's result)
into a :class:`networkx.MultiDiGraph` whose nodes are uids carrying ``labels``, ``label``
and the node's properties, and whose edges are keyed by ``rid`` carrying ``type`` and
the relationship's properties. On it:

* :func:`rings` — weakly connected components over shared-identifier links (phone,
  address, ...), hubs left out, members sorted: deterministic, suitable for clues;
* :func:`communities` — Louvain with a fixed seed, for exploration only (not a clue);
* :func:`centrality` — degree, betweenness and PageRank;
* :func:`shortest_path` and :func:`k_hop` — with a hub limit (hubs are not passed through);
* :func:`write_scores` — write a score back as a node property declared in the model.

:func:`pagerank` runs Neo4j GDS (``gds.pageRank.stream``) only when :func:`gds_available`
finds the procedures, and networkx otherwise (FalkorDB, Neo4j without GDS).

>>> g = to_networkx(Subgraph())
>>> g.number_of_nodes()
0
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from kg.errors import DataError, ModelError
from kg.model import ENTITY_LABEL
from kg.store.base import GraphStore, Node, Path, Rel, Subgraph

log = logging.getLogger(__name__)

#: relationship types that link a party to an identifier it uses
IDENTIFIER_LINKS: tuple[str, ...] = ("HAS_PHONE", "LOCATED_AT")
#: labels of parties (the things that share identifiers)
PARTY_LABELS: tuple[str, ...] = ("Person", "Company")
_PROP_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_NUMERIC = frozenset({"float", "int"})


# -- loading ------------------------------------------------------------------------
def to_networkx(sub: Subgraph) -> nx.MultiDiGraph:
    """Turn a :class:`Subgraph` into a MultiDiGraph (nodes and edges in id order).

    Node attributes: ``labels`` (tuple), ``label`` and the properties; edge key = ``rid``,
    attributes ``type`` and the properties. Relationships whose endpoints are not both in
    the subgraph are left out.
    """
    g = nx.MultiDiGraph()
    for uid in sorted(sub.nodes):
        n = sub.nodes[uid]
        g.add_node(uid, **dict(n.properties), labels=tuple(n.labels), label=n.label)
    for rid in sorted(sub.rels):
        r = sub.rels[rid]
        if r.start in sub.nodes and r.end in sub.nodes:
            g.add_edge(r.start, r.end, key=rid, **dict(r.properties), type=r.type)
    return g


def load_subgraph(store: GraphStore, uids: Iterable[str] | None = None, *, center: str | None = None,
                  depth: int = 1, max_degree: int = 200, limit: int = 2000, query: str | None = None,
                  params: Mapping[str, Any] | None = None) -> nx.MultiDiGraph:
    """Pull a subgraph from ``store`` into networkx.

    Give one of: ``uids`` (those nodes and every relationship among them), ``center``
    (its ``depth``-hop neighbourhood, hubs with more than ``max_degree`` relationships not
    expanded, at most ``limit`` nodes), or a read-only ``query`` whose rows hold nodes,
    relationships or paths (their nodes are taken, then every relationship among them).
    """
    given = sum(x is not None for x in (uids, center, query))
    if given != 1:
        raise DataError("give exactly one of uids, center or query")
    if center is not None:
        nb = store.neighbourhood(center, depth, max_degree=max_degree, limit=limit)
        return to_networkx(store.subgraph(nb.nodes, known=nb))
    if query is not None:
        found = Subgraph()
        for row in store.query(query, params or {}):
            for v in row.values():
                for item in v if isinstance(v, list) else [v]:
                    if isinstance(item, (Node, Rel, Path)):
                        found.add(item)
        ids = set(found.nodes) | {u for r in found.rels.values() for u in (r.start, r.end)}
        return to_networkx(store.subgraph(ids, known=found))
    assert uids is not None
    return to_networkx(store.subgraph(uids))


# -- rings and communities ------------------------------------------------------------
def rings(g: nx.MultiDiGraph, *, link_types: Sequence[str] = IDENTIFIER_LINKS,
          party_labels: Sequence[str] = PARTY_LABELS, max_degree: int = 50, min_parties: int = 2,
          include_identifiers: bool = True) -> list[list[str]]:
    """Rings: weakly connected components of parties joined through shared identifiers.

    Only edges of ``link_types`` between a party (``party_labels``) and another node (the
    identifier) count; identifiers used by more than ``max_degree`` parties are hubs and
    left out. A component with at least ``min_parties`` parties is a ring. Deterministic:
    each ring is sorted, rings are ordered by size (descending) then first uid.

    >>> sub = Subgraph()
    >>> for u, lab in [("p1", "Person"), ("p2", "Person"), ("ph", "Phone")]:
    ...     sub.add(Node(u, (lab,), {}))
    >>> for i, p in enumerate(["p1", "p2"]):
    ...     sub.add(Rel(f"r{i}", "HAS_PHONE", p, "ph", {}))
    >>> rings(to_networkx(sub))
    [['p1', 'p2', 'ph']]
    """
    parties = {u for u, d in g.nodes(data=True) if d.get("label") in party_labels}
    links = set(link_types)
    users: dict[str, set[str]] = {}
    for a, b, d in g.edges(data=True):
        if d.get("type") not in links:
            continue
        if a in parties and b not in parties:
            users.setdefault(b, set()).add(a)
        elif b in parties and a not in parties:
            users.setdefault(a, set()).add(b)
    h = nx.Graph()
    for ident in sorted(users):
        ps = users[ident]
        if len(ps) > max_degree or len(ps) < 2:
            continue
        for p in sorted(ps):
            h.add_edge(p, ident)
    out = []
    for comp in nx.connected_components(h):
        n_parties = sum(1 for u in comp if u in parties)
        if n_parties < min_parties:
            continue
        members = sorted(comp if include_identifiers else (u for u in comp if u in parties))
        out.append(members)
    out.sort(key=lambda m: (-len(m), m[0]))
    return out


def _undirected(g: nx.MultiDiGraph, weight: str | None = None) -> nx.Graph:
    """Simple undirected projection (parallel edges summed into ``weight``), in id order."""
    h = nx.Graph()
    h.add_nodes_from(sorted(g.nodes))
    for a, b, d in sorted(g.edges(data=True), key=lambda e: (e[0], e[1])):
        if a == b:
            continue
        w = float(d.get(weight, 1.0)) if weight else 1.0
        if h.has_edge(a, b):
            h[a][b]["weight"] += w
        else:
            h.add_edge(a, b, weight=w)
    return h


def communities(g: nx.MultiDiGraph, *, seed: int = 42, resolution: float = 1.0,
                weight: str | None = None) -> list[list[str]]:
    """Louvain communities (exploration only: a clue needs a rule, not a partition).

    Fixed ``seed`` and node order make the result reproducible for the same graph.
    Communities are sorted lists, ordered by size (descending) then first uid.
    """
    h = _undirected(g, weight)
    if h.number_of_nodes() == 0:
        return []
    parts = nx.community.louvain_communities(h, weight="weight", resolution=resolution, seed=seed)
    out = [sorted(c) for c in parts]
    out.sort(key=lambda m: (-len(m), m[0]))
    return out


# -- centrality -----------------------------------------------------------------------
def centrality(g: nx.MultiDiGraph, measures: Sequence[str] = ("degree", "betweenness", "pagerank"), *,
               directed: bool = True, weight: str | None = None) -> dict[str, dict[str, float]]:
    """Centrality scores per measure: ``{measure: {uid: score}}``.

    ``degree`` counts relationships (parallel edges included, both directions);
    ``betweenness`` is normalised, on the simple undirected projection; ``pagerank`` runs
    on the directed multigraph when ``directed`` (parallel edges add weight), else on the
    undirected projection.
    """
    out: dict[str, dict[str, float]] = {}
    for m in measures:
        if m == "degree":
            out[m] = {u: float(d) for u, d in sorted(g.degree())}
        elif m == "betweenness":
            out[m] = dict(sorted(nx.betweenness_centrality(_undirected(g, weight), normalized=True).items()))
        elif m == "pagerank":
            out[m] = _pagerank_nx(g, directed=directed, weight=weight)
        else:
            raise DataError("unknown centrality measure", measure=m,
                            allowed=["degree", "betweenness", "pagerank"])
    return out


def _pagerank_nx(g: nx.MultiDiGraph, *, directed: bool = True, weight: str | None = None,
                 alpha: float = 0.85) -> dict[str, float]:
    if g.number_of_nodes() == 0:
        return {}
    if directed:
        h = nx.DiGraph()
        h.add_nodes_from(sorted(g.nodes))
        for a, b, d in g.edges(data=True):
            w = float(d.get(weight, 1.0)) if weight else 1.0
            if h.has_edge(a, b):
                h[a][b]["weight"] += w
            else:
                h.add_edge(a, b, weight=w)
    else:
        h = _undirected(g, weight)
    return _power_pagerank(h, alpha=alpha)


def _power_pagerank(h: nx.Graph, *, alpha: float = 0.85, tol: float = 1e-12,
                    max_iter: int = 500) -> dict[str, float]:
    """PageRank by power iteration in pure Python (networkx's own needs scipy).

    Same definition as :func:`networkx.pagerank`: uniform teleport, dangling nodes spread
    their rank uniformly, edge weights ``weight``; undirected graphs count both ways.
    """
    nodes = sorted(h.nodes)
    n = len(nodes)
    d = h.to_directed() if not h.is_directed() else h
    out_w = {u: sum(float(x.get("weight", 1.0)) for _, _, x in d.out_edges(u, data=True)) for u in nodes}
    rank = dict.fromkeys(nodes, 1.0 / n)
    for _ in range(max_iter):
        dangling = alpha * sum(rank[u] for u in nodes if out_w[u] == 0.0) / n
        new = dict.fromkeys(nodes, (1.0 - alpha) / n + dangling)
        for u in nodes:
            if out_w[u]:
                share = alpha * rank[u] / out_w[u]
                for _, v, x in d.out_edges(u, data=True):
                    new[v] += share * float(x.get("weight", 1.0))
        err = sum(abs(new[u] - rank[u]) for u in nodes)
        rank = new
        if err < n * tol:
            break
    total = sum(rank.values()) or 1.0
    return {u: rank[u] / total for u in nodes}


# -- paths ----------------------------------------------------------------------------
def _hubs(g: nx.MultiDiGraph, max_degree: int | None, keep: Iterable[str]) -> set[str]:
    if max_degree is None:
        return set()
    kept = set(keep)
    return {u for u, d in g.degree() if d > max_degree and u not in kept}


def shortest_path(g: nx.MultiDiGraph, source: str, target: str, *, max_degree: int | None = None,
                  directed: bool = False) -> list[str] | None:
    """A shortest path of uids from ``source`` to ``target``, or None.

    Hubs (more than ``max_degree`` relationships) are not passed through (the endpoints
    may be hubs). Undirected by default (who is connected to whom); ``directed`` follows
    relationship direction (money flow). Ties are broken deterministically (the
    lexicographically smallest path among the shortest).
    """
    if source not in g or target not in g:
        return None
    hubs = _hubs(g, max_degree, (source, target))
    base = g if directed else g.to_undirected(as_view=True)
    view = nx.subgraph_view(base, filter_node=lambda u: u not in hubs)
    try:
        paths = list(nx.all_shortest_paths(view, source, target))
    except nx.NetworkXNoPath:
        return None
    return min(paths) if paths else None


def k_hop(g: nx.MultiDiGraph, uid: str, k: int = 2, *, max_degree: int | None = None,
          directed: bool = False) -> dict[str, int]:
    """Nodes within ``k`` hops of ``uid``: ``{uid: distance}`` in uid order.

    Hubs (more than ``max_degree`` relationships) are reached but not expanded.
    """
    if uid not in g:
        return {}
    hubs = _hubs(g, max_degree, (uid,))
    dist = {uid: 0}
    frontier = [uid]
    for step in range(1, k + 1):
        nxt = []
        for u in frontier:
            if u in hubs:
                continue
            nbrs = set(g.successors(u)) if directed else set(g.successors(u)) | set(g.predecessors(u))
            for v in sorted(nbrs):
                if v not in dist:
                    dist[v] = step
                    nxt.append(v)
        frontier = nxt
    return dict(sorted(dist.items()))


# -- GDS and write-back ----------------------------------------------------------------
def gds_available(store: GraphStore) -> bool:
    """True when the store is Neo4j with the Graph Data Science procedures installed."""
    if store.backend != "neo4j":
        return False
    try:
        rows = store.query("SHOW PROCEDURES YIELD name WHERE name STARTS WITH 'gds.pageRank' "
                           "RETURN count(*) AS n")
    except Exception:  # noqa: BLE001 - no procedure listing means no GDS
        log.info("procedure listing failed; GDS treated as absent")
        return False
    return bool(rows and rows[0]["n"])


def pagerank(store: GraphStore, uids: Iterable[str], *, alpha: float = 0.85,
             use_gds: bool | None = None) -> dict[str, float]:
    """PageRank of the subgraph on ``uids`` (directed, parallel edges add weight).

    Uses Neo4j GDS (``gds.pageRank.stream`` on a Cypher projection of the subgraph)
    when available, networkx otherwise. ``use_gds=False`` forces networkx.
    """
    ids = sorted(set(uids))
    if use_gds is None:
        use_gds = gds_available(store)
    if use_gds:  # pragma: no cover - GDS is not installed in the test environment
        name = "kg_analytics_pr"
        store.execute(
            "MATCH (a:Entity) WHERE a.uid IN $uids OPTIONAL MATCH (a)-[r]->(b:Entity) WHERE b.uid IN $uids "
            "WITH gds.graph.project($name, a, b) AS g RETURN g.graphName AS n",
            {"uids": ids, "name": name})
        try:
            rows = store.execute(
                "CALL gds.pageRank.stream($name, {dampingFactor: $alpha}) YIELD nodeId, score "
                "RETURN gds.util.asNode(nodeId).uid AS uid, score", {"name": name, "alpha": alpha})
        finally:
            store.execute("CALL gds.graph.drop($name, false) YIELD graphName RETURN graphName", {"name": name})
        total = sum(r["score"] for r in rows) or 1.0
        return dict(sorted((r["uid"], r["score"] / total) for r in rows))
    return _pagerank_nx(to_networkx(store.subgraph(ids)), alpha=alpha)


def write_scores(store: GraphStore, scores: Mapping[str, float], prop: str, *, batch_size: int = 5000) -> int:
    """Write ``scores`` (uid -> number) as node property ``prop``; return nodes written.

    ``prop`` must be declared as a ``float`` or ``int`` property on the label of every
    node written (the model is the contract: an undeclared property would be invisible
    to patterns and refused by upserts), else :class:`ModelError` and nothing is written.
    Unknown uids raise :class:`DataError`. Written with a parameterised
    ``UNWIND ... MATCH (n:Entity {uid: row.uid}) SET n.<prop> = row.v``.
    """
    if not _PROP_NAME.match(prop) or prop in ("uid", "rid") or prop.startswith("_"):
        raise ModelError("not a writable property name", property=prop)
    uids = sorted(scores)
    if not uids:
        return 0
    rows = store.query(f"UNWIND $uids AS u MATCH (n:{ENTITY_LABEL} {{uid: u}}) RETURN n.uid AS uid, labels(n) AS ls",
                       {"uids": uids})
    found = {r["uid"]: [lab for lab in r["ls"] if lab != ENTITY_LABEL] for r in rows}
    missing = [u for u in uids if u not in found]
    if missing:
        raise DataError("scores for nodes that are not in the graph", count=len(missing))
    kind = None
    for u in uids:
        types = [store.model.property_type(lab, prop) for lab in found[u] if lab in store.model.nodes]
        declared = [t for t in types if t is not None]
        if not declared or any(t.type not in _NUMERIC for t in declared):
            raise ModelError("score property is not declared as a number on this node's label", property=prop,
                             labels=found[u])
        kind = declared[0].type
    data = [{"uid": u, "v": (int(round(scores[u])) if kind == "int" else float(scores[u]))} for u in uids]
    q = f"UNWIND $rows AS row MATCH (n:{ENTITY_LABEL} {{uid: row.uid}}) SET n.{prop} = row.v RETURN count(n) AS c"
    written = 0
    for i in range(0, len(data), batch_size):
        res = store.execute(q, {"rows": data[i:i + batch_size]})
        written += int(res[0]["c"]) if res else 0
    log.info("scores written property=%s nodes=%d", prop, written)
    return written
