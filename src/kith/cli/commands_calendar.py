"""Calendars: meetings become interactions; free time goes into drafts."""

from __future__ import annotations

import typer

calendar_app = typer.Typer(
    help="Your calendars: which ones Kith reads, and when you are free.",
    no_args_is_help=True,
)


def register(app: typer.Typer, only: str | None = None) -> None:
    """Add this module's commands to ``app`` (only the one called ``only``, if given)."""
    if only in (None, "calendar"):
        app.add_typer(calendar_app, name="calendar")


NAMES = frozenset({"calendar"})
