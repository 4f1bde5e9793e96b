"""The only place where :class:`kg.errors.KGError` codes become HTTP statuses.

Error bodies are ``{"error": {"code", "message", "details"}}`` with details limited to
a whitelist of non-personal keys; stack traces, query text and values never leave.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.errors import AuthError, KGError

log = logging.getLogger(__name__)


class Unauthenticated(AuthError):
    """No token, or an unknown or revoked one."""

    code = "unauthenticated"


class Forbidden(AuthError):
    """The principal's role does not allow the route."""

    code = "forbidden"


class RateLimited(AuthError):
    """Too many requests for this principal."""

    code = "rate_limited"


class PayloadTooLarge(KGError):
    """The request body is larger than allowed."""

    code = "payload_too_large"


class UnsupportedMedia(KGError):
    """An upload's type is not accepted."""

    code = "unsupported_media_type"


class QueryRefused(KGError):
    """An ad-hoc query is not read-only or not allowed."""

    code = "query_refused"


class Conflict(KGError):
    """The resource is not in a state that allows the request."""

    code = "conflict"


STATUS: dict[str, int] = {
    "unauthenticated": 401,
    "auth_error": 401,
    "forbidden": 403,
    "rate_limited": 429,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "query_refused": 403,
    "conflict": 409,
    "not_found": 404,
    "data_error": 400,
    "model_error": 400,
    "pattern_error": 400,
    "extraction_error": 422,
    "bundle_error": 400,
    "constraint_violation": 409,
    "query_timeout": 504,
    "store_unavailable": 503,
    "store_error": 502,
    "kg_error": 500,
}

#: detail keys that are safe to return (names, bounds, counts; never values)
SAFE_DETAILS = frozenset({"param", "params", "pattern", "allowed", "min", "max", "choices", "missing", "limit",
                          "retry_after", "clauses", "operations", "label", "required_role", "max_bytes", "suffix",
                          "field", "status", "job"})


def status_for(exc: KGError) -> int:
    """HTTP status of a :class:`KGError` (walks the class tree for unknown codes)."""
    for cls in type(exc).__mro__:
        code = getattr(cls, "code", None)
        if code in STATUS:
            return STATUS[code]
    return 500


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON error shape."""
    safe = {k: v for k, v in (details or {}).items() if k in SAFE_DETAILS}
    return {"error": {"code": code, "message": message, "details": safe}}


def kg_response(exc: KGError) -> JSONResponse:
    """Response for a :class:`KGError`."""
    status = status_for(exc)
    headers = {}
    if status == 429:
        headers["Retry-After"] = str(exc.details.get("retry_after", 1))
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(error_body(exc.code, exc.message, exc.details), status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """Register the exception handlers on ``app``."""

    @app.exception_handler(KGError)
    async def _kg(request: Request, exc: KGError) -> JSONResponse:
        request.state.outcome = exc.code
        return kg_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        # field locations and messages only: the offending input is never echoed
        problems = [{"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", ""))[:200]}
                    for e in exc.errors()[:20]]
        request.state.outcome = "validation_error"
        body = error_body("validation_error", "request does not fit the schema")
        body["error"]["details"] = {"problems": problems}
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        request.state.outcome = "http_error"
        msg = exc.detail if isinstance(exc.detail, str) and len(exc.detail) < 100 else "request refused"
        return JSONResponse(error_body(f"http_{exc.status_code}", msg), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error route=%s type=%s", request.url.path, type(exc).__name__)
        request.state.outcome = "internal_error"
        return JSONResponse(error_body("internal_error", "internal error"), status_code=500)
