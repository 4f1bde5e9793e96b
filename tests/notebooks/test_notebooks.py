"""The investigation notebooks (``notebooks/*.ipynb``) run top to bottom, offline, on the
embedded store, and are committed without outputs.

Each notebook asserts facts about its own results (a clue of the expected rule, a
provenance ref back to the source row, a verified bundle, ...), so a notebook that runs
without error has also checked its investigation. Each creates and closes its own
``falkordb://<tempdir>`` store.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 120  # seconds per cell; the slowest cell (FinBench load) takes a few seconds
KERNEL = "python3"
EXPECTED = {"01_quickstart.ipynb", "02_broker_insider_ring.ipynb", "03_entity_resolution_review.ipynb",
            "04_new_pattern.ipynb", "05_finbench_risk.ipynb"}


def _ensure_kernel() -> str:
    """The ``python3`` kernel spec, registered for this interpreter only if none exists."""
    try:
        KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--user", "--name", KERNEL],
                       check=True, capture_output=True)
        KernelSpecManager().get_kernel_spec(KERNEL)
    return KERNEL


def _stop_embedded_servers(root: Path) -> list[str]:
    """Stop any embedded FalkorDB still running under ``root``; return their directories."""
    from kg.store.embedded import EmbeddedServer

    left = []
    for pid_file in sorted(root.rglob("falkordb.pid")):
        server = EmbeddedServer(pid_file.parent)
        if server.pid() is not None:
            left.append(str(pid_file.parent))
            server.stop()
    return left


def test_every_expected_notebook_is_there() -> None:
    assert EXPECTED <= {p.name for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, f"{path.name}: cells with outputs or execution counts: {dirty} (strip them)"
    assert any(c.cell_type == "code" and "assert " in c.source for c in nb.cells), "a notebook must assert"
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in md) and any(ch.isascii() and ch.isalpha() for ch in md), \
        "markdown in Chinese and English"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path, tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    env_before = dict(os.environ)
    os.environ["KG_NOTEBOOK_TMPDIR"] = str(tmp_path)  # the notebook's store and files go here
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name=_ensure_kernel(), allow_errors=False,
                            resources={"metadata": {"path": str(ROOT)}})
    t0 = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as exc:  # the message names the cell and the traceback
        pytest.fail(f"{path.name} failed:\n{exc}")
    finally:
        os.environ.clear()
        os.environ.update(env_before)
        leaked = _stop_embedded_servers(tmp_path)  # a failed notebook never reached store.close()
    assert not leaked, f"{path.name} left embedded servers running in {leaked} (close the store)"
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    print(f"{path.name}: {time.perf_counter() - t0:.1f}s")
