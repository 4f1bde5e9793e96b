"""Build the offline spaCy pipeline and run it over texts and files.

The pipeline is described by ``config.cfg`` (package data): ``spacy.blank("zh")``'s
tokenizer with the ``char`` segmenter (one token per character, so every character
span is a token span) and the cluegraph components of :mod:`.components`. Nothing is
downloaded: no trained pipeline, no pkuseg model, no network.
"""

from __future__ import annotations

import hashlib
import logging
import time
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable

import spacy
from spacy.language import Language

from extractors.documents import components  # noqa: F401  (registers the factories)
from extractors.documents.result import EXTRACTOR, ExtractionResult, build_result
from kg.errors import ExtractionError

log = logging.getLogger(__name__)


def load_config_text() -> str:
    """The pipeline configuration shipped as ``extractors/documents/config.cfg``."""
    return resources.files("extractors.documents").joinpath("config.cfg").read_text(encoding="utf-8")


def build_nlp() -> Language:
    """Build a fresh pipeline from ``config.cfg`` (no downloads).

    Returns
    -------
    spacy.language.Language
        A ``zh`` pipeline with one-character tokens and the cluegraph components.

    Examples
    --------
    >>> nlp = build_nlp()
    >>> [t.text for t in nlp.make_doc("张某某")]
    ['张', '某', '某']
    """
    config = spacy.util.load_config_from_str(load_config_text(), interpolate=False)
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    components._warm_jieba()
    return nlp


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The process-wide pipeline, built once on first use (never at import)."""
    t0 = time.perf_counter()
    nlp = build_nlp()
    log.info("document pipeline built in %.2fs (%s)", time.perf_counter() - t0, EXTRACTOR)
    return nlp


def decode_bytes(raw: bytes, doc_id: str) -> str:
    """Decode a document's bytes, refusing empty, binary and undecodable input.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read directly; other encodings
    (GB18030, GBK, Big5) only when charset-normalizer is confident and the result reads
    as Chinese text.

    Raises
    ------
    kg.errors.ExtractionError
        ``reason`` is ``empty``, ``binary`` or ``undecodable``.
    """
    if not raw or not raw.strip():
        raise ExtractionError("empty document", doc=doc_id, reason="empty")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return _check_text(raw.decode("utf-16"), doc_id)
        except UnicodeDecodeError:
            raise ExtractionError("undecodable document", doc=doc_id, reason="undecodable") from None
    if b"\x00" in raw:
        raise ExtractionError("binary document", doc=doc_id, reason="binary")
    try:
        return _check_text(raw.decode("utf-8-sig"), doc_id)
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover
        raise ExtractionError("undecodable document", doc=doc_id, reason="undecodable") from None
    best = from_bytes(raw).best()
    if best is None or best.encoding not in {"gb18030", "gbk", "gb2312", "big5", "hz", "cp950"}:
        raise ExtractionError("undecodable document", doc=doc_id, reason="undecodable")
    text = str(best)
    han = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    if han < 0.3 * len(text.strip()):
        raise ExtractionError("undecodable document", doc=doc_id, reason="undecodable")
    return _check_text(text, doc_id)


def _check_text(text: str, doc_id: str) -> str:
    body = text.strip()
    if not body:
        raise ExtractionError("empty document", doc=doc_id, reason="empty")
    ctrl = sum(1 for c in body if ord(c) < 32 and c not in "\n\r\t\f")
    if "\x00" in body or ctrl > 0.05 * len(body):
        raise ExtractionError("binary document", doc=doc_id, reason="binary")
    return text


def extract_text(text: str, doc_id: str | None = None, *, uri: str | None = None, nlp: Language | None = None
                 ) -> ExtractionResult:
    """Extract entities and relations from one document's text.

    Parameters
    ----------
    text:
        The document text; character offsets in the result refer to it.
    doc_id:
        Document id (kept on every fact and used to scope masked names); defaults to
        ``text:`` plus the first 12 hex digits of the text's SHA-256.
    uri:
        Where the text came from, kept on the result's :class:`kg.statement.Source`.
    nlp:
        A pipeline from :func:`build_nlp`; the shared one by default.

    Returns
    -------
    ExtractionResult
        ``.entities``, ``.relations``, ``.statements()``.

    Raises
    ------
    kg.errors.ExtractionError
        For an empty or binary text.

    Examples
    --------
    >>> r = extract_text("被告人张某于2023年10月16日向中国建设银行股份有限公司北京朝阳支行申请贷款人民币300万元。", "ex1")
    >>> [(e.label, e.text) for e in r.entities]  # doctest: +NORMALIZE_WHITESPACE
    [('PERSON', '张某'), ('DATE', '2023年10月16日'), ('ORG', '中国建设银行股份有限公司北京朝阳支行'),
     ('MONEY', '人民币300万元')]
    >>> [(r_.type, r_.source, r_.target) for r_ in r.relations]
    [('APPLIED_FOR', '张某', '中国建设银行股份有限公司北京朝阳支行')]
    """
    raw = text.encode("utf-8")
    sha = hashlib.sha256(raw).hexdigest()
    doc_id = doc_id or f"text:{sha[:12]}"
    _check_text(text, doc_id)
    doc = (nlp or get_nlp())(text)
    return build_result(doc, doc_id=doc_id, sha256=sha, uri=uri or f"text:{doc_id}")


def extract_file(path: str | Path, doc_id: str | None = None, *, nlp: Language | None = None) -> ExtractionResult:
    """Extract from a file (its id defaults to the file name without suffix).

    The SHA-256 kept on the result is that of the file's bytes.

    Raises
    ------
    kg.errors.ExtractionError
        For an unreadable, empty, binary or undecodable file.
    """
    p = Path(path)
    doc_id = doc_id or p.stem
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ExtractionError("cannot read document", doc=doc_id, reason="unreadable", errno=exc.errno) from None
    text = decode_bytes(raw, doc_id)
    doc = (nlp or get_nlp())(text)
    return build_result(doc, doc_id=doc_id, sha256=hashlib.sha256(raw).hexdigest(), uri=str(p))


def extract_many(paths: Iterable[str | Path], nlp: Language | None = None) -> Iterable[ExtractionResult | ExtractionError]:
    """Extract several files; a bad file yields its :class:`ExtractionError` instead of stopping."""
    for p in paths:
        try:
            yield extract_file(p, nlp=nlp)
        except ExtractionError as exc:
            log.warning("document quarantined: %s (%s)", exc.details.get("doc"), exc.details.get("reason"))
            yield exc
