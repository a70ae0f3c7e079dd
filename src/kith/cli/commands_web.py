"""The web app and what a shared server needs: serve, user accounts, tokens."""

from __future__ import annotations

import typer

from kith.cli.state import state_of

user_app = typer.Typer(
    help="Accounts of a shared Kith server (each sees only their own people).",
    no_args_is_help=True,
)
token_app = typer.Typer(
    help="Tokens for the REST API and the agenda's calendar feed.", no_args_is_help=True
)


def register(app: typer.Typer, only: str | None = None) -> None:
    """Add this module's commands to ``app`` (only the one called ``only``, if given)."""
    if only in (None, "serve"):
        app.command("serve", help=serve.__doc__)(serve)
    if only in (None, "user"):
        app.add_typer(user_app, name="user")
    if only in (None, "token"):
        app.add_typer(token_app, name="token")


NAMES = frozenset({"serve", "user", "token"})


def serve(
    ctx: typer.Context,
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on; anything but loopback needs accounts."
    ),
    port: int = typer.Option(8765, "--port", "-p", help="Port to listen on."),
    workers: int = typer.Option(
        1,
        "--workers",
        "-w",
        min=1,
        max=64,
        envvar="KITH_WORKERS",
        help="Processes answering requests: one is plenty for one person; a server for a "
        "team answers more at once with one per core.",
    ),
    secure_cookies: bool = typer.Option(
        False, "--secure-cookies", help="Send cookies over HTTPS only (behind a TLS proxy)."
    ),
) -> None:
    """Start Kith in your browser: Today, People, drafts, import, network and settings.

    It listens on 127.0.0.1 (this computer only) unless told otherwise.  To serve a
    team or reach it from other devices, first add accounts (`kith user add NAME`):
    then everyone signs in and sees only their own people.  A server for many
    people at once: `kith serve --workers 2` (or as many as the computer has cores).
    """
    from kith.cli import render
    from kith.errors import InputError
    from kith.services import accounts
    from kith.services.context import database_target
    from kith.storage.database import open_database
    from kith.web.app import WebConfig, is_loopback
    from kith.web.secret import session_secret
    from kith.web.shared import can_share
    from kith.web.worker import run

    state = state_of(ctx)
    settings = state.settings()
    if workers > 1 and not can_share():
        raise InputError(
            "several workers need file locks, which this system does not offer",
            field="workers",
            hint="leave --workers out (one process)",
        )
    main = open_database(database_target(settings, state.db))
    try:
        count = accounts.count_accounts(main)
    finally:
        main.dispose()
    if not is_loopback(host) and count == 0:
        raise InputError(
            f"serving on {host} lets other computers in, so Kith needs at least one account",
            field="host",
            hint="kith user add YOUR-NAME (then everyone signs in), or leave --host out",
        )
    if not _port_free(host, port):
        raise InputError(
            f"port {port} on {host} is taken: another Kith, or another program, listens there",
            field="port",
            hint=f"stop that one, or choose another port: kith serve --port {port + 1}",
        )
    config = WebConfig(
        settings,
        db=state.db,
        now=state.now,
        host=host,
        secret=session_secret(settings),
        secure_cookies=secure_cookies,
    )
    shown = f"[{host}]" if ":" in host else host
    several = f", {workers} worker processes" if workers > 1 else ""
    render.done(f"Kith is running at http://{shown}:{port}/  (Ctrl-C stops it{several})")
    if count or not is_loopback(host):
        render.note("Sign in with an account made by `kith user add`.")
    run(config, port=port, workers=workers)


def _port_free(host: str, port: int) -> bool:
    """Can a server listen at ``host:port``?  (Asked as uvicorn will bind, address reused.)"""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="A user name: lower-case letters and digits."),
    password: str = typer.Option(
        ...,
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        envvar="KITH_PASSWORD",
        help="Their password (asked for if not given; or KITH_PASSWORD).",
    ),
) -> None:
    """Add an account.  The first one keeps the people already here; later ones start empty."""
    from datetime import UTC, datetime

    from kith.cli import render
    from kith.services import accounts

    state = state_of(ctx)
    context = state.context()
    from kith.services.context import database_target

    account = accounts.add_account(
        context.db, database_target(state.settings(), state.db), username, password,
        datetime.now(UTC),
    )  # fmt: skip
    where = "the people already in this database" if not account.data else "an empty network"
    render.done(
        f"Added {account.username}, with {where}. Sign in at the address `kith serve` prints."
    )


@user_app.command("ls")
def user_ls(ctx: typer.Context) -> None:
    """The accounts of this server."""
    from kith.cli.output import out
    from kith.services import accounts

    found = accounts.list_accounts(state_of(ctx).context().db)
    if not found:
        out().print(
            "No accounts: Kith is single-user on this computer. Add one: kith user add NAME"
        )
    for account in found:
        out().print(f"{account.username}  (since {account.created_at.date().isoformat()})")


@user_app.command("passwd")
def user_passwd(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="Whose password."),
    password: str = typer.Option(
        ...,
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        envvar="KITH_PASSWORD",
        help="The new password.",
    ),
) -> None:
    """Set a new password for an account."""
    from kith.cli import render
    from kith.services import accounts

    accounts.set_password(state_of(ctx).context().db, username, password)
    render.done(f"New password set for {username}.")


@user_app.command("rm")
def user_rm(
    ctx: typer.Context, username: str = typer.Argument(..., help="The account to remove.")
) -> None:
    """Remove an account (their people's database is kept where it is)."""
    from kith.cli import render
    from kith.services import accounts

    account = accounts.remove_account(state_of(ctx).context().db, username)
    kept = f" Their people stay in {account.data}." if account.data else ""
    render.done(f"Removed {account.username}.{kept}")


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    name: str = typer.Option("", "--name", help="What the token is for, e.g. 'my script'."),
    feed: bool = typer.Option(False, "--feed", help="A token for the calendar feed instead."),
    user: str = typer.Option("", "--user", help="For this account (on a shared server)."),
) -> None:
    """Make a token for the REST API (or, with --feed, the agenda's calendar feed).

    The token is shown once; Kith keeps only a fingerprint of it.
    """
    from datetime import UTC, datetime

    from kith.cli.output import out
    from kith.errors import NotFound
    from kith.services import accounts

    state = state_of(ctx)
    db = state.context().db
    account_id = None
    if user:
        found = [a for a in accounts.list_accounts(db) if a.username == user.strip().lower()]
        if not found:
            raise NotFound(f"no user called {user}", hint="kith user ls")
        account_id = found[0].id
    scope = "feed" if feed else "api"
    token = accounts.create_token(
        db, account_id=account_id, name=name, scope=scope, now=datetime.now(UTC)
    )
    out().print(token, soft_wrap=True)
    if feed:
        base = str(state.settings()["web_url"]).rstrip("/")
        out().print(f"[muted]Subscribe to: {base}/feeds/{token}.ics[/muted]")
    else:
        out().print(f"[muted]Use it as: Authorization: Bearer {token}[/muted]")
