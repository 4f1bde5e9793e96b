"""Deterministic streaming writers for CSV, JSON lines and XLSX."""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import json
import os
import pathlib
import zipfile
from typing import Any

from kg.synth.sources import Source

FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
FIXED_DOC_TIME = _dt.datetime(2024, 1, 1, 0, 0, 0)

_CORE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:creator>cluegraph-synth</dc:creator>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">2024-01-01T00:00:00Z</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2024-01-01T00:00:00Z</dcterms:modified>'
    "</cp:coreProperties>"
)


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)


class RecordWriter:
    """Writes one source file row by row and counts rows (1 = first data row)."""

    def __init__(self, source: Source, out_dir: pathlib.Path) -> None:
        self.source = source
        self.path = out_dir / source.path
        self.rows = 0
        self._wb: Any = None
        self._ws: Any = None
        if source.fmt == "csv":
            self._fh = open(self.path, "w", encoding=source.encoding, newline="")
            self._csv = csv.writer(self._fh, lineterminator="\n")
            self._csv.writerow(source.columns)
        elif source.fmt == "jsonl":
            self._fh = open(self.path, "w", encoding="utf-8", newline="\n")
        elif source.fmt == "xlsx":
            from openpyxl import Workbook

            self._wb = Workbook(write_only=True)
            self._wb.properties.creator = "cluegraph-synth"
            self._wb.properties.created = FIXED_DOC_TIME
            self._wb.properties.modified = FIXED_DOC_TIME
            self._ws = self._wb.create_sheet(title="Sheet1")
            self._ws.append(list(source.columns))
        else:  # pragma: no cover - guarded by SOURCES
            raise ValueError(source.fmt)

    def write(self, values: list[Any]) -> int:
        """Write one row (values in column order, possibly shorter) and return its number."""
        self.rows += 1
        fmt = self.source.fmt
        if fmt == "csv":
            self._csv.writerow([_cell(v) for v in values])
        elif fmt == "jsonl":
            obj = {c: v for c, v in zip(self.source.columns, values, strict=False)}
            self._fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
        else:
            self._ws.append(list(values))
        return self.rows

    def write_raw_line(self, line: str) -> int:
        """Write a raw (possibly malformed) text line for CSV / JSON lines sources."""
        self.rows += 1
        if self.source.fmt == "xlsx":
            self._ws.append([line])
        else:
            self._fh.write(line + "\n")
        return self.rows

    def close(self) -> None:
        """Flush and close; XLSX files are rewritten with fixed zip times and properties."""
        if self.source.fmt in ("csv", "jsonl"):
            self._fh.close()
            return
        buf = io.BytesIO()
        self._wb.save(buf)
        rewrite_xlsx_deterministic(buf.getvalue(), self.path)


def rewrite_xlsx_deterministic(data: bytes, path: pathlib.Path) -> None:
    """Rewrite an XLSX zip with a fixed entry time and fixed core properties."""
    src = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = _CORE_XML.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zi.create_system = 0
            dst.writestr(zi, payload, compresslevel=6)


class JsonlWriter:
    """A plain JSON-lines writer (ground truth)."""

    def __init__(self, path: pathlib.Path) -> None:
        self.path = path
        self.rows = 0
        self._fh = open(path, "w", encoding="utf-8", newline="\n")

    def write(self, obj: dict[str, Any]) -> None:
        """Write one object as a line."""
        self.rows += 1
        self._fh.write(json.dumps(obj, ensure_ascii=False, sort_keys=False) + "\n")

    def close(self) -> None:
        """Close the file."""
        self._fh.close()
