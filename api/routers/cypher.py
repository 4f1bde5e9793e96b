"""Ad-hoc read-only Cypher for admins: refused unless both checks say read-only."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field, field_validator

from api.auth import Principal
from api.deps import Context, audit_note, get_ctx, require
from api.errors import QueryRefused
from api.serial import plain
from kg.errors import DataError, StoreError
from kg.patterns import write_clauses

router = APIRouter(tags=["cypher"])
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


class CypherRequest(BaseModel):
    """A parameterised read-only query."""

    query: str = Field(min_length=1, max_length=5000)
    params: dict[str, Any] = Field(default_factory=dict)
    limit: int = Field(100, ge=1, le=1000, description="rows returned at most")

    @field_validator("params")
    @classmethod
    def _names(cls, v: dict[str, Any]) -> dict[str, Any]:
        if len(v) > 50 or not all(_NAME.match(k) for k in v):
            raise ValueError("parameter names must be identifiers (at most 50)")
        return v


@router.post("/cypher", summary="Run an ad-hoc read-only Cypher query (admin)",
             responses={403: {"description": "not read-only, or role not admin"}})
def run_cypher(request: Request, body: CypherRequest, ctx: Context = Depends(get_ctx),
               _: Principal = Depends(require("admin"))) -> dict[str, Any]:
    """Three locks: a clause scan (write clauses, ``LOAD CSV``, procedure calls outside an
    allow-list), the engine's plan verdict (:meth:`GraphStore.write_operations`), and a
    read-only transaction (``GRAPH.RO_QUERY`` / ``execute_read``) to run it. The query
    text is never logged or audited, only parameter names and counts."""
    audit_note(request, param_names=sorted(body.params))
    found = write_clauses(body.query)
    if found:
        raise QueryRefused("query is not read-only", clauses=sorted(set(found))[:10])
    try:
        ops = ctx.store.write_operations(body.query, body.params)
    except StoreError:
        raise QueryRefused("query could not be planned") from None
    except (ValueError, TypeError):
        raise DataError("parameters cannot be sent to the store") from None
    if ops:
        raise QueryRefused("engine plans write operations", operations=sorted(ops)[:10])
    try:
        rows = ctx.store.query(body.query, body.params, timeout=ctx.settings.query_timeout_s)
    except StoreError as exc:
        if exc.code != "store_error":
            raise
        raise QueryRefused("query refused by the store") from None
    except (ValueError, TypeError):
        raise DataError("parameters cannot be sent to the store") from None
    audit_note(request, results=len(rows))
    return {"rows": [plain(r) for r in rows[:body.limit]], "count": len(rows), "truncated": len(rows) > body.limit}
