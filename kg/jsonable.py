"""Turn store results (Node, Rel, Path, dates) into JSON-ready values."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any


def jsonable(x: Any) -> Any:
    """Recursively convert dataclasses, mappings, sequences and dates for ``json.dumps``.

    >>> import datetime
    >>> jsonable({"d": datetime.date(2023, 10, 16), "l": (1, 2)})
    {'d': '2023-10-16', 'l': [1, 2]}
    """
    if is_dataclass(x) and not isinstance(x, type):
        return jsonable(asdict(x))
    if isinstance(x, dict):
        return {k: jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in x]
    if hasattr(x, "isoformat"):
        return x.isoformat()
    return x
