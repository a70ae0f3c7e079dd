"""One person per human: dupes, merge, unmerge, distinct."""

from __future__ import annotations

from collections.abc import Callable

import typer

from kith.cli.state import state_of

JSON = typer.Option(False, "--json", help="Print JSON (see docs/json.md) instead of text.")


def dupes(
    ctx: typer.Context,
    limit: int = typer.Option(20, "--limit", "-n", help="How many pairs to list."),
    as_json: bool = JSON,
) -> None:
    """People who may be the same human (names alike; no shared e-mail or phone), best first.

    Kith never merges on names alone.  Confirm with `kith merge KEEP DROP`, or say they
    differ with `kith distinct A B`.
    """
    from kith.cli import render, shapes
    from kith.services import identity

    found = identity.duplicates(state_of(ctx).context(), limit=limit)
    if as_json:
        render.json([shapes.lookalike(item) for item in found])
    else:
        render.lookalikes(found)


def merge(
    ctx: typer.Context,
    keep: str = typer.Argument(..., help="The person to keep (name or #id)."),
    drop: str = typer.Argument(..., help="The person merged into them (name or #id)."),
    as_json: bool = JSON,
) -> None:
    """Merge DROP into KEEP: e-mails, history, outreach and introductions all follow.

    Undo with `kith unmerge KEEP`.
    """
    from kith.cli import render, shapes
    from kith.services import identity

    result = identity.merge(state_of(ctx).context(), keep=keep, drop=drop)
    if as_json:
        render.json({**shapes.person(result.kept), "merge_id": result.merge_id})
    else:
        render.done(
            f"Merged {result.dropped_name} (#{result.dropped_id}) into {result.kept.name} "
            f"(#{result.kept.id}). Undo with: kith unmerge '#{result.kept.id}'"
        )


def unmerge(
    ctx: typer.Context,
    person: str = typer.Argument(..., help="The person someone was merged into."),
    as_json: bool = JSON,
) -> None:
    """Undo the latest merge into this person: the other comes back with what was theirs."""
    from kith.cli import render, shapes
    from kith.services import identity

    kept, restored = identity.unmerge(state_of(ctx).context(), person)
    if as_json:
        render.json({"kept": shapes.person(kept), "restored": shapes.person(restored)})
    else:
        render.done(f"{restored.name} (#{restored.id}) is separate from {kept.name} again.")


def distinct(
    ctx: typer.Context,
    a: str = typer.Argument(..., help="One person."),
    b: str = typer.Argument(..., help="The other."),
) -> None:
    """Say two look-alikes are different people; `kith dupes` stops listing them."""
    from kith.cli import render
    from kith.services import identity

    first, second = identity.distinct(state_of(ctx).context(), a, b)
    render.done(f"Noted: {first.name} (#{first.id}) and {second.name} (#{second.id}) differ.")


COMMANDS: dict[str, Callable[..., None]] = {
    "dupes": dupes,
    "merge": merge,
    "unmerge": unmerge,
    "distinct": distinct,
}


def register(app: typer.Typer, only: str | None = None) -> None:
    """Add this module's commands to ``app`` (only the one called ``only``, if given)."""
    for name, command in COMMANDS.items():
        if only in (None, name):
            app.command(name, help=command.__doc__)(command)
