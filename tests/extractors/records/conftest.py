"""Fixtures of the record-extractor tests: one tiny scenario per session (the generator's
output at test time is the source of truth)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg.synth import generate

SEED = 11


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scenario_tiny")
    generate("tiny", SEED, out)
    return out


@pytest.fixture(scope="session")
def manifest(scenario: Path) -> dict[str, Any]:
    return json.loads((scenario / "manifest.json").read_text(encoding="utf-8"))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
