"""cluegraph: graph investigations for legal-supervision models (大数据法律监督模型).

The core library. It imports nothing from ``extractors`` or ``api``.
"""

__version__ = "0.1.0"
