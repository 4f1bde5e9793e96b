"""FastAPI dependencies: the service context, the authenticated principal, role gates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.audit import AuditLog
from api.auth import KeyStore, Principal, RateLimiter
from api.settings import ApiSettings
from api.state import ClueRepo, JobManager
from kg.patterns import PatternLibrary
from kg.store.base import GraphStore

bearer = HTTPBearer(auto_error=False, description="API key created with `kg api create-key --role ROLE`")


@dataclass
class Context:
    """Everything a request handler may need, built once by :func:`api.app.create_app`."""

    store: GraphStore
    settings: ApiSettings
    library: PatternLibrary
    keys: KeyStore
    audit: AuditLog
    limiter: RateLimiter
    jobs: JobManager
    clues: ClueRepo


async def get_ctx(request: Request) -> Context:
    """The app's :class:`Context`."""
    ctx: Context = request.app.state.ctx
    return ctx


async def get_principal(request: Request, creds: HTTPAuthorizationCredentials | None = Depends(bearer),
                  ctx: Context = Depends(get_ctx)) -> Principal:
    """Authenticate the bearer token and take one rate-limit token.

    The dependencies are ``async``: they only hash the token and touch memory or a small
    lock file, so they run on the event loop instead of costing a thread hop each.
    """
    token = creds.credentials if creds is not None else request.headers.get("x-api-key")
    principal = ctx.keys.authenticate(token)
    request.state.principal = principal
    ctx.limiter.hit(principal.id)
    return principal


def require(role: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency that admits principals with at least ``role``."""

    async def dep(principal: Principal = Depends(get_principal)) -> Principal:
        principal.require(role)
        return principal

    dep.__name__ = f"require_{role}"
    return dep


def audit_note(request: Request, **fields: Any) -> None:
    """Add fields (counts, pattern id, parameter names) to this request's audit record."""
    note = getattr(request.state, "audit", None)
    if note is None:
        note = {}
        request.state.audit = note
    note.update(fields)
