"""Ingest agency record files into the graph: detect, extract, merge on identifiers, load.

``ingest(store, paths, dataset=..., checkpoint_dir=..., quarantine_file=...)`` takes
files or folders, picks each file's mapping (``extractors/records/mappings``: file-name
pattern confirmed by the header, or the header alone, or ``source_type``), streams its
rows, turns each row into statements with provenance (``<dataset>/<file>#row=N@records.<mapping>@<v>``),
applies the deterministic identifier merges (the uid of a Person is its valid ID number,
of a Company its valid USCC, of a BankAccount its valid card number; an invalid or
conflicting identifier keys the node to its own row), and loads chunk by chunk, nodes
before relationships, idempotently.

Bad input never stops the run: an empty, binary, undecodable file or a truncated
workbook is refused as a whole before anything from it is written; a malformed row is
refused as a whole (none of its statements is written); an unreadable value (a date
``0000-00-00``) is left out of its row. Each gives a quarantine record (file, row or
offset, reason, rule, level) in the quarantine JSON-lines file and a count in the summary.

A checkpoint (``<checkpoint_dir>/<dataset>.json``) is written after every chunk and
every completed file, so an interrupted ingest resumes where it stopped and gives the
same graph as an uninterrupted one (compare :func:`graph_checksum`). A file's ``Source``
node is written before its first row; a checkpoint whose file has no such node in the
graph (the graph was cleared or the dataset deleted since) is stale and the file is
ingested again from its first row.

Command line (wired by the lead as ``kg ingest``)::

    python -m extractors.ingest PATH... --store URL --dataset NAME [--checkpoint-dir DIR]
        [--quarantine FILE] [--type MAPPING] [--chunk-size N] [--no-progress]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import json
import logging
import os
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from extractors.records.mapping import RecordMapping, fold_row, load_mappings, mapping_for
from extractors.records.readers import inspect_file, read_header, read_rows
from kg.errors import ExtractionError, KGError, NotFound
from kg.gcpause import gc_paused
from kg.statement import Provenance
from kg.store.base import GraphStore, Node, Rel, source_uid

log = logging.getLogger(__name__)

__all__ = ["IngestSummary", "ingest", "graph_checksum", "main", "parse_ref", "dataset_counts", "RECORD_SUFFIXES"]

RECORD_SUFFIXES = (".csv", ".tsv", ".psv", ".xlsx", ".xlsm", ".jsonl", ".ndjson")
DOCUMENT_SUFFIXES = (".txt",)
CHECKPOINT_VERSION = 1


@dataclass
class FileStats:
    """Per-file counts (kept in the checkpoint so a resumed run reports totals)."""

    source_id: str
    mapping: str | None = None
    rows: int = 0
    statements: int = 0
    nodes: int = 0
    relationships: int = 0
    quarantined_rows: int = 0
    quarantined_values: int = 0
    quarantined_file: bool = False
    done: bool = False
    sha256: str = ""
    chunks_done: int = 0
    rows_done: int = 0
    chunk_size: int = 0


@dataclass
class IngestSummary:
    """What an ingest did, all files together (including parts done before a resume).

    Attributes
    ----------
    records_read : int
        Data rows read (quarantined ones included).
    statements : int
        Statements extracted from the rows that loaded.
    entities, relationships : int
        Distinct node uids / relationship rids written.
    quarantined : int
        Quarantine records: files + rows + values.
    """

    dataset: str
    files: int = 0
    files_quarantined: int = 0
    records_read: int = 0
    statements: int = 0
    entities: int = 0
    relationships: int = 0
    node_rows: int = 0
    relationship_rows: int = 0
    quarantined: int = 0
    quarantined_rows: int = 0
    quarantined_values: int = 0
    resumed_files: int = 0
    documents: int = 0
    documents_failed: int = 0
    skipped: list[dict[str, str]] = field(default_factory=list)
    by_mapping: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready)."""
        d = asdict(self)
        d["seconds"] = round(self.seconds, 3)
        return d


