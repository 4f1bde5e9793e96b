"""Document extractor: Chinese case documents -> entity and relation mentions -> statements.

An offline spaCy pipeline on ``spacy.blank("zh")`` with one-character tokens; custom
components (``cluegraph_patterns``, ``cluegraph_persons``, ``cluegraph_orgs``,
``cluegraph_resolve``, ``cluegraph_addresses``, ``cluegraph_relations``) are spaCy
factories configured in ``config.cfg``; their rules are JSON lines in ``rules/``.

Examples
--------
>>> from extractors.documents import extract_text
>>> r = extract_text("被告人王某某将款转至李某账户。", "ex")
>>> [(x.type, x.source, x.target) for x in r.relations]
[('TRANSFERRED_TO', '王某某', '李某')]
"""

from __future__ import annotations

from extractors.documents.pipeline import build_nlp, decode_bytes, extract_file, extract_many, extract_text, get_nlp
from extractors.documents.result import EXTRACTOR, Entity, ExtractionResult, Relation, __version__, jsonl_lines

__all__ = [
    "EXTRACTOR",
    "Entity",
    "ExtractionResult",
    "Relation",
    "__version__",
    "build_nlp",
    "decode_bytes",
    "extract_file",
    "extract_many",
    "extract_text",
    "get_nlp",
    "jsonl_lines",
]
