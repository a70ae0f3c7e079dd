"""Time spans in the words a person would use."""

from __future__ import annotations

_SMALL = (
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def ago(days: float) -> str:
    """Precise and short, for reasons: 'today', '3 days ago', '7 months ago'."""
    d = int(days)
    if d <= 0:
        return "today"
    if d == 1:
        return "yesterday"
    return f"{span(days)} ago"


def span(days: float) -> str:
    """'3 days', '2 weeks', '7 months', '2 years'."""
    d = int(days)
    if d < 14:
        return _count(max(d, 0), "day")
    if d < 60:
        return _count(round(d / 7), "week")
    if d < 365:
        return _count(round(d / 30.44), "month")
    years, rest = divmod(d, 365)
    if years == 1 and rest >= 60:
        return f"{_count(1, 'year')} and {_count(round(rest / 30.44), 'month')}"
    return _count(years + (1 if rest >= 300 else 0), "year")


def since_in_words(days: float) -> str:
    """Loose, for messages: 'a couple of weeks', 'months', 'over a year'."""
    d = int(days)
    if d < 10:
        return "a few days"
    if d < 21:
        return "a couple of weeks"
    if d < 45:
        return "a month"
    if d < 100:
        return "a couple of months"
    if d < 300:
        return "months"
    if d < 365:
        return "almost a year"
    if d < 730:
        return "over a year"
    years = d // 365
    return f"{_SMALL[years] if years < len(_SMALL) else years} years"


def every(days: int) -> str:
    """'every 2 weeks', 'every month', 'every 3 months', 'once a year'."""
    named = {
        7: "every week",
        14: "every 2 weeks",
        30: "every month",
        90: "every 3 months",
        180: "every 6 months",
        365: "once a year",
    }
    return named.get(days, f"every {days} days")
