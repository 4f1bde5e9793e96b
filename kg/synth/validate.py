"""Check a generated scenario against its own ground truth.

Used by the tests and usable on any output directory (``python -m kg.synth.validate DIR``).
Identifier checks use python-stdnum (``cn.ric``, ``cn.uscc``, ``luhn``), imported lazily:
the generator computes check characters itself and does not need it.
"""

from __future__ import annotations

import csv
import json
import pathlib
import sys
from collections.abc import Callable, Iterator
from typing import Any


def iter_records(out_dir: str | pathlib.Path, rel: str, meta: dict[str, Any]) -> Iterator[dict[str, Any] | None]:
    """Stream the rows of a record file as dicts (row 1 first); None for unparsable lines."""
    path = pathlib.Path(out_dir) / rel
    cols = meta["columns"]
    if meta["format"] == "csv":
        with open(path, encoding=meta["encoding"], newline="") as f:
            r = csv.reader(f)
            next(r)
            for rec in r:
                yield dict(zip(cols, rec, strict=False))
    elif meta["format"] == "jsonl":
        with open(path, encoding="utf-8") as f:
            for text in f:
                try:
                    yield json.loads(text)
                except json.JSONDecodeError:
                    yield None
    else:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        try:
            it = wb.worksheets[0].iter_rows(values_only=True)
            next(it)
            for vals in it:
                vals = tuple(vals) + (None,) * (len(cols) - len(vals))  # trailing empty cells
                yield {c: ("" if v is None else str(v)) for c, v in zip(cols, vals, strict=False)}
        finally:
            wb.close()


def read_records(out_dir: str | pathlib.Path, rel: str, meta: dict[str, Any]) -> list[dict[str, Any] | None]:
    """Read a record file into a list of row dicts (index 0 = row 1); None for unparsable lines."""
    return list(iter_records(out_dir, rel, meta))


def _checker(kind: str) -> Callable[[str], bool]:
    from stdnum import luhn
    from stdnum.cn import ric, uscc

    if kind == "cn.ric":
        return ric.is_valid
    if kind == "cn.uscc":
        return uscc.is_valid
    if kind == "luhn":
        return lambda v: v.isdigit() and 16 <= len(v) <= 19 and luhn.is_valid(v)
    if kind == "cn.ric|cn.uscc":
        return lambda v: ric.is_valid(v) or uscc.is_valid(v)
    raise ValueError(kind)


