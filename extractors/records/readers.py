"""Streaming readers for agency record files: CSV (any delimiter, any encoding), XLSX, JSON lines.

Every reader yields :class:`RawRow` objects one at a time (a million-row file never sits
in memory) with the 1-based data-row number the ground truth and the provenance use
(the header line is not counted; in JSON lines, line 1 is row 1). A row that cannot be
read comes back with ``values=None`` and a ``reason`` so the caller can quarantine it.

Before a file is read, :func:`inspect_file` checks it as a whole (empty, binary,
undecodable in its detected encoding, a truncated or corrupt XLSX) and computes its
SHA-256 in the same pass, so that a file which would fail half-way is refused before
anything from it is written.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from kg.errors import ExtractionError

__all__ = ["FileInfo", "RawRow", "inspect_file", "read_rows", "read_header", "detect_encoding"]

_SAMPLE = 1 << 16
csv.field_size_limit(1 << 24)


@dataclass(frozen=True)
class RawRow:
    """One data row: its number, its values by column (``None`` if unreadable), a reason, and
    the byte offset of its line where the format has one."""

    row: int
    values: dict[str, Any] | None
    reason: str = ""
    offset: int | None = None


@dataclass(frozen=True)
class FileInfo:
    """What :func:`inspect_file` found: format, encoding, delimiter, hash, size."""

    path: Path
    fmt: str
    encoding: str | None
    delimiter: str | None
    sha256: str
    size: int


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".csv", ".tsv", ".txt", ".psv"):
        return "csv"
    raise ExtractionError("unsupported file type", suffix=suffix)


def detect_encoding(sample: bytes) -> str:
    """Encoding of a text sample: UTF-8 (with or without BOM) when it decodes, else what
    charset-normalizer finds; Chinese single-byte guesses are widened to GB18030.

    >>> detect_encoding("统一社会信用代码,企业名称".encode("gbk"))
    'gb18030'
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        # a sample may end inside a multi-byte character: trim up to 3 bytes
        for cut in range(0, 4):
            try:
                (sample[: len(sample) - cut] if cut else sample).decode("utf-8")
                return "utf-8"
            except UnicodeDecodeError:
                continue
    except Exception:  # pragma: no cover
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=["gb18030", "gbk", "gb2312", "big5", "utf_16", "utf_8"]).best()
    if best is None:
        raise ExtractionError("encoding not recognised", rule="decode", offset=0)
    enc = best.encoding.lower().replace("_", "-")
    if enc in ("gbk", "gb2312", "gb18030", "cp936", "hz"):
        return "gb18030"  # a superset: rare characters in names decode too
    return enc


