"""The digest: today's few people and why, by e-mail (for cron, or see `kith serve`)."""

from __future__ import annotations

import typer

from kith.cli.state import state_of


def register(app: typer.Typer, only: str | None = None) -> None:
    """Add this module's commands to ``app`` (only the one called ``only``, if given)."""
    if only in (None, "digest"):
        app.command("digest", help=digest.__doc__)(digest)


NAMES = frozenset({"digest"})


def digest(
    ctx: typer.Context,
    to: str = typer.Option(
        "",
        "--to",
        help="Send it here (default: the digest_to setting, else your first e-mail).",
        show_default=False,
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print the message instead of sending it."
    ),
    weekly: bool = typer.Option(False, "--weekly", help="Word it for the week, not the day."),
) -> None:
    """Send the digest now: today's few people, why, and the week so far.

    It goes over SMTP (smtp_host, smtp_user, smtp_from; the password in
    KITH_SMTP_PASSWORD).  A day with nobody on the agenda sends nothing.
    For a daily digest from cron, at 8 every morning:

    \b
      0 8 * * *  KITH_SMTP_PASSWORD=... /path/to/kith digest

    While `kith serve` runs, the digest setting (daily or weekly) sends it by itself.
    """
    import os
    from datetime import UTC, datetime

    from kith.cli import render
    from kith.cli.output import out
    from kith.services import digest as digest_service
    from kith.services.context import database_target

    state = state_of(ctx)
    context = state.context()
    setting = "weekly" if weekly else None
    composed = digest_service.compose(context, to=to or None, setting=setting)
    if dry_run:
        out().print(f"To: {composed.to}\nSubject: {composed.subject}\n", markup=False)
        out().print(composed.text, markup=False, highlight=False, soft_wrap=True)
        return
    if not composed.people:
        render.note("Nobody needs you today, so no digest was sent.")
        return
    digest_service.send(context, os.environ, composed, clock=datetime.now(UTC))
    if str(context.settings["digest"]) != "off":
        key = digest_service.state_key(database_target(state.settings(), state.db))
        digest_service.remember_sent(context.settings, key, composed.period)
    people = "1 person" if composed.people == 1 else f"{composed.people} people"
    render.done(f"Sent the digest to {composed.to} ({people}).")
