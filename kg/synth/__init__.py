"""Seeded scenario generator with ground truth (issue 3).

>>> from kg.synth import generate, SCALES
>>> sorted(SCALES)
['bench', 'demo', 'tiny']

``generate(scale, seed, out_dir)`` writes, under ``out_dir``:

``records/<source>.<csv|xlsx|jsonl>``
    One file per agency export, Chinese column headers (see :mod:`kg.synth.sources`).
    ``business_registry.csv`` is GBK-encoded as a district office exports it; all other
    text files are UTF-8 with ``\\n`` line ends.  Row numbers in the ground truth count
    data rows from 1 (the header line is not counted; in JSON lines, line 1 is row 1).
``documents/<doc_id>.txt``
    Chinese case documents (起诉书, 判决书, 询问笔录, 银行流水); a share is masked.
``ground_truth/identities.jsonl``
    Every true Person / Company (by ID number / USCC) with the record fields
    (file, row, field) and document spans (doc, start, end, text) that refer to it;
    at most 1,000 refs are listed per identity (``ref_count`` gives the total).
``ground_truth/rings.jsonl``
    Planted instances: ring_id, model, members (label, id, role), expected_clue,
    explanation_zh.
``ground_truth/hard_negatives.jsonl``
    Legitimate look-alikes a correct pattern must not return.
``ground_truth/broken.jsonl``
    Deliberately invalid identifiers, duplicates and malformed rows (file, row, column).
``ground_truth/mentions.jsonl`` and ``ground_truth/documents.jsonl``
    Every entity / amount / date mention in the documents, and the document index.
``manifest.json``
    Scale, seed, generator version, thresholds, and per file: format, encoding, rows,
    columns, identifier columns with their check (cn.ric, cn.uscc, luhn), sha256.

:func:`kg.synth.validate.validate_output` checks a directory against its ground truth.
"""

from kg.synth.config import SCALES, ScaleConfig
from kg.synth.generator import GENERATOR_VERSION, generate, generate_config
from kg.synth.rings import MODELS

__all__ = ["GENERATOR_VERSION", "MODELS", "SCALES", "ScaleConfig", "generate", "generate_config"]
