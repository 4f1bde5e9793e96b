"""Patterns: list, describe, run with parameters as a pollable, cancellable job."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.auth import Principal
from api.deps import Context, audit_note, get_ctx, require
from api.errors import error_body, status_for
from api.serial import FastJSON
from kg.errors import KGError
from kg.patterns import Pattern

router = APIRouter(tags=["patterns"])

#: parameter types whose values are not personal data and may be audited
NON_PERSONAL = frozenset({"int", "float", "bool", "date", "datetime"})


class RunRequest(BaseModel):
    """Parameters of a pattern run."""

    params: dict[str, Any] = Field(default_factory=dict, description="pattern parameters by name")
    wait_s: float | None = Field(None, ge=0, le=30, description="answer inline if the run ends within this time")
    limit: int = Field(100, ge=1, le=1000, description="clues returned at most")


def audit_params(p: Pattern, params: dict[str, Any]) -> dict[str, Any]:
    """Parameter names, and values only of non-personal types (numbers, booleans, dates)."""
    vals = {k: v for k, v in params.items()
            if k in p.params and p.params[k].type in NON_PERSONAL and isinstance(v, (int, float, bool, str))
            and len(str(v)) <= 40}
    return {"pattern": p.id, "pattern_version": p.version, "param_names": sorted(params), "param_values": vals}


def safe_error(exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, KGError):
        return {**error_body(exc.code, exc.message, exc.details)["error"], "status": status_for(exc)}
    return {"code": "internal_error", "message": "internal error", "details": {}, "status": 500}


def _result(job_result: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    return {"count": len(job_result), "clues": job_result[:limit], "truncated": len(job_result) > limit}


@router.get("/patterns", summary="List the pattern library")
def list_patterns(request: Request, tag: Annotated[str | None, Query(max_length=40)] = None,
                  ctx: Context = Depends(get_ctx), _: Principal = Depends(require("viewer"))) -> dict[str, Any]:
    """Id, version, titles, tags and parameters of every pattern (filter by ``tag``)."""
    items = []
    for p in ctx.library:
        if tag and tag not in p.tags:
            continue
        d = p.describe()
        items.append({k: d[k] for k in ("id", "version", "title", "tags", "legal_basis", "params", "backends",
                                       "inferred")})
    audit_note(request, results=len(items))
    return {"items": items, "count": len(items)}


@router.get("/patterns/{pattern_id}", summary="Describe one pattern")
def describe_pattern(request: Request, pattern_id: str, ctx: Context = Depends(get_ctx),
                     _: Principal = Depends(require("viewer"))) -> dict[str, Any]:
    """The pattern's full metadata (parameters with defaults and bounds, legal basis, returns)."""
    d = ctx.library.get(pattern_id[:100]).describe()
    audit_note(request, pattern=pattern_id[:100])
    return d


@router.post("/patterns/{pattern_id}/runs", summary="Run a pattern (inline if quick, else a job to poll)",
             status_code=200, responses={202: {"description": "accepted: poll /jobs/{id}"}})
async def run_pattern(request: Request, pattern_id: str,
                      body: RunRequest = Body(default_factory=lambda: RunRequest.model_validate({})),
                      ctx: Context = Depends(get_ctx), principal: Principal = Depends(require("analyst"))) -> Any:
    """Validate parameters now (400 on a bad one), run in the background, wait up to
    ``wait_s`` (default from settings) and answer inline, or 202 with the job id.

    The wait is on the event loop (the run is in the job pool), so requests waiting for
    slow runs hold no handler thread."""
    p = ctx.library.get(pattern_id[:100])
    audit_note(request, **audit_params(p, body.params))
    bound = p.bind(body.params)  # validation errors surface before a job exists
    timeout = ctx.settings.query_timeout_s

    def work(run_id: str) -> list[dict[str, Any]]:
        clues = [c.as_dict() for c in p.run(ctx.store, bound, timeout=timeout)]
        ctx.clues.add(clues, run_id)
        return clues

    job = ctx.jobs.submit(p.id, principal.id, work, safe_error)
    wait = ctx.settings.inline_wait_s if body.wait_s is None else body.wait_s
    if job.future is not None and wait > 0:
        await asyncio.wait([asyncio.wrap_future(job.future)], timeout=wait)  # no cancel on timeout
    audit_note(request, job=job.id)
    if job.state == "done":
        audit_note(request, results=len(job.result))
        return FastJSON({"job": job.view(), **_result(job.result, body.limit)})
    if job.state == "failed" and job.error:
        return JSONResponse({"error": job.error, "job": job.view()}, status_code=int(job.error["status"]))
    return JSONResponse({"job": job.view(), "poll": f"/jobs/{job.id}"}, status_code=202)


@router.get("/jobs/{job_id}", summary="Poll a job (a pattern run or an upload ingest)")
def get_job(request: Request, job_id: str, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
            offset: Annotated[int, Query(ge=0)] = 0, ctx: Context = Depends(get_ctx),
            _: Principal = Depends(require("analyst"))) -> FastJSON:
    """State of the job (``queued``, ``running``, ``done``, ``failed``, ``cancelled`` or
    ``interrupted`` when the service stopped before it ended) and, once done: for a
    pattern run a page of its clues, for an upload the ingest summary and quarantine
    report. Jobs are kept on disk: any worker answers, and they survive a restart."""
    job = ctx.jobs.get(job_id[:100])
    out: dict[str, Any] = {"job": job.view()}
    audit_note(request, job=job.id, kind=job.kind)
    if job.state == "done":
        res = job.result
        if job.kind == "upload":
            out.update(res or {})
            audit_note(request, results=(res or {}).get("summary", {}).get("entities"))
        else:
            res = res or []
            out.update({"count": len(res), "clues": res[offset:offset + limit], "offset": offset, "limit": limit,
                        "next_offset": offset + limit if offset + limit < len(res) else None})
            audit_note(request, results=len(res[offset:offset + limit]))
    return FastJSON(out)


@router.delete("/jobs/{job_id}", summary="Cancel a queued or running job")
def cancel_job(request: Request, job_id: str, ctx: Context = Depends(get_ctx),
               _: Principal = Depends(require("analyst"))) -> dict[str, Any]:
    """Cancel: a queued job never starts; a running query's result is dropped."""
    job = ctx.jobs.cancel(job_id[:100])
    audit_note(request, job=job.id, kind=job.kind)
    return {"job": job.view()}