# -- checkpoint -------------------------------------------------------------------------
class _Checkpoint:
    def __init__(self, folder: str | Path | None, dataset: str) -> None:
        self.path = Path(folder) / f"{_safe(dataset)}.json" if folder else None
        self.dataset = dataset
        self.files: dict[str, dict[str, Any]] = {}
        #: source ids whose progress was dropped because the graph no longer holds it
        self.stale: set[str] = set()
        if self.path and self.path.exists():
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") == CHECKPOINT_VERSION and data.get("dataset") == dataset:
                self.files = data.get("files", {})

    def get(self, source_id: str, sha256: str) -> FileStats | None:
        raw = self.files.get(source_id)
        if raw is None or raw.get("sha256") != sha256:
            return None
        return FileStats(**raw)

    def drop(self, source_id: str) -> None:
        """Forget a file's progress (the graph no longer holds what it recorded)."""
        self.files.pop(source_id, None)
        self.stale.add(source_id)

    def save(self, stats: FileStats) -> None:
        self.files[stats.source_id] = asdict(stats)
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"version": CHECKPOINT_VERSION, "dataset": self.dataset, "files": self.files}
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)  # atomic: a kill leaves the old or the new checkpoint


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


# -- quarantine ---------------------------------------------------------------------------
class _Quarantine:
    """Buffers quarantine records of a chunk; flushed only after the chunk is committed."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path else None
        self.pending: list[dict[str, Any]] = []

    def add(self, file: str, reason: str, rule: str, level: str, row: int | None = None,
            offset: int | None = None, column: str | None = None, mapping: str | None = None) -> None:
        rec: dict[str, Any] = {"file": file, "level": level, "row": row, "offset": offset, "column": column,
                               "reason": reason, "rule": rule, "mapping": mapping}
        self.pending.append({k: v for k, v in rec.items() if v is not None or k in ("row", "offset")})

    def flush(self) -> None:
        if self.path is not None and self.pending:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as fh:
                for rec in self.pending:
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        self.pending.clear()


# -- discovery ----------------------------------------------------------------------------
def _discover(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """Files to ingest with their source names (path relative to the folder given)."""
    out: list[tuple[Path, str]] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file()):
                if f.name.startswith(".") or f.name == "manifest.json":
                    continue
                rel = f.relative_to(p).as_posix()
                if rel.startswith("ground_truth/"):
                    continue
                out.append((f, rel))
        elif p.is_file():
            out.append((p, p.name))
        else:
            raise ExtractionError("no such file or folder", path=str(p))
    return out


# -- the ingest -----------------------------------------------------------------------------
def ingest(store: GraphStore, paths: Sequence[str | Path] | str | Path, *, dataset: str,
           checkpoint_dir: str | Path | None = None, quarantine_file: str | Path | None = None,
           progress: bool = True, source_type: str | None = None, chunk_size: int = 5000) -> IngestSummary:
    """Ingest record files (and folders of them) into ``store``.

    Parameters
    ----------
    store : GraphStore
        The target graph (schema applied or not: it is applied here, idempotently).
    paths : path or sequence of paths
        Files, or folders searched recursively (``ground_truth/`` and ``manifest.json``
        are left out). ``*.txt`` documents go to ``extractors.documents`` if it exists.
        A folder holding a ``kg/schema/mappings`` dataset (the FinBench snapshot) is
        loaded by :func:`kg.datasets.load_mapped_dataset` with that mapping.
    dataset : str
        Dataset name recorded on every element (``_ds``) and in source ids.
    checkpoint_dir : path, optional
        Where ``<dataset>.json`` records finished files and chunks; a later call resumes.
    quarantine_file : path, optional
        JSON-lines file that quarantine records are appended to.
    progress : bool
        Show a tqdm progress bar (on stderr).
    source_type : str, optional
        Force one mapping for every record file (else detected per file).
    chunk_size : int
        Rows per chunk (one checkpoint per chunk).

    Returns
    -------
    IngestSummary

    Examples
    --------
    >>> from kg.store import open_store                      # doctest: +SKIP
    >>> s = ingest(open_store(), ["scenario/"], dataset="demo")  # doctest: +SKIP
    >>> s.quarantined                                         # doctest: +SKIP
    """
    t0 = time.perf_counter()
    if isinstance(paths, (str, Path)):
        paths = [paths]
    store.apply_schema()
    summary = IngestSummary(dataset)
    ckpt = _Checkpoint(checkpoint_dir, dataset)
    quarantine = _Quarantine(quarantine_file)
    record_paths: list[str | Path] = []
    for p in paths:
        mapped = _dataset_mapping(Path(p)) if source_type is None else None
        if mapped is None:
            record_paths.append(p)
        else:
            _load_dataset_folder(store, mapped, Path(p), dataset, quarantine_file, summary)
    files = _discover(record_paths)
    bar = _progress_bar(progress)
    try:
        for path, rel in files:
            source_id = f"{dataset}/{rel}"
            suffix = path.suffix.lower()
            if suffix in DOCUMENT_SUFFIXES:
                _document(store, path, source_id, dataset, summary, quarantine)
                continue
            if suffix not in RECORD_SUFFIXES:
                summary.skipped.append({"file": rel, "reason": "not a record file"})
                continue
            resumable = source_id in ckpt.files
            with gc_paused():  # see kg.gcpause; young objects are collected after every chunk
                stats = _ingest_file(store, path, rel, source_id, dataset, ckpt, quarantine,
                                     source_type, chunk_size, bar)
            if resumable and source_id not in ckpt.stale:
                summary.resumed_files += 1
            summary.files += 1
            summary.records_read += stats.rows
            summary.statements += stats.statements
            summary.node_rows += stats.nodes
            summary.relationship_rows += stats.relationships
            summary.quarantined_rows += stats.quarantined_rows
            summary.quarantined_values += stats.quarantined_values
            summary.files_quarantined += int(stats.quarantined_file)
            if stats.mapping:
                summary.by_mapping[stats.mapping] = summary.by_mapping.get(stats.mapping, 0) + stats.rows
    finally:
        if bar is not None:
            bar.close()
    summary.entities, summary.relationships = dataset_counts(store, dataset)
    summary.quarantined = (summary.files_quarantined + summary.quarantined_rows + summary.quarantined_values
                           + summary.documents_failed)
    summary.seconds = time.perf_counter() - t0
    log.info("ingest dataset=%s files=%d rows=%d entities=%d rels=%d quarantined=%d seconds=%.2f", dataset,
             summary.files, summary.records_read, summary.entities, summary.relationships, summary.quarantined,
             summary.seconds)
    return summary


def _dataset_mapping(folder: Path) -> str | None:
    """A folder holding every node file of a ``kg/schema/mappings`` dataset mapping (FinBench)
    is loaded by :mod:`kg.datasets` with that mapping; returns its name."""
    if not folder.is_dir():
        return None
    from kg.model import load_model

    for name, spec in sorted(load_model().mappings.items()):
        node_files = list((spec.get("nodes") or {}).keys())
        if node_files and all((folder / f).is_file() for f in node_files):
            return name
    return None


def _load_dataset_folder(store: GraphStore, mapping: str, folder: Path, dataset: str,
                         quarantine_file: str | Path | None, summary: IngestSummary) -> None:
    from kg.datasets import load_mapped_dataset

    res = load_mapped_dataset(store, mapping, folder, dataset=dataset, quarantine_file=quarantine_file)
    summary.files += res.files
    summary.records_read += res.rows_read
    summary.node_rows += res.nodes
    summary.relationship_rows += res.relationships
    summary.quarantined_rows += len(res.quarantined)
    summary.by_mapping[mapping] = summary.by_mapping.get(mapping, 0) + res.rows_read


def _progress_bar(enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(desc="ingest", unit="rows", file=sys.stderr, dynamic_ncols=True)


def _document(store: GraphStore, path: Path, source_id: str, dataset: str, summary: IngestSummary,
              quarantine: _Quarantine) -> None:
    """Documents belong to ``extractors.documents``; call it when it exists, else note the skip."""
    try:
        from extractors import documents as docmod  # type: ignore[attr-defined]
        extract_file = docmod.extract_file
    except (ImportError, AttributeError):
        summary.skipped.append({"file": source_id, "reason": "document: extractors.documents.extract_file not available"})
        return
    try:
        result = extract_file(path)
        statements = list(result.statements())
    except Exception as exc:  # the document extractor is another component: never stop the run
        quarantine.add(source_id, f"document extractor failed: {type(exc).__name__}", "document", "file")
        quarantine.flush()
        summary.documents_failed += 1
        return
    rows_nodes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rows_rels: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for st in statements:
        n, r = fold_row([st])
        for k, v in n.items():
            rows_nodes[k].extend(v)
        for k, v in r.items():
            rows_rels[k].extend(v)
    _write(store, rows_nodes, rows_rels, dataset, quarantine, source_id, None, [])
    summary.statements += len(statements)
    summary.documents += 1


def _source_in_graph(store: GraphStore, source_id: str, sha256: str) -> bool:
    """Whether the graph holds the ``Source`` node of this file version (written before its rows)."""
    try:
        return store.get_node(source_uid(source_id)).properties.get("sha256") == sha256
    except NotFound:
        return False


def _ingest_file(store: GraphStore, path: Path, rel: str, source_id: str, dataset: str, ckpt: _Checkpoint,
                 quarantine: _Quarantine, source_type: str | None,
                 chunk_size: int, bar: Any) -> FileStats:
    mapping: RecordMapping | None = None
    if source_type:
        mapping = load_mappings().get(source_type)
        if mapping is None:
            raise ExtractionError("no such record mapping", source_type=source_type)
    try:
        pre = mapping_for(path.name, None, source_type) if mapping is None else mapping
        info = inspect_file(path, encoding=pre.encoding if pre else None, delimiter=pre.delimiter if pre else None)
    except ExtractionError as exc:
        return _refuse_file(path, source_id, rel, exc, quarantine, ckpt)
    done = ckpt.get(source_id, info.sha256)
    if done is not None and (done.done or done.rows_done) and not done.quarantined_file \
            and not _source_in_graph(store, source_id, info.sha256):
        # the checkpoint speaks of writes the graph no longer holds (cleared, dataset
        # deleted, another store): resuming would skip rows that are not there
        log.warning("checkpoint is stale, ingesting the file again source=%s", source_id)
        ckpt.drop(source_id)
        done = None
    if done is not None and done.done:
        log.info("file already ingested source=%s", source_id)
        if bar is not None:
            bar.update(done.rows)
        return done
    if mapping is None:
        try:
            header = read_header(info)
        except (ExtractionError, UnicodeDecodeError, ValueError) as exc:
            return _refuse_file(path, source_id, rel, ExtractionError(str(exc), rule="header"), quarantine, ckpt)
        mapping = mapping_for(path.name, header)
        if mapping is None:
            return _refuse_file(path, source_id, rel, ExtractionError("no mapping matches the file name or header",
                                                                      rule="detect"), quarantine, ckpt)
    if done is None:
        # the provenance anchor comes first: a checkpoint is trusted only while it is in the graph
        store.upsert_source(source_id, str(path.resolve()), info.sha256, "records", dataset=dataset)
    stats = done or FileStats(source_id, mapping.name, sha256=info.sha256, chunk_size=chunk_size)
    stats.mapping = mapping.name
    chunk_size = stats.chunk_size or chunk_size  # a resumed file keeps its chunk boundaries
    skip_rows = stats.rows_done
    chunk: list[tuple[int, dict[str, Any] | None, str, int | None]] = []
    try:
        for raw in read_rows(info):
            if raw.row <= skip_rows:
                continue
            chunk.append((raw.row, raw.values, raw.reason, raw.offset))
            if len(chunk) >= chunk_size:
                _chunk(store, mapping, chunk, source_id, dataset, stats, quarantine)
                stats.chunks_done += 1
                ckpt.save(stats)
                gc.collect(1)  # the chunk's cyclic garbage, if any (automatic collection is paused)
                if bar is not None:
                    bar.update(len(chunk))
                chunk = []
        if chunk:
            _chunk(store, mapping, chunk, source_id, dataset, stats, quarantine)
            stats.chunks_done += 1
            if bar is not None:
                bar.update(len(chunk))
    except (UnicodeDecodeError, ExtractionError) as exc:  # pragma: no cover - inspect_file catches these first
        quarantine.add(source_id, f"file failed while reading: {type(exc).__name__}", "read", "file",
                       row=stats.rows_done + 1, mapping=mapping.name)
        quarantine.flush()
        stats.quarantined_file = True
        stats.done = True
        ckpt.save(stats)
        return stats
    store.upsert_source(source_id, str(path.resolve()), info.sha256, "records", dataset=dataset, rows=stats.rows)
    stats.done = True
    ckpt.save(stats)
    return stats


def _refuse_file(path: Path, source_id: str, rel: str, exc: ExtractionError, quarantine: _Quarantine,
                 ckpt: _Checkpoint) -> FileStats:
    details = getattr(exc, "details", {}) or {}
    quarantine.add(source_id, getattr(exc, "message", str(exc)), f"file.{details.get('rule', 'read')}", "file",
                   offset=details.get("offset"))
    quarantine.flush()
    log.warning("file quarantined source=%s rule=%s", source_id, details.get("rule"))
    stats = FileStats(source_id, None, quarantined_file=True, done=True, sha256="")
    return stats


def _chunk(store: GraphStore, mapping: RecordMapping, chunk: list[tuple[int, dict[str, Any] | None, str, int | None]],
           source_id: str, dataset: str, stats: FileStats, quarantine: _Quarantine,) -> None:
    nodes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rels: dict[str, list[dict[str, Any]]] = defaultdict(list)
    row_of_node: dict[str, list[int]] = defaultdict(list)
    row_of_rel: dict[str, list[int]] = defaultdict(list)
    model = store.model
    seen: set[str] = set()
    for rowno, values, reason, offset in chunk:
        stats.rows += 1
        if values is None:
            quarantine.add(source_id, reason, "row.shape", "row", row=rowno, offset=offset, mapping=mapping.name)
            stats.quarantined_rows += 1
            continue
        prov = Provenance(source_id, f"row={rowno}", mapping.extractor)
        res = mapping.extract(values, prov, model, seen)
        if res.error is not None:
            quarantine.add(source_id, res.error, res.rule or "row", "row", row=rowno, offset=offset,
                           mapping=mapping.name)
            stats.quarantined_rows += 1
            continue
        for issue in res.issues:
            quarantine.add(source_id, issue.reason, issue.rule, "value", row=rowno, column=issue.column,
                           mapping=mapping.name)
            stats.quarantined_values += 1
        n, r = fold_row(res.statements)
        for label, rows in n.items():
            nodes[label].extend(rows)
            row_of_node[label].extend([rowno] * len(rows))
        for rtype, rows in r.items():
            rels[rtype].extend(rows)
            row_of_rel[rtype].extend([rowno] * len(rows))
        stats.statements += len(res.statements)
    stats.nodes += sum(len(v) for v in nodes.values())
    stats.relationships += sum(len(v) for v in rels.values())
    bad = _write(store, nodes, rels, dataset, quarantine, source_id, mapping.name, [row_of_node, row_of_rel])
    stats.quarantined_rows += bad
    stats.rows_done = chunk[-1][0]
    quarantine.flush()


def _write(store: GraphStore, nodes: dict[str, list[dict[str, Any]]], rels: dict[str, list[dict[str, Any]]],
           dataset: str, quarantine: _Quarantine, source_id: str, mapping: str | None,
           rowmaps: list[dict[str, list[int]]]) -> int:
    """Nodes (label by label, in name order) before relationships, one upsert call per
    label or type with all the chunk's rows: the store folds the rows of one element
    and applies them in the order given (:meth:`GraphStore.upsert_nodes`). Store
    rejections are quarantined (rows are validated before, so this is a safety net)."""
    bad = 0
    written: set[str] = set()  # uids of the node rows just written: relationship endpoints not looked up again
    for kind, groups in (("node", nodes), ("relationship", rels)):
        for name in sorted(groups):
            rows = groups[name]
            if kind == "node":
                res = store.upsert_nodes(name, rows, dataset=dataset, on_error="skip")
                refused = {rej.index for rej in res.rejected}
                written.update(r["uid"] for i, r in enumerate(rows) if i not in refused)
            else:
                res = store.upsert_relationships(name, rows, dataset=dataset, on_error="skip", present=written)
            for rej in res.rejected:
                row = rowmaps[0 if kind == "node" else 1][name][rej.index] if rowmaps else None
                quarantine.add(source_id, rej.reason, f"store.{kind}", "row", row=row, mapping=mapping)
                bad += 1
    return bad


def parse_ref(ref: str) -> Provenance:
    """Split a provenance ref ``source#locator@extractor@version`` (the extractor keeps
    its ``@version``; :meth:`kg.statement.Provenance.parse` splits at the last ``@``).

    >>> parse_ref("ds/records/a.csv#row=3@records.a@1")
    Provenance(source_id='ds/records/a.csv', locator='row=3', extractor='records.a@1')
    """
    source_id, rest = ref.rsplit("#", 1)
    locator, extractor = rest.split("@", 1)
    return Provenance(source_id, locator, extractor)


def dataset_counts(store: GraphStore, dataset: str) -> tuple[int, int]:
    """Nodes (``Source`` nodes left out) and relationships that carry ``dataset``."""
    n = store.query("MATCH (n:Entity) WHERE $ds IN n._ds AND NOT n:Source RETURN count(n) AS c", {"ds": dataset})
    r = store.query("MATCH ()-[r]->() WHERE $ds IN r._ds RETURN count(r) AS c", {"ds": dataset})
    return int(n[0]["c"]) if n else 0, int(r[0]["c"]) if r else 0


# -- checksum -------------------------------------------------------------------------------
def _jsonable(v: Any) -> Any:
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in sorted(v.items())}
    return v


def graph_checksum(store: GraphStore) -> str:
    """SHA-256 over every node and relationship of the store (ids, labels, types,
    endpoints, properties, provenance refs, datasets) in the stable order of
    :meth:`GraphStore.export`. Two graphs with the same checksum hold the same facts with
    the same provenance.

    >>> graph_checksum(store) == graph_checksum(store)   # doctest: +SKIP
    True
    """
    h = hashlib.sha256()
    for item in store.export():
        if isinstance(item, Node):
            rec: dict[str, Any] = {"n": item.id, "labels": sorted(item.labels)}
        elif isinstance(item, Rel):
            rec = {"r": item.id, "type": item.type, "start": item.start, "end": item.end}
        else:  # pragma: no cover
            continue
        rec.update(props=_jsonable(dict(item.properties)), src=list(item.sources), ds=sorted(item.datasets),
                   pv=_jsonable(dict(item.property_sources)))
        h.update(json.dumps(rec, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


# -- command line -----------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m extractors.ingest`` (``kg ingest``)."""
    p = argparse.ArgumentParser(prog="kg ingest", description="Ingest agency record files into the graph.")
    p.add_argument("paths", nargs="*", help="files or folders (a scenario folder: records/ and documents/)")
    p.add_argument("--store", default=None, help="store URL (default: KG_STORE_URL)")
    p.add_argument("--dataset", default="records", help="dataset name (default: records)")
    p.add_argument("--checkpoint-dir", default=None, help="folder for the resume checkpoint")
    p.add_argument("--quarantine", default=None, help="quarantine JSON-lines file (appended)")
    p.add_argument("--type", dest="source_type", default=None, help="force one mapping for every record file")
    p.add_argument("--chunk-size", type=int, default=5000, help="rows per chunk / checkpoint (default 5000)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--list-mappings", action="store_true", help="list the record mappings and exit")
    p.add_argument("--resolve", action="store_true",
                   help="run entity resolution (kg.resolve) after loading; thresholds from KG_RESOLVE_*")
    p.add_argument("--resolve-log", default=None, help="judgement log (default: KG_RESOLVE_LOG)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run an ingest from the command line; prints the summary as JSON. Exit status 2 on error."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list_mappings:
        for m in load_mappings().values():
            print(f"{m.name}\t{m.title_zh}\t{', '.join(m.files)}")
        return 0
    if not args.paths:
        parser.error("give at least one file or folder")
    from kg.store import open_store

    try:
        with open_store(args.store) as store:
            summary = ingest(store, args.paths, dataset=args.dataset, checkpoint_dir=args.checkpoint_dir,
                             quarantine_file=args.quarantine, progress=not args.no_progress,
                             source_type=args.source_type, chunk_size=args.chunk_size)
            out = summary.as_dict()
            if args.resolve:
                from kg.resolve.matching import MatchSettings
                from kg.resolve.resolver import resolve
                from kg.settings import get_settings

                out["resolution"] = resolve(store, args.resolve_log or get_settings().resolve_log,
                                            settings=MatchSettings.from_settings()).as_dict()
    except KGError as exc:
        print(f"[{exc.code}] {exc}", file=sys.stderr)
        return 2
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
