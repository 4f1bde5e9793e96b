"""The pipeline builds and runs with no network and no downloaded model."""

from __future__ import annotations

import socket
import subprocess
import sys
from typing import Any

import pytest

from extractors.documents import build_nlp, extract_text
from extractors.documents.pipeline import load_config_text

from .conftest import ROOT


def test_builds_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    nlp = build_nlp()
    res = extract_text("被告人张某于2023年10月16日到案。", "t", nlp=nlp)
    assert [e.label for e in res.entities] == ["PERSON", "DATE"]


def test_one_character_tokens_and_factories() -> None:
    nlp = build_nlp()
    assert nlp.lang == "zh"
    assert nlp.tokenizer.segmenter == "char"  # type: ignore[union-attr]
    doc = nlp.make_doc("中国建设银行股份有限公司北京朝阳支行2023年")
    assert all(len(t.text) == 1 for t in doc)
    assert nlp.pipe_names == ["cluegraph_patterns", "cluegraph_persons", "cluegraph_orgs", "cluegraph_resolve",
                              "cluegraph_addresses", "cluegraph_relations"]
    assert 'segmenter = "char"' in load_config_text()


def test_spacy_doc_carries_entities() -> None:
    nlp = build_nlp()
    doc = nlp("被告人张某向中国建设银行申请贷款人民币300万元。")
    assert [(e.text, e.label_) for e in doc.ents] == [("张某", "PERSON"), ("中国建设银行", "ORG"), ("人民币300万元", "MONEY")]
    assert len(doc.spans["cluegraph"]) == 3


def test_fresh_process_is_offline_and_independent_of_cwd(tmp_path: Any) -> None:
    code = ("import socket\n"
            "def refuse(*a, **k): raise SystemExit('network')\n"
            "socket.socket.connect = refuse\nsocket.create_connection = refuse\n"
            "from extractors.documents import extract_text\n"
            "r = extract_text('被告人张某于2023年10月16日借款人民币300万元。', 'x')\n"
            "print(len(r.entities), r.entities[-1].value)\n")
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "HF_HUB_OFFLINE": "1"}
    res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    # the jionlp banner must not reach stdout (it would corrupt `--jsonl` output)
    assert res.stdout.strip().splitlines() == ["3 3000000.0"]
