"""Settings: one pydantic-settings object, prefix ``KG_``, built on first use.

``KG_STORE_URL`` chooses the backend:

* ``falkordb:///relative/or/absolute/dir`` (default ``falkordb://./.cluegraph/graph``):
  the embedded FalkorDB server owned by this process tree;
* ``neo4j://host:port`` or ``bolt://host:port``: a Neo4j server, credentials from
  ``KG_NEO4J_USER`` / ``KG_NEO4J_PASSWORD`` and database ``KG_NEO4J_DATABASE``.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from kg.errors import ModelError

DEV_NEO4J_PASSWORD = "cluegraph-dev-password"


class Settings(BaseSettings):
    """Every tunable of cluegraph. Read from the environment (``KG_*``) or ``.env``."""

    model_config = SettingsConfigDict(env_prefix="KG_", env_file=".env", extra="ignore")

    env: str = "dev"
    store_url: str = "falkordb://./.cluegraph/graph"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr(DEV_NEO4J_PASSWORD)
    neo4j_database: str = "neo4j"
    query_timeout_s: float = 60.0
    batch_size: int = 5000
    falkordb_graph: str = "cluegraph"
    falkordb_start_timeout_s: float = 20.0
    clues_dir: str = ".cluegraph/api"
    # entity resolution (kg/resolve): see kg.resolve.matching.MatchSettings
    resolve_match_threshold: float = 3.0
    resolve_review_threshold: float = 2.0
    resolve_max_block: int = 60
    resolve_name_similarity: float = 80.0
    resolve_ambiguity_margin: float = 1.0
    resolve_name_unique: bool = True
    resolve_log: str = "./.cluegraph/judgements.jsonl"

    def check(self) -> Settings:
        """Refuse development secrets outside ``env=dev``/``test``."""
        if self.env not in ("dev", "test") and (
            self.neo4j_password.get_secret_value() == DEV_NEO4J_PASSWORD
        ):
            raise ModelError("KG_NEO4J_PASSWORD is the development default outside dev", env=self.env)
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, built (and checked) on first call."""
    return Settings().check()
