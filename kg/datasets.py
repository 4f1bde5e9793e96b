"""Load a delimited-file dataset through a mapping in ``kg/schema/mappings`` (e.g. FinBench).

Each file of the mapping becomes node or relationship rows with a provenance ref
``<dataset>/<file>#row=<n>@<mapping>@<version>`` (row 1 is the first data row); each
file is also recorded as a ``Source`` node with its SHA-256. A row that cannot be read
(wrong field count, a value that does not fit its type, an endpoint that is not in the
graph) is quarantined with file, row and reason, and the load goes on.
"""

from __future__ import annotations

import csv
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from kg.errors import DataError, NotFound
from kg.model import Model, load_model
from kg.statement import Provenance, Source
from kg.store.base import GraphStore

log = logging.getLogger(__name__)

MAPPING_VERSION = "1"


@dataclass
class Quarantined:
    """One row that did not load, and why."""

    file: str
    row: int
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "reason": self.reason}


@dataclass
class LoadSummary:
    """What a dataset load did."""

    dataset: str
    files: int = 0
    rows_read: int = 0
    nodes: int = 0
    relationships: int = 0
    quarantined: list[Quarantined] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "files": self.files, "rows_read": self.rows_read,
                "nodes": self.nodes, "relationships": self.relationships,
                "quarantined": len(self.quarantined), "seconds": round(self.seconds, 3)}


def _read_rows(path: Path, delimiter: str) -> Iterator[tuple[int, dict[str, str] | None, str]]:
    """Yield ``(row number, row or None, reason)``; malformed rows come back as None."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        header = next(reader, None)
        if not header:
            return
        for n, rec in enumerate(reader, start=1):
            if len(rec) != len(header):
                yield n, None, f"expected {len(header)} fields, found {len(rec)}"
            else:
                yield n, dict(zip(header, rec, strict=True)), ""


def load_mapped_dataset(store: GraphStore, mapping: str, folder: str | Path, *, dataset: str | None = None,
                        model: Model | None = None, quarantine_file: str | Path | None = None,
                        progress: Callable[[str, int], None] | None = None) -> LoadSummary:
    """Load every file of ``mapping`` found in ``folder`` into ``store``.

    Nodes load before relationships so endpoints exist. Returns a :class:`LoadSummary`;
    quarantined rows are also appended as JSON lines to ``quarantine_file`` if given.
    Re-running the same load gives the same graph (MERGE on uid / rid).
    """
    m = model or load_model()
    spec = m.mappings.get(mapping)
    if spec is None:
        raise NotFound("no such mapping", mapping=mapping)
    folder = Path(folder)
    ds = dataset or mapping
    prefix = spec.get("uid_prefix", mapping)
    delim = spec.get("delimiter", ",")
    extractor = f"{mapping}@{MAPPING_VERSION}"
    summary = LoadSummary(ds)
    t0 = time.perf_counter()

    def uid(label: str, raw: str) -> str:
        return f"{prefix}:{label}:{raw}"

    def load_file(fname: str, fspec: dict[str, Any], is_rel: bool) -> None:
        path = folder / fname
        if not path.exists():
            summary.quarantined.append(Quarantined(fname, 0, "file missing"))
            return
        src = Source.from_file(f"{ds}/{fname}", path)
        rows: list[dict[str, Any]] = []
        rownos: list[int] = []
        for n, rec, reason in _read_rows(path, delim):
            summary.rows_read += 1
            if rec is None:
                summary.quarantined.append(Quarantined(fname, n, reason))
                continue
            ref = Provenance(src.source_id, f"row={n}", extractor).ref
            props = {prop: (rec.get(col) if rec.get(col) != "" else None)
                     for col, prop in (fspec.get("properties") or {}).items()}
            if is_rel:
                rows.append({"rid": f"{src.source_id}#{n}",
                             "start": uid(fspec["from"]["label"], rec.get(fspec["from"]["column"], "")),
                             "end": uid(fspec["to"]["label"], rec.get(fspec["to"]["column"], "")),
                             "props": props, "src": ref})
            else:
                rows.append({"uid": uid(fspec["label"], rec.get(fspec["id"], "")), "props": props, "src": ref})
            rownos.append(n)
        if is_rel:
            res = store.upsert_relationships(fspec["type"], rows, dataset=ds, on_error="skip")
            summary.relationships += res.written
        else:
            res = store.upsert_nodes(fspec["label"], rows, dataset=ds, on_error="skip")
            summary.nodes += res.written
        for rej in res.rejected:
            summary.quarantined.append(Quarantined(fname, rownos[rej.index], rej.reason))
        store.upsert_source(src.source_id, src.uri, src.sha256, "dataset", dataset=ds, rows=len(rownos))
        summary.files += 1
        if progress:
            progress(fname, len(rows))

    for fname, fspec in (spec.get("nodes") or {}).items():
        load_file(fname, fspec, False)
    for fname, fspec in (spec.get("relationships") or {}).items():
        load_file(fname, fspec, True)
    summary.seconds = time.perf_counter() - t0
    if quarantine_file and summary.quarantined:
        with open(quarantine_file, "a", encoding="utf-8") as fh:
            for q in summary.quarantined:
                fh.write(json.dumps(q.as_dict(), ensure_ascii=False) + "\n")
    log.info("loaded dataset=%s nodes=%d rels=%d quarantined=%d seconds=%.2f", ds, summary.nodes,
             summary.relationships, len(summary.quarantined), summary.seconds)
    return summary


def finbench_dir() -> Path:
    """Where the FinBench example snapshot lives: ``$KG_FINBENCH_DIR`` or ``../shared/data``."""
    import os

    env = os.environ.get("KG_FINBENCH_DIR")
    candidates = [Path(env)] if env else []
    here = Path(__file__).resolve().parent.parent
    candidates += [here.parent / "shared" / "data" / "finbench" / "snapshot",
                   Path.cwd().parent / "shared" / "data" / "finbench" / "snapshot"]
    for c in candidates:
        if (c / "Person.csv").exists():
            return c
    raise DataError("FinBench snapshot not found; set KG_FINBENCH_DIR")
