"""Extractors: records (one YAML mapping per source) and Chinese documents (spaCy) into statements.

The record and document extractors arrive with the extractors issue; the FinBench
mapping used by the main job lives in ``kg/schema/mappings`` and is loaded by
:mod:`kg.datasets`.
"""
