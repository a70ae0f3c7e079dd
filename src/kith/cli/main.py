"""The ``kith`` command: global options, the commands, and one place where errors become exits.

Commands import the services (and with them SQLAlchemy) only when they run, so
that ``kith --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import typer

from kith.cli import (
    commands_calendar,
    commands_data,
    commands_identity,
    commands_mail,
    commands_outreach,
    commands_people,
    commands_web,
)
from kith.cli.state import State

HELP = """Kith remembers the people you meet and tells you each day the few worth reaching out to.

Follow up with the people you meet, keep in touch on a rhythm that fits each
relationship, and rebuild dormant connections with a genuine, personal message.

Start here:

\b
  kith me --name 'Your Name' --email you@example.com --interest climate
  kith add 'Mariam Haddad' --met-at 'the Forum' --interest climate
  kith today                   who to reach out to today, and why
  kith draft 'Mariam Haddad'   a message to send, ready to edit
  kith sent 'Mariam Haddad'    once you have sent it
"""


def build_app(only: str | None = None) -> typer.Typer:
    """The ``kith`` command; with ``only``, just that subcommand is built (a faster start)."""
    app = typer.Typer(
        name="kith",
        help=HELP,
        no_args_is_help=False,
        add_completion=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
        pretty_exceptions_enable=False,
    )
    app.callback(invoke_without_command=True)(main_options)
    for module in (
        commands_people,
        commands_outreach,
        commands_identity,
        commands_data,
        commands_mail,
        commands_calendar,
        commands_web,
    ):
        module.register(app, only)
    return app


def _subcommand(args: Sequence[str]) -> str | None:
    """The subcommand named in ``args`` if Kith has it (global options come first)."""
    values = {"--db", "--now"}
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in values:
            skip = True
        elif not arg.startswith("-"):
            known = (
                commands_people.COMMANDS.keys()
                | commands_outreach.COMMANDS.keys()
                | commands_identity.COMMANDS.keys()
            )
            names = (
                commands_data.NAMES
                | commands_mail.NAMES
                | commands_calendar.NAMES
                | commands_web.NAMES
            )
            return arg if arg in known or arg in names else None
    return None


def main_options(
    ctx: typer.Context,
    db: str = typer.Option(
        None,
        "--db",
        envvar="KITH_DB",
        help="Database: a file path or an SQLAlchemy URL (postgresql+psycopg://…). "
        "Default: kith.db in your user data directory.",
        show_default=False,
    ),
    now: str = typer.Option(
        None,
        "--now",
        envvar="KITH_NOW",
        help="Pretend today is this date (YYYY-MM-DD) to replay or plan ahead.",
        show_default=False,
    ),
    version: bool = typer.Option(False, "--version", help="Print Kith's version and exit."),
) -> None:
    if version:
        from kith import __version__

        typer.echo(f"kith {__version__}")
        raise typer.Exit()
    ctx.obj = State(db=db, now=now)
    if ctx.invoked_subcommand is None:
        commands_outreach.home(ctx.obj)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``kith`` with ``argv``; returns the exit code.  No traceback reaches a user."""
    from kith.errors import KithError

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = build_app(_subcommand(args))(args=args, prog_name="kith", standalone_mode=False)
    except KithError as exc:
        _error(str(exc))
        return exc.exit_code
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        _error("stopped.")
        return 130
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument …
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            _error(str(exc))
        return 2
    except KeyboardInterrupt:
        _error("interrupted; nothing half-written was kept.")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if os.environ.get("KITH_DEBUG"):
            raise
        _error(
            f"unexpected error ({type(exc).__name__}: {exc}). "
            "This is a bug in Kith; run again with KITH_DEBUG=1 to see the details."
        )
        return 1
    return code if isinstance(code, int) else 0


def _error(message: str) -> None:
    typer.echo(f"kith: {message}", err=True)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
