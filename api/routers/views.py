"""Graph views (offline HTML from :mod:`kg.viz`) and the investigator page."""

from __future__ import annotations

from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.auth import Principal
from api.deps import Context, audit_note, get_ctx, require

router = APIRouter(tags=["views"])

#: the page and the views only talk to this origin; pyvis pages need inline script/style
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; frame-src 'self' blob: about:; object-src 'none'")


@router.get("/views/entities/{uid}", response_class=HTMLResponse, summary="Neighbourhood view (HTML)")
def entity_view(request: Request, uid: str, depth: Annotated[int, Query(ge=1, le=3)] = 1,
                max_degree: Annotated[int, Query(ge=1, le=10000)] = 200,
                limit: Annotated[int, Query(ge=1, le=1000)] = 300,
                ctx: Context = Depends(get_ctx), _: Principal = Depends(require("viewer"))) -> HTMLResponse:
    """The entity's neighbourhood drawn with pyvis, the entity highlighted."""
    from kg.viz import render_subgraph

    g = ctx.store.neighbourhood(uid[:200], min(depth, ctx.settings.max_hops), max_degree=max_degree, limit=limit)
    audit_note(request, param_names=["depth", "max_degree", "limit"], results=len(g.nodes))
    page = render_subgraph(g, model=ctx.store.model, highlight=[uid], title=f"{uid} · {depth} 跳邻居")
    return HTMLResponse(page, headers={"Content-Security-Policy": CSP})


@router.get("/views/clues/{clue_id}", response_class=HTMLResponse, summary="Clue view (HTML)")
def clue_view(request: Request, clue_id: str, ctx: Context = Depends(get_ctx),
              _: Principal = Depends(require("viewer"))) -> HTMLResponse:
    """The clue's members and every relationship among them, members highlighted."""
    from kg.viz import render_clue

    rec = ctx.clues.view(clue_id[:100])
    g = ctx.store.subgraph(rec["members"])
    audit_note(request, clue=rec["id"], pattern=rec["rule_id"], results=len(g.nodes))
    return HTMLResponse(render_clue(g, rec, model=ctx.store.model), headers={"Content-Security-Policy": CSP})


@router.get("/", include_in_schema=False)
def root() -> RedirectResponse:
    """Send browsers to the investigator page."""
    return RedirectResponse("/ui/")


@router.get("/ui/", response_class=HTMLResponse, include_in_schema=False)
def investigator_page() -> HTMLResponse:
    """The investigator page (static; holds no data; asks for an API key)."""
    page = (resources.files("api") / "static" / "index.html").read_text("utf-8")
    return HTMLResponse(page, headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store"})
