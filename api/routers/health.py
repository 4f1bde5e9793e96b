"""Liveness (no auth, no store) and readiness (runs a real query on the store)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from api.deps import Context, get_ctx
from api.errors import error_body

router = APIRouter(tags=["health"])


@router.get("/health", summary="Liveness: the process answers (no auth)")
def health() -> dict[str, str]:
    """Always ``{"status": "ok"}`` while the process serves requests."""
    return {"status": "ok"}


@router.get("/ready", summary="Readiness: the graph store answers a query (no auth)",
            responses={503: {"description": "store not reachable"}})
def ready(request: Request, ctx: Context = Depends(get_ctx)) -> Any:
    """Run ``RETURN 1`` on the store with a short timeout."""
    try:
        rows = ctx.store.query("RETURN 1 AS ok", {}, timeout=5.0)
        if rows and rows[0].get("ok") == 1:
            return {"status": "ready", "backend": ctx.store.backend}
    except Exception:  # noqa: BLE001 - any failure means not ready; nothing leaks
        pass
    request.state.outcome = "not_ready"
    return JSONResponse(error_body("store_unavailable", "store not ready"), status_code=503)
