"""Mail: learn from the owner's own mail who they really talk to (headers only)."""

from __future__ import annotations

import typer

mail_app = typer.Typer(
    help="What Kith learnt from your mail: candidates to review, why an address is left out.",
    no_args_is_help=True,
)


def register(app: typer.Typer, only: str | None = None) -> None:
    """Add this module's commands to ``app`` (only the one called ``only``, if given)."""
    if only in (None, "mail"):
        app.add_typer(mail_app, name="mail")


NAMES = frozenset({"mail"})
