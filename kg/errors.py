"""The one error tree of cluegraph, with stable codes.

HTTP statuses are mapped from these only in ``api/errors.py``; the library never
returns failure as a status value.
"""

from __future__ import annotations

from typing import Any


class KGError(Exception):
    """Base of every error cluegraph raises on purpose.

    Parameters
    ----------
    message:
        What went wrong, in words for a maintainer. Must not contain personal data.
    details:
        Machine-readable context (ids, counts, names of parameters), never values that
        may carry personal data.
    """

    code = "kg_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        if not self.details:
            return self.message
        extra = ", ".join(f"{k}={v!r}" for k, v in sorted(self.details.items()))
        return f"{self.message} ({extra})"


class ModelError(KGError):
    """The investigation model (schema) is inconsistent, or data does not fit it."""

    code = "model_error"


class DataError(KGError):
    """A record, row or value is malformed."""

    code = "data_error"


class ExtractionError(KGError):
    """An extractor could not process a source."""

    code = "extraction_error"


class StoreError(KGError):
    """The graph backend failed or refused an operation."""

    code = "store_error"


class StoreUnavailable(StoreError):
    """The graph backend could not be reached or started."""

    code = "store_unavailable"


class QueryTimeout(StoreError):
    """A query ran past its timeout and was stopped by the backend."""

    code = "query_timeout"


class ConstraintViolation(StoreError):
    """A write broke a uniqueness constraint."""

    code = "constraint_violation"


class PatternError(KGError):
    """A pattern file is invalid or a pattern run failed."""

    code = "pattern_error"


class NotFound(KGError):
    """A requested node, pattern, clue or bundle does not exist."""

    code = "not_found"


class AuthError(KGError):
    """Authentication or authorisation failed."""

    code = "auth_error"
