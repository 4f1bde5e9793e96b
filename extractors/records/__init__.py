"""Record extractors: declarative YAML mappings (``mappings/*.yaml``, package data) and
streaming readers for CSV (any delimiter and encoding), XLSX and JSON lines.

>>> from extractors.records import load_mappings
>>> "bank_accounts" in load_mappings()
True
"""

from extractors.records.mapping import RecordMapping, load_mappings, mapping_for
from extractors.records.readers import inspect_file, read_header, read_rows

__all__ = ["RecordMapping", "inspect_file", "load_mappings", "mapping_for", "read_header", "read_rows"]
