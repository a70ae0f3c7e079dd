"""Data commands: export, import, demo, config, db."""

from __future__ import annotations

from pathlib import Path

import typer

from kith.cli.state import state_of

export_app = typer.Typer(
    help="Write your data out: a full JSON backup, or vCards.", no_args_is_help=True
)
import_app = typer.Typer(
    help="Bring data in: vCards, CSV exports (LinkedIn, Google, Outlook), a JSON backup.",
    no_args_is_help=True,
)
sync_app = typer.Typer(
    help="Keep Kith and another address book in step, both ways.", no_args_is_help=True
)
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
    for name, group in (("sync", sync_app), ("config", config_app), ("db", db_app)):
        if only in (None, name):
            app.add_typer(group, name=name)


NAMES = frozenset({"export", "import", "demo", "sync", "config", "db"})


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


@import_app.command("vcard")
def import_vcard(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="vCard files (.vcf) or folders of them."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Bring in contacts from vCards (2.1, 3.0, 4.0): one person per human.

    The same e-mail or phone merges with who you already have; names alone never do
    (see `kith dupes`).  Running it again adds nothing; a newer export updates what changed.
    """
    from kith.cli import render
    from kith.services import exchange

    context = state_of(ctx).context()
    with render.progress("Importing contacts") as advance:
        summary = exchange.import_vcards(context, paths, progress=advance)
    render.import_summary(summary, as_json=as_json)


@import_app.command("csv")
def import_csv(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A CSV export of your contacts."),
    format: str = typer.Option(
        "auto", "--format", help="linkedin, google, outlook, or auto (recognised by its header)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Bring in a LinkedIn Connections.csv, a Google Contacts or an Outlook CSV export.

    Any encoding they come in (UTF-8, UTF-16, Latin-1, Shift-JIS); the summary says which.
    """
    from kith.cli import render
    from kith.services import exchange

    context = state_of(ctx).context()
    with render.progress("Importing contacts") as advance:
        summary = exchange.import_csv(context, file, format=format, progress=advance)
    render.import_summary(summary, as_json=as_json)


@export_app.command("vcard")
def export_vcard(
    ctx: typer.Context,
    target: Path = typer.Argument(
        ..., help="A .vcf file for all cards, or a folder (ending in /) for one card per file."
    ),
    version: str = typer.Option("3.0", "--version", help="vCard version: 3.0 or 4.0."),
) -> None:
    """Everyone as vCards, to take your contacts anywhere (Kith's own fields as X-KITH-*)."""
    from kith.cli import render
    from kith.services import exchange

    summary = exchange.export_vcards(state_of(ctx).context(), target, version=version)
    render.done(f"Wrote {summary.cards} cards to {summary.target}.")


@sync_app.command("vdir")
def sync_vdir(
    ctx: typer.Context,
    folder: Path = typer.Argument(
        ..., help="A folder of one-card-per-file .vcf (khard, vdirsyncer)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Two-way sync with a vdir folder: new, changed and deleted cards on either side.

    When both sides changed someone, changes to different fields are combined and Kith's
    value wins where the same field changed.  A card deleted from the folder lets the
    person go in Kith (archived, nothing lost).  To reach a CardDAV server (iCloud,
    Google, Nextcloud, Radicale), let vdirsyncer keep this folder in step with it:
    see docs/carddav.md.
    """
    from kith.cli import render
    from kith.services import vdir

    summary = vdir.sync_vdir(state_of(ctx).context(), folder)
    render.sync_summary(summary, as_json=as_json)


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
