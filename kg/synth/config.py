"""Scales of the scenario generator."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ScaleConfig:
    """Parameters of one scale.

    Attributes
    ----------
    name : str
        Scale name (tiny, demo, bench).
    people : int
        Background persons (ring and institution persons come on top).
    shard_size : int
        Background persons generated and written per shard (bounds memory).
    rings_per_model : int
        Planted instances of every model.
    negatives_per_kind : int
        Hard-negative instances of every kind.
    mask_share : float
        Share of documents masked (张某, 110105********1234).
    noise : dict
        Per-row probabilities for background rows: ``bad_identifier``, ``duplicate``,
        ``malformed``.
    """

    name: str
    people: int
    shard_size: int
    rings_per_model: int
    negatives_per_kind: int
    mask_share: float = 0.6
    noise: dict[str, float] = field(
        default_factory=lambda: {"bad_identifier": 0.004, "duplicate": 0.003, "malformed": 0.002}
    )


SCALES: dict[str, ScaleConfig] = {
    "tiny": ScaleConfig(
        "tiny",
        people=300,
        shard_size=300,
        rings_per_model=1,
        negatives_per_kind=1,
        noise={"bad_identifier": 0.01, "duplicate": 0.005, "malformed": 0.005},
    ),
    "demo": ScaleConfig("demo", people=1000, shard_size=1000, rings_per_model=2, negatives_per_kind=2),
    "bench": ScaleConfig("bench", people=1_000_000, shard_size=20_000, rings_per_model=20, negatives_per_kind=10),
}
