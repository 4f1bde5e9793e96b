"""API settings: one pydantic-settings object, prefix ``KG_API_``, built on first use."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiSettings(BaseSettings):
    """Tunables of the HTTP service, read from ``KG_API_*`` (or ``.env``).

    Attributes
    ----------
    data_dir:
        Holds ``keys.json`` (hashed API keys), ``audit.jsonl`` (hash-chained audit
        stream), ``clues.jsonl`` / ``reviews.jsonl`` and upload folders.
    rate_per_minute, burst:
        Token-bucket rate limit per principal.
    max_body_bytes, max_upload_bytes:
        Refuse larger request bodies (413).
    query_timeout_s:
        Timeout passed to the store for every query the API runs.
    inline_wait_s:
        A pattern run finishing within this many seconds is answered inline.
    cors_origins:
        Allowed CORS origins; empty (the default) means CORS is off.
    threads:
        Worker threads for blocking handlers (per process).
    job_workers, max_jobs:
        Threads for pattern-run jobs and jobs in flight per process (uploads are ingested
        by one more thread, one at a time across processes).
    shutdown_wait_s:
        On shutdown, running jobs get this long to finish; then they are ``interrupted``.
    gc_freeze:
        At startup, move every object built so far into Python's permanent GC generation
        (``gc.freeze()``), so full collections while serving only walk what requests made.
    cache, cache_poll_ms, cache_ttl_s, cache_max_entries, cache_max_bytes:
        The per-worker read cache of entity / neighbourhood / path / search bodies
        (:mod:`api.cache`): on/off (``KG_API_CACHE=0``), how often each worker reads the
        graph generation, the longest an entry is served (bounds staleness after raw
        writes that bypass kg), and its size bounds.
    """

    model_config = SettingsConfigDict(env_prefix="KG_API_", env_file=".env", extra="ignore")

    data_dir: Path = Path(".cluegraph/api")
    rate_per_minute: int = 600
    burst: int = 120
    max_body_bytes: int = 1_000_000
    max_upload_bytes: int = 20_000_000
    query_timeout_s: float = 20.0
    inline_wait_s: float = 2.0
    max_jobs: int = 64
    job_workers: int = 2
    cors_origins: list[str] = []
    max_hops: int = 3
    max_path_length: int = 6
    max_nodes: int = 2000
    threads: int = 40
    shutdown_wait_s: float = 10.0
    gc_freeze: bool = True
    cache: bool = True
    cache_poll_ms: float = 200.0
    cache_ttl_s: float = 30.0
    cache_max_entries: int = 10_000
    cache_max_bytes: int = 64_000_000
