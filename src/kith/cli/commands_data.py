"""Data commands: export, import, demo, config, db."""

from __future__ import annotations

from pathlib import Path

import typer

from kith.cli.state import state_of

export_app = typer.Typer(help="Write your data out: a full JSON backup.", no_args_is_help=True)
import_app = typer.Typer(help="Bring data in: a JSON backup.", no_args_is_help=True)
config_app = typer.Typer(
    help="Show and change settings (cadences, budget, thresholds…).", no_args_is_help=True
)
db_app = typer.Typer(help="The database: where it is, its schema, upgrades.", no_args_is_help=True)


def register(app: typer.Typer, only: str | None = None) -> None:
    """Add this module's commands to ``app`` (only the one called ``only``, if given)."""
    for name, group in (("export", export_app), ("import", import_app)):
        if only in (None, name):
            app.add_typer(group, name=name)
    if only in (None, "demo"):
        app.command("demo", help=demo.__doc__)(demo)
    for name, group in (("config", config_app), ("db", db_app)):
        if only in (None, name):
            app.add_typer(group, name=name)


NAMES = frozenset({"export", "import", "demo", "config", "db"})


@export_app.command("json")
def export_json(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="Where to write the backup ('-' for standard output)."),
) -> None:
    """A full backup of everything Kith stores, as one JSON document."""
    import sys

    from kith.cli import render
    from kith.services import backup

    context = state_of(ctx).context()
    if str(file) == "-":
        backup.export_json(context, sys.stdout)
        return
    summary = backup.export_json(context, file)
    render.backup_summary("Wrote", summary)


@import_app.command("json")
def import_json(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A backup made by `kith export json`."),
) -> None:
    """Restore a backup into an empty database (use --db to choose a new one)."""
    from kith.cli import render
    from kith.services import backup

    summary = backup.import_json(state_of(ctx).context(), file)
    render.backup_summary("Restored", summary)


def demo(
    ctx: typer.Context,
    people: int = typer.Option(300, "--people", help="How many people."),
    years: int = typer.Option(6, "--years", help="Years of history."),
    seed: int = typer.Option(7, "--seed", help="Same seed, same network."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Make a realistic synthetic network to explore Kith (or to benchmark it).

    Without --db it goes into a separate demo database, never into yours; the
    command prints how to look at it.
    """
    from kith.cli import render
    from kith.config import user_data_dir
    from kith.errors import InputError
    from kith.services import demo as demo_service

    state = state_of(ctx)
    if people < 1 or years < 1:
        raise InputError("--people and --years must be at least 1", field="people")
    own_db = state.db is None
    if own_db:
        state.db = str(user_data_dir() / "demo.db")
    context = state.context()
    with render.progress("Building the demo network") as advance:
        summary = demo_service.generate(
            context, people=people, years=years, seed=seed, progress=advance
        )
    if as_json:
        render.json(summary.as_dict())
    else:
        render.demo_summary(summary, db=state.db if own_db else None)


@config_app.command("show")
def config_show(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Every setting, its value, and where the value came from."""
    from kith.cli import render

    render.settings(state_of(ctx).settings(), as_json=as_json)


@config_app.command("set")
def config_set(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Setting name (see `kith config show`)."),
    value: str = typer.Argument(..., help="New value."),
) -> None:
    """Change a setting in your config file."""
    from kith.cli import render
    from kith.config import write_setting

    path = state_of(ctx).settings().config_path
    write_setting(path, name, value)
    render.done(f"Set {name} = {value} in {path}.")


@config_app.command("unset")
def config_unset(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Setting name."),
) -> None:
    """Go back to the default for a setting."""
    from kith.cli import render
    from kith.config import write_setting

    path = state_of(ctx).settings().config_path
    write_setting(path, name, None)
    render.done(f"{name} is back to its default.")


@db_app.command("info")
def db_info(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Which database Kith uses, its schema revision and what it holds."""
    from kith.cli import render
    from kith.services import admin

    info = admin.database_info(state_of(ctx).context())
    if as_json:
        render.json(info)
    else:
        render.key_values("Database", info)


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Bring an older database's schema up to date (Kith also does this when it opens one)."""
    from kith.cli import render

    context = state_of(ctx).context()
    render.done(f"{context.db.url} is up to date.")
