"""Entities: search, get with provenance, k-hop neighbourhood, bounded shortest path."""

from __future__ import annotations

from typing import Annotated, Any, Hashable

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from api.auth import Principal
from api.deps import Context, audit_note, get_ctx, require
from api.serial import FastJSON, encode, node_json, rel_json, subgraph_json
from kg.errors import DataError, NotFound
from kg.model import ENTITY_LABEL, Model

router = APIRouter(tags=["entities"], default_response_class=FastJSON)

Uid = Annotated[str, Query(min_length=1, max_length=200)]


def _cached(request: Request, key: Hashable) -> tuple[FastJSON | None, int | None]:
    """A cached response for ``key`` (its audit fields noted, ``cache: hit``), or ``None``
    and the token to store the body computed now with (see :class:`api.cache.ReadCache`).
    Called after the role gate (a route dependency) has authenticated and rate-limited."""
    ctx: Context = request.app.state.ctx
    e, token = ctx.cache.get(key)
    if e is None:
        return None, token
    audit_note(request, **e.note, cache="hit")
    return FastJSON(e.body), None


def _respond(request: Request, key: Hashable, token: int | None, content: Any, **note: Any) -> FastJSON:
    """Encode ``content``, note the audit fields (``cache: miss``, or ``off`` / ``bypass``
    when nothing may be stored) and keep the body for the next request with ``key``."""
    ctx: Context = request.app.state.ctx
    body = encode(content)
    state = "miss" if token is not None else ("off" if not ctx.cache.enabled else "bypass")
    audit_note(request, **note, cache=state)
    ctx.cache.put(key, body, note, token)
    return FastJSON(body)


def _search_props(model: Model, label: str | None) -> tuple[list[str], list[str]]:
    """(properties matched exactly: keys and identifiers; properties matched by substring: names)."""
    types = [model.node(label)] if label else list(model.nodes.values())
    exact: set[str] = set()
    contains: set[str] = set()
    for nt in types:
        for p in nt.properties.values():
            if p.type != "string":
                continue
            if p.name in nt.key or p.identifier:
                exact.add(p.name)
            if p.name in ("name", "title"):
                contains.add(p.name)
    return sorted(exact), sorted(contains)


@router.get("/labels", summary="Node labels and relationship types of the model, with Chinese titles")
def labels(ctx: Context = Depends(get_ctx), _: Principal = Depends(require("viewer"))) -> dict[str, Any]:
    """The whitelist that ``label`` parameters are checked against."""
    m = ctx.store.model
    return {"nodes": [{"label": k, "zh": v.title_zh, "en": v.title_en} for k, v in sorted(m.nodes.items())],
            "relationships": [{"type": k, "zh": v.title_zh, "en": v.title_en}
                              for k, v in sorted(m.relationships.items())]}


@router.get("/entities", summary="Search entities by name substring, identifier or uid; filter by label")
async def search(request: Request, q: Annotated[str, Query(min_length=1, max_length=100)],
                 label: Annotated[str | None, Query(max_length=60, description="a node label of the model")] = None,
                 limit: Annotated[int, Query(ge=1, le=200)] = 20, offset: Annotated[int, Query(ge=0, le=10000)] = 0,
                 principal: Principal = Depends(require("viewer"))) -> FastJSON:
    """Case-sensitive match: ``uid``, key and identifier properties equal ``q``; names contain ``q``.

    Labels come only from the model (anything else is a 400); ``q`` is always a parameter.
    """
    # a cached answer is served on the event loop; the query runs on the thread pool
    ctx: Context = request.app.state.ctx
    model = ctx.store.model
    if label is not None and label not in model.nodes:
        raise DataError("unknown label", label="(not in model)")
    key = ("search", principal.role, q, label, limit, offset)
    hit, token = _cached(request, key)
    if hit is not None:
        return hit
    exact, contains = _search_props(model, label)
    conds = ["n.uid = $q"] + [f"n.{p} = $q" for p in exact] + [f"n.{p} CONTAINS $q" for p in contains]
    lab = f":{label}" if label else ""
    cypher = (f"MATCH (n:{ENTITY_LABEL}{lab}) WHERE {' OR '.join(conds)} "
              "RETURN n ORDER BY n.uid SKIP $skip LIMIT $lim")
    rows = await run_in_threadpool(ctx.store.query, cypher, {"q": q, "skip": offset, "lim": limit + 1},
                                   timeout=ctx.settings.query_timeout_s)
    items = [node_json(r["n"], model, provenance=False) for r in rows[:limit]]
    more = len(rows) > limit
    return _respond(request, key, token,
                    {"items": items, "limit": limit, "offset": offset, "next_offset": offset + limit if more else None},
                    param_names=["q", "label", "limit", "offset"], results=len(items))


