"""The FastAPI application: :func:`create_app` wires store, keys, audit, limits and routers.

>>> from api.app import create_app            # doctest: +SKIP
>>> app = create_app(store=open_store())      # doctest: +SKIP
"""

from __future__ import annotations

import gc
import json
import logging
import os
import secrets
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

from fastapi import FastAPI, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import errors
from api.audit import AuditLog
from api.auth import KeyStore, RateLimiter
from api.cache import ReadCache
from api.deps import Context
from api.errors import error_body
from api.routers import clues, cypher, entities, health, patterns, uploads, views
from api.settings import ApiSettings
from api.state import ClueRepo, JobManager
from kg.patterns import PatternLibrary, default_library
from kg.store.base import GraphStore

log = logging.getLogger(__name__)

UPLOAD_PATHS = ("/uploads",)
BODY_METHODS = ("POST", "PUT", "PATCH")


class AuditMiddleware:
    """Pure ASGI middleware: body-size limits, security headers and one audit record per request.

    The record is written when the response starts (the handler has finished and left
    its notes in ``request.state.audit``); if it cannot be written the response is
    replaced by a 503, so no request is served unaudited.
    """

    def __init__(self, app: ASGIApp, ctx: Context) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        s = self.ctx.settings
        t0 = time.perf_counter()
        rid = secrets.token_hex(8)
        state = scope.setdefault("state", {})
        state["audit"] = {}
        headers = Headers(scope=scope)
        method = scope["method"]
        limit = s.max_upload_bytes + 65536 if scope["path"] in UPLOAD_PATHS else s.max_body_bytes
        cl = headers.get("content-length")
        replaced = False

        async def send_audited(message: Message) -> None:
            nonlocal replaced
            if replaced:
                return
            if message["type"] == "http.response.start":
                status = int(message["status"])
                if not self._audit(scope, state, rid, method, status, t0):
                    replaced = True
                    body = json.dumps(error_body("audit_unavailable", "audit stream unavailable")).encode()
                    await send({"type": "http.response.start", "status": 503,
                                "headers": [(b"content-type", b"application/json"),
                                            (b"content-length", str(len(body)).encode())]})
                    await send({"type": "http.response.body", "body": body})
                    return
                mh = MutableHeaders(scope=message)
                mh["X-Request-ID"] = rid
                mh.setdefault("X-Content-Type-Options", "nosniff")
                mh.setdefault("Cache-Control", "no-store")
            await send(message)

        early: Response | None = None
        if method in BODY_METHODS and cl is None and "chunked" in headers.get("transfer-encoding", ""):
            state["outcome"] = "length_required"
            early = JSONResponse(error_body("length_required", "Content-Length required"), status_code=411)
        elif cl is not None and (not cl.isdigit() or int(cl) > limit):
            state["outcome"] = "payload_too_large"
            early = JSONResponse(error_body("payload_too_large", "request body too large", {"max_bytes": limit}),
                                 status_code=413)
        if early is not None:
            await early(scope, receive, send_audited)
            return
        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send_audited(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Exception as exc:  # noqa: BLE001 - last line: nothing leaks
            log.error("unhandled error type=%s", type(exc).__name__)
            if not started:
                state["outcome"] = "internal_error"
                await JSONResponse(error_body("internal_error", "internal error"), status_code=500)(
                    scope, receive, send_audited)

    def _audit(self, scope: Scope, state: dict[str, Any], rid: str, method: str, status: int, t0: float) -> bool:
        route = scope.get("route")
        principal = state.get("principal")
        rec: dict[str, Any] = {
            "request_id": rid,
            "principal": principal.id if principal else None,
            "role": principal.role if principal else None,
            "method": method,
            "route": getattr(route, "path", None) or "(unmatched)",
            "status": status,
            "outcome": state.get("outcome") or ("ok" if status < 400 else "error"),
            "ms": round((time.perf_counter() - t0) * 1000, 2),
            "pid": os.getpid(),  # the worker process that served it
            **(state.get("audit") or {}),
        }
        try:
            self.ctx.audit.append(rec)
        except OSError:
            log.error("audit write failed request_id=%s", rid)
            return False
        return True


def create_app(store: GraphStore | None = None, *, settings: ApiSettings | None = None,
               library: PatternLibrary | None = None) -> FastAPI:
    """Build the API around ``store`` (default: :func:`kg.store.open_store`).

    Parameters
    ----------
    store:
        An open graph store; the app does not close a store it was given.
    settings:
        API settings (default: from ``KG_API_*``).
    library:
        The pattern library (default: the packaged one).
    """
    s = settings or ApiSettings()
    owned = store is None
    if store is None:
        from kg.store import open_store

        store = open_store()
    s.data_dir.mkdir(parents=True, exist_ok=True)
    ctx = Context(store=store, settings=s, library=library or default_library(), keys=KeyStore(s.data_dir),
                  audit=AuditLog(s.data_dir / "audit.jsonl"),
                  limiter=RateLimiter(s.rate_per_minute, s.burst, s.data_dir / "ratelimit"),
                  jobs=JobManager(s.job_workers, s.max_jobs, s.data_dir / "jobs"), clues=ClueRepo(s.data_dir),
                  cache=ReadCache(store, enabled=s.cache, max_entries=s.cache_max_entries,
                                  max_bytes=s.cache_max_bytes, ttl_s=s.cache_ttl_s, poll_ms=s.cache_poll_ms))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = max(1, s.threads)
        if s.gc_freeze:
            # Everything built so far (model, pattern library, routes, schemas, drivers) lives
            # as long as the process: move it out of the collector's reach. Without this a
            # full collection walked all of it every ~100 2-hop requests and stopped the
            # worker for 60-150 ms each time (measured in-process; bench/api_cpu.py --gc).
            gc.collect()
            gc.freeze()
        ctx.cache.start()
        yield
        ctx.cache.stop()
        if s.gc_freeze:
            gc.unfreeze()
        ctx.jobs.shutdown(s.shutdown_wait_s)
        if owned:
            ctx.store.close()

    app = FastAPI(title="cluegraph API", version="1", lifespan=lifespan,
                  description="Graph investigation service: entities, neighbourhoods, paths, patterns and clues. "
                              "Every route except /health and /ready needs `Authorization: Bearer <key>`.")
    app.state.ctx = ctx

    errors.install(app)

    app.add_middleware(AuditMiddleware, ctx=ctx)

    if s.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=s.cors_origins, allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Authorization", "Content-Type"])

    for r in (health.router, entities.router, patterns.router, clues.router, uploads.router, cypher.router,
              views.router):
        app.include_router(r)
    return app