def _jsonl(path: pathlib.Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def validate_output(out_dir: str | pathlib.Path, max_errors: int = 50, full: bool = True) -> list[str]:
    """Validate files, identifiers, identities, rings and hard negatives.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        A directory written by :func:`kg.synth.generate`.
    max_errors : int
        Stop collecting after this many errors.
    full : bool
        Also resolve identities, rings and hard negatives against the records (holds all
        rows in memory).  ``False`` streams the files and checks hashes, row counts,
        identifiers and broken rows only, in bounded memory (for bench scale).

    Returns
    -------
    list of str
        Human-readable errors; empty when the scenario is consistent.
    """
    from kg.synth.io import sha256_file

    out = pathlib.Path(out_dir)
    errors: list[str] = []

    def err(msg: str) -> None:
        if len(errors) < max_errors:
            errors.append(msg)

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for rel, meta in manifest["files"].items():
        if sha256_file(out / rel) != meta["sha256"]:
            err(f"{rel}: sha256 differs from manifest")
    gt = out / "ground_truth"
    broken: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for b in _jsonl(gt / "broken.jsonl"):
        broken.setdefault((b["file"], b["row"]), []).append(b)
    records: dict[str, list[dict[str, Any] | None]] = {}
    counts: dict[str, int] = {}
    values: set[str] = set()
    for rel, meta in manifest["files"].items():
        if not rel.startswith("records/"):
            continue
        rows: list[dict[str, Any] | None] = []
        n_rows = 0
        checks = {c: _checker(k) for c, k in meta["identifier_columns"].items()}
        for i, row in enumerate(iter_records(out, rel, meta), 1):
            n_rows = i
            if full:
                rows.append(row)
            bl = broken.get((rel, i), [])
            kinds = {b["kind"] for b in bl}
            if row is None:
                if "bad_json" not in kinds:
                    err(f"{rel}:{i}: unparsable line not listed in broken.jsonl")
                continue
            if full:
                for v in row.values():
                    if v not in (None, ""):
                        values.add(str(v))
            bad_cols = {b.get("column") for b in bl if b["kind"].startswith("bad_")}
            for col, ok in checks.items():
                v = row.get(col)
                if v in (None, ""):
                    continue
                v = str(v)
                if col in bad_cols:
                    if ok(v):
                        err(f"{rel}:{i}:{col}: listed as broken but valid: {v}")
                elif not ok(v):
                    err(f"{rel}:{i}:{col}: invalid identifier not listed in broken.jsonl: {v}")
            if full and rel.endswith("vat_invoices.csv"):
                values.add(f"{row.get('发票代码')}-{row.get('发票号码')}")
            if len(row) < len(meta["columns"]) and "truncated_row" not in kinds:
                err(f"{rel}:{i}: short row not listed in broken.jsonl")
        records[rel] = rows
        counts[rel] = n_rows
        if n_rows != meta["rows"]:
            err(f"{rel}: {n_rows} rows, manifest says {meta['rows']}")
    for key in broken:
        if key[0] not in counts:
            err(f"broken.jsonl names unknown file {key[0]}")
        elif not 1 <= key[1] <= counts[key[0]]:
            err(f"broken.jsonl row out of range {key}")
    if not full:
        return errors
    docs: dict[str, str] = {}
    for d in _jsonl(gt / "documents.jsonl"):
        docs[d["doc_id"]] = (out / d["path"]).read_text(encoding="utf-8")
    # identities
    known: dict[tuple[str, str], int] = {}
    for ident in _jsonl(gt / "identities.jsonl"):
        known[(ident["label"], ident["id"])] = ident["ref_count"]
        id_cols = set()
        for ref in ident["refs"]:
            if "doc" in ref:
                text = docs.get(ref["doc"])
                if text is None or text[ref["start"] : ref["end"]] != ref["text"]:
                    err(f"identity {ident['id']}: document span does not match {ref}")
                continue
            frows = records.get(ref["file"])
            if frows is None or not 1 <= ref["row"] <= len(frows):
                err(f"identity {ident['id']}: bad ref {ref}")
                continue
            row = frows[ref["row"] - 1]
            if row is None or row.get(ref["field"]) in (None, ""):
                err(f"identity {ident['id']}: empty field in {ref}")
                continue
            meta = manifest["files"][ref["file"]]
            if ref["field"] in meta["identifier_columns"]:
                id_cols.add(ref["field"])
                listed = any(b.get("column") == ref["field"] for b in broken.get((ref["file"], ref["row"]), []))
                if str(row[ref["field"]]) != ident["id"] and not listed:
                    err(f"identity {ident['id']}: {ref} holds {row[ref['field']]}")
        _ = id_cols
        if ident["ref_count"] == 0:
            err(f"identity {ident['label']}:{ident['id']} has no references")

    def member_ok(m: dict[str, Any]) -> bool:
        if m["label"] in ("Person", "Company"):
            return known.get((m["label"], m["id"]), 0) > 0
        if m["label"] == "Document":
            return m["id"] in docs
        return m["id"] in values

    for fname in ("rings.jsonl", "hard_negatives.jsonl"):
        for ring in _jsonl(gt / fname):
            for m in ring["members"]:
                if not member_ok(m):
                    err(f"{fname} {ring.get('ring_id') or ring.get('hn_id')}: member {m} not found in records")
    return errors


if __name__ == "__main__":  # pragma: no cover
    problems = validate_output(sys.argv[1], full="--quick" not in sys.argv[2:])
    print("\n".join(problems) or "ok")
    raise SystemExit(1 if problems else 0)
