"""A realistic synthetic network (placeholder until the generator lands)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from kith.services.context import Context


@dataclass(frozen=True, slots=True)
class DemoSummary:
    people: int
    interactions: int
    years: int
    seed: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def generate(
    ctx: Context,
    *,
    people: int,
    years: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    raise NotImplementedError
