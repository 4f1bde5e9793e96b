"""Turn store results (Node, Rel, Path, dates) into JSON-ready values.

:func:`jsonable` keeps everything (provenance included), for exports and the CLI;
:func:`plain` gives the compact form (id, labels or type, endpoints, properties) used
in clues, bundles and API responses.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import asdict, is_dataclass
from typing import Any

from kg.store.base import Node, Path, Rel


def plain(x: Any) -> Any:
    """A compact JSON-friendly copy of a result value (dates as ISO strings, non-finite
    floats and bytes as None).

    >>> plain({"d": dt.date(2023, 10, 16), "x": float("nan")})
    {'d': '2023-10-16', 'x': None}
    """
    if isinstance(x, Node):
        return {"id": x.id, "labels": list(x.labels), "properties": plain(dict(x.properties))}
    if isinstance(x, Rel):
        return {"id": x.id, "type": x.type, "start": x.start, "end": x.end, "properties": plain(dict(x.properties))}
    if isinstance(x, Path):
        return {"nodes": [plain(n) for n in x.nodes], "rels": [plain(r) for r in x.rels]}
    if isinstance(x, Mapping):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, set, frozenset)):
        return [plain(v) for v in x]
    if isinstance(x, (dt.date, dt.datetime)):
        return x.isoformat()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, bytes):
        return None
    return x


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
