"""The store classes of an earlier commit, loaded next to the current ones (for benchmarks).

``old_store(rev, url, **kw)`` reads ``kg/store/{normalise,falkordb,neo4j}.py`` at git
revision ``rev`` and opens that revision's store class on ``url`` (the rest of ``kg``,
e.g. ``kg.store.base``, is the current one). A FalkorDB store at a ``data_dir`` whose
server already runs connects to it, so old and new can be interleaved on one graph in
one process: what the decoding benchmarks compare (the result-reading code, same query,
same server, same moment).
"""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path
from typing import Any

from kg.store import GraphStore, parse_store_url

ROOT = Path(__file__).resolve().parent.parent


def _module(rev: str, name: str, replace: dict[str, str]) -> types.ModuleType:
    text = subprocess.run(["git", "show", f"{rev}:kg/store/{name}.py"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout
    for a, b in replace.items():
        text = text.replace(a, b)
    modname = f"_kg_old_{rev}_{name}"
    mod = types.ModuleType(modname)
    mod.__file__ = f"{rev}:kg/store/{name}.py"
    sys.modules[modname] = mod
    exec(compile(text, mod.__file__, "exec"), mod.__dict__)  # noqa: S102 - our own file at a git revision
    return mod


def old_store(rev: str, url: str, **kw: Any) -> GraphStore:
    """The store of ``url`` as the code at ``rev`` read results."""
    norm = _module(rev, "normalise", {})
    backend, loc = parse_store_url(url)
    repl = {"from kg.store.normalise import": f"from {norm.__name__} import"}
    if backend == "falkordb":
        mod = _module(rev, "falkordb", repl)
        return mod.FalkorDBStore(Path(loc), **kw)  # type: ignore[no-any-return]
    mod = _module(rev, "neo4j", repl)
    return mod.Neo4jStore(loc, kw.pop("user", "neo4j"), kw.pop("password", "cluegraph-dev-password"),  # type: ignore[no-any-return]
                          **kw)
