"""Uploads of record files and documents: checked and stored in the request, ingested by a background job."""

from __future__ import annotations

import json
import re
import secrets
import shutil
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse

from api.auth import Principal
from api.deps import Context, audit_note, get_ctx, require
from api.errors import PayloadTooLarge, UnsupportedMedia
from api.routers.patterns import safe_error
from extractors.ingest import DOCUMENT_SUFFIXES, RECORD_SUFFIXES, ingest
from kg.errors import DataError

router = APIRouter(tags=["uploads"])

ALLOWED = tuple(RECORD_SUFFIXES) + tuple(DOCUMENT_SUFFIXES)
_ZIP_MAGIC = b"PK\x03\x04"
_DATASET_RE = re.compile(r"^[A-Za-z0-9_.-]{1,60}$")


def _safe_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[^\w.\-]", "_", base)[:120].lstrip(".")
    return base or "upload"


def _check_type(suffix: str, head: bytes) -> None:
    if suffix not in ALLOWED:
        raise UnsupportedMedia("file type not accepted", allowed=list(ALLOWED), suffix=suffix[:10])
    if suffix in (".xlsx", ".xlsm"):
        if not head.startswith(_ZIP_MAGIC):
            raise UnsupportedMedia("not an Excel workbook", suffix=suffix)
    elif b"\x00" in head:
        raise UnsupportedMedia("binary content in a text file", suffix=suffix)


@router.post("/uploads", summary="Upload record files or documents; ingest them in the background",
             status_code=202,
             responses={202: {"description": "stored and queued: poll /jobs/{id} for the ingest summary and "
                                             "quarantine report"},
                        413: {"description": "too large"}, 415: {"description": "type not accepted"}})
def upload(request: Request, files: Annotated[list[UploadFile], File(description="CSV/TSV/XLSX/JSONL/TXT files")],
           dataset: Annotated[str, Form(min_length=1, max_length=60)] = "upload",
           ctx: Context = Depends(get_ctx), principal: Principal = Depends(require("analyst"))) -> JSONResponse:
    """Check and store the files in a fresh upload folder (type, size: 415/413 now), then
    answer 202 with a job id; the ingest into ``dataset`` runs in the background (one at a
    time) and ``GET /jobs/{id}`` gives its summary and quarantine report (file, row,
    reason, rule, level) once done."""
    if not _DATASET_RE.match(dataset):
        raise DataError("dataset name may hold letters, digits, '_', '-', '.'", field="dataset")
    if not files or len(files) > 20:
        raise DataError("give 1 to 20 files", limit=20)
    limit = ctx.settings.max_upload_bytes
    up_id = "up_" + secrets.token_hex(6)
    folder = ctx.settings.data_dir / "uploads" / up_id
    files_dir = folder / "files"
    files_dir.mkdir(parents=True, exist_ok=True)
    total = 0
    names: list[str] = []
    try:
        for f in files:
            name = _safe_name(f.filename or "upload")
            suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
            head = f.file.read(4096)
            _check_type(suffix, head)
            while name in names:
                name = "_" + name
            names.append(name)
            with (files_dir / name).open("wb") as out:
                out.write(head)
                total += len(head)
                while chunk := f.file.read(1 << 16):
                    total += len(chunk)
                    if total > limit:
                        raise PayloadTooLarge("upload too large", max_bytes=limit)
                    out.write(chunk)
            if total > limit:
                raise PayloadTooLarge("upload too large", max_bytes=limit)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    store = ctx.store

    def work(_job_id: str) -> dict[str, Any]:
        quarantine = folder / "quarantine.jsonl"
        summary = ingest(store, [files_dir], dataset=dataset, quarantine_file=quarantine, progress=False)
        report = []
        if quarantine.exists():
            for line in quarantine.read_text("utf-8").splitlines()[:1000]:
                if line.strip():
                    rec = json.loads(line)
                    report.append({k: rec.get(k) for k in ("file", "row", "offset", "reason", "rule", "level")
                                   if k in rec})
        return {"upload": up_id, "dataset": dataset, "files": names, "bytes": total, "summary": summary.as_dict(),
                "quarantine": report}

    job = ctx.jobs.submit(None, principal.id, work, safe_error, kind="upload",
                          meta={"upload": up_id, "dataset": dataset})
    audit_note(request, upload=up_id, files=len(names), bytes=total, dataset=dataset, job=job.id)
    return JSONResponse({"job": job.view(), "poll": f"/jobs/{job.id}", "upload": up_id, "dataset": dataset,
                         "files": names, "bytes": total}, status_code=202)
