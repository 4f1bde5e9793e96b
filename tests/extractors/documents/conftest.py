"""Fixtures of the document-extractor tests: one pipeline per session (built offline)."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from extractors.documents import build_nlp

ROOT = Path(__file__).resolve().parents[3]
CAIL = ROOT.parent / "shared" / "data" / "cail2018-dev"
GOLD = ROOT / "tests" / "fixtures" / "gold" / "cail_gold.jsonl"


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The document pipeline, built once for the session."""
    return build_nlp()