@router.get("/entities/{uid}", summary="One entity with its provenance")
async def get_entity(request: Request, uid: str, principal: Principal = Depends(require("viewer"))) -> FastJSON:
    """The entity ``uid`` with properties, sources, datasets and per-property sources.

    On the embedded store the look-up (one index seek over a local unix socket, about
    0.2 ms) runs on the event loop: the thread hop cost more CPU than the query, and at
    32 clients the tail was tighter (bench/results/api_entity_on_loop.json). Over a
    network driver (Neo4j) the round trip is longer, so it goes to the thread pool.
    """
    ctx: Context = request.app.state.ctx
    if len(uid) > 200:
        raise NotFound("no node with that id")
    key = ("entity", principal.role, uid)
    hit, token = _cached(request, key)
    if hit is not None:
        return hit
    if ctx.store.backend == "falkordb":
        n = ctx.store.get_node(uid)
    else:
        n = await run_in_threadpool(ctx.store.get_node, uid)
    return _respond(request, key, token, node_json(n, ctx.store.model), results=1)


@router.get("/entities/{uid}/neighbourhood", summary="k-hop neighbourhood with hub caps")
async def neighbourhood(request: Request, uid: str, depth: Annotated[int, Query(ge=1, le=3)] = 1,
                        max_degree: Annotated[int, Query(ge=1, le=10000)] = 200,
                        limit: Annotated[int, Query(ge=1, le=2000)] = 500,
                        principal: Principal = Depends(require("viewer"))) -> FastJSON:
    """Breadth-first neighbourhood; hubs above ``max_degree`` are shown but not expanded."""
    # a cached answer is served on the event loop (no thread hop for a hit); the queries
    # and the JSON shaping run on the thread pool
    ctx: Context = request.app.state.ctx
    if len(uid) > 200:
        raise NotFound("no node with that id")
    depth = min(depth, ctx.settings.max_hops)
    key = ("neighbourhood", principal.role, uid, depth, max_degree, limit)
    hit, token = _cached(request, key)
    if hit is not None:
        return hit

    def compute() -> tuple[dict[str, Any], int]:
        g = ctx.store.neighbourhood(uid, depth, max_degree=max_degree, limit=min(limit, ctx.settings.max_nodes))
        out = subgraph_json(g, ctx.store.model)
        out["truncated"] = len(g.nodes) >= limit
        return out, len(g.nodes)

    out, n = await run_in_threadpool(compute)
    return _respond(request, key, token, out, param_names=["depth", "max_degree", "limit"], results=n)


@router.get("/paths", summary="Shortest path between two entities (bounded length, either direction)")
async def shortest_path(request: Request, source: Uid, target: Uid,
                        max_length: Annotated[int, Query(ge=1, le=6)] = 4,
                        max_degree: Annotated[int, Query(ge=1, le=10000)] = 500,
                        principal: Principal = Depends(require("viewer"))) -> FastJSON:
    """Breadth-first search from ``source`` (hubs above ``max_degree`` are not expanded).

    Returns ``{"found": false}`` when no path of at most ``max_length`` relationships exists.
    Deterministic on both backends: neighbours are visited in uid order.
    """
    # a cached answer is served on the event loop; the search runs on the thread pool
    ctx: Context = request.app.state.ctx
    st, model = ctx.store, ctx.store.model
    max_length = min(max_length, ctx.settings.max_path_length)
    key = ("paths", principal.role, source, target, max_length, max_degree)
    hit, token = _cached(request, key)
    if hit is not None:
        return hit

    def compute() -> tuple[dict[str, Any], bool]:
        a, b = st.get_node(source), st.get_node(target)
        parent: dict[str, tuple[str, Any] | None] = {a.id: None}
        frontier = [a.id]
        found = a.id == b.id
        for _hop in range(max_length):
            if found or not frontier:
                break
            deg = st.degree(frontier)
            expand = sorted(u for u in frontier if deg.get(u, 0) <= max_degree or u == a.id)
            rows = st.query(f"UNWIND $uids AS u MATCH (x:{ENTITY_LABEL} {{uid: u}})-[r]-(y:{ENTITY_LABEL}) "
                            "RETURN u, r, y.uid AS y ORDER BY u, y LIMIT $cap",
                            {"uids": expand, "cap": ctx.settings.max_nodes * 20}, timeout=ctx.settings.query_timeout_s)
            nxt: list[str] = []
            for row in rows:
                y = row["y"]
                if y in parent:
                    continue
                parent[y] = (row["u"], row["r"])
                nxt.append(y)
                if y == b.id:
                    found = True
                    break
            frontier = nxt
        if not found:
            return {"found": False, "length": None, "nodes": [], "relationships": []}, False
        chain, rels, cur = [b.id], [], b.id
        while parent[cur] is not None:
            prev, rel = parent[cur]  # type: ignore[misc]
            rels.append(rel)
            chain.append(prev)
            cur = prev
        chain.reverse()
        rels.reverse()
        g = st.subgraph(chain)
        return {"found": True, "length": len(rels), "nodes": [node_json(g.nodes[u], model) for u in chain],
                "relationships": [rel_json(r, model) for r in rels]}, True

    content, found = await run_in_threadpool(compute)
    return _respond(request, key, token, content,
                    param_names=["source", "target", "max_length", "max_degree"], results=int(found))
