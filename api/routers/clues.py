"""Clues found by pattern runs: list and filter, view, review (confirm/dismiss), bundle."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.auth import Principal
from api.deps import Context, audit_note, get_ctx, require

router = APIRouter(tags=["clues"])


class Review(BaseModel):
    """A reviewer's decision on a clue."""

    decision: Literal["confirmed", "dismissed"]
    reason: str = Field(min_length=1, max_length=2000)


@router.get("/clues", summary="List clues, filtered by pattern, review status and score")
def list_clues(request: Request, pattern: Annotated[str | None, Query(max_length=100)] = None,
               status: Annotated[Literal["new", "confirmed", "dismissed"] | None, Query()] = None,
               min_score: Annotated[float | None, Query(ge=-1e18, le=1e18)] = None,
               limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Annotated[int, Query(ge=0, le=100000)] = 0,
               ctx: Context = Depends(get_ctx), _: Principal = Depends(require("viewer"))) -> dict[str, Any]:
    """Clues best score first; ``status`` is ``new`` or the latest review decision."""
    rows = ctx.clues.list(pattern, status, min_score)
    page = rows[offset:offset + limit]
    audit_note(request, param_names=["pattern", "status", "min_score"], results=len(page))
    return {"items": page, "total": len(rows), "limit": limit, "offset": offset,
            "next_offset": offset + limit if offset + limit < len(rows) else None}


@router.get("/clues/{clue_id}", summary="One clue with its reviews")
def get_clue(request: Request, clue_id: str, ctx: Context = Depends(get_ctx),
             _: Principal = Depends(require("viewer"))) -> dict[str, Any]:
    """The clue, its status and review history."""
    out = ctx.clues.view(clue_id[:100])
    audit_note(request, clue=out["id"], pattern=out["rule_id"], results=1)
    return out


@router.post("/clues/{clue_id}/review", summary="Confirm or dismiss a clue, with a reason")
def review_clue(request: Request, clue_id: str, body: Review, ctx: Context = Depends(get_ctx),
                principal: Principal = Depends(require("analyst"))) -> dict[str, Any]:
    """Append a review to ``reviews.jsonl`` in the data dir; the latest one is the status."""
    rec = ctx.clues.review(clue_id[:100], body.decision, body.reason, principal.id)
    # a review writes no graph element today, so no cached body changes; the read cache is
    # dropped anyway, so that a review that ever writes back cannot be served stale
    ctx.cache.clear()
    audit_note(request, clue=clue_id[:100], decision=body.decision)
    return {"review": rec, "status": ctx.clues.status(clue_id[:100])}


def bundle_available() -> bool:
    """Whether :mod:`kg.bundle` exposes ``export_clue``."""
    try:
        from kg import bundle
    except ImportError:
        return False
    return callable(getattr(bundle, "export_clue", None))


if bundle_available():

    @router.post("/clues/{clue_id}/bundle", summary="Export the clue as a signed evidence bundle (zip)",
                 response_class=Response, responses={200: {"content": {"application/zip": {}}}})
    def bundle_clue(request: Request, clue_id: str, ctx: Context = Depends(get_ctx),
                    principal: Principal = Depends(require("analyst"))) -> Response:
        """Re-run the clue's pattern with its parameters and freeze the clue (kg.bundle.export_clue)."""
        from kg.bundle import export_clue

        rec = ctx.clues.view(clue_id[:100])
        audit_note(request, clue=rec["id"], pattern=rec["rule_id"])
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "bundle.zip"
            res = export_clue(ctx.store, out, pattern_id=rec["rule_id"], params=rec["params"], clue_id=rec["id"],
                              library=ctx.library)
            data = out.read_bytes()
        audit_note(request, bundle=res.manifest.get("bundle_id"), results=res.manifest.get("counts", {}).get("nodes"))
        return Response(data, media_type="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="{rec["id"].replace(":", "_")}.zip"'})
