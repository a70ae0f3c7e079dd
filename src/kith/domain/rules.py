"""The numbers behind the engine's judgement; every one of them is a setting."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from kith.domain.model import Circle, InteractionKind

DEFAULT_CIRCLE_DAYS: dict[Circle, int] = {
    Circle.INNER: 14,
    Circle.CLOSE: 30,
    Circle.ACTIVE: 90,
    Circle.WIDER: 180,
    Circle.ACQUAINTANCE: 365,
}

DEFAULT_KIND_WEIGHTS: dict[InteractionKind, float] = {
    InteractionKind.MEETING: 10.0,
    InteractionKind.CALL: 7.0,
    InteractionKind.EVENT: 4.0,
    InteractionKind.MESSAGE: 2.0,
    InteractionKind.EMAIL: 2.0,
    InteractionKind.NOTE: 1.0,
}


@dataclass(frozen=True, slots=True)
class Rules:
    """Defaults from the product brief; ``Settings`` can override each one."""

    circle_days: dict[Circle, int] = field(default_factory=lambda: dict(DEFAULT_CIRCLE_DAYS))
    default_circle: Circle = Circle.ACTIVE
    kind_weights: dict[InteractionKind, float] = field(
        default_factory=lambda: dict(DEFAULT_KIND_WEIGHTS)
    )
    half_life_days: float = 180.0
    strength_scale: float = 40.0
    losing_touch_ratio: float = 1.5
    follow_up_days: int = 14
    reply_after_days: int = 3
    reply_window_days: int = 30
    birthday_lead_days: int = 7
    dormant_after_days: int = 90
    dormant_min_peak: int = 30
    no_reply_after_days: int = 21
    quiet_after_unanswered: int = 2
    daily_budget: int = 5
    max_reconnects: int = 2

    def cadence_of(self, circle: Circle) -> int | None:
        return self.circle_days.get(circle)

    def nearest_circle(self, days: float) -> Circle:
        """The circle whose cadence is nearest to ``days`` (on a log scale)."""
        return _nearest(tuple(self.circle_days.items()), round(days, 1))


@lru_cache(maxsize=8192)
def _nearest(circles: tuple[tuple[Circle, int], ...], days: float) -> Circle:
    best, best_distance = Circle.ACQUAINTANCE, math.inf
    for circle, cadence in circles:
        distance = abs(math.log(max(days, 1.0) / cadence))
        if distance < best_distance:
            best, best_distance = circle, distance
    return best


DEFAULT_RULES = Rules()
