"""Top-level scenario generation: institutions, rings, background shards, manifest."""

from __future__ import annotations

import json
import logging
import pathlib
import shutil
import time
from typing import Any

from kg.synth import background, institutions, rings
from kg.synth.config import SCALES, ScaleConfig
from kg.synth.io import sha256_file
from kg.synth.sources import SOURCES
from kg.synth.world import World

log = logging.getLogger(__name__)
GENERATOR_VERSION = "1.0.0"


def generate(scale: str, seed: int, out_dir: str | pathlib.Path, progress: bool = False) -> dict[str, Any]:
    """Generate a synthetic investigation scenario with ground truth.

    Parameters
    ----------
    scale : str
        One of ``SCALES``: ``tiny`` (hundreds of entities, < 1 s), ``demo`` (about a
        thousand people, seconds) or ``bench`` (1,000,000 people, streamed).
    seed : int
        Seed; the same seed and scale give byte-identical output.
    out_dir : str or pathlib.Path
        Output directory; ``records/``, ``documents/`` and ``ground_truth/`` inside it
        are replaced.
    progress : bool
        Show a tqdm progress bar over shards.

    Returns
    -------
    dict
        Summary: rows per file, rings per model, documents, broken rows, seconds.

    Examples
    --------
    >>> import tempfile
    >>> s = generate("tiny", 1, tempfile.mkdtemp())
    >>> s["rings_total"] >= 23
    True
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {sorted(SCALES)}")
    return generate_config(SCALES[scale], seed, out_dir, progress)


def generate_config(cfg: ScaleConfig, seed: int, out_dir: str | pathlib.Path, progress: bool = False) -> dict[str, Any]:
    """Generate a scenario from an explicit :class:`ScaleConfig` (see :func:`generate`)."""
    t_start = time.perf_counter()
    out = pathlib.Path(out_dir)
    for sub in ("records", "documents", "ground_truth"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
        (out / sub).mkdir(parents=True)
    n_shards = max(1, -(-cfg.people // cfg.shard_size))
    w = World(seed, out, n_shards, cfg.mask_share, cfg.noise)
    institutions.build(w, seed, cfg.people)
    rings.plant_all(w, seed, cfg.rings_per_model, cfg.negatives_per_kind)
    shard_iter: Any = range(n_shards)
    if progress:
        from tqdm import tqdm

        shard_iter = tqdm(shard_iter, desc=f"synth {cfg.name}", unit="shard")
    remaining = cfg.people
    for k in shard_iter:
        n = min(cfg.shard_size, remaining)
        remaining -= n
        w.begin_shard()
        background.gen_shard(w, seed, k, n)
        w.end_shard(k)
        log.debug("shard %d written", k)
    w.close()
    files: dict[str, Any] = {}
    for src in SOURCES:
        wr = w.writers[src.name]
        files[src.path] = {
            "format": src.fmt,
            "encoding": src.encoding,
            "rows": wr.rows,
            "row_base": "1 = first data row after the header line" if src.fmt != "jsonl" else "1 = first line",
            "agency_zh": src.agency_zh,
            "columns": list(src.columns),
            "identifier_columns": src.identifiers,
            "sha256": sha256_file(wr.path),
        }
    for jw in (w.w_ident, w.w_rings, w.w_hn, w.w_broken, w.w_mentions, w.w_docs):
        rel = jw.path.relative_to(out).as_posix()
        files[rel] = {"format": "jsonl", "encoding": "utf-8", "rows": jw.rows, "sha256": sha256_file(jw.path)}
    doc_hash = _hash_documents(out / "documents")
    manifest = {
        "generator": "kg.synth",
        "generator_version": GENERATOR_VERSION,
        "scale": cfg.name,
        "seed": seed,
        "people_background": cfg.people,
        "shards": n_shards,
        "mask_share": cfg.mask_share,
        "noise": cfg.noise,
        "thresholds": rings.THRESHOLDS,
        "models": list(rings.MODELS),
        "documents": {"count": w.doc_count, "masked": w.doc_masked, "sha256_of_all": doc_hash, "encoding": "utf-8"},
        "notes_zh": "business_registry.csv 为区市场监管局导出的 GBK 编码文件，其余 CSV/JSONL 为 UTF-8；"
        "XLSX 的文档属性和压缩包时间已固定。",
        "files": files,
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n"
    )
    seconds = round(time.perf_counter() - t_start, 3)
    return {
        "scale": cfg.name,
        "seed": seed,
        "out_dir": str(out),
        "rows": {k: v["rows"] for k, v in files.items()},
        "rings": dict(sorted(w.models_planted.items())),
        "rings_total": w.ring_count,
        "hard_negatives": w.hn_count,
        "documents": w.doc_count,
        "documents_masked": w.doc_masked,
        "broken": w.broken_count,
        "seconds": seconds,
    }


def _hash_documents(doc_dir: pathlib.Path) -> str:
    import hashlib

    h = hashlib.sha256()
    for p in sorted(doc_dir.iterdir()):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()
