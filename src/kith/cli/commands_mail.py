"""Mail: learn from the owner's own mail who they really talk to (headers only)."""

from __future__ import annotations

from pathlib import Path

import typer

from kith.cli.commands_data import import_app
from kith.cli.state import state_of

JSON = typer.Option(False, "--json", help="Print JSON (see docs/json.md) instead of text.")

mail_app = typer.Typer(
    help="What Kith learnt from your mail: candidates to review, why an address is left out.",
    no_args_is_help=True,
)


def register(app: typer.Typer, only: str | None = None) -> None:
    """Add this module's commands to ``app`` (only the one called ``only``, if given)."""
    if only in (None, "mail"):
        app.add_typer(mail_app, name="mail")


NAMES = frozenset({"mail"})


@import_app.command("mail")
def import_mail(
    ctx: typer.Context,
    sources: list[str] = typer.Argument(
        ...,
        help="A Maildir, an mbox file, a folder of .eml files, or imaps://you@host/ "
        "(password from KITH_IMAP_PASSWORD or your keyring).",
        show_default=False,
    ),
    folder: list[str] = typer.Option(
        [],
        "--folder",
        "-f",
        help="IMAP folders to read (repeat); default: INBOX and your Sent folder.",
        show_default=False,
    ),
    as_json: bool = JSON,
) -> None:
    """Learn from your mail whom you really talk to, and when: headers only, never bodies.

    Your own addresses (kith me --email …) tell your mail from theirs.  Everyone you
    have written to becomes a person; people who only wrote to you wait as candidates
    (kith mail candidates).  Newsletters, lists, robots, no-reply addresses and mail to
    crowds never count.  Running it again reads only what is new.

    \b
    Examples:
      kith import mail ~/Maildir
      kith import mail ~/mail/archive.mbox
      kith import mail imaps://sam@imap.example.com/ --folder INBOX --folder Sent
    """
    from kith.cli import render
    from kith.services import mail

    context = state_of(ctx).context()
    summaries = []
    for source in sources:
        label = source if mail.is_imap(source) else str(Path(source).expanduser())
        with render.progress(f"Reading {label}") as advance:
            summaries.append(mail.import_mail(context, source, folders=folder, progress=advance))
    for summary in summaries:
        render.mail_summary(summary, as_json=as_json)


@mail_app.command("why")
def why(
    ctx: typer.Context,
    address: str = typer.Argument(..., help="An e-mail address found in your mail."),
    as_json: bool = JSON,
) -> None:
    """Why an address is a person, a candidate, or left out (and which setting decides)."""
    from kith.cli import render, shapes
    from kith.services import mail

    found = mail.why(state_of(ctx).context(), address)
    if as_json:
        render.json(shapes.mail_explanation(found))
    else:
        render.mail_explanation(found)


@mail_app.command("candidates")
def candidates(
    ctx: typer.Context,
    limit: int = typer.Option(20, "--limit", "-n", help="How many to list."),
    as_json: bool = JSON,
) -> None:
    """People who wrote to you but whom you never wrote to: add the ones you know.

    Kith does not make them people on its own: a stranger's cold e-mail is not a
    relationship.  Add someone with `kith mail accept ADDRESS`, or hide them with
    `kith mail dismiss ADDRESS`.
    """
    from kith.cli import render, shapes
    from kith.services import mail

    found = mail.candidates(state_of(ctx).context(), limit=limit)
    if as_json:
        render.json([shapes.mail_address(row) for row in found])
    else:
        render.mail_candidates(found)


@mail_app.command("accept")
def accept(
    ctx: typer.Context,
    address: str = typer.Argument(..., help="A candidate's e-mail address."),
    name: str = typer.Option("", "--name", help="Their name, if the headers got it wrong."),
) -> None:
    """Make a candidate a person; their mail becomes their history with you."""
    from kith.cli import render
    from kith.services import mail

    pid, made = mail.accept(state_of(ctx).context(), address, name=name)
    render.done(
        f"Added #{pid} with {made} message{'' if made == 1 else 's'} of history. "
        f"See them: kith show '#{pid}'"
    )


@mail_app.command("dismiss")
def dismiss(
    ctx: typer.Context,
    address: str = typer.Argument(..., help="A candidate's e-mail address."),
) -> None:
    """Stop listing a candidate (nothing else changes)."""
    from kith.cli import render
    from kith.services import mail

    mail.dismiss(state_of(ctx).context(), address)
    render.done(f"{address} is no longer listed as a candidate.")
