"""Entity resolution: identifier validation and cleaning (:mod:`kg.resolve.identifiers`,
:mod:`kg.resolve.clean`), scored matching with explanations (:mod:`kg.resolve.matching`),
judgements and canonical ids (:mod:`kg.resolve.judgements`) and the resolver over a store
(:mod:`kg.resolve.resolver`: ``resolve``, ``review``, ``replay``, ``canonical_ids``)."""

# Scored matching, judgements and the resolver (issue 5). Exported lazily: importing
# ``kg.resolve.identifiers`` (as the extractors do) must not need rapidfuzz or a store.
_EXPORTS = {
    "Entity": "matching", "Feature": "matching", "Match": "matching", "MatchSettings": "matching",
    "DEFAULT_SETTINGS": "matching", "WEIGHTS": "matching", "compare": "matching", "candidate_pairs": "matching",
    "blocking_keys": "matching", "bank_branch": "matching", "company_core": "matching", "annotate": "matching",
    "Judgement": "judgements", "JudgementLog": "judgements", "canonical_map": "judgements",
    "resolve": "resolver", "review": "resolver", "replay": "resolver", "canonical_ids": "resolver",
    "evaluate": "resolver", "load_entities": "resolver", "ResolveResult": "resolver",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):  # noqa: ANN202 - PEP 562 lazy exports
    mod = _EXPORTS.get(name)
    if mod is None:
        raise AttributeError(f"module 'kg.resolve' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"kg.resolve.{mod}"), name)
