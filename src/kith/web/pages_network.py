"""The network at a glance: four charts, each with its numbers beside it in a table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from kith.services import overview as overview_service
from kith.services.overview import Overview
from kith.web import charts
from kith.web.charts import Series
from kith.web.deps import ctx_of, render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart and the same numbers as a table (headers, rows) for those who prefer reading."""

    key: str
    heading: str
    note: str
    svg: Markup
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@router.get("/network", response_class=HTMLResponse)
def network_page(request: Request) -> Response:
    ctx = ctx_of(request)
    found = overview_service.overview_this_hour(ctx)
    return render(
        request, "network.html", title="Network", found=found, charts=build_charts(found),
        ctx=ctx,
    )  # fmt: skip


def build_charts(found: Overview) -> list[Chart]:
    return [_circles(found), _since(found), _weeks(found), _strength(found)]


def _circles(found: Overview) -> Chart:
    labels = [c.label for c in found.circles]
    series = [
        Series("you chose", [c.chosen for c in found.circles], 0),
        Series("from your history", [c.inferred for c in found.circles], 1),
        Series("by default", [c.default for c in found.circles], 2),
    ]
    biggest = max(found.circles, key=lambda c: c.total)
    desc = (
        f"{found.people:,} people by circle. The largest is {biggest.label} with "
        f"{biggest.total:,}. " + "; ".join(f"{c.label}: {c.total:,}" for c in found.circles) + "."
    )
    svg = charts.hbar_chart(
        chart_id="circles", title="People by circle", desc=desc, labels=labels, series=series
    )
    return Chart(
        "circles",
        "People by circle",
        "Inner friends every two weeks, acquaintances once a year. Where you have not chosen, "
        "Kith reads the rhythm from your history.",
        Markup(svg),
        ("circle", "you chose", "from your history", "by default", "all"),
        tuple((c.label, c.chosen, c.inferred, c.default, c.total) for c in found.circles),
    )


def _since(found: Overview) -> Chart:
    labels = [s.label for s in found.since]
    recent = [0 if s.quiet else s.count for s in found.since]
    quiet = [s.count if s.quiet else 0 for s in found.since]
    series = [Series("in touch lately", recent, 0), Series("gone quiet", quiet, 1)]
    going = sum(quiet)
    desc = (
        f"Time since you were last in touch, for {found.people:,} people: "
        + "; ".join(f"{s.label}: {s.count:,}" for s in found.since)
        + f". {going:,} have gone quiet for three months or more"
        + (f"; {found.never:,} never were in touch." if found.never else ".")
    )
    svg = charts.hbar_chart(
        chart_id="since",
        title="Since you were last in touch",
        desc=desc,
        labels=labels,
        series=series,
    )
    rows = tuple((s.label, s.count, "yes" if s.quiet else "") for s in found.since)
    if found.never:
        rows += (("never", found.never, ""),)
    return Chart(
        "since",
        "Ties going quiet",
        "How long since your last contact. The quiet ones are worth a thought, not a worry: "
        "Kith suggests a couple of reconnects a day, no more.",
        Markup(svg),
        ("since last contact", "people", "quiet"),
        rows,
    )


def _weeks(found: Overview) -> Chart:
    labels = [f"{w.start:%-d %b}" for w in found.weeks]
    series = [
        Series("sent", [w.sent for w in found.weeks], 0),
        Series("answered", [w.replied for w in found.weeks], 1),
    ]
    sent = sum(w.sent for w in found.weeks)
    replied = sum(w.replied for w in found.weeks)
    desc = (
        f"Outreach sent through Kith in the last {len(found.weeks)} weeks: {sent}, "
        f"of which {replied} were answered. "
        + "; ".join(
            f"week of {w.start:%-d %B}: {w.sent} sent, {w.replied} answered" for w in found.weeks
        )
        + "."
    )
    svg = charts.bar_chart(
        chart_id="weeks",
        title="Outreach and replies, week by week",
        desc=desc,
        labels=labels,
        series=series,
        stacked=False,
        label_every=2,
    )
    return Chart(
        "weeks",
        "Outreach and replies",
        "Messages you marked as sent, and how many were answered before the next one. "
        "No reply is fine too.",
        Markup(svg),
        ("week of", "sent", "answered"),
        tuple((f"{w.start:%-d %B}", w.sent, w.replied) for w in found.weeks),
    )


def _strength(found: Overview) -> Chart:
    labels = [f"{m.month:%b}" for m in found.strength]
    series = [
        Series("strongest tenth", [m.top_tenth for m in found.strength], 0),
        Series("median", [m.median for m in found.strength], 1),
    ]
    sampled = (
        f" (from {found.sampled:,} of your {found.with_history:,} ties)"
        if found.sampled < found.with_history
        else ""
    )
    first, last = found.strength[0], found.strength[-1]
    desc = (
        f"Strength of your ties at the end of each month{sampled}, on a scale of 0 to 100: "
        f"the median went from {first.median:g} in {first.month:%B %Y} to {last.median:g} in "
        f"{last.month:%B %Y}; the strongest tenth from {first.top_tenth:g} to "
        f"{last.top_tenth:g}."
    )
    svg = charts.line_chart(
        chart_id="strength",
        title="Strength of your ties, month by month",
        desc=desc,
        labels=labels,
        series=series,
        top=100,
    )
    return Chart(
        "strength",
        "Strength over time",
        "Every contact adds to a tie and fades slowly after. The line above is your "
        "strongest tenth; the dashed one, a typical tie" + sampled + ".",
        Markup(svg),
        ("month", "strongest tenth", "median", "ties"),
        tuple((f"{m.month:%B %Y}", m.top_tenth, m.median, m.ties) for m in found.strength),
    )