def _furthest_decoding(sample: bytes) -> str:
    """The candidate encoding that decodes the longest prefix of ``sample``."""
    best, best_at = "utf-8", -1
    for enc in ("utf-8", "gb18030", "big5"):
        try:
            sample.decode(enc)
            return enc
        except UnicodeDecodeError as exc:
            if exc.start > best_at:
                best, best_at = enc, exc.start
    return best


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", "\t", "|", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def inspect_file(path: str | Path, *, encoding: str | None = None, delimiter: str | None = None) -> FileInfo:
    """Check a whole file before it is read and hash it in the same pass.

    Raises
    ------
    ExtractionError
        With a ``rule`` detail: ``empty`` (no bytes), ``binary`` (NUL bytes in a text
        file), ``decode`` (a byte sequence invalid in the detected encoding; ``offset``
        says where), ``xlsx`` (not a readable workbook: truncated or corrupt zip).
    """
    p = Path(path)
    fmt = _format_of(p)
    size = p.stat().st_size
    if size == 0:
        raise ExtractionError("empty file", rule="empty", offset=0)
    h = hashlib.sha256()
    if fmt == "xlsx":
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        try:
            with zipfile.ZipFile(p) as zf:
                bad = zf.testzip()
                if bad is not None:
                    raise ExtractionError("corrupt workbook member", rule="xlsx", member=bad)
                if not any(n.startswith("xl/worksheets/") for n in zf.namelist()):
                    raise ExtractionError("workbook has no worksheet", rule="xlsx")
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise ExtractionError("not a readable workbook (truncated or corrupt)", rule="xlsx",
                                  error=type(exc).__name__) from None
        return FileInfo(p, fmt, None, None, h.hexdigest(), size)
    with open(p, "rb") as fh:
        sample = fh.read(_SAMPLE)
    if b"\x00" in sample:
        # UTF-16 text has NULs too; only accept it with a BOM
        if not (sample.startswith(codecs.BOM_UTF16_LE) or sample.startswith(codecs.BOM_UTF16_BE)):
            raise ExtractionError("binary content in a text file", rule="binary", offset=sample.index(b"\x00"))
        enc = encoding or "utf-16"
    else:
        if len(sample) == _SAMPLE and b"\n" in sample:
            sample = sample[: sample.rfind(b"\n") + 1]  # never cut a multi-byte character
        try:
            enc = encoding or detect_encoding(sample)
        except ExtractionError:
            enc = _furthest_decoding(sample)  # the full pass below reports where it breaks
    decoder = codecs.getincrementaldecoder(enc)(errors="strict")
    offset = 0
    first_line = ""
    with open(p, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise ExtractionError("bytes not valid in the detected encoding", rule="decode",
                                      encoding=enc, offset=offset + exc.start) from None
            if not first_line:
                first_line = text.split("\n", 1)[0]
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ExtractionError("file ends inside a character", rule="decode", encoding=enc, offset=offset) from None
    delim = delimiter or (_sniff_delimiter(first_line) if fmt == "csv" else None)
    return FileInfo(p, fmt, enc, delim, h.hexdigest(), size)


def _clean_header(cells: list[Any]) -> list[str]:
    return [("" if c is None else str(c)).strip().lstrip("\ufeff") for c in cells]


def read_header(info: FileInfo) -> list[str]:
    """The column names of a file (for JSON lines: the keys of the first object)."""
    for row in _iter(info, header_only=True):
        return list(row.values or {})
    return []


def read_rows(info: FileInfo) -> Iterator[RawRow]:
    """Stream the data rows of an inspected file (see :func:`inspect_file`)."""
    return _iter(info, header_only=False)


def _iter(info: FileInfo, header_only: bool) -> Iterator[RawRow]:
    if info.fmt == "csv":
        yield from _iter_csv(info, header_only)
    elif info.fmt == "jsonl":
        yield from _iter_jsonl(info, header_only)
    else:
        yield from _iter_xlsx(info, header_only)


def _iter_csv(info: FileInfo, header_only: bool) -> Iterator[RawRow]:
    with open(info.path, encoding=info.encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=info.delimiter or ",")
        header = next(reader, None)
        if not header:
            return
        cols = _clean_header(header)
        if header_only:
            yield RawRow(0, {c: None for c in cols})
            return
        n = 0
        for rec in reader:
            if not rec or rec == [""]:
                continue  # blank line
            n += 1
            if len(rec) != len(cols):
                yield RawRow(n, None, f"expected {len(cols)} fields, found {len(rec)}")
            else:
                yield RawRow(n, dict(zip(cols, rec, strict=False)))


def _iter_jsonl(info: FileInfo, header_only: bool) -> Iterator[RawRow]:
    with open(info.path, "rb") as fh:
        n = 0
        offset = 0
        for raw in fh:
            start = offset
            offset += len(raw)
            n += 1
            line = raw.decode(info.encoding or "utf-8").strip().lstrip("\ufeff")
            if not line:
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                if header_only:
                    continue
                yield RawRow(n, None, f"invalid JSON at column {exc.colno}", start)
                continue
            if not isinstance(obj, dict):
                if not header_only:
                    yield RawRow(n, None, "JSON line is not an object", start)
                continue
            if header_only:
                yield RawRow(0, {k: None for k in obj})
                return
            yield RawRow(n, obj, "", start)


def _iter_xlsx(info: FileInfo, header_only: bool) -> Iterator[RawRow]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(info.path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a bad workbook
        raise ExtractionError("not a readable workbook", rule="xlsx", error=type(exc).__name__) from None
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            return
        cols = _clean_header(list(header))
        while cols and cols[-1] == "":
            cols.pop()
        if header_only:
            yield RawRow(0, {c: None for c in cols})
            return
        n = 0
        for rec in rows:
            n += 1
            vals = list(rec)
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in vals):
                n -= 1
                continue
            extra = [v for v in vals[len(cols):] if v not in (None, "")]
            if extra:
                yield RawRow(n, None, f"expected {len(cols)} cells, found {len(cols) + len(extra)}")
                continue
            vals = (vals + [None] * len(cols))[: len(cols)]
            yield RawRow(n, dict(zip(cols, vals, strict=False)))
    finally:
        wb.close()


